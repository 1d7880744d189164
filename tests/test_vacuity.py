"""Vacuity theorems (boundprop/vacuity.py) and their use by regime maps."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from boundprop.backends import portfolio
from boundprop.check import check_paper
from boundprop.errors import InputError
from boundprop.lemma import Paper
from boundprop.loader import load_paper
from boundprop.regimes import build_problem, parse_axis, pave
from boundprop.statement import Budget, Statement, make_variable
from boundprop.vacuity import _decide_relaxed, check_vacuity, vacuity_claim
from boundprop.verdict import Status

TOY = Path(__file__).parent / "data" / "toy_collapse.toml"

TRUE_R1 = '''
[[node]]
id = "R1-VAC"
provenance = "reconstruction"
conclusion = "2*L*H*eta*phi0*(1 + H*eta)**(L - 1) >= 2*((1 + H*eta)**L - 1)*phi0"
vacuity = { theorem = "R1", baseline = "B-zero-layer", index = "L", recurrence = "(1 + H*eta)*e + 2*H*eta*phi0" }
'''
# false: at L = 1 the bound 2 H eta phi0 is below phi0 (1 + H eta) + phi0 (1 + H eta)
FALSE_R1 = '''
[[node]]
id = "R1-VAC-TRIVIAL"
provenance = "reconstruction"
conclusion = "2*L*H*eta*phi0*(1 + H*eta)**(L - 1) >= phi_l(L) + phi_l(1)"
[node.vacuity]
theorem = "R1"
baseline = "B-trivial"
index = "L"
recurrence = "(1 + H*eta)*e + phi0*(1 + H*eta) - phi0*(1 + H*eta)**2"
'''
# true, but the right side does not solve the stated recurrence: not proved
UNPROVED_R1 = '''
[[node]]
id = "R1-VAC-WRONG-REC"
provenance = "reconstruction"
conclusion = "2*L*H*eta*phi0*(1 + H*eta)**(L - 1) >= ((1 + H*eta)**L - 1)*phi0"
vacuity = { theorem = "R1", baseline = "B-zero-layer", index = "L", recurrence = "(1 + H*eta)*e + 2*H*eta*phi0" }
'''


def _paper(tmp_path: Path, *extra: str) -> Paper:
    path = tmp_path / "toy_vacuity.toml"
    path.write_text(TOY.read_text() + "".join(extra))
    return load_paper(path)


def _map(paper: Paper, vacuity: bool = True):  # type: ignore[no-untyped-def]
    axes = [parse_axis("eta=1/100:1", paper), parse_axis("L=1:64", paper)]
    prob = build_problem(paper, "R1", axes, {"H": Fraction(8), "phi0": Fraction(1)}, vacuity=vacuity)
    return pave(prob, depth=8)


def test_alman_song_vacuity_theorems_are_proved_for_all_parameters() -> None:
    paper = load_paper("alman-song-2025")
    for nid in ("R1-VACUOUS", "THM53-VACUOUS"):
        result = check_vacuity(paper, paper.nodes[nid], Budget())
        assert result.status is Status.PROVED, result.evidence
        assert "for all L >= 1" in result.evidence
        claim = vacuity_claim(paper, paper.nodes[nid])
        # the statement is for unbounded parameters, not a box
        ranges = {v.name: (v.lo, v.hi) for v in claim.variables}
        assert ranges["L"] == (1, sp.oo) and ranges["eta"] == (0, sp.oo) and ranges["H"] == (1, sp.oo)


def test_check_reports_vacuity_node_proved(tmp_path: Path) -> None:
    paper = _paper(tmp_path, TRUE_R1, FALSE_R1)
    report = check_paper(paper)
    assert report.nodes["R1-VAC"].status is Status.PROVED
    assert report.nodes["R1-VAC"].method == "vacuity-induction"
    bad = report.nodes["R1-VAC-TRIVIAL"]
    assert bad.status is Status.REFUTED
    # the counterexample is an exact point where the claim is false
    cex = {k: sp.Rational(v) for k, v in (bad.counterexample or {}).items()}
    H, L, eta, phi0 = (sp.Integer(cex.get("H", 1)), sp.Integer(cex.get("L", 1)), cex.get("eta", 0), cex["phi0"])
    lhs = 2 * L * H * eta * phi0 * (1 + H * eta) ** (L - 1)
    rhs = phi0 * (1 + H * eta) ** L + phi0 * (1 + H * eta)
    assert lhs < rhs


def test_regime_map_uses_a_proved_vacuity_theorem(tmp_path: Path) -> None:
    paper = _paper(tmp_path, TRUE_R1)
    with_hook = _map(paper)
    assert with_hook.fractions()["undetermined"] == 0.0
    assert with_hook.fractions()["vacuous"] == 1.0
    assert len(with_hook.cells) == 1 and with_hook.cells[0].vacuity == ("R1-VAC",)
    assert with_hook.to_json()["cells"][0]["vacuity"] == ["R1-VAC"]
    without = _map(paper, vacuity=False)
    assert len(without.cells) > 1 and all(not c.vacuity for c in without.cells)


@pytest.mark.parametrize("extra", [FALSE_R1, UNPROVED_R1])
def test_regime_hook_refuses_unproved_or_refuted_vacuity(tmp_path: Path, extra: str) -> None:
    paper = _paper(tmp_path, extra)
    node = next(n for n in paper.nodes.values() if n.vacuity)
    assert check_vacuity(paper, node, Budget()).status is not Status.PROVED
    rmap = _map(paper)
    assert all(not c.vacuity for c in rmap.cells)
    assert rmap.problem.covers == ()
    assert any(node.id in d for d in rmap.problem.dropped)
    baseline_only = _map(paper, vacuity=False)
    assert rmap.fractions() == baseline_only.fractions()


def test_vacuity_left_side_must_be_the_theorems_bound(tmp_path: Path) -> None:
    wrong = TRUE_R1.replace('id = "R1-VAC"', 'id = "R1-VAC-OTHER"').replace("2*L*H", "3*L*H")
    paper = _paper(tmp_path, wrong)
    with pytest.raises(InputError, match="is not the bound"):
        vacuity_claim(paper, paper.nodes["R1-VAC-OTHER"])


def test_relaxation_never_turns_a_false_statement_into_a_proof() -> None:
    x = make_variable("x", 0, "oo")
    lvar = make_variable("l", 0, "oo", integer=True)
    y = make_variable("y", 0, 2)
    budget = Budget()
    # (1 + x)**l >= 1 holds: proved through Z >= 1
    ok = Statement((x, lvar), (), (1 + x.symbol) ** lvar.symbol >= 1)
    assert _decide_relaxed(ok, budget, portfolio.decide).status is Status.PROVED
    # (1 + x)**l <= 1 is false for x > 0, l > 0: never proved, and the relaxed
    # statement's counterexample is not reported as one of the original
    bad = Statement((x, lvar), (), (1 + x.symbol) ** lvar.symbol <= 1)
    assert _decide_relaxed(bad, budget, portfolio.decide).status is Status.UNKNOWN
    # a base that may be below 1: the monotonicity fact does not apply
    low = Statement((y, lvar), (), y.symbol ** lvar.symbol >= 0)
    assert _decide_relaxed(low, budget, portfolio.decide).status is Status.UNKNOWN


@pytest.mark.parametrize(("theorem", "vacuity"), [("R1", "R1-VACUOUS"), ("Theorem 5.3", "THM53-VACUOUS")])
def test_cli_regimes_of_the_paper_have_no_undetermined_cells(
    run_cli: Callable[..., tuple[int, str, str]], theorem: str, vacuity: str
) -> None:
    code, out, err = run_cli("regimes", theorem, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["fractions"]["undetermined"] == 0.0
    assert data["fractions"]["vacuous"] == 1.0
    assert data["vacuity_theorems"] == [{"node": vacuity, "baseline": "B-zero-layer"}]
    assert all(cell["vacuity"] == [vacuity] for cell in data["cells"])


def test_recurrence_may_only_use_the_claims_parameters(tmp_path: Path) -> None:
    stray = TRUE_R1.replace('id = "R1-VAC"', 'id = "R1-VAC-STRAY"').replace(
        'recurrence = "(1 + H*eta)*e + 2*H*eta*phi0"', 'recurrence = "(1 + H*eta)*e + 2*H*eta*phi0*beta"')
    paper = _paper(tmp_path, stray)
    with pytest.raises(InputError, match="mentions beta"):
        check_vacuity(paper, paper.nodes["R1-VAC-STRAY"], Budget())


def test_map_reuses_the_checks_vacuity_results_and_never_an_unproved_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``known`` (a check's results): a proved vacuity theorem becomes a cover without being
    proved again; one the check left unproved is never a cover, whatever the statement."""
    from boundprop import vacuity
    from boundprop.verdict import CheckResult

    paper = _paper(tmp_path, TRUE_R1)
    axes = [parse_axis("eta=1/100:1", paper), parse_axis("L=1:64", paper)]
    fix = {"H": Fraction(8), "phi0": Fraction(1)}

    def never(*args: object, **kwargs: object) -> CheckResult:
        raise AssertionError("checked again")

    monkeypatch.setattr(vacuity, "check_vacuity", never)
    proved = {"R1-VAC": CheckResult(Status.PROVED, "vacuity-induction", "from the check")}
    rmap = pave(build_problem(paper, "R1", axes, fix, known=proved), depth=8)
    assert [c.vacuity for c in rmap.cells] == [("R1-VAC",)]
    unknown = {"R1-VAC": CheckResult(Status.UNKNOWN, "vacuity-induction", "left open")}
    problem = build_problem(paper, "R1", axes, fix, known=unknown)
    assert problem.covers == () and any("R1-VAC: vacuity theorem unknown" in d for d in problem.dropped)


def test_report_after_check_proves_no_vacuity_theorem_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first report after ``check`` reads the vacuity theorems' statuses from the
    cached check (it used to prove them again for every map and table)."""
    from boundprop import api, vacuity

    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "toy_vacuity.toml"
    path.write_text(TOY.read_text() + TRUE_R1)
    (tmp_path / "toy_vacuity.regimes.toml").write_text((TOY.parent / "toy_collapse.regimes.toml").read_text())
    checked = api.check(str(path))
    assert checked.report.nodes["R1-VAC"].status is Status.PROVED
    calls: list[str] = []
    real = vacuity.check_vacuity
    monkeypatch.setattr(vacuity, "check_vacuity", lambda p, n, *a, **k: calls.append(n.id) or real(p, n, *a, **k))
    content = api.report_content(str(path), depth=4)
    assert content.maps and calls == []
    r1 = next(m for m in content.maps if m.problem.theorem == "R1")
    assert [c.node for c in r1.problem.covers] == ["R1-VAC"]
    # without a cached check there is nothing to reuse: the map proves it itself
    api.regimes("R1", paper=load_paper(path), depth=2)
    assert calls == ["R1-VAC"]
