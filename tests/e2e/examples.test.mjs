// The Leptos and Yew examples in Chromium, as a user would use them: log in, see the protected
// lists, expire the token and reload them all at once (the server sees one refresh), end the
// session (back to the login view), log out. Built by `make examples` (scripts/examples.sh).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, SERVER } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const hook = (base, path, body) =>
  fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((r) => (r.status === 204 ? null : r.json()));

for (const name of ["leptos", "yew"]) {
  test(`the ${name} example: log in, one refresh for five lists, session end, log out`, async () => {
    const tenant = `${name}-${Math.floor(Math.random() * 1e9)}`;
    const base = `${SERVER}/t/${tenant}`;
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${SERVER}/examples/${name}/index.html?tenant=${tenant}`);
    await page.click("#login", { timeout: 15_000 });
    const lists = () => page.$$eval("#lists .list", (items) => items.map((i) => i.textContent));
    await page.waitForFunction(() => document.querySelectorAll("#lists .list").length === 5 && ![...document.querySelectorAll("#lists .list")].some((l) => /loading/.test(l.textContent)));
    const first = await lists();
    assert.match(first[0], /^list 1: item-1, item-2/);
    assert.match(first[4], /^list 5: item-13, item-14, item-15/);

    await page.click("#reload");
    await page.waitForFunction(() => [...document.querySelectorAll("#lists .list")].every((l) => /\(v1\)$/.test(l.textContent)));
    assert.ok((await lists()).every((l) => /^list \d: item-/.test(l)), "every list reloaded with data");
    const stats = await hook(base, "/__stats");
    assert.equal(stats.refresh_count, 1, "five resources reloaded with an expired token: one refresh");
    assert.equal(stats.stale_token_requests, 5);

    // The session ends (the refresh is refused): back to the login view with a notice.
    await hook(base, "/__config", { refresh_fail: "invalid_grant", refresh_fail_times: 1 });
    await page.click("#reload");
    await page.waitForSelector("#login");
    assert.match(await page.textContent("#notice"), /session ended/);

    // Log in again, then log out.
    await page.click("#login");
    await page.waitForSelector("#logout");
    await page.click("#logout");
    await page.waitForSelector("#login");
    assert.deepEqual(errors, []);
    await page.close();
  });
}
