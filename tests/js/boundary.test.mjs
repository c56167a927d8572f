// The JS/wasm boundary under hostile input, in Chromium: numbers that used to trap the module,
// typed-array bodies, interceptors that return junk or throw from a Proxy, params kinds,
// a throwing validateStatus. Each case asserts what a caller observes, and that the module
// still works afterwards (a trap would leave every client broken for good).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, stats } from "./helpers.mjs";

const ctx = useChromium({ before, after });
const inPage = ctx.inPage;

const VALUES = ["0", "-1", "NaN", "Infinity", "1e-300", "1e300", "Number.MAX_VALUE", '"5"'];

/** Every numeric option, as a function of the value (source text, evaluated in the page). */
const CLIENT_OPTIONS = {
  timeout: (v) => `({ timeout: ${v} })`,
  retry: (v) => `({ retry: ${v} })`,
  "retry.limit": (v) => `({ retry: { limit: ${v} } })`,
  "retry.backoff": (v) => `({ retry: { backoff: ${v} } })`,
  "retry.backoffLimit": (v) => `({ retry: { backoffLimit: ${v} } })`,
  "retry.maxRetryAfter": (v) => `({ retry: { maxRetryAfter: ${v} } })`,
  "retry.statusCodes": (v) => `({ retry: { statusCodes: [${v}] } })`,
  "auth.refreshBeforeExpiry": (v) => `({ auth: { refreshBeforeExpiry: ${v} } })`,
  "auth.statusCodes": (v) => `({ auth: { statusCodes: [${v}] } })`,
  "rateLimit.maxConcurrent": (v) => `({ rateLimit: { maxConcurrent: ${v} } })`,
  "rateLimit.perSecond": (v) => `({ rateLimit: { perSecond: ${v} } })`,
};
const REQUEST_OPTIONS = {
  timeout: (v) => `({ timeout: ${v} })`,
  retry: (v) => `({ retry: ${v} })`,
  "retry.limit": (v) => `({ retry: { limit: ${v} } })`,
  "retry.backoff": (v) => `({ retry: { backoff: ${v} } })`,
  "retry.backoffLimit": (v) => `({ retry: { backoffLimit: ${v} } })`,
};

test("every numeric option: out of range is ERR_BAD_OPTION naming it, nothing traps", async () => {
  const base = tenant("js-numbers");
  const cases = [];
  for (const [name, make] of Object.entries(CLIENT_OPTIONS)) for (const v of VALUES) cases.push({ scope: "client", name, value: v, source: make(v) });
  for (const [name, make] of Object.entries(REQUEST_OPTIONS)) for (const v of VALUES) cases.push({ scope: "request", name, value: v, source: make(v) });
  const out = await inPage(async (tf, { base, cases }) => {
    const survivor = tf.createClient({ baseURL: base });
    const results = [];
    for (const c of cases) {
      const options = new Function(`return ${c.source}`)();
      let outcome;
      try {
        if (c.scope === "client") {
          const api = tf.createClient({ baseURL: base, ...options });
          const res = await api.get("/echo", { timeout: 5000 });
          outcome = ["ok", res.status];
        } else {
          const res = await survivor.get("/echo", options);
          outcome = ["ok", res.status];
        }
      } catch (e) {
        outcome = [e.code, e.message];
      }
      results.push({ ...c, outcome });
    }
    const after = await survivor.get("/echo");
    return { results, after: after.status };
  }, { base, cases });
  for (const r of out.results) {
    const label = `${r.scope} ${r.name} = ${r.value}`;
    if (r.outcome[0] === "ok") {
      assert.equal(r.outcome[1], 200, label);
    } else if (r.outcome[0] === "ETIMEDOUT") {
      // A tiny positive timeout is 1 ms (never "none"), which loopback may or may not beat.
      assert.ok(r.name === "timeout" && r.value === "1e-300", label);
    } else {
      assert.equal(r.outcome[0], "ERR_BAD_OPTION", `${label}: ${r.outcome[1]}`);
      assert.ok(r.outcome[1].includes(`\`${r.name}\``), `${label} names the option: ${r.outcome[1]}`);
    }
  }
  // No option takes these: each must be refused, not just survived.
  for (const r of out.results) {
    if (["-1", "NaN", "Infinity", "1e300", "Number.MAX_VALUE", '"5"'].includes(r.value)) {
      assert.equal(r.outcome[0], "ERR_BAD_OPTION", `${r.scope} ${r.name} = ${r.value} is refused`);
    }
  }
  const refused = (scope, name, value) => out.results.find((r) => r.scope === scope && r.name === name && r.value === value).outcome[0];
  // The values that trapped the module before, each refused now.
  for (const [scope, name, value] of [
    ["client", "timeout", "1e300"],
    ["client", "retry.backoff", "1e300"],
    ["client", "retry.maxRetryAfter", "Number.MAX_VALUE"],
    ["client", "retry.backoffLimit", "Number.MAX_VALUE"],
    ["client", "auth.refreshBeforeExpiry", "1e300"],
    ["client", "rateLimit.perSecond", "1e-300"],
    ["client", "retry", "1e300"],
    ["request", "timeout", "Number.MAX_VALUE"],
    ["client", "timeout", "NaN"],
    ["client", "timeout", "-1"],
    ["client", "timeout", '"5"'],
  ]) {
    assert.equal(refused(scope, name, value), "ERR_BAD_OPTION", `${scope} ${name} = ${value}`);
  }
  assert.equal(out.after, 200, "the module still works after the sweep");
});

