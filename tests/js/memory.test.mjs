// The engine keeps nothing per request: after a warm-up, thousands more requests (plain, with
// events, deduplicated, failing; without a token and with one, through refreshes) leave the
// wasm memory where it was. It used to grow about 60 bytes per request without end: first on
// every request, then (with a token) one waker per request on the auth session's cancel handle.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, tokens } from "./helpers.mjs";

const ctx = useChromium({ before, after });

/**
 * Run `warm` then `more` requests, 50 at a time, on a client made from `config` (`auth`: with
 * `pair` set and, every 1,000 requests, the server's tokens expired, so the next 401s refresh
 * once and replay in turn) in a fresh page, where the engine's memory is caught as it is
 * instantiated. Returns the wasm memory after the warm-up and at the end, with counts.
 */
function measure({ base, config, pair, path, warm, more }) {
  return ctx.chromium.blank().then(async (page) => {
    const out = await page.evaluate(
      async ({ base, config, pair, path, warm, more }) => {
        const bytes = (await import("/www/wasm-memory.js")).catchWasmMemory();
        const tf = await import("/pkg/tokenfetch.js");
        await tf.default();
        const api = tf.createClient({ baseURL: base, retry: false, dedupe: true, ...config });
        if (pair) api.auth.setTokens(pair);
        let events = 0;
        let refreshed = 0;
        let ok = 0;
        api.on("*", (e) => {
          events++;
          if (e.type === "refreshed") refreshed++;
        });
        let done = 0;
        const run = async (until) => {
          while (done < until) {
            if (pair && done % 1000 === 0) await fetch(`${base}/__expire`, { method: "POST" });
            const results = await Promise.all(
              Array.from({ length: 50 }, (_, i) =>
                i % 10 === 9
                  ? api.get("/status/404").catch((e) => e.code)
                  : api.get(path, { params: { i: i % 5 } }).then((r) => r.status === 200 && ok++),
              ),
            );
            if (results.filter((r) => r === "ERR_BAD_REQUEST").length !== 5) throw new Error("a 404 did not fail as one");
            done += 50;
          }
        };
        await run(warm);
        const start = bytes();
        await run(warm + more);
        return { start, end: bytes(), events, refreshed, ok };
      },
      { base, config, pair, path, warm, more },
    );
    await page.close();
    return out;
  });
}

test("wasm memory stops growing: 8,000 requests after a 2,000-request warm-up", async (t) => {
  const out = await measure({ base: tenant("js-memory"), config: {}, path: "/echo", warm: 2000, more: 8000 });
  assert.equal(out.ok, 9000, "every request succeeded");
  assert.ok(out.events > 10000, "events were delivered");
  const growth = out.end - out.start;
  t.diagnostic(`wasm memory ${out.start} → ${out.end} bytes`);
  assert.ok(growth <= 128 * 1024, `wasm memory grew ${growth} bytes over 8,000 requests (from ${out.start})`);
});

test("with a token, through refreshes: 8,000 authenticated requests after a 2,000-request warm-up", async (t) => {
  // A token on every request: the auth layer races the session's cancel handle (logout), which
  // lives as long as the session. Each race used to leave its waker there: +57 B per request,
  // ~450 KB over these 8,000.
  const base = tenant("js-memory-auth");
  const out = await measure({
    base,
    config: { auth: { refresh: { url: "/auth/refresh" } } },
    pair: await tokens(base),
    path: "/api/echo",
    warm: 2000,
    more: 8000,
  });
  assert.equal(out.ok, 9000, "every authenticated request succeeded");
  assert.ok(out.refreshed >= 10, `the expired tokens were refreshed (${out.refreshed} times)`);
  assert.ok(out.events > 8000, "events were delivered");
  const growth = out.end - out.start;
  t.diagnostic(`wasm memory ${out.start} → ${out.end} bytes`);
  assert.ok(growth <= 128 * 1024, `wasm memory grew ${growth} bytes over 8,000 requests (from ${out.start})`);
});
