"""Findings say what was refuted (issue 16, item 3): the paper's own text (provenance
``paper``), the summary's paraphrase (``paper-summary``) or a reconstruction; a checked
mechanism is quoted with the finding. The bundled papers' reconstructions are never
reported as the paper's claim."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from boundprop.check import check_paper
from boundprop.loader import load_paper
from boundprop.mechanism import MECHANISMS, explanations, rank_one_row_shift
from boundprop.report.latex import report_document
from boundprop.report.text import findings
from boundprop.verdict import Tri

BODY = """
[[node]]
id = "P"
label = "Lemma P"
provenance = "paper"
conclusion = "x <= 1/2"

[[node]]
id = "S"
label = "Lemma S"
provenance = "paper-summary"
conclusion = "x <= 1/3"

[[node]]
id = "R"
label = "Step R"
provenance = "reconstruction"
conclusion = "x <= 1/4"

[[node]]
id = "Q1"
label = "Lemma Q"
variant = "first reading"
provenance = "paper"
conclusion = "x <= 1/5"

[[node]]
id = "Q2"
label = "Lemma Q"
variant = "second reading"
provenance = "paper"
conclusion = "x <= 1"
"""


@pytest.fixture
def report(lemma_file: Callable[..., Path]):  # type: ignore[no-untyped-def]
    return check_paper(load_paper(lemma_file(BODY)))


def _line(lines: list[str], node_id: str) -> str:
    (line,) = [s for s in lines if f"[{node_id}]" in s and "FALSE" in s]
    return line


def test_findings_name_what_was_refuted(report) -> None:  # type: ignore[no-untyped-def]
    lines = findings(report)
    assert _line(lines, "P").startswith("The paper's claim Lemma P")
    summary = _line(lines, "S")
    assert summary.startswith("The summary's statement Lemma S") and "paraphrase" in summary
    recon = _line(lines, "R")
    assert recon.startswith("The reconstruction Step R") and "not the paper's text" in recon
    assert not any(s.startswith("The paper's claim") for s in lines if "[S]" in s or "[R]" in s)
    # one of two readings of the paper's text: said so, with the other reading's status
    reading = _line(lines, "Q1")
    assert "one reading of the statement; other readings: Q2 (proved)" in reading
    assert "one reading" not in _line(lines, "P")


def test_latex_summary_names_what_was_refuted(report) -> None:  # type: ignore[no-untyped-def]
    tex = report_document(report, show_seconds=False).tex
    assert r"\textbf{False (the paper's text):}" in tex
    assert r"\textbf{False (the summary's paraphrase):}" in tex
    assert r"\textbf{False (a reconstruction):}" in tex
    assert r"\textbf{False (one reading of the paper's text):} \hyperref[node:Q1]" in tex


@pytest.mark.parametrize(("paper_id", "node_id"), [("wu-2024", "W-radius-across"), ("dong-2021", "D-collapse")])
def test_reconstructions_of_the_bundled_papers(paper_id: str, node_id: str) -> None:
    """Wu's star-versus-ring order and Dong's 'base < 1' are the encoder's readings (the
    lemma files say so): they are reconstructions, so a refutation never reads as the paper's."""
    node = load_paper(paper_id).nodes[node_id]
    assert node.provenance.value == "reconstruction"


def test_rank_one_row_shift_instance() -> None:
    cex = {"X": [["0"], ["1"]], "A": [["1/762"], ["1/762"]], "W_Q": [["-3/902"]], "W_K": [["-45/602"]],
           "beta": "1"}
    tri, detail = rank_one_row_shift(cex)
    assert tri is Tri.TRUE and "Res(A) = 0" in detail
    # rows of A that differ: not the mechanism
    assert rank_one_row_shift(cex | {"A": [["1"], ["2"]]})[0] is Tri.FALSE
    # X with equal rows: the shift b is constant along the row, softmax does not move
    assert rank_one_row_shift(cex | {"X": [["1"], ["1"]]})[0] is Tri.FALSE
    # no exact matrices: undecided, never read as an instance
    assert rank_one_row_shift({"A": [["1"]]})[0] is Tri.UNDECIDED
    assert MECHANISMS["rank-one row shift"] is rank_one_row_shift


