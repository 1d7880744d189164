"""Transformations of statements, each with a map back.

A :class:`Rewrite` is a new statement, a map ``back`` from points of the new
statement to points of the old one, the inverse map ``forth`` and a short
``why``. Every transformation here preserves the semantics exactly (checked
by one shared property test, tests/test_rewrite.py):

* ``forth`` maps each point of the old domain to a point of the new domain
  where the statement is the same (holds, fails, undefined): so a proof of
  the new statement proves the old one and the new one is ill-defined
  whenever the old one is;
* ``back`` maps each point of the new domain to a point of the old domain
  where the statement is the same: so a counterexample of the new statement,
  mapped back, is one of the old. Callers still re-verify it on the
  original statement (:func:`mapped_counterexample`).

Points outside a domain (outside the ranges, or excluded by a hypothesis)
may map to points outside the other domain, or to None.

The transformations: :func:`tighten_ranges` (ranges narrowed by
one-variable hypotheses), :func:`boundary_substitution` (a variable bounded
by a hypothesis ``v >= phi`` becomes ``phi + slack``), :func:`reciprocal`
(``x = 1/t`` for ``x`` in ``[a, oo)``, ``a > 0``), :func:`compactify`
(``x = a + t/(1 - t)`` for ``x`` in ``[a, oo)``, mirrored for ``(-oo, b]``)
:func:`clear_denominators` (``N/D >= 0`` becomes ``N >= 0`` where the
sign of ``D`` is known) and :func:`simplify_exp_log` (exp and log combined
and cancelled, relations between exps or logs compared through their
arguments; identity maps, guards kept). :func:`then` composes two rewrites.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp
from sympy.core.relational import Relational

from boundprop.errors import BoundpropError
from boundprop.statement import Statement, StatementGuard, Variable, affine_bound, make_variable

__all__ = [
    "Point",
    "Rewrite",
    "boundary_substitution",
    "clear_denominators",
    "compactify",
    "diagonal",
    "guards_last",
    "identity",
    "mapped_counterexample",
    "reciprocal",
    "simplify_exp_log",
    "then",
    "tighten_ranges",
]

Point = dict[sp.Symbol, sp.Rational]
PointMap = Callable[[Mapping[sp.Symbol, sp.Rational]], Point | None]


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A new statement with the maps between its points and the old ones
    (see the module notes)."""

    statement: Statement
    back: PointMap
    forth: PointMap
    why: str


def _same(point: Mapping[sp.Symbol, sp.Rational]) -> Point:
    return dict(point)


def identity(statement: Statement) -> Rewrite:
    """The statement unchanged."""
    return Rewrite(statement, _same, _same, "")


def then(first: Rewrite, second: Rewrite) -> Rewrite:
    """``second`` applied to the statement of ``first``."""

    def back(point: Mapping[sp.Symbol, sp.Rational]) -> Point | None:
        mid = second.back(point)
        return None if mid is None else first.back(mid)

    def forth(point: Mapping[sp.Symbol, sp.Rational]) -> Point | None:
        mid = first.forth(point)
        return None if mid is None else second.forth(mid)

    why = "; ".join(w for w in (first.why, second.why) if w)
    return Rewrite(second.statement, back, forth, why)


def mapped_counterexample(rewrite: Rewrite, original: Statement, counterexample: Any) -> Point | None:
    """The counterexample of ``rewrite.statement`` mapped back to ``original``,
    if it is a verified counterexample there (at a defined point), else None."""
    from boundprop.counterexample import point_of, refutes

    try:
        point = rewrite.back(point_of(rewrite.statement, counterexample))
    except (KeyError, ValueError, TypeError, ArithmeticError):
        return None
    if point is None or not refutes(original, point):
        return None
    return point


def guards_last(statement: Statement) -> Statement:
    """``statement`` with every guard checked after all hypotheses.

    Not a :class:`Rewrite`: a point where an early guard fails and a later
    hypothesis does not hold is undefined in ``statement`` and excluded in
    the result. It is for callers that have settled definedness already (the
    portfolio runs after the definedness layer, and re-verifies every
    counterexample on the original): there guards only filter points, and
    with them last every hypothesis may narrow a range.
    """
    n = len(statement.hypotheses)
    if all(g.assume >= n for g in statement.guards):
        return statement
    return replace(statement, guards=tuple(replace(g, assume=n) for g in statement.guards))


def _first_guard_level(statement: Statement) -> int:
    """The index of the first hypothesis that some guard is evaluated before
    (guards with ``assume = k`` come before hypothesis ``k``); the number of
    hypotheses if none."""
    return min((max(g.assume, 0) for g in statement.guards), default=len(statement.hypotheses))


