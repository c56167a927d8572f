// The platform side of the fetch transport. Each function is one crossing from wasm: the
// attempt is started, its headers read and its body read with the platform's own code
// (`fetch(url, init)`, `res.text()`, ...), never object by object from Rust.

/**
 * Start `fetch(url, init)` with an AbortController and, if `timeoutMs` > 0, a timer that
 * aborts it. `headers` is "name\nvalue\n" lines (validated in Rust: no CR/LF). With an
 * `onUpload` function the attempt goes through XMLHttpRequest instead, the only way a browser
 * reports upload progress (where there is none, as in Node, or for a stream body: fetch); its
 * download is then cut off past `limit` bytes (>= 0; negative: none) and reported to
 * `onDownload`. With `noRedirect` a redirect is not followed: its answer is a network error,
 * because the request carries a secret the browser would not strip.
 */
export function start(url, method, headers, body, credentials, timeoutMs, onUpload, limit, onDownload, noRedirect) {
  const controller = new AbortController();
  // No prototype: fetch reads every RequestInit member, and must never find a polluted
  // Object.prototype's `headers`, `body` or `mode`.
  const init = Object.create(null);
  init.method = method;
  init.credentials = credentials;
  init.signal = controller.signal;
  if (noRedirect) init.redirect = "manual";
  if (headers) {
    const parts = headers.split("\n");
    const pairs = [];
    for (let i = 0; i + 1 < parts.length; i += 2) pairs.push([parts[i], parts[i + 1]]);
    init.headers = pairs;
  }
  if (body !== undefined) {
    init.body = body;
    // Required by fetch for stream bodies.
    if (typeof ReadableStream === "function" && body instanceof ReadableStream) init.duplex = "half";
  }
  const attempt = { controller, timedOut: false, timer: undefined, promise: undefined };
  if (timeoutMs > 0) {
    attempt.timer = setTimeout(() => {
      attempt.timedOut = true;
      controller.abort();
    }, timeoutMs);
  }
  const xhr = typeof onUpload === "function" && typeof XMLHttpRequest === "function" && !init.duplex;
  try {
    attempt.promise = xhr
      ? viaXhr(url, init, onUpload, limit, onDownload)
      : typeof fetch === "function"
        ? noRedirect
          ? fetch(url, init).then(refuseRedirect)
          : fetch(url, init)
        : Promise.reject(new TypeError("fetch is unavailable"));
  } catch (error) {
    attempt.promise = Promise.reject(error);
  }
  return attempt;
}

/** The answer to a request that may not follow redirects: a redirect is refused. */
function refuseRedirect(res) {
  // A browser hides a manual redirect (`opaqueredirect`, status 0); Node shows the 3xx.
  if (res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400 && res.headers.has("location"))) {
    res.body?.cancel().catch(() => {});
    throw new TypeError("the server answered with a redirect, which a request carrying a secret does not follow");
  }
  return res;
}

/** A progress event as axios shapes it (`AxiosProgressEvent`). */
function progressEvent(loaded, total, bytes, start, direction) {
  const seconds = (performance.now() - start) / 1000;
  const rate = seconds > 0 ? loaded / seconds : undefined;
  return {
    loaded,
    total,
    progress: total ? loaded / total : undefined,
    bytes,
    rate,
    estimated: total && rate ? (total - loaded) / rate : undefined,
    lengthComputable: total !== undefined,
    [direction]: true,
  };
}

const NULL_BODY = [101, 103, 204, 205, 304];

/**
 * The request through XMLHttpRequest, answered as a real `Response` (so the rest of the
 * pipeline is the same): the same method, headers, body, credentials and abort signal.
 */
