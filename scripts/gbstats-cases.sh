#!/usr/bin/env bash
# Regenerates tests/cases/gbstats.json with GrowthBook's own stats engine (gbstats 0.8.0
# from PyPI) in a venv of its own under target/; the native test tests/stats.rs checks
# engine::stats against it. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/venv-gbstats
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import gbstats' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet gbstats==0.8.0
fi
"$venv/bin/python" scripts/gbstats-cases.py > tests/cases/gbstats.json
echo "wrote tests/cases/gbstats.json"
