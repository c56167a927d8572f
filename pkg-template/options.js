// Reading option objects: own enumerable properties only (`__proto__`, `constructor` and
// `prototype` keys ignored, inherited properties never read), unknown keys refused, every
// value type- and range-checked. A getter or Proxy that throws becomes ERR_BAD_OPTION.
import { badOption } from "./error.js";
import { builtinStore } from "./stores.js";

/** The longest time an option may name: `setTimeout`'s limit, 2^31 − 1 ms. */
export const MAX_MS = 2 ** 31 - 1;
const MAX_RETRIES = 100;
const IGNORED = ["__proto__", "constructor", "prototype"];

/**
 * The own options of `value` (an object, or undefined/null for none), checked against `known`
 * (`null`: any key), in an object without a prototype: reading a missing key from it can never
 * find a polluted `Object.prototype`.
 */
export function read(value, prefix, known) {
  const out = Object.create(null);
  if (value === undefined || value === null) return out;
  const where = prefix || "config";
  if (typeof value !== "object") throw badOption(where, "must be an object");
  let keys;
  try {
    keys = Object.keys(value);
  } catch {
    throw badOption(where, "could not be read (its keys threw)");
  }
  for (const key of keys) {
    if (IGNORED.includes(key)) continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (known && !known.includes(key)) throw badOption(name, "is not a known option");
    let v;
    try {
      v = value[key];
    } catch {
      throw badOption(name, "could not be read (a getter threw)");
    }
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A plain object (an object literal or `Object.create(null)`), not a class instance. */
export function isPlain(v) {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function string(name, v) {
  if (typeof v !== "string") throw badOption(name, "must be a string");
  return v;
}

export function boolean(name, v) {
  if (typeof v !== "boolean") throw badOption(name, "must be true or false");
  return v;
}

export function func(name, v) {
  if (typeof v !== "function") throw badOption(name, "must be a function");
  return v;
}

/** A number in [min, max]; whole if `whole`. NaN, ±Infinity and non-numbers are refused. */
export function number(name, v, min, max, whole) {
  if (typeof v !== "number" || !(v >= min && v <= max) || (whole && !Number.isInteger(v))) {
    throw badOption(name, `must be a ${whole ? "whole " : ""}number from ${min} to ${max}`);
  }
  return v;
}

/** `maxContentLength` / `maxBodyLength`: whole bytes, or -1 (axios's "no limit") → NaN. */
export function byteLimit(name, v) {
  return v === undefined || v === -1 ? NaN : number(name, v, 0, Number.MAX_SAFE_INTEGER, true);
}

/** `paramsSerializer`: a function, or axios's `{ indexes, encode, serialize }`. */
export function serializer(name, v) {
  if (v !== undefined && v !== null && typeof v !== "function" && typeof v !== "object") {
    throw badOption(name, "must be a function or { indexes, encode, serialize }");
  }
  return v;
}

/** What a synchronous callback returned; a Promise (an async function) is refused clearly. */
export function notPromise(name, v) {
  if (typeof v?.then === "function") throw badOption(name, "must return a value, not a Promise (it is called synchronously, as in axios)");
  return v;
}

/** Milliseconds, 0 to 2^31 − 1. */
export const millis = (name, v) => number(name, v, 0, MAX_MS, false);

export function strings(name, v) {
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw badOption(name, "must be an array of strings");
  return [...v];
}

export function statuses(name, v) {
  if (!Array.isArray(v) || !v.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) {
    throw badOption(name, "must be an array of HTTP status numbers (100 to 599)");
  }
  return [...v];
}

/**
 * Header values: strings, numbers or booleans; null/undefined leave the header out. A line
 * break or NUL in a name or value is refused here: the engine takes headers as "name\nvalue\n"
 * lines, and one would smuggle in another header.
 */
export function headerPairs(name, value) {
  const pairs = [];
  const headers = read(value, name, null);
  for (const [key, v] of Object.entries(headers)) {
    if (v === null) continue;
    if (!["string", "number", "boolean"].includes(typeof v)) throw badOption(`${name}.${key}`, "must be a string, number or boolean");
    const text = String(v);
    if (/[\r\n\0]/.test(key + text)) throw badOption(`${name}.${key}`, "must not contain a line break or NUL");
    pairs.push(key, text);
  }
  return pairs;
}

const RETRY_KEYS = [
  "limit", "methods", "statusCodes", "afterStatusCodes", "backoff", "backoffLimit", "jitter", "maxRetryAfter", "retryOnTimeout",
];

/** The `retry` option: a number of retries, `false`, `true` (defaults) or ky's settings. */
export function retry(name, value) {
  if (value === false) return false;
  if (value === true) return {};
  if (typeof value === "number") return { limit: number(name, value, 0, MAX_RETRIES, true) };
  const o = read(value, name, RETRY_KEYS);
  const out = {};
  for (const [key, v] of Object.entries(o)) {
    const n = `${name}.${key}`;
    if (key === "limit") out.limit = number(n, v, 0, MAX_RETRIES, true);
    else if (key === "methods") out.methods = strings(n, v);
    else if (key === "statusCodes" || key === "afterStatusCodes") out[key] = statuses(n, v);
    else if (key === "jitter" || key === "retryOnTimeout") out[key] = boolean(n, v);
    else out[key] = millis(n, v);
  }
  return out;
}

const AUTH_KEYS = [
  "storage", "storageKey", "header", "scheme", "refresh", "statusCodes", "refreshBeforeExpiry", "allowedOrigins", "onSessionExpired",
  "crossTab", "onChange", "revoke",
];
const STORAGES = ["memory", "localStorage", "sessionStorage", "cookie"];

function auth(value, hooks) {
  const o = read(value, "auth", AUTH_KEYS);
  const out = {};
  for (const [key, v] of Object.entries(o)) {
    const n = `auth.${key}`;
    if (key === "storage") {
      if (typeof v === "string" && STORAGES.includes(v)) {
        out.storage = v;
        if (v !== "memory") hooks.storage = builtinStore(v);
      } else if (v !== null && typeof v === "object" && ["get", "set", "remove"].every((m) => typeof v[m] === "function")) {
        out.storage = "custom";
        hooks.storage = v;
      } else throw badOption(n, `must be ${STORAGES.join(", ")} or { get, set, remove }`);
    } else if (key === "refresh") {
      if (typeof v === "function") hooks.refresh = v;
      else out.refresh = refreshEndpoint(v, hooks);
    } else if (key === "statusCodes") out.statusCodes = statuses(n, v);
    else if (key === "refreshBeforeExpiry") out[key] = v === false ? false : number(n, v, 0, MAX_MS / 1000, false);
    else if (key === "allowedOrigins") out[key] = strings(n, v);
    else if (key === "onSessionExpired") hooks.onSessionExpired = func(n, v);
    else if (key === "onChange") hooks.onChange = func(n, v);
    else if (key === "crossTab") out.crossTab = boolean(n, v);
    else if (key === "revoke") {
      const r = read(v, n, ["url", "clientId"]);
      if (r.url === undefined) throw badOption("auth.revoke.url", "is required");
      out.revoke = { url: string("auth.revoke.url", r.url), clientId: r.clientId === undefined ? undefined : string("auth.revoke.clientId", r.clientId) };
    } else out[key] = string(n, v);
  }
  if (out.storage === "cookie" && out.storageKey !== undefined && !/^[\w.-]+$/.test(out.storageKey)) {
    throw badOption("auth.storageKey", "must be letters, digits, '-', '_' or '.' for cookies");
  }
  return out;
}

function refreshEndpoint(value, hooks) {
  const o = read(value, "auth.refresh", [
    "url", "method", "body", "accessTokenField", "refreshTokenField", "timeout", "withCredentials", "clientId", "scope", "format",
    "headers",
  ]);
  if (o.url === undefined) throw badOption("auth.refresh.url", "is required");
  const out = {};
  for (const [key, v] of Object.entries(o)) {
    const n = `auth.refresh.${key}`;
    if (key === "body") func(n, v);
    else if (key === "timeout") out.timeout = number(n, v, 1, MAX_MS, false);
    else if (key === "withCredentials") out.withCredentials = boolean(n, v);
    else if (key === "headers") out.headers = headerPairs(n, v).map((s) => s + "\n").join("");
    else if (key === "format" && v !== "json" && v !== "form") throw badOption(n, 'must be "json" or "form"');
    else out[key] = string(n, v);
  }
  // RFC 6749 §6: a public client's refresh is a form; with a `clientId` that is the default.
  out.form = (out.format ?? (out.clientId === undefined ? "json" : "form")) === "form";
  if (o.body !== undefined) hooks.refreshBody = refreshBody(o.body, out.form);
  return out;
}

/**
 * The app's `refresh.body(refreshToken)` as the engine calls it: `[kind, body]` — 0 JSON text
 * (a plain object or array), 1 form text (a `URLSearchParams`, or a string with
 * `format: "form"`), 2 a `FormData`. Anything else is refused, never sent as `{}`.
 */
function refreshBody(f, form) {
  return (token) => {
    const v = notPromise("auth.refresh.body", f(token));
    if (v instanceof URLSearchParams) return [1, v.toString()];
    if (typeof FormData === "function" && v instanceof FormData) return [2, v];
    if (typeof v === "string") return [form ? 1 : 0, v];
    if (v !== null && typeof v === "object" && (isPlain(v) || Array.isArray(v))) return [0, JSON.stringify(v)];
    throw badOption("auth.refresh.body", "must return a plain object, URLSearchParams, FormData or a string");
  };
}

const CLIENT_KEYS = [
  "baseURL", "timeout", "headers", "withCredentials", "auth", "retry", "dedupe", "rateLimit", "log", "transformRequest",
  "transformResponse", "paramsSerializer", "maxContentLength", "maxBodyLength",
];

/** `transformRequest` / `transformResponse`: a function or an array of functions. */
export function transforms(name, v) {
  const list = Array.isArray(v) ? v : [v];
  list.forEach((f, i) => func(Array.isArray(v) ? `${name}[${i}]` : name, f));
  return list;
}

// The engine takes options in fixed places, not as JSON (src/js/config.rs: `n`, `s`, `r`; the
// numbers must agree): numbers (NaN: not set), strings (undefined: not set), a retry policy.
const N = {
  timeout: 0, withCredentials: 1, dedupe: 2, maxConcurrent: 3, perSecond: 4, storage: 5, refreshBeforeExpiry: 6, crossTab: 7,
  refreshTimeout: 8, refreshWithCredentials: 9, refreshFormat: 10, authStatuses: 11,
};
const S = {
  baseURL: 0, headers: 1, storageKey: 2, header: 3, scheme: 4, allowedOrigins: 5, url: 6, method: 7, accessTokenField: 8,
  refreshTokenField: 9, retryMethods: 10, clientId: 11, scope: 12, refreshHeaders: 13, revokeUrl: 14, revokeClientId: 15,
};
const R = ["limit", "backoff", "backoffLimit", "jitter", "maxRetryAfter", "retryOnTimeout"];

/** Lines for the engine: none of `list` may hold a line break (it would split into two). */
function lines(name, list) {
  if (list.some((s) => /[\r\n]/.test(s))) throw badOption(name, "must not contain a line break");
  return list.join("\n");
}

/**
 * A checked `retry` option (from `retry`) as the engine takes it: `[numbers, methods]`
 * (`false`: no retries; `undefined`/`null`: not set, an empty array).
 */
export function retryWire(r) {
  if (r === undefined) return [new Float64Array(0), undefined];
  if (r === false) return [Float64Array.of(0), undefined];
  const nums = R.map((k) => (typeof r[k] === "boolean" ? +r[k] : r[k] ?? NaN));
  nums.push(r.statusCodes?.length ?? NaN, r.afterStatusCodes?.length ?? NaN, ...(r.statusCodes ?? []), ...(r.afterStatusCodes ?? []));
  return [Float64Array.from(nums), r.methods && lines("retry.methods", r.methods)];
}

const AUTH_STORES = [...STORAGES, "custom"];

/**
 * A client config as the engine takes it: `{ nums, strs, retry, hooks, js }`
 * (hooks: the functions the engine calls; js: what stays in JS — transforms, the params
 * serializer and the logger's `redact` list).
 */
export function clientConfig(value) {
  const o = read(value, "", CLIENT_KEYS);
  const hooks = Object.create(null);
  const js = Object.create(null);
  const nums = Array(N.authStatuses + 1).fill(NaN);
  const strs = [];
  let retryOption;
  let authStatuses;
  for (const [key, v] of Object.entries(o)) {
    // `null` is "not set", as the engine reads it (never "on with the defaults").
    if (v === null) continue;
    if (key === "transformRequest" || key === "transformResponse") js[key] = transforms(key, v);
    else if (key === "paramsSerializer") js[key] = serializer(key, v);
    else if (key === "maxContentLength" || key === "maxBodyLength") js[key] = (byteLimit(key, v), v);
    else if (key === "baseURL") strs[S.baseURL] = string(key, v);
    else if (key === "timeout") nums[N.timeout] = millis(key, v);
    else if (key === "headers") strs[S.headers] = headerPairs(key, v).map((s) => s + "\n").join("");
    else if (key === "withCredentials" || key === "dedupe") nums[N[key]] = +boolean(key, v);
    else if (key === "auth") {
      const a = auth(v, hooks);
      nums[N.storage] = AUTH_STORES.indexOf(a.storage ?? "memory");
      if (a.refreshBeforeExpiry !== undefined) nums[N.refreshBeforeExpiry] = a.refreshBeforeExpiry === false ? -1 : a.refreshBeforeExpiry;
      if (a.crossTab !== undefined) nums[N.crossTab] = +a.crossTab;
      for (const k of ["storageKey", "header", "scheme"]) strs[S[k]] = a[k];
      if (a.allowedOrigins) strs[S.allowedOrigins] = lines("auth.allowedOrigins", a.allowedOrigins);
      const r = a.refresh ?? {};
      for (const k of ["url", "method", "accessTokenField", "refreshTokenField", "clientId", "scope"]) strs[S[k]] = r[k];
      strs[S.refreshHeaders] = r.headers;
      if (r.form !== undefined) nums[N.refreshFormat] = +r.form;
      if (r.timeout !== undefined) nums[N.refreshTimeout] = r.timeout;
      if (r.withCredentials !== undefined) nums[N.refreshWithCredentials] = +r.withCredentials;
      strs[S.revokeUrl] = a.revoke?.url;
      strs[S.revokeClientId] = a.revoke?.clientId;
      if (a.statusCodes) authStatuses = a.statusCodes;
    } else if (key === "retry") retryOption = retry(key, v);
    else if (key === "rateLimit") {
      const r = read(v, key, ["maxConcurrent", "perSecond"]);
      if (r.maxConcurrent !== undefined) nums[N.maxConcurrent] = number("rateLimit.maxConcurrent", r.maxConcurrent, 1, 10_000, true);
      if (r.perSecond !== undefined) nums[N.perSecond] = number("rateLimit.perSecond", r.perSecond, 0.001, 1_000_000, false);
    } else if (key === "log") {
      if (v === true) js.log = [];
      else if (v !== false) js.log = strings("log.redact", read(v, "log", ["redact"]).redact ?? []);
    }
  }
  if (authStatuses) nums.splice(N.authStatuses, 1, authStatuses.length, ...authStatuses);
  const [retryNums, retryMethods] = retryWire(retryOption);
  strs[S.retryMethods] = retryMethods;
  return { nums: Float64Array.from(nums), strs, retry: retryNums, hooks, js };
}
