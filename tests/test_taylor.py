"""The touching-point backend: tight goals proved, tight false variants never proved."""

from __future__ import annotations

import sympy as sp
from exact_eval import Undecided, sign_of
from hypothesis import given, settings
from hypothesis import strategies as st

from boundprop.backends import bnb, portfolio, taylor
from boundprop.backends.base import DEFAULT
from boundprop.interval import refutes
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import Status

BUDGET = Budget(max_boxes=20_000)  # the default time cap: only the box count decides
R = sp.Rational


def one_var(lo: object, hi: object, build) -> Statement:  # type: ignore[no-untyped-def]
    v = make_variable("x", lo, hi)
    return Statement((v,), (), build(v.symbol))


def two_var(lo: object, hi: object, build) -> Statement:  # type: ignore[no-untyped-def]
    x, y = make_variable("x", lo, hi), make_variable("y", lo, hi)
    return Statement((x, y), (), build(x.symbol, y.symbol))


# tight at an interior point whose value floats cannot make exactly 0
TIGHT = {
    "log-tangent-at-3": one_var(1, 5, lambda x: sp.log(x) <= x / 3 - 1 + sp.log(3)),
    "sqrt-amgm-at-1": one_var(0, 3, lambda x: sp.sqrt(x) <= (x + 1) / 2),
    "sqrt2-at-2": one_var(0, 3, lambda x: sp.sqrt(2 * x) <= (x + 2) / 2),
    "exp-shifted-at-1": one_var(0, 3, lambda x: sp.exp(x - 1) >= x),
    "log-sum-at-(1,1)": two_var(R(1, 2), 2, lambda x, y: sp.log(x) + sp.log(y) <= x + y - 2),
    # tight at a range end, where the derivative points inwards
    "log1p-at-end": one_var(0, 2, lambda x: sp.log(1 + x) >= x - x**2 / 2),
}


def test_tight_goals_are_proved_where_bnb_alone_is_not() -> None:
    for label, st_ in TIGHT.items():
        r = taylor.decide(st_, BUDGET)
        assert r.status is Status.PROVED, (label, r.evidence)
        assert r.details["touching"], label
    # the interior ones are beyond plain boxes (bnb reports them tight)
    for label in ("log-tangent-at-3", "log-sum-at-(1,1)", "exp-shifted-at-1"):
        assert bnb.decide(TIGHT[label], BUDGET).status is Status.UNKNOWN, label


def test_touching_point_is_exact_and_its_neighbourhood_inside_the_box() -> None:
    st_ = TIGHT["log-sum-at-(1,1)"]
    r = taylor.decide(st_, BUDGET)
    assert r.details["touching"] == ["(x=1, y=1)"]
    assert "certified Taylor expansion" in r.evidence


FALSE_TIGHT = {
    # the tangent moved down a little: negative right next to the touching point
    "log-tangent-shifted": one_var(1, 5, lambda x: sp.log(x) <= x / 3 - 1 + sp.log(3) - R(1, 10**6)),
    # curvature of the wrong sign at the touching point
    "sqrt-reversed": one_var(0, 3, lambda x: sp.sqrt(x) >= (x + 1) / 2),
    # strict version of a goal tight at x = 3: false exactly there
    "log-tangent-strict": one_var(1, 5, lambda x: sp.log(x) < x / 3 - 1 + sp.log(3)),
    "log-sum-tilted": two_var(R(1, 2), 2, lambda x, y: sp.log(x) + sp.log(y) <= x + y - 2 - (x - 1) / 1000),
}


def test_tight_false_variants_never_proved_and_refuted_by_the_portfolio() -> None:
    for label, st_ in FALSE_TIGHT.items():
        r = taylor.decide(st_, BUDGET)
        assert r.status is not Status.PROVED, (label, r.evidence)
        if r.status is Status.REFUTED:
            assert refutes(st_, r.counterexample), label
        p = portfolio.decide(st_, BUDGET)
        assert p.status is Status.REFUTED, (label, p.evidence)
        assert refutes(st_, p.counterexample), label


def test_strict_goal_zero_at_the_touching_point_is_refuted_there() -> None:
    r = taylor.decide(FALSE_TIGHT["log-tangent-strict"], BUDGET)
    assert r.status is Status.REFUTED
    assert r.counterexample == {"x": "3"}


def test_registered_after_bnb_and_before_the_falsifier() -> None:
    order = [s.backend for s in DEFAULT.preference]
    assert order.index("taylor") > order.index("interval-bnb")
    assert order.index("taylor") > order.index("metitarski")
    assert order.index("taylor") < order.index("falsifier")
    backend, why = DEFAULT.load("taylor")
    assert backend is not None, why


