"""The verification report as one LaTeX document, and the pieces it is made of.

:func:`report_latex` writes a :class:`~boundprop.report.data.ReportContent`:
both formats start here: the PDF compiles this document, and the HTML page
(:mod:`boundprop.report.html`) translates the very same document section by
section, so the two show the same sections, statements, numbers and words.
Drawings are passed in ready (the graph as a PDF file or an SVG, the maps as
LaTeX: a picture, or the place of the web page's SVG), and
every number comes computed (:mod:`boundprop.report.booktabs` only formats).
:func:`standalone` wraps a fragment in a compilable document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from boundprop import __version__
from boundprop.report.booktabs import bound_table_latex, regime_summary_latex
from boundprop.report.data import ReportContent, other_readings, readings_used
from boundprop.report.dot import BORDER, FILL
from boundprop.report.escape import escape, join, latex_label, texttt
from boundprop.report.notation import Typesetter, counterexample_latex, notation_table, wording_latex
from boundprop.verdict import NodeReport, PaperReport, Status

if TYPE_CHECKING:
    from boundprop.lemma import Paper
    from boundprop.mechanism import Explanation

__all__ = [
    "PREAMBLE_PACKAGES",
    "Figure",
    "LatexDocument",
    "Section",
    "dag_figure",
    "node_section",
    "pdf_aspect",
    "report_document",
    "report_latex",
    "standalone",
    "status_badge",
    "status_colour_definitions",
    "summary_table",
]

PREAMBLE_PACKAGES = (
    r"\usepackage[T1]{fontenc}",
    r"\usepackage{lmodern}",
    r"\usepackage{amsmath,amssymb}",
    r"\usepackage{booktabs}",
    r"\usepackage{array}",
    r"\usepackage{longtable}",
    r"\usepackage{tabularx}",
    r"\usepackage{graphicx}",
    r"\usepackage[table]{xcolor}",
)


def standalone(body: str, title: str | None = None, landscape: bool = False) -> str:
    r"""Wrap a fragment (a table, a figure) in a compilable ``article`` document.

    Uses only packages of Debian's texlive-latex-base and -recommended.

    >>> doc = standalone(r"\begin{tabular}{l}x\end{tabular}")
    >>> doc.startswith(r"\documentclass") and doc.rstrip().endswith(r"\end{document}")
    True
    """
    geometry = "a4paper,margin=2cm" + (",landscape" if landscape else "")
    lines = [
        r"\documentclass[10pt]{article}",
        rf"\usepackage[{geometry}]{{geometry}}",
        *PREAMBLE_PACKAGES,
        r"\pagestyle{empty}",
        r"\begin{document}",
    ]
    if title:
        lines.append(r"\section*{" + escape(title) + "}")
    lines += [body.rstrip(), r"\end{document}", ""]
    return "\n".join(lines)


def status_colour_definitions() -> str:
    r"""``\definecolor`` lines for every status (fill and border, as in the DAG drawing).

    >>> status_colour_definitions().splitlines()[0]
    '\\definecolor{bp-fill-proved}{HTML}{B7E4C7}'
    """
    lines = []
    for status in Status:
        lines.append(rf"\definecolor{{bp-fill-{status.value}}}{{HTML}}{{{FILL[status].lstrip('#').upper()}}}")
        lines.append(rf"\definecolor{{bp-border-{status.value}}}{{HTML}}{{{BORDER[status].lstrip('#').upper()}}}")
    return "\n".join(lines)


def status_badge(status: Status) -> str:
    r"""A coloured box with the status name (needs :func:`status_colour_definitions`).

    >>> status_badge(Status.REFUTED)
    '\\fcolorbox{bp-border-refuted}{bp-fill-refuted}{\\strut\\textsf{refuted}}'
    """
    return rf"\fcolorbox{{bp-border-{status.value}}}{{bp-fill-{status.value}}}{{\strut\textsf{{{status.value}}}}}"


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure file to include: ``name`` (``dag.pdf``), its bytes and a caption (LaTeX)."""

    name: str
    data: bytes
    caption: str
    width: str = r"\linewidth"
    rotate: bool = False  # a wide drawing, turned a quarter on a page of its own