def tighten_ranges(statement: Statement) -> Rewrite:
    """Narrow each variable's range by the hypotheses that bound it alone.

    ``0 <= x`` with ``x`` in ``[-2, 2]`` gives ``x`` in ``[0, 2]``. The
    hypotheses are kept, so strict bounds still exclude their endpoint and
    nothing outside them is ever claimed; backends just stop splitting
    towards an edge that the hypotheses already fix. Ranges that would
    become empty are left alone (the backends then prove the hypotheses
    contradictory). Only hypotheses evaluated before every guard narrow:
    a point a later hypothesis excludes may still make an earlier guard
    fail (the statement is then ill-defined, and must stay so).

    >>> x = make_variable("x", -2, 2)
    >>> s = Statement((x,), (sp.Le(0, x.symbol),), sp.Le(x.symbol, 3))
    >>> tighten_ranges(s).statement.variables[0].lo
    0
    """
    lo = {v.symbol: v.lo for v in statement.variables}
    hi = {v.symbol: v.hi for v in statement.variables}
    for hypothesis in statement.hypotheses[: _first_guard_level(statement)]:
        parts = hypothesis.args if isinstance(hypothesis, sp.And) else (hypothesis,)
        for part in parts:
            bound = affine_bound(part)
            if bound is None or bound[0] not in lo:
                continue
            symbol, side, value, _ = bound
            if side == "lo" and value > lo[symbol]:
                lo[symbol] = value
            elif side == "hi" and value < hi[symbol]:
                hi[symbol] = value
    variables = []
    for v in statement.variables:
        new_lo, new_hi = lo[v.symbol], hi[v.symbol]
        if v.integer:
            new_lo = sp.ceiling(new_lo) if new_lo.is_finite else new_lo
            new_hi = sp.floor(new_hi) if new_hi.is_finite else new_hi
        if new_lo > new_hi or (new_lo, new_hi) == (v.lo, v.hi):
            variables.append(v)
        else:
            variables.append(Variable(symbol=v.symbol, lo=new_lo, hi=new_hi, integer=v.integer))
    if tuple(variables) == statement.variables:
        return identity(statement)
    return Rewrite(replace(statement, variables=tuple(variables)), _same, _same, "ranges narrowed by hypotheses")


def _substituted(
    statement: Statement,
    old: Variable,
    new: tuple[Variable, ...],
    image: sp.Expr,
    first: tuple[sp.Basic, ...],
    drop: int | None = None,
) -> Statement:
    """``statement`` with ``old`` replaced by ``image`` (in the new variables
    ``new``): the hypotheses ``first`` go before the others (they describe
    the new domain and are evaluated first), hypothesis ``drop`` is removed
    (the new ranges encode it), and every guard keeps the same hypotheses
    before it."""
    sub = {old.symbol: image}
    hyps = [h.xreplace(sub) for i, h in enumerate(statement.hypotheses) if i != drop]

    def level(assume: int) -> int:
        return assume + len(first) - (drop is not None and assume > drop)

    guards = tuple(
        StatementGuard(g.condition.xreplace(sub), g.subterm, g.reason, level(max(g.assume, 0)))
        for g in statement.guards
    )
    entries = {s for rows in statement.matrices.values() for row in rows for s in row}
    return Statement(
        variables=tuple(w for w in statement.variables if w is not old) + new,
        hypotheses=tuple(first) + tuple(hyps),
        conclusion=statement.conclusion.xreplace(sub),
        matrices={} if old.symbol in entries else statement.matrices,
        note=statement.note,
        guards=guards,
    )


def _fresh(statement: Statement, base: str) -> str:
    names = {v.name for v in statement.variables}
    name = base
    while name in names:
        name += "_"
    return name


def _value(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Rational]) -> sp.Rational | None:
    value = sp.sympify(expr.xreplace(dict(point)))
    return value if value.is_Rational else None


_RATIONAL_OPS = (sp.Add, sp.Mul, sp.Abs, sp.Min, sp.Max, sp.Symbol, sp.Rational)


