"""Induction over layers: R1's recurrence (papers.md §1.3) and deliberately wrong variants."""

from __future__ import annotations

import sympy as sp

from boundprop.backends.induction import Recurrence, check_solution, prove_bound
from boundprop.statement import Budget, make_variable
from boundprop.verdict import Status

l = sp.Symbol("l", integer=True)  # noqa: E741 - the paper's layer index
H = make_variable("H", 1, 8, integer=True)
ETA = make_variable("eta", 0, "0.5")
PHI = make_variable("phi0", 0, 10)
h, eta, phi0 = H.symbol, ETA.symbol, PHI.symbol
A = 1 + h * eta
B = h * 2 * eta * phi0 * (1 + h * eta) ** l  # H * eps_l, eps_l = 2 eta phi0 (1 + H eta)**l
R1 = 2 * l * h * eta * phi0 * (1 + h * eta) ** (l - 1)
PARAMS = (H, ETA, PHI)
BUDGET = Budget(max_boxes=50_000, z3_rlimit=5_000_000)


def rec(closed_form: sp.Expr, l_max: int | None = None, a: sp.Expr = A) -> Recurrence:
    return Recurrence(l, a, B, sp.Integer(0), closed_form, PARAMS, l_max=l_max)


def test_r1_closed_form_bounds_the_recurrence_for_all_layers() -> None:
    r = prove_bound(rec(R1), BUDGET)
    assert r.status is Status.PROVED, r.evidence
    assert r.method == "induction"
    assert "base:" in r.evidence and "step:" in r.evidence and "a >= 0" in r.evidence
    assert "all l >= 0" in r.evidence
    # both base and step are exact identities: R1 is the exact solution
    assert "step: holds with equality" in r.evidence


def test_r1_closed_form_solves_the_recurrence_with_equality() -> None:
    r = check_solution(rec(R1))
    assert r.status is Status.PROVED, r.evidence


def test_r1_bounded_range() -> None:
    r = prove_bound(rec(R1, l_max=50), BUDGET)
    assert r.status is Status.PROVED and "0 <= l <= 50" in r.evidence


def test_off_by_one_exponent_is_not_a_solution() -> None:
    wrong = 2 * l * h * eta * phi0 * (1 + h * eta) ** l
    r = check_solution(rec(wrong))
    assert r.status is Status.REFUTED
    cex = {k: sp.Rational(v) for k, v in r.counterexample.items()}  # type: ignore[union-attr]
    at = {h: cex["H"], eta: cex["eta"], phi0: cex["phi0"], l: cex["l"]}
    gap = wrong.subs(l, l + 1) - (A * wrong + B)
    assert sp.simplify(gap.subs(at)) != 0  # exact


def test_larger_closed_form_is_still_an_upper_bound() -> None:
    # (1 + H eta)**l >= (1 + H eta)**(l - 1): the bound holds, the step is a strict inequality
    larger = 2 * l * h * eta * phi0 * (1 + h * eta) ** l
    r = prove_bound(rec(larger, l_max=20), BUDGET)
    assert r.status is Status.PROVED, r.evidence


def test_halved_closed_form_is_refuted_by_the_extremal_sequence() -> None:
    small = l * h * eta * phi0 * (1 + h * eta) ** (l - 1)
    r = prove_bound(rec(small, l_max=20), BUDGET)
    assert r.status is Status.REFUTED
    cex = {k: sp.Rational(v) for k, v in r.counterexample.items()}  # type: ignore[union-attr]
    at = {h: cex["H"], eta: cex["eta"], phi0: cex["phi0"]}
    # unroll e_{k+1} = a e_k + b exactly and compare at the reported layer
    e = sp.Integer(0)
    for k in range(int(cex["l"])):
        e = A.subs(at) * e + B.subs(at).subs(l, k)
    assert e > small.subs(at).subs(l, cex["l"])


def test_negative_coefficient_blocks_the_induction() -> None:
    # e_{l+1} <= -2 e_l with C = 0: base and step hold, but a >= 0 fails (and the claim is false)
    r = prove_bound(
        Recurrence(l, sp.Integer(-2), sp.Integer(0), sp.Integer(0), sp.Integer(0), (), l_max=5),
        BUDGET,
    )
    assert r.status is not Status.PROVED
    assert "a >= 0" in r.evidence


def test_closed_form_undefined_somewhere_is_not_proved() -> None:
    x = make_variable("x", 0, 1)
    X = x.symbol
    r = prove_bound(Recurrence(l, 1 + X, sp.Integer(1), sp.Integer(0), ((1 + X) ** l - 1) / X, (x,)), BUDGET)
    assert r.status is not Status.PROVED  # C(l) divides by x, and x = 0 is in range
    assert "defined" in r.evidence


