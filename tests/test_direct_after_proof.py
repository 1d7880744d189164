"""A node whose proof is proved keeps its direct check, with a tenth of the
proving limits and the whole counterexample search (check.DIRECT_AFTER_PROOF)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from boundprop import check
from boundprop.loader import load_paper
from boundprop.statement import Budget
from boundprop.verdict import Status


def test_direct_check_after_a_proved_proof_has_a_tenth_of_the_limits(monkeypatch: Any) -> None:
    paper = load_paper(Path("lemmas/example.toml"))
    seen: list[Budget] = []
    real = check.check_statement

    def spy(paper: Any, node: Any, budget: Budget, decide: Any) -> Any:
        seen.append(budget)
        return real(paper, node, budget, decide)

    monkeypatch.setattr(check, "check_statement", spy)
    budget = Budget()
    from boundprop.backends import portfolio

    result, direct, steps, proof_status = check._check_one(paper, "E4", budget, portfolio.decide)
    assert proof_status in (Status.PROVED, Status.PROVED_BOUNDED)
    assert result.status in (Status.PROVED, Status.PROVED_BOUNDED)
    (used,) = seen
    assert used.z3_rlimit == max(1, int(budget.z3_rlimit * check.DIRECT_AFTER_PROOF))
    assert used.max_boxes == max(1, int(budget.max_boxes * check.DIRECT_AFTER_PROOF))
    assert used.samples == budget.samples and used.seed == budget.seed  # the search stays whole
    assert direct is not None and direct.status is not Status.REFUTED
