"""Counterexamples and witness points: format, parse, re-verify, shrink.

A counterexample to a :class:`~boundprop.statement.Statement` is an exact
point, inside the ranges, where the statement is *defined*, every hypothesis
holds and the conclusion fails. A witness of ill-definedness is an exact
point inside the ranges where a guard fails (a subterm is undefined) while
the hypotheses the guard may assume and every guard listed before it hold.

Evaluation at a point follows the order of the semantics: hypotheses
restrict the domain first, in order. Before hypothesis ``i`` is evaluated,
every guard with ``assume <= i`` is checked (in order; the first failing
guard makes the point undefined); then hypothesis ``i`` must hold (else the
point is outside the statement's domain); finally the conclusion's guards
and the conclusion. All checks are rigorous (interval arithmetic, then exact
rational arithmetic; see :func:`boundprop.interval.truth_at_point`);
anything undecided is never reported.

Counterexample values are exact strings ("3/2", "-1"); matrices are nested
lists of such strings, keyed by the matrix name.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from typing import Any

import sympy as sp

from boundprop.errors import UnsupportedError
from boundprop.statement import Statement, StatementGuard
from boundprop.verdict import CheckResult, CounterValue, Status, Tri

__all__ = [
    "Outcome",
    "exact_string",
    "format_counterexample",
    "point_of",
    "point_text",
    "evaluate",
    "refutes",
    "undefined_at",
    "reverified",
    "ill_defined_result",
    "shrink",
]

# Candidate points tried by :func:`shrink` (a count, not a time: deterministic).
SHRINK_CANDIDATES = 300


class Outcome(enum.Enum):
    """What a statement is at one exact point."""

    OUTSIDE = "outside"  # not in the ranges (or not an integer where required)
    UNDEFINED = "undefined"  # a guard fails where it may be evaluated
    EXCLUDED = "excluded"  # a hypothesis fails: the point is not in the domain
    HOLDS = "holds"
    FAILS = "fails"  # a counterexample
    UNDECIDED = "undecided"


def exact_string(value: sp.Expr) -> str:
    """An exact number as the string a counterexample carries ("3/2", "-1").

    >>> exact_string(sp.Rational(-3, 2))
    '-3/2'
    """
    number = sp.sympify(value)
    if not isinstance(number, sp.Rational):
        raise TypeError(f"counterexample value {value!r} is not an exact rational")
    return str(number)


def format_counterexample(
    statement: Statement, point: Mapping[sp.Symbol, sp.Rational]
) -> dict[str, CounterValue]:
    """Turn an exact point into a counterexample: matrices as nested lists.

    Entry symbols listed in ``statement.matrices`` are gathered under their
    matrix's name, row-major; every other variable appears under its own
    name. All values are exact strings.

    A matrix may be listed whose entries the statement does not quantify
    over (at n = 1, ``Res(X)`` is 0 and no entry of ``X`` is left; a
    premises check drops the conclusion): such an entry has no value, since
    any value would do. A matrix with no entry in ``point`` is left out; one
    with only some of its entries there is reported entry by entry, under
    the entries' own names, which :func:`point_of` reads back.

    >>> from boundprop.statement import make_variable
    >>> a, b, t = (make_variable(n, -1, 1) for n in ("a11", "a12", "t"))
    >>> st = Statement((a, b, t), (), sp.true, matrices={"A": ((a.symbol, b.symbol),)})
    >>> point = {a.symbol: sp.Rational(1, 2), b.symbol: sp.Integer(0), t.symbol: sp.Integer(-1)}
    >>> format_counterexample(st, point)
    {'A': [['1/2', '0']], 't': '-1'}
    >>> st = Statement((t,), (), sp.true, matrices={"A": ((a.symbol, b.symbol),)})
    >>> format_counterexample(st, {t.symbol: sp.Integer(-1)})
    {'t': '-1'}
    """
    by_name = {str(sym): val for sym, val in point.items()}
    out: dict[str, CounterValue] = {}
    in_matrix: set[str] = set()
    for name, rows in statement.matrices.items():
        keys = [[str(entry) for entry in row] for row in rows]
        if not all(key in by_name for row in keys for key in row):
            continue  # not (wholly) quantified here: its entries, if any, go by name below
        out[name] = [[exact_string(by_name[key]) for key in row] for row in keys]
        in_matrix.update(key for row in keys for key in row)
    for var in statement.variables:
        if var.name not in in_matrix and var.name in by_name:
            out[var.name] = exact_string(by_name[var.name])
    return out


def point_of(
    statement: Statement, counterexample: Mapping[str, CounterValue] | Any
) -> dict[sp.Symbol, sp.Rational]:
    """Invert :func:`format_counterexample`: exact values per symbol.

    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", 0, 1)
    >>> point_of(Statement((x,), (), sp.true), {"x": "1/2"})
    {x: 1/2}
    """
    by_name: dict[str, sp.Rational] = {}
    for name, value in counterexample.items():
        if isinstance(value, str):
            by_name[name] = sp.Rational(value)
            continue
        rows = statement.matrices.get(name)
        if rows is None:
            raise ValueError(f"counterexample names unknown matrix {name!r}")
        for sym_row, val_row in zip(rows, value, strict=True):
            for sym, val in zip(sym_row, val_row, strict=True):
                by_name[str(sym)] = sp.Rational(val)
    return {v.symbol: by_name[v.name] for v in statement.variables}


def point_text(counterexample: Mapping[str, CounterValue]) -> str:
    """``x = -2, y = 1/2`` (matrices as nested lists); "the empty point" if none.

    >>> point_text({"x": "-2", "A": [["1", "0"]]})
    'x = -2, A = [[1, 0]]'
    """

    def text(value: Any) -> str:
        if isinstance(value, str):
            return value
        return "[" + ", ".join(text(v) for v in value) + "]"

    if not counterexample:
        return "the empty point (no variables)"
    return ", ".join(f"{name} = {text(value)}" for name, value in counterexample.items())


def _values(statement: Statement, point: Mapping[Any, Any]) -> dict[sp.Symbol, sp.Rational] | None:
    """Exact values of every variable, or None if the point is outside the ranges."""
    from boundprop.interval import exact_value

    by_name = {str(k): v for k, v in point.items()}
    values: dict[sp.Symbol, sp.Rational] = {}
    for var in statement.variables:
        raw = point[var.symbol] if var.symbol in point else by_name.get(var.name)
        if raw is None:
            return None
        v = exact_value(raw)
        if var.integer and not v.is_Integer:
            return None
        if (var.lo.is_finite and v < var.lo) or (var.hi.is_finite and v > var.hi):
            return None
        values[var.symbol] = v
    return values


def ordered_guards(statement: Statement) -> list[StatementGuard]:
    """The statement's guards in evaluation order (by ``assume``, stably)."""
    limit = len(statement.hypotheses)
    return sorted(statement.guards, key=lambda g: min(max(g.assume, 0), limit))


