"""Touching points: close a neighbourhood where the gap is exactly 0, leave the rest to bnb.

Interval branch and bound (:mod:`boundprop.backends.bnb`, which already uses
second-order Taylor forms ``h(c) + grad h(c).t + 1/2 t' Hess h(box) t``)
cannot finish a goal ``h >= 0`` that is *tight* at a point ``p``: every box
containing ``p`` has a lower bound below 0 (the float enclosure of
``h(p) = 0`` is ``[-eps, eps]`` at best, and ``log 2 - log 2`` evaluates to a
padded interval around 0). This backend proves the goal near ``p`` from a
certified second-order expansion and gives bnb the rest of the box, where
the gap is bounded away from 0.

The method, per goal ``h >= 0`` of the conclusion (each relation alone):

1. *Candidates.* ``h`` is evaluated (as degenerate intervals of the batched
   walker) at seeded sample points of the box that the hypotheses do not
   exclude, plus the corners; the lowest few are polished by a compass
   search in floats and rounded to simple rationals (range endpoints first,
   then small denominators). A candidate ``p`` is kept only if ``h(p) = 0``
   *exactly* (sympy's exact evaluation at the rational point, simplified).
2. *Closure* of a neighbourhood box ``B = box ∩ [p - d, p + d]`` (radii
   shrinking by 4 until one works). Let ``B`` be evaluated with outward
   rounded float enclosures (the batched interval path of the walker):

   a. ``h``, every ``d h / d x_i`` and the Hessian entries used have
      finite enclosures on their boxes (so the expression and its first two
      derivatives are defined, hence analytic, on them — only + * powers
      exp log are admitted, see :func:`supports`);
   b. *fixed* coordinates ``F``: ``p_i`` is the lower end of ``B_i`` and
      the enclosure of ``d h / d x_i`` on ``B`` is ``>= 0`` (or the upper end
      and ``<= 0``);
   c. the other coordinates ``R``: the exact partial ``d h / d x_i (p)`` is 0,
      or ``p_i`` is the lower end of ``B_i`` and the partial is ``> 0``
      (upper end: ``< 0``), decided at the exact point (exact 0, or an
      interval enclosure of one sign);
   d. the enclosure ``[M]`` of the Hessian block ``R x R`` on
      ``B' = {x in B : x_F = p_F}`` is diagonally dominant with a
      nonnegative diagonal in the worst case (Gershgorin, in exact
      rationals): ``lo(M_ii) >= sum_{j != i} max|M_ij|``.

   *Soundness.* Take ``x`` in ``B``. By (b) and the mean-value theorem
   along each fixed coordinate in turn (each segment lies in the box
   ``B``), ``h(x) >= h(x')`` with ``x' = x`` but ``x'_F = p_F``; ``x'`` is in
   ``B'``. ``phi(s) = h(p + s (x' - p))`` is C^2 on [0, 1] (the segment lies
   in the convex ``B'``, where (a) holds), so by Taylor with Lagrange
   remainder ``h(x') = h(p) + grad h(p).t + 1/2 t' Hess h(xi) t`` with
   ``t = x' - p`` (zero on ``F``) and ``xi`` on the segment. ``h(p) = 0``
   exactly; each term ``d_i h(p) t_i`` is ``>= 0`` by (c), since ``t_i >= 0``
   when ``p_i`` is the lower end of ``B_i`` and ``<= 0`` at the upper end;
   the symmetric matrix ``Hess h(xi)`` restricted to ``R`` lies entrywise in
   ``[M]``, so by (d) it is diagonally dominant with a nonnegative diagonal,
   hence positive semidefinite (Gershgorin), and ``t' Hess t >= 0``. So
   ``h(x) >= 0`` on all of ``B`` (hypotheses are not even needed there).
3. *The rest.* ``box \\ B`` is cut into at most ``2 n`` boxes with exact
   rational ends (together with ``B`` they cover the box), each decided by
   ``interval-bnb`` as a statement of its own (same hypotheses, guards and
   the one goal); a piece bnb leaves open is searched for touching points
   again (at most :data:`MAX_DEPTH` levels). The goal is proved when ``B``
   is closed and every piece is proved.

A strict goal ``h > 0`` with ``h(p) = 0`` is false at ``p``: ``p`` is
returned as a counterexample if :func:`boundprop.interval.refutes` confirms
it (hypotheses true, conclusion false, statement defined). Counterexamples
from bnb on a piece are re-verified on the original statement.

*Faces.* The same argument holds with some coordinates *free*: the touching
set is then ``{x_Z = z}`` with the other coordinates ``y`` ranging over the
whole box. ``h = 0`` on it must be an exact identity (the substituted
expression simplifies to 0); conditions (c) are checked as identities or as
interval signs over all ``y``; the segments of the argument move only the
pinned coordinates, so nothing else changes. Because an enclosure over the
whole range of ``y`` loses dependency, the neighbourhood may be checked in
cells (the free ranges cut into equal parts, each cell closed on its own:
their union is the neighbourhood).

*Diagonals.* A goal tight along ``x_j = x_i`` (or ``x_j = -x_i``), seen
as float minima near 0 with equal (opposite) coordinates, is retried after
substituting ``x_j = ±x_i + s_j`` with a new variable ``s_j`` over the
exact range of ``x_j ∓ x_i`` (``[lo_j - hi_i, hi_j - lo_i]`` for ``+``) and the hypotheses
``lo_j <= ±x_i + s_j <= hi_j`` appended: a bijection between the two
feasible sets, so proving the new statement proves the old one. The
touching set is then the face ``s = 0``. Counterexamples are mapped back
and re-verified on the original statement.

*Higher order.* With one pinned coordinate ``x_i`` whose derivatives of
order 1 to ``k - 1`` (k = 3 or 4) vanish identically on the touching set
(``log(x/y) >= 2(x - y)/(x + y)`` on ``x = y``: order 3), Taylor in ``x_i``
alone gives ``h(x) = D^k h(xi) t^k / k!`` (``t = x_i - p_i``, the segment in
the cell); it is ``>= 0`` when the enclosure of ``D^k h`` on every cell has
the sign of ``t^k``: ``>= 0`` if ``p_i`` is the lower end (t >= 0), the sign
of ``(-1)^k`` at the upper end, ``>= 0`` with k even inside.

Goals whose Hessian vanishes at isolated points of a touching face
(Pinsker's inequality at x = y = 1/2) are not closed: no cell containing
that point passes a test on an enclosure of width > 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from boundprop.backends import bnb
from boundprop.backends.base import Support
from boundprop.errors import BoundpropError, UnsupportedError
from boundprop.expr import relations_of
from boundprop.interval import enclose, refutes
from boundprop.interval.batched import FALSE, IV, IVFn, compile_batched_truth, compile_iv
from boundprop.interval.scalar import endpoint_bounds, relation_gap
from boundprop.rewrite import diagonal
from boundprop.statement import Budget, Statement
from boundprop.verdict import CheckResult, Status

__all__ = [
    "DENOMINATORS",
    "Gap",
    "MAX_DEPTH",
    "MAX_ORDER",
    "MAX_VARS",
    "METHOD",
    "CELLS",
    "MAX_CELLS",
    "RADII",
    "SEARCH_POINTS",
    "Touch",
    "close_at",
    "decide",
    "supports",
    "touching_points",
]

METHOD = "taylor"
name = METHOD  # the backend protocol (boundprop.backends.base)

MAX_VARS = 6  # Hessians grow quadratically (bnb's limit too)
MAX_DEPTH = 2  # levels of touching-point search inside pieces bnb leaves open
SEARCH_POINTS = 2048
POLISHED = 8  # lowest sample points polished by compass search
COMPASS_STEPS = 120
# neighbourhood radii, as fractions of the box width (largest first)
RADII = tuple(Fraction(1, 4**k) for k in range(1, 14))
CELLS = (1, 4, 16, 64, 256, 1024)  # parts each free coordinate of a touching face is cut into
MAX_CELLS = 1024
MAX_ORDER = 4  # highest derivative tried for a one-coordinate touching set
DENOMINATORS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 100)
_SNAP = 1e-5  # rounding tolerance, relative to the box width
_NEAR_ZERO = 1e-7  # a float minimum this low may be a touching set
_MAX_OPS = 400  # larger exact values are not simplified (sympy could take long)
_SMOOTH = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sp.Symbol, sp.Number, sp.NumberSymbol)

Rat = sp.Rational
Box = tuple[tuple[sp.Expr, sp.Expr], ...]


def supports(statement: Statement) -> Support:
    """Bounded continuous ranges, at most :data:`MAX_VARS` variables, and a
    conclusion of inequalities built from + * powers exp log."""
    if not 0 < len(statement.variables) <= MAX_VARS:
        return Support(False)
    if any(v.integer or not v.bounded for v in statement.variables):
        return Support(False)
    for rel in relations_of(statement.conclusion):
        if not isinstance(rel, Relational) or isinstance(rel, (sp.Eq, sp.Ne)):
            return Support(False)
        if not all(isinstance(n, _SMOOTH) for n in sp.preorder_traversal(rel.lhs - rel.rhs)):
            return Support(False)
    return Support(True)


@dataclass(frozen=True, slots=True)
class Touch:
    """A closed neighbourhood: ``h >= 0`` on ``box`` (exact ends) around the exact
    point ``point`` where ``h = 0``; ``fixed`` are the coordinates settled by
    monotonicity, the others by the second-order expansion."""

    point: tuple[sp.Rational, ...]
    box: Box
    fixed: tuple[int, ...]


class Gap:
    """The goal ``h >= 0`` (or ``> 0``) with its derivatives, compiled by the
    batched walker; Hessian entries compiled on first use."""

    def __init__(self, h: sp.Expr, strict: bool, symbols: Sequence[sp.Symbol]) -> None:
        self.h = h
        self.strict = strict
        self.symbols = tuple(symbols)
        self.value = compile_iv(h, self.symbols)
        self.dexprs = [sp.diff(h, s) for s in self.symbols]
        self.grad = [compile_iv(d, self.symbols) for d in self.dexprs]
        self._hess: dict[tuple[int, int], IVFn] = {}
        self._nth: dict[tuple[int, int], tuple[sp.Expr, IVFn]] = {}

    def nth(self, i: int, k: int) -> tuple[sp.Expr, IVFn]:
        """The k-th partial derivative in x_i, and its compiled form."""
        key = (i, -k)
        if key not in self._nth:
            e = sp.diff(self.h, self.symbols[i], k)
            self._nth[key] = (e, compile_iv(e, self.symbols))
        return self._nth[key]

    def hess(self, i: int, j: int) -> IVFn:
        key = (min(i, j), max(i, j))
        if key not in self._hess:
            self._hess[key] = compile_iv(sp.diff(self.dexprs[key[0]], self.symbols[key[1]]), self.symbols)
        return self._hess[key]


# ---------------------------------------------------------------------------
# exact facts at a rational point


Point = tuple[sp.Rational | None, ...]  # None: a free coordinate (the touching set is a face)


def _exact(expr: sp.Expr, point: Point, symbols: Sequence[sp.Symbol]) -> sp.Expr | None:
    """``expr`` with the fixed coordinates of ``point`` substituted exactly,
    simplified; None if too large to simplify."""
    v = sp.sympify(expr.xreplace({s: c for s, c in zip(symbols, point, strict=True) if c is not None}))
    if v.is_Rational or v.is_zero is True:
        return v
    if sp.count_ops(v) > _MAX_OPS or v.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    return sp.simplify(v)


def _sign_on(expr: sp.Expr, point: Point, nb: Box, symbols: Sequence[sp.Symbol]) -> int | None:
    """-1, 0 or 1: the certified sign of ``expr`` on the set of ``point`` (its
    free coordinates ranging over ``nb``); 0 only for an exact identity."""
    v = _exact(expr, point, symbols)
    if v is not None and v == 0:
        return 0
    target = v if v is not None else expr
    box = {s: ((c, c) if c is not None else e) for s, c, e in zip(symbols, point, nb, strict=True)}
    try:
        iv = enclose(target, {s: box[s] for s in sp.sympify(target).free_symbols if s in box})[0]
    except BoundpropError:
        return None
    if iv.inf > 0:
        return 1
    if iv.sup < 0:
        return -1
    return None


# ---------------------------------------------------------------------------
# float boxes


def _floats(box: Box) -> tuple[np.ndarray, np.ndarray]:
    """Outward float bounds of an exact box, as a batch of one."""
    ends = [endpoint_bounds(a, b) for a, b in box]
    return np.array([[e[0] for e in ends]]), np.array([[e[1] for e in ends]])


# ---------------------------------------------------------------------------
# step 2: closing a neighbourhood


def close_at(gap: Gap, point: Point, box: Box) -> Touch | None:
    """The largest neighbourhood of ``point`` in ``box`` closed by the expansion
    (see the module notes, step 2), or None. Free coordinates (None) keep their
    whole range: the touching set is then a face, ``h = 0`` on it must be an
    exact identity, and the neighbourhood is checked in cells (the free ranges
    cut into equal parts, each cell closed by the argument on its own)."""
    n = len(point)
    symbols = gap.symbols
    whole = tuple(box)
    if _sign_on(gap.h, point, whole, symbols) != 0:
        return None
    pinned = [i for i in range(n) if point[i] is not None]
    free = [i for i in range(n) if point[i] is None]
    partial = {i: _sign_on(gap.dexprs[i], point, whole, symbols) for i in pinned}
    order = _order(gap, point, whole, pinned[0]) if len(pinned) == 1 and partial[pinned[0]] == 0 else None
    for radius in RADII:
        r = Rat(radius.numerator, radius.denominator)
        nb = tuple(
            e if c is None else (max(e[0], c - (e[1] - e[0]) * r), min(e[1], c + (e[1] - e[0]) * r))
            for e, c in zip(box, point, strict=True)
        )
        for parts in CELLS:
            if parts**len(free) > MAX_CELLS:
                break
            cells = _cells(nb, free, parts)
            fixed = _closes(gap, point, cells, pinned, partial)
            if fixed is not None:
                return Touch(tuple(point), nb, tuple(fixed))
            if order is not None and _closes_in_order(gap, point, cells, pinned[0], order):
                return Touch(tuple(point), nb, ())
            if not free:
                break
    return None


def _order(gap: Gap, point: Point, whole: Box, i: int) -> int | None:
    """The order k (3 to MAX_ORDER) of the first derivative in x_i that is not
    identically 0 on the touching set, when the lower ones all are."""
    for k in range(2, MAX_ORDER + 1):
        if _sign_on(gap.nth(i, k)[0], point, whole, gap.symbols) != 0:
            return k if k > 2 else None  # order 2 is the Hessian test's
    return None


def _closes_in_order(gap: Gap, point: Point, cells: Sequence[Box], i: int, k: int) -> bool:
    """One pinned coordinate, h and its first k-1 derivatives in x_i identically 0
    on the touching set: Taylor in x_i alone leaves ``D^k h(xi) t^k / k!``, which
    is >= 0 if ``D^k h`` has the sign of ``t^k`` on every cell (t >= 0 at a lower
    end, t <= 0 at an upper end, either sign inside: then k must be even)."""
    bounds = [_floats(c) for c in cells]
    L, H = np.vstack([b[0] for b in bounds]), np.vstack([b[1] for b in bounds])
    if not _all_usable(gap.value(L, H)):
        return False
    derivs = [gap.nth(i, m)[1](L, H) for m in range(1, k + 1)]
    if not all(_all_usable(d) for d in derivs):
        return False
    (a, b), c = cells[0][i], point[i]
    top = derivs[-1]
    if c == a and a < b:
        return bool((top.lo >= 0).all())
    if c == b and a < b:
        return bool(((top.hi <= 0) if k % 2 else (top.lo >= 0)).all())
    return k % 2 == 0 and bool((top.lo >= 0).all())


def _cells(nb: Box, free: Sequence[int], parts: int) -> list[Box]:
    cells: list[list[tuple[sp.Expr, sp.Expr]]] = [list(nb)]
    for i in free:
        a, b = nb[i]
        cuts = [a + (b - a) * Rat(k, parts) for k in range(parts + 1)]
        cells = [c[:i] + [(cuts[k], cuts[k + 1])] + c[i + 1:] for c in cells for k in range(parts)]
    return [tuple(c) for c in cells]


def _closes(
    gap: Gap, point: Point, cells: Sequence[Box], pinned: Sequence[int], partial: dict[int, int | None]
) -> list[int] | None:
    """If conditions (a)-(d) of the module notes hold on every cell (evaluated
    as one batch), the coordinates fixed by monotonicity on all of them; else None."""
    bounds = [_floats(c) for c in cells]
    L, H = np.vstack([b[0] for b in bounds]), np.vstack([b[1] for b in bounds])
    if not _all_usable(gap.value(L, H)):
        return None
    grads = [g(L, H) for g in gap.grad]
    if not all(_all_usable(g) for g in grads):
        return None
    nb = cells[0]  # the pinned coordinates are not cut: same ends in every cell
    k = L.shape[0]
    fixed = np.zeros((k, len(point)), dtype=bool)
    LF, HF = L.copy(), H.copy()
    for i in pinned:
        (a, b), c = nb[i], point[i]
        assert c is not None
        fixed[:, i] = (a == b) | ((c == a) & (grads[i].lo >= 0)) | ((c == b) & (grads[i].hi <= 0))
        pl, ph = endpoint_bounds(c, c)
        LF[:, i] = np.where(fixed[:, i], pl, LF[:, i])
        HF[:, i] = np.where(fixed[:, i], ph, HF[:, i])
        inward = partial[i] == 0 or (partial[i] == 1 and c == a) or (partial[i] == -1 and c == b)
        if not inward and not fixed[:, i].all():
            return None  # (c) fails on a cell where x_i is not fixed
    rest = [i for i in pinned if not fixed[:, i].all()]
    block: dict[tuple[int, int], IV] = {}
    for x, i in enumerate(rest):
        for j in rest[x:]:
            iv = gap.hess(i, j)(LF, HF)
            if not _all_usable(iv):
                return None
            block[i, j] = iv
    for row in range(k):
        free_here = [i for i in rest if not fixed[row, i]]
        for i in free_here:
            diag = Fraction(float(block[i, i].lo[row]))
            off = sum(
                (max(abs(Fraction(float(block[min(i, j), max(i, j)].lo[row]))),
                     abs(Fraction(float(block[min(i, j), max(i, j)].hi[row]))))
                 for j in free_here if j != i),
                Fraction(0),
            )
            if diag < off:
                return None
    return [i for i in pinned if fixed[:, i].all()]


def _all_usable(iv: IV) -> bool:
    return not bool(iv.bad.any()) and bool(np.isfinite(iv.lo).all()) and bool(np.isfinite(iv.hi).all())


# ---------------------------------------------------------------------------
# step 1: candidates


def _minima(gap: Gap, box: Box, hypotheses: Sequence[Any], seed: int = 0) -> list[tuple[np.ndarray, float]]:
    """The lowest float values of ``h`` at seeded sample points and corners of
    ``box`` not excluded by the hypotheses, each polished by compass search
    (which stays where the hypotheses are not false)."""
    n = len(box)
    lo, hi = (np.array(x[0]) for x in _floats(box))
    rng = np.random.default_rng(seed)
    corners = np.array([[hi[i] if (k >> i) & 1 else lo[i] for i in range(n)] for k in range(2**n)])
    P = np.vstack([lo + (hi - lo) * rng.random((SEARCH_POINTS, n)), corners, (lo + hi)[None, :] / 2])
    P = np.clip(P, lo, hi)
    hyps = []
    for hyp in hypotheses:
        try:
            hyps.append(compile_batched_truth(hyp, gap.symbols))
        except UnsupportedError:
            continue

    def values(Q: np.ndarray) -> np.ndarray:
        v = gap.value(Q, Q)
        out = np.where(v.bad | ~np.isfinite(v.lo), np.inf, (v.lo + v.hi) / 2)
        for t in hyps:
            out = np.where(t(Q, Q) == FALSE, np.inf, out)
        return out

    first = values(P)
    order = [i for i in np.argsort(first, kind="stable")[:POLISHED] if np.isfinite(first[i])]
    if not order:
        return []
    Q, v = _polish(values, P[order], first[order], lo, hi)
    return [(Q[k], float(v[k])) for k in range(len(order))]


def touching_points(
    gap: Gap, box: Box, hypotheses: Sequence[Any], seed: int = 0
) -> list[tuple[sp.Rational, ...]]:
    """Simple rational points of ``box`` where ``h`` is exactly 0, found from the
    lowest float values of ``h`` (see the module notes, step 1)."""
    found: list[tuple[sp.Rational, ...]] = []
    for p, _ in _minima(gap, box, hypotheses, seed):
        q = _rationalize(p, box)
        if q is not None and q not in found and _sign_on(gap.h, q, box, gap.symbols) == 0:
            found.append(q)
    return found


def _polish(
    values: Callable[[np.ndarray], np.ndarray], P: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Compass search from each row of ``P`` (floats, inside the box), all rows
    in one batch: the points reached and their values."""
    k, n = P.shape
    P, v = P.copy(), v.copy()
    step = np.tile((hi - lo) / 8, (k, 1))
    dirs = np.vstack([np.eye(n), -np.eye(n)])
    for _ in range(COMPASS_STEPS):
        trial = np.clip(P[:, None, :] + dirs[None, :, :] * step[:, None, :], lo, hi)
        tv = values(trial.reshape(-1, n)).reshape(k, 2 * n)
        best = np.argmin(tv, axis=1)
        bv = tv[np.arange(k), best]
        better = bv < v
        P = np.where(better[:, None], trial[np.arange(k), best], P)
        v = np.where(better, bv, v)
        step = np.where(better[:, None], step, step / 2)
        if np.all(step <= (hi - lo) * 2.0**-60):
            break
    return P, v


