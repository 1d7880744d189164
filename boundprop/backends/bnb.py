"""Interval branch-and-bound: prove a statement by covering its box.

Every relation of the conclusion becomes a goal ``h >= 0`` (or ``h > 0``).
Boxes are evaluated many at a time on the batched interval path. A box is
settled when a hypothesis is false on all of it, or when every goal is
true on all of it; anything else is split. The lower bound of ``h`` on a box
is the best of several rigorous enclosures:

* the natural interval extension;
* the mean-value form ``h(c) + grad h(box) . (x - c)``;
* the second-order Taylor form ``h(c) + grad h(c) . t + 1/2 t' Hess h(box) t``
  around the centre and the two extreme corners (this is what proves
  statements that are tight at a corner, e.g. (1+x)**L <= exp(L*x) at x=0);
* monotonicity: a variable whose partial derivative has a sign on the box is
  fixed at the endpoint that minimises ``h``, and the forms above are
  re-evaluated on the thinner box.

Three exact rewritings help with statements that are tight along a curve
rather than at a point:

* a linear hypothesis ``v >= phi(rest)`` (or ``<=``) is substituted as
  ``v = phi + s`` with a new slack ``s >= 0`` (tried first, with half of the
  budget), so the hypothesis boundary becomes the face ``s = 0``;
* at a face that is an exact endpoint of a range, the goal is also evaluated
  with that variable substituted symbolically (sympy cancels ``exp(x) -
  exp(x)``, which interval arithmetic never can);
* on boxes where the sign of every ``Abs`` argument (and of ``a - b`` for
  two-argument ``Min``/``Max``) is known, the goal is replaced by its smooth
  branch, so the derivative forms apply to non-smooth goals too.

When the conclusion has a kink (Abs, Min, Max) whose signed argument is
linear in a variable and changes sign on the box, the statement is also tried
as two cases ``d >= 0`` and ``d <= 0`` (after a direct attempt with a third of
the budget); each case then gets the substitution above.

Together they prove L-EXP of papers.md (``|x| <= t`` implies
``|e^x - 1| <= e^t - 1``) exactly, in a handful of boxes.

Derivative forms are used only for *smooth* goals (built from + * ** exp
log), and only on boxes where the goal and its derivatives are defined
everywhere (the mean-value theorem needs a differentiable function on the
whole box). Integer variables are split at integers, so their boxes shrink
to points; derivatives in an integer variable use the real extension of the
expression, which is valid because it is defined (the exp-log form of a
power needs a positive base) on the whole real box.

A counterexample is only reported after :func:`boundprop.interval.refutes`
confirms it at an exact rational point.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from boundprop.backends.base import ALWAYS, Support
from boundprop.counterexample import format_counterexample
from boundprop.errors import BoundpropError, UnsupportedError
from boundprop.expr import relations_of
from boundprop.interval import enclose, refutes
from boundprop.interval.batched import (
    FALSE,
    IV,
    TRUE,
    UNDECIDED,
    IVFn,
    TruthArrFn,
    and_arr,
    compile_batched_truth,
    compile_iv,
    const_iv,
    gap_truth_arr,
    iv_add,
    iv_int_pow,
    iv_mul,
    sum_bounds,
)
from boundprop.interval.scalar import endpoint_bounds, relation_gap
from boundprop.rewrite import boundary_substitution, mapped_counterexample
from boundprop.statement import TIME_CAP, Budget, Statement, Variable
from boundprop.verdict import CheckResult, Status

__all__ = [
    "Arr",
    "BATCH",
    "MAX_HESSIAN_VARS",
    "MAX_REFUTE_ATTEMPTS",
    "METHOD",
    "Progress",
    "SMALL_INTEGER_RANGE",
    "TRUNCATE",
    "TRUNCATED_SHARE",
    "decide",
    "supports",
]

METHOD = "interval-bnb"
name = METHOD  # the backend protocol (boundprop.backends.base)


def supports(statement: Statement) -> Support:
    """The backend protocol's test: every statement (the portfolio decides when it is worth its boxes)."""
    return ALWAYS
BATCH = 512
# Hessians grow quadratically; beyond this many variables only first order is used.
MAX_HESSIAN_VARS = 6
# Exact re-verification runs on the scalar path; cap how often we try.
MAX_REFUTE_ATTEMPTS = 300
# Integer variables with fewer values than this are split before continuous ones.
SMALL_INTEGER_RANGE = 256
# Unbounded ranges are truncated to this magnitude, for counterexample search only,
# with this fraction (1/TRUNCATED_SHARE) of the box budget.
TRUNCATE = 2.0**20
TRUNCATED_SHARE = 10
_SMOOTH = (sp.Add, sp.Mul, sp.Pow, sp.exp, sp.log, sp.Symbol, sp.Number, sp.NumberSymbol)

Arr = np.ndarray
Progress = Callable[[float], None]


