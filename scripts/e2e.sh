#!/usr/bin/env bash
# Runs the Playwright suite against a built server binary (default: the release one),
# started on a free port with a fresh database that is dropped afterwards.
#   scripts/e2e.sh [path/to/server] [playwright args...]
# Used by scripts/test.sh; handy alone after `cargo leptos build` (debug) as
#   scripts/e2e.sh target/debug/server
# With E2E_PROVIDER=better-auth, a real Better Auth server (end2end/better-auth) is
# started beside it on its own database, the server uses it as the identity provider
# (AUTH_PROVIDER=better-auth), and the scenarios of tests/better-auth.spec.ts run.
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
ba_log="$results/better-auth.log"
ba_pidfile="$results/better-auth.pid"
ba_pausefile="$results/better-auth.pause"
mail_dir="$results/mail"
rm -f "$pidfile" "$stopfile" "$log" "$ba_pidfile" "$ba_pausefile" "$ba_log"
rm -rf "$mail_dir"
supervisor=
ba_supervisor=
sink=
ba_url=
cleanup() {
  touch "$stopfile"
  rm -f "$ba_pausefile"
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  [ -f "$ba_pidfile" ] && kill "$(cat "$ba_pidfile")" 2>/dev/null
  [ -n "$supervisor" ] && wait "$supervisor" 2>/dev/null
  [ -n "$ba_supervisor" ] && wait "$ba_supervisor" 2>/dev/null
  [ -n "$sink" ] && kill "$sink" 2>/dev/null
  DATABASE_URL=$e2e_url sqlx database drop -y >/dev/null 2>&1 || true
  [ -n "$ba_url" ] && DATABASE_URL=$ba_url sqlx database drop -y >/dev/null 2>&1 || true
}
trap cleanup EXIT
DATABASE_URL=$e2e_url sqlx database create

provider=${E2E_PROVIDER:-own}
if [ "$provider" = better-auth ]; then
  npm_ci "$ROOT/end2end/better-auth"
  ba_port=$(free_port)
  ba_url=$(database_url_for "${e2e_db}_better_auth")
  DATABASE_URL=$ba_url sqlx database create
  # Under a loop like the server's; while the pause file exists it stays down (the
  # scenario "Better Auth down").
  (
    export BETTER_AUTH_PORT=$ba_port BETTER_AUTH_DATABASE_URL=$ba_url \
      BETTER_AUTH_SECRET="e2e secret of better auth, 32+ characters" \
      BETTER_AUTH_JWT_SECONDS="${BETTER_AUTH_JWT_SECONDS:-70}"
    while [ ! -f "$stopfile" ]; do
      if [ -f "$ba_pausefile" ]; then sleep 0.2; continue; fi
      node end2end/better-auth/server.mjs >>"$ba_log" 2>&1 &
      echo $! >"$ba_pidfile"
      # Quiet: the "Better Auth down" scenario kills it, and bash would report that.
      wait $! 2>/dev/null || true
    done
  ) &
  ba_supervisor=$!
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$ba_port/api/auth/jwks" >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$ba_port/api/auth/jwks" >/dev/null ||
    { cat "$ba_log" >&2; die "Better Auth is not ready"; }
  export AUTH_PROVIDER=better-auth AUTH_BETTER_AUTH_URL="http://127.0.0.1:$ba_port"
fi
# The reset emails go to a local SMTP sink that writes them where a scenario reads them.
sink_port=$(free_port)
SMTP_SINK_PORT=$sink_port SMTP_SINK_DIR=$mail_dir node end2end/smtp-sink.mjs &
sink=$!
export SMTP_URL="smtp://127.0.0.1:$sink_port" MAIL_FROM="Todo <no-reply@todo.test>"
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
(cd end2end && BASE_URL="http://127.0.0.1:$port" SERVER_PIDFILE="$pidfile" \
  AUTH_PROVIDER="$provider" BETTER_AUTH_PIDFILE="$ba_pidfile" BETTER_AUTH_PAUSEFILE="$ba_pausefile" \
  MAIL_DIR="$mail_dir" \
  npx playwright test "$@")
[ "$provider" = better-auth ] && exit 0

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