MECH = """
[[node]]
id = "L52"
label = "Lemma 5.2"
provenance = "paper-summary"
conclusion = "x <= 0"

[[node]]
id = "L52-mechanism"
label = "Mechanism: Lemma 5.2"
variant = "rank-one row shift"
kind = "claim"
provenance = "reconstruction"
text = "A rank-one change 1u of X has Res(1u) = 0 (bound 3 g(0) = 0) but adds b = beta u W_Q W_K^T (X + 1u)^T \
to every row: each row's logits shift by different amounts b_j, and softmax normalises rows separately."
conclusion = "x <= 1"
uses = ["L52"]
"""


def _scripted(statement, budget):  # type: ignore[no-untyped-def]
    from boundprop.verdict import CheckResult, Status

    if str(statement.conclusion) == "x <= 0":
        cex = {"x": "1/2", "X": [["0"], ["1"]], "A": [["1"], ["1"]], "W_Q": [["1/10"]], "W_K": [["1/10"]],
               "beta": "1"}
        return CheckResult(Status.REFUTED, "scripted", "scripted refutation", counterexample=cex)
    return CheckResult(Status.PROVED, "scripted", "scripted proof")


def test_a_checked_mechanism_is_quoted_and_compiles(lemma_file: Callable[..., Path]) -> None:
    import shutil

    report = check_paper(load_paper(lemma_file(MECH)), decide=_scripted)
    why = explanations(report)  # computed by the caller (api.report_content, the CLI); report/ only renders
    line = _line(findings(report, why), "L52")
    assert "Why (L52-mechanism, proved; the counterexample is an instance: A = 1u with u = [1]" in line
    assert "softmax normalises rows separately" in line
    assert "Why" not in _line(findings(report), "L52")  # none passed: none quoted
    tex = report_document(report, show_seconds=False, why=why).tex
    assert r"\emph{Why}" in tex
    from boundprop.report.data import ReportContent
    from boundprop.report.document import report_latex

    # the full report passes the content's mechanisms on (api.report_content computes them)
    assert r"\emph{Why}" in report_latex(ReportContent(report, why=why), dag=None, show_seconds=False).tex
    assert r"\emph{Why}" not in report_latex(ReportContent(report), dag=None, show_seconds=False).tex
    assert "rows separately.." not in tex
    if shutil.which("pdflatex") is None and shutil.which("lualatex") is None:
        pytest.skip("no LaTeX engine installed")
    from boundprop.report.compile import compile_latex

    assert compile_latex(tex, {}).pdf.startswith(b"%PDF")


def test_an_unchecked_mechanism_is_not_quoted(lemma_file: Callable[..., Path]) -> None:
    def decide(statement, budget):  # type: ignore[no-untyped-def]
        from boundprop.verdict import CheckResult, Status

        result = _scripted(statement, budget)
        if str(statement.conclusion) == "x <= 1":  # the mechanism's own statement stays open
            return CheckResult(Status.UNKNOWN, "scripted", "scripted unknown")
        return result

    report = check_paper(load_paper(lemma_file(MECH)), decide=decide)
    assert not explanations(report)["L52"].checked
    assert "Why" not in _line(findings(report, explanations(report)), "L52")


def test_latex_names_the_reading_a_theorem_uses(lemma_file: Callable[..., Path]) -> None:
    body = BODY + """
[[node]]
id = "T"
label = "Theorem T"
kind = "theorem"
provenance = "paper"
conclusion = "x <= 2"
uses = ["Q1", "Q2"]
"""
    report = check_paper(load_paper(lemma_file(body)))
    tex = report_document(report, show_seconds=False).tex
    assert "; reading used: Lemma Q: " in tex and "Q2" in tex.split("; reading used: Lemma Q: ")[1][:80]
    assert any("readings on its chain: Lemma Q: Q2" in s for s in findings(report))


def test_the_report_content_carries_the_checked_mechanisms(
    lemma_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # issue 18: the exact instance check runs before rendering, in api.report_content
    from boundprop import cache
    from boundprop.api import report_content

    path = lemma_file(MECH)
    report = check_paper(load_paper(path), decide=_scripted)
    monkeypatch.setattr(cache, "check", lambda *args, **kwargs: (report, None))
    content = report_content(path, maps=False, tables=False, cache=False)
    assert content.report is report
    assert set(content.why) == {"L52"} and content.why["L52"].checked
    assert content.why["L52"].detail.startswith("A = 1u with u = [1]")