class _Hessian:
    """Second derivatives, differentiated and compiled on first use (sympy's
    diff of a large expression can take seconds; many statements never need it)."""

    def __init__(self, grad_exprs: Sequence[sp.Expr], symbols: Sequence[sp.Symbol]) -> None:
        self._grad = list(grad_exprs)
        self._symbols = list(symbols)
        self._compiled: list[list[IVFn]] | None = None
        self.failed = False

    def get(self) -> list[list[IVFn]] | None:
        if self._compiled is None and not self.failed:
            n = len(self._symbols)
            try:
                upper = {
                    (i, j): compile_iv(sp.diff(self._grad[i], self._symbols[j]), self._symbols)
                    for i in range(n)
                    for j in range(i, n)
                }
            except UnsupportedError:
                self.failed = True
                return None
            self._compiled = [[upper[min(i, j), max(i, j)] for j in range(n)] for i in range(n)]
        return self._compiled


@dataclass(frozen=True, slots=True)
class _Goal:
    """One conclusion relation: either a gap goal ``h >= 0`` / ``h > 0`` with
    optional derivative forms, or a boolean goal decided by natural extension."""

    text: str
    truth: TruthArrFn
    strict: bool = False
    value: IVFn | None = None
    grad: tuple[IVFn, ...] | None = None
    hess: _Hessian | None = None
    # (variable index, endpoint float, compiled h with that variable fixed symbolically)
    faces: tuple[tuple[int, float, IVFn], ...] = ()
    resolver: _AbsResolver | None = None


def _faces(h: sp.Expr, variables: Sequence[Variable]) -> tuple[tuple[int, float, IVFn], ...]:
    """h with one variable fixed at an exact range endpoint, simplified by sympy.

    Monotonicity often pushes a variable to the end of its range, where the goal
    can be identically tight (exp(x + s) - exp(x) at s = 0): numerically the two
    exp's never cancel, symbolically they do. Only float-exact endpoints qualify
    (the reduced box must sit exactly on them).
    """
    symbols = [v.symbol for v in variables]
    out = []
    for i, v in enumerate(variables):
        if v.symbol not in h.free_symbols:
            continue
        for end in (v.lo, v.hi):
            if not end.is_Rational:
                continue
            f = float(end)
            if sp.Rational(f) != end:
                continue
            if not _face_is_small(h, v.symbol, end):
                continue  # (1 + 1/x)**x at x = 10**7 would be an exact rational of 10**8 digits
            face = sp.sympify(h.xreplace({v.symbol: end}))
            try:
                out.append((i, f, compile_iv(face, symbols)))
            except UnsupportedError:
                continue
    return tuple(out)


# Largest exponent a face may get by fixing a variable (sympy would then expand
# the power exactly); the same limit as exact evaluation at points.
_FACE_MAX_EXPONENT = 4096


def _face_is_small(h: sp.Expr, symbol: sp.Symbol, end: sp.Expr) -> bool:
    """False when fixing ``symbol`` at ``end`` gives a power with a huge constant
    exponent (sympy would build an astronomically large exact rational)."""
    for power in h.atoms(sp.Pow):
        if symbol not in power.exp.free_symbols:
            continue
        exponent = power.exp.xreplace({symbol: end})
        if exponent.is_Number and abs(exponent) > _FACE_MAX_EXPONENT:
            return False
    return True


class _AbsResolver:
    """On a box where the argument of every ``Abs`` has a sign, ``Abs(u)`` is
    ``u`` or ``-u`` throughout (likewise two-argument ``Min``/``Max`` once the
    sign of ``a - b`` is known), so the goal equals a smooth expression there
    and the derivative forms apply. Variants are built per sign pattern, on
    demand."""

    def __init__(self, h: sp.Expr, strict: bool, variables: Sequence[Variable]) -> None:
        self.h = h
        self.strict = strict
        self.variables = list(variables)
        symbols = [v.symbol for v in variables]
        atoms = [a for a in h.atoms(sp.Abs, sp.Min, sp.Max) if len(a.args) <= 2]
        self.atoms = sorted(atoms, key=sp.default_sort_key)
        self.args = [compile_iv(self._signed(a), symbols) for a in self.atoms]
        self.cache: dict[tuple[int, ...], _Goal | None] = {}

    @staticmethod
    def _signed(a: sp.Expr) -> sp.Expr:
        return a.args[0] if isinstance(a, sp.Abs) else a.args[0] - a.args[1]

    @staticmethod
    def _branch(a: sp.Expr, sign: int) -> sp.Expr:
        if isinstance(a, sp.Abs):
            return a.args[0] if sign > 0 else -a.args[0]
        first_wins = (sign > 0) == isinstance(a, sp.Max)
        return a.args[0] if first_wins else a.args[1]

    def pattern(self, L: Arr, H: Arr) -> Arr:
        """Per box and atom: +1 (signed argument >= 0), -1 (<= 0) or 0 (unknown)."""
        cols = []
        for f in self.args:
            v = f(L, H)
            cols.append(np.where(v.bad, 0, np.where(v.lo >= 0, 1, np.where(v.hi <= 0, -1, 0))))
        return np.stack(cols, axis=1).astype(np.int8)

    def goal(self, signs: tuple[int, ...]) -> _Goal | None:
        if signs not in self.cache:
            table = {a: self._branch(a, sg) for a, sg in zip(self.atoms, signs, strict=True)}
            h2 = self.h
            for _ in range(len(self.atoms) + 1):  # nested atoms: replace until none is left
                h3 = h2.xreplace(table)
                if h3 == h2:
                    break
                h2 = h3
            rel = sp.StrictGreaterThan(h2, 0) if self.strict else sp.GreaterThan(h2, 0)
            if not _is_smooth(h2):
                self.cache[signs] = None
            else:
                self.cache[signs] = _make_goal(rel, self.variables, f"{rel} (signs {signs})")
        return self.cache[signs]


