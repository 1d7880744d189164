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

Every formula is read from the papers' encodings, none is retyped here: the bounds of R1,
R2, Theorem 5.3 and their baselines from ``lemmas/alman_song_2025.toml`` (the nodes and their
``baselines``), B and its threshold from the regime ``fast-attention`` of
``lemmas/alman_song_2025.regimes.toml``, Dong's base from the definition ``cH`` of
``lemmas/dong_2021.toml``; this module holds only the assumptions that connect them. The
Dong map is :func:`boundprop.regimes.build_problem` over Dong's Theorem 2.2 with the regime
``base<1`` of ``lemmas/dong_2021.regimes.toml``. Nothing here prints.
"""

from __future__ import annotations

import io
import math
import re
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import sympy as sp

from boundprop.encode import param_symbol
from boundprop.errors import InputError
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
    "DONG_THEOREM",
    "DONG_DEFAULT_AXES",
    "DONG_DEFAULT_FIX",
    "dong_problem",
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
    fast: Any  # the fast-attention condition on fast_b
    sources: tuple[str, ...]
    notes: tuple[str, ...]


def _n2_eta(a: Assumptions) -> int:
    """The factor of ||W||_N2 <= factor * ||W||_N1 over the weights (d x k and d x d)."""
    # the proved inequality the factor rests on: ||A||_N2 <= (columns of A) ||A||_N1
    return max(a.d, a.k)


def _values(a: Assumptions) -> dict[str, Any]:
    """Alman-Song's parameters at the assumptions (the comparison's axes stay symbols)."""
    return {
        "eta": ETA, "H": H, "L": L, "phi0": sp.Rational(a.phi0), "d": sp.Integer(a.d), "k": sp.Integer(a.k),
        "n": sp.Integer(a.n), "beta": 1 / sp.sqrt(sp.Integer(a.k)), "c": sp.Rational(a.c_fast),
    }


def _alman_song(a: Assumptions) -> tuple[dict[str, Any], list[str]]:
    """R1, R2, Theorem 5.3 and their baselines from the lemma file, with the assumptions substituted."""
    from boundprop.loader import load_paper
    from boundprop.propagate import theorem_bound

    paper = load_paper("alman-song-2025")
    values = _values(a)
    # N2 statements take their hypotheses through the conversion from entrywise bounds
    values_n2 = values | {"eta": _n2_eta(a) * ETA, "phi0": sp.Integer(a.d) * sp.Rational(a.phi0)}
    sources: list[str] = []
    out: dict[str, Any] = {"baselines": {}, "norms": {}}
    for theorem in _THEOREMS:
        node = paper.nodes.get(theorem)
        if node is None:
            raise InputError(f"compare needs the node {theorem!r} of {paper.source}")
        where = paper.where(node.line)
        norm = norm_of_variant(node.variant)
        if norm not in (Norm.N1, Norm.N2):
            raise InputError(f"{theorem} names no norm N1 or N2 in its variant", where)
        _, bound = theorem_bound(paper, node)
        bounds = [bound]
        typed = []
        for bid in node.baselines:
            bnorm = norm_of_variant(paper.nodes[bid].variant)
            require_same_norm(theorem, norm, f"baseline {bid!r}", bnorm, where)
            bounds.append(theorem_bound(paper, paper.nodes[bid])[1])
            typed.append((bid, bnorm.value if bnorm else ""))
        subbed = [_substitute(b, values_n2 if norm is Norm.N2 else values) for b in bounds]
        _require_fixed(subbed, theorem, where)
        out[theorem] = subbed[0]
        out["baselines"][theorem] = tuple(subbed[1:])
        out["norms"][theorem] = (norm.value, tuple(typed))
        sources.append(
            f"{theorem}: {paper.source.name} node {theorem!r}, baselines {', '.join(node.baselines) or 'none'}"
        )
    return out, sources


def _fast_attention(a: Assumptions) -> tuple[sp.Expr, Any]:
    """B and its condition, from the regime ``fast-attention`` of the Alman-Song annotation
    file: the N1 bound on the entries, scaled by sqrt(beta) (the queries' and keys' logit
    factor, an assumption of the comparison)."""
    from boundprop.encode import Namespace
    from boundprop.loader import load_paper
    from boundprop.propagate import load_annotations

    paper = load_paper("alman-song-2025")
    ann = load_annotations(paper)
    regime = ann.regimes.get("fast-attention")
    if regime is None:
        raise InputError(f"compare needs the regime 'fast-attention' of {ann.source or paper.source}")
    space, where = Namespace(paper), str(ann.source)
    extra = {name: param_symbol(p) for name, p in ann.extra_params.items()}
    values = _values(a)
    fast_b = _substitute(sp.sqrt(values["beta"]) * space.parse(regime.bound_for("N1"), where, extra), values)
    holds = _substitute(space.parse(regime.holds, where, {**extra, regime.quantity: fast_b}), values)
    _require_fixed([fast_b, holds], "fast-attention", where)
    return fast_b, holds


def _dong_base(a: Assumptions) -> sp.Expr:
    """Dong's base ``cH`` (lemmas/dong_2021.toml) with beta_D = k d^2 eta^3 and d_qk = k."""
    from boundprop.encode import Namespace
    from boundprop.loader import load_paper

    paper = load_paper("dong-2021")
    d, k = sp.Integer(a.d), sp.Integer(a.k)
    base = Namespace(paper).parse("cH", str(paper.source))
    values = {"beta": k * d**2 * ETA**3, "gamma": sp.Rational(a.gamma), "H": H, "dqk": k}
    out = _substitute(base, values)
    _require_fixed([out], "Dong's base cH", str(paper.source))
    return out


