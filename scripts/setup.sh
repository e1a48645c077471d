#!/usr/bin/env bash
# Installs what the project needs and is missing; safe to run again (every step checks first).
# Only the package registries are used: crates.io, npm, PyPI, Debian.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

log() { printf '== setup: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Rust wasm target for the hydrated frontend.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Debian packages: Chromium for Playwright. Never Debian's binaryen (its wasm-opt breaks hydration).
if ! command -v chromium >/dev/null; then
  log "installing chromium"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi

# cargo-leptos 0.3.11 without downloads; its published lock needs one crate downgraded for rustc 1.95.
if ! cargo leptos --version 2>/dev/null | grep -q '0.3.11'; then
  log "installing cargo-leptos 0.3.11 (about 20 minutes, once per machine)"
  cargo info cargo-leptos@0.3.11 >/dev/null
  src=$(mktemp -d)
  tar xzf "$(ls ~/.cargo/registry/cache/*/cargo-leptos-0.3.11.crate | head -n1)" -C "$src"
  (cd "$src/cargo-leptos-0.3.11" \
    && cargo update -p cargo-util-schemas --precise 0.14.1 \
    && CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
       cargo install --path . --locked --features no_downloads)
  rm -rf "$src"
fi

# wasm-bindgen CLI: exactly the version the lock file pins.
wb_version=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
wb_version=${wb_version:-0.2.130}
if ! wasm-bindgen --version 2>/dev/null | grep -q "$wb_version"; then
  log "installing wasm-bindgen-cli $wb_version (about 9 minutes, once per machine)"
  cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# Node packages for the end-to-end tests (Playwright, npm's binaryen for wasm-opt).
if [ -f end2end/package-lock.json ]; then
  if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    log "installing end2end node packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi

# Python: the official Alibaba Cloud SDKs from PyPI, for the API tests, in a project venv.
venv=end2end/sdk/.venv
if [ ! -x "$venv/bin/pytest" ] || [ end2end/sdk/requirements.txt -nt "$venv/installed" ]; then
  log "installing the Alibaba Cloud Python SDKs for the API tests"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r end2end/sdk/requirements.txt
  touch "$venv/installed"
fi

log "done"
