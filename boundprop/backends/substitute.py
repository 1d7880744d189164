"""Unbounded ranges by a change of variable, then the bounded methods.

For a statement with variables on unbounded ranges, each such variable is
replaced by one on a bounded range (:mod:`boundprop.rewrite`):

* ``x = 1/t`` for ``x`` in ``[a, oo)`` with ``a > 0``: ``t`` in ``(0, 1/a]``;
* ``x = a + t/(1 - t)`` for ``x`` in ``[a, oo)``: ``t`` in ``[0, 1)``
  (mirrored for ``(-oo, b]``);
* a variable ranging over the whole line is split into the cases ``x >= 0``
  and ``x <= 0`` first (the statement is proved when both cases are).

The open end (``t = 0`` or ``t = 1``, the point at infinity) is excluded by
a first hypothesis (``t > 0``, ``t < 1``), never a point of the new domain:
it is never a counterexample, and a proof over the closed box only proves
more. Denominators whose sign is known on the new domain (``t``, ``1 - t``)
are then cleared, so that the relations are defined up to the open end and
boxes there can be settled.

The bounded statement goes to the bounded methods (``metitarski``, then
``interval-bnb``, through the portfolio of :data:`INNER`). A proof of it
proves the statement (every point of the old domain is the image of a point
of the new one with the same truth); a counterexample is mapped back and
re-verified on the original statement at a defined point. Each bounded form
gets a quarter of the proving limits (:data:`_EFFORT`).
"""

from __future__ import annotations

import time
from dataclasses import replace

import sympy as sp

from boundprop.backends.base import DEFAULT, Registry, Slot, Support
from boundprop.counterexample import format_counterexample
from boundprop.errors import UnsupportedError
from boundprop.rewrite import (
    Rewrite,
    clear_denominators,
    compactify,
    identity,
    mapped_counterexample,
    reciprocal,
    then,
)
from boundprop.statement import Budget, Statement, StatementGuard, Variable
from boundprop.verdict import CheckResult, Status

__all__ = ["INNER", "METHOD", "decide", "name", "rewrites", "supports"]

METHOD = "substitute"
name = METHOD  # the backend protocol (boundprop.backends.base)

# The methods the bounded statement is given to.
INNER = Registry(backends=DEFAULT.backends, preference=(Slot("metitarski"), Slot("interval-bnb")))

# Variables on unbounded ranges handled at once (each may double the cases).
_MAX_UNBOUNDED = 3

# Share of the proving limits (boxes, z3's resource limit) each bounded form
# gets: the statement's own methods had the full limits already; deterministic.
_EFFORT = 0.25


def _unbounded(statement: Statement) -> list[Variable]:
    return [v for v in statement.variables if not v.bounded]


def supports(statement: Statement) -> Support:
    """Statements with one to three real variables on unbounded ranges."""
    free = _unbounded(statement)
    if not free or len(free) > _MAX_UNBOUNDED:
        return Support(False)
    if any(v.integer for v in free):
        return Support(False, "an integer variable on an unbounded range")
    return Support(True)


def _with_first(statement: Statement, hypothesis: sp.Basic) -> Statement:
    """``statement`` with ``hypothesis`` evaluated before everything else."""
    return replace(
        statement,
        hypotheses=(hypothesis, *statement.hypotheses),
        guards=tuple(StatementGuard(g.condition, g.subterm, g.reason, g.assume + 1) for g in statement.guards),
    )


def _half(statement: Statement, v: Variable, side: int) -> Statement:
    """The case ``v >= 0`` (side +1) or ``v <= 0`` (side -1) of a variable on
    the whole line, with that range."""
    case = _with_first(statement, v.symbol >= 0 if side > 0 else v.symbol <= 0)
    narrowed = Variable(v.symbol, sp.Integer(0) if side > 0 else -sp.oo, sp.oo if side > 0 else sp.Integer(0))
    return replace(case, variables=tuple(narrowed if w is v else w for w in case.variables))


def _cases(statement: Statement) -> list[Statement]:
    """The statement, split at 0 for every variable on the whole line: the
    cases' domains cover the statement's domain, each inside it."""
    out = [statement]
    for v in _unbounded(statement):
        if v.lo == -sp.oo and v.hi == sp.oo:
            out = [_half(s, s.variable(v.name), side) for s in out for side in (1, -1)]
    return out


def rewrites(statement: Statement) -> list[Rewrite]:
    """The bounded forms of a statement whose unbounded variables are
    half-lines: ``x = 1/t`` where the range starts above 0 (first choice),
    ``x = a + t/(1 - t)`` for every one (second), denominators cleared."""
    out: list[Rewrite] = []
    for prefer_reciprocal in (True, False):
        r = identity(statement)
        for v in _unbounded(statement):
            current = r.statement.variable(v.name)
            step = (reciprocal(r.statement, current) if prefer_reciprocal else None) or compactify(
                r.statement, current
            )
            if step is None:
                break
            r = then(r, step)
        else:
            cleared = clear_denominators(r.statement)
            r = then(r, cleared) if cleared is not None else r
            if all(w.bounded for w in r.statement.variables) and all(r.why != o.why for o in out):
                out.append(r)
    return out


def _decide_case(case: Statement, original: Statement, budget: Budget, t0: float) -> CheckResult:
    from boundprop.backends import portfolio

    forms = rewrites(case)
    if not forms:
        return CheckResult(Status.UNKNOWN, METHOD, "no change of variable applies")
    notes = []
    for i, form in enumerate(forms):
        left = budget.seconds - (time.monotonic() - t0)
        if left <= 0:
            notes.append(f"{form.why}: skipped (time cap)")
            continue
        share = replace(budget.scaled(_EFFORT), seconds=left / (len(forms) - i))
        inner = portfolio.decide(form.statement, share, guarded=False, registry=INNER)
        if inner.status is Status.PROVED:
            return CheckResult(Status.PROVED, METHOD, f"after {form.why}: {inner.evidence}", details=inner.details)
        if inner.status is Status.REFUTED and inner.counterexample is not None:
            point = mapped_counterexample(form, original, inner.counterexample)
            if point is not None:
                return CheckResult(
                    Status.REFUTED,
                    METHOD,
                    f"after {form.why}: {inner.evidence}",
                    counterexample=format_counterexample(original, point),
                    details=inner.details,
                )
            notes.append(f"{form.why}: counterexample not valid for the original (ignored)")
            continue
        notes.append(f"{form.why}: {inner.status.value} ({inner.evidence})")
    return CheckResult(Status.UNKNOWN, METHOD, "; ".join(notes))


def decide(statement: Statement, budget: Budget) -> CheckResult:
    """Decide ``statement`` on bounded ranges after a change of variable.

    Raises
    ------
    UnsupportedError
        If no variable is on an unbounded range.
    """
    t0 = time.monotonic()
    if not supports(statement):
        raise UnsupportedError("no real variable on an unbounded range to substitute")
    cases = _cases(statement)
    results = []
    for case in cases:
        result = _decide_case(case, statement, budget, t0)
        if result.status is Status.REFUTED:
            return replace(result, seconds=time.monotonic() - t0)
        results.append(result)
    proved = all(r.status is Status.PROVED for r in results)
    if len(cases) == 1:
        return replace(results[0], seconds=time.monotonic() - t0)
    evidence = "; ".join(f"case {c.hypotheses[0]}: {r.evidence}" for c, r in zip(cases, results, strict=True))
    return CheckResult(
        Status.PROVED if proved else Status.UNKNOWN,
        METHOD,
        f"split at 0: {evidence}",
        seconds=time.monotonic() - t0,
    )
