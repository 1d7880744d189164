"""Adversarial checks of simplify_exp_log (review 7): statements built to fool
each rule (a log of a product of negative factors, an even power of a
negative base, a negative coefficient of an exp, a sum of logs with negative
coefficients, a division by an exp, Max/Min through exp and log, Piecewise
and floor around them, integer variables) must be rewritten to equivalent
statements, never to a weaker one.

The review found no unsound rule; these tests pin down the behaviour that
was checked, with the reference semantics of tests/test_rewrite_explog.py.
"""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp

from boundprop import rewrite
from boundprop.cli.prove_cmd import build_statement
from tests import test_rewrite_explog as reference
from tests.test_rewrite_explog import OUT, TIE, UNDEFINED, outcome

_BASE_VALUE = reference._value


def _value(node, point):
    """The reference evaluator with floor, ceiling and Piecewise (the first
    branch whose condition holds; the others are not evaluated)."""
    if isinstance(node, sp.floor):
        return mpmath.floor(_value(node.args[0], point))
    if isinstance(node, sp.ceiling):
        return mpmath.ceil(_value(node.args[0], point))
    if isinstance(node, sp.Piecewise):
        for value, condition in node.args:
            if reference._truth(condition, point):
                return _value(value, point)
        raise reference._Undefined
    return _BASE_VALUE(node, point)


@pytest.fixture(autouse=True)
def _wider_reference(monkeypatch):
    monkeypatch.setattr(reference, "_value", _value)


def _rewritten(expr: str, assumes: list[str], variables: list[str], integers: list[str] = ()):
    old = build_statement(expr, assumes, variables, list(integers))
    working = rewrite.tighten_ranges(rewrite.guards_last(old))
    r = rewrite.simplify_exp_log(working.statement)
    return old, (working.statement if r is None else r.statement)


def _grid(statement, steps: int = 24):
    """Points of the box: a grid with the ends, integers for integer variables."""
    axes = []
    for v in statement.variables:
        lo, hi = sp.Rational(v.lo), sp.Rational(v.hi)
        values = {lo + (hi - lo) * sp.Rational(k, steps) for k in range(steps + 1)}
        if v.integer:
            values = {sp.Integer(sp.floor(q)) for q in values} & {q for q in values if lo <= q <= hi} | \
                {sp.Integer(k) for k in range(int(sp.ceiling(lo)), int(sp.floor(hi)) + 1)}
        axes.append(sorted(values))
    points = [{}]
    for v, values in zip(statement.variables, axes):
        points = [dict(p, **{v.symbol.name: q}) for p in points for q in values]
    by_name = {v.symbol.name: v.symbol for v in statement.variables}
    return [{by_name[k]: q for k, q in p.items()} for p in points]


def _same_everywhere(old, new) -> None:
    for p in _grid(old):
        before = outcome(old, p)
        if before in (UNDEFINED, TIE):
            continue
        inside = all(v.lo <= p[v.symbol] <= v.hi for v in new.variables)
        if not inside:
            assert before == OUT, (p, before)
            continue
        after = outcome(new, p)
        if after != TIE:
            assert after == before, (p, before, after, new.conclusion)


