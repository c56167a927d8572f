// The engine's calls into a token store `{ get(key), set(key, json), remove(key) }` — the app's
// own, or a built-in one from stores.js — one crossing each, the result checked here. Every
// failure is thrown (a string saying what went wrong, or a built-in store's own error); the
// engine makes it ERR_STORAGE.

// (A sibling snippet: `make pkg` bundles both from wasm-bindgen's snippets directory.)
import { errorMessage } from "../rt/fetch.js";

/** The longest stored value read (characters): two tokens of 64 KiB each and their JSON. */
const MAX_STORED = 140000;

/**
 * `store[method]` with the arguments it takes (`set` gets the access token's JWT `exp` only
 * when the store is built in): its result if it is a string. The app's store is named in the
 * errors (`storage.get threw: …`); a built-in one's errors say it all already.
 */
export function storeCall(store, builtin, method, key, value, exp) {
  const name = builtin ? "" : `storage.${method}`;
  let f;
  try {
    f = store[method];
  } catch {}
  if (typeof f !== "function") throw `${name} is not a function`;
  let result;
  try {
    result = method !== "set" ? f.call(store, key) : builtin ? f.call(store, key, value, exp) : f.call(store, key, value);
  } catch (e) {
    // A built-in store's errors say it all already (the engine reads their message).
    if (builtin) throw e;
    throw `${name} threw: ${errorMessage(e)}`;
  }
  // An async store would read as "no tokens", and its rejections would go unhandled.
  if (result instanceof Promise) throw `${name} must be synchronous (it returned a Promise)`;
  // A value far larger than two tokens (planted by another script) is garbage: it is not
  // copied into wasm (where it could exhaust the memory) nor parsed on every request.
  return typeof result === "string" && result.length <= MAX_STORED ? result : undefined;
}
