#!/bin/sh
# Install (system packages if missing, a virtual environment in .venv) and start the app.
set -eu
cd "$(dirname "$0")/.."
sh scripts/system-packages.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q .
exec .venv/bin/manualviewer "$@"
