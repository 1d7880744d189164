"""Ranges narrowed by one-variable hypotheses before deciding."""

from __future__ import annotations

import sympy as sp

from boundprop.backends import portfolio
from boundprop.rewrite import tighten_ranges as _tighten
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import Status

X = make_variable("x", -2, 2)
N = make_variable("n", -10, 10, integer=True)
x, n = X.symbol, N.symbol


def tighten_ranges(statement: Statement) -> Statement:
    return _tighten(statement).statement


BUDGET = Budget(z3_rlimit=2_000_000, max_boxes=5_000, samples=1_000)

def test_bounds_from_hypotheses() -> None:
    s = tighten_ranges(Statement((X, N), (sp.Le(0, x), sp.Lt(2 * n, 7), sp.Ge(n, sp.Rational(-3, 2))), sp.true))
    assert (s.variables[0].lo, s.variables[0].hi) == (0, 2)
    assert (s.variables[1].lo, s.variables[1].hi) == (-1, 3)  # integers: ceil(-3/2), floor(7/2)
    assert s.hypotheses == (sp.Le(0, x), sp.Lt(2 * n, 7), sp.Ge(n, sp.Rational(-3, 2)))


def test_nonlinear_and_multivariable_hypotheses_are_ignored() -> None:
    s = tighten_ranges(Statement((X, N), (sp.Le(x**2, 1), sp.Le(x + n, 0)), sp.true))
    assert s.variables == (X, N)


def test_contradictory_bounds_leave_ranges_alone() -> None:
    s = tighten_ranges(Statement((X,), (sp.Ge(x, 1), sp.Le(x, 0)), sp.true))
    assert s.variables == (X,)
    assert portfolio.decide(Statement((X,), (sp.Ge(x, 1), sp.Le(x, 0)), sp.Le(x, -5)), BUDGET).status is (
        Status.PROVED
    )


def test_tight_at_a_hypothesis_edge_is_proved() -> None:
    # g(x) <= 2x holds with equality at x = 0, the edge that the hypothesis sets.
    s = Statement((X,), (sp.Le(0, x), sp.Le(x, sp.Rational(5, 4))), sp.Le(sp.exp(x) - 1, 2 * x))
    assert portfolio.decide(s, BUDGET).status is Status.PROVED


def test_strict_hypothesis_still_excludes_its_endpoint() -> None:
    # x > 0 narrows the range to [0, 2] but x = 0 stays excluded: 1/x is never evaluated there.
    s = Statement((X,), (sp.Gt(x, 0),), sp.Gt(x, 0))
    result = portfolio.decide(s, BUDGET)
    assert result.status is Status.PROVED


def test_false_statement_is_still_refuted() -> None:
    s = Statement((X,), (sp.Le(0, x), sp.Le(x, sp.Rational(13, 10))), sp.Le(sp.exp(x) - 1, 2 * x))
    result = portfolio.decide(s, BUDGET)
    assert result.status is Status.REFUTED
    assert result.counterexample is not None
    assert sp.Rational(result.counterexample["x"]) > sp.Rational(5, 4)