def _require_fixed(exprs: Sequence[Any], what: str, where: str) -> None:
    """Every symbol but eta, H, L is fixed by the assumptions (a Sum's index aside)."""
    free = set().union(*(sp.sympify(e).free_symbols for e in exprs)) - {ETA, H, L}
    free = {s for s in free if not _bound_index(s, exprs)}
    if free:
        raise InputError(f"{what} mentions {', '.join(sorted(map(str, free)))}, which the comparison does not fix",
                         where)


def _bound_index(symbol: sp.Symbol, exprs: Sequence[Any]) -> bool:
    """True if ``symbol`` only occurs as the index of a Sum."""
    for e in exprs:
        for s in sp.sympify(e).atoms(sp.Sum):
            if symbol in {lim[0] for lim in s.limits}:
                return True
    return False


def _substitute(expr: Any, values: Mapping[str, Any]) -> Any:
    expr = sp.sympify(expr)
    mapping = {s: values[s.name] for s in expr.free_symbols if s.name in values}
    return expr.xreplace(mapping)


_THEOREMS = ("R1", "R2", "Theorem 5.3")


def _formulas(a: Assumptions) -> _Formulas:
    sources = [
        "Dong: base c_H = 4 gamma beta H / sqrt(d_qk) (lemmas/dong_2021.toml def cH; "
        "criterion of node D-collapse-corrected)",
    ]
    alman, as_sources = _alman_song(a)
    sources += as_sources
    fast_b, fast = _fast_attention(a)
    sources.append("fast attention: B = sqrt(beta) d eta phi1_(L-1) <= c sqrt(log n) (papers.md 1.2)")
    return _Formulas(
        dong_base=_dong_base(a),
        r1=alman["R1"],
        r2=alman["R2"],
        t53=alman["Theorem 5.3"],
        baselines=alman["baselines"],
        norms=alman["norms"],
        fast_b=fast_b,
        fast=fast,
        sources=tuple(sources),
        notes=(),
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
        fast = _at_depth(f.fast, depth)
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
                        fast=truth(fast, box),
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
    from boundprop.loader import load_paper
    from boundprop.propagate import load_annotations
    from boundprop.regimes import build_problem, parse_axis, parse_fix

    paper = load_paper("dong-2021")
    if theorem not in paper.nodes:
        raise InputError(f"{theorem!r} is not a node of dong-2021")
    node = paper.nodes[theorem]
    mapped, inlined = _inline_definitions(paper, node)
    problem = build_problem(
        mapped, theorem, [parse_axis(a, paper) for a in axes], dict(parse_fix(f, paper) for f in fix),
        ["base<1"], load_annotations(paper), ancestors=False, vacuity=False,
    )
    return replace(problem, label=f"{node.label} ({node.variant})",
                   dropped=tuple(f"{node.id}: {text} substituted into the bound" for text in inlined))


_DEFINING = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^=].*)$")


def _inline_definitions(paper: Any, node: Any) -> tuple[Any, list[str]]:
    """The paper with ``node``'s defining hypotheses (``c = cH``: a name for an expression,
    so that its proof's induction is an exact identity) substituted into its conclusion, name
    by name at the token level; and those hypotheses' texts. A map is then over the
    paper's own parameters rather than over the name."""
    kept: list[str] = []
    inlined: list[str] = []
    conclusion = node.conclusion
    for text in node.hypotheses:
        match = _DEFINING.match(text)
        if match is None:
            kept.append(text)
            continue
        name, expr = match.group(1), match.group(2).strip()
        tokens = tokenize.generate_tokens(io.StringIO(conclusion).readline)
        conclusion = tokenize.untokenize(
            (tok.type, f"({expr})" if tok.type == tokenize.NAME and tok.string == name else tok.string)
            for tok in tokens
        ).strip()
        inlined.append(text)
    nodes = {**paper.nodes, node.id: replace(node, hypotheses=tuple(kept), conclusion=conclusion)}
    return replace(paper, nodes=nodes), inlined
