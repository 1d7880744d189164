"""Batched numpy interval evaluation (placeholder, being written)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

BatchedFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def compile_batched(expr: Any, symbols: Sequence[sp.Symbol]) -> BatchedFn:
    raise NotImplementedError


def compile_batched_truth(relation: Any, symbols: Sequence[sp.Symbol]) -> Any:
    raise NotImplementedError


def truth_batched(
    relation: Any, symbols: Sequence[sp.Symbol], lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    raise NotImplementedError
