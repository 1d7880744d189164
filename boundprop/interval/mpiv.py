"""The unbounded-exponent context: mpmath's interval arithmetic (``mpmath.iv``).

mpmath comes with sympy, so this context is always there (python-flint's arb,
:mod:`boundprop.interval.arb`, is an optional extra). Its intervals are
outward rounded at the precision the caller sets (``mpmath.iv.prec``) and their
exponents are unbounded, so it encloses values far beyond the float range, such
as R2's ``10**(10**47435)``, where the scalar path overflows.

mpmath's own ``==`` and ``!=`` on intervals are not three-valued (``[-1, 1] == 0``
answers False), so every decision here reads the two ends, which are binary
floats compared exactly. As in the other contexts, a box that may leave a
function's domain raises :class:`~boundprop.interval.walker.UndefinedError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import sympy as sp
from mpmath import libmp

from boundprop.interval.scalar import MAX_INTEGER_POWER, _as_fraction, gap_truth, zero_truth
from boundprop.interval.walker import Pointwise, UndefinedError, Walker
from boundprop.verdict import Tri

__all__ = ["IV", "MpivContext", "compile_mpiv", "iv_range"]

IV = mpmath.iv
Iv = Any  # mpmath's ivmpf has no type information
IvFn = Callable[[Sequence[Iv]], Iv]
IvTruthFn = Callable[[Sequence[Iv]], Tri]

_SPECIAL = (libmp.finf, libmp.fninf, libmp.fnan)


def _ends(v: Iv) -> tuple[Any, Any]:
    lo, hi = v._mpi_
    if lo == libmp.fnan or hi == libmp.fnan:
        raise UndefinedError("an interval with no value (nan)")
    return lo, hi


def _sign_lo(v: Iv) -> int:
    return int(libmp.mpf_sign(_ends(v)[0]))


def _sign_hi(v: Iv) -> int:
    return int(libmp.mpf_sign(_ends(v)[1]))


def _min(raws: Sequence[Any]) -> Any:
    out = raws[0]
    for r in raws[1:]:
        if libmp.mpf_lt(r, out):
            out = r
    return out


def _max(raws: Sequence[Any]) -> Any:
    out = raws[0]
    for r in raws[1:]:
        if libmp.mpf_gt(r, out):
            out = r
    return out


def _hull(lo: Any, hi: Any) -> Iv:
    return IV.make_mpf((lo, hi))


def _join(a: Iv, b: Iv) -> Iv:
    (alo, ahi), (blo, bhi) = _ends(a), _ends(b)
    return _hull(_min([alo, blo]), _max([ahi, bhi]))


def _point(raw: Any) -> Iv:
    return _hull(raw, raw)


def _exact(q: Any) -> Iv:
    """A rational as the tightest interval at the current precision."""
    f = _as_fraction(sp.Rational(q))
    return IV.mpf(f.numerator) / IV.mpf(f.denominator)


def iv_range(lo: Any, hi: Any) -> Iv:
    """The interval holding the exact range ``[lo, hi]`` (rationals)."""
    return _join(_exact(lo), _exact(hi))


def _positive_pow(v: Iv, e: Iv) -> Iv:
    """``v**e`` for ``v > 0`` at every point (exp and log round outward)."""
    return IV.exp(e * IV.log(v))


class MpivContext(Pointwise):
    """The mpmath-interval context of :class:`~boundprop.interval.walker.Walker`:
    a compiled node is ``f(intervals) -> interval``."""

    # -- booleans -----------------------------------------------------------
    def equal(self, h: IvFn, negate: bool) -> IvTruthFn:
        def eq(xs: Sequence[Iv]) -> Tri:
            try:
                v = h(xs)
                t = zero_truth(_sign_lo(v), _sign_hi(v))
            except UndefinedError:
                return Tri.UNDECIDED
            return t.not_() if negate else t

        return eq

    def relation(self, g: IvFn, strict: bool) -> IvTruthFn:
        def rel(xs: Sequence[Iv]) -> Tri:
            try:
                v = g(xs)
                return gap_truth(_sign_lo(v), _sign_hi(v), strict)
            except UndefinedError:
                return Tri.UNDECIDED

        return rel

    # -- expressions --------------------------------------------------------
    def const(self, node: sp.Expr) -> IvFn:
        if node is sp.E:
            return lambda xs: IV.e
        if node is sp.pi:
            return lambda xs: IV.pi
        q = _as_fraction(node)
        return lambda xs: _exact(q)  # rounded at the precision of the call

    def exp(self, a: IvFn) -> IvFn:
        return lambda xs: IV.exp(a(xs))

    def log(self, a: IvFn) -> IvFn:
        def log(xs: Sequence[Iv]) -> Iv:
            v = a(xs)
            if _sign_lo(v) <= 0:
                raise UndefinedError("log of an interval that reaches 0 or below")
            return IV.log(v)

        return log

    def abs(self, a: IvFn) -> IvFn:
        def abs_(xs: Sequence[Iv]) -> Iv:
            v = a(xs)
            if _sign_lo(v) >= 0:
                return v
            if _sign_hi(v) <= 0:
                return -v
            lo, hi = _ends(v)
            return _hull(libmp.fzero, _max([libmp.mpf_neg(lo), hi]))

        return abs_

    def minmax(self, parts: Sequence[IvFn], is_min: bool) -> IvFn:
        def minmax(xs: Sequence[Iv]) -> Iv:
            ends = [_ends(p(xs)) for p in parts]
            pick = _min if is_min else _max
            lo, hi = pick([e[0] for e in ends]), pick([e[1] for e in ends])
            return _hull(lo, hi)

        return minmax

    def rounding(self, a: IvFn, floor: bool) -> IvFn:
        # floor and ceiling are monotone and exact on binary floats
        f = libmp.mpf_floor if floor else libmp.mpf_ceil

        def rounding(xs: Sequence[Iv]) -> Iv:
            lo, hi = _ends(a(xs))
            if lo in _SPECIAL or hi in _SPECIAL:
                raise UndefinedError("floor or ceiling of an unbounded interval")
            return _hull(f(lo), f(hi))

        return rounding

    def hull(self, values: Sequence[Iv]) -> Iv:
        out = values[0]
        for v in values[1:]:
            out = _join(out, v)
        return out

    def _int_pow(self, v: Iv, n: int) -> Iv:
        if n == 0:
            return IV.mpf(1)
        if n < 0:
            if _sign_lo(v) <= 0 <= _sign_hi(v):
                raise UndefinedError("division by an interval that holds 0")
            return 1 / (v ** (-n))
        return v**n  # mpmath's integer power knows even powers of intervals around 0

    def int_pow(self, a: IvFn, n: int) -> IvFn:
        return lambda xs: self._int_pow(a(xs), n)

    def rational_pow(self, a: IvFn, r: sp.Rational) -> IvFn:
        q = _as_fraction(r)

        def real_pow(xs: Sequence[Iv]) -> Iv:
            v = a(xs)
            e = _exact(q)
            lo, hi = _ends(v)
            if q > 0:
                if _sign_lo(v) < 0:
                    raise UndefinedError("non-integer power of an interval that reaches below 0")
                # increasing, 0 at 0: each end on its own, then their hull
                low = _positive_pow(_point(lo), e) if libmp.mpf_sign(lo) > 0 else IV.mpf(0)
                top = _positive_pow(_point(hi), e) if libmp.mpf_sign(hi) > 0 else IV.mpf(0)
                return _join(low, top)
            if _sign_lo(v) <= 0:
                raise UndefinedError("negative non-integer power of an interval that reaches 0")
            return _join(_positive_pow(_point(hi), e), _positive_pow(_point(lo), e))  # decreasing

        return real_pow

    def symbolic_pow(self, a: IvFn, b: IvFn, integer_valued: bool) -> IvFn:
        def symbolic_pow(xs: Sequence[Iv]) -> Iv:
            bv = b(xs)
            blo, bhi = _ends(bv)
            if integer_valued and blo == bhi and blo not in _SPECIAL:
                n = _as_integer(blo)
                if n is not None and abs(n) <= MAX_INTEGER_POWER:
                    return self._int_pow(a(xs), n)
            av = a(xs)
            if _sign_lo(av) <= 0:
                raise UndefinedError("symbolic power of a base that may be <= 0")
            return _positive_pow(av, bv)

        return symbolic_pow


def _as_integer(raw: Any) -> int | None:
    """The integer a binary float is, or None."""
    sign, man, exp, _ = raw
    if man == 0:
        return 0
    if exp < 0:
        return None
    n = int(man) << int(exp)
    return -n if sign else n


def compile_mpiv(expr: Any, symbols: Sequence[sp.Symbol]) -> IvFn:
    """Compile ``expr`` into ``f(intervals) -> interval`` (one mpmath interval per symbol).

    >>> x = sp.Symbol("x", integer=True)
    >>> f = compile_mpiv(2**(2**x), [x])
    >>> v = f([iv_range(2000, 2000)])  # 2**(2**2000): far beyond the float range
    >>> v.a > IV.mpf(10) ** 10**600
    True
    >>> compile_mpiv(sp.Abs(x - 1), [x])([iv_range(-1, 2)])
    mpi('0.0', '2.0')
    """
    return Walker(MpivContext(), symbols).expr(sp.sympify(expr))
