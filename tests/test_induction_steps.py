"""Induction steps of proofs: the step must cover every index from the base case on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from boundprop.check import check_paper
from boundprop.loader import load_paper
from boundprop.statement import Budget
from boundprop.verdict import Status

HEADER = """
[paper]
id = "induction"
title = "induction steps"

[params]
L = { domain = "integer", range = [1, 20] }
err = { domain = "real" }
"""

BODY = """
[[node]]
id = "T"
kind = "theorem"
provenance = "paper"
informal = "err is the error after L layers"
hypotheses = ["L >= 1"]
conclusion = "err <= L + (L - 1)**2"
"""

# e_0 <= 1 and e_{i+1} <= e_i + 1 give e_1 <= 2, but the closed form says e_1 <= 1:
# the step fails exactly from 0 to 1, which the hypothesis L >= 1 must not hide.
PROOF = """
[[proof]]
of = "T"
[[proof.step]]
claim = "err <= L + (L - 1)**2"
induction = {{ index = "L", start = "0", base = "{base}", recurrence = "e + 1", closed = "L + (L - 1)**2" }}
"""


def step_status(
    lemma_file: Callable[..., Path], base: str, closed: str = "L + (L - 1)**2"
) -> tuple[Status, str]:
    body = BODY.replace("L + (L - 1)**2", closed)
    proof = PROOF.format(base=base).replace("L + (L - 1)**2", closed)
    paper = load_paper(lemma_file(body, header=HEADER, proofs=proof))
    report = check_paper(paper, Budget(seconds=5))
    step = report.nodes["T"].steps[0].result
    return step.status, step.evidence


def test_step_from_start_below_the_range_is_checked(lemma_file: Callable[..., Path]) -> None:
    status, evidence = step_status(lemma_file, base="1")
    assert status is Status.REFUTED
    assert "inductive step" in evidence


def test_true_induction_still_proves(lemma_file: Callable[..., Path]) -> None:
    # e_0 <= 1, e_{i+1} <= e_i + 1  =>  e_L <= L + 1 for every L >= 0.
    status, evidence = step_status(lemma_file, base="1", closed="L + 1")
    assert status is Status.PROVED, evidence
