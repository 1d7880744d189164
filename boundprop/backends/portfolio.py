"""The portfolio: the backends of a registry's preference list, in order.

The default preference list (:data:`boundprop.backends.base.PREFERENCE`):

1. ``exact`` (sympy, cheap) — may prove.
2. ``z3`` when the statement is polynomial, rational or piecewise-linear —
   may prove or refute; first with a tenth of its resource limit, and with
   the whole limit after ``bilinear`` if that left the statement open.
   ``metitarski`` when it has exp, log or fractional powers (certified
   bounds, then z3; before bnb if a range is unbounded, else after) — may
   prove or refute.
   ``bilinear`` right after z3, for what z3 took and left open: products
   abstracted with derived product facts, then z3 again — may prove only.
3. ``interval-bnb`` when every range is bounded, or when z3 could not take
   the statement or stayed undecided — may prove or refute.
   ``taylor`` (bounded ranges): a certified expansion at a touching point,
   bnb on the rest — may prove or refute.
   ``substitute`` (unbounded ranges): x = 1/t or x = a + t/(1 − t) to bounded
   ranges (:mod:`boundprop.rewrite`), then the others — may prove or refute.
4. ``falsifier`` whenever nothing proved — may refute (a counterexample
   beats "unknown"); if it finds nothing the result is TESTED.

A budget with ``proving`` False (:meth:`Budget.search_only`) runs only the
slots that never end on a proof (the falsifier): the counterexample search
for a statement whose proof has already decided it.

The portfolio imports no backend by name: each slot's backend comes from the
registry (:class:`boundprop.backends.base.Registry`), which says "not
available" for one that fails to load.

Budget: each method spends its own deterministic unit of the budget, so the
split between methods is fixed: z3 gets ``budget.z3_rlimit`` (z3's resource
count), bnb ``budget.max_boxes``, the falsifier ``budget.samples`` with
``budget.seed``; exact is cheap by construction. ``budget.seconds`` is only a
wall-clock safety cap on the whole decision: each method runs with whatever
of it is left, a method reached after the cap is skipped, and a decision
touched by the cap says "time cap" in its evidence (it is not reproducible).
Everything else gives the same result on a busy and on a quiet machine.

Safety: an exception from a backend is recorded in ``details["tried"]`` (in
plain words, "internal error, ignored", never the exception's text) and the
next method runs; it can never become PROVED. Every REFUTED result is
re-verified here on the original statement (the backends see it with its
ranges narrowed, :func:`boundprop.rewrite.tighten_ranges`, and exp and log
simplified, :func:`boundprop.rewrite.simplify_exp_log`), at a defined
point, before it is returned (defence in depth: the backends verify
already).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from boundprop.backends.base import DEFAULT, Backend, Registry, Slot, bounded
from boundprop.counterexample import format_counterexample, point_of
from boundprop.errors import UnsupportedError
from boundprop.rewrite import (
    Rewrite,
    guards_last,
    mapped_counterexample,
    simplify_exp_log,
    then,
    tighten_ranges,
)
from boundprop.statement import TIME_CAP, Budget, Statement, stopped_by_time_cap
from boundprop.verdict import CheckResult, Status

__all__ = ["decide", "shape_of", "point_of"]

Progress = Callable[[str], None]

# Evidence of a search-only decision (Budget.proving False) that found nothing.
SEARCH_ONLY = "counterexample search only (no proving method was run)"


def shape_of(statement: Statement, registry: Registry = DEFAULT) -> dict[str, Any]:
    """What the portfolio knows about a statement's shape.

    >>> import sympy as sp
    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", 0, 1)
    >>> shape_of(Statement((x,), (), sp.exp(x.symbol) >= 1))
    {'z3': 'exp is not polynomial or piecewise-linear', 'bounded': True}
    """
    z3, why_not = registry.load("z3")
    support = z3.supports(statement) if z3 is not None else None
    return {
        "z3": why_not if support is None else (None if support else support.reason),
        "bounded": bounded(statement),
    }


def _reverified(original: Statement, rewrite: Rewrite, result: CheckResult) -> CheckResult | None:
    """``result`` with its counterexample mapped back to the original
    statement, if it is a verified counterexample there; else None."""
    if result.counterexample is None:
        return None
    point = mapped_counterexample(rewrite, original, result.counterexample)
    if point is None:
        return None
    return replace(result, counterexample=format_counterexample(original, point))


def decide(
    statement: Statement,
    budget: Budget,
    progress: Progress | None = None,
    *,
    guarded: bool = True,
    registry: Registry = DEFAULT,
) -> CheckResult:
    """Decide ``statement`` with the methods its shape calls for.

    First, always, the definedness layer (:mod:`boundprop.backends.definedness`):
    a statement undefined somewhere on its domain is ILL_DEFINED or at most
    unknown, never proved; a statement without variables is evaluated
    exactly; a proof under contradictory hypotheses says so. The layer calls
    back here with ``guarded=False`` for guard-free statements.

    Parameters
    ----------
    statement : Statement
        The claim.
    budget : Budget
        Each method gets its own deterministic limit; ``seconds`` caps the
        whole decision (see the module notes).
    progress : callable, optional
        Called with the name of each method as it starts.
    registry : Registry
        The backends and their preference list (the default one unless given).

    Returns
    -------
    CheckResult
        ``method`` names the deciding method (``"portfolio"`` if none decided);
        ``details["tried"]`` lists every method tried and its outcome.

    Examples
    --------
    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", -1, 1)
    >>> r = decide(Statement((x,), (), abs(x.symbol) <= 1), Budget())
    >>> r.status.value, r.method
    ('proved', 'z3')
    >>> r.details["tried"]
    ['exact: undecided', 'z3: proved']
    """
    if guarded:
        from boundprop.backends import definedness

        return definedness.decide(
            statement, budget, lambda s, b: decide(s, b, progress, guarded=False, registry=registry)
        )
    start = time.monotonic()
    original = statement
    # Ranges narrowed by one-variable hypotheses: an equivalent statement whose
    # boxes no longer straddle edges the hypotheses already fix. The
    # definedness layer ran first, so guards only filter points here and may
    # come after every hypothesis; counterexamples are re-verified on the
    # original statement.
    working = tighten_ranges(guards_last(statement))
    # exp and log combined and cancelled (exp(a) <= exp(b) as a <= b, log of
    # positive factors split, ...): an equivalent statement with fewer
    # transcendental subterms, side conditions proved on the narrowed ranges;
    # its hypotheses may narrow the ranges further.
    try:
        simplified = simplify_exp_log(working.statement)
    except Exception:  # a rewrite bug must never break a decision: the statement as it is
        simplified = None
    if simplified is not None:
        working = then(working, simplified)
        working = then(working, tighten_ranges(working.statement))
    statement = working.statement
    tried: list[str] = []

    def left() -> float:
        return budget.seconds - (time.monotonic() - start)

    def cap_note() -> str:
        capped = [t.split(":", 1)[0] for t in tried if stopped_by_time_cap(t)]
        if not capped:
            return ""
        return (
            f"; the {TIME_CAP} of {budget.seconds:g} s stopped {', '.join(capped)} "
            "(not reproducible: a quieter machine may decide more)"
        )

    def finish(result: CheckResult, evidence: str = "") -> CheckResult:
        evidence = evidence or result.evidence
        note = cap_note()
        if note and not stopped_by_time_cap(evidence):
            evidence += note
        return replace(
            result,
            evidence=evidence,
            seconds=time.monotonic() - start,
            details={"tried": tried, "backend": dict(result.details)},
        )

    def run(slot: Slot, backend: Backend) -> CheckResult | None:
        name = slot.backend
        if progress is not None:
            progress(name)
        if left() <= 0:
            tried.append(f"{name}: skipped, the {TIME_CAP} of {budget.seconds:g} s was reached")
            return None
        try:
            scaled = budget if slot.effort == 1.0 else budget.scaled(slot.effort)
            result = backend.decide(statement, replace(scaled, seconds=left()))
        except UnsupportedError as exc:
            tried.append(f"{name}: unsupported ({exc})")
            return None
        except Exception:  # a backend bug must never become a verdict, nor its text evidence
            tried.append(f"{name}: internal error, ignored")
            return None
        if result.status is Status.REFUTED:
            checked = _reverified(original, working, result)
            if checked is None:
                tried.append(f"{name}: counterexample failed re-verification (ignored)")
                return None
            result = checked
        outcome = result.status.value
        if result.status in (Status.UNKNOWN, Status.TESTED):
            outcome = f"{outcome} ({result.evidence})"
            if slot.brief:
                outcome = "undecided"
        tried.append(f"{name}: {outcome}")
        return result

    settled: set[str] = set()
    unavailable: set[str] = set()
    preference = registry.preference
    if not budget.proving:  # the counterexample search only: the slots that never end on a proof
        preference = tuple(s for s in preference if Status.PROVED not in s.stops_on)
    for slot in preference:
        backend, why_not = registry.load(slot.backend)
        if backend is None:
            if slot.backend not in unavailable:
                unavailable.add(slot.backend)
                tried.append(f"{slot.backend}: {why_not}")
            continue
        if not slot.when(statement, frozenset(settled)):
            continue
        support = backend.supports(statement)
        if not support:
            if support.reason:
                tried.append(f"{slot.backend}: unsupported ({support.reason})")
            continue
        decided = run(slot, backend)
        if decided is None:
            continue
        settled.add(slot.backend)
        if decided.status in slot.stops_on:
            if decided.status is Status.TESTED:
                why = "no method proved it" if budget.proving else SEARCH_ONLY
                return finish(decided, evidence=f"{decided.evidence}; {why}")
            return finish(decided)
    return CheckResult(
        Status.UNKNOWN,
        "portfolio",
        "no method decided: " + "; ".join(tried) + cap_note(),
        seconds=time.monotonic() - start,
        details={"tried": tried},
    )
