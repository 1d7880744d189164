"""The (eta, L) regime maps of R1, R2 and Theorem 5.3 at fixed H, phi0.

For each theorem: pave eta in [1e-4, 1] (log) x L in [1, 64] into cells that
are rigorously premises-fail / vacuous / informative / undetermined, overlay
the fast-attention threshold of Alman & Song 2023 (B <= c sqrt(log n)), write
one plot per theorem and print the volume fraction of every class.

Usage: ``python examples/regimes_eta_L.py [OUTDIR] [--depth N] [--H H] [--phi0 PHI0]``
(default OUTDIR ``out/regimes``).
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
    parser.add_argument("outdir", nargs="?", default="out/regimes")
    parser.add_argument("--depth", type=int, default=14)
    parser.add_argument("--H", default="8")
    parser.add_argument("--phi0", default="1")
    parser.add_argument("--no-overlay", action="store_true", help="classes only, no fast-attention overlay")
    args = parser.parse_args()
    paper = load_paper("alman-song-2025")
    ann = load_annotations(paper)
    out = Path(args.outdir)
    for theorem in ("R1", "R2", "Theorem 5.3"):
        defaults = ann.maps[theorem]
        axes = [parse_axis(s, paper, ann) for s in ("eta=1/10000:1:log", "L=1:64")]
        fixed = dict(parse_fix(s, paper, ann) for s in defaults.fix)
        fixed.update(dict(parse_fix(s, paper, ann) for s in (f"H={args.H}", f"phi0={args.phi0}")))
        regimes = () if args.no_overlay else ("fast-attention",)
        problem = build_problem(paper, theorem, axes, fixed, regimes, ann)
        rmap = pave(problem, depth=args.depth)
        name = theorem.replace(" ", "_").replace(".", "_")
        plot_map(rmap, out / f"{name}_eta_L{'' if args.no_overlay else '_fast'}.png")
        fractions = ", ".join(f"{k} {v:.3f}" for k, v in rmap.fractions().items())
        print(f"{theorem:12s} {len(rmap.cells):6d} cells  {rmap.seconds:7.2f} s  {fractions}")
        if rmap.problem.regimes:
            combined = ", ".join(f"{k} {v:.3f}" for k, v in sorted(rmap.combined_fractions().items()))
            print(f"{'':12s} with fast attention: {combined}")


if __name__ == "__main__":
    main()
