# Sourced by the scripts: where things are, and the tools first on PATH.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# npm's wasm-opt (binaryen 132) must win over any other on the machine.
export PATH="$root/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
# cargo-leptos resolves `site-root` against the workspace, wherever CARGO_TARGET_DIR points.
site_root="$root/target/site"
