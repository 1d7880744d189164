"""Unit tests of the LaTeX writers: escaping, safe-direction rounding,
statements in the paper's notation, counterexamples, log parsing."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from latex_support import DATA, toy_table

from boundprop.loader import load_paper
from boundprop.report.compile import (
    LatexError,
    LatexNotFoundError,
    compile_latex,
    find_engine,
    parse_log,
)
from boundprop.report.latex import (
    Typesetter,
    bound_table_latex,
    counterexample_latex,
    escape,
    exact_latex,
    matrix_latex,
)

# ---------------------------------------------------------------------------
# escaping


@pytest.mark.parametrize(
    ("char", "escaped"),
    [
        ("&", r"\&"),
        ("%", r"\%"),
        ("$", r"\$"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("{", r"\{"),
        ("}", r"\}"),
        ("~", r"\textasciitilde{}"),
        ("^", r"\textasciicircum{}"),
        ("\\", r"\textbackslash{}"),
    ],
)
def test_every_special_character_is_escaped(char: str, escaped: str) -> None:
    assert escape(f"a{char}b") == f"a{escaped}b"


def test_escape_leaves_no_bare_special_characters() -> None:
    text = escape(r"100% of $x_1$ & {y} # ~z^2 \cmd")
    bare = re.sub(r"\\(textbackslash|textasciitilde|textasciicircum)\{\}|\\[&%$#_{}]", "", text)
    assert not set(bare) & set("&%$#_{}~^\\")


def test_unicode_becomes_math_and_unknown_characters_are_named() -> None:
    assert escape("η ≤ ε") == r"\ensuremath{\eta} \ensuremath{\le} \ensuremath{\varepsilon}"
    assert escape("x <= 1") == r"x \ensuremath{\le} 1"
    assert escape("\u2603") == "[U+2603]"
    assert escape("café") == "café"


def test_long_tokens_get_break_points() -> None:
    text = escape("no_counterexample_in_4000_samples_and_6_local_searches")
    assert r"\allowbreak{}" in text
    assert escape("short words stay as they are") == "short words stay as they are"


def test_table_prints_upper_ends_rounded_up() -> None:
    tex = bound_table_latex(toy_table(), digits=2, float_env=False)
    # 1/3 rounded up to 2 digits is 0.34, never 0.33; 1.960001 -> 2.0
    assert "$0.34$" in tex and "$0.33$" not in tex
    assert "$2.0$" in tex


# ---------------------------------------------------------------------------
# statements and counterexamples


def test_definitions_stay_unexpanded_and_latex_fields_are_used() -> None:
    paper = load_paper(Path(DATA / "toy_collapse.toml"))
    ts = Typesetter(paper)
    text = ts.expression(paper.nodes["R2"].conclusion or "")
    assert r"g\left(" in text and r"\theta_\ell" in text and r"\eta" in text
    assert "exp" not in text and "e^{" not in text


def test_hypotheses_chain_and_sentence() -> None:
    ts = Typesetter(load_paper("example"))
    sentence = ts.node(ts.paper.nodes["E1"]).sentence()
    assert sentence == r"If $0 \leq x \leq \frac{5}{4}$, then $g\left(x\right) \leq 2 x$."
    assert ts.node(ts.paper.nodes["E5"]).domain == (
        r"A \in \mathbf{R}^{n \times d}",
        r"n \in \{1, \dots, 3\}",
        r"d \in \{1, 2\}",
    )


def test_unparseable_text_falls_back_to_verbatim() -> None:
    ts = Typesetter(load_paper("example"))
    assert ts.expression("nonsense(") == r"\text{\texttt{nonsense(}}"


def test_counterexamples_typeset_exact_values_and_matrices() -> None:
    ts = Typesetter(load_paper("example"))
    text = counterexample_latex({"x": "-5/4", "A": [["1", "1/2"], ["0", "-3"]], "A[0,1]": "7"}, ts)
    assert text == (
        r"$x = -\tfrac{5}{4}$, $A = \begin{bmatrix} 1 & \tfrac{1}{2} \\ 0 & -3 \end{bmatrix}$, $A_{0,1} = 7$"
    )
    assert exact_latex("123456789012345678901234567/3").startswith(r"\text{\texttt{")
    assert exact_latex("sqrt(2)") == r"\text{\texttt{sqrt(2)}}"
    assert matrix_latex([["0.5"]]) == r"\begin{bmatrix} \tfrac{1}{2} \end{bmatrix}"


# ---------------------------------------------------------------------------
# row flags (rigorous classification of table rows)


def test_row_flags_mark_vacuous_rows_and_failed_premises() -> None:
    import sympy as sp

    from boundprop.propagate import BoundTable, layer_model, layer_rows
    from boundprop.regimes import row_flags

    paper = load_paper(Path(DATA / "toy_collapse.toml"))
    fixed = {"eta": Fraction(1, 10), "H": Fraction(4), "phi0": Fraction(1)}
    rows = layer_rows(layer_model(paper, "R1"), {k: sp.Rational(v) for k, v in fixed.items()}, range(0, 4))
    flags = row_flags(paper, BoundTable(paper.id, "R1", "R1", fixed, rows, 4))
    assert flags[0].klass == "premises-fail"  # L = 0 is outside L's range [1, 64]
    # e_1 = 2*H*eta*phi0 = 0.8 > (1 + H*eta) - 1 = 0.4, the zero-layer baseline
    assert flags[1].klass == "vacuous" and "B-zero-layer" in flags[1].detail


# ---------------------------------------------------------------------------
# the LaTeX log and the engine


def test_parse_log_reads_errors_boxes_pages_and_missing_files() -> None:
    log = (
        "Overfull \\hbox (15.2pt too wide) in paragraph at lines 10--12\n"
        "Overfull \\hbox (0.3pt too wide) in paragraph at lines 20--20\n"
        "Underfull \\hbox (badness 10000) in paragraph at lines 5--6\n"
        "LaTeX Warning: Reference `node:E1' on page 2 undefined on input line 40.\n"
        "LaTeX Warning: Hyper reference `node:E9' on page 3 undefined on input line 41.\n"
        "! LaTeX Error: File `tikz.sty' not found.\n"
        "l.3 \\usepackage\n"
        "Output written on doc.pdf (4 pages, 1 bytes).\n"
    )
    summary = parse_log(log)
    assert summary.pages == 4
    assert [i.amount_pt for i in summary.overfull] == [15.2, 0.3]
    assert [i.line for i in summary.overfull_worse_than(1.0)] == [10]
    assert len(summary.underfull) == 1
    assert summary.missing[0].message == "tikz.sty"
    assert [i.message for i in summary.undefined] == ["Reference node:E1", "Hyper reference node:E9"]
    assert summary.errors[0].line == 3


def test_missing_engine_names_the_packages_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.delenv("BOUNDPROP_LATEX", raising=False)
    with pytest.raises(LatexNotFoundError, match="texlive-latex-base texlive-latex-recommended"):
        find_engine()


def test_missing_engine_in_the_cli_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, run_cli: object
) -> None:
    monkeypatch.setenv("BOUNDPROP_LATEX", "no-such-latex-engine")
    code, out, err = run_cli("report", "example", "--out", str(tmp_path / "r.pdf"))  # type: ignore[operator]
    assert code == 3
    assert "texlive-latex-base" in err and len(err.strip().splitlines()) == 1


def test_report_rejects_other_suffixes(tmp_path: Path, run_cli: object) -> None:
    code, _, err = run_cli("report", "example", "--out", str(tmp_path / "r.docx"))  # type: ignore[operator]
    assert code == 3 and ".tex, .pdf or .html" in err


@pytest.mark.latex
def test_compile_errors_quote_the_first_error() -> None:
    pytest.importorskip("shutil")
    if not _has_engine():
        pytest.skip("no LaTeX engine installed")
    with pytest.raises(LatexError, match="Undefined control sequence"):
        compile_latex("\\documentclass{article}\\begin{document}\\nosuchmacro\\end{document}")


def _has_engine() -> bool:
    import shutil

    return shutil.which("pdflatex") is not None or shutil.which("lualatex") is not None


# ---------------------------------------------------------------------------
# the table and regimes commands with --format latex


def test_table_command_writes_booktabs(run_cli: object) -> None:
    code, out, err = run_cli(  # type: ignore[operator]
        "table", "R1", "--paper", str(DATA / "toy_collapse.toml"), "--layers", "0:3",
        "--format", "latex", "--digits", "3",
    )
    assert code == 0, err
    assert r"\toprule" in out and r"$\varphi_\ell$" in out and r"$\eta = \tfrac{1}{10}$" in out
    assert "{\\footnotesize premises fail}" in out and "N2, the operator" in out
    assert not out.startswith(r"\documentclass")
    code, out, _ = run_cli(  # type: ignore[operator]
        "table", "R1", "--paper", str(DATA / "toy_collapse.toml"), "--layers", "0:3",
        "--format", "latex", "--standalone",
    )
    assert code == 0 and out.startswith(r"\documentclass") and out.rstrip().endswith(r"\end{document}")


def test_regimes_command_writes_a_class_table(run_cli: object) -> None:
    code, out, err = run_cli(  # type: ignore[operator]
        "regimes", "R1", "--paper", str(DATA / "toy_collapse.toml"), "--depth", "4", "--format", "latex",
    )
    assert code == 0, err
    assert r"Class & Meaning & Parameter range (bounding box) & Volume & Cells \\" in out
    assert "includegraphics" not in out


def test_transposes_of_sums_are_parenthesised_and_sizes_of_constants_dropped() -> None:
    ts = Typesetter(load_paper("alman-song-2025"))
    text = ts.expression("normN1(softmax(beta*(X + A)*W_Q*W_K.T*(X + A).T)) <= 1")
    assert r"W_{K}^\top \left(X + A\right)^\top" in text
    assert ts.expression("normN1(eye(d) + ones(n, n)/n) <= 1") == (
        r"\|I + \frac{\mathbf{1}}{n}\|_{\max} \leq 1"
    )


def test_notation_table_shows_every_builtin() -> None:
    from boundprop.report.latex import notation_table

    paper = load_paper("alman-song-2025")
    table = notation_table(paper, Typesetter(paper))
    assert r"$\sum_{j=a}^{b} f(j)$" in table and r"$\mathbf{1}$ & \texttt{ones}" in table
    assert r"\mathrm{bal}\left(Y, u\right) = " in table


def test_proof_steps_starting_with_a_bracket_are_typeset() -> None:
    from dataclasses import replace

    from latex_support import example_report

    from boundprop.check import StepOutcome
    from boundprop.report.latex import node_section
    from boundprop.verdict import CheckResult, Status

    report = example_report()
    node = report.nodes["E4"]
    steps = (
        StepOutcome(1, "(1 + t)*g(t) <= 2*t*(1 + t)", CheckResult(Status.PROVED, "z3", "unsat")),
        StepOutcome(2, "(steps imply the conclusion)", CheckResult(Status.PROVED, "syntactic", "")),
    )
    text = node_section(replace(node, steps=steps), report.paper, Typesetter(report.paper))
    assert r"\item $\left(1 + t\right) g\left(t\right) \leq 2 t \left(1 + t\right)$" in text
    assert r"\item (steps imply the conclusion)" in text


def test_report_without_graphviz_leaves_the_figure_out(monkeypatch: pytest.MonkeyPatch) -> None:
    from latex_support import example_report

    from boundprop.report.output import dag_pdf

    monkeypatch.setattr("shutil.which", lambda name: None)
    notes: list[str] = []
    assert dag_pdf(example_report(), "", notes) is None
    assert "apt-get install graphviz" in notes[0]


@pytest.mark.latex
def test_failed_compile_keeps_the_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, run_cli: object
) -> None:
    import shutil

    if shutil.which("pdflatex") is None and shutil.which("lualatex") is None:
        pytest.skip("no LaTeX engine installed")

    from boundprop.report import output
    from boundprop.report.latex import LatexDocument

    broken = LatexDocument("\\documentclass{article}\\begin{document}\\nosuchmacro\\end{document}", {"x.pdf": b"x"})
    monkeypatch.setattr(output, "latex_document", lambda content, prefix="", show_seconds=True: broken)
    code, _, err = run_cli("report", "example", "--out", str(tmp_path / "r.pdf"))  # type: ignore[operator]
    assert code == 3 and "Undefined control sequence" in err and "r-latex" in err
    assert (tmp_path / "r-latex" / "report.tex").read_text().startswith("\\documentclass")
    assert (tmp_path / "r-latex" / "x.pdf").exists()


def test_summary_lists_ill_defined_statements(tmp_path: Path) -> None:
    """An ill-defined statement is a finding: the summary names it with its witness
    (it was missing from the list of wrong claims)."""
    from boundprop.check import check_paper
    from boundprop.report.latex import report_document
    from boundprop.statement import Budget

    lemmas = tmp_path / "lemmas"
    lemmas.mkdir()
    path = lemmas / "tmp.toml"
    path.write_text(
        '[paper]\nid = "tmp"\ntitle = "temporary"\n\n[params]\n'
        'x = { domain = "real", range = ["-1", "1"] }\n\n'
        '[[node]]\nid = "A"\nprovenance = "paper"\nconclusion = "x/x <= 1"\n',
        encoding="utf-8",
    )
    report = check_paper(load_paper(path), Budget(max_boxes=2_000, samples=500))
    text = report_document(report, show_seconds=False).tex
    assert re.search(r"\\textbf\{Ill-defined:\}.*node:A.*undefined at \$x = 0\$", text), text[-2000:]


def test_paper_wording_is_set_as_math_not_printed_raw() -> None:
    # issue 19: `||J||_2 = 2 p_1 p_2` was printed with literal bars and underscores
    from boundprop.report.notation import wording_latex

    tex = wording_latex("softmax: ||J||_2 = 2 p_1 p_2 <= 1/2, 50% of e^theta & more")
    assert r"$\|J\|_{2}$" in tex and "$p_{1}$ $p_{2}$" in tex and r"$e^{\theta }$" in tex
    assert r"\textbar" not in tex and r"\_" not in tex
    assert r"50\% of" in tex and r"\&" in tex  # the prose around stays escaped text
    # what is not a short formula stays escaped text (a double subscript would not even compile)
    assert wording_latex("snake_case_name ok") == r"snake\_case\_name ok"
    assert wording_latex("||x_a_b|| here") == r"\textbar{}\textbar{}x\_a\_b\textbar{}\textbar{} here"


def test_wording_math_translates_to_html() -> None:
    from boundprop.report.mathml import latex_to_mathml
    from boundprop.report.notation import wording_latex

    for text in ("||J||_2 = 2 p_1 p_2", "X_{l+1} = X_l + sum_{h=1..H} SAtt_{l,h}(X_l)", "max_i |X_ij|", "(1 + x)^L"):
        for math in re.findall(r"\$([^$]+)\$", wording_latex(text)):
            assert "<math" in latex_to_mathml(math), math


def test_a_report_without_declared_maps_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 19: a report without map.* defaults had no maps or tables and nothing explained why
    from boundprop.api import report_content
    from boundprop.statement import Budget

    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path))
    budget = Budget(seconds=30.0, max_boxes=500, samples=100)
    notes = report_content("example", budget).notes
    assert any(n.startswith("no regime maps: there is no annotation file example.regimes.toml") for n in notes)
    assert any(n.startswith("no bound tables:") for n in notes)
    assert report_content("example", budget, maps=False, tables=False).notes == ()


@pytest.mark.parametrize("paper_id", ["alman-song-2025", "dong-2021", "wu-2024", "example"])
def test_every_statement_of_the_bundled_papers_is_typeset_not_shown_as_code(paper_id: str) -> None:
    # regressions: g(u) = exp(u) - 1 was taken for matrix-valued because the paper has a
    # matrix named u (its argument's name), and sumE/trace/norm2/entry, which are
    # numbers, for matrices: their comparisons failed to parse and were shown as code
    from boundprop.report.notation import Typesetter

    paper = load_paper(paper_id)
    typesetter = Typesetter(paper)
    for node in paper.nodes.values():
        for text in [*node.hypotheses, *([node.conclusion] if node.conclusion else [])]:
            latex = typesetter.expression(text)
            assert not latex.startswith(r"\text{"), (node.id, text)
