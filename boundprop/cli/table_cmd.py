"""`boundprop table`: per-layer φ_ℓ, ε_ℓ, e_ℓ as certified enclosures."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from boundprop import cache
from boundprop.cli.regimes_cmd import resolve_paper
from boundprop.errors import InputError
from boundprop.propagate import check_recurrence, find_node, layer_model, layer_rows, load_annotations
from boundprop.regimes import parse_fix
from boundprop.report.table import BoundTable, TableFormat, render

HELP = "per-layer phi_l, eps_l and e_l of a theorem as certified enclosures (rounded outward)"

MAX_LAYERS = 10_000


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


def parse_layers(text: str) -> range:
    """``A:B`` → ``range(A, B + 1)``.

    >>> parse_layers("0:3")
    range(0, 4)
    """
    a, sep, b = text.partition(":")
    try:
        lo, hi = int(a), int(b if sep else a)
    except ValueError:
        raise InputError(f"--layers {text!r}: write A:B with integers A <= B") from None
    if lo < 0 or hi < lo:
        raise InputError(f"--layers {text!r}: need 0 <= A <= B")
    if hi - lo + 1 > MAX_LAYERS:
        raise InputError(f"--layers {text!r}: at most {MAX_LAYERS} layers")
    return range(lo, hi + 1)


def run(args: argparse.Namespace, console: Console) -> int:
    if not 1 <= args.digits <= 50:
        raise InputError("--digits must be between 1 and 50")
    layers = parse_layers(args.layers)
    paper = resolve_paper(args.theorem, args.paper)
    ann = load_annotations(paper)
    node = find_node(paper, args.theorem)
    specs = list(ann.table_fix.get(node.id, ())) + list(ann.maps[node.id].fix if node.id in ann.maps else ())
    given = {s.partition("=")[0].strip() for s in args.fix}
    fixed = dict(parse_fix(s, paper, ann) for s in specs if s.partition("=")[0].strip() not in given)
    fixed.update(dict(parse_fix(s, paper, ann) for s in args.fix))
    model = layer_model(paper, node.id, ann)
    needed = (model.phi.free_symbols | model.eps.free_symbols | model.error.free_symbols) - {model.index}
    missing = sorted(str(s) for s in needed if str(s) not in fixed)
    if missing:
        raise InputError(f"{node.id}: give --fix for {', '.join(missing)}")
    fixed = {k: v for k, v in fixed.items() if k in {str(s) for s in needed}}
    import sympy as sp

    rows = layer_rows(model, {k: sp.Rational(v.numerator, v.denominator) for k, v in fixed.items()}, layers)
    recurrence = ""
    if not args.no_recurrence_check and model.recurrence is not None:
        result, _ = cache.recurrence(paper.source, node.id, lambda: check_recurrence(model), read=not args.no_cache)
        recurrence = f"{result.status.value} ({result.evidence})"
    table = BoundTable(paper.id, node.id, node.label, fixed, rows, args.digits, recurrence=recurrence)
    if args.format == "latex":
        from boundprop.report.latex import bound_table_latex, standalone, table_row_flags

        latex = bound_table_latex(table, paper, flags=table_row_flags(paper, table))
        sys.stdout.write(standalone(latex) if args.standalone else latex + "\n")
        return 0
    sys.stdout.write(render(table, args.format))
    return 0
