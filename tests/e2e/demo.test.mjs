// `make demo`'s page, as a person would use it: log in, expire the token, fire 20 requests at
// once → the page shows one refresh and 20 done, replayed in issue order; the failure mode ends
// the session once; screenshots at desktop and phone width land in .run/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { launch, SERVER } from "./browser.mjs";

const SHOTS = new URL("../../.run/screenshots/", import.meta.url).pathname;
let browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A demo page; `problems` collects page errors and console errors other than the 401s the
 * demo provokes on purpose (the browser logs every 4xx response). */
async function demoPage(width, height) {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(m.text());
  });
  await page.goto(`${SERVER}/`);
  await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("ready"), null, {
    timeout: 15_000,
  });
  return { page, problems };
}

const statusIs = (page, pattern) =>
  page.waitForFunction((p) => new RegExp(p).test(document.getElementById("status").textContent), pattern.source, {
    timeout: 20_000,
  });

async function logIn(page, storage) {
  await page.selectOption("#storage", storage);
  await page.click("#login");
  await statusIs(page, /^logged in/);
}

test("expire, fire 20: one refresh, 20 done, replayed in issue order", async () => {
  const { page, problems } = await demoPage(1280, 800);
  await logIn(page, "memory");
  assert.match(await page.textContent("#access"), /^eyJ/, "the access token is shown shortened");
  await page.click("#expire");
  await statusIs(page, /rejects the current access token/);
  await page.click("#fire");
  await statusIs(page, /done/);
  assert.equal(await page.textContent("#status"), "20 of 20 done · 1 refresh · replays handed to fetch in issue order ✓");
  assert.equal(await page.textContent("#c-refresh"), "1");
  assert.equal(await page.textContent("#c-done"), "20");
  assert.equal(await page.textContent("#c-stale"), "20");
  const lanes = await page.$$eval("#timeline .lane .name", (names) => names.map((n) => n.textContent));
  assert.equal(lanes[0], "refresh");
  assert.equal(lanes.length, 21, "one lane per request and one for the refresh");
  assert.equal(await page.$$eval("#timeline .mark.replayed", (m) => m.length), 20);
  const log = await page.textContent("#log");
  assert.match(log, /token refreshed/);
  assert.doesNotMatch(log, /eyJ[\w-]{10,}\.[\w-]{10,}/, "no token in the log panel");
  await page.screenshot({ path: `${SHOTS}demo-1280.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test("refresh fails: every request ends session-expired, storage cleared, callback once", async () => {
  const { page } = await demoPage(1280, 800);
  await logIn(page, "localStorage");
  assert.match(await page.textContent("#stored"), /localStorage\["tfdemo"\] = \{/);
  await page.check('input[value="fail"]');
  await page.selectOption("#count", "10");
  await page.click("#fire");
  await statusIs(page, /ended/);
  assert.equal(
    await page.textContent("#status"),
    "10 of 10 ended ERR_SESSION_EXPIRED · 1 refresh · storage cleared: true · callback ran 1×",
  );
  assert.equal(await page.evaluate(() => localStorage.getItem("tfdemo")), null);
  await page.screenshot({ path: `${SHOTS}demo-fail.png` });
  await page.close();
});

test("at phone width the page works and nothing overflows sideways", async () => {
  const { page, problems } = await demoPage(390, 844);
  await logIn(page, "server-cookie");
  assert.match(await page.textContent("#refresh"), /HttpOnly/);
  await page.click("#expire");
  await page.selectOption("#count", "5");
  await page.click("#fire");
  await statusIs(page, /done/);
  assert.match(await page.textContent("#status"), /^5 of 5 done · 1 refresh/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: `${SHOTS}demo-390.png`, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("the demo page shows a typed error when the API is down", async () => {
  const { page } = await demoPage(1280, 800);
  await page.route("**/auth/login", (route) => route.abort("connectionrefused"));
  await page.click("#login");
  await statusIs(page, /^ERR_/);
  assert.match(await page.textContent("#status"), /^ERR_NETWORK: network error/);
  await page.close();
});
