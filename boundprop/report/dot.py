"""The dependency DAG drawn with status colours (graphviz DOT, SVG, PNG, JSON).

Border colour = status of the statement itself (direct check); fill colour =
status of the node overall (its proof included); shape = kind (box: lemma,
octagon: theorem, ellipse: definition); a double border = fully checked,
whatever the kind, so an unchecked theorem never looks checked. A node whose
proof is refuted (a proof step with a re-verified counterexample) keeps the
colours of its status but is drawn with a thick dashed red border and the
line "proof refuted" in its label. The legend draws each of these as the
graph does.

Layout: nodes are ranked by their longest chain of dependencies, in rows of
at most ``RANK_WIDTH`` nodes (a deep rank takes several rows), so a paper with
many independent lemmas is a page tall rather than one wide line.
The text is deterministic: nodes in the paper's order, edges sorted.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from boundprop.errors import BoundpropError
from boundprop.verdict import NodeReport, PaperReport, Status

__all__ = [
    "BORDER",
    "FILL",
    "FULLY_CHECKED_BORDER",
    "LEGEND_KEYS",
    "LEGEND_WIDTH",
    "RANK_WIDTH",
    "SHAPE",
    "render",
    "to_dot",
    "to_graph_json",
]

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


RANK_WIDTH = 5  # nodes per row (a page is about five boxes wide)
LEGEND_WIDTH = 4
LEGEND_KEYS = len(Status) + 6  # the statuses, three shapes, two borders and the border/fill note
SHAPE = {"definition": "ellipse", "theorem": "octagon"}  # anything else: box


# graphviz refuses a quoted string longer than 16384 characters (the whole graph is lost); a
# tooltip is a glance, the full evidence is in the report and in check --json
TOOLTIP_CHARS = 1500


def _tooltip(text: str) -> str:
    return text if len(text) <= TOOLTIP_CHARS else text[: TOOLTIP_CHARS - 1].rstrip() + "…"


def _shape(kind: str) -> str:
    return SHAPE.get(kind, "box")


def _node_line(node: NodeReport) -> str:
    direct = node.direct.status if node.direct is not None else node.status
    label = node.label if not node.variant else f"{node.label}\n[{node.variant}]"
    if node.kind == "definition":
        label = node.id[4:]
    label += f"\n{node.status.value}"
    proof_refuted = node.proof_status is Status.REFUTED
    if proof_refuted:
        label += "\nproof refuted"
    checked = node.fully_checked and node.kind != "definition"
    attrs = {
        "label": label,
        "style": "filled",
        "fillcolor": FILL[node.status],
        "color": FULLY_CHECKED_BORDER if checked else BORDER[direct],
        "penwidth": "2.5" if checked else "1.5",
        "shape": _shape(node.kind),
        "tooltip": f"{node.id}: {node.status.value} by {node.method}. {node.evidence}",
    }
    if checked:
        attrs["peripheries"] = "2"
    if proof_refuted:
        attrs["style"] = "filled,dashed"
        attrs["color"] = BORDER[Status.REFUTED]
        attrs["penwidth"] = "3"
        attrs["tooltip"] += " Its proof is refuted."
    attrs["tooltip"] = _tooltip(attrs["tooltip"])
    body = ", ".join(f"{key}={_quote(value)}" for key, value in attrs.items())
    return f"  {_quote(node.id)} [{body}];"


def _depths(shown: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest chain of dependencies below each node (0: uses nothing shown)."""
    below: dict[str, list[str]] = {n: [] for n in shown}
    for source, target in edges:
        below[target].append(source)
    depth: dict[str, int] = {}

    def visit(node: str) -> int:
        if node not in depth:
            depth[node] = 0  # the graph is acyclic (the loader refuses cycles)
            depth[node] = 1 + max((visit(b) for b in below[node]), default=-1)
        return depth[node]

    for node in shown:
        visit(node)
    return depth


def _rows(shown: list[str], edges: list[tuple[str, str]], width: int) -> list[str]:
    """Rank constraints that lay the graph out in rows of at most ``width`` nodes.

    Ranks follow the depth (longest chain of dependencies); a depth with more
    than ``width`` nodes gets several rows. Each row is ``rank=same`` and an
    invisible edge puts it below the next, so graphviz cannot merge rows of
    different depths into one wide rank. Every real edge goes from a smaller
    depth to a larger one, hence to a later row: the constraints agree.
    """
    ranks: dict[int, list[str]] = {}
    for node, d in _depths(shown, edges).items():
        ranks.setdefault(d, []).append(node)
    rows: list[list[str]] = []
    for d in sorted(ranks):
        members = sorted(ranks[d], key=shown.index)
        rows += [members[i:i + width] for i in range(0, len(members), width)]
    lines = []
    for row in rows:
        lines.append("  { rank=same; " + " ".join(f"{_quote(n)};" for n in row) + " }")
    for lower, upper in zip(rows, rows[1:], strict=False):
        lines.append(f"  {_quote(lower[0])} -> {_quote(upper[0])} [style=invis];")
    return lines


