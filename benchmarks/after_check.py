"""``graph`` and ``report`` after ``check``: a cache hit against rendering again.

Run from the repository root::

    .venv/bin/python benchmarks/after_check.py [--paper alman-song-2025] [--runs 3]

Checks the paper once (into a private cache directory), then times, wall
clock and interleaved so a busy machine slows both alike, ``graph`` and
``report`` (``.html``, ``.tex``) as a user runs them after ``check`` (the
cache hit) and rendering again (a new output name: the check reused, the
maps, tables and drawings computed again, which is what ``report`` did after
``check`` before its rendering was cached). Prints the medians and the ratio forced / hit.
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
            _once(argv, env)  # fills the rendering cache
            hit: list[float] = []
            forced: list[float] = []
            for run in range(args.runs):
                hit.append(_once(argv, env))
                if name != "graph":  # graph renders nothing worth caching (it reuses the check only)
                    # a new output name is a new rendering key: the check is reused, the rest computed again
                    fresh = Path(argv[-1]).with_stem(f"fresh{run}")
                    forced.append(_once([*argv[:-1], str(fresh)], env))
            line = f"{name:13s} after check {statistics.median(hit):.2f} s"
            if forced:
                ratio = statistics.median(forced) / statistics.median(hit)
                line += f"  rendering again {statistics.median(forced):.2f} s  ratio {ratio:.1f}x"
            print(line, flush=True)


if __name__ == "__main__":
    main()
