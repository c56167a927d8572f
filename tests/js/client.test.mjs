// The JS API's everyday behaviour in Chromium: verbs and data, retry, timeout, abort, dedupe,
// interceptors, error codes, option validation and prototype pollution.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, stats } from "./helpers.mjs";

const ctx = useChromium({ before, after });
const inPage = ctx.inPage;

test("verbs, params, data kinds, headers and response types", async () => {
  const base = tenant("js-verbs");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, headers: { "x-app": "shop" } });
    const get = await api.get("/echo", { params: { page: 2, q: "a b" } });
    const json = await api.post("/echo", { name: "pen" });
    const text = await api.put("/echo", "plain");
    const form = await api.patch("/echo", new URLSearchParams({ a: "1" }));
    const bytes = await api.post("/echo", new Uint8Array([104, 105]));
    const del = await api.delete("/echo");
    const head = await api.head("/echo");
    const req = await api.request({ url: "/echo", method: "OPTIONS" });
    const asText = await api.get("/echo", { responseType: "text" });
    const blob = await api.get("/download?bytes=1000", { responseType: "blob" });
    const buf = await api.get("/download?bytes=10", { responseType: "arraybuffer" });
    return {
      get: [get.status, get.statusText, get.data.query, get.data.headers["x-app"], get.headers["content-type"]],
      json: [json.data.json, json.data.headers["content-type"]],
      text: text.data.body,
      form: [form.data.body, form.data.headers["content-type"]],
      bytes: bytes.data.body,
      methods: [del.data.method, head.status, head.data, req.data.method],
      asText: typeof asText.data,
      blob: [blob.data instanceof Blob, blob.data.size],
      buf: [buf.data instanceof ArrayBuffer, buf.data.byteLength],
      config: get.config.params,
    };
  }, { base });
  assert.deepEqual(out.get, [200, "OK", "page=2&q=a+b", "shop", "application/json"]);
  assert.deepEqual(out.json, [{ name: "pen" }, "application/json"]);
  assert.equal(out.text, "plain");
  assert.deepEqual(out.form, ["a=1", "application/x-www-form-urlencoded;charset=UTF-8"]);
  assert.equal(out.bytes, "hi");
  assert.deepEqual(out.methods, ["DELETE", 200, "", "OPTIONS"]);
  assert.equal(out.asText, "string");
  assert.deepEqual(out.blob, [true, 1000]);
  assert.deepEqual(out.buf, [true, 10]);
  assert.deepEqual(out.config, { page: 2, q: "a b" });
});

test("retry: a flaky GET succeeds, a POST is not retried, events report the retries", async () => {
  const base = tenant("js-retry");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: { limit: 2, backoff: 10 } });
    const retries = [];
    api.on("retry", (e) => retries.push([e.attempt, e.reason]));
    const ok = await api.get("/flaky/a?fail=2");
    const post = await api.post("/flaky/b?fail=1", "x").catch((e) => e.code);
    const off = await tf.createClient({ baseURL: base, retry: false }).get("/flaky/c?fail=1").catch((e) => e.status);
    return [ok.headers["x-attempt"], post, off, retries];
  }, { base });
  assert.deepEqual(out, ["3", "ERR_BAD_RESPONSE", 503, [[2, 503], [3, 503]]]);
  const s = await stats(base);
  assert.deepEqual(s.flaky, { a: 3, b: 1, c: 1 });
});

test("retry's methods and status codes reach the engine, for the client and per request", async () => {
  const base = tenant("js-retry-places");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: { limit: 1, backoff: 1, methods: ["POST"], statusCodes: [500] } });
    const status = (p) => p.then((r) => r.status, (e) => e.status);
    return [
      await status(api.post("/flaky/p?fail=1&status=500", "x")),
      await status(api.get("/flaky/g?fail=1&status=500")),
      await status(api.post("/flaky/q?fail=1&status=503", "x")),
      await status(api.put("/flaky/r?fail=2&status=502", "x", { retry: { limit: 2, backoff: 1, methods: ["PUT"], statusCodes: [502] } })),
    ];
  }, { base });
  // POST listed and 500 listed: retried; GET not listed; 503 not listed; per request: PUT, 502, twice.
  assert.deepEqual(out, [200, 500, 503, 200]);
  assert.deepEqual((await stats(base)).flaky, { p: 2, g: 1, q: 1, r: 3 });
});

