"""Matrix functions for statements over matrices of fixed small size.

A matrix statement is checked by instantiation: for concrete sizes, every
matrix variable becomes an explicit sympy Matrix of scalar entry symbols and
the functions below compute explicit scalar expressions (Max, Abs, exp), so
the scalar backends decide the result. Names follow papers.md §1.1 (and §2
for Dong et al.'s norm1, normInf, norm1inf, frob, colmean). This is the one
registry of matrix built-ins (``BUILTINS``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from boundprop.errors import ExpressionError, UnsupportedError

__all__ = [
    "BUILTINS",
    "MATRIX_DOCS",
    "SCALAR_DOCS",
    "SCALAR_VALUED",
    "column_mean",
    "diag",
    "entry",
    "exp_entrywise",
    "expm",
    "eye",
    "frobenius",
    "hadamard",
    "max_entry",
    "midrange",
    "min_entry",
    "norm2_le",
    "norm_1",
    "norm_1inf",
    "norm_2",
    "norm_n1",
    "norm_n2",
    "ones",
    "reference_markdown",
    "res",
    "row_width",
    "self_attention",
    "softmax",
    "sum_entries",
    "summation",
    "trace",
    "transpose",
]


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
    """N2, the operator ∞-norm: max_i Σ_j |a_ij| (the largest absolute row sum).

    The name is the paper's (Alman & Song's norm "N2"), not the spectral norm
    ‖·‖₂: ``normN2`` and ``normInf`` (its honest name) are this one function;
    the spectral norm is ``norm2`` / ``norm2le``.

    >>> norm_n2(sp.Matrix([[1, -3], [2, 0]]))
    4
    """
    m = _as_matrix(a, "normN2")
    return _max(*[sum((_abs(x) for x in m.row(i)), sp.Integer(0)) for i in range(m.rows)])


def norm_1(a: Any) -> sp.Expr:
    """The operator 1-norm ‖A‖₁: the largest absolute column sum (‖Aᵀ‖∞).

    >>> norm_1(sp.Matrix([[1, -3], [2, 0]]))
    3
    """
    return norm_n2(_as_matrix(a, "norm1").T)


def norm_1inf(a: Any) -> sp.Expr:
    """Dong et al.'s composite quantity ‖A‖_{1,∞} = √(‖A‖₁‖A‖∞).

    It is positive definite and absolutely homogeneous but not subadditive,
    so it is not a norm (the lemma file checks this).

    >>> norm_1inf(sp.Matrix([[1, 1], [0, 0]]))
    sqrt(2)
    """
    m = _as_matrix(a, "norm1inf")
    return sp.sqrt(norm_1(m) * norm_n2(m))


def frobenius(a: Any) -> sp.Expr:
    """The Frobenius norm √(Σ_ij a_ij²).

    >>> frobenius(sp.Matrix([[3, 0], [0, 4]]))
    5
    """
    m = _as_matrix(a, "frob")
    return sp.sqrt(sum((x**2 for x in m), sp.Integer(0)))


def column_mean(a: Any) -> sp.Matrix:
    """The mean row x̄ = (1/n)·1ᵀA as a 1×d matrix.

    >>> column_mean(sp.Matrix([[1, 2], [3, 6]]))
    Matrix([[2, 4]])
    """
    m = _as_matrix(a, "colmean")
    return sp.Matrix([[sum(m.col(j), sp.Integer(0)) / m.rows for j in range(m.cols)]])


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


def _size(value: Any, fn: str) -> int:
    """A concrete matrix dimension, or an error that says why there is none.

    A symbolic size (``eye(n)`` where n is a parameter) has no matrix: matrix
    statements are instantiated at each size of the node's ``sizes``, where n
    is a number.
    """
    if isinstance(value, sp.MatrixBase):
        raise ExpressionError(f"{fn}() takes a size, got a matrix")
    size = sp.sympify(value)
    if not size.is_Integer:
        raise ExpressionError(
            f"{fn}({size}): the size must be a number here; a matrix of symbolic size {size} exists only when "
            f"the statement is instantiated at fixed sizes (use {fn}({size}) in a node with matrix variables "
            f"and a 'sizes' bound for {size}, or write a number)"
        )
    if size < 1:
        raise ExpressionError(f"{fn}({size}): a size must be at least 1")
    return int(size)


def ones(rows: Any, cols: Any = 1) -> sp.Matrix:
    """The all-ones matrix (``ones(n)`` is the column vector 1).

    >>> ones(2).T
    Matrix([[1, 1]])
    """
    return sp.ones(_size(rows, "ones"), _size(cols, "ones"))


def eye(size: Any) -> sp.Matrix:
    """The identity matrix; a symbolic size is an error naming the remedy.

    >>> eye(2)
    Matrix([
    [1, 0],
    [0, 1]])
    >>> eye(sp.Symbol("n", integer=True))
    Traceback (most recent call last):
    ...
    boundprop.errors.ExpressionError: eye(n): the size must be a number here; ...
    """
    return sp.eye(_size(size, "eye"))


def diag(v: Any) -> sp.Matrix:
    """The square diagonal matrix with the entries of a row or column vector.

    >>> diag(sp.Matrix([1, 2]))
    Matrix([
    [1, 0],
    [0, 2]])
    """
    m = _as_matrix(v, "diag")
    if m.rows != 1 and m.cols != 1:
        raise ExpressionError(f"diag() takes a row or column vector, got a {m.rows}x{m.cols} matrix")
    return sp.diag(*list(m))


def hadamard(a: Any, b: Any) -> sp.Matrix:
    """The entrywise (Hadamard) product A ∘ B of two matrices of one shape.

    >>> hadamard(sp.Matrix([[1, 2]]), sp.Matrix([[3, -1]]))
    Matrix([[3, -2]])
    """
    x, y = _as_matrix(a, "hadamard"), _as_matrix(b, "hadamard")
    if x.shape != y.shape:
        raise ExpressionError(f"hadamard() needs matrices of one shape, got {x.rows}x{x.cols} and {y.rows}x{y.cols}")
    return x.multiply_elementwise(y)


def entry(a: Any, i: Any, j: Any = 1) -> sp.Expr:
    """The entry A_ij, counted from 1 (``entry(A, i, j)``; ``entry(v, i)`` of a
    column vector). The parser has no subscripts; the indices must be numbers
    or sizes (``entry(A, n, d)`` is the last entry).

    >>> entry(sp.Matrix([[1, 2], [3, 4]]), 2, 1)
    3
    """
    m = _as_matrix(a, "entry")
    row, col = _size(i, "entry"), _size(j, "entry")
    if row > m.rows or col > m.cols:
        raise ExpressionError(f"entry(A, {row}, {col}) is outside a {m.rows}x{m.cols} matrix (indices count from 1)")
    return sp.sympify(m[row - 1, col - 1])


def sum_entries(a: Any) -> sp.Expr:
    """The sum of all entries (``sumE(p) = 1`` says the entries of p sum to one).

    >>> sum_entries(sp.Matrix([[1, 2], [3, -4]]))
    2
    """
    return sp.Add(*_as_matrix(a, "sumE"))


def trace(a: Any) -> sp.Expr:
    """The trace of a square matrix.

    >>> trace(sp.Matrix([[1, 2], [3, 4]]))
    5
    """
    m = _as_matrix(a, "trace")
    if m.rows != m.cols:
        raise ExpressionError(f"trace() needs a square matrix, got {m.rows}x{m.cols}")
    return sp.Add(*[m[i, i] for i in range(m.rows)])


def norm_2(a: Any) -> sp.Expr:
    """The spectral norm ‖A‖₂ = √λ_max(AᵀA), in closed form when the smaller
    dimension is at most 2: √ of the largest eigenvalue of the smaller Gram
    matrix (AAᵀ or AᵀA, which have the same non-zero eigenvalues), with
    λ_max = (a + c + √((a − c)² + 4b²))/2 for the Gram matrix [[a, b], [b, c]].
    Larger sizes have no closed form here (a cubic's largest root needs
    trigonometric or complex radicals): write ``norm2le(A, c)`` instead.

    >>> norm_2(sp.Matrix([[3, 0], [0, -4]]))
    4
    >>> norm_2(sp.Matrix([[1, 1], [1, 1]]))
    2
    """
    m = _as_matrix(a, "norm2")
    if min(m.shape) == 1:
        return sp.sqrt(sp.Add(*[x**2 for x in m]))
    if min(m.shape) > 2:
        raise UnsupportedError(
            f"norm2() of a {m.rows}x{m.cols} matrix has no closed form here (both dimensions exceed 2): "
            "write norm2le(A, c) for 'the spectral norm of A is at most c', decided exactly at any size"
        )
    gram = m * m.T if m.rows <= m.cols else m.T * m
    g11, g12, g22 = gram[0, 0], gram[0, 1], gram[1, 1]
    return sp.sqrt((g11 + g22 + sp.sqrt((g11 - g22) ** 2 + 4 * g12**2)) / 2)


def _principal_minors(m: sp.Matrix) -> list[sp.Expr]:
    from itertools import combinations

    size = m.rows
    return [
        sp.expand(m.extract(list(rows), list(rows)).det(method="berkowitz"))
        for k in range(1, size + 1)
        for rows in combinations(range(size), k)
    ]


def _symmetric(m: sp.Matrix) -> bool:
    return m.rows == m.cols and all(sp.expand(m[i, j] - m[j, i]) == 0 for i in range(m.rows) for j in range(i))


def norm2_le(a: Any, c: Any) -> sp.Basic:
    """The exact statement ‖A‖₂ ≤ c, at any fixed size, without eigenvalues.

    ‖A‖₂ ≤ c holds exactly when c ≥ 0 and c²I − AᵀA is positive
    semidefinite, and a symmetric matrix is positive semidefinite exactly when
    *every* principal minor (not only the leading ones) is non-negative. For a
    symmetric A (checked structurally: A − Aᵀ expands to 0) the cheaper
    equivalent form is used, ‖A‖₂ = max |λ_i(A)| ≤ c ⇔ cI − A ⪰ 0 and
    cI + A ⪰ 0. The result is a conjunction of polynomial inequalities
    (z3's nlsat decides it at small sizes).

    >>> x = sp.Symbol("x", real=True)
    >>> norm2_le(sp.Matrix([[x]]), 1) == sp.And(1 - x >= 0, x + 1 >= 0)
    True
    >>> norm2_le(sp.Matrix([[1, 1], [0, 0]]), sp.sqrt(2)), norm2_le(sp.Matrix([[1, 1], [0, 0]]), 1)
    (True, False)
    """
    m = _as_matrix(a, "norm2le")
    if isinstance(c, sp.MatrixBase):
        raise ExpressionError("norm2le(A, c): c must be a scalar")
    bound = sp.sympify(c)
    if _symmetric(m):
        eye_n = sp.eye(m.rows)
        minors = _principal_minors(bound * eye_n - m) + _principal_minors(bound * eye_n + m)
        return sp.And(*[sp.Ge(x, 0) for x in minors])
    small = m * m.T if m.rows <= m.cols else m.T * m
    minors = _principal_minors(bound**2 * sp.eye(small.rows) - small)
    return sp.And(sp.Ge(bound, 0), *[sp.Ge(x, 0) for x in minors])


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
    "diag": (diag, r"\operatorname{{diag}}({0})"),
    "hadamard": (hadamard, r"{0} \circ {1}"),
    "entry": (entry, r"({0})_{{{1}{2}}}"),
    "sumE": (sum_entries, r"\textstyle\sum_{{ij}} ({0})_{{ij}}"),
    "trace": (trace, r"\operatorname{{tr}}({0})"),
    "norm2": (norm_2, r"\|{0}\|_{{2}}"),
    "norm2le": (norm2_le, r"\|{0}\|_{{2}} \le {1}"),
    # the norms of Dong et al. 2021; normInf is normN2 under its honest name
    "norm1": (norm_1, r"\|{0}\|_{{1}}"),
    "normInf": (norm_n2, r"\|{0}\|_{{\infty}}"),
    "norm1inf": (norm_1inf, r"\|{0}\|_{{1,\infty}}"),
    "frob": (frobenius, r"\|{0}\|_{{F}}"),
    "colmean": (column_mean, r"\bar{{{0}}}"),
}


# ---------------------------------------------------------------------------
# The reference of every built-in (docs/lemma-format.md, "Built-in functions",
# is generated by :func:`reference_markdown` and checked against it by a test).

# matrix built-in -> (what it is, where it is defined / what shapes it takes)
MATRIX_DOCS: dict[str, tuple[str, str]] = {
    "normN1": ("Alman & Song's N1: the entrywise max norm max_ij abs(a_ij)", "any matrix"),
    "normN2": (
        "Alman & Song's N2: the operator inf-norm, the largest absolute row sum (the same function as "
        "`normInf`; **not** the spectral norm, which is `norm2`)",
        "any matrix",
    ),
    "Res": ("A - 1c^T with c the column-wise mid-range (max + min)/2", "any matrix"),
    "softmax": ("row-wise softmax exp(a_ij) / sum_k exp(a_ik)", "any matrix"),
    "expE": ("entrywise exponential", "any matrix"),
    "expm": ("matrix exponential", "square; numeric (checked at exact points only)"),
    "minE": ("smallest entry", "any matrix"),
    "maxE": ("largest entry", "any matrix"),
    "rowWidth": ("largest row spread max_i (max_j a_ij - min_j a_ij)", "any matrix"),
    "SAtt": ("one attention head softmax(beta X W_Q W_K^T X^T) X W_V", "`SAtt(X, W_Q, W_K, W_V, beta)`, beta scalar"),
    "Sum": ("`Sum(term, j, lo, hi)`: the sum over an integer index j from lo to hi", "j an integer parameter"),
    "ones": ("`ones(r, c)`: the all-ones matrix (`ones(n)` is the column vector 1)", "sizes must be numbers at "
             "instantiation; a symbolic size is an error"),
    "eye": ("`eye(n)`: the identity matrix", "n must be a number at instantiation; a symbolic size is an error"),
    "T": ("`T(A)`: the transpose (also `A.T`)", "any matrix"),
    "diag": ("`diag(v)`: the square diagonal matrix with the entries of v", "a row or column vector"),
    "hadamard": ("`hadamard(A, B)`: the entrywise (Hadamard) product A o B", "A and B of one shape"),
    "entry": (
        "`entry(A, i, j)`: the entry A_ij counted from 1 (`entry(v, i)` for a column vector); the parser has no "
        "subscripts",
        "i, j numbers or sizes within the shape",
    ),
    "sumE": ("sum of all entries (`sumE(p) == 1`)", "any matrix"),
    "trace": ("trace", "square"),
    "norm2": (
        "spectral norm sqrt(lambda_max(A^T A)), closed form via the smaller 2x2 Gram matrix",
        "min(rows, cols) <= 2; larger sizes are an error naming `norm2le`",
    ),
    "norm2le": (
        "`norm2le(A, c)`: the exact statement spectral norm of A <= c: c >= 0 and every principal minor of "
        "c^2 I - A^T A is >= 0 (for symmetric A: of cI - A and cI + A)",
        "any fixed size; c scalar",
    ),
    "norm1": ("operator 1-norm, the largest absolute column sum", "any matrix"),
    "normInf": ("operator inf-norm, the largest absolute row sum (the honest name of `normN2`)", "any matrix"),
    "norm1inf": ("Dong et al.'s sqrt(norm1(A) normInf(A)) (not a norm)", "any matrix"),
    "frob": ("Frobenius norm sqrt(sum a_ij^2)", "any matrix"),
    "colmean": ("the mean row (1/n) 1^T A, a 1 x d matrix", "any matrix"),
}

# scalar built-in (canonical name) -> what it is
SCALAR_DOCS: dict[str, str] = {
    "exp": "exponential", "log": "natural logarithm; `log(x, b)` to base b", "sqrt": "square root",
    "Abs": "absolute value", "Min": "minimum of its arguments", "Max": "maximum of its arguments",
    "floor": "largest integer <= x", "ceiling": "smallest integer >= x",
    "Piecewise": "`Piecewise((value, condition), ...)`", "Eq": "equality as a condition",
    "Ne": "inequality as a condition", "And": "conjunction", "Or": "disjunction", "Not": "negation",
    "pi": "the constant pi", "E": "the constant e", "oo": "infinity (in ranges)",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def reference_markdown() -> str:
    """The two tables of built-ins (scalar: always available; matrix: declared
    in ``[defs]`` with ``builtin = "NAME"``), from the registries.

    >>> "| `diag` |" in reference_markdown()
    True
    """
    from boundprop.expr.builtins import BUILTINS as SCALAR

    x, b = sp.Symbol("x", real=True), sp.Symbol("b", real=True)
    lines = [
        "Scalar built-ins (every math string may use them, no declaration):",
        "",
        "| name | spellings | meaning | LaTeX | domain |",
        "|---|---|---|---|---|",
    ]
    for fn in SCALAR:
        if fn.is_constant:
            domain = "constant"
        else:
            least = fn.arity[0] if fn.arity else 1
            args = [x, b][: max(1, least)] if fn.name == "log" else [x] * least
            conditions = fn.conditions(args) if fn.domain is not None else []
            domain = "; ".join(f"`{c}` ({why})" for c, why in conditions) if conditions else "total"
            if fn.name == "log":
                domain += "; with a base b: `b > 0`, `b != 1`"
        spellings = ", ".join(f"`{n}`" for n in fn.names)
        lines.append(
            f"| `{fn.name}` | {spellings} | {_cell(SCALAR_DOCS[fn.name])} | `{_cell(fn.latex)}` | {_cell(domain)} |"
        )
    lines += [
        "",
        'Matrix built-ins (declare each in `[defs]`: `diag = { builtin = "diag" }`; a matrix statement is '
        "instantiated at every size of the node's `sizes`, where they compute explicit entries):",
        "",
        "| name | meaning | LaTeX template | arguments and domain |",
        "|---|---|---|---|",
    ]
    for name in BUILTINS:
        meaning, domain = MATRIX_DOCS[name]
        template = BUILTINS[name][1].replace("{{", "{").replace("}}", "}")
        lines.append(f"| `{name}` | {_cell(meaning)} | `{_cell(template)}` | {_cell(domain)} |")
    return "\n".join(lines) + "\n"


# the built-ins whose value is a scalar (or, for norm2le, a condition), not a
# matrix: renderers typeset them as commutative functions
SCALAR_VALUED: frozenset[str] = frozenset(
    {"normN1", "normN2", "minE", "maxE", "rowWidth", "Sum", "entry", "sumE", "trace", "norm2", "norm2le",
     "norm1", "normInf", "norm1inf", "frob"}
)
