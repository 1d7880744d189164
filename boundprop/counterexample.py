"""Counterexamples and witness points: format, parse, re-verify, shrink.

A counterexample to a :class:`~boundprop.statement.Statement` is an exact
point, inside the ranges, where the statement is *defined*, every hypothesis
holds and the conclusion fails. A witness of ill-definedness is an exact
point inside the ranges where a guard fails (a subterm is undefined) while
the hypotheses the guard may assume and every guard listed before it hold.

Evaluation at a point follows the order of the semantics: hypotheses
restrict the domain first, in order. Before hypothesis ``i`` is evaluated,
every guard with ``assume <= i`` is checked (in order; the first failing
guard makes the point undefined); then hypothesis ``i`` must hold (else the
point is outside the statement's domain); finally the conclusion's guards
and the conclusion. All checks are rigorous (interval arithmetic, then exact
rational arithmetic; see :func:`boundprop.interval.truth_at_point`);
anything undecided is never reported.

Counterexample values are exact strings ("3/2", "-1", or a real algebraic
number such as "sqrt(2)", "2**(1/3)", "CRootOf(x**5 - x - 1, 0)"; see
:class:`AlgebraicValue`); matrices are nested lists of such strings, keyed by
the matrix name.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from typing import Any

import sympy as sp

from boundprop.errors import UnsupportedError
from boundprop.statement import Statement, StatementGuard
from boundprop.verdict import CheckResult, CounterValue, Status, Tri

__all__ = [
    "Outcome",
    "exact_string",
    "format_counterexample",
    "point_of",
    "point_text",
    "evaluate",
    "refutes",
    "undefined_at",
    "reverified",
    "ill_defined_result",
    "shrink",
    "AlgebraicValue",
    "algebraic_value",
    "parse_algebraic",
    "point_value",
]

# Candidate points tried by :func:`shrink` (a count, not a time: deterministic).
SHRINK_CANDIDATES = 300


class Outcome(enum.Enum):
    """What a statement is at one exact point."""

    OUTSIDE = "outside"  # not in the ranges (or not an integer where required)
    UNDEFINED = "undefined"  # a guard fails where it may be evaluated
    EXCLUDED = "excluded"  # a hypothesis fails: the point is not in the domain
    HOLDS = "holds"
    FAILS = "fails"  # a counterexample
    UNDECIDED = "undecided"


def exact_string(value: sp.Expr) -> str:
    """An exact number as the string a counterexample carries ("3/2", "-1",
    "sqrt(2)"): a rational, or a real algebraic number written so that it
    reads back as the same number.

    >>> exact_string(sp.Rational(-3, 2)), exact_string(sp.sqrt(2))
    ('-3/2', 'sqrt(2)')
    """
    number = sp.sympify(value)
    if isinstance(number, sp.Rational):
        return str(number)
    return _algebraic_string(number)


def format_counterexample(
    statement: Statement, point: Mapping[sp.Symbol, sp.Rational]
) -> dict[str, CounterValue]:
    """Turn an exact point into a counterexample: matrices as nested lists.

    Entry symbols listed in ``statement.matrices`` are gathered under their
    matrix's name, row-major; every other variable appears under its own
    name. All values are exact strings.

    A matrix may be listed whose entries the statement does not quantify
    over (at n = 1, ``Res(X)`` is 0 and no entry of ``X`` is left; a
    premises check drops the conclusion): such an entry has no value, since
    any value would do. A matrix with no entry in ``point`` is left out; one
    with only some of its entries there is reported entry by entry, under
    the entries' own names, which :func:`point_of` reads back.

    >>> from boundprop.statement import make_variable
    >>> a, b, t = (make_variable(n, -1, 1) for n in ("a11", "a12", "t"))
    >>> st = Statement((a, b, t), (), sp.true, matrices={"A": ((a.symbol, b.symbol),)})
    >>> point = {a.symbol: sp.Rational(1, 2), b.symbol: sp.Integer(0), t.symbol: sp.Integer(-1)}
    >>> format_counterexample(st, point)
    {'A': [['1/2', '0']], 't': '-1'}
    >>> st = Statement((t,), (), sp.true, matrices={"A": ((a.symbol, b.symbol),)})
    >>> format_counterexample(st, {t.symbol: sp.Integer(-1)})
    {'t': '-1'}
    """
    by_name = {str(sym): val for sym, val in point.items()}
    out: dict[str, CounterValue] = {}
    in_matrix: set[str] = set()
    for name, rows in statement.matrices.items():
        keys = [[str(entry) for entry in row] for row in rows]
        if not all(key in by_name for row in keys for key in row):
            continue  # not (wholly) quantified here: its entries, if any, go by name below
        out[name] = [[exact_string(by_name[key]) for key in row] for row in keys]
        in_matrix.update(key for row in keys for key in row)
    for var in statement.variables:
        if var.name not in in_matrix and var.name in by_name:
            out[var.name] = exact_string(by_name[var.name])
    return out


_DECIMAL_EXPONENT = re.compile(r"[eE]\s*[-+]?\s*(\d+)")
_MAX_DECIMAL_EXPONENT = 4096


def _check_decimal(text: str) -> None:
    """Reject a decimal exponent so large that reading it builds a huge integer
    ("1e100000000": minutes and megabytes in ``Rational``)."""
    for m in _DECIMAL_EXPONENT.finditer(text):
        if len(m.group(1)) > 6 or int(m.group(1)) > _MAX_DECIMAL_EXPONENT:
            raise ValueError(f"not an exact number of reasonable size: {text[:40]!r}")


def _read(text: str) -> sp.Expr:
    _check_decimal(text)
    try:
        return sp.Rational(text)
    except (TypeError, ValueError, SyntaxError, sp.SympifyError):
        return parse_algebraic(text)


def point_of(
    statement: Statement, counterexample: Mapping[str, CounterValue] | Any
) -> dict[sp.Symbol, sp.Expr]:
    """Invert :func:`format_counterexample`: exact values per symbol (Rationals,
    or algebraic constants such as ``sqrt(2)``).

    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", 0, 1)
    >>> point_of(Statement((x,), (), sp.true), {"x": "1/2"})
    {x: 1/2}
    >>> point_of(Statement((x,), (), sp.true), {"x": "sqrt(2)/2"})
    {x: sqrt(2)/2}
    """
    by_name: dict[str, sp.Expr] = {}
    for name, value in counterexample.items():
        if isinstance(value, str):
            by_name[name] = _read(value)
            continue
        rows = statement.matrices.get(name)
        if rows is None:
            raise ValueError(f"counterexample names unknown matrix {name!r}")
        for sym_row, val_row in zip(rows, value, strict=True):
            for sym, val in zip(sym_row, val_row, strict=True):
                by_name[str(sym)] = _read(val)
    return {v.symbol: by_name[v.name] for v in statement.variables}


def point_text(counterexample: Mapping[str, CounterValue]) -> str:
    """``x = -2, y = 1/2`` (matrices as nested lists); "the empty point" if none.

    >>> point_text({"x": "-2", "A": [["1", "0"]]})
    'x = -2, A = [[1, 0]]'
    """

    def text(value: Any) -> str:
        if isinstance(value, str):
            return value
        return "[" + ", ".join(text(v) for v in value) + "]"

    if not counterexample:
        return "the empty point (no variables)"
    return ", ".join(f"{name} = {text(value)}" for name, value in counterexample.items())


def _values(statement: Statement, point: Mapping[Any, Any]) -> dict[sp.Symbol, Any] | None:
    """Exact values of every variable (Rationals or :class:`AlgebraicValue`), or
    None if the point is outside the ranges (or that is undecided)."""
    by_name = {str(k): v for k, v in point.items()}
    values: dict[sp.Symbol, Any] = {}
    for var in statement.variables:
        raw = point[var.symbol] if var.symbol in point else by_name.get(var.name)
        if raw is None:
            return None
        v = point_value(raw)
        if isinstance(v, AlgebraicValue):
            if var.integer:
                return None  # irrational
            if var.lo.is_finite and v.compare(sp.Rational(var.lo)) != 1:
                return None
            if var.hi.is_finite and v.compare(sp.Rational(var.hi)) != -1:
                return None
            values[var.symbol] = v
            continue
        if var.integer and not v.is_Integer:
            return None
        if (var.lo.is_finite and v < var.lo) or (var.hi.is_finite and v > var.hi):
            return None
        values[var.symbol] = v
    return values


def ordered_guards(statement: Statement) -> list[StatementGuard]:
    """The statement's guards in evaluation order (by ``assume``, stably)."""
    limit = len(statement.hypotheses)
    return sorted(statement.guards, key=lambda g: min(max(g.assume, 0), limit))