function viaXhr(url, init, onUpload, limit, onDownload) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    // Every platform callback settles the request, whatever it throws (a hostile status line
    // makes `new Response` throw): nothing may stay pending.
    const guard = (f) => (e) => {
      try {
        f(e);
      } catch (error) {
        xhr.onabort = xhr.onerror = xhr.onload = xhr.onprogress = null;
        xhr.abort();
        reject(error);
      }
    };
    xhr.open(init.method, url);
    xhr.responseType = "arraybuffer";
    xhr.withCredentials = init.credentials === "include";
    for (const [name, value] of init.headers ?? []) xhr.setRequestHeader(name, value);
    const start = performance.now();
    let last = 0;
    let down = 0;
    xhr.upload.onprogress = (e) => {
      const total = e.lengthComputable ? e.total : undefined;
      notify(onUpload, progressEvent(e.loaded, total, e.loaded - last, start, "upload"));
      last = e.loaded;
    };
    // The download, as it arrives: cut off past the limit (the body is never buffered whole).
    xhr.onprogress = guard((e) => {
      if (limit >= 0 && e.loaded > limit) throw tooLarge(limit);
      const encoded = (xhr.getResponseHeader("content-encoding") ?? "identity").trim().toLowerCase() !== "identity";
      const total = e.lengthComputable && !encoded && e.total >= e.loaded ? e.total : undefined;
      if (typeof onDownload === "function") notify(onDownload, progressEvent(e.loaded, total, e.loaded - down, start, "download"));
      down = e.loaded;
    });
    xhr.onload = guard(() => {
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const at = line.indexOf(":");
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      const status = xhr.status;
      if (status < 200 || status > 599) throw new TypeError(`network error (status ${status})`);
      const body = NULL_BODY.includes(status) ? null : xhr.response;
      if (limit >= 0 && body && body.byteLength > limit) throw tooLarge(limit);
      const res = new Response(body, { status, statusText: xhr.statusText, headers });
      // Where redirects led: the auth layer must see it (a Response made here has no URL).
      Object.defineProperty(res, "url", { value: xhr.responseURL });
      Object.defineProperty(res, "redirected", { value: xhr.responseURL !== "" && xhr.responseURL !== url });
      // Read already (and counted above): the reader must not report it again.
      res.tokenfetchRead = true;
      resolve(res);
    });
    xhr.onerror = () => reject(new TypeError("network error"));
    xhr.onabort = () => reject(new DOMException("The operation was aborted.", "AbortError"));
    init.signal.addEventListener("abort", () => xhr.abort());
    xhr.send(init.body ?? null);
  });
}

/** Call a progress listener; one that throws must not break the transfer. */
function notify(listener, event) {
  try {
    listener(event);
  } catch {}
}

const tooLarge = (limit) =>
  Object.assign(new RangeError(`the response body is larger than ${limit} bytes (maxContentLength)`), { tokenfetchTooLarge: true });

/** The attempt's `fetch` promise. */
export function promise(attempt) {
  return attempt.promise;
}

/** True if the attempt's timer aborted it. */
export function timedOut(attempt) {
  return attempt.timedOut;
}

/** Abort the attempt (dropped before it finished). */
export function abort(attempt) {
  clearTimeout(attempt.timer);
  attempt.controller.abort();
}

/** The attempt finished: stop its timer; never abort a completed request. */
export function finish(attempt) {
  clearTimeout(attempt.timer);
}

/** `read` for a body read whole already (a de-duplicated response's), kept as a Blob. */
export function readBlob(blob, kind, limit, onProgress) {
  return read(new Response(blob, { headers: blob.type ? { "content-type": blob.type } : {} }), kind, limit, onProgress);
}

/** Bytes from wasm memory as a Blob (copied). */
export function blobOf(bytes, type) {
  return new Blob([bytes], { type });
}

/** A Response's headers as "name\nvalue\n" lines (names lower-case, repeats joined). */
export function headerLines(res) {
  let lines = "";
  for (const [name, value] of res.headers) lines += name + "\n" + value + "\n";
  return lines;
}

/** UTF-8 bytes as text, invalid sequences replaced with U+FFFD. */
export function lossyText(bytes) {
  return new TextDecoder().decode(bytes);
}

/** `globalThis.location.origin` (a window's or a worker's; Node has none), or undefined. */
export function pageOrigin() {
  const origin = globalThis.location?.origin;
  return typeof origin === "string" && origin !== "null" ? origin : undefined;
}

/**
 * A short description of whatever JavaScript threw or rejected with (an `Error`'s message, a
 * string, ...), at most 200 characters; and, for `errorStatus`, how to classify it: its
 * `status` if it has one in 100–599, 0 for a `TypeError` (what `fetch` rejects with: the
 * network), else 400 (a refusal).
 */
