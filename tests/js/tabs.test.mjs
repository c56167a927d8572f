// One session across tabs: two or three pages of one browser context share localStorage, the
// server rotates refresh tokens and revokes the whole family when one is reused.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch } from "../e2e/browser.mjs";
import { SERVER, tenant, stats, configure, expire, tokens } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** `n` pages of one context (shared storage), each with the package as `window.tf`. */
async function tabs(n) {
  const context = await browser.newContext();
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(`${SERVER}/www/blank.html`);
    await page.evaluate(async () => {
      const tf = await import("/pkg/tokenfetch.js");
      await tf.default();
      window.tf = tf;
    });
    pages.push(page);
  }
  return { pages, close: () => context.close() };
}

/** In a page: a client on `base` with `auth` options, kept as `window.api`; `changes` collected. */
function client(page, base, auth) {
  return page.evaluate(
    ({ base, auth }) => {
      window.changes = [];
      window.expired = 0;
      window.api = window.tf.createClient({
        baseURL: base,
        retry: false,
        auth: {
          refresh: { url: "/auth/refresh" },
          ...auth,
          onChange: (c) => window.changes.push(c),
          onSessionExpired: () => window.expired++,
        },
      });
    },
    { base, auth },
  );
}

const storm = (page, n) =>
  page.evaluate(async (n) => {
    const out = await Promise.allSettled(Array.from({ length: n }, (_, i) => window.api.get(`/api/seq/${i}`)));
    return out.map((o) => (o.status === "fulfilled" ? o.value.status : o.reason.code));
  }, n);

const key = () => `tabs${Math.floor(Math.random() * 1e9)}`;

/** Two tabs on a fresh tenant (server `config` applied) sharing one localStorage session, logged in in tab A. */
async function sharedSession(name, config) {
  const base = tenant(name);
  if (config) await configure(base, config);
  const pair = await tokens(base);
  const { pages, close } = await tabs(2);
  const storageKey = key();
  for (const page of pages) await client(page, base, { storage: "localStorage", storageKey });
  await pages[0].evaluate((pair) => window.api.auth.setTokens(pair), pair);
  return { base, pair, pages, close };
}

test("20 requests in each of 2 tabs with an expired token: 1 refresh, no revocation, 40 succeed", async () => {
  const { base, pair, pages, close } = await sharedSession("tabs-storm", { refresh_delay_ms: 300 });
  await expire(base);
  const [a, b] = await Promise.all(pages.map((p) => storm(p, 20)));
  assert.deepEqual([...a, ...b], Array(40).fill(200));
  const s = await stats(base);
  assert.equal(s.refresh_count, 1, "one refresh across both tabs");
  // The tab that did not refresh heard the other one's refresh, and both hold its new token.
  const heard = await Promise.all(pages.map((p) => p.evaluate(() => window.changes)));
  assert.ok(heard.some((changes) => changes.includes("refreshed")), `one tab heard the other: ${JSON.stringify(heard)}`);
  const held = await Promise.all(pages.map((p) => p.evaluate(() => window.api.auth.getTokens().accessToken)));
  assert.equal(held[0], held[1]);
  assert.notEqual(held[0], pair.accessToken);
  await close();
});

test("logout in tab A: tab B's next request goes out without a token, and B hears of it", async () => {
  const { pair, pages, close } = await sharedSession("tabs-logout");
  assert.equal(await pages[1].evaluate(() => window.api.get("/echo").then((r) => r.data.headers.authorization ?? null)), `Bearer ${pair.accessToken}`);
  await pages[0].evaluate(() => window.api.auth.logout());
  await pages[1].waitForFunction(() => window.changes.includes("loggedOut"));
  const after = await pages[1].evaluate(() => window.api.get("/echo").then((r) => r.data.headers.authorization ?? null));
  assert.equal(after, null);
  await close();
});

test("tab A closed while its refresh hangs: tab B gets the lock and refreshes once more", async () => {
  const { base, pages, close } = await sharedSession("tabs-closed", { refresh_fail: "hang", refresh_fail_times: 1 });
  await expire(base);
  pages[0].evaluate(() => window.api.get("/api/seq/0")).catch(() => {});
  await pages[0].waitForFunction(() => window.api.auth.isRefreshing);
  const b = storm(pages[1], 5);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await stats(base)).refresh_count, 1, "B waits for A's lock instead of refreshing");
  await pages[0].close();
  assert.deepEqual(await b, Array(5).fill(200));
  assert.equal((await stats(base)).refresh_count, 2, "A's hung refresh, then B's");
  await close();
});

test("coordination off (or the memory store): each tab refreshes, and rotation revokes the session", async () => {
  for (const auth of [{ storage: "localStorage", crossTab: false }, { storage: "memory" }]) {
    const base = tenant("tabs-off");
    await configure(base, { refresh_delay_ms: 200 });
    const pair = await tokens(base);
    const { pages, close } = await tabs(2);
    const storageKey = key();
    for (const page of pages) {
      await client(page, base, { ...auth, storageKey });
      await page.evaluate((pair) => window.api.auth.setTokens(pair), pair);
    }
    await expire(base);
    const results = (await Promise.all(pages.map((p) => storm(p, 5)))).flat();
    const s = await stats(base);
    assert.equal(s.refresh_count, 2, `${JSON.stringify(auth)}: each tab refreshed`);
    assert.ok(results.some((r) => r !== 200), `${JSON.stringify(auth)}: the reused refresh token revoked the session`);
    await close();
  }
});

test("a session that ends in tab A ends in tab B: callback, storage cleared", async () => {
  const { base, pages, close } = await sharedSession("tabs-expired", { refresh_fail: "invalid_grant", refresh_fail_times: 1 });
  await expire(base);
  const a = await storm(pages[0], 3);
  assert.deepEqual(a, Array(3).fill("ERR_SESSION_EXPIRED"));
  await pages[1].waitForFunction(() => window.changes.includes("expired") && window.expired === 1);
  assert.equal(await pages[1].evaluate(() => window.api.auth.getTokens()), null);
  assert.equal((await stats(base)).refresh_count, 1);
  await close();
});
