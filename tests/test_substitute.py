"""The substitute backend: unbounded ranges by a change of variable (issue 14, item 2)."""

from __future__ import annotations

import sympy as sp

from boundprop.backends import substitute
from boundprop.cli.prove_cmd import build_statement
from boundprop.counterexample import point_of, refutes
from boundprop.statement import Budget
from boundprop.verdict import Status

BUDGET = Budget(seconds=120, max_boxes=3_000, samples=300, z3_rlimit=1_000_000)


def test_only_real_variables_on_unbounded_ranges_are_taken() -> None:
    assert not substitute.supports(build_statement("x^2 >= 0", (), ("x=-1:1",)))
    assert not substitute.supports(build_statement("n^2 >= 0", (), ("n=0:oo",), ("n",)))
    assert substitute.supports(build_statement("x^2 >= 0", (), ("x=0:oo",)))


def test_reciprocal_is_offered_only_above_zero() -> None:
    above = substitute.rewrites(build_statement("x + 1/x >= 2", (), ("x=1:oo",)))
    assert [r.why.split(" with ")[0] for r in above] == ["x = 1/x_inv", "x = x_c/(1 - x_c) + 1"]
    at_zero = substitute.rewrites(build_statement("x >= 0", (), ("x=0:oo",)))
    assert [r.why.split(" with ")[0] for r in at_zero] == ["x = x_c/(1 - x_c)"]
    assert all(all(v.bounded for v in r.statement.variables) for r in above + at_zero)


def test_a_transcendental_statement_is_proved_on_the_bounded_range() -> None:
    r = substitute.decide(build_statement("sqrt(x) <= (1 + x)/2", (), ("x=0:oo",)), BUDGET)
    assert r.status is Status.PROVED and r.method == "substitute"
    assert "x = x_c/(1 - x_c)" in r.evidence


def test_a_counterexample_is_mapped_back_and_holds_on_the_original() -> None:
    statement = build_statement("x/(1 + x^2) <= 2/5", (), ("x=-oo:oo",))
    r = substitute.decide(statement, BUDGET)
    assert r.status is Status.REFUTED and r.counterexample is not None
    assert set(r.counterexample) == {"x"}  # the original variable, not t
    assert refutes(statement, point_of(statement, r.counterexample))


def test_the_point_at_infinity_is_never_a_counterexample() -> None:
    # after x = 1/t (x = t/(1 - t)) the goal reads t > 0 (t < 1): false only at
    # the open end t = 0 (t = 1), which is x = oo, not a point of the domain
    for text, var in (("1/x > 0", "x=1:oo"), ("x/(1 + x) < 1", "x=0:oo"), ("1/x < 0", "x=-oo:-1")):
        r = substitute.decide(build_statement(text, (), (var,)), BUDGET)
        assert r.status is not Status.REFUTED, (text, r.evidence)


def test_a_whole_line_is_proved_only_if_both_halves_are() -> None:
    # true for x >= 0 only: the half x <= 0 refutes it
    statement = build_statement("x^3 + x >= 0", (), ("x=-oo:oo",))
    r = substitute.decide(statement, BUDGET)
    assert r.status is Status.REFUTED
    assert refutes(statement, point_of(statement, r.counterexample))
    assert sp.Rational(r.counterexample["x"]) < 0
