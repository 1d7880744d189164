"""The batched path's whole-array fast paths against exact arithmetic.

Several primitives test a whole array with two reductions and, when every row
is in the ordinary range, skip the per-row handling of zeros, tiny values and
infinities. The adversarial tests in test_interval_fast_product.py mix odd
rows into every array, so they exercise the per-row path; these tests feed
arrays with only ordinary rows (the fast path), and arrays with exactly one
odd row (the switch between the two). Zero tolerance throughout.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from boundprop.interval import compile_batched
from boundprop.interval.batched import CHUNK, down, prod_hi, prod_lo, sum_hi, sum_lo, up

_ODD = [0.0, -0.0, 5e-324, -5e-324, 2.0**-1000, math.inf, -math.inf, math.nan, float(np.finfo(np.float64).max)]


def _ordinary(rng: np.random.Generator, n: int, span: int = 400) -> np.ndarray:
    sig = rng.uniform(1.0, 2.0, n)
    short = rng.integers(1, 2**20, n) / 2.0**19  # significands of at most 20 bits
    sig = np.where(rng.random(n) < 0.3, short, sig)
    return np.asarray(rng.choice([-1.0, 1.0], n) * np.ldexp(sig, rng.integers(-span, span, n)))


def test_directed_products_on_ordinary_arrays_enclose_and_points_are_exact() -> None:
    rng = np.random.default_rng(3)
    a, b = _ordinary(rng, 3000), _ordinary(rng, 3000)
    lo, hi = prod_lo(a, b), prod_hi(a, b)
    points = 0
    for i in range(a.size):
        v = Fraction(float(a[i])) * Fraction(float(b[i]))
        assert Fraction(float(lo[i])) <= v <= Fraction(float(hi[i])), (a[i], b[i])
        if lo[i] == hi[i]:
            points += 1
            assert Fraction(float(lo[i])) == v
    assert points > 100  # short significands give exact points
    # a scalar factor, short and not
    for c in (3.0, 0.1):
        lo, hi = prod_lo(a, c), prod_hi(a, c)
        for i in range(a.size):
            v = Fraction(float(a[i])) * Fraction(c)
            assert Fraction(float(lo[i])) <= v <= Fraction(float(hi[i]))


@pytest.mark.parametrize("odd", _ODD)
def test_up_and_down_are_the_neighbours_with_and_without_an_odd_row(odd: float) -> None:
    rng = np.random.default_rng(5)
    a = _ordinary(rng, 500, span=900)
    for arr in (a, np.concatenate([a, [odd]])):
        with np.errstate(all="ignore"):
            assert np.array_equal(up(arr.copy()), np.nextafter(arr, np.inf), equal_nan=True)
            assert np.array_equal(down(arr.copy()), np.nextafter(arr, -np.inf), equal_nan=True)


@pytest.mark.parametrize("odd", [math.inf, -math.inf, 0.0, 5e-324])
def test_directed_sums_with_and_without_an_odd_row(odd: float) -> None:
    rng = np.random.default_rng(7)
    a, b = _ordinary(rng, 800, span=60), _ordinary(rng, 800, span=60)
    lo, hi = sum_lo(a, b), sum_hi(a, b)
    for i in range(a.size):
        v = Fraction(float(a[i])) + Fraction(float(b[i]))
        assert Fraction(float(lo[i])) <= v <= Fraction(float(hi[i]))
    # inf + (-inf) has no value: the ends widen to -inf and +inf, never NaN
    a2, b2 = np.concatenate([a, [odd]]), np.concatenate([b, [-odd]])
    with np.errstate(all="ignore"):
        lo2, hi2 = sum_lo(a2, b2), sum_hi(a2, b2)
    assert np.array_equal(lo2[:-1], lo) and np.array_equal(hi2[:-1], hi)
    if math.isinf(odd):
        assert (lo2[-1], hi2[-1]) == (-math.inf, math.inf)
    else:
        assert lo2[-1] <= 0.0 <= hi2[-1]


def test_symbolic_integer_power_on_mixed_rows_encloses_the_integer_powers() -> None:
    # base**n with n an integer variable: rows with point exponents (some exact,
    # some by exp/log, negative bases by squaring) and rows with exponent ranges
    x, n = sp.Symbol("x", real=True), sp.Symbol("n", integer=True)
    f = compile_batched(x**n, [x, n])
    rng = np.random.default_rng(11)
    k = 4000
    base_lo = np.where(rng.random(k) < 0.5, rng.integers(-4, 5, k).astype(float), rng.uniform(0.05, 3.0, k))
    base_hi = np.where(rng.random(k) < 0.5, base_lo, base_lo + rng.uniform(0, 0.5, k))
    e_lo = rng.integers(-6, 40, k).astype(float)
    e_hi = np.where(rng.random(k) < 0.5, e_lo, e_lo + rng.integers(0, 3, k))
    lo, hi = f(np.column_stack([base_lo, e_lo]), np.column_stack([base_hi, e_hi]))
    checked = exact_points = 0
    for i in range(k):
        if np.isnan(lo[i]):  # undefined somewhere on the box (0**-1, a negative base with a range)
            assert base_lo[i] <= 0
            continue
        for b in {float(base_lo[i]), float(base_hi[i])}:
            for e in range(int(e_lo[i]), int(e_hi[i]) + 1):
                if b == 0 and e < 0:
                    continue
                v = Fraction(b) ** e
                assert Fraction(float(lo[i])) <= v <= Fraction(float(hi[i])), (b, e, lo[i], hi[i])
                checked += 1
        if base_lo[i] == base_hi[i] and e_lo[i] == e_hi[i] and float(base_lo[i]).is_integer() and 0 <= e_lo[i] <= 20:
            # a small integer base to a point exponent: exact (squaring), whatever its sign
            assert lo[i] == hi[i] == float(Fraction(float(base_lo[i])) ** int(e_lo[i])), (base_lo[i], e_lo[i])
            exact_points += 1
    assert checked > 5000 and exact_points > 100


def test_blocks_of_a_large_batch_give_the_rows_of_small_batches() -> None:
    x, y = sp.symbols("x y", real=True)
    f = compile_batched(sp.exp(x) * y - sp.log(1 + x**2) / (y + 3), [x, y])
    rng = np.random.default_rng(13)
    for k in (CHUNK - 1, CHUNK + 1, 2 * CHUNK + 7):
        lo = np.column_stack([rng.uniform(-2, 2, k), rng.uniform(0.5, 2, k)])
        hi = lo + rng.uniform(0, 0.1, (k, 2))
        big = f(lo, hi)
        small = [f(lo[i : i + 1000], hi[i : i + 1000]) for i in range(0, k, 1000)]
        assert np.array_equal(big[0], np.concatenate([s[0] for s in small]))
        assert np.array_equal(big[1], np.concatenate([s[1] for s in small]))
