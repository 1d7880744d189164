"""The comparison of Dong et al. 2021 with Alman & Song 2025 (boundprop compare)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from boundprop.cli import main
from boundprop.compare import Assumptions, category, compare
from boundprop.verdict import Tri


@pytest.fixture(scope="module")
def grid() -> list[tuple[Fraction, int, int, str, Tri, Tri]]:
    c = compare([Fraction(1, 10000), Fraction(1, 100), Fraction(1, 10), Fraction(1, 2)], [1, 4], [1, 16])
    return [(v.eta, v.heads, v.depth, category(v), v.r1.or_(v.t53), v.rank_collapse) for v in c.points]


def test_small_weights_everything_applies(grid: list[tuple[Fraction, int, int, str, Tri, Tri]]) -> None:
    cats = {(e, h, L): c for e, h, L, c, _, _ in grid}
    assert cats[(Fraction(1, 10000), 1, 1)] == "all"
    assert cats[(Fraction(1, 10000), 4, 16)] == "all"
    assert cats[(Fraction(1, 2), 4, 16)] == "none"
    assert cats[(Fraction(1, 10), 4, 16)] == "rank"


def test_r1_and_theorem_53_are_never_informative(grid: list[tuple[Fraction, int, int, str, Tri, Tri]]) -> None:
    # R1 = 2 L H eta phi0 (1 + H eta)^(L-1) and Theorem 5.3 = 2 phi0 ((1 + H eta)^L - 1) are at least
    # twice the zero-layer baseline ((1 + H eta)^L - 1) phi0
    assert all(r1_or_53 is Tri.FALSE for *_, r1_or_53, _ in grid)


def test_rank_collapse_threshold() -> None:
    # base c_H = 4 gamma (k d^2 eta^3) H / sqrt(k) = 128 eta^3 H at d = k = 4, gamma = 1: < 1 iff eta < (128 H)^(-1/3)
    below, above = Fraction(19, 100), Fraction(20, 100)  # (1/128)^(1/3) = 0.1984...
    c = compare([below, above], [1], [1], Assumptions())
    assert [v.rank_collapse for v in c.points] == [Tri.TRUE, Tri.FALSE]


def test_cli_json_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "map.png"
    code = main(["compare", "--eta", "1e-3:1e-1:3", "--heads", "1", "--depths", "1,8", "--json",
                 "--plot", str(out), "--dong", "--dong-depth", "4"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["points"]) == 6 and data["assumptions"] and "dong_map" in data
    assert {p["category"] for p in data["points"]} <= {"all", "rank+layer", "rank+fast", "layer+fast", "rank",
                                                       "layer", "fast", "none", "undetermined"}
    assert out.is_file() and out.stat().st_size > 1000


def test_cli_bad_grid() -> None:
    assert main(["compare", "--eta", "abc"]) == 3


def test_dong_problem_is_build_problem_with_the_declared_regime() -> None:
    import sympy as sp

    from boundprop.compare import DONG_THEOREM, dong_problem

    problem = dong_problem()
    # c = cH is inlined at the token level: no c left, cH's parameters on the map instead
    assert "c" not in {str(s) for s in problem.bound.free_symbols}
    assert {str(s) for s in problem.bound.free_symbols} == {"beta", "L"}
    assert problem.theorem == DONG_THEOREM
    assert problem.dropped == (f"{DONG_THEOREM}: c = cH substituted into the bound",)
    # the regime comes from lemmas/dong_2021.regimes.toml, the parameters' ranges from the lemma file
    assert [r.id for r in problem.regimes] == ["base<1"]
    assert isinstance(problem.regimes[0].relation, sp.StrictLessThan)
    assert "range of beta: beta <= 10" in [p.label for p in problem.premises]


def test_compare_reads_its_formulas_from_the_encodings() -> None:
    import sympy as sp

    from boundprop.compare import ETA, Assumptions, H, L, _formulas

    f = _formulas(Assumptions(d=4, k=4, gamma=Fraction(1)))
    # Dong's def cH = 4 gamma beta H / sqrt(dqk) at beta = k d^2 eta^3, dqk = k
    assert sp.simplify(f.dong_base - 4 * 4 * 16 * ETA**3 * H / 2) == 0
    # the fast-attention regime's N1 bound d*eta*phi1_l(L - 1), scaled by sqrt(beta) = k^(-1/4)
    expected = sp.Integer(4) ** sp.Rational(-1, 4) * 4 * ETA * (1 + 4 * H * ETA) ** (L - 1)
    assert sp.simplify(f.fast_b - expected) == 0
    assert isinstance(f.fast, sp.LessThan)
