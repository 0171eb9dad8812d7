#!/usr/bin/env bash
# Installs what vitrine needs to build (and, with --test, to test) on a fresh Debian
# machine with Rust (rustup) and Node/npm. Idempotent: every step first checks
# whether the tool is already there at the right version and skips it if so.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

say() { printf '[setup] %s\n' "$*"; }
SUDO=""
if [[ "$(id -u)" != "0" ]] && command -v sudo >/dev/null; then SUDO="sudo"; fi

apt_updated=0
apt_install() {
  if [[ $apt_updated == 0 ]]; then
    say "apt-get update"
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# The wasm-bindgen version is pinned with "=" in Cargo.toml; the CLI must match it exactly.
bindgen_version="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)"
wasm_pack_version="0.15.1"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The release wasm is built with this pinned nightly (see scripts/build.mjs).
nightly="$(cat scripts/nightly.txt)"
if ! rustup toolchain list | grep -q "^$nightly"; then
  say "rustup toolchain install $nightly (for the size-optimized release wasm)"
  rustup toolchain install "$nightly" --profile minimal --component rust-src --target wasm32-unknown-unknown
fi

if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]]; then
  say "cargo install wasm-bindgen-cli $bindgen_version (a few minutes)"
  # Not --locked: its lockfile pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "=$bindgen_version" --force --quiet
fi

if [[ "$(wasm-pack --version 2>/dev/null || true)" != "wasm-pack $wasm_pack_version" ]]; then
  say "cargo install wasm-pack $wasm_pack_version (about 4 minutes)"
  cargo install wasm-pack --version "=$wasm_pack_version" --locked --force --quiet
fi

# wasm-opt: from the npm package "binaryen" (see package.json), not Debian's, whose
# version 108 corrupts wasm-bindgen's externref table export.

if [[ $want_test == 1 ]]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver
  fi
  # Formatting and lint checks are part of the test run.
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
fi

# npm dependencies (only playwright-core, for the end-to-end tests). It never
# downloads a browser: the tests drive Debian's /usr/bin/chromium.
if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "ready"
