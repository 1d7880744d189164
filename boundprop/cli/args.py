"""Argument types shared by the subcommands (the one place a cli module imports from).

The library raises with neutral messages (``'x=0': expected NAME=LO:HI``);
:func:`flag` adds the option the user typed (``--var 'x=0': ...``), so the
same error reads right from the command line and from the Python API.
"""

from __future__ import annotations

import argparse
import keyword
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from boundprop.errors import BoundpropError, InputError, RangeError
from boundprop.rangespec import parse_range, spec_name

if TYPE_CHECKING:
    from boundprop.lemma import Paper
    from boundprop.propagate import Annotations
    from boundprop.regimes import Axis
    from boundprop.statement import Budget

__all__ = [
    "add_budget_arguments",
    "budget_of",
    "flag",
    "parse_layers",
    "parse_var",
    "positive_effort",
    "positive_seconds",
    "question",
]

# The engine (sympy, the solvers) is imported inside the functions: `--help` and
# bad input answer without loading it.



@contextmanager
def flag(option: str) -> Iterator[None]:
    """Errors raised inside name the command-line option they came from.

    >>> from boundprop.rangespec import parse_range
    >>> with flag("--var"):
    ...     parse_range("x=0")
    Traceback (most recent call last):
    ...
    boundprop.errors.RangeError: --var 'x=0': expected NAME=LO:HI, e.g. x=0:1.25 or n=1:oo
    """
    try:
        yield
    except BoundpropError as exc:
        exc.message = f"{option} {exc.message}"
        exc.args = (exc.message,)
        raise


def positive_seconds(value: float, option: str = "--timeout") -> float:
    """A time budget from the command line: finite and positive, else an InputError.

    >>> positive_seconds(2.5)
    2.5
    >>> positive_seconds(float("nan"))
    Traceback (most recent call last):
    ...
    boundprop.errors.InputError: --timeout: must be a positive number of seconds (at most 86400), not nan
    """
    if not 0 < value <= 86_400:  # also refuses NaN
        raise InputError(f"must be a positive number of seconds (at most 86400), not {value}", option)
    return value


def positive_effort(value: float) -> float:
    """An effort factor from the command line: finite, positive and at most 1000.

    >>> positive_effort(2)
    2
    """
    if not 0 < value <= 1000:  # also refuses NaN
        raise InputError(f"must be a positive factor (at most 1000), not {value}", "--effort")
    return value


def add_budget_arguments(parser: argparse.ArgumentParser) -> None:
    """``--timeout``, ``--effort`` (as ``check`` has them: the same defaults give
    the same cache key) and ``--no-cache``."""
    from boundprop.statement import Budget

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
    from boundprop.statement import Budget

    effort = positive_effort(args.effort)
    return Budget(seconds=positive_seconds(args.timeout)).scaled(effort)


def parse_layers(text: str) -> range:
    """``--layers A:B`` → ``range(A, B + 1)``.

    >>> parse_layers("0:3")
    range(0, 4)
    """
    from boundprop.rangespec import layer_range

    try:
        return layer_range(text)
    except InputError as exc:  # the same words, naming the option instead of "layers"
        raise InputError(exc.message.removeprefix("layers "), "--layers") from None


def parse_var(spec: str) -> tuple[str, str, str]:
    """``--var NAME=LO:HI`` → ``(name, lo, hi)``; the name must be a variable.

    >>> parse_var("n=1:oo")
    ('n', '1', 'oo')
    """
    from boundprop.expr import SCALAR_FUNCTIONS

    with flag("--var"):
        parsed = parse_range(spec)
        if parsed.name in SCALAR_FUNCTIONS or keyword.iskeyword(parsed.name):
            raise RangeError(f"{spec!r}: {parsed.name!r} is a function or constant, not a variable")
    return parsed.name, parsed.lo, parsed.hi


def question(
    paper: Paper, theorem: str, params: Sequence[str], fixes: Sequence[str], projects: Sequence[str],
    regimes: Sequence[str] | None, ann: Annotations,
) -> tuple[list[Axis], dict[str, object], list[str]]:
    """The map a user asks for: ``--param``/``--project`` axes, ``--fix`` values and
    regime overlays, the annotation file's ``[map.THEOREM]`` filling what is not given."""
    from boundprop.propagate import find_node
    from boundprop.regimes import parse_axis, parse_fix

    node = find_node(paper, theorem)
    defaults = ann.maps.get(node.id)
    param_specs = list(params)
    fix_specs = list(fixes)
    if defaults is not None:
        if not param_specs and not projects:
            param_specs = list(defaults.params)
        given = {spec_name(s) for s in [*param_specs, *fix_specs, *projects]}
        fix_specs = [s for s in defaults.fix if spec_name(s) not in given] + fix_specs
    axes = []
    for spec in param_specs:
        with flag("--param"):
            axes.append(parse_axis(spec, paper, ann))
    for spec in projects:
        with flag("--project"):
            axes.append(parse_axis(spec, paper, ann, split=False))
    fixed: dict[str, object] = {}
    for spec in fix_specs:
        with flag("--fix"):
            name, value = parse_fix(spec, paper, ann)
        fixed[name] = value
    if regimes is None:
        chosen = list(defaults.regimes) if defaults is not None else []
    else:
        chosen = [r for r in regimes if r != "none"]
    return axes, fixed, chosen
