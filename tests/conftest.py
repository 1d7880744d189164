"""Shared fixtures: writing small lemma files, running the CLI in-process."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from boundprop.cli import main

HEADER = """
[paper]
id = "tmp"
title = "temporary"

[params]
x = { domain = "real", range = ["0", "1"] }
L = { domain = "integer", range = [1, 10] }

[defs]
g = { args = ["u"], expr = "exp(u) - 1" }
"""


@pytest.fixture
def lemma_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a lemma file (and optionally a proof file beside it); return its path."""

    def write(body: str, header: str = HEADER, proofs: str | None = None, name: str = "tmp") -> Path:
        lemmas = tmp_path / "lemmas"
        lemmas.mkdir(exist_ok=True)
        path = lemmas / f"{name}.toml"
        path.write_text(textwrap.dedent(header) + textwrap.dedent(body), encoding="utf-8")
        if proofs is not None:
            proof_dir = tmp_path / "proofs"
            proof_dir.mkdir(exist_ok=True)
            (proof_dir / f"{name}.toml").write_text(textwrap.dedent(proofs), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``boundprop ARGS`` in-process; return (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
