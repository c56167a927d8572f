// The auth scenarios from JavaScript, in Chromium, asserting what the server observed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, stats, configure, expire, tokens, FOREIGN, SERVER } from "./helpers.mjs";

const ctx = useChromium({ before, after });
const inPage = ctx.inPage;

test("a storm of 50 requests refreshes once and replays in issue order", async () => {
  const base = tenant("js-storm");
  await configure(base, { refresh_delay_ms: 300 });
  const pair = await tokens(base);
  await expire(base);
  const result = await inPage(async (tf, { base, pair }) => {
    const api = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens(pair);
    const replays = [];
    api.on("sent", (e) => { if (e.replay) replays.push(Number(e.url.split("/").pop())); });
    const res = await Promise.all(Array.from({ length: 50 }, (_, i) => api.get(`/api/seq/${i}`)));
    return { ns: res.map((r) => r.data.n), replays };
  }, { base, pair });
  assert.deepEqual(result.ns, Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(result.replays, [...result.replays].sort((a, b) => a - b), "replays in issue order");
  assert.equal(result.replays.length, 50);
  assert.equal((await stats(base)).refresh_count, 1);
});

test("requests issued during a refresh wait and never send the stale token", async () => {
  const base = tenant("js-pause");
  await configure(base, { refresh_delay_ms: 300 });
  const pair = await tokens(base);
  await expire(base);
  const ok = await inPage(async (tf, { base, pair }) => {
    const api = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens(pair);
    const first = api.get("/api/items");
    while (!api.auth.isRefreshing) await new Promise((r) => setTimeout(r, 5));
    const later = await Promise.all(Array.from({ length: 10 }, (_, i) => api.get(`/api/seq/${i}`)));
    return [(await first).status, ...later.map((r) => r.status)];
  }, { base, pair });
  assert.deepEqual(ok, Array(11).fill(200));
  const s = await stats(base);
  assert.equal(s.stale_token_requests, 1);
  assert.equal(s.refresh_count, 1);
});

for (const storage of ["memory", "localStorage", "sessionStorage", "cookie"]) {
  test(`session expiry rejects every waiter and empties ${storage}`, async () => {
    const base = tenant(`js-expiry-${storage}`);
    await configure(base, { refresh_fail: "invalid_grant", refresh_delay_ms: 100 });
    const pair = await tokens(base);
    await expire(base);
    const key = `tfjs${Math.floor(Math.random() * 1e9)}`;
    const result = await inPage(async (tf, { base, pair, storage, key }) => {
      let calls = 0;
      const api = tf.createClient({
        baseURL: base,
        auth: { storage, storageKey: key, refresh: { url: "/auth/refresh" }, onSessionExpired: () => calls++ },
      });
      api.auth.setTokens(pair);
      const stored = JSON.stringify([localStorage.getItem(key), sessionStorage.getItem(key), document.cookie.includes(key)]);
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => api.get("/api/items")));
      return {
        codes: outcomes.map((o) => o.status === "rejected" && o.reason.code),
        classes: outcomes.every((o) => o.reason instanceof tf.TokenfetchError && tf.isTokenfetchError(o.reason)),
        calls,
        tokens: api.auth.getTokens(),
        before: stored,
        after: JSON.stringify([localStorage.getItem(key), sessionStorage.getItem(key), document.cookie.includes(key)]),
      };
    }, { base, pair, storage, key });
    assert.deepEqual(result.codes, Array(20).fill("ERR_SESSION_EXPIRED"));
    assert.ok(result.classes);
    assert.equal(result.calls, 1);
    assert.equal(result.tokens, null);
    assert.equal(result.after, JSON.stringify([null, null, false]));
    if (storage !== "memory") assert.notEqual(result.before, result.after, "tokens reached the storage");
    assert.equal((await stats(base)).refresh_count, 1);
  });
}

test("the token never reaches another origin", async () => {
  const base = tenant("js-origin");
  const pair = await tokens(base);
  const path = base.slice(SERVER.length);
  const seen = await inPage(async (tf, { base, pair, foreign }) => {
    const api = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens(pair);
    const own = await api.get("/echo");
    const other = await api.get(foreign);
    const redirected = await api.get("/redirect", { params: { to: "foreign", path: "/echo" } });
    let trick;
    try {
      await api.get(foreign.replace("http:", ""));
    } catch (e) {
      trick = e.code;
    }
    return [own.data.headers.authorization?.startsWith("Bearer "), other.data.headers.authorization, redirected.data.headers.authorization, trick];
  }, { base, pair, foreign: `${FOREIGN}${path}/echo` });
  assert.deepEqual(seen, [true, undefined, undefined, "ERR_INVALID_URL"]);
  const s = await stats(base);
  assert.deepEqual(s.foreign.authorization_headers, []);
});

