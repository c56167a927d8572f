// Copy the table of bench/results.md into the READMEs, between <!-- bench:start --> and
// <!-- bench:end -->.
import { readFileSync, writeFileSync } from "node:fs";
const root = new URL("../", import.meta.url);
const results = readFileSync(new URL("bench/results.md", root), "utf8");
const table = results.split("\n").filter((l) => l.startsWith("|")).join("\n");
for (const file of ["README.md", "pkg-template/README.md"]) {
  const url = new URL(file, root);
  const text = readFileSync(url, "utf8");
  const next = text.replace(/<!-- bench:start -->[\s\S]*?<!-- bench:end -->/, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`);
  writeFileSync(url, next);
}
