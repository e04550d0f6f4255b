# Shared by scripts/run.sh and scripts/test.sh: installs what is missing (idempotently,
# quickly when present) and finds or starts PostgreSQL. Sourced, not run. What they
# assume of the machine is what README says: Debian with rustup, Node.js and PostgreSQL;
# everything else is installed here.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION=0.3.10
SQLX_CLI_VERSION=0.8.6
CARGO_NEXTEST_VERSION=0.9.151
# A project-local cluster, only used where no PostgreSQL on 127.0.0.1:5432 lets postgres in
# without a password.
LOCAL_PG_DIR="$ROOT/.pgdata"
LOCAL_PG_PORT=54329

step() { printf '\n==> %s\n' "$*" >&2; }
note() { printf '    %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"
# Every build the scripts make checks its queries against the committed .sqlx/ data, never
# against a live database: the app's own database is migrated only when the server starts,
# so on a fresh machine it is still empty at build time. test.sh checks that .sqlx/ matches
# the queries and the migrations (on a scratch database), so offline loses no check.
export SQLX_OFFLINE=true

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Runs npm ci in a folder unless node_modules already matches its lock file.
npm_ci() {
  local dir=$1 stamp sum
  stamp="$dir/node_modules/.lock-sha256"
  sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  local where=${dir#"$ROOT"}
  step "npm ci in ${where:-the workspace root}"
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  echo "$sum" >"$stamp"
}

# Installs a Debian package when a command it provides is missing.
debian_package() { # command package
  command -v "$1" >/dev/null && return 0
  step "installing Debian's $2 (for $1)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"
}

setup_tools() {
  command -v cargo >/dev/null || die "cargo is not installed (https://rustup.rs)"
  command -v node >/dev/null && command -v npm >/dev/null ||
    die "Node.js and npm are not installed (Node.js 20 or newer)"
  # rustup installs no linker, and mimalloc and ring build C.
  debian_package cc build-essential
  debian_package curl curl

  # A rustup "minimal" profile has neither.
  local component
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      step "adding the $component component"
      rustup component add "$component"
    fi
  done

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  # The release bundle rebuilds the standard library for size (leptos_release below).
  if ! rustup component list --installed | grep -qx rust-src; then
    step "adding the rust-src component"
    rustup component add rust-src
  fi

  if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
    step "installing cargo-leptos $CARGO_LEPTOS_VERSION (no_downloads; about 25 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi

  # The CLI must match the wasm-bindgen crate exactly; no --locked (its lock file pins
  # a crate version that the registry no longer has).
  local wb
  wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")
  [ -n "$wb" ] || die "no wasm-bindgen in Cargo.lock"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb\$"; then
    step "installing wasm-bindgen-cli $wb (about 4 minutes, once)"
    cargo install wasm-bindgen-cli --version "$wb" --force
  fi

  if ! sqlx --version 2>/dev/null | grep -q " $SQLX_CLI_VERSION\$"; then
    step "installing sqlx-cli $SQLX_CLI_VERSION (about 3 minutes, once)"
    cargo install sqlx-cli --version "$SQLX_CLI_VERSION" --locked --no-default-features --features postgres,rustls
  fi

  # wasm-opt comes from npm's binaryen: Debian's silently breaks hydration.
  npm_ci "$ROOT"
}

# What only the tests need: the test runner, Playwright and a browser.
setup_test_tools() {
  if ! cargo nextest --version >/dev/null 2>&1; then
    step "installing cargo-nextest $CARGO_NEXTEST_VERSION (about 5 minutes, once)"
    cargo install cargo-nextest --version "$CARGO_NEXTEST_VERSION" --locked
  fi
  # The real Better Auth server the identity tests start (end2end/better-auth/server.mjs);
  # its .npmrc runs no install script.
  npm_ci "$ROOT/end2end/better-auth"
  setup_browser
}

setup_browser() {
  npm_ci "$ROOT/end2end"
  if [ ! -x /usr/bin/chromium ]; then
    step "installing Debian's chromium (Playwright never downloads a browser here)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
}

# `cargo leptos build|serve --release`, with the hydrate bundle built for size (README,
# Sizes): the standard library is rebuilt from source with size-optimised algorithms,
# panics abort without formatting a message, and no source locations are kept. These are
# unstable options of this stable compiler, allowed by RUSTC_BOOTSTRAP. Only the wasm
# target gets the options; the server's build sees RUSTC_BOOTSTRAP too, so anyhow,
# thiserror and proc-macro2 turn on the newer APIs their build scripts probe for.
# `--precompress` writes a brotli and a gzip copy beside each file of the bundle, which
# the server sends as they are (server/src/http/assets.rs); after a build the gzip copies
# are made again at gzip's best, cargo-leptos's being a fifth larger.
leptos_release() { # build|serve [args...]
  local command=$1
  shift
  RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
    cargo leptos "$command" --release --precompress --split \
    --lib-cargo-args=-Zbuild-std=std,panic_abort \
    --lib-cargo-args=-Zbuild-std-features=optimize_for_size "$@"
  if [ "$command" = build ]; then
    local file
    for file in "$ROOT"/target/site/pkg/*; do
      case $file in *.br | *.gz) ;; *) gzip -9 -n -k -f "$file" ;; esac
    done
  fi
}

pg_answers() { # host port
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$1" -p "$2" -t 2
  else
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
  fi
}

# Starts (creating on first use) a cluster under .pgdata, owned by the postgres user
# when run as root, since PostgreSQL refuses to run as root.
start_local_cluster() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] ||
    die "no PostgreSQL on 127.0.0.1:5432 takes postgres without a password, and no PostgreSQL server is installed: set DATABASE_URL, or install postgresql"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then run=(runuser -u postgres --); fi
  if [ ! -f "$LOCAL_PG_DIR/PG_VERSION" ]; then
    step "creating a project-local PostgreSQL cluster in .pgdata (trust authentication, 127.0.0.1 only)"
    mkdir -p "$LOCAL_PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$LOCAL_PG_DIR"
    "${run[@]}" "$bin/initdb" -D "$LOCAL_PG_DIR" -U postgres --auth=trust >/dev/null
  fi
  if ! pg_answers 127.0.0.1 "$LOCAL_PG_PORT"; then
    step "starting the project-local PostgreSQL in .pgdata on 127.0.0.1:$LOCAL_PG_PORT"
    "${run[@]}" "$bin/pg_ctl" -D "$LOCAL_PG_DIR" -l "$LOCAL_PG_DIR/server.log" -w \
      -o "-p $LOCAL_PG_PORT -c listen_addresses=127.0.0.1 -k $LOCAL_PG_DIR" start >/dev/null
  fi
}

# Exports DATABASE_URL: the caller's if set, else the local server's `todo` database, else
# one in a project-local cluster. The database is created if it is missing.
setup_database() {
  if [ -z "${DATABASE_URL:-}" ] && [ -f "$ROOT/.env" ]; then
    DATABASE_URL=$(sed -n 's/^DATABASE_URL=//p' "$ROOT/.env" | tail -n 1 | tr -d '"'"'")
  fi
  if [ -z "${DATABASE_URL:-}" ]; then
    local shared=postgres://postgres@127.0.0.1:5432/todo
    # Debian's own cluster asks for a password over TCP unless it was set to trust: then
    # the tests could not make their databases there, so use a cluster of our own.
    if pg_answers 127.0.0.1 5432 && DATABASE_URL=$shared sqlx database create 2>/dev/null; then
      DATABASE_URL=$shared
    else
      pg_answers 127.0.0.1 5432 &&
        note "PostgreSQL on 127.0.0.1:5432 refuses postgres without a password"
      start_local_cluster
      DATABASE_URL=postgres://postgres@127.0.0.1:$LOCAL_PG_PORT/todo
    fi
  fi
  export DATABASE_URL
  sqlx database create || die "cannot reach or create the database at DATABASE_URL"
}

# Node.js is the one scripting runtime README asks for (no Python on a plain machine).
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

cargo_target_dir() {
  cargo metadata --format-version 1 --no-deps |
    node -e 'let d = ""; process.stdin.on("data", c => d += c).on("end", () => console.log(JSON.parse(d).target_directory));'
}

# The URL with another database name (tests make their own databases beside it).
database_url_for() { # name
  printf '%s' "${DATABASE_URL%/*}/$1"
}

# Runs a command with DATABASE_URL on a fresh, migrated database that is dropped after.
with_scratch_database() { # name-prefix command...
  local url status=0
  url=$(database_url_for "$1_$(date +%s)_$$")
  shift
  DATABASE_URL=$url sqlx database create
  DATABASE_URL=$url sqlx migrate run --source "$ROOT/migrations" >/dev/null
  DATABASE_URL=$url SQLX_OFFLINE=false "$@" || status=$?
  DATABASE_URL=$url sqlx database drop -y >/dev/null || true
  return "$status"
}

# The packages whose queries sqlx checks: the server, and the app with `ssr`.
SQLX_PREPARE_ARGS=(--workspace -- -p server --all-targets)
