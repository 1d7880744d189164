"""The whitelist parser: math strings to sympy, never through Python's eval.

``ast.parse(..., mode="eval")`` is used only to get a syntax tree; nothing is
compiled or evaluated. A walker builds the sympy value bottom-up from the
nodes it accepts and refuses every other node with a one-line
:class:`~boundprop.errors.ExpressionError` naming the construct and where it is.

Accepted:

* numbers: integers and decimals (``0.1``, ``2.5e-3``) as exact rationals;
* names: the declared symbols, matrices, definitions and callables in
  ``names`` / ``extra_functions``, and the built-ins of
  :mod:`boundprop.expr.builtins` (functions, and the constants ``pi``, ``E``, ``oo``);
* ``+ - * /``, ``**`` and ``^`` (both powers), unary ``-`` and ``+``;
* calls of built-in functions and of callables in scope, positional
  arguments only; ``Piecewise((value, condition), ...)`` takes pairs;
* ``.T`` (transpose) of a matrix;
* relations ``< <= > >= == != =`` (``=`` is ``==``, equality), chained as in
  ``0 <= x <= 1`` meaning ``0 <= x and x <= 1``;
* ``and``, ``or``, ``not`` and the functions ``And``, ``Or``, ``Not``, ``Eq``, ``Ne``;
  the conditions ``True`` and ``False`` (``Piecewise((x, x > 0), (0, True))``).

Everything else (attribute access other than ``.T`` of a matrix, subscripts,
keyword arguments, lambdas, comprehensions, strings, lists, ``//``, ``%``,
``@``, ``&``, ``|``, ``~``, ...) is refused.

While building, every partial operation records a
:class:`~boundprop.expr.guards.Guard` (see :mod:`boundprop.expr.builtins` for
the semantics), before sympy's automatic simplification can remove the
subterm: ``x/x`` is ``1`` with the guard ``x != 0``.
"""

from __future__ import annotations

import ast
import contextvars
import functools
import io
import keyword
import math
import operator
import re
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from boundprop.errors import BoundpropError, ExpressionError
from boundprop.expr.builtins import BUILTINS, BY_NAME, Builtin, division_domain, power_domain
from boundprop.expr.guards import Guard, Guarded, add_guard
from boundprop.expr.terms import subterms
from boundprop.suggest import did_you_mean

__all__ = [
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_LITERAL_EXPONENT",
    "MAX_POWER_BITS",
    "guards_of",
    "is_relation",
    "parse",
    "relations_of",
    "short",
]

# Limits that keep sympy and the backends from hanging on absurd input:
# a constant exponent (x**(10**100), 2**2**2**20) and the decimal exponent
# of a literal (1e100000000) are bounded, and long input is refused.
MAX_EXPONENT = 10_000
MAX_LITERAL_EXPONENT = 1_000
MAX_LENGTH = 20_000
MAX_POWER_BITS = 1_000_000
_LITERAL_EXPONENT = re.compile(r"[eE]([+-]?\d+)$")
_LOGIC_KEYWORDS = frozenset({"and", "or", "not"})