def _truth(condition: sp.Basic, values: Mapping[sp.Symbol, Any]) -> Tri:
    from boundprop.interval import UndefinedError, truth_at_point

    if condition is sp.true or condition is True:
        return Tri.TRUE
    if condition is sp.false or condition is False:
        return Tri.FALSE
    try:
        if any(isinstance(v, AlgebraicValue) for v in values.values()):
            return _algebraic_truth(condition, values)
        return truth_at_point(condition, values)
    except (UnsupportedError, UndefinedError, KeyError, TypeError, ValueError, ArithmeticError):
        return Tri.UNDECIDED


def evaluate(
    statement: Statement, point: Mapping[Any, Any]
) -> tuple[Outcome, StatementGuard | None]:
    """What ``statement`` is at ``point``, rigorously, and the failing guard if undefined.

    >>> from boundprop.statement import make_variable
    >>> v = make_variable("x", -1, 1)
    >>> g = StatementGuard(sp.Ne(v.symbol, 0), "1/x", "division by zero", 0)
    >>> st = Statement((v,), (), sp.Le(1, 1), guards=(g,))
    >>> evaluate(st, {v.symbol: 0})[0], evaluate(st, {v.symbol: 1})[0]
    (<Outcome.UNDEFINED: 'undefined'>, <Outcome.HOLDS: 'holds'>)
    """
    try:
        values = _values(statement, point)
    except (UnsupportedError, KeyError, TypeError, ValueError):
        return Outcome.OUTSIDE, None
    if values is None:
        return Outcome.OUTSIDE, None
    guards = ordered_guards(statement)
    g = 0
    n = len(statement.hypotheses)
    for i in range(n + 1):
        while g < len(guards) and (guards[g].assume <= i or i == n):
            t = _truth(guards[g].condition, values)
            if t is Tri.FALSE:
                return Outcome.UNDEFINED, guards[g]
            if t is Tri.UNDECIDED:
                return Outcome.UNDECIDED, None
            g += 1
        if i < n:
            t = _truth(statement.hypotheses[i], values)
            if t is Tri.FALSE:
                return Outcome.EXCLUDED, None
            if t is Tri.UNDECIDED:
                return Outcome.UNDECIDED, None
    t = _truth(statement.conclusion, values)
    if t is Tri.FALSE:
        return Outcome.FAILS, None
    if t is Tri.TRUE:
        return Outcome.HOLDS, None
    return Outcome.UNDECIDED, None


