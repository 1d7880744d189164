"""Scaling by a leading number in the batched path: exact for powers of two
where that is proved, outward everywhere, never looser than the product rule."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from boundprop.interval.batched import IV, const_iv, iv_mul, iv_scale

SPECIALS = [0.0, -0.0, np.inf, -np.inf, 5e-324, -5e-324, 2.0**-1022, 1.7e308, -1.7e308, 1.0, -3.0, 1e-310]


def _iv(lo: list[float], hi: list[float]) -> IV:
    return IV(np.array(lo), np.array(hi), np.zeros(len(lo), dtype=bool))


def test_overflow_of_a_power_of_two_scale_keeps_a_finite_lower_end() -> None:
    # 1e308 * 4 overflows: the lower bound must stay below the exact 4e308, not become inf
    for lo, hi in ((1e308, 1e308), (1e308, np.inf)):  # one box per call: the fast path is all-or-nothing
        with np.errstate(all="ignore"):
            v = iv_scale(_iv([lo], [hi]), 4.0)
            w = iv_scale(_iv([-hi], [-lo]), 4.0)
        assert np.isfinite(v.lo[0]) and v.hi[0] == np.inf
        assert np.isfinite(w.hi[0]) and w.lo[0] == -np.inf


def test_underflow_of_a_power_of_two_scale_is_rounded_outward() -> None:
    with np.errstate(all="ignore"):
        v = iv_scale(_iv([5e-324], [5e-324]), 0.5)  # exact 2**-1075, not a float
    assert Fraction(v.lo[0]) < Fraction(2) ** -1075 < Fraction(v.hi[0])


@pytest.mark.parametrize("c", [2, sp.Rational(1, 2), -4, sp.Rational(-1, 8), 2**60, sp.Rational(1, 2**70), 3,
                               sp.Rational(-5, 4)])
def test_scale_encloses_and_is_no_looser_than_the_product_rule(c: sp.Rational) -> None:
    rng = np.random.default_rng(7)
    vals = np.concatenate([SPECIALS, rng.normal(size=300) * 10.0 ** rng.integers(-320, 308, 300)])
    a, b = rng.choice(vals, 4000), rng.choice(vals, 4000)
    x = _iv(list(np.minimum(a, b)), list(np.maximum(a, b)))
    with np.errstate(all="ignore"):
        got, ref = iv_scale(x, float(c)), iv_mul(const_iv(sp.sympify(c), (4000,)), x)
    assert np.all(got.lo >= ref.lo) and np.all(got.hi <= ref.hi)
    q = Fraction(int(sp.sympify(c).p), int(sp.sympify(c).q))
    for i in range(0, 4000, 7):  # exact products of the finite ends lie inside
        for end in (x.lo[i], x.hi[i]):
            if np.isfinite(end):
                exact = Fraction(float(end)) * q
                lo, hi = got.lo[i], got.hi[i]
                assert (lo == -np.inf or Fraction(lo) <= exact) and (hi == np.inf or exact <= Fraction(hi))
