"""The portfolio with and without the taylor backend, and taylor alone, side by side.

Run from the repository root::

    .venv/bin/python benchmarks/taylor_stats.py [--seconds S] [--verbose]

Every statement of the catalogs (benchmarks/catalog_stats.py's list) is
decided, in this one process and interleaved per statement, by the default
portfolio, by the same portfolio with the ``taylor`` slot removed, and by
``taylor`` alone on the statements it supports. Printed per method: true
statements proved, false ones refuted, wrong verdicts (must be 0), median
and 90th percentile wall time per call; then the statements whose verdict
differs between the two portfolios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalog_stats  # noqa: E402

from boundprop.backends import portfolio, taylor  # noqa: E402
from boundprop.backends.base import DEFAULT  # noqa: E402
from boundprop.errors import UnsupportedError  # noqa: E402
from boundprop.statement import Budget  # noqa: E402
from boundprop.verdict import Status  # noqa: E402

WITHOUT = replace(DEFAULT, preference=tuple(s for s in DEFAULT.preference if s.backend != "taylor"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="wall-clock cap per call")
    parser.add_argument("--verbose", action="store_true", help="one line per statement")
    args = parser.parse_args(argv)
    budget = Budget(seconds=args.seconds)
    every = catalog_stats.items()
    rows: dict[str, list[tuple[bool, str, float]]] = {"without": [], "with": [], "taylor": []}
    changed = []
    for item in every:
        got = {}
        for label in rows:
            if label == "taylor" and not taylor.supports(item.statement):
                continue
            start = time.monotonic()
            try:
                if label == "taylor":
                    status = taylor.decide(item.statement, budget).status
                else:
                    registry = DEFAULT if label == "with" else WITHOUT
                    status = portfolio.decide(item.statement, budget, registry=registry).status
                outcome = {Status.PROVED: "proved", Status.REFUTED: "refuted"}.get(status, "open")
            except UnsupportedError:
                outcome = "unsupported"
            seconds = time.monotonic() - start
            rows[label].append((item.truth, outcome, seconds))
            got[label] = (outcome, seconds)
        if got["with"][0] != got["without"][0]:
            changed.append(f"  {item.name}: {got['without'][0]} -> {got['with'][0]}")
        if args.verbose:
            print(f"  {item.name:50s} truth={item.truth!s:5s} "
                  + "  ".join(f"{k}={o} {t:.2f}s" for k, (o, t) in got.items()), flush=True)
    n_true = sum(i.truth for i in every)
    for label, out in rows.items():
        taken = [r for r in out if r[1] != "unsupported"]
        proved = sum(1 for t, o, _ in taken if o == "proved" and t)
        refuted = sum(1 for t, o, _ in taken if o == "refuted" and not t)
        wrong = sum(1 for t, o, _ in taken if o in ("proved", "refuted") and (o == "proved") != t)
        times = [s for _, _, s in taken]
        p90 = sorted(times)[min(len(times) - 1, int(0.9 * len(times)))] if times else 0.0
        print(f"{label:8s} takes {len(taken):3d}  proved {proved:3d}/{n_true} ({100 * proved / n_true:5.1f} %)  "
              f"refuted {refuted:3d}  wrong {wrong}  median {statistics.median(times) if times else 0:6.2f} s  "
              f"p90 {p90:6.2f} s", flush=True)
    print("verdicts changed by the taylor slot:")
    print("\n".join(changed) if changed else "  none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