def refutes(statement: Statement, point: Mapping[Any, Any]) -> bool:
    """True only if ``point`` is a verified counterexample at a defined point:
    inside the ranges, every guard TRUE where evaluated, every hypothesis
    TRUE and the conclusion FALSE. Anything undecided gives False."""
    return evaluate(statement, point)[0] is Outcome.FAILS


def undefined_at(statement: Statement, point: Mapping[Any, Any]) -> StatementGuard | None:
    """The guard that verifiably fails at ``point`` (the statement is undefined
    there, with the hypotheses the guard may assume holding), else None."""
    outcome, guard = evaluate(statement, point)
    return guard if outcome is Outcome.UNDEFINED else None


def reverified(statement: Statement, result: CheckResult) -> bool:
    """True if ``result`` is REFUTED with a counterexample that :func:`refutes`
    ``statement``, or ILL_DEFINED with a witness where a guard fails."""
    if result.counterexample is None:
        return False
    try:
        point = point_of(statement, result.counterexample)
    except (KeyError, ValueError, TypeError, ArithmeticError):
        return False
    if result.status is Status.REFUTED:
        return refutes(statement, point)
    if result.status is Status.ILL_DEFINED:
        return undefined_at(statement, point) is not None
    return False


def ill_defined_result(
    statement: Statement,
    point: Mapping[sp.Symbol, sp.Rational],
    guard: StatementGuard,
    method: str,
    how: str = "",
    seconds: float = 0.0,
) -> CheckResult:
    """The ILL_DEFINED result for a verified witness ``point`` of ``guard``."""
    witness = format_counterexample(statement, point)
    evidence = f"ill-defined: {guard.subterm} at {point_text(witness)} ({guard.reason})"
    if how:
        evidence += f"; {how}"
    return CheckResult(
        Status.ILL_DEFINED,
        method,
        evidence,
        seconds=seconds,
        counterexample=witness,
        details={"undefined": guard.subterm, "reason": guard.reason, "condition": str(guard.condition)},
    )


_SIMPLE = tuple(sp.Rational(v) for v in ("0", "1", "-1", "2", "-2", "1/2", "-1/2", "3", "-3", "4", "-4"))


