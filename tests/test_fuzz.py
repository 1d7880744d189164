"""Fuzzing the expression parser and the lemma-file loader (hypothesis).

The property: whatever the input, the parser returns a sympy object or raises
:class:`~boundprop.errors.ExpressionError`, and the loader returns a Paper or
raises a :class:`~boundprop.errors.BoundpropError` (which the CLI turns into
one line and exit 3) -- never another exception, and never slowly. Examples
are derandomized so CI sees the same inputs every run.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import sympy as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from boundprop.errors import BoundpropError, ExpressionError
from boundprop.expr import parse
from boundprop.loader import load_paper
from boundprop.statement import exact_bound, make_variable

SETTINGS = settings(
    max_examples=100,
    deadline=None,  # time is bounded below per example, with a margin for loaded CI machines
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SECONDS_PER_EXAMPLE = 5.0

X = sp.Symbol("x", real=True)
N = sp.Symbol("n", integer=True)
NAMES: dict[str, Any] = {"x": X, "n": N, "g": lambda u: sp.exp(u) - 1}

TOKENS = [
    "x", "n", "g", "y", "gamma", "exp", "log", "sqrt", "abs", "max", "min", "floor", "pi", "E", "oo",
    "0", "1", "2", "0.5", "1e3", "1e999999", "10", "(", ")", "[", "]", ",", "+", "-", "*", "/", "**",
    "^", "<=", "<", ">=", ">", "=", "==", "!", ".", "T", "__class__", "lambda", ":", "'", '"', " ",
    "Piecewise", "And", "Or", "True", "None", ";", "#", "\\", "\n", "\t", "é", "∞", "×",
]


def _timed_parse(text: str) -> Any:
    started = time.monotonic()
    try:
        return parse(text, NAMES, "fuzz")
    except ExpressionError as exc:
        message = str(exc)
        assert message.startswith("fuzz: ") and "\n" not in message.strip()
        return exc
    finally:
        assert time.monotonic() - started < SECONDS_PER_EXAMPLE, f"slow on {text!r}"


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map("".join))
@example("x**(10**100) <= 1")
@example("2**2**2**2**2**2 <= x")
@example("(" * 300 + "x" + ")" * 300 + " <= 1")
@example("x <= 1e100000000")
@example("-" * 3000 + "x <= 1")
@example("g(g(g(g(g(g(g(g(x)))))))) <= 1")
@example("x!")
@example("x <= \x00")
def test_parser_token_soup(text: str) -> None:
    _timed_parse(text)


@SETTINGS
@given(st.text(max_size=60))
def test_parser_arbitrary_text(text: str) -> None:
    _timed_parse(text)


def _expr() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(["x", "n", "pi", "E", "0", "1", "-1", "oo"]),
        st.integers(-(10**30), 10**30).map(str),
        st.fractions(max_denominator=10**6).map(lambda f: f"({f})"),
        st.floats(allow_nan=False, allow_infinity=False).map(repr).filter(lambda s: "e" not in s or "e-" in s),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "^"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        )
        unary = st.tuples(st.sampled_from(["exp", "log", "sqrt", "abs", "g", "floor", "-"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        )
        pair = st.tuples(st.sampled_from(["max", "min"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})")
        return st.one_of(binary, unary, pair)

    return st.recursive(leaves, extend, max_leaves=12)


@SETTINGS
@given(_expr(), st.sampled_from(["<=", "<", ">=", ">", "="]), _expr())
def test_parser_well_formed_relations(left: str, op: str, right: str) -> None:
    """Grammatical input parses to a relation or a boolean, or gets a clear error."""
    result = _timed_parse(f"{left} {op} {right}")
    if not isinstance(result, ExpressionError):
        assert isinstance(result, (sp.core.relational.Relational, sp.logic.boolalg.Boolean))
        assert not result.has(sp.zoo, sp.nan)


BOUND = st.one_of(
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["oo", "-oo", "inf", "nan", "1/0", "0/0", "1e5", "1e99999", "1/3", "-2.5", "", " 7 "]),
    st.booleans(),
    st.none(),
)


@SETTINGS
@given(BOUND, BOUND, st.booleans())
def test_ranges(lo: Any, hi: Any, integer: bool) -> None:
    """A range is an exact, nonempty interval or a RangeError/InputError."""
    try:
        variable = make_variable("x", lo, hi, integer=integer)
    except BoundpropError:
        return
    assert variable.lo <= variable.hi
    assert variable.lo != sp.oo and variable.hi != -sp.oo
    for bound in (variable.lo, variable.hi):
        assert bound.is_Rational or bound in (sp.oo, -sp.oo)
    if isinstance(lo, float) and math.isfinite(lo):
        assert exact_bound(lo) == sp.Integer(int(lo))


# ---------------------------------------------------------------------------
# the loader

GOOD = """\
[paper]
id = "fz"
title = "fuzz"

[params]
x = { domain = "real", range = ["0", "1"] }
L = { domain = "integer", range = [1, 10] }
n = { domain = "integer", range = [1, 4] }

