// The `log` option: a console logger that never prints a secret, listening to the engine's
// events as `api.on` does (every attempt, retry, refresh and replay). The rules are the Rust
// crate's `Logger` (src/log.rs): redacted is every header, JSON field, form field and query
// parameter whose name, normalised (percent-decoded, case and separators ignored), contains one
// of the words below, plus the names in `log.redact`; headers the engine marked sensitive (the
// token it attached, under any header name) arrive already redacted. Other bodies, and bodies
// over 64 KiB, are shown by size only; a URL's fragment never.

const WORDS = ["token", "secret", "password", "passwd", "apikey", "authorization", "cookie", "session", "signature", "credential", "otp"];
const MAX_SHOWN_BODY = 64 * 1024;
const REDACTED = "[redacted]";

/** `X-Api-Key`, `api_key`, `api%5Fkey` and `apiKey` are all `apikey`. */
const normalize = (name) =>
  name
    .replace(/%([\da-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/[^a-z\d]/gi, "")
    .toLowerCase();

/** The UTF-8 length of `text`, without encoding it. */
function utf8Length(text) {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else if (c >= 0x80) n += c >= 0x800 ? 2 : 1;
  }
  return n;
}

/** A logger for the engine's flat events; `redact`: more header and field names. */
export function logger(redact) {
  // (A name that normalises to nothing would match the JSON body's root.)
  const extra = redact.map(normalize).filter(Boolean);
  const secret = (name) => {
    const n = normalize(name);
    return extra.includes(n) || WORDS.some((w) => n.includes(w));
  };
  const pairs = (query) =>
    query
      .split("&")
      .map((pair) => {
        const i = pair.indexOf("=");
        return i >= 0 && secret(pair.slice(0, i)) ? `${pair.slice(0, i)}=${REDACTED}` : pair;
      })
      .join("&");
  // Path parameters too (`/cart;jsessionid=…`).
  const path = (p) => p.replace(/;([^;=/]*)=([^;/]*)/g, (m, k) => (secret(k) ? `;${k}=${REDACTED}` : m));
  const url = (u) => {
    const hash = u.indexOf("#");
    const main = hash < 0 ? u : u.slice(0, hash);
    const q = main.indexOf("?");
    return (q < 0 ? path(main) : `${path(main.slice(0, q))}?${pairs(main.slice(q + 1))}`) + (hash < 0 ? "" : "#…");
  };
  // `name\nvalue\n` lines → "name: value" (or redacted), and the content type.
  const headers = (lines = "") => {
    const out = [];
    let type = "";
    const l = lines.split("\n");
    for (let i = 0; i + 1 < l.length; i += 2) {
      if (l[i] === "content-type") type = l[i + 1];
      out.push(`${l[i]}: ${secret(l[i]) ? REDACTED : l[i + 1]}`);
    }
    return { out, type };
  };
  const body = (data, type) => {
    if (data === undefined) return [];
    if (data === null) return ["body: (a browser object: FormData, Blob or stream)"];
    const size = typeof data === "number" ? data : utf8Length(data);
    if (typeof data === "string" && size <= MAX_SHOWN_BODY) {
      if (type.includes("json")) {
        try {
          // Numbers as they were sent where the platform gives their source text.
          const value = JSON.parse(data, function (k, v, context) {
            if (!Array.isArray(this) && secret(k)) return REDACTED;
            return typeof v === "number" && context?.source && JSON.rawJSON ? JSON.rawJSON(context.source) : v;
          });
          return [`body: ${JSON.stringify(value)}`];
        } catch {}
      }
      if (type.includes("x-www-form-urlencoded")) return [`body: ${pairs(data)}`];
    }
    return [`body: (${size} bytes)`];
  };
  // Method and URL of each request in flight, for the lines that only carry its id; its last
  // status line.
  const names = new Map();
  const statuses = new Map();
  // Whole milliseconds (the engine's are fractional: 1001 ms may arrive as 1000.9999…).
  const ms = (t) => Math.floor(t + 1e-6);
  const name = (id) => names.get(id) ?? `#${id}`;
  const print = (level, message, details = []) => {
    if (!details.length) return console[level](message);
    console.groupCollapsed(message);
    for (const line of details) console.log(line);
    console.groupEnd();
  };
  const because = (e) => e[1];
  return ([type, id, attempt, a, b, c, d, e]) => {
    switch (type) {
      case "sent": {
        const label = `${b} ${url(c)}`;
        names.set(id, label);
        const h = headers(d);
        print("log", `→ ${label}${attempt > 1 ? ` (attempt ${attempt})` : ""}${a ? " (replay with the new token)" : ""}`, [...h.out, ...body(e, h.type)]);
        break;
      }
      case "response":
        statuses.set(id, `${a}${c ? ` ${c}` : ""}`);
        print("log", `← ${name(id)} ${statuses.get(id)} (${ms(b)} ms)`, headers(d).out);
        break;
      case "attemptFailed":
        print("warn", `✗ ${name(id)} failed after ${ms(b)} ms: ${because(a)}`);
        break;
      case "retry":
        print("warn", `↻ ${name(id)} attempt ${attempt} in ${ms(a)} ms (${b})`);
        break;
      case "waitingForRefresh":
        print("log", `⏸ ${name(id)} waits for the token refresh`);
        break;
      case "refreshStarted":
        print("log", "⟳ refreshing the token");
        break;
      case "refreshed":
        print("log", `⟳ token refreshed (generation ${a})`);
        break;
      case "refreshedElsewhere":
        print("log", `⟳ another tab refreshed the token (generation ${a})`);
        break;
      case "refreshFailed":
        print("warn", `⟳ token refresh failed${b ? ", session expired" : ""}: ${because(a)}`);
        break;
      case "replayed":
        print("log", `↺ ${name(id)} replayed`);
        break;
      case "finished": {
        const [label, status] = [name(id), statuses.get(id)];
        names.delete(id);
        statuses.delete(id);
        if (b !== undefined) print("log", `✓ ${label} ${status?.startsWith(`${b}`) ? status : b} in ${ms(a)} ms`);
        else print("error", `✗ ${label} failed in ${ms(a)} ms: ${because(c)}`);
      }
    }
  };
}
