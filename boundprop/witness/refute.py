"""Adversarial search over real softmax networks for network-level statements.

The falsifier of :mod:`boundprop.network`: a (mu + lambda) evolution strategy over
inputs and weights inside the statement's norm balls, maximising ``norm(S(X) - S'(X))``
for the statement's witness ``S'`` (the identity or L-LIN's one-layer network). It is
gradient-free and projected: every candidate is mapped back into the balls, so every
value found is the error of a feasible network (a lower bound of the worst error, in
float64). :func:`exact_point` then turns the best network into exact rationals that
satisfy the constraints *exactly*, for the rigorous re-evaluation in
:func:`boundprop.network.point_error`; only that re-evaluation can refute.

(:func:`boundprop.witness.measure.adversarial_search` maximises the L-LIN error only and
stops on a wall clock; this search takes the witness as a parameter and is bounded by
its generation count alone, so its result does not depend on the machine's load.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from boundprop.witness.networks import (
    Array,
    NetworkConfig,
    Norm,
    Weights,
    collapsed,
    draw_inputs,
    draw_weights,
    forward,
    norm,
    project,
)

__all__ = ["Found", "exact_point", "search"]

#: The logit factor and the radius of W_Q, W_K used where the statement allows any
#: (N2): large enough for near 0/1 attention rows, where the worst errors sit.
FREE_BETA = 4.0
FREE_QK = 3.0
#: Decimal places of the exact counterexample (entries are rounded toward zero).
PLACES = 6


@dataclass(frozen=True, slots=True)
class Found:
    """The best network of a search: its float error, input ``x`` ``(n, d)``,
    weights (batch of one) and logit factor."""

    value: float
    x: Array
    weights: Weights
    beta: float


def _errors(x: Array, weights: Weights, beta: float, witness: str, which: Norm) -> Array:
    out = forward(x, weights, beta)
    other = x if witness == "identity" else collapsed(x, weights)
    return norm(out - other, which)


def search(
    cfg: NetworkConfig, witness: str, population: int, generations: int, seed: int = 0
) -> Found:
    """Maximise the error of ``witness`` over ``cfg``'s balls (see the module notes).

    The best quarter survives each generation; children are Gaussian perturbations of
    survivors (step decaying from 0.5 to 0.01 of the radius), half of them pushed
    outwards before projection, since maxima of a convex norm sit on the boundary.
    """
    rng = np.random.default_rng(seed)
    weights, x = _seeded(cfg, draw_weights(cfg, 4 * population, rng), draw_inputs(cfg, 4 * population, rng), rng)
    values = _errors(x, weights, cfg.beta, witness, cfg.norm)
    keep = max(2, population // 4)
    radii = (cfg.qk_radius, cfg.qk_radius, cfg.eta, cfg.phi0)
    for gen in range(generations):
        order = np.argsort(values, kind="stable")[::-1][:keep]
        weights, x, values = weights.take(order), x[order], values[order]
        sigma = 0.5 * (0.02 ** (gen / max(1, generations - 1)))
        parents = rng.integers(0, keep, size=population - keep)
        push = np.where(rng.uniform(size=population - keep) < 0.5, 1.0 + sigma, 1.0)
        kids = []
        for arr, radius in zip((weights.wq, weights.wk, weights.wv, x), radii, strict=True):
            base = arr[parents]
            grown = (base + rng.standard_normal(base.shape) * (sigma * radius)) * push.reshape(
                (-1,) + (1,) * (base.ndim - 1))
            kids.append(project(grown, cfg.norm, radius))
        child_w = Weights(kids[0], kids[1], kids[2])
        child_v = _errors(kids[3], child_w, cfg.beta, witness, cfg.norm)
        weights = Weights(*(np.concatenate([a, b]) for a, b in zip(
            (weights.wq, weights.wk, weights.wv), (child_w.wq, child_w.wk, child_w.wv), strict=True)))
        x = np.concatenate([x, kids[3]])
        values = np.concatenate([values, child_v])
    best = int(np.argmax(values))
    return Found(float(values[best]), x[best], weights.take(np.array([best])), cfg.beta)


def _seeded(cfg: NetworkConfig, weights: Weights, x: Array, rng: np.random.Generator) -> tuple[Weights, Array]:
    """Two quarters of the first pool made structured. First: equal rows of X (attention cannot move
    them: each layer multiplies them by I + sum_h W_V), half of those with every W_V the
    same corner of its ball that makes them grow fastest (eta I under N2, eta 1 1^T under
    N1, for an input row phi0 e_1, resp. phi0 1), the other half on random corners
    (signed permutations times eta under N2, sign patterns under N1)."""
    count = x.shape[0] // 4
    x, wv = x.copy(), weights.wv.copy()
    x[:count] = x[:count, :1]
    d = cfg.d
    signs = np.where(rng.uniform(size=wv[:count].shape) < 0.5, -1.0, 1.0)
    if cfg.norm is Norm.N1:
        wv[:count] = cfg.eta * signs
    else:
        perms = np.argsort(rng.uniform(size=wv[:count].shape[:-1]), axis=-1)
        wv[:count] = cfg.eta * signs * (perms[..., None] == np.arange(d))
    aligned = count // 2
    if cfg.norm is Norm.N1:
        wv[:aligned], x[:aligned] = cfg.eta, cfg.phi0
    else:
        wv[:aligned], x[:aligned] = cfg.eta * np.eye(d), 0.0
        x[:aligned, :, 0] = cfg.phi0
    # a second quarter: rows of X on the vertices +-phi0 e_1 with random signs, W_V = eta I,
    # and W_Q = W_K = the radius at entry (1, 1), so that each row attends (nearly 0/1, for
    # large radii) to the rows of its own sign: rows move apart from the mean, the L-LIN
    # witness's error
    wq, wk = weights.wq.copy(), weights.wk.copy()
    part = slice(count, 2 * count)
    x[part] = 0.0
    x[part, :, 0] = cfg.phi0 * np.where(rng.uniform(size=x[part, :, 0].shape) < 0.5, -1.0, 1.0)
    wv[part] = cfg.eta * np.eye(d) if cfg.norm is Norm.N2 else cfg.eta
    wq[part], wk[part] = 0.0, 0.0
    wq[part, ..., 0, 0], wk[part, ..., 0, 0] = cfg.qk_radius, cfg.qk_radius
    return Weights(wq, wk, wv), x


def _rational(a: Array) -> list[list[Fraction]]:
    """Entries rounded toward zero to :data:`PLACES` decimals (so no norm grows)."""
    scale = 10**PLACES
    return [[Fraction(int(v * scale), scale) for v in row] for row in np.asarray(a).tolist()]


def _into_ball(m: list[list[Fraction]], which: Norm, radius: Fraction) -> list[list[Fraction]]:
    """The matrix scaled (exactly) into the ball where rounding left it outside."""
    if which is Norm.N1:
        return [[max(-radius, min(radius, v)) for v in row] for row in m]
    out = []
    for row in m:
        total = sum((abs(v) for v in row), Fraction(0))
        out.append([v * radius / total for v in row] if total > radius else row)
    return out


def exact_point(
    found: Found, which: Norm, eta: Fraction, phi0: Fraction, qk: Fraction | None
) -> tuple[list[list[Fraction]], list[list[tuple[list[list[Fraction]], ...]]]]:
    """The best network in exact rationals inside the balls: ``(X, weights)`` with
    ``weights[l][h] = (W_Q, W_K, W_V)``. ``qk`` is the radius of ``W_Q``, ``W_K`` (None:
    unconstrained, N2). Feasibility is exact by construction, not by float checks."""
    x = _into_ball(_rational(found.x), which, phi0)
    w = found.weights
    layers, heads = w.wv.shape[1], w.wv.shape[2]
    nets: list[list[tuple[list[list[Fraction]], ...]]] = []
    for layer in range(layers):
        row: list[tuple[list[list[Fraction]], ...]] = []
        for head in range(heads):
            wq, wk = _rational(w.wq[0, layer, head]), _rational(w.wk[0, layer, head])
            if qk is not None:
                wq, wk = _into_ball(wq, which, qk), _into_ball(wk, which, qk)
            row.append((wq, wk, _into_ball(_rational(w.wv[0, layer, head]), which, eta)))
        nets.append(row)
    return x, nets
