"""Plain data (JSON-ready) views of check results. Rendering never calls a solver."""

from __future__ import annotations

from typing import Any

from boundprop.verdict import NodeReport, PaperReport, Status


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
    }
