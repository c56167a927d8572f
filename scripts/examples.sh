#!/usr/bin/env bash
# `make examples`: build examples/leptos and examples/yew (each its own crate and workspace,
# outside the library's dependency graph) into examples/<name>/pkg/ with the wasm-bindgen CLI.
# They share a target directory that outlives a clean clone, so CI rebuilds them warm.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${TOKENFETCH_EXAMPLES_TARGET:-$HOME/.cache/tokenfetch-examples}
for name in ${1:-leptos yew}; do
  dir=examples/$name
  [ -d "$dir" ] || continue
  crate=$(awk -F'"' '/^name = /{print $2; exit}' "$dir/Cargo.toml" | tr - _)
  (cd "$dir" && cargo build -q --release --lib --target wasm32-unknown-unknown)
  wasm-bindgen "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$crate.wasm" \
    --target web --out-dir "$dir/pkg" --no-typescript
  echo "built $dir/pkg/ ($(wc -c <"$dir/pkg/${crate}_bg.wasm") bytes of wasm)"
done
