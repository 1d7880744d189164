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


def _max(*args: Any) -> sp.Expr:
    """Max without sympy's pairwise simplification, which is quadratic-to-
    exponential in the number of arguments and dominated the time of
    instantiating matrix statements; the value is the same."""
    if len(args) == 1:
        return sp.sympify(args[0])
    numeric = all(sp.sympify(a).is_Number for a in args)
    return sp.Max(*args, evaluate=numeric)


def _min(*args: Any) -> sp.Expr:
    """Min without sympy's pairwise simplification (see :func:`_max`)."""
    if len(args) == 1:
        return sp.sympify(args[0])
    numeric = all(sp.sympify(a).is_Number for a in args)
    return sp.Min(*args, evaluate=numeric)


def _abs(x: Any) -> sp.Expr:
    """Abs without sympy's sign simplification of large arguments (same value)."""
    x = sp.sympify(x)
    return sp.Abs(x) if x.is_Number else sp.Abs(x, evaluate=False)


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
    return _max(*[_abs(x) for x in m])


def norm_n2(a: Any) -> sp.Expr:
    """N2, the operator ∞-norm: max_i Σ_j |a_ij|.

    >>> norm_n2(sp.Matrix([[1, -3], [2, 0]]))
    4
    """
    m = _as_matrix(a, "normN2")
    return _max(*[sum((_abs(x) for x in m.row(i)), sp.Integer(0)) for i in range(m.rows)])


def midrange(a: Any) -> sp.Matrix:
    """The row vector c with c_j = (max_i a_ij + min_i a_ij)/2."""
    m = _as_matrix(a, "midrange")
    return sp.Matrix(
        [[(_max(*m.col(j)) + _min(*m.col(j))) / 2 for j in range(m.cols)]]
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


def min_entry(a: Any) -> sp.Expr:
    """The smallest entry of a matrix (``minE(P) >= 0`` says P is entrywise nonnegative).

    >>> min_entry(sp.Matrix([[1, -3], [2, 0]]))
    -3
    """
    return _min(*_as_matrix(a, "minE"))


def max_entry(a: Any) -> sp.Expr:
    """The largest entry of a matrix.

    >>> max_entry(sp.Matrix([[1, -3], [2, 0]]))
    2
    """
    return _max(*_as_matrix(a, "maxE"))


def row_width(a: Any) -> sp.Expr:
    """The largest spread max_j a_ij − min_j a_ij over the rows i.

    A logit matrix is θ-balanced (papers.md §1.1) when ``rowWidth(A) <= 2*theta``.

    >>> row_width(sp.Matrix([[0, 3], [1, 2]]))
    3
    """
    m = _as_matrix(a, "rowWidth")
    return _max(*[_max(*m.row(i)) - _min(*m.row(i)) for i in range(m.rows)])


def self_attention(x: Any, w_q: Any, w_k: Any, w_v: Any, beta: Any) -> sp.Matrix:
    """One attention head, SAtt(X) = softmax(β · X W_Q W_Kᵀ Xᵀ) · X W_V.

    The products are formed left to right, exactly as the parser forms
    ``softmax(beta*X*W_Q*W_K.T*X.T)*X*W_V``, so the two spellings give
    structurally identical expressions (proof steps rely on this).

    >>> x = sp.Matrix([[1], [1]])
    >>> self_attention(x, sp.Matrix([[1]]), sp.Matrix([[1]]), sp.Matrix([[2]]), 1)
    Matrix([
    [2],
    [2]])
    """
    xm = _as_matrix(x, "SAtt")
    q, k, v = (_as_matrix(w, "SAtt") for w in (w_q, w_k, w_v))
    if isinstance(beta, sp.MatrixBase):
        raise ExpressionError("SAtt(X, W_Q, W_K, W_V, beta): beta must be a scalar")
    logits = sp.sympify(beta) * xm * q * k.T * xm.T
    return softmax(logits) * xm * v


def summation(term: Any, index: Any, lo: Any, hi: Any) -> sp.Expr:
    """Σ_{index = lo}^{hi} term (a bound variable; ``Sum(g(j), j, 0, L-1)``).

    >>> j = sp.Symbol("j", integer=True)
    >>> summation(j, j, 0, 3).doit()
    6
    """
    if not isinstance(index, sp.Symbol) or not index.is_integer:
        raise ExpressionError(f"Sum(): the index must be an integer parameter, got {index!r}")
    if any(isinstance(v, sp.MatrixBase) for v in (term, lo, hi)):
        raise ExpressionError("Sum() sums scalars")
    return sp.Sum(sp.sympify(term), (index, sp.sympify(lo), sp.sympify(hi)))


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
    "minE": (min_entry, r"\min_{{ij}} ({0})_{{ij}}"),
    "maxE": (max_entry, r"\max_{{ij}} ({0})_{{ij}}"),
    "rowWidth": (row_width, r"\max_i (\max_j - \min_j)({0})_{{ij}}"),
    "SAtt": (self_attention, r"\operatorname{{SAtt}}({0})"),
    "Sum": (summation, r"\sum_{{{1}={2}}}^{{{3}}} {0}"),
    "ones": (ones, r"\mathbf{{1}}"),
    "eye": (eye, r"I"),
    "T": (transpose, r"{0}^\top"),
}

# Builtins for Dong et al. 2021 (norm1, normInf, norm1inf, frob, colmean) live in matrix_extra.
from boundprop.matrix_extra import EXTRA_BUILTINS  # noqa: E402

BUILTINS.update(EXTRA_BUILTINS)
