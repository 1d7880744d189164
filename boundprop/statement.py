"""The backend-facing form of a claim: "for all variables in their ranges
satisfying the hypotheses, the conclusion holds".

Backends see only :class:`Statement`; they never know lemmas or the graph.
Ranges are exact sympy numbers (Rational or Integer) or ±oo, never floats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from boundprop.errors import RangeError


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
class Statement:
    """∀ variables ∈ ranges: hypotheses ⇒ conclusion.

    ``conclusion`` is a sympy relation or a conjunction of relations;
    ``hypotheses`` a tuple of relations. ``matrices`` maps a matrix name to
    the entry symbols (row-major, as nested tuples) so counterexamples can
    be reported as matrices; ``note`` says how the statement was obtained
    (for example "instantiated at n=3, d=2").
    """

    variables: tuple[Variable, ...]
    hypotheses: tuple[sp.Basic, ...]
    conclusion: sp.Basic
    matrices: Mapping[str, tuple[tuple[sp.Symbol, ...], ...]] = field(default_factory=dict)
    note: str = ""

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
    """Limits for one decision. Backends stop at the first limit reached and
    report ``unknown`` naming the limit, never a guess."""

    seconds: float = 10.0
    max_boxes: int = 200_000
    samples: int = 4_000
    seed: int = 0
