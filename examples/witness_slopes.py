"""Measure the collapse error of real networks against R1, R2 and Theorem 5.3's claimed form,
write log-log plots (error and bound against eta, several L) and print the fitted slopes.

Usage: ``python examples/witness_slopes.py [OUTDIR] [--samples N] [--adversarial]``
(default OUTDIR ``out/witness``, git-ignored). Also plots Wu et al.'s masked dynamics:
mu(X_t) over depth for ring masks of several radii, with and without LayerNorm.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from boundprop.witness.masked import LayerNorm, mask_graph, simulate_masked, uniform_rate
from boundprop.witness.measure import WitnessReport, fit_slope, run_witness
from boundprop.witness.networks import Norm
from boundprop.witness.plot import plot_masked, plot_witness, series_by_layers

SMALL_ETA_POINTS = 4  # the slope "at small eta" is fitted on the 4 smallest values


def slopes(report: WitnessReport) -> list[str]:
    names = sorted(k for k in report.configurations[0].params if k != "eta")
    lines = []
    for key, (etas, measured, bounds) in sorted(series_by_layers(report).items()):
        label = ", ".join(f"{n}={v:g}" for n, v in zip(names, key, strict=True))
        small = slice(0, SMALL_ETA_POINTS)
        ratios = [m / b for m, b in zip(measured, bounds, strict=True) if b > 0]
        lines.append(
            f"  {label}: measured slope {fit_slope(etas[small], measured[small]):.2f} "
            f"(small eta), {fit_slope(etas, measured):.2f} (all); bound slope "
            f"{fit_slope(etas[small], bounds[small]):.2f} (small eta); "
            f"ratio measured/bound {min(ratios):.3g}..{max(ratios):.3g}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir", nargs="?", default="out/witness")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--adversarial", action="store_true")
    args = parser.parse_args()
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    common = dict(samples=args.samples, adversarial=args.adversarial, seed=0)
    eta_r1 = [float(v) for v in np.geomspace(0.001, 0.3, 8)]
    eta_r2 = [float(v) for v in np.geomspace(0.001, 0.05, 8)]
    runs = [
        ("r1", "R1", {"eta": eta_r1, "L": [1, 2, 4, 8]}, None),
        ("r2", "R2", {"eta": eta_r2, "L": [1, 2, 4, 8]}, None),
        ("t53_n1", "Theorem 5.3", {"eta": eta_r1, "L": [2, 4, 8], "beta": [50.0]}, Norm.N1),
        ("t53_n2", "Theorem 5.3", {"eta": eta_r1, "L": [2, 4, 8], "beta": [50.0]}, Norm.N2),
    ]
    for name, theorem, grid, norm in runs:
        report = run_witness(theorem, grid, norm_override=norm, **common)  # type: ignore[arg-type]
        path = plot_witness(
            report,
            out / f"witness_{name}.png",
            title=f"{theorem} ({report.configurations[0].norm.value}), {name}",
        )
        exceeded = sum(c.exceeded for c in report.configurations)
        print(f"{name}: {theorem} [{report.spec.form}] -> {path}; exceeded in {exceeded} configs")
        for line in slopes(report):
            print(line)

    # Wu et al.: ring masks of growing window (smaller graph radius), beta = 0.5.
    rng = np.random.default_rng(0)
    n, d = 32, 8
    x0 = rng.standard_normal((4, n, d))
    wq, wk = rng.standard_normal((2, d, d)) / np.sqrt(d)
    eye = np.eye(d)
    masked_runs = []
    for r in (1, 2, 4, 8):
        adj = mask_graph("ring", n, r)
        run = simulate_masked(x0, adj, wq, wk, eye, 0.5, 150, label=f"ring w={r}")
        masked_runs.append(run)
        print(
            f"masked ring window {r}: graph radius {run.radius}, fitted rate {run.rate:.4f}"
            f" per layer (uniform-attention rate -log|lambda2| = {uniform_rate(adj):.4f}),"
            f" final rank {run.final_rank}"
        )
    for ln, beta in ((LayerNorm.SPHERE, 1.0), (LayerNorm.SPHERE, 10.0)):
        run = simulate_masked(x0, mask_graph("complete", n), eye, eye, eye, beta, 800, ln, label=f"{ln} LN beta={beta}")
        masked_runs.append(run)
        print(
            f"LayerNorm {ln}, complete mask, W=I, beta={beta}: rate {run.rate:.4f}, final rank "
            f"{run.final_rank}, relative mu {run.relative_mu[-1]:.3g}, final change "
            f"{run.final_change:.2e}"
        )
    print(f"masked plot -> {plot_masked(masked_runs, out / 'masked_mu.png')}")


if __name__ == "__main__":
    main()
