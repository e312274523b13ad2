#!/bin/sh
# Install (system packages if missing, a virtual environment in .venv with the test extras) and
# run the whole test suite: lint, types, layer contracts, then pytest (unit, UI, Xvfb smoke test).
set -eu
cd "$(dirname "$0")/.."
sh scripts/system-packages.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
.venv/bin/ruff check src tests bench
.venv/bin/mypy
.venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
