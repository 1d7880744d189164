"""Shared subexpressions of the batched path (BatchedCompiler): evaluated once
per batch, never read stale."""

from __future__ import annotations

import numpy as np
import sympy as sp

from boundprop.interval.batched import BatchedCompiler, compile_batched

X, Y = sp.symbols("x y", positive=True)
P = (1 + 3 * X) ** (Y + 2)
EXPRS = [2 * X * P - P**2, P - Y * sp.log(1 + P), sp.exp(-P) * P + sp.sqrt(P)]


def _boxes(seed: int, n: int = 500) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lo = np.column_stack([rng.uniform(0.01, 0.3, n), rng.uniform(0.0, 3.0, n)])
    return lo, lo + np.column_stack([rng.uniform(0, 0.01, n), rng.uniform(0, 0.5, n)])


def test_shared_nodes_give_the_bounds_of_separate_compiles_bit_for_bit() -> None:
    lo, hi = _boxes(0)
    comp = BatchedCompiler([X, Y])
    runners = [comp.bounds(e) for e in EXPRS]
    comp.begin()
    for e, run in zip(EXPRS, runners, strict=True):
        got, ref = run(lo, hi), compile_batched(e, [X, Y])(lo, hi)
        assert np.array_equal(got[0], ref[0], equal_nan=True) and np.array_equal(got[1], ref[1], equal_nan=True)


def test_arrays_changed_in_place_between_calls_are_read_afresh() -> None:
    # a runner starts a new batch per call: the memo of a shared node is keyed by the
    # array objects, which the caller may overwrite between calls
    f = compile_batched(EXPRS[0], [X, Y])
    lo, hi = _boxes(1)
    first = [a.copy() for a in f(lo, hi)]
    new_lo, new_hi = _boxes(2)
    lo[:], hi[:] = new_lo, new_hi
    again = f(lo, hi)
    ref = compile_batched(EXPRS[0], [X, Y])(new_lo, new_hi)
    assert np.array_equal(again[0], ref[0], equal_nan=True) and np.array_equal(again[1], ref[1], equal_nan=True)
    assert not np.array_equal(first[0], again[0], equal_nan=True)


def test_a_new_begin_starts_a_new_batch() -> None:
    comp = BatchedCompiler([X, Y])
    g, h = comp.bounds(EXPRS[0]), comp.bounds(EXPRS[1])
    lo, hi = _boxes(3)
    comp.begin()
    g(lo, hi), h(lo, hi)
    new_lo, new_hi = _boxes(4)
    lo[:], hi[:] = new_lo, new_hi
    comp.begin()
    ref = compile_batched(EXPRS[1], [X, Y])(new_lo, new_hi)
    got = h(lo, hi)
    assert np.array_equal(got[0], ref[0], equal_nan=True) and np.array_equal(got[1], ref[1], equal_nan=True)
