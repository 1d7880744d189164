"""The sympy boundary: parsing math strings into sympy, strictly.

Only declared names are accepted: a name that is neither a declared symbol,
a whitelisted function nor a definition of the lemma file is an error (sympy
would otherwise turn ``gamma`` into the Gamma function or a typo into a fresh
symbol). Decimal literals become exact rationals, never floats.
"""

from __future__ import annotations

import ast
import math
import re
import tokenize
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.parsing.sympy_parser import (
    convert_equals_signs,
    convert_xor,
    eval_expr,
    rationalize,
    standard_transformations,
    stringify_expr,
)

from boundprop.errors import BoundpropError, ExpressionError

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
_NE_NAME = "_boundprop_Ne"  # not an identifier users can write (unknown names are refused)
_PARSER_NAMES: dict[str, Any] = {
    _NE_NAME: sp.Ne,
    "Symbol": sp.Symbol,
    "Integer": sp.Integer,
    "Float": sp.Float,
    "Rational": sp.Rational,
    "Function": sp.Function,
}

_DOUBLE_EQUALS = re.compile(r"(?<![<>!=])==(?!=)")

# Limits that keep sympy and the backends from hanging on absurd input:
# a constant exponent (x**(10**100), 2**2**2**20) and the decimal exponent
# of a literal (1e100000000) are bounded, and long input is refused.
MAX_EXPONENT = 10_000
MAX_LITERAL_EXPONENT = 1_000
MAX_LENGTH = 20_000
_LITERAL_EXPONENT = re.compile(r"[eE]([+-]?\d+)$")


def short(text: str, limit: int = 60) -> str:
    """``repr(text)``, cut to about ``limit`` characters for one-line messages.

    >>> short("x" * 100, 10)
    "'xxxxxxxxxx...'"
    """
    return repr(text) if len(text) <= limit else repr(text[:limit] + "...")


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
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression of {len(text)} characters is too long (at most {MAX_LENGTH})", where)
    if "\x00" in text:
        raise ExpressionError(f"NUL character in {short(text)}", where)
    source = _DOUBLE_EQUALS.sub("=", text)
    local: dict[str, Any] = dict(SCALAR_FUNCTIONS)
    if extra_functions:
        local.update(extra_functions)
    local.update(names)
    _reject_unknown_names(source, text, local, where)
    try:
        code = _not_equal_as_ne(stringify_expr(source, local, dict(_PARSER_NAMES), _TRANSFORMS), text, where)
        _check_powers(code, text, where)
        result = eval_expr(code, local, dict(_PARSER_NAMES))
    except BoundpropError:
        raise
    except ZeroDivisionError:
        raise ExpressionError(f"division by zero in {short(text)}", where) from None
    except RecursionError:
        raise ExpressionError(f"{short(text)} is nested too deeply", where) from None
    except NameError as exc:
        raise ExpressionError(f"malformed math {short(text)} (unsupported: {exc})", where) from None
    except Exception as exc:  # sympy raises many types on odd input; all are the input's fault
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        if "zoo" in detail or " nan" in detail.lower():
            raise ExpressionError(f"{short(text)} contains a division by zero or NaN", where) from None
        raise ExpressionError(f"malformed math {short(text)} ({detail})", where) from None
    if isinstance(result, bool):
        raise ExpressionError(f"{short(text)} evaluates to the constant {result}, not a statement", where)
    _check_result(result, text, where, local)
    return result


class _NotEqualAsNe(ast.NodeTransformer):
    """Rewrite ``a != b`` as ``Ne(a, b)``: Python's ``!=`` on sympy objects is a
    structural comparison answering a Python bool, so ``Or(x > 5, x != 1/3)``
    would otherwise silently become ``True``."""

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        if not any(isinstance(op, ast.NotEq) for op in node.ops):
            return node
        if len(node.ops) != 1:
            raise ValueError("chained comparison with !=")
        call = ast.Call(func=ast.Name(id=_NE_NAME, ctx=ast.Load()), args=[node.left, node.comparators[0]], keywords=[])
        return ast.copy_location(call, node)


def _not_equal_as_ne(code: str, text: str, where: str) -> str:
    """The parser's generated code with every ``!=`` turned into ``Ne``."""
    if "!=" not in code:
        return code
    try:
        tree = _NotEqualAsNe().visit(ast.parse(code, mode="eval"))
    except ValueError:
        raise ExpressionError(
            f"malformed math {short(text)} (a chained comparison with '!='; write Ne(a, b))", where
        ) from None
    except (SyntaxError, MemoryError, RecursionError):
        return code  # eval_expr reports it
    return ast.unparse(ast.fix_missing_locations(tree))


