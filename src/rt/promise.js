// The platform side of promise.rs: JS promises awaited by Rust futures, and Rust futures run
// as tasks on the microtask queue, through one callback for the whole module (made once),
// instead of two wasm-bindgen closures per awaited promise. Also the engine's timer (time.rs):
// a promise that resolves after `ms` milliseconds (already clamped to setTimeout's range), and
// a way to clear it when the sleep is dropped early, which settles it at once (what waits for
// a promise is freed when it settles). One file, not two: each snippet is one more module for
// the page to load.

let call;

/** Keep the engine's callback `call(slot, kind, value)`. */
export function hook(callback) {
  call = callback;
}

/** Tell `slot` how `promise` settles: kind 1 fulfilled, 0 rejected (exactly once). */
export function listen(promise, slot) {
  Promise.resolve(promise).then(
    (value) => call(slot, 1, value),
    (error) => call(slot, 0, error),
  );
}

/** Poll the task `slot` in a microtask (kind 2). */
export function later(slot) {
  queueMicrotask(() => call(slot, 2, undefined));
}

/** A promise and the way to settle it: `[promise, resolve, reject]`. */
export function deferred() {
  let settle;
  const promise = new Promise((resolve, reject) => {
    settle = [resolve, reject];
  });
  return [promise, ...settle];
}

export function timer(ms) {
  let id;
  let done;
  const promise = new Promise((resolve) => {
    done = resolve;
    id = setTimeout(resolve, ms);
  });
  promise.timer = id;
  promise.done = done;
  return promise;
}

export function clearTimer(promise) {
  clearTimeout(promise.timer);
  promise.done();
}
