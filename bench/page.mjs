// Runs in the bench page: each client set up the way its docs say, and the measured loops.
// Every client answers `get(url) → parsed JSON`.

const origin = location.origin;

/** Set up `name`; resolves to `{ get }`. */
export async function setup(name) {
  if (name === "fetch") {
    return { get: (u) => fetch(origin + u).then((r) => r.json()) };
  }
  if (name === "axios") {
    const { axios } = await import("/dist/axios.js");
    const api = axios.create({ baseURL: origin });
    return { get: (u) => api.get(u).then((r) => r.data) };
  }
  if (name === "ky") {
    const { ky } = await import("/dist/ky.js");
    return { get: (u) => ky.get(origin + u).json() };
  }
  if (name === "tokenfetch") {
    const tf = await import("/dist/tokenfetch.js");
    await tf.default("/dist/tokenfetch_engine_bg.wasm");
    const api = tf.createClient({ baseURL: origin });
    return { get: (u) => api.get(u).then((r) => r.data) };
  }
  throw new Error(`unknown client ${name}`);
}

const clients = {};
async function client(name) {
  return (clients[name] ??= await setup(name));
}

/** `n` sequential GETs; milliseconds. */
export async function sequential(name, n) {
  const c = await client(name);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await c.get("/json");
  return performance.now() - t0;
}

/** `n` GETs, `width` in flight at a time; milliseconds. */
export async function concurrent(name, n, width) {
  const c = await client(name);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await c.get("/json");
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: width }, worker));
  return performance.now() - t0;
}

/**
 * Each client's own time per request, without the network: `fetch` answers at once from
 * memory while `n` sequential GETs run, per client, in `rounds` interleaved rounds; the median
 * per client in µs (raw fetch's: the stub's own cost). axios goes through its fetch adapter
 * here (its default, XMLHttpRequest, cannot be stubbed alike). Unlike the network rows this
 * is nearly free of the loopback's noise.
 */
export async function ownTime(names, n, rounds) {
  const clients = {};
  for (const name of names) {
    if (name !== "axios") clients[name] = await client(name);
    else {
      const { axios } = await import("/dist/axios.js");
      const api = axios.create({ baseURL: origin, adapter: "fetch" });
      clients[name] = { get: (u) => api.get(u).then((r) => r.data) };
    }
  }
  const real = globalThis.fetch;
  const body = JSON.stringify({ ok: true, n: 1 });
  globalThis.fetch = () => Promise.resolve(new Response(body, { headers: { "content-type": "application/json" } }));
  const times = {};
  try {
    for (let r = 0; r < rounds; r++) {
      for (const name of names) {
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await clients[name].get("/json");
        (times[name] ??= []).push(((performance.now() - t0) * 1000) / n);
      }
    }
  } finally {
    globalThis.fetch = real;
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(names.map((name) => [name, median(times[name])]));
}

/** Import + init + create a client, from a cold page; milliseconds. */
export async function ready(name) {
  const t0 = performance.now();
  await setup(name);
  return performance.now() - t0;
}

const hook = (path) => fetch(origin + path).then((r) => r.json());
const login = () => fetch(origin + "/auth/login", { method: "POST" }).then((r) => r.json());

/** `n` requests at once with an expired token: how many succeed, and how many refreshes. */
export async function storm(name, n) {
  await hook("/__reset");
  const pair = await login();
  let get;
  if (name === "tokenfetch") {
    const tf = await import("/dist/tokenfetch.js");
    await tf.default("/dist/tokenfetch_engine_bg.wasm");
    const api = tf.createClient({ baseURL: origin, retry: false, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens({ accessToken: pair.access_token, refreshToken: pair.refresh_token });
    get = (u) => api.get(u);
  } else if (name === "axios-auth-refresh") {
    // The setup from axios-auth-refresh's README.
    const { axios, createAuthRefreshInterceptor } = await import("/dist/axios-full.js");
    const api = axios.create({ baseURL: origin });
    let tokens = pair;
    const refreshAuthLogic = (failed) =>
      api.post("/auth/refresh", { refresh_token: tokens.refresh_token }, { skipAuthRefresh: true }).then((r) => {
        tokens = r.data;
        failed.response.config.headers["Authorization"] = "Bearer " + tokens.access_token;
        return Promise.resolve();
      });
    createAuthRefreshInterceptor(api, refreshAuthLogic);
    api.interceptors.request.use((request) => {
      request.headers["Authorization"] = `Bearer ${tokens.access_token}`;
      return request;
    });
    get = (u) => api.get(u);
  } else {
    throw new Error(`no storm setup for ${name}`);
  }
  await hook("/__expire?delay=50");
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => get(`/api/item?i=${i}`)));
  const ok = results.filter((r) => r.status === "fulfilled" && r.value.status === 200).length;
  const stats = await hook("/__stats");
  return { ok, failed: n - ok, refreshes: stats.refreshes };
}

/** tokenfetch's wasm memory after `first` and after `total` requests, in bytes. */
export async function memory(first, total) {
  // Caught as the engine is instantiated (run in a fresh page).
  const bytes = (await import("/dist/wasm-memory.js")).catchWasmMemory();
  const c = await client("tokenfetch");
  let done = 0;
  const run = async (until) => {
    while (done < until) {
      const batch = Math.min(50, until - done);
      await Promise.all(Array.from({ length: batch }, () => c.get("/json")));
      done += batch;
    }
  };
  await run(first);
  const after = bytes();
  await run(total);
  return { after, end: bytes() };
}
