"""Vacuity theorems: a theorem's bound is no better than a baseline's, for all parameters.

A node with ``vacuity = { theorem = "R1", baseline = "B-zero-layer", index = "L",
recurrence = "..." }`` states ``LHS >= RHS`` under its hypotheses and ranges, where
``LHS`` must be the theorem's bound (the same expression, checked exactly) and
``RHS`` a lower bound of it. Regime maps (:mod:`boundprop.regimes`) use a proved
vacuity theorem: on a cell where ``RHS >= baseline`` holds throughout, the theorem
is vacuous there without paving.

The proof is an induction over the integer parameter ``index`` from the lower
end of its range, with the one recurrence prover
(:mod:`boundprop.backends.induction`):

1. ``RHS`` solves ``e_{l+1} = recurrence(e_l, l)`` exactly (an identity in ``l``,
   :func:`~boundprop.backends.induction.check_solution`), so it *is* a sequence
   of that recurrence -- the link an induction proof step can only state in words;
2. every sequence of the recurrence starting at ``RHS(start)`` stays below ``LHS``
   (:func:`~boundprop.backends.induction.prove_bound`), hence ``RHS <= LHS``.

Parts of the induction that are not identities are decided by the portfolio;
where they contain powers ``base**(c*l + d)`` of the index, first relaxed by
monotonicity: ``base >= 1`` is proved, and ``base**l`` becomes a fresh variable
``Z >= 1`` (for ``l >= 0``). A proof of the relaxed statement proves the original
(its domain is larger); a counterexample to it proves nothing, so it is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import sympy as sp

from boundprop.backends import portfolio
from boundprop.backends.induction import Recurrence, check_solution, prove_bound
from boundprop.backends.induction import _domain_conditions as domain_conditions
from boundprop.encode import Namespace, node_variables, relations
from boundprop.errors import InputError
from boundprop.lemma import Node, Paper
from boundprop.propagate import theorem_bound
from boundprop.statement import Budget, Statement, Variable
from boundprop.verdict import CheckResult, Status

__all__ = ["METHOD", "VacuityClaim", "check_vacuity", "domain_conditions", "proved_claims", "vacuity_claim"]

METHOD = "vacuity-induction"
Decide = Callable[[Statement, Budget], CheckResult]


@dataclass(frozen=True, slots=True)
class VacuityClaim:
    """``lower <= bound(theorem)`` for every parameter value allowed by
    ``hypotheses`` and ``variables``' ranges (the index included)."""

    node: str
    theorem: str
    baseline: str
    lower: sp.Expr
    hypotheses: tuple[sp.Basic, ...]
    variables: tuple[Variable, ...]


def vacuity_claim(paper: Paper, node: Node) -> VacuityClaim:
    """The claim of a vacuity node; an input error if its conclusion is not
    ``bound(theorem) >= RHS``."""
    spec = node.vacuity
    where = paper.where(node.line)
    if spec is None or node.conclusion is None:
        raise InputError(f"node {node.id!r} is not a vacuity theorem", where)
    theorem, baseline = paper.nodes[spec["theorem"]], paper.nodes[spec["baseline"]]
    space = Namespace(paper)
    rel = relations(space.parse(node.conclusion, where), node.conclusion, where)
    if isinstance(rel, sp.GreaterThan):
        upper, lower = rel.lhs, rel.rhs
    elif isinstance(rel, sp.LessThan):
        upper, lower = rel.rhs, rel.lhs
    else:
        raise InputError(f"node {node.id!r}: a vacuity conclusion reads 'BOUND >= RHS'", where)
    quantity, bound = theorem_bound(paper, theorem)
    bq, _ = theorem_bound(paper, baseline)
    if bq != quantity:
        raise InputError(f"node {node.id!r}: {baseline.id!r} bounds {bq}, {theorem.id!r} bounds {quantity}", where)
    if sp.simplify(sp.sympify(upper) - bound) != 0:
        raise InputError(
            f"node {node.id!r}: the left side {upper} is not the bound {bound} of {theorem.id!r}", where
        )
    hyps = tuple(h for h in (relations(space.parse(t, where), t, where) for t in node.hypotheses)
                 if h is not sp.true)
    variables = node_variables(paper, node, [sp.sympify(upper), sp.sympify(lower), *hyps], where)
    return VacuityClaim(node.id, theorem.id, baseline.id, sp.sympify(lower), hyps, variables)


