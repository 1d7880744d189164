"""Counterexamples at real algebraic points (issue 14).

Statements false only at irrational points (x = sqrt(2), a circle without
rational points, the cube root of 2) are refuted with exact algebraic
counterexamples, re-verified exactly; true statements of the same shape, and
false-looking candidates outside the range, where a hypothesis fails or where
the statement is undefined, are not.
"""

from __future__ import annotations

import json

import pytest
import sympy as sp
from catalog import CATALOG

from boundprop.backends import algebraic, falsifier, portfolio
from boundprop.cli.prove_cmd import build_statement
from boundprop.counterexample import (
    AlgebraicValue,
    Outcome,
    evaluate,
    exact_string,
    parse_algebraic,
    point_of,
    point_value,
    refutes,
)
from boundprop.statement import Budget, Statement
from boundprop.verdict import Status

BUDGET = Budget(samples=2000, z3_rlimit=2_000_000)
_BY_NAME = {e.name: e for e in CATALOG}


def _independent_fails(st: Statement, cex: dict[str, str]) -> bool:
    """The conclusion ``Ne(p, q)`` fails at the point, by sympy's own exact
    algebra (not boundprop's evaluator): ``p - q`` simplifies to 0 and every
    coordinate is inside its range (sympy decides comparisons of radicals)."""
    values = {v.symbol: sp.sympify(cex[v.name]) for v in st.variables}
    for v in st.variables:
        value = values[v.symbol]
        assert value.is_real
        if v.lo.is_finite:
            assert bool(value >= v.lo)
        if v.hi.is_finite:
            assert bool(value <= v.hi)
    concl = st.conclusion
    assert isinstance(concl, sp.Ne)
    diff = (concl.lhs - concl.rhs).xreplace(values)
    return sp.minimal_polynomial(diff, sp.Symbol("t")) == sp.Symbol("t")


@pytest.mark.parametrize("name,expected", [
    ("ne-sqrt2", {"x": "sqrt(2)"}),
    ("ne-circle-3", None),
    ("ne-cbrt2", {"x": "2**(1/3)"}),
])
def test_irrational_only_statements_are_refuted_exactly(name: str, expected: dict[str, str] | None) -> None:
    st = _BY_NAME[name].statement()
    result = portfolio.decide(st, BUDGET)
    assert result.status is Status.REFUTED, result.details
    assert result.counterexample is not None
    cex = dict(result.counterexample)
    if expected is not None:
        assert cex == expected
    # every value is an exact string, none of them rational
    assert all(isinstance(v, str) for v in cex.values())
    assert any(not isinstance(point_value(v), sp.Rational) for v in cex.values())
    # re-verified by the one path, and independently by sympy
    assert refutes(st, point_of(st, cex))
    assert _independent_fails(st, cex)
    # replayable: the JSON form reads back as the same counterexample
    again = json.loads(json.dumps(cex))
    assert refutes(st, point_of(st, again))
    assert "algebraic" in result.evidence and "re-verified exactly" in result.evidence


def test_circle_counterexample_lies_on_the_circle() -> None:
    st = _BY_NAME["ne-circle-3"].statement()
    result = falsifier.decide(st, BUDGET)
    assert result.status is Status.REFUTED
    assert result.counterexample is not None
    x, y = (sp.sympify(result.counterexample[n]) for n in ("x", "y"))
    assert sp.simplify(x**2 + y**2 - 3) == 0


def test_higher_degree_root_is_a_crootof() -> None:
    st = build_statement("Ne(x^5 - x, 1)", (), ("x=0:2",), ())
    result = portfolio.decide(st, BUDGET)
    assert result.status is Status.REFUTED
    assert result.counterexample == {"x": "CRootOf(x**5 - x - 1, 0)"}
    assert refutes(st, point_of(st, result.counterexample))


@pytest.mark.parametrize("expr,var,assume", [
    # same shape, the only real roots outside the range
    ("Ne(x^2, 2)", ("x=3/2:3",), ()),
    ("Ne(x^3, 2)", ("x=-2:1",), ()),
    # the root is in the range, but a disjunct holds there
    ("Or(Ne(x^2, 2), x > 1)", ("x=0:2",), ()),
    # the circle point (0, sqrt(3)) is a candidate, but the hypothesis y >= 2 fails there
    ("Ne(x^2 + y^2, 3)", ("y=-5:5",), ("y >= 2",)),
    # true beyond double precision: sqrt(2) = 1.41421356237309504880... > 1.4142135623730950
    ("Or(Ne(x^2, 2), x > 14142135623730950/10000000000000000)", ("x=1:2",), ()),
])
def test_true_statements_of_the_same_shape_are_not_refuted(
    expr: str, var: tuple[str, ...], assume: tuple[str, ...]
) -> None:
    st = build_statement(expr, assume, var, ())
    for result in (falsifier.decide(st, BUDGET), portfolio.decide(st, BUDGET)):
        assert result.status is not Status.REFUTED, result


def test_false_beyond_double_precision_is_refuted() -> None:
    # sqrt(2) < 1.4142135623730951: only exact arithmetic tells the two statements apart
    st = build_statement("Or(Ne(x^2, 2), x > 14142135623730951/10000000000000000)", (), ("x=1:2",), ())
    result = portfolio.decide(st, BUDGET)
    assert result.status is Status.REFUTED
    assert result.counterexample == {"x": "sqrt(2)"}


