"""`boundprop prove` end to end: verdicts, JSON, text, bad input."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

Run = Callable[..., tuple[int, str, str]]


def test_json_proved(run_cli: Run) -> None:
    code, out, err = run_cli("prove", "x*y <= (x^2+y^2)/2", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["verdict"] == "proved" and data["status"] == "proved"
    assert data["method"] == "z3" and data["counterexample"] is None
    assert data["evidence"] == "z3: negation unsat"
    assert isinstance(data["seconds"], float)
    assert data["variables"]["x"] == {"lo": "-oo", "hi": "oo", "integer": False}


def test_json_refuted_with_exact_counterexample(run_cli: Run) -> None:
    code, out, _ = run_cli("prove", "exp(x) - 1 <= 2*x", "--var", "x=0:1.3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["verdict"] == "refuted"
    assert set(data["counterexample"]) == {"x"}
    assert "/" in data["counterexample"]["x"] or data["counterexample"]["x"].isdigit()


def test_json_tested_maps_to_unknown(run_cli: Run) -> None:
    # true, but a symbolic exponent over an unbounded integer range is beyond every
    # prover (exp(x) >= 1 + x used to stand here until metitarski proved it)
    code, out, _ = run_cli("prove", "3^n >= n^2", "--var", "n=0:oo", "--integer", "n", "--json", "--timeout", "20")
    data = json.loads(out)
    assert code == 0
    assert data["verdict"] == "unknown" and data["status"] == "tested"
    assert data["method"] == "falsifier"


def test_text_output_is_one_clear_line_plus_details(run_cli: Run) -> None:
    code, out, _ = run_cli("prove", "2^n >= n^2", "--var", "n=0:10", "--integer", "n")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[0].startswith("REFUTED by z3 in ")
    assert lines[1] == "counterexample: n = 3"
    assert lines[2] == "variables: n integer in [0, 10]"


def test_assumptions_and_integers(run_cli: Run) -> None:
    code, out, _ = run_cli("prove", "(1+x)^n >= 1 + n*x", "--assume", "x >= -1",
                           "--var", "n=0:5", "--integer", "n", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "proved"


@pytest.mark.parametrize(
    "args,needle",
    [
        (["x >= "], "malformed math"),
        (["x + 1"], "not a relation"),
        (["x >= 0", "--var", "x=2:1"], "inverted"),
        (["x >= 0", "--var", "x=nan:1"], "NaN"),
        (["x >= 0", "--var", "x=0"], "expected NAME=LO:HI"),
        (["x >= 0", "--var", "y=0:1"], "appears neither"),
        (["x >= 0", "--assume", "y > 0"], "unknown name 'y'"),
        (["x >= 0", "--integer", "z"], "appears neither"),
        (["x >= 0", "--var", "x=0:1", "--var", "x=0:2"], "given twice"),
        (["x >= 0", "--timeout", "0"], "--timeout"),
    ],
)
def test_bad_input_exit_3_one_line(run_cli: Run, args: list[str], needle: str) -> None:
    code, out, err = run_cli("prove", *args)
    assert code == 3
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], err


def test_help_documents_free_names(run_cli: Run) -> None:
    code, out, _ = run_cli("prove", "--help")
    assert code == 0
    assert "range over (-oo, oo)" in out
    assert "--timeout" in out and "--json" in out


def test_no_spinner_when_stderr_is_not_a_terminal(run_cli: Run) -> None:
    code, out, err = run_cli("prove", "x^2 >= 2*x - 1")
    assert code == 0
    assert err == ""
    assert out.startswith("PROVED by ")
