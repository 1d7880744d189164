"""Which collapse results apply where: Dong et al. 2021 against Alman & Song 2025.

For one grid of (η, H, L) this module decides, rigorously at each exact grid point
(interval arithmetic, three-valued), three questions:

``rank collapse`` (Dong et al. 2021, Theorem 2.2 with H heads)
    the doubly exponential bound shrinks to 0: c_H r0² < 1 with the base
    c_H = 4γβ_D H/√d_qk (papers.md §2; the summary's "base < 1" is the same test at
    r0 = 1, see the node ``D-collapse-corrected`` of ``lemmas/dong_2021.toml``).
``layer collapse`` (Alman & Song 2025, R1, R2 and Theorem 5.3)
    the bound of R1 (N2), R2 (N1) or Theorem 5.3 (N2) is strictly below every baseline the
    lemma file names for it (the zero-layer network and the trivial bound, in the theorem's
    norm): it is informative.
``fast attention`` (Alman & Song 2023, as the regime of papers.md §1.2)
    the entries of the scaled queries and keys at the last layer are bounded by
    B = √β·d·η·φ⁽¹⁾_{L−1} (N1 growth φ⁽¹⁾_ℓ = φ0(1+Hdη)^ℓ), and B ≤ c·√(log n).

The two papers parameterise weights differently, so the comparison rests on explicit
assumptions (:class:`Assumptions`, listed in every output): Alman–Song weights have entries
at most η (N1). The N2 theorems (R1, Theorem 5.3) get their hypotheses through the proved
conversion ‖A‖_N2 ≤ (columns)·‖A‖_N1 (boundprop.norms, node ``NORM-N2-N1``): η_N2 = max(d, k)·η
and φ0_N2 = d·φ0, and their err and baselines are then all in N2. Dong's Theorem 2.2 is about
attention without skip connections, Alman–Song's about residual networks: the map puts
results about two architectures side by side, which every output says. Then
‖W_Q W_Kᵀ‖₁ ≤ d·k·η² and ‖W_V‖_{1,∞} ≤ d·η, so Dong's β_D = k·d²·η³;
Alman–Song's logit factor is β = 1/√k with d_qk = k (Dong's 1/√d_qk scaling); γ and r0 are
given numbers (γ is not defined by the summary).

The bounds of R1, R2, Theorem 5.3 and their baselines are read from
``lemmas/alman_song_2025.toml`` (the nodes and their ``baselines``); if that file or a node is missing, the
formulas of papers.md §1.3 are used and a note says so. Nothing here prints.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy as sp

from boundprop.errors import BoundpropError, InputError
from boundprop.interval import truth
from boundprop.norms import Norm, norm_of_variant, require_same_norm
from boundprop.verdict import Tri

__all__ = [
    "Assumptions",
    "Verdicts",
    "Comparison",
    "compare",
    "comparison_json",
    "category",
    "CATEGORY_LABELS",
    "plot_comparison",
]

ETA, H, L = sp.Symbol("eta", real=True), sp.Symbol("H", integer=True), sp.Symbol("L", integer=True)


@dataclass(frozen=True, slots=True)
class Assumptions:
    """The fixed parameters and the mapping between the papers' settings.

    Attributes
    ----------
    n, d, k : int
        Tokens, width, query/key width (d_qk = k).
    phi0 : Fraction
        Bound on the input (N1 entries and N2 rows alike, as in Alman–Song's R1/R2).
    gamma : Fraction
        Dong et al.'s constant γ (not defined by the summary; an assumption).
    r0 : Fraction
        ‖res(X)‖_{1,∞} of the input (Dong et al.).
    c_fast : Fraction
        The constant of the fast-attention threshold B ≤ c·√(log n).
    """

    n: int = 1024
    d: int = 4
    k: int = 4
    phi0: Fraction = Fraction(1)
    gamma: Fraction = Fraction(1)
    r0: Fraction = Fraction(1)
    c_fast: Fraction = Fraction(1)

    def lines(self) -> list[str]:
        """The assumptions in plain words, for every output."""
        return [
            f"Alman-Song weights: every entry |W_ij| <= eta (N1); input bound phi0 = {self.phi0}; "
            f"n = {self.n}, d = {self.d}, k = d_qk = {self.k}",
            f"Dong beta_D = ||W_QK||_1 ||W_V||_{{1,inf}} <= (d k eta^2)(d eta) = k d^2 eta^3 = "
            f"{self.k * self.d**2} eta^3",
            f"logit scale: Alman-Song beta = 1/sqrt(k) (Dong's 1/sqrt(d_qk)); gamma = {self.gamma} "
            f"(Dong's constant, assumed); r0 = ||res(X)||_{{1,inf}} = {self.r0}",
            "rank collapse (Dong): the bound of Theorem 2.2 shrinks to 0, i.e. c_H r0^2 < 1 with "
            "c_H = 4 gamma beta_D H / sqrt(d_qk) (= 'base < 1' when r0 = 1)",
            "layer collapse (Alman-Song): the bound of R1 (N2), R2 (N1) or Theorem 5.3 (N2) is strictly "
            "below all of its baselines in the same norm (zero-layer network, trivial bound)",
            f"norms: the N2 theorems R1 and Theorem 5.3 take eta_N2 = max(d, k) eta = {max(self.d, self.k)} eta "
            f"and phi0_N2 = d phi0 = {self.d * self.phi0} (||A||_N2 <= columns * ||A||_N1, node NORM-N2-N1); "
            "R2 and its baselines are in N1",
            "architectures: Dong's Theorem 2.2 is for attention without skip connections, Alman-Song's "
            "R1, R2, Theorem 5.3 for residual networks; the map sets the two side by side",
            f"fast attention (Alman-Song 2023): B = sqrt(beta) d eta phi0 (1 + H d eta)^(L-1) <= "
            f"c sqrt(log n) with c = {self.c_fast} (the asymptotic o(sqrt(log n)) read as a constant "
            "threshold)",
        ]


@dataclass(frozen=True, slots=True)
class Verdicts:
    """What holds at one grid point (three-valued, rigorous at the exact point)."""

    eta: Fraction
    heads: int
    depth: int
    dong_base: float
    rank_collapse: Tri
    r1: Tri
    r2: Tri
    t53: Tri
    fast: Tri
    r1_bound: float
    r2_bound: float
    baseline: float
    fast_b: float

    @property
    def layer_collapse(self) -> Tri:
        """R1, R2 or Theorem 5.3 informative."""
        return self.r1.or_(self.r2).or_(self.t53)


@dataclass(frozen=True, slots=True)
class Comparison:
    """The grid of :class:`Verdicts` with the assumptions and sources used."""

    assumptions: Assumptions
    points: tuple[Verdicts, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    # theorem id -> (its norm, ((baseline id, baseline norm), ...)); "" untyped
    norms: Mapping[str, tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# the formulas


@dataclass(frozen=True, slots=True)
class _Formulas:
    """Every quantity as a sympy expression in (eta, H, L), assumptions substituted."""

    dong_base: sp.Expr
    r1: sp.Expr
    r2: sp.Expr  # may contain a Sum over the layer index: expanded per depth
    t53: sp.Expr
    baselines: Mapping[str, tuple[sp.Expr, ...]]  # theorem -> baseline bounds
    norms: Mapping[str, tuple[str, tuple[tuple[str, str], ...]]]  # as Comparison.norms
    fast_b: sp.Expr
    fast_threshold: sp.Expr
    sources: tuple[str, ...]
    notes: tuple[str, ...]


def _fallback_bounds(a: Assumptions) -> dict[str, Any]:
    """papers.md §1.3, used when the Alman–Song lemma file lacks a node."""
    phi0, d, k = sp.Rational(a.phi0), sp.Integer(a.d), sp.Integer(a.k)
    beta = 1 / sp.sqrt(k)
    j = sp.Symbol("j", integer=True)
    phi1 = phi0 * (1 + H * d * ETA) ** j
    theta = beta * k * d**2 * ETA**2 * phi1**2
    r2 = sp.Sum((1 + H * d * ETA) ** (L - 1 - j) * H * d * ETA * (sp.exp(2 * theta) - 1) * phi1, (j, 0, L - 1))
    # N2 theorems and baselines at the converted hypotheses (see the module docstring)
    eta2, phi2 = _n2_eta(a) * ETA, d * phi0
    zero2 = ((1 + H * eta2) ** L - 1) * phi2
    trivial2 = 2 * phi2 * (1 + H * eta2) ** L
    zero1 = ((1 + H * d * ETA) ** L - 1) * phi0
    trivial1 = 2 * phi0 * (1 + H * d * ETA) ** L
    return {
        "R1": 2 * L * H * eta2 * phi2 * (1 + H * eta2) ** (L - 1),
        "R2": r2,
        "Theorem 5.3": 2 * phi2 * ((1 + H * eta2) ** L - 1),
        "baselines": {"R1": (zero2, trivial2), "R2": (zero1, trivial1), "Theorem 5.3": (zero2, trivial2)},
        "norms": {
            "R1": ("N2", (("B-zero-layer", "N2"), ("B-trivial", "N2"))),
            "R2": ("N1", (("B-zero-layer-N1", "N1"), ("B-trivial-N1", "N1"))),
            "Theorem 5.3": ("N2", (("B-zero-layer", "N2"), ("B-trivial", "N2"))),
        },
    }


def _n2_eta(a: Assumptions) -> int:
    """The factor of ||W||_N2 <= factor * ||W||_N1 over the weights (d x k and d x d)."""
    # the proved inequality the factor rests on: ||A||_N2 <= (columns of A) ||A||_N1
    return max(a.d, a.k)


def _alman_song(a: Assumptions) -> tuple[dict[str, Any], list[str], list[str]]:
    """R1, R2 and their baselines from the lemma file, with the assumptions substituted."""
    fallback = _fallback_bounds(a)
    sources: list[str] = []
    notes: list[str] = []
    try:
        from boundprop.loader import load_paper
        from boundprop.propagate import theorem_bound

        paper = load_paper("alman-song-2025")
    except BoundpropError as exc:
        notes.append(f"Alman-Song lemma file not usable ({exc}); using the formulas of papers.md 1.3")
        return (
            {t: fallback[t] for t in ("R1", "R2", "Theorem 5.3")} | {"baselines": {}, "norms": {}},
            sources,
            notes,
        )
    values = {
        "eta": ETA,
        "H": H,
        "L": L,
        "phi0": sp.Rational(a.phi0),
        "d": sp.Integer(a.d),
        "k": sp.Integer(a.k),
        "n": sp.Integer(a.n),
        "beta": 1 / sp.sqrt(sp.Integer(a.k)),
    }
    # N2 statements take their hypotheses through the conversion from entrywise bounds
    values_n2 = values | {"eta": _n2_eta(a) * ETA, "phi0": sp.Integer(a.d) * sp.Rational(a.phi0)}
    out: dict[str, Any] = {"baselines": {}, "norms": {}}
    for theorem in ("R1", "R2", "Theorem 5.3"):
        node = paper.nodes.get(theorem)
        if node is None:
            out[theorem] = fallback[theorem]
            notes.append(f"{theorem} not in the Alman-Song lemma file; using papers.md 1.3")
            continue
        norm = norm_of_variant(node.variant)
        try:
            _, bound = theorem_bound(paper, node)
            bounds = [bound]
            typed = []
            for bid in node.baselines:
                bnorm = norm_of_variant(paper.nodes[bid].variant)
                require_same_norm(theorem, norm, f"baseline {bid!r}", bnorm, paper.where(node.line))
                bounds.append(theorem_bound(paper, paper.nodes[bid])[1])
                typed.append((bid, bnorm.value if bnorm else ""))
        except BoundpropError as exc:
            out[theorem] = fallback[theorem]
            notes.append(f"{theorem}: {exc}; using papers.md 1.3")
            continue
        if norm not in (Norm.N1, Norm.N2):
            out[theorem] = fallback[theorem]
            notes.append(f"{theorem} names no norm N1 or N2 in its variant; using papers.md 1.3")
            continue
        point = values_n2 if norm is Norm.N2 else values
        subbed = [_substitute(b, point) for b in bounds]
        free = set().union(*(s.free_symbols for s in subbed)) - {ETA, H, L}
        free = {s for s in free if not _bound_index(s, subbed)}
        if free:
            out[theorem] = fallback[theorem]
            notes.append(
                f"{theorem} mentions {', '.join(sorted(map(str, free)))}, which the comparison does not "
                "fix; using papers.md 1.3"
            )
            continue
        out[theorem] = subbed[0]
        out["baselines"][theorem] = tuple(subbed[1:])
        out["norms"][theorem] = (norm.value, tuple(typed))
        sources.append(
            f"{theorem}: {paper.source.name} node {theorem!r}, baselines {', '.join(node.baselines) or 'none'}"
        )
    return out, sources, notes


def _bound_index(symbol: sp.Symbol, exprs: Sequence[sp.Expr]) -> bool:
    """True if ``symbol`` only occurs as the index of a Sum."""
    for e in exprs:
        for s in e.atoms(sp.Sum):
            if symbol in {lim[0] for lim in s.limits}:
                return True
    return False


def _substitute(expr: sp.Expr, values: Mapping[str, Any]) -> sp.Expr:
    mapping = {s: values[s.name] for s in expr.free_symbols if s.name in values}
    return sp.sympify(expr).xreplace(mapping)


def _formulas(a: Assumptions) -> _Formulas:
    d, k = sp.Integer(a.d), sp.Integer(a.k)
    beta_dong = k * d**2 * ETA**3
    dong_base = 4 * sp.Rational(a.gamma) * beta_dong * H / sp.sqrt(k)
    sources = [
        "Dong: base c_H = 4 gamma beta H / sqrt(d_qk) (lemmas/dong_2021.toml def cH; "
        "criterion of node D-collapse-corrected)",
    ]
    alman, as_sources, notes = _alman_song(a)
    sources += as_sources
    fallback = _fallback_bounds(a)
    theorems = ("R1", "R2", "Theorem 5.3")
    baselines = {t: alman["baselines"].get(t, fallback["baselines"][t]) for t in theorems}
    norms = {t: alman["norms"].get(t, fallback["norms"][t]) for t in theorems}
    beta = 1 / sp.sqrt(k)
    fast_b = sp.sqrt(beta) * d * ETA * sp.Rational(a.phi0) * (1 + H * d * ETA) ** (L - 1)
    threshold = sp.Rational(a.c_fast) * sp.sqrt(sp.log(sp.Integer(a.n)))
    sources.append("fast attention: B = sqrt(beta) d eta phi1_(L-1) <= c sqrt(log n) (papers.md 1.2)")
    return _Formulas(
        dong_base=dong_base,
        r1=alman["R1"],
        r2=alman["R2"],
        t53=alman["Theorem 5.3"],
        baselines=baselines,
        norms=norms,
        fast_b=fast_b,
        fast_threshold=threshold,
        sources=tuple(sources),
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------------
# deciding at points


def _point(eta: Fraction, heads: int, depth: int) -> dict[sp.Symbol, tuple[sp.Expr, sp.Expr]]:
    e = sp.Rational(eta.numerator, eta.denominator)
    return {ETA: (e, e), H: (sp.Integer(heads), sp.Integer(heads)), L: (sp.Integer(depth), sp.Integer(depth))}


def _at_depth(expr: sp.Expr, depth: int) -> sp.Expr:
    """Expand sums once the depth is known (the interval compiler needs explicit terms)."""
    out = sp.sympify(expr).xreplace({L: sp.Integer(depth)})
    return out.doit() if out.has(sp.Sum) else out


def _float(expr: sp.Expr, point: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]]) -> float:
    try:
        value = float(sp.N(sp.sympify(expr).xreplace({s: lo for s, (lo, _) in point.items()}), 8))
    except (TypeError, ValueError, OverflowError):
        return float("nan")
    return value


def _below_all(bound: sp.Expr, baselines: Sequence[sp.Expr], box: Mapping[sp.Symbol, Any]) -> Tri:
    result = Tri.TRUE
    for base in baselines:
        result = result.and_(truth(sp.StrictLessThan(bound, base), box))
    return result


def compare(
    etas: Sequence[Fraction],
    heads: Sequence[int],
    depths: Sequence[int],
    assumptions: Assumptions | None = None,
) -> Comparison:
    """Decide the three regimes at every point of the grid ``etas × heads × depths``.

    Parameters
    ----------
    etas : sequence of Fraction
        Weight bounds η (exact rationals, > 0).
    heads, depths : sequence of int
        Heads per layer H and depths L (>= 1).
    assumptions : Assumptions, optional
        Fixed parameters and the mapping between the papers (defaults: n = 1024, d = k = 4,
        φ0 = γ = r0 = c = 1).

    Returns
    -------
    Comparison
        One :class:`Verdicts` per point, with the assumptions and sources used.

    Examples
    --------
    >>> c = compare([Fraction(1, 1000)], [1], [2])
    >>> v = c.points[0]
    >>> v.rank_collapse, v.fast
    (<Tri.TRUE: 'true'>, <Tri.TRUE: 'true'>)
    """
    a = assumptions or Assumptions()
    if not etas or not heads or not depths:
        raise InputError("compare needs at least one eta, one H and one L")
    if any(e <= 0 for e in etas) or any(h < 1 for h in heads) or any(dd < 1 for dd in depths):
        raise InputError("compare needs eta > 0, H >= 1 and L >= 1")
    f = _formulas(a)
    r0sq = sp.Rational(a.r0) ** 2
    points = []
    for depth in depths:
        r1 = _at_depth(f.r1, depth)
        r2 = _at_depth(f.r2, depth)
        base1 = [_at_depth(b, depth) for b in f.baselines["R1"]]
        base2 = [_at_depth(b, depth) for b in f.baselines["R2"]]
        t53 = _at_depth(f.t53, depth)
        base53 = [_at_depth(b, depth) for b in f.baselines["Theorem 5.3"]]
        fast_b = _at_depth(f.fast_b, depth)
        for h in heads:
            for eta in etas:
                box = _point(eta, h, depth)
                points.append(
                    Verdicts(
                        eta=eta,
                        heads=h,
                        depth=depth,
                        dong_base=_float(f.dong_base, box),
                        rank_collapse=truth(sp.StrictLessThan(f.dong_base * r0sq, 1), box),
                        r1=_below_all(r1, base1, box),
                        r2=_below_all(r2, base2, box),
                        t53=_below_all(t53, base53, box),
                        fast=truth(sp.LessThan(fast_b, f.fast_threshold), box),
                        r1_bound=_float(r1, box),
                        r2_bound=_float(r2, box),
                        baseline=min(_float(b, box) for b in base1) if base1 else float("nan"),
                        fast_b=_float(fast_b, box),
                    )
                )
    return Comparison(assumptions=a, points=tuple(points), sources=f.sources, notes=f.notes, norms=f.norms)


# ---------------------------------------------------------------------------
# categories, JSON and the map

CATEGORY_LABELS: dict[str, str] = {
    "all": "rank collapse + layer collapse + fast attention",
    "rank+layer": "rank collapse + layer collapse",
    "rank+fast": "rank collapse + fast attention",
    "layer+fast": "layer collapse + fast attention",
    "rank": "rank collapse only",
    "layer": "layer collapse only",
    "fast": "fast attention only",
    "none": "none of the three",
    "undetermined": "undetermined at this point",
}


def category(v: Verdicts) -> str:
    """The combination of regimes that hold at a point (or ``undetermined``).

    Examples
    --------
    >>> category(compare([Fraction(1, 1000)], [1], [2]).points[0])
    'all'
    """
    tris = (v.rank_collapse, v.layer_collapse, v.fast)
    if any(t is Tri.UNDECIDED for t in tris):
        return "undetermined"
    names = [n for n, t in zip(("rank", "layer", "fast"), tris, strict=True) if t is Tri.TRUE]
    if len(names) == 3:
        return "all"
    return "+".join(names) if names else "none"


def _num(x: float) -> float | str:
    return x if math.isfinite(x) else str(x)


def comparison_json(c: Comparison) -> dict[str, Any]:
    """A JSON-ready dict: assumptions, sources, notes and one record per grid point."""
    return {
        "assumptions": c.assumptions.lines(),
        "sources": list(c.sources),
        "notes": list(c.notes),
        "theorems": [
            {
                "id": theorem,
                "norm": norm or None,
                "architecture": "residual (skip connections)",
                "baselines": [{"id": bid, "norm": bnorm or None} for bid, bnorm in typed],
            }
            for theorem, (norm, typed) in c.norms.items()
        ]
        + [{"id": "Dong Theorem 2.2", "norm": "composite ||res(X)||_{1,inf}",
            "architecture": "attention only (no skip connections)", "baselines": []}],
        "points": [
            {
                "eta": str(v.eta),
                "H": v.heads,
                "L": v.depth,
                "dong_base": _num(v.dong_base),
                "rank_collapse": v.rank_collapse.value,
                "layer_collapse_R1": v.r1.value,
                "layer_collapse_R2": v.r2.value,
                "layer_collapse_Theorem_5.3": v.t53.value,
                "layer_collapse": v.layer_collapse.value,
                "fast_attention": v.fast.value,
                "R1_bound": _num(v.r1_bound),
                "R2_bound": _num(v.r2_bound),
                "smallest_R1_baseline": _num(v.baseline),
                "fast_B": _num(v.fast_b),
                "category": category(v),
            }
            for v in c.points
        ],
    }


_COLOURS = {
    "all": "#1b9e77",
    "rank+layer": "#66a61e",
    "rank+fast": "#7570b3",
    "layer+fast": "#e6ab02",
    "rank": "#a6cee3",
    "layer": "#fdbf6f",
    "fast": "#cab2d6",
    "none": "#d95f02",
    "undetermined": "#bdbdbd",
}


def plot_comparison(c: Comparison, path: str | Path) -> Path:
    """Draw the map: one panel per H, η (log) across, L up, colour = the regimes that hold.

    Uses matplotlib's Agg backend; returns the path written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    heads = sorted({v.heads for v in c.points})
    etas = sorted({v.eta for v in c.points})
    depths = sorted({v.depth for v in c.points})
    order = list(_COLOURS)
    cmap = ListedColormap([_COLOURS[k] for k in order])
    fig, axes = plt.subplots(1, len(heads), figsize=(4.2 * len(heads) + 1.5, 4.2), squeeze=False)
    grid_x = [float(e) for e in etas]
    for ax, h in zip(axes[0], heads, strict=True):
        cells = {(v.eta, v.depth): order.index(category(v)) for v in c.points if v.heads == h}
        z = [[cells[(e, dd)] for e in etas] for dd in depths]
        ax.pcolormesh(
            _edges(grid_x, log=True), _edges([float(dd) for dd in depths], log=False), z,
            cmap=cmap, vmin=-0.5, vmax=len(order) - 0.5, shading="flat",
        )
        ax.set_xscale("log")
        ax.set_xlabel(r"$\eta$ (weight entry bound)")
        ax.set_ylabel(r"$L$ (layers)")
        ax.set_title(f"H = {h}")
    present = sorted({category(v) for v in c.points}, key=order.index)
    fig.legend(
        handles=[Patch(color=_COLOURS[k], label=CATEGORY_LABELS[k]) for k in present],
        loc="lower center", ncol=min(3, len(present)), fontsize=8, frameon=False,
    )
    a = c.assumptions
    fig.suptitle(
        f"Dong 2021 vs Alman-Song 2025 (n={a.n}, d=k={a.d}/{a.k}, phi0={a.phi0}, gamma={a.gamma}, "
        f"r0={a.r0}, c={a.c_fast})",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0.12, 1, 0.95))
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def _edges(centres: Sequence[float], log: bool) -> list[float]:
    """Cell edges around grid centres (geometric midpoints on a log axis)."""
    if len(centres) == 1:
        x = centres[0]
        return [x / 2, x * 2] if log else [x - 0.5, x + 0.5]
    mids = []
    for lo, hi in zip(centres, centres[1:], strict=False):
        mids.append(math.sqrt(lo * hi) if log else (lo + hi) / 2)
    first = centres[0] ** 2 / mids[0] if log else 2 * centres[0] - mids[0]
    last = centres[-1] ** 2 / mids[-1] if log else 2 * centres[-1] - mids[-1]
    return [first, *mids, last]


