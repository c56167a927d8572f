// The platform's JSON reader, for the engine in the browser: what the auth code reads from a
// refresh answer, a stored token pair or a JWT payload (json.rs; natively its own reader).

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
