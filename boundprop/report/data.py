"""Plain data (JSON-ready) views of check results. Rendering never calls a solver."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boundprop.verdict import NodeReport, PaperReport, Status, json_ready

if TYPE_CHECKING:
    from boundprop.maps import RegimeMap
    from boundprop.mechanism import Explanation
    from boundprop.tables import BoundTable

__all__ = ["ReportContent", "node_json", "other_readings", "paper_json", "readings_used", "section_titles"]


def node_json(node: NodeReport) -> dict[str, Any]:
    """One node as the JSON object of design.md (plus evidence and proof steps)."""
    return {
        "id": node.id,
        "label": node.label,
        "variant": node.variant,
        "kind": node.kind,
        "provenance": node.provenance,
        "status": node.status.value,
        "method": node.method,
        "evidence": node.evidence,
        "uses": list(node.uses),
        "fully_checked": node.fully_checked,
        "unestablished_ancestors": list(node.unestablished),
        "counterexample": dict(node.counterexample) if node.counterexample else None,
        # structured figures of the direct check (e.g. a network node's bound, certified and measured error per size)
        "details": json_ready(node.direct.details) if node.direct is not None and node.direct.details else None,
        "seconds": round(node.seconds, 4),
        "premises": None
        if node.premises is None
        else {
            "satisfiable": node.premises.satisfiable,
            "witness": dict(node.premises.witness) if node.premises.witness else None,
            "evidence": node.premises.evidence,
        },
        "proof": None
        if node.proof_status is None
        else {
            "status": node.proof_status.value,
            "steps": [
                {
                    "index": s.index,
                    "claim": s.claim,
                    "status": s.result.status.value,
                    "method": s.result.method,
                    "evidence": s.result.evidence,
                    "counterexample": dict(s.result.counterexample) if s.result.counterexample else None,
                }
                for s in node.steps
            ],
        },
    }


def paper_json(report: PaperReport) -> dict[str, Any]:
    """The whole check of one paper."""
    counts = {s.value: 0 for s in Status}
    for node in report.nodes.values():
        counts[node.status.value] += 1
    return {
        "paper": report.paper.id,
        "title": report.paper.title,
        "source": str(report.paper.source),
        "seconds": round(report.seconds, 3),
        "counts": counts,
        # nodes whose proof has a refuted step: a finding even when the
        # node's own status (its direct check) is proved
        "refuted_proofs": [n.id for n in report.nodes.values() if n.proof_status is Status.REFUTED],
        "nodes": [node_json(n) for n in report.nodes.values()],
        # node id -> {label of a group of alternative readings: the reading its best chain uses}
        "readings": readings_used(report),
    }


def other_readings(report: PaperReport, node: NodeReport) -> list[NodeReport]:
    """The other readings of the node's statement: nodes of its label with another variant
    (a correction is not a reading)."""
    if not node.variant:
        return []
    return [n for n in report.nodes.values()
            if n.id != node.id and n.label == node.label and n.variant and n.variant != node.variant
            and n.provenance != "correction"]


def readings_used(report: PaperReport, node_ids: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
    """For every node (of ``node_ids``, default all) that cites alternative readings:
    which reading each chain uses."""
    from boundprop.graph import readings  # networkx is slow to import and `prove` never gets here

    statuses = {nid: n.status for nid, n in report.nodes.items()}
    wanted = report.nodes if node_ids is None else node_ids
    return {nid: picks for nid in wanted if (picks := readings(report.graph, statuses, nid))}


@dataclass(frozen=True, slots=True)
class ReportContent:
    """What the full report shows, computed once and rendered as LaTeX or as HTML.

    ``maps`` are :class:`boundprop.maps.RegimeMap` values, ``tables``
    :class:`boundprop.tables.BoundTable` values with their row flags
    (:func:`boundprop.regimes.bound_table`), all computed by the caller;
    ``notes`` say what was left out and why; ``why`` the checked mechanisms of
    refuted nodes by node id (:func:`boundprop.mechanism.explanations`).
    """

    report: PaperReport
    maps: tuple[RegimeMap, ...] = ()
    tables: tuple[BoundTable, ...] = ()
    notes: tuple[str, ...] = ()
    why: Mapping[str, Explanation] = field(default_factory=dict)


def section_titles(content: ReportContent) -> tuple[str, ...]:
    """The report's sections in order: the same in the PDF and in the HTML file."""
    titles = ["Summary", "Dependency graph", "Notation", "Statements"]
    if content.maps:
        titles.append("Regime maps")
    if content.tables:
        titles.append("Bound tables")
    return tuple(titles)
