"""The human-readable report of a check (rich renderables, printed by the CLI)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from boundprop.check import NodeReport, PaperReport
from boundprop.verdict import Status

STATUS_STYLE = {
    Status.PROVED: "bold green",
    Status.PROVED_BOUNDED: "green",
    Status.ASSUMED: "cyan",
    Status.TESTED: "yellow",
    Status.UNKNOWN: "magenta",
    Status.REFUTED: "bold red",
}


def format_counterexample(cex: object) -> str:
    if not isinstance(cex, dict):
        return ""
    parts = []
    for name, value in cex.items():
        if isinstance(value, list):
            rows = "; ".join(", ".join(row) for row in value)
            parts.append(f"{name}=[{rows}]")
        else:
            parts.append(f"{name}={value}")
    return " ".join(parts)


def node_table(report: PaperReport, include_definitions: bool = False) -> Table:
    table = Table(title=f"{report.paper.id}: {report.paper.title}", show_lines=False, expand=False)
    for column in ("node", "label", "variant", "prov.", "status", "full", "method", "s", "evidence / counterexample"):
        table.add_column(column, overflow="fold")
    for node in report.nodes.values():
        if node.kind == "definition" and not include_definitions:
            continue
        detail = node.evidence
        if node.counterexample:
            detail += "\ncounterexample: " + format_counterexample(node.counterexample)
        table.add_row(
            node.id,
            node.label,
            node.variant,
            node.provenance,
            Text(node.status.value, style=STATUS_STYLE[node.status]),
            "yes" if node.fully_checked else "no",
            node.method,
            f"{node.seconds:.2f}",
            detail,
        )
    return table


def summary(report: PaperReport) -> RenderableType:
    """Plain-words findings: what fails, with the counterexample; what stays open."""
    lines: list[Text] = []
    counts = {s: len(report.by_status(s)) for s in Status}
    nodes = [n for n in report.nodes.values() if n.kind != "definition"]
    lines.append(
        Text(
            f"{len(nodes)} statements: "
            + ", ".join(f"{counts[s]} {s.value}" for s in Status if counts[s])
            + f" ({report.seconds:.1f} s)"
        )
    )
    for node in report.by_status(Status.REFUTED):
        lines.append(
            Text(f"FALSE  {node.label} [{node.variant or node.id}] ({node.provenance}): ", style="red").append(
                format_counterexample(node.counterexample), style="bold"
            )
        )
    for node in nodes:
        if node.kind == "theorem":
            state = "fully checked" if node.fully_checked else "not fully checked"
            line = Text(f"THEOREM {node.label} [{node.id}]: {node.status.value}, {state}")
            if node.unestablished:
                line.append(f"; not established: {', '.join(node.unestablished)}")
            lines.append(line)
    return Group(*lines)


def open_nodes(nodes: list[NodeReport]) -> list[str]:
    return [n.id for n in nodes if not n.status.is_established]