def shrink(statement: Statement, result: CheckResult, candidates: int = SHRINK_CANDIDATES) -> CheckResult:
    """A simpler counterexample (or witness), if one is near: solvers return
    points like ``35447/2``. Tries scaling every coordinate down (statements
    about norms are often homogeneous), then small values coordinate by
    coordinate; every candidate is re-verified exactly (:func:`refutes` for
    REFUTED, :func:`undefined_at` with the same subterm for ILL_DEFINED), so
    the result is as sound as the original. Bounded by ``candidates`` checks."""
    if result.status not in (Status.REFUTED, Status.ILL_DEFINED) or not result.counterexample:
        return result
    try:
        point = point_of(statement, result.counterexample)
    except (KeyError, ValueError, TypeError):
        return result
    if not all(isinstance(v, sp.Rational) for v in point.values()):
        return result  # an algebraic counterexample is already as simple as its search makes it
    variables = {v.symbol: v for v in statement.variables}
    wanted = result.details.get("undefined") if result.status is Status.ILL_DEFINED else None
    budget = [candidates]

    def holds(candidate: dict[sp.Symbol, sp.Rational]) -> bool:
        if budget[0] <= 0:
            return False
        budget[0] -= 1
        try:
            if result.status is Status.REFUTED:
                return refutes(statement, candidate)
            guard = undefined_at(statement, candidate)
            return guard is not None and guard.subterm == wanted
        except Exception:  # a failed check never makes a point simpler
            return False

    def size(candidate: Mapping[sp.Symbol, sp.Rational]) -> int:
        return sum(abs(int(v.p)) + int(v.q) for v in candidate.values())

    best = dict(point)
    scale = max((abs(v) for v in best.values()), default=sp.Integer(0))
    if scale > 4:
        for target in (1, 2, 4, 8, 16):
            factor = sp.Rational(target) / scale
            candidate = {s: v if variables[s].integer else v * factor for s, v in best.items()}
            if holds(candidate):
                best = candidate
                break
    changed = True
    while changed and budget[0] > 0:
        changed = False
        for s in list(best):
            if variables[s].integer:
                continue
            near = [sp.Rational(Fraction(int(best[s].p), int(best[s].q)).limit_denominator(q)) for q in (1, 2, 4)]
            for value in (*_SIMPLE, *near):
                if value == best[s] or abs(value.p) + value.q >= abs(best[s].p) + best[s].q:
                    continue
                candidate = {**best, s: value}
                if holds(candidate):
                    best, changed = candidate, True
                    break
    if best == point or size(best) >= size(point):
        return result
    if result.status is Status.ILL_DEFINED:
        guard = undefined_at(statement, best)
        if guard is None:
            return result
        how = result.evidence.split("; ", 1)[1] if "; " in result.evidence else ""
        shrunk = ill_defined_result(statement, best, guard, result.method, how, result.seconds)
        return replace(shrunk, details={**dict(result.details), **dict(shrunk.details)})
    return replace(
        result,
        counterexample=format_counterexample(statement, best),
        evidence=result.evidence + "; simplified to a nearby counterexample, re-verified exactly",
    )


# --- real algebraic coordinates ---------------------------------------------------------
#
# A counterexample coordinate may be a real algebraic number written exactly:
# a radical ("sqrt(2)", "2**(1/3)", "1 + sqrt(3)/2") or a root of a polynomial
# with rational coefficients, "CRootOf(x**5 - x - 1, 0)" (sympy's meaning: the
# real roots first, in increasing order). Inside, each such value is an
# :class:`AlgebraicValue`: its minimal polynomial over the rationals and an
# exact isolating interval, refined by exact bisection. The evaluation order
# of :func:`evaluate` is the same as for rational points; only the decision
# of one relation at the point differs (:func:`_algebraic_leaf`): interval
# evaluation on the box of isolating intervals first, then, where rounding
# cannot decide (an equality, a tie), an exact zero test of the difference
# in the field the coordinates generate (the minimal polynomial's division
# or sympy's ``minimal_polynomial``). Anything undecided is never reported.

_T = sp.Dummy("t")
_X = sp.Symbol("x")
_MAX_DEGREE = 16  # of a coordinate's minimal polynomial
_MAX_FIELD_DEGREE = 64  # product of the degrees of the algebraic coordinates of one relation
_MAX_TEXT_DEGREE = 32  # bound (:func:`_degree_bound`) on a coordinate text's field degree
_MAX_TEXT = 2000  # characters of an algebraic coordinate's text
_BISECTIONS = 400  # bound on the exact bisections of one refinement


