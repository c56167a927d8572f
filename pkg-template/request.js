// One request config → the engine's arguments (URL with its query, header lines, the body and
// its kind), and the engine's answer → the axios-shaped response.
import { TokenfetchError, badOption } from "./error.js";
import * as opt from "./options.js";
import { serializeParams } from "./params.js";

/** Every key a request config may have. */
export const REQUEST_KEYS = [
  "url", "method", "params", "paramsSerializer", "headers", "data", "signal", "timeout", "responseType", "skipAuth", "retry",
  "dedupe", "validateStatus", "withCredentials", "transformRequest", "transformResponse", "maxContentLength", "maxBodyLength",
  "onDownloadProgress", "onUploadProgress",
];

/** The size of a body the engine will send, when it is known (a stream's is not). */
function bodySize(data, kind) {
  if (kind === 1) return new TextEncoder().encode(data).length;
  if (kind === 3) return data.size;
  if (kind === 2) {
    let size = 0;
    for (const [, v] of data.entries()) size += typeof v === "string" ? new TextEncoder().encode(v).length : v.size;
    return size;
  }
  return 0;
}

/**
 * A private copy of a request config that interceptors may change freely: own known keys,
 * `headers` and `params` copied one level deep (`headers` always present), so no change
 * leaks into another request.
 */
export function privateCopy(config) {
  const copy = opt.read(config, "", REQUEST_KEYS);
  copy.headers = copyOf("headers", copy.headers);
  if (opt.isPlain(copy.params)) {
    // Every key (`constructor`, `prototype`, an own `__proto__` too: axios sends them); spread
    // defines own properties, it never sets a prototype.
    try {
      copy.params = { ...copy.params };
    } catch {
      throw badOption("params", "could not be read (a getter threw)");
    }
  }
  return { ...copy };
}

function copyOf(name, v) {
  return v === undefined || v === null ? {} : opt.isPlain(v) ? { ...opt.read(v, name, null) } : v;
}

function withQuery(url, qs) {
  if (!qs) return url;
  const hash = url.indexOf("#");
  const [main, fragment] = hash < 0 ? [url, ""] : [url.slice(0, hash), url.slice(hash)];
  const sep = !main.includes("?") ? "?" : /[?&]$/.test(main) ? "" : "&";
  return main + sep + qs + fragment;
}

/** The body and its kind for the engine (0 none, 1 text, 2 FormData, 3 Blob, 4 stream). */
function body(data, headers) {
  const setType = (type) => {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["content-type"] = type;
  };
  if (data === undefined || data === null) return [undefined, 0];
  if (typeof data === "string") return [data, 1];
  if (typeof FormData === "function" && data instanceof FormData) return [data, 2];
  if (typeof Blob === "function" && data instanceof Blob) return [data, 3];
  if (typeof ReadableStream === "function" && data instanceof ReadableStream) return [data, 4];
  if (data instanceof URLSearchParams) {
    setType("application/x-www-form-urlencoded;charset=UTF-8");
    return [data.toString(), 1];
  }
  // Exactly the bytes of the view (offset and length respected), as fetch sends them.
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return [new Blob([data]), 3];
  let json;
  try {
    json = JSON.stringify(data);
  } catch (e) {
    throw new TokenfetchError(`data could not be serialized as JSON: ${e?.message}`, "ERR_BAD_REQUEST");
  }
  if (json === undefined) throw new TokenfetchError("data could not be serialized as JSON", "ERR_BAD_REQUEST");
  setType("application/json");
  return [json, 1];
}

const READ = { json: 0, text: 0, arraybuffer: 1, blob: 2, stream: 3 };

/** The arguments of `engine.send` for a validated config. */
export function engineArgs(c) {
  const url = withQuery(c.url === undefined ? "" : opt.string("url", c.url), serializeParams(c.params, opt.serializer("paramsSerializer", c.paramsSerializer)));
  const method = c.method === undefined ? "GET" : opt.string("method", c.method).toUpperCase();
  const headers = {};
  const pairs = opt.headerPairs("headers", c.headers);
  for (let i = 0; i < pairs.length; i += 2) headers[pairs[i]] = pairs[i + 1];
  const [data, kind] = body(c.data, headers);
  const maxBody = opt.byteLimit("maxBodyLength", c.maxBodyLength);
  if (maxBody >= 0 && bodySize(data, kind) > maxBody) {
    throw new TokenfetchError(`the request body is larger than maxBodyLength (${maxBody} bytes)`, "ERR_BAD_REQUEST");
  }
  if (c.onDownloadProgress !== undefined) opt.func("onDownloadProgress", c.onDownloadProgress);
  if (c.onUploadProgress !== undefined) opt.func("onUploadProgress", c.onUploadProgress);
  let lines = "";
  for (const [k, v] of Object.entries(headers)) lines += k + "\n" + v + "\n";
  const timeout = c.timeout === undefined ? NaN : opt.millis("timeout", c.timeout);
  let flags = c.skipAuth !== undefined && opt.boolean("skipAuth", c.skipAuth) ? 1 : 0;
  if (c.dedupe !== undefined) flags |= opt.boolean("dedupe", c.dedupe) ? 6 : 2;
  if (c.withCredentials !== undefined) flags |= opt.boolean("withCredentials", c.withCredentials) ? 24 : 8;
  const [retry, retryMethods] = opt.retryWire(c.retry == null ? undefined : opt.retry("retry", c.retry));
  if (c.signal !== undefined && !(typeof AbortSignal === "function" && c.signal instanceof AbortSignal)) {
    throw badOption("signal", "must be an AbortSignal");
  }
  const type = c.responseType ?? "json";
  if (!(type in READ)) throw badOption("responseType", "must be json, text, blob, arraybuffer or stream");
  if (c.validateStatus !== undefined && c.validateStatus !== null) opt.func("validateStatus", c.validateStatus);
  return [method, url, lines, data, kind, timeout, flags, retry, retryMethods, c.signal, READ[type], opt.byteLimit("maxContentLength", c.maxContentLength), c.onDownloadProgress, c.onUploadProgress];
}

