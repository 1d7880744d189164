"""Witness simulators: real networks measured against the bounds the engine checks.

* :mod:`boundprop.witness.networks`: batched float64 multi-head attention (with and
  without residuals), the one-layer network S' of L-LIN, the zero-layer baseline, draws
  of weights and inputs inside N1/N2 norm balls.
* :mod:`boundprop.witness.measure`: per-draw errors, maxima over random draws, the
  adversarial search, bounds (:func:`~boundprop.witness.measure.bound_of` reads them from
  ``lemmas/alman_song_2025.toml``) and witness runs.
* :mod:`boundprop.witness.masked`: Wu et al. 2024, masked attention with LayerNorm,
  mu(X_t) over depth, rates, numerical ranks.
* :mod:`boundprop.witness.plot`: matplotlib (Agg) plots; imported on demand only.

Importing this package imports numpy and sympy but runs nothing.
"""

from __future__ import annotations

from boundprop.witness.measure import (
    BoundSpec,
    BoundValue,
    ConfigurationResult,
    WitnessReport,
    adversarial_search,
    bound_of,
    fit_slope,
    measure_random,
    run_witness,
)
from boundprop.witness.networks import NetworkConfig, Norm, Weights, collapsed, forward

__all__ = [
    "BoundSpec",
    "BoundValue",
    "ConfigurationResult",
    "NetworkConfig",
    "Norm",
    "Weights",
    "WitnessReport",
    "adversarial_search",
    "bound_of",
    "collapsed",
    "fit_slope",
    "forward",
    "measure_random",
    "run_witness",
]
