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
import io
import json
import keyword
import sys
import tokenize
from collections.abc import Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from boundprop.cli.args import parse_var, positive_effort
from boundprop.errors import ExpressionError, InputError, RangeError

if TYPE_CHECKING:
    import sympy as sp
    from rich.console import Console

    from boundprop.expr import Guard
    from boundprop.statement import Statement, Variable
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


def _names_in(text: str, where: str) -> list[str]:
    """Identifiers of ``text`` that are not functions or constants, in order."""
    from boundprop.expr import SCALAR_FUNCTIONS

    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        raise ExpressionError(f"malformed math {text!r} (unbalanced brackets?)", where) from None
    names: list[str] = []
    previous = None
    for tok in tokens:
        if (
            tok.type == tokenize.NAME
            and (previous is None or previous.string != ".")
            and tok.string not in SCALAR_FUNCTIONS
            and not keyword.iskeyword(tok.string)
            and tok.string not in names
        ):
            names.append(tok.string)
        previous = tok
    return names


def build_statement(
    expr: str,
    assumes: Sequence[str] = (),
    var_specs: Sequence[str] = (),
    integers: Sequence[str] = (),
) -> Statement:
    """A :class:`Statement` from command-line strings.

    Examples
    --------
    >>> st = build_statement("exp(x) - 1 <= 2*x", var_specs=["x=0:1.25"])
    >>> st.conclusion, st.variables[0].hi
    (exp(x) - 1 <= 2*x, 5/4)
    >>> build_statement("x >= 0", assumes=["y > 0"])
    Traceback (most recent call last):
    ...
    boundprop.errors.ExpressionError: --assume 'y > 0': unknown name 'y' (use it in EXPR or give --var y=LO:HI)
    """
    from boundprop.statement import Statement, StatementGuard, exact_bound, make_variable, statement_guards

    ranges: dict[str, tuple[str, str]] = {}
    for spec in var_specs:
        name, lo, hi = parse_var(spec)
        if name in ranges:
            raise RangeError(f"--var {name!r} given twice")
        ranges[name] = (lo, hi)
    expr_names = _names_in(expr, "EXPR")
    declared = list(expr_names) + [n for n in ranges if n not in expr_names]
    assume_names: set[str] = set()
    for text in assumes:
        for name in _names_in(text, f"--assume {text!r}"):
            if name not in declared:
                raise ExpressionError(
                    f"unknown name {name!r} (use it in EXPR or give --var {name}=LO:HI)",
                    f"--assume {text!r}",
                )
            assume_names.add(name)
    for name in ranges:
        if name not in expr_names and name not in assume_names:
            raise RangeError(f"--var {name!r}: the name appears neither in EXPR nor in --assume")
    for name in integers:
        if name not in declared:
            raise RangeError(f"--integer {name!r}: the name appears neither in EXPR nor in --var")
    variables: list[Variable] = []
    for name in declared:
        lo, hi = ranges.get(name, ("-oo", "oo"))
        if name in integers:
            for end in (lo, hi):
                value = exact_bound(end, name, f"--var {name}")
                if value.is_finite and not value.is_integer:
                    raise RangeError(
                        f"--integer {name!r} has the non-integer bound {end} (write --var {name}=LO:HI with integers)",
                        f"--var {name}",
                    )
        variables.append(
            make_variable(name, lo, hi, integer=name in integers, where=f"--var {name}")
        )
    symbols = {v.name: v.symbol for v in variables}
    guards: list[StatementGuard] = []
    hypotheses: list[Any] = []
    for text in assumes:
        # each --assume is one hypothesis; its guards may assume the ones before it
        found: list[Guard] = []
        hypotheses.append(_relation(text, symbols, f"--assume {text!r}", found))
        guards += statement_guards(found, len(hypotheses) - 1)
    found = []
    conclusion = _relation(expr, symbols, "EXPR", found)
    guards += statement_guards(found, len(hypotheses))
    return Statement(
        variables=tuple(variables), hypotheses=tuple(hypotheses), conclusion=conclusion, guards=tuple(guards)
    )


def _relation(text: str, symbols: dict[str, sp.Symbol], where: str, guards: list[Guard] | None = None) -> Any:
    import sympy as sp

    from boundprop.expr import is_relation, parse

    value = parse(text, symbols, where, guards=guards)
    if value is sp.true or value is sp.false or (
        is_relation(value) and not isinstance(value, sp.Symbol)
    ):
        return value
    raise ExpressionError(f"{text!r} is not a relation (write e.g. 'x^2 >= 0')", where)


def result_json(statement: Statement, result: CheckResult) -> dict[str, Any]:
    """The JSON object ``prove --json`` prints.

    >>> from boundprop.verdict import CheckResult, Status
    >>> st = build_statement("x >= 0", var_specs=["x=0:1"])
    >>> result_json(st, CheckResult(Status.TESTED, "falsifier", "none found"))["verdict"]
    'unknown'
    """
    from boundprop.verdict import Status

    verdict = {Status.PROVED: "proved", Status.REFUTED: "refuted", Status.ILL_DEFINED: "ill-defined"}.get(
        result.status, "unknown"
    )
    point = dict(result.counterexample) if result.counterexample is not None else None
    return {
        "verdict": verdict,
        "status": result.status.value,
        "method": result.method,
        "evidence": result.evidence,
        "counterexample": point if result.status is Status.REFUTED else None,
        "witness": point if result.status is Status.ILL_DEFINED else None,
        "undefined": (
            {"subterm": result.details.get("undefined"), "reason": result.details.get("reason")}
            if result.status is Status.ILL_DEFINED
            else None
        ),
        "vacuous": bool(result.details.get("vacuous", False)),
        "seconds": round(result.seconds, 4),
        "statement": str(statement.conclusion),
        "assumptions": [str(h) for h in statement.hypotheses],
        "variables": {
            v.name: {"lo": str(v.lo), "hi": str(v.hi), "integer": v.integer}
            for v in statement.variables
        },
        "tried": list(result.details.get("tried", [])),
    }


def run(args: argparse.Namespace, console: Console) -> int:
    if args.timeout != args.timeout or args.timeout <= 0:
        raise InputError(f"--timeout must be a positive number of seconds, not {args.timeout}")
    from boundprop.api import prove
    from boundprop.report.text import plain_evidence
    from boundprop.verdict import Status

    status = console.status("proving ...") if console.is_terminal else nullcontext()
    with status as spinner:

        def progress(method: str) -> None:
            if spinner is not None:
                spinner.update(f"proving: {method} ...")

        verdict = prove(
            args.expr, assume=args.assume, integer=args.integer, variables=args.var, timeout=args.timeout,
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
