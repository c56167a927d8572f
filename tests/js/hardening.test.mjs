// The refresh under bad luck or attack, from JavaScript: a refresh that times out keeps the
// session, an open redirect cannot force a rotation, the refresh token never goes to another
// origin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, stats, configure, expire, tokens, FOREIGN, cookieLogin } from "./helpers.mjs";

const ctx = useChromium({ before, after });
const inPage = ctx.inPage;

test("a refresh that times out rejects the waiters with ETIMEDOUT and keeps the session", async () => {
  const base = tenant("js-refresh-timeout");
  await configure(base, { refresh_fail: "hang", refresh_fail_times: 1 });
  const pair = await tokens(base);
  await expire(base);
  const out = await inPage(async (tf, { base, pair }) => {
    let expired = 0;
    const api = tf.createClient({
      baseURL: base,
      auth: { refresh: { url: "/auth/refresh", timeout: 300 }, onSessionExpired: () => expired++ },
    });
    api.auth.setTokens(pair);
    const first = await Promise.allSettled([1, 2, 3].map(() => api.get("/api/items")));
    const kept = JSON.stringify(api.auth.getTokens()) === JSON.stringify(pair);
    const next = await api.get("/api/items");
    return { codes: first.map((r) => r.reason?.code), expired, kept, next: next.status };
  }, { base, pair });
  assert.deepEqual(out, { codes: ["ETIMEDOUT", "ETIMEDOUT", "ETIMEDOUT"], expired: 0, kept: true, next: 200 });
  assert.equal((await stats(base)).refresh_count, 2);
});

test("a 401 from where a redirect led (another origin) does not refresh", async () => {
  const base = tenant("js-redirect-401");
  const pair = await tokens(base);
  const out = await inPage(async (tf, { base, pair }) => {
    const api = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens(pair);
    const status = await api
      .get("/redirect", { params: { to: "foreign", path: "/api/items", status: 307 } })
      .then((r) => r.status, (e) => e.status);
    return { status, kept: api.auth.getTokens().accessToken === pair.accessToken };
  }, { base, pair });
  assert.deepEqual(out, { status: 401, kept: true });
  assert.equal((await stats(base)).refresh_count, 0);
});

test("a refresh URL on another origin needs no allowedOrigins: the refresh goes there, the access token never", async () => {
  const base = tenant("js-refresh-origin");
  const foreignBase = `${FOREIGN}/t/${base.split("/t/")[1]}`;
  const pair = await tokens(base);
  const out = await inPage(async (tf, { base, foreignBase, pair }) => {
    const api = tf.createClient({ baseURL: base, auth: { refresh: { url: `${foreignBase}/auth/refresh` } } });
    api.auth.setTokens(pair);
    // A request to the authorization server's origin itself: no token.
    const echoed = (await api.get(`${foreignBase}/echo`)).data;
    return { authorization: echoed.headers?.authorization ?? null, refreshed: await api.auth.refresh().then(() => "ok", (e) => e.code) };
  }, { base, foreignBase, pair });
  assert.equal(out.authorization, null, "the access token reached the refresh URL's origin");
  // The refresh itself reached the other origin (its tenant shares the tokens).
  assert.equal(out.refreshed, "ok");
  const s = await stats(base);
  assert.equal(s.refresh_count, 1);
  assert.deepEqual(s.foreign.authorization_headers, []);
});

test("a line break in a header name or value cannot smuggle in another header", async () => {
  const base = tenant("js-header-smuggling");
  const out = await inPage(async (tf, { base }) => {
    const code = (p) => p.then(() => "sent", (e) => [e.code, e.message]);
    const api = tf.createClient({ baseURL: base });
    let client;
    try {
      tf.createClient({ baseURL: base, headers: { "x-a": "1\nauthorization\nBearer evil" } });
      client = "created";
    } catch (e) {
      client = [e.code, e.message];
    }
    return {
      client,
      value: await code(api.get("/echo", { headers: { "x-search": "q\nauthorization\nBearer evil" } })),
      name: await code(api.get("/echo", { headers: { "x-a\nauthorization": "Bearer evil" } })),
      nul: await code(api.get("/echo", { headers: { "x-a": "1\u0000" } })),
    };
  }, { base });
  for (const got of [out.client, out.value, out.name, out.nul]) {
    assert.equal(got[0], "ERR_BAD_OPTION", JSON.stringify(got));
    assert.match(got[1], /line break or NUL/);
  }
  assert.equal((await stats(base)).requests.length, 0, "nothing was sent");
});

