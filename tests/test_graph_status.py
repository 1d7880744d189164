"""Statuses computed on the DAG: fully_checked and unestablished ancestors,
proof combination, and the graph outputs (with a scripted decider so the
logic is tested independently of the backends)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import sympy as sp

from boundprop.check import check_paper
from boundprop.graph import build_graph, check_order
from boundprop.loader import load_paper
from boundprop.report.dot import render, to_dot, to_graph_json
from boundprop.statement import Budget, Statement
from boundprop.verdict import CheckResult, Status

BODY = """
[[node]]
id = "A"
provenance = "paper"
conclusion = "x <= 1"

[[node]]
id = "B"
provenance = "paper"
conclusion = "x >= 0"
uses = ["A"]

[[node]]
id = "C"
kind = "theorem"
provenance = "paper"
conclusion = "x <= 2"
uses = ["B"]

[[node]]
id = "D"
provenance = "reconstruction"
conclusion = "g(x) <= 2*x"
assume = true
"""

PROOFS = """
[[proof]]
of = "C"
[[proof.step]]
claim = "x <= 1"
using = ["A"]
"""


def scripted(verdicts: dict[str, Status]) -> Callable[[Statement, Budget], CheckResult]:
    """Decide by the conclusion's text; REFUTED needs a counterexample."""

    def decide(statement: Statement, budget: Budget) -> CheckResult:
        key = str(statement.conclusion)
        status = verdicts.get(key, Status.UNKNOWN)
        cex = {"x": "1/2"} if status is Status.REFUTED else None
        return CheckResult(status, "scripted", f"scripted {status.value}", counterexample=cex)

    return decide


def test_order_respects_dependencies(lemma_file: Callable[..., Path]) -> None:
    paper = load_paper(lemma_file(BODY))
    order = check_order(build_graph(paper))
    assert order.index("A") < order.index("B") < order.index("C")
    assert order.index("def:g") < order.index("D")


def test_fully_checked_needs_every_ancestor(lemma_file: Callable[..., Path]) -> None:
    paper = load_paper(lemma_file(BODY))
    report = check_paper(
        paper, decide=scripted({"x <= 1": Status.UNKNOWN, "x >= 0": Status.PROVED, "x <= 2": Status.PROVED})
    )
    nodes = report.nodes
    assert nodes["B"].status is Status.PROVED
    assert not nodes["B"].fully_checked
    assert nodes["B"].unestablished == ("A",)
    assert nodes["C"].unestablished == ("A",)
    assert nodes["D"].status is Status.ASSUMED and nodes["D"].fully_checked
    assert nodes["def:g"].status is Status.ASSUMED


def test_all_proved_is_fully_checked(lemma_file: Callable[..., Path]) -> None:
    paper = load_paper(lemma_file(BODY))
    report = check_paper(
        paper, decide=scripted({"x <= 1": Status.PROVED, "x >= 0": Status.PROVED, "x <= 2": Status.PROVED})
    )
    assert all(n.fully_checked for n in report.nodes.values())


def test_proof_proves_what_the_direct_check_cannot(lemma_file: Callable[..., Path]) -> None:
    paper = load_paper(lemma_file(BODY, proofs=PROOFS))
    # Directly, "x <= 2" stays unknown; the proof step (x <= 1, citing A) and the
    # closing implication (x <= 1 => x <= 2) are "proved" by the script.
    verdicts = {
        "x <= 1": Status.PROVED,
        "x >= 0": Status.PROVED,
        "x <= 2": Status.UNKNOWN,
    }

    def decide(statement: Statement, budget: Budget) -> CheckResult:
        if statement.conclusion == sp.Le(sp.Symbol("x", real=True), 2) and statement.hypotheses:
            return CheckResult(Status.PROVED, "scripted", "closing implication")
        return scripted(verdicts)(statement, budget)

    report = check_paper(paper, decide=decide)
    node = report.nodes["C"]
    assert node.direct is not None and node.direct.status is Status.UNKNOWN
    assert node.proof_status is Status.PROVED
    assert node.status is Status.PROVED
    assert node.method == "proof"
    assert node.fully_checked
    assert [s.result.status for s in node.steps] == [Status.PROVED, Status.PROVED]


def test_refuted_statement_beats_unproved_proof(lemma_file: Callable[..., Path]) -> None:
    paper = load_paper(lemma_file(BODY, proofs=PROOFS))
    report = check_paper(paper, decide=scripted({"x <= 2": Status.REFUTED, "x <= 1": Status.UNKNOWN}))
    node = report.nodes["C"]
    assert node.status is Status.REFUTED
    assert node.counterexample == {"x": "1/2"}
    # the script also refutes the closing implication (x <= 1 => x <= 2): a
    # refuted proof step is a finding, the proof is refuted (issue 13, class 6)
    assert node.proof_status is Status.REFUTED
    assert [s.result.status for s in node.steps] == [Status.UNKNOWN, Status.REFUTED]


def test_refuted_statement_with_checked_proof_reports_the_conflict(lemma_file: Callable[..., Path]) -> None:
    paper = load_paper(lemma_file(BODY, proofs=PROOFS))

    def decide(statement: Statement, budget: Budget) -> CheckResult:
        if statement.conclusion == sp.Le(sp.Symbol("x", real=True), 2) and not statement.hypotheses:
            return CheckResult(Status.REFUTED, "scripted", "cex", counterexample={"x": "3"})
        return CheckResult(Status.PROVED, "scripted", "proved")

    # the verified counterexample decides; the conflict with the proof is reported
    node = check_paper(paper, decide=decide).nodes["C"]
    assert node.status is Status.REFUTED
    assert "cannot be right" in node.evidence


def test_graph_outputs(lemma_file: Callable[..., Path]) -> None:
    paper = load_paper(lemma_file(BODY, proofs=PROOFS))
    report = check_paper(paper, decide=scripted({"x <= 1": Status.REFUTED, "x >= 0": Status.PROVED}))
    dot = to_dot(report)
    assert dot.startswith('digraph "tmp"')
    assert "\"A\" -> \"C\" [style=dashed]" in dot  # cited in C's proof only
    assert '"A" -> "B" [style=solid]' in dot
    assert "#ff8787" in dot  # refuted fill
    data = to_graph_json(report)
    statuses = {n["id"]: n["status"] for n in data["nodes"]}
    assert statuses["A"] == "refuted" and statuses["B"] == "proved"
    assert {"source": "A", "target": "C", "kind": "proof"} in data["edges"]
    json.dumps(data)
    if shutil.which("dot"):
        svg = render(dot, "svg")
        assert b"<svg" in svg
        assert render(dot, "png").startswith(b"\x89PNG")
