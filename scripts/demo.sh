#!/usr/bin/env bash
# Set everything up (first run only) and check the bundled Alman–Song paper.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/boundprop check alman-song-2025 "$@"
