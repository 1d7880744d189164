"""`check` decides a node's statement as `prove` decides the same statement.

Regression (issue 14): a lemma file's per-node ``seconds`` used to *shrink*
the deterministic limits below `prove`'s defaults (``seconds = 0.3`` gave z3
3 % of its resource limit), so a node that `boundprop prove` proved with z3
stayed ``tested`` in `check` (z3 ran out of rlimit, the falsifier found
nothing). A node's ``seconds`` now only raises the effort.
"""

from __future__ import annotations

from pathlib import Path

from boundprop.backends import portfolio
from boundprop.check import check_paper
from boundprop.cli.prove_cmd import build_statement
from boundprop.loader import load_paper
from boundprop.statement import Budget
from boundprop.verdict import Status

# z3 needs more than 60 000 units of rlimit for this one (so a node with
# seconds = 0.03 got too few) and proves it well within the default.
CONCLUSION = "And(0 <= r*q*s/(r**3 + q**3 + s**3), r*q*s/(r**3 + q**3 + s**3) <= 1/2)"
HYPOTHESES = ("r > 0", "q > 0", "s > 0")

LEMMAS = f"""
[paper]
id = "parity"
title = "check and prove agree"
authors = ["boundprop developers"]
year = 2026

[params]
r = {{ domain = "real", range = ["0", "10"], latex = "r", meaning = "r" }}
q = {{ domain = "real", range = ["0", "10"], latex = "q", meaning = "q" }}
s = {{ domain = "real", range = ["0", "10"], latex = "s", meaning = "s" }}

[[node]]
id = "N1"
label = "Lemma 1"
provenance = "paper"
text = "AM-GM, three terms"
hypotheses = {list(HYPOTHESES)!r}
conclusion = "{CONCLUSION}"
seconds = 0.03
""".replace("'", '"')


def test_check_proves_what_prove_proves(tmp_path: Path) -> None:
    path = tmp_path / "parity.toml"
    path.write_text(LEMMAS)
    budget = Budget(seconds=60)
    st = build_statement(CONCLUSION, HYPOTHESES, ("r=0:10", "q=0:10", "s=0:10"), ())
    proved = portfolio.decide(st, budget)
    assert proved.status is Status.PROVED and proved.method == "z3"
    report = check_paper(load_paper(path), budget)
    node = report.nodes["N1"]
    assert node.status is Status.PROVED, node.evidence
    assert node.method == "z3"


def test_a_small_node_budget_no_longer_starves_z3() -> None:
    # the cause: the same statement at the budget the node used to get
    st = build_statement(CONCLUSION, HYPOTHESES, ("r=0:10", "q=0:10", "s=0:10"), ())
    starved = portfolio.decide(st, Budget(seconds=60).scaled(0.003))
    assert starved.status is not Status.PROVED
