// The demo: the real package, the real server (your own tenant on it), and the library used
// the way the README recommends — the `auth` option, never a hand-set Authorization header.
import init, { createClient, isTokenfetchError } from "/pkg/tokenfetch.js";
import { Timeline } from "/www/timeline.js";

const $ = (id) => document.getElementById(id);
const base = `${location.origin}/t/demo-${Math.floor(Math.random() * 1e9)}`;
const KEY = "tfdemo";
const timeline = new Timeline($("timeline"));
let api;
let expiredCalls = 0;

/** What each mode runs, as the page shows it. */
const CODE = {
  parallel: `const api = createClient({
  baseURL,
  auth: { storage, refresh: { url: "/auth/refresh" } },
});
// token expired: every request gets a 401, ONE refresh runs,
// all of them are replayed in the order they were issued
await Promise.all(items.map((i) => api.get(\`/api/seq/\${i}\`)));`,
  sequential: `// one request after another; the token dies half way:
// the request that meets the 401 refreshes, the rest use the new token
for (const i of items) await api.get(\`/api/seq/\${i}\`);`,
  fail: `const api = createClient({
  baseURL,
  auth: {
    storage,
    refresh: { url: "/auth/refresh" },  // the server answers invalid_grant
    onSessionExpired: () => showLogin(), // called once, whatever N is
  },
});
// every waiting request rejects with ERR_SESSION_EXPIRED; storage is cleared`,
  flaky: `const api = createClient({
  baseURL,
  retry: { limit: 2, backoff: 200 }, // idempotent requests only; Retry-After honoured
});
await api.get("/api/flaky/x", { params: { fail: 1 } }); // 503, wait, retry → 200`,
};

// The logger writes to the console; the page mirrors it into the log panel.
function mirrorConsole() {
  const panel = $("log");
  let depth = 0;
  const lines = [];
  const wrap = (name) => {
    const original = console[name].bind(console);
    console[name] = (...args) => {
      original(...args);
      if (name === "groupEnd") return void (depth = Math.max(0, depth - 1));
      const text = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ").replace(/%c/g, "");
      lines.push("  ".repeat(depth) + text);
      if (name.startsWith("group")) depth++;
      panel.textContent = lines.slice(-300).join("\n");
      panel.scrollTop = panel.scrollHeight;
    };
  };
  for (const name of ["log", "info", "warn", "error", "group", "groupCollapsed", "groupEnd"]) wrap(name);
  return () => {
    lines.length = 0;
    panel.textContent = "";
  };
}
const clearLog = mirrorConsole();

const hook = (path, body) =>
  fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((r) => (r.status === 204 ? null : r.json()));

function status(kind, text) {
  $("status").className = kind;
  $("status").textContent = text;
}

function mode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

function short(token) {
  return token ? `${token.slice(0, 12)}…${token.slice(-6)}` : "—";
}

function expOf(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp;
  } catch {
    return undefined;
  }
}

function storedWhere(storage) {
  const show = (v) => (v ? v.replace(/"(accessToken|refreshToken|access_token|refresh_token)":"([^"]{12})[^"]*"/g, '"$1":"$2…"') : "nothing");
  switch (storage) {
    case "localStorage":
      return `localStorage["${KEY}"] = ${show(localStorage.getItem(KEY))}`;
    case "sessionStorage":
      return `sessionStorage["${KEY}"] = ${show(sessionStorage.getItem(KEY))}`;
    case "cookie": {
      const names = document.cookie.split("; ").filter((c) => c.includes(KEY)).map((c) => c.split("=")[0]);
      return names.length ? `cookies ${names.join(", ")}` : "no cookie";
    }
    case "server-cookie":
      return "access token in memory; refresh token in an HttpOnly cookie JavaScript cannot read";
    default:
      return "this page's memory only";
  }
}

function showTokens() {
  const storage = $("storage").value;
  const tokens = api?.auth.getTokens() ?? null;
  $("access").textContent = short(tokens?.accessToken);
  const exp = tokens?.accessToken && expOf(tokens.accessToken);
  $("exp").textContent = exp ? `${Math.round(exp - Date.now() / 1000)} s` : "—";
  $("refresh").textContent =
    storage === "server-cookie" && tokens ? "(in an HttpOnly cookie, invisible here)" : short(tokens?.refreshToken);
  $("stored").textContent = api ? storedWhere(storage) : "—";
}

function makeClient(storage) {
  const auth =
    storage === "server-cookie"
      ? { refresh: { url: "/auth/cookie/refresh", withCredentials: true } }
      : { storage, storageKey: KEY, refresh: { url: "/auth/refresh" } };
  auth.onSessionExpired = () => expiredCalls++;
  const client = createClient({ baseURL: base, log: true, retry: { limit: 2, backoff: 200 }, auth });
  client.on("*", (event) => timeline.add(event));
  return client;
}

