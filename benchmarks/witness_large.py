"""Benchmark: the witness on a large configuration (not a test).

n = 128 tokens, d = 64, H = 8 heads (k = d/H = 8), L = 24 layers, 1,000 independent draws
of weights (N1 ball, eta = 1e-4) and inputs (phi0 = 1), beta = 1: simulate S and S' and
measure |S - S'|, |S - X| and |Res(S(X))| under both norms, in chunks of 8 draws.

Three ways of using the 2 cores, each timed in its own child process (OpenBLAS reads its
thread count at import):

* ``processes`` (default): OpenBLAS single-threaded, two worker processes over chunks;
* ``threads``: OpenBLAS single-threaded, two Python threads over chunks; the simulation
  makes many short numpy calls (cache-sized blocks), and the threads wait for the GIL
  (measured: about one core of two used);
* ``blas``: one Python thread, OpenBLAS using both cores. Slow: the products are small,
  and with other jobs on the machine each call can wait for OpenBLAS's second thread
  (measured: more than ten times slower, before and after the cache-blocked layer).

CPU time includes the worker processes'. Measured on this 2-core machine (numpy 2.4,
OpenBLAS 0.3.31) while other jobs used it (load average 3 to 4), back to back, 1,000
draws: the layer of commit e59ba40 (threads) 159.9 s wall, 114.8 s CPU; the cache-blocked
layer with Taylor exp, processes, 89.3 s wall, 94.7 s CPU, and threads, 122.2 s wall,
95.2 s CPU; same maxima to every digit printed. On a machine this loaded neither number is the idle-machine time.

Usage: ``python benchmarks/witness_large.py [--draws N] [--mode processes|threads|blas|all]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time


def _cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run(draws: int, mode: str, chunk: int | None) -> None:
    import numpy as np

    from boundprop.witness.measure import bound_of, measure_random
    from boundprop.witness.networks import NetworkConfig, Norm

    cfg = NetworkConfig(n=128, d=64, k=8, H=8, L=24, beta=1.0, eta=1e-4, phi0=1.0, norm=Norm.N1)
    workers = 1 if mode == "blas" else 2
    load_start = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), _cpu()
    stats = measure_random(cfg, draws, seed=0, workers=workers, chunk=chunk, processes=mode == "processes")
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu_start
    load = os.getloadavg()[0]
    params = dict(n=128, d=64, k=8, H=8, L=24, beta=1.0, eta=1e-4, phi0=1.0)
    bound = bound_of("R2", params).value
    print(
        f"{mode}: workers={workers} OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}: "
        f"{draws} draws in {seconds:.1f} s wall, {cpu:.1f} s CPU "
        f"({seconds / draws * 1e3:.1f} ms per draw; load average {load_start:.1f} -> {load:.1f} on "
        f"{os.cpu_count()} cores); "
        f"max |S-S'|_N1 = {stats['collapse_N1']:.4e}, R2 bound = {bound:.4e}, "
        f"ratio = {stats['collapse_N1'] / bound:.4g}; max |S-X|_N1 = {stats['drift_N1']:.4e}; "
        f"max |Res(S(X))|_N1 = {stats['res_N1']:.4e}; numpy {np.__version__}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--mode", choices=["processes", "threads", "blas", "all"], default="processes")
    parser.add_argument("--chunk", type=int, default=8, help="draws per chunk (default 8)")
    parser.add_argument("--child", choices=["processes", "threads", "blas"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        run(args.draws, args.child, args.chunk)
        return
    modes = ["processes", "threads", "blas"] if args.mode == "all" else [args.mode]
    for mode in modes:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="2" if mode == "blas" else "1")
        cmd = [sys.executable, __file__, "--draws", str(args.draws), "--child", mode]
        if args.chunk is not None:
            cmd += ["--chunk", str(args.chunk)]
        subprocess.run(cmd, env=env, check=True)


if __name__ == "__main__":
    main()
