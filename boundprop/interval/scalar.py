"""Scalar rigorous interval evaluation on pyinterval (the reference path).

pyinterval rounds every arithmetic operation outward and evaluates
``exp``/``log``/``sqrt`` through crlibm, so its enclosures are rigorous.
What pyinterval does *not* do is refuse points outside a function's domain:
``imath.log(interval[-1, 1])`` silently answers ``[-inf, 0]``. This module
checks every domain itself and raises :class:`UndefinedError` when a box may
leave it; relations catch that and answer ``Tri.UNDECIDED``. Undefined is
never turned into a value, so it can never become part of a proof.

Expressions are compiled once into a tree of closures (``compile_scalar``,
by the shared :class:`~boundprop.interval.walker.Walker` over
:class:`ScalarContext`) and then evaluated on many boxes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy as sp
from interval import imath, interval

from boundprop.errors import UnsupportedError
from boundprop.interval.walker import Pointwise, UndefinedError, Walker
from boundprop.interval.walker import relation_gap as relation_gap  # its old home, still imported from here
from boundprop.verdict import Tri

__all__ = [
    "Interval",
    "MAX_INTEGER_POWER",
    "SCALAR",
    "ScalarContext",
    "ScalarFn",
    "TruthFn",
    "UndefinedError",
    "box_intervals",
    "cached_scalar",
    "cached_truth",
    "compile_scalar",
    "compile_truth",
    "const_interval",
    "endpoint_bounds",
    "gap_truth",
    "hi_of",
    "hull",
    "i_abs",
    "i_int_pow",
    "i_log",
    "i_real_pow",
    "i_recip",
    "i_sqrt",
    "lo_of",
    "rational_bounds",
    "zero_truth",
]

Interval = Any  # pyinterval's class has no type information
ScalarFn = Callable[[Sequence[Interval]], Interval]
TruthFn = Callable[[Sequence[Interval]], Tri]

_INF = math.inf
# Integer powers with a larger exponent go through exp(n*log(x)) (positive bases only).
MAX_INTEGER_POWER = 1 << 20


# ---------------------------------------------------------------------------
# exact numbers -> outward float bounds


def rational_bounds(value: Fraction) -> tuple[float, float]:
    """The tightest floats ``lo <= value <= hi``.

    >>> rational_bounds(Fraction(1, 2))
    (0.5, 0.5)
    >>> lo, hi = rational_bounds(Fraction(1, 10))
    >>> Fraction(lo) < Fraction(1, 10) < Fraction(hi)
    True
    """
    try:
        f = float(value)  # int/int true division: correctly rounded
    except OverflowError:
        return (-_INF, -_max_float()) if value < 0 else (_max_float(), _INF)
    exact = Fraction(f)
    if exact == value:
        return f, f
    if exact < value:
        return f, math.nextafter(f, _INF)
    return math.nextafter(f, -_INF), f


def _max_float() -> float:
    return float.fromhex("0x1.fffffffffffffp+1023")


def _as_fraction(number: sp.Expr) -> Fraction:
    """The exact value of a sympy Integer, Rational or Float."""
    if number.is_Rational:
        return Fraction(int(number.p), int(number.q))
    if isinstance(number, sp.Float):
        # a Float is a binary number; Rational(Float) is its exact value
        exact = sp.Rational(number)
        return Fraction(int(exact.p), int(exact.q))
    raise UnsupportedError(f"not an exact number: {number}")


def endpoint_bounds(lo: Any, hi: Any) -> tuple[float, float]:
    """Outward float bounds of an exact range ``[lo, hi]`` (±oo allowed)."""
    flo = _endpoint(lo, low=True)
    fhi = _endpoint(hi, low=False)
    return flo, fhi


def _endpoint(value: Any, low: bool) -> float:
    v = sp.sympify(value)
    if v == sp.oo:
        return _INF
    if v == -sp.oo:
        return -_INF
    if not (v.is_Rational or isinstance(v, sp.Float)):
        raise UnsupportedError(f"range endpoint {v} is not an exact number")
    a, b = rational_bounds(_as_fraction(v))
    return a if low else b


def const_interval(number: sp.Expr) -> Interval:
    """An outward rounded interval around an exact number or E, pi."""
    if number is sp.E:
        return imath.e
    if number is sp.pi:
        return imath.pi
    lo, hi = rational_bounds(_as_fraction(number))
    return interval[lo, hi]


# ---------------------------------------------------------------------------
# primitive interval operations with domain checks


def lo_of(x: Interval) -> float:
    return float(x[0].inf)


def hi_of(x: Interval) -> float:
    return float(x[0].sup)


def _check_single(x: Interval) -> Interval:
    if len(x) != 1:
        raise UndefinedError("interval operation produced an empty or split result")
    return x


def i_recip(x: Interval) -> Interval:
    lo, hi = lo_of(x), hi_of(x)
    if lo <= 0.0 <= hi:
        raise UndefinedError("division by an interval containing 0")
    return _check_single(1 / x)


def i_int_pow(x: Interval, n: int) -> Interval:
    if n == 0:
        return interval[1.0]
    if n < 0:
        return i_recip(i_int_pow(x, -n))
    if n > MAX_INTEGER_POWER:
        if lo_of(x) > 0:
            return imath.exp(const_interval(sp.Integer(n)) * imath.log(x))
        raise UnsupportedError(f"integer power {n} of a non-positive base is too large")
    # pyinterval's ** handles even powers of intervals containing 0 as [0, ...]
    return _check_single(x**n)


def i_log(x: Interval) -> Interval:
    if not lo_of(x) > 0.0:
        raise UndefinedError("log of an interval that reaches 0 or below")
    return imath.log(x)


def i_sqrt(x: Interval) -> Interval:
    if not lo_of(x) >= 0.0:
        raise UndefinedError("sqrt of an interval that reaches below 0")
    return imath.sqrt(x)


def i_real_pow(x: Interval, r: Interval, r_positive: bool) -> Interval:
    """x**r for a non-integer constant r (given as an interval)."""
    lo, hi = lo_of(x), hi_of(x)
    if r_positive:
        if not lo >= 0.0:
            raise UndefinedError("non-integer power of an interval that reaches below 0")
        if lo == 0.0:
            # x**r is increasing and 0 at 0: [0, hi**r]
            top = 0.0 if hi == 0.0 else hi_of(imath.exp(r * imath.log(interval[hi])))
            return interval[0.0, top]
    elif not lo > 0.0:
        raise UndefinedError("negative non-integer power of an interval that reaches 0")
    return imath.exp(r * imath.log(x))


def i_abs(x: Interval) -> Interval:
    lo, hi = lo_of(x), hi_of(x)
    if lo >= 0:
        return x
    if hi <= 0:
        return -x
    return interval[0.0, max(-lo, hi)]


def hull(parts: Sequence[Interval]) -> Interval:
    return interval[min(lo_of(p) for p in parts), max(hi_of(p) for p in parts)]


# ---------------------------------------------------------------------------
# compiler


def compile_scalar(expr: Any, symbols: Sequence[sp.Symbol]) -> ScalarFn:
    """Compile ``expr`` once into a function of one interval per symbol.

    Parameters
    ----------
    expr : sympy expression
    symbols : the order of the intervals the compiled function receives

    Returns
    -------
    callable
        ``f(intervals) -> interval``, outward rounded; raises
        :class:`UndefinedError` if the box may leave the expression's domain.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> f = compile_scalar(sp.exp(x) - 1, [x])
    >>> r = f([interval[0, 1]]); r[0].inf <= 0 and r[0].sup >= 1.718281828
    True
    """
    return Walker(SCALAR, symbols).expr(sp.sympify(expr))


def compile_truth(relation: Any, symbols: Sequence[sp.Symbol]) -> TruthFn:
    """Compile a relation or boolean combination into ``f(intervals) -> Tri``."""
    return Walker(SCALAR, symbols).boolean(sp.sympify(relation))


@lru_cache(maxsize=512)
def cached_truth(relation: Any, symbols: tuple[sp.Symbol, ...]) -> TruthFn:
    return compile_truth(relation, symbols)


@lru_cache(maxsize=512)
def cached_scalar(expr: Any, symbols: tuple[sp.Symbol, ...]) -> ScalarFn:
    return compile_scalar(expr, symbols)


def gap_truth(lo: float, hi: float, strict: bool) -> Tri:
    """Truth of ``h > 0`` / ``h >= 0`` from an enclosure ``[lo, hi]`` of h."""
    if strict:
        if lo > 0:
            return Tri.TRUE
        if hi <= 0:
            return Tri.FALSE
        return Tri.UNDECIDED
    if lo >= 0:
        return Tri.TRUE
    if hi < 0:
        return Tri.FALSE
    return Tri.UNDECIDED


def zero_truth(lo: float, hi: float) -> Tri:
    """Truth of ``h == 0`` from an enclosure ``[lo, hi]`` of h."""
    if lo == hi == 0:
        return Tri.TRUE
    return Tri.FALSE if lo > 0 or hi < 0 else Tri.UNDECIDED


class ScalarContext(Pointwise):
    """The pyinterval context of :class:`~boundprop.interval.walker.Walker`: a
    compiled node is ``f(intervals) -> interval``, raising :class:`UndefinedError`
    where the box may leave the domain; relations catch it and answer undecided."""

    # -- booleans -----------------------------------------------------------
    def equal(self, h: ScalarFn, negate: bool) -> TruthFn:
        def eq(xs: Sequence[Interval]) -> Tri:
            try:
                v = h(xs)
            except UndefinedError:
                return Tri.UNDECIDED
            t = zero_truth(lo_of(v), hi_of(v))
            return t.not_() if negate else t

        return eq

    def relation(self, g: ScalarFn, strict: bool) -> TruthFn:
        def rel(xs: Sequence[Interval]) -> Tri:
            try:
                v = g(xs)
            except UndefinedError:
                return Tri.UNDECIDED
            return gap_truth(lo_of(v), hi_of(v), strict)

        return rel

    # -- expressions --------------------------------------------------------
    def const(self, node: sp.Expr) -> ScalarFn:
        c = const_interval(node)
        return lambda xs: c

    def exp(self, a: ScalarFn) -> ScalarFn:
        return lambda xs: imath.exp(a(xs))

    def log(self, a: ScalarFn) -> ScalarFn:
        return lambda xs: i_log(a(xs))

    def abs(self, a: ScalarFn) -> ScalarFn:
        return lambda xs: i_abs(a(xs))

    def minmax(self, parts: Sequence[ScalarFn], is_min: bool) -> ScalarFn:
        pick = min if is_min else max

        def minmax(xs: Sequence[Interval]) -> Interval:
            vals = [p(xs) for p in parts]
            return interval[pick(lo_of(v) for v in vals), pick(hi_of(v) for v in vals)]

        return minmax

    def rounding(self, a: ScalarFn, floor: bool) -> ScalarFn:
        rnd = math.floor if floor else math.ceil

        def fc(xs: Sequence[Interval]) -> Interval:
            v = a(xs)
            return interval[_round_int(rnd, lo_of(v)), _round_int(rnd, hi_of(v))]

        return fc

    def hull(self, values: Sequence[Interval]) -> Interval:
        return hull(values)

    def int_pow(self, a: ScalarFn, n: int) -> ScalarFn:
        return lambda xs: i_int_pow(a(xs), n)

    def rational_pow(self, a: ScalarFn, r: sp.Rational) -> ScalarFn:
        if r == sp.Rational(1, 2):
            return lambda xs: i_sqrt(a(xs))
        if r == sp.Rational(-1, 2):
            return lambda xs: i_recip(i_sqrt(a(xs)))
        ri = const_interval(r)
        positive = bool(r > 0)
        return lambda xs: i_real_pow(a(xs), ri, positive)

    def symbolic_pow(self, a: ScalarFn, b: ScalarFn, integer_valued: bool) -> ScalarFn:
        def symbolic_pow(xs: Sequence[Interval]) -> Interval:
            bv = b(xs)
            blo, bhi = lo_of(bv), hi_of(bv)
            if integer_valued and blo == bhi and blo.is_integer() and abs(blo) <= MAX_INTEGER_POWER:
                return i_int_pow(a(xs), int(blo))
            av = a(xs)
            if not lo_of(av) > 0:
                raise UndefinedError("symbolic power of a base that may be <= 0")
            return imath.exp(bv * imath.log(av))

        return symbolic_pow


SCALAR = ScalarContext()


def _round_int(rnd: Callable[[float], int], v: float) -> float:
    if math.isinf(v):
        return v
    return float(rnd(v))  # floats this large are already integers, so exact


# ---------------------------------------------------------------------------
# box-level API


def box_intervals(
    box: Mapping[sp.Symbol, tuple[Any, Any]],
) -> tuple[tuple[sp.Symbol, ...], list[Interval]]:
    syms = tuple(box.keys())
    ivs = []
    for s in syms:
        lo, hi = box[s]
        flo, fhi = endpoint_bounds(lo, hi)
        if flo > fhi:
            raise UnsupportedError(f"empty range for {s}: [{lo}, {hi}]")
        ivs.append(interval[flo, fhi])
    return syms, ivs