ADVERSARIAL = [
    # log of a product of two negative factors: only the product is positive
    ("log(x*y) <= log(-x) + log(-y) - 1", [], ["x=-3:-1", "y=-3:-1"]),
    ("log(x*y) >= 1", [], ["x=-3:-1/2", "y=-3:-1/2"]),
    # an even power of a negative base: log(x^2) is not 2 log(x)
    ("log(x^2) >= 2*log(-x) + 1/10", [], ["x=-3:-1"]),
    ("log(x^2)/2 <= y", [], ["x=-3:-1/2", "y=-1:1"]),
    ("log(x^4)/4 + log(y) > 0", ["y > 0"], ["x=-2:-1/2", "y=-1:2"]),
    # a negative coefficient of an exp flips the comparison
    ("-2*exp(x) + 1 > 0", [], ["x=-3:0"]),
    ("-2*exp(x) + 1 >= 0", [], ["x=-3:0"]),
    ("1 - 3*exp(x) < y", ["y > -1"], ["x=-3:1", "y=-2:1/2"]),
    ("2*exp(x) - 3*exp(y) >= 0", ["x >= y + 1/3"], ["x=-1:1", "y=-1:1"]),
    ("-2*exp(x) + 3*exp(y) < 0", ["x >= y + 1/3"], ["x=-1:1", "y=-1:1"]),
    ("y*exp(x) - exp(2*x) >= 0", ["y > 0"], ["x=-1:1", "y=-1:1"]),
    ("exp(x)*(1 + y) >= exp(x)", [], ["x=-1:1", "y=-1:1"]),
    # sums of logs with negative and fractional coefficients (the power L)
    ("-log(x)/2 + log(y)/3 >= -1", ["x > 0", "y > 0"], ["x=0:4", "y=0:4"]),
    ("log(x) - 2*log(y) <= 0", ["x > 0", "y > 0"], ["x=-1:4", "y=-1:4"]),
    ("-log(x)/3 - log(y)/4 + x > 1", ["x > 1/2", "y > 1/2"], ["x=0:3", "y=0:3"]),
    ("log(x) + log(1 - x) <= -log(4) - 1/1000", [], ["x=1/4:3/4"]),
    # division by an exp keeps the strictness
    ("exp(x) - 1 < x*exp(x)", [], ["x=0:3"]),
    ("exp(x) <= x*exp(x)", [], ["x=0:3"]),
    ("(x - 1)*exp(x) + 1 > 0", [], ["x=-1:1"]),
    # Max and Min through exp and log
    ("exp(Max(x, y)) > exp(x)", [], ["x=-1:1", "y=-1:2"]),
    ("log(Max(x, y)) >= log(x) + 1/10", [], ["x=1/2:1", "y=1/2:2"]),
    ("log(Min(x, y)) < log(x)", [], ["x=1/2:2", "y=1/2:2"]),
    # hypotheses rewritten (exp and log compared through their arguments)
    ("x < y", ["exp(x) <= exp(y)"], ["x=1:3", "y=1:3"]),
    ("exp(x) < exp(y)", ["log(x) <= log(y)"], ["x=1:3", "y=1:3"]),
    ("log(x) < 1", ["2*exp(x) - exp(y) > 0", "y > 1"], ["x=1/2:3", "y=0:3"]),
    ("Not(exp(x) <= exp(y))", ["x <= y"], ["x=-1:1", "y=-1:1"]),
    ("Or(exp(x) < 1, log(x) > 1/2)", ["x > 0"], ["x=-1:3"]),
    # integer variables
    ("log(n*x) >= log(x) + log(n) + 1/10", ["x > 0", "n >= 1"], ["x=-1:2", "n=-2:3"]),
    ("exp(n) >= 3*exp(x)", ["n >= 1"], ["x=-1:1", "n=-2:3"]),
    ("log(n^2)/2 <= x", [], ["n=-3:-1", "x=0:2"]),
    # Piecewise and floor around exp and log
    ("x*exp(x) + Piecewise((exp(y), y > 0), (1, True)) >= exp(x)", [], ["x=-1:1", "y=-1:1"]),
    ("floor(log(x*y)) <= log(x) + log(y) - 1", ["x > 0", "y > 0"], ["x=0:3", "y=0:3"]),
]


@pytest.mark.parametrize(("expr", "assumes", "variables"), ADVERSARIAL)
def test_adversarial_rewrites_are_equivalent(expr, assumes, variables) -> None:
    integers = ["n"] if any(v.startswith("n=") for v in variables) else []
    old, new = _rewritten(expr, assumes, variables, integers)
    _same_everywhere(old, new)


def test_even_power_of_a_negative_base_is_not_split() -> None:
    _, new = _rewritten("log(x^2) <= 1", [], ["x=-3:-1/2"])
    assert not new.conclusion.has(sp.log(sp.Symbol("x", real=True)))


