"""`boundprop report`: the whole verification report as LaTeX, PDF or HTML.

Checks the paper, draws its dependency graph (graphviz), paves the regime
maps and computes the bound tables its annotation file declares, and writes
one LaTeX document: ``--out FILE.tex`` writes the source (the maps drawn in
it) and the graph beside it (``FILE-dag.pdf``); ``--out FILE.pdf``
compiles it with pdflatex or lualatex; ``--out FILE.html`` writes one
self-contained web page (the graph and the maps as inline SVG, the formulas as
MathML) from the same results.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.progress import Progress

from boundprop.cli.args import add_budget_arguments, budget_of, flag
from boundprop.regimes import DEFAULT_DEPTH

__all__ = ["HELP", "add_arguments", "run"]

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


def run(args: argparse.Namespace, console: Console) -> int:
    from boundprop.api import report  # the one implementation, shared with the Python API

    budget = budget_of(args)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(f"checking {args.target}", total=None)
        with flag("--depth", param="depth"):  # the library names its parameter, the command line its option
            written = report(
                args.target, args.out, depth=args.depth, layers=args.layers, digits=args.digits, maps=not args.no_maps,
                tables=not args.no_tables, timings=not args.no_timings, budget=budget, cache=not args.no_cache,
                engine=args.engine, progress=lambda what: bar.update(task, description=what),
            )
    for line in written.log.splitlines():
        console.print(line)
    return 0
