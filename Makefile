# tokenfetch — the two commands a newcomer needs are `make demo` and `make test`.
.PHONY: all setup test demo pkg size bench server clean

PORT ?= 8787

all: test

## Install what this machine lacks (rust target, wasm-bindgen-cli, wasm-pack, chromium, ...).
setup:
	@scripts/setup.sh

## Format check, clippy (wasm target), native tests, browser tests in headless Chromium.
test: setup
	@scripts/test.sh

## Build the npm package into pkg/ (wasm-bindgen --target web + wasm-opt -Oz + pkg-template/).
pkg: setup
	@scripts/pkg.sh

## Print the size of every shipped file of the package (raw, gzip, brotli).
size: pkg
	@scripts/size.sh

## tokenfetch beside raw fetch, axios (+ plugins) and ky in headless Chromium; writes bench/results.md.
bench: pkg
	@node bench/run.mjs
	@node scripts/bench-table.mjs

## Build the package, start the server and print the demo URL (Ctrl-C stops it).
demo: pkg
	@cargo build -q -p tokenfetch-test-server
	@echo
	@echo "  tokenfetch demo: http://127.0.0.1:$(PORT)/"
	@echo
	@TOKENFETCH_PORT=$(PORT) ./target/debug/tokenfetch-test-server

clean:
	cargo clean
	rm -rf pkg .run bench/dist
