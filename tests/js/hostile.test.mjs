// What a hostile server or script can do to a client, from JavaScript in Chromium: no token
// leaves its origin through a redirect (any header, fetch and XHR, the refresh itself), the
// HttpOnly mode never keeps a refresh token, nothing hangs the engine or copies unbounded data
// into wasm memory, and nothing is lost without an error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, stats, cookieLogin } from "./helpers.mjs";
import { hostile, raw, json } from "./hostile.mjs";

const ctx = useChromium({ before, after });
const inPage = ctx.inPage;

/** An app origin that redirects `/redirect?to=URL&status=N` and answers `/echo` itself. */
const redirector = () =>
  hostile((req, res, body, url) => {
    if (url.pathname === "/redirect") return res.writeHead(+url.searchParams.get("status"), { location: url.searchParams.get("to") }).end();
    json(res, 200, { ok: true });
  });
/** A foreign origin that takes whatever it gets. */
const thief = () => hostile((req, res) => json(res, 200, { access_token: "PLANTED", refresh_token: "PLANTED-RT", stolen: true }));
const carried = (seen, needle) => seen.filter((r) => JSON.stringify(r).includes(needle));

test("a token in a custom header never follows a redirect to another origin (fetch and XHR paths)", async () => {
  const [app, foreign] = [await redirector(), await thief()];
  try {
    const out = await inPage(async (tf, { app, foreign }) => {
      const outcome = (p) => p.then((r) => ["followed", r.status], (e) => [e.code, e.message]);
      const api = tf.createClient({ baseURL: app, retry: 0, auth: { header: "X-Access-Token", scheme: "" } });
      api.auth.setTokens({ accessToken: "AT-SECRET-1", refreshToken: "RT-1" });
      const to = `${foreign}/echo`;
      const bearer = tf.createClient({ baseURL: app, retry: 0, auth: {} });
      bearer.auth.setTokens({ accessToken: "AT-SECRET-2", refreshToken: "RT-2" });
      return {
        fetch302: await outcome(api.get("/redirect", { params: { to, status: 302 } })),
        fetch307: await outcome(api.get("/redirect", { params: { to, status: 307 } })),
        xhr307: await outcome(api.post("/redirect", "x", { params: { to, status: 307 }, onUploadProgress() {} })),
        plain: await outcome(api.get("/echo")),
        // Authorization: the browser strips it on a redirect to another origin, so it follows.
        bearer: await outcome(bearer.get("/redirect", { params: { to, status: 307 } })),
      };
    }, { app: app.origin, foreign: foreign.origin });
    assert.deepEqual(carried(foreign.seen, "AT-SECRET"), [], "the foreign origin got a token");
    for (const key of ["fetch302", "fetch307"]) {
      assert.equal(out[key][0], "ERR_NETWORK", key);
      assert.match(out[key][1], /redirect/, key);
    }
    assert.equal(out.xhr307[0], "ERR_BAD_OPTION");
    assert.match(out.xhr307[1], /onUploadProgress.*header other than Authorization/);
    assert.deepEqual([out.plain, out.bearer], [["followed", 200], ["followed", 200]]);
    assert.equal(foreign.seen.length, 1, "only the Authorization request reached the foreign origin");
  } finally {
    await Promise.all([app.close(), foreign.close()]);
  }
});

test("the refresh never follows a 307 to another origin: its answer is refused and the tokens kept", async () => {
  const foreign = await thief();
  const app = await hostile((req, res, body, url) => {
    if (url.pathname === "/auth/refresh") return res.writeHead(307, { location: `${foreign.origin}/steal` }).end();
    if (req.headers.authorization === "Bearer PLANTED") return json(res, 200, { planted: true });
    res.writeHead(401, { "www-authenticate": "Bearer" }).end();
  });
  try {
    const out = await inPage(async (tf, { app }) => {
      let expired = 0;
      const api = tf.createClient({ baseURL: app, retry: 0, auth: { refresh: { url: "/auth/refresh" }, onSessionExpired: () => expired++ } });
      const pair = { accessToken: "AT-OLD", refreshToken: "RT-SECRET" };
      api.auth.setTokens(pair);
      const result = await api.get("/api").then((r) => ["ok", r.data], (e) => [e.code, e.message]);
      return { result, expired, kept: JSON.stringify(api.auth.getTokens()) === JSON.stringify(pair) };
    }, { app: app.origin });
    assert.deepEqual(carried(foreign.seen, "RT-SECRET"), [], "the refresh token reached the foreign origin");
    assert.equal(foreign.seen.length, 0);
    assert.equal(out.result[0], "ERR_NETWORK", out.result[1]);
    assert.match(out.result[1], /redirect/);
    assert.deepEqual([out.expired, out.kept], [0, true]);
  } finally {
    await Promise.all([app.close(), foreign.close()]);
  }
});