def _rationalize(p: np.ndarray, box: Box) -> tuple[sp.Rational, ...] | None:
    out = []
    for x, (a, b) in zip(p.tolist(), box, strict=True):
        tol = _SNAP * max(float(b - a), 1e-300)
        chosen = None
        for end in (a, b):
            if abs(float(end) - x) <= tol:
                chosen = end
                break
        if chosen is None:
            for den in DENOMINATORS:
                f = Fraction(x).limit_denominator(den)
                if abs(float(f) - x) <= tol and a <= Rat(f.numerator, f.denominator) <= b:
                    chosen = Rat(f.numerator, f.denominator)
                    break
        if chosen is None:
            return None
        out.append(sp.Rational(chosen))
    return tuple(out)


# ---------------------------------------------------------------------------
# step 3: the search


def _without(box: Box, nb: Box) -> list[Box]:
    """Boxes with exact ends that, with ``nb`` (inside ``box``), cover ``box``."""
    pieces = []
    current = list(box)
    for i, ((a, b), (c, d)) in enumerate(zip(box, nb, strict=True)):
        if a < c:
            pieces.append(tuple(current[:i] + [(a, c)] + current[i + 1:]))
        if d < b:
            pieces.append(tuple(current[:i] + [(d, b)] + current[i + 1:]))
        current[i] = (c, d)
    return pieces


