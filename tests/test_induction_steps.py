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
    report = check_paper(paper, Budget(z3_rlimit=2_000_000, max_boxes=5_000, samples=1_000))
    step = report.nodes["T"].steps[0].result
    return step.status, step.evidence


def test_step_from_start_below_the_range_is_checked(lemma_file: Callable[..., Path]) -> None:
    status, evidence = step_status(lemma_file, base="1")
    assert status is Status.REFUTED
    assert "step:" in evidence and "exceeds C(l)" in evidence, evidence


def test_true_induction_still_proves(lemma_file: Callable[..., Path]) -> None:
    # e_0 <= 1, e_{i+1} <= e_i + 1  =>  e_L <= L + 1 for every L >= 0.
    status, evidence = step_status(lemma_file, base="1", closed="L + 1")
    assert status is Status.PROVED, evidence


# issue 13, class 6: the claim of an induction step must follow from the
# proved closed form (an obligation of its own)
LIP_HEADER = """
[paper]
id = "lip"
title = "claim and closed form"

[params]
L = { domain = "integer", range = [1, 20] }
c = { domain = "real", range = ["0", "1"] }
w = { domain = "real", range = ["0", "1"] }
lip = { domain = "real", range = ["0", "oo"] }

[defs]
a_l = { args = ["k"], expr = "(1 + c*w)**(k - 1)" }
"""

LIP_BODY = """
[[node]]
id = "T"
kind = "theorem"
provenance = "paper"
informal = "lip is the Lipschitz constant of the network with L layers"
conclusion = "lip <= a_l(L)"
"""

LIP_PROOF = """
[[proof]]
of = "T"
[[proof.step]]
claim = "{claim}"
induction = {{ index = "L", start = "1", base = "1", recurrence = "(1 + c*w)*e", closed = "a_l(L)" }}
"""


def lip_report(lemma_file: Callable[..., Path], claim: str) -> object:
    paper = load_paper(lemma_file(LIP_BODY, header=LIP_HEADER, proofs=LIP_PROOF.format(claim=claim)))
    return check_paper(paper, Budget(z3_rlimit=2_000_000, max_boxes=5_000, samples=1_000)).nodes["T"]


def test_claim_not_following_from_the_closed_form_is_refuted(lemma_file: Callable[..., Path]) -> None:
    # the audit example: base, monotonicity and step all hold for a_l, but
    # lip <= 1/2 does not follow from lip <= a_l(L) (lip = 1 at L = 1)
    node = lip_report(lemma_file, "lip <= 1/2")
    step = node.steps[0].result  # type: ignore[attr-defined]
    assert step.status is Status.REFUTED, step.evidence
    assert "does not follow from the closed form" in step.evidence
    assert step.counterexample is not None
    assert node.proof_status is Status.REFUTED  # type: ignore[attr-defined]
    assert not node.fully_checked  # type: ignore[attr-defined]


def test_claim_following_from_the_closed_form_is_proved(lemma_file: Callable[..., Path]) -> None:
    node = lip_report(lemma_file, "lip <= a_l(L)")
    step = node.steps[0].result  # type: ignore[attr-defined]
    assert step.status is Status.PROVED, step.evidence
    # a weaker claim follows too (closed form <= 2 * closed form)
    node = lip_report(lemma_file, "lip <= 2*a_l(L)")
    step = node.steps[0].result  # type: ignore[attr-defined]
    assert step.status is Status.PROVED, step.evidence


def test_claim_at_another_index_than_the_induction_variable(lemma_file: Callable[..., Path]) -> None:
    # as in R1: the induction runs over l, the claim bounds the quantity at l = L
    header = LIP_HEADER.replace(
        'L = { domain = "integer", range = [1, 20] }',
        'L = { domain = "integer", range = [1, 20] }\nl = { domain = "integer", range = [0, 20] }',
    )
    proof = """
[[proof]]
of = "T"
[[proof.step]]
claim = "lip <= (1 + c*w)**L"
induction = { index = "l", start = "0", base = "1", recurrence = "(1 + c*w)*e", closed = "(1 + c*w)**l" }
"""
    body = LIP_BODY.replace("lip <= a_l(L)", "lip <= (1 + c*w)**L")
    paper = load_paper(lemma_file(body, header=header, proofs=proof))
    step = check_paper(paper, Budget(z3_rlimit=2_000_000, max_boxes=5_000, samples=1_000)).nodes["T"].steps[0].result
    assert step.status is Status.PROVED, step.evidence
