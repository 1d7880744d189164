"""Compile the LaTeX outputs with a real engine (pdflatex or lualatex).

Skipped only when no engine is installed; CI installs texlive-latex-base and
texlive-latex-recommended, so these run there. A failed compile fails the
test with the first LaTeX error; overfull boxes of more than 1pt fail it too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from latex_support import DATA, example_report, fake_decide, small_pdf, toy_map, toy_table

from boundprop.loader import load_paper
from boundprop.report.compile import CompileResult, compile_latex
from boundprop.report.latex import (
    RowFlag,
    bound_table_latex,
    dag_figure,
    escape,
    regime_summary_latex,
    report_document,
    standalone,
)

pytestmark = [
    pytest.mark.latex,
    pytest.mark.skipif(
        shutil.which("pdflatex") is None and shutil.which("lualatex") is None,
        reason="no LaTeX engine installed (apt-get install texlive-latex-base texlive-latex-recommended)",
    ),
]


def _clean(result: CompileResult) -> None:
    assert result.pdf.startswith(b"%PDF")
    bad = result.summary.overfull_worse_than(1.0)
    assert not bad, "overfull boxes: " + "; ".join(i.message for i in bad)
    assert not result.summary.undefined, [i.message for i in result.summary.undefined]


def test_report_of_example_compiles() -> None:
    report = example_report()
    dag = None
    if shutil.which("dot") is not None:
        from boundprop.report.dot import render, to_dot

        dag = dag_figure(render(to_dot(report), "pdf"), report.paper)
    notes = ("special characters: 100% & $x_1$ # {~^} \\ <= >= and Unicode: η ≤ ε, ‖X‖₂ ∈ ℝ, ∑ᵢ xᵢ ☃",)
    document = report_document(report, dag=dag, notes=notes)
    result = compile_latex(document.tex, document.files)
    _clean(result)
    assert result.pages is not None and result.pages >= 2


def test_bound_table_and_regime_summary_compile(tmp_path: Path) -> None:
    paper = load_paper(Path(DATA / "toy_collapse.toml"))
    flags = {0: RowFlag(0, "premises-fail", "range of L: L >= 1"), 2: RowFlag(2, "vacuous", "no better than B")}
    small_pdf(tmp_path / "toy-regimes.pdf")
    body = "\n".join(
        [
            bound_table_latex(toy_table(), paper, flags=flags),
            bound_table_latex(toy_table(), paper, both_ends=True, float_env=False),
            regime_summary_latex(toy_map(), paper, figure="toy-regimes.pdf"),
        ]
    )
    result = compile_latex(
        standalone(body, title="Tables of " + escape(paper.title)),
        {"toy-regimes.pdf": (tmp_path / "toy-regimes.pdf").read_bytes()},
    )
    _clean(result)


def test_report_command_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: object
) -> None:
    """`boundprop report` on the toy paper: .tex (the maps drawn in it, the graph beside it) that
    compiles, and .pdf.

    The backends are replaced by a fast stand-in (they have their own tests); the
    maps are still paved, drawn and compiled, and the tables computed."""
    monkeypatch.setattr("boundprop.check.default_decide", fake_decide)
    target = str(DATA / "toy_collapse.toml")
    code, out, err = run_cli(  # type: ignore[operator]
        "report", target, "--out", str(tmp_path / "toy.tex"), "--depth", "5", "--no-timings"
    )
    assert code == 0, err
    tex = (tmp_path / "toy.tex").read_text()
    assert r"\section*{Regime maps}" in tex and r"\section*{Bound tables}" in tex
    # both maps drawn in the document (a LaTeX picture each), no map file beside it
    assert tex.count(r"\begin{picture}") >= 2 and r"\caption{Regime map of R1" in tex
    assert r"\caption{Regime map of Theorem 5.3" in tex
    files = {p.name: p.read_bytes() for p in tmp_path.glob("toy-*.pdf")}
    assert not [name for name in files if "regimes" in name]
    if shutil.which("dot") is not None:
        assert "toy-dag.pdf" in files
    _clean(compile_latex(tex, files))

    code, _, err = run_cli(  # type: ignore[operator]
        "report", target, "--out", str(tmp_path / "toy.pdf"), "--no-maps", "--no-tables"
    )
    assert code == 0, err
    assert (tmp_path / "toy.pdf").read_bytes().startswith(b"%PDF")
