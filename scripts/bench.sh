#!/usr/bin/env bash
# Measures the release server under load: starts it on a free port with a fresh
# database, runs the load generator (bench/) and the auth micro-benchmarks, prints
# markdown tables, then stops the server and drops the database.
#   scripts/bench.sh [--seconds N] [--concurrency N] [--streams N]
# BENCH_SERVER_BIN=path runs that server binary instead of the one it builds: to compare
# two builds in one session (copy each release/server aside after building it).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
setup_tools
setup_database
target_dir=$(cargo_target_dir)

step "building the release server and the load generator"
leptos_release build >/dev/null
# Seen as leptos_release sees it, so the release dependencies both share are not rebuilt.
RUSTC_BOOTSTRAP=1 cargo build --release -p bench --quiet

port=$(free_port)
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
# The live phase holds a socket per stream on both ends: past the usual 1,024.
ulimit -n 8192 2>/dev/null || note "cannot raise the open file limit: the live phase may fail past $(ulimit -n)"
DATABASE_URL=$db_url DATABASE_MAX_CONNECTIONS="${DATABASE_MAX_CONNECTIONS:-16}" RUST_LOG=warn \
  TASKS_MAX_PER_USER="${TASKS_MAX_PER_USER:-2147483647}" LIVE_MAX_STREAMS_PER_USER=100000 \
  LEPTOS_OUTPUT_NAME=todo LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg LEPTOS_ENV=PROD \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "${BENCH_SERVER_BIN:-$target_dir/release/server}" >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done

# What the server does on its own after a start, before any request: its CPU time in the
# 10 s after it is ready (user and system, from /proc).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
idle_before=$(cpu_ticks "$server_pid")
sleep 10
idle_cpu=$(awk -v t="$(($(cpu_ticks "$server_pid") - idle_before))" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { printf "%.2f", t / hz }')
# The peak so far: the start, with its Argon2id warm-up, and those 10 s. The load
# generator resets the peak before each phase and prints each phase's own.
startup_rss_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")

echo
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
app_table=$(mktemp)
"$target_dir/release/bench" --url "http://127.0.0.1:$port" --server-pid "$server_pid" "$@" | tee "$app_table"
rss_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$server_pid/status")

# The limit: pgbench at the same concurrency running the SQL each endpoint runs, on the
# same database, with the user and the tasks the load generator made.
seconds=10 concurrency=64
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --streams) shift ;;
  esac
  shift
done
uid=$(psql "$db_url" -Atc "SELECT user_id FROM tasks GROUP BY user_id ORDER BY count(*) DESC LIMIT 1")
iss=$(psql "$db_url" -Atc "SELECT issuer FROM users WHERE id = '$uid'")
# Back to the 100 tasks the list was measured on (the create run added the rest).
psql "$db_url" -qc "DELETE FROM tasks WHERE user_id = '$uid' AND title LIKE 'Created under load%'"
psql "$db_url" -qc "VACUUM ANALYZE tasks"
ids=$(psql "$db_url" -Atc "SELECT '{' || string_agg(id::text, ',') || '}' FROM (SELECT id FROM tasks WHERE user_id = '$uid' ORDER BY created_at LIMIT 100) t")
echo
echo "| the endpoint's SQL in pgbench (c=$concurrency, $seconds s each, prepared) | transactions/s | the app, requests/s | app / limit |"
echo "|---|---:|---:|---:|"
# Debian keeps pgbench beside the server programs, off PATH.
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -n 1 || true)
for script in list toggle create; do
  tps=$("$pgbench" -n -M prepared -c "$concurrency" -j "$(nproc)" -T "$seconds" \
    -D uid="$uid" -D iss="$iss" -D jti=bench -D ids="$ids" -f "bench/sql/$script.sql" "$db_url" 2>/dev/null |
    awk '/^tps = / { printf "%.0f", $3 }' || true)
  rps=$(awk -F'|' -v name="$script" '{ split($2, w, " ") } w[1] == name { gsub(/ /, "", $3); print $3 }' "$app_table")
  ratio=$(awk -v a="${rps:-0}" -v b="${tps:-0}" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "?" }')
  echo "| $script | ${tps:-?} | ${rps:-?} | $ratio |"
done
rm -f "$app_table"

echo
echo "| also | value |"
echo "|---|---:|"
echo "| server peak RSS from start to 10 s after ready (its Argon2id warm-up included) | $((startup_rss_kb / 1024)) MiB |"
echo "| server CPU in the 10 s after ready, no request | $idle_cpu s |"
echo "| server RSS after the load | $((rss_kb / 1024)) MiB |"
ttfb=$(for _ in $(seq 1 20); do
  curl -s -o /dev/null -w '%{time_starttransfer}\n' "http://127.0.0.1:$port/sign-in"
done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int(NR / 2) + 1] * 1000 }')
echo "| time to first byte of a server-rendered /sign-in (median of 20) | $ttfb ms |"
wasm=target/site/pkg/todo.wasm
echo "| release todo.wasm raw / gzip -9 | $(stat -c %s "$wasm") B / $(gzip -9 -c "$wasm" | wc -c) B |"
echo
cargo bench -p app --features ssr --bench auth --quiet 2>/dev/null
