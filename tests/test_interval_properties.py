"""Property tests, zero tolerance: every enclosure contains the true value.

Random expressions from a small grammar, random boxes with rational
endpoints and random rational points inside them. The reference value at the
point is computed with mpmath's interval arithmetic at 250 bits (rigorous
and ~60 orders of magnitude tighter than a float), and every endpoint
comparison is exact (floats convert exactly to 250-bit mpf). An enclosure
passes only if it contains the whole reference interval.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mpmath import iv

from boundprop.interval import (
    UndefinedError,
    compile_batched,
    compile_scalar,
    enclose,
    truth,
    truth_at_point,
    truth_batched,
)
from boundprop.interval.scalar import rational_bounds
from boundprop.verdict import Tri

X, Y = sp.symbols("x y", real=True)
SYMS = [X, Y]
PREC = 250


class RefUndefined(Exception):
    pass


# -- grammar -----------------------------------------------------------------------

consts = st.sampled_from(
    [sp.Integer(k) for k in (-3, -1, 0, 1, 2, 3)]
    + [sp.Rational(1, 10), sp.Rational(-2, 3), sp.Rational(7, 2), sp.Rational(1, 7), sp.E, sp.pi]
)
leaves = st.one_of(st.sampled_from(SYMS), consts)


def _extend(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
    unary = st.tuples(
        st.sampled_from(["exp", "log", "sqrt", "abs", "neg", "pow", "cbrt"]),
        children,
        st.integers(min_value=-2, max_value=4),
    ).map(_apply_unary)
    binary = st.tuples(st.sampled_from(["add", "sub", "mul", "div", "min", "max"]), children, children).map(
        _apply_binary
    )
    return st.one_of(unary, binary)


def _safe(build: Any) -> sp.Expr:
    try:
        return sp.sympify(build())
    except (ValueError, TypeError, ZeroDivisionError):
        return sp.Integer(1)  # sympy refused (e.g. Min of a complex number)


def _apply_unary(arg: tuple[str, sp.Expr, int]) -> sp.Expr:
    op, e, k = arg
    return _safe(
        {
            "exp": lambda: sp.exp(e),
            "log": lambda: sp.log(e),
            "sqrt": lambda: sp.sqrt(e),
            "abs": lambda: sp.Abs(e),
            "neg": lambda: -e,
            "pow": lambda: e**k,
            "cbrt": lambda: e ** sp.Rational(1, 3),
        }[op]
    )


def _apply_binary(arg: tuple[str, sp.Expr, sp.Expr]) -> sp.Expr:
    op, a, b = arg
    return _safe(
        {
            "add": lambda: a + b,
            "sub": lambda: a - b,
            "mul": lambda: a * b,
            "div": lambda: a / b,
            "min": lambda: sp.Min(a, b),
            "max": lambda: sp.Max(a, b),
        }[op]
    )


def _ok(e: sp.Expr) -> bool:
    return not e.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I) and e.is_real is not False


exprs = st.recursive(leaves, _extend, max_leaves=6).filter(_ok)

ends = st.fractions(min_value=-3, max_value=3, max_denominator=12)


@st.composite
def boxes_and_points(
    draw: Any,
) -> tuple[dict[sp.Symbol, tuple[sp.Rational, sp.Rational]], dict[sp.Symbol, sp.Rational]]:
    box: dict[sp.Symbol, tuple[sp.Rational, sp.Rational]] = {}
    point: dict[sp.Symbol, sp.Rational] = {}
    for s in SYMS:
        a, b = sorted((draw(ends), draw(ends)))
        t = draw(st.fractions(min_value=0, max_value=1, max_denominator=97))
        p = a + (b - a) * t
        box[s] = (sp.Rational(a.numerator, a.denominator), sp.Rational(b.numerator, b.denominator))
        point[s] = sp.Rational(p.numerator, p.denominator)
    return box, point


# -- rigorous reference: mpmath interval arithmetic at a point --------------------


def _q(r: sp.Rational) -> Any:
    return iv.mpf(int(r.p)) / iv.mpf(int(r.q))


def ref(e: sp.Expr, point: dict[sp.Symbol, sp.Rational]) -> Any:  # noqa: C901
    if isinstance(e, sp.Symbol):
        return _q(point[e])
    if e is sp.E:
        return iv.e
    if e is sp.pi:
        return iv.pi
    if e.is_Rational:
        return _q(e)
    if isinstance(e, sp.Add):
        acc = ref(e.args[0], point)
        for a in e.args[1:]:
            acc = acc + ref(a, point)
        return acc
    if isinstance(e, sp.Mul):
        acc = ref(e.args[0], point)
        for a in e.args[1:]:
            acc = acc * ref(a, point)
        return acc
    if isinstance(e, sp.Pow):
        b = ref(e.base, point)
        k = e.exp
        if k.is_Integer:
            m = abs(int(k))
            v = iv.mpf(1)
            for _ in range(m):
                v = v * b
            if m % 2 == 0 and m > 0:
                v = abs(v)  # the exact value is >= 0; the product of a point interval may straddle
            if k < 0:
                if _lo(v) <= 0 <= _hi(v):
                    raise RefUndefined
                v = 1 / v
            return v
        if _lo(b) <= 0:
            if k.is_Rational and k > 0 and _lo(b) == 0 == _hi(b):
                return iv.mpf(0)
            raise RefUndefined
        return iv.exp(ref(k, point) * iv.log(b))
    if isinstance(e, sp.exp):
        return iv.exp(ref(e.args[0], point))
    if isinstance(e, sp.log):
        a = ref(e.args[0], point)
        if _lo(a) <= 0:
            raise RefUndefined
        return iv.log(a)
    if isinstance(e, sp.Abs):
        return abs(ref(e.args[0], point))
    if isinstance(e, (sp.Min, sp.Max)):
        vals = [ref(a, point) for a in e.args]
        pick = min if isinstance(e, sp.Min) else max
        return iv.mpf([pick(_lo(v) for v in vals), pick(_hi(v) for v in vals)])
    raise RefUndefined  # outside the grammar


def _lo(v: Any) -> Any:
    return mpmath.mpf(v._mpi_[0])


def _hi(v: Any) -> Any:
    return mpmath.mpf(v._mpi_[1])


def _reference(e: sp.Expr, point: dict[sp.Symbol, sp.Rational]) -> tuple[Any, Any]:
    old = iv.prec
    try:
        iv.prec = PREC
        with mpmath.workprec(PREC):
            v = ref(e, point)
            lo, hi = _lo(v), _hi(v)
    except (RefUndefined, ZeroDivisionError, ValueError, OverflowError):
        assume(False)
    finally:
        iv.prec = old
    assume(mpmath.isfinite(lo) and mpmath.isfinite(hi))
    return lo, hi


def _contains(lo: float, hi: float, ref_lo: Any, ref_hi: Any) -> bool:
    with mpmath.workprec(PREC):
        return bool(mpmath.mpf(lo) <= ref_lo and ref_hi <= mpmath.mpf(hi))


def _float_box(box: dict[sp.Symbol, tuple[sp.Rational, sp.Rational]]) -> tuple[np.ndarray, np.ndarray]:
    lo = [rational_bounds(Fraction(int(box[s][0].p), int(box[s][0].q)))[0] for s in SYMS]
    hi = [rational_bounds(Fraction(int(box[s][1].p), int(box[s][1].q)))[1] for s in SYMS]
    return np.array([lo]), np.array([hi])


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
    derandomize=True,
)


# -- properties ----------------------------------------------------------------------


@SETTINGS
@given(exprs, boxes_and_points())
def test_scalar_enclosure_contains_true_value(e: sp.Expr, bp: Any) -> None:
    box, point = bp
    ref_lo, ref_hi = _reference(e, point)
    try:
        v = enclose(e, box)
    except UndefinedError:
        return  # maybe-undefined somewhere on the box: allowed, never a value
    lo, hi = float(v[0].inf), float(v[0].sup)
    assert _contains(lo, hi, ref_lo, ref_hi), (e, box, point, lo, hi, ref_lo, ref_hi)


@SETTINGS
@given(exprs, boxes_and_points())
def test_batched_enclosure_contains_true_value(e: sp.Expr, bp: Any) -> None:
    box, point = bp
    ref_lo, ref_hi = _reference(e, point)
    f = compile_batched(e, SYMS)
    L, H = _float_box(box)
    # the box and the point itself (as a thin float box), in one batch
    pl = [rational_bounds(Fraction(int(point[s].p), int(point[s].q))) for s in SYMS]
    L2 = np.vstack([L, [[a for a, _ in pl]]])
    H2 = np.vstack([H, [[b for _, b in pl]]])
    lo, hi = f(L2, H2)
    for i in range(2):
        if np.isnan(lo[i]) or np.isnan(hi[i]):
            continue  # maybe undefined: allowed
        assert _contains(float(lo[i]), float(hi[i]), ref_lo, ref_hi), (e, box, point, i, lo, hi)


@SETTINGS
@given(exprs, boxes_and_points())
def test_scalar_and_batched_enclosures_intersect(e: sp.Expr, bp: Any) -> None:
    box, point = bp
    ref_lo, ref_hi = _reference(e, point)
    try:
        v = enclose(e, box)
    except UndefinedError:
        return
    lo, hi = compile_batched(e, SYMS)(*_float_box(box))
    if np.isnan(lo[0]):
        return
    # both contain the true value at the point, hence overlap there
    common_lo, common_hi = max(float(v[0].inf), float(lo[0])), min(float(v[0].sup), float(hi[0]))
    assert _contains(common_lo, common_hi, ref_lo, ref_hi)


@SETTINGS
@given(exprs, exprs, boxes_and_points(), st.sampled_from(["<", "<=", ">", ">="]))
def test_decided_relations_agree_with_the_point(a: sp.Expr, b: sp.Expr, bp: Any, op: str) -> None:
    box, point = bp
    rel = {"<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge}[op](a, b, evaluate=False)
    gap = a - b
    ref_lo, ref_hi = _reference(gap, point)
    with mpmath.workprec(PREC):
        if op in ("<", ">"):
            sign = -1 if op == "<" else 1
        else:
            sign = -1 if op == "<=" else 1
        lo_, hi_ = (ref_lo, ref_hi) if sign == 1 else (-ref_hi, -ref_lo)
        strict = op in ("<", ">")
        point_true = lo_ > 0 if strict else lo_ >= 0
        point_false = hi_ <= 0 if strict else hi_ < 0
    t_box = truth(rel, box)
    t_arr = truth_batched(rel, SYMS, *_float_box(box))[0]
    t_pt = truth_at_point(rel, point)
    for t in (t_box, t_pt, {1: Tri.TRUE, 0: Tri.FALSE, -1: Tri.UNDECIDED}[int(t_arr)]):
        if t is Tri.TRUE:
            assert not point_false, (rel, box, point)
        if t is Tri.FALSE:
            assert not point_true, (rel, box, point)


@pytest.mark.parametrize("seed_expr", [sp.exp(X) * sp.log(2 + Y), (X - Y) ** 3 / (3 + X**2)])
def test_compile_scalar_reuse_is_consistent(seed_expr: sp.Expr) -> None:
    f = compile_scalar(seed_expr, SYMS)
    from interval import interval

    a = f([interval[0.5, 0.75], interval[1, 2]])
    b = f([interval[0.5, 0.75], interval[1, 2]])
    assert a == b


# -- the batched rounding primitives, elementwise against exact arithmetic -------------

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)
float_arrays = st.lists(finite, min_size=1, max_size=40).map(lambda v: np.array(v, dtype=np.float64))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(float_arrays, float_arrays, st.integers(min_value=0, max_value=7))
def test_primitive_roundings_bracket_exact_results(a: np.ndarray, b: np.ndarray, n: int) -> None:
    from boundprop.interval.batched import IV, iv_int_pow, iv_recip, iv_sqrt, prod_bounds, sum_bounds

    k = min(a.size, b.size)
    a, b = a[:k], b[:k]
    none = np.zeros(k, dtype=bool)
    with np.errstate(all="ignore"):
        slo, shi = sum_bounds(a, b)
        plo, phi = prod_bounds(a, b)
        rec = iv_recip(IV(b, b, none))
        sq = iv_sqrt(IV(np.abs(a), np.abs(a), none))
        pw = iv_int_pow(IV(a, a, none), n)

    def le(f: float, q: Fraction) -> bool:  # f <= q, exactly; infinities allowed
        return f == -np.inf or (f != np.inf and Fraction(f) <= q)

    def ge(f: float, q: Fraction) -> bool:
        return f == np.inf or (f != -np.inf and Fraction(f) >= q)

    for i in range(k):
        fa, fb = Fraction(a[i]), Fraction(b[i])
        assert le(slo[i], fa + fb) and ge(shi[i], fa + fb)
        assert le(plo[i], fa * fb) and ge(phi[i], fa * fb)
        if fb != 0:
            assert le(rec.lo[i], 1 / fb) and ge(rec.hi[i], 1 / fb)
        s2 = abs(fa)
        assert (sq.lo[i] <= 0 or Fraction(sq.lo[i]) ** 2 <= s2) and (
            sq.hi[i] == np.inf or Fraction(sq.hi[i]) ** 2 >= s2
        )
        assert le(pw.lo[i], fa**n) and ge(pw.hi[i], fa**n)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.floats(min_value=-700, max_value=700), min_size=1, max_size=30))
def test_padded_exp_and_log_bracket_250_bit_values(values: list[float]) -> None:
    from boundprop.interval.batched import IV, iv_exp, iv_log

    v = np.array(values)
    none = np.zeros(v.size, dtype=bool)
    e = iv_exp(IV(v, v, none))
    pos = np.abs(v) + 1e-300
    g = iv_log(IV(pos, pos, none))
    old = iv.prec
    try:
        iv.prec = PREC
        with mpmath.workprec(PREC):
            for i in range(v.size):
                ex = iv.exp(iv.mpf(float(v[i])))  # rigorous 250-bit enclosure
                assert mpmath.mpf(e.lo[i]) <= _lo(ex) and _hi(ex) <= mpmath.mpf(e.hi[i])
                lg = iv.log(iv.mpf(float(pos[i])))
                assert mpmath.mpf(g.lo[i]) <= _lo(lg) and _hi(lg) <= mpmath.mpf(g.hi[i])
    finally:
        iv.prec = old
