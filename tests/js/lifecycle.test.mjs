// A client's end: `api.close()` / `[Symbol.dispose]` release it at once, and a client nobody
// references is collected with its engine (wasm memory, BroadcastChannel, hooks). Clients
// sharing a store in one page coordinate as tabs do.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, tokens, configure } from "./helpers.mjs";

const ctx = useChromium({ before, after });

/** In `page`: record every BroadcastChannel closed (`window.closedChannels`, by name). */
const watchChannels = (page) =>
  page.evaluate(() => {
    window.closedChannels = [];
    const close = BroadcastChannel.prototype.close;
    BroadcastChannel.prototype.close = function () {
      if (!closedChannels.includes(this)) closedChannels.push(this);
      return close.call(this);
    };
  });

test("close() cancels requests and a refresh in flight at once, closes the channel; later calls fail with ERR_CLIENT_CLOSED", async () => {
  const base = tenant("js-close");
  await configure(base, { refresh_delay_ms: 3000 });
  const pair = await tokens(base);
  const page = await ctx.chromium.page();
  await watchChannels(page);
  const out = await page.evaluate(
    async ({ base, pair }) => {
      const key = `close${Math.random()}`;
      const api = tf.createClient({ baseURL: base, retry: false, auth: { storage: "localStorage", storageKey: key, refresh: { url: "/auth/refresh" } } });
      api.auth.setTokens(pair);
      const events = [];
      api.on("*", (e) => events.push(e.type));
      const code = (p) => p.then(() => "resolved", (e) => (tf.isTokenfetchError(e) ? e.code : `not a TokenfetchError: ${e}`));
      const sync = (f) => {
        try {
          f();
          return "returned";
        } catch (e) {
          return tf.isTokenfetchError(e) ? e.code : `not a TokenfetchError: ${e}`;
        }
      };
      const slow = code(api.get("/slow", { params: { ms: 5000 } }));
      const signaled = code(api.get("/slow", { params: { ms: 5000 }, signal: new AbortController().signal }));
      const refresh = code(api.auth.refresh());
      while (!api.auth.isRefreshing) await new Promise((r) => setTimeout(r, 5));
      const waiting = code(api.get("/api/echo")); // waits for the refresh
      await new Promise((r) => setTimeout(r, 100));
      const seen = events.length;
      const start = performance.now();
      api.close();
      const inFlight = { slow: await slow, signaled: await signaled, refresh: await refresh, waiting: await waiting };
      const elapsed = performance.now() - start;
      const channel = `tokenfetch:localStorage:${key}`;
      return {
        inFlight,
        elapsed,
        channelClosed: closedChannels.some((c) => c.name === channel),
        eventsAfterClose: events.length - seen,
        later: {
          get: await code(api.get("/echo")),
          request: await code(api.request({ url: "/echo" })),
          refresh: await code(api.auth.refresh()),
          logout: await code(api.auth.logout()),
          getTokens: sync(() => api.auth.getTokens()),
          setTokens: sync(() => api.auth.setTokens(pair)),
          isRefreshing: sync(() => api.auth.isRefreshing),
          on: sync(() => api.on("*", () => {})),
          closeAgain: sync(() => api.close()),
        },
        // Closing is not logging out: the tokens stay for the other clients and tabs.
        stored: JSON.parse(localStorage.getItem(key) ?? "null")?.refresh_token === pair.refreshToken,
      };
    },
    { base, pair },
  );
  await page.close();
  assert.deepEqual(out.inFlight, { slow: "ERR_CANCELED", signaled: "ERR_CANCELED", refresh: "ERR_CANCELED", waiting: "ERR_CANCELED" });
  assert.ok(out.elapsed < 1000, `in-flight requests settled ${out.elapsed} ms after close()`);
  assert.ok(out.channelClosed, "the store's BroadcastChannel was closed");
  assert.equal(out.eventsAfterClose, 0, "no listener is called after close()");
  assert.deepEqual(out.later, {
    get: "ERR_CLIENT_CLOSED",
    request: "ERR_CLIENT_CLOSED",
    refresh: "ERR_CLIENT_CLOSED",
    logout: "ERR_CLIENT_CLOSED",
    getTokens: "ERR_CLIENT_CLOSED",
    setTokens: "ERR_CLIENT_CLOSED",
    isRefreshing: "ERR_CLIENT_CLOSED",
    on: "ERR_CLIENT_CLOSED",
    closeAgain: "returned",
  });
  assert.ok(out.stored, "the tokens are still stored");
});