# Guards of parses run while another parse is building (a definition expanded
# by a callable in scope) flow to the outer parse.
_SINK: contextvars.ContextVar[list[Guard] | None] = contextvars.ContextVar("boundprop_guard_sink", default=None)


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
    guards: list[Guard] | None = None,
) -> Any:
    """Parse ``text`` with only ``names`` (and the built-ins) in scope.

    ``names`` maps identifiers to sympy symbols, matrices, callables or
    :class:`~boundprop.expr.guards.Guarded` values; ``where`` names the place in
    the input for error messages. When ``guards`` is a list, the definedness
    guards of the expression are appended to it (inner subterms first; no
    duplicates; never ``sympy.true``). Guards of parses that run inside this one
    (definitions expanded by callables in ``names``) are collected too.

    >>> x = sp.Symbol("x", real=True)
    >>> parse("exp(x) - 1 <= 2.5*x^2", {"x": x}, "example")
    exp(x) - 1 <= 5*x**2/2
    >>> found: list[Guard] = []
    >>> parse("x/x <= 1", {"x": x}, "example", guards=found), [str(g.condition) for g in found]
    (True, ['Ne(x, 0)'])
    >>> parse("y + 1", {"x": x}, "example")
    Traceback (most recent call last):
    ...
    boundprop.errors.ExpressionError: example: unknown symbol 'y' in 'y + 1' (declare it as a parameter or definition)
    >>> parse("x.__class__", {"x": x}, "example")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    boundprop.errors.ExpressionError: example: malformed math 'x.__class__' (attribute access '.__class__' is ...)
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("empty expression", where)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression of {len(text)} characters is too long (at most {MAX_LENGTH})", where)
    if "\x00" in text:
        raise ExpressionError(f"NUL character in {short(text)}", where)
    try:
        normalized = text.replace("\r\n", "\n").replace("\r", "\n")
        prepared = _prepare_cached(normalized) if len(normalized) <= _CACHED_LENGTH else _prepare(normalized)
    except _Refused as exc:
        raise ExpressionError(str(exc), where) from None
    for name in prepared.names_used:
        if name not in names and (extra_functions is None or name not in extra_functions) and name not in BY_NAME:
            raise ExpressionError(
                f"unknown symbol {name!r} in {short(text)} (declare it as a parameter or definition)", where
            )
    if prepared.syntax_error is not None:
        raise ExpressionError(f"malformed math {short(text)} ({prepared.syntax_error})", where)
    assert prepared.tree is not None
    found: list[Guard] = []
    walker = _Walker(prepared, names, extra_functions or {}, found)
    outer = _SINK.get()
    token = _SINK.set(found)
    try:
        result = walker.value(prepared.tree.body)
    except BoundpropError as exc:
        if isinstance(exc, ExpressionError) and exc.where is None:  # raised by a callable in scope
            exc.where = where
        raise
    except ZeroDivisionError:
        raise ExpressionError(f"division by zero in {short(text)}", where) from None
    except RecursionError:
        raise ExpressionError(f"{short(text)} is nested too deeply", where) from None
    except Exception as exc:  # sympy raises many types on odd input; all are the input's fault
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        if "zoo" in detail or " nan" in detail.lower():
            raise ExpressionError(f"{short(text)} contains a division by zero or NaN", where) from None
        raise ExpressionError(f"malformed math {short(text)} ({detail})", where) from None
    finally:
        _SINK.reset(token)
    if isinstance(result, bool):
        raise ExpressionError(f"{short(text)} evaluates to the constant {result}, not a statement", where)
    _check_result(result, text, where, lambda name: walker.in_scope(name))
    for guard in found:
        if guards is not None:
            add_guard(guards, guard)
        if outer is not None and outer is not guards:
            add_guard(outer, guard)
    return result


def guards_of(text: str, names: Mapping[str, Any], where: str) -> tuple[Guard, ...]:
    """The definedness guards of ``text``, inner subterms first.

    >>> x = sp.Symbol("x", real=True)
    >>> [str(g.condition) for g in guards_of("log(log(x)) <= x", {"x": x}, "example")]
    ['x > 0', 'log(x) > 0']
    """
    found: list[Guard] = []
    parse(text, names, where, guards=found)
    return tuple(found)


def relations_of(statement: Any) -> list[sp.Basic]:
    """Split a conjunction into its relations; a single relation is a list of one."""
    if isinstance(statement, sp.And):
        return [r for arg in statement.args for r in relations_of(arg)]
    return [statement]


def is_relation(obj: Any) -> bool:
    """True for a sympy relation or a boolean combination of relations."""
    return isinstance(obj, (sp.core.relational.Relational, sp.logic.boolalg.Boolean))


# ---------------------------------------------------------------------------
# tokens and the syntax tree


class _Refused(Exception):
    """A scope-independent refusal found while preparing a text (message without ``where``)."""


# spellings from other languages whose meaning here is unambiguous
_USUAL_SPELLINGS = {"ln": "log", "Exp": "exp", "Log": "log", "Sqrt": "sqrt", "ceil": "ceiling"}


def _suggestion(name: str) -> str:
    """``"; did you mean 'log'?"`` for a misspelt built-in, else ``""``.

    >>> _suggestion("ln"), _suggestion("sqr"), _suggestion("zzz")
    ("; did you mean 'log'?", "; did you mean 'sqrt'?", '')
    """
    return did_you_mean(name, BY_NAME, _USUAL_SPELLINGS)


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A text tokenized, converted (``^`` to ``**``, ``=`` to ``==``) and parsed to a tree."""

    text: str
    source: str  # the converted text given to ast.parse
    origin: tuple[int, ...]  # index in ``text`` of each character of ``source``
    line_starts: tuple[int, ...]  # index in ``source`` where each line starts
    names_used: tuple[str, ...]  # identifiers that must be in scope, in order
    tree: ast.Expression | None
    syntax_error: str | None

    def span(self, node: ast.AST) -> tuple[int, int]:
        """Start and end (exclusive) of ``node`` in the original text."""
        start, end = self._source_span(node)
        if not self.origin:
            return 0, 0
        start = min(start, len(self.origin) - 1)
        end = max(min(end, len(self.origin)), start + 1)
        return self.origin[start], self.origin[end - 1] + 1

    def segment(self, node: ast.AST) -> str:
        """``node`` as the user wrote it."""
        start, end = self.span(node)
        return self.text[start:end]

    def literal(self, node: ast.AST) -> str:
        """``node``'s text in the converted source (for number literals)."""
        start, end = self._source_span(node)
        return self.source[start:end]

    def _source_span(self, node: ast.AST) -> tuple[int, int]:
        """Start and end (exclusive) of ``node`` in :attr:`source`."""
        start = self._index(getattr(node, "lineno", None), getattr(node, "col_offset", None))
        end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
        end = self._index(end_line, end_col) if end_line is not None and end_col is not None else start + 1
        return start, end

    def _index(self, lineno: int | None, col_offset: int | None) -> int:
        if lineno is None or col_offset is None:
            return 0
        start = self.line_starts[lineno - 1]
        line_end = self.line_starts[lineno] if lineno < len(self.line_starts) else len(self.source)
        line = self.source[start:line_end]
        return start + len(line.encode("utf-8")[:col_offset].decode("utf-8", errors="ignore"))


