#!/usr/bin/env bash
# Prints the release wasm sizes (raw and gzip -9: the main module, each lazy chunk, the total) and the cold-start time to the first served page
# (a fresh data directory: database created and migrated, master key written, /setup rendered).
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
build_console >&2

# The main module loads on every page; each lazy route's view is a chunk fetched when first shown.
pkg="$site_root/pkg"
report() { # label, files...
  local label=$1; shift
  local raw gz
  raw=$(cat "$@" | wc -c)
  gz=$(for f in "$@"; do gzip -9 -c "$f"; done | wc -c)
  awk -v label="$label" -v raw="$raw" -v gz="$gz" \
    'BEGIN { printf "%-34s %8d bytes raw (%6.1f KB)  %8d bytes gzip -9 (%6.1f KB)\n", label, raw, raw / 1024, gz, gz / 1024 }'
}
echo "release wasm (target: main module <= 250 KB gzip -9)"
report "main module (every page)" "$pkg/accesskey-console.wasm"
for chunk in "$pkg"/*.wasm; do
  [ "$chunk" = "$pkg/accesskey-console.wasm" ] || report "  $(basename "$chunk" .wasm | cut -c1-32)" "$chunk"
done
report "all modules together" "$pkg"/*.wasm

data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
start=$(date +%s%N)
# Port 0: the server picks free ports and logs where it listens.
ACCESSKEY_DATA_DIR="$data" ACCESSKEY_LISTEN=127.0.0.1:0 ACCESSKEY_API_LISTEN=127.0.0.1:0 LEPTOS_SITE_ROOT="$site_root" \
  "$server_bin" serve >"$data/server.log" 2>&1 &
pid=$!
url=""
until [ -n "$url" ] && curl -sf -o /dev/null "$url/setup"; do
  kill -0 "$pid" 2>/dev/null || { cat "$data/server.log"; exit 1; }
  url=$(sed -n 's/.*console listening on \(http:[^ ]*\).*/\1/p' "$data/server.log" | head -n1)
  sleep 0.005
done
end=$(date +%s%N)
printf 'cold start to the first served page: %d ms (target < 1000 ms)\n' $(((end - start) / 1000000))
