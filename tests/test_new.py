"""`boundprop new`: the scaffold loads, checks fully, and never clobbers files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from boundprop.loader import load_paper

RunCli = Callable[..., tuple[int, str, str]]


def test_scaffold_checks_fully(tmp_path: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli("new", "smith-2026", "--dir", str(tmp_path), "--title", "Deep nets are smooth")
    assert code == 0, err
    lemma = tmp_path / "lemmas" / "smith_2026.toml"
    proof = tmp_path / "proofs" / "smith_2026.toml"
    assert f"wrote {lemma}" in out and f"wrote {proof}" in out
    assert lemma.read_text().count("#") > 10, "the template should explain itself in comments"

    paper = load_paper(lemma)
    assert paper.id == "smith-2026" and paper.title == "Deep nets are smooth"
    assert paper.proof_source == proof
    assert len(paper.proofs["T2"].steps) == 3

    code, out, err = run_cli("check", str(lemma), "--json", "--timeout", "5")
    assert code == 0, err
    nodes = {n["id"]: n for n in json.loads(out)["nodes"]}
    assert nodes["L1"]["status"] == "proved"
    assert nodes["T2"]["status"] == "proved" and nodes["T2"]["fully_checked"]
    assert nodes["T2"]["proof"]["status"] == "proved"


def test_refuses_to_overwrite(tmp_path: Path, run_cli: RunCli) -> None:
    assert run_cli("new", "p", "--dir", str(tmp_path))[0] == 0
    lemma = tmp_path / "lemmas" / "p.toml"
    lemma.write_text("# my work\n")
    code, out, err = run_cli("new", "p", "--dir", str(tmp_path))
    assert code == 3 and out == ""
    expected = f"boundprop new: error: {lemma}: already exists; choose another id or pass --force to overwrite"
    assert err.strip() == expected
    assert lemma.read_text() == "# my work\n"
    assert run_cli("new", "p", "--dir", str(tmp_path), "--force")[0] == 0
    assert "[paper]" in lemma.read_text()


@pytest.mark.parametrize("bad", ["Smith-2026", "smith 2026", "x-", "x--y", "a/b", "../up", "x" * 81])
def test_bad_paper_id(tmp_path: Path, run_cli: RunCli, bad: str) -> None:
    code, out, err = run_cli("new", bad, "--dir", str(tmp_path))
    assert code == 3 and out == ""
    assert len(err.strip().splitlines()) == 1 and "paper id" in err
    assert not (tmp_path / "lemmas").exists()


def test_bad_title(tmp_path: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli("new", "p", "--dir", str(tmp_path), "--title", 'say "hi"')
    assert code == 3 and "--title" in err


def test_unwritable_directory(tmp_path: Path, run_cli: RunCli) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run_cli("new", "p", "--dir", str(blocker))
    assert code == 3 and "cannot write" in err
