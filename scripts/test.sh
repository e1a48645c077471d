#!/usr/bin/env bash
# Installs what is missing and runs every check: format, lints (server and browser builds),
# unit and domain tests (SQLite, and PostgreSQL when it is reachable), and the console in Chromium.
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all --check

step "lints: server build (ssr)"
cargo clippy --workspace --exclude frontend --all-targets -- -D warnings
step "lints: browser build (hydrate, wasm32)"
cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

# PostgreSQL: the machine's own server on 127.0.0.1:5432 (started if it is installed but stopped).
pg_url="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_up() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1 || true
  sleep 1
fi
if pg_up; then
  export TEST_DATABASE_URL="$pg_url"
  step "unit and domain tests (SQLite and PostgreSQL at 127.0.0.1:5432)"
else
  unset TEST_DATABASE_URL
  step "unit and domain tests (SQLite; PostgreSQL is not reachable, so its runs are skipped)"
fi
cargo test --workspace --exclude frontend

step "build the console (server and wasm)"
cargo leptos build --split

step "signed API through the official Alibaba Cloud Python SDKs (pytest)"
(cd end2end/sdk && SERVER_BIN="$target_dir/debug/server" .venv/bin/pytest -q -p no:cacheprovider)

step "console end to end (Playwright, Chromium)"
(cd end2end && SERVER_BIN="$target_dir/debug/server" SITE_ROOT="$site_root" npx playwright test)
