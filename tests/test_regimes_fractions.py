"""Map numbers agree with their picture (issue 16, item 5).

The volume fractions a map prints are held against its cells measured the way the plot
draws them (boundprop/report/plot.py: integer values as strips [m - 1/2, m + 1/2], log axes
on a log scale): log axes in log measure, integer axes counting integers. A range end that
is not a binary float (1/10000) leaves no undetermined strip, and every command paves at
one default depth.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boundprop.loader import load_paper
from boundprop.regimes import DEFAULT_DEPTH, Axis, RegimeMap, build_problem, parse_axis, pave

HEADER = """
[paper]
id = "hoeffding"
title = "a newcomer's Hoeffding map"

[params]
m = { domain = "integer", range = [1, "oo"] }
mr = { domain = "real", range = ["1", "oo"] }
x = { domain = "real", range = ["1/10000", "1"] }
err = { domain = "real", range = ["0", "oo"] }
"""

BODY = """
[[node]]
id = "T"
kind = "theorem"
provenance = "paper"
informal = "err is a deviation"
conclusion = "err <= 1/sqrt(m) + x/1000"
baselines = ["B"]

[[node]]
id = "TR"
kind = "theorem"
provenance = "paper"
informal = "the same over a real m"
conclusion = "err <= 1/sqrt(mr) + x/1000"
baselines = ["B"]

[[node]]
id = "B"
kind = "baseline"
provenance = "reconstruction"
informal = "a fixed level"
conclusion = "err <= 1/1000 + x/1000"
"""


@pytest.fixture
def paper(lemma_file: Callable[..., Path]):  # type: ignore[no-untyped-def]
    return load_paper(lemma_file(BODY, header=HEADER, name="hoeffding"))


def _drawn(axis: Axis, lo: float, hi: float) -> float:
    """The cell's width on the plot's axis, over the axis' whole width."""

    def edges(a: float, b: float) -> tuple[float, float]:
        return (a - 0.5, b + 0.5) if axis.integer else (a, b)

    def width(a: float, b: float) -> float:
        a, b = edges(a, b)
        return math.log(b / a) if axis.log else b - a

    total = width(float(axis.lo), float(axis.hi))
    return width(lo, hi) / total if total else 1.0


def _picture_fractions(rmap: RegimeMap) -> dict[str, float]:
    out: dict[str, float] = {}
    for cell in rmap.cells:
        v = 1.0
        for axis, (lo, hi) in zip(rmap.problem.axes, cell.box, strict=True):
            if axis.split:
                v *= _drawn(axis, float(lo), float(hi))
        out[cell.klass.value] = out.get(cell.klass.value, 0.0) + v
    return out


def _map(paper, theorem: str, axes: list[str], depth: int) -> RegimeMap:  # type: ignore[no-untyped-def]
    return pave(build_problem(paper, theorem, [parse_axis(a, paper) for a in axes], {}), depth=depth)


def test_integer_log_axis_is_measured_in_log_measure(paper) -> None:  # type: ignore[no-untyped-def]
    """m = 10:10^7:log: informative where 1/sqrt(m) < 1/1000, i.e. m > 10^6, which is 1/6 of
    the axis in log measure (counting integers would give 0.9)."""
    axes = ["x=1/10000:1"]
    integer = _map(paper, "T", ["m=10:10000000:log", *axes], depth=18).fractions()
    real = _map(paper, "TR", ["mr=10:10000000:log", *axes], depth=18).fractions()
    assert integer["informative"] == pytest.approx(1 / 6, abs=0.01)
    assert integer["vacuous"] == pytest.approx(5 / 6, abs=0.01)
    for name in ("informative", "vacuous"):
        assert integer[name] == pytest.approx(real[name], abs=0.01)


def test_rational_range_end_leaves_no_undetermined_strip(paper) -> None:  # type: ignore[no-untyped-def]
    # x's range starts at 1/10000, not a binary float: the premise x >= 1/10000 is decided exactly
    fr = _map(paper, "TR", ["mr=1:100:log", "x=1/10000:1:log"], depth=4).fractions()
    assert fr["undetermined"] == 0.0 and fr["vacuous"] == 1.0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lo=st.integers(1, 50),
    span=st.integers(0, 5000),
    log=st.booleans(),
    integer=st.booleans(),
    xlog=st.booleans(),
    depth=st.integers(0, 9),
)
def test_printed_fractions_agree_with_the_cells(paper, lo: int, span: int, log: bool, integer: bool,  # type: ignore[no-untyped-def]
                                                xlog: bool, depth: int) -> None:
    name, theorem = ("m", "T") if integer else ("mr", "TR")
    axes = [f"{name}={lo}:{lo + span}{':log' if log else ''}", f"x=1/10000:1{':log' if xlog else ''}"]
    rmap = _map(paper, theorem, axes, depth)
    printed = rmap.fractions()
    drawn = _picture_fractions(rmap)
    assert sum(printed.values()) == pytest.approx(1.0, abs=1e-9)
    for key, value in printed.items():
        assert value == pytest.approx(drawn.get(key, 0.0), abs=1e-9), (key, axes, depth)
    assert json.loads(json.dumps(rmap.to_json()))["fractions"] == printed


def test_one_depth_default_for_every_command() -> None:
    from boundprop.cli import build_parser

    parser, _ = build_parser()
    defaults = {
        "regimes": parser.parse_args(["regimes", "R1"]).depth,
        "report": parser.parse_args(["report", "example", "-o", "x.pdf"]).depth,
    }
    assert defaults == {"regimes": DEFAULT_DEPTH, "report": DEFAULT_DEPTH}
