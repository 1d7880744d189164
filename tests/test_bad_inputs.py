"""The bad-input table of issue 9: every entry gets one clear line on stderr that
names the place, exit code 3, no traceback and no hang.

Each case writes a small lemma file (and proof file) or passes bad arguments,
runs the CLI in-process under an alarm, and checks the message and the place
(``file:line`` where the input is a file). Cases already covered by
test_loader_errors.py at the loader level are repeated here only through the
CLI, as the issue's table asks.
"""

from __future__ import annotations

import json
import signal
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import pytest

RunCli = Callable[..., tuple[int, str, str]]

HEADER = """\
[paper]
id = "bad"
title = "bad inputs"

[params]
x = { domain = "real", range = ["0", "1"] }
L = { domain = "integer", range = [1, 10] }
"""

GOOD_NODE = """
[[node]]
id = "A"
provenance = "paper"
conclusion = "x**2 <= x"
"""


def node(conclusion: str = "x**2 <= x", extra: str = "", node_id: str = "A") -> str:
    return f'\n[[node]]\nid = "{node_id}"\nprovenance = "paper"\nconclusion = "{conclusion}"\n{extra}\n'


@dataclass(frozen=True)
class Case:
    """A bad lemma/proof file: ``at`` is a substring of the line the error must name
    (in the lemma file, or in the proof file when ``in_proof``); None: the file only."""

    lemmas: str | None
    fragment: str
    at: str | None
    proofs: str | None = None
    in_proof: bool = False
    command: str = "check"
    occurrence: int = 1