test("log: true never prints the package's own accessToken/refreshToken naming or other secrets", async () => {
  const base = tenant("js-log-names");
  const pair = await tokens(base);
  const out = await inPage(async (tf, { base, pair }) => {
    const lines = [];
    const saved = {};
    for (const m of ["log", "info", "warn", "error", "debug", "group", "groupCollapsed", "groupEnd"]) {
      saved[m] = console[m];
      console[m] = (...args) => lines.push(args.map(String).join(" "));
    }
    try {
      const api = tf.createClient({ baseURL: base, log: true, auth: { refresh: { url: "/auth/refresh" } } });
      api.auth.setTokens(pair);
      await api.post("/api/echo", { accessToken: "B1SECRET", refreshToken: "B2SECRET", apiKey: "B3SECRET", n: 1.0000001 }, {
        params: { accessToken: "Q1SECRET", page: 2 },
        headers: { "x-api-key": "H1SECRET", token: "H2SECRET" },
      });
      await api.post("/echo", new URLSearchParams({ refresh_token: "F1SECRET", name: "ada" }));
    } finally {
      Object.assign(console, saved);
    }
    return lines.join("\n");
  }, { base, pair });
  for (const secret of ["SECRET", pair.accessToken, pair.refreshToken]) {
    assert.ok(!out.includes(secret), `${secret} leaked into the console:\n${out}`);
  }
  for (const expected of ["page=2", "name=ada", '"n":1.0000001', "[redacted]"]) {
    assert.ok(out.includes(expected), `missing ${expected} in:\n${out}`);
  }
});

test("the server-managed refresh cookie: one refresh, no refresh token in JS, restored after a reload", async () => {
  const base = tenant("js-cookie-mode");
  const login = await inPage(cookieLogin, { base });
  const out = await inPage(async (tf, { base, login }) => {
    const auth = { refresh: { url: "/auth/cookie/refresh", withCredentials: true } };
    const api = tf.createClient({ baseURL: base, auth });
    api.auth.setTokens({ accessToken: login.access_token });
    await fetch(`${base}/__expire`, { method: "POST" });
    const statuses = (await Promise.all([1, 2, 3, 4, 5].map(() => api.get("/api/items")))).map((r) => r.status);
    const reloaded = tf.createClient({ baseURL: base, auth });
    await reloaded.auth.refresh();
    const after = await reloaded.get("/api/items");
    return {
      loginHadRefreshToken: "refresh_token" in login,
      statuses,
      refreshToken: api.auth.getTokens().refreshToken,
      cookieVisible: document.cookie.includes("tf_rt"),
      after: after.status,
    };
  }, { base, login });
  assert.deepEqual(out, { loginHadRefreshToken: false, statuses: [200, 200, 200, 200, 200], refreshToken: null, cookieVisible: false, after: 200 });
  assert.equal((await stats(base)).refresh_count, 2);
});

test("log: the token under any header name, log.redact names, fragments; the refresh and the replay are told", async () => {
  const base = tenant("js-log-lines");
  const pair = await tokens(base);
  await expire(base);
  const out = await inPage(async (tf, { base, pair, closed }) => {
    const lines = [];
    const saved = {};
    for (const m of ["log", "warn", "error", "groupCollapsed", "groupEnd"]) {
      saved[m] = console[m];
      console[m] = (...args) => lines.push(`${m}: ${args.join(" ")}`);
    }
    try {
      const api = tf.createClient({ baseURL: base, log: true, auth: { refresh: { url: "/auth/refresh" } } });
      api.auth.setTokens(pair);
      await api.get("/api/items");
      // A header name no rule knows: only the engine's mark on the token it attached redacts it.
      const keyed = tf.createClient({ baseURL: base, log: { redact: ["x-tenant"] }, auth: { header: "X-Key", scheme: "" } });
      keyed.auth.setTokens({ accessToken: "KEYSECRET" });
      await keyed.post("/echo?x_tenant=Q7SECRET&page=2#access_token=FRAGSECRET", { xTenant: "B1SECRET", keep: [1, { password: "B2SECRET" }] }, {
        headers: { "X-Tenant": "H1SECRET" },
      });
      // Numbers as they were sent, not as a JS number prints them.
      await keyed.post("/echo", '{"id":12345678901234567890,"f":1.0,"e":1E3}', { headers: { "content-type": "application/json" } });
      await keyed.get("/status/503", { retry: { limit: 1, backoff: 1 } }).catch(() => {});
      await keyed.get(`${closed}/nothing`, { retry: false }).catch(() => {});
      // A servlet session id as a path parameter.
      await keyed.get("/echo;jsessionid=PPSECRET;v=1").catch(() => {});
    } finally {
      Object.assign(console, saved);
    }
    return lines.join("\n");
  }, { base, pair, closed: process.env.TOKENFETCH_CLOSED ?? "http://127.0.0.1:1" });
  for (const secret of ["SECRET", pair.accessToken, pair.refreshToken]) {
    assert.ok(!out.includes(secret), `${secret} leaked into the console:\n${out}`);
  }
  for (const expected of [
    "log: authorization: [redacted]", "log: x-key: [redacted]", "log: x-tenant: [redacted]", "x_tenant=[redacted]&page=2#…",
    'body: {"xTenant":"[redacted]","keep":[1,{"password":"[redacted]"}]}', "⟳ refreshing the token", "waits for the token refresh",
    "⟳ token refreshed (generation 1)", "/api/items replayed", "/api/items (replay with the new token)", "/api/items 200 OK (",
    "/api/items 200 OK in ", 'body: {"id":12345678901234567890,"f":1.0,"e":1E3}', "↻ ", "/status/503 attempt 2 in ", "/status/503 503 Service Unavailable in ", "warn: ✗ GET", "/nothing failed after ", "error: ✗ GET", "/nothing failed in ",
    "/echo;jsessionid=[redacted];v=1",
  ]) {
    assert.ok(out.includes(expected), `missing ${expected} in:\n${out}`);
  }
});
