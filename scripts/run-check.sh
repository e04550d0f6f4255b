#!/usr/bin/env bash
# Runs the README's run command as a new user would, in release mode, on a database that
# does not exist yet: waits until the app is ready and serves a server-rendered /sign-in
# and its bundle, then stops it and drops that database. After `scripts/test.sh`'s release
# build it rebuilds nothing, so it takes seconds.
#   scripts/run-check.sh [seconds to wait]   (default 900: a cold build, when run alone)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
wait_secs=${1:-900}
setup_database # only to know the server beside which the new database goes
db_url=$(database_url_for "todo_run_$(date +%s)_$$")
port=$(free_port)
log=$(mktemp)
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  DATABASE_URL=$db_url sqlx database drop -y >/dev/null 2>&1 || true
  rm -f "$log"
}
trap cleanup EXIT

# Its own session, so that stopping it stops cargo-leptos and the server it started.
DATABASE_URL=$db_url LEPTOS_SITE_ADDR="127.0.0.1:$port" setsid scripts/run.sh --release >"$log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
started=$SECONDS
until curl -fsS "$base/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log" >&2
    die "scripts/run.sh --release stopped before the app was ready"
  fi
  if [ $((SECONDS - started)) -ge "$wait_secs" ]; then
    tail -n 40 "$log" >&2
    die "the app was not ready within $wait_secs s"
  fi
  sleep 0.5
done
note "ready after $((SECONDS - started)) s on a new database"

page=$(curl -fsS "$base/sign-in") || die "GET /sign-in failed"
grep -q '<h1 id="sign-in-heading">Sign in</h1>' <<<"$page" ||
  die "/sign-in is not the server-rendered sign-in page"
grep -q '<form method="post" action="/sign-in"' <<<"$page" || die "/sign-in has no form"
curl -fsS -o /dev/null "$base/pkg/todo.wasm" || die "the browser bundle is not served"
# The server migrated the database it was given: an account can be made.
status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$base/api/auth/sign-up" \
  -H 'content-type: application/json' \
  -d '{"email":"run-check@example.com","password":"a run check password","name":"Run check"}')
[ "$status" = 201 ] || die "sign-up on the new database answered $status, not 201"
note "served /sign-in, the bundle and a sign-up on the new database"
