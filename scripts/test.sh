#!/usr/bin/env bash
# The whole test suite: unit, property, catalog, golden and end-to-end tests
# (with doctests) on every core, then mypy --strict and ruff on the package.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# one test process per core (pytest-xdist; every test passes the same in parallel)
.venv/bin/python -m pytest -n auto "$@"
.venv/bin/python -m mypy
.venv/bin/python -m ruff check boundprop
