// The platform side of cross-tab coordination: a Web Lock held around a refresh, and a
// BroadcastChannel that tells the other tabs about logins, logouts and refreshes. Where either
// is missing (old browsers, Node), tokenfetch works per tab, as before.

/**
 * Ask for the Web Lock `name`. Returns a handle whose `promise` resolves once the lock is held
 * (at once where there are no Web Locks); `done(handle)` releases it, or withdraws the request
 * if it is still waiting. A tab that dies holding the lock releases it (the browser does).
 */
export function acquire(name) {
  const locks = globalThis.navigator?.locks;
  const handle = { release: undefined, dropped: false, controller: new AbortController(), promise: undefined };
  if (!locks || typeof locks.request !== "function") {
    handle.promise = Promise.resolve();
    return handle;
  }
  handle.promise = new Promise((acquired, failed) => {
    locks
      .request(name, { signal: handle.controller.signal }, () =>
        new Promise((release) => {
          // Granted after it was withdrawn (the grant raced the abort): hand it straight back
          // (and settle the promise: nothing may wait on it for ever).
          if (handle.dropped) return acquired(), release();
          handle.release = release;
          acquired();
        }),
      )
      .catch(failed);
  });
  return handle;
}

/** The handle's promise. */
export function held(handle) {
  return handle.promise;
}

/** Release the lock, or withdraw a request still waiting for it. */
export function done(handle) {
  handle.dropped = true;
  if (handle.release) handle.release();
  else handle.controller.abort();
}

/** Open the BroadcastChannel `name`, calling `onMessage(text)`; null where there is none. */
export function open(name, onMessage) {
  if (typeof BroadcastChannel !== "function") return null;
  const channel = new BroadcastChannel(name);
  // Node's channels hold the process open; a client must never keep a script from exiting.
  channel.unref?.();
  // Only a few short words mean anything (auth/tabs.rs): anything else — a large string any
  // script of the origin may post — is dropped here, before it would be copied into wasm.
  channel.onmessage = (event) => {
    if (typeof event.data === "string" && event.data.length <= 16) onMessage(event.data);
  };
  return channel;
}

/** Stop hearing and close the channel (its client is gone). */
export function close(channel) {
  if (!channel) return;
  channel.onmessage = null;
  channel.close();
}

/** Tell the other tabs `text`. */
export function post(channel, text) {
  try {
    channel?.postMessage(text);
  } catch {
    // A closed channel: nothing to tell.
  }
}
