"""`boundprop regimes`: pave a parameter box into rigorously classed cells."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from boundprop.cli.args import question
from boundprop.errors import InputError
from boundprop.lemma import Paper
from boundprop.loader import bundled_papers, load_paper
from boundprop.propagate import load_annotations
from boundprop.regimes import DEFAULT_DEPTH, Backend, RegimeMap, build_problem, pave

__all__ = ["HELP", "add_arguments", "question", "resolve_paper", "run"]  # question: api.py's old import path

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


def resolve_paper(theorem: str, target: str | None) -> Paper:
    """The paper holding ``theorem``: ``target`` if given, else the one bundled paper that has it."""
    if target is not None:
        return load_paper(target)
    hits = []
    for pid in bundled_papers():
        paper = load_paper(pid)
        if theorem in paper.nodes or any(n.label == theorem for n in paper.nodes.values()):
            hits.append(paper)
    if len(hits) == 1:
        return hits[0]
    if not hits:
        from boundprop.suggest import did_you_mean

        names = [name for pid in bundled_papers() for n in load_paper(pid).nodes.values() for name in (n.id, n.label)]
        hint = did_you_mean(theorem, names)
        raise InputError(f"no bundled paper has a node {theorem!r}{hint} (or give --paper TARGET)")
    raise InputError(f"{theorem!r} is in several papers ({', '.join(p.id for p in hits)}): give --paper")


def run(args: argparse.Namespace, console: Console) -> int:
    paper = resolve_paper(args.theorem, args.paper)
    ann = load_annotations(paper)
    axes, fixed, chosen = question(paper, args.theorem, args.param, args.fix, args.project, args.regime, ann)
    if not axes:
        raise InputError("give at least one --param NAME=LO:HI")
    model = None
    if args.model:
        from fractions import Fraction

        from boundprop.weights import read_checkpoint

        model = read_checkpoint(args.model, heads=args.model_heads)
        # the map is drawn for the model's sizes: H, d, k fixed from it (not the map's defaults)
        sizes = {"H": model.heads, "d": model.width, "k": model.key_width}
        on_axes = {a.name for a in axes}
        fixed.update({n: Fraction(v) for n, v in sizes.items() if n in paper.params and n not in on_axes})
    problem = build_problem(paper, args.theorem, axes, fixed, chosen, ann)  # type: ignore[arg-type]
    if args.depth > 40:
        raise InputError("--depth above 40 is not useful (cells would be below float resolution)")
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(f"paving {problem.theorem}", total=args.depth + 1)

        def step(level: int, evaluated: int, pending: int) -> None:
            bar.update(task, completed=level + 1,
                       description=f"{problem.theorem}: depth {level}, {evaluated} cells, {pending} pending")

        rmap = pave(problem, depth=args.depth, backend=args.backend, progress=step)
    placement = None
    if model is not None:
        from boundprop.weights import place

        placement = place(rmap, model)
    if args.plot:
        from boundprop.report.plot import plot_map

        markers = [(model.path.name, placement.point)] if model is not None and placement is not None else []
        plot_map(rmap, args.plot, markers=markers)
    if args.format == "latex" and not args.json:
        from boundprop.report.latex import regime_summary_latex, standalone

        latex = regime_summary_latex(rmap, paper, figure=args.plot)
        sys.stdout.write(standalone(latex) if args.standalone else latex + "\n")
        return 0
    if args.json:
        data = rmap.to_json()
        if model is not None and placement is not None:
            data["model"] = {"path": str(model.path), "H": model.heads, "d": model.width, "k": model.key_width,
                             "L": model.depth, **placement.to_json()}
        json.dump(data, sys.stdout, indent=1)
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
    out.print(f"{len(rmap.cells)} cells ({rmap.evaluated} evaluated) at depth ≤ {rmap.depth}, "
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
