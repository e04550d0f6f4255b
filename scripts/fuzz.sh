#!/usr/bin/env bash
# Fuzzes the token parser (fuzz/fuzz_targets/token_parse.rs) for a bounded time:
#   scripts/fuzz.sh [seconds]   (default 60)
# On demand, not in CI. cargo-fuzz needs unstable compiler options, allowed here by
# RUSTC_BOOTSTRAP; the build has its own target dir. A crash leaves its input in
# fuzz/artifacts/ and exits non-zero.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
seconds=${1:-60}
if ! cargo fuzz --version >/dev/null 2>&1; then
  step "installing cargo-fuzz (about 2 minutes, once)"
  cargo install cargo-fuzz --locked
fi
step "fuzzing the token parser for $seconds s"
export RUSTC_BOOTSTRAP=1 SQLX_OFFLINE=true SQLX_OFFLINE_DIR="$ROOT/.sqlx"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$ROOT/fuzz/target}"
mkdir -p fuzz/corpus/token_parse
cargo fuzz run token_parse --release --sanitizer none fuzz/corpus/token_parse -- \
  -max_total_time="$seconds" -max_len=4096
