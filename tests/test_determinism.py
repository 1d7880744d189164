"""Verdicts do not depend on the machine's load.

Every budget that decides a verdict counts work (z3's resource limit, boxes,
samples with a fixed seed); wall-clock time is only an outer safety cap, and
a result the cap stopped says "time cap". So every node of every bundled
paper must get the same status (and method) with the CPU busy as without,
and no node of a normal run may have been stopped by the cap.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sympy as sp

from boundprop.backends import portfolio
from boundprop.check import PaperReport, check_paper
from boundprop.loader import load_paper
from boundprop.statement import Budget, Statement, make_variable

PAPERS = ("alman-song-2025", "dong-2021", "wu-2024", "example")


def _spin() -> None:  # pragma: no cover - runs in a child process
    while True:
        pass


@contextmanager
def cpu_hog() -> Iterator[None]:
    """One spinning process per core for the duration of the block."""
    ctx = multiprocessing.get_context("spawn")
    hogs = [ctx.Process(target=_spin, daemon=True) for _ in range(os.cpu_count() or 2)]
    for hog in hogs:
        hog.start()
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.join()


def _outcomes(report: PaperReport) -> dict[str, tuple[str, str]]:
    return {node_id: (n.status.value, n.method) for node_id, n in report.nodes.items()}


@pytest.mark.slow
@pytest.mark.parametrize("paper_id", PAPERS)
def test_statuses_are_the_same_on_a_busy_machine(paper_id: str) -> None:
    paper = load_paper(paper_id)
    quiet = check_paper(paper)
    with cpu_hog():
        busy = check_paper(paper)
    capped = [n.id for n in quiet.nodes.values() if "time cap" in n.evidence]
    assert not capped, f"the time cap stopped {capped} on a normal run: raise the cap or lower the limits"
    differ = {
        node_id: (outcome, _outcomes(busy).get(node_id))
        for node_id, outcome in _outcomes(quiet).items()
        if _outcomes(busy).get(node_id) != outcome
    }
    assert not differ, f"statuses differ between a quiet and a busy run: {differ}"
    assert set(busy.nodes) == set(quiet.nodes)


def test_a_tiny_time_cap_says_time_cap() -> None:
    x, y = make_variable("x", "-oo", "oo"), make_variable("y", "-oo", "oo")
    statement = Statement((x, y), (), sp.exp(x.symbol) + y.symbol**2 >= x.symbol + 1)
    r = portfolio.decide(statement, Budget(seconds=0.001))
    assert r.status.value in ("unknown", "tested")  # never proved by a skipped method
    assert "time cap" in r.evidence


def test_a_tiny_time_cap_marks_the_paper_nodes_it_stops() -> None:
    report = check_paper(load_paper("example"), Budget(seconds=0.001))
    capped = [n for n in report.nodes.values() if "time cap" in n.evidence]
    assert capped, "a 1 ms cap stops the backends, and the nodes they decide must say so"
    assert all(n.status.value in ("unknown", "tested") for n in capped)
