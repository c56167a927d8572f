// tokenfetch: the package entry. The JavaScript API lives in plain JS beside this file
// (client.js, request.js, options.js, stores.js, log.js, interceptors.js, error.js); the engine
// — the middleware chain, the token session, the single-flight refresh, retry,
// de-duplication, rate limits, timeouts and the transport — is Rust compiled to WebAssembly
// (tokenfetch_engine_bg.wasm; its wasm-bindgen glue is bundled into this file by `make pkg`).
import initEngine, { Engine } from "./tokenfetch_engine.js";
import { TokenfetchClient } from "./client.js";
import { TokenfetchError } from "./error.js";

export { TokenfetchError, isTokenfetchError } from "./error.js";

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
      // Read the .wasm from disk. Written so that no bundler sees a `node:` import: browser
      // builds never pull it in (process.getBuiltinModule is Node >= 20.16).
      const name = ["node:fs", "promises"].join("/");
      const fs = process.getBuiltinModule?.(name) ?? (await import(/* @vite-ignore */ name));
      source = await fs.readFile(new URL("./tokenfetch_engine_bg.wasm", import.meta.url));
    }
    await initEngine(source === undefined ? undefined : { module_or_path: source });
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
  return new TokenfetchClient(Engine, config);
}