test("a refresh function and a custom storage", async () => {
  const base = tenant("js-custom");
  const pair = await tokens(base);
  await expire(base);
  const result = await inPage(async (tf, { base, pair }) => {
    const map = new Map();
    let refreshedWith;
    const api = tf.createClient({
      baseURL: base,
      auth: {
        storage: { get: (k) => map.get(k) ?? null, set: (k, v) => map.set(k, v), remove: (k) => map.delete(k) },
        refresh: async ({ refreshToken }) => {
          refreshedWith = refreshToken;
          const res = await fetch(`${base}/auth/refresh`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ refresh_token: refreshToken }),
          });
          const t = await res.json();
          return { accessToken: t.access_token, refreshToken: t.refresh_token };
        },
      },
    });
    api.auth.setTokens(pair);
    const res = await api.get("/api/items");
    return { status: res.status, refreshedWith, stored: [...map.keys()], tokens: api.auth.getTokens() };
  }, { base, pair });
  assert.equal(result.status, 200);
  assert.equal(result.refreshedWith, pair.refreshToken);
  assert.deepEqual(result.stored, ["tokenfetch"]);
  assert.notEqual(result.tokens.accessToken, pair.accessToken);
  assert.equal((await stats(base)).refresh_count, 1);
});

test("an async custom storage or refresh body is refused with a clear error, not read as 'no tokens'", async () => {
  const base = tenant("js-async-hooks");
  const pair = await tokens(base);
  await expire(base);
  const out = await inPage(async (tf, { base, pair }) => {
    const code = (f) => { try { f(); return "ok"; } catch (e) { return [e.code, e.message]; } };
    const map = new Map();
    const asyncStore = { get: async (k) => map.get(k) ?? null, set: async (k, v) => map.set(k, v), remove: async (k) => map.delete(k) };
    const a = tf.createClient({ baseURL: base, auth: { storage: asyncStore } });
    const b = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh", body: async (t) => ({ refresh_token: t }) } } });
    b.auth.setTokens(pair);
    const refreshed = await b.get("/api/items").then((r) => r.status, (e) => [e.code, e.message]);
    return { set: code(() => a.auth.setTokens(pair)), refreshed };
  }, { base, pair });
  assert.equal(out.set[0], "ERR_STORAGE");
  assert.match(out.set[1], /must be synchronous/);
  assert.match(JSON.stringify(out.refreshed), /not a Promise/);
  assert.equal((await stats(base)).refresh_count, 0, "no refresh was sent with a body of {}");
});

test("the cookie store: the access cookie ends at the token's exp, the refresh cookie with the session, a new client reads them back", async () => {
  const base = tenant("js-cookie-store");
  const pair = await tokens(base, 600);
  const key = `tfc${Math.floor(Math.random() * 1e9)}`;
  const first = await inPage(async (tf, { base, pair, key }) => {
    const make = () => tf.createClient({ baseURL: base, auth: { storage: "cookie", storageKey: key } });
    make().auth.setTokens(pair);
    const again = make();
    return { tokens: again.auth.getTokens(), status: (await again.get("/api/items")).status };
  }, { base, pair, key });
  assert.deepEqual(first, { tokens: pair, status: 200 });
  const jar = Object.fromEntries((await ctx.page.context().cookies()).filter((c) => c.name.startsWith(key)).map((c) => [c.name, c]));
  const at = jar[`${key}.at`];
  const rt = jar[`${key}.rt`];
  assert.equal(at.value, pair.accessToken);
  assert.equal(decodeURIComponent(rt.value), pair.refreshToken);
  assert.ok(Math.abs(at.expires - (Date.now() / 1000 + 600)) < 60, `the access cookie lasts until exp: ${at.expires}`);
  assert.equal(rt.expires, -1, "the refresh cookie lasts the browser session");
  assert.deepEqual([at.path, at.sameSite, at.secure, rt.path, rt.sameSite], ["/", "Strict", false, "/", "Strict"]);

  const second = await inPage(async (tf, { base, key }) => {
    const make = () => tf.createClient({ baseURL: base, auth: { storage: "cookie", storageKey: key } });
    // One that does not decode under a longer path (listed first) is skipped, not taken for none.
    document.cookie = `${key}.at=%E0%A4%A; Path=/www`;
    const shadowed = make().auth.getTokens();
    document.cookie = `${key}.at=; Path=/www; Max-Age=0`;
    document.cookie = `${key}.at=%E0%A4%A; Path=/`;
    const corrupt = make().auth.getTokens();
    make().auth.clear();
    const bad = (() => {
      try {
        tf.createClient({ auth: { storage: "cookie", storageKey: "a key;" } });
      } catch (e) {
        return [e.code, e.message];
      }
    })();
    return { shadowed, corrupt, cleared: document.cookie.includes(key), bad };
  }, { base, key });
  assert.equal(second.shadowed.accessToken, pair.accessToken, "an undecodable namesake is skipped");
  assert.equal(second.corrupt.accessToken, null, "a cookie that does not decode is no token");
  assert.equal(second.corrupt.refreshToken, pair.refreshToken);
  assert.equal(second.cleared, false);
  assert.equal(second.bad[0], "ERR_BAD_OPTION");
  assert.match(second.bad[1], /auth\.storageKey/);
});