def boundary_substitution(statement: Statement) -> Rewrite | None:
    """Rewrite a hypothesis ``v >= phi(rest)`` (or ``<=``) as ``v = phi ± s``, ``s >= 0``.

    Goals that are tight all along a hypothesis boundary (exp(x) <= exp(t)
    under x <= t) cannot be settled by boxes straddling that boundary; after
    the substitution the boundary is the face ``s = 0`` of the box, where
    monotonicity and symbolic faces apply. The map between the domains is a
    bijection: the range of ``v`` becomes the first hypotheses, and only a
    hypothesis evaluated before every guard is used (an earlier guard might
    fail where it does not hold). The newest hypothesis (a case split) is
    tried first.
    """
    from boundprop.interval import enclose
    from boundprop.interval.walker import relation_gap

    limit = _first_guard_level(statement)
    for index in reversed(range(min(limit, len(statement.hypotheses)))):
        hyp = statement.hypotheses[index]
        if not isinstance(hyp, Relational) or isinstance(hyp, (sp.Eq, sp.Ne)):
            continue
        gap, strict = relation_gap(hyp)
        for v in statement.variables:
            if v.integer or not v.bounded or v.symbol not in gap.free_symbols:
                continue
            c = sp.diff(gap, v.symbol)
            if c not in (sp.Integer(1), sp.Integer(-1)):
                continue
            rest = sp.expand(gap - c * v.symbol)
            if rest.has(v.symbol):
                continue
            phi = -rest if c == 1 else rest  # v >= phi (c = 1) or v <= phi (c = -1)
            if not all(
                isinstance(n, _RATIONAL_OPS) or (isinstance(n, sp.Pow) and n.exp.is_Integer)
                for n in sp.preorder_traversal(phi)
            ):
                continue
            others = [w for w in statement.variables if w is not v]
            if not all(w.bounded for w in others if w.symbol in phi.free_symbols):
                continue
            box = {w.symbol: (w.lo, w.hi) for w in others if w.symbol in phi.free_symbols}
            span = (v.hi - phi) if c == 1 else (phi - v.lo)
            try:
                top = float(enclose(span, box)[0].sup)
            except BoundpropError:
                continue
            if not math.isfinite(top) or top < 0:
                continue
            name = _fresh(statement, f"{v.name}_slack")
            slack = make_variable(name, 0, sp.Rational(top))
            s = slack.symbol
            image = phi + s if c == 1 else phi - s
            first: tuple[sp.Basic, ...] = (image >= v.lo, image <= v.hi) + ((s > 0,) if strict else ())
            new = _substituted(statement, v, (slack,), image, first, drop=index)

            def back(
                point: Mapping[sp.Symbol, sp.Rational], v: Variable = v, image: sp.Expr = image, s: sp.Symbol = s
            ) -> Point | None:
                value = _value(image, point)
                if value is None:
                    return None
                out = {k: val for k, val in point.items() if k != s}
                out[v.symbol] = value
                return out

            def forth(
                point: Mapping[sp.Symbol, sp.Rational], v: Variable = v, phi: sp.Expr = phi, s: sp.Symbol = s,
                c: sp.Expr = c,
            ) -> Point | None:
                base = _value(phi, point)
                if base is None or v.symbol not in point:
                    return None
                out = {k: val for k, val in point.items() if k != v.symbol}
                out[s] = (point[v.symbol] - base) * c
                return out

            return Rewrite(new, back, forth, f"{v.name} = {image} with {name} >= 0 (from {hyp})")
    return None


def _half_line(variable: Variable) -> tuple[sp.Expr, int] | None:
    """``(end, direction)`` for ``[end, oo)`` (+1) or ``(-oo, end]`` (-1)."""
    if variable.integer:
        return None
    if variable.lo.is_finite and variable.hi == sp.oo:
        return variable.lo, 1
    if variable.hi.is_finite and variable.lo == -sp.oo:
        return variable.hi, -1
    return None


def diagonal(statement: Statement, group: tuple[tuple[int, int, int], ...]) -> Rewrite:
    """``x_j = sign * x_i + s_j`` for each ``(j, i, sign)`` of ``group`` (``s_j`` a new
    variable in ``x_j``'s place, ranging over the differences of the two ranges), with
    first hypotheses that keep ``x_j`` in its range (so no guard is evaluated outside
    the old domain), then the ranges tightened: a goal tight along the diagonal
    ``x_j = ±x_i`` becomes tight on the face ``s_j = 0``. One-to-one on the domain
    (``s_j = x_j - sign * x_i``)."""
    variables = list(statement.variables)
    names = {v.name for v in variables}
    image: dict[sp.Symbol, sp.Expr] = {}
    extra: list[sp.Basic] = []
    pairs: list[tuple[sp.Symbol, sp.Symbol, sp.Symbol, int]] = []  # x_j, x_i, s_j, sign
    for j, i, sign in group:
        vj, vi = statement.variables[j], statement.variables[i]
        label = f"{vj.name}_diag"
        while label in names:
            label += "_"
        names.add(label)
        lo, hi = (vj.lo - vi.hi, vj.hi - vi.lo) if sign == 1 else (vj.lo + vi.lo, vj.hi + vi.hi)
        slack = make_variable(label, lo, hi)
        variables[j] = slack
        image[vj.symbol] = sign * vi.symbol + slack.symbol
        extra += [image[vj.symbol] >= vj.lo, image[vj.symbol] <= vj.hi]
        pairs.append((vj.symbol, vi.symbol, slack.symbol, sign))
    new = replace(
        statement,
        variables=tuple(variables),
        hypotheses=tuple(extra) + tuple(h.xreplace(image) for h in statement.hypotheses),
        conclusion=statement.conclusion.xreplace(image),
        # the range hypotheses come first: each guard assumes them and the ones it did
        guards=tuple(replace(g, condition=g.condition.xreplace(image), assume=g.assume + len(extra))
                     for g in statement.guards),
    )

    def back(point: Mapping[sp.Symbol, sp.Rational]) -> Point | None:
        out = dict(point)
        for xj, xi, sj, sign in pairs:
            if sj not in out or xi not in point:
                return None
            out[xj] = sign * point[xi] + out.pop(sj)
        return out

    def forth(point: Mapping[sp.Symbol, sp.Rational]) -> Point | None:
        out = dict(point)
        for xj, xi, sj, sign in pairs:
            if xj not in out or xi not in point:
                return None
            out[sj] = out.pop(xj) - sign * point[xi]
        return out

    why = ", ".join(f"{xj} = {e}" for xj, e in image.items())
    return then(Rewrite(new, back, forth, why), tighten_ranges(new))


