#!/usr/bin/env bash
# Sets up what is missing and runs every test: formatting and lints, unit and
# integration tests (each database test on its own fresh database), a release build,
# then Playwright in Debian's Chromium against that build on a free port and a fresh
# database. Exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
started=$SECONDS

setup_tools
setup_browser
setup_database

# Queries are checked at compile time against the committed .sqlx data, so the build
# needs no database, and a query without data fails.
export SQLX_OFFLINE=true
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

step "rustfmt"
cargo fmt --all -- --check

step "sqlx query data (.sqlx/) matches the queries and the migrations"
with_scratch_database todo_sqlx_check cargo sqlx prepare --check "${SQLX_PREPARE_ARGS[@]}" ||
  die ".sqlx/ is stale: run scripts/sqlx-prepare.sh and commit .sqlx/"

step "clippy (server and app with ssr; frontend and app with hydrate)"
cargo clippy --locked -p server --all-targets -- -D warnings
cargo clippy --locked -p app --features ssr --all-targets -- -D warnings
cargo clippy --locked -p bench -- -D warnings
cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests"
cargo nextest run --locked -p app -p server --no-fail-fast

step "release build (server, hydrate bundle, wasm-opt)"
cargo leptos build --release

wasm="target/site/pkg/todo.wasm"
[ -f "$wasm" ] || die "the release build made no $wasm"
note "hydrate bundle: $(stat -c %s "$wasm") bytes raw, $(gzip -9 -c "$wasm" | wc -c) bytes gzip -9"

step "end-to-end tests (Playwright, Debian Chromium)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
e2e_db="todo_e2e_$(date +%s)_$$"
e2e_url=$(database_url_for "$e2e_db")
log="$ROOT/end2end/test-results/server.log"
mkdir -p "$(dirname "$log")"
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  DATABASE_URL=$e2e_url sqlx database drop -y >/dev/null 2>&1 || true
}
trap cleanup EXIT
DATABASE_URL=$e2e_url sqlx database create
DATABASE_URL=$e2e_url \
  LEPTOS_OUTPUT_NAME=todo LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_ENV=PROD LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  "$target_dir/release/server" >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; die "the server exited at start"; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$log" >&2; die "the server is not ready"; }
(cd end2end && BASE_URL="http://127.0.0.1:$port" npx playwright test)

step "all tests passed in $((SECONDS - started)) s"
