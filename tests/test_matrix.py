"""The matrix builtins: values at numeric points, and unevaluated forms that
keep their value at symbolic ones."""

from __future__ import annotations

import pytest
import sympy as sp

from boundprop.errors import ExpressionError, UnsupportedError
from boundprop.matrix import (
    BUILTINS,
    expm,
    max_entry,
    min_entry,
    norm_n1,
    norm_n2,
    res,
    row_width,
    self_attention,
    softmax,
    summation,
)

A = sp.Matrix([[1, -3], [2, 0], [-1, 5]])


def test_norms_and_entries_at_numbers() -> None:
    assert norm_n1(A) == 5
    assert norm_n2(A) == 6
    assert min_entry(A) == -3 and max_entry(A) == 5
    assert row_width(A) == 6


def test_res_removes_the_column_midrange() -> None:
    r = res(A)
    # column mid-ranges are 1/2 and 1: Res = A - 1 c^T
    assert r == A - sp.ones(3, 1) * sp.Matrix([[sp.Rational(1, 2), 1]])


def test_symbolic_forms_keep_their_value() -> None:
    x = sp.Matrix(2, 2, lambda i, j: sp.Symbol(f"x{i}{j}", real=True))
    point = {s: v for s, v in zip(x, [3, -1, sp.Rational(1, 2), 7], strict=True)}
    numeric = x.xreplace(point)
    for fn in (norm_n1, norm_n2, min_entry, max_entry, row_width):
        assert sp.simplify(fn(x).xreplace(point) - fn(numeric)) == 0
    assert sp.simplify(res(x).xreplace(point) - res(numeric)) == sp.zeros(2, 2)


def test_softmax_rows_are_stochastic() -> None:
    p = softmax(sp.Matrix([[0, sp.log(3)], [1, 1]]))
    assert p == sp.Matrix([[sp.Rational(1, 4), sp.Rational(3, 4)], [sp.Rational(1, 2), sp.Rational(1, 2)]])


def test_self_attention_matches_the_spelled_out_product() -> None:
    x = sp.Matrix(2, 1, lambda i, j: sp.Symbol(f"X{i}", real=True))
    q, k, v = (sp.Matrix([[sp.Symbol(n, real=True)]]) for n in ("q", "k", "v"))
    beta = sp.Symbol("beta", positive=True)
    # structurally identical to the left-to-right product the parser builds
    assert self_attention(x, q, k, v, beta) == softmax(beta * x * q * k.T * x.T) * x * v


def test_summation_and_expm() -> None:
    j = sp.Symbol("j", integer=True)
    assert summation(j**2, j, 1, 3).doit() == 14
    with pytest.raises(ExpressionError):
        summation(j, sp.Symbol("y", real=True), 0, 1)
    assert expm(sp.zeros(2, 2)) == sp.eye(2)
    with pytest.raises(UnsupportedError):
        expm(sp.Matrix([[sp.Symbol("t", real=True)]]))


def test_builtin_names_are_stable() -> None:
    for name in ("normN1", "normN2", "Res", "softmax", "expE", "expm", "ones", "eye", "T",
                 "minE", "maxE", "rowWidth", "SAtt", "Sum"):
        assert name in BUILTINS
