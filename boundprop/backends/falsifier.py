"""Sampling falsifier: looks for counterexamples, never proves.

The search, all in numpy floats and deterministic for a given ``budget.seed``:

1. **Samples** (``budget.samples`` points): corners and edge points of the
   box (each coordinate drawn from {lo, hi, midpoint, 0, ±1 when inside}),
   then random points. Bounded ranges are sampled uniformly. Unbounded
   directions use a documented wide law: half the draws are Gaussian with
   standard deviation 3 (around the finite end, if any), half have a
   log-uniform magnitude ``10**U(-4, 6)`` with a random sign (one-sided for
   half-bounded ranges). Integer variables are rounded and clipped.
2. **Local searches** from the best samples: Nelder-Mead, all starts at once
   (:mod:`boundprop.backends.localsearch`), on the conclusion's margin plus a
   large penalty for violated hypotheses, over the continuous variables
   (integer variables stay at their sample values).

The *margin* of a relation ``a <= b`` is ``b - a`` (``>= 0`` when it holds);
``And`` takes the minimum, ``Or`` the maximum, ``Not`` the negation, ``==``
gives ``-|a - b|`` and ``!=`` gives ``|a - b|``. A float candidate with a
nonpositive conclusion margin and nonnegative hypothesis margins is snapped to
nearby simple rationals (``Fraction.limit_denominator`` at several
denominators, clamped into the box) and each is re-verified with
:func:`boundprop.interval.refutes`; only a verified point is reported.

3. **Algebraic points** (:mod:`boundprop.backends.algebraic`), when no
   rational point was found: the real roots of the statement's polynomials,
   solved exactly with the other variables at simple rationals, each
   re-verified exactly at the algebraic point (``x = sqrt(2)`` refutes
   ``x**2 != 2``, which no rational point does).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy as sp

from boundprop.backends.base import ALWAYS, Support
from boundprop.counterexample import format_counterexample, ill_defined_result, undefined_at
from boundprop.errors import UnsupportedError
from boundprop.statement import TIME_CAP, Budget, Statement, StatementGuard, Variable
from boundprop.verdict import CheckResult, Status

__all__ = ["decide"]

METHOD = "falsifier"
name = METHOD  # the backend protocol (boundprop.backends.base)


def supports(statement: Statement) -> Support:
    """The backend protocol's test: every statement (it raises UnsupportedError for what it cannot sample)."""
    return ALWAYS
FloatArray = npt.NDArray[np.float64]

_LOCAL_SEARCHES = 6
_MAX_VERIFICATIONS = 40
# Of those, points where the conclusion's margin is exactly 0 in floats: where a
# true statement is tight (it often is, at simple points) nearly every snapped
# candidate is such a tie, and each exact verification costs an interval evaluation.
_MAX_TIE_VERIFICATIONS = 6
_DENOMINATORS: tuple[int | None, ...] = (1, 2, 4, 10, 100, 1000, 10**4, 10**6, 10**9, None)


@dataclass(frozen=True, slots=True)
class _Node:
    """A node of the margin tree: kind is leaf/and/or/not/const."""

    kind: str
    index: int = -1
    op: str = ""
    children: tuple[_Node, ...] = ()
    value: float = 0.0


def _build(b: Any, leaves: list[sp.Expr]) -> _Node:
    if b is sp.true or b is True:
        return _Node("const", value=1.0)
    if b is sp.false or b is False:
        return _Node("const", value=-1.0)
    if isinstance(b, sp.core.relational.Relational):
        leaves.append(sp.sympify(b.rhs - b.lhs))
        return _Node("leaf", index=len(leaves) - 1, op=b.rel_op)
    if isinstance(b, sp.And):
        return _Node("and", children=tuple(_build(a, leaves) for a in b.args))
    if isinstance(b, sp.Or):
        return _Node("or", children=tuple(_build(a, leaves) for a in b.args))
    if isinstance(b, sp.Not):
        return _Node("not", children=(_build(b.args[0], leaves),))
    if isinstance(b, sp.Implies):
        premise = _Node("not", children=(_build(b.args[0], leaves),))
        return _Node("or", children=(premise, _build(b.args[1], leaves)))
    raise UnsupportedError(f"falsifier cannot evaluate the condition {type(b).__name__}")


