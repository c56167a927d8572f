// Every TypeScript snippet of the READMEs, checked with `tsc --strict` against the package's
// declarations (as a user pasting it into a strict project would): they are written into
// target/readme-ts/ with a tsconfig extending tests/types/tsconfig.json, then compiled.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const root = new URL("../", import.meta.url);
const out = new URL("target/readme-ts/", root);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const files = [];
for (const readme of ["README.md", "pkg-template/README.md"]) {
  const text = readFileSync(new URL(readme, root), "utf8");
  let n = 0;
  for (const [, code] of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const name = `${readme.replace(/\W+/g, "-")}-${++n}.ts`;
    writeFileSync(new URL(name, out), `${code}\nexport {};\n`);
    files.push(name);
  }
}
writeFileSync(
  new URL("tsconfig.json", out),
  JSON.stringify({ extends: "../../tests/types/tsconfig.json", files }, null, 2),
);
try {
  execFileSync(new URL("node_modules/.bin/tsc", root).pathname, ["-p", out.pathname], { stdio: "inherit" });
} catch {
  console.log("tsc --strict: a README snippet does not type-check (see above)");
  process.exit(1);
}
console.log(`tsc --strict: ${files.length} README snippets type-check`);
