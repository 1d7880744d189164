"""`boundprop graph`'s drawing (issue 19): theorems are not drawn as if checked,
the legend draws what the graph draws, rows are at most RANK_WIDTH wide, and
the DOT text is the same in every process."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from boundprop.check import check_paper
from boundprop.loader import load_paper
from boundprop.report.dot import RANK_WIDTH, to_dot
from boundprop.verdict import CheckResult, Status

# a theorem that is NOT fully checked (it uses an unknown lemma), many
# independent lemmas (a wide rank), and a fully checked lemma
BODY = """
""" + "".join(
    f"""
[[node]]
id = "A{i}"
label = "Lemma {i}"
provenance = "paper"
text = "t"
conclusion = "x <= {i + 1}"
"""
    for i in range(8)
) + """
[[node]]
id = "T"
kind = "theorem"
label = "Theorem"
provenance = "paper"
text = "t"
uses = ["A0", "A1"]
conclusion = "x <= 1"
"""


def _decide(statement: object, budget: object) -> CheckResult:
    text = str(getattr(statement, "conclusion", ""))
    if text == "x <= 2":  # A1 stays open: the theorem is not fully checked
        return CheckResult(Status.UNKNOWN, "scripted", "open")
    return CheckResult(Status.PROVED, "scripted", "proved")


def _attrs(dot: str, node: str) -> dict[str, str]:
    line = next(line for line in dot.splitlines() if line.strip().startswith(f'"{node}" ['))
    return dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', line))


def test_an_unchecked_theorem_has_a_single_border_and_the_legend_says_so(
    lemma_file: Callable[..., Path],
) -> None:
    report = check_paper(load_paper(lemma_file(BODY)), decide=_decide)
    assert report.nodes["T"].fully_checked is False and report.nodes["A0"].fully_checked is True
    dot = to_dot(report)
    theorem, lemma = _attrs(dot, "T"), _attrs(dot, "A0")
    assert "peripheries" not in theorem and "double" not in theorem["shape"]
    assert lemma["peripheries"] == "2"
    legend = {a["label"]: a for a in (_attrs(dot, f"legend {i}") for i in range(20) if f'"legend {i}" [' in dot)}
    checked = next(a for label, a in legend.items() if label.startswith("fully checked"))
    assert checked["peripheries"] == lemma["peripheries"] and checked["color"] == lemma["color"]
    shape_of = {label.split(" (")[0]: a["shape"] for label, a in legend.items() if "(" in label}
    assert shape_of["theorem"] == theorem["shape"] and shape_of["lemma"] == lemma["shape"]
    assert "double: fully checked" not in dot


def test_rows_are_at_most_rank_width_wide(lemma_file: Callable[..., Path]) -> None:
    report = check_paper(load_paper(lemma_file(BODY)), decide=_decide)
    rows = [re.findall(r'"([^"]+)";', line) for line in to_dot(report, include_definitions=False).splitlines()
            if "rank=same" in line and "legend" not in line]
    assert rows and all(len(r) <= RANK_WIDTH for r in rows)
    assert sorted(n for r in rows for n in r) == sorted(["T", *(f"A{i}" for i in range(8))])
    assert max(len(r) for r in rows) == RANK_WIDTH  # eight lemmas of depth 0 take two rows


def test_the_dot_text_is_the_same_in_every_process() -> None:
    code = (
        "from boundprop.check import check_paper\n"
        "from boundprop.loader import load_paper\n"
        "from boundprop.report.dot import to_dot\n"
        "from boundprop.verdict import CheckResult, Status\n"
        "d = lambda s, b: CheckResult(Status.PROVED, 'scripted', 'proved')\n"
        "print(to_dot(check_paper(load_paper('example'), decide=d)))\n"
    )
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outs) == 1


def test_a_node_with_very_long_evidence_still_renders() -> None:
    # regression: R2-net's evidence (252 sizes) exceeded graphviz's 16384-character limit on a
    # quoted string, and the report left the whole dependency graph out
    import dataclasses
    import shutil

    import pytest

    from boundprop.report.dot import TOOLTIP_CHARS, render

    report = check_paper(load_paper("example"))
    nodes = {k: dataclasses.replace(n, evidence="x" * 20_000) for k, n in report.nodes.items()}
    text = to_dot(dataclasses.replace(report, nodes=nodes))
    assert max(len(q) for q in re.findall(r'"(?:[^"\\]|\\.)*"', text)) <= TOOLTIP_CHARS + 2
    if shutil.which("dot") is None:
        pytest.skip("graphviz's dot is not installed")
    assert render(text, "svg").lstrip().startswith((b"<?xml", b"<svg"))