def test_shapes_it_does_not_take() -> None:
    x = make_variable("x", 0, sp.oo)
    assert not taylor.supports(Statement((x,), (), sp.exp(x.symbol) >= 1 + x.symbol))
    y = make_variable("y", -1, 1)
    assert not taylor.supports(Statement((y,), (), sp.Abs(y.symbol) >= 0))
    n = make_variable("n", 0, 3, integer=True)
    assert not taylor.supports(Statement((n,), (), n.symbol**2 >= 0))


def test_undefined_at_a_range_end_is_not_proved() -> None:
    # x log(x / 2) is undefined at x = 0: tight at x = 2, never proved
    r = taylor.decide(one_var(0, 3, lambda x: x * sp.log(x / 2) >= x - 2), BUDGET)
    assert r.status is not Status.PROVED


# -- property: a closed neighbourhood is really nonnegative (exact evaluation) ----------

def _nonnegative(h: sp.Expr, pt: dict[sp.Symbol, sp.Rational]) -> bool:
    try:
        return sign_of(h, pt) >= 0
    except Undecided:  # intervals cannot certify an exact 0 (the touching point itself)
        return bool(sp.simplify(h.xreplace(pt)) == 0)


coef = st.integers(-4, 4)
centre = st.fractions(min_value=-1, max_value=1, max_denominator=4)


@settings(max_examples=60, deadline=None)
@given(a=coef, b=coef, c=coef, d=st.integers(-1, 3), edge=st.booleans(), p=centre, q=centre,
       fx=st.lists(st.fractions(min_value=0, max_value=1, max_denominator=16), min_size=4, max_size=4))
def test_closed_neighbourhood_is_nonnegative_at_exact_points(a, b, c, d, edge, p, q, fx) -> None:  # type: ignore[no-untyped-def]
    # edge: p is the lower end of the range of x, and the slope d there has any sign
    x, y = make_variable("x", R(p.numerator, p.denominator) if edge else -2, 2), make_variable("y", -2, 2)
    X, Y = x.symbol, y.symbol
    u, v = X - R(p.numerator, p.denominator), Y - R(q.numerator, q.denominator)
    # zero value at (p, q), zero gradient unless at the edge; curvature of any sign
    h = a * (sp.exp(u) - 1 - u) + b * u * v + c * v**2 + (sp.log(1 + u**2) if a > 0 else 0) + (d * u if edge else 0)
    gap = taylor.Gap(sp.sympify(h), False, (X, Y))
    box = ((x.lo, x.hi), (y.lo, y.hi))
    point = (R(p.numerator, p.denominator), R(q.numerator, q.denominator))
    touch = taylor.close_at(gap, point, box)
    if touch is None:
        return
    assert all(lo <= c_ <= hi for (lo, hi), c_ in zip(touch.box, point, strict=True))
    assert all(a_ <= lo <= hi <= b_ for (lo, hi), (a_, b_) in zip(touch.box, box, strict=True))
    (x0, x1), (y0, y1) = touch.box
    for s, t in zip(fx[:2], fx[2:], strict=True):
        pt = {X: x0 + (x1 - x0) * R(s.numerator, s.denominator), Y: y0 + (y1 - y0) * R(t.numerator, t.denominator)}
        assert _nonnegative(h, pt), (h, pt)


def test_indefinite_curvature_is_not_closed() -> None:
    x, y = make_variable("x", -1, 1), make_variable("y", -1, 1)
    X, Y = x.symbol, y.symbol
    gap = taylor.Gap(sp.sympify(X**2 - Y**2 + X**3), False, (X, Y))
    assert taylor.close_at(gap, (R(0), R(0)), ((x.lo, x.hi), (y.lo, y.hi))) is None


# -- tight along a diagonal: a substitution makes it a face ---------------------------


def test_tight_along_an_antidiagonal_is_proved() -> None:
    # exp(x + y) >= 1 + x + y is tight on the whole line x + y = 0
    st_ = two_var(-2, 2, lambda x, y: sp.exp(x) * sp.exp(y) >= x + y + 1)
    r = taylor.decide(st_, BUDGET)
    assert r.status is Status.PROVED, r.evidence
    assert "after substituting y = -x + y_diag" in r.evidence
    assert bnb.decide(st_, BUDGET).status is Status.UNKNOWN