test("the HttpOnly cookie mode never stores a refresh token, whatever the server or the app hands it", async () => {
  const app = await hostile((req, res, body, url) => {
    if (url.pathname === "/auth/refresh") return json(res, 200, { access_token: "AT-NEW", refresh_token: "RT-LEAKED" });
    json(res, 200, { ok: true });
  });
  try {
    const out = await inPage(async (tf, { app }) => {
      const key = `tf-httponly-${Math.random()}`;
      const warnings = [];
      const warn = console.warn;
      console.warn = (m) => warnings.push(String(m));
      try {
        const api = tf.createClient({
          baseURL: app,
          auth: { storage: "localStorage", storageKey: key, refresh: { url: "/auth/refresh", withCredentials: true } },
        });
        await api.auth.refresh();
        const afterRefresh = [api.auth.getTokens(), localStorage.getItem(key)];
        api.auth.setTokens({ accessToken: "AT-SET", refreshToken: "RT-SET" });
        const afterSet = [api.auth.getTokens(), localStorage.getItem(key)];
        localStorage.removeItem(key);
        return { afterRefresh, afterSet, warnings };
      } finally {
        console.warn = warn;
      }
    }, { app: app.origin });
    assert.deepEqual(out.afterRefresh[0], { accessToken: "AT-NEW", refreshToken: null });
    assert.deepEqual(out.afterSet[0], { accessToken: "AT-SET", refreshToken: null });
    for (const [, stored] of [out.afterRefresh, out.afterSet]) assert.doesNotMatch(stored, /RT-/);
    assert.equal(out.warnings.length, 1, out.warnings.join("\n"));
    assert.match(out.warnings[0], /never stores/);
  } finally {
    await app.close();
  }
});

test("XHR path: a control character in the reason phrase rejects the request instead of hanging it", async () => {
  const server = await raw(
    (origin) => `HTTP/1.1 200 O\x01K\r\nAccess-Control-Allow-Origin: ${origin}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`,
  );
  try {
    const out = await inPage(async (tf, { origin }) => {
      const api = tf.createClient({ baseURL: origin, retry: 0 });
      const hung = new Promise((resolve) => setTimeout(() => resolve(["hung"]), 5000));
      const sent = api.post("/x", "x", { onUploadProgress() {}, timeout: 1000 }).then((r) => ["ok", r.status], (e) => [e.code, e.isTokenfetchError]);
      return Promise.race([sent, hung]);
    }, { origin: server.origin });
    assert.equal(server.seen.length, 1, "the request reached the server");
    assert.deepEqual(out, ["ERR_NETWORK", true]);
  } finally {
    await server.close();
  }
});

/** A fresh page whose engine's wasm memory `bytes()` measures; `window.tf` loaded. */
async function memoryPage() {
  const page = await ctx.chromium.blank();
  await page.evaluate(async () => {
    window.bytes = (await import("/www/wasm-memory.js")).catchWasmMemory();
    window.tf = await import("/pkg/tokenfetch.js");
    await window.tf.default();
  });
  return page;
}