def reciprocal(statement: Statement, variable: Variable) -> Rewrite | None:
    """``x = 1/t`` for ``x`` in ``[a, oo)`` with ``a > 0`` (``x = -1/t`` for
    ``(-oo, -a]``): ``t`` ranges over ``[0, 1/a]`` with the first hypothesis
    ``t > 0`` (``t = 0`` is ``x = oo``, not a point of the domain)."""
    end = _half_line(variable)
    if end is None or not (end[0] * end[1] > 0):
        return None
    a, sign = end
    t = make_variable(_fresh(statement, f"{variable.name}_inv"), 0, 1 / (a * sign))
    image = sign / t.symbol
    new = _substituted(statement, variable, (t,), image, (t.symbol > 0,))

    def back(point: Mapping[sp.Symbol, sp.Rational]) -> Point | None:
        value = point.get(t.symbol)
        if value is None or value == 0:
            return None
        out = {k: val for k, val in point.items() if k != t.symbol}
        out[variable.symbol] = sign / value
        return out

    def forth(point: Mapping[sp.Symbol, sp.Rational]) -> Point | None:
        value = point.get(variable.symbol)
        if value is None or value == 0:
            return None
        out = {k: val for k, val in point.items() if k != variable.symbol}
        out[t.symbol] = sign / value
        return out

    return Rewrite(new, back, forth, f"{variable.name} = {image} with {t.name} in (0, {t.hi}]")


def compactify(statement: Statement, variable: Variable) -> Rewrite | None:
    """``x = a + t/(1 - t)`` for ``x`` in ``[a, oo)`` (``x = b - t/(1 - t)``
    for ``(-oo, b]``): ``t`` ranges over ``[0, 1]`` with the first hypothesis
    ``t < 1`` (``t = 1`` is ``x = oo``, not a point of the domain)."""
    end = _half_line(variable)
    if end is None:
        return None
    a, sign = end
    t = make_variable(_fresh(statement, f"{variable.name}_c"), 0, 1)
    image = a + sign * t.symbol / (1 - t.symbol)
    new = _substituted(statement, variable, (t,), image, (t.symbol < 1,))

    def back(point: Mapping[sp.Symbol, sp.Rational]) -> Point | None:
        value = point.get(t.symbol)
        if value is None or value == 1:
            return None
        out = {k: val for k, val in point.items() if k != t.symbol}
        out[variable.symbol] = a + sign * value / (1 - value)
        return out

    def forth(point: Mapping[sp.Symbol, sp.Rational]) -> Point | None:
        value = point.get(variable.symbol)
        if value is None:
            return None
        d = sign * (value - a)  # x - a >= 0 in the direction of the half-line
        if d == -1:
            return None
        out = {k: val for k, val in point.items() if k != variable.symbol}
        out[t.symbol] = d / (1 + d)
        return out

    return Rewrite(new, back, forth, f"{variable.name} = {image} with {t.name} in [0, 1)")


# Factors of a denominator with more symbols than this, or of higher degree,
# are not examined (the sign check is an interval enclosure).
_MAX_DEGREE = 12


def _strict_bounds(statement: Statement, upto: int) -> dict[sp.Symbol, tuple[sp.Expr, bool, sp.Expr, bool]]:
    """Per variable: ``(lo, lo_open, hi, hi_open)`` from the range and the
    one-variable hypotheses before hypothesis ``upto``."""
    out = {v.symbol: (v.lo, False, v.hi, False) for v in statement.variables}
    for hypothesis in statement.hypotheses[:upto]:
        parts = hypothesis.args if isinstance(hypothesis, sp.And) else (hypothesis,)
        for part in parts:
            bound = affine_bound(part)
            if bound is None or bound[0] not in out:
                continue
            symbol, side, value, strict = bound
            lo, lo_open, hi, hi_open = out[symbol]
            if side == "lo" and (value > lo or (value == lo and strict)):
                out[symbol] = (value, strict, hi, hi_open)
            elif side == "hi" and (value < hi or (value == hi and strict)):
                out[symbol] = (lo, lo_open, value, strict)
    return out


def _factor_sign(factor: sp.Expr, bounds: Mapping[sp.Symbol, tuple[sp.Expr, bool, sp.Expr, bool]]) -> int:
    """+1 or -1 if ``factor`` has that sign at every point of the bounds, else 0."""
    from boundprop.interval import enclose

    free = factor.free_symbols
    if not free <= set(bounds):
        return 0
    if len(free) == 1:
        (s,) = free
        lo, lo_open, hi, hi_open = bounds[s]
        return _univariate_sign(sp.Poly(factor, s), lo, hi, lo_open, hi_open)
    box = {s: (bounds[s][0], bounds[s][2]) for s in free}
    if not all(lo.is_finite and hi.is_finite for lo, hi in box.values()):
        return 0
    try:
        iv = enclose(factor, box)[0]
    except BoundpropError:
        return 0
    return 1 if iv.inf > 0 else (-1 if iv.sup < 0 else 0)


