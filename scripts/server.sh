#!/usr/bin/env bash
# Build the test/demo server, start it in the background and wait until it answers.
# Usage: scripts/server.sh start|stop   (port from TOKENFETCH_PORT, default 8787)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${TOKENFETCH_PORT:-8787}
foreign=${TOKENFETCH_FOREIGN_PORT:-$((port + 1))}
pidfile=.run/server-$port.pid
mkdir -p .run

case "${1:-start}" in
start)
  cargo build -q -p tokenfetch-test-server
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    sleep 0.5
  fi
  TOKENFETCH_PORT=$port TOKENFETCH_FOREIGN_PORT=$foreign \
    ./target/debug/tokenfetch-test-server >".run/server-$port.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/__health" >/dev/null 2>&1; then
      exit 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "server exited:" >&2
      cat ".run/server-$port.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "server did not answer on port $port" >&2
  exit 1
  ;;
stop)
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
  ;;
esac
