"""Masked attention and LayerNorm dynamics (Wu et al. 2024): collapse rates, mask radius,
rank kept by LayerNorm."""

from __future__ import annotations

import numpy as np
import pytest

from boundprop.witness.masked import (
    LayerNorm,
    fit_rate,
    graph_radius,
    mask_graph,
    mu,
    numerical_rank,
    simulate_masked,
    uniform_rate,
)

N, D = 32, 8
I_D = np.eye(D)


def _x0(seed: int = 0, batch: int = 4) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((batch, N, D))


@pytest.mark.parametrize("kind", ["complete", "ring", "path", "star", "causal", "causal-window"])
def test_masks_have_self_loops_and_are_connected(kind: str) -> None:
    adj = mask_graph(kind, 10, 2)
    assert (np.diag(adj) == 1).all()
    assert graph_radius(adj) is not None


@pytest.mark.parametrize("r", [1, 2, 4, 8])
def test_uniform_masked_rate_is_the_second_eigenvalue(r: int) -> None:
    """With beta = 0 and W_V = I the dynamics are X -> A X; the fitted rate must equal
    -log|lambda_2(A)|."""
    adj = mask_graph("ring", N, r)
    run = simulate_masked(_x0(), adj, I_D, I_D, I_D, 0.0, 300)
    assert run.rate == pytest.approx(uniform_rate(adj), rel=0.05)


def test_collapse_slows_as_the_mask_radius_grows() -> None:
    """Wu et al.: sparser/local masks (larger graph radius) collapse more slowly."""
    rng = np.random.default_rng(1)
    wq, wk = rng.standard_normal((2, D, D)) / np.sqrt(D)
    points = []
    for r in (1, 2, 4, 8, 16):
        adj = mask_graph("ring", N, r)
        run = simulate_masked(_x0(), adj, wq, wk, I_D, 0.5, 300)
        points.append((run.radius, run.rate))
    points.sort()
    rates = [rate for _, rate in points]
    assert all(a < b for a, b in zip(rates[1:], rates, strict=False))  # decreasing in radius


@pytest.mark.parametrize("kind", ["complete", "causal", "star"])
def test_pure_masked_attention_collapses_to_rank_one(kind: str) -> None:
    rng = np.random.default_rng(2)
    wq, wk = rng.standard_normal((2, D, D)) / np.sqrt(D)
    run = simulate_masked(_x0(), mask_graph(kind, N), wq, wk, I_D, 1.0, 200)
    assert run.final_rank == 1
    assert run.relative_mu[-1] < 1e-10
    assert run.rate > 0


@pytest.mark.parametrize("ln", [LayerNorm.SPHERE, LayerNorm.STANDARD])
def test_layernorm_with_uniform_attention_still_collapses(ln: LayerNorm) -> None:
    run = simulate_masked(_x0(), mask_graph("causal", N), I_D, I_D, I_D, 0.0, 200, ln)
    assert run.final_rank == 1 and run.relative_mu[-1] < 1e-10


def test_layernorm_construction_keeps_rank_above_one() -> None:
    """Sphere LayerNorm, W_Q = W_K = W_V = I, beta = 10: tokens attend mostly to similar
    tokens and the states settle (small final change) at rank > 1, far from collapse."""
    run = simulate_masked(_x0(3), mask_graph("complete", N), I_D, I_D, I_D, 10.0, 800, LayerNorm.SPHERE)
    assert run.final_rank > 1
    assert run.relative_mu[-1] > 0.5
    assert run.final_change < 1e-3
    # The same network without LayerNorm and with small beta collapses.
    plain = simulate_masked(_x0(3), mask_graph("complete", N), I_D, I_D, I_D, 0.1, 200)
    assert plain.final_rank == 1


def test_helpers() -> None:
    assert float(mu(np.ones((3, 2)))) == 0.0
    assert int(numerical_rank(np.eye(3))) == 3
    assert fit_rate([np.exp(-0.3 * t) for t in range(30)]) == pytest.approx(0.3)