test("absurd counts are refused; the largest allowed backoff does not trap on later retries", async () => {
  const base = tenant("js-backoff");
  const out = await inPage(async (tf, { base }) => {
    const code = (f) => { try { f(); return "ok"; } catch (e) { return e.code; } };
    const counts = [code(() => tf.createClient({ retry: 1e10 })), code(() => tf.createClient({ retry: { limit: 101 } }))];
    // Before: { limit: 3, backoff: 1e22, backoffLimit: 1 } trapped on the second retry.
    const api = tf.createClient({ baseURL: base, retry: { limit: 100, backoff: 2 ** 31 - 1, backoffLimit: 1 } });
    const res = await api.get("/flaky/big?fail=3");
    const again = await tf.createClient({ baseURL: base }).get("/echo");
    return { counts, attempt: res.headers["x-attempt"], again: again.status };
  }, { base });
  assert.deepEqual(out, { counts: ["ERR_BAD_OPTION", "ERR_BAD_OPTION"], attempt: "4", again: 200 });
});

test("typed-array and DataView bodies send exactly the bytes of the view", async () => {
  const base = tenant("js-bytes");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: false });
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]).buffer;
    const hex = async (data) => (await api.post("/echo", data)).data.body_hex;
    return {
      float32: await hex(new Float32Array([1.5, 300])),
      uint16: await hex(new Uint16Array([258, 772])),
      dataView: await hex(new DataView(backing, 2, 3)),
      subarray: await hex(new Uint8Array(backing).subarray(1, 4)),
      arrayBuffer: await hex(backing),
    };
  }, { base });
  const le = (typed) => Buffer.from(typed.buffer).toString("hex");
  assert.equal(out.float32, le(new Float32Array([1.5, 300])));
  assert.equal(out.float32.length, 16, "8 bytes");
  assert.equal(out.uint16, le(new Uint16Array([258, 772])));
  assert.equal(out.dataView, "010203");
  assert.equal(out.subarray, "090102");
  assert.equal(out.arrayBuffer, "090901020309");
});

test("a request interceptor returning null or a non-object rejects clearly and sends nothing", async () => {
  const base = tenant("js-null-interceptor");
  const out = await inPage(async (tf, { base }) => {
    const results = [];
    for (const junk of [null, 42, "config"]) {
      const api = tf.createClient({ baseURL: base });
      api.interceptors.request.use(() => junk);
      results.push(await api.post("/items", { x: 1 }).then(() => "resolved", (e) => [e.code, e.message]));
    }
    return results;
  }, { base });
  for (const r of out) {
    assert.equal(r[0], "ERR_BAD_OPTION");
    assert.match(r[1], /must return a config object/);
  }
  assert.deepEqual((await stats(base)).requests, [], "no request reached the server");
});

test("a Proxy whose ownKeys throws, or a throwing headers getter, rejects the promise", async () => {
  const base = tenant("js-proxy");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const hostile = new Proxy({}, { ownKeys() { throw new Error("ownKeys"); } });
    const proxied = tf.createClient({ baseURL: base });
    proxied.interceptors.request.use(() => hostile);
    const viaInterceptor = await Promise.race([
      proxied.get("/echo").then(() => "resolved", (e) => e.code),
      new Promise((r) => setTimeout(() => r("never settled"), 2000)),
    ]);
    const headers = {};
    Object.defineProperty(headers, "x-boom", { enumerable: true, get() { throw new Error("getter"); } });
    let sync = "no sync throw";
    let promise;
    try {
      promise = api.get("/echo", { headers });
    } catch (e) {
      sync = "threw synchronously";
    }
    const viaGetter = await promise.then(() => "resolved", (e) => e.code);
    const config = await api.get("/echo", hostile).then(() => "resolved", (e) => e.code);
    return { viaInterceptor, sync, viaGetter, config };
  }, { base });
  assert.deepEqual(out, { viaInterceptor: "ERR_BAD_OPTION", sync: "no sync throw", viaGetter: "ERR_BAD_OPTION", config: "ERR_BAD_OPTION" });
});

test("params as URLSearchParams, Map, a plain object or a Date are sent, never dropped", async () => {
  const base = tenant("js-params");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const q = async (params, url = "/echo") => (await api.get(url, { params })).data.query;
    return {
      search: await q(new URLSearchParams([["a", "1"], ["a", "2"], ["b", "x y"]])),
      map: await q(new Map([["k", "v"], ["n", 3]])),
      object: await q({ page: 2, skip: null, flag: true }),
      date: await q({ at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) }),
      merged: await q({ b: 2 }, "/echo?a=1#frag"),
      refused: await api.get("/echo", { params: 5 }).then(() => "resolved", (e) => e.code),
      fn: await api.get("/echo", { params: { f: () => 1 } }).then(() => "resolved", (e) => [e.code, e.message]),
    };
  }, { base });
  assert.equal(out.search, "a=1&a=2&b=x+y");
  assert.equal(out.map, "k=v&n=3");
  assert.equal(out.object, "page=2&flag=true");
  assert.equal(out.date, "at=2026-01-02T03:04:05.000Z");
  assert.equal(out.merged, "a=1&b=2");
  assert.equal(out.refused, "ERR_BAD_OPTION");
  assert.equal(out.fn[0], "ERR_BAD_OPTION");
  assert.match(out.fn[1], /params\.f/);
});

test("a validateStatus that throws rejects with what it threw", async () => {
  const base = tenant("js-validate");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const boom = new Error("validateStatus exploded");
    const caught = await api.get("/echo", { validateStatus: () => { throw boom; } }).catch((e) => e);
    return [caught === boom, caught.message];
  }, { base });
  assert.deepEqual(out, [true, "validateStatus exploded"]);
});
