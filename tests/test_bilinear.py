"""The product-abstraction backend: the bilinear pieces of the SAtt/Res lemmas
at n = d = 2 proved, false variants never proved (and refuted by the
portfolio), and the derived facts true at random exact points."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from boundprop.api import build_statement
from boundprop.backends import bilinear, portfolio
from boundprop.backends.base import DEFAULT
from boundprop.interval import refutes
from boundprop.statement import Budget, Statement
from boundprop.verdict import Status

BUDGET = Budget(z3_rlimit=20_000_000, seconds=120, samples=2_000, max_boxes=2_000)


def _matrix(name: str, rows: int, cols: int) -> list[list[str]]:
    return [[f"{name}{i}{j}" for j in range(cols)] for i in range(rows)]


def _n1(m: list[list[str]]) -> str:
    return "Max(" + ", ".join(f"Abs({e})" for row in m for e in row) + ")"


def _n2(m: list[list[str]]) -> str:
    return "Max(" + ", ".join("(" + " + ".join(f"Abs({e})" for e in row) + ")" for row in m) + ")"


def _mul(a: list[list[str]], b: list[list[str]]) -> list[list[str]]:
    return [
        ["(" + " + ".join(f"({a[i][k]})*({b[k][j]})" for k in range(len(b))) + ")" for j in range(len(b[0]))]
        for i in range(len(a))
    ]


def _free(*ms: list[list[str]]) -> list[str]:
    return [f"{e}=-oo:oo" for m in ms for row in m for e in row]


def xw(n: int, d: int, norm: str, factor: str) -> Statement:
    """||XW|| <= factor*eta*||X|| given ||W|| <= eta."""
    x, w = _matrix("x", n, d), _matrix("w", d, d)
    nm = _n1 if norm == "N1" else _n2
    return build_statement(
        f"{nm(_mul(x, w))} <= {factor}*eta*{nm(x)}", [f"{nm(w)} <= eta"], [*_free(x, w), "eta=0:oo"]
    )


def px(n: int, d: int, norm: str, factor: str = "1") -> Statement:
    """||PX|| <= factor*||X|| for row-stochastic P."""
    x, p = _matrix("x", n, d), _matrix("p", n, n)
    nm = _n1 if norm == "N1" else _n2
    stochastic = [f"{e} >= 0" for row in p for e in row] + ["(" + " + ".join(row) + ") = 1" for row in p]
    return build_statement(f"{nm(_mul(p, x))} <= {factor}*{nm(x)}", stochastic, _free(x, p))


def products(n: int, d: int) -> Statement:
    """All eight entrywise product bounds |X_ik W_kj| <= t*eta given: ||XW|| <= d*t*eta."""
    x, w = _matrix("x", n, d), _matrix("w", d, d)
    bounds = [f"Abs(({x[i][k]})*({w[k][j]})) <= t*eta" for i in range(n) for j in range(d) for k in range(d)]
    return build_statement(f"{_n1(_mul(x, w))} <= {d}*t*eta", bounds, [*_free(x, w), "eta=0:oo", "t=0:oo"])


TRUE = {
    "XW-N1 n=d=2": lambda: xw(2, 2, "N1", "2"),
    "XW-N2 n=d=2": lambda: xw(2, 2, "N2", "2"),
    "XW-N2 tight n=d=2": lambda: xw(2, 2, "N2", "1"),
    "PX-N1 n=d=2": lambda: px(2, 2, "N1"),
    "products n=d=2": lambda: products(2, 2),
}


@pytest.mark.parametrize("case", sorted(TRUE))
def test_bilinear_pieces_proved(case: str) -> None:
    statement = TRUE[case]()
    assert bilinear.supports(statement)
    result = bilinear.decide(statement, BUDGET)
    assert result.status is Status.PROVED, result.evidence


FALSE = {
    "XW-N1 without d": lambda: xw(2, 2, "N1", "1"),
    "XW-N2 halved": lambda: xw(2, 2, "N2", "1/2"),
    "PX-N1 halved": lambda: px(2, 2, "N1", "1/2"),
}


@pytest.mark.parametrize("case", sorted(FALSE))
def test_false_variants_never_proved_and_refuted_by_the_portfolio(case: str) -> None:
    statement = FALSE[case]()
    assert bilinear.decide(statement, BUDGET).status is Status.UNKNOWN
    result = portfolio.decide(statement, BUDGET, registry=DEFAULT)
    assert result.status is Status.REFUTED, result.evidence
    point = dict(zip(statement.symbols, (sp.Rational(str(v)) for v in _values(statement, result)), strict=True))
    assert refutes(statement, point)


def _values(statement: Statement, result) -> list:  # type: ignore[no-untyped-def]
    cex = result.counterexample or {}
    out = []
    for v in statement.variables:
        out.append(cex[v.name])
    return out


@pytest.mark.parametrize("case", ["XW-N2 n=d=2", "PX-N1 n=d=2", "products n=d=2"])
def test_derived_facts_hold_at_random_exact_points(case: str) -> None:
    """Each derived fact, with each atom replaced by its definition, is true at
    random rational points that satisfy the hypotheses' shape (entries of any
    sign; a stochastic P drawn as normalised nonnegative rows)."""
    statement = TRUE[case]()
    hyps, defs, definitions, concl, derived = bilinear.facts(statement)
    rng = random.Random(7)
    used = 0
    for _ in range(20):
        point: dict[sp.Symbol, sp.Rational] = {}
        for v in statement.variables:
            value = sp.Rational(rng.randint(-9, 9), rng.randint(1, 5))
            point[v.symbol] = abs(value) if v.lo.is_finite and v.lo >= 0 else value
        rows: dict[str, list[sp.Symbol]] = {}
        for v in statement.variables:
            if v.name.startswith("p"):
                rows.setdefault(v.name[:2], []).append(v.symbol)
        for row in rows.values():
            weights = [sp.Rational(rng.randint(0, 5)) for _ in row]
            weights[0] += 1
            for s, wt in zip(row, weights, strict=True):
                point[s] = wt / sum(weights)
        if not all(bool(h.xreplace(point)) for h in statement.hypotheses):
            # push eta / t up until the hypotheses hold (they bound from above)
            for s in statement.symbols:
                if s.name in ("eta", "t"):
                    point[s] = sp.Integer(10**4)
        if not all(bool(h.xreplace(point)) for h in statement.hypotheses):
            continue
        values = dict(point)
        for named, node in definitions:  # in order: arguments are named before
            values[named] = node.xreplace(values)
        # exact: every value is a Rational, so each fact evaluates to True or False
        # (xreplace, not subs: the same values, a hundred times faster on 4,000 facts)
        for fact in derived:
            assert bool(fact.xreplace(values)), (fact, point)
        used += 1
    assert used >= 10 and len(derived) > 100
