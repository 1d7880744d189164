"""Bad input through the CLI: one line on stderr, exit code 3, no traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

BAD_BODIES = {
    "unknown symbol": '[[node]]\nid = "A"\nprovenance = "paper"\nconclusion = "y <= 1"\n',
    "duplicate id": '[[node]]\nid = "A"\nprovenance = "paper"\nconclusion = "x <= 1"\n' * 2,
    "missing reference": '[[node]]\nid = "A"\nprovenance = "paper"\nconclusion = "x <= 1"\nuses = ["B"]\n',
    "malformed math": '[[node]]\nid = "A"\nprovenance = "paper"\nconclusion = "x <= ((1"\n',
    "cycle": '[[node]]\nid = "A"\nprovenance = "paper"\nconclusion = "x <= 1"\nuses = ["A"]\n',
}


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
@pytest.mark.parametrize("command", ["check", "graph"])
def test_bad_file_exit_3_one_line(
    lemma_file: Callable[..., Path], run_cli: Callable[..., tuple[int, str, str]], kind: str, command: str
) -> None:
    path = lemma_file(BAD_BODIES[kind])
    code, out, err = run_cli(command, str(path))
    assert code == 3
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0]
    assert "Traceback" not in err


def test_unknown_target(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    code, _, err = run_cli("check", "no-such-paper")
    assert code == 3
    assert "unknown paper 'no-such-paper'" in err
    assert "alman-song-2025" in err or "example" in err


def test_usage_error_is_exit_3(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    code, _, _ = run_cli("check", "--no-such-flag")
    assert code == 3


def test_debug_shows_traceback(lemma_file: Callable[..., Path]) -> None:
    path = lemma_file(BAD_BODIES["unknown symbol"])
    plain = subprocess.run(
        [sys.executable, "-m", "boundprop", "check", str(path)], capture_output=True, text=True
    )
    debug = subprocess.run(
        [sys.executable, "-m", "boundprop", "check", "--debug", str(path)], capture_output=True, text=True
    )
    assert plain.returncode == 3 and "Traceback" not in plain.stderr
    assert debug.returncode != 0 and "Traceback" in debug.stderr
