#!/usr/bin/env bash
# Installs whatever this machine lacks. Safe to run again: each step is skipped when the right
# version is already there.
#   scripts/setup.sh build   what `make pkg` and `make demo` need: the wasm target,
#                            wasm-bindgen-cli, the npm dev dependencies (esbuild, binaryen)
#   scripts/setup.sh test    the above, plus what only the tests need: wasm-pack, Chromium and
#                            chromedriver, the bench's peers
set -euo pipefail
cd "$(dirname "$0")/.."
need=${1:-test}

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $want (about 3 minutes)"
  # Not --locked: its lock file pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if [ "$need" = test ] && ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack (about 3 minutes)"
  cargo install wasm-pack
fi

missing=()
if [ "$need" = test ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# `npm install`, not `npm ci`: this npm omits other platforms' optional packages (rollup's)
# from the lock file and `npm ci` then refuses it. With the lock present, install is exact.
if [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm dependencies"
    npm install --no-audit --no-fund
  fi
fi
# The bench's peers (axios, ky, ...) and esbuild live in bench/, apart from the package's.
if [ "$need" = test ] && { [ ! -d bench/node_modules ] || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; }; then
  say "installing the bench's npm dependencies"
  (cd bench && npm install --no-audit --no-fund)
fi
say "ready"