def check_vacuity(paper: Paper, node: Node, budget: Budget, decide: Decide | None = None) -> CheckResult:
    """Prove a vacuity node by induction over its index (see the module notes).

    ``decide`` decides the parts of the induction (default: the portfolio);
    the result is PROVED, REFUTED (the induction's extremal sequence, which
    here is ``RHS`` itself, exceeds the bound at an exact point) or UNKNOWN.
    """
    spec = node.vacuity or {}
    where = paper.where(node.line)
    claim = vacuity_claim(paper, node)
    decide = decide or portfolio.decide
    space = Namespace(paper)
    index_name = spec["index"]
    if index_name not in paper.params or not paper.params[index_name].integer:
        raise InputError(f"node {node.id!r}: vacuity.index {index_name!r} must be an integer parameter", where)
    index = space.names[index_name]
    lo, hi = node.ranges.get(index_name, (paper.params[index_name].lo, paper.params[index_name].hi))
    start, top = sp.sympify(lo), sp.sympify(hi)
    if not start.is_Integer:
        raise InputError(f"node {node.id!r}: the range of {index_name} needs a finite lower end", where)
    e = sp.Symbol("e__prev", real=True)
    update = sp.sympify(space.parse(spec["recurrence"], where, {"e": e}))
    stray = update.free_symbols - {e, index} - {v.symbol for v in claim.variables}
    if stray:  # every symbol must be quantified over the claim's ranges
        names = ", ".join(sorted(str(x) for x in stray))
        raise InputError(f"node {node.id!r}: the recurrence mentions {names}, which the conclusion does not", where)
    _, bound = theorem_bound(paper, paper.nodes[claim.theorem])
    params = tuple(v for v in claim.variables if v.symbol != index)
    l_max = int(top) if top.is_finite else None
    relaxed = _relaxing(decide)
    # 1. RHS is a sequence of the recurrence (exactly)
    exact = Recurrence.from_update(index, update, e, claim.lower.xreplace({index: 0}), claim.lower, params)
    if exact.update is not None:
        return CheckResult(Status.UNKNOWN, METHOD, f"the recurrence {update} is not affine in e")
    solves = check_solution(exact)
    if solves.status is not Status.PROVED:
        return CheckResult(
            Status.UNKNOWN, METHOD,
            f"the right side {claim.lower} is not shown to solve e_(l+1) = {update} exactly: {solves.evidence}",
        )
    # 2. every sequence of the recurrence from RHS(start) stays below the theorem's bound
    rec = Recurrence.from_update(
        index, update, e, claim.lower.xreplace({index: start}), bound, params, claim.hypotheses,
        l_max=l_max, start=int(start),
    )
    result = prove_bound(rec, budget, decide=relaxed)
    defined = _defined(claim, index, budget, relaxed)
    if result.status is Status.PROVED and defined.status is not Status.PROVED:
        return CheckResult(Status.UNKNOWN, METHOD, f"{result.evidence}; but {defined.evidence}", result.seconds)
    scope = f"{index_name} >= {start}" if l_max is None else f"{start} <= {index_name} <= {l_max}"
    story = (
        f"the right side solves the recurrence exactly ({solves.evidence}); {result.evidence}; "
        f"hence {claim.lower} <= {bound} for all {scope}"
    )
    if result.status is Status.PROVED:
        return CheckResult(Status.PROVED, METHOD, story, result.seconds, details=result.details)
    return replace(result, method=METHOD, evidence=f"vacuity not proved: {result.evidence}")


def _defined(claim: VacuityClaim, index: sp.Symbol, budget: Budget, decide: Decide) -> CheckResult:
    """Every power and log of the right side is defined on the claim's domain."""
    conds = domain_conditions([claim.lower], claim.variables)
    for cond in conds:
        free = sp.sympify(cond).free_symbols
        variables = tuple(v for v in claim.variables if v.symbol in free)
        hyps = tuple(h for h in claim.hypotheses if h.free_symbols <= free and index not in h.free_symbols)
        res = decide(Statement(variables, hyps, cond, note="domain of the right side"), budget)
        if res.status is not Status.PROVED:
            return CheckResult(Status.UNKNOWN, METHOD, f"the right side's condition {cond} is not proved")
    return CheckResult(Status.PROVED, METHOD, "the right side is defined")