def test_negative_exp_coefficient_flips() -> None:
    _, new = _rewritten("-2*exp(x) + 1 > 0", [], ["x=-3:0"])
    x = sp.Symbol("x", real=True)
    # 1 > 2 exp(x) is x < -log(2), whichever way round it is written
    assert sp.simplify((new.conclusion.lhs - new.conclusion.rhs).subs(x, -1)) != 0
    for q in (sp.Rational(-1), sp.Rational(-1, 2), sp.Rational(-3, 4)):
        assert bool(new.conclusion.subs(x, q)) == bool(-2 * sp.exp(q) + 1 > 0)


def test_random_statements_with_negative_coefficients_and_roots() -> None:
    """A wider generator than test_rewrite_explog's: negative and zero
    coefficients, odd and fractional powers, reciprocals, floor and
    Piecewise, integer variables, two hypotheses."""
    rng = random.Random("review7")
    names = ["x", "y", "n"]
    small = ("1", "2", "1/2", "-1", "-2", "-1/2", "1/3")
    ranges = ("-2:2", "1/2:3", "-3:-1/2", "0:2", "1:4", "-4:-1")

    def term(d: int) -> str:
        if d == 0 or rng.random() < 0.3:
            return rng.choice(names) if rng.random() < 0.7 else rng.choice(small)
        a, b = term(d - 1), term(d - 1)
        return rng.choice((f"({a} + {b})", f"({a} - {b})", f"({a})*({b})", f"({a})^2", f"({a})^3",
                           f"exp({a})", f"log({a})", f"Max({a}, {b})", f"1/({a})", f"sqrt({a})",
                           f"({a})^(2/3)", f"floor({a})", f"({a})*exp(-({b}))"))

    checked = 0
    for _ in range(300):
        t = [term(2) for _ in range(4)]
        op = rng.choice(("<=", "<", ">=", ">"))
        c, d = rng.choice(small), rng.choice(small)
        goal = rng.choice((
            f"{c}*exp({t[0]}) + {d}*exp({t[1]}) {op} 0",
            f"({t[2]})*exp({t[0]}) {op} ({t[3]})*exp({t[1]})",
            f"{c}*log({t[0]}) + {d}*log({t[1]}) {op} {t[2]}",
            f"log(({t[0]})*({t[1]})) {op} {t[2]}",
            f"log(({t[0]})^2)/2 {op} {t[1]}",
            f"exp({t[0]}) - ({t[1]}) {op} ({t[2]})*exp({t[0]})",
            f"{c}*exp({t[0]}) {op} {t[1]}",
        ))
        hyps = rng.sample(["x > 0", "y > 1/2", "x < y", "n >= 1", "exp(x) >= 2", "log(x*y) > 0"], rng.choice((0, 1, 2)))
        text = goal + " " + " ".join(hyps)
        used = [v for v in names if v in text]
        var_specs = [f"{v}={rng.choice(ranges)}" for v in used]
        try:
            old = build_statement(goal, hyps, var_specs, ["n"] if "n" in used else [])
        except Exception:  # a text the parser refuses (a name that cancels out): draw again
            continue
        working = rewrite.tighten_ranges(rewrite.guards_last(old))
        r = rewrite.simplify_exp_log(working.statement)
        if r is None:
            continue
        checked += 1
        new = r.statement
        for _ in range(12):
            p = {}
            for v in old.variables:
                q = v.lo + (v.hi - v.lo) * sp.Rational(rng.randrange(17), 16)
                p[v.symbol] = sp.Integer(sp.floor(q)) if v.integer else q
            before = outcome(old, p)
            if before in (UNDEFINED, TIE):
                continue
            if not all(v.lo <= p[v.symbol] <= v.hi for v in new.variables):
                assert before == OUT
                continue
            after = outcome(new, p)
            if after != TIE:
                assert after == before, (old.hypotheses, old.conclusion, new.conclusion, p)
    assert checked > 50