def _margin(node: _Node, values: Sequence[FloatArray], n: int) -> FloatArray:
    if node.kind == "const":
        return np.full(n, node.value)
    if node.kind == "leaf":
        d = values[node.index]
        if node.op in ("<", "<="):
            return d
        if node.op in (">", ">="):
            return -d
        if node.op == "==":
            return -np.abs(d)
        if node.op == "!=":
            return np.abs(d)
        raise UnsupportedError(f"relation {node.op}")
    parts = [_margin(c, values, n) for c in node.children]
    if node.kind == "and":
        return np.asarray(np.minimum.reduce(parts), dtype=np.float64)
    if node.kind == "or":
        return np.asarray(np.maximum.reduce(parts), dtype=np.float64)
    if node.kind == "not":
        return -parts[0]
    raise UnsupportedError(f"margin node {node.kind}")


def _holds(node: _Node, values: Sequence[FloatArray], n: int) -> npt.NDArray[np.bool_]:
    """Where a condition surely holds in floats (NaN: it does not). Used for
    guards, where a tie decides (``x != 0`` fails at 0)."""
    if node.kind == "const":
        return np.full(n, node.value > 0)
    if node.kind == "leaf":
        d = values[node.index]  # rhs - lhs
        table = {"<": d > 0, "<=": d >= 0, ">": d < 0, ">=": d <= 0, "==": d == 0, "!=": d != 0}
        if node.op not in table:
            raise UnsupportedError(f"relation {node.op}")
        return np.asarray(table[node.op] & ~np.isnan(d), dtype=bool)
    parts = [_holds(c, values, n) for c in node.children]
    if node.kind == "and":
        return np.asarray(np.logical_and.reduce(parts), dtype=bool)
    if node.kind == "or":
        return np.asarray(np.logical_or.reduce(parts), dtype=bool)
    if node.kind == "not":
        return ~parts[0]
    raise UnsupportedError(f"condition node {node.kind}")


