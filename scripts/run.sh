#!/usr/bin/env bash
# The README's first command: install what the dashboard needs, make sure the
# workspace has data, validate it, and serve the dashboard on http://localhost:8501.
#
#   ./scripts/run.sh                 # the embedded demo workspace
#   BENEFITBOARD_CONFIG=path/to/benefitboard.toml ./scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Benefitboard needs Python 3.11 or newer as python3." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  step "Creating the virtual environment in .venv"
  python3 -m venv .venv || {
    echo "python3 -m venv failed; on Debian: apt-get install python3-venv" >&2
    exit 1
  }
fi
step "Installing pinned requirements"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt

config="${BENEFITBOARD_CONFIG:-workspaces/demo/benefitboard.toml}"
if [ "$config" = "workspaces/demo/benefitboard.toml" ]; then
  step "Demo data (generated once, deterministic)"
  .venv/bin/python -m benefitboard --config "$config" demo --if-outdated
fi
step "Refreshing: load, validate with Great Expectations, snapshot"
.venv/bin/python -m benefitboard --config "$config" refresh || {
  echo "The refresh failed; the dashboard still starts and shows the last good data." >&2
}
step "Benefitboard on http://localhost:8501  (Ctrl-C stops it)"
export BENEFITBOARD_CONFIG="$config"
exec .venv/bin/python scripts/serve.py --server.port "${PORT:-8501}"