def _relaxing(decide: Decide) -> Decide:
    def relaxed_decide(statement: Statement, budget: Budget) -> CheckResult:
        return _decide_relaxed(statement, budget, decide)

    return relaxed_decide


def _decide_relaxed(statement: Statement, budget: Budget, decide: Decide) -> CheckResult:
    """Decide ``statement``; powers of a nonnegative integer variable become
    fresh variables ``Z >= 1`` first, where their base is proved ``>= 1``."""
    integer_vars = {v.symbol: v for v in statement.variables if v.integer}
    exprs = [statement.conclusion, *statement.hypotheses]
    powers = [p for e in exprs for p in sp.sympify(e).atoms(sp.Pow)
              if p.exp.free_symbols & set(integer_vars)]
    if not powers:
        return decide(statement, budget)
    fresh: dict[tuple[sp.Expr, sp.Symbol], sp.Symbol] = {}
    replace_map: dict[sp.Expr, sp.Expr] = {}
    notes = []
    for p in powers:
        index_syms = p.exp.free_symbols & set(integer_vars)
        if len(index_syms) != 1:
            return _unknown(f"the power {p} has several index variables")
        (k,) = index_syms
        var = integer_vars[k]
        exponent = sp.expand(p.exp)
        c = sp.diff(exponent, k)
        d = sp.expand(exponent - c * k)
        if not (c.is_Integer and c > 0 and d.is_Integer) or k in p.base.free_symbols:
            return _unknown(f"the exponent of {p} is not c*{k} + d with integers c > 0, d")
        if not (var.lo.is_finite and var.lo >= 0):
            return _unknown(f"{k} may be negative, so {p.base}**{k} >= 1 does not follow")
        key = (p.base, k)
        if key not in fresh:
            base_free = p.base.free_symbols
            base_vars = tuple(v for v in statement.variables if v.symbol in base_free)
            hyps = tuple(h for h in statement.hypotheses if sp.sympify(h).free_symbols <= base_free)
            base_ok = decide(Statement(base_vars, hyps, p.base >= 1, note="base of a power"), budget)
            if base_ok.status is not Status.PROVED:
                return _unknown(f"{p.base} >= 1 is not proved ({base_ok.status.value})")
            fresh[key] = sp.Symbol(f"Z{len(fresh)}__pow", real=True)
            notes.append(f"({p.base})**{k} >= 1 as {p.base} >= 1 ({base_ok.method}) and {k} >= {var.lo}")
        replace_map[p] = fresh[key] ** c * p.base**d
    conclusion = sp.sympify(statement.conclusion).xreplace(replace_map)
    hyps = tuple(sp.sympify(h).xreplace(replace_map) for h in statement.hypotheses)
    zs = tuple(Variable(z, sp.Integer(1), sp.oo, False) for z in fresh.values())
    relaxed = Statement((*statement.variables, *zs), hyps, conclusion, note=f"{statement.note}, relaxed")
    res = decide(relaxed, budget)
    how = "; ".join(notes)
    if res.status is Status.PROVED:
        return replace(res, evidence=f"relaxed by monotonicity ({how}): {res.evidence}")
    return _unknown(f"the relaxed statement ({how}) is {res.status.value}: {res.evidence}")


def _unknown(why: str) -> CheckResult:
    return CheckResult(Status.UNKNOWN, METHOD, why)


def proved_claims(
    paper: Paper, theorem: str, budget: Budget | None = None, decide: Decide | None = None,
    known: Mapping[str, CheckResult] | None = None,
) -> tuple[tuple[VacuityClaim, CheckResult], ...]:
    """Every vacuity node about ``theorem`` with its check; the caller keeps the proved ones.

    ``known`` holds results of an earlier check of this very paper (the
    results cache is keyed by its files and the engine): a node found there
    is not checked again, which is most of the time of a report after ``check``.
    """
    out = []
    for node in paper.nodes.values():
        if node.vacuity is not None and node.vacuity["theorem"] == theorem:
            found = (known or {}).get(node.id)
            result = found if found is not None else check_vacuity(paper, node, budget or Budget(), decide)
            out.append((vacuity_claim(paper, node), result))
    return tuple(out)
