"""`boundprop prove`: decide one statement from the command line.

Variables are the names EXPR uses. A name without ``--var`` ranges over all
reals (all integers with ``--integer``); the output always lists every
variable with its range so that an unintended free name (a typo, ``e``
instead of ``E``) is visible. Names that could only be typos are errors: a
``--var``/``--integer`` for a name that appears nowhere, or an ``--assume``
that uses a name neither EXPR nor ``--var`` declares.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from boundprop.cli.args import flag, positive_effort, positive_seconds

if TYPE_CHECKING:
    from rich.console import Console

    from boundprop.statement import Statement
    from boundprop.verdict import CheckResult

__all__ = [
    "DEFAULT_TIMEOUT",
    "HELP",
    "add_arguments",
    "build_statement",
    "result_json",
    "run",
]

# The engine (sympy, the solvers) is imported inside the functions: `prove --help`
# and bad input answer without loading it.

# Budget().seconds, written out so that `--help` need not import the engine;
# tests/test_cli_output.py keeps the two equal.
DEFAULT_TIMEOUT = 120.0

HELP = "prove or refute one inequality (exact, z3, interval branch-and-bound, falsifier)"

_EPILOG = """\
Names in EXPR without --var range over (-oo, oo) (over all integers with --integer);
the output lists every variable's range so a stray free name is visible. It is an
error to give --var or --integer for a name that appears nowhere, or to use a name
in --assume that neither EXPR nor a --var declares. Decimals are exact (0.1 = 1/10).
Exit status 0 whenever the check ran (whatever the verdict), 3 on bad input.

examples:
  boundprop prove "exp(x) - 1 <= 2*x" --var x=0:1.25
  boundprop prove "(1+x)^n >= 1 + n*x" --assume "x >= -1" --var n=0:oo --integer n
  boundprop prove "x*y <= (x^2 + y^2)/2" --json
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("expr", metavar="EXPR", help='the claim, a relation such as "x^2 >= 0"')
    parser.add_argument(
        "--assume", action="append", default=[], metavar="REL",
        help="a hypothesis (repeatable)",
    )
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=LO:HI",
        help="range of a variable; LO/HI exact numbers or -oo/oo (repeatable)",
    )
    parser.add_argument(
        "--integer", action="append", default=[], metavar="NAME",
        help="NAME ranges over integers (repeatable)",
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
        help=(
            f"wall-clock safety cap, in seconds (default {DEFAULT_TIMEOUT:g}); the verdict comes from "
            "deterministic limits (see --effort), and a result the cap stops says 'time cap' (not reproducible)"
        ),
    )
    parser.add_argument(
        "--effort", type=float, default=1.0, metavar="F",
        help="multiply the deterministic proving limits (z3's resource limit, boxes) by F (default 1)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the falsifier (default 0)")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")


def build_statement(
    expr: str,
    assumes: Sequence[str] = (),
    var_specs: Sequence[str] = (),
    integers: Sequence[str] = (),
) -> Statement:
    """:func:`boundprop.api.build_statement`, its errors naming this command's options.

    >>> build_statement("x >= 0", assumes=["y > 0"])
    Traceback (most recent call last):
    ...
    boundprop.errors.ExpressionError: --assume 'y > 0': unknown name 'y' (use it in EXPR or give --var y=LO:HI)
    """
    from boundprop import api

    with _options():
        return api.build_statement(expr, assumes, var_specs, integers)


@contextmanager
def _options() -> Iterator[None]:
    """The API's argument names as this command's options."""
    with flag("EXPR", param="statement"), flag("--assume", param="assume"), flag("--var", param="variables"), \
            flag("--integer", param="integer"):
        yield


def result_json(statement: Statement, result: CheckResult) -> dict[str, Any]:
    """The JSON object ``prove --json`` prints (:func:`boundprop.api.result_json`)."""
    from boundprop import api

    return api.result_json(statement, result)


def run(args: argparse.Namespace, console: Console) -> int:
    timeout = positive_seconds(args.timeout)  # as check's; the API's limit is the same
    from boundprop.api import prove
    from boundprop.report.text import plain_evidence
    from boundprop.verdict import Status

    status = console.status("proving ...") if console.is_terminal else nullcontext()
    with status as spinner:

        def progress(method: str) -> None:
            if spinner is not None:
                spinner.update(f"proving: {method} ...")

        with _options():
            verdict = prove(
                args.expr, assume=args.assume, integer=args.integer, variables=args.var, timeout=timeout,
                effort=positive_effort(args.effort), seed=args.seed, progress=progress,
            )
    if args.json:
        json.dump(verdict.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    label = verdict.status.value.upper()
    print(f"{label} by {verdict.method} in {verdict.seconds:.2f} s: {plain_evidence(verdict.method, verdict.evidence)}")
    point = verdict.counterexample if verdict.counterexample is not None else verdict.witness
    if verdict.status.is_finding and point is not None:
        kind = "witness (undefined there)" if verdict.status is Status.ILL_DEFINED else "counterexample"
        values = ", ".join(f"{k} = {_value_text(v)}" for k, v in point.items())
        print(f"{kind}: {values or 'none needed (no variables)'}")
    ranges = verdict.to_json()["variables"]
    if ranges:
        print("variables: " + "; ".join(_range_text(name, r["lo"], r["hi"], r["integer"])
                                        for name, r in ranges.items()))
    return 0


def _range_text(name: str, lo: str, hi: str, integer: bool) -> str:
    """``x in [0, 5/4]``; an infinite end is open."""
    kind = "integer " if integer else ""
    left = "(" if lo in ("-oo", "oo") else "["
    right = ")" if hi in ("-oo", "oo") else "]"
    return f"{name} {kind}in {left}{lo}, {hi}{right}"


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "[" + ", ".join(_value_text(v) for v in value) + "]"
