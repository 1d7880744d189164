"""The full report of a :class:`~boundprop.report.data.ReportContent` as one LaTeX document.

Both formats start here: the PDF compiles this document, and the HTML page
(:mod:`boundprop.report.html`) translates the very same document section by
section, so the two show the same sections, statements, numbers and words.
Drawings are passed in ready (PDF files for LaTeX, SVG for the web page).
"""

from __future__ import annotations

from collections.abc import Mapping

from boundprop.report.data import ReportContent
from boundprop.report.latex import (
    Figure,
    LatexDocument,
    Section,
    bound_table_latex,
    regime_summary_latex,
    report_document,
)

__all__ = ["report_latex"]


def report_latex(
    content: ReportContent,
    dag: Figure | None,
    map_figures: Mapping[str, tuple[str, bytes]] | None = None,
    notes: tuple[str, ...] | None = None,
    show_seconds: bool = True,
) -> LatexDocument:
    """The report as LaTeX.

    ``map_figures`` maps a regime map's theorem to the file name and bytes of
    its drawing (a map without one gets its table only); ``notes`` replace
    the content's notes (renderers add what they could not draw).
    """
    paper = content.report.paper
    map_figures = map_figures or {}
    sections: list[Section] = []
    if content.maps:
        parts = [r"\clearpage"]
        files: dict[str, bytes] = {}
        for rmap in content.maps:
            figure = map_figures.get(rmap.problem.theorem)
            if figure is not None:
                files[figure[0]] = figure[1]
            name = figure[0] if figure is not None else None
            parts.append(regime_summary_latex(rmap, paper, figure=name, placement="H"))
        sections.append(Section("Regime maps", "\n".join(parts), files))
    if content.tables:
        tables = [bound_table_latex(table, paper, placement="H") for table in content.tables]
        sections.append(Section("Bound tables", "\n".join(tables)))
    return report_document(
        content.report,
        dag=dag,
        sections=sections,
        notes=content.notes if notes is None else notes,
        show_seconds=show_seconds,
    )