def _univariate_sign(poly: sp.Poly, lo: sp.Expr, hi: sp.Expr, lo_open: bool, hi_open: bool) -> int:
    """The sign of ``poly`` on the interval, from its exact real roots: none
    inside (an open end may be one), so the sign at any inner point."""
    if poly.degree() > _MAX_DEGREE:
        return 0
    for root in set(sp.real_roots(poly)):
        if (lo < root < hi) or (root == lo and not lo_open) or (root == hi and not hi_open):
            return 0
    if lo.is_finite and hi.is_finite:
        inner = (lo + hi) / 2
    elif lo.is_finite:
        inner = lo + 1
    elif hi.is_finite:
        inner = hi - 1
    else:
        inner = sp.Integer(0)
    value = poly.eval(inner)
    return 1 if value > 0 else (-1 if value < 0 else 0)


def _denominator_sign(d: sp.Expr, bounds: Mapping[sp.Symbol, tuple[sp.Expr, bool, sp.Expr, bool]]) -> int:
    """The sign of the polynomial ``d`` on the bounds (a product of factors of
    known sign), or 0 if unknown."""
    symbols = sorted(d.free_symbols, key=str)
    if not symbols:
        return 1 if d > 0 else (-1 if d < 0 else 0)
    try:
        poly = sp.Poly(d, *symbols)
    except (sp.PolynomialError, sp.GeneratorsNeeded, ValueError):
        return 0
    if poly.total_degree() > _MAX_DEGREE or not all(c.is_Rational for c in poly.coeffs()):
        return 0
    constant, factors = sp.factor_list(d, *symbols)
    sign = 1 if constant > 0 else -1
    for f, e in factors:
        fs = _factor_sign(f, bounds)
        if fs == 0:
            return 0
        sign *= fs**e
    return sign


_FLIP = {sp.LessThan: sp.GreaterThan, sp.StrictLessThan: sp.StrictGreaterThan,
         sp.GreaterThan: sp.LessThan, sp.StrictGreaterThan: sp.StrictLessThan}


def _cleared(relation: sp.Basic, bounds: Mapping[sp.Symbol, tuple[sp.Expr, bool, sp.Expr, bool]]) -> sp.Basic:
    if isinstance(relation, (sp.And, sp.Or)):
        return relation.func(*[_cleared(a, bounds) for a in relation.args])
    if isinstance(relation, sp.Not):
        return sp.Not(_cleared(relation.args[0], bounds))
    if not isinstance(relation, Relational):
        return relation
    gap = sp.sympify(relation.lhs - relation.rhs)
    n, d = sp.fraction(sp.together(gap))
    if d == 1 or d.has(sp.exp, sp.log, sp.Abs, sp.Min, sp.Max):
        return relation
    sign = _denominator_sign(d, bounds)
    if sign == 0:
        return relation
    if isinstance(relation, (sp.Eq, sp.Ne)):
        return relation.func(n, 0)
    func = type(relation) if sign > 0 else _FLIP[type(relation)]
    return func(sp.expand(n) if n.is_polynomial() else n, 0)


def clear_denominators(statement: Statement) -> Rewrite | None:
    """Each relation ``N/D ~ 0`` as ``N ~ 0`` (flipped if ``D < 0``) where the
    polynomial ``D`` has a known sign: every factor of it is signed on the
    ranges narrowed by the hypotheses evaluated before the relation (``t``
    under a first hypothesis ``t > 0``). The relations are equivalent at
    every point of the domain, so the maps are the identity; the new form is
    defined where ``D = 0`` too, which lets boxes reach an open end."""
    return _relationwise(statement, _cleared, "denominators of known sign cleared")


def _relationwise(
    statement: Statement,
    rule: Callable[[sp.Basic, dict[sp.Symbol, tuple[sp.Expr, bool, sp.Expr, bool]]], sp.Basic],
    why: str,
) -> Rewrite | None:
    """Each relation replaced by ``rule(relation, bounds)``, with the ranges
    narrowed by the hypotheses before it; an equivalence at every point of the
    domain, so the maps are the identity. None if nothing changed."""
    n = len(statement.hypotheses)
    hyps = tuple(rule(h, _strict_bounds(statement, i)) for i, h in enumerate(statement.hypotheses))
    conclusion = rule(statement.conclusion, _strict_bounds(statement, n))
    if hyps == statement.hypotheses and conclusion == statement.conclusion:
        return None
    return Rewrite(replace(statement, hypotheses=hyps, conclusion=conclusion), _same, _same, why)


# ---------------------------------------------------------------------------
# exp and log combined and cancelled
# ---------------------------------------------------------------------------
# The largest integer power an exp/log rewrite may create (log coefficients
# are cleared of their denominators: (log x)/3 - log y <= 0 gives x <= y**3).
_MAX_LOG_POWER = 12
# Relations whose exp/log rewrite is larger than this (sympy's count of
# operations) are left alone.
_MAX_EXPLOG_OPS = 400

Bounds = Mapping[sp.Symbol, tuple[sp.Expr, bool, sp.Expr, bool]]


def _is_transcendental(node: sp.Basic) -> bool:
    return isinstance(node, (sp.exp, sp.log)) and bool(node.free_symbols)


def _explog_cost(node: sp.Basic) -> int:
    """The number of distinct exp/log subterms that depend on a variable."""
    return len({n for n in sp.preorder_traversal(node) if _is_transcendental(n)})