[matrices]
A = { shape = ["n", 2] }

[defs]
g = { args = ["u"], expr = "exp(u) - 1" }
normN1 = { builtin = "normN1" }

[[node]]
id = "L1"
label = "Lemma 1"
provenance = "paper"
hypotheses = ["0 <= x", "x <= 1"]
conclusion = "g(x) <= 2*x"

[[node]]
id = "T2"
kind = "theorem"
provenance = "reconstruction"
conclusion = "normN1(A) >= 0"
uses = ["L1"]
sizes = { n = [1, 2] }
ranges = { x = ["0", "1/2"] }
"""

PROOF = """\
paper = "fz"

[[proof]]
of = "L1"
[[proof.step]]
claim = "g(x) <= 2*x"
using = [{ node = "T2", with = { x = "x" } }]
"""


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return "nan"
        if isinstance(value, float) and math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {_toml_value(v)}' for k, v in value.items()) + " }"
    raise TypeError(value)


SCALARS = st.one_of(
    st.text(alphabet=st.sampled_from("xLnAg()+-*/<=>0123.5 eo!"), max_size=14),
    st.sampled_from(["x <= 1", "L1", "T2", "def:g", "paper", "theorem", "oo", "nan", "1/0", "n"]),
    st.integers(-5, 20),
    st.floats(allow_nan=True),
    st.booleans(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["x", "n", "L", "q", "node", "with"]), inner, max_size=2),
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(
    ["id", "label", "kind", "provenance", "hypotheses", "conclusion", "uses", "assume", "ranges", "sizes",
     "seconds", "baselines", "variant", "text", "bogus"]
)


def _load(tmp_path: Path, lemmas: str, proofs: str | None = None) -> None:
    (tmp_path / "lemmas").mkdir(exist_ok=True)
    path = tmp_path / "lemmas" / "fz.toml"
    path.write_text(lemmas, encoding="utf-8")
    proof_path = tmp_path / "proofs" / "fz.toml"
    if proofs is None:
        proof_path.unlink(missing_ok=True)
    else:
        proof_path.parent.mkdir(exist_ok=True)
        proof_path.write_text(proofs, encoding="utf-8")
    started = time.monotonic()
    try:
        paper = load_paper(path)
    except BoundpropError as exc:
        assert exc.where is None or exc.where.startswith(str(tmp_path)), exc.where
        assert "\n" not in str(exc).strip()
    else:
        assert paper.id
    assert time.monotonic() - started < SECONDS_PER_EXAMPLE


def test_fuzz_base_files_load(tmp_path: Path) -> None:
    """The fuzzing starts from files that load."""
    _load(tmp_path, GOOD)
    paper = load_paper(tmp_path / "lemmas" / "fz.toml")
    assert set(paper.nodes) == {"L1", "T2"}


@SETTINGS
@given(st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=5))
def test_loader_random_nodes(tmp_path: Path, fields: list[tuple[str, Any]]) -> None:
    """A node with random keys and values of any type."""
    body = "\n[[node]]\n" + "".join(f"{key} = {_toml_value(value)}\n" for key, value in dict(fields).items())
    _load(tmp_path, GOOD + body)


@SETTINGS
@given(st.sampled_from(["x", "L", "n"]), st.sampled_from(["domain", "range", "latex", "what"]), VALUES)
def test_loader_random_params(tmp_path: Path, name: str, key: str, value: Any) -> None:
    """A parameter declaration with a random value for one key."""
    line = f"{name} = {{ {key} = {_toml_value(value)} }}"
    lines = [line if ln.startswith(f"{name} = ") else ln for ln in GOOD.splitlines()]
    _load(tmp_path, "\n".join(lines) + "\n")


@SETTINGS
@given(
    st.integers(0, GOOD.count("\n")),
    st.sampled_from(["delete", "duplicate", "insert", "truncate"]),
    st.text(alphabet=st.sampled_from('[]{}="\',.#x01 \n'), max_size=6),
)
def test_loader_mutated_file(tmp_path: Path, index: int, how: str, junk: str) -> None:
    """The good file with a line deleted, duplicated, garbled or cut off."""
    lines = GOOD.splitlines()
    index = min(index, len(lines) - 1)
    if how == "delete":
        del lines[index]
    elif how == "duplicate":
        lines.insert(index, lines[index])
    elif how == "insert":
        lines[index] = lines[index][: len(lines[index]) // 2] + junk + lines[index][len(lines[index]) // 2 :]
    else:
        lines = lines[:index]
    _load(tmp_path, "\n".join(lines) + "\n")


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["of", "note", "claim", "using", "induction", "with"]), VALUES), max_size=4))
def test_loader_random_proof_steps(tmp_path: Path, fields: list[tuple[str, Any]]) -> None:
    """A proof file whose second step has random keys and values."""
    step = "\n[[proof.step]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in dict(fields).items())
    _load(tmp_path, GOOD, PROOF + step)
