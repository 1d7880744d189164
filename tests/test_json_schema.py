"""Every command's JSON output validates against its schema in docs/schemas/.

The schemas are documented in docs/json-schema.md. Commands run in-process
with small budgets; the validation is strict on the documented keys and types
(extra keys are allowed so that outputs may grow without breaking readers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from boundprop.scaffold import scaffold, write_scaffold

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "schemas"
TOY = ROOT / "tests" / "data" / "toy_collapse.toml"
RunCli = Callable[..., tuple[int, str, str]]
NAMES = ("check", "prove", "graph", "regimes", "table", "witness", "compare")


def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _validator(name: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (_schema(n)["$id"], Resource.from_contents(_schema(n))) for n in NAMES
    )
    return Draft202012Validator(_schema(name), registry=registry)


def _validate(name: str, out: str) -> Any:
    data = json.loads(out)
    errors = sorted(_validator(name).iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return data


@pytest.mark.parametrize("name", NAMES)
def test_schemas_are_valid_and_documented(name: str) -> None:
    Draft202012Validator.check_schema(_schema(name))
    doc = (ROOT / "docs" / "json-schema.md").read_text(encoding="utf-8")
    assert f"schemas/{name}.json" in doc


@pytest.fixture
def small_papers(tmp_path: Path) -> tuple[Path, Path]:
    """The scaffold (proved, with a proof) and a file with a refuted node and a bad proof step."""
    files = scaffold("schema-test", tmp_path)
    write_scaffold(files)
    other = tmp_path / "lemmas" / "other.toml"
    other.write_text(
        '[paper]\nid = "other"\n[params]\nx = { range = ["-1", "1"] }\n'
        '[[node]]\nid = "F"\nprovenance = "paper"\nconclusion = "x**2 <= x"\n'
        '[[node]]\nid = "G"\nprovenance = "paper"\nhypotheses = ["x >= 0"]\nconclusion = "x**3 <= 1"\n',
        encoding="utf-8",
    )
    (tmp_path / "proofs" / "other.toml").write_text(
        '[[proof]]\nof = "G"\n[[proof.step]]\nclaim = "x**2 <= x**3"\n[[proof.step]]\nclaim = "x**3 <= 1"\n',
        encoding="utf-8",
    )
    return files.lemma_path, other


def test_check(run_cli: RunCli, small_papers: tuple[Path, Path]) -> None:
    good, other = small_papers
    code, out, err = run_cli("check", str(other), "--json", "--timeout", "3")
    assert code == 0, err
    data = _validate("check", out)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["F"]["status"] == "refuted" and nodes["F"]["counterexample"]
    assert nodes["G"]["proof"]["steps"][0]["status"] == "refuted"
    code, out, err = run_cli("check", str(good), str(other), "--json", "--timeout", "3")
    assert code == 0, err
    assert [p["paper"] for p in _validate("check", out)] == ["schema-test", "other"]


def test_check_matrix_counterexample(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        '[paper]\nid = "m"\n[params]\nn = { domain = "integer", range = [1, 3] }\n'
        '[matrices]\nA = { shape = ["n", 2], latex = "A" }\n[defs]\nnormN1 = { builtin = "normN1" }\n'
        '[[node]]\nid = "M"\nprovenance = "paper"\nconclusion = "normN1(A) <= 1"\nsizes = { n = [1, 2] }\n',
        encoding="utf-8",
    )
    code, out, err = run_cli("check", str(path), "--json", "--timeout", "3")
    assert code == 0, err
    (node,) = [n for n in _validate("check", out)["nodes"] if n["id"] == "M"]
    assert node["status"] == "refuted"


@pytest.mark.parametrize(
    "argv",
    [
        ["exp(x) >= 1 + x", "--var", "x=-1:1"],
        ["x**2 <= x", "--var", "x=0:2"],
        ["x <= 2", "--var", "x=0:2", "--var", "n=1:3", "--integer", "n", "--assume", "n <= 2"],
    ],
)
def test_prove(run_cli: RunCli, argv: list[str]) -> None:
    code, out, err = run_cli("prove", *argv, "--json", "--timeout", "3")
    assert code == 0, err
    _validate("prove", out)


def test_graph(run_cli: RunCli, small_papers: tuple[Path, Path]) -> None:
    code, out, err = run_cli("graph", str(small_papers[0]), "--format", "json", "--timeout", "3")
    assert code == 0, err
    data = _validate("graph", out)
    assert {"source": "L1", "target": "T2", "kind": "uses"} in data["edges"]


def test_regimes(run_cli: RunCli) -> None:
    code, out, err = run_cli("regimes", "R2", "--paper", str(TOY), "--depth", "4", "--json")
    assert code == 0, err
    _validate("regimes", out)


def test_table(run_cli: RunCli) -> None:
    code, out, err = run_cli(
        "table", "R1", "--paper", str(TOY), "--layers", "0:2", "--format", "json", "--fix", "eta=1/10"
    )
    assert code == 0, err
    _validate("table", out)


def test_witness(run_cli: RunCli) -> None:
    code, out, err = run_cli("witness", "r1", "--param", "eta=0.01", "--param", "L=2", "--samples", "5", "--json")
    assert code == 0, err
    _validate("witness", out)


def test_compare(run_cli: RunCli) -> None:
    code, out, err = run_cli(
        "compare", "--eta", "1e-3:1e-1:2", "--heads", "1", "--depths", "1", "--json", "--dong", "--dong-depth", "2"
    )
    assert code == 0, err
    assert "dong_map" in _validate("compare", out)


def test_schema_rejects_wrong_output() -> None:
    """The schemas can fail: a made-up status and a missing key are caught."""
    bad = {"verdict": "maybe", "status": "proved", "method": "z3", "evidence": "", "counterexample": None}
    messages = [e.message for e in _validator("prove").iter_errors(bad)]
    assert any("'maybe'" in m for m in messages)
    assert any("'seconds' is a required property" in m for m in messages)
