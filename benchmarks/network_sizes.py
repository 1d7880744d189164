"""Benchmark: network-level R1 and Theorem 5.3 per size (not a test).

For every size n in {2, 3}, d in {1, 2}, H in {1, 2}, L in {1, 2, 3} at eta = 1/4,
phi0 = 1 (the sizes and radii of the nodes R1-net and Theorem 5.3-net), and each
witness (l-lin for R1, identity for Theorem 5.3), prints:

* ``bound``: the theorem's bound at that size;
* ``cert@check``: the certified upper bound of the worst error that the check stops
  at (the first enclosure at most the bound), and ``t_check`` its time;
* ``cert@N``: the certified upper bound after a best-first search of ``--nodes``
  enclosures (``exact`` when the search closed: then it is the worst error of the
  relaxation), ``vertex``: the worst vertex network found (exact), ``t_search``;
* ``measured``: the largest error of real softmax networks found by the witness
  simulator (random draws in the balls, ``--draws`` of them, fixed seed);
* ratios ``cert/bound`` and ``measured/bound`` (how tight the theorem is);
* then R2 (N1, beta = 1, k = 1, l-lin) at n <= 8, d <= 3 (R2-net's n, d): the one-enclosure certified bound with
  softmax rows bounded over sets of entries (``cert``, what the check uses) and entry by
  entry (``cert_entry``, the first enclosure), and with the affine softmax relaxation of
  boundprop.relax beside the set bound (``cert_lin``, the smaller spread per row: intervals
  only vs linear relaxation, ``lin/cert``), R2's bound (float, for display), the measured
  softmax error and the times (``t_check`` intervals, ``t_lin`` with the relaxation).

Usage: ``python benchmarks/network_sizes.py [--nodes N] [--draws N] [--quick]``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import time
from fractions import Fraction

import numpy as np

from boundprop.network import NetworkSize, certify, certify_n1
from boundprop.witness.measure import per_draw
from boundprop.witness.networks import NetworkConfig, Norm, draw_inputs, draw_weights

ETA, PHI0 = Fraction(1, 4), Fraction(1)


def bound(witness: str, H: int, L: int) -> Fraction:
    if witness == "l-lin":  # R1
        return 2 * L * H * ETA * PHI0 * (1 + H * ETA) ** (L - 1)
    return 2 * PHI0 * ((1 + H * ETA) ** L - 1)  # Theorem 5.3


def r2_bound(n: int, d: int, H: int, L: int, beta: float = 1.0, k: int = 1) -> float:
    eta, phi0 = float(ETA), float(PHI0)
    phi = [phi0 * (1 + H * d * eta) ** j for j in range(L)]
    theta = [beta * k * d**2 * eta**2 * p**2 for p in phi]
    return sum((1 + H * d * eta) ** (L - 1 - j) * H * d * eta * math.expm1(2 * theta[j]) * phi[j] for j in range(L))


def measured(witness: str, n: int, d: int, H: int, L: int, draws: int) -> float:
    cfg = NetworkConfig(n=n, d=d, k=1, H=H, L=L, beta=4.0, eta=float(ETA), phi0=float(PHI0),
                        norm=Norm.N2, qk_eta=3.0)
    rng = np.random.default_rng(0)
    vals = per_draw(cfg, draw_inputs(cfg, draws, rng), draw_weights(cfg, draws, rng))
    return float(vals["collapse_N2" if witness == "l-lin" else "drift_N2"].max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200, help="enclosures of the refining search per size")
    parser.add_argument("--draws", type=int, default=2000, help="softmax networks drawn per size")
    parser.add_argument("--quick", action="store_true", help="only n = 2, d = 1 and n = 3, d = 2")
    args = parser.parse_args()
    dims = [(2, 1), (3, 2)] if args.quick else [(2, 1), (2, 2), (3, 1), (3, 2)]
    header = ("theorem", "n", "d", "H", "L", "bound", "cert@check", "t_check", f"cert@{args.nodes}", "exact",
              "vertex", "t_search", "measured", "cert/bound", "meas/bound")
    print(" ".join(f"{h:>11}" for h in header))
    for witness, name in (("l-lin", "R1"), ("identity", "Thm5.3")):
        total_check = 0.0
        for (n, d), H, L in itertools.product(dims, (1, 2), (1, 2, 3)):
            size = NetworkSize(n, d, H, L, ETA, PHI0, witness)
            b = bound(witness, H, L)
            t0 = time.perf_counter()
            quick = certify(size, 2000, target=b, dive=False)
            t_check = time.perf_counter() - t0
            total_check += t_check
            t0 = time.perf_counter()
            deep = certify(size, args.nodes)
            t_search = time.perf_counter() - t0
            meas = measured(witness, n, d, H, L, args.draws)
            row = (name, n, d, H, L, f"{float(b):.4f}", f"{float(quick.upper):.4f}", f"{t_check:.3f}",
                   f"{float(deep.upper):.4f}", "yes" if deep.exact else "no", f"{float(deep.lower):.4f}",
                   f"{t_search:.2f}", f"{meas:.4f}", f"{float(deep.upper / b):.3f}", f"{meas / float(b):.3f}")
            print(" ".join(f"{str(v):>11}" for v in row), flush=True)
        print(f"{name}: check time over all sizes {total_check:.2f} s")
    # R2 (N1, beta = 1, k = 1): one interval enclosure per size, no search; the softmax
    # rows bounded over sets of entries (cert) and entry by entry (cert_entry)
    print(" ".join(f"{h:>11}" for h in ("theorem", "n", "d", "H", "L", "bound", "cert", "cert_entry", "cert_lin",
                                         "t_check", "t_lin", "measured", "cert/bound", "entry/bound", "lin/cert",
                                         "meas/bound")))
    total = total_lin = 0.0
    tighter = 0
    r2_dims = [(2, 1), (4, 1), (6, 1), (3, 2)] if args.quick else [(n, d) for n in range(2, 9) for d in (1, 2, 3)]
    for (n, d), H, L in itertools.product(r2_dims, (1, 2), (1, 2, 3)):
        size = NetworkSize(n, d, H, L, ETA, PHI0, "l-lin", "N1", Fraction(1), 1)
        t0 = time.perf_counter()
        cert = float(certify_n1(size))
        t_check = time.perf_counter() - t0
        total += t_check
        entry = float(certify_n1(size, by_sets=False))
        t0 = time.perf_counter()
        lin_exact = certify_n1(size, linear=True)
        t_lin = time.perf_counter() - t0
        total_lin += t_lin
        lin = float(lin_exact)
        tighter += lin_exact < certify_n1(size)
        b = r2_bound(n, d, H, L)
        cfg = NetworkConfig(n=n, d=d, k=1, H=H, L=L, beta=1.0, eta=float(ETA), phi0=float(PHI0), norm=Norm.N1)
        rng = np.random.default_rng(0)
        meas = float(per_draw(cfg, draw_inputs(cfg, args.draws, rng), draw_weights(cfg, args.draws, rng))
                     ["collapse_N1"].max())
        row = ("R2", n, d, H, L, f"{b:.4f}", f"{cert:.4f}", f"{entry:.4f}", f"{lin:.4f}", f"{t_check:.3f}",
               f"{t_lin:.3f}", f"{meas:.4f}", f"{cert / b:.3f}", f"{entry / b:.3f}", f"{lin / cert:.4f}",
               f"{meas / b:.3f}")
        print(" ".join(f"{str(v):>11}" for v in row), flush=True)
    print(f"R2: check time over all sizes {total:.2f} s (intervals), {total_lin:.2f} s (with the linear "
          f"relaxation); sizes where the relaxation is strictly tighter: {tighter}")


if __name__ == "__main__":
    main()