@dataclass(frozen=True, slots=True)
class Section:
    """A ready LaTeX fragment with its (plain-text) heading and the files it includes."""

    title: str
    body: str
    files: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LatexDocument:
    """A LaTeX document and the files it includes (written beside it)."""

    tex: str
    files: Mapping[str, bytes] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def _node_link(node_id: str, text: str, paper: Paper) -> str:
    """A link to a node's section (definitions have none: plain text)."""
    if node_id in paper.nodes:
        return rf"\hyperref[node:{latex_label(node_id)}]{{{text}}}"
    return text


def _node_title(node: NodeReport) -> str:
    title = escape(node.label)
    if node.variant:
        title += r" \quad[" + escape(node.variant) + "]"
    return title


# provenance of a refuted statement -> what its refutation refutes (the summary's "False (...)")
_REFUTED_WHAT = {
    "paper": "the paper's text",
    "paper-summary": "the summary's paraphrase",
    "reconstruction": "a reconstruction",
    "correction": "a correction",
}

_FIELDS_ENV = r"""\newenvironment{bpfields}{\begin{list}{}{%
  \setlength{\labelwidth}{6.2em}\setlength{\leftmargin}{7em}\setlength{\labelsep}{0.8em}%
  \setlength{\itemsep}{1pt}\setlength{\parsep}{0pt}\setlength{\topsep}{2pt}%
  \renewcommand{\makelabel}[1]{\textsf{\small ##1}\hfil}}\raggedright}{\end{list}}"""


def node_section(node: NodeReport, paper: Paper, typesetter: Typesetter, show_seconds: bool = True) -> str:
    """One node of the report: statement, provenance, status, method, evidence, proof.

    Returns a LaTeX fragment (a ``\\subsection*`` and a ``bpfields`` list).
    """
    lines = [
        rf"\subsection*{{{_node_title(node)} \hfill {status_badge(node.status)}}}",
        rf"\label{{node:{latex_label(node.id)}}}",
        r"\begin{bpfields}",
    ]
    spec = paper.nodes.get(node.id)
    if spec is not None:
        typeset = typesetter.node(spec)
        lines.append(r"\item[Statement] " + typeset.sentence())
        if typeset.domain:
            lines.append(r"\item[For] " + join(f"${d}$" for d in typeset.domain))
    if node.text:
        lines.append(r"\item[Wording] " + wording_latex(node.text))  # its ASCII math set as math
    lines.append(r"\item[Node] " + texttt(node.id) + ", " + escape(node.kind) + ", provenance: "
                 + r"\emph{" + escape(node.provenance) + "}")
    checked = "fully checked" if node.fully_checked else "not fully checked"
    status_line = status_badge(node.status) + " " + escape(checked)
    if node.direct is not None and node.direct.status is not node.status:
        status_line += "; statement alone: " + escape(node.direct.status.value)
    if node.proof_status is not None:
        status_line += "; proof: " + escape(node.proof_status.value)
    lines.append(r"\item[Status] " + status_line)
    method = texttt(node.method)
    if show_seconds:
        method += f" ({node.seconds:.2f}\\,s)"
    lines.append(r"\item[Method] " + method)
    if node.evidence:
        lines.append(r"\item[Evidence] " + escape(node.evidence))
    if node.counterexample:
        lines.append(r"\item[Refuted by] " + counterexample_latex(node.counterexample, typesetter))
    premises = getattr(node, "premises", None)
    if premises is not None:
        text = r"\textbf{" + escape(premises.label) + "}"
        evidence = premises.evidence
        if evidence.lower().startswith(premises.label.lower()):
            evidence = evidence[len(premises.label) :].lstrip(" :")
            if evidence.startswith("(") and evidence.endswith(")"):
                evidence = evidence[1:-1]
        if evidence:
            text += ": " + escape(evidence)
        if premises.satisfiable is True and premises.witness:
            text += "; e.g. " + counterexample_latex(premises.witness, typesetter)
        lines.append(r"\item[Premises] " + text)
    if node.uses:
        lines.append(
            r"\item[Uses] "
            + ", ".join(_node_link(u, texttt(u), paper) for u in node.uses)
        )
    if node.unestablished:
        lines.append(r"\item[Open below] " + ", ".join(_node_link(u, texttt(u), paper) for u in node.unestablished))
    if node.steps:
        lines.append(r"\item[Proof] " + escape(f"{len(node.steps) - 1} step(s) and the closing implication:"))
        lines.append(r"\begin{enumerate}\setlength{\itemsep}{0pt}")
        for step in node.steps:
            # the checker's own markers, such as "(steps imply the conclusion)", are words, not math
            marker = re.fullmatch(r"\([A-Za-z ,'-]+\)", step.claim.strip()) is not None
            claim = escape(step.claim) if marker else "$" + typesetter.expression(step.claim) + "$"
            item = rf"\item {claim} \hfill {status_badge(step.result.status)}\\ " + r"{\small " + texttt(
                step.result.method
            )
            if step.result.evidence:
                item += ": " + escape(step.result.evidence)
            item += "}"
            if step.result.counterexample:
                item += r"\\ {\small refuted by " + counterexample_latex(step.result.counterexample, typesetter) + "}"
            lines.append(item)
        lines.append(r"\end{enumerate}")
    lines.append(r"\end{bpfields}")
    return "\n".join(lines)


