"""The exp/log simplification of boundprop.rewrite (simplify_exp_log, issue 14).

A property test in the manner of tests/test_rewrite.py, with a reference
evaluator of its own (mpmath at 60 digits, so exp and log are evaluated; a
point where a relation is within 1e-30 of a tie is skipped): at every random
point of the box, the rewritten statement has the same outcome (holds,
fails, undefined, outside the hypotheses) as the original. Then each rule on
its own, each with a false statement that the rule must not turn into a
proved one (a side condition that fails somewhere on the range), and the
portfolio on the statements the rewrite is for.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping

import mpmath
import pytest
import sympy as sp
from exact_eval import outcome_in_order
from sympy.core.relational import Relational

from boundprop import rewrite
from boundprop.backends import portfolio
from boundprop.cli.prove_cmd import build_statement
from boundprop.statement import Budget, Statement
from boundprop.verdict import Status

OUT, UNDEFINED, HOLDS, FAILS, TIE = "out", "undefined", "holds", "fails", "tie"

mpmath.mp.dps = 60
_TOL = mpmath.mpf(10) ** -30


class _Undefined(Exception):
    pass


class _Tie(Exception):
    pass


def _value(node: sp.Basic, point: Mapping[sp.Symbol, sp.Rational]) -> mpmath.mpf:
    if isinstance(node, sp.Symbol):
        q = point[node]
        return mpmath.mpf(int(q.p)) / int(q.q)
    if node.is_Rational:
        return mpmath.mpf(int(node.p)) / int(node.q)
    if node is sp.E:
        return mpmath.e
    if isinstance(node, sp.Add):
        return mpmath.fsum(_value(a, point) for a in node.args)
    if isinstance(node, sp.Mul):
        out = mpmath.mpf(1)
        for a in node.args:
            out *= _value(a, point)
        return out
    if isinstance(node, sp.Pow):
        base = _value(node.base, point)
        if node.exp.is_Integer:
            if base == 0 and node.exp < 0:
                raise _Undefined
            return base ** int(node.exp)
        if base < 0 or (base == 0 and not node.exp.is_positive):
            raise _Undefined
        return base ** _value(node.exp, point)
    if isinstance(node, sp.exp):
        return mpmath.exp(_value(node.args[0], point))
    if isinstance(node, sp.log):
        a = _value(node.args[0], point)
        if a <= 0:
            raise _Undefined
        return mpmath.log(a)
    if isinstance(node, sp.Abs):
        return abs(_value(node.args[0], point))
    if isinstance(node, sp.Min):
        return min(_value(a, point) for a in node.args)
    if isinstance(node, sp.Max):
        return max(_value(a, point) for a in node.args)
    raise NotImplementedError(f"reference evaluator: {node.func}")


def _truth(node: sp.Basic, point: Mapping[sp.Symbol, sp.Rational]) -> bool:
    if node is sp.true or node is True:
        return True
    if node is sp.false or node is False:
        return False
    if isinstance(node, sp.And):
        return all([_truth(a, point) for a in node.args])
    if isinstance(node, sp.Or):
        return any([_truth(a, point) for a in node.args])
    if isinstance(node, sp.Not):
        return not _truth(node.args[0], point)
    assert isinstance(node, Relational), node
    gap = _value(node.lhs, point) - _value(node.rhs, point)
    if abs(gap) < _TOL:
        raise _Tie
    if isinstance(node, sp.Eq):
        return False
    if isinstance(node, sp.Ne):
        return True
    return bool(gap > 0) if isinstance(node, (sp.GreaterThan, sp.StrictGreaterThan)) else bool(gap < 0)


def outcome(statement: Statement, point: Mapping[sp.Symbol, sp.Rational]) -> str:
    """What the statement is at ``point`` (inside the ranges), by the written semantics."""
    try:
        return outcome_in_order(statement, lambda condition: _truth(condition, point))
    except _Undefined:
        return UNDEFINED
    except _Tie:
        return TIE


# ---------------------------------------------------------------------------
# random statements with exp and log

_RANGES = ("-2:2", "1/2:3", "-3:-1/2", "0:2", "-1:1")
_SMALL = ("1", "2", "1/2", "3", "-1", "1/3")


def _term(rng: random.Random, names: list[str], depth: int) -> str:
    if depth == 0 or rng.random() < 0.3:
        return rng.choice(names) if rng.random() < 0.7 else rng.choice(_SMALL)
    a, b = _term(rng, names, depth - 1), _term(rng, names, depth - 1)
    return rng.choice((f"({a} + {b})", f"({a} - {b})", f"({a})*({b})", f"({a})^2", f"exp({a})",
                       f"log({a})", f"Abs({a})", f"Max({a}, {b})", f"Min({a}, {b})", f"{a}/2"))


def _goal(rng: random.Random, names: list[str]) -> str:
    t = [_term(rng, names, 2) for _ in range(4)]
    op = rng.choice(("<=", "<", ">=", ">"))
    return rng.choice((
        f"log({t[0]}) {op} {t[1]}",
        f"exp({t[0]}) {op} exp({t[1]})",
        f"{rng.choice(_SMALL)}*exp({t[0]}) {op} {t[1]}",
        f"log({t[0]}) + log({t[1]}) {op} log({t[2]})",
        f"log({t[0]})/3 - log({t[1]}) {op} {t[2]}",
        f"log(Max({t[0]}, {t[1]})) {op} {t[2]}",
        f"log(({t[0]})*({t[1]})) {op} {t[2]}",
        f"log(({t[0]})^2)/2 {op} {t[1]}",
        f"log(exp({t[0]}) + exp({t[1]})) {op} Max({t[2]}, {t[3]})",
        f"exp({t[0]})*exp({t[1]}) {op} {t[2]}",
        f"exp(Min({t[0]}, {t[1]})) {op} {t[2]}",
    ))


def _statement(rng: random.Random) -> Statement:
    names = ["x", "y"]
    for _ in range(1000):
        ranges = [f"x={rng.choice(_RANGES)}", f"y={rng.choice(_RANGES)}"]
        hyps = [rng.choice(("x > 0", "y > 1/2", "x < y", "log(x + 3) > 1/2", "exp(x) <= exp(y)"))] \
            if rng.random() < 0.4 else []
        try:
            return build_statement(_goal(rng, names), hyps, ranges)
        except Exception:  # a random text the parser refuses: draw again
            continue
    raise AssertionError("the generator draws no statement the parser takes")


def _point(rng: random.Random, statement: Statement) -> dict[sp.Symbol, sp.Rational]:
    out = {}
    for v in statement.variables:
        r = rng.random()
        if r < 0.15:
            out[v.symbol] = sp.Rational(v.lo)
        elif r < 0.3:
            out[v.symbol] = sp.Rational(v.hi)
        else:
            q = rng.choice((2, 3, 4, 7, 16, 1000))
            out[v.symbol] = v.lo + (v.hi - v.lo) * sp.Rational(rng.randrange(q + 1), q)
    return out


def test_simplify_exp_log_keeps_truth_and_definedness() -> None:
    rng = random.Random("rewrite:simplify_exp_log")
    tally: Counter[str] = Counter()
    applied = 0
    for _ in range(400):
        old = _statement(rng)
        r = rewrite.simplify_exp_log(old)
        if r is None:
            continue
        applied += 1
        new = r.statement
        assert new.guards == old.guards and new.variables == old.variables
        assert rewrite._explog_cost(new.conclusion) <= rewrite._explog_cost(old.conclusion)
        for _ in range(16):
            p = _point(rng, old)
            assert r.forth(p) == p and r.back(p) == p
            before, now = outcome(old, p), outcome(new, p)
            if TIE in (before, now):
                tally["tie"] += 1
                continue
            assert before == now, (old, new, p, before, now)
            tally[before] += 1
    assert applied >= 60, applied
    assert tally[HOLDS] and tally[FAILS] and tally[UNDEFINED] and tally[OUT], tally


# ---------------------------------------------------------------------------
# each rule


def _simplified(goal: str, ranges: tuple[str, ...], hyps: tuple[str, ...] = ()) -> tuple[Statement, Statement | None]:
    s = build_statement(goal, hyps, ranges)
    r = rewrite.simplify_exp_log(s)
    return s, (None if r is None else r.statement)


def _proved(goal: str, ranges: tuple[str, ...], hyps: tuple[str, ...] = ()) -> Status:
    return portfolio.decide(build_statement(goal, hyps, ranges), Budget(seconds=20)).status


def test_exp_comparison_becomes_a_comparison_of_exponents() -> None:
    s, new = _simplified("exp(4*y - 3*x) > exp(6)", ("x=0:oo", "y=-oo:oo"), ("y > Max(2, 3*x)",))
    assert new is not None and not new.conclusion.has(sp.exp)
    x, y = s.variable("x").symbol, s.variable("y").symbol
    assert sp.expand(new.conclusion.lhs - new.conclusion.rhs) == 4 * y - 3 * x - 6
    assert isinstance(new.conclusion, sp.StrictGreaterThan)


def test_logs_of_positive_arguments_combine_into_one_polynomial_comparison() -> None:
    s, new = _simplified("log((x + y + z)/3) >= (log(x) + log(y) + log(z))/3", ("x=1/2:4", "y=1/2:4", "z=1/2:4"))
    assert new is not None and not new.conclusion.has(sp.log, sp.exp)
    assert new.conclusion.lhs.is_polynomial() and new.conclusion.rhs.is_polynomial()


def test_logs_of_arguments_not_proved_positive_are_not_combined() -> None:
    # x may be 0 on [0, 2]: log(x) + log(y) is not log(x y) there (ill-defined,
    # and must stay so: the definedness layer finds x = 0)
    _, new = _simplified("log(x) + log(y) >= log(x*y)", ("x=0:2", "y=1:2"))
    assert new is None
    assert _proved("log(x) + log(y) >= log(x*y)", ("x=0:2", "y=1:2")) is Status.ILL_DEFINED


def test_log_of_a_product_is_split_only_when_every_factor_is_positive() -> None:
    x, y = sp.symbols("x y", real=True)
    goal = sp.log(x * y)
    negative = {x: (sp.Integer(-2), False, sp.Integer(-1), False), y: (sp.Integer(-2), False, sp.Integer(-1), False)}
    positive = {x: (sp.Integer(1), False, sp.Integer(2), False), y: (sp.Integer(0), True, sp.Integer(2), False)}
    assert rewrite._explog_terms(goal, negative, split=True) == goal
    assert rewrite._explog_terms(goal, positive, split=True) == sp.log(x) + sp.log(y)


def test_a_false_statement_with_a_power_of_a_negative_number_is_not_proved() -> None:
    # log(x^2)/2 = log|x| >= 0 > x on [-3, -1]: false; log(x^2)/2 -> log(x)
    # (wrong for x < 0) would turn it into x <= exp(x), which is true
    s, new = _simplified("log(x^2)/2 <= x", ("x=-3:-1",))
    (x,) = s.symbols
    assert new is None or outcome(new, {x: sp.Integer(-1)}) == FAILS
    assert _proved("log(x^2)/2 <= x", ("x=-3:-1",)) is Status.REFUTED


def test_a_false_log_split_over_negative_factors_is_refuted() -> None:
    # x y > 0 with x, y < 0: log(x y) is defined but log(x) + log(y) is not
    goal, ranges = "log(x*y)/2 <= x + y + 1", ("x=-2:-1/2", "y=-2:-1/2")
    assert _proved(goal, ranges) is Status.REFUTED


def test_exp_against_a_level_not_proved_positive_is_left_alone() -> None:
    # exp(x) <= 1 - x is false at x = 1; 1 - x is not positive on [-2, 2],
    # so it must not become x <= log(1 - x)
    _, new = _simplified("exp(x) <= 1 - x", ("x=-2:2",))
    assert new is None
    assert _proved("exp(x) <= 1 - x", ("x=-2:2",)) is Status.REFUTED


def test_log_of_max_and_exp_of_max() -> None:
    _, new = _simplified("log(Max(exp(2*x), exp(3*x))) >= 3*x", ("x=-oo:oo",))
    assert new is not None and not new.conclusion.has(sp.exp, sp.log)
    _, new = _simplified("log(exp(x) + exp(y)) <= Max(x, y) + log(2)", ("x=-oo:oo", "y=-oo:oo"))
    assert new is not None and not new.conclusion.has(sp.log)


def test_an_exp_with_a_polynomial_factor_is_divided_out() -> None:
    s, new = _simplified("exp(x) - 1 <= x*exp(x)", ("x=-oo:oo",))
    assert new is not None
    assert rewrite._explog_rank(new.conclusion)[2] < rewrite._explog_rank(s.conclusion)[2]
    (x,) = s.symbols
    for q in (-3, -1, 0, 1, 5):  # the same relation, divided by exp(x) > 0
        old_gap = s.conclusion.lhs - s.conclusion.rhs
        new_gap = new.conclusion.lhs - new.conclusion.rhs
        assert abs(float((old_gap * sp.exp(-x) - new_gap).subs(x, q))) < 1e-12


def test_an_exp_of_a_rational_function_against_a_positive_level_becomes_a_log() -> None:
    s, new = _simplified("exp(x/(1 + x)) <= 1 + x", ("x=-1:oo",), ("x > -1",))
    assert new is not None and new.conclusion.has(sp.log) and not new.conclusion.has(sp.exp)
    # without the hypothesis, 1 + x is not proved positive at x = -1: no log of it
    _, new = _simplified("exp(x) <= 1 + x", ("x=-1:oo",))
    assert new is None


@pytest.mark.parametrize(("goal", "ranges", "hyps"), [
    ("log(exp(x) + exp(y)) <= Max(x, y) + log(2)", ("x=-oo:oo", "y=-oo:oo"), ()),
    ("log(exp(x) + exp(y)) >= Max(x, y)", ("x=-oo:oo", "y=-oo:oo"), ()),
    ("log(1 + exp(x)) >= Max(x, 0)", ("x=-oo:oo",), ()),
    ("log(1 + x^2 + exp(x)) > x", ("x=-oo:oo",), ()),
    ("log((x + y + z)/3) >= (log(x) + log(y) + log(z))/3", ("x=1/2:4", "y=1/2:4", "z=1/2:4"), ()),
    ("exp(x/(1 + x)) <= 1 + x", ("x=-1:oo",), ("x > -1",)),
    ("exp(x) - 1 <= x*exp(x)", ("x=-oo:oo",), ()),
])
def test_the_portfolio_proves_what_the_rewrite_simplifies(goal: str, ranges: tuple[str, ...],
                                                          hyps: tuple[str, ...]) -> None:
    assert _proved(goal, ranges, hyps) is Status.PROVED


@pytest.mark.parametrize(("goal", "ranges"), [
    ("log(exp(x) + exp(y)) <= Max(x, y) + log(2) - 1/100", ("x=-oo:oo", "y=-oo:oo")),
    ("log(exp(x) + exp(y)) >= Max(x, y) + 1/100", ("x=-oo:oo", "y=-oo:oo")),
    ("log((x + y + z)/3) >= (log(x) + log(y) + log(z))/3 + 1/1000", ("x=1/2:4", "y=1/2:4", "z=1/2:4")),
    ("exp(x/(1 + x)) >= 1 + x", ("x=0:oo",)),
    ("exp(x) - 1 <= x*exp(x)/2", ("x=-oo:oo",)),
    ("exp(4*y - 3*x) > exp(7)", ("x=0:1", "y=2:3")),
])
def test_false_variants_are_refuted(goal: str, ranges: tuple[str, ...]) -> None:
    assert _proved(goal, ranges) is Status.REFUTED


# (goal, hypotheses, ranges, truth, expected status or None): ties, strictness
# and domains the rewrite must respect; each truth established by hand
AUDIT: list[tuple[str, tuple[str, ...], tuple[str, ...], bool, str | None]] = [
    ("exp(x) >= exp(y)", ("x >= y",), ("x=-oo:oo", "y=-oo:oo"), True, "proved"),
    ("exp(x) > exp(y)", ("x >= y",), ("x=-oo:oo", "y=-oo:oo"), False, "refuted"),  # x = y
    ("exp(x/(1 + x)) < 1 + x", ("x > -1",), ("x=-1:oo",), False, "refuted"),  # tie at x = 0
    ("log(exp(x) + exp(y)) > Max(x, y)", (), ("x=-oo:oo", "y=-oo:oo"), True, None),
    ("log(exp(x) + exp(y)) >= Max(x, y) + log(2)", (), ("x=-oo:oo", "y=-oo:oo"), False, "refuted"),  # x != y
    ("log(exp(x) + exp(y)) < Max(x, y) + log(2)", (), ("x=-oo:oo", "y=-oo:oo"), False, "refuted"),  # x = y
    ("Eq(log(x*y), log(x) + log(y))", (), ("x=1/2:2", "y=1/2:2"), True, "proved"),
    ("Eq(log(x*y), log(x) + log(y))", (), ("x=-2:-1/2", "y=-2:-1/2"), True, "ill-defined"),  # log(x), x < 0
    ("Eq(log(x**2), 2*log(x))", (), ("x=-2:-1/2",), True, "ill-defined"),
    ("Eq(log(x**2), 2*log(Abs(x)))", (), ("x=-2:-1/2",), True, None),
    ("log(x**2) <= 2*x", (), ("x=-2:-1/2",), False, "refuted"),  # log(x^2) >= -log 4 > 2x at x = -2
    ("3*log((x + y)/2) >= log(x) + log(y) + log((x + y)/2)", (), ("x=1/2:4", "y=1/2:4"), True, "proved"),
    ("3*log((x + y)/2) > log(x) + log(y) + log((x + y)/2)", (), ("x=1/2:4", "y=1/2:4"), False, "refuted"),  # x = y
    ("log(x) + log(y) <= log(x + y)", (), ("x=0:2", "y=1:2"), True, "ill-defined"),  # log(0)
]


@pytest.mark.parametrize(("goal", "hyps", "ranges", "truth", "expected"), AUDIT)
def test_verdict_is_never_wrong(goal: str, hyps: tuple[str, ...], ranges: tuple[str, ...], truth: bool,
                                expected: str | None) -> None:
    result = portfolio.decide(build_statement(goal, hyps, ranges), Budget(seconds=30))
    if truth:
        assert result.status is not Status.REFUTED, (result.counterexample, result.evidence)
    else:
        assert result.status is not Status.PROVED, result.evidence
    if expected is not None:
        assert result.status.value == expected, result.evidence


def test_a_failing_rewrite_leaves_the_decision_to_the_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_statement: Statement) -> rewrite.Rewrite | None:
        raise RuntimeError("bug")

    monkeypatch.setattr(portfolio, "simplify_exp_log", broken)
    assert _proved("exp(x) >= 1 + x", ("x=-1:1",)) is Status.PROVED
    assert _proved("exp(x) >= 1 + 2*x", ("x=-1:1",)) is Status.REFUTED
