"""`boundprop regimes`: pave a parameter box into rigorously classed cells."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from boundprop.cli.args import add_executor_arguments, flag
from boundprop.errors import InputError
from boundprop.regimes import DEFAULT_DEPTH, Backend, RegimeMap
from boundprop.report.text import plural

__all__ = ["HELP", "add_arguments", "run"]

HELP = (
    "map where a theorem's premises fail, where its bound is vacuous (no better than a baseline), "
    "and where it is informative, with rigorous cells"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("theorem", metavar="THEOREM", help="node id or label, such as R1 or 'Theorem 5.3'")
    parser.add_argument("--paper", metavar="TARGET",
                        help="bundled paper id or lemma .toml (default: the bundled paper with THEOREM)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=LO:HI[:log]",
                        help="a free parameter of the map (split); ':log' splits geometrically")
    parser.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                        help="fix a parameter to an exact value (decimal or fraction)")
    parser.add_argument("--project", action="append", default=[], metavar="NAME=LO:HI",
                        help="a parameter over a range that is never split: classes hold for all of it")
    parser.add_argument("--regime", action="append", default=None, metavar="ID",
                        help="overlay a declared regime (such as fast-attention); 'none' for no overlay")
    parser.add_argument("--depth", type=int, default=DEFAULT_DEPTH, metavar="N", help="maximum bisections per cell")
    parser.add_argument("--backend", choices=[b.value for b in Backend], default="batch",
                        help="batch: numpy over all cells of a level; scalar: pyinterval cell by cell")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="local worker processes that pave parts of the map (same cells as 1)")
    add_executor_arguments(parser, "the parts of the map")
    parser.add_argument("--plot", metavar="FILE", help="draw the 2-D map to FILE.png, .svg or .pdf")
    parser.add_argument("--json", action="store_true", help="print the map as JSON on stdout")
    parser.add_argument("--format", choices=("text", "latex"), default="text",
                        help="latex: a booktabs table of the classes (and the --plot file as a figure)")
    parser.add_argument("--standalone", action="store_true",
                        help="with --format latex: a complete document that compiles on its own")
    parser.add_argument("--model", metavar="CHECKPOINT",
                        help="place a model on the map (its H, d, k fixed; eta in the theorem's norm, L)")
    parser.add_argument("--model-heads", type=int, metavar="H",
                        help="heads of --model's GPT-2 names (else config.json)")


def run(args: argparse.Namespace, console: Console) -> int:
    from boundprop.api import regimes

    if args.depth > 40:
        raise InputError("--depth above 40 is not useful (cells would be below float resolution)")
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(f"paving {args.theorem}", total=args.depth + 1)

        def step(level: int, evaluated: int, pending: int) -> None:
            bar.update(task, completed=level + 1,
                       description=f"{args.theorem}: depth {level}, {evaluated} cells, {pending} pending")

        # the library names its parameters, the command line its options
        with flag("--model", param="model"), flag("--model-heads", param="heads"), \
                flag("--param", param="params"), flag("--fix", param="fix"), flag("--project", param="project"), \
                flag("--depth", param="depth"), flag("--plot", param="plot"):
            result = regimes(
                args.theorem, paper=args.paper, params=args.param, fix=args.fix, project=args.project,
                overlay=args.regime, depth=args.depth, backend=args.backend, progress=step,
                model=args.model, model_heads=args.model_heads,
                executor=args.executor, scheduler=args.scheduler, jobs=args.jobs,
            )
    rmap, model, placement = result.map, result.model, result.placement
    if args.plot:
        with flag("--plot", param="plot"):
            result.save(args.plot)
    if args.format == "latex" and not args.json:
        from boundprop.report.latex import regime_summary_latex, standalone

        latex = regime_summary_latex(rmap, result.paper, figure=args.plot)
        sys.stdout.write(standalone(latex) if args.standalone else latex + "\n")
        return 0
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        _summary(rmap, Console(), args.plot)
        if model is not None and placement is not None:
            where = ", ".join(f"{k} = {v:.4g}" for k, v in placement.point.items())
            vac = f" (no better than {', '.join(placement.baselines)})" if placement.baselines else ""
            Console().print(f"model {model.path.name}: {where} (eta in {placement.norm}; H = {model.heads}, "
                            f"d = {model.width}, k = {model.key_width} fixed from the model): "
                            f"[bold]{placement.klass}[/bold]{vac}")
    return 0


def _summary(rmap: RegimeMap, out: Console, plot: str | None) -> None:
    p = rmap.problem
    axes = ", ".join(f"{a.name} ∈ [{a.lo}, {a.hi}]{' (log)' if a.log else ''}"
                     f"{' (projected)' if not a.split else ''}" for a in p.axes)
    fixed = ", ".join(f"{k} = {v}" for k, v in p.fixed.items()) or "none"
    out.print(f"[bold]{p.label}[/bold] ({p.paper}) over {axes}; fixed: {fixed}")
    out.print(f"{plural(len(rmap.cells), 'cell')} ({rmap.evaluated} evaluated) at depth ≤ {rmap.depth}, "
              f"{rmap.backend.value} backend, {rmap.seconds:.3f} s")
    table = Table("class", "volume fraction", "cells")
    counts: dict[str, int] = {}
    for c in rmap.cells:
        counts[c.klass.value] = counts.get(c.klass.value, 0) + 1
    for name, frac in rmap.fractions().items():
        table.add_row(name, f"{frac:.4f}", str(counts.get(name, 0)))
    out.print(table)
    if p.regimes:
        t2 = Table(f"combined with {p.regimes[0].id}", "volume fraction")
        for name, frac in sorted(rmap.combined_fractions().items()):
            t2.add_row(name, f"{frac:.4f}")
        out.print(t2)
    norm = f" (the bound is in {p.norm}; baselines in the same norm)" if p.norm else ""
    out.print("baselines: " + (", ".join(f"{b.id} ({b.norm})" if b.norm else b.id for b in p.baselines) or "none")
              + norm)
    out.print("premises: " + "; ".join(pr.label for pr in p.premises))
    if p.dropped:
        out.print("[dim]left out (not over the map's parameters): " + "; ".join(p.dropped) + "[/dim]")
    if plot:
        out.print(f"plot: {plot}")
