// The built-in token stores of `auth.storage` — "localStorage", "sessionStorage", "cookie" — as
// the engine's storage hook `{ get(key), set(key, json, exp), remove(key) }`. The engine decides
// when to read and write, validates what it reads (a corrupt or edited value is no tokens) and,
// for a store the origin's tabs share, holds its Web Lock around a refresh; these only reach
// the platform. A missing or blocked API (a worker, Node, storage disabled, quota exceeded) is
// an `Error` the engine reports as `ERR_STORAGE`.

const message = (e) => String(e?.message ?? e);

/** `globalThis[name]`, or a clear error when it is missing or blocked. */
function platform(name) {
  let value;
  try {
    value = globalThis[name];
  } catch (e) {
    throw new Error(`${name} is blocked: ${message(e)}`);
  }
  if (value == null) throw new Error(`${name} is not available here`);
  return value;
}

function guarded(what, f) {
  try {
    return f();
  } catch (e) {
    throw new Error(`${what} failed: ${message(e)}`);
  }
}

/** The tokens as one JSON value under the key of `localStorage` or `sessionStorage`. */
function webStorage(name) {
  const op = (what, f) => {
    const area = platform(name);
    if (typeof area.getItem !== "function") throw new Error(`${name} is not a Storage`);
    return guarded(`${name}: ${what} tokens`, () => f(area));
  };
  return {
    get: (key) => op("reading", (s) => s.getItem(key)),
    set: (key, json) =>
      op("storing", (s) => {
        s.setItem(key, json);
        // Read back: a write that did not stick is an error, never a silent loss.
        if (s.getItem(key) !== json) throw new Error("the value read back differs");
      }),
    remove: (key) => op("clearing", (s) => s.removeItem(key)),
  };
}

/**
 * Two script-readable cookies, `<key>.at` (access) and `<key>.rt` (refresh): `Path=/`,
 * `SameSite=Strict`, and over https `Secure` and the `__Host-` prefix. The access cookie's
 * `Max-Age` stops at the token's JWT `exp` (`exp`, from the engine); the refresh cookie lasts
 * the browser session.
 */
function cookies() {
  const https = () => globalThis.location?.protocol === "https:";
  const name = (key, suffix) => `${https() ? "__Host-" : ""}${key}.${suffix}`;
  const read = (key, suffix) => {
    const doc = platform("document");
    const all = guarded("reading cookies", () => String(doc.cookie ?? ""));
    const want = name(key, suffix);
    for (const pair of all.split(";")) {
      const [k, ...v] = pair.trim().split("=");
      // A cookie of that name that does not decode is skipped (another Path may hold a good one).
      if (v.length && k === want) {
        try {
          return decodeURIComponent(v.join("="));
        } catch {}
      }
    }
  };
  const write = (key, suffix, value, maxAge) => {
    const pair = `${name(key, suffix)}=${encodeURIComponent(value).replace(/%(2B|2F|3D)/g, decodeURIComponent)}`;
    const cookie = `${pair}; Path=/${maxAge === undefined ? "" : `; Max-Age=${maxAge}`}; SameSite=Strict${https() ? "; Secure" : ""}`;
    const doc = platform("document");
    guarded("writing a cookie", () => (doc.cookie = cookie));
    // Read back: browsers drop a cookie they refuse without a word (over ~4 KB, a `__Host-` or
    // `__Secure-` name without https); the tokens would be lost and every request refresh.
    if (maxAge !== 0 && read(key, suffix) !== value) {
      const why = /^__(Host|Secure)-/i.test(pair) && !https()
        ? "a __Host- or __Secure- name needs https"
        : pair.length > 4096
          ? `it is ${pair.length} bytes and browsers keep at most 4096 per cookie (use localStorage or sessionStorage for tokens this large)`
          : "the browser refused it (cookies blocked?)";
      throw new Error(`the cookie ${name(key, suffix)} was not stored: ${why}`);
    }
  };
  return {
    get: (key) => JSON.stringify({ access_token: read(key, "at"), refresh_token: read(key, "rt") }),
    set(key, json, exp) {
      const t = JSON.parse(json);
      // Browsers cap cookie lifetimes at 400 days.
      const untilExp = Number.isFinite(exp) ? Math.ceil(Math.min(Math.max(0, exp - Date.now() / 1000), 34560000)) : undefined;
      write(key, "at", t.access_token ?? "", t.access_token === undefined ? 0 : untilExp);
      write(key, "rt", t.refresh_token ?? "", t.refresh_token === undefined ? 0 : undefined);
    },
    remove(key) {
      write(key, "at", "", 0);
      write(key, "rt", "", 0);
    },
  };
}

/** The store named `storage` (not "memory", which the engine keeps itself). */
export function builtinStore(storage) {
  return storage === "cookie" ? cookies() : webStorage(storage);
}
