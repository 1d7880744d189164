"""`boundprop graph`: draw the dependency DAG with status colours."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from boundprop import cache
from boundprop.cli.args import positive_seconds
from boundprop.errors import InputError
from boundprop.report.dot import render, to_dot, to_graph_json
from boundprop.statement import Budget

HELP = "draw a paper's dependency graph coloured by status (dot, svg, png or json)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help="bundled paper id or path to a lemma .toml")
    parser.add_argument("--format", choices=("dot", "svg", "png", "json"), default="dot")
    parser.add_argument("-o", "--out", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--no-definitions", action="store_true", help="hide definition nodes")
    add_budget_arguments(parser)


def add_budget_arguments(parser: argparse.ArgumentParser) -> None:
    """``--timeout``, ``--effort`` (as ``check`` has them: the same defaults give
    the same cache key) and ``--no-cache``."""
    parser.add_argument(
        "--timeout", type=float, default=Budget().seconds, metavar="S",
        help=f"wall-clock safety cap per statement, as for check (default {Budget().seconds:g})",
    )
    parser.add_argument("--effort", type=float, default=1.0, metavar="F",
                        help="proving limits factor, as for check (default 1)")
    parser.add_argument(
        "--no-cache", action="store_true",
        help="check again instead of reusing the result of the last check with the same files, "
        "engine and budget (see docs/api.md)",
    )


def budget_of(args: argparse.Namespace) -> Budget:
    """The budget ``check`` would use with the same ``--timeout`` and ``--effort``."""
    if not 0 < args.effort <= 1000:  # also refuses NaN
        raise InputError(f"must be a positive factor (at most 1000), not {args.effort}", "--effort")
    return Budget(seconds=positive_seconds(args.timeout)).scaled(args.effort)


def run(args: argparse.Namespace, console: Console) -> int:
    budget = budget_of(args)
    with console.status(f"checking {args.target}", spinner="dots") if console.is_terminal else _null():
        report, _ = cache.check(args.target, budget, read=not args.no_cache)
    if args.format == "json":
        data: bytes = (json.dumps(to_graph_json(report), indent=2) + "\n").encode()
    else:
        dot_text = to_dot(report, include_definitions=not args.no_definitions)
        data = dot_text.encode() if args.format == "dot" else render(dot_text, args.format)
    if args.out:
        try:
            Path(args.out).write_bytes(data)
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror}") from None
    elif args.format == "png":
        raise InputError("--format png writes binary data: give --out FILE.png")
    else:
        sys.stdout.write(data.decode())
    return 0


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