test("a 32 MB refresh answer is cut off at 64 KiB: no memory growth, no stuck refresh", async () => {
  const huge = `{"access_token":"${"a".repeat(32 * 1024 * 1024)}"}`;
  const app = await hostile((req, res, body, url) => {
    if (url.pathname === "/auth/refresh") return res.writeHead(200, { "content-type": "application/json" }).end(huge);
    res.writeHead(401, { "www-authenticate": "Bearer" }).end();
  });
  const page = await memoryPage();
  try {
    const out = await page.evaluate(async ({ app }) => {
      const api = tf.createClient({ baseURL: app, retry: 0, auth: { refresh: { url: "/auth/refresh" } } });
      api.auth.setTokens({ accessToken: "AT", refreshToken: "RT" });
      await api.get("/warm-up", { skipAuth: true }).catch(() => {});
      const before = bytes();
      const first = await api.get("/api").then(() => "ok", (e) => [e.code, e.cause?.message ?? e.message]);
      const again = await Promise.race([
        api.auth.refresh().then(() => "ok", (e) => e.code),
        new Promise((resolve) => setTimeout(() => resolve("hung"), 5000)),
      ]);
      return { first, again, refreshing: api.auth.isRefreshing, growth: bytes() - before };
    }, { app: app.origin });
    assert.equal(out.first[0], "ERR_SESSION_EXPIRED");
    assert.notEqual(out.again, "hung");
    assert.equal(out.refreshing, false);
    assert.ok(out.growth < 2 * 1024 * 1024, `wasm memory grew ${out.growth} bytes`);
  } finally {
    await page.close();
    await app.close();
  }
});

test("a large message on the store's BroadcastChannel is dropped before it reaches wasm", async () => {
  const page = await memoryPage();
  try {
    const out = await page.evaluate(async () => {
      const key = `tf-channel-${Math.random()}`;
      const api = tf.createClient({ auth: { storage: "localStorage", storageKey: key } });
      let changes = 0;
      const other = tf.createClient({ auth: { storage: "localStorage", storageKey: key, onChange: () => changes++ } });
      const before = bytes();
      const channel = new BroadcastChannel(`tokenfetch:localStorage:${key}`);
      for (let i = 0; i < 3; i++) channel.postMessage("x".repeat(16 * 1024 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const growth = bytes() - before;
      // The channel still carries what means something.
      api.auth.setTokens({ accessToken: "A", refreshToken: "R" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      channel.close();
      localStorage.removeItem(key);
      return { growth, changes };
    });
    assert.ok(out.growth < 1024 * 1024, `wasm memory grew ${out.growth} bytes`);
    assert.equal(out.changes, 1, "the login still reached the other client");
  } finally {
    await page.close();
  }
});

test("the cookie store refuses a write that did not stick (over 4 KB, __Host- over http) with ERR_STORAGE", async () => {
  const out = await inPage(async (tf) => {
    const attempt = (key, token) => {
      const api = tf.createClient({ auth: { storage: "cookie", storageKey: key } });
      try {
        api.auth.setTokens({ accessToken: token, refreshToken: "R" });
        return ["stored", api.auth.getTokens()?.accessToken === token];
      } catch (e) {
        return [e.code, e.message];
      } finally {
        api.auth.clear();
      }
    };
    return {
      large: attempt(`tf-large-${Date.now()}`, "a".repeat(5000)),
      host: attempt("__Host-tf", "A"),
      fits: attempt(`tf-fits-${Date.now()}`, "a".repeat(3000)),
    };
  });
  assert.equal(out.large[0], "ERR_STORAGE");
  assert.match(out.large[1], /4096/);
  assert.equal(out.host[0], "ERR_STORAGE");
  assert.match(out.host[1], /https/);
  assert.deepEqual(out.fits, ["stored", true]);
});

test("XHR path: maxContentLength cancels the download as it arrives, and download progress is reported as it arrives", async () => {
  const base = tenant("js-xhr-limit");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: 0 });
    const started = performance.now();
    const over = await api
      .get("/download", { params: { bytes: 20_000_000, length: "none", pace_ms: 5 }, maxContentLength: 1_000_000, onUploadProgress() {} })
      .then(() => "ok", (e) => [e.code, e.message]);
    const elapsed = performance.now() - started;
    const events = [];
    const res = await api.get("/download", {
      params: { bytes: 1_000_000, length: "none", pace_ms: 2 },
      responseType: "arraybuffer",
      onUploadProgress() {},
      onDownloadProgress: (e) => events.push(e.loaded),
    });
    return { over, elapsed, size: res.data.byteLength, events };
  }, { base });
  assert.equal(out.over[0], "ERR_BAD_RESPONSE");
  assert.match(out.over[1], /maxContentLength/);
  assert.ok(out.elapsed < 1500, `took ${out.elapsed} ms: the 20 MB body was read whole`);
  const s = await stats(base);
  assert.equal(s.aborted_downloads, 1, "the server saw the download end early");
  assert.equal(out.size, 1_000_000);
  assert.ok(out.events.length > 1, `${out.events.length} progress events`);
  assert.equal(out.events.at(-1), 1_000_000);
});

