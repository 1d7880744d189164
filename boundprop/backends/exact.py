"""A cheap exact attempt with sympy: proves or stays undecided, never refutes.

What counts as a proof here, and why it is sound:

* Each variable is replaced by a fresh sympy symbol carrying only facts its
  range guarantees: ``real`` (or ``integer``) and, from the bounds,
  ``positive``/``nonnegative``/``negative``/``nonpositive``. Hypotheses are
  ignored (dropping them only weakens what is proved).
* A conclusion that sympy itself evaluates to ``True`` (for instance
  ``x**2 >= 0`` for real ``x``, which sympy decides on construction) is
  proved. So is a conjunction of such relations.
* For ``a <= b`` / ``a < b`` (and ``>=``/``>``), ``b - a`` must be reported
  ``is_nonnegative``/``is_positive`` by sympy's assumption system; for
  ``a == b``, ``simplify(a - b)`` must be exactly ``0``; for ``a != b``,
  ``is_nonzero``. sympy's assumption rules for sums, products, integer
  powers, ``exp``, ``Abs``, ``Max``/``Min`` propagate these facts soundly.
* Only expressions defined at every admissible point are considered: sums,
  products, nonnegative integer powers, ``exp``, ``Abs``, ``Max``, ``Min``;
  negative powers only of bases sympy knows are nonzero, ``sqrt`` and other
  fractional powers only of bases it knows are nonnegative, ``log`` only of
  bases it knows are positive. Anything else (Piecewise, floor, a division
  that may vanish) stays undecided: ``(x**2-1)/(x-1) == x+1`` is not proved.
* An ``Or``, ``Not``, or any other boolean shape stays undecided.

``None`` from sympy is "don't know" and never counts; the attempt skips
expressions with more than 80 operations so that it stays cheap.

Defence in depth: sympy's ``simplify`` and assumption system are trusted, not
verified. Before a relation is claimed, the difference is evaluated exactly
(rationals, 30 significant digits for transcendental values) at a handful of
points of the box; if any point contradicts the claim, nothing is claimed.
"""

from __future__ import annotations

import time
from typing import Any

import sympy as sp

from boundprop.backends.base import ALWAYS, Support
from boundprop.expr import relations_of
from boundprop.statement import Budget, Statement
from boundprop.verdict import CheckResult, Status

__all__ = ["decide"]

METHOD = "exact"
name = METHOD  # the backend protocol (boundprop.backends.base)


def supports(statement: Statement) -> Support:
    """The backend protocol's test: every statement (shapes outside its fragment stay undecided)."""
    return ALWAYS
_MAX_OPS = 80


def _assumed_symbol(var: Any) -> sp.Symbol:
    facts: dict[str, bool] = {"integer": True} if var.integer else {"real": True}
    lo, hi = var.lo, var.hi
    if lo.is_finite and lo > 0:
        facts["positive"] = True
    elif lo.is_finite and lo >= 0:
        facts["nonnegative"] = True
    if hi.is_finite and hi < 0:
        facts["negative"] = True
    elif hi.is_finite and hi <= 0:
        facts["nonpositive"] = True
    return sp.Symbol(var.name, **facts)


def _defined_everywhere(e: sp.Basic) -> bool:
    """True if ``e`` is built only from operations defined at every real point
    the symbols' assumptions allow."""
    if isinstance(e, (sp.Symbol, sp.Rational)):
        return True
    if isinstance(e, (sp.Add, sp.Mul, sp.Abs, sp.Max, sp.Min, sp.exp)):
        return all(_defined_everywhere(a) for a in e.args)
    if isinstance(e, sp.Pow):
        base, exponent = e.args
        if not (_defined_everywhere(base) and isinstance(exponent, sp.Rational)):
            return False
        if exponent.is_integer and exponent >= 0:
            return True
        if exponent.is_integer:
            return base.is_nonzero is True
        if exponent > 0:
            return base.is_nonnegative is True
        return base.is_positive is True
    if isinstance(e, sp.log):
        return _defined_everywhere(e.args[0]) and e.args[0].is_positive is True
    return False