def _truth(condition: sp.Basic, values: Mapping[sp.Symbol, sp.Rational]) -> Tri:
    from boundprop.interval import UndefinedError, truth_at_point

    if condition is sp.true or condition is True:
        return Tri.TRUE
    if condition is sp.false or condition is False:
        return Tri.FALSE
    try:
        return truth_at_point(condition, values)
    except (UnsupportedError, UndefinedError, KeyError, TypeError, ValueError, ArithmeticError):
        return Tri.UNDECIDED


def evaluate(
    statement: Statement, point: Mapping[Any, Any]
) -> tuple[Outcome, StatementGuard | None]:
    """What ``statement`` is at ``point``, rigorously, and the failing guard if undefined.

    >>> from boundprop.statement import make_variable
    >>> v = make_variable("x", -1, 1)
    >>> g = StatementGuard(sp.Ne(v.symbol, 0), "1/x", "division by zero", 0)
    >>> st = Statement((v,), (), sp.Le(1, 1), guards=(g,))
    >>> evaluate(st, {v.symbol: 0})[0], evaluate(st, {v.symbol: 1})[0]
    (<Outcome.UNDEFINED: 'undefined'>, <Outcome.HOLDS: 'holds'>)
    """
    try:
        values = _values(statement, point)
    except (UnsupportedError, KeyError, TypeError, ValueError):
        return Outcome.OUTSIDE, None
    if values is None:
        return Outcome.OUTSIDE, None
    guards = ordered_guards(statement)
    g = 0
    n = len(statement.hypotheses)
    for i in range(n + 1):
        while g < len(guards) and (guards[g].assume <= i or i == n):
            t = _truth(guards[g].condition, values)
            if t is Tri.FALSE:
                return Outcome.UNDEFINED, guards[g]
            if t is Tri.UNDECIDED:
                return Outcome.UNDECIDED, None
            g += 1
        if i < n:
            t = _truth(statement.hypotheses[i], values)
            if t is Tri.FALSE:
                return Outcome.EXCLUDED, None
            if t is Tri.UNDECIDED:
                return Outcome.UNDECIDED, None
    t = _truth(statement.conclusion, values)
    if t is Tri.FALSE:
        return Outcome.FAILS, None
    if t is Tri.TRUE:
        return Outcome.HOLDS, None
    return Outcome.UNDECIDED, None


def refutes(statement: Statement, point: Mapping[Any, Any]) -> bool:
    """True only if ``point`` is a verified counterexample at a defined point:
    inside the ranges, every guard TRUE where evaluated, every hypothesis
    TRUE and the conclusion FALSE. Anything undecided gives False."""
    return evaluate(statement, point)[0] is Outcome.FAILS


