"""The portfolio with and without the MetiTarski-style backend, side by side.

Run from the repository root::

    .venv/bin/python benchmarks/prover_catalog.py [--seconds S] [--rlimit N] [--only NAME...]

On every entry of tests/data/metitarski_sample.py the portfolio runs twice in
this one process: once as shipped and once with the metitarski backend
switched off (its ``applies`` test patched to False). Printed per family
(exp, log, root, mixed, and one-variable-unbounded): proved / true entries for
each, wrong verdicts on false entries (must be 0), refuted / false, and the
median wall time and median z3 resource count ("rlimit") of the metitarski
calls. Budgets are deterministic units (z3 rlimit, boxes); ``--seconds`` is
only the outer time cap.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "data"))

from metitarski_sample import ENTRIES, statement, unbounded  # noqa: E402

from boundprop.backends import metitarski, portfolio  # noqa: E402
from boundprop.statement import Budget  # noqa: E402
from boundprop.verdict import Status  # noqa: E402


def _run(entry: dict[str, Any], budget: Budget, enabled: bool) -> tuple[str, float, str, int]:
    st = statement(entry)
    original = metitarski.applies
    if not enabled:
        metitarski.applies = lambda _s: False  # type: ignore[assignment]
    try:
        start = time.monotonic()
        result = portfolio.decide(st, budget)
        seconds = time.monotonic() - start
    finally:
        metitarski.applies = original  # type: ignore[assignment]
    units = 0
    backend = result.details.get("backend", {}) if result.method == "metitarski" else {}
    if isinstance(backend, dict):
        units = int(backend.get("rlimit", 0))
    return result.status.value, seconds, result.method, units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="outer time cap per call")
    parser.add_argument("--rlimit", type=int, default=4_000_000, help="z3 resource limit per call")
    parser.add_argument("--boxes", type=int, default=20_000, help="box limit per call")
    parser.add_argument("--only", nargs="*", default=None, help="entry names to run")
    args = parser.parse_args()
    budget = Budget(seconds=args.seconds, z3_rlimit=args.rlimit, max_boxes=args.boxes, samples=1000)
    entries = [e for e in ENTRIES if not args.only or e["name"] in args.only]
    rows: list[tuple[dict[str, Any], tuple[str, float, str, int], tuple[str, float, str, int]]] = []
    for e in entries:
        with_mt = _run(e, budget, True)
        without = _run(e, budget, False)
        rows.append((e, with_mt, without))
        print(f"{e['name']:24s} truth={str(e['truth'])[0]}  with: {with_mt[0]:8s} {with_mt[2]:12s} "
              f"{with_mt[1]:5.1f}s   without: {without[0]:8s} {without[2]:12s} {without[1]:5.1f}s", flush=True)

    def family_of(e: dict[str, Any]) -> list[str]:
        names = [e["family"]]
        if len(e["variables"]) == 1 and unbounded(e):
            names.append("1-var unbounded")
        names.append("all")
        return names

    families = ["exp", "log", "root", "mixed", "1-var unbounded", "all"]
    print()
    print(f"{'family':16s} {'proved with':>12s} {'proved without':>15s} {'refuted (false)':>16s} "
          f"{'wrong':>6s} {'median s with':>14s} {'median s w/o':>13s}")
    for fam in families:
        members = [r for r in rows if fam in family_of(r[0])]
        true_rows = [r for r in members if r[0]["truth"]]
        false_rows = [r for r in members if not r[0]["truth"]]
        proved_with = sum(1 for r in true_rows if r[1][0] == Status.PROVED.value)
        proved_without = sum(1 for r in true_rows if r[2][0] == Status.PROVED.value)
        refuted = sum(1 for r in false_rows if r[1][0] == Status.REFUTED.value)
        wrong = sum(
            1 for r in members for o in (r[1], r[2])
            if (r[0]["truth"] and o[0] == Status.REFUTED.value)
            or (not r[0]["truth"] and o[0] == Status.PROVED.value)
        )
        med_with = statistics.median([r[1][1] for r in members]) if members else 0.0
        med_without = statistics.median([r[2][1] for r in members]) if members else 0.0
        print(f"{fam:16s} {proved_with:>5d}/{len(true_rows):<6d} {proved_without:>8d}/{len(true_rows):<6d} "
              f"{refuted:>9d}/{len(false_rows):<6d} {wrong:>6d} {med_with:>14.2f} {med_without:>13.2f}")
    units = [r[1][3] for r in rows if r[1][2] == "metitarski"]
    if units:
        print(f"\nmetitarski decided {len(units)} entries; median z3 rlimit per decided call "
              f"{int(statistics.median(units))}")


if __name__ == "__main__":
    main()
