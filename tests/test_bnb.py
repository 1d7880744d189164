"""Interval branch-and-bound: tight proofs, exact refutations, honest unknowns."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundprop.backends.bnb import decide
from boundprop.interval import refutes
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import Status

BUDGET = Budget(max_boxes=200_000)  # the default time cap: only the box count decides


def one_var(lo: object, hi: object, build, integer: bool = False, hyps=()) -> Statement:  # type: ignore[no-untyped-def]
    v = make_variable("x", lo, hi, integer=integer)
    return Statement((v,), tuple(h(v.symbol) for h in hyps), build(v.symbol))


# -- tight statements are proved ------------------------------------------------------


def test_exp_above_tangent_tight_at_zero() -> None:
    r = decide(one_var(-1, 1, lambda x: sp.exp(x) >= 1 + x), BUDGET)
    assert r.status is Status.PROVED, r.evidence
    assert r.method == "interval-bnb"
    assert r.evidence.startswith("complete cover with")
    assert r.details["boxes"] >= 1 and "max_depth" in r.details


@pytest.mark.parametrize("lo, hi", [("-1", "2"), ("-0.3", "0.7"), ("0", "1")])
def test_exp_tangent_on_asymmetric_ranges(lo: str, hi: str) -> None:
    r = decide(one_var(lo, hi, lambda x: sp.exp(x) >= 1 + x), BUDGET)
    assert r.status is Status.PROVED, r.evidence


def test_expm1_below_2x_up_to_1_25() -> None:
    r = decide(one_var(0, "1.25", lambda x: sp.exp(x) - 1 <= 2 * x), BUDGET)
    assert r.status is Status.PROVED, r.evidence


def test_power_below_exponential_integer_L_tight_at_zero() -> None:
    x = make_variable("x", 0, 1)
    L = make_variable("L", 1, 50, integer=True)
    st_ = Statement((x, L), (), (1 + x.symbol) ** L.symbol <= sp.exp(L.symbol * x.symbol))
    r = decide(st_, Budget(seconds=60, max_boxes=200_000))
    assert r.status is Status.PROVED, r.evidence
    assert r.details["boxes"] > 50  # every L was examined


def test_hypotheses_discard_boxes() -> None:
    # nonlinear hypothesis (x >= 1/2 on [0, 1]), so it is not substituted away
    st_ = one_var(0, 1, lambda x: sp.log(x) >= -1, hyps=[lambda x: x**2 >= sp.Rational(1, 4)])
    r = decide(st_, BUDGET)
    assert r.status is Status.PROVED, r.evidence
    assert r.details["discarded_by_hypotheses"] > 0


def test_conjunction_and_monotone_integer_statement() -> None:
    n = make_variable("n", 1, 10**6, integer=True)
    N = n.symbol
    r = decide(Statement((n,), (), sp.And(2**N >= N + 1, N >= 1)), BUDGET)
    assert r.status is Status.PROVED, r.evidence


def test_goal_tight_along_a_hypothesis_boundary_is_proved_by_substitution() -> None:
    x, t = make_variable("x", -2, 2), make_variable("t", 0, 2)
    st_ = Statement((x, t), (x.symbol <= t.symbol,), sp.exp(x.symbol) <= sp.exp(t.symbol))
    r = decide(st_, BUDGET)
    assert r.status is Status.PROVED, r.evidence
    assert "substituting" in r.evidence and "substitution" in r.details


def test_l_exp_exact_form_is_proved() -> None:
    # papers.md 1.3, L-EXP: |x| <= theta implies |e^x - 1| <= e^theta - 1 (tight on x = theta)
    x, t = make_variable("x", -2, 2), make_variable("theta", 0, 2)
    X, T = x.symbol, t.symbol
    st_ = Statement((x, t), (sp.Abs(X) <= T,), sp.Abs(sp.exp(X) - 1) <= sp.exp(T) - 1)
    r = decide(st_, BUDGET)
    assert r.status is Status.PROVED, r.evidence
    # and the slightly strengthened claim is false, with an exact counterexample
    worse = Statement(st_.variables, st_.hypotheses, sp.Abs(sp.exp(X) - 1) <= sp.exp(T) - sp.Rational(1001, 1000))
    r = decide(worse, BUDGET)
    assert r.status is Status.REFUTED and refutes(worse, r.counterexample)  # type: ignore[arg-type]


def test_kinks_along_a_diagonal_are_split_into_cases() -> None:
    u, v = make_variable("u", -1, 1), make_variable("v", -1, 1)
    U, V = u.symbol, v.symbol
    for concl in (sp.Max(U, V) >= (U + V) / 2, sp.exp(sp.Max(U, V)) >= sp.exp(U)):
        r = decide(Statement((u, v), (), concl), BUDGET)
        assert r.status is Status.PROVED, (concl, r.evidence)
        assert "case split on the sign of" in r.evidence
    false = Statement((u, v), (), sp.Max(U, V) <= sp.Abs(U + V))
    r = decide(false, BUDGET)
    assert r.status is Status.REFUTED and refutes(false, r.counterexample)  # type: ignore[arg-type]


def test_substituted_statement_refutations_are_mapped_back_and_verified() -> None:
    x, t = make_variable("x", -2, 2), make_variable("t", 0, 2)
    st_ = Statement(
        (x, t), (x.symbol <= t.symbol,), sp.exp(x.symbol) <= sp.exp(t.symbol) - sp.Rational(1, 10)
    )
    r = decide(st_, BUDGET)
    assert r.status is Status.REFUTED
    assert set(r.counterexample) == {"x", "t"}  # type: ignore[arg-type]
    assert refutes(st_, r.counterexample)  # type: ignore[arg-type]
    xv, tv = sp.Rational(r.counterexample["x"]), sp.Rational(r.counterexample["t"])  # type: ignore[index]
    assert xv <= tv and sp.exp(xv) > sp.exp(tv) - sp.Rational(1, 10)


# -- refutations are exact and re-verified -------------------------------------------------


def test_expm1_2x_fails_just_beyond_its_range() -> None:
    st_ = one_var(0, "1.26", lambda x: sp.exp(x) - 1 <= 2 * x)
    r = decide(st_, BUDGET)
    assert r.status is Status.REFUTED
    value = sp.Rational(r.counterexample["x"])  # type: ignore[index]
    # independent exact check: e^v - 1 > 2v, i.e. v above the root 1.2564...
    assert sp.Rational("1.2564") < value <= sp.Rational("1.26")
    assert refutes(st_, {"x": value})


def test_refutation_of_a_tight_false_statement_at_the_touching_point() -> None:
    st_ = one_var(-1, 1, lambda x: sp.exp(x) >= 1 + x + sp.Rational(1, 10**30))
    r = decide(st_, BUDGET)
    assert r.status is Status.REFUTED
    assert refutes(st_, r.counterexample)  # type: ignore[arg-type]


def test_integer_counterexamples_are_integers() -> None:
    st_ = one_var(1, 10**4, lambda n: (1 + 1 / n) ** n <= sp.Rational(27, 10), integer=True)
    r = decide(st_, BUDGET)
    assert r.status is Status.REFUTED
    n = sp.Rational(r.counterexample["x"])  # type: ignore[index]
    assert n.is_Integer and 1 <= n <= 10**4
    assert (1 + 1 / n) ** n > sp.Rational(27, 10)  # exact rational arithmetic


def test_true_integer_statement_near_the_edge_is_not_refuted() -> None:
    # (1 + 1/n)**n < e for every n: tight as n grows, never false
    st_ = one_var(1, 200, lambda n: (1 + 1 / n) ** n <= sp.E, integer=True)
    r = decide(st_, BUDGET)
    assert r.status is Status.PROVED, r.evidence


# -- unknown, honestly -----------------------------------------------------------------


def test_box_budget_exhaustion_is_unknown_and_names_the_limit() -> None:
    # tight at x = 1/3, which no float box edge can hit
    st_ = one_var(0, 1, lambda x: x**2 - 2 * x / 3 + sp.Rational(1, 9) >= 0)
    r = decide(st_, Budget(seconds=30, max_boxes=300))
    assert r.status is Status.UNKNOWN
    assert "budget of 300 boxes exhausted" in r.evidence and "raise max_boxes" in r.evidence
    assert r.details["boxes"] <= 300


def test_time_cap_stops_the_search_and_says_so() -> None:
    st_ = one_var(0, 1, lambda x: x**2 - 2 * x / 3 + sp.Rational(1, 9) >= 0)
    r = decide(st_, Budget(seconds=0.3, max_boxes=10**9))
    assert r.status is Status.UNKNOWN and "time cap" in r.evidence and "not reproducible" in r.evidence


def test_box_budget_is_deterministic() -> None:
    st_ = one_var(0, 1, lambda x: x**2 - 2 * x / 3 + sp.Rational(1, 9) >= 0)
    first, second = (decide(st_, Budget(max_boxes=500)) for _ in range(2))
    assert first.evidence == second.evidence and first.details["boxes"] == second.details["boxes"] == 500
    assert "time cap" not in first.evidence


def test_truncated_search_gets_a_tenth_of_the_boxes() -> None:
    r = decide(one_var(0, "oo", lambda y: y**2 - 2 * y / 3 + sp.Rational(1, 9) >= 0), Budget(max_boxes=5000))
    assert r.status is Status.UNKNOWN and "unbounded" in r.evidence
    assert r.details["boxes"] <= 500


def test_unbounded_range_is_never_proved() -> None:
    r = decide(one_var(0, "oo", lambda y: sp.exp(-y) <= 1), BUDGET)
    assert r.status is Status.UNKNOWN and "unbounded" in r.evidence


def test_unbounded_range_can_still_be_refuted() -> None:
    st_ = one_var(0, "oo", lambda y: y <= 1000)
    r = decide(st_, BUDGET)
    assert r.status is Status.REFUTED and refutes(st_, r.counterexample)  # type: ignore[arg-type]


def test_undefined_conclusion_is_unknown_not_proved() -> None:
    r = decide(one_var(-1, 1, lambda x: sp.sqrt(x) >= 0), Budget(max_boxes=2000))
    assert r.status is Status.UNKNOWN
    assert "undefined" in r.evidence


def test_progress_is_reported_between_0_and_1() -> None:
    seen: list[float] = []
    r = decide(one_var(0, "1.25", lambda x: sp.exp(x) - 1 <= 2 * x), BUDGET, progress=seen.append)
    assert r.status is Status.PROVED
    assert seen and all(0.0 <= f <= 1.0 for f in seen)
    assert seen[-1] == pytest.approx(1.0)


# -- soundness on random polynomials: every verdict is checked independently -----------


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=8), min_size=2, max_size=5),
    st.fractions(min_value=-2, max_value=2, max_denominator=8),
)
def test_random_polynomial_verdicts_are_sound(coeffs: list[Fraction], c: Fraction) -> None:
    x = make_variable("x", -1, 1)
    X = x.symbol
    p = sum(sp.Rational(a.numerator, a.denominator) * X**i for i, a in enumerate(coeffs))
    st_ = Statement((x,), (), p >= sp.Rational(c.numerator, c.denominator))
    r = decide(st_, Budget(max_boxes=3000))
    if r.status is Status.REFUTED:
        assert refutes(st_, r.counterexample)  # type: ignore[arg-type]
        v = sp.Rational(r.counterexample["x"])  # type: ignore[index]
        assert p.subs(X, v) < sp.Rational(c.numerator, c.denominator)
    elif r.status is Status.PROVED:
        assert _nonnegative_on_unit_interval(sp.Poly(p - sp.Rational(c.numerator, c.denominator), X))
    else:
        assert r.status is Status.UNKNOWN


def _nonnegative_on_unit_interval(q: sp.Poly) -> bool:
    """Exact: q >= 0 on [-1, 1]. Between consecutive real roots q has one sign, and
    every such piece contains a test point: an end of the range, an end of a
    root-isolating interval, or a midpoint between two isolating intervals."""
    if q.degree() <= 0:
        return bool(q.as_expr() >= 0)
    points = {sp.Integer(-1), sp.Integer(1)}
    ivs = sorted((sp.Rational(a), sp.Rational(b)) for (a, b), _ in q.intervals(inf=-1, sup=1))
    for a, b in ivs:
        points |= {a, b}
    for (_, b1), (a2, _) in zip(ivs, ivs[1:], strict=False):
        points.add((b1 + a2) / 2)
    return all(q.eval(t) >= 0 for t in points if -1 <= t <= 1)
