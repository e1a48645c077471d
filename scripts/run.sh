#!/usr/bin/env bash
# Installs what is missing, builds the console (release), and runs it on SQLite in ./data.
# Extra arguments go to `server serve` (see `server --help`).
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
build_console
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$site_root}"
exec "$server_bin" serve "$@"