test("a blocked localStorage is ERR_STORAGE saying so, and works again once it is back", async () => {
  const base = tenant("js-storage-blocked");
  const pair = await tokens(base);
  const page = await ctx.chromium.page();
  try {
    const out = await page.evaluate(async ({ base, pair }) => {
      const error = (e) => [e.code, e.message];
      const original = Object.getOwnPropertyDescriptor(window, "localStorage");
      Object.defineProperty(window, "localStorage", { configurable: true, get: () => { throw new DOMException("denied", "SecurityError"); } });
      const api = window.tf.createClient({ baseURL: base, auth: { storage: "localStorage", storageKey: "blocked" } });
      let set;
      try {
        api.auth.setTokens(pair);
      } catch (e) {
        set = error(e);
      }
      const get = await api.get("/api/items").then((r) => r.status, error);
      Object.defineProperty(window, "localStorage", original);
      api.auth.setTokens(pair);
      return { set, get, after: (await api.get("/api/items")).status, stored: localStorage.getItem("blocked") !== null };
    }, { base, pair });
    assert.equal(out.set[0], "ERR_STORAGE");
    assert.match(out.set[1], /localStorage is blocked: denied/);
    assert.equal(out.get[0], "ERR_STORAGE", "a request cannot read the token: it says why");
    assert.deepEqual([out.after, out.stored], [200, true]);
  } finally {
    await page.close();
  }
});

test("a refresh function's failure: a 5xx status or a TypeError keeps the session, anything else ends it", async () => {
  const base = tenant("js-refresh-fn-errors");
  const pair = await tokens(base);
  await expire(base);
  const out = await inPage(async (tf, { base, pair }) => {
    const run = async (thrown) => {
      let expired = 0;
      const api = tf.createClient({
        baseURL: base,
        retry: false,
        auth: { refresh: async () => { throw thrown(); }, onSessionExpired: () => expired++ },
      });
      api.auth.setTokens(pair);
      const e = await api.get("/api/items").then(() => null, (e) => e);
      return [e?.code, e?.message, api.auth.getTokens() !== null, expired];
    };
    return {
      busy: await run(() => Object.assign(new Error("busy"), { status: 503 })),
      offline: await run(() => new TypeError("Failed to fetch")),
      refused: await run(() => new Error("nope")),
      text: await run(() => "x".repeat(300)),
    };
  }, { base, pair });
  const [busy, offline, refused, text] = [out.busy, out.offline, out.refused, out.text];
  assert.deepEqual([busy[0], busy[2], busy[3]], ["ERR_BAD_RESPONSE", true, 0], "a 503 is transient: tokens kept");
  assert.match(busy[1], /auth\.refresh rejected: busy/);
  assert.deepEqual([offline[0], offline[2], offline[3]], ["ERR_NETWORK", true, 0], "a TypeError is the network: tokens kept");
  assert.deepEqual([refused[0], refused[2], refused[3]], ["ERR_SESSION_EXPIRED", false, 1], "anything else is a refusal");
  assert.match(refused[1], /auth\.refresh rejected: nope/);
  assert.equal(text[0], "ERR_SESSION_EXPIRED");
  assert.match(text[1], /rejected: x{200}$/, "a thrown string is the message, cut at 200 characters");
});