def summary_table(report: PaperReport) -> str:
    """A ``longtable`` (booktabs) of every statement with its status."""
    lines = [
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.24\linewidth}"
        r">{\raggedright\arraybackslash}p{0.12\linewidth}>{\raggedright\arraybackslash}p{0.16\linewidth}"
        r">{\raggedright\arraybackslash}p{0.2\linewidth}>{\raggedright\arraybackslash}p{0.13\linewidth}@{}}",
        r"\toprule",
        r"Statement & Variant & Provenance & Status & Fully checked \\",
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    for node in report.nodes.values():
        if node.id not in report.paper.nodes:
            continue
        lines.append(
            rf"\hyperref[node:{latex_label(node.id)}]{{{escape(node.label)}}} & {escape(node.variant)} & "
            rf"{escape(node.provenance)} & {status_badge(node.status)} & {'yes' if node.fully_checked else 'no'} \\"
        )
    lines.append(r"\end{longtable}")
    lines.append(r"\addtocounter{table}{-1}")  # an uncaptioned longtable still steps the counter
    return "\n".join(lines)


def report_document(
    report: PaperReport,
    dag: Figure | None = None,
    figures: Sequence[Figure] = (),
    sections: Sequence[Section] = (),
    notes: Sequence[str] = (),
    show_seconds: bool = True,
    why: Mapping[str, Explanation] | None = None,
) -> LatexDocument:
    """The full verification report as a LaTeX document.

    Parameters
    ----------
    report
        The check of a paper (:func:`boundprop.check.check_paper`).
    dag
        The dependency graph drawn as PDF (left out, with a note, when None).
    figures
        Regime maps and other figures, one ``figure`` each.
    sections
        Ready fragments such as bound tables and regime summaries.
    notes
        Plain-text remarks shown at the start (what was left out and why).
    show_seconds
        Print check times (off for reproducible output).
    why
        The checked mechanisms of refuted nodes, by node id
        (:func:`boundprop.mechanism.explanations`, computed by the caller); a
        finding quotes one only when it is checked.
    """
    paper = report.paper
    why = why or {}
    typesetter = Typesetter(paper)
    statements = [n for n in report.nodes.values() if n.id in paper.nodes]
    counts = {s: len([n for n in statements if n.status is s]) for s in Status}
    wrong_proofs = [n for n in statements if n.proof_status is Status.REFUTED]
    authors = escape(", ".join(paper.authors)) + (f" ({paper.year})" if paper.year else "")
    body: list[str] = [
        r"\documentclass[10pt]{article}",
        r"\usepackage[a4paper,margin=2.2cm]{geometry}",
        *PREAMBLE_PACKAGES,
        r"\usepackage{float}",
        r"\usepackage[hidelinks,hypertexnames=false]{hyperref}",
        status_colour_definitions(),
        _FIELDS_ENV,
        r"\setlength{\parindent}{0pt}\setlength{\parskip}{4pt}",
        r"\setlength{\fboxsep}{1.5pt}",
        r"\begin{document}",
        r"\begin{center}",
        r"{\LARGE Verification report}\\[4pt]",
        r"{\large " + escape(paper.title) + r"}\\[2pt]",
        *([authors + r"\\[2pt]"] if authors else []),
        r"{\small paper id " + texttt(paper.id) + ", lemma file " + texttt(paper.source.name)
        + ", checked by boundprop " + escape(__version__) + "}",
        r"\end{center}",
        r"\section*{Summary}",
        escape(
            f"{len(statements)} statements: "
            + ", ".join(f"{counts[s]} {s.value}" for s in Status if counts[s])
            + (f"; {len(wrong_proofs)} refuted proof{'s' if len(wrong_proofs) != 1 else ''}" if wrong_proofs else "")
            + "."
        )
        + (f" Checked in {report.seconds:.1f}\\,s." if show_seconds else ""),
        r"A statement is \emph{fully checked} when it and every statement it depends on are proved "
        r"(\emph{proved-bounded}: for every matrix size in the stated range) or explicitly assumed. "
        r"Statuses: "
        + ", ".join(status_badge(s) for s in Status)
        + ".",
    ]
    refuted = [n for n in statements if n.status is Status.REFUTED]
    ill_defined = [n for n in statements if n.status is Status.ILL_DEFINED]
    theorems = [n for n in statements if n.kind == "theorem"]
    if refuted or ill_defined or theorems or wrong_proofs:
        body.append(r"\begin{itemize}\setlength{\itemsep}{0pt}\raggedright")
        for node in wrong_proofs:
            wrong = [s for s in node.steps if s.result.status is Status.REFUTED]
            line = rf"\item \textbf{{Wrong proof:}} \hyperref[node:{latex_label(node.id)}]{{{_node_title(node)}}}, "
            line += escape(", ".join(f"step {s.index}" for s in wrong) + " refuted")
            if wrong and wrong[0].result.counterexample:
                line += " by " + counterexample_latex(wrong[0].result.counterexample, typesetter)
            body.append(line + ".")
        for node in refuted:
            # what was refuted: the paper's text, the summary's paraphrase or a reconstruction
            what = _REFUTED_WHAT.get(node.provenance, escape(node.provenance))
            if other_readings(report, node):
                what = "one reading of " + what
            line = rf"\item \textbf{{False ({what}):}} \hyperref[node:{latex_label(node.id)}]{{{_node_title(node)}}}"
            if node.counterexample:
                line += ", refuted by " + counterexample_latex(node.counterexample, typesetter)
            mech = why.get(node.id)
            if mech is not None and mech.checked:
                line += r". \emph{Why} (" + texttt(mech.mechanism) + ", checked): " + escape(mech.sentence.rstrip("."))
            body.append(line + ".")
        for node in ill_defined:
            line = rf"\item \textbf{{Ill-defined:}} \hyperref[node:{latex_label(node.id)}]{{{_node_title(node)}}} "
            line += "(" + escape(node.provenance) + ")"
            if node.counterexample:
                line += ", undefined at " + counterexample_latex(node.counterexample, typesetter)
            body.append(line + ".")
        used = readings_used(report, (node.id for node in theorems))  # once, not once per theorem
        for node in theorems:
            state = "fully checked" if node.fully_checked else "not fully checked"
            line = (
                rf"\item \textbf{{Theorem}} \hyperref[node:{latex_label(node.id)}]{{{_node_title(node)}}}: "
                + status_badge(node.status)
                + ", "
                + state
            )
            if node.unestablished:
                line += "; not established below it: " + ", ".join(
                    _node_link(u, texttt(u), paper) for u in node.unestablished
                )
            chosen = used.get(node.id)
            if chosen:  # which of the alternative readings its chain uses
                line += "; reading used: " + ", ".join(
                    escape(label) + ": " + _node_link(pick, texttt(pick), paper) for label, pick in chosen.items()
                )
            body.append(line + ".")
        body.append(r"\end{itemize}")
    for note in notes:
        body.append(r"\par\emph{Note: " + escape(note) + "}")
    body.append(summary_table(report))
    files: dict[str, bytes] = {}
    body.append(r"\section*{Dependency graph}")
    if dag is not None:
        files[dag.name] = dag.data
        if dag.rotate:
            graphic = (
                rf"\rotatebox{{90}}{{\includegraphics[width=0.86\textheight,height=\textwidth,keepaspectratio]"
                rf"{{{dag.name}}}}}"
            )
        else:
            graphic = rf"\includegraphics[width={dag.width},height=0.8\textheight,keepaspectratio]{{{dag.name}}}"
        body += [
            r"The statements and their dependencies are drawn in Figure~\ref{fig:dag}"
            + (r" (on a page of its own, turned)." if dag.rotate else "."),
            r"\begin{figure}[" + ("p" if dag.rotate else "htbp") + "]",
            r"\centering",
            graphic,
            r"\caption{" + dag.caption + "}",
            r"\end{figure}",
        ]
    else:
        body.append(r"\emph{The dependency graph is not drawn: graphviz's \texttt{dot} was not available.}")
    body.append(r"\section*{Notation}")
    body.append(notation_table(paper, typesetter))
    body.append(r"\section*{Statements}")
    for node in statements:
        body.append(node_section(node, paper, typesetter, show_seconds))
    if figures:
        body.append(r"\section*{Regime maps}")
        for figure in figures:
            files[figure.name] = figure.data
            body += [
                r"\begin{figure}[htbp]",
                r"\centering",
                rf"\includegraphics[width={figure.width},height=0.6\textheight,keepaspectratio]{{{figure.name}}}",
                r"\caption{" + figure.caption + "}",
                r"\end{figure}",
            ]
    for section in sections:
        files.update(section.files)
        body.append(r"\section*{" + escape(section.title) + "}")
        body.append(section.body)
    body += [r"\end{document}", ""]
    return LatexDocument(tex="\n".join(body), files=files, notes=tuple(notes))


