// Bundler use: a tiny Vite app imports "tokenfetch", builds, and the built app runs in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { launch, SERVER } from "../e2e/browser.mjs";

const dist = new URL("../../target/vite-app/", import.meta.url).pathname;
let chromium;
let server;
before(async () => {
  const build = spawnSync("npx", ["--no-install", "vite", "build", "--config", "tests/vite-app/vite.config.mjs"], {
    encoding: "utf8",
  });
  const output = `${build.stdout}${build.stderr}`;
  assert.equal(build.status, 0, output);
  // The Node-only path of init() is invisible to bundlers: no "externalized" warning.
  assert.doesNotMatch(output, /externalized|node:fs/, output);
  // Serve the build from its own origin; the API (the test server) is cross-origin with CORS.
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  server = createServer((req, res) => {
    const path = join(dist, req.url === "/" ? "index.html" : req.url.split("?")[0]);
    try {
      const body = readFileSync(path);
      res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  chromium = await launch();
});
after(async () => {
  await chromium?.close();
  server?.close();
});

test("the Vite build emits the wasm and the app makes a request", async () => {
  const assets = readdirSync(join(dist, "assets"));
  assert.ok(assets.some((f) => f.endsWith(".wasm")), `no .wasm in ${assets}`);
  const page = await chromium.newPage();
  const { port } = server.address();
  // The app calls location.origin; point its API at the test server through a query-free
  // override: the page's fetches to /echo are routed to the test server.
  await page.route("**/echo?**", (route) => route.continue({ url: route.request().url().replace(/^http:\/\/127\.0\.0\.1:\d+/, SERVER) }));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.getElementById("out").textContent !== "loading…", null, { timeout: 15_000 });
  assert.equal(await page.textContent("#out"), "ok 200 from=vite");
});
