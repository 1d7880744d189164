"""The sympy boundary: math strings to sympy, strictly, with definedness guards.

* :mod:`boundprop.expr.parse`: the whitelist parser (:func:`parse`, :func:`guards_of`);
* :mod:`boundprop.expr.builtins`: the registry of built-in functions and constants;
* :mod:`boundprop.expr.guards`: :class:`Guard` and :class:`Guarded`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from boundprop.expr._legacy import (
    _PARSER_NAMES,
    _TRANSFORMS,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_LITERAL_EXPONENT,
    SCALAR_FUNCTIONS,
    is_relation,
    relations_of,
    short,
)
from boundprop.expr._legacy import parse as _legacy_parse
from boundprop.expr.builtins import BUILTINS, BY_NAME, Builtin
from boundprop.expr.guards import Guard, Guarded


def parse(
    text: str,
    names: Mapping[str, Any],
    where: str,
    extra_functions: Mapping[str, Callable[..., Any]] | None = None,
    guards: list[Guard] | None = None,
) -> Any:
    """Parse ``text`` (transitional: guards are not collected yet)."""
    return _legacy_parse(text, names, where, extra_functions)


def guards_of(text: str, names: Mapping[str, Any], where: str) -> tuple[Guard, ...]:
    """The definedness guards of ``text`` (transitional: none yet)."""
    found: list[Guard] = []
    parse(text, names, where, guards=found)
    return tuple(found)


__all__ = [
    "BUILTINS",
    "BY_NAME",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_LITERAL_EXPONENT",
    "SCALAR_FUNCTIONS",
    "_PARSER_NAMES",
    "_TRANSFORMS",
    "Builtin",
    "Guard",
    "Guarded",
    "guards_of",
    "is_relation",
    "parse",
    "relations_of",
    "short",
]
