"""The whitelist parser (boundprop/expr/parse.py) and its definedness guards.

* Math strings are never evaluated as Python: every construct outside the
  grammar is one ExpressionError line (exit 3 on the CLI), naming it and where.
* The accepted syntax gives the same sympy value as sympy's own parser did
  (property test over random expression trees), so the rest of the engine
  sees what it saw before.
* Guards are recorded before sympy simplifies (x/x is 1 but needs x != 0),
  inner subterms first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.parsing.sympy_parser import (
    convert_xor,
    parse_expr,
    rationalize,
    standard_transformations,
)

from boundprop.errors import ExpressionError
from boundprop.expr import BUILTINS, BY_NAME, SCALAR_FUNCTIONS, Guard, Guarded, guards_of, parse
from boundprop.matrix import BUILTINS as MATRIX_BUILTINS

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)
N = sp.Symbol("n", integer=True)
A = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"A[{i},{j}]", real=True))
NAMES: dict[str, Any] = {"x": X, "y": Y, "n": N, "A": A, "g": lambda u: sp.exp(u) - 1}
MATRIX_NAMES: dict[str, Any] = {**NAMES, **{name: f for name, (f, _) in MATRIX_BUILTINS.items()}}

Run = Callable[..., tuple[int, str, str]]


def _conditions(text: str, names: dict[str, Any] | None = None) -> list[sp.Basic]:
    return [g.condition for g in guards_of(text, names or NAMES, "test")]


# ---------------------------------------------------------------------------
# class 4 of issue 13: math strings are not Python

CLASS_4 = [
    ("x <= x.__class__.__name__.__len__()", "attribute access '.__class__'"),
    ("x.subs(x, 2) >= 2", "attribute access '.subs'"),
    ("pi.evalf(3) <= x", "attribute access '.evalf'"),
    ("x <= pi.evalf(3)", "attribute access '.evalf'"),
]

REFUSED = [
    *CLASS_4,
    ("x[0] <= 1", "subscript"),
    ("(lambda: 1)() <= x", "keyword 'lambda'"),
    ("[x, 1] <= x", "list literal"),
    ("{x} <= x", "set literal"),
    ("'a' <= x", "a string"),
    ("x <= 1j", "imaginary number"),
    ("x // 2 <= 1", "operator '//'"),
    ("x % 2 <= 1", "operator '%'"),
    ("A @ A <= 1", "operator '@'"),
    ("(x > 0) & (x < 1)", "operator '&'"),
    ("(x > 0) | (x < 1)", "operator '|'"),
    ("~(x > 0)", "operator '~'"),
    ("x is x", "keyword 'is'"),
    ("x in x", "keyword 'in'"),
    ("exp(*x) <= 1", "starred argument"),
    ("exp <= 1", "the function 'exp' without arguments"),
    ("x(2) <= 1", "a call of 'x'"),
    ("(x)(2) <= 1", "a call of 'x'"),
    ("g(x)(2) <= 1", "a call of something that is not a function name"),
    ("(x if x else 1) <= 1", "keyword 'if'"),
    ("Piecewise(x, x > 0) >= 0", "Piecewise argument that is not a pair"),
    ("x.T <= 1", "'.T' of something that is not a matrix"),
    ("(x, 1) <= 1", "tuple"),
    ("exp(1, 2) <= 1", "exp() takes 1 argument(s), got 2"),
    ("pi(2) <= 1", "a call of the constant 'pi'"),
    ("x! <= 1", "invalid syntax"),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSED, ids=[t for t, _ in REFUSED])
def test_refused_with_one_line(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text, MATRIX_NAMES, "here")
    message = str(caught.value)
    assert message.startswith("here: ") and "\n" not in message
    assert fragment in message, message


def test_refusal_names_the_place() -> None:
    with pytest.raises(ExpressionError, match=r"'\.__class__' is not allowed, at character 7"):
        parse("x <= x.__class__.__name__.__len__()", NAMES, "here")
    with pytest.raises(ExpressionError, match=r"operator '&' is not allowed, at character 9; write And"):
        parse("(x > 0) & (x < 1)", NAMES, "here")


@pytest.mark.parametrize("text", [t for t, _ in CLASS_4[:3]])
def test_cli_refuses_python_with_exit_3(run_cli: Run, text: str) -> None:
    code, out, err = run_cli("prove", text, "--var", "x=0:10")
    assert code == 3 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "is not allowed" in lines[0], err


def test_no_python_is_evaluated() -> None:
    """A name that is a Python object with side effects is only called when it
    is a declared callable, never reached through attributes."""
    calls: list[int] = []

    class Trap:
        def __getattr__(self, name: str) -> Any:
            calls.append(1)
            raise AttributeError(name)

    with pytest.raises(ExpressionError):
        parse("t.anything <= 1", {"t": Trap()}, "here")
    assert calls == []


def test_parser_compiles_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's compiler is used only to build a syntax tree (PyCF_ONLY_AST),
    and neither eval, exec nor sympy's own string parser runs."""
    import ast
    import builtins

    import sympy.parsing.sympy_parser as sympy_parser

    real_compile = builtins.compile
    compiled: list[int] = []

    def only_ast(source: Any, filename: Any, mode: str, flags: int = 0, *args: Any, **kwargs: Any) -> Any:
        compiled.append(flags)
        assert flags & ast.PyCF_ONLY_AST, "compiled to code"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("evaluated")

    monkeypatch.setattr(builtins, "compile", only_ast)
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(sympy_parser, "eval_expr", forbidden)
    monkeypatch.setattr(sympy_parser, "parse_expr", forbidden)
    text = "exp(x) - 1 <= 2.5*x^2 + log(y) + 0 * 1.5e-3 + g(x) and 0 <= x <= 1  # fresh text for the cache"
    assert parse(text.split("#")[0], NAMES, "here") is not None
    assert compiled  # the syntax tree was built here, not taken from a cache


