// `make bench`: tokenfetch side by side with raw fetch, axios (+ axios-auth-refresh +
// axios-retry) and ky, in one run, in headless Chromium against a local node:http server.
// Clients are interleaved over rounds so that drift hits all of them alike. Writes
// bench/results.md. `--quick` is the smoke run of `make test`: tiny counts, nothing written
// but .run/bench-smoke.md, no numbers asserted.
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const quick = process.argv.includes("--quick");
const root = new URL(".", import.meta.url).pathname;
const N = quick
  ? { seq: 40, conc: 40, width: 10, rounds: 2, ready: 2, storm: 50, memFirst: 200, memTotal: 400, own: 100, ownRounds: 2 }
  : { seq: 2000, conc: 2000, width: 50, rounds: 40, ready: 20, storm: 500, memFirst: 5000, memTotal: 40000, own: 3000, ownRounds: 9 };
const CLIENTS = ["fetch", "tokenfetch", "axios", "ky"];

// Bundle each client as an app would ship it: one ESM file, minified.
mkdirSync(`${root}dist`, { recursive: true });
const bundles = { tokenfetch: "tokenfetch", axios: "axios", "axios + auth-refresh + retry": "axios-full", ky: "ky" };
for (const entry of new Set(Object.values(bundles))) {
  await build({
    entryPoints: [`${root}entries/${entry}.js`],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    outfile: `${root}dist/${entry}.js`,
    logLevel: "error",
  });
}
copyFileSync(`${root}../pkg/tokenfetch_engine_bg.wasm`, `${root}dist/tokenfetch_engine_bg.wasm`);
copyFileSync(`${root}../www/wasm-memory.js`, `${root}dist/wasm-memory.js`);
const compressed = (files) =>
  files.reduce(
    (t, f) => {
      const bytes = readFileSync(f);
      return {
        gzip: t.gzip + gzipSync(bytes, { level: 9 }).length,
        brotli: t.brotli + brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
      };
    },
    { gzip: 0, brotli: 0 },
  );
const sizes = Object.fromEntries(
  Object.entries(bundles).map(([label, entry]) => {
    const files = [`${root}dist/${entry}.js`];
    if (entry === "tokenfetch") files.push(`${root}dist/tokenfetch_engine_bg.wasm`);
    return [label, compressed(files)];
  }),
);

