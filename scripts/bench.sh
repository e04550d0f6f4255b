#!/usr/bin/env bash
# Measures the release server under load: starts it on a free port with a fresh
# database, runs the load generator (bench/) and the auth micro-benchmarks, prints
# markdown tables, then stops the server and drops the database.
#   scripts/bench.sh [--seconds N] [--concurrency N]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
setup_tools
setup_database
export SQLX_OFFLINE=true
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

step "building the release server and the load generator"
leptos_release build >/dev/null
# Seen as leptos_release sees it, so the release dependencies both share are not rebuilt.
RUSTC_BOOTSTRAP=1 cargo build --release -p bench --quiet

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
db_url=$(database_url_for "todo_bench_$(date +%s)_$$")
log=$(mktemp)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  DATABASE_URL=$db_url sqlx database drop -y >/dev/null 2>&1 || true
  rm -f "$log"
}
trap cleanup EXIT
DATABASE_URL=$db_url sqlx database create
DATABASE_URL=$db_url DATABASE_MAX_CONNECTIONS="${DATABASE_MAX_CONNECTIONS:-16}" RUST_LOG=warn \
  LEPTOS_OUTPUT_NAME=todo LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "$target_dir/release/server" >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done

echo
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
"$target_dir/release/bench" --url "http://127.0.0.1:$port" "$@"
echo
cargo bench -p app --features ssr --bench auth --quiet 2>/dev/null