test("[Symbol.dispose]: a `using` declaration closes the client at the end of its block", async () => {
  const base = tenant("js-dispose");
  const page = await ctx.chromium.page();
  await watchChannels(page);
  // A string: the test runner's Node may not parse `using`; Chromium does.
  const out = await page.evaluate(`(async () => {
    let api;
    {
      using client = tf.createClient({ baseURL: ${JSON.stringify(base)}, auth: { storage: "localStorage" } });
      api = client;
      await api.get("/echo");
    }
    const code = await api.get("/echo").then(() => "resolved", (e) => e.code);
    return { code, disposeIsClose: typeof api[Symbol.dispose] === "function", channels: closedChannels.length };
  })()`);
  await page.close();
  assert.deepEqual(out, { code: "ERR_CLIENT_CLOSED", disposeIsClose: true, channels: 1 });
});

test("an unreferenced client is collected: its engine freed, its channel closed, its memory reused", async () => {
  const base = tenant("js-collect");
  const page = await ctx.chromium.blank();
  await watchChannels(page);
  const cdp = await page.context().newCDPSession(page);
  // Collected, then finalized (wasm-bindgen's FinalizationRegistry frees the engine in a later
  // task, which lets go of the hooks it held), then collected again.
  const gc = async () => {
    for (let i = 0; i < 3; i++) {
      await cdp.send("HeapProfiler.collectGarbage");
      await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    }
  };
  await page.evaluate(async () => {
    window.bytes = (await import("/www/wasm-memory.js")).catchWasmMemory();
    window.tf = await import("/pkg/tokenfetch.js");
    await tf.default();
    window.refs = [];
  });
  // Clients as apps make them: a shared store (a BroadcastChannel each), a listener, and hooks
  // that reach the client (an app's refresh function calling its own client is common).
  const make = (n) =>
    page.evaluate(
      async ({ n, base }) => {
        const made = [];
        for (let i = 0; i < n; i++) {
          const api = tf.createClient({
            baseURL: base,
            auth: { storage: "localStorage", storageKey: "collect", refresh: async () => api.get("/echo"), onSessionExpired: () => api.auth.clear() },
          });
          api.on("*", () => {});
          refs.push(new WeakRef(api));
          made.push(api);
        }
        await Promise.all(made.slice(0, 20).map((api) => api.get("/echo")));
      },
      { n, base },
    );
  const n = 1000;
  await make(n);
  await gc();
  const first = await page.evaluate(() => ({ alive: refs.filter((r) => r.deref()).length, channels: closedChannels.length, bytes: bytes() }));
  assert.equal(first.alive, 0, `${first.alive} of ${n} clients are still alive after a forced GC`);
  assert.equal(first.channels, n, "each client's BroadcastChannel was closed");
  // The freed engines' memory is reused: as many clients again do not grow it.
  await make(n);
  await gc();
  const second = await page.evaluate(() => ({ alive: refs.filter((r) => r.deref()).length, bytes: bytes() }));
  await page.close();
  assert.equal(second.alive, 0);
  const growth = second.bytes - first.bytes;
  assert.ok(growth <= 64 * 1024, `wasm memory grew ${growth} bytes over ${n} more clients (it was ~1.9 KB per client)`);
});

