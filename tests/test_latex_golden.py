"""Golden LaTeX of the example paper's report, a bound table and a regime summary.

Regenerate after an intended change: ``BOUNDPROP_UPDATE_GOLDEN=1 pytest tests/test_latex_golden.py``
(see tests/latex_support.py), then review ``git diff tests/golden``.
"""

from __future__ import annotations

from pathlib import Path

from latex_support import DATA, check_golden, example_report, toy_map, toy_table

from boundprop.loader import load_paper
from boundprop.report.latex import (
    Figure,
    bound_table_latex,
    dag_figure,
    regime_summary_latex,
    report_document,
    standalone,
)


def test_report_of_example_matches_golden() -> None:
    report = example_report()
    dag = dag_figure(b"%PDF-1.4 placeholder", report.paper)
    document = report_document(report, dag=dag, notes=("a note with 100% & $pecial_chars",), show_seconds=False)
    assert set(document.files) == {"dag.pdf"}
    check_golden("example_report.tex", document.tex)


def test_report_without_dag_says_so() -> None:
    document = report_document(example_report(), dag=None, show_seconds=False)
    assert "dot} was not available" in document.tex
    assert not document.files


def test_bound_table_matches_golden() -> None:
    paper = load_paper(Path(DATA / "toy_collapse.toml"))
    from boundprop.report.latex import RowFlag

    flags = {
        0: RowFlag(0, "premises-fail", "range of L: L >= 1"),
        2: RowFlag(2, "vacuous", "no better than B-zero-layer"),
    }
    check_golden("toy_table.tex", standalone(bound_table_latex(toy_table(), paper, flags=flags)))
    check_golden("toy_table_both_ends.tex", bound_table_latex(toy_table(), paper, both_ends=True, float_env=False))


def test_regime_summary_matches_golden() -> None:
    paper = load_paper(Path(DATA / "toy_collapse.toml"))
    check_golden("toy_regimes.tex", regime_summary_latex(toy_map(), paper, figure="toy-regimes.pdf"))


def test_figure_names_are_kept() -> None:
    report = example_report()
    document = report_document(report, dag=Figure("x-dag.pdf", b"data", "caption"), show_seconds=False)
    assert document.files == {"x-dag.pdf": b"data"}
    assert r"{x-dag.pdf}" in document.tex