# ---------------------------------------------------------------------------
# accepted syntax

ACCEPTED = [
    ("2.5*x^2 <= 1", sp.Rational(5, 2) * X**2 <= 1),
    ("0.1*x <= 1", X / 10 <= 1),
    ("1e-3 <= x", sp.Rational(1, 1000) <= X),
    ("2.5E+2 <= x", sp.Integer(250) <= X),
    ("x^2^3 <= 1", X ** (2**3) <= 1),
    ("x**-1 >= 0", 1 / X >= 0),
    ("0 <= x <= 1", sp.And(sp.Le(0, X), X <= 1)),
    ("0 < x < y <= 1", sp.And(sp.Lt(0, X), X < Y, Y <= 1)),
    ("x != 1", sp.Ne(X, 1)),
    ("0 <= x != 1", sp.And(sp.Le(0, X), sp.Ne(X, 1))),
    ("x = 1", sp.Eq(X, 1)),
    ("x == 1", sp.Eq(X, 1)),
    ("x >= 0 and y >= 0", sp.And(X >= 0, Y >= 0)),
    ("x >= 0 or not y >= 0", sp.Or(X >= 0, Y < 0)),
    ("And(x > 0, Or(y > 0, Not(x > 1)))", sp.And(X > 0, sp.Or(Y > 0, X <= 1))),
    ("Eq(x, 1)", sp.Eq(X, 1)),
    ("Ne(x, 1)", sp.Ne(X, 1)),
    ("-x <= +y", -X <= Y),
    ("abs(x) <= Max(x, -x)", sp.Abs(X) <= sp.Max(X, -X)),
    ("min(x, y) <= max(x, y)", sp.Min(X, Y) <= sp.Max(X, Y)),
    ("floor(x) <= ceiling(x)", sp.floor(X) <= sp.ceiling(X)),
    ("exp(x) >= 1 + x", sp.exp(X) >= 1 + X),
    ("log(x, 2) <= x", sp.log(X, 2) <= X),
    ("sqrt(x) <= x", sp.sqrt(X) <= X),
    ("E**x >= pi", sp.exp(X) >= sp.pi),
    ("x <= oo", sp.true),
    ("-oo < x", sp.true),
    ("1 <= 1", sp.true),
    ("g(x) <= 2*x", sp.exp(X) - 1 <= 2 * X),
    ("Piecewise((x, x > 0), (0, x <= 0)) >= 0", sp.Piecewise((X, X > 0), (0, X <= 0)) >= 0),
    ("(1 + x)^n >= 1 + n*x", (1 + X) ** N >= 1 + N * X),
    ("x <= (1 +\n 1)", X <= 2),
    ("(x\x0c\n <= 2^2)", X <= 4),  # a form feed is not a line end for Python
    ("(x\r\n <= 2^3)", X <= 8),
    ("(x\r <= 2\r^3)", X <= 8),
    ("(x <=\n 2^2^\n1)", X <= 4),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted_syntax(text: str, expected: Any) -> None:
    assert parse(text, NAMES, "here") == expected


def test_decimals_are_exact() -> None:
    value = parse("0.1 + 0.2 = 0.3", NAMES, "here")
    assert value is sp.true
    assert parse("x <= 0.30000000000000004", NAMES, "here") == (X <= sp.Rational(30000000000000004, 10**17))


def test_matrices_and_transpose() -> None:
    assert parse("normN1(A.T - A) <= 0", MATRIX_NAMES, "here") == parse("normN1(T(A) - A) <= 0", MATRIX_NAMES, "h")
    assert parse("normN1(A) <= normN1(A.T)", MATRIX_NAMES, "here") == parse(
        "normN1(A) <= normN1(T(A))", MATRIX_NAMES, "here"
    )


def test_limits_are_kept() -> None:
    with pytest.raises(ExpressionError, match="exponent too large"):
        parse("x**(10**100) <= 1", NAMES, "here")
    with pytest.raises(ExpressionError, match="exponent too large"):
        parse("2**(2**(2**(2**20))) <= x", NAMES, "here")
    with pytest.raises(ExpressionError, match="exponent too large"):
        parse("exp(exp(exp(10))) <= x", NAMES, "here")
    with pytest.raises(ExpressionError, match="out of range"):
        parse("x <= 1e100000000", NAMES, "here")
    with pytest.raises(ExpressionError, match="division by zero"):
        parse("x/0 <= 1", NAMES, "here")
    with pytest.raises(ExpressionError, match="division by zero"):
        parse("1/(x - x) >= 0", NAMES, "here")
    with pytest.raises(ExpressionError, match="unknown symbol 'gamma'"):
        parse("gamma(x) <= 1", NAMES, "here")
    with pytest.raises(ExpressionError, match="unbalanced brackets"):
        parse("(x + 1 <= 2", NAMES, "here")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * 300 + "x" + ")" * 300 + " <= 1", NAMES, "here")