def _first_row_head(shown: list[str], edges: list[tuple[str, str, str]]) -> str:
    """The first node of the lowest row (depth 0, in the paper's order)."""
    depths = _depths(shown, [(s, t) for s, t, _ in edges])
    return next(n for n in shown if depths[n] == 0)


def _legend() -> list[str]:
    """The legend, drawn with the attributes the graph uses (colours, shapes, borders)."""
    lines = ["  subgraph cluster_legend {", '    label="legend"; fontsize=9;']
    items: list[tuple[str, dict[str, str]]] = []
    for status in Status:
        items.append((status.value, {"style": "filled", "fillcolor": FILL[status], "color": BORDER[status],
                                     "shape": "box"}))
    plain = {"style": "filled", "fillcolor": "#ffffff", "color": BORDER[Status.UNKNOWN]}
    items += [
        ("lemma (box)", {**plain, "shape": _shape("lemma")}),
        ("theorem (octagon)", {**plain, "shape": _shape("theorem")}),
        ("definition (ellipse)", {**plain, "shape": _shape("definition")}),
        ("fully checked\n(double border)", {**plain, "shape": "box", "color": FULLY_CHECKED_BORDER,
                                            "penwidth": "2.5", "peripheries": "2"}),
        ("proof refuted\n(dashed red border)", {**plain, "shape": "box", "style": "filled,dashed",
                                                "color": BORDER[Status.REFUTED], "penwidth": "3"}),
        ("border: the statement alone;\nfill: with its proof", {**plain, "shape": "plaintext"}),
    ]
    assert len(items) == LEGEND_KEYS
    names = []
    for i, (text, attrs) in enumerate(items):
        name = f"legend {i}"
        names.append(name)
        body = ", ".join(f"{key}={_quote(value)}" for key, value in {"label": text, **attrs}.items())
        lines.append(f"    {_quote(name)} [{body}, fontsize=9];")
    # a block of rows of LEGEND_WIDTH keys, not one row as wide as the page
    for start in range(0, len(names), LEGEND_WIDTH):
        row = " ".join(f"{_quote(n)};" for n in names[start:start + LEGEND_WIDTH])
        lines.append(f"    {{ rank=same; {row} }}")
    for i in range(LEGEND_WIDTH, len(names)):
        lines.append(f"    {_quote(names[i - LEGEND_WIDTH])} -> {_quote(names[i])} [style=invis];")
    lines.append("  }")
    return lines


def to_dot(report: PaperReport, include_definitions: bool = True) -> str:
    """DOT text of the DAG with status colours and a legend (deterministic)."""
    lines = [
        f"digraph {_quote(report.paper.id)} {{",
        '  rankdir="BT"; fontname="Helvetica"; node [fontname="Helvetica", fontsize=10];',
        '  newrank=true; nodesep=0.25; ranksep=0.35;',
        f"  label={_quote(report.paper.title)};",
    ]
    shown = [nid for nid, n in report.nodes.items() if include_definitions or n.kind != "definition"]
    visible = set(shown)
    for node_id in shown:
        lines.append(_node_line(report.nodes[node_id]))
    edges = sorted(
        (source, target, "dashed" if data.get("kind") == "proof" else "solid")
        for source, target, data in report.graph.edges(data=True)
        if source in visible and target in visible
    )
    for source, target, style in edges:
        lines.append(f"  {_quote(source)} -> {_quote(target)} [style={style}];")
    rows = _rows(shown, [(s, t) for s, t, _ in edges], RANK_WIDTH)
    lines += rows
    lines += _legend()
    if shown:  # the legend under the graph, not beside it (the page is taller than wide)
        # from the legend's top row (its last key), so the whole legend is lower than the graph
        top, head = _quote(f"legend {LEGEND_KEYS - 1}"), _quote(_first_row_head(shown, edges))
        lines.append(f"  {top} -> {head} [style=invis];")
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
            "graphviz's 'dot' is not installed: apt-get install graphviz (or write the dot source or the JSON instead)"
        )
    proc = subprocess.run([exe, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise BoundpropError(f"dot failed: {proc.stderr.decode(errors='replace').strip()[:200]}")
    return proc.stdout
