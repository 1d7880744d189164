"""The sympy boundary: parsing math strings into sympy, strictly.

Only declared names are accepted: a name that is neither a declared symbol,
a whitelisted function nor a definition of the lemma file is an error (sympy
would otherwise turn ``gamma`` into the Gamma function or a typo into a fresh
symbol). Decimal literals become exact rationals, never floats.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Callable, Mapping
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.parsing.sympy_parser import (
    convert_equals_signs,
    convert_xor,
    parse_expr,
    rationalize,
    standard_transformations,
)

from boundprop.errors import ExpressionError

_TRANSFORMS = standard_transformations + (convert_xor, rationalize, convert_equals_signs)

# Scalar functions every statement may use.
SCALAR_FUNCTIONS: dict[str, Any] = {
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "Abs": sp.Abs,
    "abs": sp.Abs,
    "Min": sp.Min,
    "min": sp.Min,
    "Max": sp.Max,
    "max": sp.Max,
    "floor": sp.floor,
    "ceiling": sp.ceiling,
    "Piecewise": sp.Piecewise,
    "Eq": sp.Eq,
    "Ne": sp.Ne,
    "And": sp.And,
    "Or": sp.Or,
    "Not": sp.Not,
    "pi": sp.pi,
    "E": sp.E,
    "oo": sp.oo,
}

# Names the parser's generated code needs; never user-visible.
_PARSER_NAMES: dict[str, Any] = {
    "Symbol": sp.Symbol,
    "Integer": sp.Integer,
    "Float": sp.Float,
    "Rational": sp.Rational,
    "Function": sp.Function,
}

_DOUBLE_EQUALS = re.compile(r"(?<![<>!=])==(?!=)")


def parse(
    text: str,
    names: Mapping[str, Any],
    where: str,
    extra_functions: Mapping[str, Callable[..., Any]] | None = None,
) -> Any:
    """Parse ``text`` with only ``names`` (and the whitelisted functions) in scope.

    ``names`` maps identifiers to sympy symbols, matrices or callables;
    ``where`` names the place in the input for error messages.

    >>> x = sp.Symbol("x", real=True)
    >>> parse("exp(x) - 1 <= 2.5*x^2", {"x": x}, "example")
    exp(x) - 1 <= 5*x**2/2
    >>> parse("y + 1", {"x": x}, "example")
    Traceback (most recent call last):
    ...
    boundprop.errors.ExpressionError: example: unknown symbol 'y' in 'y + 1' (declare it as a parameter or definition)
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("empty expression", where)
    source = _DOUBLE_EQUALS.sub("=", text)
    local: dict[str, Any] = dict(SCALAR_FUNCTIONS)
    if extra_functions:
        local.update(extra_functions)
    local.update(names)
    _reject_unknown_names(source, text, local, where)
    try:
        result = parse_expr(
            source,
            local_dict=local,
            global_dict=dict(_PARSER_NAMES),
            transformations=_TRANSFORMS,
        )
    except ZeroDivisionError:
        raise ExpressionError(f"division by zero in {text!r}", where) from None
    except (SyntaxError, TypeError, ValueError, tokenize.TokenError, AttributeError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ExpressionError(f"malformed math {text!r} ({detail})", where) from None
    if isinstance(result, bool):
        raise ExpressionError(f"{text!r} evaluates to the constant {result}, not a statement", where)
    _check_result(result, text, where, local)
    return result


def _reject_unknown_names(source: str, text: str, local: Mapping[str, Any], where: str) -> None:
    """Name the first identifier that is not in scope, before sympy invents it."""
    try:
        tokens = list(tokenize.generate_tokens(iter([source, ""]).__next__))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        raise ExpressionError(f"malformed math {text!r} (unbalanced brackets?)", where) from None
    previous = None
    for tok in tokens:
        if tok.type == tokenize.NAME and (previous is None or previous.string != "."):
            if tok.string not in local:
                raise ExpressionError(
                    f"unknown symbol {tok.string!r} in {text!r} "
                    "(declare it as a parameter or definition)",
                    where,
                )
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER):
            previous = tok


def _check_result(result: Any, text: str, where: str, local: Mapping[str, Any]) -> None:
    if isinstance(result, sp.Basic):
        if result.has(sp.zoo, sp.nan):
            raise ExpressionError(f"{text!r} contains a division by zero or NaN", where)
        # Undefined functions are allowed only when the caller put them in scope
        # (display mode keeps definitions such as g(x) unexpanded).
        undefined = {f for f in result.atoms(AppliedUndef) if str(f.func) not in local}
        if undefined:
            name = sorted(str(f.func) for f in undefined)[0]
            raise ExpressionError(f"unknown function {name!r} in {text!r}", where)


def relations_of(statement: Any) -> list[sp.Basic]:
    """Split a conjunction into its relations; a single relation is a list of one."""
    if isinstance(statement, sp.And):
        return [r for arg in statement.args for r in relations_of(arg)]
    return [statement]


def is_relation(obj: Any) -> bool:
    """True for a sympy relation or a boolean combination of relations."""
    return isinstance(obj, (sp.core.relational.Relational, sp.logic.boolalg.Boolean))
