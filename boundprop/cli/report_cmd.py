"""`boundprop report`: the whole verification report as LaTeX or PDF.

Checks the paper, draws its dependency graph (graphviz), paves the regime
maps and computes the bound tables its annotation file declares, and writes
one LaTeX document: ``--out FILE.tex`` writes the source and the figures
beside it (``FILE-dag.pdf``, ``FILE-regimes-*.pdf``); ``--out FILE.pdf``
compiles it with pdflatex or lualatex.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from pathlib import Path

import sympy as sp
from rich.console import Console
from rich.progress import Progress

from boundprop import cache
from boundprop.cli.graph_cmd import add_budget_arguments, budget_of
from boundprop.errors import BoundpropError, InputError
from boundprop.lemma import Paper
from boundprop.report.latex import (
    Figure,
    LatexDocument,
    Section,
    bound_table_latex,
    dag_figure,
    regime_summary_latex,
    report_document,
    table_row_flags,
)
from boundprop.verdict import PaperReport

HELP = "write the whole verification report (DAG, statements, evidence, regime maps, bound tables) as .tex or .pdf"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help="bundled paper id or path to a lemma .toml")
    parser.add_argument("-o", "--out", required=True, metavar="FILE", help="FILE.tex (source and figures) or FILE.pdf")
    add_budget_arguments(parser)
    parser.add_argument("--engine", metavar="NAME", help="pdflatex or lualatex (default: the first installed)")
    parser.add_argument("--depth", type=int, default=10, metavar="N", help="bisection depth of the regime maps")
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
        pdf = render(_unflatten(to_dot(report, include_definitions=False)), "pdf")
    except BoundpropError as exc:
        notes.append(f"the dependency graph is left out: {exc}")
        return None
    return dag_figure(pdf, report.paper, name=f"{prefix}dag.pdf")


def _unflatten(dot_text: str) -> str:
    """Stagger the leaves of a wide graph (graphviz's ``unflatten``) when it is installed."""
    exe = shutil.which("unflatten")
    if exe is None:
        return dot_text
    proc = subprocess.run([exe, "-f", "-l", "3", "-c", "4"], input=dot_text.encode(), capture_output=True, timeout=60)
    return proc.stdout.decode() if proc.returncode == 0 and proc.stdout else dot_text


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


def _maps(paper: Paper, depth: int, prefix: str, notes: list[str], tick: Callable[[str], None]) -> Section | None:
    from boundprop.cli.regimes_cmd import question
    from boundprop.propagate import load_annotations
    from boundprop.regimes import build_problem, pave
    from boundprop.report.plot import plot_map

    ann = load_annotations(paper)
    parts: list[str] = [r"\clearpage"]
    files: dict[str, bytes] = {}
    for theorem in _theorems_with(paper, ann.maps):
        tick(f"regime map of {theorem}")
        try:
            axes, fixed, chosen = question(paper, theorem, [], [], [], None, ann)
            problem = build_problem(paper, theorem, axes, fixed, chosen, ann)  # type: ignore[arg-type]
            rmap = pave(problem, depth=depth)
            with tempfile.TemporaryDirectory(prefix="boundprop-map-") as tmp:
                name = f"{prefix}regimes-{_file_name(theorem)}.pdf"
                plotted = True
                try:
                    plot_map(rmap, Path(tmp) / name)
                    files[name] = (Path(tmp) / name).read_bytes()
                except BoundpropError as exc:
                    notes.append(f"the regime map of {theorem} is not drawn: {exc}")
                    plotted = False
            parts.append(regime_summary_latex(rmap, paper, figure=name if plotted else None, placement="H"))
        except BoundpropError as exc:
            notes.append(f"the regime map of {theorem} is left out: {exc}")
    if len(parts) == 1:
        return None
    return Section("Regime maps", "\n".join(parts), files)


def _tables(
    paper: Paper, layers_text: str, digits: int, notes: list[str], tick: Callable[[str], None], use_cache: bool = True
) -> Section | None:
    from boundprop.cli.table_cmd import parse_layers
    from boundprop.propagate import check_recurrence, layer_model, layer_rows, load_annotations
    from boundprop.regimes import parse_fix
    from boundprop.report.table import BoundTable

    layers = parse_layers(layers_text)
    ann = load_annotations(paper)
    parts: list[str] = []
    for theorem in _theorems_with(paper, ann.table_fix):
        tick(f"bound table of {theorem}")
        try:
            specs = list(ann.table_fix.get(theorem, ())) + list(ann.maps[theorem].fix if theorem in ann.maps else ())
            fixed: dict[str, Fraction] = {}
            for spec in specs:
                name, value = parse_fix(spec, paper, ann)
                fixed.setdefault(name, value)
            model = layer_model(paper, theorem, ann)
            needed = {str(s) for s in (model.phi.free_symbols | model.eps.free_symbols | model.error.free_symbols)}
            needed.discard(str(model.index))
            missing = sorted(needed - set(fixed))
            if missing:
                notes.append(
                    f"no bound table for {theorem}: the annotation file fixes no value for {', '.join(missing)}"
                )
                continue
            fixed = {k: v for k, v in fixed.items() if k in needed}
            values = {k: sp.Rational(v.numerator, v.denominator) for k, v in fixed.items()}
            rows = layer_rows(model, values, layers)
            recurrence = ""
            if model.recurrence is not None:
                result, _ = cache.recurrence(paper.source, theorem, partial(check_recurrence, model), read=use_cache)
                recurrence = f"{result.status.value} ({result.evidence})"
            label = paper.nodes[theorem].label
            table = BoundTable(paper.id, theorem, label, fixed, rows, digits, recurrence=recurrence)
            parts.append(bound_table_latex(table, paper, flags=table_row_flags(paper, table), placement="H"))
        except BoundpropError as exc:
            notes.append(f"the bound table of {theorem} is left out: {exc}")
    if not parts:
        return None
    return Section("Bound tables", "\n".join(parts))


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


def build(
    args: argparse.Namespace, console: Console, prefix: str = ""
) -> tuple[LatexDocument, PaperReport]:
    """Check the paper and assemble the document (figures named with ``prefix``)."""
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
        dag = _dag(report, prefix, notes)
        sections = []
        if not args.no_maps:
            maps = _maps(paper, args.depth, prefix, notes, tick)
            if maps is not None:
                sections.append(maps)
        if not args.no_tables:
            tables = _tables(paper, args.layers, args.digits, notes, tick, use_cache=not args.no_cache)
            if tables is not None:
                sections.append(tables)
    document = report_document(
        report,
        dag=dag,
        sections=sections,
        notes=notes,
        show_seconds=not args.no_timings,
    )
    return document, report


def run(args: argparse.Namespace, console: Console) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".tex", ".pdf"):
        raise InputError(f"--out {args.out!r}: give a .tex or .pdf file name")
    if not out.parent.exists():
        raise InputError(f"--out {args.out!r}: the directory {str(out.parent)!r} does not exist")
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
        try:
            out.write_bytes(result.pdf)
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror}") from None
        bad = result.summary.overfull_worse_than(1.0)
        console.print(
            f"wrote {out} ({result.pages} pages; {result.engine}, {result.runs} run(s), {result.seconds:.1f} s; "
            f"{len(bad)} overfull box(es) over 1pt)"
        )
        for issue in bad[:5]:
            console.print(f"  warning: {issue.message}")
    else:
        document, _ = build(args, console, prefix=_file_name(out.stem) + "-")
        try:
            out.write_text(document.tex, encoding="utf-8")
            for name, data in document.files.items():
                (out.parent / name).write_bytes(data)
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror}") from None
        extra = f" and {', '.join(sorted(document.files))}" if document.files else ""
        console.print(f"wrote {out}{extra}")
    for note in document.notes:
        console.print(f"note: {note}")
    return 0
