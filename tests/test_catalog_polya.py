"""Polya's problems (tests/data/catalog_polya.py): shape, sources and false points.

Truth comes from the sources, never from the engine. Checked exactly here:
every false variant is false at its noted point, every true entry parses
over its own variables, and the false variants are never proved by the
MetiTarski-style backend (the statements of its shape) nor by the portfolio
at a small deterministic budget.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))

import catalog_polya  # noqa: E402

from boundprop.backends import portfolio  # noqa: E402
from boundprop.interval import refutes  # noqa: E402
from boundprop.statement import Budget  # noqa: E402
from boundprop.verdict import Status  # noqa: E402

ENTRIES: list[dict[str, Any]] = catalog_polya.ENTRIES


def test_polya_catalog_has_30_true_problems_with_sources() -> None:
    assert sum(bool(d["truth"]) for d in ENTRIES) >= 30
    assert sum(not d["truth"] for d in ENTRIES) >= 5
    names = [d["name"] for d in ENTRIES]
    assert len(set(names)) == len(names)
    assert all(d["source"] for d in ENTRIES)
    assert sum(d["source"].startswith("Polya #") for d in ENTRIES if d["truth"]) >= 30
    assert {"polynomial", "minmax", "root", "exp", "log"} <= {d["family"] for d in ENTRIES}


@pytest.mark.parametrize("entry", [d for d in ENTRIES if not d["truth"]], ids=lambda d: d["name"])
def test_false_variants_fail_at_their_point(entry: dict[str, Any]) -> None:
    st = catalog_polya.statement(entry)
    point = {v.symbol: sp.Rational(entry["fails"][v.name]) for v in st.variables}
    assert refutes(st, point)


@pytest.mark.parametrize("entry", [d for d in ENTRIES if d["truth"]], ids=lambda d: d["name"])
def test_true_entries_parse_over_their_variables(entry: dict[str, Any]) -> None:
    st = catalog_polya.statement(entry)
    assert "fails" not in entry
    symbols = {v.symbol for v in st.variables}
    assert st.conclusion.free_symbols <= symbols
    assert all(h.free_symbols <= symbols for h in st.hypotheses)


@pytest.mark.parametrize("entry", [d for d in ENTRIES if not d["truth"]], ids=lambda d: d["name"])
def test_false_variants_are_never_proved(entry: dict[str, Any]) -> None:
    st = catalog_polya.statement(entry)
    result = portfolio.decide(st, Budget(seconds=20, samples=500, z3_rlimit=400_000, max_boxes=200))
    assert result.status is not Status.PROVED
