"""Unit tests of the rigorous interval layer: rounding, domains, both paths, point truth."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from interval import interval

from boundprop.errors import UnsupportedError
from boundprop.interval import (
    UndefinedError,
    compile_batched,
    compile_scalar,
    enclose,
    refutes,
    truth,
    truth_at_point,
    truth_batched,
)
from boundprop.interval.batched import prod_bounds, sum_bounds
from boundprop.interval.scalar import rational_bounds
from boundprop.statement import Statement, make_variable
from boundprop.verdict import Tri

x, y = sp.symbols("x y", real=True)
n = sp.Symbol("n", integer=True)


def box(**ranges: tuple[object, object]) -> dict[sp.Symbol, tuple[sp.Expr, sp.Expr]]:
    syms = {"x": x, "y": y, "n": n}
    return {syms[k]: (sp.Rational(str(a)), sp.Rational(str(b))) for k, (a, b) in ranges.items()}


def lo_hi(iv: interval) -> tuple[float, float]:
    return float(iv[0].inf), float(iv[0].sup)


# -- constants enter outward rounded --------------------------------------------


@pytest.mark.parametrize("q", [Fraction(1, 10), Fraction(1, 3), Fraction(-7, 3), Fraction(2, 7)])
def test_inexact_rationals_are_strictly_bracketed(q: Fraction) -> None:
    lo, hi = rational_bounds(q)
    assert Fraction(lo) < q < Fraction(hi)
    assert math.nextafter(lo, math.inf) == hi  # and tightly: adjacent floats


@pytest.mark.parametrize("q", [Fraction(1, 2), Fraction(3), Fraction(-5, 4), Fraction(0)])
def test_exact_rationals_stay_points(q: Fraction) -> None:
    assert rational_bounds(q) == (float(q), float(q))


def test_huge_rationals_overflow_outward() -> None:
    lo, hi = rational_bounds(Fraction(2**1100))
    assert hi == math.inf and lo == float.fromhex("0x1.fffffffffffffp+1023")
    lo, hi = rational_bounds(Fraction(-(2**1100)))
    assert lo == -math.inf


def test_decimal_constant_in_expression_is_bracketed() -> None:
    lo, hi = lo_hi(enclose(sp.Rational(1, 10) * 3 + 0 * x, box(x=(0, 0))))
    assert Fraction(lo) <= Fraction(3, 10) <= Fraction(hi)
    assert lo < hi


def test_e_and_pi_are_enclosed() -> None:
    for c, ref in ((sp.E, sp.E), (sp.pi, sp.pi)):
        lo, hi = lo_hi(enclose(c + 0 * x, box(x=(0, 0))))
        assert sp.Rational(lo) < ref < sp.Rational(hi)


# -- powers and domains ------------------------------------------------------------


def test_even_power_of_interval_containing_zero_is_nonnegative() -> None:
    assert lo_hi(enclose(x**2, box(x=(-1, 2)))) == (0.0, 4.0)
    assert lo_hi(enclose(x**4, box(x=(-3, 1)))) == (0.0, 81.0)
    f = compile_batched(x**2, [x])
    lo, hi = f(np.array([[-1.0], [-3.0], [2.0]]), np.array([[2.0], [-2.0], [3.0]]))
    assert lo.tolist() == [0.0, 4.0, 4.0] and hi.tolist() == [4.0, 9.0, 9.0]


def test_odd_and_negative_powers() -> None:
    assert lo_hi(enclose(x**3, box(x=(-2, 1)))) == (-8.0, 1.0)
    lo, hi = lo_hi(enclose(x**-2, box(x=(1, 2))))
    assert lo == 0.25 and hi == 1.0
    f = compile_batched(x**-1, [x])
    lo_b, hi_b = f(np.array([[2.0]]), np.array([[4.0]]))
    assert (lo_b[0], hi_b[0]) == (0.25, 0.5)  # exact reciprocals stay exact


@pytest.mark.parametrize(
    "expr, rng",
    [
        (sp.sqrt(x), (-1, 1)),
        (sp.log(x), (0, 1)),
        (1 / x, (-1, 1)),
        (x ** sp.Rational(1, 3), ("-0.5", 1)),
        (x**y, (-1, 1)),
    ],
)
def test_leaving_the_domain_is_undefined_never_clipped(expr: sp.Expr, rng: tuple[object, object]) -> None:
    b = box(x=rng, y=("0.5", "0.5"))
    with pytest.raises(UndefinedError):
        enclose(expr, b)
    assert truth(expr >= -(10**9), b) is Tri.UNDECIDED
    lo, hi = compile_batched(expr, [x, y])(
        np.array([[float(sp.Rational(str(rng[0]))), 0.5]]), np.array([[float(rng[1]), 0.5]])
    )
    assert np.isnan(lo[0]) and np.isnan(hi[0])
    assert (
        truth_batched(
            expr >= -(10**9),
            [x, y],
            np.array([[float(sp.Rational(str(rng[0]))), 0.5]]),
            np.array([[float(rng[1]), 0.5]]),
        )[0]
        == -1
    )


def test_sqrt_at_zero_and_rational_power_inside_domain() -> None:
    assert lo_hi(enclose(sp.sqrt(x), box(x=(0, 4)))) == (0.0, 2.0)
    lo, hi = lo_hi(enclose(x ** sp.Rational(3, 2), box(x=(0, 4))))
    assert lo == 0.0 and hi >= 8.0 and hi < 8.0 + 1e-12


def test_symbolic_integer_exponent_uses_exact_integer_power_at_points() -> None:
    # (-2)**n at the integer point n = 3 is defined (-8), although exp(n*log(-2)) is not
    assert lo_hi(enclose((x - 3) ** n, {x: (sp.Integer(1), sp.Integer(1)), n: (sp.Integer(3), sp.Integer(3))})) == (
        -8.0,
        -8.0,
    )
    f = compile_batched((x - 3) ** n, [x, n])
    lo, hi = f(np.array([[1.0, 3.0], [4.0, 0.0]]), np.array([[1.0, 3.0], [5.0, 2.0]]))
    assert (lo[0], hi[0]) == (-8.0, -8.0)
    assert lo[1] <= 1.0 and hi[1] >= 4.0  # positive base, exponent range: exp-log form


def test_functions_abs_min_max_floor_ceiling_piecewise() -> None:
    b = box(x=("-1.5", "2.5"))
    assert lo_hi(enclose(sp.Abs(x), b)) == (0.0, 2.5)
    assert lo_hi(enclose(sp.Min(x, 1), b)) == (-1.5, 1.0)
    assert lo_hi(enclose(sp.Max(x, 1), b)) == (1.0, 2.5)
    assert lo_hi(enclose(sp.floor(x), b)) == (-2.0, 2.0)
    assert lo_hi(enclose(sp.ceiling(x), b)) == (-1.0, 3.0)
    pw = sp.Piecewise((x, x >= 0), (-x, True))
    assert lo_hi(enclose(pw, box(x=(1, 2)))) == (1.0, 2.0)
    assert lo_hi(enclose(pw, box(x=(-2, -1)))) == (1.0, 2.0)
    lo, hi = lo_hi(enclose(pw, b))
    assert lo <= 0.0 and hi >= 2.5
    flo, fhi = compile_batched(pw, [x])(np.array([[-2.0]]), np.array([[-1.0]]))
    assert (flo[0], fhi[0]) == (1.0, 2.0)


def test_unsupported_function_raises() -> None:
    with pytest.raises(UnsupportedError):
        compile_scalar(sp.sin(x), [x])
    with pytest.raises(UnsupportedError):
        compile_batched(sp.sin(x), [x])


# -- batched rounding primitives ------------------------------------------------------


def test_sum_bounds_bracket_the_exact_sum_and_keep_exact_sums() -> None:
    a, b = np.array([0.1, 1.0, 1e16]), np.array([0.2, 2.0, 1.0])
    lo, hi = sum_bounds(a, b)
    for i in range(3):
        exact = Fraction(a[i]) + Fraction(b[i])
        assert Fraction(lo[i]) <= exact <= Fraction(hi[i])
    assert lo[1] == hi[1] == 3.0
    assert lo[2] < hi[2]  # 1e16 + 1 is not a float


def test_prod_bounds_bracket_and_exactness() -> None:
    a = np.array([0.1, 50.0, 0.0, 3.0, 1e200])
    b = np.array([3.0, 1.0, np.inf, 7.0, 1e200])
    with np.errstate(all="ignore"):  # callers own the error state
        lo, hi = prod_bounds(a, b)
    assert Fraction(lo[0]) <= Fraction(a[0]) * 3 <= Fraction(hi[0]) and lo[0] < hi[0]
    assert lo[1] == hi[1] == 50.0
    assert lo[2] == hi[2] == 0.0  # 0 * inf is 0 for interval endpoints
    assert lo[3] == hi[3] == 21.0
    assert hi[4] == np.inf and lo[4] == float.fromhex("0x1.fffffffffffffp+1023")


def test_batched_exp_log_exact_special_values_and_padding() -> None:
    f = compile_batched(sp.exp(x), [x])
    lo, hi = f(np.array([[0.0], [1.0]]), np.array([[0.0], [1.0]]))
    assert (lo[0], hi[0]) == (1.0, 1.0)
    assert sp.Rational(lo[1]) < sp.E < sp.Rational(hi[1])
    g = compile_batched(sp.log(x), [x])
    lo, hi = g(np.array([[1.0], [2.0]]), np.array([[1.0], [2.0]]))
    assert (lo[0], hi[0]) == (0.0, 0.0)
    assert sp.Rational(lo[1]) < sp.log(2) < sp.Rational(hi[1])


def test_batched_division_by_interval_containing_zero_is_undefined() -> None:
    lo, hi = compile_batched(1 / x, [x])(np.array([[-1.0], [1.0]]), np.array([[1.0], [2.0]]))
    assert np.isnan(lo[0]) and (lo[1], hi[1]) == (0.5, 1.0)


def test_scalar_and_batched_agree_on_a_grid() -> None:
    expr = sp.exp(x) * y - sp.log(1 + x**2) + sp.sqrt(y) / (2 + x)
    fs = compile_scalar(expr, [x, y])
    fb = compile_batched(expr, [x, y])
    L = np.array([[a, b] for a in (-1.0, 0.0, 0.5) for b in (0.0, 1.0)])
    H = L + 0.25
    blo, bhi = fb(L, H)
    for i in range(L.shape[0]):
        slo, shi = lo_hi(fs([interval[L[i, 0], H[i, 0]], interval[L[i, 1], H[i, 1]]]))
        # both enclose the same range; neither may be empty or inverted
        assert slo <= shi and blo[i] <= bhi[i]
        assert max(slo, blo[i]) <= min(shi, bhi[i])


# -- truth ----------------------------------------------------------------------


def test_truth_three_valued() -> None:
    assert truth(x**2 >= 0, box(x=(-1, 1))) is Tri.TRUE
    assert truth(x > 2, box(x=(-1, 1))) is Tri.FALSE
    assert truth(x > 0, box(x=(-1, 1))) is Tri.UNDECIDED
    assert truth(sp.And(x >= -1, x < 0), box(x=(-1, 1))) is Tri.UNDECIDED
    assert truth(sp.Or(x >= -1, x < 0), box(x=(-1, 1))) is Tri.TRUE
    assert truth(sp.Not(x > 2), box(x=(-1, 1))) is Tri.TRUE
    assert truth(sp.Eq(x, 0), box(x=(0, 0))) is Tri.TRUE
    assert truth(sp.Ne(x, 0), box(x=(1, 2))) is Tri.TRUE
    with pytest.raises(TypeError):
        bool(truth(x > 0, box(x=(-1, 1))))


def test_strict_versus_nonstrict_at_touching_bound() -> None:
    assert truth(x >= 0, box(x=(0, 1))) is Tri.TRUE
    assert truth(x > 0, box(x=(0, 1))) is Tri.UNDECIDED
    assert truth(x > 0, box(x=(-1, 0))) is Tri.FALSE
    t = truth_batched(x > 0, [x], np.array([[0.0], [-1.0]]), np.array([[1.0], [0.0]]))
    assert t.tolist() == [-1, 0] and t.dtype == np.int8


def test_truth_at_point_uses_exact_arithmetic_for_ties() -> None:
    assert truth_at_point(10 * x >= 1, {x: sp.Rational(1, 10)}) is Tri.TRUE
    assert truth_at_point(10 * x > 1, {x: sp.Rational(1, 10)}) is Tri.FALSE
    assert truth_at_point(sp.Eq(3 * x, 1), {x: sp.Rational(1, 3)}) is Tri.TRUE
    assert truth_at_point(sp.Eq(3 * x, 1), {x: sp.Rational(1, 2)}) is Tri.FALSE
    assert truth_at_point(x**2 < 2, {"x": "1.5"}) is Tri.FALSE
    assert truth_at_point(sp.exp(x) >= 1 + x, {x: 0}) is Tri.TRUE
    # transcendental tie that exact arithmetic cannot settle stays undecided
    assert truth_at_point(sp.exp(x) > 1 + x + x**2 / 2, {x: sp.Rational(1, 10**12)}) is Tri.UNDECIDED
    assert truth_at_point(sp.sqrt(x) >= 0, {x: -1}) is Tri.UNDECIDED


def test_truth_at_point_connectives_over_exactly_decided_leaves() -> None:
    """And/Or/Not through the walker's connectives, each leaf decided at the point
    (a tie that rounding leaves open is settled exactly inside a formula too)."""
    third = {x: sp.Rational(1, 3)}
    assert truth_at_point(sp.And(sp.Eq(3 * x, 1), sp.Not(3 * x > 1)), third) is Tri.TRUE
    assert truth_at_point(sp.Or(3 * x > 1, 10 * x < 3), third) is Tri.FALSE
    assert truth_at_point(sp.Or(3 * x > 1, sp.Eq(3 * x, 1)), third) is Tri.TRUE
    # an undecided leaf stays undecided unless the others settle the formula
    tie = sp.exp(x) > 1 + x + x**2 / 2
    tiny = {x: sp.Rational(1, 10**12)}
    assert truth_at_point(sp.And(tie, x > 0), tiny) is Tri.UNDECIDED
    assert truth_at_point(sp.And(tie, x < 0), tiny) is Tri.FALSE
    assert truth_at_point(sp.Or(tie, x > 0), tiny) is Tri.TRUE


def test_truth_at_point_requires_every_symbol() -> None:
    with pytest.raises(UnsupportedError):
        truth_at_point(x + y > 0, {x: 1})


def test_refutes_checks_hypotheses_ranges_and_integrality() -> None:
    xv = make_variable("x", -1, 1)
    nv = make_variable("n", 0, 10, integer=True)
    X, N = xv.symbol, nv.symbol
    st = Statement((xv, nv), (X > 0,), X * N < 5)
    assert refutes(st, {X: 1, N: 5})
    assert refutes(st, {"x": "1/2", "n": "10"})
    assert not refutes(st, {X: sp.Rational(1, 2), N: 9})  # conclusion holds
    assert not refutes(st, {X: 0, N: 10})  # hypothesis false
    assert not refutes(st, {X: 2, N: 5})  # outside the range of x
    assert not refutes(st, {X: 1, N: sp.Rational(11, 2)})  # n not an integer
    assert not refutes(st, {X: 1})  # n missing
    undefined = Statement((xv,), (), sp.log(X) >= 0)
    assert not refutes(undefined, {X: -1})  # undefined is not false


def test_batched_sqrt_brackets_exactly_even_when_the_rounded_square_matches() -> None:
    # fl(sqrt(v))**2 rounds back to v for about half of all floats although the
    # square is not exact; the bounds must still bracket sqrt(v) strictly
    from boundprop.interval.batched import IV, iv_sqrt

    v = np.random.default_rng(1).uniform(0.0, 10.0, 3000)
    with np.errstate(all="ignore"):
        r = iv_sqrt(IV(v, v, np.zeros(v.shape, dtype=bool)))
    for i in range(v.shape[0]):
        assert Fraction(r.lo[i]) ** 2 <= Fraction(v[i]) <= Fraction(r.hi[i]) ** 2
    sq = np.array([4.0, 0.25, 0.0])
    r = iv_sqrt(IV(sq, sq, np.zeros(3, dtype=bool)))
    assert r.lo.tolist() == r.hi.tolist() == [2.0, 0.5, 0.0]  # exact squares stay exact


def test_exact_ties_at_a_rational_point_decide_every_relation() -> None:
    # x*(x + 1) and x**2 + x agree exactly: rounding cannot decide, exact arithmetic must
    from boundprop.interval import truth_at_point
    from boundprop.verdict import Tri

    x = sp.Symbol("x", real=True)
    a, b = x * (x + 1), x**2 + x
    point = {x: sp.Rational(1, 3)}
    expected = {
        sp.StrictLessThan(a, b, evaluate=False): Tri.FALSE,
        sp.LessThan(a, b, evaluate=False): Tri.TRUE,
        sp.StrictGreaterThan(a, b, evaluate=False): Tri.FALSE,
        sp.Eq(a, b, evaluate=False): Tri.TRUE,
        sp.Ne(a, b, evaluate=False): Tri.FALSE,
    }
    for relation, truth in expected.items():
        assert truth_at_point(relation, point) is truth, relation
