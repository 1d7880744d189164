"""Every catalog statement against every backend that claims its shape, and the portfolio.

Zero tolerance: a backend may stay open, but never proves a false entry nor
refutes a true one; the portfolio reaches each entry's expected verdict.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from catalog import CATALOG, OPEN, PROVED, REFUTED, Z3, Entry

from boundprop.backends import exact, falsifier, portfolio, z3backend
from boundprop.interval import refutes
from boundprop.statement import Budget, Statement
from boundprop.verdict import CheckResult, Status

Decide = Callable[[Statement, Budget], CheckResult]


def _backend(name: str) -> Decide:
    if name == "bnb":
        from boundprop.backends import bnb

        return bnb.decide  # type: ignore[no-any-return]
    return {"exact": exact.decide, "z3": z3backend.decide, "falsifier": falsifier.decide}[name]


PAIRS = [(e, b) for e in CATALOG for b in e.backends]


def test_catalog_is_large_and_varied() -> None:
    assert len(CATALOG) >= 60
    assert len({e.name for e in CATALOG}) == len(CATALOG)
    kinds = {(e.truth, e.expected) for e in CATALOG}
    assert {(True, PROVED), (False, REFUTED), (True, OPEN)} <= kinds
    # every false statement is refuted, those false only at irrational points too
    assert all(e.expected == REFUTED for e in CATALOG if not e.truth)


# Deterministic limits; the time cap keeps its generous default (an entry's
# `seconds` is the benchmark's per-call cap: as a test limit it made the
# expected verdicts depend on the machine's load).
BUDGET = Budget(samples=2000, z3_rlimit=2_000_000)


@pytest.mark.parametrize("entry", CATALOG, ids=lambda e: e.name)
def test_z3_claims_match_its_translator(entry: Entry) -> None:
    reason = z3backend.unsupported_reason(entry.statement())
    assert (Z3 in entry.backends) == (reason is None), reason


@pytest.mark.parametrize("entry", [e for e in CATALOG if e.witness], ids=lambda e: e.name)
def test_witnesses_refute_their_false_entries(entry: Entry) -> None:
    assert entry.truth is False
    st = entry.statement()
    assert entry.witness is not None
    point = portfolio.point_of(st, entry.witness)  # rational or exact algebraic ("sqrt(2)")
    assert refutes(st, point)


@pytest.mark.parametrize("entry,backend", PAIRS, ids=[f"{e.name}-{b}" for e, b in PAIRS])
def test_backend_never_contradicts_truth(entry: Entry, backend: str) -> None:
    st = entry.statement()
    result = _backend(backend)(st, BUDGET)
    if entry.truth:
        assert result.status is not Status.REFUTED, result
    else:
        assert result.status is not Status.PROVED, result
    if backend == "falsifier":
        assert result.status in (Status.REFUTED, Status.TESTED, Status.UNKNOWN)
    if result.status is Status.REFUTED:
        assert result.counterexample is not None
        assert refutes(st, portfolio.point_of(st, result.counterexample))


@pytest.mark.parametrize("entry", CATALOG, ids=lambda e: e.name)
def test_portfolio_reaches_expected_verdict(entry: Entry) -> None:
    st = entry.statement()
    result = portfolio.decide(st, BUDGET)
    got = {Status.PROVED: PROVED, Status.REFUTED: REFUTED}.get(result.status, OPEN)
    assert got == entry.expected, (result.status, result.method, result.details)
    assert result.details["tried"], "the portfolio records what it tried"
    if result.status is Status.REFUTED:
        assert result.counterexample is not None
        assert refutes(st, portfolio.point_of(st, result.counterexample))
        for name in st.matrices:
            value = result.counterexample[name]
            assert isinstance(value, list) and all(isinstance(r, list) for r in value)