/**
 * `[status, statusText, headerLines, data]` from the engine → `{ data, status, ... }`;
 * `config` is a validated config (from `read`), shown to the caller as a plain copy.
 */
export function shapeResponse(raw, config) {
  const [status, statusText, lines, body] = raw;
  const headers = {};
  const parts = lines.split("\n");
  for (let i = 0; i + 1 < parts.length; i += 2) headers[parts[i]] = parts[i + 1];
  let data = body;
  if ((config.responseType ?? "json") === "json" && typeof body === "string") {
    if (body.trim() === "") data = "";
    else try {
      data = JSON.parse(body);
    } catch {
      if (Object.hasOwn(headers, "content-type") && headers["content-type"].includes("json")) {
        const error = new TokenfetchError("the response is not valid JSON", "ERR_BAD_RESPONSE");
        error.config = { ...config };
        throw error;
      }
    }
  }
  return { data, status, statusText, headers, config: { ...config } };
}

/** A read error of a body stream as the error the other response types reject with. */
function streamError(e) {
  if (e?.isTokenfetchError === true) return e;
  if (e instanceof RangeError && e.tokenfetchTooLarge === true) return new TokenfetchError(e.message, "ERR_BAD_RESPONSE");
  if (e?.name === "AbortError") return new TokenfetchError("the request was canceled", "ERR_CANCELED");
  return new TokenfetchError(`reading the response failed: ${e?.message ?? e}`, "ERR_NETWORK");
}

// Removes the abort listener of a guarded stream that became garbage unfinished (never read to
// its end nor canceled, e.g. a rejected response's `error.response.data`): the listener holds
// its guard weakly, so a long-lived signal keeps neither the guard nor the body alive.
const unlisten =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry(({ signal, listener }) => signal.removeEventListener("abort", listener))
    : undefined;

/**
 * The body of `responseType: "stream"` as the caller reads it: its errors are
 * `TokenfetchError`s (over `maxContentLength`: `ERR_BAD_RESPONSE`) with the request's
 * `config`, and the request's `signal` still cancels the download (`ERR_CANCELED`), as it does
 * while any other type is read.
 */
export function guardStream(stream, signal, config) {
  const reader = stream.getReader();
  const fail = (e) => Object.assign(streamError(e), { config });
  const guard = {
    // Closes (no error) or errors the stream, once; the abort listener goes with it.
    end: () => {},
    abort() {
      const error = fail({ name: "AbortError" });
      guard.end(error);
      reader.cancel(error).catch(() => {});
    },
  };
  const ref = typeof WeakRef === "function" ? new WeakRef(guard) : { deref: () => guard };
  const listener = () => ref.deref()?.abort();
  const stop = () => {
    guard.end = () => {};
    signal?.removeEventListener("abort", listener);
  };
  const source = {
    // A byte stream, as the platform's body is (BYOB readers work), where there are byte streams.
    type: "bytes",
    start(controller) {
      guard.end = (error) => {
        stop();
        if (error) controller.error(error);
        else controller.close();
      };
    },
    pull: (controller) =>
      reader.read().then(
        // (An empty chunk cannot be enqueued in a byte stream; the next pull reads on.)
        ({ done, value }) => (done ? guard.end() : value.byteLength && controller.enqueue(value)),
        (e) => guard.end(fail(e)),
      ),
    cancel(reason) {
      stop();
      return reader.cancel(reason);
    },
  };
  let out;
  try {
    out = new ReadableStream(source, { highWaterMark: 0 });
  } catch {
    delete source.type;
    out = new ReadableStream(source, { highWaterMark: 0 });
  }
  if (signal?.aborted) guard.abort();
  else if (signal) {
    signal.addEventListener("abort", listener, { once: true });
    unlisten?.register(out, { signal, listener });
  }
  return out;
}
