#!/usr/bin/env bash
# Prints the release wasm size (raw and gzip -9) and the cold-start time to the first served page
# (a fresh data directory: database created and migrated, master key written, /setup rendered).
set -euo pipefail
"$(dirname "$0")/setup.sh"
source "$(dirname "$0")/env.sh"
cargo leptos build --release >&2

wasm="$site_root/pkg/accesskey-console.wasm"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
awk -v raw="$raw" -v gz="$gz" 'BEGIN {
  printf "release wasm: %d bytes raw (%.1f KB), %d bytes gzip -9 (%.1f KB; target <= 250 KB)\n", raw, raw / 1024, gz, gz / 1024
}'

port=3190
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
start=$(date +%s%N)
ACCESSKEY_DATA_DIR="$data" ACCESSKEY_LISTEN="127.0.0.1:$port" LEPTOS_SITE_ROOT="$site_root" \
  "$target_dir/release/server" serve >"$data/server.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/setup"; do
  kill -0 "$pid" 2>/dev/null || { cat "$data/server.log"; exit 1; }
  sleep 0.005
done
end=$(date +%s%N)
printf 'cold start to the first served page: %d ms (target < 1000 ms)\n' $(((end - start) / 1000000))
