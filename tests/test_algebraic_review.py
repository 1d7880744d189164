"""Review of the algebraic counterexamples (soundness and robustness):
regressions for issues found by review."""

from __future__ import annotations

import sympy as sp

from boundprop.backends import falsifier
from boundprop.cli.prove_cmd import build_statement
from boundprop.counterexample import exact_string, parse_algebraic, point_of, point_value, refutes
from boundprop.statement import Budget
from boundprop.verdict import Status

BUDGET = Budget(samples=2000, z3_rlimit=2_000_000)


def _same_number(text: str, value: sp.Expr) -> bool:
    return sp.minimal_polynomial(parse_algebraic(text) - value, sp.Symbol("t")) == sp.Symbol("t")


def test_exact_string_of_a_sum_with_a_crootof_reads_back() -> None:
    # "1 + CRootOf(...)" is not a form parse_algebraic reads: the value is
    # written as a CRootOf of its own minimal polynomial instead (it used to raise)
    r = sp.CRootOf(sp.Symbol("x") ** 5 - sp.Symbol("x") - 1, 0)
    for value in (1 + r, r**2, sp.sqrt(2) * r):
        text = exact_string(value)
        assert _same_number(text, value), (value, text)


def test_algebraic_counterexample_through_an_eliminated_variable_is_reported() -> None:
    # x = y + 1 with y the real root of y^5 - y - 1: x = 1 + CRootOf(...);
    # formatting the counterexample used to raise ValueError out of the falsifier
    st = build_statement("Ne((x-1)^5 - (x-1), 1)", ("Eq(x, y + 1)",), ("x=-3:3", "y=-3:3"), ())
    result = falsifier.decide(st, BUDGET)
    assert result.status is Status.REFUTED
    assert result.counterexample is not None
    assert refutes(st, point_of(st, result.counterexample))


def test_reading_a_sum_of_many_radicals_is_bounded() -> None:
    # degree 2**12: sympy's minimal_polynomial ran for minutes (unbounded) on this text
    import time

    text = "+".join(f"sqrt({p})" for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37))
    start = time.monotonic()
    try:
        point_value(text)
    except Exception:  # rejected: fine
        pass
    assert time.monotonic() - start < 20
    # small sums are still read exactly
    assert not isinstance(point_value("sqrt(2) + sqrt(3)"), sp.Rational)



def test_a_tie_among_many_radicals_is_still_decided() -> None:
    # the degree bound on coordinate texts does not touch the statement's own
    # constants: (a+...+f)^2 > its expansion fails exactly at the tie
    ps = (2, 3, 5, 7, 11, 13)
    c = sp.expand(sum(sp.sqrt(p) for p in ps) ** 2)
    st = build_statement(f"(a+b+c+d+e+f)^2 > {c}", (), tuple(f"{n}=0:4" for n in "abcdef"), ())
    assert refutes(st, {v.symbol: sp.sqrt(p) for v, p in zip(st.variables, ps, strict=True)})


def test_a_huge_decimal_exponent_is_rejected_quickly() -> None:
    import time

    import pytest

    from boundprop.errors import UnsupportedError
    from boundprop.statement import Statement, make_variable

    x = make_variable("x", 0, 1)
    st = Statement((x,), (), sp.true)
    start = time.monotonic()
    with pytest.raises(ValueError):
        point_of(st, {"x": "1e100000000"})
    with pytest.raises(UnsupportedError):
        point_value("1e100000000")
    assert time.monotonic() - start < 5
    assert point_of(st, {"x": "1e-3"}) == {x.symbol: sp.Rational(1, 1000)}


def test_a_rational_minimal_polynomial_agrees_with_the_enclosure() -> None:
    # the degree-1 case (the value is rational) is cross-checked against the
    # rigorous enclosure; ordinary rational radicals are still rational
    assert point_value("(sqrt(2) + sqrt(3))**2 - 2*sqrt(6)") == 5
    assert point_value("sqrt(8) - 2*sqrt(2)") == 0
