// What a user of the npm package downloads: every shipped file of pkg/ (JS, the wasm, the
// engine's JS snippets), raw, gzip -9 and brotli (quality 11). With `--budget BYTES` it exits 1
// when the gzip total is above BYTES: bytes are deterministic, so `make test` checks the budget.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const root = new URL("../pkg/", import.meta.url).pathname;
const shipped = (f) => /\.(js|wasm)$/.test(f);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (shipped(name)) files.push(path);
  }
})(root);

const rows = files.map((path) => {
  const bytes = readFileSync(path);
  return {
    file: relative(root, path),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const line = (name, r) => `${name.padEnd(58)} ${String(r.raw).padStart(8)} raw ${String(r.gzip).padStart(8)} gzip ${String(r.brotli).padStart(8)} brotli`;
for (const r of rows) console.log(line(r.file, r));
console.log(line("total", total));

const at = process.argv.indexOf("--budget");
if (at > 0) {
  const budget = Number(process.argv[at + 1]);
  if (total.gzip > budget) {
    console.log(`size budget exceeded: ${total.gzip} bytes gzip > ${budget}`);
    process.exit(1);
  }
  console.log(`size budget: ${total.gzip} of ${budget} bytes gzip`);
}
