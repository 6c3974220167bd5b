#!/usr/bin/env bash
# Set everything up, check the layout, the lint rules, the types and the import contracts, then
# run the whole test suite headless (Qt offscreen, warnings as errors). The first check that
# fails stops the script with its status. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1

step() { echo "== $1"; }

step "ruff format --check"
.venv/bin/ruff format --check --quiet .
step "ruff check"
.venv/bin/ruff check --quiet .
step "mypy --strict (the files in pyproject.toml; cache in .mypy_cache)"
.venv/bin/mypy
step "lint-imports (the layers' import contracts)"
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache
step "pytest"
exec .venv/bin/python -m pytest "$@"
