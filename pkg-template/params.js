// `params` → a query string, the way axios serialises them by default: arrays as `a[]=1&a[]=2`
// (`{ indexes: true }`: `a[0]=1`; `{ indexes: null }`: `a=1`), nested objects as `a[b]=1`, dates
// as ISO strings, `null`/`undefined` left out, and axios's encoding (`:`, `$`, `,`, `[`, `]` kept,
// spaces as `+`). `paramsSerializer` may be a function or `{ indexes, encode, serialize }`.
import { badOption } from "./error.js";
import { isPlain, notPromise } from "./options.js";

const MAX_DEPTH = 16;

/** axios's value encoding. */
export function encode(value) {
  return encodeURIComponent(value)
    .replace(/%3A/gi, ":")
    .replace(/%24/g, "$")
    .replace(/%2C/gi, ",")
    .replace(/%20/g, "+")
    .replace(/%5B/gi, "[")
    .replace(/%5D/gi, "]");
}

/**
 * Every own enumerable `[key, value]` of a plain object, as axios sends them: `constructor`,
 * `prototype` and an own `__proto__` (from `JSON.parse`) included — they only become text here,
 * never properties of anything. A getter or Proxy that throws is ERR_BAD_OPTION.
 */
function entries(value, name) {
  let keys;
  try {
    keys = Object.keys(value);
  } catch {
    throw badOption(name, "could not be read (its keys threw)");
  }
  return keys.map((k) => {
    try {
      return [k, value[k]];
    } catch {
      throw badOption(`${name}.${k}`, "could not be read (a getter threw)");
    }
  });
}

/** `[key, value]` pairs of `params`, flattened. */
function pairs(params, indexes) {
  const out = [];
  const visit = (key, value, depth) => {
    if (value === null || value === undefined) return;
    if (depth > MAX_DEPTH) throw badOption(`params.${key}`, "is nested too deeply (or refers to itself)");
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw badOption(`params.${key}`, "is an invalid Date");
      out.push([key, value.toISOString()]);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const nested = item !== null && typeof item === "object" && !(item instanceof Date);
        const sub = nested || indexes === true ? `${key}[${i}]` : indexes === null ? key : `${key}[]`;
        visit(sub, item, depth + 1);
      });
    } else if (isPlain(value)) {
      for (const [k, v] of entries(value, `params.${key}`)) visit(`${key}[${k}]`, v, depth + 1);
    } else if (["string", "number", "boolean", "bigint"].includes(typeof value)) {
      out.push([key, String(value)]);
    } else {
      throw badOption(`params.${key}`, "must be a string, number, boolean, Date, array or plain object");
    }
  };
  for (const [k, v] of params instanceof Map ? [...params] : entries(params, "params")) visit(String(k), v, 0);
  return out;
}

/** The query string for `params` (without `?`). */
export function serializeParams(params, serializer) {
  if (params === undefined || params === null) return "";
  if (typeof serializer === "function") return String(notPromise("paramsSerializer", serializer(params)) ?? "");
  const options = serializer ?? {};
  if (typeof options.serialize === "function") return String(notPromise("paramsSerializer.serialize", options.serialize(params, options)) ?? "");
  if (params instanceof URLSearchParams) return params.toString();
  if (!(params instanceof Map) && !isPlain(params)) throw badOption("params", "must be an object, URLSearchParams or Map");
  const enc = typeof options.encode === "function" ? options.encode : encode;
  return pairs(params, options.indexes === undefined ? false : options.indexes)
    .map(([k, v]) => {
      try {
        return `${enc(k)}=${enc(v)}`;
      } catch (e) {
        // encodeURIComponent's URIError: half of a UTF-16 surrogate pair has no UTF-8 form.
        if (e instanceof URIError) throw badOption(`params.${k}`, "is not well-formed Unicode (a lone surrogate): it cannot be put in a URL");
        throw e;
      }
    })
    .join("&");
}