test("the app's storage: exactly (key, json) to set, its throw named, a non-string get is no tokens", async () => {
  const base = tenant("js-custom-store-calls");
  const pair = await tokens(base, 600);
  const out = await inPage(async (tf, { base, pair }) => {
    const calls = [];
    let stored = null;
    let failing = false;
    const storage = {
      get: (...a) => {
        calls.push(["get", a.length]);
        if (failing) throw new Error("boom");
        return stored;
      },
      set: (...a) => (calls.push(["set", a.length]), (stored = a[1])),
      remove: (...a) => (calls.push(["remove", a.length]), (stored = null)),
    };
    const api = tf.createClient({ baseURL: base, auth: { storage } });
    api.auth.setTokens(pair);
    const json = JSON.parse(stored);
    const status = (await api.get("/api/items")).status;
    failing = true;
    const error = await api.get("/api/items").then(() => null, (e) => [e.code, e.message]);
    failing = false;
    stored = 42;
    const none = api.auth.getTokens();
    api.auth.clear();
    return { calls, json, status, error, none };
  }, { base, pair });
  assert.deepEqual(out.calls.filter(([m]) => m !== "get"), [["set", 2], ["remove", 1]]);
  assert.ok(out.calls.every(([m, n]) => m !== "get" || n === 1));
  assert.deepEqual(out.json, { access_token: pair.accessToken, refresh_token: pair.refreshToken });
  assert.equal(out.status, 200);
  assert.equal(out.error[0], "ERR_STORAGE");
  assert.match(out.error[1], /storage\.get threw: boom/);
  assert.equal(out.none, null);
});

// The engine takes the options in fixed places (src/js/config.rs ↔ options.js): each one below
// must land in its own place, or what the server sees changes.
test("each auth option reaches the engine: statusCodes, refresh method, token field, refresh timeout", async () => {
  const base = tenant("js-auth-places");
  const slow = tenant("js-auth-places-slow");
  await configure(slow, { refresh_delay_ms: 1000 });
  const pair = await tokens(base);
  const slowPair = await tokens(slow);
  await expire(base);
  const out = await inPage(async (tf, { base, slow, pair, slowPair }) => {
    const outcome = (p) => p.then((r) => r.status, (e) => [e.code, e.status ?? null, e.message]);
    const make = (url, auth) => {
      const api = tf.createClient({ baseURL: url, auth: { refresh: { url: "/auth/refresh" }, ...auth } });
      api.auth.setTokens(url === slow ? slowPair : pair);
      return api;
    };
    const refreshOf = (url, refresh) => outcome(make(url, { refresh: { url: "/auth/refresh", ...refresh } }).auth.refresh());
    return {
      // A 401 refreshes only when 401 is listed.
      notListed: await outcome(make(base, { statusCodes: [403] }).get("/api/items")),
      method: await refreshOf(base, { method: "PUT" }),
      field: await refreshOf(base, { accessTokenField: "data.token" }),
      timeout: await refreshOf(slow, { timeout: 50 }),
    };
  }, { base, slow, pair, slowPair });
  assert.deepEqual(out.notListed, ["ERR_BAD_REQUEST", 401, "Request failed with status code 401"]);
  assert.equal(out.method[0], "ERR_SESSION_EXPIRED", "PUT to a POST route is refused (405)");
  assert.match(out.method[2], /405/);
  assert.equal(out.field[0], "ERR_SESSION_EXPIRED");
  assert.match(out.field[2], /`data\.token`/);
  assert.equal(out.timeout[0], "ETIMEDOUT");
  // The 401 was not refreshed; the field test refreshed once (and got no `data.token`).
  assert.equal((await stats(base)).refresh_count, 1);
});

test("a line break inside a list option is refused, never split into two entries", async () => {
  const out = await inPage(async (tf) => {
    const code = (f) => {
      try {
        f();
        return "created";
      } catch (e) {
        return [e.code, e.message];
      }
    };
    return [
      code(() => tf.createClient({ auth: { allowedOrigins: ["https://a.test\nhttps://b.test"] } })),
      code(() => tf.createClient({ retry: { methods: ["GET\nPOST"] } })),
    ];
  });
  assert.equal(out[0][0], "ERR_BAD_OPTION");
  assert.match(out[0][1], /auth\.allowedOrigins/);
  assert.equal(out[1][0], "ERR_BAD_OPTION");
  assert.match(out[1][1], /retry\.methods/);
});
