"""The human-readable report of a check (rich renderables, printed by the CLI)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.box import SIMPLE_HEAD
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from boundprop.report.data import other_readings, readings_used
from boundprop.verdict import NodeReport, PaperReport, Status

if TYPE_CHECKING:
    from boundprop.mechanism import Explanation

__all__ = [
    "LABEL_WIDTH",
    "STATUS_STYLE",
    "findings",
    "format_counterexample",
    "node_table",
    "plain_evidence",
    "plural",
    "refuted_proofs",
    "summary",
]

STATUS_STYLE = {
    Status.PROVED: "bold green",
    Status.PROVED_BOUNDED: "green",
    Status.ASSUMED: "cyan",
    Status.TESTED: "yellow",
    Status.UNKNOWN: "magenta",
    Status.REFUTED: "bold red",
    Status.ILL_DEFINED: "bold red",
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


def plain_evidence(method: str, evidence: str) -> str:
    """Evidence as shown beside its method: without the method's name repeated
    in front (``z3`` and ``z3: negation unsat`` read ``negation unsat``) and
    without a doubled prefix from a composed message (``metitarski: metitarski: x``).

    >>> plain_evidence("z3", "z3: negation unsat")
    'negation unsat'
    >>> plain_evidence("points+metitarski", "at a point (by metitarski: metitarski: model)")
    'at a point (by metitarski: model)'
    """
    text = re.sub(r"(?<![\w+-])([A-Za-z][\w+-]*): \1: ", r"\1: ", evidence)
    prefix = f"{method}: "
    return text[len(prefix):] if method and text.startswith(prefix) else text


def plural(count: int, noun: str) -> str:
    """``1 statement``, ``2 statements``, ``0 statements``.

    >>> plural(1, "statement"), plural(3, "box")
    ('1 statement', '3 boxes')
    """
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun}{'es' if noun.endswith(('s', 'x', 'ch', 'sh')) else 's'}"


def _detail(node: NodeReport) -> str:
    detail = plain_evidence(node.method, node.evidence)
    if node.counterexample:
        kind = "witness (undefined there)" if node.status is Status.ILL_DEFINED else "counterexample"
        detail += f"; {kind}: " + format_counterexample(node.counterexample)
    return detail


LABEL_WIDTH = 40  # longer labels end in "…" (the summary and --verbose give them in full)


def node_table(report: PaperReport, include_definitions: bool = False, verbose: bool = False) -> RenderableType:
    """One line per node: id, label, provenance, status, fully checked, method, seconds.

    The evidence is long (a sentence, a counterexample with matrices): as a
    column it made every row many lines tall. With ``verbose`` it follows the
    table, one paragraph per node; the summary under the table names every
    finding with its counterexample either way.
    """
    table = Table(title=f"{report.paper.id}: {report.paper.title}", show_lines=False, expand=False,
                  show_edge=False, box=SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    shown = [n for n in report.nodes.values() if include_definitions or n.kind != "definition"]
    rows = [
        (
            node.id,
            f"{node.label} ({node.variant})" if node.variant else node.label,
            node.provenance,
            node.status.value,
            "yes" if node.fully_checked else "no",
            node.method,
            f"{node.seconds:.2f}",
        )
        for node in shown
    ]
    for i, column in enumerate(("node", "label", "prov.", "status", "full", "method", "s")):
        # only the label may be shortened on a narrow terminal: ids are what one types next
        width = max([len(column), *(len(row[i]) for row in rows)])
        table.add_column(column, no_wrap=True, overflow="ellipsis", justify="right" if column == "s" else "left",
                         min_width=None if column == "label" else width,
                         max_width=LABEL_WIDTH if column == "label" else None)
    for node, row in zip(shown, rows, strict=True):
        table.add_row(*row[:3], Text(row[3], style=STATUS_STYLE[node.status]), *row[4:])
    if not verbose:
        return table
    lines: list[RenderableType] = [table, Text("evidence:", style="bold")]
    for node in shown:
        lines.append(Text.assemble((node.id, "bold"), ": ", _detail(node)))
    return Group(*lines)


_CLAIMED = ("paper", "paper-summary")
# provenance -> (subject of a refutation, what the refutation does and does not refute)
_REFUTED_WHO = {
    "paper": ("The paper's claim", ""),
    "paper-summary": ("The summary's statement", "This refutes a paraphrase; the paper's own text was not checked."),
    "reconstruction": ("The reconstruction", "This refutes our reconstruction, not the paper's text."),
    "correction": ("The corrected variant", "This refutes a correction added by the encoding."),
}


def _is_correction(node: NodeReport) -> bool:
    """A corrected variant: provenance ``correction``, or a reconstruction whose
    text says it is the corrected form of a claim (papers.md's P4)."""
    text = node.text.lower()
    return node.provenance == "correction" or "corrected form of" in text or text.startswith("correction of")


def _name(node: NodeReport) -> str:
    variant = f" ({node.variant})" if node.variant else ""
    return f"{node.label}{variant} [{node.id}]"


def refuted_proofs(report: PaperReport) -> list[str]:
    """Ids of the nodes whose proof is refuted (a step refuted with a
    re-verified counterexample), whatever the node's own status."""
    return [n.id for n in report.nodes.values() if n.proof_status is Status.REFUTED]


def findings(report: PaperReport, why: Mapping[str, Explanation] | None = None) -> list[str]:
    """The findings in plain words, one sentence per line (no styling).

    Which claims of the paper fail (with the counterexample found, smallest
    sizes first), which reconstruction steps fail, which corrected variants
    hold, what stays open, and each theorem's status with the ancestors that
    keep it from being fully checked. ``why`` holds the checked mechanisms of
    refuted nodes (:func:`boundprop.mechanism.explanations`, computed by the
    caller); a refutation quotes its mechanism only when it is checked.
    """
    why = why or {}
    nodes = [n for n in report.nodes.values() if not n.id.startswith("def:")]
    counts = {s: sum(1 for n in nodes if n.status is s) for s in Status}
    wrong_proofs = refuted_proofs(report)
    tally = ", ".join(f"{counts[s]} {s.value}" for s in Status if counts[s])
    out = [
        f"{plural(len(nodes), 'statement')} checked in {report.seconds:.1f} s"
        + (f": {tally}" if tally else "")
        + (f"; {plural(len(wrong_proofs), 'refuted proof')}" if wrong_proofs else "")
        + "."
    ]
    refuted = [n for n in nodes if n.status is Status.REFUTED]
    for node in refuted:
        # say what was refuted: the paper's own text, the summary's paraphrase, or our reconstruction
        who, what = _REFUTED_WHO.get(node.provenance, ("The statement", ""))
        where = f" ({node.method})" if node.method else ""
        line = f"{who} {_name(node)} is FALSE{where}: counterexample {format_counterexample(node.counterexample)}."
        if what:
            line += f" {what}"
        others = other_readings(report, node)
        if others:
            line += (" This refutes one reading of the statement; other readings: "
                     + ", ".join(f"{o.id} ({o.status.value})" for o in others) + ".")
        mech = why.get(node.id)
        if mech is not None and mech.checked:
            line += (f" Why ({mech.mechanism}, {mech.status.value}; the counterexample is an instance: "
                     f"{mech.detail}): {mech.sentence}")
        out.append(line)
    for node in (n for n in nodes if n.status is Status.ILL_DEFINED):
        detail = node.evidence.removeprefix("ill-defined: ")
        out.append(f"{_name(node)} is ILL-DEFINED ({node.method}), undefined at a point of its domain: {detail}.")
    for node in nodes:
        # A broken proof step matters even when the statement itself is proved
        # (directly): the paper's argument is wrong there.
        for step in node.steps:
            if step.result.status is Status.REFUTED:
                out.append(
                    f"The proof of {_name(node)} has a wrong step: step {step.index} ({step.claim}) is refuted, "
                    f"counterexample {format_counterexample(step.result.counterexample)}."
                )
        if node.premises is not None and node.premises.satisfiable is False:
            out.append(
                f"The hypotheses of {_name(node)} contradict each other, so its {node.status.value} status is vacuous."
            )
    for node in nodes:
        if _is_correction(node):
            verdict = {
                Status.PROVED: "holds (proved)",
                Status.PROVED_BOUNDED: "holds at every checked size (proved-bounded)",
                Status.REFUTED: "also FAILS",
                Status.TESTED: "survives testing but is not proved",
                Status.UNKNOWN: "is undecided",
                Status.ASSUMED: "is assumed",
                Status.ILL_DEFINED: "is ILL-DEFINED (undefined at a point of its domain)",
            }[node.status]
            out.append(f"Corrected variant {_name(node)} {verdict}: {node.text}")
    claims_open = [n for n in nodes if n.provenance in _CLAIMED and n.status in (Status.TESTED, Status.UNKNOWN)]
    if claims_open:
        out.append(
            "Claims of the paper or its summary neither proved nor refuted: "
            + "; ".join(f"{_name(n)} {n.status.value}" for n in claims_open)
            + "."
        )
    for node in nodes:
        if node.kind != "theorem":
            continue
        state = "fully checked" if node.fully_checked else "not fully checked"
        line = f"Theorem {_name(node)}: {node.status.value}, {state}"
        if node.proof_status is not None:
            line += f"; its own proof steps: {node.proof_status.value}"
        if node.unestablished:
            line += f"; not established among its ancestors: {', '.join(node.unestablished)}"
        chosen = readings_used(report).get(node.id)
        if chosen:
            line += "; readings on its chain: " + ", ".join(f"{label}: {pick}" for label, pick in chosen.items())
        out.append(line + ".")
    return out


def summary(report: PaperReport, why: Mapping[str, Explanation] | None = None) -> RenderableType:
    """Plain-words findings (:func:`findings`): what fails, with the counterexample; what stays open."""
    lines: list[Text] = []
    for sentence in findings(report, why):
        style = "red" if any(word in sentence for word in ("FALSE", "FAILS", "refuted", "contradict")) else ""
        lines.append(Text(sentence, style=style))
    return Group(*lines)
