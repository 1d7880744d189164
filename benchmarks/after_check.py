"""``graph`` and ``report`` after ``check``: a cache hit against rendering again.

Run from the repository root::

    .venv/bin/python benchmarks/after_check.py [--paper alman-song-2025] [--runs 3]

Checks the paper once (into a private cache directory), then times, wall
clock and interleaved so a busy machine slows both alike, ``graph`` and
``report`` (``.html``, ``.tex``) as a user runs them after ``check`` (the
cache hit) and rendering again (a new output name: the check reused, the
maps, tables and drawings computed again, which is what ``report`` did after
``check`` before its rendering was cached, and what the first ``report`` after a
``check`` does). Prints the first run, then the minimum, the median and every
run of each, and the ratio of the medians forced / hit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "boundprop", *argv], env=env, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", default="alman-song-2025")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bp-bench-") as tmp:
        env = {**os.environ, "BOUNDPROP_CACHE_DIR": str(Path(tmp) / "cache")}
        print(f"check {args.paper}: {_once(['check', args.paper], env):.1f} s", flush=True)
        out = Path(tmp)
        commands = {
            "graph": ["graph", args.paper, "--format", "svg", "-o", str(out / "g.svg")],
            "report .html": ["report", args.paper, "-o", str(out / "r.html")],
            "report .tex": ["report", args.paper, "-o", str(out / "r.tex")],
        }
        for name, argv in commands.items():
            first = _once(argv, env)  # the first run after check: fills the rendering cache
            hit: list[float] = []
            forced: list[float] = []
            for run in range(args.runs):
                hit.append(_once(argv, env))
                if name != "graph":  # graph renders nothing worth caching (it reuses the check only)
                    # a new output name is a new rendering key: the check is reused, the rest computed again
                    fresh = Path(argv[-1]).with_stem(f"fresh{run}")
                    forced.append(_once([*argv[:-1], str(fresh)], env))
            line = f"{name:13s} first after check {first:.2f} s; again {_runs(hit)}"
            if forced:
                ratio = statistics.median(forced) / statistics.median(hit)
                line += f"; rendering again {_runs(forced)}  ratio {ratio:.1f}x (medians)"
            print(line, flush=True)


def _runs(times: list[float]) -> str:
    """The minimum (what a busy machine disturbs least), the median and every run."""
    every = ", ".join(f"{t:.2f}" for t in times)
    return f"min {min(times):.2f} s median {statistics.median(times):.2f} s [{every}]"

if __name__ == "__main__":
    main()