def _on_box(statement: Statement, goal: Relational, box: Box) -> Statement:
    variables = tuple(replace(v, lo=a, hi=b) for v, (a, b) in zip(statement.variables, box, strict=True))
    return replace(statement, variables=variables, conclusion=goal)


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: Status
    evidence: str
    boxes: int = 0
    touches: tuple[str, ...] = ()  # the touching sets closed, described
    counterexample: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class _Frame:
    """The statement being decided and the map of its points back to the
    original statement's (identity, or undoing a diagonal substitution)."""

    original: Statement
    image: dict[sp.Symbol, sp.Expr]  # original symbol -> expression in this frame's symbols

    def verified(self, point: Any) -> dict[str, str] | None:
        """``point`` (this frame's names) mapped back, if it refutes the original."""
        try:
            values = {sp.Symbol(str(k), real=True): sp.Rational(str(v)) for k, v in point.items()}
            by_name = {str(k): v for k, v in values.items()}
            back = {}
            for s_, e in self.image.items():
                val = sp.sympify(e.xreplace({f: by_name[str(f)] for f in e.free_symbols}))
                if not val.is_Rational:
                    return None
                back[s_] = val
        except (KeyError, TypeError, ValueError):
            return None
        if not refutes(self.original, back):
            return None
        return {str(k): str(v) for k, v in back.items()}


