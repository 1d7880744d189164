"""MetiTarski-style backend: certified polynomial/rational bounds, then z3's nlsat.

The negated goal ``box ∧ hypotheses ∧ ¬conclusion`` is put in negation normal
form; every atom becomes ``g > 0``, ``g >= 0``, ``g = 0`` or ``g != 0``. Each
occurrence of ``exp``, ``log``, a fractional power or an irrational constant
in ``g`` is then replaced so that the new formula holds wherever the old one
does (a *relaxation*: if the relaxation is unsat, so is the negated goal):

* in an atom ``g > 0`` (or ``>=``) an upper bound of ``g`` is enough. The
  wanted direction is pushed down through sums, constant factors, factors of
  known sign on the box (checked by rigorous interval enclosure), odd powers
  and powers of parts of known sign, and each function occurrence is replaced
  by a certified *upper* or *lower* bound from :data:`FAMILIES`, chosen for
  the enclosure of its argument on the current box;
* where the direction is mixed or unknown (inside ``=``, a product of two
  occurrences, a denominator, ...), the occurrence becomes a fresh variable
  ``y`` with ``lower(u) <= y <= upper(u)`` (and ``y > 0`` for exp); the same
  subterm always gets the same ``y``;
* ``b**(p/q)`` becomes a fresh ``y >= 0`` with ``y**q = b**p`` (exact, no
  approximation), guarded by ``b >= 0``.

A bound is used only where its validity range contains the enclosure of its
argument on the box (log bounds whose argument may reach 0 are guarded by
``u > 0``). Logs are bounded by sub-range: the atanh families on a range on
one side of their centre ``c``; across ``c`` a *sign split* (one guarded bound
pair for ``u >= c``, one for ``u <= c``, so z3 takes the side from the
hypotheses); on ``[a, oo)``, down to 0, or where the goal has a root of the
same base, the *root family* ``log u = log c + n log (u/c)**(1/n)`` (an exact
algebraic root, an atanh bound of the log of the root; see
_Relaxation._log_bound). Logs of both signs in one sum are first combined into
one log of a ratio (exact where the arguments are positive; their domains
stay checked). A plain query whose relaxation is exact (roots only) gets the
larger ``EXACT_QUERY_RLIMIT``. Definedness is kept conservative as in the z3 backend: the
negated conclusion is widened by "some log/root argument is out of its
domain, or some denominator vanishes", so an unsat answer also shows that
everything is defined on the admissible set.

Before relaxing, ``Max``/``Min``/``Abs`` terms of an atom are split into the
disjunction or conjunction they stand for (exact), and the negated goal's
disjuncts are refuted one at a time. Each box gets, after its plain
relaxation, one *links* relaxation (when 1 to ``PAIR_LIMIT`` exps occur):
every exp occurrence a fresh ``y > 0``, related only by the monotone links
``u <= v => exp(u) <= exp(v)`` and ``u <= v + w => exp(u) <= exp(v) exp(w)``
(exact on all reals, see _Relaxation.monotone_links; cheap for nlsat: the
softmax bounds), then one *pairs* relaxation (when 2 or more): the links
plus axioms that hold on all reals — ``exp(u) exp(v) >= 1 + u + v``,
``exp(u) >= exp(v) (1 + u - v)`` and their three-term forms — which give
``exp(u + v) = exp(u) exp(v)`` where one-sided bounds cannot (goals tight
along ``x = t`` on unbounded ranges).

The polynomial problem is decided by z3 (nonlinear real arithmetic, nlsat),
through the z3 backend's sympy→z3 translator. If z3 finds a model, its
point is re-verified exactly on the original statement (REFUTED only then);
otherwise the bound order is raised, and when the highest order still fails
the box is bisected. PROVED needs every sub-box unsat.

Work is counted in deterministic units: z3's resource count (``rlimit``),
shared by all the queries of one call (``budget.z3_rlimit``), and the number
of sub-problems (at most ``min(budget.max_boxes, MAX_SUBPROBLEMS)``);
``budget.seconds`` is only the outer wall-clock cap, and a result stopped by
it says "time cap".
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp
import z3

from boundprop.backends import format_counterexample
from boundprop.backends.base import Support
from boundprop.backends.forked import decide_forked
from boundprop.backends.z3backend import _candidates, _Translator
from boundprop.errors import UnsupportedError
from boundprop.statement import TIME_CAP, Budget, Statement, Variable
from boundprop.verdict import CheckResult, Status

__all__ = [
    "FAMILIES",
    "BoundFamily",
    "applies",
    "decide",
    "exp_enclosure",
    "family",
    "log_enclosure",
    "unsupported_reason",
]

METHOD = "metitarski"
name = METHOD  # the backend protocol (boundprop.backends.base)

# Sub-problems (one z3 query each) per call, whatever budget.max_boxes says:
# a z3 query costs far more than one box of interval branch and bound.
MAX_SUBPROBLEMS = 48
# Each query gets at most this share of the call's z3 resource limit.
QUERY_SHARE = 12
# ... and at most this many units: nlsat counts its work sparsely, and a query
# that needs more is better split than waited for.
QUERY_RLIMIT = 40_000
# Order levels: 0 (cheapest) .. MAX_LEVEL; see BoundFamily.orders.
MAX_LEVEL = 3
# Pair axioms are added only for at most this many distinct exp arguments
# (their number grows with the square).
PAIR_LIMIT = 6
# ... and the triple axioms for at most this many exp variables.
TRIPLE_LIMIT = 4
# monotone triple links (u <= v + w => exp(u) <= exp(v) exp(w)) while at most
# this many distinct exp arguments occur: 6 gives at most 240 implications
MONOTONE_TRIPLE_LIMIT = 6
# A pairs-mode query is one per box and goal, and nlsat needs more for the
# products of the axioms: its own cap.
PAIR_QUERY_RLIMIT = 500_000
# The query modes of one box: plain (one-sided bounds), links (each exp a
# fresh variable tied by the monotone links only: linear-sized, cheap) and
# pairs (links plus the tangent pair axioms).
PLAIN, LINKS, PAIRS = 0, 1, 2
LINK_QUERY_RLIMIT = 300_000
# A plain query whose relaxation is exact (only the algebraic encodings of
# roots, no bound family) gets this cap: power means and p-norms need about
# 10**5 units of nlsat on the whole range and are not helped by splitting.
EXACT_QUERY_RLIMIT = 1_500_000
# Links queries that may run out of resources in one call before links mode
# is dropped (each such miss costs LINK_QUERY_RLIMIT).
LINK_MISS_LIMIT = 6

# The root family of log (see _Relaxation._log_bound): n at levels 0..MAX_LEVEL.
ROOT_ORDERS = (2, 4, 8, 16)
# Logs are combined into one log of a ratio only while no power above this
# appears in the ratio (see _Relaxation._combine_logs).
COMBINE_POWER_LIMIT = 4
# ... and matches the goal's roots of the same base up to this index.
MAX_ROOT_INDEX = 6

Range = tuple[Fraction | None, Fraction | None]  # None: unbounded on that side

# ---------------------------------------------------------------------------
# Exact rational enclosures of exp(c) and log(c) at rational points.
# ---------------------------------------------------------------------------
_BITS = 110


def _round(q: Fraction, up: bool) -> Fraction:
    """``q`` rounded to about ``_BITS`` significant bits, down or up."""
    if q == 0:
        return q
    shift = _BITS - (abs(q.numerator).bit_length() - q.denominator.bit_length())
    scaled = q * (Fraction(2) ** shift)
    whole = math.ceil(scaled) if up else math.floor(scaled)
    return Fraction(whole) / (Fraction(2) ** shift)


def _taylor(h: Fraction, n: int) -> Fraction:
    term, total = Fraction(1), Fraction(1)
    for k in range(1, n + 1):
        term = term * h / k
        total += term
    return total


def exp_enclosure(c: Fraction) -> tuple[Fraction, Fraction]:
    """Rationals ``lo <= exp(c) <= hi`` (relative width about 2**-100).

    Proof: for ``0 <= s <= 1/2``, ``exp(s) = T_40(s) + exp(ξ) s**41/41!`` with
    ``0 <= exp(ξ) <= exp(1/2) < 2``; ``exp(c) = exp(c/2**k)**(2**k)`` and
    squaring preserves order of positive numbers; ``exp(-c) = 1/exp(c)``.
    Every rounding goes outward.

    >>> lo, hi = exp_enclosure(Fraction(1))
    >>> float(lo) <= 2.718281828459045 <= float(hi)
    True
    """
    if abs(c) > 20_000:
        raise UnsupportedError(f"exp({c}) is too large for exact bounds")
    if c < 0:
        lo, hi = exp_enclosure(-c)
        return _round(1 / hi, False), _round(1 / lo, True)
    s, k = c, 0
    while s > Fraction(1, 2):
        s /= 2
        k += 1
    n = 40
    t = _taylor(s, n)
    lo, hi = _round(t, False), _round(t + 2 * s ** (n + 1) / math.factorial(n + 1), True)
    for _ in range(k):
        lo, hi = _round(lo * lo, False), _round(hi * hi, True)
    return lo, hi


def _atanh_sum(t: Any, n: int) -> Any:
    """``2 * (t + t**3/3 + ... + t**(2n-1)/(2n-1))`` (works on sympy and Fractions)."""
    return 2 * sum((t ** (2 * k + 1) / (2 * k + 1) for k in range(n)), start=0 * t)


def _log_near(w: Fraction) -> tuple[Fraction, Fraction]:
    # log w = 2 atanh t, t = (w-1)/(w+1); tail beyond n terms has the sign of t
    # and |tail| <= 2|t|**(2n+1) / ((2n+1)(1-t**2)) (geometric majorant).
    t = (w - 1) / (w + 1)
    n = 40
    s = _atanh_sum(t, n)
    tail = 2 * abs(t) ** (2 * n + 1) / ((2 * n + 1) * (1 - t * t))
    return (s, s + tail) if t >= 0 else (s - tail, s)


_LOG2 = _log_near(Fraction(2))


def log_enclosure(c: Fraction) -> tuple[Fraction, Fraction]:
    """Rationals ``lo <= log(c) <= hi`` for a rational ``c > 0``.

    ``log c = k log 2 + log(c / 2**k)`` with ``c / 2**k`` within a factor 2
    of 1, each by the atanh series with its tail bound.

    >>> lo, hi = log_enclosure(Fraction(10))
    >>> float(lo) <= 2.302585092994046 <= float(hi)
    True
    """
    if c <= 0:
        raise ValueError("log of a non-positive number")
    if c == 1:
        return Fraction(0), Fraction(0)
    k = c.numerator.bit_length() - c.denominator.bit_length()
    m = c / (Fraction(2) ** k)
    lo_m, hi_m = _log_near(m)
    lo2, hi2 = _LOG2
    if k >= 0:
        lo, hi = lo_m + k * lo2, hi_m + k * hi2
    else:
        lo, hi = lo_m + k * hi2, hi_m + k * lo2
    return _round(lo, False), _round(hi, True)


# ---------------------------------------------------------------------------
# The bound families: one table.
# ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BoundFamily:
    """A certified one-sided bound of ``exp(h)`` or ``log(w)``.

    ``build(arg, order, parameter)`` is the bound as a sympy expression in
    ``arg`` (``h`` for exp, ``w`` for log). ``validity(parameter)`` is the
    closed-or-open range of the argument where the inequality is proved:
    ``(lo, hi, lo_open, hi_open)``, ``None`` for unbounded. ``orders`` are
    the orders used at levels 0..MAX_LEVEL. ``nonnegative`` (exp lower
    bounds) is a range where the bound is also >= 0, which the backend needs
    before multiplying it by a lower bound of ``exp(c)``. ``proof`` sketches
    why the inequality holds.
    """

    name: str
    function: str
    direction: str
    validity: Callable[[Fraction], tuple[Fraction | None, Fraction | None, bool, bool]]
    orders: tuple[int, ...]
    build: Callable[[Any, int, Fraction], Any]
    proof: str
    nonnegative: tuple[Fraction | None, Fraction | None] | None = None


def _taylor_expr(h: Any, n: int) -> Any:
    return sum((h**k / sp.factorial(k) for k in range(n + 1)), start=sp.Integer(0))


def _lagrange_upper(h: Any, n: int, r: Fraction) -> Any:
    e_r = exp_enclosure(r)[1]
    return _taylor_expr(h, n) + sp.Rational(e_r.numerator, e_r.denominator) * h ** (n + 1) / sp.factorial(n + 1)


def _t_of(w: Any) -> Any:
    return (w - 1) / (w + 1)


def _one_minus_t2(w: Any) -> Any:  # 1 - t**2 = 4w/(w+1)**2
    return 4 * w / (w + 1) ** 2


def _log_signed_tail(w: Any, n: int, _p: Fraction) -> Any:
    t = _t_of(w)
    return _atanh_sum(t, n) + 2 * t ** (2 * n + 1) / ((2 * n + 1) * _one_minus_t2(w))


def _log_any(sign: int) -> Callable[[Any, int, Fraction], Any]:
    def build(w: Any, n: int, _p: Fraction) -> Any:
        t = _t_of(w)
        return _atanh_sum(t, n) + sign * t ** (2 * n) * (1 + t**2) / ((2 * n + 1) * _one_minus_t2(w))

    return build


_ONE, _ZERO = Fraction(1), Fraction(0)

FAMILIES: tuple[BoundFamily, ...] = (
    BoundFamily(
        "exp-taylor-odd-lower", "exp", "lower",
        lambda _p: (None, None, False, False), (3, 5, 9, 13),
        lambda h, n, _p: _taylor_expr(h, n),
        # exp(h) - T_n(h) = exp(ξ) h**(n+1)/(n+1)! >= 0 since n+1 is even.
        # Nonnegative for h >= -1: T_n - T_(n-2) = h**(n-1)/(n-1)! (1 + h/n) >= 0
        # there, down to T_1 = 1 + h >= 0.
        "Lagrange remainder exp(ξ) h^(n+1)/(n+1)! >= 0 for odd n",
        nonnegative=(Fraction(-1), None),
    ),
    BoundFamily(
        "exp-taylor-lagrange-upper", "exp", "upper",
        lambda r: (-r, r, False, False), (3, 5, 9, 13),
        _lagrange_upper,
        # exp(h) = T_n(h) + exp(ξ) h**(n+1)/(n+1)!, |ξ| <= |h| <= r, so
        # exp(ξ) <= exp(r) <= E_r and h**(n+1) >= 0 (n odd).
        "Lagrange remainder <= E_r h^(n+1)/(n+1)! with E_r >= exp(r), |h| <= r, odd n",
    ),
    BoundFamily(
        "exp-reciprocal-taylor-upper", "exp", "upper",
        lambda _p: (None, _ONE, False, False), (3, 5, 9, 13),
        lambda h, n, _p: 1 / _taylor_expr(-h, n),
        # For odd n, 0 < T_n(-h) <= exp(-h) when -h >= -1 (T_n(s) >= T_3(s) >= 1/3
        # for s >= -1, as above), so exp(h) = 1/exp(-h) <= 1/T_n(-h).
        "T_n(-h) <= exp(-h) for odd n and T_n(-h) >= 1/3 > 0 for h <= 1",
    ),
    BoundFamily(
        "log-atanh-lower-ge1", "log", "lower",
        lambda _p: (_ONE, None, False, False), (1, 2, 4, 6),
        lambda w, n, _p: _atanh_sum(_t_of(w), n),
        # log w = 2 atanh t = 2 sum t^(2k+1)/(2k+1), t = (w-1)/(w+1) in [0, 1):
        # every dropped term is >= 0.
        "atanh series with t = (w-1)/(w+1) >= 0: dropped terms >= 0",
    ),
    BoundFamily(
        "log-atanh-upper-ge1", "log", "upper",
        lambda _p: (_ONE, None, False, False), (1, 2, 4, 6),
        _log_signed_tail,
        # tail 2 sum_{k>=n} t^(2k+1)/(2k+1) <= 2 t^(2n+1)/(2n+1) * 1/(1-t^2).
        "atanh tail <= 2 t^(2n+1) / ((2n+1)(1-t^2)) for t >= 0 (geometric majorant)",
    ),
    BoundFamily(
        "log-atanh-upper-le1", "log", "upper",
        lambda _p: (_ZERO, _ONE, True, False), (1, 2, 4, 6),
        lambda w, n, _p: _atanh_sum(_t_of(w), n),
        # t in (-1, 0]: every dropped term t^(2k+1)/(2k+1) <= 0.
        "atanh series with t = (w-1)/(w+1) <= 0: dropped terms <= 0",
    ),
    BoundFamily(
        "log-atanh-lower-le1", "log", "lower",
        lambda _p: (_ZERO, _ONE, True, False), (1, 2, 4, 6),
        _log_signed_tail,
        # t <= 0: tail >= -2|t|^(2n+1)/((2n+1)(1-t^2)) = 2 t^(2n+1)/((2n+1)(1-t^2)).
        "atanh tail >= 2 t^(2n+1) / ((2n+1)(1-t^2)) for t <= 0 (geometric majorant)",
    ),
    BoundFamily(
        "log-atanh-lower-any", "log", "lower",
        lambda _p: (_ZERO, None, True, False), (1, 2, 4, 6),
        _log_any(-1),
        # |tail| <= 2|t|^(2n+1)/((2n+1)(1-t^2)) and 2|t|^(2n+1) <= t^(2n)(1+t^2)
        # (AM-GM: 2|t| <= 1 + t^2).
        "|atanh tail| <= t^(2n)(1+t^2)/((2n+1)(1-t^2)) for all w > 0",
    ),
    BoundFamily(
        "log-atanh-upper-any", "log", "upper",
        lambda _p: (_ZERO, None, True, False), (1, 2, 4, 6),
        _log_any(+1),
        "|atanh tail| <= t^(2n)(1+t^2)/((2n+1)(1-t^2)) for all w > 0",
    ),
)


def family(name: str) -> BoundFamily:
    """The table entry called ``name``."""
    for entry in FAMILIES:
        if entry.name == name:
            return entry
    raise KeyError(name)


def _covers(fam: BoundFamily, rng: Range, parameter: Fraction = _ZERO) -> bool:
    """True if the validity range of ``fam`` contains ``rng`` (closed)."""
    lo, hi, lo_open, hi_open = fam.validity(parameter)
    a, b = rng
    if lo is not None and (a is None or a < lo or (lo_open and a == lo)):
        return False
    if hi is not None and (b is None or b > hi or (hi_open and b == hi)):
        return False
    return True


def _q(value: Fraction) -> sp.Rational:
    return sp.Rational(value.numerator, value.denominator)


def _simple(value: Fraction, up: bool, denominator: int = 8) -> Fraction:
    scaled = value * denominator
    return Fraction(math.ceil(scaled) if up else math.floor(scaled), denominator)


# ---------------------------------------------------------------------------
# Choosing a bound for one occurrence.
# ---------------------------------------------------------------------------
def _exp_bound(u: sp.Expr, rng: Range, direction: str, level: int, used: set[str]) -> sp.Expr | None:
    """A certified bound of exp(u) in the given direction, valid on ``rng``.

    Centres are 0 whenever the family allows it (bounds are then exact at
    u = 0, where many goals touch), else a simple rational near the range.
    """
    a, b = rng
    if direction == "lower":
        fam = family("exp-taylor-odd-lower")
        n = fam.orders[level]
        if a is None:
            used.add(fam.name)
            # exp > 0 and T_n <= exp on all reals, so max(0, T_n) <= exp
            return sp.Max(0, _taylor_expr(u, n))
        if a >= -1 and ((b is None and a <= 2) or (b is not None and b <= 4)):
            c = _ZERO
        elif b is None:
            c = _simple(a, up=False)
        else:
            c = _simple(min((a + b) / 2, a + 1), up=False)
        h_range: Range = (a - c, None if b is None else b - c)
        if abs(c) > 400 or not _covers(fam, h_range):
            return None
        if c != 0:  # scaled by a lower bound of exp(c): needs T_n(h) >= 0
            lo_nn = fam.nonnegative[0] if fam.nonnegative else None
            if lo_nn is None or h_range[0] is None or h_range[0] < lo_nn:
                return None
        used.add(fam.name)
        bound = _taylor_expr(u - _q(c), n)
        return bound if c == 0 else _q(exp_enclosure(c)[0]) * bound
    if b is None:
        return None  # no rational function bounds exp from above on [a, oo)
    r = _ZERO
    if a is not None and max(abs(a), abs(b)) <= 2:
        c = _ZERO
        fam = family("exp-taylor-lagrange-upper")
        r = _simple(max(abs(a), abs(b)), up=True)
    elif a is not None and b - a <= 4:
        c = _simple((a + b) / 2, up=True)
        fam = family("exp-taylor-lagrange-upper")
        r = _simple(max(c - a, b - c), up=True)
    else:
        c = _ZERO if -1 <= b <= 1 else _simple(b, up=True)
        fam = family("exp-reciprocal-taylor-upper")
    h_range = (None if a is None else a - c, b - c)
    if abs(c) > 400 or not _covers(fam, h_range, r):
        return None
    used.add(fam.name)
    bound = fam.build(u - _q(c), fam.orders[level], r)
    # scaling an upper bound (>= exp(h) > 0) by E >= exp(c) keeps it an upper bound
    return bound if c == 0 else _q(exp_enclosure(c)[1]) * bound


def _nth_root(c: Fraction, n: int, up: bool) -> Fraction | None:
    """A simple rational ``r > 0`` with ``r**n >= c`` (up) or ``r**n <= c``,
    near ``c**(1/n)``; None if there is none with denominator 64."""
    r = _simple(Fraction(float(c) ** (1 / n)), up=up, denominator=64)
    for _ in range(4):  # float rounding: step outward until exact
        if r > 0 and ((r**n >= c) if up else (r**n <= c)):
            return r
        r += Fraction(1, 64) if up else -Fraction(1, 64)
    return None


def _log_centre(rng: Range) -> Fraction:
    """The centre ``c > 0`` of the log bounds on ``rng``: 1 near 1, else a
    simple rational at the lower end (unbounded range) or the geometric mean."""
    a, b = rng
    low = a if a is not None and a > 0 else None
    near_one = low is None or (b is None and low <= 2) or (
        b is not None and Fraction(1, 4) <= b and low <= 4 and b / low <= 16
    )
    if low is None or near_one:
        return _ONE
    if b is None:
        c = _simple(low, up=False, denominator=64)
        return c if c > 0 else low
    g = Fraction(math.sqrt(float(low) * float(b))).limit_denominator(64)
    return g if g > 0 else low


def _log_bound(u: sp.Expr, rng: Range, direction: str, level: int, used: set[str]) -> sp.Expr:
    """A certified bound of log(u) valid wherever ``u > 0`` in ``rng``
    (a lower end ``<= 0`` or None is read as "just above 0")."""
    a, b = rng
    low = a if a is not None and a > 0 else None
    c = _log_centre(rng)
    if low is not None and low >= c:
        name = f"log-atanh-{direction}-ge1"
    elif b is not None and b <= c:
        name = f"log-atanh-{direction}-le1"
    else:
        name = f"log-atanh-{direction}-any"
    fam = family(name)
    w_range: Range = (None if low is None else low / c, None if b is None else b / c)
    if low is None:  # only points with u > 0 matter: the range is (0, b/c]
        if fam.validity(_ZERO)[0] != 0:
            raise AssertionError(f"{name} is not valid down to 0")
        w_range = (Fraction(1, 10**30), w_range[1])
    if not _covers(fam, w_range):
        raise AssertionError(f"{name} chosen outside its validity range")
    used.add(name)
    lo, hi = log_enclosure(c)
    shift = _q(lo if direction == "lower" else hi)
    w = u if c == 1 else u / _q(c)
    return shift + fam.build(w, fam.orders[level], _ZERO)


# ---------------------------------------------------------------------------
# The relaxation.
# ---------------------------------------------------------------------------
_REWRITE = (sp.sinh, sp.cosh, sp.tanh)


def _special(e: Any) -> bool:
    """True if ``e`` has something z3 cannot take and this backend bounds."""
    if not isinstance(e, sp.Basic):
        return False
    if e.has(sp.exp, sp.log, sp.E, sp.pi):
        return True
    return any(not p.exp.is_Integer for p in e.atoms(sp.Pow))


class _Relaxation:
    """One relaxation of the negated goal on one box at one order level."""

    def __init__(
        self, box: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]], level: int, exp_args: frozenset[sp.Basic],
        pairs: bool = False, roots: dict[sp.Expr, int] | None = None,
    ) -> None:
        self.box = box
        self.level = level
        self.exp_args = exp_args
        # pairs: every exp occurrence becomes a fresh variable y > 0 related
        # to the others only by the pair axioms (see pair_axioms): what
        # monotonicity and exp(u) exp(v) = exp(u + v) give and no one-sided
        # bound does (the one-sided bounds are left out: they slow nlsat down
        # and the plain relaxation has tried them already)
        self.pairs = pairs
        # base -> lcm of the root indices q of base**(p/q) in the goal: the
        # root family of log(base) then takes n a multiple of it, so its root
        # is a power of the goal's own (see _log_bound)
        self.roots = roots or {}
        self.exp_fresh: list[tuple[sp.Expr, sp.Symbol]] = []
        self.fresh: list[sp.Symbol] = []
        self.constraints: list[sp.Basic] = []
        self.bad: list[sp.Basic] = []
        self.memo: dict[sp.Basic, sp.Expr] = {}
        self.used: set[str] = set()

    def _symbol(self) -> sp.Symbol:
        s = sp.Symbol(f"__mt{len(self.fresh)}", real=True)
        self.fresh.append(s)
        return s

    def range_of(self, e: sp.Expr) -> Range:
        from boundprop.interval import enclose

        try:
            iv = enclose(e, self.box)
            lo_f = min(float(c.inf) for c in iv)
            hi_f = max(float(c.sup) for c in iv)
        except Exception:  # undefined or untranslatable: nothing known
            return None, None
        if math.isnan(lo_f) or math.isnan(hi_f):
            return None, None
        lo = Fraction(lo_f) if math.isfinite(lo_f) else None
        hi = Fraction(hi_f) if math.isfinite(hi_f) else None
        return lo, hi

    def sign_of(self, e: sp.Expr) -> int:
        """1 if ``e >= 0`` on the box, -1 if ``<= 0``, 0 if unknown."""
        lo, hi = self.range_of(e)
        if lo is not None and lo >= 0:
            return 1
        if hi is not None and hi <= 0:
            return -1
        return 0

    # -- terms -------------------------------------------------------------
    def relax(self, e: sp.Expr, want: int) -> sp.Expr:
        """An expression ``e'`` without special functions such that, at every
        point of the box (fresh symbols at the values of their subterms),
        ``e' >= e`` (want 1), ``e' <= e`` (want -1) or ``e' = e`` (want 0)."""
        if not _special(e):
            return e
        if want == 0:
            hit = self.memo.get(e)
            if hit is None:
                hit = self._relax(e, 0)
                self.memo[e] = hit
            return hit
        return self._relax(e, want)

    def _relax(self, e: sp.Expr, want: int) -> sp.Expr:
        if e.is_number:
            return self._number(e, want)
        if isinstance(e, sp.Add):
            return sp.Add(*[self.relax(a, want) for a in e.args])
        if isinstance(e, sp.Mul):
            return self._mul(e, want)
        if isinstance(e, sp.Pow):
            return self._pow(e, want)
        if isinstance(e, sp.exp):
            return self._exp(e, want)
        if isinstance(e, sp.log):
            return self._log(e, want)
        if isinstance(e, (sp.Abs, sp.Max, sp.Min)):
            return e.func(*[self.relax(a, 0) for a in e.args])
        raise UnsupportedError(f"{type(e).__name__} of exp/log/fractional powers is not handled")

    def _number(self, e: sp.Expr, want: int) -> sp.Expr:
        lo, hi = self.range_of(e)
        if lo is None or hi is None:
            raise UnsupportedError(f"the constant {e} has no finite enclosure")
        if want > 0:
            return _q(hi)
        if want < 0:
            return _q(lo)
        y = self._symbol()
        self.constraints += [y >= _q(lo), y <= _q(hi)]
        return y

    def _mul(self, e: sp.Mul, want: int) -> sp.Expr:
        coeff, factors = e.as_coeff_mul()
        if coeff < 0:
            want = -want
        special = [f for f in factors if _special(f)]
        plain = sp.Mul(*[f for f in factors if not _special(f)])
        if want != 0 and len(special) == 1:
            sign = self.sign_of(plain) if plain != 1 else 1
            return coeff * plain * self.relax(special[0], want * sign)
        if want > 0 and plain == 1 and all(self.sign_of(f) > 0 for f in special):
            # a, b >= 0 and U(a) >= a, U(b) >= b give U(a) U(b) >= a U(b) >= a b
            return coeff * sp.Mul(*[self.relax(f, 1) for f in special])
        return coeff * plain * sp.Mul(*[self.relax(f, 0) for f in special])

    def _pow(self, e: sp.Pow, want: int) -> sp.Expr:
        base, exponent = e.args
        if exponent.is_Integer:
            n = int(exponent)
            if want != 0 and n > 0 and n % 2 == 1:
                return self.relax(base, want) ** n  # odd powers are increasing
            if want > 0 and n > 0 and self.sign_of(base) > 0:
                return self.relax(base, 1) ** n  # U(b) >= b >= 0
            if want < 0 and n < 0 and self.sign_of(base) > 0 and self._positive(base):
                return self.relax(base, 1) ** n  # U(b) >= b > 0, so U(b)**n <= b**n
            return self.relax(base, 0) ** n
        if exponent.is_Rational:
            return self._root(e)
        if base.is_positive and base.is_number or not exponent.is_number:
            self._domain(base, strict=True)
            return self.relax(sp.exp(exponent * sp.log(base), evaluate=False), want)
        raise UnsupportedError(f"the power {e} is not handled")

    def _positive(self, e: sp.Expr) -> bool:
        lo, _ = self.range_of(e)
        return lo is not None and lo > 0

    def _domain(self, arg: sp.Expr, strict: bool) -> sp.Expr:
        """``arg`` relaxed exactly; adds 'arg out of domain' to the bad list
        unless the enclosure shows ``arg > 0`` (``>= 0`` if not strict)."""
        exact = self.relax(arg, 0)
        lo, _ = self.range_of(arg)
        if lo is not None and (lo > 0 or (lo == 0 and not strict)):
            return exact
        self.bad.append(exact <= 0 if strict else exact < 0)
        return exact

    def _root(self, e: sp.Pow) -> sp.Expr:
        hit = self.memo.get(e)
        if hit is not None:
            return hit
        base, exponent = e.args
        p, q = int(exponent.p), int(exponent.q)
        b = self._domain(base, strict=p < 0)
        y = self._symbol()
        if p > 0:
            self.constraints += [y >= 0, sp.Implies(b >= 0, sp.Eq(y**q, b**p))]
        else:
            self.constraints += [y > 0, sp.Implies(b > 0, sp.Eq(y**q * b ** (-p), 1))]
        self.memo[e] = y
        return y

    def _exp(self, e: sp.exp, want: int) -> sp.Expr:
        u = e.args[0]
        if self.pairs and want != 0:
            return self.relax(e, 0)  # one fresh variable per argument (memo)
        exact = self.relax(u, 0)
        rng = self.range_of(u)
        if want != 0:
            bound = _exp_bound(exact, rng, "upper" if want > 0 else "lower", self.level, self.used)
            if bound is not None:
                return bound
        if u.could_extract_minus_sign() and -u in self.exp_args:
            # exp(-v) = 1/exp(v): one fresh variable for both, so their product stays 1
            return 1 / self.relax(sp.exp(-u), 0)
        y = self._symbol()
        self.constraints.append(y > 0)
        for direction in ("lower", "upper") if not self.pairs else ():
            bound = _exp_bound(exact, rng, direction, self.level, self.used)
            if bound is not None:
                self.constraints.append(y >= bound if direction == "lower" else y <= bound)
        self.exp_fresh.append((exact, y))
        return y

    def _cleared(self, g: sp.Expr) -> sp.Expr:
        """``g``'s numerator when its denominator is positive by its form
        (sums and products of positive numbers and exp variables, which are
        > 0): ``g > 0`` iff ``num > 0`` there, and nlsat is spared the division."""
        if not self.exp_fresh or not g.has(*[y for _, y in self.exp_fresh]):
            return g
        num, den = sp.fraction(sp.together(g))
        if den == 1:
            return g
        positive = {y: sp.Dummy(positive=True) for _, y in self.exp_fresh}
        if den.free_symbols - set(positive) or den.subs(positive).is_positive is not True:
            return g
        return sp.expand(num)

    def pair_axioms(self) -> list[sp.Basic]:
        """For fresh ``y = exp(u)``, ``z = exp(v)`` (``u``, ``v`` exact):
        ``y z >= 1 + u + v`` (``exp(u) exp(v) = exp(u + v) >= 1 + u + v``),
        ``y >= z (1 + u - v)`` (``exp(u) = exp(v) exp(u - v)`` and ``z > 0``),
        ``y**2 >= 1 + 2u`` and, for a third ``r = exp(w)``,
        ``y z >= r (1 + u + v - w)`` and ``r >= y z (1 + w - u - v)``: each
        holds on all reals (family
        ``exp-pair-tangent``)."""
        out: list[sp.Basic] = []
        items = self.exp_fresh
        for i, (u, y) in enumerate(items):
            out.append(y**2 >= 1 + 2 * u)
            for j, (v, z) in enumerate(items[i + 1:], start=i + 1):
                out += [y * z >= 1 + u + v, y >= z * (1 + u - v), z >= y * (1 + v - u)]
                if len(items) <= TRIPLE_LIMIT:
                    # exp(u) exp(v) = exp(w) exp(u + v - w) >= exp(w) (1 + u + v - w),
                    # exp(w) = exp(u) exp(v) exp(w - u - v) >= exp(u) exp(v) (1 + w - u - v)
                    for k, (w, r) in enumerate(items):
                        if k not in (i, j):
                            out += [y * z >= r * (1 + u + v - w), r >= y * z * (1 + w - u - v)]
        if out:
            self.used.add("exp-pair-tangent")
        links = self.monotone_links()
        if links:
            self.used.add("exp-monotone")
        return out + links

    def monotone_links(self) -> list[sp.Basic]:
        """Implications that exp is increasing, exact on all reals: for fresh
        ``y = exp(u)``, ``z = exp(v)``: ``u <= v => y <= z`` and ``u < v => y < z``
        (both orders), ``u <= 0 => y <= 1`` (and >=, strict), and for a third
        ``r = exp(w)``: ``u <= v + w => y <= z r``, ``u >= v + w => y >= z r``
        (strict with strict). The triples are taken only while at most
        ``MONOTONE_TRIPLE_LIMIT`` exps occur, so the query stays bounded (at
        most 6 * 10 triples). Wider sets (``u + v <= w + x``) were tried: they
        made nlsat slower on the softmax bounds and closed nothing more."""
        items = self.exp_fresh
        out: list[sp.Basic] = []
        for i, (u, y) in enumerate(items):
            # against exp(0) = 1
            out += [sp.Or(u > 0, y <= 1), sp.Or(u >= 0, y < 1), sp.Or(u < 0, y >= 1), sp.Or(u <= 0, y > 1)]
            for j, (v, z) in enumerate(items):
                if i != j:
                    out += [sp.Or(u > v, y <= z), sp.Or(u >= v, y < z)]
        if len(items) <= MONOTONE_TRIPLE_LIMIT:
            for i, (u, y) in enumerate(items):
                for j, (v, z) in enumerate(items):
                    for k, (w, r) in enumerate(items[j + 1:], start=j + 1):
                        if i in (j, k):
                            continue
                        s, p = v + w, z * r
                        out += [sp.Or(u > s, y <= p), sp.Or(u >= s, y < p),
                                sp.Or(u < s, y >= p), sp.Or(u <= s, y > p)]
        return [c for c in out if c is not sp.true]

    def _log(self, e: sp.log, want: int) -> sp.Expr:
        u = e.args[0]
        exact = self._domain(u, strict=True)
        rng = self.range_of(u)
        if rng[1] is not None and rng[1] <= 0:
            return self._symbol()  # undefined on the whole box (domain check added): nothing to bound
        positive = rng[0] is not None and rng[0] > 0
        a, b = rng
        low = a if a is not None and a > 0 else None
        c = _log_centre(rng)
        # a range across the centre (or unknown) takes the sign-split form:
        # one bound pair for u >= c, one for u <= c, each under its guard, so
        # both stay exact at u = c and z3 picks the side from the hypotheses
        # (the enclosure does not see "y >= x" in log(y/x))
        straddles = not ((low is not None and low >= c) or (b is not None and b <= c))
        if want != 0 and positive and not straddles:
            return self._log_bound(exact, rng, "upper" if want > 0 else "lower", positive)
        y = self._symbol()
        if straddles:
            self.used.add("log-sign-split")
            both: Any = sp.And(*[
                sp.Implies(guard, sp.And(
                    y >= self._log_bound(exact, side, "lower", positive),
                    y <= self._log_bound(exact, side, "upper", positive),
                ))
                for side, guard in (((c, b), exact >= _q(c)), ((a, c), exact <= _q(c)))
            ])
        else:
            both = sp.And(
                y >= self._log_bound(exact, rng, "lower", positive),
                y <= self._log_bound(exact, rng, "upper", positive),
            )
        # the argument may leave the domain: then the bounds are guarded by u > 0
        self.constraints.append(both if positive else sp.Implies(exact > 0, both))
        return y

    def _log_bound(self, exact: sp.Expr, rng: Range, direction: str, positive: bool) -> sp.Expr:
        """A bound of ``log(exact)`` (valid where ``exact > 0``): the atanh
        families of :func:`_log_bound`, or the root family where they grow
        wrongly (upper bounds on ``[a, oo)``, lower bounds down to 0) or where
        the goal has a root ``exact**(1/q)`` itself: ``log u = log c + n log y``
        with ``y = (u/c)**(1/n) > 0`` (the exact algebraic encoding
        ``c y**n = u``) and ``log y`` bounded by an atanh family on the range
        of ``y``; the bound grows like ``u**(1/n)`` and is exact at ``u = c``
        (family ``log-root``). With a goal root, ``n`` is a multiple of ``q``
        and ``c = r**n`` (``r`` rational), so ``u**(1/q) = r**(n/q) y**(n/q)``:
        one polynomial link to the goal's own root variable."""
        a, b = rng
        low = a if a is not None and a > 0 else None
        q = self.roots.get(exact)
        if q is None and ((low is not None and b is not None) or (low is None and b is None)):
            return _log_bound(exact, rng, direction, self.level, self.used)
        if q is None and low is None and direction == "upper":
            return _log_bound(exact, rng, direction, self.level, self.used)
        n = ROOT_ORDERS[self.level] if q is None else q << self.level
        r: Fraction | None = None
        if low is not None:  # u >= low >= c: y >= 1
            c = _simple(low, up=False, denominator=64)
            c = c if c > 0 else low
            if q is not None:
                r = _nth_root(c, n, up=False)
        elif b is not None:  # 0 < u <= b <= c: y <= 1
            c = _simple(b, up=True, denominator=64)
            if q is not None:
                r = _nth_root(c, n, up=True)
        else:
            c, r = _ONE, _ONE
        if q is not None and r is None:
            return _log_bound(exact, rng, direction, self.level, self.used)
        if r is not None:
            c = r**n
        if low is not None:
            top = None if b is None else _nth_root(b / c, n, up=True)
            y_rng: Range = (_ONE, top if top is not None and top >= 1 else None)
        elif b is not None:
            y_rng = (None, _ONE)
        else:
            y_rng = (None, None)
        y = self._log_root(exact, c, n, positive)
        if q is not None and r is not None:
            # exact**(1/q) = (c y**n)**(1/q) = r**(n/q) y**(n/q), both sides >= 0
            z = self.relax(sp.Pow(exact, sp.Rational(1, q)), 0)
            self.constraints.append(sp.Eq(z, _q(r) ** (n // q) * y ** (n // q)))
        self.used.add("log-root")
        lo, hi = log_enclosure(c)
        inner = _log_bound(y, y_rng, direction, self.level, self.used)
        return _q(lo if direction == "lower" else hi) + n * inner

    def _log_root(self, exact: sp.Expr, c: Fraction, n: int, positive: bool) -> sp.Symbol:
        """A fresh ``y > 0`` with ``c y**n = exact`` (guarded by ``exact > 0``
        unless the enclosure shows it): ``y = (exact/c)**(1/n)``."""
        key = sp.Pow(exact / _q(c), sp.Rational(1, n), evaluate=False)
        y = self.memo.get(key)
        if not isinstance(y, sp.Symbol):
            y = self._symbol()
            self.memo[key] = y
            self.constraints.append(y > 0)
        equation = sp.Eq(_q(c) * y**n, exact)
        self.constraints.append(equation if positive else sp.Implies(exact > 0, equation))
        return y

    def _combine_logs(self, e: sp.Expr) -> sp.Expr:
        """``e`` with each sum ``c_1 log a_1 + ... + c_k log a_k + rest`` whose
        rational coefficients have both signs written ``q log(prod a_i**(c_i/q))
        + rest`` (``q`` their gcd; exact where every ``a_i > 0``, each ``a_i``
        kept in the domain check): one log of a ratio, which a one-sided bound
        keeps tight where the ``a_i`` are large but their ratio is not."""
        def combine(add: sp.Add) -> sp.Expr:
            logs: list[tuple[sp.Rational, sp.Expr]] = []
            rest: list[sp.Expr] = []
            for term in add.args:
                c, f = term.as_coeff_Mul()
                if isinstance(f, sp.log) and c.is_Rational and c != 0:
                    logs.append((sp.Rational(c), f.args[0]))
                else:
                    rest.append(term)
            if not (any(c > 0 for c, _ in logs) and any(c < 0 for c, _ in logs)):
                return add
            q = sp.Rational(math.gcd(*[int(c.p) for c, _ in logs]), math.lcm(*[int(c.q) for c, _ in logs]))
            if any(abs(c / q) > COMBINE_POWER_LIMIT for c, _ in logs):
                return add
            for _, arg in logs:
                self._domain(arg, strict=True)
            num = sp.Mul(*[arg ** int(c / q) for c, arg in logs if c > 0])
            den = sp.Mul(*[arg ** int(-c / q) for c, arg in logs if c < 0])
            return sp.Add(*rest) + q * sp.log(num / den, evaluate=False)

        if not e.has(sp.log):
            return e
        return e.replace(lambda t: isinstance(t, sp.Add) and sum(isinstance(a.as_coeff_Mul()[1], sp.log)
                                                               for a in t.args) >= 2, combine)

    # -- formulas ----------------------------------------------------------
    def atom(self, rel: sp.Basic) -> sp.Basic:
        """A relation in the negated goal, relaxed (implied at every box point)."""
        lhs, rhs = rel.lhs, rel.rhs
        if isinstance(rel, (sp.StrictLessThan, sp.LessThan)):
            gap = rhs - lhs
        elif isinstance(rel, (sp.StrictGreaterThan, sp.GreaterThan)):
            gap = lhs - rhs
        elif isinstance(rel, (sp.Eq, sp.Ne)):
            return rel.func(self.relax(lhs - rhs, 0), 0)
        else:
            raise UnsupportedError(f"relation {type(rel).__name__}")
        g = self._cleared(self.relax(self._combine_logs(gap), 1))
        strict = isinstance(rel, (sp.StrictLessThan, sp.StrictGreaterThan))
        return sp.Gt(g, 0) if strict else sp.Ge(g, 0)

    def formula(self, b: Any) -> Any:
        """Relax an NNF formula (relations under And/Or)."""
        if b is sp.true or b is sp.false or b is True or b is False:
            return b
        if isinstance(b, (sp.And, sp.Or)):
            return b.func(*[self.formula(a) for a in b.args])
        if isinstance(b, sp.core.relational.Relational):
            if not _special(b):
                return b
            return self.atom(b)
        raise UnsupportedError(f"the condition {type(b).__name__} is not handled")


_NEGATED = {
    sp.StrictLessThan: sp.GreaterThan,
    sp.LessThan: sp.StrictGreaterThan,
    sp.StrictGreaterThan: sp.LessThan,
    sp.GreaterThan: sp.StrictLessThan,
    sp.Eq: sp.Ne,
    sp.Ne: sp.Eq,
}


def _nnf(b: Any, positive: bool = True) -> Any:
    """Negation normal form of ``b`` (``¬b`` if not ``positive``)."""
    if b is sp.true or b is True:
        return sp.true if positive else sp.false
    if b is sp.false or b is False:
        return sp.false if positive else sp.true
    if isinstance(b, sp.Not):
        return _nnf(b.args[0], not positive)
    if isinstance(b, (sp.And, sp.Or)):
        parts = [_nnf(a, positive) for a in b.args]
        same = isinstance(b, sp.And) == positive
        return sp.And(*parts) if same else sp.Or(*parts)
    if isinstance(b, sp.Implies):
        a, c = b.args
        if positive:
            return sp.Or(_nnf(a, False), _nnf(c, True))
        return sp.And(_nnf(a, True), _nnf(c, False))
    if isinstance(b, sp.core.relational.Relational):
        if positive:
            return b
        negated = _NEGATED.get(type(b))
        if negated is None:
            raise UnsupportedError(f"relation {type(b).__name__}")
        return negated(b.lhs, b.rhs, evaluate=False)
    raise UnsupportedError(f"the condition {type(b).__name__} is not handled")


def _extrema(b: Any) -> Any:
    """An NNF formula whose atoms ``g > 0`` (``>=``) with a term ``c Max(a_i)``
    (``c > 0``) in the sum ``g`` are written ``Or(c a_i + rest > 0)``, with
    ``c Min(a_i)`` written ``And(...)`` (the other way round for ``c < 0``;
    ``Abs(a)`` is ``Max(a, -a)``):
    exact rewritings. A disjunctive negated goal is then refuted one disjunct
    at a time, each with only its own exp occurrences, and a hypothesis
    ``max - min <= w`` becomes linear atoms."""
    if isinstance(b, (sp.And, sp.Or)):
        return b.func(*[_extrema(a) for a in b.args])
    if not isinstance(b, (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)):
        return b
    gap = b.lhs - b.rhs if isinstance(b, (sp.StrictGreaterThan, sp.GreaterThan)) else b.rhs - b.lhs
    rel = sp.StrictGreaterThan if isinstance(b, (sp.StrictGreaterThan, sp.StrictLessThan)) else sp.GreaterThan
    for term in sp.Add.make_args(gap):
        coeff, rest_factors = term.as_coeff_Mul()
        if isinstance(rest_factors, sp.Abs):  # |a| = max(a, -a)
            options: tuple[Any, ...] = (rest_factors.args[0], -rest_factors.args[0])
        elif isinstance(rest_factors, (sp.Max, sp.Min)):
            options = rest_factors.args
        else:
            continue
        if coeff == 0:
            continue
        rest = gap - term
        parts = [_extrema(rel(coeff * a + rest, 0, evaluate=False)) for a in options]
        some = isinstance(rest_factors, (sp.Max, sp.Abs)) == (coeff > 0)
        return sp.Or(*parts) if some else sp.And(*parts)
    return b


def _disjuncts(b: Any) -> list[Any]:
    return list(b.args) if isinstance(b, sp.Or) else [b]


def _merge_exp(e: sp.Basic) -> sp.Basic:
    factors = [f for f in e.args if isinstance(f, sp.exp)]
    rest = [f for f in e.args if not isinstance(f, sp.exp)]
    return sp.Mul(*rest, sp.exp(sp.Add(*[f.args[0] for f in factors])))


def _prepare(b: Any) -> Any:
    """sinh/cosh/tanh written with exp; products of exps merged
    (``exp(a) exp(b) = exp(a + b)``, an identity on all reals)."""
    if not isinstance(b, sp.Basic):
        return b
    if b.has(*_REWRITE):
        b = b.rewrite(sp.exp)
    return b.replace(
        lambda e: isinstance(e, sp.Mul) and sum(isinstance(f, sp.exp) for f in e.args) >= 2,
        _merge_exp,
    )


# ---------------------------------------------------------------------------
# Shape.
# ---------------------------------------------------------------------------
def unsupported_reason(statement: Statement) -> str | None:
    """None if this backend takes the statement, else why not (in words).

    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", 0, 1)
    >>> unsupported_reason(Statement((x,), (), x.symbol**2 >= 0))
    'no exp, log, fractional power or irrational constant (the z3 backend decides this shape)'
    >>> unsupported_reason(Statement((x,), (), sp.exp(x.symbol) >= 1)) is None
    True
    """
    parts = [_prepare(p) for p in (*statement.hypotheses, statement.conclusion)]
    if not any(_special(p) for p in parts):
        return "no exp, log, fractional power or irrational constant (the z3 backend decides this shape)"
    if any(v.integer for v in statement.variables):
        return "integer variables are not split by this backend"
    for p in parts:
        if not isinstance(p, sp.Basic):
            continue
        for f in p.atoms(sp.Function):
            if not isinstance(f, (sp.exp, sp.log, sp.Abs, sp.Max, sp.Min)):
                return f"{type(f).__name__} has no bound family here"
    return None


def applies(statement: Statement) -> bool:
    """True if :func:`decide` takes the statement (the portfolio's test)."""
    return unsupported_reason(statement) is None


def supports(statement: Statement) -> Support:
    """The backend protocol's test: :func:`applies`. A statement it does not
    apply to is simply not its kind (no reason given: z3 and bnb take it)."""
    return Support(applies(statement))


# ---------------------------------------------------------------------------
# The search.
# ---------------------------------------------------------------------------
Box = dict[sp.Symbol, tuple[sp.Expr, sp.Expr]]


def _split(box: Box, symbols: list[sp.Symbol]) -> list[Box] | None:
    """Two halves of ``box`` along its widest useful variable (infinite first)."""
    best: tuple[int, Fraction, sp.Symbol] | None = None
    for s in symbols:
        lo, hi = box[s]
        if lo.is_finite and hi.is_finite:
            if lo == hi:
                continue
            key = (0, Fraction(str(hi - lo)), s)
        else:
            key = (1, Fraction(0), s)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    s = best[2]
    lo, hi = box[s]
    if lo.is_finite and hi.is_finite:
        mid = Fraction(str((lo + hi) / 2))
        simple = mid.limit_denominator(max(8, int(8 / float(hi - lo)) + 1))
        m = _q(simple) if lo < _q(simple) < hi else (lo + hi) / 2
    elif lo.is_finite:
        m = lo + max(1, abs(lo))
    elif hi.is_finite:
        m = hi - max(1, abs(hi))
    else:
        m = sp.Integer(0)
    return [{**box, s: (lo, m)}, {**box, s: (m, hi)}]


class _Search:
    def __init__(self, statement: Statement, budget: Budget) -> None:
        self.statement = statement
        self.budget = budget
        self.start = time.monotonic()
        self.spent = 0
        self.queries = 0
        self.closed = 0
        self.used: set[str] = set()
        self.hyps = [_extrema(_nnf(_prepare(h))) for h in statement.hypotheses]
        self.negated = _extrema(_nnf(_prepare(statement.conclusion), positive=False))
        # the negated goal's disjuncts are refuted one by one (each query
        # relaxes only the occurrences of its own disjunct)
        self.goals = _disjuncts(self.negated)
        args: set[sp.Symbol] = set()
        for part in (*self.hyps, self.negated):
            if isinstance(part, sp.Basic):
                for f in part.atoms(sp.exp, sp.log, sp.Pow):
                    if _special(f):
                        args |= f.free_symbols
        self.split_symbols = [v.symbol for v in statement.variables if v.symbol in args] or list(
            statement.symbols
        )
        self.exp_args = frozenset(
            f.args[0] for part in (*self.hyps, self.negated) if isinstance(part, sp.Basic)
            for f in part.atoms(sp.exp)
        )
        self.roots: dict[sp.Expr, int] = {}
        for part in (*self.hyps, self.negated):
            if isinstance(part, sp.Basic):
                for p in part.atoms(sp.Pow):
                    if p.exp.is_Rational and not p.exp.is_Integer and not _special(p.base):
                        q = math.lcm(self.roots.get(p.base, 1), int(p.exp.q))
                        if q <= MAX_ROOT_INDEX:
                            self.roots[p.base] = q
        self.denominators = {
            p.base
            for part in (*self.hyps, self.negated) if isinstance(part, sp.Basic)
            for p in part.atoms(sp.Pow) if p.exp.is_Integer and p.exp < 0
        }

    def seconds_left(self) -> float:
        return self.budget.seconds - (time.monotonic() - self.start)

    def query(
        self, box: Box, level: int, mode: int = PLAIN, goal: int = 0
    ) -> tuple[Any, dict[sp.Symbol, Any] | None]:
        relax = _Relaxation(box, level, self.exp_args, pairs=mode != PLAIN, roots=self.roots)
        hyps = [relax.formula(h) for h in self.hyps]
        negated = relax.formula(self.goals[goal])
        if mode == LINKS:
            links = relax.monotone_links()
            relax.constraints += links
            if links:
                relax.used.add("exp-monotone")
        elif mode == PAIRS:
            relax.constraints += relax.pair_axioms()
        for d in self.denominators:
            lo, hi = relax.range_of(d)
            if not ((lo is not None and lo > 0) or (hi is not None and hi < 0)):
                relax.bad.append(sp.Eq(relax.relax(d, 0), 0))
        self.used |= relax.used
        variables = [
            Variable(symbol=v.symbol, lo=box[v.symbol][0], hi=box[v.symbol][1])
            for v in self.statement.variables
        ] + [Variable(symbol=s, lo=-sp.oo, hi=sp.oo) for s in relax.fresh]
        holder = Statement(tuple(variables), (), sp.true)
        ctx = z3.Context()
        tr = _Translator(holder, ctx)
        goal = tr.formula(sp.Or(negated, *relax.bad)) if relax.bad else tr.formula(negated)
        solver = z3.Solver(ctx=ctx)
        cap = {PLAIN: QUERY_RLIMIT, LINKS: LINK_QUERY_RLIMIT, PAIRS: PAIR_QUERY_RLIMIT}[mode]
        if mode == PLAIN and not relax.used:
            cap = EXACT_QUERY_RLIMIT  # no approximation: neither a higher order nor a split sharpens it
        per_query = max(1, min(self.budget.z3_rlimit // QUERY_SHARE, cap))
        limit = min(per_query, self.budget.z3_rlimit - self.spent)
        solver.set("rlimit", max(1, limit))
        solver.set("timeout", max(1, int(1000 * self.seconds_left())))
        solver.add(*tr.box, *tr.aux, *[tr.formula(c) for c in relax.constraints])
        solver.add(*[tr.formula(h) for h in hyps], goal)
        answer = solver.check()
        self.queries += 1
        stats = solver.statistics()
        for key in stats.keys():
            if key == "rlimit count":
                self.spent += int(stats.get_key_value(key))
        if answer != z3.sat:
            return answer, None
        model = solver.model()
        values = {
            v.symbol: model.eval(tr.raw[v.symbol], model_completion=True)
            for v in self.statement.variables
        }
        return answer, values

    def counterexample(self, box: Box, values: dict[sp.Symbol, Any]) -> dict[sp.Symbol, sp.Rational] | None:
        from boundprop.interval import refutes

        options = {s: _candidates(v) for s, v in values.items()}
        depth = max((len(o) for o in options.values()), default=1)
        for k in range(min(depth, 6)):
            point = {}
            for s, o in options.items():
                lo, hi = box[s]
                value = o[min(k, len(o) - 1)]
                if lo.is_finite and value < lo:
                    value = sp.Rational(lo)
                if hi.is_finite and value > hi:
                    value = sp.Rational(hi)
                point[s] = value
            try:
                if refutes(self.statement, point):
                    return point
            except Exception:  # noqa: S112 - an unverifiable point is no counterexample
                continue
        return None

    def run(self) -> CheckResult:
        box: Box = {v.symbol: (v.lo, v.hi) for v in self.statement.variables}
        # links then pairs mode (see _Relaxation.monotone_links, pair_axioms)
        # are tried once per box after its plain relaxation at level 0
        use_pairs = 2 <= len(self.exp_args) <= PAIR_LIMIT
        use_links = 1 <= len(self.exp_args) <= PAIR_LIMIT
        # the last item: the exp-variable modes still worth a query on this box
        # and its sub-boxes. Pairs mode, once out of resources (z3 unknown, not
        # sat) on a box, is not retried below it: its relaxation has no
        # one-sided bounds, so a smaller box rarely helps it, and retrying it
        # cost open nodes 20-40 s of check. Links mode does profit from
        # smaller boxes (L-UNI at n = 3): retried until it has run out of
        # resources LINK_MISS_LIMIT times in this call
        fresh_modes = frozenset(m for m, ok in ((LINKS, use_links), (PAIRS, use_pairs)) if ok)
        stack: list[tuple[Box, int, int, int, frozenset[int]]] = [
            (box, 0, PLAIN, g, fresh_modes) for g in reversed(range(len(self.goals)))
        ]
        link_misses = 0
        limit = min(self.budget.max_boxes, MAX_SUBPROBLEMS)
        why = ""
        while stack:
            if self.queries >= limit:
                why = f"sub-problem limit of {limit} reached"
                break
            if self.spent >= self.budget.z3_rlimit:
                why = f"z3 resource limit of {self.budget.z3_rlimit} reached (rlimit)"
                break
            if self.seconds_left() <= 0:
                why = f"stopped by the {TIME_CAP} of {self.budget.seconds:g} s (not reproducible)"
                break
            current, level, mode, goal, modes = stack.pop()
            answer, values = self.query(current, level, mode, goal)
            if answer == z3.unsat:
                self.closed += 1
                continue
            if answer == z3.sat and values is not None:
                point = self.counterexample(current, values)
                if point is not None:
                    return self.result(
                        Status.REFUTED,
                        "metitarski: model of the relaxed negation, re-verified exactly",
                        counterexample=format_counterexample(self.statement, point),
                    )
            if mode == PAIRS and answer == z3.unknown:
                modes = modes - {PAIRS}
            if mode == LINKS and answer == z3.unknown:
                link_misses += 1
            if mode == PLAIN and level == 0 and LINKS in modes and link_misses < LINK_MISS_LIMIT:
                stack.append((current, level, LINKS, goal, modes))
                continue
            if mode in (PLAIN, LINKS) and level == 0 and PAIRS in modes:
                stack.append((current, level, PAIRS, goal, modes))
                continue
            if answer == z3.sat and values is not None and level < MAX_LEVEL:
                stack.append((current, level + 1, PLAIN, goal, modes))
                continue
            halves = _split(current, self.split_symbols)
            if halves is None:
                why = "a sub-problem stayed open and cannot be split"
                break
            stack.extend((h, max(0, level - 1), PLAIN, goal, modes) for h in reversed(halves))
        else:
            return self.result(
                Status.PROVED,
                f"metitarski: {self.closed} sub-problem(s) unsat under certified bounds "
                f"({', '.join(sorted(self.used)) or 'exact algebraic encodings'}); "
                f"z3 rlimit {self.spent}",
            )
        return self.result(
            Status.UNKNOWN,
            f"metitarski: {why} ({self.closed} sub-problem(s) closed, z3 rlimit {self.spent})",
        )

    def result(self, status: Status, evidence: str, **kw: Any) -> CheckResult:
        return CheckResult(
            status, METHOD, evidence, seconds=time.monotonic() - self.start,
            details={"rlimit": self.spent, "queries": self.queries, "closed": self.closed,
                     "families": sorted(self.used)},
            **kw,
        )


def _decide_here(statement: Statement, budget: Budget) -> CheckResult:
    return _Search(statement, budget).run()


def decide(statement: Statement, budget: Budget) -> CheckResult:
    """Decide ``statement`` by certified bounds and z3, or return UNKNOWN.

    Raises
    ------
    UnsupportedError
        For statements without exp/log/fractional powers (z3's shape), with
        integer variables or matrices, or with functions that have no bound
        family here (sin, cos, ...).

    Examples
    --------
    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", "-oo", "oo")
    >>> decide(Statement((x,), (), sp.exp(x.symbol) >= 1 + x.symbol), Budget(seconds=20)).status
    <Status.PROVED: 'proved'>
    """
    reason = unsupported_reason(statement)
    if reason is not None:
        raise UnsupportedError(reason)
    return decide_forked(_decide_here, statement, budget, METHOD)
