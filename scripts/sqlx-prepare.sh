#!/usr/bin/env bash
# Regenerates .sqlx/ (the compile-time query data) after a query or a migration changes.
# scripts/test.sh fails while .sqlx/ is stale.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
setup_tools
setup_database
with_scratch_database todo_sqlx cargo sqlx prepare "${SQLX_PREPARE_ARGS[@]}"
