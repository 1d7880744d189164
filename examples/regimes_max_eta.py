"""The largest eta at which a collapse bound is informative, as a function of L.

For every L in a range, eta alone is paved on a log axis. The result is a
certified bracket [a, b] per L: the bound beats every baseline on all of
[eta_min, a] (informative cells, rigorously), and is no better than some
baseline from b on (vacuous cells); the threshold lies in between.

Usage: ``python examples/regimes_max_eta.py [THEOREM] [--layers A:B] [--step S] [--depth N] [--plot FILE]``
(default THEOREM R2, layers 1:64, plot ``out/regimes/max_eta_<THEOREM>.png``).
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from pathlib import Path

from boundprop.loader import load_paper
from boundprop.propagate import load_annotations
from boundprop.regimes import CellClass, build_problem, parse_axis, parse_fix, pave


def bracket(cells: list, eta_lo: Fraction) -> tuple[Fraction | None, Fraction | None]:  # type: ignore[type-arg]
    """(a, b): informative on [eta_lo, a] without a gap, vacuous from b on."""
    ordered = sorted(cells, key=lambda c: c.box[0][0])
    a = None
    for cell in ordered:
        if cell.klass is not CellClass.INFORMATIVE or cell.box[0][0] != (a if a is not None else eta_lo):
            break
        a = cell.box[0][1]
    b = None
    for cell in reversed(ordered):
        if cell.klass is not CellClass.VACUOUS:
            break
        b = cell.box[0][0]
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("theorem", nargs="?", default="R2")
    parser.add_argument("--layers", default="1:64")
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("--step", type=int, default=1, help="every STEP-th layer count")
    parser.add_argument("--plot", default=None)
    args = parser.parse_args()
    paper = load_paper("alman-song-2025")
    ann = load_annotations(paper)
    first, last = (int(x) for x in args.layers.split(":"))
    fixed_specs = [s for s in ann.maps[args.theorem].fix if not s.startswith("L=")]
    axis = parse_axis("eta=1/100000:1:log", paper, ann)
    rows = []
    for layers in range(first, last + 1, args.step):
        fixed = dict(parse_fix(s, paper, ann) for s in [*fixed_specs, f"L={layers}"])
        problem = build_problem(paper, args.theorem, [axis], fixed, (), ann)
        rmap = pave(problem, depth=args.depth)
        a, b = bracket(list(rmap.cells), axis.lo)
        rows.append((layers, a, b))
        show = lambda x: "none" if x is None else f"{float(x):.4g}"  # noqa: E731
        print(f"L = {layers:3d}: informative up to eta = {show(a)}, vacuous from eta = {show(b)}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ls = [r[0] for r in rows if r[1] is not None and r[2] is not None]
    ax.fill_between(ls, [float(r[1]) for r in rows if r[1] is not None and r[2] is not None],
                    [float(r[2]) for r in rows if r[1] is not None and r[2] is not None],
                    color="#fdb863", label="threshold lies here (undetermined)")
    ax.plot(ls, [float(r[1]) for r in rows if r[1] is not None and r[2] is not None], color="#1a9641",
            label="informative below (certified)")
    ax.plot(ls, [float(r[2]) for r in rows if r[1] is not None and r[2] is not None], color="#e66101",
            label="vacuous above (certified)")
    ax.set_yscale("log")
    ax.set_xlabel("$L$")
    ax.set_ylabel(r"$\eta$")
    fixed_text = ", ".join(s for s in fixed_specs if not s.startswith(("c=", "n=")))  # no regime here
    ax.set_title(f"{args.theorem}: largest informative $\\eta$ per depth\n{fixed_text}", fontsize=10)
    ax.legend(fontsize=8)
    out = Path(args.plot or f"out/regimes/max_eta_{args.theorem.replace(' ', '_')}.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=150)
    print(f"plot: {out}")


if __name__ == "__main__":
    main()
