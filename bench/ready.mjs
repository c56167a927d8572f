// Where tokenfetch's ready time goes, phase by phase, in cold pages of headless Chromium: the
// import of the bundle, fetching the .wasm, compiling it, instantiating it, the first
// createClient (V8 compiles wasm lazily, function by function, so that one compiles the
// engine's construction path). Medians. Run after `make bench` (it uses bench/dist):
// `node bench/ready.mjs [pages]`. `FLAGS="--js-flags=--no-wasm-lazy-compilation"` compiles
// everything up front instead.
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const pages = Number(process.argv[2] ?? 15);
const { server, origin } = await startServer(new URL(".", import.meta.url).pathname);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", ...(process.env.FLAGS ? process.env.FLAGS.split(" ") : []),
  ],
});
const rows = [];
try {
  for (let i = 0; i < pages; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/page.html`);
    // As `make bench` does: the page's own module first, so the first import is not counted.
    await page.evaluate(async () => {
      window.bench = await import("/page.mjs");
    });
    rows.push(
      await page.evaluate(async () => {
        const t0 = performance.now();
        const tf = await import("/dist/tokenfetch.js");
        const t1 = performance.now();
        const bytes = await (await fetch("/dist/tokenfetch_engine_bg.wasm")).arrayBuffer();
        const t2 = performance.now();
        const module = await WebAssembly.compile(bytes);
        const t3 = performance.now();
        await tf.default(module);
        const t4 = performance.now();
        tf.createClient({ baseURL: location.origin });
        const t5 = performance.now();
        return { import: t1 - t0, fetch: t2 - t1, compile: t3 - t2, instantiate: t4 - t3, createClient: t5 - t4 };
      }),
    );
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const median = (key) => rows.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
console.log(`median of ${pages} cold pages, ms:`);
for (const key of Object.keys(rows[0])) console.log(`${key.padEnd(14)} ${median(key).toFixed(1).padStart(6)}`);
