# tokenfetch — the two commands a newcomer needs are `make demo` and `make test`.
.PHONY: all setup setup-build test demo pkg examples size bench server clean

PORT ?= 8787

all: test

## Install what this machine lacks for the tests (rust target, wasm-bindgen-cli, wasm-pack,
## chromium, npm dev dependencies, the bench's peers).
setup:
	@scripts/setup.sh test

## What building the package needs, nothing more (no wasm-pack, no browser).
setup-build:
	@scripts/setup.sh build

## Format check, clippy (wasm target), native tests, browser tests in headless Chromium.
test: setup
	@scripts/test.sh

## Build the npm package into pkg/ (skipped when nothing changed; swapped in atomically).
pkg: setup-build
	@scripts/pkg.sh

## Build the Leptos and Yew examples into examples/<name>/pkg/ (served at /examples/<name>/).
examples: setup-build
	@scripts/examples.sh

## Print the size of every shipped file of the package (raw, gzip, brotli).
size: pkg
	@scripts/size.sh

## tokenfetch beside raw fetch, axios (+ plugins) and ky in headless Chromium; writes bench/results.md.
bench: setup pkg
	@node bench/run.mjs
	@node scripts/bench-table.mjs

## Build the package, start the server on PORT and PORT+1, print the demo URL (Ctrl-C stops it).
demo: pkg
	@PORT=$(PORT) scripts/demo.sh

clean:
	cargo clean
	rm -rf pkg pkg.tmp pkg.old .run bench/dist
