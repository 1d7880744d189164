"""Booktabs tables of computed results: per-layer bound tables and regime summaries.

The values come computed (:func:`boundprop.regimes.bound_table` with its row
flags, :func:`boundprop.regimes.pave`); this module only formats them, every
printed end rounded in the safe direction (:mod:`boundprop.report.numbers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy as sp

from boundprop.lemma import Paper
from boundprop.report.escape import escape, join, latex_label, texttt
from boundprop.report.notation import Typesetter, symbol_latex
from boundprop.report.numbers import enclosure_latex, fraction_latex, lower_latex, upper_latex
from boundprop.tables import BoundTable, RowFlag

__all__ = ["NORM_CONVENTIONS", "bound_table_latex", "norm_convention", "regime_summary_latex"]

NORM_CONVENTIONS = {
    "N1": r"N1, the entrywise max norm $\|A\| = \max_{i,j} |A_{ij}|$",
    "N2": r"N2, the operator $\infty$-norm $\|A\| = \max_i \sum_j |A_{ij}|$",
}

_FLAG_WORDS = {
    "premises-fail": "premises fail",
    "vacuous": "vacuous",
    "undetermined": "undetermined",
}


def norm_convention(variant: str) -> str:
    """The caption phrase for a node's norm variant (LaTeX).

    >>> norm_convention("N2").startswith("N2, the operator")
    True
    >>> norm_convention("N1, fine").endswith("(variant N1, fine)")
    True
    >>> norm_convention("")
    ''
    """
    if not variant:
        return ""
    first, _, rest = variant.partition(",")
    if first.strip() in NORM_CONVENTIONS:
        return NORM_CONVENTIONS[first.strip()] + (f" (variant {escape(variant)})" if rest.strip() else "")
    return "variant " + escape(variant)


def _table_symbols(table: BoundTable, paper: Paper | None) -> tuple[str, dict[str, str], list[str]]:
    """(index symbol, column key -> header symbol, definitions of columns that are
    expressions), from the columns' ``expr`` and the lemma file's ``latex`` fields."""
    index = r"\ell"
    headers = {c.key: c.latex for c in table.columns}
    definitions: list[str] = []
    if paper is None or not table.index:
        return index, headers, definitions
    if table.index in paper.params:
        index = symbol_latex(table.index, paper.params[table.index].latex)
    for column in table.columns:
        text = column.expr
        call = re.fullmatch(r"\s*(\w+)\(\s*" + re.escape(table.index) + r"\s*\)\s*", text)
        if not text.strip():
            continue
        if call and call.group(1) in paper.definitions:
            headers[column.key] = symbol_latex(call.group(1), paper.definitions[call.group(1)].latex)
        elif text.strip() in paper.params:  # a parameter (the theorem's bounded quantity): indexed by the layer
            name = text.strip()
            headers[column.key] = "{" + symbol_latex(name, paper.params[name].latex) + "}_{" + index + "}"
        else:  # an expression: the column keeps its short symbol, the caption says what it is
            definitions.append(f"${headers[column.key]} = {Typesetter(paper).expression(text)}$")
    return index, headers, definitions


def bound_table_latex(
    table: BoundTable,
    paper: Paper | None = None,
    digits: int | None = None,
    flags: Mapping[int, RowFlag] | None = None,
    both_ends: bool = False,
    float_env: bool = True,
    placement: str = "htbp",
) -> str:
    r"""A certified per-layer bound table as a booktabs ``tabular``.

    Parameters
    ----------
    table
        A :class:`boundprop.tables.BoundTable`.
    paper
        The paper, for the column symbols (``latex`` fields), the theorem's
        norm convention and its label.
    digits
        Significant digits (default: the table's).
    flags
        Rows to mark (default: the table's, :func:`boundprop.regimes.row_flags`) in a last column: vacuous,
        premises fail or undetermined, with the baselines and premises named
        in a note below the table.
    both_ends
        Print ``[lo, hi]`` (lower end rounded down, upper end up); default
        prints the upper end rounded up, which is what a bound needs.
    float_env
        Wrap in a ``table`` float with the caption; False gives the
        ``tabular`` and the caption as a paragraph below (for ``longtable``-free
        inclusion anywhere).
    placement
        Float placement; ``H`` (package ``float``) keeps the table where it is.

    Examples
    --------
    >>> from boundprop.tables import BoundTable, Enclosure, LayerRow
    >>> third = Enclosure(Fraction(1, 3), Fraction(1, 3), Fraction(1, 3))
    >>> row = LayerRow(2, {"phi": third, "eps": third, "e": third})
    >>> t = BoundTable("p", "R1", "R1", {"eta": Fraction(1, 10)}, (row,), 3)
    >>> print(bound_table_latex(t, float_env=False).splitlines()[4])
    2 & $0.334$ & $0.334$ & $0.334$ \\
    """
    digits = digits or table.digits
    index, headers, definitions = _table_symbols(table, paper)
    node = paper.nodes.get(table.theorem) if paper is not None else None
    columns = list(table.columns)
    flags = table.flags if flags is None else flags
    body = []
    for row in table.rows:
        cells = [str(row.layer)]
        for column in columns:
            enclosure = row[column.key]
            if both_ends:
                cells.append("$" + enclosure_latex(enclosure.lo, enclosure.hi, digits) + "$")
            else:
                cells.append("$" + upper_latex(enclosure.hi, digits) + "$")
        if flags:
            flag = flags.get(row.layer)
            cells.append(r"{\footnotesize " + _FLAG_WORDS.get(flag.klass, "") + "}" if flag else "")
        body.append(" & ".join(cells) + r" \\")
    fixed = ", ".join(
        "$" + (symbol_latex(k, paper.params[k].latex) if paper is not None and k in paper.params
               else str(sp.latex(sp.Symbol(k)))) + " = " + fraction_latex(v) + "$"
        for k, v in table.fixed.items()
    )
    label = escape(table.label)
    if node is not None and node.variant:
        label += " [" + escape(node.variant) + "]"
    caption = f"{label}: certified per-layer bounds"
    if paper is not None:
        caption += " for " + escape(paper.title)
    caption += f" at {fixed}" if fixed else ""
    caption += "."
    if definitions:
        caption += " Here " + " and ".join(definitions) + "."
    norm = norm_convention(node.variant) if node is not None else ""
    if norm:
        caption += f" Norm: {norm}."
    if both_ends:
        caption += (
            f" Each entry encloses the exact value: lower end rounded down, upper end rounded up, "
            f"{digits} significant digits."
        )
    else:
        caption += (
            f" Each entry is the upper end of a certified enclosure, rounded up to {digits} significant digits."
        )
    if table.recurrence:
        caption += " Recurrence check: " + escape(table.recurrence) + "."
    notes = []
    for klass in ("premises-fail", "vacuous", "undetermined"):
        marked = [f for f in flags.values() if f.klass == klass]
        baselines = sorted({b for f in marked for b in f.baselines})
        if klass == "vacuous" and baselines:
            notes.append("vacuous: no better than " + join((texttt(b) for b in baselines), "or"))
        elif marked:
            notes.append(_FLAG_WORDS[klass] + ": " + escape("; ".join(sorted({f.detail for f in marked}))))
    if notes:
        caption += (
            r" The last column says where the theorem, applied to a network of depth $L = "
            + index
            + r"$, is vacuous (no better than a baseline) or where its premises fail."
        )
    column_spec = "@{}r" + "r" * len(columns) + ("l" if flags else "") + "@{}"
    header = "$" + index + "$ & " + " & ".join("$" + headers[c.key] + "$" for c in columns)
    header += (f" & at $L = {index}$" if flags else "") + r" \\"
    tabular = [
        r"\begin{tabular}{" + column_spec + "}",
        r"\toprule",
        header,
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
    ]
    note_text = "; ".join(notes)
    if not float_env:
        out = tabular + ([r"\par\smallskip{\footnotesize " + note_text + ".}"] if notes else [])
        out.append(r"\par\smallskip{\small " + caption + "}")
        return "\n".join(out)
    lines = [
        rf"\begin{{table}}[{placement}]",
        r"\centering",
        r"\caption{" + caption + "}",
        rf"\label{{tab:bounds-{latex_label(table.theorem)}}}",
        *tabular,
    ]
    if notes:
        lines.append(r"\par\smallskip\parbox{0.9\linewidth}{\footnotesize " + note_text + ".}")
    lines.append(r"\end{table}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# regime summaries (boundprop regimes --format latex)


def _axis_range_latex(axis: Any, lo: Fraction, hi: Fraction, digits: int = 3) -> str:
    symbol = symbol_latex(axis.name, axis.latex)
    if axis.integer:
        if lo == hi:
            return f"{symbol} = {int(lo)}"
        return f"{symbol} \\in \\{{{int(lo)}, \\dots, {int(hi)}\\}}"
    # outward: the printed box contains the cells
    return f"{symbol} \\in [{lower_latex(lo, digits)}, {upper_latex(hi, digits)}]"


def regime_summary_latex(
    rmap: Any,
    paper: Paper | None = None,
    figure: str | None = None,
    float_env: bool = True,
    placement: str = "htbp",
    drawing: str | None = None,
) -> str:
    r"""The classes of a regime map with their parameter ranges and volume fractions.

    Each class's range is the bounding box of its cells, printed outward
    (lower ends rounded down, upper ends up, 3 significant digits). With a
    declared regime, the combined classes follow. ``figure`` is a file name
    (PDF or PNG, e.g. from ``--plot``) included as a figure after the table.

    Parameters
    ----------
    rmap
        A :class:`boundprop.maps.RegimeMap`.
    paper
        The paper (for its title and the theorem's norm variant).
    figure
        The map drawn by :func:`boundprop.report.plot.plot_map`.
    float_env
        Wrap the table in a ``table`` float.
    placement
        Float placement of the table and the figure (``H``: here, package ``float``).
    drawing
        The map drawn in LaTeX (:func:`boundprop.report.picture.map_latex`), the
        figure's body instead of a file.
    """
    problem = rmap.problem
    node = paper.nodes.get(problem.theorem) if paper is not None else None
    fractions = rmap.fractions()
    boxes: dict[str, list[tuple[Fraction, Fraction]]] = {}
    counts: dict[str, int] = {}
    for cell in rmap.cells:
        name = cell.klass.value
        counts[name] = counts.get(name, 0) + 1
        if name not in boxes:
            boxes[name] = list(cell.box)
        else:
            boxes[name] = [(min(a, c), max(b, d)) for (a, b), (c, d) in zip(boxes[name], cell.box, strict=True)]
    rows = []
    explain = {
        "premises-fail": "a premise of the theorem (or of a lemma it uses) fails",
        "vacuous": "the bound is no better than a baseline",
        "informative": "the bound beats every baseline",
        "undetermined": "not decided at this depth",
    }
    for name, fraction in fractions.items():
        if name in boxes:
            ranges = ", ".join(
                "$" + _axis_range_latex(axis, lo, hi) + "$"
                for axis, (lo, hi) in zip(problem.axes, boxes[name], strict=True)
                if axis.split
            )
        else:
            ranges = "---"
        cells = [escape(name), escape(explain.get(name, "")), ranges, f"${fraction:.3f}$", str(counts.get(name, 0))]
        rows.append(" & ".join(cells) + r" \\")
    combined_rows = []
    if problem.regimes:
        for name, fraction in sorted(rmap.combined_fractions().items()):
            combined_rows.append(f"{escape(name)} & ${fraction:.3f}$ \\\\")
    axes = ", ".join(
        "$" + _axis_range_latex(a, a.lo, a.hi) + "$" + (" (log scale)" if a.log else "")
        + ("" if a.split else " (projected: for all values)")
        for a in problem.axes
    )
    fixed = ", ".join(
        "$" + symbol_latex(k, problem.latex.get(k, k)) + " = " + fraction_latex(v) + "$"
        for k, v in problem.fixed.items()
    )
    label = escape(problem.label)
    if node is not None and node.variant:
        label += " [" + escape(node.variant) + "]"
    caption = f"Regimes of {label} over {axes}"
    caption += f" at {fixed}" if fixed else ""
    caption += (
        f": {len(rmap.cells)} rigorously classed cell{'s' if len(rmap.cells) != 1 else ''} "
        f"(bisection depth at most {rmap.depth}); "
        "volume fractions of the free axes"
        + ("; baselines: " + ", ".join(texttt(b.id) for b in problem.baselines) if problem.baselines else "")
        + "."
    )
    norm = norm_convention(node.variant) if node is not None else ""
    if norm:
        caption += f" Norm: {norm}."
    tabular = [
        r"\begin{tabular}{@{}l>{\raggedright\arraybackslash}p{0.27\linewidth}"
        r">{\raggedright\arraybackslash}p{0.3\linewidth}rr@{}}",
        r"\toprule",
        r"Class & Meaning & Parameter range (bounding box) & Volume & Cells \\",
        r"\midrule",
        *rows,
        r"\bottomrule",
        r"\end{tabular}",
    ]
    if combined_rows:
        regime = problem.regimes[0]
        tabular += [
            r"\par\medskip",
            r"\begin{tabular}{@{}lr@{}}",
            r"\toprule",
            r"With regime " + texttt(regime.id) + r" & Volume \\",
            r"\midrule",
            *combined_rows,
            r"\bottomrule",
            r"\end{tabular}",
        ]
    if problem.dropped:
        shown = list(problem.dropped[:6])
        more = len(problem.dropped) - len(shown)
        tabular.append(
            r"\par\smallskip\parbox{0.95\linewidth}{\footnotesize Premises left out (not over the map's parameters): "
            + escape("; ".join(shown))
            + (f"; and {more} more" if more else "")
            + ".}"
        )
    if float_env:
        lines = [
            rf"\begin{{table}}[{placement}]",
            r"\centering",
            r"\caption{" + caption + "}",
            rf"\label{{tab:regimes-{latex_label(problem.theorem)}}}",
            *tabular,
            r"\end{table}",
        ]
    else:
        lines = [*tabular, r"\par\smallskip{\small " + caption + "}"]
    if figure is not None or drawing is not None:
        lines += [
            rf"\begin{{figure}}[{placement}]",
            r"\centering",
            drawing if drawing is not None
            else rf"\includegraphics[width=\linewidth,height=0.5\textheight,keepaspectratio]{{{figure}}}",
            r"\caption{Regime map of " + label + r" (rigorous cells; hatched: undetermined).}",
            rf"\label{{fig:regimes-{latex_label(problem.theorem)}}}",
            r"\end{figure}",
        ]
    return "\n".join(lines)
