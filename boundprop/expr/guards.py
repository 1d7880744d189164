"""Definedness guards: the conditions under which a parsed expression means something.

The parser records a :class:`Guard` for every partial operation it builds
(``log``, ``sqrt``, a division, a power with a possibly negative or non-integer
exponent), *before* sympy simplifies anything away: ``x/x`` parses to ``1``
but brings the guard ``x != 0``. Guards are listed inner subterms first, so a
guard is meant to be evaluated only where the guards before it hold
(``log(log(x))`` gives ``x > 0`` and then ``log(x) > 0``).

This module holds only the data; evaluating guards at points or over boxes
belongs to the evaluators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

__all__ = ["Guard", "Guarded", "add_guard"]


@dataclass(frozen=True, slots=True)
class Guard:
    """A condition that must hold where ``subterm`` is evaluated.

    ``condition`` is a sympy relation or a boolean combination of relations
    (``sympy.false`` when the subterm is undefined everywhere); ``subterm`` is
    the subterm as the user wrote it (``"log(x)"``, ``"1/x"``); ``reason`` says
    in plain words what the operation needs (``"log needs a positive argument"``).
    """

    condition: sp.Basic
    subterm: str
    reason: str


@dataclass(frozen=True, slots=True)
class Guarded:
    """A value of the parser's ``names`` whose use brings guards.

    For example a definition ``f = log(x)``: ``Guarded(log(x), (Guard(x > 0, "log(x)",
    ...),))``. The parser uses ``value`` and appends ``guards`` wherever the name
    is used.
    """

    value: Any
    guards: tuple[Guard, ...]


def add_guard(guards: list[Guard], guard: Guard) -> None:
    """Append ``guard`` unless its condition is ``sympy.true`` or already listed.

    A condition that is ``sympy.false`` is kept: it means undefined everywhere.

    >>> x = sp.Symbol("x", real=True)
    >>> found: list[Guard] = []
    >>> add_guard(found, Guard(sp.Gt(x, 0), "log(x)", "log needs a positive argument"))
    >>> add_guard(found, Guard(sp.Gt(x, 0), "log(x)", "log needs a positive argument"))
    >>> add_guard(found, Guard(sp.true, "1/2", "division by zero"))
    >>> [g.condition for g in found]
    [x > 0]
    """
    if isinstance(guard.condition, bool):
        guard = Guard(sp.true if guard.condition else sp.false, guard.subterm, guard.reason)
    if guard.condition is sp.true:
        return
    if any(existing.condition == guard.condition for existing in guards):
        return
    guards.append(guard)