def _is_smooth(h: sp.Basic) -> bool:
    return all(isinstance(node, _SMOOTH) for node in sp.preorder_traversal(h))


def _make_goal(rel: Any, variables: Sequence[Variable], text: str) -> _Goal:
    symbols = [v.symbol for v in variables]
    truth = compile_batched_truth(rel, symbols)
    if not isinstance(rel, Relational) or isinstance(rel, (sp.Eq, sp.Ne)):
        return _Goal(text=text, truth=truth)
    h, strict = relation_gap(rel)
    value = compile_iv(h, symbols)
    if not _is_smooth(h):
        resolver = (
            _AbsResolver(h, strict, variables) if h.has(sp.Abs, sp.Min, sp.Max) else None
        )
        return _Goal(text=text, truth=truth, strict=strict, value=value, resolver=resolver)
    try:
        dh = [sp.diff(h, s) for s in symbols]
        grad = tuple(compile_iv(d, symbols) for d in dh)
    except UnsupportedError:
        # e.g. a derivative that leaves the reals; natural extension still applies
        return _Goal(text=text, truth=truth, strict=strict, value=value)
    hess = _Hessian(dh, symbols) if len(symbols) <= MAX_HESSIAN_VARS else None
    return _Goal(
        text=text,
        truth=truth,
        strict=strict,
        value=value,
        grad=grad,
        hess=hess,
        faces=_faces(h, variables),
    )


def _goals(conclusion: Any, symbols: Sequence[Variable]) -> list[_Goal]:
    goals: list[_Goal] = []
    for rel in relations_of(conclusion):
        if isinstance(rel, sp.Eq):
            # equality as two inequalities, so derivative forms apply to each side
            goals.append(_make_goal(rel.lhs >= rel.rhs, symbols, f"{rel} (>=)"))
            goals.append(_make_goal(rel.lhs <= rel.rhs, symbols, f"{rel} (<=)"))
        else:
            goals.append(_make_goal(rel, symbols, str(rel)))
    return goals


# ---------------------------------------------------------------------------
# enclosures of a goal on a batch of boxes


def _iv(lo: Arr, hi: Arr) -> IV:
    return IV(lo, hi, np.zeros(lo.shape, dtype=bool))


def _centre(L: Arr, H: Arr, integer: Arr) -> Arr:
    with np.errstate(all="ignore"):
        c = L + (H - L) / 2
    c = np.where(np.isfinite(c), c, (L + H) / 2)
    c = np.where(integer[None, :], np.floor(c), c)
    return np.asarray(np.clip(c, L, H))


def _offsets(L: Arr, H: Arr, C: Arr) -> list[IV]:
    """Enclosures of x_i - c_i over the box."""
    return [
        _iv(sum_bounds(L[:, i], -C[:, i])[0], sum_bounds(H[:, i], -C[:, i])[1])
        for i in range(L.shape[1])
    ]


def _tile3(x: IV) -> IV:
    return IV(np.concatenate([x.lo] * 3), np.concatenate([x.hi] * 3), np.concatenate([x.bad] * 3))


def _taylor(goal: _Goal, L: Arr, H: Arr, C: Arr, hess: list[list[IV]]) -> IV:
    """h(c) + grad h(c).t + 1/2 t'Hess(box)t: a valid enclosure where nothing is bad."""
    assert goal.value is not None and goal.grad is not None
    n = L.shape[1]
    t = _offsets(L, H, C)
    acc = goal.value(C, C)
    for i in range(n):
        gi = goal.grad[i](C, C)
        acc = iv_add(acc, iv_mul(gi, t[i]))
    half = const_iv(sp.Rational(1, 2), (L.shape[0],))
    for i in range(n):
        acc = iv_add(acc, iv_mul(half, iv_mul(hess[i][i], iv_int_pow(t[i], 2))))
        for j in range(i + 1, n):
            acc = iv_add(acc, iv_mul(hess[i][j], iv_mul(t[i], t[j])))
    return acc


@dataclass(frozen=True, slots=True)
class _Bounds:
    lo: Arr
    hi: Arr
    grad: list[IV] | None  # tightened gradient enclosures (bad where unusable)
    centre_hi: Arr  # upper bound of h at the centre (for counterexample hints)
    undefined: Arr  # h may be undefined somewhere on the box


