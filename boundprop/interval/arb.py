"""The high-precision context: python-flint's ``arb`` balls at any precision.

Arb balls are rigorous (midpoint and radius, every operation encloses the
exact result) and their exponents are unbounded integers, so numbers such as
``2**(10**47435)`` are evaluated without overflow and without Fractions. A
ball is a poor interval when it is wide (``[-2, -1]**3`` as a ball product
is ``[+/- 8]``), so the monotone operations (powers, exp, log, sqrt) are
evaluated at the ball's two exact ends and joined; the rest is arb's own
arithmetic. As in :mod:`boundprop.interval.scalar`, a box that may leave a
function's domain raises :class:`~boundprop.interval.walker.UndefinedError`
and relations answer undecided; arb's comparisons are true only when certain.

python-flint is an optional extra (``pip install boundprop[arb]``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

from boundprop.errors import UnsupportedError
from boundprop.interval.scalar import MAX_INTEGER_POWER, _as_fraction
from boundprop.interval.walker import Pointwise, UndefinedError, Walker
from boundprop.verdict import Tri

__all__ = [
    "ArbContext",
    "ArbFn",
    "ArbTruthFn",
    "Ball",
    "ball",
    "compile_arb",
    "compile_arb_truth",
]

Ball = Any  # flint.arb has no type information
ArbFn = Callable[[Sequence[Ball]], Ball]
ArbTruthFn = Callable[[Sequence[Ball]], Tri]


def _flint() -> Any:
    try:
        import flint
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise UnsupportedError("the arb context needs python-flint: pip install 'boundprop[arb]'") from exc
    return flint


def _join(a: Ball, b: Ball) -> Ball:
    return a.union(b)


def _monotone(f: Callable[[Ball], Ball], x: Ball) -> Ball:
    """f on a ball through its two exact ends (f monotone on it)."""
    return _join(f(x.lower()), f(x.upper()))


def _pow_int(x: Ball, n: int) -> Ball:
    """x**n for an integer n >= 1, from the ends (odd powers increase; even ones
    decrease then increase, with 0 inside a ball that holds 0)."""
    lo, hi = x.lower(), x.upper()
    plo, phi = lo**n, hi**n
    if n % 2 == 1 or lo >= 0 or hi <= 0:
        return _join(plo, phi)
    return _join(x.__class__(0), _join(plo, phi))


class ArbContext(Pointwise):
    """The arb context of :class:`~boundprop.interval.walker.Walker`: a compiled node
    is ``f(balls) -> ball``, at the precision the caller has set (``flint.ctx.prec``)."""

    def __init__(self) -> None:
        self.arb = _flint().arb

    # -- booleans -----------------------------------------------------------
    def equal(self, h: ArbFn, negate: bool) -> ArbTruthFn:
        def eq(xs: Sequence[Ball]) -> Tri:
            try:
                v = h(xs)
            except UndefinedError:
                return Tri.UNDECIDED
            t = Tri.TRUE if v == 0 else Tri.FALSE if v != 0 else Tri.UNDECIDED
            return t.not_() if negate else t

        return eq

    def relation(self, g: ArbFn, strict: bool) -> ArbTruthFn:
        def rel(xs: Sequence[Ball]) -> Tri:
            try:
                v = g(xs)
            except UndefinedError:
                return Tri.UNDECIDED
            if strict:
                return Tri.TRUE if v > 0 else Tri.FALSE if v <= 0 else Tri.UNDECIDED
            return Tri.TRUE if v >= 0 else Tri.FALSE if v < 0 else Tri.UNDECIDED

        return rel

    # -- expressions --------------------------------------------------------
    def const(self, node: sp.Expr) -> ArbFn:
        arb = self.arb
        if node is sp.E:
            return lambda xs: arb.const_e()
        if node is sp.pi:
            return lambda xs: arb.pi()
        q = _as_fraction(node)
        p, d = q.numerator, q.denominator
        # rounded at the precision of the call, not of the compile
        return lambda xs: arb(p) / arb(d)

    def exp(self, a: ArbFn) -> ArbFn:
        return lambda xs: _monotone(lambda v: v.exp(), a(xs))

    def log(self, a: ArbFn) -> ArbFn:
        def log(xs: Sequence[Ball]) -> Ball:
            v = a(xs)
            if not v > 0:
                raise UndefinedError("log of a ball that reaches 0 or below")
            return _monotone(lambda t: t.log(), v)

        return log

    def abs(self, a: ArbFn) -> ArbFn:
        def abs_(xs: Sequence[Ball]) -> Ball:
            v = a(xs)
            if v >= 0:
                return v
            if v <= 0:
                return -v
            return _join(self.arb(0), _join(-v.lower(), v.upper()))

        return abs_

    def minmax(self, parts: Sequence[ArbFn], is_min: bool) -> ArbFn:
        def minmax(xs: Sequence[Ball]) -> Ball:
            vals = [p(xs) for p in parts]
            lows = [v.lower() for v in vals]  # exact points: their comparisons are exact
            highs = [v.upper() for v in vals]
            pick = min if is_min else max
            return _join(pick(lows), pick(highs))

        return minmax

    def rounding(self, a: ArbFn, floor: bool) -> ArbFn:
        if floor:
            return lambda xs: a(xs).floor()
        return lambda xs: a(xs).ceil()

    def hull(self, values: Sequence[Ball]) -> Ball:
        out = values[0]
        for v in values[1:]:
            out = _join(out, v)
        return out

    def _int_pow(self, v: Ball, n: int) -> Ball:
        if n == 0:
            return self.arb(1)
        if n < 0:
            if not (v > 0 or v < 0):
                raise UndefinedError("division by a ball that holds 0")
            return 1 / _pow_int(v, -n)
        return _pow_int(v, n)

    def int_pow(self, a: ArbFn, n: int) -> ArbFn:
        return lambda xs: self._int_pow(a(xs), n)

    def rational_pow(self, a: ArbFn, r: sp.Rational) -> ArbFn:
        q = _as_fraction(r)
        arb = self.arb

        def real_pow(xs: Sequence[Ball]) -> Ball:
            v = a(xs)
            e = arb(q.numerator) / arb(q.denominator)
            if r > 0:
                if not v >= 0:
                    raise UndefinedError("non-integer power of a ball that reaches below 0")
                hi = v.upper()
                top = hi**e if hi > 0 else arb(0)
                low = v.lower()
                return _join(low**e if low > 0 else arb(0), top)  # increasing, 0 at 0
            if not v > 0:
                raise UndefinedError("negative non-integer power of a ball that reaches 0")
            return _join(v.upper() ** e, v.lower() ** e)  # decreasing

        return real_pow

    def symbolic_pow(self, a: ArbFn, b: ArbFn, integer_valued: bool) -> ArbFn:
        def symbolic_pow(xs: Sequence[Ball]) -> Ball:
            bv = b(xs)
            if integer_valued and bv.is_exact() and bv.is_integer() and abs(bv) <= MAX_INTEGER_POWER:
                return self._int_pow(a(xs), int(bv.unique_fmpz()))
            av = a(xs)
            if not av > 0:
                raise UndefinedError("symbolic power of a base that may be <= 0")
            return (bv * av.log()).exp()

        return symbolic_pow


def compile_arb(expr: Any, symbols: Sequence[sp.Symbol]) -> ArbFn:
    """Compile ``expr`` into ``f(balls) -> ball`` (one ``flint.arb`` per symbol).

    >>> import pytest; flint = pytest.importorskip("flint")  # the optional extra
    >>> x = sp.Symbol("x", integer=True)
    >>> f = compile_arb(2**(10**x), [x])
    >>> flint.ctx.prec = 200_000  # 10**47435 as an exact integer, and enough bits to compare
    >>> f([flint.arb(47435)]) > flint.arb(10)**(flint.arb(10)**47434)
    True
    >>> flint.ctx.prec = 53
    """
    return Walker(ArbContext(), symbols).expr(sp.sympify(expr))


def compile_arb_truth(relation: Any, symbols: Sequence[sp.Symbol]) -> ArbTruthFn:
    """Compile a relation into ``f(balls) -> Tri``."""
    return Walker(ArbContext(), symbols).boolean(sp.sympify(relation))


def ball(lo: Any, hi: Any) -> Ball:
    """A ball holding the exact range ``[lo, hi]`` (ints, Fractions, finite floats).

    Arb stores a radius with a 30-bit mantissa rounded up, so a wide ball reaches
    a little beyond its ends (a range starting at 0 is not surely >= 0 as a ball);
    a point is exact when it fits the precision. Narrow boxes and points, at high
    precision, are what this context is for.

    >>> import pytest; _ = pytest.importorskip("flint")  # the optional extra
    >>> b = ball(1, 2)
    >>> b.lower() <= 1 and b.upper() >= 2, ball(3, 3) == 3
    (True, True)
    """
    flint = _flint()
    a, b = _as_fraction(sp.Rational(lo)), _as_fraction(sp.Rational(hi))
    if a > b:
        raise UnsupportedError(f"empty range [{lo}, {hi}]")
    if a == b:
        return flint.arb(flint.fmpq(a.numerator, a.denominator))
    m, w = (a + b) / 2, (b - a) / 2
    mid = flint.arb(flint.fmpq(m.numerator, m.denominator))  # a ball around m (exact if it fits)
    half = flint.arb(flint.fmpq(w.numerator, w.denominator)).upper()
    return flint.arb(mid.mid(), half + mid.rad())  # the radius rounds up
