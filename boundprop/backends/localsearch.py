"""Nelder-Mead from many starts at once: one vectorised evaluation per step for all of them.

The falsifier's local searches minimise a margin that numpy evaluates for a
whole array of points in about the time it takes for one; scipy's
Nelder-Mead asks for one point at a time, so a search from six starts cost
thousands of one-point calls. Here every start has its own simplex and all
simplices step together: each step evaluates, for every simplex still
running, the reflection, expansion and both contractions of its worst
vertex in one call, then applies the usual rule (Nelder and Mead 1965, with
scipy's coefficients and initial simplex) to each.

Deterministic: no randomness, and the effort is counted, not timed. Each
simplex is charged the evaluations the classic sequential method would make
(the reflection, then the one further point its rule uses, or the shrunken
vertices), so ``max_evals`` means what scipy's ``maxfev`` means; a simplex
stops there, or when its vertices and values agree to ``xatol`` and
``fatol``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__ = ["minimize_many"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# scipy's initial simplex: a 5 % step along each free coordinate, 0.00025 where it is 0
_STEP, _ZERO_STEP = 0.05, 0.00025


def minimize_many(
    objective: Callable[[FloatArray], FloatArray],
    starts: FloatArray,
    free: BoolArray,
    lower: FloatArray,
    upper: FloatArray,
    max_evals: int,
    xatol: float = 1e-12,
    fatol: float = 1e-15,
    stop: Callable[[], bool] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Minimise ``objective`` from each row of ``starts``, moving only the ``free`` coordinates.

    Parameters
    ----------
    objective : callable
        Values (m,) for points (m, n); must be finite (map NaN and inf to a
        large number before).
    starts : array (S, n)
        One start per row.
    free : bool array (n,)
        The coordinates the searches move; the others keep their start values.
    lower, upper : arrays (n,)
        Bounds (``-inf``/``inf`` for none); every point tried is clipped into them.
    max_evals : int
        Evaluations per start, counted as the sequential method makes them.
    stop : callable, optional
        Polled once per step; True ends every search where it is (an outer
        wall-clock cap).

    Returns
    -------
    (best points (S, n), their values (S,))
    """
    starts = np.asarray(starts, dtype=np.float64)
    # values near the 1e300 penalty overflow when subtracted: harmless, and the library never prints
    with np.errstate(all="ignore"):
        count, n = starts.shape
        axes = np.flatnonzero(free)
        k = len(axes)
        if count == 0 or k == 0:
            return starts.copy(), objective(starts) if count else np.zeros(0)

        def clip(points: FloatArray) -> FloatArray:
            return np.clip(points, lower, upper)

        # simplices (S, k + 1, n): the start, then one step along each free axis
        simplex = np.repeat(starts[:, None, :], k + 1, axis=1)
        for j, axis in enumerate(axes):
            x = starts[:, axis]
            simplex[:, j + 1, axis] = np.where(x != 0, (1 + _STEP) * x, _ZERO_STEP)
        # a step past an upper bound goes the other way (as scipy does), not onto the start
        simplex = clip(np.where(simplex > upper, 2 * upper - simplex, simplex))
        values = objective(simplex.reshape(-1, n)).reshape(count, k + 1)
        evals = np.full(count, k + 1)
        running = np.ones(count, dtype=bool)
        while True:
            order = np.argsort(values, axis=1, kind="stable")
            simplex = np.take_along_axis(simplex, order[:, :, None], axis=1)
            values = np.take_along_axis(values, order, axis=1)
            spread_x = np.max(np.abs(simplex[:, 1:, :] - simplex[:, :1, :]), axis=(1, 2))
            spread_f = np.max(np.abs(values[:, 1:] - values[:, :1]), axis=1)
            running &= ~((spread_x <= xatol) & (spread_f <= fatol)) & (evals < max_evals)
            if not running.any() or (stop is not None and stop()):
                break
            rows = np.flatnonzero(running)
            s, f = simplex[rows], values[rows]
            centroid = s[:, :-1, :].mean(axis=1)
            worst = s[:, -1, :]
            towards = centroid - worst
            tried = clip(np.concatenate([centroid + towards, centroid + 2 * towards,
                                         centroid + 0.5 * towards, centroid - 0.5 * towards]))
            fr, fe, foc, fic = objective(tried).reshape(4, len(rows))
            xr, xe, xoc, xic = tried.reshape(4, len(rows), n)
            best, second, last = f[:, 0], f[:, -2], f[:, -1]
            expand = (fr < best) & (fe < fr)
            reflect = ((fr < best) & ~expand) | ((fr >= best) & (fr < second))
            outside = (fr >= second) & (fr < last)
            inside = fr >= last
            take_oc = outside & (foc <= fr)
            take_ic = inside & (fic < last)
            shrink = (outside & ~take_oc) | (inside & ~take_ic)
            new_x = np.where(expand[:, None], xe, np.where(reflect[:, None], xr, np.where(take_oc[:, None], xoc, xic)))
            new_f = np.where(expand, fe, np.where(reflect, fr, np.where(take_oc, foc, fic)))
            replaced = ~shrink
            s[replaced, -1, :] = new_x[replaced]
            f[replaced, -1] = new_f[replaced]
            # the sequential method's count: the reflection, plus the point its rule used
            evals[rows] += 1 + (expand | (fr < best) | outside | inside).astype(int)
            if shrink.any():
                which = np.flatnonzero(shrink)
                kept = s[which, :1, :]
                shrunk = clip(kept + 0.5 * (s[which, 1:, :] - kept))
                s[which, 1:, :] = shrunk
                f[which, 1:] = objective(shrunk.reshape(-1, n)).reshape(len(which), k)
                evals[rows[which]] += k
            simplex[rows], values[rows] = s, f
        best_at = np.argmin(values, axis=1)
        return simplex[np.arange(count), best_at], values[np.arange(count), best_at]
