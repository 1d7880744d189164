"""The dependency DAG of a paper (networkx) and statuses computed on it.

Edges run from a dependency to the node that depends on it, with
``kind`` = "uses" (needed to state: explicit uses and definitions mentioned)
or "proof" (cited by a step of the node's proof). Statuses are never stored:
:func:`fully_checked` and :func:`unestablished_ancestors` derive them from
the per-node results, as leanblueprint derives "fully proved".
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from boundprop.encode import definitions_of, node_texts
from boundprop.errors import CycleError
from boundprop.lemma import Paper
from boundprop.verdict import Status


def build_graph(paper: Paper) -> nx.DiGraph:
    """The DAG of ``paper``; raises :class:`CycleError` naming the cycle."""
    graph = nx.DiGraph(paper=paper.id)
    for definition in paper.definitions.values():
        graph.add_node(definition.node_id, kind="definition")
    for node in paper.nodes.values():
        graph.add_node(node.id, kind=node.kind.value)
    for node in paper.nodes.values():
        for used in node.uses:
            graph.add_edge(used, node.id, kind="uses")
        texts = node_texts(node)
        for name in definitions_of(paper, texts):
            graph.add_edge(f"def:{name}", node.id, kind="uses")
    for definition in paper.definitions.values():
        if definition.expr:
            for name in definitions_of(paper, [definition.expr]):
                if name != definition.name:
                    graph.add_edge(f"def:{name}", definition.node_id, kind="uses")
    for proof in paper.proofs.values():
        for cited in proof.cited:
            if not graph.has_edge(cited, proof.of):
                graph.add_edge(cited, proof.of, kind="proof")
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return graph
    names = [edge[0] for edge in cycle] + [cycle[0][0]]
    first = paper.nodes.get(cycle[0][1])
    where = paper.where(first.line) if first else str(paper.source)
    raise CycleError("dependency cycle: " + " -> ".join(names), where)


def check_order(graph: nx.DiGraph) -> list[str]:
    """Node ids in an order where every node comes after its dependencies,
    otherwise in the order of the file (definitions first)."""
    position = {node_id: index for index, node_id in enumerate(graph.nodes)}
    return list(nx.lexicographical_topological_sort(graph, key=lambda n: f"{position[n]:08d}"))


def ancestors(graph: nx.DiGraph, node_id: str) -> set[str]:
    return set(nx.ancestors(graph, node_id))


def unestablished_ancestors(
    graph: nx.DiGraph, statuses: Mapping[str, Status], node_id: str
) -> list[str]:
    """Ancestors of ``node_id`` that are neither proved (bounded or not) nor assumed."""
    return sorted(a for a in ancestors(graph, node_id) if not statuses[a].is_established)


def fully_checked(graph: nx.DiGraph, statuses: Mapping[str, Status], node_id: str) -> bool:
    """The node and every ancestor are proved, proved-bounded or assumed."""
    return statuses[node_id].is_established and not unestablished_ancestors(graph, statuses, node_id)
