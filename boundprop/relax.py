"""Linear relaxations of the network operators (CROWN / auto_LiRPA style), in exact rationals.

Each rule gives, over a box of its inputs, a lower and an upper *affine* function
of the inputs that enclose the operator everywhere on the box: ``exp`` (tangent
below, chord above, as auto_LiRPA's BoundExp), the reciprocal ``1/s`` on
``s > 0`` (the same shapes: it is convex), the product ``x y`` (McCormick, as
BoundMul) and one softmax entry as a function of its row of logits (composed
from the three, as BoundSoftmax decomposes it). An affine function is
concretized over a box exactly (:func:`concretize`). Every coefficient is a
rational; where ``e^t`` is needed, rational bounds of it (:func:`exp_bounds`)
are used on the side that keeps the rule sound, as each proof comment says.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from boundprop.errors import InputError

__all__ = [
    "Affine",
    "Relaxation",
    "concretize",
    "exp_bounds",
    "exp_relax",
    "mul_relax",
    "recip_relax",
    "softmax_relax",
]

Interval = tuple[Fraction, Fraction]
_TAYLOR = 12


@dataclass(frozen=True, slots=True)
class Affine:
    """``sum_k coeffs[k] * v_k + const`` over variables ``v``."""

    coeffs: tuple[Fraction, ...]
    const: Fraction

    def at(self, point: Sequence[Fraction]) -> Fraction:
        return sum((c * v for c, v in zip(self.coeffs, point, strict=True)), self.const)

    def scale(self, k: Fraction) -> Affine:
        return Affine(tuple(k * c for c in self.coeffs), k * self.const)

    def plus(self, other: Affine) -> Affine:
        return Affine(tuple(a + b for a, b in zip(self.coeffs, other.coeffs, strict=True)), self.const + other.const)


@dataclass(frozen=True, slots=True)
class Relaxation:
    """``lower(v) <= f(v) <= upper(v)`` for every ``v`` in ``box``."""

    box: tuple[Interval, ...]
    lower: Affine
    upper: Affine


def concretize(f: Affine, box: Sequence[Interval]) -> Interval:
    """The exact range of an affine function over a box (each term at its own end)."""
    lo = hi = f.const
    for c, (a, b) in zip(f.coeffs, box, strict=True):
        lo += min(c * a, c * b)
        hi += max(c * a, c * b)
    return lo, hi


def exp_bounds(t: Fraction) -> Interval:
    """Rational ``(lo, hi)`` with ``lo <= e^t <= hi``, any sign of ``t``.

    For ``0 <= t <= 1`` the Taylor sum is a lower bound (all terms positive) and the
    remainder ``e^xi t^(K+1)/(K+1)!`` is below ``3 t^(K+1)/(K+1)!``; larger ``t`` by
    ``e^t = (e^(t/m))^m``; negative ``t`` by ``e^t = 1/e^-t`` (the ends swap)."""
    if t < 0:
        lo, hi = exp_bounds(-t)
        return 1 / hi, 1 / lo
    if t > 1:
        m = math.ceil(t)
        lo, hi = exp_bounds(t / m)
        return lo**m, hi**m
    term, total = Fraction(1), Fraction(1)
    for i in range(1, _TAYLOR + 1):
        term = term * t / i
        total += term
    return total, total + 3 * term * t / (_TAYLOR + 1)


def _check_box(lo: Fraction, hi: Fraction, what: str) -> None:
    if lo > hi:
        raise InputError(f"{what}: empty interval [{lo}, {hi}]")


def _chord(lo: Fraction, hi: Fraction, f_lo: Fraction, f_hi: Fraction) -> Affine:
    if lo == hi:
        return Affine((Fraction(0),), max(f_lo, f_hi))
    slope = (f_hi - f_lo) / (hi - lo)
    return Affine((slope,), f_lo - slope * lo)


def exp_relax(lo: Fraction, hi: Fraction) -> Relaxation:
    """``e^x`` on ``[lo, hi]``: below, the tangent at the midpoint ``m`` with ``e^m``
    replaced by a rational ``E <= e^m``; above, the chord through ``(lo, U_lo)``,
    ``(hi, U_hi)`` with ``U >= e`` at both ends.

    Proof: convexity gives ``e^x >= e^m (1 + x - m)`` for every x; where ``1 + x - m >= 0``
    that is ``>= E (1 + x - m)``, and where it is negative ``E (1 + x - m) < 0 < e^x``.
    On ``[lo, hi]`` convexity puts ``e^x`` below the true chord, itself below the
    chord through the raised ends (a convex combination of larger values)."""
    _check_box(lo, hi, "exp_relax")
    m = (lo + hi) / 2
    e_m, _ = exp_bounds(m)
    lower = Affine((e_m,), e_m * (1 - m))
    upper = _chord(lo, hi, exp_bounds(lo)[1], exp_bounds(hi)[1])
    return Relaxation(((lo, hi),), lower, upper)


def recip_relax(lo: Fraction, hi: Fraction) -> Relaxation:
    """``1/s`` on ``[lo, hi]`` with ``lo > 0``: below, the tangent at the midpoint
    ``m``, ``2/m - s/m^2``; above, the chord ``1/lo + 1/hi - s/(lo hi)``.

    Proof: ``1/s`` is convex on ``s > 0``, so it lies above every tangent and, on the
    interval, below its chord (both exact in rationals)."""
    _check_box(lo, hi, "recip_relax")
    if lo <= 0:
        raise InputError(f"recip_relax: the interval [{lo}, {hi}] must be positive")
    m = (lo + hi) / 2
    lower = Affine((-1 / m**2,), 2 / m)
    upper = _chord(lo, hi, 1 / lo, 1 / hi)
    return Relaxation(((lo, hi),), lower, upper)


def mul_relax(x: Interval, y: Interval) -> tuple[Relaxation, Relaxation]:
    """McCormick planes of ``x y`` on the box ``x * y``: two relaxations, each with one
    lower and one upper plane (a caller may take the better of the two).

    Proof: ``(x - xl)(y - yl) >= 0`` gives ``xy >= yl x + xl y - xl yl``;
    ``(xu - x)(yu - y) >= 0`` gives ``xy >= yu x + xu y - xu yu``;
    ``(xu - x)(y - yl) >= 0`` gives ``xy <= yl x + xu y - xu yl``;
    ``(x - xl)(yu - y) >= 0`` gives ``xy <= yu x + xl y - xl yu``."""
    (xl, xu), (yl, yu) = x, y
    _check_box(xl, xu, "mul_relax x")
    _check_box(yl, yu, "mul_relax y")
    box = (x, y)
    first = Relaxation(box, Affine((yl, xl), -xl * yl), Affine((yl, xu), -xu * yl))
    second = Relaxation(box, Affine((yu, xu), -xu * yu), Affine((yu, xl), -xl * yu))
    return first, second


def softmax_relax(box: Sequence[Interval], j: int) -> Relaxation:
    """Entry ``j`` of ``softmax(z)`` as affine bounds in the logits ``z`` over ``box``.

    Composed as auto_LiRPA's BoundSoftmax: ``p_j = e_j r`` with ``e_k = exp(z_k)`` and
    ``r = 1/sum_k e_k``. Each ``e_k`` is bounded by :func:`exp_relax` (affine in
    ``z_k``); so is ``s = sum_k e_k``, whose range ``[s_lo, s_hi]`` is concretized.
    ``1/s`` is relaxed on that range; both its planes decrease in ``s``, so the
    lower plane takes the upper bound of ``s`` and the upper plane the lower one.
    Then McCormick ``e r >= r_lo e + e_lo r - e_lo r_lo`` and
    ``e r <= r_hi e + e_lo r - e_lo r_hi``, whose coefficients of ``e`` and ``r`` are
    positive (``e, r > 0``), so lower (upper) bounds of ``e_j`` and ``r`` go in.
    Proof: a chain of the enclosures above, each sound on the box."""
    n = len(box)
    if not 0 <= j < n:
        raise InputError(f"softmax_relax: entry {j} of a row of {n}")

    def lift(rel: Relaxation, k: int) -> tuple[Affine, Affine]:
        def one(f: Affine) -> Affine:
            return Affine(tuple(f.coeffs[0] if i == k else Fraction(0) for i in range(n)), f.const)
        return one(rel.lower), one(rel.upper)

    exps = [lift(exp_relax(*box[k]), k) for k in range(n)]
    zero = Affine(tuple(Fraction(0) for _ in range(n)), Fraction(0))
    s_lower, s_upper = zero, zero
    for low, up in exps:
        s_lower, s_upper = s_lower.plus(low), s_upper.plus(up)
    s_lo, s_hi = concretize(s_lower, box)[0], concretize(s_upper, box)[1]
    # e^z > 0 on the whole box, so the lower bound of s can be raised to a positive one
    s_lo = max(s_lo, sum((exp_bounds(a)[0] for a, _ in box), Fraction(0)))
    rec = recip_relax(s_lo, s_hi)
    r_lower = s_upper.scale(rec.lower.coeffs[0]).plus(Affine(zero.coeffs, rec.lower.const))
    r_upper = s_lower.scale(rec.upper.coeffs[0]).plus(Affine(zero.coeffs, rec.upper.const))
    r_lo = max(Fraction(0), concretize(r_lower, box)[0], 1 / s_hi)
    r_hi = min(concretize(r_upper, box)[1], 1 / s_lo)
    e_lo = max(Fraction(0), exp_bounds(box[j][0])[0])
    ej_lower, ej_upper = exps[j]
    lower = ej_lower.scale(r_lo).plus(r_lower.scale(e_lo)).plus(Affine(zero.coeffs, -e_lo * r_lo))
    upper = ej_upper.scale(r_hi).plus(r_upper.scale(e_lo)).plus(Affine(zero.coeffs, -e_lo * r_hi))
    return Relaxation(tuple(box), lower, upper)
