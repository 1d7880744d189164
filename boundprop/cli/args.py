"""Argument types shared by the subcommands (the one place a cli module imports from).

The library raises with neutral messages (``'x=0': expected NAME=LO:HI``);
:func:`flag` adds the option the user typed (``--var 'x=0': ...``), so the
same error reads right from the command line and from the Python API.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from boundprop.errors import BoundpropError, InputError

if TYPE_CHECKING:
    from boundprop.statement import Budget

__all__ = [
    "add_budget_arguments",
    "add_executor_arguments",
    "budget_of",
    "flag",
    "parse_layers",
    "positive_effort",
    "positive_seconds",
]

# The engine (sympy, the solvers) is imported inside the functions: `--help` and
# bad input answer without loading it.



@contextmanager
def flag(option: str, param: str | None = None) -> Iterator[None]:
    """Errors raised inside name the command-line option they came from.

    Without ``param`` every error is prefixed with ``option``. With it, the
    library's mentions of its parameter (written ```param```, in the
    message or as the error's ``where``) become the option, and other errors
    pass unchanged.

    >>> from boundprop.rangespec import parse_range
    >>> with flag("--var"):
    ...     parse_range("x=0")
    Traceback (most recent call last):
    ...
    boundprop.errors.RangeError: --var 'x=0': expected NAME=LO:HI, e.g. x=0:1.25 or n=1:oo
    >>> with flag("--title", param="title"):
    ...     raise InputError("no quotes, please", "`title`")
    Traceback (most recent call last):
    ...
    boundprop.errors.InputError: --title: no quotes, please
    """
    try:
        yield
    except BoundpropError as exc:
        if param is None:
            exc.message = f"{option} {exc.message}"
        else:
            token = f"`{param}`"
            exc.message = exc.message.replace(token, option)
            if exc.where is not None:
                exc.where = exc.where.replace(token, option)
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


def add_executor_arguments(parser: argparse.ArgumentParser, jobs: str) -> None:
    """``--executor local|dask`` and ``--scheduler ADDRESS`` (boundprop.executor); ``jobs``
    says what runs on it."""
    parser.add_argument("--executor", choices=("local", "dask"), default="local",
                        help=f"where {jobs} run: local (this machine), dask (the cluster of --scheduler; "
                        "pip install 'boundprop[dask]')")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --executor dask: the Dask scheduler, such as tcp://10.0.0.5:8786")


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
