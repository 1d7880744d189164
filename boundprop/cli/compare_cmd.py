"""`boundprop compare`: where rank collapse, layer collapse and fast attention apply.

For a grid of (eta, H, L) the command decides, at each exact point and rigorously
(interval arithmetic), whether Dong et al.'s rank collapse bound shrinks to 0, whether
Alman & Song's layer collapse bounds R1/R2 are informative (below their baselines), and
whether the fast-attention regime of Alman & Song 2023 holds. It prints a table (or JSON)
and, with --plot, draws a map over (eta, L) with one panel per H. The mapping between the
papers' settings is an assumption and is printed with every output.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from fractions import Fraction

from rich.console import Console
from rich.table import Table

from boundprop.cli.args import flag
from boundprop.compare import CATEGORY_LABELS, DONG_DEFAULT_AXES, DONG_DEFAULT_FIX, Comparison, category
from boundprop.errors import InputError
from boundprop.verdict import Tri

__all__ = ["HELP", "MAX_AXIS", "add_arguments", "run"]

HELP = "compare Dong et al. 2021 (rank collapse) with Alman & Song 2025 (layer collapse, fast attention)"

_EPILOG = """\
Grids: --eta takes a list (1/1000,0.01,0.1) or a log range LO:HI:N; --heads and --depths
take lists of integers or ranges LO:HI (every integer) or LO:HI:N (N log-spaced integers).

examples:
  boundprop compare
  boundprop compare --eta 1e-4:1:9 --heads 1,4,16 --depths 1,2,4,8,16,32,64 --json
  boundprop compare --eta 1e-4:1:40 --depths 1:64 --heads 1,4 --plot compare.png
  boundprop compare --dong-fix gamma=1 --dong-fix H=4 --dong-fix dqk=64 --dong-fix r0=2 --dong-plot dong.png
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--eta", default="1/10000,1/1000,1/100,1/10,1/2", metavar="GRID",
                        help="weight entry bounds eta (list or LO:HI:N log range)")
    parser.add_argument("--heads", default="1,4", metavar="GRID", help="heads per layer H")
    parser.add_argument("--depths", default="1,4,16,64", metavar="GRID", help="depths L")
    parser.add_argument("--n", type=int, default=1024, help="tokens (fast-attention threshold)")
    parser.add_argument("--d", type=int, default=4, help="width d")
    parser.add_argument("--k", type=int, default=4, help="query/key width k = d_qk")
    parser.add_argument("--phi0", default="1", help="input bound phi0")
    parser.add_argument("--gamma", default="1", help="Dong et al.'s constant gamma (an assumption)")
    parser.add_argument("--r0", default="1", help="input residual ||res(X)||_{1,inf} (Dong et al.)")
    parser.add_argument("--c", dest="c_fast", default="1", help="constant c of B <= c sqrt(log n)")
    parser.add_argument("--json", action="store_true", help="print JSON on stdout")
    parser.add_argument("--plot", metavar="FILE", help="write the map (PNG, PDF or SVG by suffix)")
    dong = parser.add_argument_group("regime map of Dong et al.'s Theorem 2.2 (paved rigorously)")
    dong.add_argument("--dong", action="store_true",
                      help="also pave Theorem 2.2 (H heads): informative (bound < r0) vs vacuous, with base < 1")
    dong.add_argument("--dong-param", action="append", default=None, metavar="NAME=LO:HI[:log]",
                      help=f"an axis of the Dong map (default: {' '.join(DONG_DEFAULT_AXES)})")
    dong.add_argument("--dong-fix", action="append", default=None, metavar="NAME=VALUE",
                      help=f"a fixed value (default: {' '.join(DONG_DEFAULT_FIX)})")
    dong.add_argument("--dong-depth", type=int, default=10, metavar="N", help="bisections per cell")
    dong.add_argument("--dong-plot", metavar="FILE", help="draw the Dong map (implies --dong)")


