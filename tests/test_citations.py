"""Citations are obligations; a proof resting on an unestablished node proves nothing.

Regression tests for issue 13, classes 2 and 3 (and the refuted-proof-step part
of class 6): a cited node is instantiated at the substituted values, and the
sizes it was established for, the shapes of its matrices, their entry ranges
and its hypotheses become obligations of the citing step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from boundprop.backends import portfolio
from boundprop.check import check_paper
from boundprop.loader import load_paper
from boundprop.report.data import paper_json
from boundprop.report.dot import to_dot
from boundprop.report.text import findings
from boundprop.statement import Budget, Statement
from boundprop.verdict import CheckResult, Status

LemmaFile = Callable[..., Path]

# Deterministic limits (the seconds cap keeps its generous default): a
# 5 s wall cap made these statuses depend on the machine's load.
BUDGET = Budget(max_boxes=5_000, samples=500, z3_rlimit=2_000_000)

MATRIX_HEADER = """
[paper]
id = "cite"
title = "citations"

[params]
x = { domain = "real", range = ["0", "1"] }
n = { domain = "integer", range = [1, 8] }
m = { domain = "integer", range = [1, 8] }

[matrices]
A = { shape = ["n", "n"] }
B = { shape = ["m", "m"] }

[defs]
normN2 = { builtin = "normN2" }
ones = { builtin = "ones" }
eye = { builtin = "eye" }
"""

# Row sums of a matrix with entries in [0, 1] are at most n: true for n <= 2 only.
LEMMA = """
[[node]]
id = "L"
label = "Lemma 1"
provenance = "paper"
ranges = { A = ["0", "1"] }
sizes = { n = [1, 2] }
conclusion = "normN2(A) <= 2"
"""


def give_up_on(conclusion: str) -> Callable[[Statement, Budget], CheckResult]:
    """The portfolio, except that the direct check of the node whose conclusion
    starts with ``conclusion`` (no hypotheses) gives up, as a hard statement
    would: then only the proof can decide the node's status."""

    def decide(statement: Statement, budget: Budget) -> CheckResult:
        if not statement.hypotheses and str(statement.conclusion).startswith(conclusion):
            return CheckResult(Status.UNKNOWN, "scripted", "direct check gave up")
        return portfolio.decide(statement, budget)

    return decide


def test_citation_at_a_size_the_lemma_was_not_established_for(lemma_file: LemmaFile) -> None:
    # audit example 1: L is proved-bounded for n <= 2, cited with A = B for a 3x3 B
    body = LEMMA + """
[[node]]
id = "T"
label = "Theorem 2"
kind = "theorem"
provenance = "paper"
ranges = { B = ["0", "1"] }
sizes = { m = [3, 3] }
conclusion = "normN2(B) <= 2"
"""
    proofs = """
[[proof]]
of = "T"
[[proof.step]]
claim = "normN2(B) <= 2"
using = [{ node = "L", with = { A = "B" } }]
"""
    paper = load_paper(lemma_file(body, header=MATRIX_HEADER, proofs=proofs))
    report = check_paper(paper, BUDGET)
    assert report.nodes["L"].status is Status.PROVED_BOUNDED
    # the statement is false (B = ones(3, 3)): the direct check refutes it, and
    # the proof must not vouch for it (no soundness alarm, no proved status)
    theorem = report.nodes["T"]
    assert theorem.status is Status.REFUTED
    assert not theorem.fully_checked
    step = theorem.steps[0].result
    assert step.status not in (Status.PROVED, Status.PROVED_BOUNDED)
    assert "n" in step.evidence and "[1, 2]" in step.evidence, step.evidence

    # and when the direct check gives up, the node is not proved either
    report = check_paper(paper, BUDGET, decide=give_up_on("Max("))
    theorem = report.nodes["T"]
    assert theorem.status not in (Status.PROVED, Status.PROVED_BOUNDED)
    assert not theorem.fully_checked


SCALAR_THEOREM = """
[[node]]
id = "S"
label = "Theorem 3"
kind = "theorem"
provenance = "paper"
conclusion = "x <= -1"
"""


