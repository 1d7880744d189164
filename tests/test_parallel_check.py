"""Checking in worker processes gives the report of a serial check.

A node sees only its ancestors' statuses, whichever other nodes happen to be
done, so the number of workers cannot change a verdict, an evidence line or
the order of the report.
"""

from __future__ import annotations

from typing import Any

import pytest

from boundprop.check import check_paper
from boundprop.loader import load_paper
from boundprop.report.data import paper_json
from boundprop.statement import Budget

BUDGET = Budget(max_boxes=5_000, samples=500, z3_rlimit=2_000_000)


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


@pytest.mark.parametrize("paper_id", ["example", "dong-2021"])
def test_workers_give_the_serial_report(paper_id: str) -> None:
    paper = load_paper(paper_id)
    serial = check_paper(paper, BUDGET)
    seen: list[str] = []
    parallel = check_paper(paper, BUDGET, workers=2, progress=lambda node, i, n: seen.append(node))
    assert list(parallel.nodes) == list(serial.nodes)
    assert _without_times(paper_json(parallel)) == _without_times(paper_json(serial))
    assert sorted(seen) == sorted(serial.nodes), "progress names every node once"


def test_a_custom_decide_is_refused_in_workers() -> None:
    from boundprop.check import default_decide

    with pytest.raises(ValueError, match="custom decide"):
        check_paper(load_paper("example"), BUDGET, decide=default_decide, workers=2)