async function login() {
  const storage = $("storage").value;
  api?.auth.clear();
  api = makeClient(storage);
  const route = storage === "server-cookie" ? "/auth/cookie/login" : "/auth/login";
  const res = await api.post(route, { username: "demo", password: "demo" }, { skipAuth: true });
  api.auth.setTokens({ accessToken: res.data.access_token, refreshToken: res.data.refresh_token });
  status("ok", `logged in (${storage})`);
  setEnabled(true);
  showTokens();
}

/** The server's counters for this run (differences from `before`). */
async function counters(before) {
  const s = await hook("/__stats");
  $("c-refresh").textContent = s.refresh_count - before.refresh_count;
  $("c-requests").textContent = s.requests.length - before.requests.length;
  $("c-stale").textContent = s.stale_token_requests - before.stale_token_requests;
  $("c-done").textContent = timeline.done;
}

let run = 0;

async function fire() {
  const n = Number($("count").value);
  const items = Array.from({ length: n }, (_, i) => i);
  const m = mode();
  run++;
  const before = await hook("/__stats");
  clearLog();
  timeline.reset();
  expiredCalls = 0;
  $("fire").disabled = true;
  status("", "running…");
  let outcomes;
  if (m === "parallel") {
    outcomes = await Promise.allSettled(items.map((i) => api.get(`/api/seq/${i}`)));
  } else if (m === "sequential") {
    outcomes = [];
    for (const i of items) {
      if (i === Math.floor(n / 2)) await hook("/__expire", {});
      outcomes.push(await api.get(`/api/seq/${i}`).then((v) => ({ status: "fulfilled", value: v }), (e) => ({ status: "rejected", reason: e })));
    }
  } else if (m === "fail") {
    await hook("/__config", { refresh_fail: "invalid_grant", refresh_fail_times: 1 });
    await hook("/__expire", {});
    outcomes = await Promise.allSettled(items.map((i) => api.get(`/api/seq/${i}`)));
  } else {
    outcomes = await Promise.allSettled(items.map((i) => api.get(`/api/flaky/run${run}-${i}`, { params: { fail: 1 } })));
  }
  await counters(before);
  showTokens();
  $("fire").disabled = false;
  const failed = outcomes.filter((o) => o.status === "rejected");
  const refreshes = Number($("c-refresh").textContent);
  if (m === "fail") {
    const codes = new Set(failed.map((o) => (isTokenfetchError(o.reason) ? o.reason.code : "?")));
    status(
      failed.length === n ? "ok" : "err",
      `${failed.length} of ${n} ended ${[...codes].join(", ")} · ${refreshes} refresh · storage cleared: ${api.auth.getTokens() === null} · callback ran ${expiredCalls}×`,
    );
    setEnabled(false);
    return;
  }
  const order = timeline.replayOrder.length ? ` · replays handed to fetch in issue order ${timeline.replaysInOrder() ? "✓" : "✗"}` : "";
  status(failed.length ? "err" : "ok", `${n - failed.length} of ${n} done · ${refreshes} refresh${refreshes === 1 ? "" : "es"}${order}`);
}

function setEnabled(loggedIn) {
  $("login").disabled = false;
  $("logout").disabled = !loggedIn;
  $("expire").disabled = !loggedIn;
  $("fire").disabled = !loggedIn;
}

function describeMode() {
  const m = mode();
  $("code").textContent = CODE[m];
  const n = $("count").value;
  $("fire").textContent = m === "sequential" ? `Fire ${n} requests in a chain` : `Fire ${n} parallel requests`;
}

await init();
await hook("/__config", { refresh_delay_ms: 400 });
$("login").addEventListener("click", () => login().catch((e) => status("err", `${e.code}: ${e.message}`)));
$("logout").addEventListener("click", async () => {
  await api.auth.logout();
  setEnabled(false);
  showTokens();
  status("", "logged out");
});
$("expire").addEventListener("click", async () => {
  await hook("/__expire", {});
  status("", "the server now rejects the current access token");
});
$("fire").addEventListener("click", () => fire().catch((e) => status("err", `${e.code ?? "error"}: ${e.message}`)));
for (const input of document.querySelectorAll('input[name="mode"]')) input.addEventListener("change", describeMode);
$("count").addEventListener("change", describeMode);
describeMode();
setEnabled(false);
setInterval(showTokens, 500);
status("", "ready: log in, expire the token, fire");