def _sample_points(statement: Statement, mapping: dict[sp.Symbol, sp.Symbol]) -> list[dict[sp.Symbol, sp.Rational]]:
    """A few exact points of the box (ends, midpoints, small values), as
    substitutions for the (possibly renamed) symbols."""
    fractions = (sp.Rational(0), sp.Rational(1), sp.Rational(1, 2), sp.Rational(1, 3), sp.Rational(5, 7))
    points = []
    for k, f in enumerate(fractions):
        point: dict[sp.Symbol, sp.Rational] = {}
        for j, v in enumerate(statement.variables):
            t = fractions[(k + j) % len(fractions)] if j else f
            lo = v.lo if v.lo.is_finite else (v.hi - 3 if v.hi.is_finite else sp.Integer(-3))
            hi = v.hi if v.hi.is_finite else lo + 6
            value = lo + (hi - lo) * t
            point[mapping.get(v.symbol, v.symbol)] = sp.floor(value) if v.integer else value
        points.append(point)
    return points


def _contradicted(rel: Any, points: list[dict[sp.Symbol, sp.Rational]]) -> bool:
    """True if the relation is numerically false at one of the points."""
    for point in points:
        try:
            d = sp.sympify(rel.rhs - rel.lhs).xreplace(point)
            value = sp.N(d, 30)
        except (ArithmeticError, TypeError, ValueError):
            continue
        if not value.is_real or not value.is_finite:
            continue
        op, tol = rel.rel_op, sp.Float("1e-20")
        if op == "==" and abs(value) > tol:
            return True
        if op == "!=" and abs(value) <= tol:
            return True
        if op in ("<=", "<") and value < -tol:
            return True
        if op in (">=", ">") and value > tol:
            return True
    return False


def _proves(rel: Any) -> str | None:
    """A short account if ``rel`` is proved, else None."""
    if rel is sp.true:
        return "identically true"
    if not isinstance(rel, sp.core.relational.Relational):
        return None
    lhs, rhs = rel.lhs, rel.rhs
    if not (_defined_everywhere(lhs) and _defined_everywhere(rhs)):
        return None
    d = sp.sympify(rhs - lhs)
    if sp.count_ops(d) > _MAX_OPS:
        return None
    op = rel.rel_op
    if op == "==":
        return "identity (simplifies to 0)" if sp.simplify(d) == 0 else None
    if op == "!=":
        return "difference is nonzero" if d.is_nonzero is True else None
    if op in (">", ">="):
        d = -d
    if op in ("<", ">"):
        return "difference is positive" if d.is_positive is True else None
    return "difference is nonnegative" if d.is_nonnegative is True else None


def decide(statement: Statement, budget: Budget) -> CheckResult:
    """Try to prove ``statement`` by sympy's exact reasoning alone.

    Parameters
    ----------
    statement : Statement
        Any statement; shapes outside the documented fragment stay undecided.
    budget : Budget
        Unused (the attempt is cheap by construction); kept for the backend interface.

    Returns
    -------
    CheckResult
        PROVED with the reason per relation, or UNKNOWN ("undecided").

    Examples
    --------
    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", 0, 1)
    >>> X = x.symbol
    >>> decide(Statement((x,), (), X**3 + X + 1 >= 1), Budget()).status
    <Status.PROVED: 'proved'>
    >>> decide(Statement((x,), (), sp.exp(X) >= 1 + X), Budget()).status
    <Status.UNKNOWN: 'unknown'>
    """
    start = time.monotonic()
    mapping = {v.symbol: _assumed_symbol(v) for v in statement.variables}
    # only symbols that gain a sign fact are replaced: rebuilding nested Max/Min is slow
    mapping = {k: s for k, s in mapping.items() if len(s.assumptions0) > len(k.assumptions0)}
    conclusion = statement.conclusion
    if conclusion is not sp.true and mapping:
        # unevaluated: rebuilding nested Max/Min with evaluation on is very slow;
        # _proves asks the assumption system about each relation anyway
        with sp.evaluate(False):
            conclusion = conclusion.xreplace(mapping)
    reasons = []
    points = _sample_points(statement, mapping)
    for rel in relations_of(conclusion):
        reason = _proves(rel)
        if reason is not None and rel is not sp.true and _contradicted(rel, points):
            reason = None  # sympy claimed something a sampled exact value contradicts
        if reason is None:
            return CheckResult(
                Status.UNKNOWN, METHOD, "undecided by sympy", seconds=time.monotonic() - start
            )
        reasons.append(f"{rel}: {reason}" if rel is not sp.true else reason)
    return CheckResult(
        Status.PROVED,
        METHOD,
        "sympy (range facts only): " + "; ".join(reasons),
        seconds=time.monotonic() - start,
    )