def _fraction(text: str, what: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise InputError(f"--{what}: {text!r} is not a number (write 0.01, 1/100 or 1e-2)") from None
    return value


# Each grid point is a full comparison; larger axes are refused at once rather than run for hours.
MAX_AXIS = 2000


def _check_axis(count: int, what: str) -> None:
    if count > MAX_AXIS:
        raise InputError(f"--{what}: {count} grid points; at most {MAX_AXIS} per axis")


def _eta_grid(spec: str) -> list[Fraction]:
    parts = spec.split(":")
    if len(parts) == 3:
        lo, hi = _fraction(parts[0], "eta"), _fraction(parts[1], "eta")
        try:
            count = int(parts[2])
        except ValueError:
            raise InputError(f"--eta: the point count {parts[2]!r} is not an integer") from None
        if lo <= 0 or hi < lo or count < 1:
            raise InputError("--eta LO:HI:N needs 0 < LO <= HI and N >= 1")
        _check_axis(count, "eta")
        if count == 1:
            return [lo]
        ratio = math.log(hi / lo) / (count - 1)
        grid = [lo * Fraction(math.exp(ratio * i)).limit_denominator(10**9) for i in range(count)]
        grid[-1] = hi
        return sorted(set(grid))
    return sorted({_fraction(p, "eta") for p in spec.split(",") if p.strip()})


def _int_grid(spec: str, what: str) -> list[int]:
    try:
        parts = [int(p) for p in spec.split(":")] if ":" in spec else None
        if parts is None:
            return sorted({int(p) for p in spec.split(",") if p.strip()})
    except ValueError:
        raise InputError(f"--{what}: {spec!r} must be integers (list, LO:HI or LO:HI:N)") from None
    if len(parts) == 2:
        _check_axis(parts[1] - parts[0] + 1, what)
        return list(range(parts[0], parts[1] + 1))
    if len(parts) == 3 and parts[2] >= 1 and 1 <= parts[0] <= parts[1]:
        lo, hi, count = parts
        _check_axis(count, what)
        if count == 1:
            return [lo]
        return sorted({round(lo * (hi / lo) ** (i / (count - 1))) for i in range(count)})
    raise InputError(f"--{what}: {spec!r} must be a list, LO:HI or LO:HI:N")


_MARK = {Tri.TRUE: "[green]yes[/]", Tri.FALSE: "[red]no[/]", Tri.UNDECIDED: "[yellow]?[/]"}


def _g(x: float) -> str:
    return f"{x:.3g}" if math.isfinite(x) else str(x)


def _table(c: Comparison) -> Table:
    table = Table(title="Rank collapse (Dong 2021) vs layer collapse (Alman-Song 2025) vs fast attention")
    for name in ("eta", "H", "L", "Dong base c_H", "rank collapse", "R1 bound", "R2 bound",
                 "best baseline", "layer collapse (R1/R2/5.3)", "B", "fast attention", "regimes that apply"):
        table.add_column(name, justify="right" if name in ("eta", "H", "L") else "left")
    for v in c.points:
        table.add_row(
            str(v.eta), str(v.heads), str(v.depth), _g(v.dong_base), _MARK[v.rank_collapse],
            _g(v.r1_bound), _g(v.r2_bound), _g(v.baseline),
            f"{_MARK[v.r1]} / {_MARK[v.r2]} / {_MARK[v.t53]}", _g(v.fast_b), _MARK[v.fast],
            CATEGORY_LABELS[category(v)],
        )
    return table


def run(args: argparse.Namespace, console: Console) -> int:
    from boundprop.api import compare

    # the library names its arguments, the command line its options
    with flag("--n", param="n"), flag("--d", param="d"), flag("--k", param="k"), \
            flag("--dong-depth", param="dong_depth"), flag("--dong-param/--dong-fix", param="dong"):
        comparison = compare(
            _eta_grid(args.eta), _int_grid(args.heads, "heads"), _int_grid(args.depths, "depths"),
            n=args.n, d=args.d, k=args.k, phi0=_fraction(args.phi0, "phi0"), gamma=_fraction(args.gamma, "gamma"),
            r0=_fraction(args.r0, "r0"), c=_fraction(args.c_fast, "c"), dong=args.dong or bool(args.dong_plot),
            dong_params=args.dong_param, dong_fix=args.dong_fix, dong_depth=args.dong_depth,
        )
    result, rmap = comparison.comparison, comparison.dong_map
    assumptions = result.assumptions
    if args.plot:
        console.print(f"map written to {comparison.save(args.plot)}")
    if args.dong_plot:
        console.print(f"Dong map written to {comparison.save_dong(args.dong_plot)}")
    if args.json:
        json.dump(comparison.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    out = Console(width=max(160, Console().width))
    out.print(_table(result))
    out.print("[bold]Assumptions[/]")
    for line in assumptions.lines():
        out.print(f"  - {line}")
    out.print("[bold]Sources[/]")
    for line in (*result.sources, *result.notes):
        out.print(f"  - {line}")
    counts: dict[str, int] = {}
    for v in result.points:
        counts[category(v)] = counts.get(category(v), 0) + 1
    out.print("[bold]Summary[/]: " + "; ".join(f"{CATEGORY_LABELS[k]}: {n}" for k, n in counts.items()))
    if rmap is not None:
        p = rmap.problem
        axes = ", ".join(f"{a.name} in [{a.lo}, {a.hi}]" for a in p.axes)
        fixed = ", ".join(f"{k} = {v}" for k, v in p.fixed.items())
        out.print(f"[bold]Dong et al. {p.label}[/] over {axes}; fixed {fixed}; {len(rmap.cells)} cells, "
                  f"depth <= {rmap.depth}")
        dong_table = Table("class (bound vs r0) / with base < 1", "volume fraction")
        for name, frac in rmap.fractions().items():
            dong_table.add_row(name, f"{frac:.4f}")
        names = {"both": "informative and base < 1", "neither": "vacuous and base >= 1",
                 "regime-only": "base < 1 but vacuous (the summary's criterion fails here)",
                 "informative-only": "informative although base >= 1", "undetermined": "undetermined"}
        for name, frac in sorted(rmap.combined_fractions().items()):
            dong_table.add_row(names.get(name, name), f"{frac:.4f}")
        out.print(dong_table)
    return 0
