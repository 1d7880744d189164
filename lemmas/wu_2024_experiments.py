"""The experiments of Wu et al. 2024 (papers.md section 3), a plug-in of the engine.

The masked attention dynamics of Wu et al. 2024, with
:mod:`boundprop.witness.masked`::

    X_{t+1} = LN( A_t X_t W_V ),   A_t = softmax_G( beta X_t W_Q W_K^T X_t^T ).

``lemmas/wu_2024.toml`` names these experiments in its nodes' ``simulate``
tables; the engine (:mod:`boundprop.simulated`) holds only the protocol and the
registry, and loads this file by its name from the bundled papers' directory
(``*_experiments.py`` beside the lemma files). Each experiment reads its keys
(strings, with the defaults below) and returns a
:class:`~boundprop.verdict.CheckResult`: ``tested`` with the measured numbers,
``refuted`` only with an exactly re-verified instance, else ``unknown``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy as sp

from boundprop.errors import InputError
from boundprop.simulated import METHOD, Experiment, Fit, fit_decay
from boundprop.simulated import spec_float as _float
from boundprop.simulated import spec_int as _int
from boundprop.simulated import spec_ints as _ints
from boundprop.verdict import CheckResult, CounterValue, Status

__all__ = ["EXPERIMENTS", "exact_walk_spectrum", "fourier_equilibrium"]

Array = np.ndarray[Any, Any]
_FLOOR = 1e-12  # below this, mu/|X|_F is float64 round-off


def _orthogonal(d: int, rng: np.random.Generator) -> Array:
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return np.asarray(q * np.sign(np.diag(r)), dtype=np.float64)


def _values(kind: str, d: int, rng: np.random.Generator) -> Array:
    """Value weights: ``identity``, ``orthogonal`` (Haar), ``gaussian`` (entries N(0, 1/d)),
    ``scaled-identity:S`` (S times the identity)."""
    if kind == "identity":
        return np.eye(d)
    if kind == "orthogonal":
        return _orthogonal(d, rng)
    if kind == "gaussian":
        return np.asarray(rng.standard_normal((d, d)) / math.sqrt(d), dtype=np.float64)
    if kind.startswith("scaled-identity:"):
        return float(sp.Rational(kind.split(":", 1)[1])) * np.eye(d)
    raise InputError(
        f"simulate.values {kind!r} is not one of: identity, orthogonal, gaussian, scaled-identity:S"
    )


def _qk(d: int, rng: np.random.Generator) -> tuple[Array, Array]:
    scale = 1.0 / math.sqrt(d)
    return (
        np.asarray(rng.standard_normal((d, d)) * scale, dtype=np.float64),
        np.asarray(rng.standard_normal((d, d)) * scale, dtype=np.float64),
    )


def _fmt(x: float) -> str:
    if x == float("inf"):
        return "inf"
    return f"{x:.3g}"


# ---------------------------------------------------------------------------
# experiment: exponential decay of mu(X_t)


def _masked_decay(spec: Mapping[str, str]) -> CheckResult:
    """Claim: mu(X_t)/|X_t|_F decays exponentially in t in every draw."""
    from boundprop.witness.masked import LayerNorm, graph_radius, mask_graph, mu, simulate_masked

    n, d, depth, draws = (_int(spec, k) for k in ("n", "d", "depth", "draws"))
    radius, seed = _int(spec, "radius"), _int(spec, "seed")
    beta, min_r2, min_drop = _float(spec, "beta"), _float(spec, "min_r2"), _float(spec, "min_drop")
    layernorm = LayerNorm(spec["layernorm"])
    adj = mask_graph(spec["mask"], n, radius)
    rng = np.random.default_rng(seed)
    fits: list[Fit] = []
    drops: list[float] = []
    floor_layers: list[int | None] = []
    for _ in range(draws):
        wq, wk = _qk(d, rng)
        wv = _values(spec["values"], d, rng)
        x0 = rng.standard_normal((1, n, d))
        if spec["input"] == "positive":
            x0 = np.abs(x0)
        run = simulate_masked(x0, adj, wq, wk, wv, beta, depth, layernorm)
        rel = run.relative_mu
        fits.append(fit_decay(rel, floor=_FLOOR))
        drops.append(rel[-1] / rel[0] if rel[0] > 0 else 0.0)
        floor_layers.append(next((t for t, v in enumerate(rel) if v <= _FLOOR), None))
    # A draw that reaches the float floor collapsed at least as fast as the measurement can
    # resolve (often faster than exponentially: attention becomes uniform); it supports the
    # claim "mu -> 0 at least exponentially" and its rate is at least log(v_0/floor)/layers.
    rates = np.asarray([f.rate for f in fits])
    fitted = [f for f, k in zip(fits, floor_layers, strict=True) if k is None]
    reached = [k for k in floor_layers if k is not None]
    r2 = min((f.r2 for f in fitted), default=1.0)
    worst_drop = max(drops)
    graph_r = graph_radius(adj)
    setting = (
        f"mask {spec['mask']} (n={n}, window {radius}, graph radius {graph_r}), "
        f"LayerNorm {layernorm.value}, W_V {spec['values']}, beta={spec['beta']}, d={d}"
    )
    finite = rates[np.isfinite(rates)]
    median = float(np.median(finite)) if finite.size else float("inf")
    measured = (
        f"fitted rate median {_fmt(median)}/layer (min {_fmt(float(rates.min()))}, "
        f"max {_fmt(float(rates.max()))}) over {depth} layers"
        + (f", min R^2 {r2:.4f} over the {len(fitted)} draws above the float floor" if fitted else "")
        + (
            f"; {len(reached)} draws reached the float floor {_FLOOR:g} (by layer {max(reached)})"
            if reached
            else ""
        )
        + f"; mu/|X|_F fell by a factor <= {worst_drop:.2g}; {draws} draws of (X_0, W), seed {seed}"
    )
    details = {
        "rates": [float(r) for r in rates],
        "median_rate": median,
        "min_r2": r2,
        "worst_drop": worst_drop,
        "graph_radius": graph_r,
    }
    _ = mu  # the measure of collapse, mu(X) = |X - 1 xbar^T|_F (witness.masked)
    if all(f.rate > 0 for f in fitted) and r2 >= min_r2 and worst_drop <= min_drop:
        return CheckResult(Status.TESTED, METHOD, f"{setting}: {measured}", details=details)
    return CheckResult(
        Status.UNKNOWN,
        METHOD,
        f"measurement does not support exponential collapse (need rate > 0, R^2 >= {min_r2}, "
        f"drop <= {spec['min_drop']}): {setting}: {measured}",
        details=details,
    )


# ---------------------------------------------------------------------------
# experiment: rate against mask radius within a family


def _masked_radius(spec: Mapping[str, str]) -> CheckResult:
    """Claim: within the family, the measured rate decreases as the graph radius grows."""
    from boundprop.witness.masked import graph_radius, mask_graph, simulate_masked, uniform_rate

    n, d, depth, draws, seed = (_int(spec, k) for k in ("n", "d", "depth", "draws", "seed"))
    beta = _float(spec, "beta")
    windows = _ints(spec, "windows")
    rng = np.random.default_rng(seed)
    rows: list[tuple[int, int, float, float]] = []  # (window, graph radius, median rate, spectral rate)
    for window in windows:
        adj = mask_graph(spec["mask"], n, window)
        rates = []
        for _ in range(draws):
            wq, wk = _qk(d, rng)
            wv = _values(spec["values"], d, rng)
            run = simulate_masked(rng.standard_normal((1, n, d)), adj, wq, wk, wv, beta, depth)
            rates.append(fit_decay(run.relative_mu).rate)
        radius = graph_radius(adj)
        rows.append((window, -1 if radius is None else radius, float(np.median(rates)), uniform_rate(adj)))
    rows.sort(key=lambda r: (r[1], -r[0]))
    table = "; ".join(
        f"window {w}: radius {g}, rate {_fmt(m)}/layer (beta=0 spectral {_fmt(s)})" for w, g, m, s in rows
    )
    violations = [
        (a, b) for a in rows for b in rows if a[1] < b[1] and not a[2] > b[2]
    ]
    setting = (
        f"mask {spec['mask']} n={n}, beta={spec['beta']}, W_V {spec['values']}, d={d}, "
        f"{depth} layers, {draws} draws per window, seed {seed}"
    )
    details = {"rows": [list(r) for r in rows]}
    if not violations:
        return CheckResult(
            Status.TESTED,
            METHOD,
            f"measured rates strictly decrease as the graph radius grows ({setting}): {table}",
            details=details,
        )
    a, b = violations[0]
    return CheckResult(
        Status.UNKNOWN,
        METHOD,
        f"measured rate does not decrease with radius (window {a[0]} radius {a[1]} rate {_fmt(a[2])} "
        f"vs window {b[0]} radius {b[1]} rate {_fmt(b[2])}); floating-point measurement, not a "
        f"counterexample ({setting}): {table}",
        details=details,
    )


# ---------------------------------------------------------------------------
# experiment: the radius ordering across mask graphs, in exact arithmetic


def exact_walk_spectrum(adj: Array) -> tuple[sp.Matrix, list[sp.Expr]]:
    """The random-walk matrix ``D^{-1} G`` of a 0/1 mask (exact rationals) and its
    eigenvalues (exact, with multiplicity), largest modulus first.

    For ``beta = 0`` and ``W_V = I`` the masked dynamics are ``X -> W X`` with this matrix
    ``W``, and ``mu(X_t)`` decays at the exact asymptotic rate ``-log |lambda_2|`` for
    generic inputs (``lambda_2`` the largest eigenvalue modulus other than the eigenvalue 1).

    Examples
    --------
    >>> from boundprop.witness.masked import mask_graph
    >>> _, ev = exact_walk_spectrum(mask_graph("complete", 3))
    >>> ev
    [1, 0, 0]
    """
    n = adj.shape[0]
    rows = []
    for i in range(n):
        deg = int(round(float(adj[i].sum())))
        rows.append([sp.Rational(int(round(float(adj[i, j]))), deg) for j in range(n)])
    walk = sp.Matrix(rows)
    eigen: list[sp.Expr] = []
    for value, mult in walk.eigenvals(rational=True).items():
        eigen.extend([sp.nsimplify(value)] * int(mult))
    eigen.sort(key=lambda v: (-float(sp.Abs(v)), -float(sp.re(v))))
    return walk, eigen


def _second_modulus(eigen: list[sp.Expr]) -> sp.Expr:
    """Largest |lambda| after removing one eigenvalue 1 (the consensus direction)."""
    rest = list(eigen)
    rest.remove(sp.Integer(1))
    return sp.Abs(rest[0]) if rest else sp.Integer(0)


def _parse_graph(text: str) -> tuple[str, int, int]:
    parts = text.strip().split(":")
    if len(parts) not in (2, 3):
        raise InputError(f"simulate.graphs entry {text!r} must read KIND:N or KIND:N:WINDOW")
    try:
        return parts[0], int(parts[1]), int(parts[2]) if len(parts) == 3 else 1
    except ValueError:
        raise InputError(f"simulate.graphs entry {text!r}: N and WINDOW must be integers") from None


def _radius_order(spec: Mapping[str, str]) -> CheckResult:
    """Claim: across mask graphs, a larger radius never gives a faster collapse
    (beta = 0, W_V = I, no LayerNorm: rate = -log |lambda_2| exactly)."""
    from boundprop.witness.masked import graph_radius, mask_graph

    graphs = [_parse_graph(g) for g in spec["graphs"].split(";") if g.strip()]
    infos = []
    for kind, n, window in graphs:
        adj = mask_graph(kind, n, window)
        walk, eigen = exact_walk_spectrum(adj)
        lam2 = _second_modulus(eigen)
        radius = graph_radius(adj)
        infos.append((f"{kind}:{n}:{window}", adj, walk, lam2, radius))
    summary = "; ".join(f"{g}: radius {r}, |lambda_2| = {lam}" for g, _, _, lam, r in infos)
    for a in infos:
        for b in infos:
            if a[4] is None or b[4] is None:
                continue
            # radius(a) < radius(b) but b collapses strictly faster: |lambda_2(b)| < |lambda_2(a)|
            if a[4] < b[4] and bool(sp.Lt(b[3], a[3])):
                cex = _radius_counterexample(a, b)
                if _reverify_radius(cex):
                    return CheckResult(
                        Status.REFUTED,
                        "simulation+exact",
                        f"mask {a[0]} has radius {a[4]} and collapse rate -log({a[3]}) = "
                        f"{float(-sp.log(a[3])):.4f}/layer; mask {b[0]} has the larger radius {b[4]} "
                        f"but the faster rate -log({b[3]}) = {float(-sp.log(b[3])):.4f}/layer "
                        "(beta = 0, W_V = I, no LayerNorm: X_t = W^t X_0 with W the exact "
                        "random-walk matrix; eigenvalues and radii re-verified exactly)",
                        counterexample=cex,
                        details={"graphs": summary},
                    )
    return CheckResult(
        Status.TESTED,
        "simulation+exact",
        f"no pair of the given masks violates the ordering (exact spectra): {summary}",
    )


def _radius_counterexample(a: tuple[Any, ...], b: tuple[Any, ...]) -> dict[str, CounterValue]:
    def mat(adj: Array) -> list[list[str]]:
        return [[str(int(round(float(v)))) for v in row] for row in adj]

    return {
        "G_small_radius": mat(a[1]),
        "G_large_radius": mat(b[1]),
        "radius_small": str(a[4]),
        "radius_large": str(b[4]),
        "lambda2_small": str(a[3]),
        "lambda2_large": str(b[3]),
        "beta": "0",
        "W_V": "I",
    }


def _bfs_radius(adj: list[list[int]]) -> int | None:
    """Radius by breadth-first search in pure Python (independent of witness.masked)."""
    n = len(adj)
    best: int | None = None
    for c in range(n):
        dist = {c: 0}
        frontier = [c]
        while frontier:
            nxt = []
            for j in frontier:
                for i in range(n):
                    if adj[i][j] and i not in dist:
                        dist[i] = dist[j] + 1
                        nxt.append(i)
            frontier = nxt
        if len(dist) == n:
            ecc = max(dist.values())
            best = ecc if best is None else min(best, ecc)
    return best


def _reverify_radius(cex: Mapping[str, CounterValue]) -> bool:
    """Recompute radii and |lambda_2| of both graphs exactly from the counterexample alone."""
    out = []
    for key in ("G_small_radius", "G_large_radius"):
        rows = cex[key]
        assert isinstance(rows, list)
        adj = [[int(v) for v in row] for row in rows]
        walk = sp.Matrix([[sp.Rational(v, sum(row)) for v in row] for row in adj])
        charpoly = walk.charpoly()
        roots = sp.roots(charpoly.as_expr(), multiple=True)
        if len(roots) != walk.rows:  # not all roots found in closed form: cannot verify
            return False
        roots = [sp.nsimplify(r) for r in roots]
        lam2 = _second_modulus(sorted(roots, key=lambda v: -float(sp.Abs(v))))
        out.append((_bfs_radius(adj), sp.nsimplify(lam2)))
    (r_small, l_small), (r_large, l_large) = out
    return (
        r_small is not None
        and r_large is not None
        and r_small < r_large
        and str(r_small) == cex["radius_small"]
        and str(r_large) == cex["radius_large"]
        and sp.simplify(l_small - sp.sympify(cex["lambda2_small"])) == 0
        and sp.simplify(l_large - sp.sympify(cex["lambda2_large"])) == 0
        and bool(sp.Lt(l_large, l_small))
    )


# ---------------------------------------------------------------------------
# experiments with LayerNorm: equilibria of every rank


def _fourier_units(n: int, rank: int) -> list[tuple[str, int]] | None:
    """Fourier modes of the ring whose span has dimension ``rank``: ("const", 0),
    ("pair", k) for cos/sin of frequency k, ("alt", n/2) for (-1)^i."""
    pairs = (n - 1) // 2
    p = min(rank // 2, pairs)
    rem = rank - 2 * p
    units: list[tuple[str, int]] = [("pair", k) for k in range(1, p + 1)]
    if rem >= 1:
        units.insert(0, ("const", 0))
    if rem == 2:
        if n % 2:
            return None
        units.append(("alt", n // 2))
    if rem > 2:
        return None
    return units


def fourier_equilibrium(
    n: int, rank: int, window: int, beta: float
) -> tuple[Array, Array, Array] | None:
    """An exact equilibrium of rank ``rank`` of ``X -> LN_sphere(A(X) X W_V)`` on the ring mask.

    Columns of ``X*`` are Fourier modes of the ring (constant, cos/sin pairs, alternating),
    scaled so every row has unit norm; its Gram matrix is circulant, so the masked softmax
    ``A(X*)`` is a symmetric circulant with the same Fourier eigenvectors, and
    ``W_V = diag(1 / lambda_k)`` undoes ``A`` on each column: ``A X* W_V = X*``, a fixed
    point with or without LayerNorm. Returns ``(X*, W_V, A)`` with ``d = n`` columns
    (unused columns zero), or ``None`` if no such choice exists or an eigenvalue is 0.

    Examples
    --------
    >>> x, wv, a = fourier_equilibrium(8, 3, 1, 0.0)
    >>> bool(np.allclose(a @ x @ wv, x)), int(np.linalg.matrix_rank(x))
    (True, 3)
    """
    from boundprop.witness.masked import mask_graph

    units = _fourier_units(n, rank)
    if units is None:
        return None
    i = np.arange(n)
    cols: list[Array] = []
    freqs: list[int] = []
    for kind, k in units:
        if kind == "const":
            cols.append(np.ones(n))
            freqs.append(0)
        elif kind == "pair":
            cols += [np.cos(2 * np.pi * k * i / n), np.sin(2 * np.pi * k * i / n)]
            freqs += [k, k]
        else:
            cols.append(np.cos(np.pi * i))
            freqs.append(n // 2)
    x = np.zeros((n, n))
    x[:, : len(cols)] = np.stack(cols, axis=1) / math.sqrt(len(units))
    adj = mask_graph("ring", n, window)
    logits = beta * x @ x.T
    logits = np.where(adj > 0, logits, -np.inf)
    logits -= logits.max(axis=1, keepdims=True)
    a = np.exp(logits)
    a /= a.sum(axis=1, keepdims=True)
    row = a[0]
    wv = np.eye(n)
    for c, k in enumerate(freqs):
        lam = float((row * np.cos(2 * np.pi * k * i / n)).sum())
        if abs(lam) < 1e-9:
            return None
        wv[c, c] = 1.0 / lam
    return x, wv, a


def _ln_equilibria(spec: Mapping[str, str]) -> CheckResult:
    """Claim: with LayerNorm, some value matrices give equilibria of every rank 1..n."""
    from boundprop.witness.masked import LayerNorm, masked_step, numerical_rank

    n, window = _int(spec, "n"), _int(spec, "radius")
    beta = _float(spec, "beta")
    layernorm = LayerNorm(spec["layernorm"])
    found: list[str] = []
    missing: list[int] = []
    stability: list[str] = []
    worst = 0.0
    rng = np.random.default_rng(_int(spec, "seed"))
    layers, draws, noise = _int(spec, "stability_layers"), _int(spec, "stability_draws"), _float(spec, "perturb")
    for rank in range(1, n + 1):
        eq = fourier_equilibrium(n, rank, window, beta)
        if eq is None:
            missing.append(rank)
            continue
        x, wv, _ = eq
        eye = np.eye(n)
        step = masked_step(x[None], _ones_adj(spec, n, window), eye, eye, wv, beta, layernorm)[0]
        residual = float(np.abs(step - x).max())
        measured_rank = int(numerical_rank(x[None])[0])
        worst = max(worst, residual)
        if measured_rank == rank and residual < 1e-10:
            found.append(str(rank))
        else:
            missing.append(rank)
        if draws > 0:  # measured, not a criterion: do the dynamics stay near X*?
            adj = _ones_adj(spec, n, window)
            y = x[None] + noise * rng.standard_normal((draws, n, n))
            for _ in range(layers):
                y = masked_step(y, adj, eye, eye, wv, beta, layernorm)
            ranks = sorted(int(r) for r in numerical_rank(y))
            stability.append(f"{rank}->{'/'.join(map(str, ranks))}")
    setting = (
        f"ring mask n={n}, window {window}, beta={spec['beta']}, LayerNorm {layernorm.value}, "
        "X* = unit-norm rows of ring Fourier modes, W_V = diag(1/lambda_k(A(X*)))"
    )
    if not missing:
        return CheckResult(
            Status.TESTED,
            METHOD,
            f"fixed points of every rank 1..{n} constructed and measured ({setting}): "
            f"max |F(X*) - X*| = {worst:.1e}, numerical ranks {', '.join(found)}"
            + (
                f"; stability (measured, not part of the claim): perturbed by {spec['perturb']} "
                f"({draws} draws) and run {layers} layers, rank X* -> final ranks: {', '.join(stability)}"
                if stability
                else ""
            ),
            details={"ranks": found, "max_residual": worst, "stability": stability},
        )
    return CheckResult(
        Status.UNKNOWN,
        METHOD,
        f"no verified fixed point of rank {', '.join(map(str, missing))} ({setting}); "
        f"found ranks {', '.join(found) or 'none'}",
        details={"ranks": found, "missing": missing, "max_residual": worst},
    )


def _ones_adj(spec: Mapping[str, str], n: int, window: int) -> Array:
    from boundprop.witness.masked import mask_graph

    return mask_graph(spec.get("mask", "ring"), n, window)


def _ln_rank_dynamics(spec: Mapping[str, str]) -> CheckResult:
    """Claim: the dynamics keep rank > 1 (``claim = "rank-above-one"``) or collapse to rank
    one (``claim = "collapse"``) from random inputs; the measured final ranks and the
    distance to equilibrium are reported."""
    from boundprop.witness.masked import LayerNorm, mask_graph, masked_step, mu, numerical_rank

    n, d, depth, draws, seed = (_int(spec, k) for k in ("n", "d", "depth", "draws", "seed"))
    window, beta = _int(spec, "radius"), _float(spec, "beta")
    layernorm = LayerNorm(spec["layernorm"])
    adj = mask_graph(spec["mask"], n, window)
    rng = np.random.default_rng(seed)
    wv = _values(spec["values"], d, rng)
    eye = np.eye(d)
    x = rng.standard_normal((draws, n, d))
    for _ in range(depth):
        x = masked_step(x, adj, eye, eye, wv, beta, layernorm)
    nxt = masked_step(x, adj, eye, eye, wv, beta, layernorm)
    scale = np.sqrt((x**2).sum(axis=(-2, -1)))
    moved = np.abs(nxt - x).max(axis=(-2, -1)) / np.where(scale > 0, scale, 1.0)
    ranks = numerical_rank(x)
    rel_mu = mu(x) / np.where(scale > 0, scale, 1.0)
    counts = {int(r): int((ranks == r).sum()) for r in np.unique(ranks)}
    settled = moved < 1e-8
    eq_ranks = {int(r): int(((ranks == r) & settled).sum()) for r in np.unique(ranks)}
    setting = (
        f"mask {spec['mask']} n={n} window {window}, LayerNorm {layernorm.value}, W_V {spec['values']}, "
        f"beta={spec['beta']}, d={d}; {draws} random inputs, seed {seed}, {depth} layers"
    )
    measured = (
        f"final numerical ranks {counts}; settled (relative step < 1e-8) with rank: {eq_ranks}; "
        f"mu/|X|_F at the end: min {float(rel_mu.min()):.2g}, max {float(rel_mu.max()):.2g}"
    )
    details = {"ranks": counts, "settled_ranks": eq_ranks}
    claim = spec["claim"]
    if claim == "rank-above-one":
        ok = any(r >= 2 and c > 0 for r, c in eq_ranks.items())
        what = "some inputs settle at equilibria of rank >= 2"
    elif claim == "collapse":
        ok = set(counts) == {1}
        what = "every input collapses to rank one"
    else:
        raise InputError(f"simulate.claim {claim!r} is not one of: rank-above-one, collapse")
    if ok:
        return CheckResult(Status.TESTED, METHOD, f"{what}: {setting}: {measured}", details=details)
    return CheckResult(
        Status.UNKNOWN, METHOD, f"measurement does not show that {what}: {setting}: {measured}", details=details
    )


# ---------------------------------------------------------------------------
# the experiments this plug-in registers

_COMMON = {"n": "12", "d": "8", "radius": "1", "beta": "1", "seed": "0"}

EXPERIMENTS: tuple[Experiment, ...] = (
    Experiment(
        "masked-decay",
        "mu(X_t)/|X_t|_F decays exponentially: fitted rate > 0 with R^2 >= min_r2 in every draw",
        {
            **_COMMON,
            "mask": "ring",
            "layernorm": "none",
            "values": "orthogonal",
            "input": "gaussian",
            "depth": "40",
            "draws": "20",
            "min_r2": "0.98",
            "min_drop": "1e-6",
        },
        _masked_decay,
    ),
    Experiment(
        "masked-radius",
        "within a mask family, the measured collapse rate decreases as the graph radius grows",
        {**_COMMON, "mask": "ring", "windows": "1,2,3,4,6", "values": "orthogonal", "depth": "40", "draws": "5"},
        _masked_radius,
    ),
    Experiment(
        "radius-order",
        "across mask graphs, larger radius never collapses faster (beta=0, W_V=I: exact spectra)",
        {"graphs": "star:12;causal:12;ring:12:5;ring:12:3;ring:12:1"},
        _radius_order,
    ),
    Experiment(
        "ln-equilibria",
        "with LayerNorm, value matrices with fixed points of every rank 1..n (constructed, measured)",
        {
            "n": "8", "radius": "1", "beta": "0", "layernorm": "sphere", "mask": "ring", "seed": "0",
            "perturb": "1e-6", "stability_layers": "300", "stability_draws": "5",
        },
        _ln_equilibria,
    ),
    Experiment(
        "ln-rank-dynamics",
        "from random inputs, the final rank and whether the dynamics settle (rank-above-one | collapse)",
        {
            **_COMMON,
            "mask": "ring",
            "d": "2",
            "beta": "0",
            "layernorm": "sphere",
            "values": "identity",
            "depth": "400",
            "draws": "200",
            "claim": "rank-above-one",
        },
        _ln_rank_dynamics,
    ),
)
