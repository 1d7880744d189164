"""Throughput of the two interval paths on the same expressions and boxes.

Run: ``.venv/bin/python benchmarks/interval_throughput.py [--boxes N]``

For each expression the scalar pyinterval path (compiled once, one box at a
time) and the batched numpy path (one call over all boxes) evaluate the same
boxes in this process; the script prints boxes/second of each and the ratio.
It also checks that the two enclosures overlap on every box (both contain
the true range), so a fast but wrong batched path would not go unnoticed.
With python-flint installed (the ``arb`` extra), a column gives the arb
context (53 bits, one box at a time) on the same boxes.

For the two bounds that are monotone on the positive boxes used here
(eps_l and R1), a third column is the machine's speed: a plain hand-written
numpy kernel (each end computed once, np.nextafter after every operation,
the power by exp/log with a relative pad), the reference of issue 17.
The batched and plain numpy columns are each the fastest of ``--repeat``
runs (a busy shared machine otherwise decides the ratio).
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import time

import numpy as np
import sympy as sp
from interval import interval

from boundprop.interval import compile_batched, compile_scalar

if importlib.util.find_spec("flint") is not None:  # python-flint is optional
    from boundprop.interval.arb import ball, compile_arb
else:
    compile_arb = None

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


def _up(a: np.ndarray) -> np.ndarray:
    return np.nextafter(a, np.inf)


def _down(a: np.ndarray) -> np.ndarray:
    return np.nextafter(a, -np.inf)


_PAD = 2.0**-46  # relative pad of numpy's exp/log (as in the batched path)


def _pow_up(b: np.ndarray, e: np.ndarray) -> np.ndarray:
    return _up(np.exp(_up(e * _up(np.log(b) * (1 + _PAD)))) * (1 + _PAD))


def _pow_down(b: np.ndarray, e: np.ndarray) -> np.ndarray:
    return _down(np.exp(_down(e * _down(np.log(b) * (1 - _PAD)))) * (1 - _PAD))


def plain_eps_l(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """eps_l = 2 eta phi0 (1 + H eta)**l on boxes with eta, phi0 >= 0 and H, l >= 1: increasing."""
    def end(v: np.ndarray, step, pow_) -> np.ndarray:  # type: ignore[no-untyped-def]
        eta, phi0, h, ell = v[:, 0], v[:, 1], v[:, 2], v[:, 3]
        base = step(1 + step(h * eta))
        return step(step(2 * eta) * phi0) * pow_(base, ell)
    return end(lo, _down, _pow_down), end(hi, _up, _pow_up)


def plain_r1(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """R1 = 2 L H eta phi0 (1 + H eta)**(L - 1), same boxes: increasing."""
    def end(v: np.ndarray, step, pow_) -> np.ndarray:  # type: ignore[no-untyped-def]
        eta, phi0, h, ell = v[:, 0], v[:, 1], v[:, 2], v[:, 3]
        base = step(1 + step(h * eta))
        front = step(step(step(step(2 * ell) * h) * eta) * phi0)
        return step(front * pow_(base, ell - 1))
    return end(lo, _down, _pow_down), end(hi, _up, _pow_up)


PLAIN = {0: plain_eps_l, 1: plain_r1}


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
    parser.add_argument("--repeat", type=int, default=5, help="runs of the batched and plain kernels (fastest)")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'expression':48s} {'scalar box/s':>14s} {'arb box/s':>10s} {'batched box/s':>14s} {'ratio':>8s}"
          f" {'plain numpy box/s':>18s} {'batched/plain':>14s}")
    for index, (name, (expr, symbols)) in enumerate(CASES.items()):
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
        tb = float("inf")
        for _ in range(max(args.repeat, 1)):
            t0 = time.perf_counter()
            blo, bhi = fb(lo, hi)
            tb = min(tb, time.perf_counter() - t0)
        for i in range(ns):
            slo, shi = float(scalar[i][0].inf), float(scalar[i][0].sup)
            assert max(slo, blo[i]) <= min(shi, bhi[i]), (name, i)
        arb_rate = float("nan")
        if compile_arb is not None:
            from fractions import Fraction

            fa = compile_arb(expr, symbols)
            balls = [[ball(Fraction(lo[i, j]), Fraction(hi[i, j])) for j in range(len(symbols))] for i in range(ns)]
            t0 = time.perf_counter()
            arbs = [fa(b) for b in balls]
            arb_rate = ns / (time.perf_counter() - t0)
            for i, v in enumerate(arbs):  # both enclose the range: they overlap (exact comparisons)
                assert v.lower() <= float(bhi[i]) and v.upper() >= float(blo[i]), (name, i)
        rs, rb = ns / ts, args.boxes / tb
        plain = ""
        if index in PLAIN:
            kernel = PLAIN[index]
            tp = float("inf")
            for _ in range(max(args.repeat, 1)):
                t0 = time.perf_counter()
                plo, phi = kernel(lo, hi)
                tp = min(tp, time.perf_counter() - t0)
            assert np.all(np.maximum(plo, blo) <= np.minimum(phi, bhi)), name  # both enclose the range
            rp = args.boxes / tp
            plain = f" {rp:18.0f} {rb / rp:14.2f}"
        print(f"{name:48s} {rs:14.0f} {arb_rate:10.0f} {rb:14.0f} {rb / rs:8.0f}x{plain}")


if __name__ == "__main__":
    main()
