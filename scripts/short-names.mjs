// Shorten the names the engine's wasm and its wasm-bindgen glue use for each other.
//
// wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` and exports closures as
// `wasm_bindgen__convert__closures_____invoke__h<16 hex digits>`: about 100 such names, each
// written once in the wasm and once in the glue, and hex does not compress (≈2 KB gzip of the
// package). This renames the glue's own imports (module `./<glue>_bg.js`) and the exports (except
// `memory`) to short names in both files, consistently. Imports of the engine's snippets
// (`snippets/.../fetch.js`) keep their names: they are those modules' real export names. The
// import modules themselves (`./<glue>_bg.js`, `./snippets/tokenfetch-<hash>/src/rt/fetch.js`,
// written once per import in the wasm) become one-digit names, in the wasm and as the keys of
// the glue's imports object.
//
// usage: node scripts/short-names.mjs <module.wasm> <glue.js>
import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath, gluePath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, "utf8");

function leb(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [result, pos];
  }
}

function encodeLeb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

const encodeName = (s) => {
  const bytes = Buffer.from(s, "utf8");
  return Buffer.concat([encodeLeb(bytes.length), bytes]);
};

function readName(buf, pos) {
  const [len, start] = leb(buf, pos);
  return [buf.toString("utf8", start, start + len), start + len];
}

// Short identifiers: a, b, ..., Z, aa, ab, ... (never a JS keyword: they are 1–2 letters, and
// the two-letter keywords `do`, `if`, `in` are skipped).
const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
// A short name must not be an identifier the glue already uses: closure invokers are also
// top-level functions there, and a local `a` would shadow one renamed `a`.
const taken = new Set(glue.match(/[A-Za-z_$][\w$]*/g));
let counter = 0;
function nextName() {
  for (;;) {
    let n = counter++;
    let name = letters[n % letters.length];
    n = Math.floor(n / letters.length);
    while (n > 0) {
      name = letters[(n - 1) % letters.length] + name;
      n = Math.floor((n - 1) / letters.length);
    }
    if (!["do", "if", "in"].includes(name) && !taken.has(name)) return name;
  }
}

// wasm-bindgen's own module: `./<out-name>_bg.js`.
const isGlueModule = (module) => /^\.\/[\w.-]+_bg\.js$/.test(module);
const renames = new Map();
const imported = new Set();
const modules = new Map();
const moduleName = (module) => {
  if (!modules.has(module)) modules.set(module, String(modules.size));
  return modules.get(module);
};
const rename = (old) => {
  if (!renames.has(old)) renames.set(old, nextName());
  return renames.get(old);
};

// Rewrite the import (2) and export (7) sections; copy every other section as it is.
const parts = [wasm.subarray(0, 8)];
let pos = 8;
while (pos < wasm.length) {
  const id = wasm[pos];
  const [size, start] = leb(wasm, pos + 1);
  const end = start + size;
  if (id !== 2 && id !== 7) {
    parts.push(wasm.subarray(pos, end));
    pos = end;
    continue;
  }
  let [count, p] = leb(wasm, start);
  const body = [encodeLeb(count)];
  for (let i = 0; i < count; i++) {
    if (id === 2) {
      const [module, p1] = readName(wasm, p);
      const [field, p2] = readName(wasm, p1);
      const descStart = p2;
      const kind = wasm[p2];
      let q = p2 + 1;
      if (kind === 0 || kind === 4) {
        if (kind === 4) q += 1;
        q = leb(wasm, q)[1];
      } else if (kind === 1 || kind === 2) {
        if (kind === 1) q += 1; // reference type
        const flags = wasm[q++];
        q = leb(wasm, q)[1];
        if (flags & 1) q = leb(wasm, q)[1];
      } else if (kind === 3) {
        q += 2; // value type, mutability
      } else {
        throw new Error(`unknown import kind ${kind}`);
      }
      const newField = isGlueModule(module) ? rename(field) : field;
      if (isGlueModule(module)) imported.add(field);
      body.push(encodeName(moduleName(module)), encodeName(newField), wasm.subarray(descStart, q));
      p = q;
    } else {
      const [name, p1] = readName(wasm, p);
      const kind = wasm[p1];
      const q = leb(wasm, p1 + 1)[1];
      const newName = name === "memory" ? name : rename(name);
      body.push(encodeName(newName), wasm.subarray(p1, q));
      p = q;
    }
  }
  if (p !== end) throw new Error(`section ${id}: read ${p - start} of ${size} bytes`);
  const content = Buffer.concat(body);
  parts.push(Buffer.from([id]), encodeLeb(content.length), content);
  pos = end;
}

// The glue names each of them as an object key (`name:` or `name(`), as `wasm.name`, or (a
// closure invoker) as a top-level function of the same name that wraps the export: every old
// name is a long hashed identifier in those roles only, so a whole-word replace is exact.
for (const [old, short] of renames) {
  const escaped = old.replace(/[$]/g, "\\$&");
  const pattern = new RegExp(`(?<![\\w$])${escaped}(?![\\w$])`, "g");
  // Every import is the glue's; an export the glue does not call is renamed in the wasm only.
  if (!pattern.test(glue) && imported.has(old)) throw new Error(`${old} is not in the glue`);
  glue = glue.replace(pattern, short);
}

// The imports object: `"<module>": importN` for each module (snippets repeat their key).
for (const [module, short] of modules) {
  const key = JSON.stringify(module).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const pattern = new RegExp(`${key}(?=: import\\d+,)`, "g");
  if (!pattern.test(glue)) throw new Error(`${module} is not a key of the glue's imports`);
  glue = glue.replace(pattern, JSON.stringify(short));
}

writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(gluePath, glue);
console.log(`short-names: ${renames.size} names and ${modules.size} modules shortened`);