test("clients sharing a storageKey in one page coordinate as tabs do: each hears the shared session end; one closed leaves the other working", async () => {
  const base = tenant("js-shared-key");
  await configure(base, { refresh_fail: "invalid_grant" });
  const pair = await tokens(base);
  const page = await ctx.chromium.page();
  const out = await page.evaluate(
    async ({ base, pair }) => {
      const key = `shared${Math.random()}`;
      const expired = [0, 0, 0];
      const make = (i) =>
        tf.createClient({ baseURL: base, retry: false, auth: { storage: "localStorage", storageKey: key, refresh: { url: "/auth/refresh" }, onSessionExpired: () => expired[i]++ } });
      const [a, b, c] = [make(0), make(1), make(2)];
      a.auth.setTokens(pair);
      c.close();
      const echo = (await b.get("/api/echo")).data.user;
      const refresh = await a.auth.refresh().then(() => "resolved", (e) => e.code);
      await new Promise((r) => setTimeout(r, 100)); // the channel's message reaches b
      return { echo, refresh, expired, tokens: b.auth.getTokens() };
    },
    { base, pair },
  );
  await page.close();
  assert.equal(out.echo, "ada", "b used the tokens a stored");
  assert.equal(out.refresh, "ERR_SESSION_EXPIRED");
  assert.deepEqual(out.expired, [1, 1, 0], "a and b each ran onSessionExpired once; the closed c did not");
  assert.equal(out.tokens, null);
});

test("close() from inside the engine's callbacks (a store, a listener, the refresh function, onSessionExpired) settles everything and traps nothing", async () => {
  const base = tenant("js-close-inside");
  const pair = await tokens(base);
  const page = await ctx.chromium.page();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const out = await page.evaluate(
    async ({ base, pair }) => {
      const code = (p) => p.then(() => "resolved", (e) => e?.code ?? `${e}`);
      const results = {};
      // A store whose `set` closes the client: inside `setTokens`, a call into the engine.
      let a;
      const store = new Map();
      a = tf.createClient({
        baseURL: base,
        auth: { storage: { get: (k) => store.get(k), set: (k, v) => (store.set(k, v), a.close()), remove: (k) => store.delete(k) } },
      });
      try {
        a.auth.setTokens(pair);
        results.store = "returned";
      } catch (e) {
        results.store = e.code ?? `${e}`;
      }
      results.storeAfter = await code(a.get("/echo"));
      // A listener that closes the client when the response arrives.
      const b = tf.createClient({ baseURL: base, retry: false });
      b.on("response", () => b.close());
      results.listener = await code(b.get("/echo"));
      // The refresh function closes the client, synchronously and before it answers.
      const c = tf.createClient({
        baseURL: base,
        auth: {
          refresh: () => {
            c.close();
            return { accessToken: "a.b.c" };
          },
        },
      });
      c.auth.setTokens({ accessToken: "stale", refreshToken: "r" });
      results.refresh = await code(c.get("/api/echo"));
      // onSessionExpired closes the client.
      const d = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" }, onSessionExpired: () => d.close() } });
      d.auth.setTokens({ accessToken: "stale", refreshToken: "revoked" });
      results.expired = await code(d.get("/api/echo"));
      results.expiredAfter = await code(d.get("/echo"));
      // Still alive: a fresh client works.
      results.fresh = (await tf.createClient({ baseURL: base }).get("/echo")).status;
      return results;
    },
    { base, pair },
  );
  await page.close();
  assert.deepEqual(errors, [], "no uncaught error (a trap would be `unreachable`)");
  assert.equal(out.store, "returned");
  assert.equal(out.storeAfter, "ERR_CLIENT_CLOSED");
  assert.equal(out.listener, "ERR_CANCELED");
  assert.equal(out.refresh, "ERR_CANCELED", "the refresh function closed the client: the waiting request is canceled");
  // The session ended and the client closed in the same turn: either says what happened.
  assert.ok(["ERR_CANCELED", "ERR_SESSION_EXPIRED"].includes(out.expired), out.expired);
  assert.equal(out.expiredAfter, "ERR_CLIENT_CLOSED");
  assert.equal(out.fresh, 200);
});
