"""A node whose proof is proved keeps its direct check as a cross-check: the
whole counterexample search, and no proving method where proving it again could
not better the proof (check._check_one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from boundprop import check
from boundprop.backends import portfolio
from boundprop.loader import load_paper
from boundprop.statement import Budget
from boundprop.verdict import CheckResult, Status

EXAMPLE = Path("lemmas/example.toml")


def _spy_budgets(monkeypatch: Any) -> list[Budget]:
    seen: list[Budget] = []
    real = check.check_statement

    def spy(paper: Any, node: Any, budget: Budget, decide: Any) -> Any:
        seen.append(budget)
        return real(paper, node, budget, decide)

    monkeypatch.setattr(check, "check_statement", spy)
    return seen


def _proof_says(monkeypatch: Any, status: Status) -> None:
    def proof(*_args: Any, **_kwargs: Any) -> tuple[tuple[()], CheckResult]:
        return (), CheckResult(status, "proof", "every step proved (stand-in)")

    monkeypatch.setattr(check, "check_proof", proof)


def test_after_a_proof_for_every_size_the_direct_check_is_the_search_alone(monkeypatch: Any) -> None:
    paper = load_paper(EXAMPLE)
    seen = _spy_budgets(monkeypatch)
    budget = Budget()
    result, direct, _steps, proof_status = check._check_one(paper, "E4", budget, portfolio.decide)
    assert proof_status is Status.PROVED and result.status is Status.PROVED
    (used,) = seen
    assert not used.proving
    assert (used.samples, used.seed) == (budget.samples, budget.seed)  # the search stays whole
    assert direct is not None and direct.status is Status.TESTED
    assert portfolio.SEARCH_ONLY in direct.evidence
    tried = direct.details["tried"]
    assert tried and all(t.startswith("falsifier:") for t in tried), tried


def test_a_proof_bounded_in_size_leaves_a_scalar_node_a_direct_proof(monkeypatch: Any) -> None:
    # a scalar statement has no sizes: its direct check may prove it for all of
    # them, better than a proof through lemmas proved at bounded sizes only
    paper = load_paper(EXAMPLE)
    seen = _spy_budgets(monkeypatch)
    _proof_says(monkeypatch, Status.PROVED_BOUNDED)
    budget = Budget()
    result, direct, _steps, _ = check._check_one(paper, "E4", budget, portfolio.decide)
    (used,) = seen
    assert used.proving
    assert used.z3_rlimit == max(1, int(budget.z3_rlimit * check.DIRECT_AFTER_PROOF))
    assert used.max_boxes == max(1, int(budget.max_boxes * check.DIRECT_AFTER_PROOF))
    assert direct is not None and direct.status is Status.PROVED
    assert result.status is Status.PROVED


def test_the_search_alone_still_catches_a_wrong_proof(monkeypatch: Any) -> None:
    # E2 (g(x) <= x for all x) is false: a proof that claims it must lose to the
    # re-verified counterexample of the search-only direct check
    from dataclasses import replace

    paper = load_paper(EXAMPLE)
    assert "E2" not in paper.proofs
    paper = replace(paper, proofs={**paper.proofs, "E2": paper.proofs["E4"]})  # any proof: the stand-in decides
    seen = _spy_budgets(monkeypatch)
    _proof_says(monkeypatch, Status.PROVED)
    result, direct, _steps, _ = check._check_one(paper, "E2", Budget(), portfolio.decide)
    (used,) = seen
    assert not used.proving
    assert direct is not None and direct.status is Status.REFUTED
    assert result.status is Status.REFUTED and result.details.get("proof_conflict")


def test_a_search_only_budget_never_proves() -> None:
    from boundprop.statement import Statement, make_variable

    x = make_variable("x", 0, 1)
    true = Statement((x,), (), x.symbol**2 <= x.symbol)
    assert portfolio.decide(true, Budget()).status is Status.PROVED
    searched = portfolio.decide(true, Budget().search_only())
    assert searched.status is Status.TESTED
    assert portfolio.SEARCH_ONLY in searched.evidence
