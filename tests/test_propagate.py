"""Layer models: closed forms, the induction check, rigorous point enclosures."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
from exact_eval import sign_of
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from boundprop.errors import InputError
from boundprop.loader import load_paper
from boundprop.propagate import (
    ValueTooLarge,
    check_recurrence,
    enclose_point,
    layer_model,
    layer_rows,
    load_annotations,
    theorem_bound,
)
from boundprop.verdict import Status

TOY = Path(__file__).parent / "data" / "toy_collapse.toml"


@pytest.fixture(scope="module")
def paper():  # type: ignore[no-untyped-def]
    return load_paper(TOY)


def test_r1_layer_quantities_are_the_papers(paper) -> None:  # type: ignore[no-untyped-def]
    m = layer_model(paper, "R1")
    eta, phi0 = (sp.Symbol(n, real=True) for n in ("eta", "phi0"))
    H, l = (sp.Symbol(n, integer=True) for n in ("H", "l"))  # noqa: E741
    assert sp.simplify(m.quantities()["eps"] - 2 * eta * phi0 * (1 + H * eta) ** l) == 0
    assert sp.simplify(m.quantities()["phi"] - phi0 * (1 + H * eta) ** l) == 0
    assert sp.simplify(m.error - 2 * l * H * eta * phi0 * (1 + H * eta) ** (l - 1)) == 0
    assert m.at(0)["e"] == 0


@pytest.mark.parametrize("theorem", ["R1", "Theorem 5.3"])
def test_recurrence_and_closed_form_are_proved_equal(paper, theorem: str) -> None:  # type: ignore[no-untyped-def]
    result = check_recurrence(layer_model(paper, theorem))
    assert result.status is Status.PROVED, result.evidence
    assert result.method == "induction"


def test_a_wrong_recurrence_is_refuted(paper) -> None:  # type: ignore[no-untyped-def]
    m = layer_model(paper, "R1")
    wrong = dataclasses.replace(m, recurrence=m.recurrence + m.quantities()["eps"])  # type: ignore[operator]
    result = check_recurrence(wrong)
    assert result.status is Status.REFUTED and result.counterexample


def test_wrong_base_case_is_refuted(paper) -> None:  # type: ignore[no-untyped-def]
    m = layer_model(paper, "R1")
    result = check_recurrence(dataclasses.replace(m, base=sp.Integer(1)))
    assert result.status is Status.REFUTED


def test_upper_relation_goes_through_the_backends(paper) -> None:  # type: ignore[no-untyped-def]
    m = layer_model(paper, "Theorem 5.3")
    # closed form 2φ0((1+Hη)^l - 1) bounds e_{l+1} = e_l + Hηφ0(1+Hη)^l (half the increment)
    half = m.e_symbol + m.recurrence.coeff(m.e_symbol, 0) / 2  # type: ignore[union-attr]
    result = check_recurrence(dataclasses.replace(m, recurrence=half, relation="upper"))
    assert result.status in (Status.PROVED, Status.UNKNOWN, Status.TESTED)
    # twice the increment: the closed form no longer bounds the recurrence
    double = m.e_symbol + m.recurrence.coeff(m.e_symbol, 0) * 2  # type: ignore[union-attr]
    result = check_recurrence(dataclasses.replace(m, recurrence=double, relation="upper"))
    assert result.status is Status.REFUTED and result.counterexample


def test_no_recurrence_is_unknown_not_proved(paper) -> None:  # type: ignore[no-untyped-def]
    assert check_recurrence(layer_model(paper, "R2")).status is Status.UNKNOWN


def test_annotations_loaded(paper) -> None:  # type: ignore[no-untyped-def]
    ann = load_annotations(paper)
    assert "fast-attention" in ann.regimes and "c" in ann.extra_params
    assert ann.regimes["fast-attention"].bound_for("N2") == "eta*phi_l(L - 1)"


def test_theorem_bound_needs_q_le_bound(paper) -> None:  # type: ignore[no-untyped-def]
    q, bound = theorem_bound(paper, paper.nodes["B-zero-layer"])
    assert str(q) == "err" and "phi0" in str(bound)


def test_missing_value_is_an_input_error() -> None:
    x, y = sp.symbols("x y", real=True)
    with pytest.raises(InputError, match="y"):
        enclose_point(x + y, {x: sp.Integer(1)})


def test_beyond_the_float_range_mpmath_takes_over() -> None:
    x = sp.Symbol("x", real=True)
    enc = enclose_point(sp.exp(x) - 1, {x: sp.Integer(1000)})
    point = {x: sp.Integer(1000)}
    assert enc.lo > 10**434 and enc.hi < 10**435
    lo = sp.Rational(enc.lo.numerator, enc.lo.denominator)
    hi = sp.Rational(enc.hi.numerator, enc.hi.denominator)
    assert sign_of(sp.exp(x) - 1 - lo, point) >= 0 and sign_of(hi - sp.exp(x) + 1, point) >= 0


rationals = st.fractions(min_value=Fraction(1, 1000), max_value=Fraction(1, 2), max_denominator=1000)


@settings(max_examples=12, deadline=None)
@given(eta=rationals, phi0=rationals, H=st.integers(1, 8), layer=st.integers(0, 12))
def test_point_enclosures_contain_the_exact_values(paper, eta: Fraction, phi0: Fraction,  # type: ignore[no-untyped-def]
                                                   H: int, layer: int) -> None:
    fix = {"eta": sp.Rational(eta.numerator, eta.denominator),
           "phi0": sp.Rational(phi0.numerator, phi0.denominator),
           "H": sp.Integer(H), "d": sp.Integer(2), "k": sp.Integer(2), "beta": sp.Rational(1, 4)}
    for theorem in ("R1", "R2"):
        m = layer_model(paper, theorem)
        try:
            (row,) = layer_rows(m, fix, [layer])
        except ValueTooLarge:  # R2 grows doubly exponentially: refused, not enclosed
            assume(False)
        point = {s: fix[str(s)] for e in m.at(layer).values() for s in e.free_symbols}
        for name, enc in row.values.items():
            expr = m.at(layer)[name]
            lo = sp.Rational(enc.lo.numerator, enc.lo.denominator)
            hi = sp.Rational(enc.hi.numerator, enc.hi.denominator)
            assert sign_of(expr - lo, point) >= 0, (theorem, name)
            assert sign_of(hi - expr, point) >= 0, (theorem, name)
            if enc.exact is not None:
                assert expr.xreplace(point) == sp.Rational(enc.exact.numerator, enc.exact.denominator)


def test_box_enclosures_contain_every_sampled_point(paper) -> None:  # type: ignore[no-untyped-def]
    import random

    from boundprop.propagate import layer_box_rows

    box = {"eta": (sp.Rational(1, 100), sp.Rational(1, 5)), "H": (sp.Integer(1), sp.Integer(4)),
           "phi0": (sp.Rational(1, 2), sp.Integer(2)), "d": (sp.Integer(1), sp.Integer(2)),
           "k": (sp.Integer(1), sp.Integer(2)), "beta": (sp.Rational(1, 4), sp.Rational(1, 2))}
    rng = random.Random(3)
    for theorem in ("R1", "R2", "Theorem 5.3"):
        m = layer_model(paper, theorem)
        for row in layer_box_rows(m, {k: v for k, v in box.items()}, [0, 3, 6]):
            q = m.at(row.layer)
            for _ in range(5):
                point = {}
                for name, (lo, hi) in box.items():
                    if lo.is_Integer and hi.is_Integer and name in ("H", "d", "k"):
                        point[name] = sp.Integer(rng.randint(int(lo), int(hi)))
                    else:
                        point[name] = lo + (hi - lo) * sp.Rational(rng.randint(0, 1000), 1000)
                for key, enc in row.values.items():
                    expr = q[key]
                    values = {s: point[str(s)] for s in expr.free_symbols}
                    lo_r = sp.Rational(enc.lo.numerator, enc.lo.denominator)
                    hi_r = sp.Rational(enc.hi.numerator, enc.hi.denominator)
                    assert sign_of(expr - lo_r, values) >= 0 and sign_of(hi_r - expr, values) >= 0


def test_spot_check_decides_irrational_gaps_by_intervals(paper) -> None:  # type: ignore[no-untyped-def]
    m = layer_model(paper, "R1")
    eta = next(s for s in m.error.free_symbols if str(s) == "eta")
    # wrong by exp(eta) - 1 - eta, irrational at every rational eta > 0: refuted
    off = dataclasses.replace(m, recurrence=m.recurrence + sp.exp(eta) - 1 - eta)  # type: ignore[operator]
    result = check_recurrence(off)
    assert result.status is Status.REFUTED and result.counterexample
    # right, with a zero written as (sqrt(1 + eta) - 1)(sqrt(1 + eta) + 1) - eta: at a
    # point, an irrational gap no rounding separates from 0 is never a counterexample
    zero = (sp.sqrt(1 + eta) - 1) * (sp.sqrt(1 + eta) + 1) - eta
    hidden = dataclasses.replace(m, recurrence=m.recurrence + zero)  # type: ignore[operator]
    assert check_recurrence(hidden).status is not Status.REFUTED