def test_candidate_where_the_hypothesis_fails_is_excluded() -> None:
    st = build_statement("Ne(x^2 + y^2, 3)", ("y >= 2",), ("y=-5:5",), ())
    x, y = (v.symbol for v in st.variables)
    points = [p for p, _ in algebraic.candidates(st)]
    assert {x: sp.Integer(0), y: sp.sqrt(3)} in points
    assert evaluate(st, {x: 0, y: sp.sqrt(3)})[0] is Outcome.EXCLUDED
    assert algebraic.search(st) is None


def test_candidate_where_the_statement_is_undefined_is_not_a_counterexample() -> None:
    st = build_statement("Or(Ne(x^2, 2), 1/(x^2 - 2) > 0)", (), ("x=1:2",), ())
    x = st.variables[0].symbol
    assert evaluate(st, {x: sp.sqrt(2)})[0] is Outcome.UNDEFINED
    assert algebraic.search(st) is None
    assert portfolio.decide(st, BUDGET).status is not Status.REFUTED


def test_strict_inequality_violated_only_on_the_zero_set() -> None:
    st = build_statement("(x^2 - 2)^2 > 0", (), ("x=0:2",), ())
    result = portfolio.decide(st, BUDGET)
    assert result.status is Status.REFUTED
    assert result.counterexample == {"x": "sqrt(2)"}


def test_ties_are_decided_exactly() -> None:
    st = build_statement("x^2 < 2", (), ("x=1:2",), ())
    x = st.variables[0].symbol
    assert refutes(st, {x: sp.sqrt(2)})  # 2 < 2 is false
    st = build_statement("x^2 <= 2", (), ("x=1:2",), ())
    assert evaluate(st, {x: sp.sqrt(2)})[0] is Outcome.HOLDS
    st = build_statement("Eq(x^3, 2)", (), ("x=1:2",), ())
    assert evaluate(st, {x: "CRootOf(x**3 - 2, 0)"})[0] is Outcome.HOLDS
    assert evaluate(st, {x: "sqrt(2)"})[0] is Outcome.FAILS


@pytest.mark.parametrize("value,text", [
    (sp.sqrt(2), "sqrt(2)"),
    (2 ** sp.Rational(1, 3), "2**(1/3)"),
    (1 + sp.sqrt(3) / 2, "sqrt(3)/2 + 1"),
    (sp.CRootOf(sp.Symbol("x") ** 5 - sp.Symbol("x") - 1, 0), "CRootOf(x**5 - x - 1, 0)"),
    (sp.sqrt(8) - 2 * sp.sqrt(2), "0"),
])
def test_exact_strings_read_back_as_the_same_number(value: sp.Expr, text: str) -> None:
    assert exact_string(value) == text
    back = point_value(text)
    original = point_value(value)
    if isinstance(original, AlgebraicValue):
        assert isinstance(back, AlgebraicValue)
        assert (back.poly, back.index) == (original.poly, original.index)
    else:
        assert back == original


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')",
    "x",
    "x + 1",
    "sqrt(-2)",
    "(-8)**(1/3)",
    "9**9**9**9",
    "CRootOf(x**(9**9**9), 0)",
    "CRootOf(x**2 + 1, 0)",
    "CRootOf(x**5 - x - 1, 3)",
    "2**(1/3)**(1/2)",
    "exp(1)",
    "pi",
])
def test_unreadable_or_non_real_algebraic_texts_are_rejected(text: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        parse_algebraic(text) if not text.startswith("(-8)") else _must_fail(text)


def _must_fail(text: str) -> None:
    try:
        point_value(text)
    except Exception as exc:
        raise ValueError(str(exc)) from exc


def test_integer_variables_never_take_irrational_values() -> None:
    st = build_statement("Ne(n^2, 2)", (), ("n=0:5",), ("n",))
    n = st.variables[0].symbol
    assert evaluate(st, {n: sp.sqrt(2)})[0] is Outcome.OUTSIDE
    assert portfolio.decide(st, BUDGET).status is Status.PROVED


@pytest.mark.parametrize("assume,expected", [
    (("Eq(x, y)",), {"x": "sqrt(6)/2", "y": "sqrt(6)/2"}),
    (("Eq(x + 2*y, 1)",), {"x": "1/5 - 2*sqrt(14)/5", "y": "2/5 + sqrt(14)/5"}),
])
def test_linear_equality_hypotheses_are_eliminated(assume: tuple[str, ...], expected: dict[str, str]) -> None:
    st = build_statement("Ne(x^2 + y^2, 3)", assume, (), ())
    result = portfolio.decide(st, BUDGET)
    assert result.status is Status.REFUTED
    assert result.counterexample == expected
    point = point_of(st, result.counterexample)
    assert refutes(st, point)
    x, y = (v.symbol for v in st.variables)
    assert sp.simplify(point[x] ** 2 + point[y] ** 2 - 3) == 0


def test_equality_hypothesis_that_excludes_the_circle_is_not_refuted() -> None:
    # x = y + 3 meets x^2 + y^2 = 3 nowhere (2y^2 + 6y + 6 has no real root)
    st = build_statement("Ne(x^2 + y^2, 3)", ("Eq(x, y + 3)",), (), ())
    assert algebraic.search(st) is None
    assert portfolio.decide(st, BUDGET).status is not Status.REFUTED
