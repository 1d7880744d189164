"""Proved share, median and 90th percentile time per call, per backend and for the portfolio.

Run from the repository root::

    .venv/bin/python benchmarks/catalog_stats.py [--seconds S] [--only-method NAME ...]
        [--only-class CLASS ...] [--only-catalog NAME ...] [--verbose]

The statements: every catalog of tests/ in one list (tests/catalog.py, the
MetiTarski sample tests/data/metitarski_sample.py, the published catalog
tests/data/catalog_published.py and Polya's problems tests/data/catalog_polya.py).
Every backend runs alone on every statement whose shape it supports (the
backend protocol's ``supports``), the portfolio on every statement, all in
this one process and at the same budget: default
deterministic limits (z3 rlimit, boxes, samples) and a wall-clock cap of
``--seconds`` per call (20 s by default), which only stops runaways.

Printed per method: statements taken, true ones proved (share of the true
statements of the whole list, and of those the method takes), false ones
refuted, wrong verdicts (proved-false or refuted-true: must be 0), and the
median and 90th percentile wall time per call. Then each method's proved
share by function class and for one variable on an unbounded range.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "data"))

import catalog  # noqa: E402
import catalog_polya  # noqa: E402
import catalog_published  # noqa: E402
import metitarski_sample  # noqa: E402

from boundprop.backends import portfolio  # noqa: E402
from boundprop.backends.base import DEFAULT  # noqa: E402
from boundprop.errors import UnsupportedError  # noqa: E402
from boundprop.statement import Budget, Statement  # noqa: E402
from boundprop.verdict import CheckResult, Status  # noqa: E402

Decide = Callable[[Statement, Budget], CheckResult]
BACKENDS = ("exact", "z3", "metitarski", "interval-bnb", "falsifier")


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    truth: bool
    statement: Statement
    classes: tuple[str, ...]


def _classes(st: Statement) -> tuple[str, ...]:
    import sympy as sp

    parts = [p for p in (*st.hypotheses, st.conclusion) if isinstance(p, sp.Basic)]
    out = []
    if any(p.has(sp.log) for p in parts):
        out.append("log")
    if any(p.has(sp.exp, sp.cosh, sp.sinh, sp.tanh, sp.E) for p in parts):
        out.append("exp")
    roots = [q for p in parts for q in p.atoms(sp.Pow) if q.exp.is_Rational and not q.exp.is_Integer]
    if any(q.exp.q == 2 for q in roots):
        out.append("sqrt")
    if any(q.exp.q != 2 for q in roots):
        out.append("rational power")
    if not out:
        out.append("polynomial/rational")
    if len(st.variables) == 1 and not st.variables[0].bounded:
        out.append("1-var unbounded")
    return tuple(out)


def items() -> list[Item]:
    """Every statement of the four catalogs, with its truth."""
    out = []
    for e in catalog.CATALOG:
        st = e.statement()
        out.append(Item(f"catalog:{e.name}", e.truth, st, _classes(st)))
    for module in (metitarski_sample, catalog_published, catalog_polya):
        entries: list[dict[str, Any]] = module.ENTRIES
        for d in entries:
            st = module.statement(d)
            out.append(Item(f"{module.__name__}:{d['name']}", bool(d["truth"]), st, _classes(st)))
    return out


def _methods(only: list[str] | None) -> dict[str, tuple[Decide, Callable[[Statement], bool]]]:
    methods: dict[str, tuple[Decide, Callable[[Statement], bool]]] = {}
    for name in BACKENDS:
        backend, _ = DEFAULT.load(name)
        if backend is not None:
            methods[name] = (backend.decide, lambda s, b=backend: bool(b.supports(s)))
    methods["portfolio"] = (portfolio.decide, lambda _s: True)
    return {k: v for k, v in methods.items() if not only or k in only}


def _p90(times: list[float]) -> float:
    if not times:
        return 0.0
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="wall-clock cap per call")
    parser.add_argument("--only-method", nargs="*", default=None, help="methods to run")
    parser.add_argument("--verbose", action="store_true", help="one line per call")
    parser.add_argument("--only-class", nargs="*", default=None,
                        help="statements of these classes only (log, exp, sqrt, ...)")
    parser.add_argument("--only-catalog", nargs="*", default=None,
                        help="statements of these catalogs only (catalog, catalog_polya, ...)")
    args = parser.parse_args(argv)
    budget = Budget(seconds=args.seconds)
    every = [
        i for i in items()
        if (not args.only_class or set(args.only_class) & set(i.classes))
        and (not args.only_catalog or i.name.split(":")[0] in args.only_catalog)
    ]
    n_true = sum(i.truth for i in every)
    print(f"statements: {len(every)} ({n_true} true, {len(every) - n_true} false); "
          f"cap {args.seconds:g} s per call, default deterministic limits", flush=True)
    rows: dict[str, list[tuple[Item, str, float]]] = {}
    for name, (decide, takes) in _methods(args.only_method).items():
        out = rows.setdefault(name, [])
        for item in every:
            if not takes(item.statement):
                continue
            start = time.monotonic()
            try:
                status = decide(item.statement, budget).status
                outcome = {Status.PROVED: "proved", Status.REFUTED: "refuted"}.get(status, "open")
            except UnsupportedError:
                outcome = "unsupported"
            seconds = time.monotonic() - start
            out.append((item, outcome, seconds))
            if args.verbose:
                print(f"  {name:12s} {item.name:50s} truth={item.truth!s:5s} {outcome:11s} {seconds:6.2f} s",
                      flush=True)
        taken = [r for r in out if r[1] != "unsupported"]
        proved = sum(1 for i, o, _ in taken if o == "proved" and i.truth)
        true_taken = sum(1 for i, _, _ in taken if i.truth)
        refuted = sum(1 for i, o, _ in taken if o == "refuted" and not i.truth)
        false_taken = sum(1 for i, _, _ in taken if not i.truth)
        wrong = sum(1 for i, o, _ in taken if (o == "proved") != i.truth and o in ("proved", "refuted"))
        times = [t for _, _, t in taken]
        print(f"{name:12s} takes {len(taken):3d}  proved {proved:3d}/{n_true} ({100 * proved / n_true:5.1f} %; "
              f"{100 * proved / max(true_taken, 1):5.1f} % of taken)  refuted {refuted:3d}/{false_taken:<3d} "
              f"wrong {wrong}  median {statistics.median(times) if times else 0:6.2f} s  "
              f"p90 {_p90(times):6.2f} s", flush=True)
    classes = sorted({c for i in every for c in i.classes})
    for name, out in rows.items():
        # per class: true statements of the class proved, of all in the class
        print(f"{name} proved by class (true statements):")
        for c in classes:
            got = sum(1 for r in out if c in r[0].classes and r[0].truth and r[1] == "proved")
            print(f"  {c:20s} {got:3d}/{sum(1 for i in every if c in i.classes and i.truth)}")
    if "portfolio" in rows:
        for item, outcome, _ in rows["portfolio"]:
            if item.truth and outcome != "proved":
                print(f"  not proved: {item.name}")
            if (outcome == "proved") != item.truth and outcome in ("proved", "refuted"):
                print(f"  WRONG: {item.name} {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
