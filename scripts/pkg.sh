#!/usr/bin/env bash
# Build the npm/web package into pkg/: release wasm (`npm-engine/`: the crate's `js` face,
# without std) → wasm-bindgen
# --target web → wasm-opt -Oz → the hand-written files from pkg-template/.
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing to do when no input changed since the last build (make demo starts in seconds).
stamp=$( (rustc --version; wasm-bindgen --version; cat Cargo.toml Cargo.lock package-lock.json scripts/pkg.sh scripts/short-names.mjs \
  LICENSE-MIT LICENSE-APACHE; find src pkg-template npm-engine -type f | sort | xargs cat) | sha256sum | cut -c1-16)
if [ -f pkg/.stamp ] && [ "$(cat pkg/.stamp)" = "$stamp" ]; then
  echo "pkg/ is up to date"
  exit 0
fi
cargo build -q --release --target wasm32-unknown-unknown --manifest-path npm-engine/Cargo.toml \
  --target-dir target/npm-engine
# Build into a temporary directory and swap it in at the end: a running `make demo` server never
# sees a half-built or missing pkg/.
out=pkg.tmp
rm -rf "$out"
wasm-bindgen target/npm-engine/wasm32-unknown-unknown/release/tokenfetch_npm_engine.wasm \
  --target web --out-dir "$out" --out-name tokenfetch_engine --no-typescript
# wasm-opt from the npm package binaryen (Debian's is too old for wasm-bindgen's reference
# types); the --enable flags are the features rustc enables by default for wasm32. The module
# never uses the first 1 KB of memory and starts zero-filled (-0.2 KB gzip); -tnh/-iit would
# save 0.1 KB more but let wasm-opt assume traps never happen, so they stay off. A function
# with one caller is inlined only if tiny (≤ 25 bytes; binaryen's default inlines every one):
# −2.6 KB gzip — separate functions compress better than their copies merged into callers — and
# the first createClient compiles less (V8 compiles wasm lazily, function by function);
# --converge −0.2 KB more. The `producers` and `target_features` sections only describe the
# build (−0.2 KB). The control flow flattened and rebuilt by the relooper once before
# (`--flatten --rereloop -Oz`): −0.3 KB gzip; behaviour-preserving (binaryen's own fuzzed passes).
node_modules/.bin/wasm-opt --flatten --rereloop -Oz -Oz --one-caller-inline-max-function-size 25 --converge \
  --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --low-memory-unused --zero-filled-memory \
  "$out/tokenfetch_engine_bg.wasm" -o "$out/tokenfetch_engine_bg.wasm"
# Short names for the ~100 imports and exports between the wasm and its glue (−3 KB gzip).
node scripts/short-names.mjs "$out/tokenfetch_engine_bg.wasm" "$out/tokenfetch_engine.js"
# The package ships its JS minified (what users download): pkg-template/*.js, readable, and the
# engine's glue with its snippets (src/rt/*.js) are bundled into one tokenfetch.js with a source
# map: one JS file to load, and the glue's unused exports (initSync, ...) shaken out (−0.8 KB
# gzip against two files).
cp pkg-template/package.json pkg-template/README.md pkg-template/tokenfetch.d.ts \
  LICENSE-MIT LICENSE-APACHE "$out/"
mkdir "$out/src"
cp pkg-template/*.js "$out/src/"
mv "$out/tokenfetch_engine.js" "$out/snippets" "$out/src/"
node_modules/.bin/esbuild "$out/src/tokenfetch.js" --bundle --format=esm --minify --sourcemap \
  --outfile="$out/bundle.js" --log-level=warning --log-override:duplicate-object-key=silent
# (wasm-bindgen lists a snippet once per import: duplicate keys, harmless.)
# terser after esbuild: two compress passes and top-level names mangled (−0.39 KB gzip); no
# unsafe transforms, no property mangling. The source map goes through both.
node_modules/.bin/terser "$out/bundle.js" --module --compress passes=2 --mangle --toplevel \
  --source-map "content='$out/bundle.js.map',url='tokenfetch.js.map'" -o "$out/tokenfetch.js"
rm "$out/bundle.js" "$out/bundle.js.map"
rm -rf "$out/src"
echo "$stamp" >"$out/.stamp"
rm -rf pkg.old
[ -d pkg ] && mv pkg pkg.old
mv "$out" pkg
rm -rf pkg.old
echo "built pkg/ ($(wc -c <pkg/tokenfetch_engine_bg.wasm) bytes of wasm)"
