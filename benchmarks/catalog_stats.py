"""Shares of proved/refuted/open per backend and for the portfolio on the catalog.

Run from the repository root::

    .venv/bin/python benchmarks/catalog_stats.py [--seconds S] [--samples N]

Each backend runs on the entries that claim its shape (tests/catalog.py), the
portfolio on every entry, all in this one process. Printed per method: the
number of entries, the shares proved / refuted / open (tested or unknown),
unsupported, wrong answers (proved-false or refuted-true: must be 0), and
the median and worst wall time per statement.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from catalog import CATALOG, Entry  # noqa: E402

from boundprop.backends import exact, falsifier, portfolio, z3backend  # noqa: E402
from boundprop.errors import UnsupportedError  # noqa: E402
from boundprop.statement import Budget, Statement  # noqa: E402
from boundprop.verdict import CheckResult, Status  # noqa: E402

Decide = Callable[[Statement, Budget], CheckResult]


def _methods() -> dict[str, Decide]:
    methods: dict[str, Decide] = {
        "exact": exact.decide,
        "z3": z3backend.decide,
        "falsifier": falsifier.decide,
    }
    try:
        from boundprop.backends import bnb

        methods["bnb"] = bnb.decide
    except ImportError:
        pass
    methods["portfolio"] = portfolio.decide
    return methods


def _row(name: str, outcomes: list[tuple[Entry, str, float]]) -> str:
    n = len(outcomes)
    count = {k: sum(1 for _, o, _ in outcomes if o == k) for k in
             ("proved", "refuted", "open", "unsupported")}
    wrong = sum(
        1 for e, o, _ in outcomes
        if (o == "proved" and not e.truth) or (o == "refuted" and e.truth)
    )
    times = [t for _, _, t in outcomes] or [0.0]
    shares = "  ".join(f"{k} {100 * v / max(n, 1):5.1f}%" for k, v in count.items())
    return (f"{name:<10} n={n:<3} {shares}  wrong {wrong}  "
            f"median {statistics.median(times):6.3f} s  worst {max(times):6.3f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=None,
                        help="budget per statement (default: each entry's own)")
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args(argv)
    results: dict[str, list[tuple[Entry, str, float]]] = {}
    mismatches: list[str] = []
    for name, decide in _methods().items():
        rows = results.setdefault(name, [])
        for entry in CATALOG:
            if name != "portfolio" and name not in entry.backends:
                continue
            budget = Budget(seconds=args.seconds or entry.seconds, samples=args.samples)
            st = entry.statement()
            start = time.monotonic()
            try:
                status = decide(st, budget).status
                outcome = {Status.PROVED: "proved", Status.REFUTED: "refuted"}.get(status, "open")
            except UnsupportedError:
                outcome = "unsupported"
            rows.append((entry, outcome, time.monotonic() - start))
            if name == "portfolio" and outcome != entry.expected:
                mismatches.append(f"{entry.name}: expected {entry.expected}, got {outcome}")
    print(f"catalog: {len(CATALOG)} statements "
          f"({sum(e.truth for e in CATALOG)} true, {sum(not e.truth for e in CATALOG)} false)")
    for name, rows in results.items():
        print(_row(name, rows))
    for line in mismatches:
        print("portfolio mismatch:", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
