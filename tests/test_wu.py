"""Wu et al. 2024 (lemmas/wu_2024.toml): simulation-checked nodes and their registry.

A simulation is never a proof: agreement is TESTED with measured numbers; REFUTED only with
an exact counterexample (the radius ordering across mask graphs).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from boundprop.check import PaperReport, check_paper
from boundprop.errors import LemmaFileError
from boundprop.loader import load_paper
from boundprop.simulated import experiments, plugin, run_simulation
from boundprop.verdict import Status
from boundprop.witness.masked import mask_graph

exact_walk_spectrum = plugin("wu_2024").exact_walk_spectrum  # the experiments live beside the lemma file
fourier_equilibrium = plugin("wu_2024").fourier_equilibrium


@pytest.fixture(scope="module")
def report() -> PaperReport:
    return check_paper(load_paper("wu-2024"))


EXPECTED = {
    "W-decay-causal": Status.TESTED,
    "W-decay-ring": Status.TESTED,
    "W-decay-complete": Status.TESTED,
    "W-radius": Status.TESTED,
    "W-radius-across": Status.REFUTED,
    "W-LN-decay": Status.TESTED,
    "W-LN-equilibria": Status.TESTED,
    "W-LN-equilibria-beta": Status.TESTED,
    "W-LN-keeps-rank": Status.TESTED,
    "W-noLN-collapses": Status.TESTED,
}


def test_statuses(report: PaperReport) -> None:
    assert {k: v.status for k, v in report.nodes.items()} == EXPECTED
    assert all(n.method.startswith("simulation") for n in report.nodes.values())


def test_nothing_simulated_is_proved(report: PaperReport) -> None:
    assert not any(n.status in (Status.PROVED, Status.PROVED_BOUNDED) for n in report.nodes.values())


def test_evidence_names_measured_numbers(report: PaperReport) -> None:
    ev = report.nodes["W-decay-ring"].evidence
    assert "fitted rate median 0.09" in ev and "R^2" in ev and "20 draws" in ev
    assert "ranks 1, 2, 3, 4, 5, 6, 7, 8" in report.nodes["W-LN-equilibria"].evidence


def test_radius_counterexample_is_exact(report: PaperReport) -> None:
    cex = report.nodes["W-radius-across"].counterexample or {}
    assert cex["radius_small"] == "1" and cex["radius_large"] == "2"
    assert cex["lambda2_small"] == "1/2" and cex["lambda2_large"] == "1/11"


def test_exact_spectrum_of_star_and_ring() -> None:
    _, star = exact_walk_spectrum(mask_graph("star", 12))
    assert sorted(set(star)) == [sp.Rational(-5, 12), sp.Rational(1, 2), 1]
    _, ring = exact_walk_spectrum(mask_graph("ring", 12, 5))
    assert max(abs(v) for v in ring if v != 1) == sp.Rational(1, 11)


@pytest.mark.parametrize("beta", [0.0, 0.5])
def test_fourier_equilibria_are_fixed_points(beta: float) -> None:
    for rank in range(1, 9):
        eq = fourier_equilibrium(8, rank, 1, beta)
        assert eq is not None
        x, wv, a = eq
        assert np.allclose(a @ x @ wv, x, atol=1e-12)
        assert np.linalg.matrix_rank(x, tol=1e-8) == rank


def test_simulation_is_deterministic() -> None:
    spec = {"experiment": "masked-decay", "mask": "causal", "draws": "3", "depth": "20"}
    assert run_simulation(spec).evidence == run_simulation(spec).evidence


def test_registry_and_loader_validation(lemma_file: Callable[..., Path]) -> None:
    assert set(experiments()) == {"masked-decay", "masked-radius", "radius-order", "ln-equilibria", "ln-rank-dynamics"}
    bad_name = lemma_file('[[node]]\nid = "W"\nprovenance = "paper"\nsimulate = { experiment = "nope" }\n')
    with pytest.raises(LemmaFileError, match="not registered"):
        load_paper(bad_name)
    bad_key = lemma_file(
        '[[node]]\nid = "W"\nprovenance = "paper"\nsimulate = { experiment = "radius-order", n = "3" }\n'
    )
    with pytest.raises(LemmaFileError, match="not used by radius-order"):
        load_paper(bad_key)
    both = lemma_file(
        '[[node]]\nid = "W"\nprovenance = "paper"\nconclusion = "x <= 1"\nsimulate = { experiment = "radius-order" }\n'
    )
    with pytest.raises(LemmaFileError, match="no conclusion"):
        load_paper(both)
