"""Where attention can be fast and where the collapse bound is informative: the (eta, n) map.

Alman & Song 2023: attention is computable in almost linear time when the
entries of Q, K, V are bounded by B <= c sqrt(log n) (here B is bounded by
d eta phi0 (1 + H d eta)^(L-1) under N1). The collapse bound (R2 by default)
is informative where it beats every baseline. One map shows the four
combinations -- both, fast only, informative only, neither -- plus undetermined.

Usage: ``python examples/regimes_fast_vs_collapse.py [THEOREM] [--L L] [--c C] [--depth N] [--plot FILE]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

from boundprop.loader import load_paper
from boundprop.propagate import load_annotations
from boundprop.regimes import build_problem, parse_axis, parse_fix, pave
from boundprop.report.plot import plot_map


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("theorem", nargs="?", default="R2")
    parser.add_argument("--L", default="4")
    parser.add_argument("--c", default="1")
    parser.add_argument("--depth", type=int, default=16)
    parser.add_argument("--plot", default=None)
    args = parser.parse_args()
    paper = load_paper("alman-song-2025")
    ann = load_annotations(paper)
    specs = [s for s in ann.maps[args.theorem].fix if not s.startswith(("n=", "c="))]
    specs += [f"L={args.L}", f"c={args.c}"]
    fixed = dict(parse_fix(s, paper, ann) for s in specs)
    axes = [parse_axis(s, paper, ann) for s in ("eta=1/100000:1:log", "n=2:1073741824:log")]
    problem = build_problem(paper, args.theorem, axes, fixed, ("fast-attention",), ann)
    rmap = pave(problem, depth=args.depth)
    out = Path(args.plot or f"out/regimes/fast_vs_collapse_{args.theorem.replace(' ', '_')}.png")
    plot_map(rmap, out)
    print(f"{len(rmap.cells)} cells, {rmap.seconds:.2f} s")
    for key, value in sorted(rmap.combined_fractions().items()):
        print(f"  {key:18s} {value:.4f}")
    print(f"plot: {out}")


if __name__ == "__main__":
    main()