class AlgebraicValue:
    """A real algebraic irrational number, exactly: its minimal polynomial
    ``poly`` (primitive, over the integers, degree >= 2), the index of the
    root among the polynomial's real roots in increasing order, and an open
    isolating interval ``(lo, hi)``: the only root of ``poly`` there, with
    ``poly(lo)`` and ``poly(hi)`` of opposite signs (exactly)."""

    __slots__ = ("expr", "poly", "index", "lo", "hi")

    def __init__(self, expr: sp.Expr, poly: sp.Poly, index: int, lo: sp.Rational, hi: sp.Rational) -> None:
        self.expr, self.poly, self.index, self.lo, self.hi = expr, poly, index, lo, hi

    def __repr__(self) -> str:
        return f"AlgebraicValue({self.expr})"

    def enclosure(self, width: sp.Rational) -> tuple[sp.Rational, sp.Rational]:
        """An exact rational interval ``(lo, hi)`` around the number, at most
        ``width`` wide (or after :data:`_BISECTIONS` bisections)."""
        lo, hi = self.lo, self.hi
        sign_lo = _sign_at(self.poly, lo)
        for _ in range(_BISECTIONS):
            if hi - lo <= width:
                break
            mid = (lo + hi) / 2
            s = _sign_at(self.poly, mid)
            if s == 0:  # cannot happen for an irreducible polynomial of degree >= 2
                raise ArithmeticError("a rational root of an irreducible polynomial")
            if s == sign_lo:
                lo = mid
            else:
                hi = mid
        self.lo, self.hi = lo, hi  # keep the refinement (the same number, a smaller interval)
        return lo, hi

    def compare(self, bound: sp.Rational) -> int:
        """-1, 1: the number is below, above the rational ``bound`` (never equal:
        it is irrational); 0 if the bisections ran out (undecided)."""
        lo, hi = self.lo, self.hi
        width = hi - lo
        for _ in range(_BISECTIONS // 8):
            if bound <= lo:
                return 1
            if bound >= hi:
                return -1
            width = width / 2**8
            lo, hi = self.enclosure(width)
        return 0


def _sign_at(poly: sp.Poly, value: sp.Rational) -> int:
    v = poly.eval(value)
    return 0 if v == 0 else (1 if v > 0 else -1)


def _is_algebraic_constant(expr: Any) -> bool:
    """True if ``expr`` is built only from rationals, sums, products, rational
    powers (bounded exponents) and ``CRootOf`` of a univariate polynomial with
    rational coefficients: an algebraic number that exact algebra can handle."""
    if not isinstance(expr, sp.Expr) or expr.free_symbols - _crootof_symbols(expr):
        return False
    return _constant_shape(expr)


def _crootof_symbols(expr: sp.Expr) -> set[sp.Basic]:
    out: set[sp.Basic] = set()
    for r in expr.atoms(sp.CRootOf):
        out |= r.expr.free_symbols
    return out


def _constant_shape(e: sp.Basic) -> bool:
    if isinstance(e, sp.Rational):
        return abs(int(e.p)).bit_length() + int(e.q).bit_length() <= 4096
    if isinstance(e, sp.CRootOf):
        poly = sp.Poly(e.expr, *e.expr.free_symbols) if e.expr.free_symbols else None
        return (
            poly is not None
            and len(poly.gens) == 1
            and poly.domain in (sp.ZZ, sp.QQ)
            and 2 <= poly.degree() <= _MAX_DEGREE
            and bool(e.is_real)
        )
    if isinstance(e, (sp.Add, sp.Mul)):
        return all(_constant_shape(a) for a in e.args)
    if isinstance(e, sp.Pow):
        exp = e.exp
        return (
            isinstance(exp, sp.Rational)
            and abs(int(exp.p)) <= 64
            and int(exp.q) <= _MAX_DEGREE
            and _constant_shape(e.base)
        )
    return False


def _enclose_constant(expr: sp.Expr) -> tuple[sp.Rational, sp.Rational] | None:
    """A rigorous rational interval around an algebraic constant (interval
    arithmetic, each ``CRootOf`` replaced by its exact isolating interval);
    None if undefined (a fractional power of a negative number: not real)."""
    from boundprop.interval import enclose

    if isinstance(expr, sp.CRootOf):
        return None  # a root is enclosed by its own isolating interval, never here
    box: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] = {}
    replaced: dict[sp.Basic, sp.Basic] = {}
    for k, root in enumerate(sorted(expr.atoms(sp.CRootOf), key=str)):
        value = algebraic_value(root)
        if not isinstance(value, AlgebraicValue):
            return None
        dummy = sp.Symbol(f"_root{k}")
        replaced[root] = dummy
        box[dummy] = value.enclosure(sp.Rational(1, 2**80))
    try:
        iv = enclose(expr.xreplace(replaced), box)
    except Exception:  # undefined (not real) or outside the evaluator: no enclosure
        return None
    lo, hi = iv[0].inf, iv[0].sup
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    return sp.Rational(lo), sp.Rational(hi)


