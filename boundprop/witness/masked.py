"""Masked attention dynamics with optional LayerNorm (Wu et al. 2024, papers.md section 3).

The dynamics, batched over inputs ``X`` of shape ``(B, n, d)``::

    X_{t+1} = LN( A_t X_t W_V ),   A_t = softmax_G( beta X_t W_Q W_K^T X_t^T )

where ``softmax_G`` is the row-wise softmax restricted to the mask graph ``G`` (token ``i``
attends to ``j`` iff ``G[i, j]``; self-loops always present) and ``LN`` is one of
:class:`LayerNorm`. Collapse is measured by ``mu(X) = |X - 1 xbar^T|_F`` (``xbar`` the mean
row); since ``W_V`` and LayerNorm change the scale, the rate is fitted on the
scale-free ``mu(X) / |X|_F``.

Everything returns plain frozen dataclasses (:class:`MaskedRun`); nothing prints.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass

import numpy as np

from boundprop.errors import RangeError
from boundprop.witness.networks import Array

__all__ = [
    "MaskKind",
    "LayerNorm",
    "mask_graph",
    "graph_radius",
    "mu",
    "numerical_rank",
    "masked_step",
    "MaskedRun",
    "simulate_masked",
    "fit_rate",
    "rotation",
    "uniform_rate",
]


class MaskKind(enum.StrEnum):
    """Mask graphs: ``complete``, ``ring`` and ``path`` (window of radius ``r``), ``star``
    (every token attends to token 0 and itself, token 0 to everyone), ``causal`` (``j <= i``)
    and ``causal-window`` (``i - r <= j <= i``)."""

    COMPLETE = "complete"
    RING = "ring"
    PATH = "path"
    STAR = "star"
    CAUSAL = "causal"
    CAUSAL_WINDOW = "causal-window"


class LayerNorm(enum.StrEnum):
    """``none``; ``sphere``: each token divided by its Euclidean norm (the LayerNorm of Wu
    et al., centring absorbed into ``W_V``); ``standard``: each token centred over its
    features and scaled to unit root mean square."""

    NONE = "none"
    SPHERE = "sphere"
    STANDARD = "standard"


def mask_graph(kind: MaskKind | str, n: int, r: int = 1) -> Array:
    """The adjacency matrix (0/1 floats, self-loops on) of a mask graph on ``n`` tokens.

    >>> mask_graph("ring", 5, 1).astype(int).tolist()[0]
    [1, 1, 0, 0, 1]
    >>> mask_graph("causal", 3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    kind = MaskKind(kind)
    if n < 1 or r < 0:
        raise RangeError(f"mask needs n >= 1 and r >= 0, got n={n}, r={r}")
    i, j = np.indices((n, n))
    if kind is MaskKind.COMPLETE:
        adj = np.ones((n, n), dtype=bool)
    elif kind is MaskKind.RING:
        dist = np.abs(i - j)
        adj = np.minimum(dist, n - dist) <= r
    elif kind is MaskKind.PATH:
        adj = np.abs(i - j) <= r
    elif kind is MaskKind.STAR:
        adj = (i == j) | (j == 0) | (i == 0)
    elif kind is MaskKind.CAUSAL:
        adj = j <= i
    elif kind is MaskKind.CAUSAL_WINDOW:
        adj = (j <= i) & (i - j <= r)
    else:  # pragma: no cover - the enum is closed
        raise RangeError(f"unknown mask {kind!r}")
    adj = adj | (i == j)
    return np.asarray(adj, dtype=np.float64)


def graph_radius(adj: Array) -> int | None:
    """Radius of the mask graph: ``min_c max_i dist(i -> c)``, where an edge ``i -> j``
    means token ``i`` attends to ``j`` (so ``dist(i -> c)`` is the number of layers for
    token ``c``'s information to reach ``i``). ``None`` if no token reaches all others.

    >>> graph_radius(mask_graph("ring", 12, 2)), graph_radius(mask_graph("causal", 5))
    (3, 1)
    """
    n = adj.shape[0]
    # Reverse BFS from each candidate centre c over edges i -> j with adj[i, j].
    best: int | None = None
    for c in range(n):
        dist = np.full(n, -1)
        dist[c] = 0
        queue = deque([c])
        while queue:
            j = queue.popleft()
            for i in np.nonzero(adj[:, j])[0]:
                if dist[i] < 0:
                    dist[i] = dist[j] + 1
                    queue.append(int(i))
        if (dist >= 0).all():
            ecc = int(dist.max())
            best = ecc if best is None else min(best, ecc)
    return best


def mu(x: Array) -> Array:
    """``mu(X) = |X - 1 xbar^T|_F`` for each matrix of a stack.

    >>> float(mu(np.array([[1.0, 2.0], [1.0, 2.0]])))
    0.0
    """
    centred = x - x.mean(axis=-2, keepdims=True)
    return np.asarray(np.sqrt((centred**2).sum(axis=(-2, -1))), dtype=np.float64)


def numerical_rank(x: Array, rtol: float = 1e-6) -> Array:
    """Number of singular values above ``rtol`` times the largest, for each matrix.

    >>> int(numerical_rank(np.outer([1.0, 2.0, 3.0], [1.0, -1.0])))
    1
    """
    s = np.linalg.svd(x, compute_uv=False)
    return np.asarray((s > rtol * s[..., :1]).sum(axis=-1), dtype=np.int64)


def rotation(d: int, angle: float) -> Array:
    """A ``d x d`` orthogonal matrix rotating each coordinate pair ``(2i, 2i+1)`` by ``angle``.

    >>> bool(np.allclose(rotation(4, 0.3) @ rotation(4, 0.3).T, np.eye(4)))
    True
    """
    out = np.eye(d)
    c, s = np.cos(angle), np.sin(angle)
    for i in range(0, d - 1, 2):
        out[i : i + 2, i : i + 2] = [[c, -s], [s, c]]
    return out


def _apply_layernorm(x: Array, kind: LayerNorm) -> Array:
    if kind is LayerNorm.NONE:
        return x
    if kind is LayerNorm.SPHERE:
        norms = np.sqrt((x**2).sum(axis=-1, keepdims=True))
        return np.asarray(x / np.where(norms > 0, norms, 1.0), dtype=np.float64)
    if kind is LayerNorm.STANDARD:
        centred = x - x.mean(axis=-1, keepdims=True)
        rms = np.sqrt((centred**2).mean(axis=-1, keepdims=True))
        return np.asarray(centred / np.where(rms > 0, rms, 1.0), dtype=np.float64)
    raise RangeError(f"unknown LayerNorm {kind!r}")  # pragma: no cover


def masked_step(x: Array, adj: Array, wq: Array, wk: Array, wv: Array, beta: float, layernorm: LayerNorm) -> Array:
    """One layer ``LN(A X W_V)`` with masked softmax attention, batched over ``x``."""
    logits = beta * (x @ wq) @ (x @ wk).swapaxes(-1, -2)
    logits = np.where(adj > 0, logits, -np.inf)
    logits -= logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    weights /= weights.sum(axis=-1, keepdims=True)
    return _apply_layernorm(np.asarray(weights @ x @ wv, dtype=np.float64), layernorm)


@dataclass(frozen=True, slots=True)
class MaskedRun:
    """One run of the masked dynamics (values are over the batch: worst case = largest mu).

    Attributes
    ----------
    label : str
        What was run.
    mu : tuple of float
        ``max_b mu(X_t)`` for ``t = 0..T``.
    relative_mu : tuple of float
        ``max_b mu(X_t) / |X_t|_F``.
    rate : float
        Fitted exponential rate: minus the slope of ``log relative_mu`` against ``t``
        (per layer; positive means collapse), over the points above the float floor.
    final_rank : int
        Largest numerical rank (rtol 1e-6) of ``X_T`` over the batch.
    final_change : float
        ``max_b |X_T - X_{T-1}|_F / |X_T|_F``: near 0 when the state is at an equilibrium.
    radius : int or None
        The mask graph's radius (:func:`graph_radius`).
    """

    label: str
    mu: tuple[float, ...]
    relative_mu: tuple[float, ...]
    rate: float
    final_rank: int
    final_change: float
    radius: int | None


def fit_rate(values: tuple[float, ...] | list[float], floor: float = 1e-13, skip: int | None = None) -> float:
    """Minus the least-squares slope of ``log values`` against ``t``.

    Uses the points from ``skip`` on (default: the last two thirds of the points above the
    floor, so the asymptotic rate is fitted rather than the transient) while ``values``
    stays above ``floor`` (after that, the float64 floor dominates).

    >>> bool(abs(fit_rate([0.5**t for t in range(10)]) - np.log(2)) < 1e-12)
    True
    """
    above = next((t for t, v in enumerate(values) if v <= floor), len(values))
    if skip is None:
        skip = above // 3
    ts, vs = [], []
    for t, v in enumerate(values):
        if t < skip:
            continue
        if v <= floor:
            break
        ts.append(t)
        vs.append(np.log(v))
    if len(ts) < 2:
        return float("inf") if values and values[-1] <= floor else 0.0
    slope = np.polyfit(np.asarray(ts, dtype=np.float64), np.asarray(vs), 1)[0]
    return float(-slope)


def simulate_masked(
    x0: Array,
    adj: Array,
    wq: Array,
    wk: Array,
    wv: Array,
    beta: float,
    depth: int,
    layernorm: LayerNorm | str = LayerNorm.NONE,
    label: str = "",
) -> MaskedRun:
    """Run ``depth`` layers of the masked dynamics from ``x0`` (shape ``(B, n, d)``).

    The same ``wq, wk, wv`` are used at every layer (a time-invariant network).

    Examples
    --------
    >>> adj = mask_graph("complete", 4)
    >>> x0 = np.random.default_rng(0).standard_normal((2, 4, 3))
    >>> run = simulate_masked(x0, adj, np.eye(3), np.eye(3), np.eye(3), 0.0, 3)
    >>> run.mu[-1] < 1e-12, run.final_rank
    (True, 1)
    """
    kind = LayerNorm(layernorm)
    if depth < 1:
        raise RangeError(f"depth must be at least 1, got {depth}")
    x = np.array(x0, dtype=np.float64, copy=True)
    mus = [float(mu(x).max())]
    rel = [float((mu(x) / np.sqrt((x**2).sum(axis=(-2, -1)))).max())]
    change = 0.0
    for _ in range(depth):
        previous = x
        x = masked_step(x, adj, wq, wk, wv, beta, kind)
        diff = np.sqrt(((x - previous) ** 2).sum(axis=(-2, -1)))
        size = np.sqrt((x**2).sum(axis=(-2, -1)))
        m = mu(x)
        mus.append(float(m.max()))
        rel.append(float((m / np.where(size > 0, size, 1.0)).max()))
        change = float((diff / np.where(size > 0, size, 1.0)).max())
    return MaskedRun(
        label=label,
        mu=tuple(mus),
        relative_mu=tuple(rel),
        rate=fit_rate(rel),
        final_rank=int(numerical_rank(x).max()),
        final_change=change,
        radius=graph_radius(adj),
    )


def uniform_rate(adj: Array) -> float:
    """``-log |lambda_2|`` of the row-normalised mask: the exact collapse rate of the
    linear dynamics ``X -> A X`` (``beta = 0``, ``W_V = I``, no LayerNorm).

    >>> round(uniform_rate(mask_graph("complete", 5)), 3)
    inf
    """
    walk = adj / adj.sum(axis=1, keepdims=True)
    ev = np.sort(np.abs(np.linalg.eigvals(walk)))[::-1]
    second = float(ev[1]) if len(ev) > 1 else 0.0
    return float("inf") if second < 1e-14 else float(-np.log(second))
