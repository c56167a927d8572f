// The engine's timer: a promise that resolves after `ms` milliseconds (already clamped to
// setTimeout's range by time.rs), and a way to clear it when the sleep is dropped early.

export function timer(ms) {
  let id;
  const promise = new Promise((resolve) => {
    id = setTimeout(resolve, ms);
  });
  promise.timer = id;
  return promise;
}

export function clearTimer(promise) {
  clearTimeout(promise.timer);
}
