"""The published catalog (tests/data/catalog_published.py): shape and false points.

Truth is established by the sources, never by the engine; what can be
checked exactly is checked here: every false variant is false at its noted
point (exact evaluation), and together the catalogs hold at least 150 true
published statements.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))

import catalog_published  # noqa: E402
import metitarski_sample  # noqa: E402
from catalog import CATALOG  # noqa: E402

from boundprop.interval import refutes  # noqa: E402

ENTRIES: list[dict[str, Any]] = catalog_published.ENTRIES


def test_catalogs_hold_150_true_statements_with_sources() -> None:
    true = sum(e.truth for e in CATALOG) + sum(bool(d["truth"]) for d in (*metitarski_sample.ENTRIES, *ENTRIES))
    assert true >= 150
    names = [d["name"] for d in ENTRIES]
    assert len(set(names)) == len(names)
    assert all(d["source"] for d in ENTRIES)
    assert {d["family"] for d in ENTRIES} == {"exp", "log", "root", "mixed"}
    assert any(catalog_published.unbounded(d) and len(d["variables"]) == 1 for d in ENTRIES)
    assert any(len(d["variables"]) >= 3 for d in ENTRIES)


@pytest.mark.parametrize("entry", [d for d in ENTRIES if not d["truth"]], ids=lambda d: d["name"])
def test_false_variants_fail_at_their_point(entry: dict[str, Any]) -> None:
    st = catalog_published.statement(entry)
    point = {v.symbol: sp.Rational(entry["fails"][v.name]) for v in st.variables}
    assert refutes(st, point)


@pytest.mark.parametrize("entry", [d for d in ENTRIES if d["truth"]], ids=lambda d: d["name"])
def test_true_entries_parse_without_fails_point(entry: dict[str, Any]) -> None:
    st = catalog_published.statement(entry)
    assert "fails" not in entry
    assert st.conclusion.free_symbols <= {v.symbol for v in st.variables}
