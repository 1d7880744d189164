"""The sympy boundary: math strings to sympy, strictly, with definedness guards.

* :mod:`boundprop.expr.parse`: the whitelist parser (:func:`parse`,
  :func:`guards_of`); it never evaluates Python;
* :mod:`boundprop.expr.builtins`: the one registry of built-in functions and
  constants, with their domains and LaTeX names;
* :mod:`boundprop.expr.guards`: :class:`Guard` and :class:`Guarded`.

Note: after ``import boundprop.expr``, the attribute ``boundprop.expr.parse``
is the *function*; import the module as ``from boundprop.expr import parse as
...`` only for the function, and ``importlib.import_module("boundprop.expr.parse")``
(or ``from boundprop.expr.parse import NAME``) for the module's other names.
"""

from __future__ import annotations

from boundprop.expr.builtins import (
    BUILTINS,
    BY_NAME,
    SCALAR_FUNCTIONS,
    Builtin,
    division_domain,
    power_domain,
)
from boundprop.expr.display import parse_unevaluated
from boundprop.expr.guards import Guard, Guarded, add_guard
from boundprop.expr.parse import (
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_LITERAL_EXPONENT,
    guards_of,
    is_relation,
    parse,
    relations_of,
    short,
)

__all__ = [
    "BUILTINS",
    "BY_NAME",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_LITERAL_EXPONENT",
    "SCALAR_FUNCTIONS",
    "Builtin",
    "Guard",
    "Guarded",
    "add_guard",
    "division_domain",
    "guards_of",
    "is_relation",
    "parse",
    "parse_unevaluated",
    "power_domain",
    "relations_of",
    "short",
]
