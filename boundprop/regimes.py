"""Regime maps: where a theorem says something.

A parameter box is paved (branch and bound, SIVIA style) into cells, each
classed *rigorously* -- the class holds at every point of the cell:

``premises-fail``
    some premise (a hypothesis of the theorem, of an ancestor as instantiated
    in its proof, or a parameter's declared range) is false throughout the cell;
``vacuous``
    the premises hold throughout, and the bound is no better (``>=``) than a
    baseline throughout the cell; :attr:`Cell.baselines` names which;
``informative``
    the premises hold and the bound is strictly below every baseline
    throughout the cell;
``undetermined``
    none of the above could be established at the depth reached (the cell
    straddles a boundary, or sits on one, like η = 0 where bound and
    baseline are both 0).

Declared regimes (such as the fast-attention threshold of Alman & Song 2023,
from the paper's annotation file) are classed alongside: each cell gets the
regime's first label where its condition holds throughout, its second label
where it fails throughout, ``undetermined`` otherwise; cells are split until
every requested class is decided or the depth limit is reached.

Two backends give the same classes: ``scalar`` evaluates cell by cell on
pyinterval (correctly rounded); ``batch`` evaluates all cells of one depth
level, with their descendants a few levels down while the batch is small, in
one numpy call per test (:mod:`boundprop.interval.batched`). Both produce
three-valued codes (1 true, 0 false, -1 undecided) that one shared array
function turns into classes, and both split cells the same way.

Splitting: the axis with the largest relative width is halved (in log space,
at a geometric midpoint rounded to a float, for ``log`` axes); integer axes
are split exactly into ``[lo, m]`` and ``[m+1, hi]``, and an integer axis of
width 0 is a point. Endpoints stay exact rationals throughout; they enter
the float world rounded outward.

Nothing here prints; progress is reported through a callback.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from boundprop.encode import Namespace, citation_facts, param_symbol, relations
from boundprop.errors import BoundpropError, InputError, RangeError
from boundprop.executor import Executor
from boundprop.lemma import Node, Paper, Param
from boundprop.maps import (
    UNDETERMINED,
    Axis,
    Backend,
    Baseline,
    Cell,
    CellClass,
    Cover,
    Premise,
    Problem,
    Regime,
    RegimeMap,
    combined_class,
)
from boundprop.norms import norm_of_variant, parse_norm, require_same_norm
from boundprop.propagate import Annotations, BoundTable, LayerModel, RowFlag, find_node, load_annotations, theorem_bound
from boundprop.rangespec import parse_range, parse_value
from boundprop.statement import exact_bound
from boundprop.verdict import CheckResult, Status

__all__ = [
    "Axis",
    "Backend",
    "Cell",
    "CellClass",
    "DEFAULT_DEPTH",
    "Problem",
    "Question",
    "RegimeMap",
    "build_problem",
    "combined_class",
    "parse_axis",
    "parse_fix",
    "pave",
]

Arr = np.ndarray[Any, Any]
Progress = Callable[[int, int, int], None]  # (depth level, cells evaluated so far, cells pending)


# A sum whose length depends on integer axes is enclosed over a cell as the hull over
# every integer value of those axes in the cell, when there are at most this many.
MAX_SUM_VALUES = 64


# the bisection depth of every map (regimes, report, the API): one default, one set of numbers
DEFAULT_DEPTH = 12


# ---------------------------------------------------------------------------
# parsing the question


def _params(paper: Paper, ann: Annotations) -> dict[str, Param]:
    return {**paper.params, **ann.extra_params}


def parse_axis(spec: str, paper: Paper, annotations: Annotations | None = None,
               split: bool = True) -> Axis:
    """``NAME=LO:HI[:log]`` → :class:`Axis` (exact endpoints).

    Examples
    --------
    >>> from boundprop.loader import load_paper
    >>> a = parse_axis("x=0.1:2:log", load_paper("example"))
    >>> a.lo, a.hi, a.log
    (Fraction(1, 10), Fraction(2, 1), True)
    >>> parse_axis("L=0.5:4", load_paper("example")).lo
    Fraction(1, 1)
    """
    ann = annotations or Annotations(source=None)
    params = _params(paper, ann)
    parsed = parse_range(spec, log=True)
    name, log = parsed.name, parsed.log
    if name not in params:
        raise InputError(f"{spec!r}: {name!r} is not a parameter (known: {', '.join(params)})")
    param = params[name]
    lo_e, hi_e = (exact_bound(p, name) for p in (parsed.lo, parsed.hi))
    if not (lo_e.is_finite and hi_e.is_finite):
        raise RangeError(f"{spec!r}: the range must be finite")
    if param.integer:
        lo_e, hi_e = sp.ceiling(lo_e), sp.floor(hi_e)
    if lo_e > hi_e:
        raise RangeError(f"{spec!r}: empty or inverted range [{lo_e}, {hi_e}]")
    if log and not lo_e > 0:
        raise RangeError(f"{spec!r}: a log axis needs a positive lower end")
    lo = Fraction(int(lo_e.p), int(lo_e.q))
    hi = Fraction(int(hi_e.p), int(hi_e.q))
    return Axis(name=name, symbol=_symbol(param), lo=lo, hi=hi, integer=param.integer, log=log,
                split=split, latex=param.latex)


def parse_fix(spec: str, paper: Paper, annotations: Annotations | None = None) -> tuple[str, Fraction]:
    """``NAME=VALUE`` → (name, exact value).

    >>> from boundprop.loader import load_paper
    >>> parse_fix("x=0.25", load_paper("example"))
    ('x', Fraction(1, 4))
    """
    ann = annotations or Annotations(source=None)
    params = _params(paper, ann)
    name, value = parse_value(spec)
    if name not in params:
        raise InputError(f"{spec!r}: {name!r} is not a parameter (known: {', '.join(params)})")
    v = exact_bound(value, name)
    if not v.is_finite:
        raise RangeError(f"{spec!r}: the value must be finite")
    if params[name].integer and not v.is_Integer:
        raise RangeError(f"{spec!r}: {name} is an integer parameter")
    return name, Fraction(int(v.p), int(v.q))


def _symbol(param: Param) -> sp.Symbol:
    return param_symbol(param)


def _rel(value: Any, text: str, where: str) -> sp.Basic:
    return relations(value, text, where)


def _domain_premises(paper: Paper, ann: Annotations, node: Node, names: Iterable[str]) -> list[Premise]:
    params = _params(paper, ann)
    out = []
    for name in names:
        param = params[name]
        lo_t, hi_t = node.ranges.get(name, (param.lo, param.hi))
        s = _symbol(param)
        lo, hi = sp.sympify(lo_t), sp.sympify(hi_t)
        if lo.is_finite:
            out.append(Premise(f"range of {name}: {name} >= {lo}", sp.Ge(s, lo)))
        if hi.is_finite:
            out.append(Premise(f"range of {name}: {name} <= {hi}", sp.Le(s, hi)))
    return out


def _ancestor_premises(
    paper: Paper, node: Node, space: Namespace, allowed: set[sp.Symbol]
) -> tuple[list[Premise], list[str]]:
    """Hypotheses of the ancestors over the theorem's own parameters: those
    instantiated by the theorem's proof (citations with ``with``), then the
    verbatim hypotheses of the other ``uses`` ancestors."""
    premises: list[Premise] = []
    dropped: list[str] = []
    cited: set[str] = set()
    proof = paper.proofs.get(node.id)
    if proof is not None:
        for step in proof.steps:
            for citation in step.using:
                cited.add(citation.node)
                where = f"{proof.source}:{step.line}"
                try:
                    hyps = citation_facts(paper, citation, None, where).needed
                except BoundpropError as exc:
                    dropped.append(f"{citation.node}: not instantiable without matrix sizes ({exc.message})")
                    continue
                for hyp in hyps:
                    label = f"{citation.node} (as cited in the proof of {node.id}): {hyp}"
                    if hyp.free_symbols <= allowed:
                        premises.append(Premise(label, hyp))
                    else:
                        dropped.append(f"{label}: mentions {_names(hyp.free_symbols - allowed)}")
    seen = {node.id}
    pending = list(node.uses)
    while pending:
        nid = pending.pop()
        if nid in seen or nid not in paper.nodes:
            continue
        seen.add(nid)
        ancestor = paper.nodes[nid]
        pending.extend(ancestor.uses)
        if nid in cited:
            continue
        where = paper.where(ancestor.line)
        for text in ancestor.hypotheses:
            try:
                hyp = _rel(space.parse(text, where), text, where)
            except BoundpropError:
                dropped.append(f"{nid}: {text}: not a scalar statement")
                continue
            if hyp is sp.true:
                continue
            label = f"{nid} (ancestor): {text}"
            if hyp.free_symbols <= allowed:
                premises.append(Premise(label, hyp))
            else:
                dropped.append(f"{label}: mentions {_names(hyp.free_symbols - allowed)}")
    return premises, dropped


def _names(symbols: Iterable[sp.Symbol]) -> str:
    return ", ".join(sorted(str(s) for s in symbols))


def build_problem(
    paper: Paper,
    theorem: str,
    axes: Sequence[Axis],
    fixed: Mapping[str, Fraction],
    regimes: Sequence[str] = (),
    annotations: Annotations | None = None,
    ancestors: bool = True,
    vacuity: bool = True,
    known: Mapping[str, CheckResult] | None = None,
) -> Problem:
    """Compile the regime question for ``theorem`` over ``axes`` with ``fixed`` values.

    Every parameter the bound, the premises, the baselines or the regimes
    mention must be an axis or fixed. With ``vacuity``, the paper's vacuity
    theorems about ``theorem`` are checked (:func:`boundprop.vacuity.check_vacuity`,
    deterministic limits) and the proved ones become covers: a cell where one
    applies is classed vacuous without further splitting. ``known`` gives the
    results of an earlier check of the paper; a vacuity theorem found there is
    not checked again.

    Examples
    --------
    >>> from pathlib import Path
    >>> from boundprop.loader import load_paper
    >>> p = load_paper(Path("tests/data/toy_collapse.toml"))
    >>> axes = [parse_axis("eta=0:1", p), parse_axis("L=1:8", p)]
    >>> fix = dict(parse_fix(s, p) for s in ["H=2", "phi0=1"])
    >>> prob = build_problem(p, "R1", axes, fix)
    >>> [b.id for b in prob.baselines]
    ['B-zero-layer', 'B-trivial']
    """
    ann = annotations if annotations is not None else load_annotations(paper)
    node = find_node(paper, theorem)
    params = _params(paper, ann)
    extra_names = {name: _symbol(p) for name, p in ann.extra_params.items()}
    space = Namespace(paper)
    where = paper.where(node.line)
    quantity, bound = theorem_bound(paper, node)
    names_on_map = {a.name for a in axes} | set(fixed)
    if len({a.name for a in axes}) != len(axes):
        raise InputError("a parameter is given twice in `params`")
    for a in axes:
        if a.name in fixed:
            raise InputError(f"{a.name!r} is both in `params` and in `fix`")
    allowed = {a.symbol for a in axes} | {_symbol(params[n]) for n in fixed}

    own: list[Premise] = []
    for text in node.hypotheses:
        rel = _rel(space.parse(text, where), text, where)
        if rel is not sp.true:
            own.append(Premise(f"{node.id}: {text}", rel))

    # a baseline in another norm than the theorem's is refused (boundprop.norms)
    norm = norm_of_variant(node.variant)
    baselines: list[Baseline] = []
    for bid in node.baselines:
        bnode = paper.nodes[bid]
        bq, bbound = theorem_bound(paper, bnode)
        if bq != quantity:
            raise InputError(f"baseline {bid!r} bounds {bq}, but {node.id!r} bounds {quantity}")
        bwhere = paper.where(bnode.line)
        bnorm = norm_of_variant(bnode.variant)
        require_same_norm(node.id, norm, f"baseline {bid!r}", bnorm, where)
        hyps = tuple(h for h in (_rel(space.parse(t, bwhere), t, bwhere) for t in bnode.hypotheses)
                     if h is not sp.true)
        baselines.append(Baseline(bid, bbound, hyps, bnorm.value if bnorm else ""))
    for decl in ann.baselines:
        if decl.applies_to and node.id not in decl.applies_to:
            continue
        awhere = str(ann.source)
        dnorm = parse_norm(decl.norm, awhere) if decl.norm else None
        if dnorm is not None and norm is not None and dnorm is not norm and not decl.applies_to:
            continue  # a typed baseline for every theorem applies to those of its norm
        require_same_norm(node.id, norm, f"baseline {decl.id!r}", dnorm, awhere)
        bexpr = sp.sympify(space.parse(decl.bound, awhere, extra_names))
        hyps = tuple(h for h in (_rel(space.parse(t, awhere, extra_names), t, awhere)
                                 for t in decl.hypotheses) if h is not sp.true)
        baselines.append(Baseline(decl.id, bexpr, hyps, dnorm.value if dnorm else ""))

    regime_list: list[Regime] = []
    for rid in regimes:
        if rid not in ann.regimes:
            declared = ", ".join(ann.regimes) or "none declared"
            raise InputError(f"unknown regime {rid!r} for {paper.id} (known: {declared})")
        rdecl = ann.regimes[rid]
        rwhere = str(ann.source)
        qexpr = sp.sympify(space.parse(rdecl.bound_for(node.variant), rwhere, extra_names))
        rel = _rel(space.parse(rdecl.holds, rwhere, {**extra_names, rdecl.quantity: qexpr}),
                   rdecl.holds, rwhere)
        regime_list.append(Regime(rid, rel, rdecl.labels, rdecl.text or rdecl.source))

    # every symbol the question needs must be on the map
    needed: set[sp.Symbol] = set(bound.free_symbols)
    for pr in own:
        needed |= pr.relation.free_symbols
    for b in baselines:
        needed |= b.bound.free_symbols
        for h in b.applies:
            needed |= h.free_symbols
    for r in regime_list:
        needed |= r.relation.free_symbols
    missing = sorted(str(s) for s in needed if str(s) not in names_on_map)
    if missing:
        raise InputError(
            f"{node.id}: give {', '.join(missing)} in `params` (NAME=LO:HI) or `fix` (NAME=VALUE)"
        )
    # fixed values the question does not use are left out (they would only clutter the output)
    needed_names = {str(x) for x in needed}
    fixed = {k: v for k, v in fixed.items() if k in needed_names}
    allowed = {a.symbol for a in axes} | {_symbol(params[n]) for n in fixed}
    dropped: list[str] = []
    premises = _domain_premises(paper, ann, node, [a.name for a in axes] + list(fixed))
    premises += own
    if ancestors:
        anc, dropped = _ancestor_premises(paper, node, space, allowed)
        known_rel = {pr.relation for pr in premises}
        premises += [pr for pr in anc if pr.relation not in known_rel]

    sub = {_symbol(params[n]): sp.Rational(v.numerator, v.denominator) for n, v in fixed.items()}

    def fix_expr(e: sp.Expr) -> sp.Expr:
        from boundprop.propagate import expand_finite_sums

        return sp.sympify(expand_finite_sums(sp.sympify(e).xreplace(sub)))

    covers = _covers(paper, node, baselines, allowed, sub, dropped, known) if vacuity else []
    return Problem(
        paper=paper.id,
        theorem=node.id,
        label=node.label,
        axes=tuple(axes),
        fixed=dict(fixed),
        quantity=quantity,
        bound=fix_expr(bound),
        premises=tuple(
            Premise(pr.label, rel) for pr in premises
            if (rel := fix_expr(pr.relation)) is not sp.true  # a fixed value inside its range
        ),
        baselines=tuple(
            Baseline(b.id, fix_expr(b.bound), tuple(fix_expr(h) for h in b.applies), b.norm)
            for b in baselines
        ),
        regimes=tuple(Regime(r.id, fix_expr(r.relation), r.labels, r.text) for r in regime_list),
        dropped=tuple(dropped),
        latex={name: params[name].latex or name for name in names_on_map if name in params},
        norm=norm.value if norm else "",
        covers=tuple(covers),
    )


def _covers(
    paper: Paper, node: Node, baselines: Sequence[Baseline], allowed: set[sp.Symbol],
    sub: Mapping[sp.Symbol, sp.Expr], dropped: list[str], known: Mapping[str, CheckResult] | None = None,
) -> list[Cover]:
    """The proved vacuity theorems about ``node`` as covers (fixed values substituted);
    an unproved one is never used, and is named in ``dropped``."""
    from boundprop.vacuity import domain_conditions, proved_claims

    by_id = {b.id: b for b in baselines}
    out = []
    for claim, result in proved_claims(paper, node.id, known=known):
        if result.status is not Status.PROVED:
            dropped.append(f"{claim.node}: vacuity theorem {result.status.value}, not used")
            continue
        baseline = by_id.get(claim.baseline)
        if baseline is None:
            dropped.append(f"{claim.node}: its baseline {claim.baseline} is not a baseline of {node.id}")
            continue
        # the baseline's bound must be defined on the cell: the gap below is simplified
        applies = [*claim.hypotheses, *baseline.applies, *domain_conditions([baseline.bound], claim.variables)]
        for v in claim.variables:
            if v.lo.is_finite:
                applies.append(sp.Ge(v.symbol, v.lo))
            if v.hi.is_finite:
                applies.append(sp.Le(v.symbol, v.hi))
        gap = sp.sympify(claim.lower) - baseline.bound
        free = set(gap.free_symbols).union(*(sp.sympify(a).free_symbols for a in applies))
        if not free <= allowed:
            dropped.append(f"{claim.node}: mentions {_names(free - allowed)}, not on the map")
            continue
        fixed_applies = tuple(r for a in applies if (r := sp.sympify(a).xreplace(sub)) is not sp.true)
        # simplified: a difference of large equal powers encloses badly in intervals
        out.append(Cover(claim.node, claim.baseline, sp.factor(sp.simplify(gap.xreplace(sub))), fixed_applies))
    return out


# ---------------------------------------------------------------------------
# evaluation: three-valued codes per cell


@dataclass(frozen=True, slots=True)
class Codes:
    """Per-cell three-valued codes (1 true, 0 false, -1 undecided), shape (k, ncells)."""

    premises: Arr  # each premise holds
    vacuous: Arr  # bound >= baseline b throughout (and b applies)
    beats: Arr  # bound < baseline b throughout, or b does not apply
    regimes: Arr  # each regime's condition holds


def _const_code(rel: sp.Basic) -> int | None:
    if rel is sp.true or isinstance(rel, sp.logic.boolalg.BooleanTrue):
        return 1
    if rel is sp.false or isinstance(rel, sp.logic.boolalg.BooleanFalse):
        return 0
    return None


def _and_codes(parts: Sequence[Arr], n: int) -> Arr:
    out = np.ones(n, dtype=np.int8)
    for p in parts:
        out = np.where((out == 0) | (p == 0), 0, np.where((out == 1) & (p == 1), 1, -1)).astype(np.int8)
    return out


def _gap_codes(glo: Arr, ghi: Arr, app: Arr) -> tuple[Arr, Arr]:
    """(vacuous, beats) codes from an enclosure of bound - baseline."""
    ok = ~(np.isnan(glo) | np.isnan(ghi))
    no_better = ok & (glo >= 0)
    better = ok & (ghi < 0)
    vac = np.where(no_better & (app == 1), 1, np.where(better | (app == 0), 0, -1)).astype(np.int8)
    beats = np.where(better | (app == 0), 1, np.where(no_better & (app == 1), 0, -1)).astype(np.int8)
    return vac, beats


def _sum_axes(expr: Any, syms: Sequence[sp.Symbol]) -> list[int]:
    """Axes whose symbols appear in the limits of a finite ``Sum`` of ``expr``."""
    found: set[sp.Symbol] = set()
    for node in sp.sympify(expr).atoms(sp.Sum):
        for _, lo, hi in node.limits:
            found |= sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols
    return [i for i, s in enumerate(syms) if s in found]


class _Compiled:
    """One expression (``kind`` "gap") or relation (``kind`` "truth") compiled
    for a backend. A finite ``Sum`` whose limits depend on integer axes is
    expanded and compiled once per value of those axes; on cells where they
    are not points the answer is undecided (the cell gets split)."""

    def __init__(self, expr: Any, syms: Sequence[sp.Symbol], backend: Backend, kind: str,
                 compiler: Any = None) -> None:
        self.expr = sp.sympify(expr)
        self.syms = list(syms)
        self.backend = backend
        self.kind = kind
        self.compiler = compiler  # batch: the problem's BatchedCompiler (shared subexpressions)
        self.sum_axes = _sum_axes(self.expr, self.syms)
        self.cache: dict[tuple[int, ...], Any] = {}
        self.fn = None if self.sum_axes else self._compile(self.expr)

    def _compile(self, expr: Any) -> Any:
        code = _const_code(expr) if self.kind == "truth" else None
        if self.backend is Backend.BATCH:
            from boundprop.interval.batched import BatchedCompiler

            if code is not None:
                return lambda lo, hi, c=code: np.full(lo.shape[0], c, dtype=np.int8)
            comp = self.compiler or BatchedCompiler(self.syms)
            return comp.truth(expr) if self.kind == "truth" else comp.bounds(expr)
        from boundprop.interval.scalar import compile_scalar, compile_truth
        from boundprop.verdict import Tri

        if code is not None:
            return lambda xs, c=code: c
        if self.kind == "gap":
            return compile_scalar(expr, self.syms)
        fn = compile_truth(expr, self.syms)
        table = {Tri.TRUE: 1, Tri.FALSE: 0, Tri.UNDECIDED: -1}
        return lambda xs: table[fn(xs)]

    def _for(self, key: tuple[int, ...]) -> Any:
        fn = self.cache.get(key)
        if fn is None:
            from boundprop.propagate import expand_finite_sums

            sub = {self.syms[a]: sp.Integer(v) for a, v in zip(self.sum_axes, key, strict=True)}
            fn = self.cache[key] = self._compile(expand_finite_sums(self.expr.xreplace(sub)))
        return fn

    def batch(self, lo: Arr, hi: Arr) -> Any:
        if self.fn is not None:
            return self.fn(lo, hi)
        axes = self.sum_axes
        widths = np.prod(hi[:, axes] - lo[:, axes] + 1, axis=1)
        eligible = widths <= MAX_SUM_VALUES
        all_true = eligible.copy()
        all_false = eligible.copy()
        glo = np.where(eligible, np.inf, np.nan)
        ghi = np.where(eligible, -np.inf, np.nan)
        if eligible.any():
            ranges = [range(int(lo[eligible, a].min()), int(hi[eligible, a].max()) + 1) for a in axes]
            for key in itertools.product(*ranges):
                mask = eligible.copy()
                for a, v in zip(axes, key, strict=True):
                    mask &= (lo[:, a] <= v) & (hi[:, a] >= v)
                if not mask.any():
                    continue
                sub_lo, sub_hi = lo[mask].copy(), hi[mask].copy()
                for a, v in zip(axes, key, strict=True):
                    sub_lo[:, a] = sub_hi[:, a] = v
                res = self._for(key)(sub_lo, sub_hi)
                if self.kind == "truth":
                    codes = np.asarray(res)
                    all_true[mask] &= codes == 1
                    all_false[mask] &= codes == 0
                else:
                    rlo, rhi = (np.asarray(r, dtype=float) for r in res)
                    glo[mask] = np.minimum(glo[mask], rlo)  # NaN propagates: undecided
                    ghi[mask] = np.maximum(ghi[mask], rhi)
        if self.kind == "truth":
            return np.where(all_true, 1, np.where(all_false, 0, -1)).astype(np.int8)
        return glo, ghi

    def scalar(self, xs: Sequence[Any]) -> Any:
        if self.fn is not None:
            return self.fn(xs)
        from interval import interval

        from boundprop.interval.scalar import UndefinedError, hi_of, lo_of

        ranges = [range(int(lo_of(xs[a])), int(hi_of(xs[a])) + 1) for a in self.sum_axes]
        if math.prod(len(r) for r in ranges) > MAX_SUM_VALUES:
            if self.kind == "truth":
                return -1
            raise UndefinedError("a sum's length varies too much over the cell")
        codes = set()
        lo_acc, hi_acc = math.inf, -math.inf
        for key in itertools.product(*ranges):
            point = list(xs)
            for a, v in zip(self.sum_axes, key, strict=True):
                point[a] = interval[float(v), float(v)]
            res = self._for(key)(point)
            if self.kind == "truth":
                codes.add(res)
            else:
                lo_acc, hi_acc = min(lo_acc, lo_of(res)), max(hi_acc, hi_of(res))
        if self.kind == "truth":
            return 1 if codes == {1} else (0 if codes == {0} else -1)
        return interval[lo_acc, hi_acc]


@dataclass(frozen=True, slots=True)
class _SumSpec:
    index: sp.Symbol
    lo: sp.Expr
    hi: sp.Expr
    term: Any  # compiled summand over (axes..., index)


class _SummedGap:
    """An expression with finite sums whose lengths depend on integer axes,
    enclosed without expanding it per value: each ``Sum`` is replaced by a
    fresh variable σ, whose enclosure on a cell is the hull, over every
    integer value of the limit axes in the cell (at most
    :data:`MAX_SUM_VALUES`), of the outward rounded sum of the compiled
    summand's enclosures. The outer expression is then evaluated with σ.
    Both backends follow the same steps."""

    def __init__(self, expr: Any, syms: Sequence[sp.Symbol], backend: Backend) -> None:
        self.syms = list(syms)
        self.backend = backend
        sums = sorted(sp.sympify(expr).atoms(sp.Sum), key=str)
        sigmas = [sp.Symbol(f"sigma__{i}", real=True) for i in range(len(sums))]
        outer = sp.sympify(expr).xreplace(dict(zip(sums, sigmas, strict=True)))
        self.axes = _sum_axes(sp.sympify(expr), self.syms)
        if backend is Backend.BATCH:
            from boundprop.interval.batched import compile_batched as comp
        else:
            from boundprop.interval.scalar import compile_scalar as comp  # type: ignore[assignment]
        self.outer: Any = comp(outer, [*self.syms, *sigmas])
        self.sums: list[_SumSpec] = []
        for node in sums:
            (j, lo, hi), = node.limits
            self.sums.append(_SumSpec(j, sp.sympify(lo), sp.sympify(hi), comp(node.function, [*self.syms, j])))
        self.limits: dict[tuple[int, tuple[int, ...]], tuple[int, int]] = {}

    @staticmethod
    def supports(expr: Any, syms: Sequence[sp.Symbol]) -> bool:
        integer_axes = {s for s in syms if s.is_integer}
        for node in sp.sympify(expr).atoms(sp.Sum):
            if len(node.limits) != 1:
                return False
            j, lo, hi = node.limits[0]
            if not (sp.sympify(lo).free_symbols | sp.sympify(hi).free_symbols) <= integer_axes:
                return False
            if node.function.has(sp.Sum) or not node.function.free_symbols <= set(syms) | {j}:
                return False
        return True

    def _limits(self, k: int, key: tuple[int, ...]) -> tuple[int, int]:
        got = self.limits.get((k, key))
        if got is None:
            spec = self.sums[k]
            sub = {self.syms[a]: sp.Integer(v) for a, v in zip(self.axes, key, strict=True)}
            lo, hi = spec.lo.xreplace(sub), spec.hi.xreplace(sub)
            got = self.limits[(k, key)] = (int(lo), int(hi))
        return got

    def _keys(self, ranges: Sequence[tuple[int, int]]) -> list[tuple[int, ...]]:
        return list(itertools.product(*(range(a, b + 1) for a, b in ranges)))

    # -- batch ---------------------------------------------------------------
    def batch(self, lo: Arr, hi: Arr) -> tuple[Arr, Arr]:
        with np.errstate(all="ignore"):
            return self._batch(lo, hi)

    def _batch(self, lo: Arr, hi: Arr) -> tuple[Arr, Arr]:
        from boundprop.interval.batched import sum_bounds

        n, k = lo.shape
        axes = self.axes
        widths = np.prod(hi[:, axes] - lo[:, axes] + 1, axis=1)
        eligible = widths <= MAX_SUM_VALUES
        sig_lo = np.full((n, len(self.sums)), np.nan)
        sig_hi = np.full((n, len(self.sums)), np.nan)
        cells = np.flatnonzero(eligible)
        pairs: list[tuple[int, tuple[int, ...]]] = []
        for i in cells:
            ranges = [(int(lo[i, a]), int(hi[i, a])) for a in axes]
            pairs.extend((int(i), key) for key in self._keys(ranges))
        if pairs:
            cell_idx = np.array([c for c, _ in pairs])
            keys = np.array([key for _, key in pairs], dtype=float).reshape(len(pairs), len(axes))
            for m, spec in enumerate(self.sums):
                bounds = [self._limits(m, key) for _, key in pairs]
                first = np.array([b[0] for b in bounds])
                count = np.array([max(b[1] - b[0] + 1, 0) for b in bounds])
                width = int(count.max()) if count.size else 0
                acc_lo = np.zeros(len(pairs))
                acc_hi = np.zeros(len(pairs))
                if width:
                    rows_lo = np.repeat(lo[cell_idx], width, axis=0)
                    rows_hi = np.repeat(hi[cell_idx], width, axis=0)
                    rows_lo[:, axes] = rows_hi[:, axes] = np.repeat(keys, width, axis=0)
                    t = np.tile(np.arange(width), len(pairs))
                    valid = t < np.repeat(count, width)
                    jcol = (np.repeat(first, width) + np.where(valid, t, 0)).astype(float)
                    tlo, thi = spec.term(np.column_stack([rows_lo, jcol]), np.column_stack([rows_hi, jcol]))
                    tlo = np.where(valid, tlo, 0.0).reshape(len(pairs), width)
                    thi = np.where(valid, thi, 0.0).reshape(len(pairs), width)
                    bad = np.isnan(tlo).any(axis=1) | np.isnan(thi).any(axis=1)
                    for c in range(width):
                        acc_lo = sum_bounds(acc_lo, tlo[:, c])[0]
                        acc_hi = sum_bounds(acc_hi, thi[:, c])[1]
                    acc_lo = np.where(bad, np.nan, acc_lo)
                    acc_hi = np.where(bad, np.nan, acc_hi)
                hull_lo = np.full(n, np.inf)
                hull_hi = np.full(n, -np.inf)
                np.minimum.at(hull_lo, cell_idx, acc_lo)  # NaN propagates: undecided
                np.maximum.at(hull_hi, cell_idx, acc_hi)
                sig_lo[eligible, m] = hull_lo[eligible]
                sig_hi[eligible, m] = hull_hi[eligible]
        out_lo, out_hi = self.outer(np.column_stack([lo, sig_lo]), np.column_stack([hi, sig_hi]))
        undecided = np.isnan(sig_lo).any(axis=1) | np.isnan(sig_hi).any(axis=1)
        return np.where(undecided, np.nan, out_lo), np.where(undecided, np.nan, out_hi)

    # -- scalar --------------------------------------------------------------
    def scalar(self, xs: Sequence[Any]) -> Any:
        from interval import interval

        from boundprop.interval.scalar import UndefinedError, hi_of, lo_of

        ranges = [(int(lo_of(xs[a])), int(hi_of(xs[a]))) for a in self.axes]
        if math.prod(b - a + 1 for a, b in ranges) > MAX_SUM_VALUES:
            raise UndefinedError("a sum's length varies too much over the cell")
        sigmas = []
        for m, spec in enumerate(self.sums):
            lo_acc, hi_acc = math.inf, -math.inf
            for key in self._keys(ranges):
                point = list(xs)
                for a, v in zip(self.axes, key, strict=True):
                    point[a] = interval[float(v), float(v)]
                first, last = self._limits(m, key)
                acc = interval[0.0, 0.0]
                for j in range(first, last + 1):
                    acc = acc + spec.term([*point, interval[float(j), float(j)]])
                lo_acc, hi_acc = min(lo_acc, lo_of(acc)), max(hi_acc, hi_of(acc))
            sigmas.append(interval[lo_acc, hi_acc])
        return self.outer([*xs, *sigmas])


class _Evaluator:
    """Compiles a problem once for a backend; evaluates lists of cells."""

    def __init__(self, problem: Problem, backend: Backend) -> None:
        self.problem = problem
        self.backend = backend
        syms = list(problem.symbols)
        if backend is Backend.BATCH:
            from boundprop.interval.batched import BatchedCompiler

            # one compiler for every test: the bound's subexpressions, met in each gap, once per batch
            self.compiler: Any = BatchedCompiler(syms)
        else:
            self.compiler = None

        def compiled(e: Any, kind: str) -> _Compiled:
            return _Compiled(e, syms, backend, kind, self.compiler)

        self.gaps = [sp.sympify(problem.bound - b.bound) for b in problem.baselines]
        self.premise_fns = [compiled(pr.relation, "truth") for pr in problem.premises]
        self.app_fns = [[compiled(h, "truth") for h in b.applies] for b in problem.baselines]
        # covers after the baselines: their rows of the vacuous codes say "lower >= baseline"
        self.gaps += [c.gap for c in problem.covers]
        self.app_fns += [[compiled(h, "truth") for h in c.applies] for c in problem.covers]
        self.gap_fns = [
            _SummedGap(g, syms, backend) if _sum_axes(g, syms) and _SummedGap.supports(g, syms)
            else compiled(g, "gap")
            for g in self.gaps
        ]
        self.regime_fns = [compiled(r.relation, "truth") for r in problem.regimes]
        every = [*self.premise_fns, *(f for fs in self.app_fns for f in fs), *self.gap_fns, *self.regime_fns]
        self.sums = any(isinstance(f, _SummedGap) or f.sum_axes for f in every)
        self.exact = [_axis_bound(pr.relation, syms) for pr in problem.premises]

    def codes(self, lo: Arr, hi: Arr, exact: Mapping[int, Arr]) -> Codes:
        """Codes of the cells with float boxes ``lo``, ``hi`` (shape (n, axes)).

        ``exact`` holds the codes of the premises bounding one axis by a rational
        (a range end such as 1/10000), decided on the exact box by the caller:
        rounding the box outward would leave them undecided along the edge.
        """
        codes = self._codes_batch(lo, hi, exact) if self.backend is Backend.BATCH else self._codes_scalar(lo, hi, exact)
        for i, row in exact.items():
            codes.premises[i, :] = row
        return codes

    def _codes_batch(self, lo: Arr, hi: Arr, exact: Mapping[int, Arr]) -> Codes:
        n = lo.shape[0]
        self.compiler.begin()  # every test below reads these same arrays, unchanged
        prem = np.empty((len(self.premise_fns), n), dtype=np.int8)
        for i, f in enumerate(self.premise_fns):
            if i not in exact:
                prem[i] = f.batch(lo, hi)
        vac, beats = [], []
        for app_fns, gap in zip(self.app_fns, self.gap_fns, strict=True):
            app = _and_codes([np.asarray(f.batch(lo, hi), dtype=np.int8) for f in app_fns], n)
            glo, ghi = gap.batch(lo, hi)
            v, b = _gap_codes(np.asarray(glo, dtype=float), np.asarray(ghi, dtype=float), app)
            vac.append(v)
            beats.append(b)
        reg = np.array([f.batch(lo, hi) for f in self.regime_fns], dtype=np.int8).reshape(-1, n)
        return Codes(prem, _stack(vac, n), _stack(beats, n), reg)

    def _codes_scalar(self, lo: Arr, hi: Arr, exact: Mapping[int, Arr]) -> Codes:
        from interval import interval

        from boundprop.interval.scalar import UndefinedError, hi_of, lo_of

        n = lo.shape[0]
        prem = np.empty((len(self.premise_fns), n), dtype=np.int8)
        vac = np.empty((len(self.gap_fns), n), dtype=np.int8)
        beats = np.empty((len(self.gap_fns), n), dtype=np.int8)
        reg = np.empty((len(self.regime_fns), n), dtype=np.int8)
        for j, (row_lo, row_hi) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
            xs = [interval[a, b] for a, b in zip(row_lo, row_hi, strict=True)]
            for i, f in enumerate(self.premise_fns):
                if i not in exact:
                    prem[i, j] = f.scalar(xs)
            for i, (app_fns, gap) in enumerate(zip(self.app_fns, self.gap_fns, strict=True)):
                app = _and_codes([np.array([f.scalar(xs)], dtype=np.int8) for f in app_fns], 1)
                try:
                    g = gap.scalar(xs)
                    glo, ghi = np.array([lo_of(g)]), np.array([hi_of(g)])
                except UndefinedError:
                    glo, ghi = np.array([np.nan]), np.array([np.nan])
                v, b = _gap_codes(glo, ghi, app)
                vac[i, j], beats[i, j] = v[0], b[0]
            for i, f in enumerate(self.regime_fns):
                reg[i, j] = f.scalar(xs)
        return Codes(prem, vac, beats, reg)


def _axis_bound(relation: sp.Basic, syms: Sequence[sp.Symbol]) -> tuple[int, str, Fraction] | None:
    """(axis index, "<=", "<", ">=" or ">", c) when ``relation`` is ``axis OP c`` with c rational."""
    if not isinstance(relation, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan)):
        return None
    lhs, rhs, op = relation.lhs, relation.rhs, relation.rel_op
    if lhs in syms and rhs.is_Rational:
        pass
    elif rhs in syms and lhs.is_Rational:
        lhs, rhs, op = rhs, lhs, {"<=": ">=", "<": ">", ">=": "<=", ">": "<"}[op]
    else:
        return None
    return list(syms).index(lhs), op, Fraction(int(rhs.p), int(rhs.q))


def _exact_code(bound: tuple[int, str, Fraction], box: tuple[tuple[Num, Num], ...]) -> int:
    """1 if ``axis OP c`` holds on the whole exact box, 0 if nowhere, -1 otherwise."""
    index, op, c = bound
    lo, hi = box[index]
    if op == "<=":
        return 1 if hi <= c else 0 if lo > c else -1
    if op == "<":
        return 1 if hi < c else 0 if lo >= c else -1
    if op == ">=":
        return 1 if lo >= c else 0 if hi < c else -1
    return 1 if lo > c else 0 if hi <= c else -1  # ">"


def _stack(rows: Sequence[Arr], n: int) -> Arr:
    if not rows:
        return np.empty((0, n), dtype=np.int8)
    return np.stack(rows).astype(np.int8)


# ---------------------------------------------------------------------------
# splitting


# An end of a tree node is kept as a float when that float is its exact value
# (log midpoints are floats by construction, halving dyadic ends stays dyadic),
# as an int on integer axes, and as a Fraction only otherwise; Python compares
# the three exactly, and a cell's Fraction box is made once per node, on demand.
Num = float | int | Fraction


def _ratio(x: Num) -> tuple[int, int]:
    """The exact value of ``x`` as (numerator, denominator), lowest terms."""
    if isinstance(x, float):
        return x.as_integer_ratio()
    if isinstance(x, int):
        return x, 1
    return x.numerator, x.denominator


def _less(a: Num, b: Num) -> bool:
    """``a < b`` exactly, in ints (a Fraction compared with a float would make a Fraction of it)."""
    (an, ad), (bn, bd) = _ratio(a), _ratio(b)
    return an * bd < bn * ad


def _lean(x: Fraction) -> Num:
    """``x`` as a float when that float is exact, else itself."""
    try:
        f = float(x)  # int/int true division: correctly rounded
    except OverflowError:
        return x
    return f if math.isfinite(f) and f.as_integer_ratio() == (x.numerator, x.denominator) else x


def _integral(x: Fraction) -> Num:
    """An integral Fraction as an int (the ends of integer axes)."""
    return x.numerator if x.denominator == 1 else x


def _half_sum(lo: Num, hi: Num) -> Num:
    """(lo + hi) / 2 exactly: a float when both ends are floats and it is one."""
    if isinstance(lo, float) and isinstance(hi, float):
        s = lo + hi
        bb = s - lo
        m = s * 0.5
        # TwoSum's error is 0: s is exact; doubling m back is exact unless m lost a bit
        if math.isfinite(s) and (lo - (s - bb)) + (hi - bb) == 0 and m + m == s:
            return m
    return _lean((Fraction(*_ratio(lo)) + Fraction(*_ratio(hi))) / 2)


def _midpoint(axis: Axis, lo: Num, hi: Num) -> tuple[Num, Num, float | None]:
    """(end of the left half, start of the right half, the float equal to a log
    axis's real midpoint or None)."""
    if axis.integer:
        a, b = lo, hi  # ints: integer axes have integral ends (parse_axis rounds inward)
        if axis.log and lo > 0:
            k = min(max(math.floor(math.sqrt(a * b)), a), b - 1)
        else:
            k = (a + b) // 2
        return k, k + 1, None
    if axis.log and lo > 0:
        fm = math.sqrt(float(lo) * float(hi))
        if _less(lo, fm) and _less(fm, hi):
            return fm, fm, fm
    m = _half_sum(lo, hi)
    return m, m, None


# ---------------------------------------------------------------------------
# paving: one generation of cells at a time, as arrays
#
# Each axis keeps a binary tree of the exact intervals bisection has made on
# it (an interval always splits the same way, so the tree is shared by every
# cell); a cell is one node id per axis. A generation is then an (n, axes)
# int array: its float boxes, exact premise codes and split widths are table
# look-ups, its classes are decided by array operations, and the tree's new
# nodes are made by array operations too, one call per generation, wherever
# both ends of the node split are floats exactly (see _AxisTree.split); only
# nodes with another end (a Fraction, such as a range end 1/10000) are split
# one by one, in exact arithmetic.

# integer ends up to this size are floats exactly, and so are their sums
_PLAIN_INT = 2**52


class _AxisTree:
    """The exact intervals of one axis, by node id: one array entry per node.

    A node is *plain* when both its ends are floats exactly (real axes) or ints
    of at most :data:`_PLAIN_INT` (integer axes): ``vlo``, ``vhi`` then hold the
    ends; the ends of the other nodes are kept as :data:`Num` in ``objs``.
    """

    _FIELDS = ("vlo", "vhi", "plain", "flo", "fhi", "width", "left", "right", "blo", "bhi", "built")

    def __init__(self, axis: Axis, exact: Sequence[tuple[str, Fraction] | None],
                 root: tuple[Fraction, Fraction] | None = None) -> None:
        from boundprop.interval.scalar import rational_bounds

        self.axis = axis
        self.exact = exact  # per premise: (op, c) if it bounds this axis exactly, else None
        # with the tightest floats around c: a float end compares to c as to one of them
        self.bounds = [None if e is None else (e[0], *rational_bounds(e[1])) for e in exact]
        a, b = axis.lo, axis.hi
        # the axis's measure, for the relative widths (see width_of)
        log_axis = axis.log and b > a > 0
        self.total = math.log(b.numerator * a.denominator / (b.denominator * a.numerator)) if log_axis else 1.0
        self.span = b - a
        # integer widths (k - lo) / span by one float division: exact operands
        self.int_widths = self.span.denominator == 1 and self.span.numerator < 2**53
        self.rational_bounds = rational_bounds
        self.size = 0
        self.vlo = self.vhi = self.flo = self.fhi = self.width = np.empty(0)
        self.plain = self.built = np.empty(0, dtype=bool)
        self.left = self.right = np.empty(0, dtype=np.int64)
        self.blo = self.bhi = np.empty(0, dtype=object)  # the Fraction ends, made on demand
        self.codes = np.empty((len(exact), 0), dtype=np.int8)
        self.objs: dict[int, tuple[Num, Num]] = {}  # the ends of the nodes that are not plain
        # ``root``: a part of the axis (a tile of a distributed paving); the widths stay
        # relative to the whole axis, so it splits as the whole axis's tree does there
        lo, hi = root if root is not None else (axis.lo, axis.hi)
        lean = _integral if axis.integer else _lean
        self._add_one(lean(lo), lean(hi))
        self.blo[0], self.bhi[0], self.built[0] = lo, hi, True

    def _reserve(self, extra: int) -> int:
        """Room for ``extra`` more nodes (capacity doubles, new entries unsplit, plain,
        without Fractions); the first new id."""
        first = self.size
        if first + extra > self.plain.shape[0]:
            cap = max(2 * self.plain.shape[0], first + extra, 64)
            for name in self._FIELDS:
                old = getattr(self, name)
                new = np.empty(cap, dtype=old.dtype)
                new[:first] = old[:first]
                setattr(self, name, new)
            self.left[first:] = self.right[first:] = -1
            self.plain[first:] = True
            self.built[first:] = False
            codes = np.empty((self.codes.shape[0], cap), dtype=np.int8)
            codes[:, :first] = self.codes[:, :first]
            self.codes = codes
        self.size = first + extra
        return first

    def _distinct(self, nodes: Arr) -> Arr:
        """The distinct ids among ``nodes``, in increasing order."""
        marks = np.zeros(self.size, dtype=bool)
        marks[nodes] = True
        return np.flatnonzero(marks)

    def round(self, x: Num) -> tuple[float, float]:
        """The tightest floats around ``x``."""
        if isinstance(x, float):
            return x, x
        return self.rational_bounds(Fraction(x) if isinstance(x, int) else x)

    def end(self, node: int) -> tuple[Num, Num]:
        """The exact ends of ``node`` (see :data:`Num`)."""
        if not self.plain[node]:
            return self.objs[node]
        lo, hi = float(self.vlo[node]), float(self.vhi[node])
        return (int(lo), int(hi)) if self.axis.integer else (lo, hi)

    def box(self, node: int) -> tuple[Fraction, Fraction]:
        """The exact ends of ``node`` as Fractions."""
        if not self.built[node]:
            lo, hi = self.end(node)
            self.blo[node], self.bhi[node] = (x if isinstance(x, Fraction) else Fraction(x) for x in (lo, hi))
            self.built[node] = True
        return self.blo[node], self.bhi[node]

    def fraction_ends(self, nodes: Arr) -> tuple[Arr, Arr]:
        """The Fraction ends of ``nodes`` (object arrays), each distinct float made a Fraction once."""
        need = self._distinct(nodes[~self.built[nodes]])
        plain = need[self.plain[need]]
        if plain.size:
            values, where = np.unique(np.concatenate([self.vlo[plain], self.vhi[plain]]), return_inverse=True)
            exact = (values.astype(np.int64) if self.axis.integer else values).tolist()  # Fraction(int) is quicker
            fractions = np.fromiter(map(Fraction, exact), dtype=object, count=values.size)
            self.blo[plain] = fractions[where[:plain.size]]
            self.bhi[plain] = fractions[where[plain.size:]]
            self.built[plain] = True
        for node in need[~self.plain[need]].tolist():  # ends that are not floats
            self.box(node)
        return self.blo[nodes], self.bhi[nodes]

    def _add_one(self, lo: Num, hi: Num, flo: float | None = None, fhi: float | None = None,
                 width: float | None = None, parent: int = -1) -> int:
        """A new node, in exact arithmetic; ``flo``, ``fhi``, ``width`` when the caller already knows them. A
        premise decided on the ``parent`` node is decided the same on its halves."""
        node = self._reserve(1)
        if self.axis.integer:
            plain = all(isinstance(x, int) and abs(x) <= _PLAIN_INT for x in (lo, hi))
        else:
            plain = isinstance(lo, float) and isinstance(hi, float)
        self.plain[node] = plain
        if plain:
            self.vlo[node], self.vhi[node] = float(lo), float(hi)
        else:
            self.vlo[node] = self.vhi[node] = math.nan
            self.objs[node] = (lo, hi)
        self.flo[node] = self.round(lo)[0] if flo is None else flo
        self.fhi[node] = self.round(hi)[1] if fhi is None else fhi
        self.width[node] = self.width_of(lo, hi) if width is None else width
        for i, bound in enumerate(self.exact):
            code = -1 if bound is None or parent < 0 else self.codes[i, parent]
            self.codes[i, node] = code if bound is None or code != -1 else _exact_code((0, *bound), ((lo, hi),))
        return node

    def _add_plain(self, lo: Arr, hi: Arr, flo: Arr, fhi: Arr, width: Arr) -> Arr:
        """New plain nodes with these ends (floats exactly), enclosures and widths; their ids."""
        first = self._reserve(lo.shape[0])
        new = slice(first, self.size)
        self.vlo[new], self.vhi[new], self.flo[new], self.fhi[new], self.width[new] = lo, hi, flo, fhi, width
        # _exact_code on float ends: x <= c iff x <= clo, x < c iff x < chi (clo, chi the floats around c)
        for i, bound in enumerate(self.bounds):
            if bound is None:
                self.codes[i, new] = -1
                continue
            op, clo, chi = bound
            if op == "<=":
                yes, no = hi <= clo, lo > clo
            elif op == "<":
                yes, no = hi < chi, lo >= chi
            elif op == ">=":
                yes, no = lo >= chi, hi < chi
            else:  # ">"
                yes, no = lo > clo, hi <= clo
            self.codes[i, new] = 2 * yes.view(np.int8) + no.view(np.int8) - 1  # never both
        return np.arange(first, self.size)

    def width_of(self, lo: Num, hi: Num) -> float:
        """The share of the axis that [lo, hi] spans (log measure on log axes), -1 if it
        cannot be split. The floats of the exact quotients, each by one integer true
        division (correctly rounded, as ``float(Fraction)``), without normalising."""
        axis = self.axis
        (ln, ld), (hn, hd) = _ratio(lo), _ratio(hi)
        if not axis.split or ln * hd == hn * ld:
            return -1.0
        if axis.log:
            if ln <= 0:
                return float("inf")
            return math.log(hn * ld / (hd * ln)) / self.total
        w = self.span
        return (hn * ld - ln * hd) * w.denominator / (hd * ld * w.numerator)

    def _log_widths(self, lo: Arr, hi: Arr) -> Arr:
        """:meth:`width_of` of plain nodes on a log axis: hi / lo is the correctly rounded
        quotient, as the integer true division there; math.log, not numpy's, on each."""
        if not self.axis.split:
            return np.full(lo.shape[0], -1.0)
        pos = (lo > 0) & (lo != hi)
        if pos.all():
            q = hi / lo
        else:
            q = np.where(pos, hi, 1.0) / np.where(pos, lo, 1.0)
        if not np.isfinite(q).all():  # too large a quotient: width_of raises, as it would
            return np.array([self.width_of(a, b) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)])
        out = np.fromiter(map(math.log, q.tolist()), dtype=float, count=q.shape[0]) / self.total
        if not pos.all():
            out[~pos] = np.where(lo[~pos] == hi[~pos], -1.0, math.inf)  # lo <= 0 < hi
        return out

    def _int_width(self, lo: int, hi: int) -> float:
        """:meth:`width_of` of an interval with integer ends on a linear axis (the same float)."""
        if not self.axis.split or lo == hi:
            return -1.0
        w = self.span
        return (hi - lo) * w.denominator / w.numerator

    def split(self, nodes: Arr) -> tuple[Arr, Arr]:
        """The two halves of each node (node ids), made once per node."""
        todo = nodes[self.left[nodes] < 0]
        if todo.size:
            todo = self._distinct(todo)
            plain = self.plain[todo]
            rest = todo[~plain]  # split one by one
            if rest.size < todo.size:
                with np.errstate(over="ignore", invalid="ignore"):  # a product or sum past the floats
                    part = todo[plain] if rest.size else todo
                    left = self._split_ints(part) if self.axis.integer else self._split_reals(part)
                rest = np.concatenate([rest, left]) if left.size else rest
            for node in rest.tolist():
                self._split_one(node)
        return self.left[nodes], self.right[nodes]

    def _split_reals(self, nodes: Arr) -> Arr:
        """:func:`_midpoint` on plain nodes of a real axis, where the midpoint is a float
        exactly (the geometric one of a log axis, else a TwoSum-exact half sum); the
        nodes left over."""
        lo, hi = self.vlo[nodes], self.vhi[nodes]
        ok = np.zeros(nodes.shape[0], dtype=bool)
        if self.axis.log:
            m = np.sqrt(lo * hi)  # correctly rounded, as math.sqrt
            ok = (lo > 0) & (lo < m) & (m < hi)
        if not ok.all():
            s = lo + hi
            bb = s - lo
            half = s * 0.5
            exact = ~ok & np.isfinite(s) & ((lo - (s - bb)) + (hi - bb) == 0) & (half + half == s)
            m = np.where(ok, m, half) if self.axis.log else half
            ok |= exact
        rest = nodes[~ok]
        if rest.size:
            nodes, lo, hi, m = nodes[ok], lo[ok], hi[ok], m[ok]
        n = nodes.shape[0]
        ends = np.concatenate([lo, m]), np.concatenate([m, hi])  # the left halves, then the right ones
        if self.axis.log:
            width = self._log_widths(*ends)
        else:  # halving a linear real axis halves the relative width exactly (a power of two)
            width = np.tile(self.width[nodes] * 0.5, 2)
        ids = self._add_plain(*ends, np.concatenate([self.flo[nodes], m]), np.concatenate([m, self.fhi[nodes]]), width)
        self.left[nodes], self.right[nodes] = ids[:n], ids[n:]
        return rest

    def _split_ints(self, nodes: Arr) -> Arr:
        """:func:`_midpoint` on plain nodes of an integer axis, [lo, k] and [k + 1, hi]:
        the float products, square roots, sums and quotients here are those of the ints
        (exact operands, correctly rounded); the nodes left over."""
        if not (self.axis.log or self.int_widths):
            return nodes
        lo, hi = self.vlo[nodes], self.vhi[nodes]
        k = np.floor((lo + hi) * 0.5)
        if self.axis.log:
            k = np.where(lo > 0, np.minimum(np.maximum(np.floor(np.sqrt(lo * hi)), lo), hi - 1), k)
        n = nodes.shape[0]
        ends = np.concatenate([lo, k + 1]), np.concatenate([k, hi])
        if self.axis.log:
            width = self._log_widths(*ends)
        elif self.axis.split:
            width = np.where(ends[0] == ends[1], -1.0, (ends[1] - ends[0]) / float(self.span.numerator))
        else:
            width = np.full(2 * n, -1.0)
        ids = self._add_plain(*ends, np.concatenate([self.flo[nodes], k + 1]), np.concatenate([k, self.fhi[nodes]]),
                              width)
        self.left[nodes], self.right[nodes] = ids[:n], ids[n:]
        return nodes[:0]

    def _split_one(self, node: int) -> None:
        """Split ``node`` in exact arithmetic (its ends as :data:`Num`)."""
        axis = self.axis
        linear = not (axis.integer or axis.log)
        lo, hi = self.end(node)
        left_hi, right_lo, fm = _midpoint(axis, lo, hi)
        lw = rw = float(self.width[node]) * 0.5 if linear else None
        mlo = mhi = None
        if fm is not None:  # the midpoint is this float exactly
            mlo = mhi = fm
        elif left_hi == right_lo:
            mlo, mhi = self.round(left_hi)
        elif isinstance(left_hi, int) and abs(left_hi) < 2**53:
            # integral halves [lo, k], [k + 1, hi]: float(k) is exact; the
            # linear width of an integer interval is one int true division
            k = left_hi
            mlo, mhi = float(k + 1), float(k)
            if not axis.log and isinstance(lo, int) and isinstance(hi, int):
                lw = self._int_width(lo, k)
                rw = self._int_width(k + 1, hi)
        flo, fhi = float(self.flo[node]), float(self.fhi[node])
        self.left[node] = self._add_one(lo, left_hi, flo, mhi, lw, node)
        self.right[node] = self._add_one(right_lo, hi, mlo, fhi, rw, node)