def _bounds(goal: _Goal, L: Arr, H: Arr, integer: Arr) -> _Bounds:
    assert goal.value is not None
    k, n = L.shape
    nat = goal.value(L, H)
    lo = np.where(nat.bad, -np.inf, nat.lo)
    hi = np.where(nat.bad, np.inf, nat.hi)
    C = _centre(L, H, integer)
    hc = goal.value(C, C)
    centre_hi = np.where(hc.bad, np.inf, hc.hi)
    if goal.grad is None or n == 0:
        return _Bounds(lo, hi, None, centre_hi, nat.bad)
    grad = [g(L, H) for g in goal.grad]
    ok = ~nat.bad
    for g in grad:
        ok &= ~g.bad
    # mean-value form at the centre
    mvt = hc
    tc = _offsets(L, H, C)
    for i in range(n):
        mvt = iv_add(mvt, iv_mul(grad[i], tc[i]))
    use = ok & ~mvt.bad
    lo = np.where(use, np.maximum(lo, mvt.lo), lo)
    hi = np.where(use, np.minimum(hi, mvt.hi), hi)
    hess: list[list[IV]] | None = None
    settled = gap_truth_arr(IV(lo, hi, np.zeros(k, dtype=bool)), goal.strict) != UNDECIDED
    hfns = goal.hess.get() if goal.hess is not None and not settled.all() else None
    if hfns is not None:
        upper = {(i, j): hfns[i][j](L, H) for i in range(n) for j in range(i, n)}
        hess = [[upper[min(i, j), max(i, j)] for j in range(n)] for i in range(n)]
    if hess is not None:
        hess_ok = ok.copy()
        for row in hess:
            for h in row:
                hess_ok &= ~h.bad
        # second-order forms around the centre and the two extreme corners,
        # stacked into one batch (corners of integer variables are integers)
        P = np.concatenate([C, L, H])
        L3, H3 = np.concatenate([L, L, L]), np.concatenate([H, H, H])
        hess3 = [[_tile3(h) for h in row] for row in hess]
        tay = _taylor(goal, L3, H3, P, hess3)
        for part in range(3):
            sl = slice(part * k, (part + 1) * k)
            use = hess_ok & ~tay.bad[sl]
            lo = np.where(use, np.maximum(lo, tay.lo[sl]), lo)
            hi = np.where(use, np.minimum(hi, tay.hi[sl]), hi)
        # tighten each partial derivative by its own mean-value form
        gc = [g(C, C) for g in goal.grad]
        tight = []
        for i in range(n):
            acc = gc[i]
            for j in range(n):
                acc = iv_add(acc, iv_mul(hess[i][j], tc[j]))
            good = hess_ok & ~acc.bad
            tight.append(
                IV(
                    np.where(good, np.maximum(grad[i].lo, acc.lo), grad[i].lo),
                    np.where(good, np.minimum(grad[i].hi, acc.hi), grad[i].hi),
                    grad[i].bad,
                )
            )
        grad = tight
    grad = [IV(g.lo, g.hi, g.bad | nat.bad) for g in grad]
    return _Bounds(lo, hi, grad, centre_hi, nat.bad)


def _goal_truth(
    goal: _Goal, L: Arr, H: Arr, integer: Arr
) -> tuple[Arr, Arr, Arr | None, Arr]:
    """(truth int8, centre upper bound or +inf, smear per variable or None, undefined mask)."""
    k, n = L.shape
    if goal.value is None:
        return goal.truth(L, H), np.full(k, np.inf), None, np.zeros(k, dtype=bool)
    b = _bounds(goal, L, H, integer)
    lo, hi = b.lo, b.hi
    smear = None
    if b.grad is not None:
        # monotonicity: fix variables with a signed partial at the minimising end
        RL, RH = L.copy(), H.copy()
        reduced = np.zeros(k, dtype=bool)
        for i, g in enumerate(b.grad):
            inc = ~g.bad & (g.lo >= 0) & (L[:, i] < H[:, i])
            dec = ~g.bad & (g.hi <= 0) & (L[:, i] < H[:, i])
            RH[:, i] = np.where(inc, L[:, i], RH[:, i])
            RL[:, i] = np.where(dec, H[:, i], RL[:, i])
            reduced |= inc | dec
        if np.any(reduced):
            idx = np.nonzero(reduced)[0]
            rb = _bounds(goal, RL[idx], RH[idx], integer)
            lo[idx] = np.maximum(lo[idx], rb.lo)
            for i, end, face in goal.faces:
                on = (RL[idx, i] == end) & (RH[idx, i] == end)
                if np.any(on):
                    rows_on = idx[on]
                    fv = face(RL[rows_on], RH[rows_on])
                    # only where h itself is defined on the reduced box
                    bad = fv.bad | rb.undefined[on]
                    lo[rows_on] = np.where(bad, lo[rows_on], np.maximum(lo[rows_on], fv.lo))
        widths = H - L
        mags = np.stack([np.where(g.bad, np.inf, np.maximum(np.abs(g.lo), np.abs(g.hi)))
                         for g in b.grad], axis=1)
        with np.errstate(all="ignore"):
            smear = widths * mags
    truth = gap_truth_arr(IV(lo, hi, np.zeros(k, dtype=bool)), goal.strict)
    # the natural truth of the relation itself (may be tighter through sympy's form)
    nat = goal.truth(L, H)
    truth = np.where(truth == UNDECIDED, nat, truth).astype(np.int8)
    return truth, b.centre_hi, smear, b.undefined


