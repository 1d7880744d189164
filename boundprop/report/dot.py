"""The dependency DAG drawn with status colours (graphviz DOT, SVG, PNG, JSON).

Border colour = status of the statement itself (direct check); fill colour =
status of the node overall (its proof included); fully checked nodes get a
double border and refuted ones a red fill, so both stand out at a glance. A
node whose proof is refuted (a proof step with a re-verified counterexample)
keeps the colours of its status but is drawn with a thick dashed red border
and the line "proof refuted" in its label.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from boundprop.errors import BoundpropError
from boundprop.verdict import NodeReport, PaperReport, Status

FILL = {
    Status.PROVED: "#b7e4c7",
    Status.PROVED_BOUNDED: "#d8f3dc",
    Status.ASSUMED: "#dbe9f6",
    Status.TESTED: "#fff3bf",
    Status.UNKNOWN: "#eeeeee",
    Status.REFUTED: "#ff8787",
    Status.ILL_DEFINED: "#ffc9c9",
}
BORDER = {
    Status.PROVED: "#2b8a3e",
    Status.PROVED_BOUNDED: "#40c057",
    Status.ASSUMED: "#1c7ed6",
    Status.TESTED: "#f59f00",
    Status.UNKNOWN: "#868e96",
    Status.REFUTED: "#c92a2a",
    Status.ILL_DEFINED: "#862e9c",
}
FULLY_CHECKED_BORDER = "#0b7285"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node_line(node: NodeReport) -> str:
    direct = node.direct.status if node.direct is not None else node.status
    label = node.label if not node.variant else f"{node.label}\n[{node.variant}]"
    if node.kind == "definition":
        label = node.id[4:]
    label += f"\n{node.status.value}"
    proof_refuted = node.proof_status is Status.REFUTED
    if proof_refuted:
        label += "\nproof refuted"
    attrs = {
        "label": label,
        "style": "filled",
        "fillcolor": FILL[node.status],
        "color": FULLY_CHECKED_BORDER if node.fully_checked and node.kind != "definition" else BORDER[direct],
        "penwidth": "2.5" if node.fully_checked else "1.5",
        "shape": "ellipse" if node.kind == "definition" else ("doubleoctagon" if node.kind == "theorem" else "box"),
        "tooltip": f"{node.id}: {node.status.value} by {node.method}. {node.evidence}",
    }
    if node.fully_checked and node.kind != "definition":
        attrs["peripheries"] = "2"
    if proof_refuted:
        attrs["style"] = "filled,dashed"
        attrs["color"] = BORDER[Status.REFUTED]
        attrs["penwidth"] = "3"
        attrs["tooltip"] += " Its proof is refuted."
    body = ", ".join(f"{key}={_quote(value)}" for key, value in attrs.items())
    return f"  {_quote(node.id)} [{body}];"


def to_dot(report: PaperReport, include_definitions: bool = True) -> str:
    """DOT text of the DAG with status colours and a legend."""
    lines = [
        f"digraph {_quote(report.paper.id)} {{",
        '  rankdir="BT"; fontname="Helvetica"; node [fontname="Helvetica", fontsize=10];',
        f"  label={_quote(report.paper.title + ' (border: statement; fill: with proof; double: fully checked)')};",
    ]
    shown = {nid for nid, n in report.nodes.items() if include_definitions or n.kind != "definition"}
    for node_id in shown:
        lines.append(_node_line(report.nodes[node_id]))
    for source, target, data in report.graph.edges(data=True):
        if source in shown and target in shown:
            style = "dashed" if data.get("kind") == "proof" else "solid"
            lines.append(f"  {_quote(source)} -> {_quote(target)} [style={style}];")
    lines.append("  subgraph cluster_legend {")
    lines.append('    label="legend"; fontsize=9;')
    for status in Status:
        lines.append(
            f'    {_quote("legend " + status.value)} [label={_quote(status.value)}, style=filled, '
            f"fillcolor={_quote(FILL[status])}, color={_quote(BORDER[status])}, shape=box, fontsize=9];"
        )
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_graph_json(report: PaperReport) -> dict[str, Any]:
    """Nodes and edges with statuses (node-link form)."""
    return {
        "paper": report.paper.id,
        "nodes": [
            {
                "id": n.id,
                "label": n.label,
                "variant": n.variant,
                "kind": n.kind,
                "status": n.status.value,
                "direct_status": (n.direct.status.value if n.direct else n.status.value),
                "fully_checked": n.fully_checked,
                "proof_status": n.proof_status.value if n.proof_status is not None else None,
            }
            for n in report.nodes.values()
        ],
        "edges": [
            {"source": s, "target": t, "kind": d.get("kind", "uses")} for s, t, d in report.graph.edges(data=True)
        ],
    }


def render(dot_text: str, fmt: str) -> bytes:
    """Run graphviz's ``dot`` to produce ``svg`` or ``png`` bytes."""
    exe = shutil.which("dot")
    if exe is None:
        raise BoundpropError(
            "graphviz's 'dot' is not installed: apt-get install graphviz (or use --format dot|json)"
        )
    proc = subprocess.run([exe, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise BoundpropError(f"dot failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
    return proc.stdout
