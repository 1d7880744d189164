"""`boundprop table`: per-layer φ_ℓ, ε_ℓ, e_ℓ as certified enclosures."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from boundprop.report.table import TableFormat

__all__ = ["HELP", "add_arguments", "run"]

HELP = "per-layer phi_l, eps_l and e_l of a theorem as certified enclosures (rounded outward)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("theorem", metavar="THEOREM", help="node id or label, such as R1 or 'Theorem 5.3'")
    parser.add_argument("--paper", metavar="TARGET", help="bundled paper id or lemma .toml")
    parser.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter's exact value (defaults from the paper's annotation file)")
    parser.add_argument("--layers", required=True, metavar="A:B", help="layers A to B inclusive")
    parser.add_argument("--format", choices=[*(f.value for f in TableFormat), "latex"], default="text")
    parser.add_argument("--standalone", action="store_true",
                        help="with --format latex: a complete document that compiles on its own")
    parser.add_argument("--digits", type=int, default=6, help="significant digits (1-50)")
    parser.add_argument("--no-recurrence-check", action="store_true",
                        help="skip the induction check of the recurrence against the closed form")
    parser.add_argument("--no-cache", action="store_true",
                        help="check the recurrence again instead of reusing the last result for the same files "
                        "and engine")


def run(args: argparse.Namespace, console: Console) -> int:
    from boundprop.api import table  # the one implementation, shared with the Python API
    from boundprop.cli.args import flag, parse_layers

    layers = parse_layers(args.layers)
    with flag("--fix", param="fix"):  # the library names its parameter, the command line its option
        result = table(args.theorem, paper=args.paper, layers=layers, fix=args.fix,
                       digits=args.digits, recurrence=not args.no_recurrence_check, cache=not args.no_cache,
                       flags=args.format == "latex")
    if args.format == "latex":
        from boundprop.report.document import standalone

        latex = result.render("latex")
        sys.stdout.write(standalone(latex) if args.standalone else latex + "\n")
        return 0
    sys.stdout.write(result.render(args.format))
    return 0