CASES: dict[str, Case] = {
    "empty file": Case("", "file is empty", None),
    "only comments": Case("# nothing here\n", "missing [paper] table", None),
    "TOML syntax error": Case(HEADER + '\n[[node]\nid = "A"\n', "TOML syntax error", "[[node]"),
    "no [paper] table": Case(GOOD_NODE, "missing [paper] table", None),
    "unknown symbol": Case(HEADER + node("y <= 1"), "unknown symbol 'y'", 'id = "A"'),
    "unknown function": Case(HEADER + node("gamma(x) <= 1"), "unknown symbol 'gamma'", 'id = "A"'),
    "unbalanced parentheses": Case(HEADER + node("(x + 1 <= 2"), "unbalanced brackets", 'id = "A"'),
    "extra closing parenthesis": Case(HEADER + node("x + 1) <= 2"), "unbalanced brackets", 'id = "A"'),
    "division by zero": Case(HEADER + node("x/0 <= 1"), "division by zero", 'id = "A"'),
    "division by zero (1/(1-1))": Case(HEADER + node("x <= 1/(1 - 1)"), "division by zero", 'id = "A"'),
    "division by zero in a hypothesis": Case(
        HEADER + node(extra='hypotheses = ["1/(x - x) >= 0"]'), "division by zero", 'id = "A"'
    ),
    "not a relation": Case(HEADER + node("x + 1"), "is not a relation", 'id = "A"'),
    "inverted range": Case(HEADER.replace('["0", "1"]', '["1", "0"]'), "inverted", "x = {"),
    "inverted node range": Case(HEADER + node(extra='ranges = { x = ["1", "0"] }'), "inverted", 'id = "A"'),
    "empty range [oo, oo]": Case(HEADER.replace('["0", "1"]', '["oo", "oo"]'), "is empty", "x = {"),
    "empty range [-inf, -inf]": Case(HEADER.replace('["0", "1"]', "[-inf, -inf]"), "is empty", "x = {"),
    "empty node range [inf, inf]": Case(HEADER + node(extra="ranges = { x = [inf, inf] }"), "is empty", 'id = "A"'),
    "NaN bound (string)": Case(HEADER.replace('["0", "1"]', '["nan", "1"]'), "NaN", "x = {"),
    "NaN bound (TOML float)": Case(HEADER.replace('["0", "1"]', "[0, nan]"), "NaN", "x = {"),
    "float bound": Case(HEADER.replace('["0", "1"]', "[0, 0.1]"), "float 0.1", "x = {"),
    "bound 1/0": Case(HEADER.replace('["0", "1"]', '["0", "1/0"]'), "not a number", "x = {"),
    "bound 1e100000000": Case(HEADER.replace('["0", "1"]', '["0", "1e100000000"]'), "out of range", "x = {"),
    "range of one number": Case(HEADER.replace('["0", "1"]', '["0"]'), "must be a list [lo, hi]", "x = {"),
    "cycle": Case(
        HEADER + node(extra='uses = ["B"]') + node(node_id="B", extra='uses = ["A"]'),
        "dependency cycle",
        'id = "',
    ),
    "self-use": Case(HEADER + node(extra='uses = ["A"]'), "dependency cycle: A -> A", 'id = "A"'),
    "duplicate ids": Case(HEADER + node() + node("x >= 0"), "duplicate node id 'A'", 'id = "A"', occurrence=2),
    "use of a missing node": Case(HEADER + node(extra='uses = ["Z"]'), "uses 'Z', which is not defined", 'id = "A"'),
    "unknown key (typo)": Case(HEADER + node(extra='conclsion = "x <= 2"'), "unknown key 'conclsion'", 'id = "A"'),
    "wrong type": Case(HEADER + node().replace('"x**2 <= x"', "3"), "'conclusion' must be a string", 'id = "A"'),
    "missing provenance": Case(
        HEADER + '\n[[node]]\nid = "A"\nconclusion = "x <= 1"\n', "missing required key 'provenance'", 'id = "A"'
    ),
    "huge exponent": Case(HEADER + node("x**(10**100) <= 1"), "exponent too large", 'id = "A"'),
    "power tower": Case(HEADER + node("2**(2**(2**(2**20))) <= x"), "exponent too large", 'id = "A"'),
    "huge exponent through a definition": Case(
        HEADER + '\n[defs]\np = { args = ["u"], expr = "u**100" }\n' + node("p(p(p(x))) <= 1"),
        "too large",
        "p = {",
    ),
    "huge literal": Case(HEADER + node("x <= 1e100000000"), "out of range", 'id = "A"'),
    "integer parameter with a real range": Case(
        HEADER.replace("[1, 10]", '["0.5", "10"]'), "integer parameter 'L' has a non-integer bound", "L = {"
    ),
    "integer parameter with a real node range": Case(
        HEADER + node(extra='ranges = { L = ["1", "2.5"] }'), "non-integer bound", 'id = "A"'
    ),
    "integer parameter with a float range": Case(HEADER.replace("[1, 10]", "[1, 2.5]"), "float 2.5", "L = {"),
    "matrix statement without sizes": Case(
        HEADER.replace("[params]", "[params]\nn = { domain = \"integer\", range = [1, 4] }")
        + '\n[matrices]\nA = { shape = ["n", 2] }\n[defs]\nnormN1 = { builtin = "normN1" }\n'
        + node("normN1(A) >= 0", node_id="M"),
        "give sizes.n",
        'id = "M"',
    ),
    # proof files
    "empty proof file": Case(HEADER + node(), "file is empty", None, proofs="", in_proof=True),
    "proof file not UTF-8": Case(HEADER + node(), "not UTF-8", None, proofs="\udcff", in_proof=True),
    "proof of a missing node": Case(
        HEADER + node(), "proof of 'Z', which is not a node", 'of = "Z"',
        proofs='[[proof]]\nof = "Z"\n[[proof.step]]\nclaim = "x <= 1"\n', in_proof=True,
    ),
    "proof citing a missing node": Case(
        HEADER + node(), "cites 'Q'", "[[proof.step]]",
        proofs='[[proof]]\nof = "A"\n[[proof.step]]\nclaim = "x <= 1"\nusing = ["Q"]\n', in_proof=True,
    ),
    "proof step with an unknown symbol": Case(
        HEADER + node(), "unknown symbol 'q'", "[[proof.step]]",
        proofs='[[proof]]\nof = "A"\n[[proof.step]]\nclaim = "x <= q"\n', in_proof=True,
    ),
    "proof step with unbalanced parentheses": Case(
        HEADER + node(), "unbalanced brackets", "[[proof.step]]",
        proofs='[[proof]]\nof = "A"\n[[proof.step]]\nclaim = "x <= (1"\n', in_proof=True,
    ),
    "cycle through a proof": Case(
        HEADER + node(extra='uses = ["B"]') + node("x >= 0", node_id="B"), "dependency cycle", 'id = "',
        proofs='[[proof]]\nof = "B"\n[[proof.step]]\nclaim = "x >= 0"\nusing = ["A"]\n',
    ),
    "graph of a bad file": Case(HEADER + node("y <= 1"), "unknown symbol 'y'", 'id = "A"', command="graph"),
}


class Hang(BaseException):  # not an Exception, so the CLI cannot swallow it
    pass


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging) if a case takes more than 60 s."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Hang("no answer within 60 s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _one_error_line(code: int, out: str, err: str, command: str) -> str:
    assert code == 3, (code, err)
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"boundprop {command}: error: ")
    assert len(lines[0]) < 400, "the message should be one readable line"
    return lines[0]


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