def undefined_at(statement: Statement, point: Mapping[Any, Any]) -> StatementGuard | None:
    """The guard that verifiably fails at ``point`` (the statement is undefined
    there, with the hypotheses the guard may assume holding), else None."""
    outcome, guard = evaluate(statement, point)
    return guard if outcome is Outcome.UNDEFINED else None


def reverified(statement: Statement, result: CheckResult) -> bool:
    """True if ``result`` is REFUTED with a counterexample that :func:`refutes`
    ``statement``, or ILL_DEFINED with a witness where a guard fails."""
    if result.counterexample is None:
        return False
    try:
        point = point_of(statement, result.counterexample)
    except (KeyError, ValueError, TypeError, ArithmeticError):
        return False
    if result.status is Status.REFUTED:
        return refutes(statement, point)
    if result.status is Status.ILL_DEFINED:
        return undefined_at(statement, point) is not None
    return False


def ill_defined_result(
    statement: Statement,
    point: Mapping[sp.Symbol, sp.Rational],
    guard: StatementGuard,
    method: str,
    how: str = "",
    seconds: float = 0.0,
) -> CheckResult:
    """The ILL_DEFINED result for a verified witness ``point`` of ``guard``."""
    witness = format_counterexample(statement, point)
    evidence = f"ill-defined: {guard.subterm} at {point_text(witness)} ({guard.reason})"
    if how:
        evidence += f"; {how}"
    return CheckResult(
        Status.ILL_DEFINED,
        method,
        evidence,
        seconds=seconds,
        counterexample=witness,
        details={"undefined": guard.subterm, "reason": guard.reason, "condition": str(guard.condition)},
    )


_SIMPLE = tuple(sp.Rational(v) for v in ("0", "1", "-1", "2", "-2", "1/2", "-1/2", "3", "-3", "4", "-4"))


def shrink(statement: Statement, result: CheckResult, candidates: int = SHRINK_CANDIDATES) -> CheckResult:
    """A simpler counterexample (or witness), if one is near: solvers return
    points like ``35447/2``. Tries scaling every coordinate down (statements
    about norms are often homogeneous), then small values coordinate by
    coordinate; every candidate is re-verified exactly (:func:`refutes` for
    REFUTED, :func:`undefined_at` with the same subterm for ILL_DEFINED), so
    the result is as sound as the original. Bounded by ``candidates`` checks."""
    if result.status not in (Status.REFUTED, Status.ILL_DEFINED) or not result.counterexample:
        return result
    try:
        point = point_of(statement, result.counterexample)
    except (KeyError, ValueError, TypeError):
        return result
    variables = {v.symbol: v for v in statement.variables}
    wanted = result.details.get("undefined") if result.status is Status.ILL_DEFINED else None
    budget = [candidates]

    def holds(candidate: dict[sp.Symbol, sp.Rational]) -> bool:
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        try:
            if result.status is Status.REFUTED:
                return refutes(statement, candidate)
            guard = undefined_at(statement, candidate)
            return guard is not None and guard.subterm == wanted
        except Exception:  # a failed check never makes a point simpler
            return False

    def size(candidate: Mapping[sp.Symbol, sp.Rational]) -> int:
        return sum(abs(int(v.p)) + int(v.q) for v in candidate.values())

    best = dict(point)
    scale = max((abs(v) for v in best.values()), default=sp.Integer(0))
    if scale > 4:
        for target in (1, 2, 4, 8, 16):
            factor = sp.Rational(target) / scale
            candidate = {s: v if variables[s].integer else v * factor for s, v in best.items()}
            if holds(candidate):
                best = candidate
                break
    changed = True
    while changed and budget[0] > 0:
        changed = False
        for s in list(best):
            if variables[s].integer:
                continue
            near = [sp.Rational(Fraction(int(best[s].p), int(best[s].q)).limit_denominator(q)) for q in (1, 2, 4)]
            for value in (*_SIMPLE, *near):
                if value == best[s] or abs(value.p) + value.q >= abs(best[s].p) + best[s].q:
                    continue
                candidate = {**best, s: value}
                if holds(candidate):
                    best, changed = candidate, True
                    break
    if best == point or size(best) >= size(point):
        return result
    if result.status is Status.ILL_DEFINED:
        guard = undefined_at(statement, best)
        if guard is None:
            return result
        how = result.evidence.split("; ", 1)[1] if "; " in result.evidence else ""
        shrunk = ill_defined_result(statement, best, guard, result.method, how, result.seconds)
        return replace(shrunk, details={**dict(result.details), **dict(shrunk.details)})
    return replace(
        result,
        counterexample=format_counterexample(statement, best),
        evidence=result.evidence + "; simplified to a nearby counterexample, re-verified exactly",
    )
