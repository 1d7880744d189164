"""Matrix functions for statements over matrices of fixed small size.

A matrix statement is checked by instantiation: for concrete sizes, every
matrix variable becomes an explicit sympy Matrix of scalar entry symbols and
the functions below compute explicit scalar expressions (Max, Abs, exp), so
the scalar backends decide the result. Names follow papers.md §1.1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from boundprop.errors import ExpressionError, UnsupportedError


def _as_matrix(value: Any, fn: str) -> sp.Matrix:
    if isinstance(value, sp.MatrixBase):
        return sp.Matrix(value)
    raise ExpressionError(f"{fn}() expects a matrix, got {value!r}")


def norm_n1(a: Any) -> sp.Expr:
    """N1, the entrywise max norm: max_ij |a_ij|.

    >>> norm_n1(sp.Matrix([[1, -3], [2, 0]]))
    3
    """
    m = _as_matrix(a, "normN1")
    return sp.Max(*[sp.Abs(x) for x in m])


def norm_n2(a: Any) -> sp.Expr:
    """N2, the operator ∞-norm: max_i Σ_j |a_ij|.

    >>> norm_n2(sp.Matrix([[1, -3], [2, 0]]))
    4
    """
    m = _as_matrix(a, "normN2")
    return sp.Max(*[sum((sp.Abs(x) for x in m.row(i)), sp.Integer(0)) for i in range(m.rows)])


def midrange(a: Any) -> sp.Matrix:
    """The row vector c with c_j = (max_i a_ij + min_i a_ij)/2."""
    m = _as_matrix(a, "midrange")
    return sp.Matrix(
        [[(sp.Max(*m.col(j)) + sp.Min(*m.col(j))) / 2 for j in range(m.cols)]]
    )


def res(a: Any) -> sp.Matrix:
    """Res(A) = A − 1cᵀ with c the column-wise mid-range.

    >>> res(sp.Matrix([[0, 1], [2, 5]]))
    Matrix([
    [-1, -2],
    [ 1,  2]])
    """
    m = _as_matrix(a, "Res")
    c = midrange(m)
    return m - sp.ones(m.rows, 1) * c


def softmax(a: Any) -> sp.Matrix:
    """Row-wise softmax: exp(a_ij) / Σ_k exp(a_ik)."""
    m = _as_matrix(a, "softmax")
    rows = []
    for i in range(m.rows):
        exps = [sp.exp(x) for x in m.row(i)]
        total = sum(exps, sp.Integer(0))
        rows.append([e / total for e in exps])
    return sp.Matrix(rows)


def exp_entrywise(a: Any) -> sp.Matrix:
    """Entrywise exponential e^{A} (reading (a) of the step in Lemma 5.1's proof)."""
    return _as_matrix(a, "expE").applyfunc(sp.exp)


def expm(a: Any) -> sp.Matrix:
    """Matrix exponential of a square matrix (reading (b)); exact for numeric input only."""
    m = _as_matrix(a, "expm")
    if m.rows != m.cols:
        raise ExpressionError(f"expm() needs a square matrix, got {m.rows}x{m.cols}")
    if m.free_symbols:
        raise UnsupportedError("expm() of a symbolic matrix has no closed form; check at points")
    return sp.Matrix(m.exp())


def ones(rows: Any, cols: Any = 1) -> sp.Matrix:
    """The all-ones matrix (``ones(n)`` is the column vector 1)."""
    return sp.ones(int(rows), int(cols))


def eye(size: Any) -> sp.Matrix:
    """The identity matrix."""
    return sp.eye(int(size))


def transpose(a: Any) -> sp.Matrix:
    """Aᵀ (also available as ``A.T``)."""
    return _as_matrix(a, "T").T


# name in lemma files -> (function, LaTeX template with {0}, {1} for arguments)
BUILTINS: dict[str, tuple[Callable[..., Any], str]] = {
    "normN1": (norm_n1, r"\|{0}\|_{{\max}}"),
    "normN2": (norm_n2, r"\|{0}\|_{{\infty}}"),
    "Res": (res, r"\operatorname{{Res}}({0})"),
    "softmax": (softmax, r"\operatorname{{softmax}}({0})"),
    "expE": (exp_entrywise, r"e^{{\circ {0}}}"),
    "expm": (expm, r"e^{{{0}}}"),
    "ones": (ones, r"\mathbf{{1}}"),
    "eye": (eye, r"I"),
    "T": (transpose, r"{0}^\top"),
}

# Builtins for Dong et al. 2021 (norm1, normInf, norm1inf, frob, colmean) live in matrix_extra.
from boundprop.matrix_extra import EXTRA_BUILTINS  # noqa: E402
BUILTINS.update(EXTRA_BUILTINS)