# ---------------------------------------------------------------------------
# the regime map of Dong et al.'s Theorem 2.2 (paved by boundprop.regimes)

DONG_THEOREM = "Theorem 2.2 (H heads)"
DONG_DEFAULT_AXES = ("beta=1/100:10:log", "L=1:6")
DONG_DEFAULT_FIX = ("gamma=1", "H=4", "dqk=64", "r0=1")


def dong_problem(
    axes: Sequence[str] = DONG_DEFAULT_AXES,
    fix: Sequence[str] = DONG_DEFAULT_FIX,
    theorem: str = DONG_THEOREM,
) -> Any:
    """The regime question for Dong et al.'s Theorem 2.2 as a :class:`boundprop.regimes.Problem`.

    The theorem names its base by a hypothesis ``c = cH`` (so that its proof's induction is an
    exact identity); here ``c`` is replaced by its definition, so the map is over the paper's
    own parameters (β, γ, H, d_qk, L, r0). Classes: *informative* where the bound is strictly
    below the reference level r0 (node ``D-ref``: the bound certifies contraction), *vacuous*
    where it is not; the declared regime ``base<1`` overlays the summary's criterion
    4γβH/√d_qk < 1.

    Parameters
    ----------
    axes : sequence of str
        ``NAME=LO:HI[:log]`` for each free parameter of the map.
    fix : sequence of str
        ``NAME=VALUE`` for the others (all of β, γ, H, d_qk, L, r0 must be given).
    theorem : str
        The node of ``lemmas/dong_2021.toml`` to map.

    Returns
    -------
    boundprop.regimes.Problem
        Ready for :func:`boundprop.regimes.pave`.

    Examples
    --------
    >>> from boundprop.regimes import pave
    >>> rmap = pave(dong_problem(fix=("gamma=1", "H=4", "dqk=64", "r0=2")), depth=6)
    >>> rmap.combined_fractions()["regime-only"] > 0.1  # base < 1, yet the bound is vacuous
    True
    """
    from boundprop.encode import Namespace, relations
    from boundprop.loader import load_paper
    from boundprop.propagate import theorem_bound
    from boundprop.regimes import Baseline, Premise, Problem, Regime, parse_axis, parse_fix

    paper = load_paper("dong-2021")
    if theorem not in paper.nodes:
        raise InputError(f"{theorem!r} is not a node of dong-2021")
    node = paper.nodes[theorem]
    space = Namespace(paper)
    where = paper.where(node.line)
    quantity, bound = theorem_bound(paper, node)
    substitution: dict[sp.Symbol, sp.Expr] = {}
    premises: list[Any] = []
    for text in node.hypotheses:
        rel = relations(space.parse(text, where), text, where)
        if isinstance(rel, sp.Equality) and isinstance(rel.lhs, sp.Symbol):
            substitution[rel.lhs] = rel.rhs  # the base named by the theorem: c = cH
        elif rel is not sp.true:
            premises.append(Premise(f"{node.id}: {text}", rel))
    bound = sp.sympify(bound).xreplace(substitution)
    parsed_axes = [parse_axis(a, paper) for a in axes]
    fixed = dict(parse_fix(f, paper) for f in fix)
    values = {sp.Symbol(n, integer=paper.params[n].integer) if paper.params[n].integer
              else sp.Symbol(n, real=True): sp.Rational(v.numerator, v.denominator) for n, v in fixed.items()}
    on_map = {a.symbol for a in parsed_axes} | set(values)
    baselines = []
    for bid in node.baselines:
        bq, bbound = theorem_bound(paper, paper.nodes[bid])
        if bq != quantity:
            raise InputError(f"baseline {bid!r} bounds {bq}, not {quantity}")
        baselines.append(Baseline(bid, sp.sympify(bbound).xreplace(values), ()))
    base = sp.sympify(space.parse("cH", where))
    regime = Regime("base<1", sp.StrictLessThan(base, 1).xreplace(values), ("base < 1", "base >= 1"),
                    "the summary's collapse criterion 4 gamma beta H / sqrt(d_qk) < 1")
    needed = bound.free_symbols | base.free_symbols | {s for p in premises for s in p.relation.free_symbols}
    missing = sorted(str(s) for s in needed if s not in on_map)
    if missing:
        raise InputError(f"{theorem}: give {', '.join(missing)} as an axis or a fixed value")
    return Problem(
        paper=paper.id,
        theorem=node.id,
        label=f"{node.label} ({node.variant})",
        axes=tuple(parsed_axes),
        fixed=fixed,
        quantity=quantity,
        bound=bound.xreplace(values),
        premises=tuple(Premise(p.label, p.relation.xreplace(values)) for p in premises),
        baselines=tuple(baselines),
        regimes=(regime,),
        dropped=(f"{node.id}: c = cH substituted into the bound",) if substitution else (),
    )
