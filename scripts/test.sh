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
setup_test_tools
setup_database

target_dir=$(cargo_target_dir)

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

step "release build (server, hydrate bundle built for size, wasm-opt)"
leptos_release build

wasm="target/site/pkg/todo.wasm"
[ -f "$wasm" ] || die "the release build made no $wasm"
gz=$(gzip -9 -n -c "$wasm" | wc -c)
note "hydrate bundle: $(stat -c %s "$wasm") bytes raw, $gz bytes gzip -9"
# The bundle's budget (README, Sizes): growth past it is a decision, not an accident.
# It is all that /sign-in and /tasks download of the app's code.
budget=${BUNDLE_GZIP_BUDGET:-200000}
[ "$gz" -le "$budget" ] ||
  die "the hydrate bundle is $gz bytes gzip, past its budget of $budget (README, Sizes)"
# A lazy page opened directly downloads its chunks beside the bundle (the server's answer
# preloads them): what each such first load weighs. A lazy function (live sync's
# follower, the undo's and the bulk changes' calls) is fetched later, when needed: what
# it adds.
node -e 'for (const [split, files] of Object.entries(require(process.argv[1])))
  console.log(split.startsWith("__") ? split.replace(/^__/, "/").replace(/_route_view_[0-9]+$/, "").replaceAll("_", "-")
    : split.replace(/_[0-9]+$/, "()"), files.join(" "))' \
  "$ROOT/target/site/pkg/__wasm_split_manifest.json" |
  while read -r split files; do
    total=0
    for file in $files; do
      total=$((total + $(gzip -9 -n -c "target/site/pkg/$file.wasm" | wc -c)))
    done
    if [[ $split == /* ]]; then
      note "a first load of $split: $((gz + total)) bytes gzip -9 (todo.wasm and $(wc -w <<<"$files") chunks)"
    else
      note "the lazy $split, when needed: $total bytes gzip -9 ($(wc -w <<<"$files") chunks)"
    fi
  done

step "the README's run command serves the app on a database that did not exist"
run_check_started=$SECONDS
scripts/run-check.sh
note "checked in $((SECONDS - run_check_started)) s"

step "end-to-end tests (Playwright, Debian Chromium)"
scripts/e2e.sh "$target_dir/release/server"

step "end-to-end tests with a real Better Auth server as the identity provider"
better_auth_started=$SECONDS
E2E_PROVIDER=better-auth scripts/e2e.sh "$target_dir/release/server"
note "Better Auth's browser scenarios took $((SECONDS - better_auth_started)) s"

step "all tests passed in $((SECONDS - started)) s"
