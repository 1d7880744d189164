"""Benchmark: the witness on a large configuration (not a test).

n = 128 tokens, d = 64, H = 8 heads (k = d/H = 8), L = 24 layers, 1,000 independent draws
of weights (N1 ball, eta = 1e-4) and inputs (phi0 = 1), beta = 1: simulate S and S' and
measure |S - S'|, |S - X| and |Res(S(X))| under both norms, in chunks of bounded memory.

Two ways of using the 2 cores are timed, side by side in one process:

* ``threads``: OpenBLAS single-threaded, two Python threads over chunks (the softmax's
  exp, the largest single cost, is single-threaded in numpy, so this parallelises it);
* ``blas``: one Python thread, OpenBLAS using both cores (only the products are parallel).

Since OpenBLAS reads its thread count at import, the ``blas`` run is a child process.

Usage: ``python benchmarks/witness_large.py [--draws N] [--mode threads|blas|both]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def run(draws: int, workers: int, chunk: int | None) -> None:
    import numpy as np

    from boundprop.witness.measure import bound_of, measure_random
    from boundprop.witness.networks import NetworkConfig, Norm

    cfg = NetworkConfig(
        n=128, d=64, k=8, H=8, L=24, beta=1.0, eta=1e-4, phi0=1.0, norm=Norm.N1
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    stats = measure_random(cfg, draws, seed=0, workers=workers, chunk=chunk)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    load = os.getloadavg()[0]
    params = dict(n=128, d=64, k=8, H=8, L=24, beta=1.0, eta=1e-4, phi0=1.0)
    bound = bound_of("R2", params).value
    print(
        f"workers={workers} OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}: "
        f"{draws} draws in {seconds:.1f} s wall, {cpu:.1f} s CPU "
        f"({seconds / draws * 1e3:.1f} ms per draw; load average {load:.1f} on "
        f"{os.cpu_count()} cores); "
        f"max |S-S'|_N1 = {stats['collapse_N1']:.4e}, R2 bound = {bound:.4e}, "
        f"ratio = {stats['collapse_N1'] / bound:.4g}; max |S-X|_N1 = {stats['drift_N1']:.4e}; "
        f"max |Res(S(X))|_N1 = {stats['res_N1']:.4e}; numpy {np.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--mode", choices=["threads", "blas", "both"], default="threads")
    parser.add_argument("--chunk", type=int, default=8, help="draws per chunk (default 8)")
    parser.add_argument("--child", choices=["threads", "blas"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        run(args.draws, 2 if args.child == "threads" else 1, args.chunk)
        return
    modes = ["threads", "blas"] if args.mode == "both" else [args.mode]
    for mode in modes:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1" if mode == "threads" else "2")
        cmd = [sys.executable, __file__, "--draws", str(args.draws), "--child", mode]
        if args.chunk is not None:
            cmd += ["--chunk", str(args.chunk)]
        subprocess.run(cmd, env=env, check=True)


if __name__ == "__main__":
    main()
