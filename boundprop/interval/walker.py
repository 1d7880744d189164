"""The one sympy walker of the interval layer, written against an arithmetic context.

A context (mpmath style) supplies the interval operations of one number
world -- :class:`~boundprop.interval.batched.BatchedContext` (numpy arrays of
boxes), :class:`~boundprop.interval.scalar.ScalarContext` (pyinterval, one
box), :class:`~boundprop.interval.arb.ArbContext` (python-flint balls, any
precision) -- as *combinators*: each takes the compiled children (closures of
the context's own input) and returns the compiled node. The walker only
decides which combinator a sympy node is; what a value is, how it rounds
outward and how "maybe undefined" travels (a mask, an exception) is the
context's business. So the structure of an expression is read in one place,
and compiling costs nothing at evaluation time: the closures are the
context's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import sympy as sp
from sympy.core.relational import Relational

from boundprop.errors import BoundpropError, UnsupportedError
from boundprop.verdict import Tri

__all__ = [
    "Context",
    "Fn",
    "Pointwise",
    "UndefinedError",
    "Walker",
    "relation_gap",
    "symbol_index",
]

Fn = Callable[..., Any]


class UndefinedError(BoundpropError):
    """The expression may be undefined somewhere on the box (log of a
    non-positive number, division by an interval containing 0, ...)."""


class Context(Protocol):
    """The combinators a number world supplies (each returns a compiled node)."""

    # evaluate a node met more than once only once per batch (or return it as is)
    def shared(self, f: Fn) -> Fn: ...
    # expressions
    def var(self, i: int) -> Fn: ...
    def const(self, node: sp.Expr) -> Fn: ...  # an exact number, E or pi
    def add(self, parts: Sequence[Fn]) -> Fn: ...
    def mul(self, parts: Sequence[Fn], first: sp.Expr | None = None) -> Fn: ...  # first: a leading number
    def exp(self, a: Fn) -> Fn: ...
    def log(self, a: Fn) -> Fn: ...
    def abs(self, a: Fn) -> Fn: ...
    def minmax(self, parts: Sequence[Fn], is_min: bool) -> Fn: ...
    def rounding(self, a: Fn, floor: bool) -> Fn: ...  # floor / ceiling
    def piecewise(self, branches: Sequence[tuple[Fn, Fn]]) -> Fn: ...  # (value, condition)
    def int_pow(self, a: Fn, n: int) -> Fn: ...
    def rational_pow(self, a: Fn, r: sp.Rational) -> Fn: ...  # r not an integer
    def symbolic_pow(self, a: Fn, b: Fn, integer_valued: bool) -> Fn: ...
    # booleans (three-valued)
    def truth_const(self, value: bool) -> Fn: ...
    def equal(self, h: Fn, negate: bool) -> Fn: ...  # h = lhs - rhs; Eq, or Ne if negate
    def relation(self, g: Fn, strict: bool) -> Fn: ...  # g > 0 if strict else g >= 0
    def conj(self, parts: Sequence[Fn]) -> Fn: ...
    def disj(self, parts: Sequence[Fn]) -> Fn: ...
    def neg(self, inner: Fn) -> Fn: ...


def symbol_index(symbols: Sequence[sp.Symbol]) -> Callable[[sp.Symbol], int]:
    """Column of a symbol (matched by name if the assumptions differ)."""
    by_symbol = {s: i for i, s in enumerate(symbols)}
    by_name = {str(s): i for i, s in enumerate(symbols)}

    def index(sym: sp.Symbol) -> int:
        if sym in by_symbol:
            return by_symbol[sym]
        if str(sym) in by_name:  # same name, different assumptions
            return by_name[str(sym)]
        raise UnsupportedError(f"symbol {sym} has no range in this box")

    return index


def relation_gap(rel: Relational) -> tuple[sp.Expr, bool]:
    """``(h, strict)`` with the relation equivalent to ``h > 0`` (strict) or ``h >= 0``.

    Eq and Ne are not handled here.
    """
    if isinstance(rel, (sp.GreaterThan, sp.StrictGreaterThan)):
        return sp.sympify(rel.lhs - rel.rhs), isinstance(rel, sp.StrictGreaterThan)
    if isinstance(rel, (sp.LessThan, sp.StrictLessThan)):
        return sp.sympify(rel.rhs - rel.lhs), isinstance(rel, sp.StrictLessThan)
    raise UnsupportedError(f"not an inequality: {rel}")


def truth_from_sign(rel: sp.Basic, strict: bool, sign: int) -> Tri:
    """The truth of ``rel`` from the exact sign (-1, 0, 1) of its gap
    (:func:`relation_gap`, ``lhs - rhs`` for ``==`` and ``!=``)."""
    if isinstance(rel, sp.Eq):
        return Tri.TRUE if sign == 0 else Tri.FALSE
    if isinstance(rel, sp.Ne):
        return Tri.FALSE if sign == 0 else Tri.TRUE
    return Tri.TRUE if (sign > 0 if strict else sign >= 0) else Tri.FALSE


class Pointwise:
    """The parts of a context that evaluates one box per call (scalar, arb): the
    three-valued connectives, variables, no sharing, and sums and products by the
    number type's own (rigorous) operators. The batched context has its own."""

    def truth_const(self, value: bool) -> Fn:
        t = Tri.TRUE if value else Tri.FALSE
        return lambda xs: t

    def conj(self, parts: Sequence[Fn]) -> Fn:
        def conj(xs: Sequence[Any]) -> Tri:
            t = Tri.TRUE
            for p in parts:
                t = t.and_(p(xs))
                if t is Tri.FALSE:
                    break
            return t

        return conj

    def disj(self, parts: Sequence[Fn]) -> Fn:
        def disj(xs: Sequence[Any]) -> Tri:
            t = Tri.FALSE
            for p in parts:
                t = t.or_(p(xs))
                if t is Tri.TRUE:
                    break
            return t

        return disj

    def neg(self, inner: Fn) -> Fn:
        return lambda xs: inner(xs).not_()

    def shared(self, f: Fn) -> Fn:
        return f  # one box per call: nothing to share

    def var(self, i: int) -> Fn:
        return lambda xs: xs[i]

    def add(self, parts: Sequence[Fn]) -> Fn:
        def add(xs: Sequence[Any]) -> Any:
            acc = parts[0](xs)
            for p in parts[1:]:
                acc = acc + p(xs)
            return acc

        return add

    def mul(self, parts: Sequence[Fn], first: sp.Expr | None = None) -> Fn:
        def mul(xs: Sequence[Any]) -> Any:
            acc = parts[0](xs)
            for p in parts[1:]:
                acc = acc * p(xs)
            return acc

        return mul

    def hull(self, values: Sequence[Any]) -> Any:
        """The smallest value of this number world holding all of ``values``."""
        raise NotImplementedError

    def piecewise(self, branches: Sequence[tuple[Fn, Fn]]) -> Fn:
        def piecewise(xs: Sequence[Any]) -> Any:
            taken: list[Any] = []
            for value, cond in branches:
                t = cond(xs)
                if t is Tri.FALSE:
                    continue
                taken.append(value(xs))
                if t is Tri.TRUE:  # every later branch is unreachable
                    return self.hull(taken)
            raise UndefinedError("Piecewise may be undefined on this box")

        return piecewise


