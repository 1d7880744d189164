"""The backend-facing form of a claim: "for all variables in their ranges
satisfying the hypotheses, the conclusion holds".

Backends see only :class:`Statement`; they never know lemmas or the graph.
Ranges are exact sympy numbers (Rational or Integer) or ±oo, never floats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp

from boundprop.errors import RangeError

__all__ = [
    "REFERENCE_SECONDS",
    "TIME_CAP",
    "affine_bound",
    "Budget",
    "exact_bound",
    "make_variable",
    "Statement",
    "statement_guards",
    "StatementGuard",
    "stopped_by_time_cap",
    "Variable",
]


@dataclass(frozen=True, slots=True)
class Variable:
    """A universally quantified scalar with its range.

    ``lo``/``hi`` are exact sympy numbers or ``-sp.oo``/``sp.oo``. ``integer``
    variables range over the integers of ``[lo, hi]``.
    """

    symbol: sp.Symbol
    lo: sp.Expr
    hi: sp.Expr
    integer: bool = False

    @property
    def name(self) -> str:
        return str(self.symbol)

    @property
    def bounded(self) -> bool:
        return bool(self.lo.is_finite and self.hi.is_finite)


def make_variable(name: str, lo: Any, hi: Any, integer: bool = False, where: str = "") -> Variable:
    """Build a :class:`Variable`, validating the range exactly.

    >>> make_variable("x", "0", "1.25").hi
    5/4
    >>> make_variable("x", 2, 1)
    Traceback (most recent call last):
    ...
    boundprop.errors.RangeError: range of 'x' is inverted: [2, 1]
    """
    lo_v, hi_v = exact_bound(lo, name, where), exact_bound(hi, name, where)
    if lo_v > hi_v:
        raise RangeError(f"range of {name!r} is inverted: [{lo_v}, {hi_v}]", where or None)
    if lo_v == sp.oo or hi_v == -sp.oo:
        raise RangeError(f"range of {name!r} is empty: [{lo_v}, {hi_v}] contains no real number", where or None)
    if integer:
        if lo_v.is_finite:
            lo_v = sp.ceiling(lo_v)
        if hi_v.is_finite:
            hi_v = sp.floor(hi_v)
        if lo_v > hi_v:
            raise RangeError(f"integer range of {name!r} contains no integer", where or None)
    symbol = sp.Symbol(name, integer=True) if integer else sp.Symbol(name, real=True)
    return Variable(symbol=symbol, lo=lo_v, hi=hi_v, integer=integer)


def exact_bound(value: Any, name: str = "?", where: str = "") -> sp.Expr:
    """An exact sympy number from an int, a decimal string, a fraction or ±oo.

    Floats are refused unless they are integers: ``0.1`` as a float is not
    one tenth. NaN is refused.
    """
    if isinstance(value, bool):
        raise RangeError(f"bound of {name!r} is a boolean", where or None)
    if isinstance(value, float):
        if value != value:
            raise RangeError(f"bound of {name!r} is NaN", where or None)
        if value in (float("inf"), float("-inf")):
            return sp.oo if value > 0 else -sp.oo
        if not value.is_integer():
            raise RangeError(
                f"bound of {name!r} is the float {value!r}; write it as a string like \"{value!r}\"",
                where or None,
            )
        return sp.Integer(int(value))
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("oo", "+oo", "inf", "+inf", "infinity"):
            return sp.oo
        if text in ("-oo", "-inf", "-infinity"):
            return -sp.oo
        if text in ("nan", "+nan", "-nan"):
            raise RangeError(f"bound of {name!r} is NaN", where or None)
        exponent = re.search(r"e([+-]?\d+)$", text)
        if len(text) > 200 or (exponent and abs(int(exponent.group(1))) > 1000):
            raise RangeError(f"bound of {name!r} is out of range: {value[:40]!r}", where or None)
        try:
            number = sp.Rational(text)
        except (TypeError, ValueError, ZeroDivisionError):
            raise RangeError(f"bound of {name!r} is not a number: {value!r}", where or None) from None
        return number
    if isinstance(value, sp.Basic) and (value.is_Rational or value in (sp.oo, -sp.oo)):
        return value
    raise RangeError(f"bound of {name!r} is not a number: {value!r}", where or None)


@dataclass(frozen=True, slots=True)
class StatementGuard:
    """A condition that must hold where a subterm of the statement is evaluated.

    ``condition`` is a sympy relation (``x > 0`` for ``log(x)``); ``subterm``
    and ``reason`` say what needs it ("log(x)", "log needs a positive
    argument"). ``assume`` is how many of the statement's hypotheses (the
    first ones, in order) may be assumed when the guard is evaluated:
    hypotheses restrict the domain first, in order, so the guards of
    hypothesis ``i`` have ``assume = i`` and the guards of the conclusion
    ``assume = len(hypotheses)``. When one hypothesis text was split into
    several relations, its guards conservatively assume only the hypotheses
    before the first of them. Guards are listed in evaluation order (inner
    subterms before outer ones, by ``assume``); each may also assume the
    guards listed before it. Substituting into a statement substitutes into
    its guards too.
    """

    condition: sp.Basic
    subterm: str
    reason: str
    assume: int = 0


def statement_guards(guards: Any, assume: int) -> tuple[StatementGuard, ...]:
    """Parser guards (anything with ``condition``, ``subterm``, ``reason``) as
    statement guards that may assume the first ``assume`` hypotheses; guards
    whose condition is already ``True`` are dropped, duplicates kept once.

    >>> x = sp.Symbol("x", real=True)
    >>> g = StatementGuard(x > 0, "log(x)", "log needs a positive argument")
    >>> statement_guards([g, g], 2)[0].assume, len(statement_guards([g, g], 2))
    (2, 1)
    """
    out: list[StatementGuard] = []
    seen: set[tuple[Any, int]] = set()
    for guard in guards:
        condition = guard.condition
        if condition is sp.true or condition is True:
            continue
        key = (condition, assume)
        if key in seen:
            continue
        seen.add(key)
        out.append(StatementGuard(condition, str(guard.subterm), str(guard.reason), assume))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Statement:
    """∀ variables ∈ ranges: hypotheses ⇒ conclusion.

    ``conclusion`` is a sympy relation or a conjunction of relations;
    ``hypotheses`` a tuple of relations. ``matrices`` maps a matrix name to
    the entry symbols (row-major, as nested tuples) so counterexamples can
    be reported as matrices; ``note`` says how the statement was obtained
    (for example "instantiated at n=3, d=2"). ``guards`` are the definedness
    conditions of the statement's subterms (see :class:`StatementGuard`),
    collected before any simplification: a statement undefined at a point
    of its domain where the hypotheses before the subterm hold is
    ill-defined, never proved.
    """

    variables: tuple[Variable, ...]
    hypotheses: tuple[sp.Basic, ...]
    conclusion: sp.Basic
    matrices: Mapping[str, tuple[tuple[sp.Symbol, ...], ...]] = field(default_factory=dict)
    note: str = ""
    guards: tuple[StatementGuard, ...] = ()

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(v.symbol for v in self.variables)

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Budget:
    """Limits for one decision, in deterministic units.

    Backends stop at the first limit reached and report ``unknown`` naming
    the limit, never a guess. Every limit but ``seconds`` counts work, not
    time, so a decision gives the same result on a busy and on a quiet
    machine:

    * ``z3_rlimit``: z3's resource limit for each z3 query (z3's own
      deterministic count of its work);
    * ``max_boxes``: boxes branch-and-bound may evaluate;
    * ``samples`` and ``seed``: the falsifier's sample count and generator seed.

    ``proving`` False asks for the counterexample search only (the definedness
    layer, then the methods that can refute but never prove): for a statement
    whose proof has already decided it, where proving it again is moot.

    ``seconds`` is only an outer safety cap on wall-clock time, generous by
    default (several times a normal decision). A result stopped by it says
    "time cap" in its evidence: it depends on the machine's speed and load
    and is not reproducible.
    """

    seconds: float = 120.0
    max_boxes: int = 20_000
    samples: int = 4_000
    seed: int = 0
    z3_rlimit: int = 20_000_000
    proving: bool = True

    def search_only(self) -> Budget:
        """This budget for the counterexample search only (``proving`` False)."""
        return replace(self, proving=False)

    def scaled(self, factor: float) -> Budget:
        """The proving limits (boxes, z3's resource limit) multiplied by
        ``factor``, at least 1 each. The falsifier's search (samples, seed)
        and the time cap are kept: a smaller effort never searches less for
        counterexamples.

        >>> Budget(max_boxes=1000, z3_rlimit=10_000).scaled(0.5)
        Budget(seconds=120.0, max_boxes=500, samples=4000, seed=0, z3_rlimit=5000, proving=True)
        """
        if not factor > 0:
            raise ValueError(f"a budget scale must be positive, not {factor}")
        return replace(
            self,
            max_boxes=max(1, int(self.max_boxes * factor)),
            z3_rlimit=max(1, int(self.z3_rlimit * factor)),
        )


# A lemma file's per-node ``seconds`` is read as effort relative to this many
# seconds, and only ever raises the deterministic limits (check.py): ``seconds
# = 20`` doubles them, ``seconds`` at or below 10 leaves the defaults.
REFERENCE_SECONDS = 10.0

# Evidence of a result stopped by the wall-clock cap contains these words.
TIME_CAP = "time cap"


def stopped_by_time_cap(evidence: str) -> bool:
    """True if evidence says the wall-clock safety cap stopped the work."""
    return TIME_CAP in evidence


def affine_bound(relation: sp.Basic) -> tuple[sp.Symbol, str, sp.Expr, bool] | None:
    """``(v, side, c, strict)`` when ``relation`` says ``v >= c`` (side "lo")
    or ``v <= c`` (side "hi"), ``>``/``<`` if strict, for one symbol ``v`` and
    a rational ``c``; else None.

    >>> x = sp.Symbol("x", real=True)
    >>> affine_bound(sp.Le(2 * x + 1, 4))
    (x, 'hi', 3/2, False)
    >>> affine_bound(sp.Gt(-x, 1))
    (x, 'hi', -1, True)
    """
    if not isinstance(relation, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan)):
        return None
    gap = relation.lhs - relation.rhs  # relation: gap <= 0 (Le/Lt) or gap >= 0 (Ge/Gt)
    free = gap.free_symbols
    if len(free) != 1:
        return None
    (symbol,) = free
    try:
        poly = sp.Poly(gap, symbol)
    except sp.PolynomialError:
        return None
    if poly.degree() != 1:
        return None
    a, b = poly.coeff_monomial(symbol), poly.coeff_monomial(1)
    if not (a.is_Rational and b.is_Rational) or a == 0:
        return None
    upper = isinstance(relation, (sp.LessThan, sp.StrictLessThan))  # a*v + b <= 0
    if a < 0:
        upper = not upper
    strict = isinstance(relation, (sp.StrictLessThan, sp.StrictGreaterThan))
    return symbol, ("hi" if upper else "lo"), -b / a, strict