@dataclass(frozen=True, slots=True)
class _Generation:
    """The classes of one generation of cells, as arrays (see :func:`_decide_all`)."""

    klass: Arr  # int8 index into _KLASSES, -1 undecided
    reason: Arr  # index of the first failed premise (premises-fail cells)
    vac_mask: Arr  # bit b: baseline b no better than the bound
    cover_mask: Arr  # bit c: proved vacuity theorem c applies
    regime_key: Arr  # the regime codes of the cell, base 3
    done: Arr  # every requested class decided


_KLASSES = (CellClass.PREMISES_FAIL, CellClass.VACUOUS, CellClass.INFORMATIVE)


def _bits(codes: Arr) -> Arr:
    """Bit mask of the rows that are 1, per column (codes shape (k, n), k < 63)."""
    weights = (np.int64(1) << np.arange(codes.shape[0], dtype=np.int64))[:, None]
    return np.asarray(((codes == 1) * weights).sum(axis=0), dtype=np.int64)


def _decide_all(problem: Problem, codes: Codes, n: int) -> _Generation:
    """Classes of a generation: the rules of a cell's class, on every cell at once.

    premises-fail if a premise is false (the first such names it); else, if all
    premises hold: vacuous if a baseline is no better or a proved vacuity
    theorem applies, informative if the bound beats every baseline; undecided
    otherwise. A cell is done when its class and every regime are decided.
    """
    prem = codes.premises
    nb = len(problem.baselines)
    failed = (prem == 0).any(axis=0)
    holds = (prem == 1).all(axis=0)
    vac_mask = _bits(codes.vacuous[:nb])
    cover_mask = _bits(codes.vacuous[nb:])
    beats = (codes.beats[:nb] == 1).all(axis=0)
    klass = np.full(n, -1, dtype=np.int8)
    klass[holds & beats] = 2
    klass[holds & ((vac_mask != 0) | (cover_mask != 0))] = 1
    klass[failed] = 0
    reg = codes.regimes
    regime_key = ((reg.astype(np.int64) + 1) * (3 ** np.arange(reg.shape[0], dtype=np.int64))[:, None]).sum(axis=0)
    done = (klass >= 0) & (reg != -1).all(axis=0)
    reason = np.argmax(prem == 0, axis=0) if prem.shape[0] else np.zeros(n, dtype=np.int64)
    return _Generation(klass, reason, vac_mask, cover_mask, regime_key, done)


