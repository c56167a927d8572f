#!/usr/bin/env bash
# `make demo`: serve the demo page and its API on PORT (default 8787) and the "foreign origin"
# on PORT+1; refuse clearly when either port is taken; print the URL once the server answers.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-8787}
foreign=$((port + 1))
busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$port" "$foreign"; do
  if busy "$p"; then
    echo "make demo: port $p is already in use (another make demo?)." >&2
    echo "  The demo needs PORT and PORT+1; try: make demo PORT=$((port + 10))" >&2
    exit 1
  fi
done
cargo build -q -p tokenfetch-test-server
TOKENFETCH_PORT=$port TOKENFETCH_FOREIGN_PORT=$foreign ./target/debug/tokenfetch-test-server &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/__health" >/dev/null 2>&1; then
    printf '\n  tokenfetch demo: http://127.0.0.1:%s/   (Ctrl-C stops it)\n\n' "$port"
    wait "$server"
    exit $?
  fi
  kill -0 "$server" 2>/dev/null || { echo "make demo: the server did not start" >&2; exit 1; }
  sleep 0.1
done
echo "make demo: the server did not answer on port $port" >&2
exit 1
