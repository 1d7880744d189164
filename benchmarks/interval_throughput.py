"""Throughput of the two interval paths on the same expressions and boxes.

Run: ``.venv/bin/python benchmarks/interval_throughput.py [--boxes N]``

For each expression the scalar pyinterval path (compiled once, one box at a
time) and the batched numpy path (one call over all boxes) evaluate the same
boxes in this process; the script prints boxes/second of each and the ratio.
It also checks that the two enclosures overlap on every box (both contain
the true range), so a fast but wrong batched path would not go unnoticed.
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sympy as sp
from interval import interval

from boundprop.interval import compile_batched, compile_scalar

L, l = sp.Symbol("L", integer=True), sp.Symbol("l", integer=True)  # noqa: E741
H = sp.Symbol("H", integer=True)
eta, phi0, x = sp.symbols("eta phi0 x", real=True)

CASES = {
    "eps_l = 2*eta*phi0*(1+H*eta)**l": (
        2 * eta * phi0 * (1 + H * eta) ** l,
        [eta, phi0, H, l],
    ),
    "R1 = 2*L*H*eta*phi0*(1+H*eta)**(L-1)": (
        2 * L * H * eta * phi0 * (1 + H * eta) ** (L - 1),
        [eta, phi0, H, L],
    ),
    "3*(exp(2*H*x) - 1) - 2*x*log(1+x) + sqrt(x)": (
        3 * (sp.exp(2 * H * x) - 1) - 2 * x * sp.log(1 + x) + sp.sqrt(x),
        [x, H],
    ),
}


def random_boxes(symbols: list[sp.Symbol], n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    lo = np.empty((n, len(symbols)))
    hi = np.empty((n, len(symbols)))
    for j, s in enumerate(symbols):
        if s.is_integer:
            a = rng.integers(1, 40, n).astype(float)
            w = rng.integers(0, 3, n).astype(float)
        else:
            a = rng.uniform(0.0, 0.5, n)
            w = rng.uniform(0.0, 0.05, n)
        lo[:, j], hi[:, j] = a, a + w
    return lo, hi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boxes", type=int, default=20_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'expression':48s} {'scalar box/s':>14s} {'batched box/s':>14s} {'ratio':>8s}")
    for name, (expr, symbols) in CASES.items():
        lo, hi = random_boxes(symbols, args.boxes, rng)
        fs = compile_scalar(expr, symbols)
        fb = compile_batched(expr, symbols)
        # the scalar path on a subset (it is slow), extrapolated per box
        ns = min(args.boxes, 2_000)
        t0 = time.perf_counter()
        scalar = [
            fs([interval[lo[i, j], hi[i, j]] for j in range(len(symbols))]) for i in range(ns)
        ]
        ts = time.perf_counter() - t0
        fb(lo[:100], hi[:100])  # warm-up
        t0 = time.perf_counter()
        blo, bhi = fb(lo, hi)
        tb = time.perf_counter() - t0
        for i in range(ns):
            slo, shi = float(scalar[i][0].inf), float(scalar[i][0].sup)
            assert max(slo, blo[i]) <= min(shi, bhi[i]), (name, i)
        rs, rb = ns / ts, args.boxes / tb
        print(f"{name:48s} {rs:14.0f} {rb:14.0f} {rb / rs:8.0f}x")


if __name__ == "__main__":
    main()
