"""The one registry of built-in functions and constants of math strings.

Each :class:`Builtin` gives the spellings a math string may use, the sympy
constructor (or value, for a constant), the number of arguments, the domain
condition (where the function is defined, over the reals) and the LaTeX name.
The parser (:mod:`boundprop.expr.parse`) reads only this table; evaluators
and renderers may read it too.

The domains of the partial *operators* live here as well
(:func:`division_domain`, :func:`power_domain`), so the semantics of partial
operations is written down once:

* ``a / b`` needs ``b != 0``;
* ``log(a)`` needs ``a > 0`` (``log(a, b)`` also ``b > 0`` and ``b != 1``);
* ``sqrt(a)`` needs ``a >= 0``;
* ``a**n`` with an integer exponent needs ``a != 0`` where ``n < 0``
  (0 to a negative power is undefined);
* ``a**p`` with a constant non-integer exponent needs ``a >= 0`` (``a > 0`` when
  ``p < 0``). This includes odd denominators: sympy's ``x**(1/3)`` is the
  principal complex root, not the real cube root, so ``(-8)**(1/3)`` is not
  ``-2``; every non-integer power is taken to need a non-negative base;
* ``a**b`` with a symbolic exponent not known to be an integer needs ``a > 0``,
  or ``a = 0`` and ``b > 0``.

``exp``, ``Abs``, ``Min``, ``Max``, ``floor``, ``ceiling``, ``Piecewise`` and
the logical functions are total.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

__all__ = [
    "BUILTINS",
    "BY_NAME",
    "SCALAR_FUNCTIONS",
    "Builtin",
    "Condition",
    "division_domain",
    "Domain",
    "power_domain",
    "relation",
]

# A domain: the arguments (sympy values) -> the conditions they must satisfy,
# each with a reason in plain words.
Condition = tuple[sp.Basic, str]
Domain = Callable[[Sequence[Any]], list[Condition]]


@dataclass(frozen=True, slots=True)
class Builtin:
    """A built-in function or constant of math strings.

    ``names`` are its spellings (canonical first); ``sympy`` is the constructor
    of a function or the value of a constant; ``arity`` is ``(least, most)``
    arguments, ``most`` None for any number, and ``None`` for a constant;
    ``domain`` gives the conditions on the arguments (None: total); ``latex``
    is its LaTeX name.
    """

    names: tuple[str, ...]
    sympy: Any
    arity: tuple[int, int | None] | None
    domain: Domain | None
    latex: str

    @property
    def name(self) -> str:
        return self.names[0]

    @property
    def is_constant(self) -> bool:
        return self.arity is None

    def conditions(self, args: Sequence[Any]) -> list[Condition]:
        """The domain conditions of this function applied to ``args`` (sympy values)."""
        if self.domain is None or any(isinstance(a, sp.MatrixBase) for a in args):
            return []
        return self.domain(args)


def relation(kind: Callable[[Any, Any], Any], left: Any, right: Any) -> sp.Basic:
    """``kind(left, right)`` as a sympy boolean; ``sympy.false`` when it cannot be
    formed because a side is known not to be real (``log(-2) > 0``)."""
    try:
        value = kind(left, right)
    except TypeError:
        return sp.false
    if isinstance(value, bool):
        return sp.true if value else sp.false
    return value if isinstance(value, sp.Basic) else sp.false


def _log_domain(args: Sequence[Any]) -> list[Condition]:
    out: list[Condition] = [(relation(sp.Gt, args[0], 0), "log needs a positive argument")]
    if len(args) == 2:
        out.append((relation(sp.Gt, args[1], 0), "log needs a positive base"))
        out.append((relation(sp.Ne, args[1], 1), "log to base 1 is undefined"))
    return out


def _sqrt_domain(args: Sequence[Any]) -> list[Condition]:
    return [(relation(sp.Ge, args[0], 0), "sqrt needs a non-negative argument")]


def division_domain(divisor: Any) -> list[Condition]:
    """Where ``a / divisor`` is defined: ``divisor != 0`` (nothing for a matrix)."""
    if isinstance(divisor, sp.MatrixBase):
        return []
    return [(relation(sp.Ne, divisor, 0), "division by zero")]


def power_domain(base: Any, exponent: Any) -> list[Condition]:
    """Where ``base**exponent`` is defined over the reals (see the module docstring).

    >>> x, y = sp.symbols("x y", real=True)
    >>> n = sp.Symbol("n", integer=True)
    >>> power_domain(x, sp.Integer(2)), power_domain(x, sp.Integer(-1))[0][0]
    ([], Ne(x, 0))
    >>> power_domain(x, sp.Rational(1, 3))[0][0], power_domain(x, sp.Rational(-1, 2))[0][0]
    (x >= 0, x > 0)
    >>> power_domain(x, n)[0][0] == sp.Or(sp.Ne(x, 0), n >= 0)
    True
    >>> power_domain(x, y)[0][0] == sp.Or(x > 0, sp.And(sp.Eq(x, 0), y > 0))
    True
    """
    if isinstance(base, sp.MatrixBase) or isinstance(exponent, sp.MatrixBase):
        return []
    exponent = sp.sympify(exponent)
    if exponent.is_integer:
        if exponent.is_nonnegative:
            return []
        if exponent.is_number:
            return [(relation(sp.Ne, base, 0), "0 to a negative power is undefined")]
        return [
            (
                sp.Or(relation(sp.Ne, base, 0), relation(sp.Ge, exponent, 0)),
                "0 to a negative power is undefined",
            )
        ]
    if exponent.is_number and exponent.is_positive:
        return [(relation(sp.Ge, base, 0), "a non-integer power needs a non-negative base")]
    if exponent.is_number and exponent.is_negative:
        return [(relation(sp.Gt, base, 0), "a negative non-integer power needs a positive base")]
    return [
        (
            sp.Or(
                relation(sp.Gt, base, 0),
                sp.And(relation(sp.Eq, base, 0), relation(sp.Gt, exponent, 0)),
            ),
            "a real power needs a positive base (or base 0 and a positive exponent)",
        )
    ]


BUILTINS: tuple[Builtin, ...] = (
    Builtin(("exp",), sp.exp, (1, 1), None, r"\exp"),
    Builtin(("log",), sp.log, (1, 2), _log_domain, r"\log"),
    Builtin(("sqrt",), sp.sqrt, (1, 1), _sqrt_domain, r"\sqrt"),
    Builtin(("Abs", "abs"), sp.Abs, (1, 1), None, r"\left|\cdot\right|"),
    Builtin(("Min", "min"), sp.Min, (1, None), None, r"\min"),
    Builtin(("Max", "max"), sp.Max, (1, None), None, r"\max"),
    Builtin(("floor",), sp.floor, (1, 1), None, r"\lfloor\cdot\rfloor"),
    Builtin(("ceiling",), sp.ceiling, (1, 1), None, r"\lceil\cdot\rceil"),
    Builtin(("Piecewise",), sp.Piecewise, (1, None), None, r"\begin{cases}\end{cases}"),
    Builtin(("Eq",), sp.Eq, (2, 2), None, "="),
    Builtin(("Ne",), sp.Ne, (2, 2), None, r"\neq"),
    Builtin(("And",), sp.And, (1, None), None, r"\land"),
    Builtin(("Or",), sp.Or, (1, None), None, r"\lor"),
    Builtin(("Not",), sp.Not, (1, 1), None, r"\lnot"),
    Builtin(("pi",), sp.pi, None, None, r"\pi"),
    Builtin(("E",), sp.E, None, None, "e"),
    Builtin(("oo",), sp.oo, None, None, r"\infty"),
)

BY_NAME: dict[str, Builtin] = {name: b for b in BUILTINS for name in b.names}

# Every built-in spelling -> its sympy constructor or value (the parser's
# scope of built-ins; also the local dict of the report's display parser).
SCALAR_FUNCTIONS: dict[str, Any] = {name: b.sympy for name, b in BY_NAME.items()}
