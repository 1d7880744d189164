"""Malformed annotation files (x.regimes.toml): one line naming file:line, exit code 3.

The annotation file is read by the same reader as the lemma file; before,
propagate.py read it on its own and a ``[[baseline]]`` without ``id`` was a
bare KeyError (exit 4, "internal error").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from boundprop.errors import LemmaFileError
from boundprop.loader import load_paper
from boundprop.loader.annotations import load_annotations

BODY = """
[[node]]
id = "A"
label = "Lemma A"
kind = "theorem"
provenance = "paper"
conclusion = "x <= 1"
"""

GOOD = 'paper = "tmp"\n\n[layers.A]\nindex = "x"\n\n[[baseline]]\nid = "b1"\nbound = "2"\n\n'

LAYER = 'paper = "tmp"\n[layers.A]\n'

# (description, annotation file text, fragment of the message, line of the error)
CASES = [
    ("baseline without id", GOOD + '[[baseline]]\nbound = "3"\n', "missing required key 'id'", 10),
    ("baseline without bound", GOOD + '[[baseline]]\nid = "b2"\n', "missing required key 'bound'", 10),
    ("baseline unknown key", GOOD + '[[baseline]]\nid = "b2"\nbond = "3"\n', "unknown key 'bond'", 10),
    ("regime without holds", GOOD + '[[regime]]\nid = "r"\nquantity = "B"\nbound = "x"\n',
     "missing required key 'holds'", 10),
    ("regime with one label", GOOD + '[[regime]]\nid = "r"\nquantity = "B"\nbound = "x"\nholds = "B <= 1"\n'
     'labels = ["a"]\n', "exactly two labels", 10),
    ("layers of no node", GOOD + '[layers.Z]\nindex = "x"\n', "names no node", 10),
    ("layers unknown key", GOOD + '[layers.B]\nphy = "x"\n', "unknown key 'phy'", 11),
    ("layers start not an integer", 'paper = "tmp"\n[layers.A]\nstart = "0"\n', "'start' must be an integer", 3),
    ("layers old phi key", 'paper = "tmp"\n[layers.A]\nphi = "x"\n', "unknown key 'phi' (allowed: base, depth", 3),
    ("quantities not a list", LAYER + 'quantities = "phi"\n', "quantities must be a non-empty list", 3),
    ("quantities empty", LAYER + 'quantities = []\n', "quantities must be a non-empty list", 3),
    ("quantity without expr", LAYER + 'quantities = [\n  { key = "p", title = "p", latex = "p", expr = "x" },\n'
     '  { key = "q", title = "q", latex = "q" },\n]\n', "missing required key 'expr'", 5),
    ("quantity unknown key", LAYER + 'quantities = [\n  { key = "p", title = "p", latex = "p", expr = "x", '
     'unit = "s" },\n]\n', "unknown key 'unit'", 4),
    ("quantity key twice", LAYER + 'quantities = [\n  { key = "p", title = "p", latex = "p", expr = "x" },\n'
     '  { key = "p", title = "P", latex = "P", expr = "2*x" },\n]\n', "key 'p' is declared twice", 5),
    ("quantity named layer", LAYER + 'quantities = [{ key = "layer", title = "l", latex = "l", expr = "x" }]\n',
     "key 'layer' names the layer column", 3),
    ("quantity key not a name", LAYER + 'quantities = [{ key = "2x", title = "l", latex = "l", expr = "x" }]\n',
     "quantity name '2x' is not an identifier", 3),
    ("map params not strings", GOOD + '[map.A]\nparams = [1]\n', "must be a list of strings", 10),
    ("table unknown key", GOOD + '[table.A]\nfixx = ["x=1"]\n', "unknown key 'fixx'", 10),
    ("param already declared", 'paper = "tmp"\n[params]\nx = { range = ["0", "1"] }\n', "already declared", 3),
    ("param inverted range", 'paper = "tmp"\n[params]\nq = { range = ["1", "0"] }\n', "inverted", 3),
    ("wrong paper", 'paper = "other"\n', "is for paper 'other'", 1),
    ("unknown top-level key", 'regime_maps = 1\n' + GOOD, "unknown key 'regime_maps'", 1),
    ("unknown key after a baseline", GOOD.replace('bound = "2"\n', 'bound = "2"\nregimes = 1\n'),
     "unknown key 'regimes' in [[baseline]]", 6),
    ("TOML syntax", GOOD + '[[baseline]\n', "TOML syntax error", 10),
]


@pytest.mark.parametrize(("what", "text", "fragment", "line"), CASES, ids=[c[0] for c in CASES])
def test_bad_annotation_file(
    lemma_file: Callable[..., Path], what: str, text: str, fragment: str, line: int
) -> None:
    path = lemma_file(BODY)
    annotations = path.with_name("tmp.regimes.toml")
    annotations.write_text(text, encoding="utf-8")
    with pytest.raises(LemmaFileError) as info:
        load_annotations(load_paper(path))
    assert fragment in str(info.value), what
    assert info.value.where == f"{annotations}:{line}", what


def test_good_annotation_file(lemma_file: Callable[..., Path]) -> None:
    path = lemma_file(BODY)
    path.with_name("tmp.regimes.toml").write_text(GOOD, encoding="utf-8")
    ann = load_annotations(load_paper(path))
    assert ann.layer_spec("A").index == "x"
    assert [(b.id, b.bound) for b in ann.baselines] == [("b1", "2")]


def test_comments_only_declare_nothing(lemma_file: Callable[..., Path]) -> None:
    path = lemma_file(BODY)
    path.with_name("tmp.regimes.toml").write_text("# nothing yet\n", encoding="utf-8")
    ann = load_annotations(load_paper(path))
    assert ann.source is not None and not ann.baselines and not ann.layers


def test_cli_baseline_without_id_is_input_error(
    lemma_file: Callable[..., Path], run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    path = lemma_file(BODY)
    annotations = path.with_name("tmp.regimes.toml")
    annotations.write_text(GOOD + '[[baseline]]\nbound = "3"\n', encoding="utf-8")
    code, out, err = run_cli("regimes", "A", "--paper", str(path), "--param", "x=0:1")
    assert code == 3, err
    assert out == "" and len(err.strip().splitlines()) == 1
    assert f"{annotations}:10: missing required key 'id'" in err


@pytest.mark.parametrize("doc", ["regimes-format.md", "lemma-format.md"])
def test_the_documented_quantities_load(tmp_path: Path, doc: str) -> None:
    # the docs' [layers.R1] examples are files the loader reads, with the quantities they list
    import re

    text = (Path(__file__).parent.parent / "docs" / doc).read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```toml\n(.*?)```", text, flags=re.S) if "quantities = [" in b)
    path = tmp_path / "doc.regimes.toml"
    path.write_text(block, encoding="utf-8")
    paper = load_paper("alman_song_2025")
    spec = load_annotations(paper, path).layer_spec("R1")
    keys = [q.key for q in spec.quantities]
    assert keys[:3] == ["phi", "eps", "e"] and all(q.expr and q.latex and q.title for q in spec.quantities)
