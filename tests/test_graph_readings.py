"""Readings are alternatives (issue 16, item 2): nodes a node uses that share a label and
each carry a variant are readings of one statement; the node needs one reading's chain.

Statuses are set by hand on the real Alman-Song graph, so the logic is tested apart from
the backends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boundprop.graph import alternatives, build_graph, fully_checked, readings, unestablished_ancestors
from boundprop.loader import load_paper
from boundprop.verdict import Status

ENTRY, EXPM = "Lemma 5.1-step-entrywise", "Lemma 5.1-step-expm"


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    return build_graph(load_paper("alman-song-2025"))


def _statuses(graph: nx.DiGraph, **override: Status) -> dict[str, Status]:
    out = {n: Status.PROVED for n in graph.nodes}
    out.update({k.replace("_", " "): v for k, v in override.items()})
    return out


def test_groups_of_readings(graph: nx.DiGraph) -> None:
    assert alternatives(graph, "Lemma 5.2") == [(ENTRY, EXPM)]
    assert alternatives(graph, "Theorem 5.3") == [("Lemma 5.1-N1", "Lemma 5.1-N2")]
    assert alternatives(graph, "R1") == []


def test_theorem_53_is_fully_checked_through_one_reading(graph: nx.DiGraph) -> None:
    # the matrix-exponential reading is false (the engine refutes it): the entrywise one carries
    statuses = _statuses(graph)
    statuses[EXPM] = Status.REFUTED
    assert fully_checked(graph, statuses, "Lemma 5.2")
    assert fully_checked(graph, statuses, "Theorem 5.3")
    assert readings(graph, statuses, "Theorem 5.3")["Lemma 5.1 (step in proof)"] == ENTRY
    # both norms of Lemma 5.1 are proved: the N2 theorem's chain uses the N2 reading
    assert readings(graph, statuses, "Theorem 5.3")["Lemma 5.1"] == "Lemma 5.1-N2"
    # and the other way round
    statuses[EXPM], statuses[ENTRY] = Status.PROVED, Status.REFUTED
    assert fully_checked(graph, statuses, "Theorem 5.3")
    assert readings(graph, statuses, "Lemma 5.2") == {"Lemma 5.1 (step in proof)": EXPM}


def test_no_reading_established_keeps_the_node_open(graph: nx.DiGraph) -> None:
    statuses = _statuses(graph)
    statuses[EXPM], statuses[ENTRY] = Status.REFUTED, Status.TESTED
    assert not fully_checked(graph, statuses, "Lemma 5.2")
    # the best reading is named (a tested one before a refuted one), the other is not required
    assert unestablished_ancestors(graph, statuses, "Lemma 5.2") == [ENTRY]


def test_a_dependency_outside_a_group_is_still_required(graph: nx.DiGraph) -> None:
    statuses = _statuses(graph)
    statuses["Lemma 4.1"] = Status.REFUTED
    assert not fully_checked(graph, statuses, "Lemma 5.2")
    assert "Lemma 4.1" in unestablished_ancestors(graph, statuses, "Theorem 5.3")


def test_same_label_without_variants_is_not_a_group(lemma_file: Callable[..., Path]) -> None:
    path = lemma_file("""
        [[node]]
        id = "A1"
        label = "Lemma A"
        provenance = "paper"
        conclusion = "x <= 1"

        [[node]]
        id = "A2"
        label = "Lemma A"
        variant = "second"
        provenance = "paper"
        conclusion = "x >= 0"

        [[node]]
        id = "T"
        provenance = "paper"
        conclusion = "x <= 2"
        uses = ["A1", "A2"]
    """)
    graph = build_graph(load_paper(path))
    assert alternatives(graph, "T") == []
    statuses = {n: Status.PROVED for n in graph.nodes} | {"A1": Status.REFUTED}
    assert not fully_checked(graph, statuses, "T")


def test_a_reading_the_proof_cites_is_required(lemma_file: Callable[..., Path]) -> None:
    """Soundness: a proof that rests on one reading needs that reading, whatever the others
    (and the readings it did not choose are not needed)."""
    body = """
        [[node]]
        id = "A1"
        label = "Lemma A"
        variant = "first reading"
        provenance = "paper"
        conclusion = "x <= 1"

        [[node]]
        id = "A2"
        label = "Lemma A"
        variant = "second reading"
        provenance = "paper"
        conclusion = "x >= 0"

        [[node]]
        id = "T"
        provenance = "paper"
        conclusion = "x <= 2"
        uses = ["A1", "A2"]
    """
    proofs = """
        [[proof]]
        of = "T"
        [[proof.step]]
        claim = "x <= 1"
        using = ["A1"]
    """
    graph = build_graph(load_paper(lemma_file(body)))
    assert alternatives(graph, "T") == [("A1", "A2")]
    graph = build_graph(load_paper(lemma_file(body, proofs=proofs)))
    assert alternatives(graph, "T") == []  # the proof has chosen A1
    statuses = {n: Status.PROVED for n in graph.nodes} | {"A1": Status.REFUTED}
    assert not fully_checked(graph, statuses, "T")
    assert unestablished_ancestors(graph, statuses, "T") == ["A1"]
    # the reading the proof did not choose is not needed
    statuses = {n: Status.PROVED for n in graph.nodes} | {"A2": Status.REFUTED}
    assert fully_checked(graph, statuses, "T")


def _oracle(graph: nx.DiGraph, statuses: dict[str, Status], node: str) -> bool:
    """Fully checked by definition: established, every required dependency fully checked,
    and in each group of readings at least one reading fully checked."""
    if not statuses[node].is_established:
        return False
    groups = alternatives(graph, node)
    grouped = {m for g in groups for m in g}
    required = [p for p in graph.predecessors(node) if p not in grouped]
    return all(_oracle(graph, statuses, p) for p in required) and all(
        any(_oracle(graph, statuses, m) for m in g) for g in groups)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_fully_checked_agrees_with_the_definition(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 8))
    graph = nx.DiGraph()
    for i in range(n):
        label = data.draw(st.sampled_from(["A", "B", "C", f"own{i}"]))
        variant = data.draw(st.sampled_from(["", f"v{i}"]))
        graph.add_node(f"n{i}", label=label, variant=variant, kind="lemma")
    for j in range(n):
        for i in range(j):
            if data.draw(st.booleans()):
                graph.add_edge(f"n{i}", f"n{j}", kind="uses")
    statuses = {f"n{i}": data.draw(st.sampled_from([Status.PROVED, Status.REFUTED, Status.TESTED, Status.ASSUMED]))
                for i in range(n)}
    for node in graph.nodes:
        assert fully_checked(graph, statuses, node) == _oracle(graph, statuses, node), node
        assert fully_checked(graph, statuses, node) == (
            statuses[node].is_established and not unestablished_ancestors(graph, statuses, node))
