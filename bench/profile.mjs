// Where tokenfetch's time per request goes: N sequential GETs in headless Chromium under the
// CDP sampling profiler, self time summed by function (JS and wasm). Run after `make bench`
// (it uses bench/dist): `node bench/profile.mjs [client] [requests]`.
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const [name = "tokenfetch", count = "3000"] = process.argv.slice(2);
const root = new URL(".", import.meta.url).pathname;
const { server, origin } = await startServer(root);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/page.html`);
  await page.evaluate(async () => {
    window.bench = await import("/page.mjs");
  });
  await page.evaluate((name) => window.bench.sequential(name, 200), name);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  const ms = await page.evaluate(([name, n]) => window.bench.sequential(name, n), [name, Number(count)]);
  const { profile } = await cdp.send("Profiler.stop");
  const self = new Map();
  const dt = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = new Map();
  profile.samples.forEach((id, i) => samples.set(id, (samples.get(id) ?? 0) + (dt[i] ?? 0)));
  for (const [id, us] of samples) {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + us);
  }
  const n = Number(count);
  console.log(`${name}: ${((1000 * ms) / n).toFixed(0)} µs per request over ${n}; self time per request:`);
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${(us / n).toFixed(1).padStart(8)} µs  ${key}`);
  }
} finally {
  await browser.close();
  server.close();
}
