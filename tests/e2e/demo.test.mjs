// `make demo`'s page, as a person would use it: it loads pkg/ from the server, logs in and
// fetches the protected list with the token. The server must see the login and the request.
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

test("the demo page logs in and shows the protected items", async () => {
  await fetch(`${SERVER}/__reset`, { method: "POST" });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${SERVER}/`);
  await page.waitForFunction(() => document.getElementById("status").className !== "", null, {
    timeout: 15_000,
  });
  const status = await page.textContent("#status");
  assert.equal(status, "GET /api/items → 200 OK");
  const data = JSON.parse(await page.textContent("#output"));
  assert.equal(data.user, "demo");
  assert.equal(data.items.length, 3);
  assert.deepEqual(errors, []);

  const stats = await (await fetch(`${SERVER}/__stats`)).json();
  const seen = stats.requests.map((r) => `${r.method} ${r.path} ${r.auth}`);
  assert.deepEqual(seen, ["POST /auth/login none", "GET /api/items valid"]);
  assert.equal(stats.login_count, 1);
});

test("the demo page shows a typed error when the API is down", async () => {
  const page = await browser.newPage();
  await page.route("**/auth/login", (route) => route.abort("connectionrefused"));
  await page.goto(`${SERVER}/`);
  await page.waitForFunction(() => document.getElementById("status").className === "err", null, {
    timeout: 15_000,
  });
  assert.match(await page.textContent("#status"), /^ERR_NETWORK: network error/);
});