const { server, origin } = await startServer(root);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/page.html`);
  await page.evaluate(async () => {
    window.bench = await import("/page.mjs");
  });
  return { page, close: () => context.close() };
}
const call = (page, fn, ...args) => page.evaluate(([fn, args]) => window.bench[fn](...args), [fn, args]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

// Per round, each client's time over raw fetch's in the same round; the median over rounds.
const results = { ready: {}, seq: {}, conc: {}, seqRatio: {}, concRatio: {} };
try {
  // Ready time: import + init + createClient in a cold page, interleaved.
  for (let i = 0; i < N.ready; i++) {
    for (const name of rotate(CLIENTS.slice(1), i)) {
      const { page, close } = await freshPage();
      (results.ready[name] ??= []).push(await call(page, "ready", name));
      await close();
    }
  }
  // Throughput: one page, every client warmed up, rounds interleaved in rotating order.
  const { page, close } = await freshPage();
  for (const name of CLIENTS) await call(page, "sequential", name, 20);
  for (let r = 0; r < N.rounds; r++) {
    const seq = {};
    const conc = {};
    for (const name of rotate(CLIENTS, r)) {
      seq[name] = await call(page, "sequential", name, N.seq / N.rounds);
      conc[name] = await call(page, "concurrent", name, N.conc / N.rounds, N.width);
      results.seq[name] = (results.seq[name] ?? 0) + seq[name];
      results.conc[name] = (results.conc[name] ?? 0) + conc[name];
    }
    for (const name of CLIENTS) {
      (results.seqRatio[name] ??= []).push(seq.fetch / seq[name]);
      (results.concRatio[name] ??= []).push(conc.fetch / conc[name]);
    }
  }
  results.own = await call(page, "ownTime", CLIENTS, N.own, N.ownRounds);
  await close();
  // The refresh storm, each in a fresh page.
  for (const name of ["tokenfetch", "axios-auth-refresh"]) {
    const fresh = await freshPage();
    results[`storm ${name}`] = await call(fresh.page, "storm", name, N.storm);
    await fresh.close();
  }
  const mem = await freshPage();
  results.memory = await call(mem.page, "memory", N.memFirst, N.memTotal);
  await mem.close();
} finally {
  await browser.close();
  server.close();
}

// The table.
const kb = (b) => (b / 1000).toFixed(1);
const ratio = (ratios, name) => median(ratios[name]).toFixed(2);
const us = (v) => v.toFixed(1);
const refreshes = ({ refreshes: n, failed }) => `${n} refresh${n === 1 ? "" : "es"}, ${failed} failed`;
const rows = [
  `| | tokenfetch | axios + auth-refresh + retry | axios | ky | raw fetch |`,
  `|---|---|---|---|---|---|`,
  `| shipped gzip (minified bundle${"; + wasm for tokenfetch"}) | ${kb(sizes.tokenfetch.gzip)} KB | ${kb(sizes["axios + auth-refresh + retry"].gzip)} KB | ${kb(sizes.axios.gzip)} KB | ${kb(sizes.ky.gzip)} KB | — |`,
  `| shipped brotli | ${kb(sizes.tokenfetch.brotli)} KB | ${kb(sizes["axios + auth-refresh + retry"].brotli)} KB | ${kb(sizes.axios.brotli)} KB | ${kb(sizes.ky.brotli)} KB | — |`,
  `| ready (import → client usable), median of ${N.ready} cold loads | ${median(results.ready.tokenfetch).toFixed(1)} ms | | ${median(results.ready.axios).toFixed(1)} ms | ${median(results.ready.ky).toFixed(1)} ms | |`,
  `| ${N.seq} sequential GETs, throughput ratio to raw fetch (median of ${N.rounds} rounds) | ${ratio(results.seqRatio, "tokenfetch")} | | ${ratio(results.seqRatio, "axios")} | ${ratio(results.seqRatio, "ky")} | 1.00 |`,
  `| ${N.conc} GETs, ${N.width} in flight, ratio to raw fetch | ${ratio(results.concRatio, "tokenfetch")} | | ${ratio(results.concRatio, "axios")} | ${ratio(results.concRatio, "ky")} | 1.00 |`,
  `| ${N.seq} sequential GETs, µs per request | ${((1000 * results.seq.tokenfetch) / N.seq).toFixed(0)} | | ${((1000 * results.seq.axios) / N.seq).toFixed(0)} | ${((1000 * results.seq.ky) / N.seq).toFixed(0)} | ${((1000 * results.seq.fetch) / N.seq).toFixed(0)} |`,
  `| own time per request, fetch answering from memory (µs; median of ${N.ownRounds} rounds of ${N.own}) | ${us(results.own.tokenfetch)} | | ${us(results.own.axios)} (fetch adapter) | ${us(results.own.ky)} | ${us(results.own.fetch)} |`,
  `| ${N.storm}-request refresh storm | ${refreshes(results["storm tokenfetch"])} | ${refreshes(results["storm axios-auth-refresh"])} | | | |`,
  `| wasm memory after ${N.memFirst} → ${N.memTotal} requests | ${kb(results.memory.after)} KB → ${kb(results.memory.end)} KB | | | | |`,
];
const table = rows.join("\n");
const doc = `# tokenfetch bench

\`make bench\`, ${new Date().toISOString().slice(0, 10)}: headless Chromium (Debian's), a node:http server on
127.0.0.1 (keep-alive, tiny JSON answers), every client set up as its docs say, clients
interleaved over ${N.rounds} rounds in rotating order. Ratios: the client's throughput over raw
\`fetch\`'s in the same round (1.00 = as fast as fetch, higher is better), median over rounds. The storm: ${N.storm} requests at once with an expired
access token; the server rotates refresh tokens and revokes the session when one is reused.

${table}

The own-time row runs the same GETs with \`fetch\` answering at once from memory: what each
client costs per request by itself (raw fetch's figure is the stub's own cost), nearly free of
the loopback's noise, which moves the network ratios by ±0.1 from run to run.

Defaults differ and are kept: tokenfetch and ky retry twice by default, axios does not; none of
the measured requests failed, so no retry ran.
`;
console.log(table);
if (quick) {
  mkdirSync(`${root}../.run`, { recursive: true });
  writeFileSync(`${root}../.run/bench-smoke.md`, doc);
  console.log("bench smoke: 1 passed, 0 failed");
} else {
  writeFileSync(`${root}results.md`, doc);
  console.log("wrote bench/results.md");
}
