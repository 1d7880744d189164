#!/usr/bin/env bash
# Set up everything boundprop needs on a fresh machine: system tools for
# drawing graphs and compiling LaTeX (when apt-get is available and we may
# use it), a virtual environment in .venv, and the package with its dev extra.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
command -v pdflatex >/dev/null 2>&1 || need_apt+=(texlive-latex-base texlive-latex-recommended)
# The LaTeX report uses Latin Modern; --no-install-recommends does not bring it.
{ command -v kpsewhich >/dev/null 2>&1 && kpsewhich lmodern.sty >/dev/null 2>&1; } || need_apt+=(lmodern)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
# The HTML report's browser test drives headless Chromium (Debian's package; no browser download).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
    if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
        echo "setup: installing ${need_apt[*]} with apt-get" >&2
        $SUDO apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    else
        echo "setup: please install ${need_apt[*]} (graph drawing, LaTeX and browser tests will be skipped)" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.boundprop-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "setup: installing boundprop and its dependencies into .venv (first run: a minute or two)" >&2
    # crlibm (needed by pyinterval) builds only with setuptools<70. pip 25.3 and
    # newer read build constraints from PIP_BUILD_CONSTRAINT and no longer apply
    # PIP_CONSTRAINT to isolated builds; older pip reads PIP_CONSTRAINT. Set both.
    export PIP_BUILD_CONSTRAINT="$PWD/scripts/build-constraints.txt"
    export PIP_CONSTRAINT="$PWD/scripts/build-constraints.txt"
    log=.venv/install.log
    # pip and the build backends are chatty; keep their output for a failure.
    if ! { .venv/bin/python -m pip install -q --upgrade pip && .venv/bin/python -m pip install -q -e ".[dev]"; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "setup: installation failed (log above, also in $log)" >&2
        exit 1
    fi
    touch "$stamp"
fi
