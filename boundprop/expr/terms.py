"""Walks over the distinct subterms of sympy expressions.

A statement expanded at matrix sizes shares its subterms widely: the entries of
a product are sums over the same factors. sympy's own walks (``free_symbols``,
``has``, ``atoms``) visit a shared subterm again at every occurrence; these
visit each distinct subterm once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sympy as sp

__all__ = ["free_symbols_of", "subterms", "xreplace_shared"]

# node types whose free symbols are their arguments' (sympy's default rule; the
# binding forms, Sum and Lambda among them, keep their own)
_UNION_OF_ARGS = (
    sp.Add, sp.Mul, sp.Pow, sp.Abs, sp.Max, sp.Min, sp.exp, sp.log, sp.floor, sp.ceiling,
    sp.core.relational.Relational, sp.And, sp.Or, sp.Not,
)


def subterms(expr: sp.Basic) -> set[sp.Basic]:
    """Every distinct subterm of ``expr``, itself included.

    >>> x = sp.Symbol("x")
    >>> sorted(map(str, subterms(sp.Abs(x) + sp.Abs(x) ** 3)))
    ['3', 'Abs(x)', 'Abs(x)**3', 'Abs(x)**3 + Abs(x)', 'x']
    """
    seen: set[sp.Basic] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.args)
    return seen


def free_symbols_of(exprs: Iterable[Any]) -> set[sp.Symbol]:
    """The free symbols of ``exprs``, as sympy's ``free_symbols`` gives them
    (non-sympy values have none).

    >>> x, y = sp.symbols("x y")
    >>> sorted(free_symbols_of([sp.Max(x, sp.Abs(x - y)) <= 1, sp.Sum(x * y, (y, 1, 3))]), key=str)
    [x, y]
    """
    seen: set[Any] = set()
    free: set[sp.Symbol] = set()
    stack = [e for e in exprs if isinstance(e, sp.Basic)]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, sp.Symbol):
            free.add(node)
        elif isinstance(node, _UNION_OF_ARGS):
            stack.extend(node.args)
        else:
            free |= node.free_symbols
    return free


def xreplace_shared(expr: sp.Basic, rule: dict[Any, Any]) -> sp.Basic:
    """``expr.xreplace(rule)``, the same value, each distinct subterm rebuilt once.

    >>> x, y = sp.symbols("x y")
    >>> xreplace_shared(sp.Max(x, y) ** 2 - sp.Abs(x) / 3, {x: sp.Rational(-3, 2), y: sp.Rational(1, 2)})
    -1/4
    """
    done: dict[Any, tuple[Any, bool]] = {}  # subterm -> (its replacement, changed)

    def walk(node: Any) -> tuple[Any, bool]:
        got = done.get(node)
        if got is None:
            if node in rule:
                got = (rule[node], True)
            elif isinstance(node, sp.Basic) and node.args:
                parts = [walk(a) for a in node.args]
                # as xreplace: rebuilt (and evaluated) only where an argument changed
                changed = any(c for _, c in parts)
                got = (node.func(*(v for v, _ in parts)) if changed else None, changed)
            else:
                got = (None, False)
            done[node] = got
        return got if got[1] else (node, False)  # unchanged: this very object, as xreplace

    result: sp.Basic = walk(expr)[0]
    return result
