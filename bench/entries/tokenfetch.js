// tokenfetch (its JS; the .wasm is loaded next to the bundle).
export { default, createClient, isTokenfetchError } from "../../pkg/tokenfetch.js";
// For the memory measurement only: the engine's init returns its exports (memory included)
// once loaded.
export { default as initEngine } from "../../pkg/tokenfetch_engine.js";
