"""An evaluator independent of boundprop's interval paths, for property tests.

Rational sub-expressions are evaluated exactly by sympy; anything with
exp/log/sqrt goes through mpmath's own interval arithmetic (``mpmath.iv``)
at high precision. :func:`sign_of` answers +1, 0, -1, or raises if even
that cannot decide (which a test must then treat as a failure, never as a
pass).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mpmath
import sympy as sp

iv = mpmath.iv


class Undecided(Exception):
    pass


def _iv(node: Any, values: Mapping[sp.Symbol, sp.Rational]) -> Any:
    if isinstance(node, sp.Symbol):
        v = values[node] if node in values else {str(k): x for k, x in values.items()}[str(node)]
        return iv.mpf(int(v.p)) / iv.mpf(int(v.q))
    if node.is_Rational:
        return iv.mpf(int(node.p)) / iv.mpf(int(node.q))
    if node is sp.E:
        return iv.e
    if isinstance(node, sp.Add):
        acc = _iv(node.args[0], values)
        for a in node.args[1:]:
            acc = acc + _iv(a, values)
        return acc
    if isinstance(node, sp.Mul):
        acc = _iv(node.args[0], values)
        for a in node.args[1:]:
            acc = acc * _iv(a, values)
        return acc
    if isinstance(node, sp.Pow):
        base = _iv(node.base, values)
        exponent = node.exp.xreplace(dict(values))
        if exponent.is_Integer:
            n = int(exponent)
            out = iv.mpf(1)
            b = base if n >= 0 else 1 / base
            for _ in range(abs(n)):
                out = out * b
            return out
        if exponent == sp.Rational(1, 2):
            return iv.sqrt(base)
        return iv.exp(_iv(exponent, values) * iv.log(base))
    if isinstance(node, sp.exp):
        return iv.exp(_iv(node.args[0], values))
    if isinstance(node, sp.log):
        return iv.log(_iv(node.args[0], values))
    raise NotImplementedError(f"exact_eval: {node.func}")


def sign_of(expr: Any, values: Mapping[sp.Symbol, sp.Rational], dps: int = 60) -> int:
    """The sign of ``expr`` at an exact point, decided rigorously."""
    expr = sp.sympify(expr)
    sub = {s: v for s, v in values.items()}
    by_name = {str(s): v for s, v in values.items()}
    for s in expr.free_symbols:
        if s not in sub:
            sub[s] = by_name[str(s)]
    if not expr.has(sp.exp, sp.log) and all(
        p.exp.xreplace(sub).is_Integer for p in expr.atoms(sp.Pow)
    ):
        value = expr.xreplace(sub)
        assert value.is_Rational, value
        return 1 if value > 0 else (-1 if value < 0 else 0)
    saved = iv.dps
    iv.dps = dps
    try:
        v = _iv(expr, sub)
    finally:
        iv.dps = saved
    if v.a > 0:
        return 1
    if v.b < 0:
        return -1
    if v.a == 0 and v.b == 0:
        return 0
    raise Undecided(f"sign of {expr} at {values} undecided at {dps} digits")


def relation_holds(rel: Any, values: Mapping[sp.Symbol, sp.Rational]) -> bool:
    """Exact truth of an inequality (or And of inequalities) at a point."""
    rel = sp.sympify(rel)
    if rel is sp.true:
        return True
    if rel is sp.false:
        return False
    if isinstance(rel, sp.And):
        return all(relation_holds(a, values) for a in rel.args)
    if isinstance(rel, (sp.GreaterThan, sp.StrictGreaterThan)):
        s = sign_of(rel.lhs - rel.rhs, values)
    elif isinstance(rel, (sp.LessThan, sp.StrictLessThan)):
        s = sign_of(rel.rhs - rel.lhs, values)
    else:
        raise NotImplementedError(str(rel))
    strict = isinstance(rel, (sp.StrictGreaterThan, sp.StrictLessThan))
    return s > 0 if strict else s >= 0


def outcome_in_order(statement: Any, truth: Any) -> str:
    """"out", "undefined", "holds" or "fails": the written semantics' order at
    one point (docs/semantics.md), with ``truth(condition) -> bool`` the
    caller's reference evaluation at that point (its exceptions pass through).
    Each guard is checked once the hypotheses it may assume hold, all that are
    left before the conclusion; a failing hypothesis puts the point outside."""
    n = len(statement.hypotheses)
    guards = sorted(statement.guards, key=lambda g: min(g.assume, n))
    g = 0
    for i in range(n + 1):
        while g < len(guards) and (guards[g].assume <= i or i == n):
            if not truth(guards[g].condition):
                return "undefined"
            g += 1
        if i < n and not truth(statement.hypotheses[i]):
            return "out"
    return "holds" if truth(statement.conclusion) else "fails"
