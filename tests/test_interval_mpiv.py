"""The mpmath-interval context of the shared walker (beyond the float range): zero tolerance.

The same random expressions, boxes and points as the property tests of the
float paths (tests/test_interval_properties.py): the enclosure of a box contains
the 250-bit reference value at a point of it, a relation decided on a box is
never decided the other way at a point, and an undefined point is never a value.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from test_interval_properties import SETTINGS, SYMS, X, Y, _reference, boxes_and_points, exprs

from boundprop.interval import UndefinedError
from boundprop.interval.mpiv import IV, MpivContext, compile_mpiv, iv_range
from boundprop.interval.walker import Walker
from boundprop.verdict import Tri


def _ivs(box: dict[sp.Symbol, tuple[sp.Rational, sp.Rational]]) -> list[Any]:
    return [iv_range(*box[s]) for s in SYMS]


def _truth(rel: Any, symbols: list[sp.Symbol]) -> Any:
    return Walker(MpivContext(), symbols).boolean(rel)


@SETTINGS
@given(exprs, boxes_and_points())
def test_enclosure_contains_the_true_value(e: sp.Expr, bp: Any) -> None:
    box, point = bp
    ref_lo, ref_hi = _reference(e, point)
    try:
        v = compile_mpiv(e, SYMS)(_ivs(box))
    except UndefinedError:
        return
    lo, hi = v._mpi_
    if mpmath.libmp.fnan in (lo, hi):
        return  # no claim
    with mpmath.workprec(250):
        assert mpmath.mpf(lo) <= ref_lo and ref_hi <= mpmath.mpf(hi), (e, box, point, v)


@SETTINGS
@given(exprs, boxes_and_points())
def test_decided_relations_hold_at_the_point(e: sp.Expr, bp: Any) -> None:
    box, point = bp
    ref_lo, ref_hi = _reference(e, point)
    for rel, holds, fails in ((e >= 0, ref_hi >= 0, ref_lo < 0), (e > 0, ref_hi > 0, ref_lo <= 0)):
        t = _truth(rel, list(SYMS))(_ivs(box))
        if t is Tri.TRUE:
            assert holds, (rel, box)
        elif t is Tri.FALSE:
            assert fails, (rel, box)


def test_equality_is_three_valued() -> None:
    # regression: mpmath's own == answers False for [-1, 1] == 0 (and != True)
    assert (IV.mpf([-1, 1]) == 0) is False
    eq, ne = _truth(sp.Eq(X, 0), [X]), _truth(sp.Ne(X, 0), [X])
    assert eq([iv_range(-1, 1)]) is Tri.UNDECIDED and ne([iv_range(-1, 1)]) is Tri.UNDECIDED
    assert eq([iv_range(0, 0)]) is Tri.TRUE and ne([iv_range(0, 0)]) is Tri.FALSE
    assert eq([iv_range(1, 2)]) is Tri.FALSE


def test_undefined_points_are_undecided_never_a_value() -> None:
    rel = _truth(sp.log(X) + 1 / Y >= -100, [X, Y])
    assert rel([iv_range(-1, 1), iv_range(1, 2)]) is Tri.UNDECIDED  # log reaches 0
    assert rel([iv_range(1, 2), iv_range(-1, 1)]) is Tri.UNDECIDED  # 1/y: y holds 0
    assert rel([iv_range(1, 2), iv_range(1, 2)]) is Tri.TRUE
    for bad in (sp.sqrt(X - 2), X ** sp.Rational(-1, 3), 2**Y * (X - 1) ** Y):
        with pytest.raises(UndefinedError):
            compile_mpiv(bad, [X, Y])([iv_range(0, 3), iv_range(Fraction(1, 2), 1)])


def test_huge_values_without_overflow() -> None:
    n = sp.Symbol("n", integer=True)
    v = compile_mpiv(2 ** (10**n) - 10 ** (10 ** (n - 1)), [n])([iv_range(3000, 3000)])
    assert v.a > 0  # 2**(10**3000) > 10**(10**2999), far beyond floats
    big = compile_mpiv(sp.exp(X) * (1 + X) ** 3, [X])([iv_range(10**6, 10**6)])
    with mpmath.workprec(200):
        exact = mpmath.exp(10**6) * (1 + 10**6) ** 3
        assert mpmath.mpf(big.a) <= exact <= mpmath.mpf(big.b)