def _resolve_abs(res: _AbsResolver, t: Arr, L: Arr, H: Arr, integer: Arr, undefined: Arr) -> Arr:
    """Settle undecided boxes with the smooth variant for their Abs sign pattern.

    Only boxes where the goal itself is defined qualify: sympy simplifies the
    variant (Abs(x)/x becomes x/x, then 1), which can hide a point where the
    goal is undefined."""
    open_rows = np.nonzero((t == UNDECIDED) & ~undefined)[0]
    if open_rows.size == 0:
        return t
    pat = res.pattern(L[open_rows], H[open_rows])
    known = np.all(pat != 0, axis=1)
    t = t.copy()
    for signs in {tuple(int(v) for v in row) for row in pat[known]}:
        variant = res.goal(signs)
        if variant is None:
            continue
        sel = open_rows[known & np.all(pat == np.array(signs, dtype=np.int8), axis=1)]
        vt, _, _, _ = _goal_truth(variant, L[sel], H[sel], integer)
        t[sel] = np.where(vt != UNDECIDED, vt, t[sel])
    return t


# ---------------------------------------------------------------------------
# the search


def _float_ranges(variables: Sequence[Variable]) -> tuple[Arr, Arr, bool, list[str]]:
    lo, hi, unbounded = [], [], []
    for v in variables:
        a, b = endpoint_bounds(v.lo, v.hi)
        if v.integer and (abs(a) > 2.0**52 or abs(b) > 2.0**52) and math.isfinite(a + b):
            raise UnsupportedError(f"integer range of {v.name} is too large for exact splitting")
        if not math.isfinite(a) or not math.isfinite(b):
            unbounded.append(v.name)
            if not math.isfinite(a) and not math.isfinite(b):
                a, b = -TRUNCATE, TRUNCATE
            elif not math.isfinite(a):
                a = min(b, 0.0) - TRUNCATE
            else:
                b = max(a, 0.0) + TRUNCATE
        lo.append(a)
        hi.append(b)
    return np.array(lo, dtype=np.float64), np.array(hi, dtype=np.float64), bool(unbounded), unbounded


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _describe(variables: Sequence[Variable], lo: Arr, hi: Arr) -> str:
    parts = []
    for i, v in enumerate(variables):
        if lo[i] == hi[i]:
            parts.append(f"{v.name}={_fmt(lo[i])}")
        else:
            parts.append(f"{v.name} in [{_fmt(lo[i])}, {_fmt(hi[i])}]")
    return ", ".join(parts) if parts else "(no variables)"


def _candidate_points(
    variables: Sequence[Variable], lo: Arr, hi: Arr
) -> list[dict[sp.Symbol, sp.Rational]]:
    """Exact points inside the box and the ranges: a simple rational near the centre, the centre."""
    out: list[dict[sp.Symbol, sp.Rational]] = []
    for simple in (True, False):
        point: dict[sp.Symbol, sp.Rational] = {}
        for i, v in enumerate(variables):
            a, b = float(lo[i]), float(hi[i])
            if v.integer:
                m = math.floor(a + (b - a) / 2)
                val = sp.Integer(max(int(math.ceil(a)), min(int(math.floor(b)), m)))
            else:
                c = Fraction(a + (b - a) / 2)
                if simple:
                    for den in (1, 2, 4, 10, 100, 1000, 10**6):
                        f = c.limit_denominator(den)
                        if Fraction(a) <= f <= Fraction(b):
                            c = f
                            break
                val = sp.Rational(c.numerator, c.denominator)
            if v.lo.is_finite and val < v.lo:
                val = v.lo
            if v.hi.is_finite and val > v.hi:
                val = v.hi
            point[v.symbol] = val
        if point not in out:
            out.append(point)
    return out


def _split(
    L: Arr, H: Arr, integer: Arr, scale: Arr, smear: Arr | None
) -> tuple[Arr, Arr, Arr, Arr, Arr]:
    """Split each box along one variable; returns (L1, H1, L2, H2, splittable mask)."""
    k, n = L.shape
    widths = H - L
    nxt = np.nextafter(L, np.inf)
    can = np.where(integer[None, :], widths >= 1, nxt < H)
    # split at 0 when 0 is strictly inside: many statements are tight there
    rel = np.where(can, widths / scale[None, :], -1.0)
    score = rel
    if smear is not None:
        s = np.where(can & np.isfinite(smear), smear, -1.0)
        usable = (s.max(axis=1) > 0)[:, None]
        # smear (width x |derivative|) is a better guide than width when it is informative
        score = np.where(usable, s / np.where(s.max(axis=1, keepdims=True) > 0,
                                              s.max(axis=1, keepdims=True), 1.0) + rel * 1e-3, rel)
    # small integer ranges (layer counts, dimensions) are enumerated first: the
    # statement is usually tight at particular integers and the curvature in a
    # wide integer direction spoils the Taylor forms of the other variables
    enumerate_first = integer[None, :] & can & (widths < SMALL_INTEGER_RANGE)
    score = np.where(enumerate_first, 2.0 + widths, score)
    var = np.argmax(score, axis=1)
    ok = can[np.arange(k), var]
    a = L[np.arange(k), var]
    b = H[np.arange(k), var]
    is_int = integer[var]
    with np.errstate(all="ignore"):
        mid = a + (b - a) / 2
    mid = np.where(np.isfinite(mid), mid, a / 2 + b / 2)
    mid = np.where((a < 0) & (b > 0), 0.0, mid)
    mid = np.where(is_int, np.floor(mid), mid)
    # continuous: children [a, mid], [mid, b]; integer: [a, mid], [mid + 1, b]
    mid = np.where(~is_int & ((mid <= a) | (mid >= b)), nxt[np.arange(k), var], mid)
    L1, H1, L2, H2 = L.copy(), H.copy(), L.copy(), H.copy()
    H1[np.arange(k), var] = mid
    L2[np.arange(k), var] = np.where(is_int, mid + 1, mid)
    return L1[ok], H1[ok], L2[ok], H2[ok], ok


