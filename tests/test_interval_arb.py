"""The arb (python-flint) context of the shared walker: zero tolerance.

The same random expressions, boxes and points as the property tests of the
float paths (tests/test_interval_properties.py): the arb enclosure of a box
contains the rigorous 250-bit reference value at a point of it, a relation
arb decides on a box is never decided the other way at a point, and an
undefined point is never a value. Skipped where python-flint is not installed
(it is the optional ``arb`` extra).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from test_interval_properties import SETTINGS, SYMS, X, Y, _reference, boxes_and_points, exprs

from boundprop.interval import UndefinedError, compile_scalar
from boundprop.verdict import Tri

flint = pytest.importorskip("flint")
from boundprop.interval.arb import ball, compile_arb, compile_arb_truth  # noqa: E402


def _end(v: Any, upper: bool) -> Any:
    """An exact mpf at or beyond the ball's end."""
    e = v.upper() if upper else v.lower()
    while not e.is_exact():  # the end of the end ball, until exact
        e = e.upper() if upper else e.lower()
    man, exp = e.man_exp()
    return mpmath.mpf((int(man), int(exp)))


def _balls(box: dict[sp.Symbol, tuple[sp.Rational, sp.Rational]]) -> list[Any]:
    return [ball(Fraction(int(box[s][0].p), int(box[s][0].q)), Fraction(int(box[s][1].p), int(box[s][1].q)))
            for s in SYMS]


@SETTINGS
@given(exprs, boxes_and_points())
def test_arb_enclosure_contains_true_value(e: sp.Expr, bp: Any) -> None:
    box, point = bp
    ref_lo, ref_hi = _reference(e, point)
    try:
        v = compile_arb(e, SYMS)(_balls(box))
    except UndefinedError:
        return
    if v.is_nan() or not v.is_finite():
        return  # no claim
    with mpmath.workprec(250):
        assert _end(v, upper=False) <= ref_lo and ref_hi <= _end(v, upper=True), (e, box, point, v)


@SETTINGS
@given(exprs, boxes_and_points())
def test_arb_decided_relations_hold_at_the_point(e: sp.Expr, bp: Any) -> None:
    box, point = bp
    ref_lo, ref_hi = _reference(e, point)
    t = compile_arb_truth(e >= 0, SYMS)(_balls(box))
    if t is Tri.TRUE:  # e >= 0 on the box, so at the point: the reference reaches >= 0
        assert ref_hi >= 0, (e, box)
    elif t is Tri.FALSE:
        assert ref_lo < 0, (e, box)


def test_undefined_points_are_undecided_never_a_value() -> None:
    rel = compile_arb_truth(sp.log(X) + 1 / Y >= -100, [X, Y])
    assert rel([ball(-1, 1), ball(1, 2)]) is Tri.UNDECIDED  # log reaches 0
    assert rel([ball(1, 2), ball(-1, 1)]) is Tri.UNDECIDED  # 1/y: y holds 0
    assert rel([ball(1, 2), ball(1, 2)]) is Tri.TRUE
    with pytest.raises(UndefinedError):
        compile_arb(sp.sqrt(X - 2), [X])([ball(0, 3)])


def test_agrees_with_the_scalar_path_on_narrow_boxes() -> None:
    from interval import interval

    e = 2 * X * (1 + 3 * X) ** 40 - sp.exp(Y) * sp.log(1 + Y)
    f_arb, f_sc = compile_arb(e, [X, Y]), compile_scalar(e, [X, Y])
    for k in range(1, 20):
        lo, hi = Fraction(k, 97), Fraction(k, 97) + Fraction(1, 10**6)
        v = f_arb([ball(lo, hi), ball(lo, hi)])
        s = f_sc([interval[float(lo), float(hi)]] * 2)
        # both enclose the range: they overlap
        assert max(float(_end(v, False)), s[0].inf) <= min(float(_end(v, True)), s[0].sup)


def test_huge_exponents_without_overflow() -> None:
    # 2**(10**47435) > 10**(10**47434): far beyond floats; arb at 200,000 bits decides it
    n = sp.Symbol("n", integer=True)
    rel = compile_arb_truth(2 ** (10**n) > 10 ** (10 ** (n - 1)), [n])
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 200_000
        assert rel([flint.arb(47435)]) is Tri.TRUE
        assert compile_arb_truth(2 ** (10**n) < 10 ** (10 ** (n - 1)), [n])([flint.arb(47435)]) is Tri.FALSE
    finally:
        flint.ctx.prec = old