# ---------------------------------------------------------------------------
# one recurrence prover: check.py's induction steps and propagate's layer
# models go through prove_bound (issue 13, class 6 / "one induction prover")


def test_start_above_zero_and_index_hypotheses_are_not_used() -> None:
    # e_1 <= 1, e_{l+1} <= e_l + 1 gives e_l <= l from l = 1 on
    r = Recurrence(l, sp.Integer(1), sp.Integer(1), sp.Integer(1), l, (), start=1, l_max=10)
    assert prove_bound(r, BUDGET).status is Status.PROVED
    # a closed form wrong exactly from 1 to 2 (C(1) = 1, C(2) = 1): refuted by the
    # extremal sequence, and a hypothesis l >= 2 must not hide the step 1 -> 2
    wrong = Recurrence(l, sp.Integer(1), sp.Integer(1), sp.Integer(1), sp.Max(l - 1, 1), (),
                       hypotheses=(l >= 2,), start=1, l_max=10)
    result = prove_bound(wrong, BUDGET)
    assert result.status is Status.REFUTED, result.evidence
    assert result.counterexample is not None and result.counterexample["l"] == "2"


def test_recurrence_not_affine_in_e() -> None:
    c = make_variable("c", 0, 1)
    e = sp.Symbol("e", real=True)
    # e_0 <= 1, e_{l+1} <= c e_l**3 (nondecreasing in e for c >= 0): e_l <= 1
    r = Recurrence.from_update(l, c.symbol * e**3, e, 1, sp.Integer(1), (c,), l_max=6)
    assert r.update is not None
    from boundprop.backends import portfolio

    result = prove_bound(r, BUDGET, decide=portfolio.decide)
    assert result.status is Status.PROVED, result.evidence
    assert "nondecreasing in e" in result.evidence
    # without a decider for unbounded e, monotonicity stays open: never proved
    assert prove_bound(r, BUDGET).status is Status.UNKNOWN


def test_layer_model_upper_bound_decided_over_the_real_ranges() -> None:
    """propagate's upper-bound induction once decided over made-up ranges
    (reals in [0, 1], integers in [1, 64]) instead of the theorem's."""
    import dataclasses
    from pathlib import Path

    from boundprop.loader import load_paper
    from boundprop.propagate import check_recurrence, layer_model

    paper = load_paper(Path(__file__).parent / "data" / "toy_collapse.toml")
    m = layer_model(paper, "Theorem 5.3")
    assert {v.name for v in m.parameters} >= {"H", "eta", "phi0"}
    assert m.index_hi == 64
    # the increment scaled by eta: bounded by the closed form's iff eta <= 1
    increment = m.recurrence.coeff(m.e_symbol, 0)  # type: ignore[union-attr]
    eta_symbol = next(v.symbol for v in m.parameters if v.name == "eta")
    scaled = dataclasses.replace(m, recurrence=m.e_symbol + eta_symbol * increment, relation="upper")
    assert check_recurrence(scaled).status is not Status.REFUTED
    wide = tuple(make_variable("eta", 0, 2) if v.name == "eta" else v for v in m.parameters)
    # the theorem's hypothesis H*eta <= 1/2 keeps eta <= 1/2: still true on the wider range
    kept = check_recurrence(dataclasses.replace(scaled, parameters=wide))
    assert kept.status is not Status.REFUTED, kept.evidence
    # without it the step needs eta <= 1: decided over eta in [0, 2], never proved
    free = tuple(h for h in scaled.hypotheses if eta_symbol not in h.free_symbols)
    result = check_recurrence(dataclasses.replace(scaled, parameters=wide, hypotheses=free))
    assert result.status is not Status.PROVED, result.evidence
    if result.status is Status.REFUTED:
        assert sp.Rational(result.counterexample["eta"]) > 1  # type: ignore[index]
    else:
        assert "eta in [0, 2]" in result.evidence or "eta - 1" in result.evidence, result.evidence


def test_power_with_a_nonnegative_integer_exponent_needs_no_positive_base() -> None:
    # r0**(3**l) is defined at r0 = 0 (3**l is a positive integer for l >= 0); the
    # domain condition once demanded r0 > 0 and left Dong's theorems unproved
    r0 = make_variable("r0", 0, 4)
    e = sp.Symbol("e", real=True)
    r = Recurrence.from_update(l, e**3, e, r0.symbol, r0.symbol ** (3**l), (r0,), l_max=6)
    from boundprop.backends import portfolio

    result = prove_bound(r, BUDGET, decide=portfolio.decide)
    assert result.status is Status.PROVED, result.evidence
    assert "r0 > 0" not in result.evidence