def test_registry_is_the_parser_scope() -> None:
    assert set(SCALAR_FUNCTIONS) == set(BY_NAME)
    assert {b.name for b in BUILTINS} >= {"exp", "log", "sqrt", "Abs", "Min", "Max", "pi", "E", "oo"}
    for builtin in BUILTINS:
        assert builtin.latex
        assert builtin.is_constant == (builtin.arity is None)


# ---------------------------------------------------------------------------
# property: the new parser agrees with sympy's parser on the accepted subset

_SYMPY_NAMES: dict[str, Any] = {**SCALAR_FUNCTIONS, "x": X, "y": Y, "n": N}


def _sympy_parse(text: str) -> Any:
    return parse_expr(
        text,
        local_dict=dict(_SYMPY_NAMES),
        transformations=standard_transformations + (convert_xor, rationalize),
    )


def _trees() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(["x", "y", "n", "pi", "E", "1", "2", "3", "0.5", "1.25", "2e-1", "10"]),
        st.integers(0, 1000).map(str),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "^"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        )
        unary = st.tuples(st.sampled_from(["exp", "log", "sqrt", "abs", "Abs", "floor", "ceiling", "-", "+"]), inner)
        pair = st.tuples(st.sampled_from(["max", "min", "Max", "Min"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        )
        return st.one_of(binary, unary.map(lambda t: f"{t[0]}({t[1]})"), pair)

    return st.recursive(leaves, extend, max_leaves=8)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_trees(), st.sampled_from(["<=", "<", ">=", ">", "==", "!="]), _trees())
def test_same_value_as_sympy_parser(left: str, op: str, right: str) -> None:
    text = f"{left} {op} {right}"
    try:
        ours = parse(text, NAMES, "prop")
    except ExpressionError:
        return  # a refusal (exponent too large, division by zero, ...) is checked elsewhere
    if op == "==":
        theirs = sp.Eq(_sympy_parse(f"{left}"), _sympy_parse(f"{right}"))
    elif op == "!=":
        theirs = sp.Ne(_sympy_parse(f"{left}"), _sympy_parse(f"{right}"))
    else:
        theirs = _sympy_parse(text)
    assert ours == theirs, (text, ours, theirs)


# ---------------------------------------------------------------------------
# definedness guards

GUARDS = [
    ("x/x <= 1", [sp.Ne(X, 0)]),
    ("log(x) - log(x) >= 0", [X > 0]),
    ("sqrt(x)**2 <= x", [X >= 0]),
    ("exp(log(x)) <= x", [X > 0]),
    ("0*(1/x) <= 1", [sp.Ne(X, 0)]),
    ("x**(-1) <= 1", [sp.Ne(X, 0)]),
    ("x^-1 <= 1", [sp.Ne(X, 0)]),
    ("x**(1/3) <= 1", [X >= 0]),
    ("x**(-1/2) <= 1", [X > 0]),
    ("x**0.5 <= 1", [X >= 0]),
    ("(x - 1)**(-2) >= 0", [sp.Ne(X - 1, 0)]),
    ("log(log(x)) <= x", [X > 0, sp.log(X) > 0]),
    ("x**n <= 1", [sp.Or(sp.Ne(X, 0), N >= 0)]),
    ("x**y <= 1", [sp.Or(X > 0, sp.And(sp.Eq(X, 0), Y > 0))]),
    ("log(x, 2) <= 1", [X > 0]),
    ("log(2, x) <= 1", [X > 0, sp.Ne(X, 1)]),
    ("1/(x*y) + 1/x <= 1", [sp.Ne(X * Y, 0), sp.Ne(X, 0)]),
    ("sqrt(x - 1) + log(y) <= 1", [X - 1 >= 0, Y > 0]),
    ("1/x + exp(x) > 1/x + 1 + x", [sp.Ne(X, 0)]),
    ("x/x <= 1 and log(y) <= y", [sp.Ne(X, 0), Y > 0]),
    ("Abs(x) + Max(x, 1) + floor(x) + exp(x) >= 0", []),
    ("x**2 + 2**x + x**n*0 >= 0", [sp.Or(sp.Ne(X, 0), N >= 0)]),
    ("sqrt(x**2) >= 0", []),  # x**2 >= 0 is sympy-true: no guard
    ("log(-1) <= 1", None),  # false: undefined everywhere (then the comparison is refused)
]


@pytest.mark.parametrize(("text", "expected"), GUARDS, ids=[t for t, _ in GUARDS])
def test_guards(text: str, expected: list[sp.Basic] | None) -> None:
    if expected is None:
        found: list[Guard] = []
        with pytest.raises(ExpressionError):
            parse(text, NAMES, "here", guards=found)
        assert [g.condition for g in found] == []  # nothing is appended by a failed parse
        return
    assert _conditions(text) == expected


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_trees(), _trees(), st.sampled_from(["", " ", "\n", "\t"]))
def test_guard_subterms_are_what_the_user_wrote(left: str, right: str, space: str) -> None:
    text = f"({left}{space}<={space}{right})"
    try:
        found = guards_of(text, NAMES, "prop")
    except ExpressionError:
        return
    for guard in found:
        assert guard.subterm and guard.subterm in text, (text, guard)
        assert guard.condition is not sp.true
        assert guard.reason
    assert len({g.condition for g in found}) == len(found)


