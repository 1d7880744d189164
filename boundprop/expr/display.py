"""Names the report's display parser (boundprop/report/latex.py) passes to
sympy's ``parse_expr(..., evaluate=False)``.

That parser only ever sees text the strict parser (:mod:`boundprop.expr.parse`)
has accepted first, so it reads whitelisted syntax only; it exists to keep
definitions unexpanded and terms unsimplified for typesetting.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_equals_signs,
    convert_xor,
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
}