def decide(
    statement: Statement,
    budget: Budget,
    *,
    progress: Progress | None = None,
) -> CheckResult:
    """Decide ``statement`` by interval branch-and-bound.

    Parameters
    ----------
    statement : the statement; every variable needs a finite range for a proof
    budget : ``max_boxes`` limits the search (boxes evaluated, deterministic);
        ``seconds`` is the wall-clock safety cap ("time cap" in the evidence)
    progress : optional callback receiving the fraction of the volume settled

    Returns
    -------
    CheckResult
        PROVED with "complete cover with N boxes", REFUTED with an exact,
        re-verified counterexample, or UNKNOWN naming the limit to raise.

    Examples
    --------
    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", -1, 1)
    >>> st = Statement((x,), (), sp.exp(x.symbol) >= 1 + x.symbol)
    >>> r = decide(st, Budget())
    >>> r.status.value, r.evidence.startswith("complete cover with")
    ('proved', True)
    >>> st = Statement((x,), (), sp.exp(x.symbol) <= 1 + 2 * x.symbol)
    >>> r = decide(st, Budget())
    >>> r.status.value, r.counterexample
    ('refuted', {'x': '-1'})
    """
    with np.errstate(all="ignore"):  # overflow and 0*inf are handled explicitly
        return _decide_cases(statement, budget, progress, frozenset())


def _halve(budget: Budget, fraction: float = 0.5, started: float | None = None) -> Budget:
    """``fraction`` of the boxes; the time cap is not divided (it is only a
    safety net), just reduced by the time spent since ``started``."""
    seconds = budget.seconds if started is None else budget.seconds - (time.monotonic() - started)
    return replace(budget, seconds=seconds, max_boxes=max(1, int(budget.max_boxes * fraction)))


def _sign_split(statement: Statement, done: frozenset[sp.Expr] = frozenset()) -> sp.Expr | None:
    """The signed argument ``d`` of an Abs/Min/Max in the conclusion whose sign
    changes on the box and which is linear (unit coefficient) in a continuous
    variable: splitting on ``d >= 0`` / ``d <= 0`` turns the kink into a
    hypothesis boundary, which the substitution then makes a face."""
    box = {v.symbol: (v.lo, v.hi) for v in statement.variables}
    if not all(v.bounded for v in statement.variables):
        return None
    atoms = [
        a for a in sp.sympify(statement.conclusion).atoms(sp.Abs, sp.Min, sp.Max) if len(a.args) <= 2
    ]
    for a in sorted(atoms, key=sp.default_sort_key):
        d = a.args[0] if isinstance(a, sp.Abs) else a.args[0] - a.args[1]
        if d in done or -d in done:
            continue
        linear = any(
            not v.integer and sp.diff(d, v.symbol) in (1, -1) and not sp.diff(d, v.symbol, 2).has(v.symbol)
            and (d - sp.diff(d, v.symbol) * v.symbol).free_symbols.isdisjoint({v.symbol})
            for v in statement.variables
            if v.symbol in d.free_symbols
        )
        if not linear:
            continue
        try:
            enc = enclose(d, box)
        except BoundpropError:
            continue
        if float(enc[0].inf) < 0 < float(enc[0].sup):
            return sp.sympify(d)
    return None