class _Labels:
    """The per-cell tuples of a class (baselines, vacuity nodes, regime labels), one per distinct key."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.vacuous: dict[tuple[int, int], tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.regimes: dict[int, tuple[tuple[str, str], ...]] = {}

    def baselines(self, vac_mask: int, cover_mask: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        key = (vac_mask, cover_mask)
        got = self.vacuous.get(key)
        if got is None:
            p = self.problem
            hits = [c for i, c in enumerate(p.covers) if cover_mask >> i & 1]
            vacuity = tuple(c.node for c in hits)
            if vac_mask:
                names = tuple(b.id for i, b in enumerate(p.baselines) if vac_mask >> i & 1)
            else:
                names = tuple(dict.fromkeys(c.baseline for c in hits))
            got = self.vacuous[key] = (names, vacuity)
        return got

    def regime_labels(self, key: int) -> tuple[tuple[str, str], ...]:
        got = self.regimes.get(key)
        if got is None:
            out, rest = [], key
            for r in self.problem.regimes:
                code, rest = rest % 3 - 1, rest // 3
                out.append((r.id, r.labels[0] if code == 1 else r.labels[1] if code == 0 else UNDETERMINED))
            got = self.regimes[key] = tuple(out)
        return got


# boxes per speculative batch (see pave)
LOOKAHEAD_BOXES = 2048


@dataclass(frozen=True, slots=True)
class _Speculated:
    """Generations evaluated in one call, one after another in ``ids``: a generation, then
    the halves of each of its cells that can be split, and so on, with their classes."""

    ids: Arr  # (rows, axes) node ids
    best: Arr  # the axis a cell splits along (the first widest)
    can: Arr  # the cell can be split (some axis has width)
    gen: _Generation  # every row's classes
    child: Arr  # the row of a row's left half (its right half follows); -1 in the last generation


def _geometry(trees: Sequence[_AxisTree], ids: Arr) -> tuple[Arr, Arr]:
    n = ids.shape[0]
    if not trees:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    widths = np.column_stack([t.width[ids[:, k]] for k, t in enumerate(trees)]).reshape(n, len(trees))
    best = np.argmax(widths, axis=1)  # the first widest axis, as max() picks it
    return best, widths[np.arange(n), best] > 0


def _children(trees: Sequence[_AxisTree], ids: Arr, best: Arr) -> Arr:
    """The halves of the cells ``ids``, split along ``best``: each one's left half, then its right half."""
    nxt = np.repeat(ids, 2, axis=0)
    for k, tree in enumerate(trees):
        sel = np.flatnonzero(best == k)
        if sel.size:
            left, right = tree.split(ids[sel, k])
            nxt[2 * sel, k] = left
            nxt[2 * sel + 1, k] = right
    return nxt


