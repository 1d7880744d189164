"""Counterexamples at real algebraic points: solve the statement's polynomials exactly.

Some false statements fail only on the zero set of a polynomial: ``x**2 != 2``
fails only at ``x = ±sqrt(2)``, ``x**2 + y**2 != 3`` only on a circle without
rational points. No rational point refutes them, so the sampling falsifier
(:mod:`boundprop.backends.falsifier`) cannot; this search can.

The search, deterministic and bounded by counts:

1. **Polynomials.** Every relation of the conclusion and of the hypotheses
   (``a op b``, under any connective) whose difference ``a - b`` is a
   rational function of the variables with rational coefficients gives the
   irreducible factors of its numerator (at most :data:`MAX_DEGREE` in each
   variable). A violation of ``p != 0``, of ``p > 0`` where ``p`` never goes
   negative, of ``a <= b`` at a tie, lies on such a zero set.
2. **Points.** For each factor and each of its real variables ``v``: the
   other variables take simple rationals inside their ranges (0, ±1, ±2,
   ±1/2, ±3, the range's ends and midpoint; integers for integer variables;
   at most :data:`COMBINATIONS` assignments, simplest first), the factor
   becomes a univariate polynomial in ``v`` with rational coefficients, and
   its real roots are found exactly (sympy's root isolation: radicals such as
   ``sqrt(3)`` or ``2**(1/3)`` where sympy writes them, else ``CRootOf``).
   Roots outside ``v``'s range are dropped.
3. **Verification.** Each candidate point is re-verified with the one exact
   path, :func:`boundprop.counterexample.refutes`: inside the ranges, every
   guard and hypothesis TRUE, the conclusion FALSE, all decided exactly at the
   algebraic point. At most :data:`MAX_CHECKS` candidates are checked; only a
   verified point is returned.

4. **Equality hypotheses.** A hypothesis ``Eq(a, b)`` linear in a real
   variable (``Eq(x, y)``, ``Eq(x + 2*y, 1)``) eliminates it: the
   conclusion's factors are solved with it substituted, and its value is
   computed from the others (``x = y = sqrt(6)/2`` on the circle
   ``x**2 + y**2 = 3``).

What it does not do: solve general systems (two nonlinear equalities at
once), nor polynomials with irrational coefficients, nor transcendental
relations.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sympy as sp

from boundprop.counterexample import refutes
from boundprop.statement import Statement, Variable

__all__ = ["search", "MAX_CHECKS", "MAX_DEGREE", "COMBINATIONS"]

MAX_CHECKS = 60  # candidate points re-verified exactly, at most
MAX_DEGREE = 12  # of a factor in the variable solved for
COMBINATIONS = 24  # assignments of the other variables of one factor, at most
MAX_FACTORS = 24  # distinct factors taken from the statement, at most
_SIMPLE = tuple(sp.Rational(v) for v in ("0", "1", "-1", "2", "-2", "1/2", "-1/2", "3", "-3"))
_PER_VARIABLE = 5  # simple values tried per other variable


def _relations(b: Any) -> Iterator[Any]:
    if isinstance(b, sp.core.relational.Relational):
        yield b
    elif isinstance(b, (sp.And, sp.Or, sp.Not, sp.Implies)):
        for a in b.args:
            yield from _relations(a)


def factors(statement: Statement) -> list[sp.Poly]:
    """The irreducible polynomial factors (rational coefficients, in the
    statement's real variables) of the relations of the conclusion, then of
    the hypotheses; first occurrence first, at most :data:`MAX_FACTORS`."""
    symbols = [v.symbol for v in statement.variables]
    out: list[sp.Poly] = []
    seen: set[sp.Expr] = set()
    for condition in (statement.conclusion, *statement.hypotheses):
        for rel in _relations(condition):
            try:
                found = _factors_of(sp.sympify(rel.lhs - rel.rhs), symbols)
            except Exception:  # sympy beyond its reach: this relation gives no polynomial
                continue
            for factor in found:
                if factor.as_expr() in seen:
                    continue
                seen.add(factor.as_expr())
                out.append(factor)
                if len(out) >= MAX_FACTORS:
                    return out
    return out


def _simple_values(var: Variable) -> list[sp.Rational]:
    """Simple rationals inside the range (integers for an integer variable), simplest first."""
    lo, hi = var.lo, var.hi
    pool = list(_SIMPLE)
    if lo.is_finite:
        pool.append(sp.Rational(lo))
    if hi.is_finite:
        pool.append(sp.Rational(hi))
    if lo.is_finite and hi.is_finite:
        pool.append(sp.Rational(lo + hi) / 2)
    out: list[sp.Rational] = []
    for v in pool:
        if var.integer and not v.is_Integer:
            continue
        if (lo.is_finite and v < lo) or (hi.is_finite and v > hi) or v in out:
            continue
        out.append(v)
    return out


def _in_range(var: Variable, root: sp.Expr) -> bool:
    """A cheap float filter (the exact check is :func:`refutes`'): the root may be in range."""
    try:
        value = float(sp.N(root, 30))
    except (TypeError, ValueError):
        return False
    margin = 1e-9 * (1 + abs(value))
    return (not var.lo.is_finite or value >= float(var.lo) - margin) and (
        not var.hi.is_finite or value <= float(var.hi) + margin
    )


def _assignments(others: Sequence[Variable]) -> Iterator[dict[sp.Symbol, sp.Rational]]:
    """Assignments of simple values, the simplest (smallest index sum) first."""
    choices = [_simple_values(v)[:_PER_VARIABLE] for v in others]
    if any(not c for c in choices):
        return
    combos = sorted(itertools.product(*(range(len(c)) for c in choices)), key=lambda ix: (sum(ix), ix))
    for ix in combos[:COMBINATIONS]:
        yield {v.symbol: choices[k][i] for k, (v, i) in enumerate(zip(others, ix, strict=True))}


def _factors_of(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> list[sp.Poly]:
    """The irreducible factors (rational coefficients) of the numerator of ``expr``."""
    if not expr.free_symbols or not expr.is_rational_function(*symbols):
        return []
    num = sp.together(expr).as_numer_denom()[0]
    gens = sorted(num.free_symbols & set(symbols), key=str)
    if not gens:
        return []
    poly = sp.Poly(num, *gens)
    if poly.domain not in (sp.ZZ, sp.QQ):
        return []
    out = []
    for factor, _ in poly.factor_list()[1]:
        e = factor.as_expr()
        if e.free_symbols:
            out.append(sp.Poly(e, *sorted(e.free_symbols, key=str)))
    return out


def eliminations(statement: Statement) -> list[tuple[sp.Symbol, sp.Expr]]:
    """Hypotheses ``Eq(a, b)`` with ``a - b`` linear in a real variable ``v``
    with a rational coefficient: ``(v, its value in the other variables)``,
    at most one per hypothesis."""
    variables = {v.symbol: v for v in statement.variables}
    out: list[tuple[sp.Symbol, sp.Expr]] = []
    for h in statement.hypotheses:
        if not isinstance(h, sp.Eq):
            continue
        try:
            d = sp.expand(h.lhs - h.rhs)
            if not d.is_polynomial(*variables):
                continue
            for gen in sorted(d.free_symbols & set(variables), key=str):
                if variables[gen].integer or any(g == gen for g, _ in out):
                    continue
                poly = sp.Poly(d, gen)
                if poly.degree() != 1:
                    continue
                a, b = poly.all_coeffs()
                if isinstance(a, sp.Rational) and a != 0 and sp.Poly(b, *variables).domain in (sp.ZZ, sp.QQ):
                    out.append((gen, sp.expand(-b / a)))
                    break
        except Exception:  # sympy beyond its reach: no elimination from this hypothesis
            continue
    return out


def _points_on(
    factor: sp.Poly, variables: Mapping[sp.Symbol, Variable], default: Mapping[sp.Symbol, sp.Rational | None]
) -> Iterator[dict[sp.Symbol, sp.Expr]]:
    """Points on the zero set of ``factor``: one variable solved exactly, the
    others (of the factor: simple assignments; the rest: ``default``) rational."""
    for gen in factor.gens:
        var = variables.get(gen)
        if var is None or var.integer or factor.degree(gen) < 1 or factor.degree(gen) > MAX_DEGREE:
            continue
        if any(g not in variables for g in factor.gens):
            continue
        others = [variables[g] for g in factor.gens if g != gen]
        rest = {s: val for s, val in default.items() if s in variables and s != gen and s not in factor.gens}
        if any(val is None for val in rest.values()):
            continue
        for assignment in _assignments(others):
            try:
                univariate = sp.Poly(factor.as_expr().xreplace(assignment), gen)
                if univariate.degree() < 1 or univariate.domain not in (sp.ZZ, sp.QQ):
                    continue
                roots = list(dict.fromkeys(univariate.real_roots()))
            except Exception:  # sympy beyond its reach: no roots from this one
                continue
            # the positive roots first (a reader prefers sqrt(2) to -sqrt(2)), then by size
            roots.sort(key=lambda r: (bool(r.is_negative), abs(float(sp.N(r, 20)))))
            for root in roots:
                if _in_range(var, root):
                    yield {**rest, **assignment, gen: root}


def candidates(statement: Statement) -> Iterator[tuple[dict[sp.Symbol, sp.Expr], sp.Poly]]:
    """Candidate points (every variable given an exact value) and the factor
    each lies on, in the order of the module notes: the statement's factors,
    then the conclusion's factors with a variable eliminated by an equality
    hypothesis (:func:`eliminations`), its value computed from the others."""
    variables = {v.symbol: v for v in statement.variables}
    default: dict[sp.Symbol, sp.Rational | None] = {}
    for v in statement.variables:
        simple = _simple_values(v)
        default[v.symbol] = simple[0] if simple else None
    for factor in factors(statement):
        for point in _points_on(factor, variables, default):
            yield point, factor
    symbols = list(variables)
    for gen, value in eliminations(statement):
        rest = {s: v for s, v in variables.items() if s != gen}
        seen: set[sp.Expr] = set()
        for rel in _relations(statement.conclusion):
            try:
                reduced = _factors_of(sp.sympify(rel.lhs - rel.rhs).xreplace({gen: value}), symbols)
            except Exception:  # sympy beyond its reach: nothing from this relation
                continue
            for factor in reduced:
                if factor.as_expr() in seen:
                    continue
                seen.add(factor.as_expr())
                for point in _points_on(factor, rest, default):
                    try:
                        point[gen] = sp.sympify(value.xreplace(point))
                    except Exception:  # not computable exactly: not a candidate
                        continue
                    yield point, factor


def search(
    statement: Statement, over_cap: Callable[[], bool] = lambda: False, checks: int = MAX_CHECKS
) -> tuple[dict[sp.Symbol, sp.Expr], sp.Poly, int] | None:
    """A verified counterexample at a real algebraic point, the factor it lies
    on and the number of points checked; None if none was found within
    ``checks`` exact checks (or before ``over_cap()`` said stop)."""
    if not statement.variables:
        return None
    tried: set[tuple[str, ...]] = set()
    count = 0
    for point, factor in candidates(statement):
        if count >= checks or over_cap():
            return None
        key = tuple(str(point[v.symbol]) for v in statement.variables)
        if key in tried:
            continue
        tried.add(key)
        count += 1
        try:
            if refutes(statement, point):
                return point, factor, count
        except Exception:  # a failed check never becomes a counterexample
            continue
    return None
