"""The results cache (boundprop/cache.py): reuse only when nothing that
influences a verdict has changed, and reproduce the report exactly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from boundprop import cache
from boundprop.cli import main
from boundprop.report.data import paper_json
from boundprop.report.dot import to_dot
from boundprop.report.text import node_table, summary
from boundprop.statement import Budget
from boundprop.verdict import Status

PAPER = """
[paper]
id = "tiny"
title = "A tiny paper"

[params]
x = { domain = "real", range = ["-1", "1"], latex = "x" }

[[node]]
id = "T1"
label = "Lemma 1"
provenance = "paper"
conclusion = "x**2 >= 0"

[[node]]
id = "T2"
label = "Lemma 2"
provenance = "paper"
uses = ["T1"]
conclusion = "CONCLUSION"
"""

def rendered(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


BUDGET = Budget(seconds=30.0, max_boxes=2000, samples=300)


def write_paper(directory: Path, conclusion: str = "x**2 + 1 >= 1") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "tiny.toml"
    path.write_text(PAPER.replace("CONCLUSION", conclusion), encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def test_a_hit_reproduces_the_report(tmp_path: Path, store: Path) -> None:
    path = write_paper(tmp_path / "paper")
    first, hit = cache.check(path, BUDGET, directory=store)
    assert not hit
    second, hit = cache.check(path, BUDGET, directory=store)
    assert hit
    assert [n.status for n in second.nodes.values()] == [Status.PROVED, Status.PROVED]
    # everything a renderer reads is the same
    a, b = paper_json(first), paper_json(second)
    assert a == b
    assert sorted(to_dot(first).splitlines()) == sorted(to_dot(second).splitlines())
    assert rendered(summary(first)) == rendered(summary(second))
    assert rendered(node_table(first)) == rendered(node_table(second))
    assert first.nodes == second.nodes
    assert set(first.graph.edges) == set(second.graph.edges)


def test_editing_the_lemma_file_invalidates(tmp_path: Path, store: Path) -> None:
    path = write_paper(tmp_path / "paper")
    report, _ = cache.check(path, BUDGET, directory=store)
    assert report.nodes["T2"].status is Status.PROVED
    write_paper(tmp_path / "paper", conclusion="x**2 >= x")  # false at x = 1/2
    edited, hit = cache.check(path, BUDGET, directory=store)
    assert not hit
    assert edited.nodes["T2"].status is Status.REFUTED
    assert edited.nodes["T2"].counterexample is not None
    again, hit = cache.check(path, BUDGET, directory=store)
    assert hit and again.nodes["T2"].status is Status.REFUTED
    assert again.nodes["T2"].counterexample == edited.nodes["T2"].counterexample


def test_the_key_covers_budget_proofs_annotations_and_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_paper(tmp_path / "paper")
    base = cache.key(path, BUDGET)
    assert cache.key(path, BUDGET) == base
    assert cache.key(path, Budget(seconds=30.0, max_boxes=2001, samples=300)) != base
    assert cache.key(path, BUDGET.scaled(2)) != base
    assert cache.key(path, BUDGET, what="recurrence\0R1") != base
    (tmp_path / "paper" / "tiny.regimes.toml").write_text("# annotations\n", encoding="utf-8")
    with_annotations = cache.key(path, BUDGET)
    assert with_annotations != base
    (tmp_path / "paper" / "tiny.proofs.toml").write_text('paper = "tiny"\n', encoding="utf-8")
    assert cache.key(path, BUDGET) != with_annotations
    monkeypatch.setattr(cache, "_ENGINE", {cache.PACKAGE: "another engine"})
    assert cache.key(path, BUDGET) not in (base, with_annotations)


def test_a_file_edited_during_the_check_is_not_stored(tmp_path: Path, store: Path) -> None:
    path = write_paper(tmp_path / "paper")
    before = cache.key(path, BUDGET)
    report, _ = cache.check(path, BUDGET, directory=store, write=False)
    write_paper(tmp_path / "paper", conclusion="x**2 >= x")
    assert not cache.store(path, BUDGET, before, report, directory=store)
    assert not list(store.glob("*.json")) if store.exists() else True
    assert cache.load_report(path, BUDGET, directory=store) is None


def test_a_corrupt_entry_is_a_miss(tmp_path: Path, store: Path) -> None:
    path = write_paper(tmp_path / "paper")
    cache.check(path, BUDGET, directory=store)
    (entry,) = store.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert cache.load_report(path, BUDGET, directory=store) is None
    entry.write_text(json.dumps({"format": cache.FORMAT, "paper": "tiny", "seconds": 1, "nodes": []}))
    assert cache.load_report(path, BUDGET, directory=store) is None  # nodes are not the paper's
    report, hit = cache.check(path, BUDGET, directory=store)
    assert not hit and report.nodes["T2"].status is Status.PROVED


def test_bundled_report_round_trips_through_json(store: Path) -> None:
    """The example paper (a refutation, a proof with steps, premises, a
    matrix node): every NodeReport field survives the serialised form."""
    report, _ = cache.check("example", Budget(), directory=store)
    again = cache.report_from_json(json.loads(json.dumps(cache.report_to_json(report))), report.paper)
    for node_id, node in report.nodes.items():
        other = again.nodes[node_id]
        for field in ("status", "method", "evidence", "counterexample", "uses", "fully_checked",
                      "unestablished", "proof_status", "premises", "text", "label"):
            assert getattr(other, field) == getattr(node, field), (node_id, field)
        assert [(s.index, s.claim, s.result.status, s.result.evidence) for s in other.steps] == [
            (s.index, s.claim, s.result.status, s.result.evidence) for s in node.steps
        ]
    assert paper_json(again) == paper_json(report)


def test_graph_reuses_the_check_and_no_cache_forces(
    tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(store))
    path = write_paper(tmp_path / "paper")
    assert main(["check", str(path), "--json", "--effort", "0.1"]) == 0
    assert len(list(store.glob("*.json"))) == 1

    import boundprop.check

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the check ran again")

    monkeypatch.setattr(boundprop.check, "check_paper", refuse)
    out = tmp_path / "g.json"
    assert main(["graph", str(path), "--effort", "0.1", "--format", "json", "-o", str(out)]) == 0
    assert {n["id"]: n["status"] for n in json.loads(out.read_text())["nodes"]} == {"T1": "proved", "T2": "proved"}
    # a different budget is a different key: the check must run (and here it refuses)
    assert main(["graph", str(path), "--format", "json", "-o", str(out)]) == 4
    assert main(["graph", str(path), "--effort", "0.1", "--no-cache", "--format", "json", "-o", str(out)]) == 4


def test_check_no_cache_stores_nothing(tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(store))
    path = write_paper(tmp_path / "paper")
    assert main(["check", str(path), "--json", "--effort", "0.1", "--no-cache"]) == 0
    assert not store.exists() or not list(store.glob("*.json"))


def test_report_reuses_its_rendering_and_an_edit_or_no_cache_renders_again(
    tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # issue 19: report after check must not pave and draw again (most of its time)
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(store))
    path = write_paper(tmp_path / "paper")
    out = tmp_path / "r.html"
    args = ["report", str(path), "--effort", "0.1", "--no-timings", "-o", str(out)]
    assert main(args) == 0
    first = out.read_bytes()
    out.unlink()

    from boundprop.report import output

    calls: list[int] = []
    render = output.html_file

    def counting(*a: object, **k: object) -> object:
        calls.append(1)
        return render(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "html_file", counting)
    assert main(args) == 0
    assert out.read_bytes() == first and calls == []  # a hit: the same bytes, nothing rendered
    assert main([*args, "--no-cache"]) == 0
    assert calls == [1] and out.read_bytes() == first
    assert main([*args[:-2], "-o", str(tmp_path / "other.html")]) == 0  # another output name: rendered
    assert len(calls) == 2
    write_paper(tmp_path / "paper", conclusion="x**2 + 2 >= 1")  # an edit: rendered again, and it shows
    assert main(args) == 0
    assert len(calls) == 3 and out.read_bytes() != first


def test_a_corrupt_rendering_entry_is_a_miss(tmp_path: Path, store: Path) -> None:
    path = write_paper(tmp_path / "paper")
    made = cache.Rendered({"a.txt": b"\x00\xff"}, ("wrote {out}",))
    assert cache.rendered(path, BUDGET, "w", lambda: made, directory=store) == (made, False)
    assert cache.rendered(path, BUDGET, "w", lambda: made, directory=store) == (made, True)
    for entry in store.glob("*.json"):
        entry.write_text('{"files": {"a.txt": "not base64!"}, "messages": []}', encoding="utf-8")
    again = cache.Rendered({"a.txt": b"1"})
    assert cache.rendered(path, BUDGET, "w", lambda: again, directory=store) == (again, False)