test("timeout, abort and network errors have their codes", async () => {
  const base = tenant("js-errors");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: false });
    const code = (p) => p.then(() => "resolved", (e) => [e.code, e.isTokenfetchError, e.name]);
    const timeout = await code(api.get("/slow?ms=2000", { timeout: 100 }));
    const controller = new AbortController();
    const aborted = api.get("/slow?ms=2000", { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const abort = await code(aborted);
    const pre = new AbortController();
    pre.abort();
    const already = await code(api.get("/echo", { signal: pre.signal }));
    const network = await code(tf.createClient({ baseURL: "http://127.0.0.1:1", retry: false }).get("/x"));
    const notFound = await api.get("/status/404").catch((e) => [e.code, e.status, e.response.status, e.response.data]);
    const server = await api.get("/status/503").catch((e) => [e.code, e.status]);
    const garbage = await code(api.get("/garbage"));
    const accepted = await api.get("/status/404", { validateStatus: (s) => s < 500 });
    const all = await api.get("/status/503", { validateStatus: null });
    return { timeout, abort, already, network, notFound, server, garbage, accepted: accepted.status, all: all.status };
  }, { base });
  assert.deepEqual(out.timeout, ["ETIMEDOUT", true, "TokenfetchError"]);
  assert.deepEqual(out.abort, ["ERR_CANCELED", true, "TokenfetchError"]);
  assert.deepEqual(out.already, ["ERR_CANCELED", true, "TokenfetchError"]);
  assert.deepEqual(out.network, ["ERR_NETWORK", true, "TokenfetchError"]);
  assert.deepEqual(out.notFound, ["ERR_BAD_REQUEST", 404, 404, { status: 404 }]);
  assert.deepEqual(out.server, ["ERR_BAD_RESPONSE", 503]);
  assert.deepEqual(out.garbage, ["ERR_BAD_RESPONSE", true, "TokenfetchError"]);
  assert.equal(out.accepted, 404);
  assert.equal(out.all, 503);
});

test("dedupe: identical concurrent GETs share one fetch", async () => {
  const base = tenant("js-dedupe");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, dedupe: true });
    const res = await Promise.all(Array.from({ length: 20 }, () => api.get("/slow?ms=200")));
    const posts = await Promise.all(Array.from({ length: 3 }, () => api.post("/slow?ms=50", "x")));
    // A shared response is in memory: each caller still gets the body as it asked for it.
    const [blob, buffer, text] = await Promise.all(
      ["blob", "arraybuffer", "text"].map((responseType) => api.get("/slow?ms=100", { responseType })),
    );
    const decode = (b) => JSON.parse(new TextDecoder().decode(b)).slept;
    const kinds = [
      blob.data instanceof Blob && blob.data.type.startsWith("application/json") && decode(await blob.data.arrayBuffer()),
      buffer.data instanceof ArrayBuffer && decode(buffer.data),
      typeof text.data === "string" && JSON.parse(text.data).slept,
    ];
    return [res.every((r) => r.data.slept === 200), posts.length, kinds];
  }, { base });
  assert.deepEqual(out, [true, 3, [100, 100, 100]]);
  assert.equal((await stats(base)).requests.length, 5, "20 GETs, 3 POSTs, then 3 GETs of one URL: 1 + 3 + 1");
});

test("interceptors: order, async, eject, runWhen, throwing and recovering", async () => {
  const base = tenant("js-interceptors");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const order = [];
    api.interceptors.request.use((c) => { order.push("req1"); c.headers = { ...c.headers, "x-one": "1" }; return c; });
    api.interceptors.request.use(async (c) => { order.push("req2"); await new Promise((r) => setTimeout(r, 5)); return { ...c, params: { ...c.params, added: "yes" } }; });
    const skipped = api.interceptors.request.use((c) => { order.push("never"); return c; }, null, { runWhen: () => false });
    const ejected = api.interceptors.request.use(() => { throw new Error("ejected interceptor ran"); });
    api.interceptors.request.eject(ejected);
    api.interceptors.response.use((r) => { order.push("res1"); r.data.seen = true; return r; });
    api.interceptors.response.use(async (r) => { order.push("res2"); return r; });
    const shared = { headers: { "x-own": "1" } };
    const res = await api.get("/echo", shared);
    const untouched = JSON.stringify(shared);

    // A throwing request interceptor skips the request and reaches response onRejected.
    const failing = tf.createClient({ baseURL: base });
    failing.interceptors.request.use(() => { throw new Error("no token for you"); });
    let rejectedWith;
    failing.interceptors.response.use(null, (e) => { rejectedWith = e.message; throw e; });
    const thrown = await failing.get("/echo").catch((e) => e.message);

    // onRejected can recover with a response.
    const recovering = tf.createClient({ baseURL: base, retry: false });
    recovering.interceptors.response.use(null, (e) => ({ data: "fallback", status: 200, statusText: "OK", headers: {}, config: e.config }));
    const recovered = await recovering.get("/status/500");
    recovering.interceptors.response.clear();
    const cleared = await recovering.get("/status/500").catch((e) => e.code);
    return {
      order,
      query: res.data.query,
      headers: [res.data.headers["x-one"], res.data.headers["x-own"]],
      seen: res.data.seen,
      untouched,
      skipped: typeof skipped,
      thrown,
      rejectedWith,
      recovered: recovered.data,
      cleared,
    };
  }, { base });
  assert.deepEqual(out.order, ["req2", "req1", "res1", "res2"], "request LIFO, response FIFO");
  assert.equal(out.query, "added=yes");
  assert.deepEqual(out.headers, ["1", "1"]);
  assert.equal(out.seen, true);
  assert.equal(out.untouched, JSON.stringify({ headers: { "x-own": "1" } }), "config did not leak");
  assert.equal(out.skipped, "number");
  assert.equal(out.thrown, "no token for you");
  assert.equal(out.rejectedWith, "no token for you");
  assert.equal(out.recovered, "fallback");
  assert.equal(out.cleared, "ERR_BAD_RESPONSE");
  const s = await stats(base);
  assert.equal(s.requests.filter((r) => r.path === "/echo").length, 1, "the failing client sent nothing");
});

