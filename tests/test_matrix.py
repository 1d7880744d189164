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


# ---------------------------------------------------------------------------
# diag, hadamard, entry, sumE, trace, norm2, norm2le; eye with a symbolic size;
# normN2 is the operator inf-norm; the reference of every built-in.

import random  # noqa: E402
from fractions import Fraction  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from boundprop.matrix import (  # noqa: E402
    MATRIX_DOCS,
    SCALAR_DOCS,
    diag,
    entry,
    eye,
    hadamard,
    norm2_le,
    norm_1,
    norm_2,
    ones,
    reference_markdown,
    sum_entries,
    trace,
)

ROOT = Path(__file__).resolve().parent.parent


def test_diag_hadamard_entry_sum_trace() -> None:
    v = sp.Matrix([1, -2, 3])
    assert diag(v) == sp.Matrix([[1, 0, 0], [0, -2, 0], [0, 0, 3]])
    assert diag(v.T) == diag(v)
    with pytest.raises(ExpressionError, match="vector"):
        diag(sp.Matrix([[1, 2], [3, 4]]))
    assert hadamard(A, A) == A.applyfunc(lambda x: x**2)
    with pytest.raises(ExpressionError, match="one shape"):
        hadamard(A, A.T)
    assert entry(A, 3, 2) == 5 and entry(v, 2) == -2
    assert entry(A, sp.Integer(1), sp.Integer(2)) == -3  # a size substituted by a number
    with pytest.raises(ExpressionError, match="outside"):
        entry(A, 4, 1)
    assert sum_entries(A) == 4 and trace(sp.Matrix([[1, 2], [3, 4]])) == 5
    with pytest.raises(ExpressionError, match="square"):
        trace(A)


def test_a_symbolic_size_is_a_clear_error() -> None:
    n = sp.Symbol("n", integer=True)
    for make in (eye, ones):
        with pytest.raises(ExpressionError, match="size must be a number") as info:
            make(n)
        assert "Cannot convert" not in str(info.value)
    with pytest.raises(ExpressionError, match="symbolic size"):
        entry(A, n, 1)
    assert eye(sp.Integer(2)) == sp.eye(2) and ones(2, 3) == sp.ones(2, 3)


def test_normN2_is_the_operator_inf_norm() -> None:
    rng = random.Random(3)
    for _ in range(20):
        m = sp.Matrix(3, 2, lambda i, j: rng.randint(-5, 5))
        assert norm_n2(m) == max(sum(abs(x) for x in m.row(i)) for i in range(3))
        assert norm_1(m) == max(sum(abs(x) for x in m.col(j)) for j in range(2))
    # one implementation under two names (normInf is the honest name of normN2)
    assert BUILTINS["normN2"][0] is norm_n2 and BUILTINS["normInf"][0] is norm_n2
    assert "not** the spectral norm" in MATRIX_DOCS["normN2"][0]


def _spectral(m: sp.Matrix) -> float:
    return float(np.linalg.norm(np.array(m.tolist(), dtype=float), 2))


@pytest.mark.parametrize("shape", [(1, 1), (1, 3), (3, 1), (2, 2), (2, 3), (3, 2)])
def test_norm2_is_the_largest_singular_value(shape: tuple[int, int]) -> None:
    rng = random.Random(sum(shape))
    for _ in range(10):
        m = sp.Matrix(*shape, lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)))
        assert float(norm_2(m)) == pytest.approx(_spectral(m), rel=1e-12, abs=1e-12)


def test_norm2_beyond_2x2_names_norm2le() -> None:
    with pytest.raises(UnsupportedError, match="norm2le"):
        norm_2(sp.eye(3))