test("params: constructor, prototype and an own __proto__ are sent; a lone surrogate is ERR_BAD_OPTION", async () => {
  const base = tenant("js-params-keys");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const params = JSON.parse('{"constructor":"c","prototype":"p","__proto__":"x","nested":{"constructor":1,"prototype":2}}');
    const query = (await api.get("/echo", { params })).data.query;
    const surrogate = await api.get("/echo", { params: { q: "a\uD800b" } }).then(() => "sent", (e) => [e instanceof tf.TokenfetchError, e.code, e.message]);
    return { query, surrogate };
  }, { base });
  assert.equal(out.query, "constructor=c&prototype=p&__proto__=x&nested[constructor]=1&nested[prototype]=2");
  assert.deepEqual(out.surrogate.slice(0, 2), [true, "ERR_BAD_OPTION"]);
  assert.match(out.surrogate[2], /params\.q.*surrogate/);
});

test("a transform or serializer that returns a Promise is refused, never sent as [object Promise]", async () => {
  const base = tenant("js-async-transform");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const code = (p) => p.then(() => "sent", (e) => [e.code, e.message]);
    return [
      await code(api.post("/echo", { a: 1 }, { transformRequest: async (d) => JSON.stringify(d) })),
      await code(api.get("/echo", { transformResponse: async (d) => d })),
      await code(api.get("/echo", { params: { a: 1 }, paramsSerializer: async () => "a=1" })),
    ];
  }, { base });
  for (const [code, message] of out) {
    assert.equal(code, "ERR_BAD_OPTION");
    assert.match(message, /not a Promise/);
  }
  assert.equal((await stats(base)).requests.filter((r) => r.method === "POST").length, 0, "nothing was posted");
});

test("a huge value planted in the store or returned by a refresh function never reaches wasm memory", async () => {
  const page = await memoryPage();
  try {
    const out = await page.evaluate(async () => {
      const key = `tf-planted-${Math.random()}`;
      const api = tf.createClient({ auth: { storage: "localStorage", storageKey: key } });
      api.auth.getTokens();
      const huge = "x".repeat(24 * 1024 * 1024);
      const before = bytes();
      localStorage.setItem(key, JSON.stringify({ access_token: "a".repeat(4_800_000), refresh_token: "r" }));
      const planted = api.auth.getTokens();
      localStorage.removeItem(key);
      let expired = 0;
      const fn = tf.createClient({ auth: { refresh: () => ({ accessToken: huge }), onSessionExpired: () => expired++ } });
      fn.auth.setTokens({ accessToken: "A", refreshToken: "R" });
      const refreshed = await fn.auth.refresh().then(() => "ok", (e) => e.code);
      return { planted, refreshed, expired, growth: bytes() - before };
    });
    assert.equal(out.planted, null);
    assert.deepEqual([out.refreshed, out.expired], ["ERR_SESSION_EXPIRED", 1]);
    assert.ok(out.growth < 2 * 1024 * 1024, `wasm memory grew ${out.growth} bytes`);
  } finally {
    await page.close();
  }
});

test("the HttpOnly mode's logout can end the server's session: revoke.url is posted with the cookie", async () => {
  const base = tenant("js-cookie-logout");
  const login = await inPage(cookieLogin, { base });
  const out = await inPage(async (tf, { base, login }) => {
    const auth = { refresh: { url: "/auth/cookie/refresh", withCredentials: true }, revoke: { url: "/auth/cookie/logout" } };
    const api = tf.createClient({ baseURL: base, auth });
    api.auth.setTokens({ accessToken: login.access_token });
    await api.auth.logout();
    // The revocation goes out in the background: wait for the server to have cleared the cookie.
    let restored = "ok";
    for (let i = 0; i < 50 && restored === "ok"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      restored = await tf.createClient({ baseURL: base, auth: { refresh: auth.refresh } }).auth.refresh().then(() => "ok", (e) => e.code);
    }
    return restored;
  }, { base, login });
  assert.equal(out, "ERR_SESSION_EXPIRED", "a reload still restored the session from the cookie");
  assert.equal((await stats(base)).requests.filter((r) => r.path.endsWith("/auth/cookie/logout")).length, 1);
});

