"""The report's display parser: :func:`parse_unevaluated`, sympy's
``parse_expr(..., evaluate=False)`` over a fixed set of names (used by
boundprop/report/notation.py).

That parser only ever sees text the strict parser (:mod:`boundprop.expr.parse`)
has accepted first, so it reads whitelisted syntax only; it exists to keep
definitions unexpanded and terms unsimplified for typesetting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_equals_signs,
    convert_xor,
    parse_expr,
    rationalize,
    standard_transformations,
)

_TRANSFORMS = standard_transformations + (convert_xor, rationalize, convert_equals_signs)

_PARSER_NAMES: dict[str, Any] = {
    "_boundprop_Ne": sp.Ne,
    "Symbol": sp.Symbol,
    "Integer": sp.Integer,
    "Float": sp.Float,
    "Rational": sp.Rational,
    "Function": sp.Function,
    **{name: getattr(sp, name) for name in ("Le", "Lt", "Ge", "Gt", "Eq", "Ne", "Mul", "Add", "Pow")},
}

__all__ = ["parse_unevaluated"]


def parse_unevaluated(text: str, names: Mapping[str, Any]) -> Any:
    """``text`` as an unevaluated sympy expression over ``names`` (the paper's symbols and functions).

    Only for text the strict parser has accepted: definitions stay unexpanded
    and terms unsimplified, for typesetting. Raises what sympy raises
    (``SyntaxError``, ``TypeError``, ``ValueError``, ``AttributeError``).

    >>> x = sp.Symbol("x")
    >>> parse_unevaluated("x + x <= 2*x", {"x": x})
    x + x <= 2*x
    """
    return parse_expr(
        text.replace("==", "="),
        local_dict=dict(names),
        global_dict=dict(_PARSER_NAMES),
        transformations=_TRANSFORMS,
        evaluate=False,
    )
