"""`boundprop report`: the whole verification report as LaTeX, PDF or HTML.

Checks the paper, draws its dependency graph (graphviz), paves the regime
maps and computes the bound tables its annotation file declares, and writes
one LaTeX document: ``--out FILE.tex`` writes the source and the figures
beside it (``FILE-dag.pdf``, ``FILE-regimes-*.pdf``); ``--out FILE.pdf``
compiles it with pdflatex or lualatex; ``--out FILE.html`` writes one
self-contained web page (the graph and the maps as inline SVG, the formulas as
MathML) from the same results.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import Progress

from boundprop import cache
from boundprop.cli.graph_cmd import add_budget_arguments, budget_of
from boundprop.errors import BoundpropError, InputError
from boundprop.lemma import Paper
from boundprop.regimes import DEFAULT_DEPTH
from boundprop.report.data import ReportContent
from boundprop.report.document import Figure, LatexDocument, dag_figure
from boundprop.verdict import PaperReport

if TYPE_CHECKING:
    from boundprop.propagate import BoundTable
    from boundprop.regimes import RegimeMap
    from boundprop.report.html import HtmlDocument

HELP = (
    "write the whole verification report (DAG, statements, evidence, regime maps, bound tables) "
    "as .tex, .pdf or .html"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help="bundled paper id or path to a lemma .toml")
    parser.add_argument(
        "-o", "--out", required=True, metavar="FILE",
        help="FILE.tex (source and figures), FILE.pdf or FILE.html (one self-contained page)",
    )
    add_budget_arguments(parser)
    parser.add_argument("--engine", metavar="NAME", help="pdflatex or lualatex (default: the first installed)")
    parser.add_argument("--depth", type=int, default=DEFAULT_DEPTH, metavar="N",
                        help="bisection depth of the regime maps (the same default as regimes)")
    parser.add_argument("--layers", default="0:8", metavar="A:B", help="layers of the bound tables")
    parser.add_argument("--digits", type=int, default=4, help="significant digits in the bound tables (1-50)")
    parser.add_argument("--no-maps", action="store_true", help="leave out the regime maps")
    parser.add_argument("--no-tables", action="store_true", help="leave out the bound tables")
    parser.add_argument("--no-timings", action="store_true", help="omit check times (reproducible output)")


def _file_name(text: str) -> str:
    """A name graphicx accepts (no spaces, a single dot before the extension)."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "x"


def _dag(report: PaperReport, prefix: str, notes: list[str]) -> Figure | None:
    from boundprop.report.dot import render, to_dot

    if shutil.which("dot") is None:
        notes.append("the dependency graph is left out: graphviz's dot is not installed (apt-get install graphviz)")
        return None
    try:
        pdf = render(to_dot(report, include_definitions=False), "pdf")
    except BoundpropError as exc:
        notes.append(f"the dependency graph is left out: {exc}")
        return None
    return dag_figure(pdf, report.paper, name=f"{prefix}dag.pdf")


def _theorems_with(paper: Paper, keys: object) -> list[str]:
    from boundprop.propagate import find_node

    out: list[str] = []
    for key in keys:  # type: ignore[attr-defined]
        if key == "*":
            continue
        try:
            node_id = find_node(paper, str(key)).id
        except BoundpropError:
            continue
        if node_id not in out:
            out.append(node_id)
    return out


def _regime_maps(paper: Paper, depth: int, notes: list[str], tick: Callable[[str], None]) -> list[RegimeMap]:
    """Pave the regime maps the annotation file declares."""
    from boundprop.propagate import load_annotations
    from boundprop.regimes import default_problem, pave

    ann = load_annotations(paper)
    maps: list[RegimeMap] = []
    for theorem in _theorems_with(paper, ann.maps):
        tick(f"regime map of {theorem}")
        try:
            maps.append(pave(default_problem(paper, theorem, ann), depth=depth))
        except BoundpropError as exc:
            notes.append(f"the regime map of {theorem} is left out: {exc}")
    return maps


