// The package inside a module Web Worker in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { browser, tenant, stats, expire, tokens } from "./helpers.mjs";

let chromium;
before(async () => {
  chromium = await browser();
});
after(() => chromium.close());

test("a worker loads the package, refreshes once and gets its data", async () => {
  const base = tenant("js-worker");
  const pair = await tokens(base);
  await expire(base);
  const page = await chromium.page();
  const result = await page.evaluate(async ({ base, pair }) => {
    const source = `
      import init, { createClient } from "${location.origin}/pkg/tokenfetch.js";
      self.onmessage = async ({ data }) => {
        try {
          await init();
          const api = createClient({ baseURL: data.base, auth: { refresh: { url: "/auth/refresh" } } });
          api.auth.setTokens(data.pair);
          const res = await Promise.all([1, 2, 3].map((i) => api.get("/api/seq/" + i)));
          self.postMessage({ ns: res.map((r) => r.data.n), inWorker: typeof window === "undefined" });
        } catch (e) {
          self.postMessage({ error: String(e && e.message) });
        }
      };`;
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const worker = new Worker(url, { type: "module" });
    return new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => resolve({ error: e.message });
      worker.postMessage({ base, pair });
    });
  }, { base, pair });
  assert.deepEqual(result, { ns: [1, 2, 3], inWorker: true });
  assert.equal((await stats(base)).refresh_count, 1);
});
