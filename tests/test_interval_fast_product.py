"""The fast directed products of the batched path against exact Fraction arithmetic.

Zero tolerance: every lower end is <= the exact product and every upper end
>=, on random operands of every magnitude and on adversarial ones
(subnormals, the normal/subnormal boundary, overflow, signed zeros,
infinities, powers of two, short significands). Exactness claims are checked
too: a point result must equal the exact product.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from boundprop.interval.batched import IV, iv_mul, iv_scale, prod_hi, prod_lo

_INF = math.inf
_MAX = float(np.finfo(np.float64).max)
_SUB = 5e-324

ADVERSARIAL = [
    0.0, -0.0, _SUB, -_SUB, 2 * _SUB, 2.0**-1022, -(2.0**-1022), 2.0**-1022 - _SUB, 2.0**-969, 2.0**-970,
    2.0**-969 * (1 + 2**-52), 2.0**-500, 2.0**-537, 1.0, -1.0, 1.5, 3.0, 0.1, -0.1, 1 / 3, 2.0**26 - 1,
    2.0**27 + 1, 2.0**53 - 1, 2.0**480, 2.0**500, 2.0**960, 2.0**961, 2.0**1000, _MAX, -_MAX, 1e308, _INF, -_INF,
    math.nextafter(1.0, 2.0), math.nextafter(1.0, 0.0), math.nextafter(2.0**960, 0.0), 7.0, 1e-300, 1e300,
]


def _exact(a: float, b: float) -> Fraction | float:
    """The exact product, with interval conventions for infinities (0 * inf = 0)."""
    if a == 0 or b == 0:
        return Fraction(0)
    if math.isinf(a) or math.isinf(b):
        return math.copysign(_INF, a) * math.copysign(1.0, b)
    return Fraction(a) * Fraction(b)


def _le(x: float, v: Fraction | float) -> bool:
    if isinstance(v, float):  # an infinite exact value
        return v > 0 or x == -_INF
    return x == -_INF or (math.isfinite(x) and Fraction(x) <= v) or False


def _ge(x: float, v: Fraction | float) -> bool:
    if isinstance(v, float):
        return v < 0 or x == _INF
    return x == _INF or (math.isfinite(x) and Fraction(x) >= v) or False


def _operands(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    adv = np.array(ADVERSARIAL)
    ia, ib = np.meshgrid(np.arange(adv.size), np.arange(adv.size))
    a_adv, b_adv = adv[ia.ravel()], adv[ib.ravel()]
    # random significands and exponents over the whole range, some with short significands
    sig = rng.uniform(1.0, 2.0, (2, n))
    short = rng.integers(1, 2**20, (2, n)) / 2.0**19
    sig = np.where(rng.random((2, n)) < 0.3, short, sig)
    expo = rng.integers(-1074, 1024, (2, n))
    sgn = rng.choice([-1.0, 1.0], (2, n))
    with np.errstate(all="ignore"):
        rnd = sgn * np.ldexp(sig, expo)
    # products near the fast path's range ends (2**-969, 2**960)
    near = rng.uniform(1.0, 2.0, (2, n)) * np.ldexp(1.0, rng.integers(-490, -480, (2, n)))
    big = rng.uniform(1.0, 2.0, (2, n)) * np.ldexp(1.0, rng.integers(478, 482, (2, n)))
    a = np.concatenate([a_adv, rnd[0], near[0], big[0]])
    b = np.concatenate([b_adv, rnd[1], near[1], big[1]])
    return a, b


def test_directed_products_enclose_the_exact_product() -> None:
    rng = np.random.default_rng(17)
    a, b = _operands(rng, 4000)
    with np.errstate(all="ignore"):
        lo, hi = prod_lo(a, b), prod_hi(a, b)
    for i in range(a.size):
        v = _exact(float(a[i]), float(b[i]))
        assert _le(float(lo[i]), v), (a[i], b[i], lo[i])
        assert _ge(float(hi[i]), v), (a[i], b[i], hi[i])
        if lo[i] == hi[i]:  # a point claims exactness
            assert not isinstance(v, float) and Fraction(float(lo[i])) == v, (a[i], b[i])


def test_scalar_factor_products_enclose_the_exact_product() -> None:
    rng = np.random.default_rng(3)
    a, _ = _operands(rng, 1000)
    for c in (3.0, -3.0, 0.1, 1.0, 2.0**-1000, 1e300, -0.0):
        with np.errstate(all="ignore"):
            lo, hi = prod_lo(a, c), prod_hi(a, c)
        for i in range(a.size):
            v = _exact(float(a[i]), c)
            assert _le(float(lo[i]), v) and _ge(float(hi[i]), v), (a[i], c, lo[i], hi[i])


def test_short_operands_multiply_exactly() -> None:
    # small integers and few-bit dyadics stay points (tight statements need this)
    a = np.array([3.0, 40.0, 0.5, -1.5, 2.0**26 - 1, 0.0, 7.0])
    b = np.array([64.0, 96.0, 0.25, 3.0, 2.0**26 - 1, 5.0, -0.0])
    lo, hi = prod_lo(a, b), prod_hi(a, b)
    assert np.array_equal(lo, hi)
    assert [Fraction(x) for x in lo] == [Fraction(x) * Fraction(y) for x, y in zip(a, b, strict=True)]
    # a long significand is not short: the product is stepped (0.1 * 3 is not a float)
    assert prod_lo(np.array([0.1]), np.array([3.0]))[0] < prod_hi(np.array([0.1]), np.array([3.0]))[0]


def test_interval_products_enclose_exact_corner_products() -> None:
    rng = np.random.default_rng(5)
    a, b = _operands(rng, 600)
    finite = np.isfinite(a) & np.isfinite(b)
    a, b = a[finite], b[finite]
    m = a.size // 2
    xl, xh = np.minimum(a[:m], a[m : 2 * m]), np.maximum(a[:m], a[m : 2 * m])
    yl, yh = np.minimum(b[:m], b[m : 2 * m]), np.maximum(b[:m], b[m : 2 * m])
    bad = np.zeros(m, dtype=bool)
    with np.errstate(all="ignore"):
        r = iv_mul(IV(xl, xh, bad), IV(yl, yh, bad))
        # also the known-sign branch: the positive parts only
        pos = (xl > 0) & (yl > 0)
        rp = iv_mul(IV(xl[pos], xh[pos], bad[pos]), IV(yl[pos], yh[pos], bad[pos]))
        rs = iv_scale(IV(xl, xh, bad), 3.0)
    for i in range(m):
        corners = [Fraction(float(u)) * Fraction(float(v)) for u in (xl[i], xh[i]) for v in (yl[i], yh[i])]
        assert _le(float(r.lo[i]), min(corners)) and _ge(float(r.hi[i]), max(corners)), i
        s = [Fraction(float(u)) * 3 for u in (xl[i], xh[i])]
        assert _le(float(rs.lo[i]), min(s)) and _ge(float(rs.hi[i]), max(s)), i
    for j, i in enumerate(np.flatnonzero(pos)):
        lo_c = Fraction(float(xl[i])) * Fraction(float(yl[i]))
        hi_c = Fraction(float(xh[i])) * Fraction(float(yh[i]))
        assert _le(float(rp.lo[j]), lo_c) and _ge(float(rp.hi[j]), hi_c), i
