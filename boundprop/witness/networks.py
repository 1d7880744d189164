"""Batched float64 simulators of the networks of Alman & Song 2025 (papers.md section 1).

Every array carries a leading batch axis ``B`` (one entry per random draw), so one call
simulates many networks on many inputs at once:

* inputs ``X``: shape ``(B, n, d)``;
* weights (:class:`Weights`): ``wq`` and ``wk`` of shape ``(B, L, H, d, k)``, ``wv`` of
  shape ``(B, L, H, d, d)``.

The networks:

* :func:`forward`: multi-head self-attention with logit factor ``beta``,
  ``X_{l+1} = X_l + sum_h softmax(beta X_l W_Q W_K^T X_l^T) X_l W_V`` (with residuals) or
  without the ``X_l +`` term;
* :func:`collapsed`: the one-layer network ``S'`` of L-LIN,
  ``X + M X (prod_l (I + W_l) - I)`` with ``M = (1/n) 1 1^T`` and ``W_l = sum_h W_V^{l,h}``
  (without residuals: ``M X prod_l W_l``);
* :func:`zero_layer`: the baseline ``X -> X``.

Norms (:class:`Norm`): N1 is the entrywise maximum, N2 the operator infinity norm (largest
row sum of absolute values). :func:`draw_weights` and :func:`draw_inputs` sample inside the
ball of radius ``eta`` (``phi0``) of a norm, with a share of the draws on its boundary and at
its vertices, where maxima of convex functions sit.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from boundprop.errors import RangeError

Array = NDArray[np.float64]

__all__ = [
    "Array",
    "Norm",
    "NetworkConfig",
    "Weights",
    "norm",
    "res",
    "project",
    "draw_matrices",
    "draw_weights",
    "draw_inputs",
    "forward",
    "collapsed",
    "zero_layer",
    "weight_bytes",
]


class Norm(enum.StrEnum):
    """The two matrix norms of papers.md section 1.1."""

    N1 = "N1"  #: entrywise maximum ``max_ij |A_ij|``
    N2 = "N2"  #: operator infinity norm ``max_i sum_j |A_ij|``

    @classmethod
    def parse(cls, text: str) -> Norm:
        """Read ``"N1"``/``"n1"``/``"entrywise"`` or ``"N2"``/``"n2"``/``"operator"``.

        >>> Norm.parse("entrywise")
        <Norm.N1: 'N1'>
        """
        key = text.strip().lower()
        if key in ("n1", "entrywise", "max"):
            return cls.N1
        if key in ("n2", "operator", "inf", "row-sum"):
            return cls.N2
        raise RangeError(f"unknown norm {text!r}; use N1 (entrywise) or N2 (operator)")


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    """One network family: sizes, logit factor, weight and input radii, norm, residuals.

    Parameters
    ----------
    n, d, k : int
        Tokens, width and the inner dimension of ``W_Q W_K^T``.
    H, L : int
        Heads per layer and layers.
    beta : float
        Logit normalisation factor (``beta = 0`` gives exactly uniform attention).
    eta : float
        Radius of every weight matrix in ``norm``.
    phi0 : float
        Radius of the input in ``norm``.
    norm : Norm
        The norm of the constraints.
    residual : bool
        Skip connections on or off.
    qk_eta : float or None
        Radius of ``W_Q`` and ``W_K`` when it differs from ``eta`` (R1 holds for any
        ``W_Q, W_K``); ``None`` means ``eta``.

    Examples
    --------
    >>> cfg = NetworkConfig(n=4, d=3, k=2, H=2, L=3, beta=1.0, eta=0.1, phi0=1.0)
    >>> cfg.qk_radius
    0.1
    """

    n: int
    d: int
    k: int
    H: int
    L: int
    beta: float
    eta: float
    phi0: float
    norm: Norm = Norm.N1
    residual: bool = True
    qk_eta: float | None = None

    def __post_init__(self) -> None:
        for name in ("n", "d", "k", "H", "L"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise RangeError(f"{name} must be a positive integer, got {value!r}")
        for name in ("beta", "eta", "phi0"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise RangeError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.qk_eta is not None and (not math.isfinite(self.qk_eta) or self.qk_eta < 0):
            raise RangeError(f"qk_eta must be a finite number >= 0, got {self.qk_eta!r}")

    @property
    def qk_radius(self) -> float:
        """The radius actually used for ``W_Q`` and ``W_K``."""
        return self.eta if self.qk_eta is None else self.qk_eta

    def with_(self, **changes: object) -> NetworkConfig:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Weights:
    """The weights of ``B`` networks: ``wq, wk`` ``(B, L, H, d, k)``, ``wv`` ``(B, L, H, d, d)``."""

    wq: Array
    wk: Array
    wv: Array

    @property
    def batch(self) -> int:
        """Number of networks ``B``."""
        return int(self.wv.shape[0])

    def take(self, index: NDArray[np.intp] | slice) -> Weights:
        """The networks selected by ``index`` along the batch axis."""
        return Weights(self.wq[index], self.wk[index], self.wv[index])


def norm(a: Array, which: Norm) -> Array:
    """The norm of each matrix in a stack (over the last two axes).

    >>> a = np.array([[1.0, -2.0], [0.5, 0.5]])
    >>> float(norm(a, Norm.N1)), float(norm(a, Norm.N2))
    (2.0, 3.0)
    """
    absa = np.abs(a)
    if which is Norm.N1:
        return np.asarray(absa.max(axis=(-2, -1)), dtype=np.float64)
    if which is Norm.N2:
        return np.asarray(absa.sum(axis=-1).max(axis=-1), dtype=np.float64)
    raise RangeError(f"unknown norm {which!r}")


def res(x: Array) -> Array:
    """``Res(X) = X - 1 c^T`` with ``c`` the column-wise mid-range (papers.md 1.1).

    >>> res(np.array([[0.0, 1.0], [2.0, 5.0]])).tolist()
    [[-1.0, -2.0], [1.0, 2.0]]
    """
    c = 0.5 * (x.max(axis=-2, keepdims=True) + x.min(axis=-2, keepdims=True))
    return np.asarray(x - c, dtype=np.float64)


def project(a: Array, which: Norm, radius: float) -> Array:
    """Map a stack of matrices into the ball ``norm <= radius`` (new array).

    N1 clips each entry to ``[-radius, radius]`` (the Euclidean projection). N2 scales down
    each row whose absolute sum exceeds ``radius``; this is a retraction onto the ball, not
    the Euclidean projection, and is what the adversarial search needs: feasible output,
    identity inside the ball.

    >>> project(np.array([[3.0, -1.0], [0.1, 0.2]]), Norm.N2, 1.0).tolist()
    [[0.75, -0.25], [0.1, 0.2]]
    """
    if which is Norm.N1:
        return np.clip(a, -radius, radius)
    if which is Norm.N2:
        rows = np.abs(a).sum(axis=-1, keepdims=True)
        scale = np.where(rows > radius, radius / np.where(rows > 0, rows, 1.0), 1.0)
        out = np.asarray(a * scale, dtype=np.float64)
        # Rounding of the division can leave a row one ulp above the radius; shrink it.
        over = np.abs(out).sum(axis=-1, keepdims=True) > radius
        if over.any():
            out = np.where(over, out * (1.0 - 4.0 * np.finfo(np.float64).eps), out)
        return out
    raise RangeError(f"unknown norm {which!r}")


def draw_matrices(rng: np.random.Generator, shape: tuple[int, ...], which: Norm, radius: float) -> Array:
    """Random matrices (last two axes) in the ball ``norm <= radius``.

    The leading axis is split into three kinds, cycling: interior draws (uniform entries,
    then scaled into the ball by a uniform factor), boundary draws (scaled so that the norm
    equals the radius) and vertex draws (N1: entries ``+-radius``; N2: one ``+-radius``
    entry per row), so that maxima on the boundary are sampled as well as typical points.

    >>> rng = np.random.default_rng(0)
    >>> m = draw_matrices(rng, (6, 3, 4), Norm.N2, 0.5)
    >>> bool((norm(m, Norm.N2) <= 0.5).all())
    True
    """
    if radius == 0.0:
        return np.zeros(shape)
    if which not in (Norm.N1, Norm.N2):
        raise RangeError(f"unknown norm {which!r}")
    out = rng.random(size=shape)
    out *= 2.0
    out -= 1.0  # uniform in [-1, 1)
    lead_shape = (1,) * (len(shape) - 1)
    interior, boundary, vertex = out[0::3], out[1::3], out[2::3]  # views into out
    if which is Norm.N1:
        flat = boundary.reshape(boundary.shape[0], math.prod(shape[1:]))  # also for 0 rows
        peak = np.maximum(flat.max(axis=1), -flat.min(axis=1)).reshape((-1,) + lead_shape)
        boundary /= np.where(peak > 0, peak, 1.0)  # the largest entry becomes exactly +-1
        boundary *= radius
        np.copysign(radius, vertex, out=vertex)
        interior *= radius * rng.uniform(0.0, 1.0, size=interior.shape[:1] + lead_shape)
        return out
    for part in (interior, boundary):
        rows = np.abs(part).sum(axis=-1, keepdims=True)
        part /= np.where(rows > 0, rows, 1.0)  # every row on the unit sphere
    interior *= rng.uniform(0.0, 1.0, size=interior.shape[:1] + lead_shape)
    # Vertices of the row-l1 ball: one signed unit entry per row.
    cols = np.abs(vertex).argmax(axis=-1)[..., None]
    signs = np.take_along_axis(np.sign(vertex), cols, axis=-1)
    vertex[...] = 0.0
    np.put_along_axis(vertex, cols, signs, axis=-1)
    out *= radius
    return project(out, which, radius)  # rounding of row sums can overshoot by an ulp


def draw_weights(cfg: NetworkConfig, batch: int, rng: np.random.Generator) -> Weights:
    """``batch`` networks of family ``cfg`` with every weight in its norm ball.

    >>> cfg = NetworkConfig(n=4, d=3, k=2, H=2, L=2, beta=1.0, eta=0.1, phi0=1.0)
    >>> w = draw_weights(cfg, 5, np.random.default_rng(1))
    >>> w.wv.shape, bool((norm(w.wv, cfg.norm) <= 0.1).all())
    ((5, 2, 2, 3, 3), True)
    """
    base = (batch, cfg.L, cfg.H, cfg.d)
    wq = draw_matrices(rng, base + (cfg.k,), cfg.norm, cfg.qk_radius)
    wk = draw_matrices(rng, base + (cfg.k,), cfg.norm, cfg.qk_radius)
    wv = draw_matrices(rng, base + (cfg.d,), cfg.norm, cfg.eta)
    return Weights(wq, wk, wv)


def draw_inputs(cfg: NetworkConfig, batch: int, rng: np.random.Generator) -> Array:
    """``batch`` inputs ``X`` of shape ``(n, d)`` with ``norm(X) <= phi0``."""
    return draw_matrices(rng, (batch, cfg.n, cfg.d), cfg.norm, cfg.phi0)


# exp overflows above about 709.78; below this bound the shift by the row maximum is
# unnecessary (softmax is shift-invariant) and is skipped to save a pass over (n, n) arrays.
_EXP_SAFE = 600.0

#: Truncation error allowed for the Taylor polynomial of ``exp`` on small logits, relative
#: to ``exp(s)``: 2**-60, 128 times below the unit roundoff 2**-53 of float64 (and of
#: np.exp), so the polynomial is as accurate as np.exp.
_TAYLOR_TOL = 2.0**-60
#: Highest Taylor degree used. Degree m costs 2m in-place passes over the logits (about
#: 0.3 ns per entry each while they are in the L2 cache, 1 ns from memory); np.exp costs
#: about 9 ns per entry (scalar libm: numpy has no AVX2 float64 exp).
_TAYLOR_MAX_DEGREE = 8
#: Bytes of logits processed at a time (a block of draws and heads): with them, the
#: block's (E_h [X 1])^T and (P_h X)^T stay in the L2 cache (512 KB per core here) from the
#: product that writes the logits to the product with W_V. Measured on the large benchmark
#: (n = 128, H = 8, so one head per block): a layer takes 3.0 ms against 3.5 ms with two
#: heads per block, 3.8 ms with four and 4.9 ms with all eight (1 MB of logits).
_BLOCK_BYTES = 128 << 10
_INV_FACTORIAL = tuple(1.0 / math.factorial(j) for j in range(_TAYLOR_MAX_DEGREE + 1))


def _taylor_degree(delta: float) -> int | None:
    """The least degree ``m`` with ``|exp(s) - sum_{j<=m} s^j/j!| <= _TAYLOR_TOL exp(s)``
    for every ``|s| <= delta``, or ``None`` if it exceeds :data:`_TAYLOR_MAX_DEGREE`.

    The remainder is at most ``delta^(m+1)/(m+1)! e^delta`` and ``exp(s) >= e^-delta``.

    >>> _taylor_degree(0.0), _taylor_degree(1e-4), _taylor_degree(1.0)
    (1, 4, None)
    """
    if not 0.0 <= delta < 1.0:  # also rejects nan
        return None
    growth = math.exp(2.0 * delta)
    term = delta  # delta^(m+1)/(m+1)! for m = 0
    for degree in range(1, _TAYLOR_MAX_DEGREE + 1):
        term *= delta / (degree + 1)
        if term * growth <= _TAYLOR_TOL:
            return degree
    return None


def _exp_taylor(s: Array, degree: int, work: Array) -> Array:
    """``sum_{j=0..degree} s^j/j!`` (Horner, ``2 degree`` passes): into ``work``, or over
    ``s`` when ``degree == 1``. The result is the returned array."""
    c = _INV_FACTORIAL
    if degree == 1:
        return np.add(s, 1.0, out=s)
    np.multiply(s, c[degree], out=work)
    np.add(work, c[degree - 1], out=work)
    for j in range(degree - 2, -1, -1):
        np.multiply(work, s, out=work)
        np.add(work, c[j], out=work)
    return work


def _cat_heads(w: Array) -> Array:
    """``(B, H, d, m)`` to ``(B, d, H*m)``: the heads side by side."""
    b, heads, d, m = w.shape
    return np.ascontiguousarray(w.transpose(0, 2, 1, 3)).reshape(b, d, heads * m)


def _layer_update(x: Array, wq: Array, wk: Array, wv: Array, beta: float, block: int = 1) -> Array:
    """``sum_h softmax(beta X W_Q W_K^T X^T) X W_V`` for one layer, batched.

    ``x`` is ``(B, n, d)``, ``wq, wk`` are ``(B, H, d, k)`` and ``wv`` ``(B, H, d, d)``;
    heads are processed ``block`` at a time, so that everything a block touches stays in
    the L2 cache.

    * The queries and keys of all heads are two products ``X [W_Q^1 ... W_Q^H]``.
    * Per block of heads: the logits ``Q_h K_h^T`` (read in place, leading dimension
      ``H k``); ``exp`` in place; ``(E_h [X 1])^T = [X 1]^T E_h^T``, ``(d + 1, n)`` per
      head, whose last row holds the softmax denominators (the column of ones); the
      division by them along rows of length ``n``, giving ``(P_h X)^T``; and the block's
      share of ``sum_h (P_h X) W_h``, one product with inner dimension ``block d``
      (``(P_h X)^T`` read as a transposed matrix), added to the layer's output.
    * ``exp``: when Cauchy-Schwarz bounds every logit by ``delta`` with a Taylor degree
      ``m <= 8`` accurate to 2**-60 (:func:`_taylor_degree`), the Horner polynomial (2m
      passes over cached logits, about 0.3 ns per entry each) replaces np.exp (scalar
      libm, about 9 ns per entry); otherwise np.exp, after subtracting the row maximum when
      logits could overflow.
    """
    b, n, d = x.shape
    heads, k = wq.shape[1], wq.shape[3]
    if beta == 0.0:
        # Exactly uniform attention: every row of softmax(0) is 1/n.
        mean = x.mean(axis=1, keepdims=True)  # (B, 1, d)
        stacked = np.broadcast_to(mean[:, :, None, :], (b, n, heads, d)).reshape(b, n, heads * d)
        return np.asarray(np.matmul(stacked, wv.reshape(b, heads * d, d)), dtype=np.float64)
    q = np.matmul(x, _cat_heads(wq))  # (B, n, H*k)
    q *= beta
    kk = np.matmul(x, _cat_heads(wk))
    q4 = q.reshape(b, n, heads, k)
    k4 = kk.reshape(b, n, heads, k)
    # Cauchy-Schwarz: |logit_ij| <= |q_i|_2 |k_j|_2 (with a margin for rounding).
    qn = np.sqrt(np.einsum("bihk,bihk->bhi", q4, q4).max(axis=-1))
    kn = np.sqrt(np.einsum("bihk,bihk->bhi", k4, k4).max(axis=-1))
    delta = 1.01 * float((qn * kn).max())
    degree = _taylor_degree(delta)
    xt = np.empty((b, 1, d + 1, n))  # [X 1]^T, broadcast over the heads of a block
    xt[:, 0, :d] = x.swapaxes(-1, -2)
    xt[:, 0, d] = 1.0
    block = max(1, min(block, heads))
    logits = np.empty((b, block, n, n))
    work = np.empty_like(logits) if degree is not None and degree > 1 else logits
    ex = np.empty((b, block, d + 1, n))
    px_t = np.empty((b, block, d, n))
    out: Array | None = None
    for lo in range(0, heads, block):
        hi = min(lo + block, heads)
        m = hi - lo
        s = logits[:, :m]
        np.matmul(q4[:, :, lo:hi].transpose(0, 2, 1, 3), k4[:, :, lo:hi].transpose(0, 2, 3, 1), out=s)
        if degree is not None:
            e = _exp_taylor(s, degree, work[:, :m])
        else:
            if not delta <= _EXP_SAFE:
                s -= s.max(axis=-1, keepdims=True)
            e = np.exp(s, out=s)
        np.matmul(xt, e.swapaxes(-1, -2), out=ex[:, :m])  # (E_h [X 1])^T
        np.divide(ex[:, :m, :d], ex[:, :m, d:], out=px_t[:, :m])  # (P_h X)^T
        # sum over the block's heads of (P_h X) W_h: one product, inner dimension m*d.
        part = np.matmul(px_t[:, :m].reshape(b, m * d, n).swapaxes(-1, -2), wv[:, lo:hi].reshape(b, m * d, d))
        if out is None:
            out = part
        else:
            out += part
    assert out is not None
    return out


def forward(
    x: Array,
    weights: Weights,
    beta: float,
    residual: bool = True,
    trace: Callable[[int, Array], None] | None = None,
) -> Array:
    """``S(X)`` for a batch of networks and inputs.

    Parameters
    ----------
    x : ndarray, shape (B, n, d)
        Inputs (not modified).
    weights : Weights
        ``B`` networks.
    beta : float
        Logit factor.
    residual : bool
        ``X_{l+1} = X_l + sum_h SAtt`` when true, ``sum_h SAtt`` when false.
    trace : callable, optional
        Called as ``trace(l, X_l)`` for ``l = 0..L`` (the array must not be kept).

    Examples
    --------
    >>> cfg = NetworkConfig(n=4, d=3, k=2, H=2, L=2, beta=0.0, eta=0.1, phi0=1.0)
    >>> rng = np.random.default_rng(0)
    >>> w, x = draw_weights(cfg, 3, rng), draw_inputs(cfg, 3, rng)
    >>> bool(np.allclose(forward(x, w, 0.0), collapsed(x, w)))
    True
    """
    state = np.array(x, dtype=np.float64, copy=True)
    batch, n = state.shape[0], state.shape[1]
    layers, heads = weights.wv.shape[1], weights.wv.shape[2]
    # Draws simulated together, and heads exponentiated together, so that a block of
    # logits fits in _BLOCK_BYTES.
    per_head = 8 * n * n
    group = max(1, _BLOCK_BYTES // (per_head * heads))
    block = heads if per_head * heads <= _BLOCK_BYTES else max(1, _BLOCK_BYTES // per_head)
    if trace is not None:
        trace(0, state)
    for layer in range(layers):
        wq, wk, wv = weights.wq[:, layer], weights.wk[:, layer], weights.wv[:, layer]
        if batch <= group:
            update = _layer_update(state, wq, wk, wv, beta, block)
        else:
            update = np.empty_like(state)
            for lo in range(0, batch, group):
                hi = lo + group
                update[lo:hi] = _layer_update(state[lo:hi], wq[lo:hi], wk[lo:hi], wv[lo:hi], beta, block)
        if residual:
            state += update
        else:
            state = update
        if trace is not None:
            trace(layer + 1, state)
    return state


def collapsed(x: Array, weights: Weights, residual: bool = True) -> Array:
    """The one-layer network ``S'`` of L-LIN, batched.

    With residuals ``S'(X) = X + M X (prod_l (I + W_l) - I)``; without,
    ``S'(X) = M X prod_l W_l``; ``M = (1/n) 1 1^T``, ``W_l = sum_h W_V^{l,h}``, the product
    taken in layer order ``(I + W_0)(I + W_1)...``.
    """
    wsum = weights.wv.sum(axis=2)  # (B, L, d, d)
    b, layers, d, _ = wsum.shape
    mean_row = x.mean(axis=1, keepdims=True)  # (B, 1, d) = rows of M X
    if residual:
        # Row m = mean row of X; S'(X) = X + 1 (m prod_l (I + W_l) - m).
        acc = np.array(mean_row, copy=True)
        for layer in range(layers):
            acc = acc + np.matmul(acc, wsum[:, layer])
        return np.asarray(x + (acc - mean_row), dtype=np.float64)
    acc = np.array(mean_row, copy=True)
    for layer in range(layers):
        acc = np.matmul(acc, wsum[:, layer])
    return np.asarray(np.broadcast_to(acc, x.shape).copy(), dtype=np.float64)


def zero_layer(x: Array) -> Array:
    """The zero-layer baseline ``X -> X`` (a copy)."""
    return np.array(x, dtype=np.float64, copy=True)


def weight_bytes(cfg: NetworkConfig) -> int:
    """Bytes of float64 weights per network (for chunking batches).

    >>> weight_bytes(NetworkConfig(n=2, d=2, k=1, H=1, L=1, beta=1.0, eta=0.1, phi0=1.0))
    64
    """
    return 8 * cfg.L * cfg.H * cfg.d * (2 * cfg.k + cfg.d)