def _plot(rmap: RegimeMap, name: str, notes: list[str]) -> bytes | None:
    """The map drawn by matplotlib to a file ``name`` (its suffix picks the format), or None with a note."""
    from boundprop.report.plot import plot_map

    with tempfile.TemporaryDirectory(prefix="boundprop-map-") as tmp:
        try:
            plot_map(rmap, Path(tmp) / name)
            return (Path(tmp) / name).read_bytes()
        except BoundpropError as exc:
            notes.append(f"the regime map of {rmap.problem.theorem} is not drawn: {exc}")
            return None


def _bound_tables(
    paper: Paper, layers_text: str, digits: int, notes: list[str], tick: Callable[[str], None], use_cache: bool = True
) -> list[BoundTable]:
    """The bound tables the annotation file declares, with their row flags (as ``boundprop table`` computes them)."""
    from boundprop.api import table
    from boundprop.cli.table_cmd import parse_layers
    from boundprop.propagate import load_annotations

    layers = parse_layers(layers_text)
    tables: list[BoundTable] = []
    for theorem in _theorems_with(paper, load_annotations(paper).table_fix):
        tick(f"bound table of {theorem}")
        try:
            tables.append(table(theorem, paper=paper, layers=layers, digits=digits, cache=use_cache, flags=True).table)
        except BoundpropError as exc:
            notes.append(f"the bound table of {theorem} is left out: {exc}")
    return tables


def _keep_source(document: LatexDocument, directory: Path) -> Path:
    """Write a document that failed to compile, with its figures, for inspection."""
    try:
        directory.mkdir(exist_ok=True)
        (directory / "report.tex").write_text(document.tex, encoding="utf-8")
        for name, data in document.files.items():
            (directory / name).write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {directory}: {exc.strerror}") from None
    return directory / "report.tex"


def collect(args: argparse.Namespace, console: Console) -> ReportContent:
    """Check the paper, pave its regime maps and compute its bound tables (what both formats show)."""
    if not 1 <= args.digits <= 50:
        raise InputError("--digits must be between 1 and 50")
    budget = budget_of(args)
    notes: list[str] = []
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(f"checking {args.target}", total=None)

        def progress(node_id: str, index: int, total: int) -> None:
            bar.update(task, total=total, completed=index, description=f"checking {node_id}")

        def tick(what: str) -> None:
            bar.update(task, description=what)

        report, _ = cache.check(args.target, budget, progress=progress, read=not args.no_cache)
        paper = report.paper
        maps = [] if args.no_maps else _regime_maps(paper, args.depth, notes, tick)
        tables = (
            [] if args.no_tables else _bound_tables(paper, args.layers, args.digits, notes, tick, not args.no_cache)
        )
    return ReportContent(report, tuple(maps), tuple(tables), tuple(notes))


def latex_document(content: ReportContent, prefix: str = "", show_seconds: bool = True) -> LatexDocument:
    """The report as LaTeX, its figures (the graph, the maps) drawn as PDF and named with ``prefix``."""
    from boundprop.report.document import report_latex

    notes = list(content.notes)
    dag = _dag(content.report, prefix, notes)
    figures: dict[str, tuple[str, bytes]] = {}
    for rmap in content.maps:
        name = f"{prefix}regimes-{_file_name(rmap.problem.theorem)}.pdf"
        data = _plot(rmap, name, notes)
        if data is not None:
            figures[rmap.problem.theorem] = (name, data)
    return report_latex(content, dag, figures, notes=tuple(notes), show_seconds=show_seconds)


