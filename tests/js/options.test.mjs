// The request options axios users reach for: params serialised as axios does (arrays, nested
// objects, dates, paramsSerializer), per-request withCredentials, transformRequest and
// transformResponse, error.toJSON().
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, FOREIGN, SERVER } from "./helpers.mjs";

const ctx = useChromium({ before, after });
const inPage = ctx.inPage;

test("params: arrays, nested objects and dates as axios serialises them; paramsSerializer", async () => {
  const base = tenant("js-params-axios");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const q = async (config) => (await api.get("/echo", config)).data.query;
    const params = { ids: [1, 2], filter: { name: "a b", tags: ["x"] }, at: new Date(Date.UTC(2026, 0, 1)), "k:$": "v,w" };
    return {
      default: await q({ params }),
      indexes: await q({ params: { ids: [1, 2] }, paramsSerializer: { indexes: true } }),
      repeat: await q({ params: { ids: [1, 2] }, paramsSerializer: { indexes: null } }),
      fn: await q({ params: { a: 1 }, paramsSerializer: (p) => `custom=${p.a + 1}` }),
      serialize: await q({ params: { a: 1 }, paramsSerializer: { serialize: () => "s=1" } }),
      client: await (await tf.createClient({ baseURL: base, paramsSerializer: { indexes: null } }).get("/echo", { params: { ids: [3, 4] } })).data.query,
      objectInArray: await q({ params: { list: [{ a: 1 }, { a: 2 }] } }),
    };
  }, { base });
  assert.equal(out.default, "ids[]=1&ids[]=2&filter[name]=a+b&filter[tags][]=x&at=2026-01-01T00:00:00.000Z&k:$=v,w");
  assert.equal(out.indexes, "ids[0]=1&ids[1]=2");
  assert.equal(out.repeat, "ids=1&ids=2");
  assert.equal(out.fn, "custom=2");
  assert.equal(out.serialize, "s=1");
  assert.equal(out.client, "ids=3&ids=4");
  assert.equal(out.objectInArray, "list[0][a]=1&list[1][a]=2");
});

test("withCredentials per request sends cookies cross-origin, and only then", async () => {
  const base = tenant("js-credentials");
  const path = base.slice(SERVER.length);
  const out = await inPage(async (tf, { foreign }) => {
    document.cookie = "tfcred=1; path=/";
    const api = tf.createClient({ baseURL: location.origin });
    const cookie = async (config) => (await api.get(`${foreign}/echo`, config)).data.headers.cookie ?? null;
    const result = { with: await cookie({ withCredentials: true }), without: await cookie({}) };
    document.cookie = "tfcred=; path=/; max-age=0";
    return result;
  }, { foreign: `${FOREIGN}${path}` });
  assert.match(out.with ?? "", /tfcred=1/);
  assert.equal(out.without, null);
});

test("transformRequest and transformResponse, per client and per request, axios semantics", async () => {
  const base = tenant("js-transforms");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({
      baseURL: base,
      transformResponse: [(data) => ({ wrapped: data.method })],
    });
    const viaClient = (await api.get("/echo")).data;
    const res = await api.post("/echo", { a: 1 }, {
      transformRequest: [
        (data, headers) => {
          headers["content-type"] = "text/plain";
          return `a=${data.a}`;
        },
        (data) => data + "!",
      ],
      transformResponse: (data, headers, status) => [data.body, data.headers["content-type"], status, headers["content-type"]],
    });
    const error = await api.get("/status/404", { transformResponse: [] }).catch((e) => e.toJSON());
    return { viaClient, perRequest: res.data, error };
  }, { base });
  assert.deepEqual(out.viaClient, { wrapped: "GET" });
  assert.deepEqual(out.perRequest, ["a=1!", "text/plain", 200, "application/json"]);
  assert.deepEqual(out.error, { name: "TokenfetchError", code: "ERR_BAD_REQUEST", message: "Request failed with status code 404", status: 404 });
});

test("null client options are not set: no auth, no logger; bad size limits and serializers refused at createClient", async () => {
  const out = await inPage(async (tf) => {
    const code = (f) => { try { f(); return "ok"; } catch (e) { return e.code; } };
    const logged = [];
    const log = console.log;
    const group = console.groupCollapsed;
    console.log = console.groupCollapsed = (...a) => logged.push(a.join(" "));
    let auth;
    try {
      const api = tf.createClient({ baseURL: location.origin, auth: null, log: null, retry: null, rateLimit: null });
      auth = code(() => api.auth.getTokens());
      await api.get("/www/blank.html", { responseType: "text", retry: null });
    } finally {
      console.log = log;
      console.groupCollapsed = group;
    }
    return {
      auth,
      logged: logged.length,
      nanLimit: code(() => tf.createClient({ maxContentLength: NaN })),
      fraction: code(() => tf.createClient({ maxBodyLength: 0.5 })),
      serializer: code(() => tf.createClient({ paramsSerializer: 5 })),
    };
  });
  assert.deepEqual(out, { auth: "ERR_BAD_OPTION", logged: 0, nanLimit: "ERR_BAD_OPTION", fraction: "ERR_BAD_OPTION", serializer: "ERR_BAD_OPTION" });
});
