# Sourced by the scripts: where things are, and the tools first on PATH.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# npm's wasm-opt (binaryen 132) must win over any other on the machine.
export PATH="$root/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
# cargo-leptos resolves `site-root` against the workspace, wherever CARGO_TARGET_DIR points.
site_root="$root/target/site"
# The console as users get it: README's run command, the tests and the measurements all build it
# with this one command, so none of them can test a build nobody runs.
server_bin="$target_dir/release/server"
build_console() {
  # cargo-leptos splits and optimises the wasm again on every run (minutes here) even when cargo
  # finds nothing to compile. Skip it when neither the sources nor the built server changed since
  # the site was last built: a fingerprint of both, kept beside the site.
  local stamp="$site_root/.built-from" fingerprint
  fingerprint=$(sources_fingerprint)
  if [ -f "$stamp" ] && [ -x "$server_bin" ] && [ "$(cat "$stamp")" = "$fingerprint $(sha256sum <"$server_bin")" ]; then
    echo "== the release console is up to date with the sources" >&2
    return 0
  fi
  cargo leptos build --release --split "$@"
  echo "$fingerprint $(sha256sum <"$server_bin")" >"$stamp"
}
# Everything the build reads: the workspace's sources and manifests, the style and assets, and
# the tools' versions.
sources_fingerprint() {
  {
    find Cargo.toml Cargo.lock app frontend server migrations style public -type f \
      -not -path '*/target/*' -not -path 'server/tests/*' -not -path 'server/benches/*' -print0 \
      | sort -z | xargs -0 sha256sum
    cargo leptos --version; wasm-bindgen --version; wasm-opt --version
  } | sha256sum | cut -d' ' -f1
}
