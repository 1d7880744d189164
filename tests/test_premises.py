"""Premise satisfiability: contradictory hypotheses make a proof vacuous."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from boundprop.check import check_paper
from boundprop.loader import load_paper
from boundprop.statement import Budget
from boundprop.verdict import Status

BODY = """
[[node]]
id = "SAT"
provenance = "paper"
hypotheses = ["x >= 1/2"]
conclusion = "x**2 >= 1/4"

[[node]]
id = "UNSAT"
provenance = "paper"
hypotheses = ["x >= 2"]
conclusion = "x <= -5"
"""


def test_contradictory_hypotheses_are_flagged(lemma_file: Callable[..., Path]) -> None:
    report = check_paper(load_paper(lemma_file(BODY)), Budget(z3_rlimit=2_000_000, max_boxes=5_000, samples=1_000))
    sat, unsat = report.nodes["SAT"], report.nodes["UNSAT"]
    assert sat.status is Status.PROVED
    assert sat.premises is not None and sat.premises.satisfiable is True
    witness = sat.premises.witness
    assert witness is not None
    from fractions import Fraction

    assert Fraction(str(witness["x"])) >= Fraction(1, 2)
    # x in [0, 1] and x >= 2 cannot hold: the "proof" of x <= -5 is vacuous.
    assert unsat.status is Status.PROVED
    assert unsat.premises is not None and unsat.premises.satisfiable is False
    assert "UNSATISFIABLE" in unsat.premises.evidence


def test_text_findings_warn_about_vacuous_nodes(lemma_file: Callable[..., Path]) -> None:
    from boundprop.report.text import findings

    report = check_paper(load_paper(lemma_file(BODY)), Budget(z3_rlimit=2_000_000, max_boxes=5_000, samples=1_000))
    sentences = findings(report)
    assert any("[UNSAT]" in s and "contradict" in s for s in sentences)
    assert not any("[SAT]" in s and "contradict" in s for s in sentences)