class Walker:
    """Compiles sympy expressions and relations with one context's combinators.

    With ``share``, a subexpression met again (in the same expression or in
    another one compiled by this walker) is the same compiled node, wrapped by
    the context's :meth:`Context.shared` so that it is evaluated once per batch.
    """

    def __init__(
        self, ctx: Context, symbols: Sequence[sp.Symbol], share: bool = False,
        leaf: Callable[[Relational], Fn] | None = None,
    ) -> None:
        self.ctx = ctx
        self.index = symbol_index(symbols)
        self.nodes: dict[Any, Fn] | None = {} if share else None
        # ``leaf`` compiles each relation itself (truth at an exact point decides a
        # leaf that rounding leaves open exactly); the connectives stay the context's
        self.leaf = leaf

    def boolean(self, node: Any) -> Fn:
        ctx = self.ctx
        if node is sp.true or isinstance(node, sp.logic.boolalg.BooleanTrue):
            return ctx.truth_const(True)
        if node is sp.false or isinstance(node, sp.logic.boolalg.BooleanFalse):
            return ctx.truth_const(False)
        if self.leaf is not None and isinstance(node, Relational):
            return self.leaf(node)
        if isinstance(node, (sp.Eq, sp.Ne)):
            return ctx.equal(self.expr(sp.sympify(node.lhs - node.rhs)), isinstance(node, sp.Ne))
        if isinstance(node, Relational):
            gap, strict = relation_gap(node)
            return ctx.relation(self.expr(gap), strict)
        if isinstance(node, (sp.And, sp.Or)):
            parts = [self.boolean(a) for a in node.args]
            return ctx.conj(parts) if isinstance(node, sp.And) else ctx.disj(parts)
        if isinstance(node, sp.Not):
            return ctx.neg(self.boolean(node.args[0]))
        raise UnsupportedError(f"unsupported boolean form for interval evaluation: {node}")

    def expr(self, node: Any) -> Fn:
        if self.nodes is None or not node.args:  # symbols and numbers cost nothing to redo
            return self._expr(node)
        got = self.nodes.get(node)
        if got is None:
            got = self.nodes[node] = self.ctx.shared(self._expr(node))
        return got

    def _expr(self, node: Any) -> Fn:  # noqa: C901 - one dispatch, explicit cases
        ctx = self.ctx
        if isinstance(node, sp.Symbol):
            return ctx.var(self.index(node))
        if node is sp.E or node is sp.pi or node.is_Rational or isinstance(node, sp.Float):
            return ctx.const(node)
        if node.is_infinite or node is sp.nan or node is sp.zoo:
            raise UnsupportedError(f"infinite or undefined constant {node} in an expression")
        if isinstance(node, sp.Add):
            return ctx.add([self.expr(a) for a in node.args])
        if isinstance(node, sp.Mul):
            lead = node.args[0]
            number = lead if lead.is_Rational or isinstance(lead, sp.Float) else None
            return ctx.mul([self.expr(a) for a in node.args], number)
        if isinstance(node, sp.Pow):
            return self.power(node.base, node.exp)
        if isinstance(node, sp.exp):
            return ctx.exp(self.expr(node.args[0]))
        if isinstance(node, sp.log):
            if len(node.args) != 1:
                raise UnsupportedError(f"log with a base: {node}")
            return ctx.log(self.expr(node.args[0]))
        if isinstance(node, sp.Abs):
            return ctx.abs(self.expr(node.args[0]))
        if isinstance(node, (sp.Min, sp.Max)):
            return ctx.minmax([self.expr(a) for a in node.args], isinstance(node, sp.Min))
        if isinstance(node, (sp.floor, sp.ceiling)):
            return ctx.rounding(self.expr(node.args[0]), isinstance(node, sp.floor))
        if isinstance(node, sp.Piecewise):
            return ctx.piecewise([(self.expr(e), self.boolean(c)) for e, c in node.args])
        raise UnsupportedError(f"unsupported function for interval evaluation: {node.func}")

    def power(self, base: Any, exponent: Any) -> Fn:
        a = self.expr(base)
        if exponent.is_Integer:
            return self.ctx.int_pow(a, int(exponent))
        if exponent.is_Rational:
            return self.ctx.rational_pow(a, exponent)
        return self.ctx.symbolic_pow(a, self.expr(exponent), bool(exponent.is_integer))
