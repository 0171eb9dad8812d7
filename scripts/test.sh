#!/usr/bin/env bash
# Every test level, in order; stops at the first failure and exits non-zero.
#   import cycles -> format + lint (native and wasm32) -> native `cargo test` ->
#   generated types current -> wasm tests in headless Chromium -> release build ->
#   size budget -> package and end-to-end tests -> config types and schema.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh --test

step() { printf '\n=== %s\n' "$*"; }
step "import cycles and file sizes (scripts/check-cycles.mjs)"
node scripts/check-cycles.mjs
step "cargo fmt --check"
cargo fmt --check
step "clippy (native)"
cargo clippy --all-targets --quiet -- -D warnings
step "clippy (wasm32)"
cargo clippy --all-targets --target wasm32-unknown-unknown --quiet -- -D warnings
step "clippy (wasm32, the sentiment part alone)"
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features sentiment --quiet -- -D warnings
step "clippy (wasm32, the page runtime without messages, the validator part alone, the report part alone)"
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features runtime --quiet -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features validator --quiet -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features report --quiet -- -D warnings
# The configs every test level uses are kept for the types test (last step).
rm -rf target/harvest
step "native tests (cargo test)"
VITRINE_HARVEST_DIR="$PWD/target/harvest/native" cargo test
step "generated config types and schema are current (scripts/gen-types.mjs --check)"
node scripts/gen-types.mjs --check
step "wasm tests in headless Chromium (wasm-pack test)"
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver
step "release build (npm run build)"
node scripts/build.mjs
step "size budget (npm run size)"
node scripts/size.mjs
step "package tests in Node and end-to-end tests in Chromium (node --test)"
VITRINE_HARVEST_DIR="$PWD/target/harvest/e2e" node --test --test-concurrency=1 tests/node/ tests/e2e/
step "every config of the docs and the tests against config.d.ts (tsc) and schema.json (ajv)"
node --test tests/types/