def html_file(content: ReportContent, show_seconds: bool = True) -> HtmlDocument:
    """The report as one self-contained HTML file, its figures drawn as inline SVG."""
    from boundprop.report.dot import render, to_dot
    from boundprop.report.html import html_document

    notes = list(content.notes)
    dag_svg = None
    if shutil.which("dot") is None:
        notes.append("the dependency graph is left out: graphviz's dot is not installed (apt-get install graphviz)")
    else:
        try:
            dag_svg = render(to_dot(content.report, include_definitions=False), "svg").decode()
        except BoundpropError as exc:
            notes.append(f"the dependency graph is left out: {exc}")
    map_svgs: dict[str, str] = {}
    for rmap in content.maps:
        data = _plot(rmap, f"regimes-{_file_name(rmap.problem.theorem)}.svg", notes)
        if data is not None:
            map_svgs[rmap.problem.theorem] = data.decode()
    return html_document(
        replace(content, notes=tuple(notes)), dag_svg=dag_svg, map_svgs=map_svgs, show_seconds=show_seconds
    )


def build(
    args: argparse.Namespace, console: Console, prefix: str = ""
) -> tuple[LatexDocument, PaperReport]:
    """Check the paper and assemble the document (figures named with ``prefix``)."""
    content = collect(args, console)
    return latex_document(content, prefix, show_seconds=not args.no_timings), content.report


def _render(args: argparse.Namespace, console: Console, out: Path) -> cache.Rendered:
    """The report's files (``out.name`` and the figures beside it) and the lines to print;
    ``{out}`` in a line stands for the output path."""
    suffix = out.suffix.lower()
    if suffix == ".html":
        html = html_file(collect(args, console), show_seconds=not args.no_timings)
        data = html.html.encode("utf-8")
        lines = [f"wrote {{out}} ({len(data) / 1e6:.2f} MB, self-contained)"]
        return cache.Rendered({out.name: data}, (*lines, *(f"note: {n}" for n in html.notes)))
    if suffix == ".pdf":
        from boundprop.report.compile import find_engine

        find_engine(args.engine)  # fail before the (long) check when no engine is installed
        document, _ = build(args, console)
        from boundprop.report.compile import LatexError, compile_latex

        try:
            result = compile_latex(document.tex, document.files, engine=args.engine)
        except LatexError as exc:
            kept = _keep_source(document, out.parent / f"{_file_name(out.stem)}-latex")
            raise LatexError(f"{exc.message}; the LaTeX source is kept in {kept}", exc.log) from None
        bad = result.summary.overfull_worse_than(1.0)
        lines = [
            f"wrote {{out}} ({result.pages} pages; {result.engine}, {result.runs} run(s), {result.seconds:.1f} s; "
            f"{len(bad)} overfull box(es) over 1pt)",
            *(f"  warning: {issue.message}" for issue in bad[:5]),
        ]
        return cache.Rendered({out.name: result.pdf}, (*lines, *(f"note: {n}" for n in document.notes)))
    document, _ = build(args, console, prefix=_file_name(out.stem) + "-")
    extra = f" and {', '.join(sorted(document.files))}" if document.files else ""
    files = {out.name: document.tex.encode("utf-8"), **document.files}
    return cache.Rendered(files, (f"wrote {{out}}{extra}", *(f"note: {n}" for n in document.notes)))


def run(args: argparse.Namespace, console: Console) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".tex", ".pdf", ".html"):
        raise InputError(f"--out {args.out!r}: give a .tex, .pdf or .html file name")
    if not out.parent.exists():
        raise InputError(f"--out {args.out!r}: the directory {str(out.parent)!r} does not exist")
    if not 1 <= args.digits <= 50:
        raise InputError("--digits must be between 1 and 50")
    # every option that changes what is written (the engine only for a PDF: it is in the file), and
    # whether graphviz is there to draw the graph (installing it must not keep serving a report without one)
    what = "\0".join(
        str(v) for v in ("report", out.name, args.depth, args.layers, args.digits, args.no_maps, args.no_tables,
                         args.no_timings, args.engine if suffix == ".pdf" else "", shutil.which("dot") or "")
    )
    result, _ = cache.rendered(
        args.target, budget_of(args), what, lambda: _render(args, console, out), read=not args.no_cache
    )
    try:
        for name, data in result.files.items():
            (out.parent / name).write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write {args.out}: {exc.strerror}") from None
    for line in result.messages:
        console.print(line.replace("{out}", str(out)))
    return 0