def _speculate(problem: Problem, trees: Sequence[_AxisTree], evaluator: _Evaluator, ids: Arr, levels: int,
               budget: int) -> _Speculated:
    """The generation ``ids`` and every descendant up to ``levels`` further generations,
    as long as the whole batch stays within ``budget`` boxes: codes in one call, classes in one more."""
    gens = [ids]
    geo = [_geometry(trees, ids)]
    total = ids.shape[0]
    while len(gens) <= levels:
        rows = np.flatnonzero(geo[-1][1])
        if not rows.size or total + 2 * rows.size > budget:
            break
        gens.append(_children(trees, gens[-1][rows], geo[-1][0][rows]))
        geo.append(_geometry(trees, gens[-1]))
        total += gens[-1].shape[0]
    every = np.concatenate(gens)
    can = np.concatenate([c for _, c in geo])
    naxes = len(trees)
    cols = [every[:, k] for k in range(naxes)]
    lo = np.column_stack([t.flo[cols[k]] for k, t in enumerate(trees)]).reshape(total, naxes)
    hi = np.column_stack([t.fhi[cols[k]] for k, t in enumerate(trees)]).reshape(total, naxes)
    exact = {i: trees[b[0]].codes[i][cols[b[0]]] for i, b in enumerate(evaluator.exact) if b is not None}
    gen = _decide_all(problem, evaluator.codes(lo, hi, exact), total)
    # a generation's halves come in the order of their parents, two each
    child = np.full(total, -1, dtype=np.int64)
    start = 0
    for g in gens[:-1]:
        end = start + g.shape[0]
        child[start:end] = end + 2 * (np.cumsum(can[start:end]) - 1)
        start = end
    return _Speculated(every, np.concatenate([b for b, _ in geo]), can, gen, child)


