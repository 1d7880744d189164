"""`boundprop witness`: measure real networks against a bound of Alman & Song 2025.

For every configuration of a parameter grid (a grid over eta and several L by default)
the command simulates random multi-head attention networks S with weights inside the norm
ball of radius eta, compares S(X) with the one-layer network S' of L-LIN, and reports the
largest error seen, the bound and their ratio. A sample above a bound the engine calls
proved is a soundness failure (exit 1).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from boundprop.cli.args import add_executor_arguments
from boundprop.errors import InputError, RangeError
from boundprop.witness.measure import WitnessReport, canonical_theorem, default_grid, expand_grid

__all__ = ["HELP", "add_arguments", "parse_params", "run"]

HELP = "measure simulated networks against a bound (R1, R2, Theorem 5.3): measured, bound, ratio"

_EPILOG = """\
THEOREM is R1 (N2), R2 (N1) or "Theorem 5.3" (its claimed form, N2 unless --norm); also
r1, r2, theorem-5.3. Parameters: eta, L, H, n, d, k, beta, phi0, qk_eta (radius of W_Q and
W_K, default eta). Exit 0 when the run finished and no proved bound was exceeded, 1 on a
soundness failure, 3 on bad input.

examples:
  boundprop witness R1 --samples 500
  boundprop witness R2 --param eta=0.001,0.003,0.01 --param L=2,8 --adversarial --json
  boundprop witness theorem-5.3 --param beta=50 --plot t53.png
"""

_NAMES = ("eta", "L", "H", "n", "d", "k", "beta", "phi0", "qk_eta")
_ALIASES = {"η": "eta", "phi_0": "phi0", "φ0": "phi0", "φ₀": "phi0", "β": "beta", "qk": "qk_eta"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("theorem", metavar="THEOREM", help="R1, R2 or 'Theorem 5.3'")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=V1,V2,...",
        help="values of a parameter (repeatable); the grid is every combination",
    )
    parser.add_argument("--samples", type=int, default=300, metavar="N", help="random draws per configuration")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--adversarial",
        action="store_true",
        help="also maximise the error over the weights and inputs (evolution strategy)",
    )
    parser.add_argument("--generations", type=int, default=60, help="generations of the adversarial search")
    parser.add_argument("--norm", choices=["N1", "N2"], help="override the bound's norm")
    parser.add_argument("--workers", type=int, default=1, help="threads over draw chunks")
    add_executor_arguments(parser, "the chunks of draws")
    parser.add_argument("--plot", metavar="FILE", help="write a log-log plot (.png/.svg/.pdf)")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")


def parse_params(items: list[str]) -> dict[str, list[float]]:
    """``["eta=0.1,0.2", "L=2"]`` to ``{"eta": [0.1, 0.2], "L": [2.0]}`` (checked)."""
    grid: dict[str, list[float]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        name = _ALIASES.get(name.strip(), name.strip())
        if not sep or not values.strip():
            raise InputError(f"--param {item!r}: write NAME=V1,V2,... (for example eta=0.01,0.1)")
        if name not in _NAMES:
            raise InputError(f"--param {item!r}: unknown parameter {name!r}; use {', '.join(_NAMES)}")
        parsed = []
        for text in values.split(","):
            try:
                value = float(text)
            except ValueError:
                raise RangeError(f"--param {item!r}: {text!r} is not a number") from None
            if not math.isfinite(value) or value < 0:
                raise RangeError(f"--param {item!r}: values must be finite and >= 0")
            if name in ("L", "H", "n", "d", "k") and (value != int(value) or value < 1):
                raise RangeError(f"--param {item!r}: {name} must be a positive integer")
            parsed.append(value)
        grid[name] = parsed
    return grid


def _table(report: WitnessReport) -> Table:
    table = Table(title=f"witness {report.theorem} ({report.spec.norm.value})")
    names = list(report.configurations[0].params)
    varying = [n for n in names if len({c.params[n] for c in report.configurations}) > 1]
    for name in varying:
        table.add_column(name, justify="right")
    for name in ("measured", "bound", "ratio", ""):
        table.add_column(name, justify="right")
    for conf in report.configurations:
        flag = "EXCEEDS" if conf.exceeded else ""
        table.add_row(
            *(f"{conf.params[n]:g}" for n in varying),
            f"{conf.measured:.4e}",
            f"{conf.bound:.4e}",
            f"{conf.ratio:.4g}",
            flag,
        )
    return table


def _print_text(report: WitnessReport) -> None:
    out = Console(soft_wrap=True, highlight=False)
    names = list(report.configurations[0].params)
    fixed = [n for n in names if len({c.params[n] for c in report.configurations}) == 1]
    out.print(f"form: {report.spec.form}")
    out.print(f"bound: {report.spec.expression}")
    out.print(f"source: {report.spec.source}")
    out.print("note: " + str(report.to_json()["note"]))
    out.print("fixed: " + ", ".join(f"{n}={report.configurations[0].params[n]:g}" for n in fixed))
    out.print(
        f"measured: max over {report.configurations[0].samples} draws"
        + (" and an adversarial search" if report.adversarial else "")
        + " of ||S(X) - S'(X)||"
    )
    out.print(_table(report))


def run(args: argparse.Namespace, console: Console) -> int:
    from boundprop.api import witness

    theorem = canonical_theorem(args.theorem)
    grid = parse_params(args.param)
    if args.samples < 1:
        raise RangeError(f"--samples must be at least 1, got {args.samples}")
    if args.workers < 1:
        raise RangeError(f"--workers must be at least 1, got {args.workers}")
    if args.plot is not None:
        from boundprop.witness.plot import _check_path

        _check_path(args.plot)  # fail before the run, not after
    full = default_grid(theorem)
    full.update(grid)
    total = len(expand_grid(full)) * args.samples  # for the progress bar
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} draws"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(f"witness {theorem}", total=total)

        def progress(label: str, done: int) -> None:
            bar.update(task, advance=done, description=f"{theorem}: {label}")

        result = witness(
            theorem, params=grid, samples=args.samples, seed=args.seed, adversarial=args.adversarial,
            generations=args.generations, norm=args.norm, workers=args.workers, progress=progress,
            executor=args.executor, scheduler=args.scheduler,
        )
    report = result.report
    if args.plot is not None:
        result.save(args.plot)
    if args.json:
        doc: dict[str, Any] = result.to_json()
        if args.plot is not None:
            doc["plot"] = str(args.plot)
        print(json.dumps(doc, indent=2))
    else:
        _print_text(report)
    failures = result.soundness_failures
    if failures:
        console.print(f"[red]soundness failure[/red]: {len(failures)} configuration(s) exceed {theorem}")
        return 1
    return 0