def _explog_rank(node: sp.Basic) -> tuple[int, int, int]:
    """:func:`_explog_cost`; then how many of those subterms have an argument
    that is not a polynomial (at the same count, ``x/(1 + x) <= log(1 + x)``
    before ``exp(x/(1 + x)) <= 1 + x``: the bound families are best on
    polynomial arguments); then, in a relation, the total degree of the
    polynomial factors multiplying them (``1 - exp(-x) <= x`` before
    ``exp(x) - 1 <= x exp(x)``)."""
    found = {n for n in sp.preorder_traversal(node) if _is_transcendental(n)}
    nonpoly = sum(1 for n in found if not n.args[0].is_polynomial(*n.args[0].free_symbols))
    degree = 0
    if isinstance(node, Relational):
        gap = sp.expand(node.lhs - node.rhs, power_base=False, power_exp=False, log=False, multinomial=False)
        for term in sp.Add.make_args(gap):
            if not any(_is_transcendental(n) for n in sp.preorder_traversal(term)):
                continue
            rest = sp.Mul(*[f for f in sp.Mul.make_args(term)
                            if not any(_is_transcendental(n) for n in sp.preorder_traversal(f))])
            free = sorted(rest.free_symbols, key=str)
            degree += (sp.Poly(rest, *free).total_degree() if rest.is_polynomial(*free) else 1) if free else 0
    return len(found), nonpoly, degree


def _enclosure_sign(expr: sp.Expr, bounds: Bounds) -> tuple[bool, bool]:
    """(positive, nonnegative) of ``expr`` on the closed box of ``bounds``, by
    outward-rounded interval enclosure (both False when it cannot tell)."""
    from boundprop.interval import enclose

    free = expr.free_symbols
    if not free <= set(bounds):
        return False, False
    box = {s: (bounds[s][0], bounds[s][2]) for s in free}
    try:
        iv = enclose(expr, box)[0]
    except (BoundpropError, ArithmeticError, ValueError, TypeError, OverflowError):
        return False, False
    lo = float(iv.inf)
    if math.isnan(lo):
        return False, False
    return lo > 0, lo >= 0


def _sign_facts(expr: sp.Expr, bounds: Bounds) -> tuple[bool, bool]:
    """``(positive, nonnegative)``: proved facts about ``expr`` at every point
    of ``bounds`` (the ranges narrowed by hypotheses, with open ends) where it
    is defined; False means "not proved". By structure (exp is positive, a
    sum of nonnegative terms one of them positive is positive, ...), with
    polynomial factors signed exactly (:func:`_denominator_sign`) and the
    rest by interval enclosure."""
    if expr.is_Number:
        return bool(expr > 0), bool(expr >= 0)
    if not expr.free_symbols:
        return _enclosure_sign(expr, bounds)
    if isinstance(expr, sp.exp):
        return True, True
    if isinstance(expr, sp.Symbol):
        if expr not in bounds:
            return False, False
        lo, lo_open, _, _ = bounds[expr]
        return bool(lo > 0 or (lo == 0 and lo_open)), bool(lo >= 0)
    if isinstance(expr, sp.Abs):
        return _sign_facts(expr.args[0], bounds)[0], True
    if isinstance(expr, (sp.Add, sp.Mul, sp.Max, sp.Min)):
        facts = [_sign_facts(a, bounds) for a in expr.args]
        if isinstance(expr, sp.Add):
            pos = all(n for _, n in facts) and any(p for p, _ in facts)
            nonneg = all(n for _, n in facts)
        elif isinstance(expr, sp.Mul):
            pos, nonneg = all(p for p, _ in facts), all(n for _, n in facts)
        elif isinstance(expr, sp.Max):
            pos, nonneg = any(p for p, _ in facts), any(n for _, n in facts)
        else:
            pos, nonneg = all(p for p, _ in facts), all(n for _, n in facts)
        if pos:
            return True, True
    elif isinstance(expr, sp.Pow):
        base_pos, base_nonneg = _sign_facts(expr.base, bounds)
        if base_pos:
            return True, True
        nonneg = bool(expr.exp.is_Integer and expr.exp.is_even) or (base_nonneg and bool(expr.exp.is_positive))
    else:
        nonneg = False
    if expr.is_polynomial() and all(c.is_Rational for c in sp.Poly(expr, *sorted(expr.free_symbols, key=str)).coeffs()):
        sign = _denominator_sign(expr, bounds)
        if sign == 1:
            return True, True
        if sign == -1:
            return False, False
    pos, enc_nonneg = _enclosure_sign(expr, bounds)
    return pos, nonneg or enc_nonneg


def _positive(expr: sp.Expr, bounds: Bounds) -> bool:
    return _sign_facts(sp.sympify(expr), bounds)[0]


def _merged_exps(expr: sp.Mul) -> sp.Expr:
    """``c exp(a) exp(b)`` as ``c exp(a + b)`` (an identity on all reals)."""
    exps = [f for f in expr.args if isinstance(f, sp.exp)]
    if len(exps) < 2:
        return expr
    rest = [f for f in expr.args if not isinstance(f, sp.exp)]
    return sp.Mul(*rest, sp.exp(sp.Add(*[f.args[0] for f in exps])))