def _trees(problem: Problem, evaluator: _Evaluator,
           box: Sequence[tuple[Fraction, Fraction]] | None = None) -> list[_AxisTree]:
    return [
        _AxisTree(axis, [(b[1], b[2]) if b is not None and b[0] == k else None for b in evaluator.exact],
                  None if box is None else box[k])
        for k, axis in enumerate(problem.axes)
    ]


def _levels(
    problem: Problem, evaluator: _Evaluator, trees: Sequence[_AxisTree], depth: int,
    progress: Progress | None, max_cells: int, offset: int = 0, handoff: int | None = None,
) -> tuple[list[Cell], int, int, Arr]:
    """Pave from the trees' roots, one generation per level, down to ``depth``
    bisections; cells record ``offset`` + their level. With ``handoff``, stop at the
    first generation of at least that many cells. Returns (final cells, cells
    evaluated, levels, the generation not evaluated: node ids, empty when done)."""
    # the batch backend evaluates a generation with its descendants a few levels
    # down (only the box decides how a cell splits), in one call while it stays
    # small: a small batch costs numpy's per-call overhead, not its size (not
    # so with finite sums, whose cost grows with the cells' integer values)
    lookahead = LOOKAHEAD_BOXES if evaluator.backend is Backend.BATCH and not evaluator.sums else 0
    ids = np.zeros((1, len(problem.axes)), dtype=np.int64)  # the generation: one node id per axis per cell
    spec: _Speculated | None = None  # when set, the generation is its ``rows``
    rows = np.zeros(0, dtype=np.int64)
    finals: list[tuple[_Speculated, Arr, int]] = []  # the final cells of each level: rows, depth
    evaluated = 0
    levels = 0
    for d in range(depth + 1):
        n = ids.shape[0] if spec is None else rows.shape[0]
        if not n or (handoff is not None and n >= handoff):
            break
        levels += 1
        if spec is None:
            spec = _speculate(problem, trees, evaluator, ids, depth - d, lookahead)
            rows = np.arange(n)
        evaluated += n
        split = spec.can[rows] & ~spec.gen.done[rows] if d < depth else np.zeros(n, dtype=bool)
        finals.append((spec, rows[~split], offset + d))
        parents = rows[split]
        if evaluated + 2 * parents.shape[0] > max_cells:
            raise InputError(f"the paving would exceed {max_cells} cells: lower `depth`")
        first = spec.child[parents]
        if first.shape[0] and first[0] >= 0:  # speculated: the halves' rows
            rows = np.stack([first, first + 1], axis=1).reshape(-1)
        else:
            ids = _children(trees, spec.ids[parents], spec.best[parents])
            spec = None
        if progress is not None:
            progress(offset + d, evaluated, 2 * parents.shape[0])
    pending = ids if spec is None else spec.ids[rows]
    return _cells(problem, trees, finals), evaluated, levels, pending