def pdf_aspect(pdf: bytes) -> float | None:
    """Width over height of the first page of a PDF (from its MediaBox), if found.

    >>> pdf_aspect(b"<< /MediaBox [0 0 800 200] >>")
    4.0
    """
    match = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    if match is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    return (x1 - x0) / (y1 - y0) if y1 > y0 else None


def dag_figure(pdf: bytes, paper: Paper, name: str = "dag.pdf") -> Figure:
    """The dependency graph (graphviz PDF) as a report figure; a drawing more than
    twice as wide as high is turned a quarter to use the page's length."""
    caption = (
        escape(paper.title)
        + r": dependency graph (definitions omitted). Border colour: status of the statement alone; "
        r"fill: status with its proof; double border: fully checked. Dashed edges are uses inside proofs."
        r"\label{fig:dag}"
    )
    aspect = pdf_aspect(pdf)
    return Figure(name, pdf, caption, rotate=aspect is not None and aspect > 2.0)


def report_latex(
    content: ReportContent,
    dag: Figure | None,
    map_drawings: Mapping[str, str] | None = None,
    notes: tuple[str, ...] | None = None,
    show_seconds: bool = True,
) -> LatexDocument:
    """The report as LaTeX.

    ``map_drawings`` maps a regime map's theorem to the LaTeX of its drawing
    (:func:`boundprop.report.picture.map_latex`, or an ``\\includegraphics``;
    a map without one gets its table only); ``notes`` replace the content's
    notes (renderers add what they could not draw).
    """
    paper = content.report.paper
    map_drawings = map_drawings or {}
    sections: list[Section] = []
    if content.maps:
        parts = [r"\clearpage"]
        for rmap in content.maps:
            drawing = map_drawings.get(rmap.problem.theorem)
            parts.append(regime_summary_latex(rmap, paper, placement="H", drawing=drawing))
        sections.append(Section("Regime maps", "\n".join(parts)))
    if content.tables:
        tables = [bound_table_latex(table, paper, placement="H") for table in content.tables]
        sections.append(Section("Bound tables", "\n".join(tables)))
    return report_document(
        content.report,
        dag=dag,
        sections=sections,
        notes=content.notes if notes is None else notes,
        show_seconds=show_seconds,
        why=content.why,
    )