class _Allowance:
    """The boxes bnb may still spend on one goal (all pieces, all attempts):
    the work stays within ``budget.max_boxes`` however many pieces there are."""

    def __init__(self, boxes: int) -> None:
        self.left = boxes


def _prove(
    frame: _Frame, statement: Statement, goal: Relational, gap: Gap, box: Box, budget: Budget,
    depth: int, t0: float, allowance: _Allowance, face: Point | None = None,
) -> _Outcome:
    """``h >= 0`` on ``box``: a touching neighbourhood (``face``, or points
    searched for), then bnb on the rest."""
    points: list[Point] = [face] if face is not None else list(
        touching_points(gap, box, statement.hypotheses, budget.seed))
    touch = None
    for p in points:
        if gap.strict:
            if None not in p:
                cex = frame.verified({v.name: c for v, c in zip(statement.variables, p, strict=True)})
                if cex is not None:
                    return _Outcome(Status.REFUTED, f"the strict goal is 0 at {_fmt(statement, p)}",
                                    counterexample=cex)
            continue
        touch = close_at(gap, p, box)
        if touch is not None:
            break
    if touch is None:
        found = f"touching points {', '.join(_fmt(statement, p) for p in points)} not closed" if points else (
            "no touching point found")
        return _Outcome(Status.UNKNOWN, found)
    pieces = _without(box, touch.box)
    share = replace(budget, max_boxes=max(1, budget.max_boxes // max(1, 2 * len(box))))
    boxes = 0
    touches = [_fmt(statement, touch.point)]
    for piece in pieces:
        left = budget.seconds - (time.monotonic() - t0)
        if left <= 0:
            return _Outcome(Status.UNKNOWN, "stopped by the time cap (not reproducible)", boxes, tuple(touches))
        if allowance.left <= 0:
            return _Outcome(Status.UNKNOWN, f"budget of {budget.max_boxes} boxes exhausted; raise max_boxes",
                            boxes, tuple(touches))
        sub = _on_box(statement, goal, piece)
        r = bnb.decide(sub, replace(share, seconds=left, max_boxes=min(share.max_boxes, allowance.left)))
        used = int(r.details.get("boxes", 0))
        boxes += used
        allowance.left -= max(1, used)
        if r.status is Status.PROVED:
            continue
        if r.status is Status.REFUTED and r.counterexample is not None:
            cex = frame.verified(r.counterexample)
            if cex is not None:
                return _Outcome(Status.REFUTED, f"interval-bnb on a piece: {r.evidence}", boxes,
                                counterexample=cex)
        if depth >= MAX_DEPTH:
            return _Outcome(Status.UNKNOWN, f"piece {_fmt_box(statement, piece)} left open: {r.evidence}",
                            boxes, tuple(touches))
        inner = _prove(frame, statement, goal, gap, piece, share, depth + 1, t0, allowance)
        boxes += inner.boxes
        touches += inner.touches
        if inner.status is not Status.PROVED:
            return replace(inner, evidence=f"piece {_fmt_box(statement, piece)}: {inner.evidence}",
                           boxes=boxes, touches=tuple(touches))
    return _Outcome(Status.PROVED, "", boxes, tuple(touches))


# ---------------------------------------------------------------------------
# goals tight along a diagonal: x_j = x_i + s (or -x_i + s) makes it the face s = 0


def _diagonals(gap: Gap, box: Box, hypotheses: Sequence[Any], seed: int) -> list[tuple[tuple[int, int, int], ...]]:
    """Groups ``(j, i, sign)``: at a near-zero float minimum, x_j = sign * x_i."""
    out: list[tuple[tuple[int, int, int], ...]] = []
    widths = [float(b - a) for a, b in box]
    for p, value in _minima(gap, box, hypotheses, seed):
        if not abs(value) <= _NEAR_ZERO:
            continue
        group = []
        roots: set[int] = set()
        for j in range(len(box)):
            for i in sorted(roots):
                tol = _SNAP * max(widths[i], widths[j])
                if abs(p[j] - p[i]) <= tol:
                    group.append((j, i, 1))
                    break
                if abs(p[j] + p[i]) <= tol and abs(p[i]) > tol:
                    group.append((j, i, -1))
                    break
            else:
                roots.add(j)
        if group and tuple(group) not in out:
            out.append(tuple(group))
    return out


def _substituted(
    statement: Statement, goal: Relational, group: tuple[tuple[int, int, int], ...]
) -> tuple[Statement, Relational, dict[sp.Symbol, sp.Expr], Point]:
    """The statement with x_j = sign * x_i + s_j for the group (:func:`boundprop.rewrite.diagonal`),
    the image of each old symbol in the new ones, and the face s = 0."""
    new = diagonal(replace(statement, conclusion=goal), group).statement
    image: dict[sp.Symbol, sp.Expr] = {v.symbol: v.symbol for v in statement.variables}
    face: list[sp.Rational | None] = [None] * len(statement.variables)
    for j, i, sign in group:
        image[statement.variables[j].symbol] = sign * statement.variables[i].symbol + new.variables[j].symbol
        face[j] = sp.Integer(0)
    new_goal = new.conclusion
    assert isinstance(new_goal, Relational)
    return new, new_goal, image, tuple(face)


def _fmt(statement: Statement, p: Point) -> str:
    return "(" + ", ".join(f"{v.name}={c}" for v, c in zip(statement.variables, p, strict=True) if c is not None) + ")"


def _fmt_box(statement: Statement, box: Box) -> str:
    return ", ".join(f"{v.name} in [{a}, {b}]" for v, (a, b) in zip(statement.variables, box, strict=True))


def _along_diagonals(
    statement: Statement, rel: Relational, gap: Gap, box: Box, budget: Budget, t0: float, first: _Outcome,
    allowance: _Allowance,
) -> _Outcome:
    """Retry a goal that looks tight along x_j = ±x_i as a face after substituting."""
    for group in _diagonals(gap, box, statement.hypotheses, budget.seed):
        new, goal, image, face = _substituted(statement, rel, group)
        h, strict = relation_gap(goal)
        sub_gap = Gap(sp.sympify(h), strict, new.symbols)
        out = _prove(_Frame(statement, image), new, goal, sub_gap, tuple((v.lo, v.hi) for v in new.variables),
                     budget, 1, t0, allowance, face)
        how = ", ".join(f"{statement.variables[j].name} = {image[statement.variables[j].symbol]}" for j, _, _ in group)
        if out.status is not Status.UNKNOWN:
            return replace(out, evidence=f"after substituting {how}{': ' + out.evidence if out.evidence else ''}")
        first = replace(first, evidence=f"{first.evidence}; after substituting {how}: {out.evidence}",
                        boxes=first.boxes + out.boxes)
    return first


def decide(statement: Statement, budget: Budget) -> CheckResult:
    """Prove each goal by a touching-point neighbourhood plus bnb on the rest.

    Returns PROVED when every goal is, REFUTED with a re-verified exact
    counterexample, else UNKNOWN saying what was missing.

    Examples
    --------
    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", -1, 1)
    >>> r = decide(Statement((x,), (), sp.log(2 + x.symbol) <= sp.log(2) + x.symbol / 2), Budget())
    >>> r.status.value, r.details["touching"]
    ('proved', ['(x=0)'])
    >>> r = decide(Statement((x,), (), sp.log(2 + x.symbol) < sp.log(2) + x.symbol / 2), Budget())
    >>> r.status.value, r.counterexample
    ('refuted', {'x': '0'})
    """
    t0 = time.monotonic()
    if not supports(statement):
        raise UnsupportedError("taylor takes bounded continuous ranges and smooth inequalities only")
    box: Box = tuple((v.lo, v.hi) for v in statement.variables)
    parts: list[str] = []
    boxes = 0
    touching: list[str] = []
    status = Status.PROVED
    with np.errstate(all="ignore"):
        for rel in relations_of(statement.conclusion):
            h, strict = relation_gap(rel)
            gap = Gap(sp.sympify(h), strict, statement.symbols)
            frame = _Frame(statement, {v.symbol: v.symbol for v in statement.variables})
            allowance = _Allowance(budget.max_boxes)
            out = _prove(frame, statement, rel, gap, box, budget, 0, t0, allowance)
            if out.status is Status.UNKNOWN and not strict:
                out = _along_diagonals(statement, rel, gap, box, budget, t0, out, allowance)
            boxes += out.boxes
            touching += list(out.touches)
            if out.status is Status.REFUTED:
                return CheckResult(Status.REFUTED, METHOD, f"{rel}: {out.evidence}, re-verified exactly",
                                   seconds=time.monotonic() - t0, counterexample=out.counterexample,
                                   details={"boxes": boxes, "touching": touching})
            if out.status is Status.PROVED:
                parts.append(f"{rel}: {out.evidence + ', ' if out.evidence else ''}closed at {', '.join(out.touches)}")
            else:
                status = Status.UNKNOWN
                parts.append(f"{rel}: {out.evidence}")
    what = (
        "touching neighbourhoods closed by a certified Taylor expansion, the rest by interval-bnb"
        if status is Status.PROVED else "not proved"
    )
    return CheckResult(status, METHOD, f"{what} ({boxes} bnb boxes): {'; '.join(parts)}",
                       seconds=time.monotonic() - t0, details={"boxes": boxes, "touching": touching})