def _decide_cases(
    statement: Statement, budget: Budget, progress: Progress | None, done: frozenset[sp.Expr]
) -> CheckResult:
    """Case split on the sign of a kink (at most two levels), else decide directly."""
    d = _sign_split(statement, done) if len(done) < 2 else None
    if d is None:
        return _decide_substituted(statement, budget, progress)
    t0 = time.monotonic()
    # the statement as given first (a third of the budget): splitting is not always better
    direct = _decide_substituted(statement, _halve(budget, 1 / 3), progress)
    if direct.status is not Status.UNKNOWN:
        return direct
    budget = _halve(budget, 2 / 3, t0)
    results = []
    for i, extra in enumerate((d >= 0, d <= 0)):
        case = Statement(
            statement.variables,
            statement.hypotheses + (extra,),
            statement.conclusion,
            note=statement.note,
            guards=statement.guards,
        )
        r = _decide_cases(case, _halve(budget, 1 / 2, t0), None, done | {d})
        if progress is not None:
            progress((i + 1) / 2)
        if r.status is Status.REFUTED and r.counterexample is not None:
            if refutes(statement, r.counterexample):
                return replace(r, seconds=time.monotonic() - t0)
        results.append((extra, r))
    evidence = "; ".join(f"case {extra}: {r.status.value}, {r.evidence}" for extra, r in results)
    details = {
        "boxes": sum(int(r.details.get("boxes", 0)) for _, r in results),
        "max_depth": max(int(r.details.get("max_depth", 0)) for _, r in results),
        "cases": [str(extra) for extra, _ in results],
    }
    status = Status.PROVED if all(r.status is Status.PROVED for _, r in results) else Status.UNKNOWN
    return CheckResult(
        status,
        METHOD,
        f"case split on the sign of {d}: {evidence}",
        seconds=time.monotonic() - t0,
        details=details,
    )


def _decide_substituted(
    statement: Statement, budget: Budget, progress: Progress | None
) -> CheckResult:
    """Try the boundary substitution first (half the budget), then the statement as given."""
    t0 = time.monotonic()
    sub = boundary_substitution(statement)
    if sub is None:
        return _decide(statement, budget, progress)
    first = _decide(sub.statement, _halve(budget), progress)
    if first.status is Status.PROVED:
        return replace(
            first,
            evidence=f"{first.evidence}, after substituting {sub.why}",
            seconds=time.monotonic() - t0,
            details={**first.details, "substitution": sub.why},
        )
    if first.status is Status.REFUTED and first.counterexample is not None:
        point = mapped_counterexample(sub, statement, first.counterexample)
        if point is not None:
            return replace(
                first,
                counterexample=format_counterexample(statement, point),
                seconds=time.monotonic() - t0,
                details={**first.details, "substitution": sub.why},
            )
    rest = replace(
        budget,
        seconds=budget.seconds - (time.monotonic() - t0),
        max_boxes=max(1, budget.max_boxes - int(first.details.get("boxes", 0))),
    )
    second = _decide(statement, rest, progress)
    return replace(
        second,
        evidence=f"{second.evidence} (also tried substituting {sub.why}: {first.status.value})",
        seconds=time.monotonic() - t0,
    )


