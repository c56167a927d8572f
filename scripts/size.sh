#!/usr/bin/env bash
# What users download: every shipped file of pkg/, raw, gzip and brotli (see size.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/size.mjs "$@"
