#!/usr/bin/env bash
# What users download: the package's wasm and JS glue, raw and gzip -9.
set -euo pipefail
cd "$(dirname "$0")/.."
total_raw=0
total_gz=0
for f in pkg/tokenfetch_engine_bg.wasm pkg/tokenfetch_engine.js pkg/tokenfetch.js; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  printf '%-28s %8d bytes raw %8d bytes gzip\n' "$f" "$raw" "$gz"
done
printf '%-28s %8d bytes raw %8d bytes gzip\n' "total" "$total_raw" "$total_gz"