def _prepare(text: str) -> _Prepared:
    """Tokenize, convert and parse ``text`` (see :func:`_prepare_cached`)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        opened = sum(text.count(c) for c in "([{")
        if opened == sum(text.count(c) for c in ")]}") and opened > 50:
            raise _Refused(f"{short(text)} is nested too deeply") from None
        raise _Refused(f"malformed math {short(text)} (unbalanced brackets?)") from None
    text_line_starts = _line_starts(text)
    depth = 0
    names_used: list[str] = []
    replacements: dict[int, tuple[int, str]] = {}  # index in text -> (length replaced, new text)
    previous: tokenize.TokenInfo | None = None
    for tok in tokens:
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
            if depth < 0:
                raise _Refused(f"malformed math {short(text)} (unbalanced brackets: unmatched {tok.string!r})")
        if tok.type == tokenize.NAME and (previous is None or previous.string != "."):
            if tok.string in _LOGIC_KEYWORDS or tok.string in ("True", "False"):
                pass
            elif keyword.iskeyword(tok.string) and tok.string != "None":
                raise _Refused(f"malformed math {short(text)} (the Python keyword {tok.string!r} is not math)")
            else:
                names_used.append(tok.string)
        if tok.type == tokenize.NUMBER:
            match = _LITERAL_EXPONENT.search(tok.string)
            if match and abs(int(match.group(1))) > MAX_LITERAL_EXPONENT:
                raise _Refused(
                    f"number {tok.string} is out of range (decimal exponent at most {MAX_LITERAL_EXPONENT})"
                )
        if tok.type == tokenize.OP and tok.string in ("^", "="):
            index = text_line_starts[tok.start[0] - 1] + tok.start[1]
            if text[index : index + 1] != tok.string:  # never rewrite a character we did not locate
                raise _Refused(f"malformed math {short(text)} (cannot locate {tok.string!r})")
            replacements[index] = (1, "**" if tok.string == "^" else "==")
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER):
            previous = tok
    source_chars: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        if i in replacements:
            length, new = replacements[i]
            source_chars.append(new)
            origin.extend([i] * len(new))
            i += length
        else:
            source_chars.append(text[i])
            origin.append(i)
            i += 1
    source = "".join(source_chars)
    tree: ast.Expression | None = None
    error: str | None = None
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        if "too many nested" in str(exc.msg):
            raise _Refused(f"{short(text)} is nested too deeply") from None
        error = exc.msg or "invalid syntax"
        if exc.offset is not None and exc.lineno == 1 and 0 < exc.offset <= len(origin):
            error += f" at character {origin[exc.offset - 1] + 1}"
    except (RecursionError, MemoryError):
        raise _Refused(f"{short(text)} is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal of more than 4300 digits
        error = str(exc).splitlines()[0][:120]
    return _Prepared(text, source, tuple(origin), tuple(_line_starts(source)), tuple(names_used), tree, error)


# Definitions are re-read at every use and matrix statements many times: short
# texts keep their syntax tree (trees are never modified). Refusals are not cached.
_CACHED_LENGTH = 2_000
_prepare_cached = functools.lru_cache(maxsize=4096)(_prepare)


def _line_starts(text: str) -> list[int]:
    """Where each line starts, lines ending at ``\\n`` only (as tokenize and ast
    count them once ``\\r`` is normalized; ``str.splitlines`` also splits at form
    feeds and other characters Python does not treat as line ends)."""
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


# ---------------------------------------------------------------------------
# the walker

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: sp.Eq,
    ast.NotEq: sp.Ne,
}
_OPERATOR_NAMES: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_LOGIC_HINTS: dict[str, str] = {"&": "write And(a, b) or 'and'", "|": "write Or(a, b) or 'or'",
                                "~": "write Not(a) or 'not'"}
_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Subscript: "subscript",
    ast.Lambda: "lambda",
    ast.List: "list literal",
    ast.Tuple: "tuple",
    ast.Dict: "dict literal",
    ast.Set: "set literal",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.IfExp: "conditional expression",
    ast.NamedExpr: "assignment expression ':='",
    ast.JoinedStr: "f-string",
    ast.Starred: "starred argument",
    ast.Slice: "slice",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


class _Walker:
    """Builds the sympy value of an accepted syntax tree, recording guards."""

    def __init__(
        self,
        prepared: _Prepared,
        names: Mapping[str, Any],
        extra_functions: Mapping[str, Callable[..., Any]],
        guards: list[Guard],
    ) -> None:
        self.prepared = prepared
        self.names = names
        self.extra = extra_functions
        self.guards = guards

    # -- errors and guards

    def refuse(self, node: ast.AST, what: str, why: str = "", at: int | None = None) -> ExpressionError:
        """The one-line error for a construct the grammar does not accept."""
        start = self.prepared.span(node)[0] if at is None else at
        detail = f"; {why}" if why else ""
        return ExpressionError(
            f"malformed math {short(self.prepared.text)} ({what} is not allowed, at character {start + 1}{detail})"
        )

    def guard(self, condition: sp.Basic, node: ast.AST, reason: str) -> None:
        add_guard(self.guards, Guard(condition, self.prepared.segment(node), reason))

    def in_scope(self, name: str) -> bool:
        return name in self.names or name in self.extra or name in BY_NAME

    # -- names

    def lookup(self, name: str, node: ast.AST) -> tuple[Any, Builtin | None]:
        """The value a name stands for, and its registry entry when it is a built-in."""
        for scope in (self.names, self.extra):
            if name in scope:
                value = scope[name]
                if isinstance(value, Guarded):
                    for guard in value.guards:
                        add_guard(self.guards, guard)
                    value = value.value
                # a built-in under any name (``{"ln": sympy.log}``) keeps its domain
                return value, next((b for b in BUILTINS if b.sympy is value), None)
        builtin = BY_NAME.get(name)
        if builtin is None:
            raise ExpressionError(
                f"unknown symbol {name!r} in {short(self.prepared.text)} (declare it as a parameter or definition)"
            )
        return builtin.sympy, builtin

    @staticmethod
    def is_function(value: Any) -> bool:
        return callable(value) and not isinstance(value, (sp.Basic, sp.MatrixBase))

    # -- nodes

    def value(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            value, builtin = self.lookup(node.id, node)
            if (builtin is not None and not builtin.is_constant) or (builtin is None and self.is_function(value)):
                raise self.refuse(node, f"the function {node.id!r} without arguments", f"call it as {node.id}(...)")
            return value
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
                symbol = _OPERATOR_NAMES.get(type(node.op), type(node.op).__name__)
                raise self.refuse(node, f"the operator {symbol!r}", _LOGIC_HINTS.get(symbol, ""))
            operand = self.value(node.operand)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return +operand
            return sp.Not(operand)
        if isinstance(node, ast.BoolOp):
            values = [self.value(v) for v in node.values]
            return sp.And(*values) if isinstance(node.op, ast.And) else sp.Or(*values)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute):
            return self.attribute(node)
        raise self.refuse(node, _CONSTRUCTS.get(type(node), f"the construct {type(node).__name__}"))

    def constant(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, bool):  # the conditions True/False (Piecewise's "otherwise")
            return sp.true if value else sp.false
        if value is None:
            raise ExpressionError(
                f"unknown symbol {value!r} in {short(self.prepared.text)} (declare it as a parameter or definition)"
            )
        if isinstance(value, int):
            return sp.Integer(value)
        if isinstance(value, float):
            literal = self.prepared.literal(node).replace("_", "")
            fraction = Fraction(literal)
            return sp.Rational(fraction.numerator, fraction.denominator)
        if isinstance(value, complex):
            raise self.refuse(node, "the imaginary number " + repr(self.prepared.segment(node)))
        if isinstance(value, (str, bytes)):
            raise self.refuse(node, "a string")
        raise self.refuse(node, f"the constant {self.prepared.segment(node)!r}")

    def binary(self, node: ast.BinOp) -> Any:
        kind = type(node.op)
        if kind not in _BINARY and kind not in (ast.Div, ast.Pow):
            symbol = _OPERATOR_NAMES.get(kind, kind.__name__)
            found = self.prepared.text.find(symbol, self.prepared.span(node.left)[1])
            raise self.refuse(
                node, f"the operator {symbol!r}", _LOGIC_HINTS.get(symbol, ""), at=found if found >= 0 else None
            )
        left = self.value(node.left)
        right = self.value(node.right)
        if kind is ast.Div:
            for condition, reason in division_domain(right):
                if condition is sp.false:
                    raise ExpressionError(f"division by zero in {short(self.prepared.text)}")
                self.guard(condition, node, reason)
            return left / right
        if kind is ast.Pow:
            self.check_power(left, right)
            for condition, reason in power_domain(left, right):
                self.guard(condition, node, reason)
            return left**right
        return _BINARY[kind](left, right)

    def check_power(self, base: Any, exponent: Any) -> None:
        """Refuse constant exponents beyond :data:`MAX_EXPONENT` and constant powers
        of more than :data:`MAX_POWER_BITS` bits, before sympy computes them exactly."""
        size = _magnitude(exponent)
        if size is None:
            return
        too_large = math.isnan(size) or size > MAX_EXPONENT
        if not too_large:
            bits = _log2_magnitude(base)
            too_large = bits is not None and bits > 0 and size * bits > MAX_POWER_BITS
        if too_large:
            raise ExpressionError(
                f"exponent too large in {short(self.prepared.text)} (constant exponents at most {MAX_EXPONENT} "
                "in absolute value)"
            )

    def compare(self, node: ast.Compare) -> Any:
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise self.refuse(node, f"the operator {_OPERATOR_NAMES.get(type(op), type(op).__name__)!r}")
        operands = [self.value(node.left)] + [self.value(c) for c in node.comparators]
        relations = [_COMPARE[type(op)](operands[i], operands[i + 1]) for i, op in enumerate(node.ops)]
        return relations[0] if len(relations) == 1 else sp.And(*relations)

    def refuse_attribute(self, node: ast.Attribute) -> ExpressionError:
        """The error for ``a.name``, pointing at the first attribute of a chain."""
        while isinstance(node.value, (ast.Attribute, ast.Call, ast.Subscript)):
            inner = node.value.func if isinstance(node.value, ast.Call) else node.value
            if not isinstance(inner, ast.Attribute):
                if isinstance(inner, ast.Subscript) and isinstance(inner.value, ast.Attribute):
                    inner = inner.value
                else:
                    break
            node = inner
        dot = self.prepared.span(node)[1] - len(node.attr) - 1
        return self.refuse(node, f"attribute access '.{node.attr}'", "only A.T (transpose of a matrix)", at=dot)

    def attribute(self, node: ast.Attribute) -> Any:
        if node.attr != "T":
            raise self.refuse_attribute(node)
        value = self.value(node.value)
        if not isinstance(value, sp.MatrixBase):
            raise self.refuse(node, "'.T' of something that is not a matrix", "'.T' is the transpose of a matrix")
        return value.T

    def call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Attribute):
            raise self.refuse_attribute(node.func)
        if not isinstance(node.func, ast.Name):
            raise self.refuse(node, "a call of something that is not a function name")
        if node.keywords:
            keyword_arg = node.keywords[0]
            label = f"the keyword argument '{keyword_arg.arg}='" if keyword_arg.arg else "'**' arguments"
            raise self.refuse(keyword_arg, label)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(arg, "a starred argument")
        name = node.func.id
        function, builtin = self.lookup(name, node.func)
        if builtin is not None:
            return self.call_builtin(node, builtin)
        if not self.is_function(function):
            raise self.refuse(node, f"a call of {name!r}", f"{name!r} is not a function{_suggestion(name)}")
        start = len(self.guards)
        args = [self.value(arg) for arg in node.args]
        result = function(*args)
        if isinstance(result, sp.Sum):
            self.bind_sum_guards(result, start, node)
        return result

    def call_builtin(self, node: ast.Call, builtin: Builtin) -> Any:
        name = node.func.id if isinstance(node.func, ast.Name) else builtin.name
        if builtin.arity is None:
            raise self.refuse(node, f"a call of the constant {name!r}")
        least, most = builtin.arity
        count = len(node.args)
        if count < least or (most is not None and count > most):
            expected = str(least) if least == most else (f"at least {least}" if most is None else f"{least} to {most}")
            raise ExpressionError(
                f"malformed math {short(self.prepared.text)} ({name}() takes {expected} argument(s), got {count})"
            )
        if builtin.name == "Piecewise":
            return self.piecewise(node)
        args = [self.value(arg) for arg in node.args]
        if builtin.name == "exp" and len(args) == 1:
            size = _magnitude(args[0])
            if size is not None and not size <= MAX_EXPONENT:
                raise ExpressionError(
                    f"exponent too large in {short(self.prepared.text)} (exp of a constant beyond {MAX_EXPONENT})"
                )
        for condition, reason in builtin.conditions(args):
            self.guard(condition, node, reason)
        return builtin.sympy(*args)

    def piecewise(self, node: ast.Call) -> Any:
        """``Piecewise((v1, c1), (v2, c2), ...)``: the guards of a branch hold only
        where the branch is taken (its condition true, the earlier ones false)."""
        pairs = []
        earlier: list[Any] = []  # conditions of the earlier branches
        for arg in node.args:
            if not isinstance(arg, ast.Tuple) or len(arg.elts) != 2:
                raise self.refuse(arg, "a Piecewise argument that is not a pair (value, condition)")
            value_node, condition_node = arg.elts
            reached = sp.And(*[sp.Not(c) for c in earlier])
            start = len(self.guards)
            condition = self.value(condition_node)
            self.condition_guards(start, reached)
            start = len(self.guards)
            value = self.value(value_node)
            self.condition_guards(start, sp.And(reached, condition))
            pairs.append((value, condition))
            earlier.append(condition)
        return sp.Piecewise(*pairs)

    def condition_guards(self, start: int, when: Any) -> None:
        """Make the guards recorded since ``start`` conditional on ``when``."""
        if when is sp.true:
            return
        added = self.guards[start:]
        del self.guards[start:]
        for guard in added:
            add_guard(self.guards, Guard(sp.Or(sp.Not(when), guard.condition), guard.subterm, guard.reason))

    def bind_sum_guards(self, result: sp.Sum, start: int, node: ast.Call) -> None:
        """Guards recorded inside ``Sum(term, j, lo, hi)`` that mention the index
        ``j`` must hold for every integer ``j`` from ``lo`` to ``hi``."""
        for index, lo, hi in reversed(result.limits):
            added = self.guards[start:]
            del self.guards[start:]
            for guard in added:
                if index not in guard.condition.free_symbols:
                    add_guard(self.guards, guard)
                    continue
                condition: sp.Basic
                if lo.is_Integer and hi.is_Integer and int(hi) - int(lo) < 64:
                    condition = sp.And(*[guard.condition.xreplace({index: sp.Integer(k)})
                                         for k in range(int(lo), int(hi) + 1)])
                else:  # no j in lo..hi violates it
                    violations = sp.Sum(sp.Piecewise((0, guard.condition), (1, True)), (index, lo, hi))
                    condition = sp.Eq(violations, 0)
                add_guard(self.guards, Guard(condition, guard.subterm,
                                             f"{guard.reason} (for every {index} from {lo} to {hi})"))


def _magnitude(value: Any) -> float | None:
    """``|value|`` as a float for a constant (inf when huge), None otherwise."""
    if not isinstance(value, sp.Basic) or isinstance(value, sp.MatrixBase) or not value.is_number:
        return None
    if value.is_Rational:
        p, q = abs(int(value.p)), int(value.q)
        if p.bit_length() - q.bit_length() > 1000:
            return math.inf
        return p / q
    try:
        return abs(complex(value.evalf(15)))
    except (TypeError, ValueError, ArithmeticError):
        return None


def _log2_magnitude(value: Any) -> float | None:
    """``log2 |value|`` for a constant (about), None otherwise."""
    if not isinstance(value, sp.Basic) or isinstance(value, sp.MatrixBase) or not value.is_number:
        return None
    if value.is_Rational:
        if value == 0:
            return None
        return float(abs(int(value.p)).bit_length() - int(value.q).bit_length())
    size = _magnitude(value)
    if size is None or size == 0:
        return None
    return math.inf if math.isinf(size) else math.log2(size)


def _check_result(result: Any, text: str, where: str, in_scope: Callable[[str], bool]) -> None:
    if isinstance(result, sp.Basic):
        every = subterms(result)
        if sp.zoo in every or sp.nan in every:
            raise ExpressionError(f"{short(text)} contains a division by zero or NaN", where)
        for function in (t for t in every if isinstance(t, sp.exp)):  # exp(exp(exp(10))) via definitions
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
        for power in (t for t in every if isinstance(t, sp.Pow)):
            coefficient = power.exp.as_coeff_Mul()[0]
            if coefficient.is_Number and abs(coefficient) > MAX_EXPONENT:
                raise ExpressionError(
                    f"exponent {power.exp} too large in {short(text)} (at most {MAX_EXPONENT} in absolute value)",
                    where,
                )
        # Undefined functions are allowed only when the caller put them in scope
        # (display mode keeps definitions such as g(x) unexpanded).
        undefined = {f for f in every if isinstance(f, AppliedUndef) and not in_scope(str(f.func))}
        if undefined:
            name = sorted(str(f.func) for f in undefined)[0]
            raise ExpressionError(f"unknown function {name!r} in {short(text)}", where)
