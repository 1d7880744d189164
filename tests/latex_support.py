"""Shared pieces of the LaTeX tests: a deterministic stand-in for the backends,
hand-made tables and maps, and golden-file comparison.

Golden files live in ``tests/golden/``. To regenerate them after an intended
change of the output, run::

    BOUNDPROP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_latex_golden.py

and review the diff with ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import difflib
import functools
import os
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from boundprop.check import PaperReport
from boundprop.loader import load_paper
from boundprop.statement import Budget, Statement
from boundprop.verdict import CheckResult, Status

GOLDEN = Path(__file__).parent / "golden"
DATA = Path(__file__).parent / "data"
UPDATE = os.environ.get("BOUNDPROP_UPDATE_GOLDEN") == "1"


def fake_decide(statement: Statement, budget: Budget) -> CheckResult:
    """Deterministic verdicts: refute ``g(x) <= x`` (at x = -1), report premises
    as satisfiable, prove everything else. Golden files must not change when
    the real backends improve."""
    if statement.conclusion is sp.false:
        first = statement.variables[0].name if statement.variables else "x"
        return CheckResult(Status.REFUTED, "fake", "a point satisfying the premises", counterexample={first: "1/2"})
    if str(statement.conclusion) == "exp(x) - 1 <= x":
        return CheckResult(
            Status.REFUTED, "fake", "counterexample re-verified in exact arithmetic", counterexample={"x": "-1"}
        )
    return CheckResult(Status.PROVED, "fake", "proved by the stand-in backend of the golden tests")


_EXAMPLE_RESULTS = {
    "E1": CheckResult(Status.PROVED, "z3", "z3: negation unsat", 0.12),
    "E2": CheckResult(
        Status.REFUTED, "interval-bnb", "counterexample found on box x in [-2, 0] and re-verified exactly", 0.05,
        counterexample={"x": "-1"},
    ),
    "E3": CheckResult(Status.TESTED, "falsifier", "no counterexample in 4000 samples + 6 local searches (seed 0)", 2.0),
    "E4": CheckResult(Status.PROVED, "proof", "all 1 proof steps and the closing implication checked", 0.3),
    "E5": CheckResult(
        Status.PROVED_BOUNDED, "exact+z3", "proved for every size n in [1, 3], d in [1, 2] (6 sizes)", 4.0
    ),
}


@functools.lru_cache(maxsize=1)
def example_report() -> PaperReport:
    """A check of the example paper with fixed, hand-written verdicts.

    Built without the backends or the proof checker, so golden files change
    only when the LaTeX writers do; statuses of the graph (fully checked,
    unestablished ancestors) come from :mod:`boundprop.graph`."""
    from boundprop.check import NodeReport, Premises, StepOutcome
    from boundprop.graph import build_graph, fully_checked, unestablished_ancestors

    paper = load_paper("example")
    graph = build_graph(paper)
    assumed = CheckResult(Status.ASSUMED, "definition", "a definition is taken as given")
    results = {nid: _EXAMPLE_RESULTS.get(nid, assumed) for nid in graph.nodes}
    statuses = {nid: r.status for nid, r in results.items()}
    nodes = {}
    for nid in graph.nodes:
        node = paper.nodes.get(nid)
        result = results[nid]
        steps: tuple[StepOutcome, ...] = ()
        if nid == "E4":
            steps = (
                StepOutcome(1, "g(t) <= 2*t", CheckResult(Status.PROVED, "citation", "instance of E1 at x = t")),
                StepOutcome(
                    2, "(steps imply the conclusion)", CheckResult(Status.PROVED, "syntactic", "goal is step 1")
                ),
            )
        premises = None
        if node is not None and node.hypotheses:
            name = "t" if nid == "E4" else "x"
            premises = Premises(True, {name: "1/2"}, "satisfiable (z3 found a point)")
        nodes[nid] = NodeReport(
            id=nid,
            label=node.label if node else f"Definition of {nid[4:]}",
            variant=node.variant if node else "",
            kind=node.kind.value if node else "definition",
            provenance=node.provenance.value if node else "definition",
            text=node.text if node else "",
            status=result.status,
            method=result.method,
            evidence=result.evidence,
            counterexample=result.counterexample,
            seconds=result.seconds,
            uses=tuple(sorted(graph.predecessors(nid))),
            fully_checked=fully_checked(graph, statuses, nid),
            unestablished=tuple(unestablished_ancestors(graph, statuses, nid)),
            direct=CheckResult(Status.TESTED, "falsifier", "no counterexample") if nid == "E4" else result,
            steps=steps,
            proof_status=Status.PROVED if nid == "E4" else None,
            premises=premises,
        )
    return PaperReport(paper=paper, graph=graph, nodes=nodes, seconds=6.5)


def small_pdf(path: Path) -> Path:
    """A small figure without text (fast to draw), for tests that include a PDF."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.add_patch(plt.Rectangle((0.1, 0.1), 0.5, 0.5, color="#1a9641"))
    ax.set_axis_off()
    fig.savefig(path)
    plt.close(fig)
    return path