@functools.lru_cache(maxsize=4096)
def algebraic_value(expr: sp.Expr) -> sp.Rational | AlgebraicValue | None:
    """The exact value of an algebraic constant: a Rational, an
    :class:`AlgebraicValue`, or None (not a real algebraic number this module
    can handle exactly).

    >>> algebraic_value(sp.sqrt(2)).poly.as_expr(_X), algebraic_value(sp.sqrt(2)).index
    (x**2 - 2, 1)
    >>> algebraic_value(sp.sqrt(8) - 2 * sp.sqrt(2))
    0
    """
    expr = sp.sympify(expr)
    if isinstance(expr, sp.Rational):
        return expr
    if not _is_algebraic_constant(expr):
        return None
    if isinstance(expr, sp.CRootOf):
        gen = next(iter(expr.expr.free_symbols))
        factors = sp.Poly(expr.expr, gen).factor_list()[1]
        if len(factors) == 1 and factors[0][1] == 1 and factors[0][0].degree() >= 2:
            poly = sp.Poly(factors[0][0].as_expr().xreplace({gen: _T}), _T)
            intervals = poly.intervals()
            if expr.index < len(intervals):
                (lo, hi), _ = intervals[expr.index]
                return _checked(expr, poly, expr.index, sp.Rational(lo), sp.Rational(hi))
        # a reducible polynomial: by the minimal polynomial and an enclosure, below
    try:
        poly = sp.Poly(sp.minimal_polynomial(expr, _T), _T)
    except Exception:  # NotAlgebraic, or beyond sympy: not handled exactly
        return None
    if poly.degree() > _MAX_DEGREE:
        return None
    box = _enclose_constant(expr)
    if poly.degree() == 1:
        c1, c0 = poly.all_coeffs()
        rational = sp.Rational(-c0, c1)
        if box is not None and not box[0] <= rational <= box[1]:
            return None  # sympy's (numerical) choice of the factor contradicts the rigorous enclosure
        return rational
    if box is None:
        return None
    elo, ehi = box
    for eps in (None, sp.Rational(1, 10**6), sp.Rational(1, 10**12), sp.Rational(1, 10**20)):
        intervals = poly.intervals(eps=eps) if eps is not None else poly.intervals()
        near = [k for k, ((a, b), _) in enumerate(intervals) if a <= ehi and elo <= b]
        if len(near) == 1:
            (lo, hi), _ = intervals[near[0]]
            return _checked(expr, poly, near[0], sp.Rational(lo), sp.Rational(hi))
        if not near:
            return None  # the enclosure meets no real root: not a real number
    return None


def _degree_bound(expr: sp.Expr) -> int:
    """An upper bound on the degree over the rationals of the field the
    algebraic constant ``expr`` lies in: square roots of positive rationals
    count by the rank of their square classes (``sqrt(2), sqrt(3), sqrt(6)``:
    4), any other radical by its root's order ``q``, a ``CRootOf`` by its
    polynomial's degree; all multiplied."""
    bound = 1
    basis: dict[int, frozenset[int]] = {}  # square classes over GF(2), by pivot prime
    for p in expr.atoms(sp.Pow):
        if not isinstance(p.exp, sp.Rational) or p.exp.is_Integer:
            continue
        q, base = int(p.exp.q), p.base
        if q == 2 and isinstance(base, sp.Rational) and base > 0 and base.p < 2**64 and base.q < 2**64:
            odd = frozenset(
                prime for n in (int(base.p), int(base.q)) for prime, e in sp.factorint(n).items() if e % 2
            )
            while odd:
                pivot = max(odd)
                if pivot not in basis:
                    basis[pivot] = odd
                    bound *= 2
                    break
                odd = odd ^ basis[pivot]
        else:
            bound *= q
    for r in expr.atoms(sp.CRootOf):
        gens = r.expr.free_symbols
        bound *= max(int(sp.degree(r.expr, next(iter(gens)))), 1) if gens else 1
    return bound


def _checked(expr: sp.Expr, poly: sp.Poly, index: int, lo: sp.Rational, hi: sp.Rational) -> AlgebraicValue | None:
    """The value if ``(lo, hi)`` brackets a sign change of ``poly`` exactly, else None."""
    _, primitive = poly.primitive()
    if lo == hi or _sign_at(primitive, lo) * _sign_at(primitive, hi) >= 0:
        return None
    return AlgebraicValue(expr, primitive, index, lo, hi)


def point_value(raw: Any) -> sp.Rational | AlgebraicValue:
    """An exact coordinate: a Rational (as :func:`boundprop.interval.exact_value`
    reads it) or a real algebraic number (a sympy expression or its text)."""
    from boundprop.interval import exact_value

    if isinstance(raw, AlgebraicValue):
        return raw
    if isinstance(raw, str):
        try:
            _check_decimal(raw)
        except ValueError as exc:
            raise UnsupportedError(str(exc)) from exc
    try:
        return exact_value(raw)
    except (UnsupportedError, TypeError, ValueError, SyntaxError, sp.SympifyError):
        pass
    expr = parse_algebraic(raw) if isinstance(raw, str) else raw
    value = algebraic_value(expr) if isinstance(expr, sp.Expr) else None
    if value is None:
        raise UnsupportedError(f"point coordinate {raw!r} is neither rational nor a real algebraic number")
    return value


_ALGEBRAIC_TEXT = re.compile(r"(?:sqrt|\d+|[-+*/^() ]|\s)+")
_CROOTOF_TEXT = re.compile(r"CRootOf\(([-+*/^() x\d]+),\s*(\d+)\)")


