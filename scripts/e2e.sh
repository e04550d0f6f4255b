#!/usr/bin/env bash
# Runs the Playwright suite against a built server binary (default: the release one),
# started on a free port with a fresh database that is dropped afterwards.
#   scripts/e2e.sh [path/to/server] [playwright args...]
# Used by scripts/test.sh; handy alone after `cargo leptos build` (debug) as
#   scripts/e2e.sh target/debug/server
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
target_dir=$(cargo_target_dir)
server=$(realpath "${1:-$target_dir/release/server}")
shift || true
[ -x "$server" ] || die "no server binary at $server: build it first"
setup_browser
setup_database

port=$(free_port)
e2e_db="todo_e2e_$(date +%s)_$$"
e2e_url=$(database_url_for "$e2e_db")
results="$ROOT/end2end/.server"  # not test-results/: Playwright empties that at start
mkdir -p "$results"
log="$results/server.log"
pidfile="$results/server.pid"
stopfile="$results/server.stop"
rm -f "$pidfile" "$stopfile" "$log"
supervisor=
cleanup() {
  touch "$stopfile"
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  [ -n "$supervisor" ] && wait "$supervisor" 2>/dev/null
  DATABASE_URL=$e2e_url sqlx database drop -y >/dev/null 2>&1 || true
}
trap cleanup EXIT
DATABASE_URL=$e2e_url sqlx database create
# The server runs under a loop that starts it again when it stops, so that a test can
# restart it (SIGTERM to the pid in $pidfile) and see the tasks survive.
(
  export DATABASE_URL=$e2e_url LEPTOS_OUTPUT_NAME=todo LEPTOS_SITE_ROOT=target/site \
    LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD LEPTOS_SITE_ADDR="127.0.0.1:$port"
  # Every scenario signs up and in from 127.0.0.1: one client, as far as the per-client
  # limits can tell (the HTTP tests hold those limits to their numbers).
  export AUTH_SIGN_UP_MAX_PER_CLIENT=100000 AUTH_SIGN_IN_MAX_PER_CLIENT=100000
  while [ ! -f "$stopfile" ]; do
    "$server" >>"$log" 2>&1 &
    echo $! >"$pidfile"
    wait $! || true
  done
) &
supervisor=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$log" >&2; die "the server is not ready"; }
(cd end2end && BASE_URL="http://127.0.0.1:$port" SERVER_PIDFILE="$pidfile" npx playwright test "$@")

# What a browser downloads: the compressed copies a release build makes beside the bundle
# (server/src/http/assets.rs). A debug build makes none, and is sent as it is.
raw=$(curl -fsS -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/pkg/todo.wasm")
if [ ! -f "$ROOT/target/site/pkg/todo.wasm.br" ]; then
  note "todo.wasm: $raw bytes, sent as built (no compressed copies: not a release build)"
  exit 0
fi
for encoding in br gzip; do
  sent=$(curl -fsS -H "accept-encoding: $encoding" -o /dev/null -w '%{size_download}' \
    "http://127.0.0.1:$port/pkg/todo.wasm")
  note "todo.wasm as sent with accept-encoding $encoding: $sent bytes (as built: $raw)"
  [ "$sent" -lt "$raw" ] || die "todo.wasm is not sent compressed with accept-encoding $encoding"
done