def test_guard_fields() -> None:
    (division,) = guards_of("1 + 1/(x - 1) <= 2", NAMES, "here")
    assert division == Guard(sp.Ne(X - 1, 0), "1/(x - 1)", "division by zero")
    inner, outer = guards_of("log(log(x)) <= x", NAMES, "here")
    assert (inner.subterm, inner.reason) == ("log(x)", "log needs a positive argument")
    assert outer.subterm == "log(log(x))"
    (power,) = guards_of("x^(1/3) <= 1", NAMES, "here")
    assert power.subterm == "x^(1/3)" and "non-negative base" in power.reason
    (root,) = guards_of("sqrt(x) <= 1", NAMES, "here")
    assert root.reason == "sqrt needs a non-negative argument"


def test_false_guard_is_kept() -> None:
    found: list[Guard] = []
    value = parse("0*sqrt(-1) <= 1", NAMES, "here", guards=found)
    assert value is sp.true
    assert [g.condition for g in found] == [sp.false]


def test_guards_list_is_appended_and_deduplicated() -> None:
    found: list[Guard] = [Guard(X > 0, "log(x)", "log needs a positive argument")]
    parse("log(x) + 1/y <= 1", NAMES, "here", guards=found)
    assert [g.condition for g in found] == [X > 0, sp.Ne(Y, 0)]


