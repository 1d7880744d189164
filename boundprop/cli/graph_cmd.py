"""`boundprop graph`: draw the dependency DAG with status colours."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from boundprop.cli.args import add_budget_arguments, budget_of
from boundprop.errors import InputError
from boundprop.report.dot import render, to_dot, to_graph_json

__all__ = [
    "HELP",
    "add_arguments",
    "run",
]

HELP = "draw a paper's dependency graph coloured by status (dot, svg, png or json)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="TARGET", help="bundled paper id or path to a lemma .toml")
    parser.add_argument("--format", choices=("dot", "svg", "png", "json"), default="dot")
    parser.add_argument("-o", "--out", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--no-definitions", action="store_true", help="hide definition nodes")
    add_budget_arguments(parser)


def run(args: argparse.Namespace, console: Console) -> int:
    budget = budget_of(args)
    from boundprop.api import check  # the one implementation, shared with the Python API

    with console.status(f"checking {args.target}", spinner="dots") if console.is_terminal else _null():
        report = check(args.target, budget=budget, reuse=not args.no_cache).report
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
