#!/usr/bin/env bash
# Installs what is missing, builds the console (release), and runs it on SQLite in ./data.
# Extra arguments go to `server serve` (see `server --help`).
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
cargo leptos build --release --split
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$site_root}"
exec "$target_dir/release/server" serve "$@"
