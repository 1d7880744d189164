"""The verification report as one self-contained HTML page.

The page is the PDF report translated: :func:`boundprop.report.document.report_latex`
writes the document from the results, and each of its sections becomes HTML
(:mod:`boundprop.report.texhtml`, formulas as MathML), so both formats show
the same sections, statements, evidence and numbers. What the web page adds:

* the dependency graph as inline SVG (graphviz) in which every statement is a
  link to its section and its tooltip (``<title>``) says its label and status;
* the regime maps as inline SVG, their labels and legend in HTML and MathML;
* a table of contents and a highlighted target section.

Everything is inline (styles, the small script, the drawings): the file
opens offline and can be sent as it is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape as _html

from boundprop import __version__
from boundprop.report.data import ReportContent
from boundprop.report.document import dag_figure, report_latex
from boundprop.report.dot import BORDER, FILL, FULLY_CHECKED_BORDER
from boundprop.report.mathml import UnsupportedLatex
from boundprop.report.picture import MapPicture, map_svg_html
from boundprop.report.texhtml import braced, fragment_html, node_anchor, safely, text_html
from boundprop.verdict import PaperReport, Status

__all__ = ["HtmlDocument", "html_document", "interactive_dag", "section_anchor"]

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_DAG_NAME = "dag.svg"


@dataclass(frozen=True, slots=True)
class HtmlDocument:
    """The page and the notes on what it leaves out."""

    html: str
    notes: tuple[str, ...] = ()


def section_anchor(title: str) -> str:
    """The id of a top-level section.

    >>> section_anchor("Dependency graph")
    'dependency-graph'
    """
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _tooltip(node_id: str, report: PaperReport) -> str:
    node = report.nodes[node_id]
    text = node.label + (f" [{node.variant}]" if node.variant else "") + f": {node.status.value}"
    if node.fully_checked:
        text += ", fully checked"
    if node.proof_status is Status.REFUTED:
        text += "; proof refuted"
    return text + " (click: go to its section)"


def interactive_dag(svg: str, report: PaperReport) -> str:
    """graphviz's SVG of the DAG with each statement a link to its section.

    Every node drawn for a statement of the paper becomes ``<a href="#node-ID">``
    with a ``<title>`` giving its label and status (the browser's tooltip) and a
    ``data-node`` attribute with its id; the legend's boxes get their status as
    title. A graph wider than the page shrinks to its width (its ``viewBox`` is kept).
    """
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    root = ET.fromstring(svg)
    root.attrib.pop("height", None)  # the width stays the natural one; CSS shrinks a wide graph to the page
    root.set("class", "dag-drawing")
    for group in root.iter(f"{{{_SVG}}}g"):
        if group.get("class") != "node":
            continue
        title = group.find(f"{{{_SVG}}}title")
        if title is None or title.text is None:
            continue
        node_id = title.text
        for anchor in group.iter(f"{{{_SVG}}}a"):
            anchor.attrib.pop(f"{{{_XLINK}}}title", None)
        if node_id not in report.nodes or node_id not in report.paper.nodes:
            if node_id.startswith("legend "):
                title.text = "status: " + node_id.removeprefix("legend ")
            continue
        title.text = _tooltip(node_id, report)
        group.set("data-node", node_id)
        anchors = list(group.iter(f"{{{_SVG}}}a"))
        if not anchors:  # no tooltip in the DOT: wrap the shapes in a link
            link = ET.Element(f"{{{_SVG}}}a")
            for child in [c for c in group if c is not title]:
                group.remove(child)
                link.append(child)
            group.append(link)
            anchors = [link]
        for anchor in anchors:
            anchor.set("href", "#" + node_anchor(node_id))
    for text in root.iter(f"{{{_SVG}}}title"):  # the graph's own title would be the tooltip of the background
        if text.text == report.paper.id:
            text.text = report.paper.title
    return ET.tostring(root, encoding="unicode")


def _split_sections(body: str) -> list[tuple[str, str]]:
    """``\\section*{T}`` pieces of the document body: (title, LaTeX) in order."""
    parts = re.split(r"\\section\*\{([^{}]*)\}", body)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def _statements_html(tex: str) -> str:
    """The Statements section: one ``<section id="node-ID">`` per ``\\subsection*``."""
    pieces = re.split(r"\\subsection\*", tex)
    out = [safely(fragment_html, pieces[0]) if pieces[0].strip() else ""]
    for piece in pieces[1:]:
        label = re.search(r"\\label\{node:([^{}]*)\}", piece)
        anchor = "node-" + label.group(1) if label else ""
        try:
            heading, end = braced(piece, 0)
            rest = piece[end:]
            title, _, status = heading.partition(r"\hfill")
            html = (
                f'<h3><span class="node-title">{text_html(title.strip())}</span> {text_html(status.strip())}</h3>'
                + fragment_html(rest)
            )
        except UnsupportedLatex:
            html = f'<pre class="tex">{_html(piece)}</pre>'
        out.append(f'<section class="node" id="{_html(anchor)}">{html}</section>')
    return "\n".join(o for o in out if o)


def _style() -> str:
    statuses = "\n".join(
        f".st-{s.value} {{ background: {FILL[s]}; border-color: {BORDER[s]}; }}" for s in Status
    )
    return _CSS.replace("/*STATUSES*/", statuses).replace("/*FULLY*/", FULLY_CHECKED_BORDER)


def html_document(
    content: ReportContent,
    dag_svg: str | None = None,
    map_pictures: Mapping[str, MapPicture] | None = None,
    show_seconds: bool = True,
) -> HtmlDocument:
    """The report as one HTML page.

    Parameters
    ----------
    content
        What the report shows (the check, the regime maps, the bound tables).
    dag_svg
        graphviz's SVG of the dependency graph (None: the page says it is not drawn).
    map_pictures
        What each regime map's drawing shows, by theorem id (drawn here as SVG).
    show_seconds
        Print check times (off for reproducible output).
    """
    report = content.report
    paper = report.paper
    map_pictures = map_pictures or {}
    figures: dict[str, str] = {}
    dag = None
    if dag_svg is not None:
        dag = dag_figure(b"", paper, name=_DAG_NAME)
        figures[_DAG_NAME] = interactive_dag(dag_svg, report)
    map_drawings: dict[str, str] = {}
    for rmap in content.maps:
        picture = map_pictures.get(rmap.problem.theorem)
        if picture is not None:
            name = f"map-{len(map_drawings)}"
            map_drawings[rmap.problem.theorem] = rf"\includegraphics{{{name}}}"  # where fragment_html puts it
            figures[name] = map_svg_html(picture, name)
    document = report_latex(content, dag, map_drawings, show_seconds=show_seconds)
    body = document.tex.split(r"\begin{document}", 1)[1].rsplit(r"\end{document}", 1)[0]
    head, *_ = re.split(r"\\section\*\{", body, maxsplit=1)
    sections = _split_sections(body)
    parts = [f"<header>{safely(fragment_html, head)}</header>"]
    toc = "".join(
        f'<li><a href="#{section_anchor(title)}">{_html(title)}</a></li>' for title, _ in sections
    )
    parts.append(f'<nav class="toc"><ol>{toc}</ol></nav>')
    for title, tex in sections:
        if title == "Statements":
            inner = _statements_html(tex)
        else:
            inner = safely(lambda t: fragment_html(t, figures), tex)
            if title == "Dependency graph" and dag is not None:
                inner = _DAG_CONTROLS + inner
        parts.append(
            f'<section class="part" id="{section_anchor(title)}"><h2>{_html(title)}</h2>\n{inner}\n</section>'
        )
    page = _PAGE.format(
        title=_html(f"Verification report: {paper.title}"),
        style=_style(),
        script=_SCRIPT,
        version=_html(__version__),
        body="\n".join(parts),
    )
    return HtmlDocument(page, document.notes)


_DAG_CONTROLS = (
    '<p class="dag-help">Click a statement to open its section; hover for its label and status. '
    '<button type="button" id="dag-size">Actual size</button></p>'
)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="boundprop {version}">
<title>{title}</title>
<style>
{style}
</style>
</head>
<body>
<main>
{body}
</main>
<script>
{script}
</script>
</body>
</html>
"""

_CSS = """
:root { --fully: /*FULLY*/; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #212529; background: #fff; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
header .center { text-align: center; }
header .center p { margin: 0.2rem 0; }
h2 { border-bottom: 1px solid #dee2e6; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; display: flex; justify-content: space-between; gap: 1rem; align-items: baseline; }
nav.toc ol { display: flex; flex-wrap: wrap; gap: 0.4rem 1.5rem; padding-left: 1.2rem; }
a { color: #1864ab; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em;
       overflow-wrap: anywhere; }
pre.tex, code.tex { background: #f8f9fa; white-space: pre-wrap; overflow-wrap: anywhere; }
math { font-size: 1.05em; }
.badge { display: inline-block; border: 1.5px solid; border-radius: 3px; padding: 0 0.35em;
         font-size: 0.85em; line-height: 1.35; white-space: nowrap; font-family: system-ui, sans-serif; }
/*STATUSES*/
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { padding: 0.2rem 0.6rem; vertical-align: top; }
thead tr { border-top: 2px solid #212529; border-bottom: 1px solid #212529; }
tbody tr:last-child { border-bottom: 2px solid #212529; }
figure { margin: 1rem 0; overflow-x: auto; }
figcaption { font-size: 0.9em; color: #495057; margin-top: 0.4rem; }
.drawing svg { max-width: 100%; height: auto; }
.dag-wide .drawing svg { max-width: none; }
.dag-drawing g.node[data-node] { cursor: pointer; }
.dag-drawing g.node[data-node]:hover polygon, .dag-drawing g.node[data-node]:hover ellipse
  { stroke-width: 4; }
.dag-help { font-size: 0.9em; color: #495057; }
.map { display: flex; flex-direction: column; align-items: center; gap: 0.4rem; }
.map-title { text-align: center; font-size: 0.95em; }
.map-row { display: flex; align-items: center; gap: 0.5rem; max-width: 100%; }
.map-axes { display: flex; flex-direction: column; align-items: center; width: 32rem; max-width: 100%; flex: 0 1 auto; }
.map-axes svg { width: 100%; height: auto; }
.map-legend { list-style: none; margin: 0; padding: 0; font-size: 0.85em; align-self: flex-start; }
.map-legend li { display: flex; align-items: center; gap: 0.4em; margin: 0.15em 0; }
.map-legend .swatch { flex: none; width: 1.4em; height: 0.9em; border: 1px solid #000; }
.map-legend .swatch.hatched { background-image: repeating-linear-gradient(-45deg, #000 0 1px, transparent 1px 5px); }
dl.fields { display: grid; grid-template-columns: 7.5em 1fr; gap: 0.15rem 0.8rem; margin: 0.3rem 0 0; }
dl.fields dt { font-size: 0.85em; color: #495057; font-family: system-ui, sans-serif; padding-top: 0.1em; }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
dl.fields ol { margin: 0.2rem 0; padding-left: 1.4rem; }
section.node { border-left: 3px solid transparent; padding: 0.1rem 0 0.6rem 0.8rem; margin-left: -0.8rem;
               scroll-margin-top: 0.5rem; }
section.node:target { border-left-color: #1864ab; background: #f1f6fd; }
.note { display: block; font-size: 0.9em; }
.sf { font-family: system-ui, sans-serif; }
@media print { .dag-help button { display: none; } }
"""

# The one script: a wide graph fits the page's width, or shows at its natural size (scroll sideways).
_SCRIPT = """
(function () {
  var button = document.getElementById("dag-size");
  var part = document.getElementById("dependency-graph");
  if (!button || !part) { return; }
  button.addEventListener("click", function () {
    var wide = part.classList.toggle("dag-wide");
    button.textContent = wide ? "Fit to width" : "Actual size";
  });
})();
"""
