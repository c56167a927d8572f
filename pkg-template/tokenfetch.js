// tokenfetch: the package entry. The engine (Rust compiled to WebAssembly) is in
// tokenfetch_engine.js / tokenfetch_engine_bg.wasm; this file loads it and adds the error class.
import initEngine, * as engine from "./tokenfetch_engine.js";

/** Every error tokenfetch throws or rejects with. */
export class TokenfetchError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "TokenfetchError";
    this.code = code;
  }
  /** Always true; works across realms, unlike `instanceof`. */
  get isTokenfetchError() {
    return true;
  }
}

/** True for errors made by tokenfetch (also from another realm or copy of the package). */
export function isTokenfetchError(value) {
  return typeof value === "object" && value !== null && value.isTokenfetchError === true;
}

let ready;
let loaded = false;

/**
 * Load the WebAssembly engine. `input` may be a URL, a `Response`, bytes or a compiled
 * `WebAssembly.Module`; by default the `.wasm` next to this file is fetched (read from disk
 * in Node). Safe to call more than once.
 */
export default function init(input) {
  ready ??= (async () => {
    let source = input;
    const isNode = typeof process === "object" && !!process.versions?.node && typeof window === "undefined";
    if (source === undefined && isNode) {
      const fs = await import(/* @vite-ignore */ "node:" + "fs/promises");
      source = await fs.readFile(new URL("./tokenfetch_engine_bg.wasm", import.meta.url));
    }
    await initEngine(source === undefined ? undefined : { module_or_path: source });
    engine.__setErrorClass(TokenfetchError);
    loaded = true;
  })().catch((error) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/** Create a client (see the README for every option). Call `await init()` first. */
export function createClient(config) {
  if (!loaded) {
    throw new TokenfetchError("call `await init()` before createClient()", "ERR_NOT_INITIALIZED");
  }
  return engine.createClient(config);
}
