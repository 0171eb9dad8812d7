#!/usr/bin/env bash
# Every test level, in order; stops at the first failure and exits non-zero.
#   format + lint (native and wasm32) -> native `cargo test` -> wasm tests in
#   headless Chromium -> release build -> size budget -> end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh --test

step() { printf '\n=== %s\n' "$*"; }
step "cargo fmt --check"
cargo fmt --check
step "clippy (native)"
cargo clippy --all-targets --quiet -- -D warnings
step "clippy (wasm32)"
cargo clippy --all-targets --target wasm32-unknown-unknown --quiet -- -D warnings
step "native tests (cargo test)"
cargo test
step "wasm tests in headless Chromium (wasm-pack test)"
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver
step "release build (npm run build)"
node scripts/build.mjs
step "size budget (npm run size)"
node scripts/size.mjs
step "package tests in Node and end-to-end tests in Chromium (node --test)"
node --test --test-concurrency=1 tests/node/ tests/e2e/
