// The README's JavaScript quick start, extracted and run in Node against the test server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { transformSync } from "esbuild";
import { tenant } from "./helpers.mjs";

for (const path of ["README.md", "pkg-template/README.md"]) test(`the ${path} JavaScript example runs as written`, async () => {
  const readme = readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
  const block = readme.match(/```ts\n([\s\S]*?)```/);
  assert.ok(block, `no \`\`\`ts block in ${path}`);
  const base = tenant("readme");
  const pkg = new URL("../../pkg/tokenfetch.js", import.meta.url).href;
  // The snippet is TypeScript (checked by tsc --strict in `make test`): strip the types.
  const code = transformSync(block[1], { loader: "ts", format: "esm" }).code
    .replace('from "tokenfetch"', `from ${JSON.stringify(pkg)}`)
    .replaceAll('"http://127.0.0.1:8787"', JSON.stringify(base));
  const dir = new URL("../../target/readme/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`example-${Date.now()}.mjs`, dir);
  writeFileSync(file, code);
  const lines = [];
  const log = console.log;
  console.log = (...args) => lines.push(args.join(" "));
  try {
    await import(file.href);
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ["200 3", "ERR_BAD_REQUEST 404"]);
});