class _Evaluator:
    """Vectorised margins of the hypotheses (minimum) and of the conclusion."""

    def __init__(self, statement: Statement) -> None:
        leaves: list[sp.Expr] = []
        self.hyp = _Node("and", children=tuple(_build(h, leaves) for h in statement.hypotheses))
        self.concl = _build(statement.conclusion, leaves)
        # definedness guards: a point where one fails is skipped (never a counterexample)
        self.guards = tuple(_build(g.condition, leaves) for g in statement.guards)
        self.defined = np.ones(0, dtype=bool)  # of the last call: every guard holds in floats
        self.n_vars = len(statement.variables)
        self._fn: Callable[..., Any] | None = None
        variable_symbols = set(statement.symbols)
        for leaf in leaves:
            for node in leaf.atoms(sp.Sum, sp.Product):
                if any(sp.sympify(b).free_symbols & variable_symbols for lim in node.limits for b in lim[1:]):
                    raise UnsupportedError(
                        f"falsifier cannot sample a {type(node).__name__.lower()} whose bounds are variables"
                    )
        if leaves:
            try:
                # Safe argument names (a variable "e" would shadow numpy's e).
                # lambdify's own dummify rebuilds every expression with
                # evaluation on, which is very slow for nested Max/Min.
                safe = [sp.Symbol(f"_v{i}", real=True) for i in range(self.n_vars)]
                with sp.evaluate(False):
                    renamed = [
                        leaf.xreplace(dict(zip(statement.symbols, safe, strict=True)))
                        for leaf in leaves
                    ]
                self._fn = sp.lambdify(safe, renamed, modules="numpy", dummify=False)
            except Exception:  # sympy printers raise many types
                raise UnsupportedError(
                    "falsifier cannot evaluate the statement numerically "
                    "(sympy cannot translate it to numpy)"
                ) from None

    def __call__(self, points: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Margins (hypotheses, conclusion) for points of shape (m, n_vars).

        NaN (undefined) becomes an infeasible hypothesis margin and a
        harmless conclusion margin.
        """
        m = points.shape[0]
        values: list[FloatArray] = []
        if self._fn is not None:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                raw = self._fn(*points.T)
                for v in raw:
                    arr = np.asarray(v)
                    if np.iscomplexobj(arr):
                        arr = np.where(np.abs(arr.imag) > 0, np.nan, arr.real)
                    values.append(np.broadcast_to(arr.astype(np.float64), (m,)))
        with np.errstate(all="ignore"):
            h = _margin(self.hyp, values, m) if self.hyp.children else np.full(m, np.inf)
            c = _margin(self.concl, values, m)
            defined = np.ones(m, dtype=bool)
            for guard in self.guards:
                defined &= _holds(guard, values, m)
        self.defined = defined
        undefined = np.isnan(h) | np.isnan(c) | ~defined
        h = np.where(undefined, -np.inf, h)
        c = np.where(undefined, np.inf, c)
        return h, c


def _sample(variables: Sequence[Variable], count: int, rng: np.random.Generator) -> FloatArray:
    n = len(variables)
    cols: list[FloatArray] = []
    n_edge = max(count // 8, min(count, 2**n if n <= 8 else 0))
    n_rand = max(count - n_edge, 0)
    for var in variables:
        lo = float(var.lo) if var.lo.is_finite else -np.inf
        hi = float(var.hi) if var.hi.is_finite else np.inf
        specials = [lo, hi] if np.isfinite(lo) and np.isfinite(hi) else []
        if np.isfinite(lo) and np.isfinite(hi):
            specials.append((lo + hi) / 2)
        elif np.isfinite(lo):
            specials.append(lo)
        elif np.isfinite(hi):
            specials.append(hi)
        specials += [s for s in (0.0, 1.0, -1.0, 0.5, 2.0) if lo <= s <= hi]
        edge = rng.choice(np.array(specials), size=n_edge)
        cols.append(np.concatenate([edge, _random_column(lo, hi, n_rand, rng)]))
    pts = np.stack(cols, axis=1) if cols else np.zeros((max(count, 1), 0))
    if n <= 8 and n > 0:
        # the exact corners of the bounded part of the box first
        corners = np.array(np.meshgrid(*[[c.min(), c.max()] for c in cols])).reshape(n, -1).T
        pts[: len(corners)] = corners[: len(pts)]
    return _project(variables, pts)


def _random_column(lo: float, hi: float, m: int, rng: np.random.Generator) -> FloatArray:
    if np.isfinite(lo) and np.isfinite(hi):
        return rng.uniform(lo, hi, m)
    half = m // 2
    gauss = rng.normal(0.0, 3.0, half)
    wide = 10.0 ** rng.uniform(-4.0, 6.0, m - half)
    if np.isfinite(lo):
        return np.concatenate([lo + np.abs(gauss), lo + wide])
    if np.isfinite(hi):
        return np.concatenate([hi - np.abs(gauss), hi - wide])
    signs = rng.choice(np.array([-1.0, 1.0]), size=m - half)
    return np.concatenate([gauss, signs * wide])


def _project(variables: Sequence[Variable], pts: FloatArray) -> FloatArray:
    for j, var in enumerate(variables):
        lo = float(var.lo) if var.lo.is_finite else -np.inf
        hi = float(var.hi) if var.hi.is_finite else np.inf
        col = np.clip(pts[:, j], lo, hi)
        if var.integer:
            col = np.clip(np.round(col), np.ceil(lo), np.floor(hi))
        pts[:, j] = col
    return pts


def _snap(variables: Sequence[Variable], z: FloatArray) -> list[dict[sp.Symbol, sp.Rational]]:
    """Nearby exact rational points, simplest first, clamped into the box."""
    out: list[dict[sp.Symbol, sp.Rational]] = []
    for den in _DENOMINATORS:
        point: dict[sp.Symbol, sp.Rational] = {}
        for var, value in zip(variables, z, strict=True):
            if not np.isfinite(value):
                break
            frac = Fraction(float(value))
            if var.integer:
                frac = Fraction(round(frac))
            elif den is not None:
                frac = frac.limit_denominator(den)
            r = sp.Rational(frac.numerator, frac.denominator)
            if var.lo.is_finite and r < var.lo:
                r = sp.Rational(var.lo)
            if var.hi.is_finite and r > var.hi:
                r = sp.Rational(var.hi)
            point[var.symbol] = r
        else:
            if point not in out:
                out.append(point)
    return out


def decide(statement: Statement, budget: Budget) -> CheckResult:
    """Search for a counterexample; REFUTED (verified), ILL_DEFINED (a verified
    witness where a guard fails) or TESTED, never PROVED. Points where a guard
    of the statement fails are never counterexamples.

    Parameters
    ----------
    statement : Statement
        Any statement numpy can evaluate.
    budget : Budget
        ``samples`` random/edge points and ``seed`` for the generator; the
        local searches and verifications are counted (fixed numbers), so the
        result is deterministic. ``seconds`` is only the wall-clock safety
        cap: a search it stops says "time cap" in its evidence.

    Returns
    -------
    CheckResult
        REFUTED with an exact counterexample re-verified by
        :func:`boundprop.interval.refutes`, or TESTED with the search stated.

    Examples
    --------
    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", 0, "13/10")
    >>> X = x.symbol
    >>> decide(Statement((x,), (), sp.exp(X) - 1 <= 2 * X), Budget(samples=500)).status
    <Status.REFUTED: 'refuted'>
    """
    from boundprop.interval import refutes

    start = time.monotonic()
    capped = False

    def over_cap() -> bool:
        # the wall-clock safety cap only; it marks the result as not reproducible
        nonlocal capped
        capped = capped or time.monotonic() - start > budget.seconds
        return capped

    variables = statement.variables
    rng = np.random.default_rng(budget.seed)
    evaluate = _Evaluator(statement)
    if not variables:
        return CheckResult(
            Status.UNKNOWN, METHOD, "no variables: nothing to sample", time.monotonic() - start
        )
    pts = _sample(variables, max(budget.samples, 1), rng)
    h, c = evaluate(pts)
    undefined_samples = np.flatnonzero(~evaluate.defined) if statement.guards else np.zeros(0, dtype=np.int64)
    verifications = tie_verifications = 0
    tried: set[tuple[sp.Rational, ...]] = set()

    def try_candidates(candidates: FloatArray) -> dict[sp.Symbol, sp.Rational] | None:
        """Snap each float candidate to nearby rationals, keep those that still
        violate in floats, and verify them exactly, simplest first."""
        nonlocal verifications, tie_verifications
        pool: list[tuple[bool, int, sp.Rational, dict[sp.Symbol, sp.Rational]]] = []
        for z in candidates:
            if over_cap():
                break
            snapped = _snap(variables, z)
            if not snapped:
                continue
            grid = np.array([[float(p[v.symbol]) for v in variables] for p in snapped])
            sh, sc = evaluate(grid)
            for k, point in enumerate(snapped):
                if sh[k] >= 0 and sc[k] <= 0:
                    values = list(point.values())
                    tie = bool(sc[k] == 0)
                    pool.append((tie, max(int(r.q) for r in values), max(abs(r) for r in values), point))
        pool.sort(key=lambda item: item[:3])  # float violations first, then ties
        for tie, _, _, point in pool:
            key = tuple(point[v.symbol] for v in variables)
            if key in tried:
                continue
            if verifications >= _MAX_VERIFICATIONS or over_cap():
                return None
            if tie and tie_verifications >= _MAX_TIE_VERIFICATIONS:
                continue
            tried.add(key)
            verifications += 1
            tie_verifications += tie
            if _safe_refutes(refutes, statement, point):
                return point
        return None

    def done(point: dict[sp.Symbol, sp.Rational], searches: int) -> CheckResult:
        return CheckResult(
            Status.REFUTED,
            METHOD,
            f"counterexample found by sampling (seed {budget.seed}, {len(pts)} samples, "
            f"{searches} local searches), re-verified exactly",
            seconds=time.monotonic() - start,
            counterexample=format_counterexample(statement, point),
        )

    feasible = h >= 0
    # violations first (strict before ties), the smallest points first: a
    # reader prefers the counterexample x = 2 to x = -976690
    size = np.max(np.abs(pts), axis=1) if pts.shape[1] else np.zeros(len(pts))
    strict = np.flatnonzero(feasible & (c < 0))
    ties = np.flatnonzero(feasible & (c == 0))  # exact equality in floats: rarely real
    by_size = strict[np.argsort(size[strict], kind="stable")]
    bad = np.concatenate([by_size[:10], rng.permutation(by_size[10:])[:10], ties[:2]])
    point = try_candidates(pts[bad])
    if point is not None:
        return done(point, 0)

    # local searches from the best (feasible-first, then least-penalised) samples
    penalty = np.where(feasible, 0.0, np.minimum(-h, 1e12))
    score = c + 1e6 * penalty
    starts = pts[np.argsort(np.where(np.isfinite(score), score, np.inf), kind="stable")]
    starts = _distinct(starts, _LOCAL_SEARCHES)
    searches = 0
    free = np.array([not v.integer for v in variables])
    if free.any() and verifications < _MAX_VERIFICATIONS and not over_cap():
        from boundprop.backends.localsearch import minimize_many

        def objective(points: FloatArray) -> FloatArray:
            hh, cc = evaluate(points)
            value = cc + 1e6 * np.maximum(0.0, -hh)
            return np.where(np.isfinite(value), value, 1e300)

        lower = np.array([float(v.lo) if v.lo.is_finite else -np.inf for v in variables])
        upper = np.array([float(v.hi) if v.hi.is_finite else np.inf for v in variables])
        evals = min(150 * int(free.sum()) + 100, 800)
        best, _ = minimize_many(objective, starts, free, lower, upper, evals, stop=over_cap)
        searches = len(best)
        # the candidates of every search pooled: the simplest verified one is reported
        point = try_candidates(_project(variables, best))
        if point is not None:
            return done(point, searches)
    if not over_cap():
        found = _algebraic(statement, over_cap)
        if found is not None:
            point, factor, checked = found
            return CheckResult(
                Status.REFUTED,
                METHOD,
                f"counterexample at a real algebraic point, a root of {factor.as_expr()} solved exactly "
                f"(no rational counterexample in {len(pts)} samples and {searches} local searches; "
                f"algebraic candidate {checked}), re-verified exactly; {_approximately(statement, point)}",
                seconds=time.monotonic() - start,
                counterexample=format_counterexample(statement, point),
                details={"algebraic": True, "polynomial": str(factor.as_expr())},
            )
    witness = _ill_defined_witness(statement, variables, pts, undefined_samples)
    if witness is not None:
        point, guard = witness
        return ill_defined_result(
            statement,
            point,
            guard,
            METHOD,
            f"found by sampling (seed {budget.seed}, {len(pts)} samples), re-verified exactly",
            time.monotonic() - start,
        )
    stopped = (
        f"; stopped by the {TIME_CAP} of {budget.seconds:g} s (not reproducible)" if capped else ""
    )
    return CheckResult(
        Status.TESTED,
        METHOD,
        f"no counterexample in {len(pts)} samples + {searches} local searches "
        f"(seed {budget.seed}){stopped}",
        seconds=time.monotonic() - start,
        details={"samples": len(pts), "local_searches": searches, "seed": budget.seed},
    )


_WITNESS_CANDIDATES = 10


def _ill_defined_witness(
    statement: Statement, variables: Sequence[Variable], pts: FloatArray, undefined: npt.NDArray[np.int64]
) -> tuple[dict[sp.Symbol, sp.Rational], StatementGuard] | None:
    """An exact point where a guard verifiably fails while what it may assume
    holds (:func:`boundprop.counterexample.undefined_at`), among the samples
    where some guard failed in floats, smallest first; else None."""
    if not len(undefined):
        return None
    size = np.max(np.abs(pts[undefined]), axis=1) if pts.shape[1] else np.zeros(len(undefined))
    for index in undefined[np.argsort(size, kind="stable")][:_WITNESS_CANDIDATES]:
        for point in _snap(variables, pts[index])[:3]:
            try:
                guard = undefined_at(statement, point)
            except (ArithmeticError, ValueError, TypeError, UnsupportedError):
                guard = None
            if guard is not None:
                return point, guard
    return None


def _algebraic(
    statement: Statement, over_cap: Callable[[], bool]
) -> tuple[dict[sp.Symbol, sp.Expr], sp.Poly, int] | None:
    """The algebraic search (:mod:`boundprop.backends.algebraic`); None if it finds nothing."""
    from boundprop.backends import algebraic

    try:
        return algebraic.search(statement, over_cap)
    except (ArithmeticError, ValueError, TypeError, UnsupportedError):
        return None


def _approximately(statement: Statement, point: dict[sp.Symbol, sp.Expr]) -> str:
    """``x ~ 1.414213562`` for the irrational coordinates of an algebraic point."""
    parts = [
        f"{v.name} ~ {float(sp.N(point[v.symbol], 20)):.10g}"
        for v in statement.variables
        if v.symbol in point and not isinstance(point[v.symbol], sp.Rational)
    ]
    return "numerically " + ", ".join(parts) if parts else "all coordinates rational"


def _distinct(points: FloatArray, k: int) -> FloatArray:
    chosen: list[FloatArray] = []
    for p in points:
        if all(not np.allclose(p, q) for q in chosen):
            chosen.append(p)
        if len(chosen) >= k:
            break
    return np.array(chosen) if chosen else points[:0]


def _safe_refutes(refutes: Any, statement: Statement, point: dict[sp.Symbol, sp.Rational]) -> bool:
    try:
        return bool(refutes(statement, point))
    except (ArithmeticError, ValueError, TypeError, UnsupportedError):
        return False