def _relation_of(kind: type, lhs: sp.Expr, rhs: sp.Expr) -> Relational:
    """``lhs ~ rhs`` as written: not decided by sympy's assumptions (the
    backends decide it)."""
    return kind(lhs, rhs, evaluate=False)


def _explog_terms(expr: sp.Basic, bounds: Bounds, split: bool) -> sp.Basic:
    """``expr`` with exp and log simplified bottom-up, each step an identity
    wherever ``expr`` is defined inside ``bounds``:

    * ``exp(a) exp(b) = exp(a + b)``; ``exp(Max(a, b)) = Max(exp(a), exp(b))``
      (and Min; exp is increasing); ``log(exp(a)) = a``;
    * ``log(Max(a, b)) = Max(log(a), log(b))`` (and Min) where ``a, b > 0``
      is proved;
    * with ``split``: ``log(a b) = log(a) + log(b)`` where every factor is
      proved positive, ``log(a**p) = p log(a)`` where ``a > 0`` is proved.
    """
    if isinstance(expr, Relational):
        return _relation_of(type(expr), _explog_terms(expr.lhs, bounds, split), _explog_terms(expr.rhs, bounds, split))
    if expr.is_Atom or not isinstance(expr, sp.Expr):
        return expr
    args = [_explog_terms(a, bounds, split) for a in expr.args]
    out = expr.func(*args) if tuple(args) != expr.args else expr
    if isinstance(out, sp.Mul):
        return _merged_exps(out)
    if isinstance(out, sp.exp) and isinstance(out.args[0], (sp.Max, sp.Min)):
        inner = out.args[0]
        return inner.func(*[sp.exp(a) for a in inner.args])
    if not isinstance(out, sp.log):
        return out
    a = out.args[0]
    if isinstance(a, sp.exp):
        return a.args[0]
    if isinstance(a, (sp.Max, sp.Min)) and all(_positive(b, bounds) for b in a.args):
        return a.func(*[_explog_terms(sp.log(b), bounds, split) for b in a.args])
    if split and isinstance(a, sp.Mul) and all(_positive(f, bounds) for f in a.args):
        return sp.Add(*[_explog_terms(sp.log(f), bounds, split) for f in a.args])
    if split and isinstance(a, sp.Pow) and a.exp.is_Rational and _positive(a.base, bounds):
        return a.exp * _explog_terms(sp.log(a.base), bounds, split)
    return out


def _log_form(rel: Relational, bounds: Bounds) -> Relational | None:
    """``sum c_i log(a_i) + R ~ 0`` (rational ``c_i``, ``R`` free of logs, every
    ``a_i > 0`` proved) as ``prod a_i**(L c_i) ~ prod a_j**(-L c_j) exp(-L R)``
    (``c_i > 0`` on the left, ``c_j < 0`` on the right, ``L`` the common
    denominator): exp is increasing and log of a product of positive numbers
    is the sum of their logs, so the two relations are equivalent."""
    gap = sp.expand(rel.lhs - rel.rhs, deep=False, power_base=False, power_exp=False, log=False,
                    multinomial=False)
    logs: list[tuple[sp.Rational, sp.Expr]] = []
    rest: list[sp.Expr] = []
    for term in sp.Add.make_args(gap):
        c, body = term.as_coeff_Mul()
        if isinstance(body, sp.log) and c.is_Rational:
            logs.append((c, body.args[0]))
        elif any(_is_transcendental(n) and isinstance(n, sp.log) for n in sp.preorder_traversal(term)):
            return None
        else:
            rest.append(term)
    if not any(a.free_symbols for _, a in logs):
        return None
    common = sp.ilcm(*[c.q for c, _ in logs]) if len(logs) > 1 else logs[0][0].q
    if any(abs(c * common) > _MAX_LOG_POWER for c, _ in logs):
        return None
    if not all(_positive(a, bounds) for _, a in logs):
        return None
    left = sp.Mul(*[a ** (c * common) for c, a in logs if c > 0])
    right = sp.Mul(*[a ** (-c * common) for c, a in logs if c < 0])
    return _relation_of(type(rel), left, right * sp.exp(-common * sp.Add(*rest)))