test("the OAuth refresh request: a form with client_id and scope, Accept JSON, its own headers on it alone", async () => {
  const app = await hostile((req, res, body, url) => {
    if (url.pathname === "/token") return json(res, 200, { access_token: "AT-2", token_type: "Bearer", expires_in: 300 });
    json(res, 200, { ok: true });
  });
  try {
    const out = await inPage(async (tf, { app }) => {
      const api = tf.createClient({
        baseURL: app,
        auth: { refresh: { url: "/token", clientId: "spa app", scope: "openid api", headers: { "x-client": "tf" } } },
      });
      api.auth.setTokens({ accessToken: "AT-1", refreshToken: "RT/1+" });
      await api.auth.refresh();
      await api.get("/api");
      return api.auth.getTokens();
    }, { app: app.origin });
    const [refresh, call] = app.seen;
    assert.equal(refresh.body, "grant_type=refresh_token&refresh_token=RT%2F1%2B&client_id=spa+app&scope=openid+api");
    assert.equal(refresh.headers["content-type"], "application/x-www-form-urlencoded");
    assert.equal(refresh.headers.accept, "application/json");
    assert.equal(refresh.headers["x-client"], "tf");
    assert.equal(call.headers["x-client"], undefined, "the refresh headers went on an API request");
    assert.equal(call.headers.authorization, "Bearer AT-2");
    assert.equal(out.refreshToken, "RT/1+", "kept: the server did not rotate");
    assert.ok(Math.abs(out.expiresAt - (Date.now() / 1000 + 300)) < 5, `expiresAt ${out.expiresAt}`);
  } finally {
    await app.close();
  }
});

test("expiresIn / expiresAt are range-checked, a refresh function's expiry is kept, a failed revocation never blocks a logout", async () => {
  const out = await inPage(async (tf, { closed }) => {
    const code = (f) => { try { f(); return "ok"; } catch (e) { return e.code; } };
    const api = tf.createClient({
      auth: { refresh: () => ({ accessToken: "A2", expiresIn: 300 }), revoke: { url: `${closed}/revoke` } },
    });
    const set = (extra) => code(() => api.auth.setTokens({ accessToken: "A", refreshToken: "R", ...extra }));
    const refused = [
      { expiresIn: -1 }, { expiresIn: NaN }, { expiresIn: Infinity }, { expiresIn: 1e300 }, { expiresIn: Number.MAX_VALUE },
      { expiresIn: "300" }, { expiresAt: Date.now() }, { expiresAt: -5 }, { expiresAt: new Date(NaN) }, { expiresIn: 1, expiresAt: 1 },
    ].map(set);
    const accepted = [{ expiresIn: 1e-300 }, { expiresIn: 0 }, { expiresAt: new Date(Date.now() + 60_000) }, { expiresAt: 2e9 }].map(set);
    api.auth.setTokens({ accessToken: "A", refreshToken: "R", expiresAt: 2e9 });
    const given = api.auth.getTokens().expiresAt;
    await api.auth.refresh();
    const refreshed = api.auth.getTokens().expiresAt - Date.now() / 1000;
    // The revocation URL refuses connections: the logout still clears at once.
    const logout = await api.auth.logout().then(() => "ok", (e) => e.code);
    return { refused, accepted, given, refreshed, logout, after: api.auth.getTokens() };
  }, { closed: process.env.TOKENFETCH_CLOSED ?? "http://127.0.0.1:8799" });
  assert.deepEqual(out.refused, Array(10).fill("ERR_BAD_OPTION"));
  assert.deepEqual(out.accepted, ["ok", "ok", "ok", "ok"]);
  assert.equal(out.given, 2e9);
  assert.ok(Math.abs(out.refreshed - 300) < 5, `${out.refreshed}`);
  assert.deepEqual([out.logout, out.after], ["ok", null]);
});
