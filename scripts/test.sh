#!/usr/bin/env bash
# Set everything up, then run the whole test suite headless (Qt offscreen, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest "$@"
