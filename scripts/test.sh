#!/usr/bin/env bash
# Installs what is missing and runs every check: format, lints (server and browser builds),
# unit and domain tests (SQLite, and PostgreSQL when it is reachable), and the console in Chromium.
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
# Line tables are enough for a failing test's backtrace; full debug info makes every test binary
# over a gigabyte (tens of gigabytes in all).
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all --check

step "lints: server build (ssr)"
cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
step "lints: browser build (hydrate, wasm32)"
cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

# PostgreSQL: the machine's own server on 127.0.0.1:5432 (started if it is installed but stopped).
# Every domain test runs on it too, so a server that does not answer fails the run.
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_up() { pg_isready -q -d "$TEST_DATABASE_URL"; }
if ! pg_up && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
fi
for _ in $(seq 60); do pg_up && break; sleep 0.5; done
pg_up || { echo "PostgreSQL does not answer at $TEST_DATABASE_URL: start it (see README) and run again." >&2; exit 1; }
step "unit and domain tests (SQLite, and PostgreSQL at $TEST_DATABASE_URL)"
cargo test --workspace --exclude frontend

step "benchmarks' own checks, in their short mode (no timings)"
cargo test -p server --benches

step "build the console as README's run command does (release, split wasm)"
build_console

step "signed API through the official Alibaba Cloud Python SDKs (pytest)"
(cd end2end/sdk && SERVER_BIN="$server_bin" .venv/bin/pytest -q -p no:cacheprovider)

step "console end to end (Playwright, Chromium, the release build)"
(cd end2end && SERVER_BIN="$server_bin" SITE_ROOT="$site_root" npx playwright test)