@pytest.mark.usefixtures("alarm")
@pytest.mark.parametrize("name", list(CASES))
def test_bad_file(tmp_path: Path, run_cli: RunCli, name: str) -> None:
    case = CASES[name]
    lemma_path = tmp_path / "lemmas" / "bad.toml"
    lemma_path.parent.mkdir()
    assert case.lemmas is not None
    lemma_path.write_text(textwrap.dedent(case.lemmas), encoding="utf-8")
    proof_path = tmp_path / "proofs" / "bad.toml"
    if case.proofs is not None:
        proof_path.parent.mkdir()
        proof_path.write_bytes(case.proofs.encode("utf-8", "surrogateescape"))
    code, out, err = run_cli(case.command, str(lemma_path), "--timeout", "2")
    message = _one_error_line(code, out, err, case.command)
    assert case.fragment in message
    place = proof_path if case.in_proof else lemma_path
    if case.at is None:
        assert f"error: {place}:" in message
    else:
        line = _line_of(place.read_text(encoding="utf-8"), case.at, case.occurrence)
        if name in ("cycle", "cycle through a proof"):
            assert f"error: {place}:" in message  # either node of the cycle
        else:
            assert f"error: {place}:{line}: " in message, (message, line)


# (name, argv, fragment of the message, place named)
ARG_CASES: list[tuple[str, list[str], str, str]] = [
    ("missing lemma file", ["check", "{tmp}/lemmas/nope.toml"], "no lemma file", "{tmp}/lemmas/nope.toml"),
    ("a directory as the lemma file", ["check", "{tmp}"], "no lemma file", "{tmp}"),
    ("unknown paper id", ["check", "no-such-paper"], "unknown paper 'no-such-paper'", "no-such-paper"),
    ("timeout NaN", ["check", "example", "--timeout", "nan"], "positive number of seconds", "--timeout"),
    ("timeout negative", ["graph", "example", "--timeout", "-1"], "positive number of seconds", "--timeout"),
    ("png to a terminal", ["graph", "{good}", "--format", "png", "--timeout", "2"], "give --out", ""),
    ("prove: unknown symbol", ["prove", "x <= y + (", "--var", "x=0:1"], "unbalanced brackets", "EXPR"),
    ("prove: division by zero", ["prove", "x/0 <= 1", "--var", "x=0:1"], "division by zero", "EXPR"),
    ("prove: inverted range", ["prove", "x <= 1", "--var", "x=1:0"], "inverted", "--var x"),
    ("prove: empty range", ["prove", "x <= 1", "--var", "x=oo:oo"], "empty", "--var x"),
    ("prove: NaN bound", ["prove", "x <= 1", "--var", "x=nan:1"], "NaN", "--var x"),
    ("prove: huge exponent", ["prove", "x**(10**100) <= 1", "--var", "x=0:1"], "exponent too large", "EXPR"),
    ("prove: empty statement", ["prove", " "], "empty expression", "EXPR"),
    ("prove: timeout NaN", ["prove", "x <= 1", "--var", "x=0:1", "--timeout", "nan"], "positive", ""),
    ("regimes: unknown theorem", ["regimes", "NOPE", "--paper", "example"], "no node 'NOPE'", ""),
    ("regimes: inverted --param", ["regimes", "E1", "--paper", "example", "--param", "x=1:0"], "inverted", "x=1:0"),
    ("table: bad --layers", ["table", "E1", "--paper", "example", "--layers", "3:1"], "0 <= A <= B", "--layers"),
    ("new: bad paper id", ["new", "Bad Id", "--dir", "{tmp}"], "paper id", "Bad Id"),
]


@pytest.mark.usefixtures("alarm")
@pytest.mark.parametrize(("name", "argv", "fragment", "place"), ARG_CASES, ids=[c[0] for c in ARG_CASES])
def test_bad_arguments(
    tmp_path: Path, run_cli: RunCli, name: str, argv: list[str], fragment: str, place: str
) -> None:
    good = tmp_path / "lemmas" / "good.toml"
    good.parent.mkdir()
    good.write_text(HEADER + GOOD_NODE, encoding="utf-8")
    args = [a.format(tmp=tmp_path, good=good) for a in argv]
    code, out, err = run_cli(*args)
    message = _one_error_line(code, out, err, args[0])
    assert fragment in message
    assert place.format(tmp=tmp_path) in message


