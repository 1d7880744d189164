"""The command line: a thin face over the library.

Each subcommand lives in its own module ``boundprop.cli.<name>`` exposing
``HELP``, ``add_arguments(parser)`` and ``run(args, console) -> int``. Errors
the user caused (:class:`~boundprop.errors.BoundpropError`) print one line on
stderr and exit 3; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import os
import re
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from boundprop import __version__
from boundprop.errors import BoundpropError
from boundprop.suggest import did_you_mean

__all__ = [
    "COMMANDS",
    "EXIT_INPUT_ERROR",
    "EXIT_INTERNAL_ERROR",
    "build_parser",
    "main",
]

EXIT_INPUT_ERROR = 3
EXIT_INTERNAL_ERROR = 4


# Subcommands in the order `--help` lists them; a module that is missing is skipped.
COMMANDS = ("check", "prove", "graph", "regimes", "table", "witness", "report", "compare", "new", "weights")


def _command_modules(only: str | None = None) -> dict[str, ModuleType]:
    """The subcommands' modules; with ``only``, just that one (start-up: each
    command module imports what its ``run`` needs, some of it heavy)."""
    modules = {}
    for name in (only,) if only is not None else COMMANDS:
        try:
            modules[name] = importlib.import_module(f"boundprop.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name != f"boundprop.cli.{name}_cmd":
                raise
    return modules


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad option says which, suggests the closest and shows this (sub)command's usage."""

    def error(self, message: str) -> NoReturn:
        match = re.match(r"unrecognized arguments: (\S+)", message)
        if match:
            given = match.group(1).partition("=")[0]
            options = [o for action in self._actions for o in action.option_strings]
            message = f"unrecognized option {given!r}{did_you_mean(given, options)}"
            if not given.startswith("-"):
                message = f"unexpected argument {given!r}"
        super().error(message)


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand word of ``argv`` (the first word that is not an option), if any."""
    for word in argv:
        if not word.startswith("-"):
            return word
    return None


def build_parser(command: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The parser of every subcommand, or of ``command`` only (what ``main`` needs to run it)."""
    parser = _Parser(
        prog="boundprop",
        description="Check the proofs of ML theory papers: proved, refuted with a counterexample, "
        "or honestly left open.",
    )
    parser.add_argument("--version", action="version", version=f"boundprop {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules = _command_modules(command if command in COMMANDS else None)
    for name, module in modules.items():
        sub_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        sub_parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
        module.add_arguments(sub_parser)
    return parser, modules


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``; leftovers are reported by the subcommand's own parser (its usage, not the top one's)."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        command = getattr(args, "command", None)
        choices = next((a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        owner = choices.get(command) if isinstance(choices, dict) and command else None
        chosen = owner if isinstance(owner, argparse.ArgumentParser) else parser
        chosen.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _leave_the_heap_to_the_system() -> None:
    """At interpreter exit (registered with ``atexit``, so it runs only when the
    process ends), move every object to the collector's permanent generation: the
    final collections then skip the heap of sympy, numpy and the check, which
    the operating system frees anyway (0.3 s of a report or a graph after a check).

    Nothing is skipped that matters: the other ``atexit`` handlers still run
    (temporary directories, ``weakref.finalize``), Python still flushes stdout
    and stderr, and every file a command writes is closed before its ``run``
    returns. Only cyclic garbage is not finalized, as when any process ends."""
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``boundprop`` console script."""
    atexit.unregister(_leave_the_heap_to_the_system)  # once, however often main runs in one process
    atexit.register(_leave_the_heap_to_the_system)
    argv = list(sys.argv[1:] if argv is None else argv)
    word = _command_in(argv)
    parser, modules = build_parser(word)
    if word is not None and word not in modules:
        parser.print_usage(sys.stderr)
        print(f"boundprop: error: unknown command {word!r}{did_you_mean(word, COMMANDS)}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    try:
        args = _parse(parser, argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        code = exc.code if isinstance(exc.code, int) else 0
        return EXIT_INPUT_ERROR if code == 2 else code
    if args.command is None:
        parser, _ = build_parser()  # every command, for the list
        parser.print_help()
        return 0
    from rich.console import Console

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
