"""The report's files: the document with its drawings, from computed content (the graph
by graphviz, the maps in the document's own language: LaTeX, or SVG and MathML).

:func:`latex_document` and :func:`html_file` render a
:class:`~boundprop.report.data.ReportContent` (the check, maps and tables,
computed by the caller: :func:`boundprop.api.report`); what cannot be drawn
(no graphviz) is left out with a note.
"""

from __future__ import annotations

import gc
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from boundprop.errors import BoundpropError, InputError
from boundprop.report.data import ReportContent
from boundprop.report.document import Figure, LatexDocument, dag_figure, report_latex
from boundprop.report.dot import render, to_dot
from boundprop.report.picture import MapPicture, map_latex, map_picture
from boundprop.verdict import PaperReport

if TYPE_CHECKING:
    from boundprop.maps import RegimeMap
    from boundprop.report.html import HtmlDocument

__all__ = ["dag_pdf", "file_name", "html_file", "keep_source", "latex_document", "map_pictures"]


def file_name(text: str) -> str:
    """A name graphicx accepts (no spaces, a single dot before the extension)."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "x"


def dag_pdf(report: PaperReport, prefix: str, notes: list[str]) -> Figure | None:
    if shutil.which("dot") is None:
        notes.append("the dependency graph is left out: graphviz's dot is not installed (apt-get install graphviz)")
        return None
    try:
        pdf = render(to_dot(report, include_definitions=False), "pdf")
    except BoundpropError as exc:
        notes.append(f"the dependency graph is left out: {exc}")
        return None
    return dag_figure(pdf, report.paper, name=f"{prefix}dag.pdf")


def map_pictures(maps: tuple[RegimeMap, ...], notes: list[str]) -> dict[str, MapPicture]:
    """What each map's drawing shows, by theorem; a map that cannot be drawn gets a note instead."""
    pictures = {}
    for rmap in maps:
        try:
            pictures[rmap.problem.theorem] = map_picture(rmap)
        except BoundpropError as exc:
            notes.append(f"the regime map of {rmap.problem.theorem} is not drawn: {exc}")
    return pictures


@contextmanager
def _old_objects_set_aside() -> Iterator[None]:
    """Rendering with the objects that already exist (the imported libraries, the
    paper, the check, the maps) set aside by the garbage collector, so its
    collections look only at what the rendering makes: otherwise every full
    collection walks the whole heap of sympy and numpy again, a tenth of the
    report's time. Nothing is left uncollected: the objects are handed back
    afterwards (and a program that froze objects itself is left alone)."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def keep_source(document: LatexDocument, directory: Path) -> Path:
    """Write a document that failed to compile, with its figures, for inspection."""
    try:
        directory.mkdir(exist_ok=True)
        (directory / "report.tex").write_text(document.tex, encoding="utf-8")
        for name, data in document.files.items():
            (directory / name).write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {directory}: {exc.strerror}") from None
    return directory / "report.tex"


def latex_document(content: ReportContent, prefix: str = "", show_seconds: bool = True) -> LatexDocument:
    """The report as LaTeX: the graph drawn as PDF (a file named with ``prefix``), the maps in LaTeX."""
    with _old_objects_set_aside():
        return _latex_document(content, prefix, show_seconds)


def _latex_document(content: ReportContent, prefix: str, show_seconds: bool) -> LatexDocument:
    notes = list(content.notes)
    dag = dag_pdf(content.report, prefix, notes)
    drawings = {theorem: map_latex(picture) for theorem, picture in map_pictures(content.maps, notes).items()}
    return report_latex(content, dag, drawings, notes=tuple(notes), show_seconds=show_seconds)


def html_file(content: ReportContent, show_seconds: bool = True) -> HtmlDocument:
    """The report as one self-contained HTML file, its figures drawn as inline SVG (the maps' labels in MathML)."""
    with _old_objects_set_aside():
        return _html_file(content, show_seconds)


def _html_file(content: ReportContent, show_seconds: bool) -> HtmlDocument:
    from boundprop.report.html import html_document  # not needed for LaTeX

    notes = list(content.notes)
    dag_svg = None
    if shutil.which("dot") is None:
        notes.append("the dependency graph is left out: graphviz's dot is not installed (apt-get install graphviz)")
    else:
        try:
            dag_svg = render(to_dot(content.report, include_definitions=False), "svg").decode()
        except BoundpropError as exc:
            notes.append(f"the dependency graph is left out: {exc}")
    pictures = map_pictures(content.maps, notes)
    return html_document(
        replace(content, notes=tuple(notes)), dag_svg=dag_svg, map_pictures=pictures, show_seconds=show_seconds
    )
