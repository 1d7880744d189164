"""Extra matrix functions for Dong et al. 2021 (papers.md section 2).

These complement :mod:`boundprop.matrix` and are registered into its
``BUILTINS`` table by the two import lines at the end of that module. Like the
functions there, they map a sympy Matrix of entry symbols to an explicit
scalar expression (``Max``, ``Abs``, ``sqrt``) so that the scalar backends can
decide statements at fixed sizes.

Names in lemma files:

* ``norm1``: the operator 1-norm, the maximum absolute column sum.
* ``normInf``: the operator ∞-norm, the maximum absolute row sum.
* ``norm1inf``: Dong et al.'s composite quantity √(‖A‖₁‖A‖∞) (not a norm).
* ``frob``: the Frobenius norm √(Σ a_ij²).
* ``colmean``: the mean row (1/n)·1ᵀA, a 1×d matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from boundprop.errors import ExpressionError

__all__ = ["norm_1", "norm_inf", "norm_1inf", "frobenius", "column_mean", "EXTRA_BUILTINS"]


def _as_matrix(value: Any, fn: str) -> sp.Matrix:
    if isinstance(value, sp.MatrixBase):
        return sp.Matrix(value)
    raise ExpressionError(f"{fn}() expects a matrix, got {value!r}")


def norm_1(a: Any) -> sp.Expr:
    """The operator 1-norm ‖A‖₁: the largest absolute column sum.

    Examples
    --------
    >>> norm_1(sp.Matrix([[1, -3], [2, 0]]))
    3
    """
    m = _as_matrix(a, "norm1")
    return sp.Max(*[sum((sp.Abs(x) for x in m.col(j)), sp.Integer(0)) for j in range(m.cols)])


def norm_inf(a: Any) -> sp.Expr:
    """The operator ∞-norm ‖A‖∞: the largest absolute row sum.

    Examples
    --------
    >>> norm_inf(sp.Matrix([[1, -3], [2, 0]]))
    4
    """
    m = _as_matrix(a, "normInf")
    return sp.Max(*[sum((sp.Abs(x) for x in m.row(i)), sp.Integer(0)) for i in range(m.rows)])


def norm_1inf(a: Any) -> sp.Expr:
    """Dong et al.'s composite quantity ‖A‖_{1,∞} = √(‖A‖₁‖A‖∞).

    It is positive definite and absolutely homogeneous but not subadditive,
    so it is not a norm (the lemma file checks this).

    Examples
    --------
    >>> norm_1inf(sp.Matrix([[1, 1], [0, 0]]))
    sqrt(2)
    """
    m = _as_matrix(a, "norm1inf")
    return sp.sqrt(norm_1(m) * norm_inf(m))


def frobenius(a: Any) -> sp.Expr:
    """The Frobenius norm √(Σ_ij a_ij²).

    Examples
    --------
    >>> frobenius(sp.Matrix([[3, 0], [0, 4]]))
    5
    """
    m = _as_matrix(a, "frob")
    return sp.sqrt(sum((x**2 for x in m), sp.Integer(0)))


def column_mean(a: Any) -> sp.Matrix:
    """The mean row x̄ = (1/n)·1ᵀA as a 1×d matrix.

    Examples
    --------
    >>> column_mean(sp.Matrix([[1, 2], [3, 6]]))
    Matrix([[2, 4]])
    """
    m = _as_matrix(a, "colmean")
    return sp.Matrix([[sum(m.col(j), sp.Integer(0)) / m.rows for j in range(m.cols)]])


# name in lemma files -> (function, LaTeX template), merged into boundprop.matrix.BUILTINS
EXTRA_BUILTINS: dict[str, tuple[Callable[..., Any], str]] = {
    "norm1": (norm_1, r"\|{0}\|_{{1}}"),
    "normInf": (norm_inf, r"\|{0}\|_{{\infty}}"),
    "norm1inf": (norm_1inf, r"\|{0}\|_{{1,\infty}}"),
    "frob": (frobenius, r"\|{0}\|_{{F}}"),
    "colmean": (column_mean, r"\bar{{{0}}}"),
}
