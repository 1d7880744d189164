#!/usr/bin/env bash
# The whole test suite: unit, property, catalog, golden and end-to-end tests
# (with doctests), then mypy --strict and ruff on the package.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pytest "$@"
.venv/bin/python -m mypy
.venv/bin/python -m ruff check boundprop