def test_guarded_definition() -> None:
    f = Guarded(sp.log(X), (Guard(X > 0, "log(x)", "log needs a positive argument"),))
    names = {**NAMES, "f": f}
    assert parse("f - f <= 1", names, "here") is sp.true
    assert _conditions("f - f <= 1", names) == [X > 0]
    assert _conditions("1/y + f <= 1", names) == [sp.Ne(Y, 0), X > 0]


def test_definitions_expanded_by_callables_bring_their_guards() -> None:
    """A definition with arguments is a callable that parses its body; the
    guards of that inner parse are in terms of the actual arguments."""

    def h(u: Any) -> Any:
        return parse("log(u) - log(u)", {"u": u}, "def h")

    names = {**NAMES, "h": h}
    assert parse("h(x + 1) <= 1", names, "here") is sp.true
    assert _conditions("h(x + 1) <= 1", names) == [X + 1 > 0]
    assert _conditions("1/x + h(2*y) <= 1", names) == [sp.Ne(X, 0), 2 * Y > 0]


def test_piecewise_guards_hold_only_on_their_branch() -> None:
    (guard,) = guards_of("Piecewise((1/x, x > 0), (0, x <= 0)) >= 0", NAMES, "here")
    assert guard.condition == sp.Or(sp.Not(X > 0), sp.Ne(X, 0))
    assert guard.condition.subs(X, 0) is sp.true  # x = 0 takes the second branch: defined
    assert guards_of("Piecewise((0, x <= 0), (log(x), x > 0)) >= 0", NAMES, "here") == ()  # implied by the branch
    (guard,) = guards_of("Piecewise((0, x <= 0), (log(x - 1), True)) >= 0", NAMES, "here")
    assert guard.condition.subs(X, -1) is sp.true and guard.condition.subs(X, 2) is sp.true
    assert guard.condition.subs(X, sp.Rational(1, 2)) is sp.false


def test_sum_guards_hold_for_every_index() -> None:
    j = sp.Symbol("j", integer=True)
    names = {**MATRIX_NAMES, "j": j, "L": sp.Symbol("L", integer=True)}
    (guard,) = guards_of("Sum(1/(x - j), j, 0, 2) <= 1", names, "here")
    assert guard.condition == sp.And(sp.Ne(X, 0), sp.Ne(X - 1, 0), sp.Ne(X - 2, 0))
    (guard,) = guards_of("Sum(1/(x - j), j, 0, L) <= 1", names, "here")
    assert j not in guard.condition.free_symbols
    assert guard.condition.subs({names["L"]: 2, X: sp.Rational(1, 2)}).doit() is sp.true
    assert guard.condition.subs({names["L"]: 2, X: 1}).doit() is sp.false


def test_a_builtin_under_another_name_keeps_its_domain() -> None:
    names = {**NAMES, "ln": sp.log, "root": sp.sqrt}
    assert _conditions("ln(x) + root(y) <= 1", names) == [X > 0, Y >= 0]
    with pytest.raises(ExpressionError, match=r"ln\(\) takes 1 to 2 argument"):
        parse("ln(x, 2, 3) <= 1", names, "here")


def test_callables_are_total_and_errors_name_the_place() -> None:
    assert _conditions("normN1(A) + g(x) <= 1", MATRIX_NAMES) == []
    with pytest.raises(ExpressionError, match=r"^here: normN1\(\) expects a matrix"):
        parse("normN1(x) <= 1", MATRIX_NAMES, "here")


def test_matrix_operations_bring_scalar_guards_only() -> None:
    assert _conditions("normN1(A/x) <= 1", MATRIX_NAMES) == [sp.Ne(X, 0)]
    assert _conditions("normN1(A*A - A.T) <= 1", MATRIX_NAMES) == []
