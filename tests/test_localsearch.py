"""Nelder-Mead from many starts at once (boundprop.backends.localsearch), and the
falsifier that uses it."""

from __future__ import annotations

import numpy as np
import sympy as sp
from scipy import optimize

from boundprop.backends import falsifier
from boundprop.backends.localsearch import minimize_many
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import Status

LOWER = np.array([-5.0, -5.0])
UPPER = np.array([5.0, 5.0])
STARTS = np.array([[-1.2, 1.0], [0.0, 0.0], [2.0, 2.0], [-2.0, -2.0], [0.5, 3.0]])


def rosenbrock(p: np.ndarray) -> np.ndarray:
    return (1 - p[:, 0]) ** 2 + 100 * (p[:, 1] - p[:, 0] ** 2) ** 2


def test_every_start_finds_the_minimum_scipy_finds() -> None:
    best, values = minimize_many(rosenbrock, STARTS, np.array([True, True]), LOWER, UPPER, 400)
    for start, x, f in zip(STARTS, best, values, strict=True):
        ref = optimize.minimize(
            lambda z: float(rosenbrock(z[None])[0]), start, method="Nelder-Mead",
            bounds=list(zip(LOWER, UPPER, strict=True)), options={"maxfev": 400, "xatol": 1e-12, "fatol": 1e-15},
        )
        assert np.allclose(x, ref.x, atol=1e-6)
        assert f <= ref.fun + 1e-12
        assert np.isclose(f, float(rosenbrock(x[None])[0]))


def test_points_stay_in_bounds_and_fixed_coordinates_stay_put() -> None:
    seen: list[np.ndarray] = []

    def bowl(p: np.ndarray) -> np.ndarray:
        seen.append(p.copy())
        return (p[:, 0] - 9) ** 2 + p[:, 1] ** 2

    starts = np.array([[0.0, 4.5], [1.0, -3.0]])
    best, values = minimize_many(bowl, starts, np.array([True, False]), LOWER, UPPER, 300)
    everything = np.concatenate(seen)
    assert np.all(everything >= LOWER) and np.all(everything <= UPPER)
    assert np.array_equal(np.unique(everything[:, 1]), [-3.0, 4.5])
    assert np.allclose(best[:, 0], 5.0)  # the minimum over the box: the bound nearest 9
    assert np.allclose(values, (5 - 9) ** 2 + best[:, 1] ** 2)


def test_the_effort_is_counted_and_the_result_deterministic() -> None:
    calls = {"points": 0}

    def counted(p: np.ndarray) -> np.ndarray:
        calls["points"] += len(p)
        return rosenbrock(p)

    first = minimize_many(counted, STARTS, np.array([True, True]), LOWER, UPPER, 60)
    # at most 4 tried points per step for each of 5 simplices, and a step
    # charges each simplex at least one evaluation of its 60
    assert calls["points"] <= 5 * (3 + 4 * 60 + 2 * 60)
    second = minimize_many(rosenbrock, STARTS, np.array([True, True]), LOWER, UPPER, 60)
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    stopped = minimize_many(rosenbrock, STARTS, np.array([True, True]), LOWER, UPPER, 400, stop=lambda: True)
    # stopped before the first step: each start's initial simplex, at its best vertex
    assert np.all(stopped[1] <= rosenbrock(STARTS)) and np.allclose(stopped[0], STARTS, atol=0.11)
    assert np.all(first[1] <= stopped[1])


def test_a_statement_false_only_at_float_ties_is_refuted() -> None:
    # x*(x + 1) < x**2 + x is false everywhere, and its margin is exactly 0 in
    # floats at the simple points: the capped tie verifications must still find one
    x = make_variable("x", -3, 3)
    X = x.symbol
    statement = Statement((x,), (), sp.StrictLessThan(X * (X + 1), X**2 + X, evaluate=False))
    result = falsifier.decide(statement, Budget(samples=200))
    assert result.status is Status.REFUTED


def test_a_tight_true_statement_is_only_tested() -> None:
    x = make_variable("x", -3, 3)
    X = x.symbol
    result = falsifier.decide(Statement((x,), (), X * (X + 1) <= X**2 + X), Budget(samples=200))
    assert result.status is Status.TESTED
