"""Batched interval evaluation with numpy: one expression over many boxes.

Inputs are float arrays ``lo, hi`` of shape ``(nboxes, nvars)`` (exact float
endpoints; the caller rounds exact ranges outward first). Every arithmetic
result is rounded outward. Sums use Knuth's TwoSum to learn the sign of the
rounding error, then step one ulp only in the direction the exact value may
lie. Products in the normal range are one plain product stepped to its
neighbour (round-to-nearest leaves the exact product between them), kept as
a point where both significands are short enough for the product to be exact
(small integers, few-bit dyadics); zero, tiny, huge and infinite products
take Dekker's TwoProduct. Exact results (``L*1 - L*1``, ``0*t``, ``3*64``)
therefore stay exact, which tight statements need. Integer powers are one
plain exponentiation by squaring with a proved relative pad.

``np.exp``/``np.log`` are not correctly rounded. NumPy's own SIMD float64
kernels document a maximum error below 4 ulp, glibc's below 1 ulp; we pad
their results by :data:`TRANSCENDENTAL_PAD_ULPS` = 8 ulps on each side, twice
the worst documented error. Exact special values (exp(0) = 1, log(1) = 0)
are returned exactly. ``np.sqrt`` is correctly rounded (IEEE 754), so one
ulp suffices.

Boxes on which the expression may be undefined (log of a non-positive
number, a non-integer power of a negative number, division by an interval
containing 0) carry a ``bad`` flag; the public functions return NaN bounds
for them and relations answer undecided (-1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import sympy as sp
from interval import imath

from boundprop.interval.scalar import MAX_INTEGER_POWER, _as_fraction, rational_bounds
from boundprop.interval.walker import Walker

__all__ = [
    "Arr",
    "BatchedCompiler",
    "BatchedContext",
    "BatchedFn",
    "CHUNK",
    "IV",
    "IVFn",
    "TRANSCENDENTAL_PAD_ULPS",
    "TRANSCENDENTAL_REL_PAD",
    "TruthArrFn",
    "and_arr",
    "compile_batched",
    "compile_batched_truth",
    "compile_iv",
    "const_iv",
    "down",
    "gap_truth_arr",
    "iv_abs",
    "iv_add",
    "iv_exp",
    "iv_exp_log_pow",
    "iv_hull",
    "iv_int_pow",
    "iv_log",
    "iv_mul",
    "iv_neg",
    "iv_recip",
    "iv_scale",
    "iv_sqr",
    "iv_sqrt",
    "not_arr",
    "or_arr",
    "pad",
    "prod_bounds",
    "prod_hi",
    "prod_lo",
    "sum_bounds",
    "sum_hi",
    "sum_lo",
    "truth_batched",
    "up",
]

Arr = np.ndarray
BatchedFn = Callable[[Arr, Arr], tuple[Arr, Arr]]
TruthArrFn = Callable[[Arr, Arr], Arr]

TRANSCENDENTAL_PAD_ULPS = 8
# Relative pad of numpy's exp/log results: |pad| >= 2**-47 |y| after rounding,
# at least 8x the documented worst error (4 ulp <= 2**-50 |y|); see iv_exp.
TRANSCENDENTAL_REL_PAD = 2.0**-46

_INF = np.inf
_MAXF = float(np.finfo(np.float64).max)
_ETA = 5e-324  # the smallest subnormal, 2**-1074
_NORMAL = 2.0**-1022  # the smallest normal
_HALF_ULP = 2.0**-53 + 2.0**-105  # |x| * this rounds to just over half an ulp of x
_STEP_MIN = 2.0**-969  # below, |x| * _HALF_ULP is subnormal and may round to a tie
# Dekker splitting overflows above this magnitude; TwoProduct is exact only for
# products far from underflow.
_SPLIT_LIMIT = 2.0**995
_TINY = 2.0**-960
_SPLITTER = 134217729.0  # 2**27 + 1
_U = 2.0**-53  # unit roundoff
# integer powers by plain squaring are proved (relative pad) inside this range
_POW_MIN, _POW_MAX = 2.0**-960, 2.0**960
# _POW_EXACT_MASK[n]: the low 53 - 53 // n significand bits (all 52 for n >= 27)
_POW_EXACT_MASK = np.array([0] + [(1 << (53 - 53 // n)) - 1 for n in range(1, 28)], dtype=np.int64)
# at most this many boxes per internal block, in blocks of equal size: a
# temporary of a block is then at most 128 KiB, which glibc serves from its
# heap once its dynamic mmap threshold has risen (fresh mmapped arrays
# page-fault on every call), and a small last block does not pay numpy's
# per-call overhead of a whole one. 8000 was 10-20 % slower on 20,000 boxes,
# 32768 on 50,000 (benchmarks/interval_throughput.py)
CHUNK = 16384
_min, _max = np.minimum.reduce, np.maximum.reduce  # without ndarray.min's Python wrapper


@dataclass(frozen=True, slots=True)
class IV:
    """A batch of intervals: ``lo``, ``hi`` arrays and the ``bad`` (maybe undefined) mask."""

    lo: Arr
    hi: Arr
    bad: Arr


# ---------------------------------------------------------------------------
# directed rounding primitives
#
# ``up``/``down`` equal ``np.nextafter(a, +-inf)`` on every float, at a tenth
# of its cost (numpy's nextafter is a scalar libm call per element): for
# |a| = m 2**e >= 2**-969, m in [1, 2), fl(|a| * (2**-53 + 2**-105)) is
# (m + 2**-52 or m + 2**-51) 2**(e-53): more than half an ulp of a (and of the
# smaller spacing below a power of two) and less than 1.5 ulp, so a +- it
# rounds to the neighbour of a and no further. Smaller magnitudes, zero and
# the infinity that must move (up(-inf) = -MAX) use np.nextafter on those
# elements only; NaN stays NaN.


def up(a: Arr) -> Arr:
    aa = np.abs(a)
    r = a + aa * _HALF_ULP
    if a.size and _min(aa) >= _STEP_MIN and _max(aa) <= _MAXF:  # no odd row (NaN fails both)
        return np.asarray(r)
    odd = (aa < _STEP_MIN) | (a == -_INF)  # tiny, zero, -inf: numpy's own step
    if odd.any():
        r[odd] = np.nextafter(a[odd], _INF)
    return np.asarray(r)


def down(a: Arr) -> Arr:
    aa = np.abs(a)
    r = a - aa * _HALF_ULP
    if a.size and _min(aa) >= _STEP_MIN and _max(aa) <= _MAXF:
        return np.asarray(r)
    odd = (aa < _STEP_MIN) | (a == _INF)
    if odd.any():
        r[odd] = np.nextafter(a[odd], -_INF)
    return np.asarray(r)


def pad(a: Arr, ulps: int, direction: float) -> Arr:
    step = up if direction > 0 else down
    for _ in range(ulps):
        a = step(a)
    return a


def _two_sum_err(a: Arr, b: Arr) -> tuple[Arr, Arr]:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)  # TwoSum: a + b == s + err exactly (finite case)


def _no_nan(a: Arr, fill: float) -> Arr:
    """``a`` with NaN replaced by ``fill`` (one reduction when there is none)."""
    m = _min(a) if a.size else 0.0
    return a if m == m else np.where(np.isnan(a), fill, a)


def sum_lo(a: Arr, b: Arr) -> Arr:
    """A float ``<= a + b`` (exact where the sum is; NaN from inf - inf -> -inf)."""
    s, err = _two_sum_err(a, b)
    return _no_nan(np.where(err >= 0, s, down(s)), -_INF)  # NaN err (infinite s): stepped


def sum_hi(a: Arr, b: Arr) -> Arr:
    """A float ``>= a + b`` (exact where the sum is; NaN from inf - inf -> inf)."""
    s, err = _two_sum_err(a, b)
    return _no_nan(np.where(err <= 0, s, up(s)), _INF)


def sum_bounds(a: Arr, b: Arr) -> tuple[Arr, Arr]:
    """Float bounds ``lo <= a + b <= hi`` (exact where the sum is exact)."""
    s, err = _two_sum_err(a, b)
    lo = np.where(err >= 0, s, down(s))
    hi = np.where(err <= 0, s, up(s))
    return _nan_wide(lo, hi)


def _split(a: Any) -> tuple[Any, Any]:
    c = _SPLITTER * a
    ah = c - (c - a)
    return ah, a - ah


def _product_err(a: Arr, b: Any) -> tuple[Arr, Arr]:
    """``(p, err)`` with ``a*b == p + err`` exactly where err is not NaN.

    0 * anything is 0 exactly (0 * inf counts as 0 for interval endpoints);
    err is NaN where Dekker's TwoProduct is not valid (a split overflows, or
    the product is near underflow), and the caller then steps both ways.
    """
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    err = al * bl - (((p - ah * bh) - al * bh) - ah * bl)  # Dekker: a*b == p + err
    valid = (np.abs(p) > _TINY) & (np.abs(a) + np.abs(b) < _SPLIT_LIMIT)
    zero = (a == 0) | (b == 0)
    if zero.any():
        p = np.where(zero, 0.0, p)
        err = np.where(zero, 0.0, np.where(valid, err, np.nan))
    elif not valid.all():
        err = np.where(valid, err, np.nan)
    return p, err


# ---------------------------------------------------------------------------
# fast directed products (the hot path of iv_mul and iv_scale)
#
# For RN p = fl(a*b) with _STEP_MIN = 2**-969 <= |p| <= 2**960, the exact
# product lies between the neighbours of p (round-to-nearest puts it within
# half a spacing of p), and p -+ fl(|p| * _HALF_ULP) is exactly that
# neighbour (the proof above ``up``). So one plain product, one scaled step
# and a select bound it, with no error-free transformation (that costs ~20
# flops). Exactness is kept where it is cheap to prove: if both significands
# have at most 26 bits (their low 27 stored bits are zero), the exact product
# has at most 52 significant bits and, inside that range (no under- or
# overflow), is a float, so p is returned as a point. Rows outside the range
# (zero, tiny, huge, infinite products) take the error-free path, which keeps
# 0 * x = 0 exact and counts 0 * inf as 0.

_LOW27 = np.int64((1 << 27) - 1)


def _bits(a: Any) -> Arr:
    """The IEEE bit patterns of ``a`` as int64."""
    if type(a) is not np.ndarray or a.dtype != np.float64:
        a = np.asarray(a, dtype=np.float64)
    bits: Arr = a.view(np.int64)
    return bits


def _short(a: Any) -> Any:
    """True where the significand of ``a`` has at most 26 bits."""
    return (_bits(a) & _LOW27) == 0


def _prod_fast(a: Arr, b: Any, want_lo: bool, want_hi: bool) -> tuple[Arr | None, Arr | None]:
    p = np.asarray(a * b)
    ap = np.abs(p)
    step = ap * _HALF_ULP
    # the range test as two reductions when every row is inside (the common
    # case; a NaN makes both comparisons false), per row otherwise
    inside = p.size == 0 or (_min(ap) >= _STEP_MIN and _max(ap) <= _POW_MAX)
    if np.ndim(b) == 0:  # a scalar factor: its shortness is one Python test
        exact = _short(a) if bool(_short(b)) else np.zeros(p.shape, dtype=bool)
    elif np.ndim(a) == 0:
        exact = _short(b) if bool(_short(a)) else np.zeros(p.shape, dtype=bool)
    else:  # both short iff the bitwise or of their low 27 significand bits is zero
        exact = ((_bits(a) | _bits(b)) & _LOW27) == 0
    if not inside:
        normal = (ap >= _STEP_MIN) & (ap <= _POW_MAX)
        exact &= normal
    lo = np.where(exact, p, p - step) if want_lo else None
    hi = np.where(exact, p, p + step) if want_hi else None
    if not inside:
        rows = np.flatnonzero(~normal)
        ar = a[rows] if np.ndim(a) else a
        br = b[rows] if np.ndim(b) else b
        plo, phi = prod_bounds(np.asarray(ar, dtype=np.float64), np.broadcast_to(br, rows.shape).astype(np.float64))
        if lo is not None:
            lo[rows] = plo
        if hi is not None:
            hi[rows] = phi
    return lo, hi


def prod_lo(a: Arr, b: Any) -> Arr:
    """A float ``<= a * b`` (exact where cheaply provable; 0 * inf counts as 0)."""
    lo, _ = _prod_fast(a, b, True, False)
    assert lo is not None
    return lo


def prod_hi(a: Arr, b: Any) -> Arr:
    """A float ``>= a * b`` (exact where cheaply provable; 0 * inf counts as 0)."""
    _, hi = _prod_fast(a, b, False, True)
    assert hi is not None
    return hi


def prod_bounds(a: Arr, b: Arr) -> tuple[Arr, Arr]:
    """Float bounds of the exact product ``a * b`` (0 * ±inf counts as 0).

    Callers run under ``np.errstate(all="ignore")`` (overflow and 0*inf are
    expected and handled).
    """
    p, err = _product_err(a, b)
    return np.where(err >= 0, p, down(p)), np.where(err <= 0, p, up(p))


def _nan_wide(lo: Arr, hi: Arr) -> tuple[Arr, Arr]:
    # NaN can only come from inf - inf of infinite endpoints: widen, never guess
    return _no_nan(lo, -_INF), _no_nan(hi, _INF)


def iv_add(x: IV, y: IV) -> IV:
    return IV(sum_lo(x.lo, y.lo), sum_hi(x.hi, y.hi), x.bad | y.bad)


def iv_neg(x: IV) -> IV:
    return IV(-x.hi, -x.lo, x.bad)


def _sign(x: IV) -> int:
    """1 if every box is >= 0, -1 if every box is <= 0, else 0 (NaN rows: 0)."""
    if x.lo.size == 0:
        return 1
    if np.minimum.reduce(x.lo) >= 0:  # NaN anywhere: the comparison is False
        return 1
    if np.maximum.reduce(x.hi) <= 0:
        return -1
    return 0


def iv_mul(x: IV, y: IV) -> IV:
    """Product of intervals; two directed products when the signs are known on
    every box (the exact four-product rule's extremes are then those two corner
    products, and each directed product bounds its exact corner)."""
    bad = x.bad | y.bad
    sx, sy = _sign(x), _sign(y)
    if sx and sy:
        # (x >= 0, y >= 0): [xl*yl, xh*yh]; x <= 0 flips which ends of y, etc.
        a_lo, a_hi = (x.lo, x.hi) if sy > 0 else (x.hi, x.lo)
        b_lo, b_hi = (y.lo, y.hi) if sx > 0 else (y.hi, y.lo)
        return IV(prod_lo(a_lo, b_lo), prod_hi(a_hi, b_hi), bad)
    lo = hi = None
    for a, b in ((x.lo, y.lo), (x.lo, y.hi), (x.hi, y.lo), (x.hi, y.hi)):
        plo, phi = _prod_fast(a, b, True, True)
        assert plo is not None and phi is not None
        lo = plo if lo is None else np.minimum(lo, plo)
        hi = phi if hi is None else np.maximum(hi, phi)
    assert lo is not None and hi is not None
    return IV(lo, hi, bad)


def iv_scale(x: IV, c: float) -> IV:
    """``c * x`` for an exact float constant ``c``."""
    if c != 0 and math.frexp(c)[0] in (0.5, -0.5):
        # a power of two: x*c is exact wherever it stays normal and finite (or x is 0 or inf)
        p, q = x.lo * c, x.hi * c
        ok_p = ((np.abs(p) >= _NORMAL) & (np.isfinite(p) | np.isinf(x.lo))) | (x.lo == 0)
        ok_q = ((np.abs(q) >= _NORMAL) & (np.isfinite(q) | np.isinf(x.hi))) | (x.hi == 0)
        ok = ok_p & ok_q
        if ok.all():
            return IV(p, q, x.bad) if c > 0 else IV(q, p, x.bad)
    if c >= 0:
        return IV(prod_lo(x.lo, c), prod_hi(x.hi, c), x.bad)
    return IV(prod_lo(x.hi, c), prod_hi(x.lo, c), x.bad)


def iv_sqr(x: IV) -> IV:
    return iv_int_pow(x, 2)


def iv_recip(x: IV) -> IV:
    bad = x.bad | ((x.lo <= 0) & (x.hi >= 0))
    with np.errstate(all="ignore"):
        lo = _recip_bound(x.hi, lower=True)
        hi = _recip_bound(x.lo, lower=False)
    lo = np.where(bad, np.nan, lo)
    hi = np.where(bad, np.nan, hi)
    return IV(lo, hi, bad)


def _recip_bound(d: Arr, lower: bool) -> Arr:
    """A bound of 1/d (d != 0): exact where the residual r*d - 1 shows it is."""
    r = 1.0 / d
    plo, phi = prod_bounds(r, d)
    # r*d - 1 has the sign of (plo-1) when plo == phi (exact product)
    exact = (plo == phi) & (plo == 1.0) & np.isfinite(r)
    return np.where(exact, r, down(r) if lower else up(r))


def iv_int_pow(x: IV, n: int | Arr) -> IV:
    """x**n for integer n (scalar or per-box array); even powers are >= 0."""
    k = x.lo.shape[0]
    scalar = np.ndim(n) == 0
    if scalar and int(n) == 0:
        return IV(np.ones(k), np.ones(k), x.bad.copy())
    n_arr = np.broadcast_to(np.asarray(n, dtype=np.int64), (k,))
    if bool(np.all(x.lo >= 0)) and (int(n) > 0 if scalar else bool(np.all(n_arr > 0))):
        # increasing on every box: lower bound of lo**n, upper bound of hi**n
        nn = n if scalar else np.concatenate([n_arr, n_arr])
        plo, phi = _pow_nonneg(np.concatenate([x.lo, x.hi]), nn)
        return IV(plo[:k], phi[k:], x.bad)
    m: int | Arr = abs(int(n)) if scalar else np.abs(n_arr)
    alo, ahi = np.abs(x.lo), np.abs(x.hi)
    # one vectorised pass computes both directed bounds of |lo|**m and |hi|**m
    mm = m if scalar else np.concatenate([m, m])
    plo, phi = _pow_nonneg(np.concatenate([alo, ahi]), mm)
    alo_dn, ahi_dn, alo_up, ahi_up = plo[:k], plo[k:], phi[:k], phi[k:]
    contains0 = (x.lo <= 0) & (x.hi >= 0)
    even_lo = np.where(contains0, 0.0, np.minimum(alo_dn, ahi_dn))
    even_hi = np.maximum(alo_up, ahi_up)
    # odd powers are increasing: sign(v) * |v|**m, rounding direction flipped for v < 0
    lo_odd = np.where(x.lo >= 0, alo_dn, -alo_up)
    hi_odd = np.where(x.hi >= 0, ahi_up, -ahi_dn)
    if scalar:
        res = IV(lo_odd, hi_odd, x.bad) if m % 2 == 1 else IV(even_lo, even_hi, x.bad)
    else:
        odd = (m % 2) == 1
        res = IV(np.where(odd, lo_odd, even_lo), np.where(odd, hi_odd, even_hi), x.bad)
    neg = n_arr < 0
    if np.any(neg):
        inv = iv_recip(res)
        res = IV(
            np.where(neg, inv.lo, res.lo),
            np.where(neg, inv.hi, res.hi),
            np.where(neg, inv.bad, res.bad),
        )
    return res


def _pow_nonneg(a: Arr, n: int | Arr) -> tuple[Arr, Arr]:
    """Lower and upper bounds of ``a**n`` (a >= 0, integer n >= 0).

    One plain exponentiation by squaring in round-to-nearest, then a proved
    relative pad. Squaring forms a**n as a product tree in which the rounding
    errors (1+e_i), |e_i| <= u = 2**-53, enter with multiplicities summing to
    at most n - 1, so the computed p satisfies
    (1-u)**(n-1) <= p / a**n <= (1+u)**(n-1) when no intermediate under- or
    overflows (all lie between 1 and ~p, so p in [2**-960, 2**960] is enough).
    With g = 2 n u (1 +- g exact): fl(p (1+g)) >= p (1+g)(1-u) >= a**n and
    fl(p (1-g)) <= p (1-g)(1+u) <= a**n. Where a has at most 53 // n
    significant bits every intermediate is exact and p is returned as a point.
    Rows outside the proved range take the error-free (Dekker) chain.
    """
    p = _pow_plain(a, n)
    nmax = int(n) if np.ndim(n) == 0 else int(np.max(n, initial=0))
    if nmax == 0:
        return p, p.copy()
    # a fits in k = 53 // n bits iff the low 53 - k stored bits of its
    # significand are zero (a subnormal then has at most k - 1 bits); k = 1
    # for n >= 27 (powers of two), and n <= 1 is always exact
    if np.ndim(n) == 0:
        mask: Any = _POW_EXACT_MASK[min(int(n), 27)]
        g: float | Arr = 2.0 * int(n) * _U
    else:
        nn = np.asarray(n)
        mask = _POW_EXACT_MASK[np.minimum(nn, 27)]
        g = 2.0 * np.maximum(nn, 1) * _U
    exact = (a.view(np.int64) & mask) == 0
    lo = np.where(exact, p, p * (1.0 - g))
    hi = np.where(exact, p, p * (1.0 + g))
    safe = ((p >= _POW_MIN) & (p <= _POW_MAX)) | (a == 0)
    if not safe.all():
        rows = np.flatnonzero(~safe)
        n_rows = n if np.ndim(n) == 0 else np.asarray(n)[rows]
        slo, shi = _pow_nonneg_both(a[rows], np.broadcast_to(np.asarray(n_rows, dtype=np.int64), rows.shape))
        lo[rows], hi[rows] = slo, shi
    return lo, hi


def _pow_plain(a: Arr, n: int | Arr) -> Arr:
    """``a**n`` by squaring in round-to-nearest (n >= 0; scalar or per row)."""
    if np.ndim(n) == 0:
        e = int(n)
        res = np.ones_like(a)
        base = a
        first = True
        while e:
            if e & 1:
                res = base.copy() if first else res * base
                first = False
            e >>= 1
            if e:
                base = base * base
        return res
    e_arr = np.asarray(n, dtype=np.int64)
    res = np.ones_like(a)
    base = a
    top = int(e_arr.max(initial=0))
    bit = 0
    while (top >> bit) > 0:
        odd = ((e_arr >> bit) & 1) == 1
        res = np.where(odd, res * base, res)
        bit += 1
        if (top >> bit) > 0:
            base = base * base
    return res


def _pow_nonneg_both(a: Arr, n: Arr) -> tuple[Arr, Arr]:
    """Lower and upper bounds of a**n for a >= 0, n >= 0, by binary exponentiation.

    Lower and upper chains run side by side in one array so each step is one
    vectorised product; every product is rounded in its chain's direction
    with an error-free product (exact results stay exact). The slow path for
    rows near under- or overflow.
    """
    k = a.shape[0]
    res = np.ones(2 * k)
    base = np.concatenate([a, a])
    e = np.concatenate([n, n])
    first = np.arange(2 * k) < k
    while True:
        odd = (e & 1) == 1
        if np.any(odd):
            plo, phi = prod_bounds(res, base)
            res = np.where(odd, np.where(first, plo, phi), res)
        e = e >> 1
        if not np.any(e > 0):
            break
        blo, bhi = prod_bounds(base, base)
        base = np.where(first, blo, bhi)
    return np.maximum(res[:k], 0.0), res[k:]


def iv_exp(x: IV) -> IV:
    """exp, padded relatively.

    NumPy's float64 exp/log (its AVX512F/AVX2 SIMD kernels, or the C library's)
    are documented below 4 ulp of error: |y - z| <= 4 ulp(z) <= 2**-50 |z| for a
    normal true value z. With R = 2**-46, fl(y (1+R)) >= y (1+R)(1-u) >=
    y (1 + 2**-47) >= z and fl(y (1-R)) <= y (1 - 2**-47) <= z: the pad covers
    any error below 2**-47 relative, 8x the documented bound. Results below
    2**-1000 (where ulps stop being relative) get [0, 2**-999]; an overflowed
    lower end becomes MAX (1-R). exp(0) = 1 is returned exactly.
    """
    with np.errstate(all="ignore"):
        elo, ehi = np.exp(x.lo), np.exp(x.hi)
    lo = np.minimum(elo * (1.0 - TRANSCENDENTAL_REL_PAD), _MAXF * (1.0 - TRANSCENDENTAL_REL_PAD))
    lo = np.where(elo >= 2.0**-1000, lo, 0.0)
    hi = np.maximum(ehi * (1.0 + TRANSCENDENTAL_REL_PAD), 2.0**-999)
    lo = np.where(x.lo == 0, 1.0, lo)
    hi = np.where(x.hi == 0, 1.0, hi)
    return IV(lo, hi, x.bad)


def iv_log(x: IV, allow_zero: bool = False) -> IV:
    """log, padded by R |y| on each side (see :func:`iv_exp` for the bound).

    Non-zero logs of floats are at least 2**-54 in magnitude (normal), so the
    relative pad is valid; log(1) = 0 gets a zero pad and stays exact. The
    pad is capped so that log(0) = -inf and log(inf) = inf stay infinite.
    """
    bad = x.bad | ~((x.lo >= 0) if allow_zero else (x.lo > 0))
    with np.errstate(all="ignore"):
        llo, lhi = np.log(x.lo), np.log(x.hi)
    lo = llo - np.minimum(np.abs(llo) * TRANSCENDENTAL_REL_PAD, 2.0**970)
    hi = lhi + np.minimum(np.abs(lhi) * TRANSCENDENTAL_REL_PAD, 2.0**970)
    return IV(lo, hi, bad)


def iv_sqrt(x: IV) -> IV:
    bad = x.bad | ~(x.lo >= 0)
    with np.errstate(all="ignore"):
        slo, shi = np.sqrt(x.lo), np.sqrt(x.hi)
        # exact only if the square is exactly the argument (a rounded square
        # could equal it by accident), checked with the error-free product
        plo, phi = prod_bounds(slo, slo)
        exact_lo = (plo == phi) & (plo == x.lo)
        plo, phi = prod_bounds(shi, shi)
        exact_hi = (plo == phi) & (phi == x.hi)
    lo = np.maximum(np.where(exact_lo, slo, down(slo)), 0.0)
    hi = np.where(exact_hi, shi, up(shi))
    return IV(lo, hi, bad)


def iv_abs(x: IV) -> IV:
    lo = np.where(x.lo >= 0, x.lo, np.where(x.hi <= 0, -x.hi, 0.0))
    hi = np.maximum(np.abs(x.lo), np.abs(x.hi))
    return IV(lo, hi, x.bad)


def iv_exp_log_pow(base: IV, expo: IV, allow_zero: bool) -> IV:
    """base**expo as exp(expo * log(base)); base > 0 (or >= 0 with allow_zero)."""
    lg = iv_log(base, allow_zero=allow_zero)
    return iv_exp(iv_mul(expo, lg))


def iv_hull(xs: Sequence[IV], masks: Sequence[Arr]) -> IV:
    """Hull of the members of ``xs`` selected by ``masks`` (per box)."""
    lo = np.full(xs[0].lo.shape, _INF)
    hi = np.full(xs[0].lo.shape, -_INF)
    bad = np.zeros(xs[0].lo.shape, dtype=bool)
    for x, m in zip(xs, masks, strict=True):
        lo = np.where(m, np.minimum(lo, x.lo), lo)
        hi = np.where(m, np.maximum(hi, x.hi), hi)
        bad = bad | (m & x.bad)
    return IV(lo, hi, bad)


def _take(x: IV, idx: Arr) -> IV:
    return IV(x.lo[idx], x.hi[idx], x.bad[idx])


def _put(out: IV, idx: Arr, x: IV) -> None:
    out.lo[idx], out.hi[idx], out.bad[idx] = x.lo, x.hi, x.bad


def _exact_float(number: Any) -> float | None:
    """The float equal to an exact number, if there is one."""
    lo, hi = rational_bounds(_as_fraction(number))
    return lo if lo == hi and math.isfinite(lo) else None


def const_iv(number: Any, shape: tuple[int, ...]) -> IV:
    if number is sp.E or number is sp.pi:
        c = imath.e if number is sp.E else imath.pi
        lo, hi = float(c[0].inf), float(c[0].sup)
    else:
        lo, hi = rational_bounds(_as_fraction(number))
    return IV(np.full(shape, lo), np.full(shape, hi), np.zeros(shape, dtype=bool))


# ---------------------------------------------------------------------------
# truth arrays: 1 true, 0 false, -1 undecided

TRUE, FALSE, UNDECIDED = np.int8(1), np.int8(0), np.int8(-1)


def gap_truth_arr(v: IV, strict: bool) -> Arr:
    if strict:
        t = np.where(v.lo > 0, TRUE, np.where(v.hi <= 0, FALSE, UNDECIDED))
    else:
        t = np.where(v.lo >= 0, TRUE, np.where(v.hi < 0, FALSE, UNDECIDED))
    return np.where(v.bad, UNDECIDED, t).astype(np.int8)


def and_arr(ts: Sequence[Arr]) -> Arr:
    stack = np.stack(ts)
    return np.where(
        (stack == FALSE).any(axis=0), FALSE, np.where((stack == TRUE).all(axis=0), TRUE, UNDECIDED)
    ).astype(np.int8)


def or_arr(ts: Sequence[Arr]) -> Arr:
    stack = np.stack(ts)
    return np.where(
        (stack == TRUE).any(axis=0), TRUE, np.where((stack == FALSE).all(axis=0), FALSE, UNDECIDED)
    ).astype(np.int8)


def not_arr(t: Arr) -> Arr:
    return np.where(t == UNDECIDED, UNDECIDED, 1 - t).astype(np.int8)


# ---------------------------------------------------------------------------
# the context of the shared walker

IVFn = Callable[[Arr, Arr], IV]


class _Const:
    """A compiled node whose value does not depend on the box (a number, or an
    operation on numbers only, such as sqrt(log(65536))): its IV on one box,
    computed once at compile time by the same outward rounded operations, and
    given to every box of a batch (elementwise operations on equal inputs give
    equal bits, and a batch-wide test such as a sign sees the same value)."""

    __slots__ = ("lo", "hi", "bad")

    def __init__(self, v: IV) -> None:
        self.lo, self.hi, self.bad = float(v.lo[0]), float(v.hi[0]), bool(v.bad[0])

    def __call__(self, L: Arr, H: Arr) -> IV:
        n = L.shape[0]
        return IV(np.full(n, self.lo), np.full(n, self.hi), np.full(n, self.bad))


_ONE_BOX = np.zeros((1, 1))


def _folded(f: IVFn, parts: Sequence[IVFn]) -> IVFn:
    """``f`` evaluated now when every part is a constant (see :class:`_Const`)."""
    if parts and all(isinstance(p, _Const) for p in parts):
        with np.errstate(all="ignore"):
            return _Const(f(_ONE_BOX, _ONE_BOX))
    return f


class BatchedContext:
    """The numpy context of :class:`~boundprop.interval.walker.Walker`: a compiled
    node is ``f(lo, hi) -> IV`` over the boxes' arrays (or an int8 truth array);
    boxes where it may be undefined carry the ``bad`` mask.

    A shared node keeps its last value with the batch it was computed on; it is
    reused only for the same input array objects within the same ``epoch`` (a
    runner starts a new epoch on each call, so arrays changed in place between
    calls are never read stale; IV arrays are never written after they are made).
    """

    def __init__(self) -> None:
        self.epoch = 0

    def shared(self, f: IVFn) -> IVFn:
        if isinstance(f, _Const):
            return f
        last: list[Any] = [-1, None, None, None]  # epoch, L, H, value

        def once(L: Arr, H: Arr) -> IV:
            if last[0] == self.epoch and last[1] is L and last[2] is H:
                return last[3]  # type: ignore[no-any-return]
            v = f(L, H)
            last[:] = [self.epoch, L, H, v]
            return v

        return once

    # -- booleans -----------------------------------------------------------
    def truth_const(self, value: bool) -> TruthArrFn:
        t = TRUE if value else FALSE
        return lambda L, H: np.full(L.shape[0], t, dtype=np.int8)

    def equal(self, h: IVFn, negate: bool) -> TruthArrFn:
        def eq(L: Arr, H: Arr) -> Arr:
            v = h(L, H)
            sure_false = (v.lo > 0) | (v.hi < 0)
            t = np.where((v.lo == 0) & (v.hi == 0), TRUE, np.where(sure_false, FALSE, UNDECIDED))
            t = np.where(v.bad, UNDECIDED, t).astype(np.int8)
            return not_arr(t) if negate else t

        return eq

    def relation(self, g: IVFn, strict: bool) -> TruthArrFn:
        return lambda L, H: gap_truth_arr(g(L, H), strict)

    def conj(self, parts: Sequence[TruthArrFn]) -> TruthArrFn:
        return lambda L, H: and_arr([p(L, H) for p in parts])

    def disj(self, parts: Sequence[TruthArrFn]) -> TruthArrFn:
        return lambda L, H: or_arr([p(L, H) for p in parts])

    def neg(self, inner: TruthArrFn) -> TruthArrFn:
        return lambda L, H: not_arr(inner(L, H))

    # -- expressions --------------------------------------------------------
    def var(self, i: int) -> IVFn:
        # contiguous copies: a column of the (boxes, vars) arrays is strided, and
        # every operation reading it would pay for that
        return lambda L, H: IV(
            np.ascontiguousarray(L[:, i]), np.ascontiguousarray(H[:, i]), np.zeros(L.shape[0], dtype=bool)
        )

    def const(self, node: sp.Expr) -> IVFn:
        return _Const(const_iv(node, (1,)))  # the exact bounds, rounded once at compile time

    def _fold(self, parts: Sequence[IVFn], op: Callable[[IV, IV], IV]) -> IVFn:
        def fold(L: Arr, H: Arr) -> IV:
            acc = parts[0](L, H)
            for p in parts[1:]:
                acc = op(acc, p(L, H))
            return acc

        return fold

    def add(self, parts: Sequence[IVFn]) -> IVFn:
        return _folded(self._fold(parts, iv_add), parts)

    def mul(self, parts: Sequence[IVFn], first: sp.Expr | None = None) -> IVFn:
        c = _exact_float(first) if first is not None and len(parts) > 1 else None
        if c is None:
            return _folded(self._fold(parts, iv_mul), parts)
        # a leading float-exact number scales (the four-product rule's bounds, bit for bit)
        head, rest = parts[1], parts[2:]

        def scaled(L: Arr, H: Arr) -> IV:
            acc = iv_scale(head(L, H), c)
            for p in rest:
                acc = iv_mul(acc, p(L, H))
            return acc

        return _folded(scaled, parts)

    def exp(self, a: IVFn) -> IVFn:
        return _folded(lambda L, H: iv_exp(a(L, H)), [a])

    def log(self, a: IVFn) -> IVFn:
        return _folded(lambda L, H: iv_log(a(L, H)), [a])

    def abs(self, a: IVFn) -> IVFn:
        return _folded(lambda L, H: iv_abs(a(L, H)), [a])

    def minmax(self, parts: Sequence[IVFn], is_min: bool) -> IVFn:
        red = np.minimum if is_min else np.maximum

        def minmax(L: Arr, H: Arr) -> IV:
            vals = [p(L, H) for p in parts]
            return IV(
                red.reduce([v.lo for v in vals]),
                red.reduce([v.hi for v in vals]),
                np.logical_or.reduce([v.bad for v in vals]),
            )

        return _folded(minmax, parts)

    def rounding(self, a: IVFn, floor: bool) -> IVFn:
        rnd = np.floor if floor else np.ceil

        def fc(L: Arr, H: Arr) -> IV:
            v = a(L, H)
            return IV(rnd(v.lo), rnd(v.hi), v.bad)

        return _folded(fc, [a])

    def piecewise(self, branches: Sequence[tuple[IVFn, TruthArrFn]]) -> IVFn:
        def piecewise(L: Arr, H: Arr) -> IV:
            done = np.zeros(L.shape[0], dtype=bool)
            vals, masks = [], []
            for value, cond in branches:
                t = cond(L, H)
                take = ~done & (t != FALSE)
                vals.append(value(L, H))
                masks.append(take)
                done = done | (t == TRUE)
            res = iv_hull(vals, masks)
            return IV(res.lo, res.hi, res.bad | ~done)

        return piecewise

    def int_pow(self, a: IVFn, n: int) -> IVFn:
        if abs(n) > MAX_INTEGER_POWER:
            e = self.const(sp.Integer(n))
            return _folded(lambda L, H: iv_exp_log_pow(a(L, H), e(L, H), allow_zero=False), [a])
        return _folded(lambda L, H: iv_int_pow(a(L, H), n), [a])

    def rational_pow(self, a: IVFn, r: sp.Rational) -> IVFn:
        if r == sp.Rational(1, 2):
            return _folded(lambda L, H: iv_sqrt(a(L, H)), [a])
        e = self.const(r)
        # exp(r*log 0) = exp(-inf) = 0 is right for r > 0
        positive = bool(r > 0)
        return _folded(lambda L, H: iv_exp_log_pow(a(L, H), e(L, H), allow_zero=positive), [a])

    def symbolic_pow(self, a: IVFn, b: IVFn, integer_valued: bool) -> IVFn:
        def symbolic_pow(L: Arr, H: Arr) -> IV:
            av, bv = a(L, H), b(L, H)
            if not integer_valued:
                return iv_exp_log_pow(av, bv, allow_zero=False)
            pts = np.flatnonzero(bv.lo == bv.hi)  # the other tests on these rows only
            e = bv.lo[pts]
            pts = pts[(np.abs(e) <= MAX_INTEGER_POWER) & ~bv.bad[pts] & (np.floor(e) == e)]
            k = av.lo.shape[0]
            if pts.size and pts.size < k:
                # Integer powers by squaring only where the exponent is an integer
                # point and either the base may be <= 0 (exp/log is undefined
                # there) or the power may be exact (both ends of the base short
                # enough; n = 0 and 1 always). Every other row takes exp(b log a),
                # which encloses a**b over the real exponents of its box at a
                # fraction of the cost of a per-row squaring loop.
                blo, bhi = av.lo[pts], av.hi[pts]
                mask = _POW_EXACT_MASK[np.minimum(np.abs(bv.lo[pts]), 27).astype(np.int64)]
                keep = ~(blo > 0) | (((blo.view(np.int64) | bhi.view(np.int64)) & mask) == 0)
                pts = pts[keep]
            if pts.size == 0:
                return iv_exp_log_pow(av, bv, allow_zero=False)
            ip = iv_int_pow(_take(av, pts), bv.lo[pts].astype(np.int64))
            if pts.size == k:
                return ip
            # exp/log on every row (no gather of the rest), the squared rows written over it
            el = iv_exp_log_pow(av, bv, allow_zero=False)
            out = IV(el.lo.copy(), el.hi.copy(), el.bad.copy())
            _put(out, pts, ip)
            return out

        return _folded(symbolic_pow, [a, b])


T = TypeVar("T")


class BatchedCompiler:
    """Compiles expressions and relations over one column order with one sharing
    walker: a subexpression met twice, in one expression or in several, is
    evaluated once per batch. A runner starts a new batch on every call, unless
    the caller has opened one with :meth:`begin` for several runners on the same
    arrays (then the arrays must not change until the next ``begin``)."""

    def __init__(self, symbols: Sequence[sp.Symbol]) -> None:
        self.ctx = BatchedContext()
        self.walker = Walker(self.ctx, symbols, share=True)
        self.session = False

    def begin(self) -> None:
        """Start a batch that several runners evaluate on the same arrays."""
        self.session = True
        self.ctx.epoch += 1

    def _tick(self) -> None:
        if not self.session:
            self.ctx.epoch += 1

    def _in_chunks(self, fn: Callable[[Arr, Arr], T], L: Arr, H: Arr) -> list[T]:
        """``fn`` over blocks of at most CHUNK boxes (a new batch unless a session is open)."""
        self._tick()
        L, H = np.asarray(L, dtype=np.float64), np.asarray(H, dtype=np.float64)
        with np.errstate(all="ignore"):
            n = L.shape[0]
            if n <= CHUNK:
                return [fn(L, H)]
            size = -(-n // -(-n // CHUNK))  # ceil(n / number of blocks)
            return [fn(L[i : i + size], H[i : i + size]) for i in range(0, n, size)]

    def iv(self, expr: Any) -> IVFn:
        """``f(lo, hi) -> IV`` (internal form with the undefined mask)."""
        inner: IVFn = self.walker.expr(sp.sympify(expr))

        def block(L: Arr, H: Arr) -> IV:
            v = inner(L, H)
            return IV(np.where(v.bad, np.nan, v.lo), np.where(v.bad, np.nan, v.hi), v.bad)

        def run(L: Arr, H: Arr) -> IV:
            parts = self._in_chunks(block, L, H)
            if len(parts) == 1:
                return parts[0]
            return IV(
                np.concatenate([p.lo for p in parts]),
                np.concatenate([p.hi for p in parts]),
                np.concatenate([p.bad for p in parts]),
            )

        return run

    def bounds(self, expr: Any) -> BatchedFn:
        """``f(lo, hi) -> (lo, hi)``, NaN where a box may leave the domain."""
        f = self.iv(expr)

        def run(L: Arr, H: Arr) -> tuple[Arr, Arr]:
            v = f(L, H)
            return v.lo, v.hi

        return run

    def truth(self, relation: Any) -> TruthArrFn:
        """``f(lo, hi) -> int8 array`` (1 true, 0 false, -1 undecided)."""
        inner: TruthArrFn = self.walker.boolean(sp.sympify(relation))

        def run(L: Arr, H: Arr) -> Arr:
            parts = self._in_chunks(inner, L, H)
            return parts[0] if len(parts) == 1 else np.concatenate(parts)

        return run


def compile_iv(expr: Any, symbols: Sequence[sp.Symbol]) -> IVFn:
    """Compile to ``f(lo, hi) -> IV`` (internal form with the undefined mask)."""
    return BatchedCompiler(symbols).iv(expr)


def compile_batched(expr: Any, symbols: Sequence[sp.Symbol]) -> BatchedFn:
    """Compile ``expr`` once into ``f(lo, hi) -> (lo, hi)`` over many boxes.

    Parameters
    ----------
    expr : sympy expression
    symbols : the column order of the ``(nboxes, nvars)`` input arrays

    Returns
    -------
    callable
        Outward rounded enclosures per box; NaN where the box may leave the
        expression's domain.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> f = compile_batched(x**2 - 1, [x])
    >>> lo, hi = f(np.array([[-1.0], [2.0]]), np.array([[1.0], [3.0]]))
    >>> lo.tolist(), hi.tolist()
    ([-1.0, 3.0], [0.0, 8.0])
    """
    return BatchedCompiler(symbols).bounds(expr)


def compile_batched_truth(relation: Any, symbols: Sequence[sp.Symbol]) -> TruthArrFn:
    """Compile a relation into ``f(lo, hi) -> int8 array`` (1 true, 0 false, -1 undecided)."""
    return BatchedCompiler(symbols).truth(relation)


def truth_batched(relation: Any, symbols: Sequence[sp.Symbol], lo: Arr, hi: Arr) -> Arr:
    """Truth of ``relation`` on every box: int8, 1 true, 0 false, -1 undecided.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> lo, hi = np.array([[0.0], [-1.0], [2.0]]), np.array([[1.0], [1.0], [3.0]])
    >>> truth_batched(sp.exp(x) >= 1, [x], lo, hi)
    array([ 1, -1,  1], dtype=int8)
    >>> truth_batched(x**2 < 1, [x], lo, hi)
    array([-1, -1,  0], dtype=int8)
    """
    return compile_batched_truth(relation, symbols)(lo, hi)