def _exp_form(rel: Relational, bounds: Bounds) -> Relational | None:
    """``c1 exp(b1) - c2 exp(b2) ~ 0`` (``c1, c2 > 0`` proved) as
    ``b1 + log(c1) ~ b2 + log(c2)``, and ``c exp(b) + R ~ 0`` (``R`` free of
    exp, ``-R/c > 0`` proved) as ``b ~ log(-R/c)`` (sides swapped when
    ``c < 0``): log is increasing on the positive numbers."""
    gap = sp.expand(rel.lhs - rel.rhs, deep=False, power_base=False, power_exp=False, log=False,
                    multinomial=False)
    exps: list[tuple[sp.Expr, sp.Expr]] = []  # (coefficient, exponent)
    rest: list[sp.Expr] = []
    for term in sp.Add.make_args(gap):
        factors = sp.Mul.make_args(term)
        found = [f for f in factors if isinstance(f, sp.exp)]
        if len(found) == 1 and found[0].free_symbols:
            coefficient = sp.Mul(*[f for f in factors if f is not found[0]])
            if not coefficient.has(sp.exp):
                exps.append((coefficient, found[0].args[0]))
                continue
        if any(isinstance(n, sp.exp) and n.free_symbols for n in sp.preorder_traversal(term)):
            return None
        rest.append(term)
    r = sp.Add(*rest)
    if len(exps) == 2 and r == 0:
        (c1, b1), (c2, b2) = exps
        if _positive(-c1, bounds) and _positive(c2, bounds):
            (c1, b1), (c2, b2) = (c2, b2), (c1, b1)
        if not (_positive(c1, bounds) and _positive(-c2, bounds)):
            return None
        return _relation_of(type(rel), b1 + sp.log(c1), b2 + sp.log(-c2))
    if len(exps) == 1:
        c, b = exps[0]
        if not c.is_Number or c == 0:
            return None
        level = -r / c
        if not _positive(level, bounds):
            return None
        return _relation_of(type(rel), b, sp.log(level)) if c > 0 else _relation_of(type(rel), sp.log(level), b)
    return None


# Relations with more distinct exps than this are not divided by each of them.
_MAX_EXP_DIVISORS = 4


def _divided_by_exps(rel: Relational, bounds: Bounds) -> list[Relational]:
    """``lhs exp(-b) ~ rhs exp(-b)`` for each ``exp(b)`` of the relation (exp
    is positive, so the relations are equivalent), products of exps merged:
    ``exp(x) - 1 <= x exp(x)`` becomes ``1 - exp(-x) <= x``."""
    exps = sorted({n for n in sp.preorder_traversal(rel) if isinstance(n, sp.exp) and n.free_symbols},
                  key=sp.default_sort_key)
    if len(exps) > _MAX_EXP_DIVISORS:
        return []
    out = []
    for e in exps:
        sides = [_explog_terms(sp.expand(side * sp.exp(-e.args[0]), power_base=False, power_exp=False, log=False,
                                         multinomial=False), bounds, False) for side in (rel.lhs, rel.rhs)]
        out.append(_relation_of(type(rel), *sides))
    return out


def _explog_relation(rel: sp.Basic, bounds: Bounds) -> sp.Basic:
    if isinstance(rel, (sp.And, sp.Or, sp.Not)):
        return rel.func(*[_explog_relation(a, bounds) for a in rel.args])
    if not isinstance(rel, Relational) or not rel.has(sp.exp, sp.log):
        return rel
    if _explog_cost(rel) == 0 or sp.count_ops(rel) > _MAX_EXPLOG_OPS:
        return rel
    candidates: list[sp.Basic] = []
    for split in (False, True):
        simple = _explog_terms(rel, bounds, split)
        candidates.append(simple)
        if isinstance(simple, Relational) and not split:
            # only to free an exp of its polynomial factors (x exp(x) as x)
            degree = _explog_rank(simple)[2]
            candidates += [d for d in _divided_by_exps(simple, bounds) if _explog_rank(d)[2] < degree]
        if isinstance(simple, Relational):
            for form in (_log_form, _exp_form):
                new = form(simple, bounds)
                if new is not None:
                    new = _explog_terms(new, bounds, False)
                    # like terms of the two sides cancelled (1 + exp(x) >= exp(x) is 1 >= 0)
                    candidates += [new, _relation_of(type(new), new.lhs - new.rhs, sp.Integer(0))]
    best, rank = rel, _explog_rank(rel)
    start = rank
    for c in candidates:
        if not isinstance(c, Relational):
            continue
        if sp.count_ops(c) > _MAX_EXPLOG_OPS:
            continue
        r = _explog_rank(c)
        # never more non-polynomial arguments than at the start (two logs of
        # polynomials are better bounded than one exp of a quotient)
        if r < rank and r[1] <= start[1]:
            best, rank = c, r
    return best


def simplify_exp_log(statement: Statement) -> Rewrite | None:
    """Each relation with exp or log rewritten to an equivalent one with fewer
    distinct exp/log subterms (or as many, simpler by :func:`_explog_rank`), or
    None if no relation gets simpler.

    The rules (:func:`_explog_terms`, :func:`_log_form`, :func:`_exp_form`,
    :func:`_divided_by_exps`): products of exps merged, ``log(exp(a)) = a``,
    exp and log moved inside Max and Min, logs of products of positive
    factors split, both sides divided by an exp, and a relation
    between logs (or between exps) compared through their arguments since
    exp and log are increasing: ``exp(A) <= exp(B)`` as ``A <= B``,
    ``log(A) <= log(B)`` as ``A <= B``, ``log(A) <= B`` as ``A <= exp(B)``.
    Every side condition (a log argument positive) is proved on the ranges
    narrowed by the one-variable hypotheses evaluated before the relation
    (exact signs of polynomial factors, else outward-rounded intervals), never
    assumed. The relations are equivalent at every point of the domain and
    the guards are kept, so the maps are the identity."""
    return _relationwise(statement, _explog_relation, "exp and log combined and cancelled")
