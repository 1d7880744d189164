"""`boundprop check`: check papers node by node and print the report."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, TaskID

from boundprop.check import PaperReport
from boundprop.cli.args import positive_effort, positive_seconds
from boundprop.errors import InputError
from boundprop.loader import bundled_papers
from boundprop.mechanism import explanations
from boundprop.report.data import paper_json
from boundprop.report.text import node_table, summary
from boundprop.statement import Budget
from boundprop.verdict import Status

__all__ = ["HELP", "add_arguments", "run"]

HELP = "check the lemmas of a paper (bundled id or lemma file) and report each node's status"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets", nargs="*", metavar="TARGET",
        help=f"bundled paper id ({', '.join(bundled_papers())}) or path to a lemma .toml; default: all bundled",
    )
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.add_argument(
        "--strict", action="store_true",
        help="exit 1 if anything (a node or a proof step) is refuted or ill-defined, 2 if unknown",
    )
    parser.add_argument(
        "--timeout", type=float, default=Budget().seconds, metavar="S",
        help=(
            f"wall-clock safety cap per statement, in seconds (default {Budget().seconds:g}); verdicts come "
            "from deterministic limits (see --effort), the cap only stops a runaway, and a result it stops "
            "says 'time cap' in its evidence (not reproducible)"
        ),
    )
    parser.add_argument(
        "--effort", type=float, default=1.0, metavar="F",
        help=(
            "multiply the deterministic proving limits (z3's resource limit, branch-and-bound boxes) by F "
            "(default 1); the same effort gives the same verdicts on any machine, busy or quiet"
        ),
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
        help="check independent nodes in N worker processes (default: one per core; same verdicts for any N)",
    )
    parser.add_argument("--definitions", action="store_true", help="list definition nodes in the table too")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print each node's evidence (and counterexample) under the table")
    parser.add_argument("--no-cache", action="store_true",
                        help="do not store the result for graph, report and table to reuse (see boundprop/cache.py)")


def run(args: argparse.Namespace, console: Console) -> int:
    from boundprop.api import check

    targets = args.targets or bundled_papers()
    if args.jobs < 1:
        raise InputError(f"must be at least 1, not {args.jobs}", "--jobs")
    budget = Budget(seconds=positive_seconds(args.timeout)).scaled(positive_effort(args.effort))
    reports: list[PaperReport] = []
    for target in targets:
        name = Path(target).stem if str(target).endswith(".toml") else str(target)
        with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task(f"checking {name}", total=None)

            def step(node_id: str, index: int, total: int, task: TaskID = task, name: str = name) -> None:
                bar.update(task, completed=index, total=total, description=f"{name}: {node_id}")

            # check always checks afresh, and stores the result for graph, report and table
            result = check(target, budget=budget, progress=step, jobs=args.jobs, cache=not args.no_cache,
                           reuse=False)
        reports.append(result.report)
    if args.json:
        data = [paper_json(r) for r in reports]
        json.dump(data[0] if len(data) == 1 else data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        out = Console(width=max(140, Console().width))
        for report in reports:
            out.print(node_table(report, include_definitions=args.definitions, verbose=args.verbose))
            out.print(summary(report, explanations(report)))
    if args.strict:
        statuses = {n.status for r in reports for n in r.nodes.values()}
        # a refuted proof step is a finding even when the node's own status is proved
        wrong_proof = any(n.proof_status is Status.REFUTED for r in reports for n in r.nodes.values())
        if statuses & {Status.REFUTED, Status.ILL_DEFINED} or wrong_proof:
            return 1
        if statuses & {Status.UNKNOWN, Status.TESTED}:
            return 2
    return 0
