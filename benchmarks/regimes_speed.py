"""Regime paving speed: the batched (numpy) and scalar (pyinterval) backends
on the same map in one process, and the time of the (eta, L) maps at depth 16.

Prints cells evaluated per second of each backend and their ratio (the two
pavings are checked identical first; each backend's time is its fastest of
``--repeat`` runs, so that a busy shared machine disturbs both alike), then for R1, R2 and Theorem 5.3 of
alman-song-2025 the time of the default (eta, L) map at depth 16 with the
batched backend and its class fractions.

Usage: ``python benchmarks/regimes_speed.py [--depth N] [--map-depth N] [--theorem T] [--repeat K]``
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from boundprop.loader import load_paper
from boundprop.propagate import load_annotations
from boundprop.regimes import build_problem, parse_axis, parse_fix, pave


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=12, help="depth of the map both backends pave")
    parser.add_argument("--map-depth", type=int, default=16, help="depth of the timed (eta, L) maps")
    parser.add_argument("--theorem", default="R1", help="theorem of the backend comparison")
    parser.add_argument("--repeat", type=int, default=5, help="runs per backend (the fastest counts)")
    args = parser.parse_args()
    paper = load_paper("alman-song-2025")
    ann = load_annotations(paper)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")

    def problem(theorem: str, regimes: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
        d = ann.maps[theorem]
        axes = [parse_axis(s, paper, ann) for s in d.params]
        fixed = dict(parse_fix(s, paper, ann) for s in d.fix)
        return build_problem(paper, theorem, axes, fixed, regimes, ann)

    prob = problem(args.theorem, ("fast-attention",))
    runs = {}
    for backend in ("batch", "scalar"):
        pave(prob, depth=2, backend=backend)  # warm up imports and compile caches
        tries = [pave(prob, depth=args.depth, backend=backend) for _ in range(max(args.repeat, 1))]
        runs[backend] = min(tries, key=lambda run: run.seconds)
    b, s = runs["batch"], runs["scalar"]
    same = [(c.box, c.klass, c.regimes) for c in b.cells] == [(c.box, c.klass, c.regimes) for c in s.cells]
    print(f"\n{args.theorem} (eta, L) map with fast-attention overlay, depth {args.depth}: "
          f"{b.evaluated} cells evaluated, {len(b.cells)} final; identical classes: {same}")
    rates = {}
    for name, run in runs.items():
        rates[name] = run.evaluated / run.seconds
        print(f"  {name:6s} {run.seconds:8.3f} s  {rates[name]:10.1f} cells/s")
    print(f"  batch / scalar speed ratio: {rates['batch'] / rates['scalar']:.1f}x")

    print(f"\n(eta, L) maps at depth {args.map_depth}, batch backend (compile included in wall time):")
    for theorem in ("R1", "R2", "Theorem 5.3"):
        prob = problem(theorem)
        started = time.perf_counter()
        rmap = pave(prob, depth=args.map_depth, backend="batch")
        wall = time.perf_counter() - started
        fr = ", ".join(f"{k} {v:.4f}" for k, v in rmap.fractions().items())
        print(f"  {theorem:12s} {wall:8.2f} s wall, {rmap.seconds:8.2f} s paving, "
              f"{rmap.evaluated:6d} cells evaluated, {len(rmap.cells):6d} final; {fr}")


if __name__ == "__main__":
    main()
