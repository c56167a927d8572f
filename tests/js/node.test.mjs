// The same package from Node (>= 20): init() reads the .wasm from disk, memory token store.
import { test, before } from "node:test";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import init, { createClient, isTokenfetchError, TokenfetchError } from "../../pkg/tokenfetch.js";
import { tenant, stats, expire, tokens, configure } from "./helpers.mjs";

before(() => init());

test("init is idempotent", async () => {
  await init();
  await init();
  assert.equal(typeof createClient, "function");
});

test("requests, JSON and errors from Node", async () => {
  const base = tenant("node-basic");
  const api = createClient({ baseURL: base, timeout: 5000 });
  const res = await api.post("/echo", { from: "node" }, { params: { a: 1 } });
  assert.equal(res.status, 200);
  assert.deepEqual(res.data.json, { from: "node" });
  assert.equal(res.data.query, "a=1");
  const err = await api.get("/status/404").catch((e) => e);
  assert.ok(err instanceof TokenfetchError);
  assert.ok(isTokenfetchError(err));
  assert.equal(err.code, "ERR_BAD_REQUEST");
  assert.equal(err.status, 404);
});

test("a storm of 20 refreshes once in Node", async () => {
  const base = tenant("node-storm");
  await configure(base, { refresh_delay_ms: 100 });
  const pair = await tokens(base);
  await expire(base);
  const api = createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" } } });
  api.auth.setTokens(pair);
  const res = await Promise.all(Array.from({ length: 20 }, (_, i) => api.get(`/api/seq/${i}`)));
  assert.deepEqual(res.map((r) => r.data.n), Array.from({ length: 20 }, (_, i) => i));
  assert.equal((await stats(base)).refresh_count, 1);
  assert.notEqual(api.auth.getTokens().accessToken, pair.accessToken);
});

test("browser-only storages are a clear error in Node", async () => {
  const base = tenant("node-storage");
  const api = createClient({ baseURL: base, auth: { storage: "cookie" } });
  assert.throws(() => api.auth.setTokens({ accessToken: "a" }), (e) => e.code === "ERR_STORAGE");
});

test("a script that used auth, refresh and a shared store exits on its own", async () => {
  const base = tenant("node-exit");
  const pair = await tokens(base);
  await expire(base);
  const pkg = fileURLToPath(new URL("../../pkg/tokenfetch.js", import.meta.url));
  const script = `
    const { default: init, createClient } = await import(${JSON.stringify(pkg)});
    await init();
    const api = createClient({ baseURL: ${JSON.stringify(base)}, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens(${JSON.stringify(pair)});
    const res = await api.get("/api/seq/1");
    // A shared store opens the cross-tab channel even where it cannot store (Node has no cookies).
    const shared = createClient({ baseURL: ${JSON.stringify(base)}, auth: { storage: "cookie" } });
    try { shared.auth.setTokens({ accessToken: "a" }); } catch {}
    console.log(res.data.n);`;
  const run = await new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { timeout: 20000 }, (err, stdout, stderr) =>
      resolve({ err, stdout, stderr }),
    );
  });
  assert.equal(run.err, null, `the script did not exit by itself: ${run.err?.message} ${run.stderr}`);
  assert.equal(run.stdout.trim(), "1");
  assert.equal((await stats(base)).refresh_count, 1);
});

test("a stream nobody finishes does not keep its abort listener, nor its body, alive", async () => {
  const { getEventListeners } = await import("node:events");
  const v8 = await import("node:v8");
  const vm = await import("node:vm");
  v8.setFlagsFromString("--expose_gc");
  const gc = vm.runInNewContext("gc");
  const base = tenant("node-stream-gc");
  const api = createClient({ baseURL: base, retry: false });
  const abort = new AbortController();
  const listeners = () => getEventListeners(abort.signal, "abort").length;
  const stream = (path) => api.get(path, { params: { bytes: 1000 }, responseType: "stream", signal: abort.signal });
  // Read to its end, or canceled: its listener goes at once.
  await new Response((await stream("/download")).data).arrayBuffer();
  await (await stream("/download")).data.cancel();
  assert.equal(listeners(), 0);
  // Never read, a rejected response's `error.response.data` among them: gone with the streams.
  for (let i = 0; i < 6; i++) {
    await stream("/download");
    await stream("/status/404").catch(() => {});
  }
  assert.equal(listeners(), 12, "one listener per unfinished stream while it is alive");
  for (let i = 0; i < 20 && listeners() > 0; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(listeners(), 0);
});