def _reject_unknown_names(source: str, text: str, local: Mapping[str, Any], where: str) -> None:
    """Name the first identifier that is not in scope, before sympy invents it."""
    try:
        tokens = list(tokenize.generate_tokens(iter([source, ""]).__next__))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        opened = sum(source.count(c) for c in "([{")
        if opened == sum(source.count(c) for c in ")]}") and opened > 50:
            raise ExpressionError(f"{short(text)} is nested too deeply", where) from None
        raise ExpressionError(f"malformed math {short(text)} (unbalanced brackets?)", where) from None
    depth = 0
    for tok in tokens:
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
            if depth < 0:
                raise ExpressionError(
                    f"malformed math {short(text)} (unbalanced brackets: unmatched {tok.string!r})", where
                )
    previous = None
    for tok in tokens:
        if tok.type == tokenize.NAME and (previous is None or previous.string != "."):
            if tok.string not in local:
                raise ExpressionError(
                    f"unknown symbol {tok.string!r} in {short(text)} "
                    "(declare it as a parameter or definition)",
                    where,
                )
        if tok.type == tokenize.NUMBER:
            match = _LITERAL_EXPONENT.search(tok.string)
            if match and abs(int(match.group(1))) > MAX_LITERAL_EXPONENT:
                raise ExpressionError(
                    f"number {tok.string} is out of range (decimal exponent at most {MAX_LITERAL_EXPONENT})",
                    where,
                )
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER):
            previous = tok


_FLOAT_FUNCTIONS: dict[str, Callable[..., float]] = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "abs": abs,
    "Abs": abs,
    "max": max,
    "Max": max,
    "min": min,
    "Min": min,
    "floor": math.floor,
    "ceiling": math.ceil,
}
_FLOAT_CONSTANTS = {"pi": math.pi, "E": math.e, "oo": math.inf}


def _approx(node: ast.AST) -> float | None:
    """A float estimate of a constant subexpression of the parser's generated
    code (inf when it overflows), or None when it is not constant. Used only
    to bound magnitudes before sympy evaluates anything exactly."""
    try:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
            if isinstance(node.value, bool):
                return None
            return float(node.value) if not isinstance(node.value, str) else float(Fraction(node.value))
        if isinstance(node, ast.Name):
            return _FLOAT_CONSTANTS.get(node.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            args = [_approx(arg) for arg in node.args]
            if not args or any(a is None for a in args):
                return None
            values = [a for a in args if a is not None]
            if node.func.id in ("Integer", "Float") and len(values) == 1:
                return values[0]
            if node.func.id == "Rational" and len(values) in (1, 2):
                return values[0] / values[1] if len(values) == 2 else values[0]
            function = _FLOAT_FUNCTIONS.get(node.func.id)
            return None if function is None else float(function(*values))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = _approx(node.operand)
            return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
        if isinstance(node, ast.BinOp):
            left, right = _approx(node.left), _approx(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                return left / right
            if isinstance(node.op, ast.Pow):
                return float(abs(left) ** right)
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError, TypeError, ArithmeticError):
        return None
    return None


def _check_powers(code: str, text: str, where: str) -> None:
    """Refuse constant exponents beyond :data:`MAX_EXPONENT` (and constant powers
    of more than a million bits) before sympy evaluates them exactly."""
    try:
        tree = ast.parse(code, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return  # eval_expr reports it
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent, base = _approx(node.right), _approx(node.left)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "exp":
            exponent, base = (_approx(node.args[0]) if len(node.args) == 1 else None), math.e
        else:
            continue
        if exponent is not None:
            too_large = math.isnan(exponent) or abs(exponent) > MAX_EXPONENT
            if not too_large and base is not None and abs(base) > 1:
                too_large = abs(exponent) * math.log2(abs(base)) > 1_000_000
            if too_large:
                raise ExpressionError(
                    f"exponent too large in {short(text)} (constant exponents at most {MAX_EXPONENT} "
                    "in absolute value)",
                    where,
                )


def _check_result(result: Any, text: str, where: str, local: Mapping[str, Any]) -> None:
    if isinstance(result, sp.Basic):
        if result.has(sp.zoo, sp.nan):
            raise ExpressionError(f"{short(text)} contains a division by zero or NaN", where)
        for function in result.atoms(sp.exp):  # exp(exp(exp(10))) built through definitions
            argument = function.args[0]
            if argument.is_number and not argument.free_symbols:
                try:
                    magnitude = abs(complex(argument.evalf(15)))
                except (TypeError, ValueError, ArithmeticError):
                    continue
                if not magnitude <= MAX_EXPONENT:
                    raise ExpressionError(
                        f"exponent too large in {short(text)} (exp of a constant beyond {MAX_EXPONENT})", where
                    )
        for power in result.atoms(sp.Pow):
            coefficient = power.exp.as_coeff_Mul()[0]
            if coefficient.is_Number and abs(coefficient) > MAX_EXPONENT:
                raise ExpressionError(
                    f"exponent {power.exp} too large in {short(text)} (at most {MAX_EXPONENT} in absolute value)",
                    where,
                )
        # Undefined functions are allowed only when the caller put them in scope
        # (display mode keeps definitions such as g(x) unexpanded).
        undefined = {f for f in result.atoms(AppliedUndef) if str(f.func) not in local}
        if undefined:
            name = sorted(str(f.func) for f in undefined)[0]
            raise ExpressionError(f"unknown function {name!r} in {short(text)}", where)


def relations_of(statement: Any) -> list[sp.Basic]:
    """Split a conjunction into its relations; a single relation is a list of one."""
    if isinstance(statement, sp.And):
        return [r for arg in statement.args for r in relations_of(arg)]
    return [statement]


def is_relation(obj: Any) -> bool:
    """True for a sympy relation or a boolean combination of relations."""
    return isinstance(obj, (sp.core.relational.Relational, sp.logic.boolalg.Boolean))