def parse_algebraic(text: str) -> sp.Expr:
    """The algebraic constant an exact coordinate's text writes: a radical
    expression ("sqrt(2)", "2**(1/3)", "1 + sqrt(3)/2") or a whole
    "CRootOf(p, k)" with ``p`` a polynomial in ``x``. Only those words,
    integers and operators are read, and the unevaluated expression is
    checked for size before it is evaluated.

    >>> parse_algebraic("CRootOf(x**3 - 2, 0)"), parse_algebraic("2^(1/3)")
    (CRootOf(x**3 - 2, 0), 2**(1/3))
    """
    text = text.strip()
    if len(text) > _MAX_TEXT:
        raise ValueError(f"not an exact algebraic number: {text[:40]!r}...")
    root = _CROOTOF_TEXT.fullmatch(text)
    if root is not None:
        poly = _parse_bounded(root.group(1), text, allow_x=True)
        try:
            value = sp.CRootOf(poly, int(root.group(2)))
        except Exception as exc:  # not a univariate polynomial, an index out of range
            raise ValueError(f"not an exact algebraic number: {text!r}") from exc
    elif _ALGEBRAIC_TEXT.fullmatch(text):
        value = _parse_bounded(text, text, allow_x=False)
    else:
        raise ValueError(f"not an exact algebraic number: {text!r}")
    if not isinstance(value, sp.Expr) or not (value.is_Rational or _is_algebraic_constant(value)):
        raise ValueError(f"not an exact algebraic number: {text!r}")
    if _degree_bound(value) > _MAX_TEXT_DEGREE:
        # "sqrt(2) + sqrt(3) + ... + sqrt(37)": sympy's minimal_polynomial would run for minutes
        raise ValueError(f"not an exact algebraic number of small degree: {text[:40]!r}")
    return value


def _parse_bounded(source: str, text: str, allow_x: bool) -> Any:
    """``source`` (numbers, ``sqrt``, operators; ``x`` if ``allow_x``) read by
    the whitelist parser (:func:`boundprop.expr.parse.parse`, never Python's
    eval, with its own bounds on literal powers), then checked by :func:`_bits`."""
    from boundprop.errors import ExpressionError
    from boundprop.expr.parse import parse

    try:
        value = parse(source, {"x": _X} if allow_x else {}, "a counterexample value")
    except ExpressionError as exc:
        raise ValueError(f"not an exact algebraic number: {text!r}") from exc
    if not isinstance(value, sp.Expr) or _bits(value) is None:
        raise ValueError(f"not an exact algebraic number: {text!r}")
    return value


_MAX_BITS = 1 << 16  # of any number an algebraic coordinate's text builds


def _bits(e: sp.Basic) -> int | None:
    """A bound on the size in bits of the numbers an unevaluated constant
    builds when evaluated, or None if too large or not a constant this
    module reads (only integers, sums, products, bounded rational powers and
    ``CRootOf`` of a small polynomial)."""
    if e == _X:  # the variable of a CRootOf's polynomial (a free x elsewhere is rejected later)
        return 64
    if isinstance(e, sp.Integer):
        n = abs(int(e)).bit_length() + 1
        return n if n <= _MAX_BITS else None
    if isinstance(e, sp.Rational):
        n = abs(int(e.p)).bit_length() + int(e.q).bit_length()
        return n if n <= _MAX_BITS else None
    if isinstance(e, sp.CRootOf):
        return 64 if len(str(e.expr)) <= _MAX_TEXT else None
    if isinstance(e, (sp.Add, sp.Mul)):
        parts = [_bits(a) for a in e.args]
        if any(p is None for p in parts):
            return None
        n = sum(p for p in parts if p is not None) + 1
        return n if n <= _MAX_BITS else None
    if isinstance(e, sp.Pow):
        base = _bits(e.base)
        if base is None or _bits(e.exp) is None or e.exp.free_symbols:
            return None
        with sp.evaluate(True):
            exponent = sp.sympify(sp.sympify(e.exp).doit())  # small: checked above
        if not isinstance(exponent, sp.Rational) or abs(int(exponent.p)) > 64 or int(exponent.q) > _MAX_DEGREE:
            return None
        n = base * max(abs(int(exponent.p)), 1)
        return n if n <= _MAX_BITS else None
    return None


def _algebraic_string(value: sp.Expr) -> str:
    """The text of an algebraic coordinate, checked to read back as the same number."""
    exact = algebraic_value(value)
    if exact is None:
        raise TypeError(f"counterexample value {value!r} is not an exact real algebraic number")
    if isinstance(exact, sp.Rational):
        return str(exact)
    for text in (str(exact.expr), str(sp.CRootOf(exact.poly.as_expr(_X), exact.index))):
        try:
            back = algebraic_value(parse_algebraic(text))
        except (ValueError, TypeError, ArithmeticError, UnsupportedError):
            continue  # not readable ("1 + CRootOf(...)", too long): the next form
        if isinstance(back, AlgebraicValue) and back.poly == exact.poly and back.index == exact.index:
            return text
    raise TypeError(f"counterexample value {value!r} has no exact text that reads back as the same number")


