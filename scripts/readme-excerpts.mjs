// Every `rust,ignore` block of the README is an excerpt of an example app: each of its lines
// (comments aside) must still appear, in order, in the file its first comment names — so the
// README cannot drift from code that compiles and runs in `make test`.
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const readme = readFileSync(new URL("README.md", root), "utf8");
let checked = 0;
let failed = 0;
for (const [, block] of readme.matchAll(/```rust,ignore\n([\s\S]*?)```/g)) {
  const file = block.match(/^\/\/ (examples\/\S+\.rs)/)?.[1];
  if (!file) {
    console.log(`a rust,ignore block does not name its example file:\n${block}`);
    failed++;
    continue;
  }
  const source = readFileSync(new URL(file, root), "utf8").split("\n").map((l) => l.trim());
  let at = 0;
  for (const line of block.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("//"))) {
    const found = source.indexOf(line, at);
    if (found < 0) {
      console.log(`README excerpt of ${file} no longer matches: ${line}`);
      failed++;
      break;
    }
    at = found + 1;
  }
  checked++;
}
console.log(`README excerpts: ${checked - failed} of ${checked} match their examples`);
process.exit(failed ? 1 : 0);
