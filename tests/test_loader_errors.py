"""Malformed lemma and proof files: one line naming file and line, exit code 3."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from boundprop.errors import CycleError, ExpressionError, InputError, LemmaFileError, RangeError
from boundprop.loader import load_paper

NODE = """
[[node]]
id = "A"
label = "Lemma A"
provenance = "paper"
conclusion = "{conclusion}"
{extra}
"""


def node(conclusion: str = "x <= 1", extra: str = "") -> str:
    return NODE.format(conclusion=conclusion, extra=extra)


# (description, body, expected error class, fragment of the message, line of the error)
CASES = [
    ("unknown symbol in conclusion", node("y <= 1"), ExpressionError, "unknown symbol 'y'", 14),
    ("unknown symbol in hypothesis", node(extra='hypotheses = ["z >= 0"]'), ExpressionError, "unknown symbol 'z'", 14),
    ("unknown function", node("foo(x) <= 1"), ExpressionError, "unknown symbol 'foo'", 14),
    ("malformed math", node("x <= (1"), ExpressionError, "malformed math", 14),
    ("not a relation", node("x + 1"), ExpressionError, "is not a relation", 14),
    ("division by zero", node("x/0 <= 1"), ExpressionError, "division by zero", 14),
    ("duplicate id", node() + node(), LemmaFileError, "duplicate node id 'A'", 21),
    ("missing reference", node(extra='uses = ["B"]'), LemmaFileError, "uses 'B', which is not defined", 14),
    ("unknown provenance", node().replace('"paper"', '"rumour"'), LemmaFileError, "provenance 'rumour'", 14),
    ("unknown key", node(extra='conclsion = "x <= 2"'), LemmaFileError, "unknown key 'conclsion'", 14),
    ("range of undeclared parameter", node(extra='ranges = { q = ["0", "1"] }'), LemmaFileError, "undeclared parameter 'q'", 14),
    ("inverted node range", node(extra='ranges = { x = ["1", "0"] }'), LemmaFileError, "inverted", 14),
]


@pytest.mark.parametrize(("what", "body", "error", "fragment", "line"), CASES, ids=[c[0] for c in CASES])
def test_bad_lemma_file(
    lemma_file: Callable[..., Path], what: str, body: str, error: type, fragment: str, line: int
) -> None:
    path = lemma_file(body)
    with pytest.raises(error) as info:
        load_paper(path)
    assert fragment in str(info.value)
    assert info.value.where == f"{path}:{line}", what


@pytest.mark.parametrize(
    ("header_edit", "error", "fragment"),
    [
        (('["0", "1"]', '["1", "0"]'), RangeError, "inverted"),
        (('["0", "1"]', '["nan", "1"]'), RangeError, "NaN"),
        (('["0", "1"]', '["0"]'), LemmaFileError, "must be a list [lo, hi]"),
        (('["0", "1"]', '[0.5, 1]'), LemmaFileError, "float 0.5"),
        (("[1, 10]", '["0.5", "10"]'), LemmaFileError, "non-integer bound"),
        (('domain = "real"', 'domain = "complex"'), LemmaFileError, "domain must be"),
        (('expr = "exp(u) - 1"', 'expr = "exp(u) - 1", builtin = "Res"'), LemmaFileError, "exactly one of"),
    ],
)
def test_bad_header(
    lemma_file: Callable[..., Path], header_edit: tuple[str, str], error: type, fragment: str
) -> None:
    from tests.conftest import HEADER

    header = HEADER.replace(*header_edit, 1)
    assert header != HEADER
    path = lemma_file(node(), header=header)
    with pytest.raises((error, LemmaFileError)) as info:
        load_paper(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)


def test_toml_syntax_error_names_line(lemma_file: Callable[..., Path]) -> None:
    path = lemma_file(node() + '\n[[node]\nid = "B"\n')
    with pytest.raises(LemmaFileError) as info:
        load_paper(path)
    assert "TOML syntax error" in str(info.value)
    assert info.value.where == f"{path}:20"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("\n")
    with pytest.raises(LemmaFileError, match="file is empty"):
        load_paper(path)


def test_cycle_is_reported_with_its_nodes(lemma_file: Callable[..., Path]) -> None:
    body = """
    [[node]]
    id = "A"
    provenance = "paper"
    conclusion = "x <= 1"
    uses = ["B"]

    [[node]]
    id = "B"
    provenance = "paper"
    conclusion = "x >= 0"
    uses = ["C"]

    [[node]]
    id = "C"
    provenance = "paper"
    conclusion = "x >= 0"
    uses = ["A"]
    """
    with pytest.raises(CycleError) as info:
        load_paper(lemma_file(body))
    message = str(info.value)
    assert "dependency cycle" in message
    for name in ("A", "B", "C"):
        assert name in message


def test_cycle_through_a_proof(lemma_file: Callable[..., Path]) -> None:
    body = node(extra='uses = ["B"]') + """
    [[node]]
    id = "B"
    provenance = "paper"
    conclusion = "x >= 0"
    """
    proofs = """
    [[proof]]
    of = "B"
    [[proof.step]]
    claim = "x >= 0"
    using = ["A"]
    """
    with pytest.raises(CycleError, match="A -> B -> A|B -> A -> B"):
        load_paper(lemma_file(body, proofs=proofs))


@pytest.mark.parametrize(
    ("proofs", "fragment"),
    [
        ('[[proof]]\nof = "Z"\n[[proof.step]]\nclaim = "x <= 1"\n', "proof of 'Z', which is not a node"),
        ('[[proof]]\nof = "A"\n', "has no [[proof.step]]"),
        ('[[proof]]\nof = "A"\n[[proof.step]]\nclaim = "x <= q"\n', "unknown symbol 'q'"),
        ('[[proof]]\nof = "A"\n[[proof.step]]\nclaim = "x <= 1"\nusing = ["Q"]\n', "cites 'Q'"),
        ('[[proof]]\nof = "A"\n[[proof.step]]\nclaim = "x <= 1"\nusing = ["A"]\n', "cites the node it proves"),
        ('paper = "other"\n', "proof file is for paper 'other'"),
    ],
)
def test_bad_proof_file(lemma_file: Callable[..., Path], proofs: str, fragment: str) -> None:
    path = lemma_file(node(), proofs=proofs)
    with pytest.raises(InputError) as info:
        load_paper(path)
    assert fragment in str(info.value)
    assert "proofs" in str(info.value).split(":")[0]


def test_sympy_names_are_not_silently_accepted(lemma_file: Callable[..., Path]) -> None:
    # `gamma` and `beta` are sympy functions; undeclared, they must be errors.
    with pytest.raises(ExpressionError, match="unknown symbol 'gamma'"):
        load_paper(lemma_file(node("gamma(x) <= 1")))


def test_good_file_loads(lemma_file: Callable[..., Path]) -> None:
    paper = load_paper(lemma_file(node("g(x) <= 2*x", extra='hypotheses = ["x <= 1"]')))
    assert list(paper.nodes) == ["A"]
    assert paper.nodes["A"].hypotheses == ("x <= 1",)


def test_unknown_paper_id() -> None:
    with pytest.raises(LemmaFileError, match="unknown paper 'no-such-paper'"):
        load_paper("no-such-paper")
