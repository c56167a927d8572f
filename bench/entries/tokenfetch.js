// tokenfetch (its JS; the .wasm is loaded next to the bundle).
export { default, createClient, isTokenfetchError } from "../../pkg/tokenfetch.js";
