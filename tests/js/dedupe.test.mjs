// De-duplication keeps each caller's own request: its timeout, its size limit, its progress
// listener; and the shared body is read once, outside wasm memory.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, stats } from "./helpers.mjs";

const ctx = useChromium({ before, after });
const inPage = ctx.inPage;

test("each caller keeps its own timeout: a joiner with one never waits on a first caller without", async () => {
  const base = tenant("js-dedupe-timeouts");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, dedupe: true, retry: 0 });
    const settle = (p, started) => p.then((r) => ["ok", r.status, Math.round(performance.now() - started)], (e) => [e.code, Math.round(performance.now() - started)]);
    // The server answers after 3 s; the first caller waits, the joiner allows 300 ms.
    const controller = new AbortController();
    let started = performance.now();
    const first = settle(api.get("/slow", { params: { ms: 3000 }, signal: controller.signal }), started);
    const joiner = await settle(api.get("/slow", { params: { ms: 3000 }, timeout: 300 }), started);
    controller.abort();
    const firstOutcome = await first;
    // The other way round: the first caller's 300 ms do not fail a joiner that set none.
    started = performance.now();
    const [short, patient] = await Promise.all([
      settle(api.get("/slow", { params: { ms: 600 }, timeout: 300 }), started),
      settle(api.get("/slow", { params: { ms: 600 } }), started),
    ]);
    return { joiner, firstOutcome, short, patient };
  }, { base });
  assert.equal(out.joiner[0], "ETIMEDOUT");
  assert.ok(out.joiner[1] < 1500, `the joiner waited ${out.joiner[1]} ms`);
  assert.equal(out.firstOutcome[0], "ERR_CANCELED");
  assert.equal(out.short[0], "ETIMEDOUT");
  assert.deepEqual(out.patient.slice(0, 2), ["ok", 200]);
});

test("each caller keeps its own maxContentLength (ERR_BAD_RESPONSE, as without dedupe) and gets download progress", async () => {
  const base = tenant("js-dedupe-limits");
  const out = await inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, dedupe: true, retry: 0 });
    const params = { bytes: 1_000_000 };
    const [whole, limited] = await Promise.all([
      api.get("/download", { params, responseType: "arraybuffer" }).then((r) => r.data.byteLength, (e) => e.code),
      api.get("/download", { params, responseType: "arraybuffer", maxContentLength: 10 }).then((r) => r.data.byteLength, (e) => [e.code, e.message]),
    ]);
    const events = [[], []];
    const shared = await Promise.all(
      events.map((list) =>
        api.get("/download", { params: { bytes: 500_000 }, responseType: "blob", onDownloadProgress: (e) => list.push(e.loaded) }).then((r) => r.data.size),
      ),
    );
    return { whole, limited, shared, last: events.map((list) => list.at(-1)) };
  }, { base });
  assert.equal(out.whole, 1_000_000);
  assert.equal(out.limited[0], "ERR_BAD_RESPONSE");
  assert.match(out.limited[1], /maxContentLength/);
  assert.deepEqual(out.shared, [500_000, 500_000]);
  assert.deepEqual(out.last, [500_000, 500_000], "each caller's onDownloadProgress saw the whole body");
  const downloads = (await stats(base)).requests.filter((r) => r.path.endsWith("/download") && r.query === "bytes=500000");
  assert.equal(downloads.length, 1, "the two identical requests shared one fetch");
});

test("a de-duplicated 40 MB body is not copied into wasm memory", async () => {
  const base = tenant("js-dedupe-memory");
  const page = await ctx.chromium.blank();
  try {
    const out = await page.evaluate(async ({ base }) => {
      const bytes = (await import("/www/wasm-memory.js")).catchWasmMemory();
      const tf = await import("/pkg/tokenfetch.js");
      await tf.default();
      const api = tf.createClient({ baseURL: base, dedupe: true, retry: 0 });
      await api.get("/download", { params: { bytes: 1000 } });
      const before = bytes();
      const sizes = await Promise.all(
        ["arraybuffer", "blob", "arraybuffer"].map((responseType) =>
          api.get("/download", { params: { bytes: 40_000_000 }, responseType }).then((r) => r.data.byteLength ?? r.data.size),
        ),
      );
      return { sizes, growth: bytes() - before };
    }, { base });
    assert.deepEqual(out.sizes, [40_000_000, 40_000_000, 40_000_000]);
    assert.ok(out.growth < 2 * 1024 * 1024, `wasm memory grew ${out.growth} bytes`);
  } finally {
    await page.close();
  }
});