def _decide(statement: Statement, budget: Budget, progress: Progress | None) -> CheckResult:
    t0 = time.monotonic()
    variables = statement.variables
    symbols = statement.symbols
    n = len(variables)
    integer = np.array([v.integer for v in variables], dtype=bool)
    goals = _goals(statement.conclusion, variables)
    hyps = [compile_batched_truth(h, symbols) for h in statement.hypotheses]
    lo0, hi0, truncated, unbounded = _float_ranges(variables)
    # a truncated box can only yield counterexamples, never a proof: a smaller search
    max_boxes = max(1, budget.max_boxes // TRUNCATED_SHARE) if truncated else budget.max_boxes
    scale = np.where(hi0 > lo0, hi0 - lo0, 1.0)
    total_volume = 1.0

    def volume(L: Arr, H: Arr) -> Arr:
        # fraction of the initial box; an integer variable counts its integers
        w = np.where(
            integer[None, :], (H - L + 1) / (hi0 - lo0 + 1)[None, :], (H - L) / scale[None, :]
        )
        w = np.where(integer[None, :] | (hi0 > lo0)[None, :], w, 1.0)
        return np.prod(w, axis=1) if n else np.ones(L.shape[0])

    stack: list[tuple[Arr, Arr, Arr, Arr]] = [
        (lo0[None, :], hi0[None, :], np.ones((1, len(goals)), dtype=bool), np.zeros(1, dtype=np.int64))
    ]
    processed = 0
    discarded = 0
    undefined_boxes = 0
    max_depth = 0
    settled_volume = 0.0
    stuck: list[tuple[Arr, Arr]] = []
    attempts = 0
    limit = ""

    def details() -> dict[str, Any]:
        return {
            "boxes": processed,
            "max_depth": max_depth,
            "discarded_by_hypotheses": discarded,
            "undefined_boxes": undefined_boxes,
            "goals": [g.text for g in goals],
        }

    while stack:
        if time.monotonic() - t0 > budget.seconds:
            limit = "time cap"
            break
        if processed >= max_boxes:
            limit = "max_boxes"
            break
        room = min(BATCH, max_boxes - processed)
        L, H, mask, depth = stack.pop()
        while stack and L.shape[0] < room:
            # fill the batch: numpy pays per call, not per box
            L2_, H2_, m2_, d2_ = stack.pop()
            L, H = np.concatenate([L, L2_]), np.concatenate([H, H2_])
            mask, depth = np.concatenate([mask, m2_]), np.concatenate([depth, d2_])
        if L.shape[0] > room:
            stack.append((L[room:], H[room:], mask[room:], depth[room:]))
            L, H, mask, depth = L[:room], H[:room], mask[:room], depth[:room]
        k = L.shape[0]
        processed += k
        max_depth = max(max_depth, int(depth.max()))
        hyp = and_arr([h(L, H) for h in hyps]) if hyps else np.full(k, TRUE, dtype=np.int8)
        mask = mask & (hyp != FALSE)[:, None]
        discarded += int(np.sum(hyp == FALSE))
        smear_total: Arr | None = None
        hint = np.zeros(k, dtype=bool)
        for j, goal in enumerate(goals):
            rows = np.nonzero(mask[:, j])[0]
            if rows.size == 0:
                continue
            t, centre_hi, smear, undef = _goal_truth(goal, L[rows], H[rows], integer)
            if goal.resolver is not None:
                t = _resolve_abs(goal.resolver, t, L[rows], H[rows], integer, undef)
            undefined_boxes += int(np.sum(undef & (t == UNDECIDED)))
            mask[rows[t == TRUE], j] = False
            false_rows = rows[(t == FALSE) & (hyp[rows] == TRUE)]
            hint[false_rows] = True
            # the centre may violate the goal (hi <= 0 also catches values that
            # round to 0, like exp(0) - 1 - 10**-30; exact re-verification decides)
            bad_centre = centre_hi <= 0
            hint[rows[bad_centre & (hyp[rows] != FALSE)]] = True
            if smear is not None:
                if smear_total is None:
                    smear_total = np.zeros((k, n))
                smear_total[rows] = np.maximum(smear_total[rows], np.nan_to_num(smear, posinf=1e300))
        open_rows = mask.any(axis=1)
        # try to turn suspicious boxes into exact counterexamples
        for r in np.nonzero(hint)[0][:5]:
            if attempts >= MAX_REFUTE_ATTEMPTS:
                break
            for point in _candidate_points(variables, L[r], H[r]):
                attempts += 1
                if refutes(statement, point):
                    return CheckResult(
                        status=Status.REFUTED,
                        method=METHOD,
                        evidence=(
                            "counterexample found on box "
                            f"{_describe(variables, L[r], H[r])} and re-verified exactly "
                            f"after {processed} boxes"
                        ),
                        seconds=time.monotonic() - t0,
                        counterexample={str(s): str(v) for s, v in point.items()},
                        details=details(),
                    )
        settled_volume += float(np.sum(volume(L[~open_rows], H[~open_rows])))
        if progress is not None:
            progress(min(1.0, settled_volume / total_volume))
        if not np.any(open_rows):
            continue
        OL, OH, om, od = L[open_rows], H[open_rows], mask[open_rows], depth[open_rows]
        sm = smear_total[open_rows] if smear_total is not None else None
        L1, H1, L2, H2, ok = _split(OL, OH, integer, scale, sm)
        for i in np.nonzero(~ok)[0]:
            stuck.append((OL[i], OH[i]))
        if L1.shape[0]:
            stack.append(
                (
                    np.concatenate([L1, L2]),
                    np.concatenate([H1, H2]),
                    np.concatenate([om[ok], om[ok]]),
                    np.concatenate([od[ok] + 1, od[ok] + 1]),
                )
            )

    seconds = time.monotonic() - t0
    remaining = sum(s[0].shape[0] for s in stack) + len(stuck)
    example = ""
    if stack:
        example = _describe(variables, stack[-1][0][0], stack[-1][1][0])
    elif stuck:
        example = _describe(variables, stuck[0][0], stuck[0][1])
    capped = (
        f"; stopped by the {TIME_CAP} of {budget.seconds:g} s (not reproducible)"
        if limit == "time cap"
        else ""
    )
    if truncated:
        return CheckResult(
            status=Status.UNKNOWN,
            method=METHOD,
            evidence=(
                f"range of {', '.join(unbounded)} is unbounded: branch-and-bound proves only on "
                f"bounded boxes; searched the box truncated at ±{TRUNCATE:g} for counterexamples "
                f"({processed} boxes) and found none; give finite ranges{capped}"
            ),
            seconds=seconds,
            details=details(),
        )
    if remaining == 0:
        return CheckResult(
            status=Status.PROVED,
            method=METHOD,
            evidence=f"complete cover with {processed} boxes (max depth {max_depth})",
            seconds=seconds,
            details=details(),
        )
    if limit == "max_boxes":
        evidence = (
            f"budget of {max_boxes} boxes exhausted; {remaining} boxes undecided, "
            f"e.g. {example}; raise max_boxes"
        )
    elif limit == "time cap":
        evidence = (
            f"stopped by the {TIME_CAP} of {budget.seconds:g} s after {processed} boxes "
            f"(not reproducible); {remaining} boxes undecided, e.g. {example}"
        )
    else:
        evidence = (
            f"{remaining} boxes undecided at floating-point resolution after {processed} boxes, "
            f"e.g. {example}; the statement may be false or tight there"
        )
    if undefined_boxes:
        evidence += (
            f"; the conclusion may be undefined (log or sqrt of a negative number, a power of a"
            f" non-positive base, division by 0) on {undefined_boxes} of the boxes examined"
        )
    return CheckResult(
        status=Status.UNKNOWN, method=METHOD, evidence=evidence, seconds=seconds, details=details()
    )
