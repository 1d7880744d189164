"""Start-up time of the command line, against a baseline checkout.

Run from the repository root::

    git archive <commit> | tar -x -C /tmp/baseline      # the version to compare with
    .venv/bin/python benchmarks/startup.py --baseline /tmp/baseline [--runs 5]

Times (wall clock, several runs, interleaved so that a busy machine slows both
sides alike) ``boundprop prove --help`` and ``boundprop prove "x >= 0" --var
x=0:1`` with this checkout's package and with the baseline's (the same Python
and libraries: only the package differs), and prints the medians and the ratio
baseline / this. Without ``--baseline`` it prints this checkout's medians only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "prove --help": ["prove", "--help"],
    "prove x >= 0": ["prove", "x >= 0", "--var", "x=0:1"],
}


def _once(tree: Path, argv: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    # cwd too: `python -m` puts the working directory first on sys.path
    subprocess.run([sys.executable, "-m", "boundprop", *argv], env=env, cwd=tree, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a checkout (or git archive) of the version to compare with")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    trees = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    for name, argv in COMMANDS.items():
        times: dict[str, list[float]] = {t: [] for t in trees}
        for _ in range(args.runs):
            for tree, path in trees.items():
                times[tree].append(_once(path, argv))
        medians = {t: statistics.median(v) for t, v in times.items()}
        line = f"{name:14s}  this {medians['this']:.2f} s"
        if "baseline" in medians:
            ratio = medians["baseline"] / medians["this"]
            line += f"  baseline {medians['baseline']:.2f} s  ratio baseline/this {ratio:.1f}x"
        print(line, flush=True)


if __name__ == "__main__":
    main()
