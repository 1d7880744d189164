"""Rigorous interval arithmetic over boxes, in two paths with one semantics.

* The scalar path (:mod:`boundprop.interval.scalar`) runs on pyinterval,
  correctly rounded via crlibm; it is the reference.
* The batched path (:mod:`boundprop.interval.batched`) evaluates one
  expression over many boxes at once with numpy, rounding outward with
  ``np.nextafter`` after every operation and padding numpy's transcendental
  functions by a documented number of ulps.

Both are compiled once from the same sympy expression. Where a box may
leave an expression's domain (log of a non-positive number, a non-integer
power of a negative number, division by an interval containing 0) the
result is *undefined*: the scalar path raises :class:`UndefinedError`, the
batched path returns NaN bounds, and every relation answers UNDECIDED.

Boxes map sympy symbols to exact endpoints ``(lo, hi)`` (Rational, Integer
or ±oo); they enter the float world rounded outward.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.core.relational import Relational

from boundprop.errors import UnsupportedError
from boundprop.expr.terms import free_symbols_of, subterms, xreplace_shared
from boundprop.interval.batched import compile_batched, compile_batched_truth, truth_batched
from boundprop.interval.scalar import (
    ScalarContext,
    UndefinedError,
    box_intervals,
    cached_scalar,
    cached_truth,
    compile_scalar,
    compile_truth,
)
from boundprop.interval.walker import Walker, relation_gap, truth_from_sign
from boundprop.statement import Statement
from boundprop.verdict import Tri

__all__ = [
    "Box",
    "UndefinedError",
    "enclose",
    "truth",
    "truth_at_point",
    "refutes",
    "compile_scalar",
    "compile_truth",
    "compile_batched",
    "compile_batched_truth",
    "truth_batched",
    "exact_value",
]

Box = Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]]

# Exact evaluation at a point is skipped when it would build huge rationals.
_MAX_EXACT_EXPONENT = 4096


def enclose(expr: Any, box: Box) -> Any:
    """An outward rounded interval containing ``expr`` on every point of ``box``.

    Raises :class:`UndefinedError` if the box may leave the expression's domain.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> r = enclose(x**2 - x, {x: (sp.Integer(-1), sp.Integer(1))})
    >>> r[0].inf <= -1 and r[0].sup >= 2
    True
    >>> enclose(sp.log(x), {x: (sp.Integer(-1), sp.Integer(1))})
    Traceback (most recent call last):
    ...
    boundprop.interval.walker.UndefinedError: log of an interval that reaches 0 or below
    """
    syms, ivs = box_intervals(box)
    return cached_scalar(sp.sympify(expr), syms)(ivs)


def truth(relation: Any, box: Box) -> Tri:
    """Three-valued truth of a relation (or And/Or/Not of relations) on a whole box.

    TRUE means true at every point of the box, FALSE false at every point.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> truth(sp.exp(x) >= 1, {x: (sp.Integer(0), sp.Integer(2))})
    <Tri.TRUE: 'true'>
    >>> truth(x**2 >= sp.Rational(1, 4), {x: (sp.Integer(0), sp.Integer(1))})
    <Tri.UNDECIDED: 'undecided'>
    """
    syms, ivs = box_intervals(box)
    return cached_truth(sp.sympify(relation), syms)(ivs)


def exact_value(value: Any) -> sp.Rational:
    """An exact sympy Rational from an int, Fraction, decimal string or sympy number.

    >>> exact_value("0.1")
    1/10
    """
    if isinstance(value, bool):
        raise UnsupportedError("a boolean is not a point coordinate")
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (int, float, str)):
        v = sp.Rational(value)  # floats: their exact binary value
    else:
        v = sp.sympify(value)
    if not v.is_Rational:
        raise UnsupportedError(f"point coordinate {value!r} is not an exact rational")
    return v


def _point_map(expr: Any, point: Mapping[Any, Any]) -> dict[sp.Symbol, sp.Rational]:
    by_name = {str(k): v for k, v in point.items()}
    out: dict[sp.Symbol, sp.Rational] = {}
    for s in sorted(free_symbols_of([sp.sympify(expr)]), key=str):
        if s in point:
            out[s] = exact_value(point[s])
        elif str(s) in by_name:
            out[s] = exact_value(by_name[str(s)])
        else:
            raise UnsupportedError(f"the point gives no value for {s}")
    return out


def _exact_is_safe(expr: sp.Basic, values: Mapping[sp.Symbol, sp.Rational]) -> bool:
    """False when exact substitution might build astronomically large rationals."""
    for p in (t for t in subterms(expr) if isinstance(t, sp.Pow)):
        e = p.exp.xreplace(values)
        if e.is_Number and abs(e) > _MAX_EXACT_EXPONENT:
            return False
        if not e.is_Number:
            return False
    return True


def _leaf_truth(rel: Relational, values: Mapping[sp.Symbol, sp.Rational]) -> Tri:
    syms, ivs = box_intervals({s: (v, v) for s, v in values.items()})
    t = cached_truth(rel, syms)(ivs)
    if t is not Tri.UNDECIDED:
        return t
    # exact rational arithmetic decides what rounding could not (ties, equalities)
    if isinstance(rel, (sp.Eq, sp.Ne)):
        h, strict = sp.sympify(rel.lhs - rel.rhs), False
    else:
        h, strict = relation_gap(rel)
    if not _exact_is_safe(h, values):
        return Tri.UNDECIDED
    v = xreplace_shared(h, dict(values))
    if not v.is_Rational:
        return Tri.UNDECIDED
    return truth_from_sign(rel, strict, int(bool(v > 0)) - int(bool(v < 0)))


def truth_at_point(relation: Any, point: Mapping[sp.Symbol, Any]) -> Tri:
    """Rigorous truth of a relation at one exact point.

    Interval evaluation first; where rounding leaves it undecided and the
    relation is rational at the point, exact rational arithmetic decides.
    Keys may be symbols or their names; values exact rationals.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> truth_at_point(sp.exp(x) >= 1 + x, {x: sp.Rational(1, 3)})
    <Tri.TRUE: 'true'>
    >>> truth_at_point(sp.Eq(3 * x, 1), {x: sp.Rational(1, 3)})
    <Tri.TRUE: 'true'>
    >>> truth_at_point(x**2 < 2, {"x": "1.5"})
    <Tri.FALSE: 'false'>
    """
    rel = sp.sympify(relation)
    values = _point_map(rel, point)

    def leaf(node: Relational) -> Callable[[Any], Tri]:
        truth = _leaf_truth(node, {s: values[s] for s in free_symbols_of([node])})
        return lambda xs: truth

    # the walker's connectives over leaves decided at the point (intervals, then exact)
    truth: Tri = Walker(ScalarContext(), tuple(values), leaf=leaf).boolean(rel)(())
    return truth


def refutes(statement: Statement, point: Mapping[Any, Any]) -> bool:
    """True only if ``point`` is an interval-verified counterexample to ``statement``
    at a point where the statement is defined.

    Requires: a value for every variable, exact and inside its range, an
    integer for integer variables, every guard of the statement TRUE where
    it is evaluated (in order; the first failing guard makes the point
    undefined, not a counterexample), every hypothesis TRUE and the
    conclusion FALSE at the point. Anything undecided gives False. See
    :mod:`boundprop.counterexample`.

    Examples
    --------
    >>> from boundprop.statement import make_variable
    >>> v = make_variable("x", 0, 2)
    >>> st = Statement((v,), (), sp.exp(v.symbol) - 1 <= 2 * v.symbol)
    >>> refutes(st, {v.symbol: sp.Integer(2)}), refutes(st, {v.symbol: sp.Integer(1)})
    (True, False)
    """
    from boundprop import counterexample

    return counterexample.refutes(statement, point)
