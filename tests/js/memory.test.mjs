// The engine keeps nothing per request: after a warm-up, thousands more requests (plain, with
// events, deduplicated, failing) leave the wasm memory where it was. It used to grow about 60
// bytes per request without end.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant } from "./helpers.mjs";

const ctx = useChromium({ before, after });

test("wasm memory stops growing: 8,000 requests after a 2,000-request warm-up", async () => {
  const base = tenant("js-memory");
  // A fresh page, where the engine's memory is caught as it is instantiated.
  const page = await ctx.chromium.blank();
  const out = await page.evaluate(async ({ base }) => {
    const bytes = (await import("/www/wasm-memory.js")).catchWasmMemory();
    const tf = await import("/pkg/tokenfetch.js");
    await tf.default();
    const api = tf.createClient({ baseURL: base, dedupe: true, retry: false });
    let events = 0;
    api.on("*", () => events++);
    let done = 0;
    const run = async (until) => {
      while (done < until) {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            i % 10 === 9 ? api.get("/status/404").catch((e) => e.code) : api.get("/echo", { params: { i: i % 5 } }),
          ),
        );
        done += 50;
      }
    };
    await run(2000);
    const warm = bytes();
    await run(10000);
    return { warm, end: bytes(), events };
  }, { base });
  await page.close();
  assert.ok(out.events > 10000, "events were delivered");
  const growth = out.end - out.warm;
  assert.ok(growth <= 128 * 1024, `wasm memory grew ${growth} bytes over 8,000 requests (from ${out.warm})`);
});