test("interceptors run once per logical request, not again on a replay", async () => {
  const base = tenant("js-once");
  const pairRes = await fetch(`${base}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "u", password: "p" }) });
  const t = await pairRes.json();
  await fetch(`${base}/__expire`, { method: "POST" });
  const runs = await inPage(async (tf, { base, t }) => {
    const api = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens({ accessToken: t.access_token, refreshToken: t.refresh_token });
    let req = 0;
    let res = 0;
    api.interceptors.request.use((c) => { req++; return c; });
    api.interceptors.response.use((r) => { res++; return r; });
    await api.get("/api/items");
    return [req, res];
  }, { base, t });
  assert.deepEqual(runs, [1, 1]);
  assert.equal((await stats(base)).refresh_count, 1);
});

test("unknown options and bad values throw ERR_BAD_OPTION naming the option", async () => {
  const out = await inPage(async (tf) => {
    const err = (f) => { try { f(); return "no error"; } catch (e) { return [e.code, e.message]; } };
    return [
      err(() => tf.createClient({ baseUrl: "http://x" })),
      err(() => tf.createClient({ timeout: "10" })),
      err(() => tf.createClient({ auth: { storage: "indexedDB" } })),
      err(() => tf.createClient({ retry: { limt: 2 } })),
      err(() => tf.createClient({ baseURL: "ftp://x" })),
      err(() => tf.createClient({ headers: { "x-bad": "a\r\nb" } })),
      err(() => tf.createClient({ rateLimit: { maxConcurrent: 0 } })),
    ];
  });
  assert.deepEqual(out.map((o) => o[0]), [
    "ERR_BAD_OPTION", "ERR_BAD_OPTION", "ERR_BAD_OPTION", "ERR_BAD_OPTION", "ERR_INVALID_URL", "ERR_BAD_OPTION", "ERR_BAD_OPTION",
  ]);
  assert.match(out[0][1], /`baseUrl` is not a known option/);
  assert.match(out[1][1], /`timeout`/);
  assert.match(out[2][1], /`auth.storage`/);
  assert.match(out[3][1], /`retry.limt`/);
  assert.match(out[6][1], /`rateLimit.maxConcurrent`/);
  const perRequest = await inPage(async (tf) => {
    const api = tf.createClient({ baseURL: location.origin });
    return api.get("/echo", { hedaers: {} }).catch((e) => [e.code, e.message]);
  });
  assert.equal(perRequest[0], "ERR_BAD_OPTION");
  assert.match(perRequest[1], /`hedaers`/);
});

test("a polluted Object.prototype or a __proto__ key changes nothing", async () => {
  const base = tenant("js-pollution");
  const out = await inPage(async (tf, { base }) => {
    Object.prototype.baseURL = "http://127.0.0.1:1";
    Object.prototype.headers = { "x-evil": "1" };
    Object.prototype.auth = { storage: "localStorage" };
    try {
      const config = JSON.parse(`{"baseURL": "${base}", "__proto__": {"timeout": 1, "withCredentials": true}}`);
      const api = tf.createClient(config);
      const res = await api.get("/echo", JSON.parse('{"__proto__": {"params": {"evil": "1"}}}'));
      return [res.status, res.data.headers["x-evil"] ?? null, res.data.query, api.auth.getTokens === undefined];
    } finally {
      delete Object.prototype.baseURL;
      delete Object.prototype.headers;
      delete Object.prototype.auth;
    }
  }, { base });
  assert.deepEqual(out, [200, null, "", false]);
});

test("init accepts a Response, bytes or a URL, and createClient before init fails clearly", async () => {
  const inputs = {
    response: () => fetch("/pkg/tokenfetch_engine_bg.wasm"),
    bytes: async () => new Uint8Array(await (await fetch("/pkg/tokenfetch_engine_bg.wasm")).arrayBuffer()),
    url: async () => new URL("/pkg/tokenfetch_engine_bg.wasm", location.href),
  };
  for (const kind of Object.keys(inputs)) {
    const fresh = await ctx.chromium.blank();
    const out = await fresh.evaluate(async ({ kind, source }) => {
      const input = new Function(`return (${source})`)()[kind];
      const tf = await import("/pkg/tokenfetch.js");
      let early;
      try {
        tf.createClient();
      } catch (e) {
        early = e.code;
      }
      await tf.default(await input());
      const res = await tf.createClient({ baseURL: location.origin }).get("/echo");
      return [early, res.status];
    }, { kind, source: `{ ${Object.entries(inputs).map(([k, f]) => `${k}: ${f}`).join(", ")} }` });
    assert.deepEqual(out, ["ERR_NOT_INITIALIZED", 200], kind);
    await fresh.close();
  }
});
