"""The public API (docs/python-api.md): the notebook-style example runs, and
the values are the ones the command line reports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import boundprop
from boundprop.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def test_the_public_names_and_a_cheap_import() -> None:
    for name in boundprop.__all__:
        assert getattr(boundprop, name) is not None
    code = "import sys, boundprop; print(int('sympy' in sys.modules), int('z3' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "0"]
    with pytest.raises(AttributeError):
        boundprop.no_such_name  # noqa: B018


def test_prove_with_exact_ranges() -> None:
    verdict = boundprop.prove("exp(x) >= 1 + x", x=(-1, 1))
    assert verdict.proved and verdict.variables == {"x": ("-1", "1")}
    assert verdict.to_json()["verdict"] == "proved"
    refuted = boundprop.prove("x**2 <= x", x=(Fraction(0), "2"))
    assert refuted.refuted and refuted.counterexample is not None
    x = Fraction(refuted.counterexample["x"])
    assert 0 <= x <= 2 and x * x > x  # a real counterexample
    with pytest.raises(InputError, match="not exact"):
        boundprop.prove("x >= 0", x=(0.1, 1))
    with pytest.raises(InputError, match="pair"):
        boundprop.prove("x >= 0", x=(0,))
    ill = boundprop.prove("x/x <= 1", x=(-1, 1))
    assert ill.status == "ill-defined" and ill.witness is not None


def test_the_notebook_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worked example of docs/python-api.md, run as a script in a fresh process."""
    doc = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.S)
    assert blocks, "docs/python-api.md has no python blocks"
    script = tmp_path / "notebook.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    env = {"BOUNDPROP_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| 4 |" in (tmp_path / "R1-table.md").read_text()
    assert (tmp_path / "R1-regimes.png").stat().st_size > 0
    data = json.loads((tmp_path / "example.json").read_text())
    assert {n["id"]: n["status"] for n in data["nodes"]}["E2"] == "refuted"


def test_check_values_match_the_json_and_use_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path))
    seen: list[str] = []
    result = boundprop.check_paper("example", progress=lambda node, i, total: seen.append(node))
    assert not result.from_cache and "E1" in seen
    again = boundprop.check_paper("example")
    assert again.from_cache
    assert again.statuses == result.statuses
    assert result.node("Lemma 2").status == "refuted"
    assert [n.id for n in result.findings] == ["E2"]
    assert result.counts["refuted"] == 1 and sum(result.counts.values()) == len(result.statuses)
    assert result.to_json()["nodes"][0]["id"] == next(iter(result.report.nodes))
    assert "<table>" in result._repr_html_() and "#ffc9c9" in result._repr_html_()
    assert "refuted" in result.summary()
    assert result.dot().startswith("digraph")
    with pytest.raises(InputError, match="no node"):
        result.node("Lemma 99")
    fresh = boundprop.check_paper(boundprop.load("example"))
    assert not fresh.from_cache and fresh.statuses == result.statuses