export function errorMessage(value) {
  const text = value instanceof Error ? String(value.message) : typeof value === "string" ? value : value === undefined ? "undefined" : "a non-Error value";
  return Array.from(text).slice(0, 200).join("");
}

export function errorStatus(value) {
  let status;
  try {
    status = value?.status;
  } catch {}
  return typeof status === "number" && status >= 100 && status < 600 ? Math.trunc(status) : value instanceof TypeError ? 0 : 400;
}

/** `new URL(url).origin`, or undefined if the platform refuses the URL. */
export function urlOrigin(url) {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Read a body the platform's way: 0 text, 1 ArrayBuffer, 2 Blob, 3 the stream itself. With a
 * `limit` (>= 0 bytes; negative: none) or an `onProgress` function the body is counted chunk
 * by chunk (a stream as the caller reads it): over the limit the download is canceled and the
 * read fails with a RangeError (`tokenfetchTooLarge`), also when Content-Length is absent or
 * wrong; `onProgress` gets axios-shaped progress events.
 */
export async function read(res, kind, limit, onProgress) {
  const streamed = (limit >= 0 || typeof onProgress === "function") && !res.tokenfetchRead;
  if (!streamed || !res.body) {
    if (kind === 3) return res.body ?? new Blob([]).stream();
    if (kind === 1) return res.arrayBuffer();
    if (kind === 2) return res.blob();
    return res.text();
  }
  // Content-Length counts the bytes on the wire; with a Content-Encoding the body read here is
  // decoded, usually longer: no total then (progress would pass 1, and the limit is checked on
  // the decoded bytes, not on a compressed length that may even exceed them).
  const encoded = (res.headers.get("content-encoding") ?? "identity").trim().toLowerCase() !== "identity";
  const header = Number(res.headers.get("content-length"));
  let total = !encoded && Number.isFinite(header) && header >= 0 && res.headers.has("content-length") ? header : undefined;
  if (limit >= 0 && total > limit) {
    await res.body.cancel();
    throw tooLarge(limit);
  }
  const start = performance.now();
  let loaded = 0;
  // One chunk more: throws over the limit, else reports progress.
  const count = (chunk) => {
    loaded += chunk.byteLength;
    if (limit >= 0 && loaded > limit) throw tooLarge(limit);
    // More than declared (an encoding cross-origin code cannot see): the total is unknown.
    if (loaded > total) total = undefined;
    if (typeof onProgress === "function") notify(onProgress, progressEvent(loaded, total, chunk.byteLength, start, "download"));
  };
  // A stream is counted as it is read; an error cancels the download (pipeThrough does).
  if (kind === 3) {
    return res.body.pipeThrough(new TransformStream({ transform: (chunk, out) => out.enqueue((count(chunk), chunk)) }));
  }
  const reader = res.body.getReader();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    try {
      count(value);
    } catch (error) {
      await reader.cancel();
      throw error;
    }
    chunks.push(value);
  }
  const blob = new Blob(chunks, { type: res.headers.get("content-type") ?? "" });
  if (kind === 1) return blob.arrayBuffer();
  if (kind === 2) return blob;
  return blob.text();
}

/** A reader of the body's stream (for Rust's `bytes_stream`); null without a body. */
export function reader(res) {
  return res.body ? res.body.getReader() : null;
}

/** The next chunk (a Uint8Array), or undefined at the end. */
export function chunk(reader) {
  return reader.read().then((r) => (r.done ? undefined : r.value));
}

/** True for the rejection of a body over its limit. */
export function isTooLarge(error) {
  return error instanceof RangeError && error.tokenfetchTooLarge === true;
}

// The platform's JSON reader for http/json.rs (here, not in a file of its own: each snippet is
// one more module for the page to load).
/**
 * The string or number at the dotted `path` of the JSON `text` (own object keys only), or
 * `null` when there is none there or it has another type. Throws when `text` is not JSON.
 */
export function jsonField(text, path) {
  let v = JSON.parse(text);
  for (const key of path.split(".")) {
    if (v === null || typeof v !== "object" || Array.isArray(v) || !Object.hasOwn(v, key)) return null;
    v = v[key];
  }
  return typeof v === "string" || typeof v === "number" ? v : null;
}
