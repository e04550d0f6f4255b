#!/usr/bin/env bash
# Sets up what is missing and runs the app: `scripts/run.sh` (debug, rebuilds on start),
# `scripts/run.sh --release`, or `scripts/run.sh watch` to rebuild on every change.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

setup_tools
setup_database

mode=serve
if [ "${1:-}" = watch ]; then mode=watch; shift; fi
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
step "building and serving; open http://$LEPTOS_SITE_ADDR once it says it is listening"
if [ "${1:-}" = --release ] && [ "$mode" = serve ]; then
  shift
  # Built, then run as built: `cargo leptos serve` would write its own (quicker, larger)
  # gzip copies of the bundle over the ones the build made at gzip's best.
  leptos_release build "$@"
  export LEPTOS_OUTPUT_NAME=todo LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_ENV=PROD
  exec "$(cargo_target_dir)/release/server"
elif [ "${1:-}" = --release ]; then
  shift
  leptos_release "$mode" "$@"
else
  exec cargo leptos "$mode" "$@"
fi