@pytest.mark.usefixtures("alarm")
def test_prove_integer_with_real_range(run_cli: RunCli) -> None:
    code, out, err = run_cli("prove", "n <= 2", "--var", "n=0.5:2", "--integer", "n", "--timeout", "2")
    message = _one_error_line(code, out, err, "prove")
    assert "non-integer" in message and "--var n" in message


@pytest.mark.usefixtures("alarm")
def test_a_step_that_does_not_follow(tmp_path: Path, run_cli: RunCli) -> None:
    """Not an input error: the check runs (exit 0; --strict fails) and the broken
    step is reported refuted, with its counterexample, although the theorem
    itself is true."""
    lemmas = tmp_path / "lemmas" / "s.toml"
    lemmas.parent.mkdir()
    lemmas.write_text(HEADER + node("x**3 <= x", node_id="T"), encoding="utf-8")
    proofs = tmp_path / "proofs" / "s.toml"
    proofs.parent.mkdir()
    proofs.write_text(
        '[[proof]]\nof = "T"\n[[proof.step]]\nclaim = "x**2 <= x"\n'
        '[[proof.step]]\nclaim = "x**3 <= x**4"\n[[proof.step]]\nclaim = "x**3 <= x"\n',
        encoding="utf-8",
    )
    code, out, err = run_cli("check", str(lemmas), "--json", "--timeout", "3")
    assert code == 0, err
    (t_node,) = [n for n in json.loads(out)["nodes"] if n["id"] == "T"]
    steps = t_node["proof"]["steps"]
    assert [s["status"] for s in steps[:2]] == ["proved", "refuted"]
    assert steps[1]["counterexample"] is not None
    assert t_node["proof"]["status"] != "proved"


@pytest.mark.usefixtures("alarm")
def test_citing_a_lemma_outside_its_range(tmp_path: Path, run_cli: RunCli) -> None:
    lemmas = tmp_path / "lemmas" / "u.toml"
    lemmas.parent.mkdir()
    lemmas.write_text(
        '[paper]\nid = "u"\n[params]\nu = { range = ["-10", "10"] }\nx = { range = ["0", "5"] }\n'
        '[[node]]\nid = "L1"\nprovenance = "paper"\nconclusion = "u**2 <= u"\nranges = { u = ["0", "1"] }\n'
        '[[node]]\nid = "T"\nprovenance = "paper"\nconclusion = "x**2 <= x"\n',
        encoding="utf-8",
    )
    proofs = tmp_path / "proofs" / "u.toml"
    proofs.parent.mkdir()
    proofs.write_text(
        '[[proof]]\nof = "T"\n[[proof.step]]\nclaim = "x**2 <= x"\nusing = [{ node = "L1", with = { u = "x" } }]\n',
        encoding="utf-8",
    )
    code, out, err = run_cli("check", str(lemmas), "--json", "--timeout", "3")
    assert code == 0, err
    (t_node,) = [n for n in json.loads(out)["nodes"] if n["id"] == "T"]
    assert t_node["status"] == "refuted"
    assert t_node["proof"]["steps"][0]["status"] != "proved"


@pytest.mark.usefixtures("alarm")
def test_text_report_names_a_refuted_step(tmp_path: Path, run_cli: RunCli) -> None:
    lemmas = tmp_path / "lemmas" / "s.toml"
    lemmas.parent.mkdir()
    lemmas.write_text(HEADER + node("x**3 <= x", node_id="T"), encoding="utf-8")
    proofs = tmp_path / "proofs" / "s.toml"
    proofs.parent.mkdir()
    proofs.write_text('[[proof]]\nof = "T"\n[[proof.step]]\nclaim = "x**3 <= x**4"\n', encoding="utf-8")
    code, out, err = run_cli("check", str(lemmas), "--timeout", "3")
    assert code == 0, err
    assert "step 1" in out and "refuted" in out


def test_witness_overflow_is_reported(run_cli: RunCli) -> None:
    code, out, err = run_cli("witness", "r1", "--param", "eta=1e308", "--param", "L=2", "--samples", "3", "--json")

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    assert code == 3 or json.loads(out, parse_constant=refuse)


def test_compare_huge_grid_is_refused(run_cli: RunCli) -> None:
    """A grid of 10^8 points must be refused at once, not computed."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Hang("compare did not refuse a grid of 10^8 points within 10 s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.alarm(10)
    try:
        code, out, err = run_cli("compare", "--eta", "1e-3:1e-1:100000000", "--heads", "1", "--depths", "1")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert code == 3, err