def toy_table() -> object:
    """A small bound table of the toy collapse paper, built by hand (exact enclosures;
    columns as the paper's annotation file declares them)."""
    from boundprop.loader import load_paper
    from boundprop.propagate import BoundTable, Enclosure, LayerRow, table_columns

    def exact(value: Fraction) -> Enclosure:
        return Enclosure(value, value, value)

    def around(lo: Fraction, hi: Fraction) -> Enclosure:
        return Enclosure(lo, hi, None)

    rows = (
        LayerRow(0, {"phi": exact(Fraction(1)), "eps": exact(Fraction(1, 5)), "e": exact(Fraction(0))}),
        LayerRow(1, {"phi": exact(Fraction(7, 5)), "eps": exact(Fraction(7, 25)), "e": exact(Fraction(4, 5))}),
        LayerRow(
            2,
            {
                "phi": around(Fraction(1959999, 1000000), Fraction(1960001, 1000000)),
                "eps": exact(Fraction(1, 3)),
                "e": around(Fraction(-1, 10**9), Fraction(123456789, 10**15)),
            },
        ),
    )
    fixed = {"eta": Fraction(1, 10), "H": Fraction(4), "phi0": Fraction(1)}
    index, columns = table_columns(load_paper(DATA / "toy_collapse.toml"), "R1")
    return BoundTable("toy-collapse", "R1", "R1", fixed, rows, 4, columns, "proved (exact identity)", index)


def toy_map() -> object:
    """A hand-made regime map over (eta, L) with every class and one declared regime."""
    from boundprop.regimes import Axis, Baseline, Cell, CellClass, Premise, Problem, Regime, RegimeMap

    eta, big_l = sp.Symbol("eta", real=True), sp.Symbol("L", integer=True)
    axes = (
        Axis("eta", eta, Fraction(1, 1000), Fraction(1), log=True, latex=r"\eta"),
        Axis("L", big_l, Fraction(1), Fraction(64), integer=True, latex="L"),
    )
    problem = Problem(
        paper="toy-collapse",
        theorem="R2",
        label="R2",
        axes=axes,
        fixed={"H": Fraction(4), "phi0": Fraction(1)},
        quantity=sp.Symbol("err", real=True),
        bound=eta * big_l,
        premises=(Premise("R2: 0 < phi0", sp.true),),
        baselines=(Baseline("B-zero-layer", eta, ()),),
        regimes=(Regime("fast-attention", sp.true, ("fast", "not-fast"), "Alman & Song 2023"),),
        dropped=("L-UNI (ancestor): theta_l(l) <= 1: mentions k",),
        latex={"eta": r"\eta", "L": "L", "H": "H", "phi0": r"\varphi_0"},
    )
    cells = (
        Cell(((Fraction(1, 1000), Fraction(1, 100)), (Fraction(1), Fraction(32))), CellClass.INFORMATIVE, 2,
             regimes=(("fast-attention", "fast"),)),
        Cell(((Fraction(1, 100), Fraction(1)), (Fraction(1), Fraction(64))), CellClass.VACUOUS, 1,
             baselines=("B-zero-layer",), regimes=(("fast-attention", "not-fast"),)),
        Cell(((Fraction(1, 1000), Fraction(1, 100)), (Fraction(33), Fraction(48))), CellClass.UNDETERMINED, 3,
             regimes=(("fast-attention", "undetermined"),)),
        Cell(((Fraction(1, 1000), Fraction(1, 100)), (Fraction(49), Fraction(64))), CellClass.PREMISES_FAIL, 3,
             reason="R2: 0 < phi0", regimes=(("fast-attention", "fast"),)),
    )
    return RegimeMap(problem, cells, depth=3, backend="scalar", seconds=0.0, evaluated=7)  # type: ignore[arg-type]


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``tests/golden/<name>``; rewrite it when BOUNDPROP_UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    text = text if text.endswith("\n") else text + "\n"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing: run with BOUNDPROP_UPDATE_GOLDEN=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True), text.splitlines(keepends=True), f"golden/{name}", "generated"
            )
        )
        pytest.fail(
            f"LaTeX output differs from tests/golden/{name} (if intended: BOUNDPROP_UPDATE_GOLDEN=1 pytest "
            f"tests/test_latex_golden.py, then review git diff):\n{diff[:6000]}"
        )
