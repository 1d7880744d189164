"""The sampling falsifier: finds verified counterexamples, never proves, is deterministic."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy as sp

from boundprop.backends import falsifier
from boundprop.cli.prove_cmd import build_statement
from boundprop.interval import refutes
from boundprop.statement import Budget, Statement
from boundprop.verdict import CheckResult, Status


def run(expr: str, var: tuple[str, ...] = (), assume: tuple[str, ...] = (),
        integer: tuple[str, ...] = (), **budget: float) -> tuple[Statement, CheckResult]:
    st = build_statement(expr, assume, var, integer)
    return st, falsifier.decide(st, Budget(**budget))  # type: ignore[arg-type]


def test_refutes_g_le_2x_beyond_1_25_with_verified_point() -> None:
    st, r = run("exp(x) - 1 <= 2*x", ("x=0:1.3",))
    assert r.status is Status.REFUTED and r.method == "falsifier"
    assert r.counterexample is not None
    x = sp.Rational(str(r.counterexample["x"]))
    assert sp.Rational("1.2564") < x <= sp.Rational("1.3")
    assert refutes(st, {st.variables[0].symbol: x})


def test_true_statement_is_only_tested_and_says_what_was_searched() -> None:
    _, r = run("exp(x) - 1 <= 2*x", ("x=0:1.25",), samples=1000, seed=7)
    assert r.status is Status.TESTED
    assert r.evidence.startswith("no counterexample in 1000 samples + ")
    assert "(seed 7)" in r.evidence


def test_never_proves_even_trivial_statements() -> None:
    _, r = run("x^2 >= 0")
    assert r.status is Status.TESTED


def test_deterministic_for_a_seed() -> None:
    first = run("x^3 - 3*x + 2 >= 0", ("x=-3:3",), seed=3)[1]
    second = run("x^3 - 3*x + 2 >= 0", ("x=-3:3",), seed=3)[1]
    assert first.status is Status.REFUTED
    assert first.counterexample == second.counterexample


def test_unbounded_ranges_reach_large_and_negative_values() -> None:
    # fails only for x < -10**3
    _, r = run("x >= -1000")
    assert r.status is Status.REFUTED
    assert r.counterexample is not None and sp.Rational(str(r.counterexample["x"])) < -1000


def test_local_search_finds_a_narrow_violation() -> None:
    # violated only on |x - 0.3| < ~0.001; random samples rarely land there
    _, r = run("(x - 3/10)^2 >= 10^-6", ("x=-1000:1000",), samples=200)
    assert r.status is Status.REFUTED


def test_hypotheses_are_respected() -> None:
    _, r = run("x >= 0", assume=("x > 5",))
    assert r.status is Status.TESTED
    _, r = run("(1+x)^n >= 1 + n*x", ("n=0:8",), ("x >= -1",), ("n",))
    assert r.status is Status.TESTED


def test_integer_variables_get_integer_values() -> None:
    _, r = run("2^n >= n^2", ("n=0:10",), integer=("n",))
    assert r.status is Status.REFUTED and r.counterexample == {"n": "3"}


def test_undefined_points_are_not_counterexamples() -> None:
    # log(x) is undefined for x <= 0: such samples must not count as violations;
    # the statement is ill-defined there (a witness, not a counterexample)
    st, r = run("log(x) <= x - 1", ("x=-5:5",))
    assert r.status is Status.ILL_DEFINED and r.counterexample is not None
    assert sp.Rational(str(r.counterexample["x"])) <= 0
    assert not refutes(st, {st.variables[0].symbol: sp.Rational(str(r.counterexample["x"]))})
    _, r = run("log(x) <= x - 1", ("x=-5:5",), ("x > 0",))
    assert r.status is Status.TESTED


def test_no_rational_counterexample_means_an_algebraic_one() -> None:
    # false only at x = sqrt(2): no rational point refutes it; the algebraic
    # search solves x^2 - 2 exactly (boundprop.backends.algebraic)
    st, r = run("Ne(x^2, 2)", ("x=1:2",))
    assert r.status is Status.REFUTED and r.counterexample == {"x": "sqrt(2)"}
    assert refutes(st, {st.variables[0].symbol: sp.sqrt(2)})
    # and where the only root is outside the range, the search finds nothing
    _, r = run("Ne(x^2, 2)", ("x=3/2:2",))
    assert r.status is Status.TESTED


def test_thousands_of_samples_are_fast() -> None:
    st = build_statement("exp(x)*y - log(1 + x^2) <= 10^9", (), ("x=-3:3", "y=-3:3"))
    start = time.monotonic()
    r = falsifier.decide(st, Budget(samples=5000))
    assert r.status is Status.TESTED
    assert time.monotonic() - start < 2.0


def test_sampler_covers_corners_and_integers() -> None:
    st = build_statement("x + n >= 0", (), ("x=-1:2", "n=-3:3"), ("n",))
    pts = falsifier._sample(st.variables, 500, np.random.default_rng(0))
    assert pts.shape == (500, 2)
    assert {(-1.0, -3.0), (2.0, 3.0)} <= {tuple(p) for p in pts}
    assert np.all(pts[:, 1] == np.round(pts[:, 1]))
    assert pts[:, 0].min() >= -1 and pts[:, 0].max() <= 2


@pytest.mark.parametrize("den_value", ["1/3", "-7/2"])
def test_snap_prefers_simple_rationals(den_value: str) -> None:
    st = build_statement("x >= 0")
    value = float(sp.Rational(den_value))
    points = falsifier._snap(st.variables, np.array([value]))
    assert sp.Rational(den_value) in [p[st.variables[0].symbol] for p in points]


def test_sum_with_variable_bounds_is_unsupported_in_words() -> None:
    """R2's induction step once read "falsifier: internal error, ignored": numpy
    cannot sample a sum up to a variable L, which the backend must say in words."""
    from boundprop.errors import UnsupportedError
    from boundprop.statement import make_variable

    x, n = make_variable("x", 0, 1), make_variable("n", 1, 10)
    k = sp.Symbol("k", integer=True)
    st = Statement((x, n), (), sp.Sum(x.symbol**k, (k, 0, n.symbol)) >= 0)
    with pytest.raises(UnsupportedError, match="sum whose bounds are variables"):
        falsifier.decide(st, Budget())