def test_scalar_theorem_citing_with_a_3x3_matrix_built_from_eye(
    lemma_file: LemmaFile, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    # audit example 2: A = (1 - x) I + x J is 3x3 with entries in [0, 1] and
    # row sums 1 + 2x; the lemma (n <= 2 only) would give 1 + 2x <= 2, hence the
    # false x <= 1/2 on [0, 1]
    proofs = """
[[proof]]
of = "S"
[[proof.step]]
claim = "x <= 1/2"
using = [{ node = "L", with = { A = "(1 - x)*eye(3) + x*ones(3, 3)" } }]
"""
    path = lemma_file(LEMMA + SCALAR_THEOREM.replace('"x <= -1"', '"x <= 1/2"'), header=MATRIX_HEADER,
                      proofs=proofs)
    paper = load_paper(path)
    report = check_paper(paper, BUDGET, decide=give_up_on("x <= 1/2"))
    theorem = report.nodes["S"]
    step = theorem.steps[0].result
    assert step.status is Status.UNKNOWN, step.evidence
    assert "n = 3" in step.evidence and "[1, 2]" in step.evidence, step.evidence
    assert theorem.status is Status.UNKNOWN
    assert not theorem.fully_checked
    # with the real portfolio: x <= 1/2 is refuted directly, and --strict says so
    code, out, _ = run_cli("check", str(path), "--strict", "--timeout", "5")
    assert code == 1, out


def test_citation_with_a_matrix_of_the_wrong_shape(lemma_file: LemmaFile) -> None:
    proofs = """
[[proof]]
of = "S"
[[proof.step]]
claim = "x <= -1"
using = [{ node = "L", with = { A = "ones(2, 1)" } }]
"""
    paper = load_paper(lemma_file(LEMMA + SCALAR_THEOREM, header=MATRIX_HEADER, proofs=proofs))
    report = check_paper(paper, BUDGET, decide=give_up_on("x <= -1"))
    step = report.nodes["S"].steps[0].result
    assert step.status is Status.UNKNOWN
    assert "shape" in step.evidence, step.evidence


def test_citation_at_an_established_size_still_proves(lemma_file: LemmaFile) -> None:
    # A = x*eye(2): 2x2, entries in [0, 1]; the lemma applies and gives x <= 2
    proofs = """
[[proof]]
of = "S"
[[proof.step]]
claim = "x <= 2"
using = [{ node = "L", with = { A = "x*eye(2)" } }]
"""
    body = LEMMA + SCALAR_THEOREM.replace('"x <= -1"', '"x <= 2"')
    paper = load_paper(lemma_file(body, header=MATRIX_HEADER, proofs=proofs))
    report = check_paper(paper, BUDGET, decide=give_up_on("x <= 2"))
    theorem = report.nodes["S"]
    assert theorem.steps[0].result.status in (Status.PROVED, Status.PROVED_BOUNDED), theorem.steps[0].result
    assert theorem.proof_status in (Status.PROVED, Status.PROVED_BOUNDED)
    assert theorem.status in (Status.PROVED, Status.PROVED_BOUNDED)


def test_citation_entry_range_obligation_refuted(lemma_file: LemmaFile) -> None:
    # A = 2*x*eye(2) has an entry 2 at x = 1, outside the lemma's range [0, 1]
    proofs = """
[[proof]]
of = "S"
[[proof.step]]
claim = "x <= 2"
using = [{ node = "L", with = { A = "2*x*eye(2)" } }]
"""
    body = LEMMA + SCALAR_THEOREM.replace('"x <= -1"', '"x <= 2"')
    paper = load_paper(lemma_file(body, header=MATRIX_HEADER, proofs=proofs))
    report = check_paper(paper, BUDGET, decide=give_up_on("x <= 2"))
    step = report.nodes["S"].steps[0].result
    assert step.status is Status.REFUTED
    assert "does not apply" in step.evidence


# ---------------------------------------------------------------------------
# class 3: resting on a refuted or unestablished node

SCALAR_HEADER = """
[paper]
id = "rest"
title = "resting on nodes"

[params]
x = { domain = "real", range = ["0", "1"] }
"""

FALSE_LEMMA = """
[[node]]
id = "F"
label = "Lemma 1"
provenance = "paper"
conclusion = "x <= 1/2"

[[node]]
id = "T"
label = "Theorem 2"
kind = "theorem"
provenance = "paper"
conclusion = "x <= 3/4"
"""

REST_PROOF = """
[[proof]]
of = "T"
[[proof.step]]
claim = "x <= 3/4"
using = [{ node = "F" }]
"""


def test_proof_citing_a_refuted_lemma_does_not_prove(lemma_file: LemmaFile) -> None:
    paper = load_paper(lemma_file(FALSE_LEMMA, header=SCALAR_HEADER, proofs=REST_PROOF))
    report = check_paper(paper, BUDGET, decide=give_up_on("x <= 3/4"))
    assert report.nodes["F"].status is Status.REFUTED
    theorem = report.nodes["T"]
    assert theorem.status is Status.UNKNOWN
    assert theorem.proof_status is Status.UNKNOWN
    assert "F" in theorem.evidence and "refuted" in theorem.evidence, theorem.evidence
    assert not theorem.fully_checked


def test_proof_citing_an_unknown_lemma_does_not_prove(lemma_file: LemmaFile) -> None:
    paper = load_paper(lemma_file(FALSE_LEMMA, header=SCALAR_HEADER, proofs=REST_PROOF))

    def decide(statement: Statement, budget: Budget) -> CheckResult:
        if not statement.hypotheses and str(statement.conclusion) in ("x <= 3/4", "x <= 1/2"):
            return CheckResult(Status.UNKNOWN, "scripted", "gave up")
        return portfolio.decide(statement, budget)

    report = check_paper(paper, BUDGET, decide=decide)
    assert report.nodes["F"].status is Status.UNKNOWN
    theorem = report.nodes["T"]
    assert theorem.status is Status.UNKNOWN
    assert "F" in theorem.evidence


def test_proof_citing_a_refuted_lemma_with_a_true_statement(lemma_file: LemmaFile) -> None:
    # the statement itself holds (proved directly): the node keeps that status,
    # but the proof is not proved and names the node it rests on
    body = FALSE_LEMMA.replace('conclusion = "x <= 3/4"', 'conclusion = "x <= 1"')
    paper = load_paper(lemma_file(body, header=SCALAR_HEADER, proofs=REST_PROOF.replace("3/4", "1")))
    report = check_paper(paper, BUDGET)
    theorem = report.nodes["T"]
    assert theorem.status is Status.PROVED
    assert theorem.proof_status is Status.UNKNOWN
    assert any("F" in s.result.evidence for s in theorem.steps)


# ---------------------------------------------------------------------------
# class 6: a refuted proof step is a finding

WRONG_STEP = """
[[node]]
id = "T"
label = "Theorem 1"
kind = "theorem"
provenance = "paper"
conclusion = "x <= 1"
"""

WRONG_STEP_PROOF = """
[[proof]]
of = "T"
[[proof.step]]
claim = "x <= 1/2"
[[proof.step]]
claim = "x <= 1"
"""


@pytest.fixture
def wrong_step_path(lemma_file: LemmaFile) -> Path:
    return lemma_file(WRONG_STEP, header=SCALAR_HEADER, proofs=WRONG_STEP_PROOF)


def test_refuted_step_marks_the_proof_refuted(wrong_step_path: Path) -> None:
    report = check_paper(load_paper(wrong_step_path), BUDGET)
    theorem = report.nodes["T"]
    assert theorem.steps[0].result.status is Status.REFUTED
    # the node keeps the status of its direct check; the proof is refuted
    assert theorem.status is Status.PROVED
    assert theorem.proof_status is Status.REFUTED
    assert not theorem.fully_checked
    lines = findings(report)
    assert any("wrong step" in line and "step 1" in line for line in lines)
    assert any("1 refuted proof" in line for line in lines), lines
    assert any("its own proof steps: refuted" in line for line in lines), lines
    data = paper_json(report)
    node = next(n for n in data["nodes"] if n["id"] == "T")
    assert node["proof"]["status"] == "refuted"
    assert node["fully_checked"] is False
    assert data["refuted_proofs"] == ["T"]
    dot = to_dot(report)
    assert "proof refuted" in dot


def test_refuted_step_makes_strict_exit_1(
    wrong_step_path: Path, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    code, out, _ = run_cli("check", str(wrong_step_path), "--strict", "--timeout", "5")
    assert code == 1, out
    code, out, _ = run_cli("check", str(wrong_step_path), "--timeout", "5")
    assert code == 0
    assert "refuted" in out


SQRT_HEADER = """
[paper]
id = "sqrtcite"
title = "a citation at an undefined value"

[params]
x = { domain = "real", range = ["0", "10"] }
t = { domain = "real", range = ["-1", "1"] }
"""

SQRT_BODY = """
[[node]]
id = "C"
provenance = "paper"
conclusion = "x >= 0"

[[node]]
id = "T"
kind = "theorem"
provenance = "paper"
conclusion = "t >= 0"
uses = ["C"]
"""

SQRT_PROOF = """
[[proof]]
of = "T"
[[proof.step]]
claim = "t >= 0"
using = [{ node = "C", with = { x = "sqrt(t)" } }]
"""


def test_citation_with_an_undefined_substitution_carries_its_guard(lemma_file: LemmaFile) -> None:
    """C cited at x = sqrt(t) says sqrt(t) >= 0, which a solver reading sqrt as a
    root of y**2 = t takes to exclude t < 0, and t >= 0 would follow; the
    substituted value's guard (t >= 0 for sqrt) once was lost. The step is
    ill-defined at a t < 0, never proved."""
    from boundprop.encode import citation_facts

    paper = load_paper(lemma_file(SQRT_BODY, header=SQRT_HEADER, proofs=SQRT_PROOF))
    citation = paper.proofs["T"].steps[0].using[0]
    instance = citation_facts(paper, citation, None, "here")
    assert [g.subterm for g in instance.fact_guards] == ["sqrt(t)"]
    assert [g.subterm for g in instance.needed_guards] == ["sqrt(t)"]
    report = check_paper(paper, Budget(max_boxes=2_000, samples=500))
    step = report.nodes["T"].steps[0].result
    assert step.status is Status.ILL_DEFINED, step.evidence
    assert step.counterexample is not None and float(step.counterexample["t"]) < 0
    assert report.nodes["T"].proof_status is not Status.PROVED


def test_citing_a_node_whose_definition_argument_shares_a_matrix_name(lemma_file: LemmaFile) -> None:
    """A definition's formal argument is not the matrix of the same name: citing a scalar
    node that calls ``g(u)`` (args ["u"]) in a paper that also declares a matrix ``u`` once
    failed with "matrix 'u' of cited node ... has no entries at these sizes"."""
    matrix_b = 'B = { shape = ["m", "m"] }'
    header = MATRIX_HEADER.replace(matrix_b, matrix_b + '\nu = { shape = ["n", "n"] }')
    header += 'g = { args = ["u"], expr = "exp(u) - 1" }\n'
    body = """
[[node]]
id = "G"
provenance = "paper"
conclusion = "g(x) >= x"

[[node]]
id = "S"
provenance = "paper"
conclusion = "exp(x) >= 1 + x"
"""
    proofs = """
[[proof]]
of = "S"
[[proof.step]]
claim = "exp(x) - 1 >= x"
using = [{ node = "G" }]
"""
    paper = load_paper(lemma_file(body, header=header, proofs=proofs))
    report = check_paper(paper, BUDGET, decide=give_up_on("exp(x) >= x + 1"))
    step = report.nodes["S"].steps[0].result
    assert "has no entries" not in step.evidence, step.evidence
    assert step.status is Status.PROVED, step
