"""The dependency DAG of a paper (networkx) and statuses computed on it.

Edges run from a dependency to the node that depends on it, with
``kind`` = "uses" (needed to state: explicit uses and definitions mentioned)
or "proof" (cited by a step of the node's proof). Statuses are never stored:
:func:`fully_checked` and :func:`unestablished_ancestors` derive them from
the per-node results, as leanblueprint derives "fully proved".

Readings are alternatives: nodes a node ``uses`` that share one ``label`` and
each carry a ``variant`` (the entrywise and the matrix-exponential reading of
the step in Lemma 5.1's proof) are readings of one statement, so the node needs
*one* of them, with its own chain, not all. :func:`readings` says which reading
each chain uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import networkx as nx

from boundprop.encode import definitions_of, node_texts
from boundprop.errors import CycleError
from boundprop.lemma import Paper
from boundprop.norms import norm_of_variant
from boundprop.verdict import Status

__all__ = [
    "alternatives",
    "ancestors",
    "build_graph",
    "check_order",
    "fully_checked",
    "readings",
    "unestablished_ancestors",
]


def build_graph(paper: Paper) -> nx.DiGraph:
    """The DAG of ``paper``; raises :class:`CycleError` naming the cycle."""
    graph = nx.DiGraph(paper=paper.id)
    for definition in paper.definitions.values():
        graph.add_node(definition.node_id, kind="definition")
    for node in paper.nodes.values():
        graph.add_node(node.id, kind=node.kind.value, label=node.label, variant=node.variant)
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
            # a node the proof cites is required, even if it is also one reading of a group
            graph.edges[cited, proof.of]["cited"] = True
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


def _readings_of(graph: nx.DiGraph, node_id: str) -> dict[str, list[str]]:
    """Direct dependencies by a "uses" edge that carry a variant, by label."""
    groups: dict[str, list[str]] = {}
    for dep in graph.predecessors(node_id):
        data = graph.nodes[dep]
        if graph.edges[dep, node_id].get("kind") == "uses" and data.get("variant") and data.get("label"):
            groups.setdefault(data["label"], []).append(dep)
    return {label: g for label, g in groups.items() if len(g) > 1}


def alternatives(graph: nx.DiGraph, node_id: str) -> list[tuple[str, ...]]:
    """The groups of readings ``node_id`` uses: direct dependencies by a "uses"
    edge that share a label, each with a variant, two or more to a group. When
    the node's proof cites readings of a group, the proof has chosen: those are
    required and the group is no alternative (see :func:`_unneeded`)."""
    out = []
    for group in _readings_of(graph, node_id).values():
        if not any(graph.edges[dep, node_id].get("cited") for dep in group):
            out.append(tuple(sorted(group)))
    return out


def _unneeded(graph: nx.DiGraph, node_id: str) -> set[str]:
    """Readings the node's proof did not choose, in groups where it cites one."""
    out: set[str] = set()
    for group in _readings_of(graph, node_id).values():
        cited = {dep for dep in group if graph.edges[dep, node_id].get("cited")}
        if cited:
            out |= set(group) - cited
    return out


def _chains(
    graph: nx.DiGraph, statuses: Mapping[str, Status], node_id: str
) -> tuple[dict[str, str], frozenset[str]]:
    """The best chain below ``node_id``: the reading chosen in each group of
    alternatives on it (group label -> node id, nested choices included) and the
    chain's unestablished nodes. A group picks the reading with the fewest
    unestablished nodes (ties: fewer refuted, then one in the node's own norm,
    then the first by id), so an established chain wins."""

    @cache
    def best(nid: str) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
        groups = alternatives(graph, nid)
        grouped = {n for g in groups for n in g} | _unneeded(graph, nid)
        missing: set[str] = set()
        chosen: dict[str, str] = {}

        def take(dep: str) -> None:
            below, picks = best(dep)
            missing.update(below | ({dep} if not _established(statuses, dep) else set()))
            chosen.update(picks)

        for dep in graph.predecessors(nid):
            if dep not in grouped:
                take(dep)
        for group in groups:
            # fewest unestablished nodes, then fewest refuted ones, then the node's own norm, then the id
            own = norm_of_variant(graph.nodes[nid].get("variant", ""))
            cost = []
            for dep in group:
                chain = best(dep)[0] | ({dep} if not _established(statuses, dep) else set())
                refuted = sum(1 for n in chain if statuses.get(n) is Status.REFUTED)
                other_norm = own is not None and norm_of_variant(graph.nodes[dep]["variant"]) is not own
                cost.append((len(chain), refuted, other_norm, dep))
            pick = min(cost)[3]
            take(pick)
            chosen[graph.nodes[pick]["label"]] = pick
        return frozenset(missing), tuple(sorted(chosen.items()))

    missing, picks = best(node_id)
    return dict(picks), missing


def _established(statuses: Mapping[str, Status], node_id: str) -> bool:
    status = statuses.get(node_id)
    return status is not None and status.is_established


def readings(graph: nx.DiGraph, statuses: Mapping[str, Status], node_id: str) -> dict[str, str]:
    """The reading each group of alternatives below ``node_id`` uses in its best
    chain: group label -> the chosen node id (empty when nothing is alternative)."""
    return _chains(graph, statuses, node_id)[0]


def unestablished_ancestors(
    graph: nx.DiGraph, statuses: Mapping[str, Status], node_id: str
) -> list[str]:
    """Ancestors of ``node_id`` on its best chain (one reading per group of
    alternatives) that are neither proved (bounded or not) nor assumed."""
    return sorted(_chains(graph, statuses, node_id)[1])


def fully_checked(graph: nx.DiGraph, statuses: Mapping[str, Status], node_id: str) -> bool:
    """The node is proved, proved-bounded or assumed, and so is every ancestor
    on one chain (one reading of each group of alternatives)."""
    return statuses[node_id].is_established and not unestablished_ancestors(graph, statuses, node_id)