def test_tilted_along_the_antidiagonal_is_never_proved() -> None:
    # on x + y = 0 the gap is (y - x) / 1000: negative where x > y
    st_ = two_var(-2, 2, lambda x, y: sp.exp(x) * sp.exp(y) >= x + y + 1 + (x - y) / 1000)
    r = taylor.decide(st_, BUDGET)
    assert r.status is not Status.PROVED, r.evidence
    p = portfolio.decide(st_, BUDGET)
    assert p.status is Status.REFUTED and refutes(st_, p.counterexample)


def test_a_face_of_zero_curvature_is_not_closed() -> None:
    # x y (x - y)**2 vanishes to second order on x = y and changes sign across x = 0
    x, y = make_variable("x", -1, 1), make_variable("y", -1, 1)
    X, Y = x.symbol, y.symbol
    gap = taylor.Gap(sp.sympify(X * Y * (X - Y) ** 2), False, (X, Y))
    assert taylor.close_at(gap, (R(0), None), ((x.lo, x.hi), (y.lo, y.hi))) is None


@settings(max_examples=40, deadline=None)
@given(a=coef, b=coef, c=coef, p=centre,
       fx=st.lists(st.fractions(min_value=0, max_value=1, max_denominator=16), min_size=6, max_size=6))
def test_closed_face_is_nonnegative_at_exact_points(a, b, c, p, fx) -> None:  # type: ignore[no-untyped-def]
    # h = 0 on the face x = p for every y; the curvature across it depends on y
    x, y = make_variable("x", -2, 2), make_variable("y", -2, 2)
    X, Y = x.symbol, y.symbol
    u = X - R(p.numerator, p.denominator)
    h = u**2 * (c + b * Y) + a * (sp.exp(u) - 1 - u) * (3 + Y)
    gap = taylor.Gap(sp.sympify(h), False, (X, Y))
    touch = taylor.close_at(gap, (R(p.numerator, p.denominator), None), ((x.lo, x.hi), (y.lo, y.hi)))
    if touch is None:
        return
    assert touch.box[1] == (y.lo, y.hi)
    (x0, x1), (y0, y1) = touch.box
    for s, t in zip(fx[:3], fx[3:], strict=True):
        pt = {X: x0 + (x1 - x0) * R(s.numerator, s.denominator), Y: y0 + (y1 - y0) * R(t.numerator, t.denominator)}
        assert _nonnegative(h, pt), (h, pt)


# -- tight to third order along the diagonal, one-sided ------------------------------


def log_ratio(hyp: bool) -> Statement:
    x, y = make_variable("x", 1, 2), make_variable("y", 1, 2)
    X, Y = x.symbol, y.symbol
    return Statement((x, y), (Y <= X,) if hyp else (), sp.log(X) - sp.log(Y) >= 2 * (X - Y) / (X + Y))


def test_third_order_touching_on_one_side_is_proved() -> None:
    # log(x/y) - 2(x - y)/(x + y) = -(y - x)**3 / (12 x**3) + ...: >= 0 only where y <= x
    r = taylor.decide(log_ratio(True), BUDGET)
    assert r.status is Status.PROVED, r.evidence
    assert "after substituting y = x + y_diag" in r.evidence


def test_third_order_touching_on_the_wrong_side_is_never_proved() -> None:
    st_ = log_ratio(False)
    r = taylor.decide(st_, BUDGET)
    assert r.status is not Status.PROVED, r.evidence
    p = portfolio.decide(st_, BUDGET)
    assert p.status is Status.REFUTED and refutes(st_, p.counterexample)


def test_odd_order_is_closed_at_a_range_end_only() -> None:
    # s**3 (2 + x) vanishes to third order on s = 0: >= 0 for s >= 0, not across
    x, s = make_variable("x", -1, 1), make_variable("s", -1, 1)
    X, S = x.symbol, s.symbol
    gap = taylor.Gap(sp.sympify(S**3 * (2 + X)), False, (X, S))
    assert taylor.close_at(gap, (None, R(0)), ((x.lo, x.hi), (R(-1), R(1)))) is None
    assert taylor.close_at(gap, (None, R(0)), ((x.lo, x.hi), (R(0), R(1)))) is not None
    # at the upper end t <= 0 and t**3 <= 0: closed only for the opposite sign
    assert taylor.close_at(gap, (None, R(0)), ((x.lo, x.hi), (R(-1), R(0)))) is None
    minus = taylor.Gap(sp.sympify(-(S**3) * (2 + X)), False, (X, S))
    assert taylor.close_at(minus, (None, R(0)), ((x.lo, x.hi), (R(-1), R(0)))) is not None