@pytest.mark.parametrize("shape", [(1, 2), (2, 2), (3, 3), (2, 3), (3, 2)])
def test_norm2le_is_exactly_the_spectral_bound(shape: tuple[int, int]) -> None:
    """At exact rational matrices (some symmetric) and bounds on both sides of
    the true norm, norm2le decides exactly what numpy's SVD says (bounds are
    kept 1e-6 away from the norm, far beyond float error)."""
    rng = random.Random(7 * shape[0] + shape[1])
    for trial in range(12):
        m = sp.Matrix(*shape, lambda i, j: sp.Rational(rng.randint(-6, 6), rng.randint(1, 3)))
        if trial % 2 and shape[0] == shape[1]:
            m = (m + m.T) / 2
        true = _spectral(m)
        for c in (Fraction(0), Fraction(true).limit_denominator(10**4) + Fraction(1, 10**5),
                  Fraction(true).limit_denominator(10**4) - Fraction(1, 10**5), Fraction(true * 2 + 1)):
            if abs(float(c) - true) < 1e-6:
                continue
            decided = norm2_le(m, sp.Rational(c.numerator, c.denominator))
            assert decided in (sp.true, sp.false)
            assert bool(decided) == (true <= float(c)), (m, c, true)


def test_norm2le_at_the_exact_norm_and_negative_bounds() -> None:
    m = sp.Matrix([[1, 1], [0, 0]])  # norm sqrt(2), not symmetric
    assert norm2_le(m, sp.sqrt(2)) == sp.true
    assert norm2_le(m, sp.Rational(141, 100)) == sp.false
    assert norm2_le(sp.zeros(2, 2), 0) == sp.true
    assert norm2_le(sp.zeros(2, 2), -1) == sp.false
    j = sp.Matrix([[sp.Rational(1, 4), -sp.Rational(1, 4)], [-sp.Rational(1, 4), sp.Rational(1, 4)]])
    assert norm2_le(j, sp.Rational(1, 2)) == sp.true  # the softmax Jacobian at p = (1/2, 1/2)
    assert norm2_le(j, sp.Rational(49, 100)) == sp.false


def test_every_builtin_is_documented_and_the_table_is_current() -> None:
    from boundprop.expr.builtins import BUILTINS as SCALAR

    assert set(MATRIX_DOCS) == set(BUILTINS)
    assert {b.name for b in SCALAR} == set(SCALAR_DOCS)
    doc = (ROOT / "docs" / "lemma-format.md").read_text(encoding="utf-8")
    begin = doc.index("\n", doc.index("<!-- builtins:begin")) + 1
    end = doc.index("<!-- builtins:end -->")
    assert doc[begin:end] == reference_markdown(), (
        "docs/lemma-format.md's table of built-ins is stale: regenerate it from "
        "boundprop.matrix.reference_markdown()"
    )
    for name in BUILTINS:
        assert f"| `{name}` |" in doc


def _softmax_jacobian_paper(tmp_path: Path, sizes: str) -> Path:
    text = (ROOT / "examples" / "softmax_jacobian.toml").read_text(encoding="utf-8")
    path = tmp_path / "softmax_jacobian.toml"
    path.write_text(text.replace("sizes = { n = [1, 3] }", f"sizes = {{ n = {sizes} }}"), encoding="utf-8")
    return path


def test_the_softmax_jacobian_bound_is_expressible_and_checked(tmp_path: Path) -> None:
    from boundprop.check import check_paper
    from boundprop.loader import load_paper
    from boundprop.verdict import Status

    report = check_paper(load_paper(_softmax_jacobian_paper(tmp_path, "[1, 2]")))
    assert report.nodes["J1"].status is Status.PROVED_BOUNDED
    assert report.nodes["J2"].status is Status.PROVED_BOUNDED
    assert report.nodes["J3"].status is Status.REFUTED
    assert report.nodes["J3"].counterexample is not None


@pytest.mark.slow
def test_the_softmax_jacobian_bound_at_n_3() -> None:
    from boundprop.check import check_paper
    from boundprop.loader import load_paper
    from boundprop.verdict import Status

    report = check_paper(load_paper(ROOT / "examples" / "softmax_jacobian.toml"))
    assert report.nodes["J1"].status is Status.PROVED_BOUNDED
    assert "n in [1, 3]" in report.nodes["J1"].evidence
    assert report.nodes["J3"].status is Status.REFUTED