def _algebraic_truth(condition: sp.Basic, values: Mapping[sp.Symbol, Any]) -> Tri:
    """:func:`_truth` at a point with algebraic coordinates: the walker's
    connectives over leaves decided at the point (:func:`_algebraic_leaf`)."""
    from boundprop.interval.scalar import ScalarContext
    from boundprop.interval.walker import Walker

    def leaf(node: Any) -> Any:
        sub = {s: values[s] for s in node.free_symbols}
        if all(isinstance(v, sp.Rational) for v in sub.values()):
            t = _truth(node, sub)  # the rational path, unchanged
        else:
            t = _algebraic_leaf(node, sub)
        return lambda xs: t

    return Walker(ScalarContext(), tuple(values), leaf=leaf).boolean(condition)(())  # type: ignore[no-any-return]


def _algebraic_leaf(rel: Any, values: Mapping[sp.Symbol, Any]) -> Tri:
    """One relation at a point with algebraic coordinates, rigorously: interval
    evaluation on the box of the coordinates' isolating intervals (TRUE or
    FALSE on the whole box holds at the point); where that cannot decide, the
    exact zero test of the difference (:func:`_exact_sign`)."""
    from boundprop.interval import truth
    from boundprop.interval.walker import relation_gap, truth_from_sign

    box = {
        s: (v, v) if isinstance(v, sp.Rational) else v.enclosure(sp.Rational(1, 2**80))
        for s, v in values.items()
    }
    try:
        t = truth(rel, box)
    except Exception:  # undefined on the box, or outside the evaluator: exact test below
        t = Tri.UNDECIDED
    if t is not Tri.UNDECIDED:
        return t
    if isinstance(rel, (sp.Eq, sp.Ne)):
        h, strict = sp.sympify(rel.lhs - rel.rhs), False
    else:
        try:
            h, strict = relation_gap(rel)
        except UnsupportedError:
            return Tri.UNDECIDED
    sign = _exact_sign(h, values, need_sign=not isinstance(rel, (sp.Eq, sp.Ne)))
    if sign is None:
        return Tri.UNDECIDED
    return truth_from_sign(rel, strict, sign)


def _polynomial_shape(e: sp.Basic) -> bool:
    """Sums, products, integer powers of symbols and algebraic constants: an
    expression whose value at an algebraic point exact algebra computes."""
    if isinstance(e, sp.Symbol):
        return True
    if not e.free_symbols:
        return _is_algebraic_constant(e)
    if isinstance(e, (sp.Add, sp.Mul)):
        return all(_polynomial_shape(a) for a in e.args)
    if isinstance(e, sp.Pow):
        return isinstance(e.exp, sp.Integer) and abs(int(e.exp)) <= 64 and _polynomial_shape(e.base)
    return False


def _exact_sign(h: sp.Expr, values: Mapping[sp.Symbol, Any], need_sign: bool) -> int | None:
    """The sign of ``h`` at the point, exactly (0: zero); for ``need_sign``
    False only zero versus nonzero matters (any nonzero answer is 1). None if
    undecided. ``h`` must be a rational function of the symbols with
    algebraic constant coefficients; a vanishing denominator is undecided."""
    if not _polynomial_shape(h):
        return None
    algebraic = {s: v for s, v in values.items() if isinstance(v, AlgebraicValue)}
    degree = 1
    for v in algebraic.values():
        degree *= v.poly.degree()
    if degree > _MAX_FIELD_DEGREE:
        return None
    rational = {s: v for s, v in values.items() if isinstance(v, sp.Rational)}
    try:
        num, den = sp.together(h.xreplace(rational)).as_numer_denom()
        if len(algebraic) == 1 and not (num.free_symbols | den.free_symbols) - set(algebraic):
            # one algebraic coordinate a with minimal polynomial m: q(a) = 0 iff m divides q
            ((s, v),) = algebraic.items()
            m = v.poly.as_expr(_T)
            pn, pd = (sp.Poly(q.xreplace({s: _T}), _T) for q in (num, den))
            if pn.domain in (sp.ZZ, sp.QQ) and pd.domain in (sp.ZZ, sp.QQ):
                if pd.rem(sp.Poly(m, _T)).is_zero:
                    return None  # the denominator vanishes: undefined here
                if pn.rem(sp.Poly(m, _T)).is_zero:
                    return 0
                if not need_sign:
                    return 1
        # in general: the value as an algebraic number of its own
        den_value = algebraic_value(sp.sympify(den.xreplace({s: v.expr for s, v in algebraic.items()})))
        if den_value is None or den_value == 0:
            return None
        value = algebraic_value(sp.sympify(h.xreplace(rational).xreplace({s: v.expr for s, v in algebraic.items()})))
    except Exception:  # sympy beyond its reach (or a bug): undecided, never a verdict
        return None
    if value is None:
        return None
    if isinstance(value, sp.Rational):
        return 0 if value == 0 else (1 if value > 0 else -1)
    return value.compare(sp.Integer(0)) or None