def _cells(problem: Problem, trees: Sequence[_AxisTree], finals: Sequence[tuple[_Speculated, Arr, int]]) -> list[Cell]:
    """The final cells, level by level, as :class:`Cell`: their fields gathered as arrays,
    the labels made once per distinct key, the Fraction ends once per distinct end."""
    if not finals:
        return []
    parts: list[tuple[_Speculated, list[Arr], list[int]]] = []  # the levels of each batch
    for spec, rows, d in finals:
        if not parts or parts[-1][0] is not spec:
            parts.append((spec, [], []))
        parts[-1][1].append(rows)
        parts[-1][2].append(d)
    picked = [(spec, np.concatenate(rows), np.repeat(ds, [r.shape[0] for r in rows])) for spec, rows, ds in parts]

    def gather(field: Callable[[_Speculated], Arr]) -> Arr:
        return np.concatenate([field(spec)[r] for spec, r, _ in picked])

    ids = gather(lambda s: s.ids).reshape(-1, len(trees))
    klass = gather(lambda s: s.gen.klass)
    n = klass.shape[0]
    labels = _Labels(problem)
    names, vacuity, reasons = (_filled(n, v) for v in ((), (), ""))
    vac = np.flatnonzero(klass == 1)
    if vac.shape[0]:
        # the distinct (baseline mask, cover mask) pairs, by the pair of their ranks (a 2-d unique sorts rows slowly)
        (vms, vi), (cms, ci) = (np.unique(gather(f)[vac], return_inverse=True)
                                for f in (lambda s: s.gen.vac_mask, lambda s: s.gen.cover_mask))
        pairs, where = np.unique(vi.reshape(-1) * cms.shape[0] + ci.reshape(-1), return_inverse=True)
        got = [labels.baselines(int(vms[p // cms.shape[0]]), int(cms[p % cms.shape[0]])) for p in pairs.tolist()]
        names[vac] = _objects([g[0] for g in got])[where.reshape(-1)]
        vacuity[vac] = _objects([g[1] for g in got])[where.reshape(-1)]
    fail = np.flatnonzero(klass == 0)
    if fail.shape[0]:
        reasons[fail] = _objects([p.label for p in problem.premises])[gather(lambda s: s.gen.reason)[fail]]
    keys, where = np.unique(gather(lambda s: s.gen.regime_key), return_inverse=True)
    regimes = _objects([labels.regime_labels(k) for k in keys.tolist()])[where.reshape(-1)]
    ends = [zip(*(e.tolist() for e in t.fraction_ends(ids[:, k])), strict=True) for k, t in enumerate(trees)]
    boxes = zip(*ends, strict=True) if trees else itertools.repeat((), n)
    depths = np.concatenate([d for *_, d in picked]).tolist()
    return list(map(Cell, boxes, _KLASS_OF[klass].tolist(), depths, names.tolist(), reasons.tolist(),
                    regimes.tolist(), vacuity.tolist()))


# a class code (-1 undecided) as the CellClass
_KLASS_OF = np.array([*_KLASSES, CellClass.UNDETERMINED], dtype=object)


def _objects(items: Sequence[Any]) -> Arr:
    """``items`` as a 1-d object array (tuples stay elements)."""
    return np.fromiter(items, dtype=object, count=len(items))


def _filled(n: int, value: Any) -> Arr:
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


@dataclass(frozen=True, slots=True)
class Question:
    """A regime question as picklable inputs (the paper's id or lemma file path,
    the theorem, axes, fixed values, regimes): what a worker rebuilds the
    compiled :class:`Problem` from, once per process."""

    paper: str
    theorem: str
    axes: tuple[Axis, ...]
    fixed: tuple[tuple[str, Fraction], ...]
    regimes: tuple[str, ...] = ()
    known: tuple[tuple[str, str], ...] = ()  # vacuity statuses the caller's problem used (node id, status)

    def problem(self) -> Problem:
        got = _PROBLEMS.get(self)
        if got is None:
            from boundprop.loader import load_paper

            known = {node: CheckResult(Status(status), "vacuity-induction", "the caller's check")
                     for node, status in self.known}
            got = _PROBLEMS[self] = build_problem(load_paper(self.paper), self.theorem, self.axes,
                                                  dict(self.fixed), self.regimes, known=known or None)
        return got


_PROBLEMS: dict[Question, Problem] = {}  # per worker process
_EVALUATORS: dict[tuple[Question, Backend], _Evaluator] = {}


@dataclass(frozen=True, slots=True)
class _Tile:
    """One job of a distributed paving: a cell of generation ``offset``, paved ``depth`` levels further."""

    question: Question
    box: tuple[tuple[Fraction, Fraction], ...]
    depth: int
    offset: int
    backend: Backend
    max_cells: int


def _pave_tile(tile: _Tile) -> tuple[list[Cell], int, int]:
    problem = tile.question.problem()
    key = (tile.question, tile.backend)
    evaluator = _EVALUATORS.get(key)
    if evaluator is None:
        evaluator = _EVALUATORS[key] = _Evaluator(problem, tile.backend)
    cells, evaluated, levels, _ = _levels(problem, evaluator, _trees(problem, evaluator, tile.box), tile.depth,
                                          None, tile.max_cells, tile.offset)
    return cells, evaluated, levels


# tiles per worker of a distributed paving (a few each, so that one slow tile does not idle the rest)
TILES_PER_WORKER = 4


def pave(
    problem: Problem,
    depth: int = DEFAULT_DEPTH,
    backend: Backend | str = Backend.BATCH,
    progress: Progress | None = None,
    max_cells: int = 2_000_000,
    executor: Executor | None = None,
    question: Question | None = None,
) -> RegimeMap:
    """Pave the problem's box into classed cells, splitting undecided cells up
    to ``depth`` bisections.

    With an ``executor`` (:mod:`boundprop.executor`: local processes or a Dask
    cluster) and the ``question`` the problem was built from, the first levels
    are paved here until a generation has a few cells per worker; each of its
    cells is then paved on a worker, which rebuilds the problem from
    ``question``. The cells are the same, in the same order, as without.

    Examples
    --------
    >>> from pathlib import Path
    >>> from boundprop.loader import load_paper
    >>> p = load_paper(Path("tests/data/toy_collapse.toml"))
    >>> axes = [parse_axis("eta=1/100:1/2", p), parse_axis("L=1:4", p)]
    >>> prob = build_problem(p, "R1", axes, {"H": Fraction(2), "phi0": Fraction(1)})
    >>> m = pave(prob, depth=6, backend="scalar")
    >>> m.fractions()["informative"], m.fractions()["vacuous"] > 0.9
    (0.0, True)
    """
    backend = Backend(backend)
    if depth < 0:
        raise InputError("`depth` must be >= 0")
    if max(len(problem.baselines), len(problem.covers)) > 62 or len(problem.regimes) > 39:
        # the per-cell masks and regime keys are int64 (see _decide_all)
        raise InputError("a map takes at most 62 baselines, 62 vacuity theorems and 39 regimes")
    if executor is not None and question is None:
        raise ValueError("a paving on an executor needs the question the problem was built from")
    compile_started = time.perf_counter()
    evaluator = _Evaluator(problem, backend)
    started = time.perf_counter()
    compile_seconds = started - compile_started
    trees = _trees(problem, evaluator)
    workers = executor.workers if executor is not None else 1
    handoff = TILES_PER_WORKER * workers if workers > 1 else None
    cells, evaluated, levels, pending = _levels(problem, evaluator, trees, depth, progress, max_cells, 0, handoff)
    if pending.shape[0] and handoff is not None and executor is not None and question is not None:
        offset = levels
        tiles = [_Tile(question, tuple([t.box(i) for t, i in zip(trees, row, strict=True)]), depth - offset,
                       offset, backend, max_cells) for row in pending.tolist()]
        parts = executor.map(_pave_tile, tiles)
        # a generation lists the halves of its parents in the parents' order: level by level,
        # the tiles' cells in tile order are the cells a local paving lists
        tiled = sorted(((c.depth, t, i, c) for t, (part, _, _) in enumerate(parts) for i, c in enumerate(part)),
                       key=lambda x: x[:3])
        cells += [c for *_, c in tiled]
        evaluated += sum(e for _, e, _ in parts)
        levels = offset + max(lv for _, _, lv in parts)
        if evaluated > max_cells:
            raise InputError(f"the paving would exceed {max_cells} cells: lower `depth`")
        if progress is not None:
            progress(levels - 1, evaluated, 0)
    seconds = time.perf_counter() - started
    return RegimeMap(problem, tuple(cells), depth, backend, seconds, evaluated, levels, compile_seconds)


# ---------------------------------------------------------------------------
# what the report and `boundprop table` render, computed here (renderers only format it)


def default_problem(
    paper: Paper, theorem: str, annotations: Annotations | None = None, known: Mapping[str, CheckResult] | None = None,
) -> Problem:
    """The regime question the annotation file's ``map.THEOREM`` declares (axes, fixed values, regimes).

    Raises :class:`~boundprop.errors.InputError` when it declares no map for ``theorem``.
    ``known``: as in :func:`build_problem`.
    """
    ann = annotations if annotations is not None else load_annotations(paper)
    node = find_node(paper, theorem)
    defaults = ann.maps.get(node.id)
    if defaults is None or not defaults.params:
        raise InputError(f"{node.id}: the annotation file declares no map.{node.id} params", str(ann.source or ""))
    axes = [parse_axis(s, paper, ann) for s in defaults.params]
    fixed = dict(parse_fix(s, paper, ann) for s in defaults.fix)
    return build_problem(paper, node.id, axes, fixed, list(defaults.regimes), ann, known=known)


def row_flags(paper: Paper, table: BoundTable, annotations: Annotations | None = None,
              depth: int = 8, known: Mapping[str, CheckResult] | None = None) -> dict[int, RowFlag]:
    """Mark the rows where the theorem, applied to a network of depth L = ℓ, is
    vacuous (certainly no better than one of its baselines), where its premises
    fail, or where this is undetermined. Rows where the bound is informative
    are not marked.

    Paved over the integer axis L at the table's fixed values (rigorous
    interval evaluation). Returns no flags when the question cannot be posed
    (for instance a baseline needs a parameter the table does not fix).
    """
    if not table.rows:
        return {}
    ann = annotations if annotations is not None else load_annotations(paper)
    depth_name = ann.layer_spec(table.theorem).depth
    if depth_name not in paper.params:
        return {}
    layers = [row.layer for row in table.rows]
    axis = Axis(
        name=depth_name,
        symbol=sp.Symbol(depth_name, integer=True),
        lo=Fraction(min(layers)),
        hi=Fraction(max(layers)),
        integer=True,
        latex=paper.params[depth_name].latex,
    )
    fixed = {k: v for k, v in table.fixed.items() if k != depth_name}
    try:
        problem = build_problem(paper, table.theorem, [axis], fixed, (), ann, known=known)
        span = max(layers) - min(layers) + 1
        rmap = pave(problem, depth=max(depth, span.bit_length() + 2), backend="scalar")
    except BoundpropError:
        return {}
    flags: dict[int, RowFlag] = {}
    for cell in rmap.cells:
        (lo, hi), = cell.box
        klass = cell.klass.value
        if klass == "informative":
            continue
        if klass == "vacuous":
            detail = "no better than " + ", ".join(cell.baselines) if cell.baselines else "vacuous"
        elif klass == "premises-fail":
            detail = cell.reason or "a premise fails"
        else:
            detail = "interval evaluation could not decide"
        for layer in range(int(lo), int(hi) + 1):
            if layer in layers:
                flags[layer] = RowFlag(layer, klass, detail, tuple(cell.baselines))
    return flags


def bound_table(
    paper: Paper,
    theorem: str,
    layers: Sequence[int],
    fix: Sequence[str] = (),
    digits: int = 6,
    recurrence: Callable[[LayerModel], CheckResult] | None = None,
    flags: bool = False,
    annotations: Annotations | None = None,
    known: Mapping[str, CheckResult] | None = None,
) -> BoundTable:
    """``theorem``'s per-layer quantities as certified enclosures: the one assembly of a bound table.

    ``fix`` (``NAME=VALUE``) overrides the annotation file's
    ``table.THEOREM.fix`` and then ``map.THEOREM.fix`` (the first value of a
    name wins); only the values the quantities use are kept. ``recurrence``
    checks the declared recurrence (its outcome goes in the caption);
    ``flags`` marks the rows (:func:`row_flags`; ``known`` as in :func:`build_problem`).
    """
    from boundprop.propagate import layer_model, layer_rows, table_columns

    if not 1 <= digits <= 50:
        raise InputError("digits must be between 1 and 50")
    ann = annotations if annotations is not None else load_annotations(paper)
    node = find_node(paper, theorem)
    given = [parse_fix(s, paper, ann) for s in fix]
    given_names = {name for name, _ in given}
    fixed: dict[str, Fraction] = {}
    defaults = [*ann.table_fix.get(node.id, ()), *(ann.maps[node.id].fix if node.id in ann.maps else ())]
    for spec in defaults:
        if spec.partition("=")[0].strip() not in given_names:
            name, value = parse_fix(spec, paper, ann)
            fixed.setdefault(name, value)
    fixed.update(given)
    model = layer_model(paper, node.id, ann)
    needed = {str(s) for q in model.quantities().values() for s in q.free_symbols}
    needed.discard(str(model.index))
    missing = sorted(needed - set(fixed))
    if missing:
        raise InputError(
            f"{node.id}: give a value for {', '.join(missing)} (NAME=VALUE, or fix in the annotation file's "
            f"[table.{node.id}])"
        )
    fixed = {k: v for k, v in fixed.items() if k in needed}
    rows = layer_rows(model, {k: sp.Rational(v.numerator, v.denominator) for k, v in fixed.items()}, layers)
    note = ""
    if recurrence is not None and model.recurrence is not None:
        result = recurrence(model)
        note = f"{result.status.value} ({result.evidence})"
    index, columns = table_columns(paper, node.id, ann)
    table = BoundTable(paper.id, node.id, node.label, fixed, tuple(rows), digits, columns, note, index)
    if flags:
        table = replace(table, flags=row_flags(paper, table, ann, known=known))
    return table
