"""The command line: a thin face over the library.

Each subcommand lives in its own module ``boundprop.cli.<name>`` exposing
``HELP``, ``add_arguments(parser)`` and ``run(args, console) -> int``. Errors
the user caused (:class:`~boundprop.errors.BoundpropError`) print one line on
stderr and exit 3; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from rich.console import Console

from boundprop import __version__
from boundprop.errors import BoundpropError, InputError

EXIT_INPUT_ERROR = 3
EXIT_INTERNAL_ERROR = 4


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

# Subcommands in the order `--help` lists them; a module that is missing is skipped.
COMMANDS = ("check", "prove", "graph", "regimes", "table", "witness", "report", "compare", "new", "weights")


def _command_modules() -> dict[str, ModuleType]:
    modules = {}
    for name in COMMANDS:
        try:
            modules[name] = importlib.import_module(f"boundprop.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name != f"boundprop.cli.{name}_cmd":
                raise
    return modules


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    parser = argparse.ArgumentParser(
        prog="boundprop",
        description="Check the proofs of ML theory papers: proved, refuted with a counterexample, "
        "or honestly left open.",
    )
    parser.add_argument("--version", action="version", version=f"boundprop {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = _command_modules()
    for name, module in modules.items():
        sub_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        sub_parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
        module.add_arguments(sub_parser)
    return parser, modules




def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``boundprop`` console script."""
    parser, modules = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        code = exc.code if isinstance(exc.code, int) else 0
        return EXIT_INPUT_ERROR if code == 2 else code
    if args.command is None:
        parser.print_help()
        return 0
    console = Console(stderr=True)
    debug = bool(getattr(args, "debug", False)) or "--debug" in argv
    try:
        result: int = modules[args.command].run(args, console)
        return result
    except BoundpropError as exc:
        if debug:
            raise
        print(f"boundprop {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        print("boundprop: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`boundprop check --json | head`): not a bug
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0
    except Exception as exc:  # a bug in boundprop: one line unless --debug
        if debug:
            raise
        print(
            f"boundprop {args.command}: internal error: {type(exc).__name__}: {exc} "
            "(rerun with --debug for the traceback and please report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
