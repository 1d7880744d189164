"""Layer quantities propagated through the proofs, exactly and rigorously.

For a theorem whose conclusion has the form ``Q <= BOUND`` (``Q`` a single
parameter such as ``err``), this module builds a :class:`LayerModel`: the
per-layer magnitude φ_ℓ, the per-layer deviation ε_ℓ and the accumulated
error e_ℓ (the bound with the number of layers ``L`` replaced by ℓ) as exact
sympy expressions, together with the recurrence the proof unrolls (for R1:
e_{ℓ+1} = (1+Hη)·e_ℓ + H·ε_ℓ, e_0 = 0). :func:`check_recurrence` checks by
induction that the closed form equals (or bounds) the recurrence, and
:func:`layer_rows` encloses the quantities at fixed parameters for
``boundprop table``.

The quantities of a bound table (any number of them: φ_ℓ, ε_ℓ, e_ℓ, ...) and
the recurrence come from the paper's *annotation file* ``<lemma file
stem>.regimes.toml`` (``[layers.THEOREM] quantities``, see
:func:`load_annotations` and docs/regimes-format.md). Without one, the
quantities are φ_ℓ = ``phi_l(l)``, ε_ℓ = ``eps_l(l)`` and e_ℓ, and there is no
recurrence.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import sympy as sp

from boundprop.encode import Namespace, node_variables, param_symbol, relations
from boundprop.errors import BoundpropError, InputError
from boundprop.lemma import Node, Paper
from boundprop.loader.annotations import (  # re-exported: the schema moved to the loader
    Annotations,
    BaselineDecl,
    LayerSpec,
    MapDefaults,
    QuantityDecl,
    RegimeDecl,
    annotations_path,
    load_annotations,
)
from boundprop.statement import Variable
from boundprop.tables import COLUMNS, BoundTable, Column, Enclosure, LayerRow, RowFlag  # re-exported
from boundprop.verdict import CheckResult, Status, Tri

__all__ = [
    "COLUMNS",
    "Annotations",
    "BaselineDecl",
    "BoundTable",
    "Column",
    "Enclosure",
    "LayerModel",
    "LayerRow",
    "LayerSpec",
    "MapDefaults",
    "RegimeDecl",
    "RowFlag",
    "annotations_path",
    "check_recurrence",
    "declared_quantities",
    "enclose_box",
    "layer_box_rows",
    "expand_finite_sums",
    "enclose_point",
    "find_node",
    "layer_model",
    "layer_rows",
    "load_annotations",
    "table_columns",
    "theorem_bound",
]


# ---------------------------------------------------------------------------
# theorems and their bounds


def find_node(paper: Paper, name: str) -> Node:
    """A node by id, or by label when no id matches (one line error otherwise)."""
    if name in paper.nodes:
        return paper.nodes[name]
    by_label = [n for n in paper.nodes.values() if n.label == name]
    if len(by_label) == 1:
        return by_label[0]
    from boundprop.suggest import did_you_mean

    known = ", ".join(repr(n) for n in paper.nodes)
    hint = did_you_mean(name, [*paper.nodes, *(n.label for n in paper.nodes.values())])
    raise InputError(f"no node {name!r} in {paper.id}{hint} (nodes: {known})")


def theorem_bound(paper: Paper, node: Node, names: Mapping[str, Any] | None = None) -> tuple[sp.Symbol, sp.Expr]:
    """``(Q, BOUND)`` of a node whose conclusion reads ``Q <= BOUND`` (or ``BOUND >= Q``).

    Examples
    --------
    >>> from boundprop.loader import load_paper
    >>> p = load_paper("example")
    >>> theorem_bound(p, p.nodes["E1"])
    Traceback (most recent call last):
    ...
    boundprop.errors.InputError: node 'E1': the conclusion must read 'Q <= BOUND' with Q a parameter, not 'g(x) <= 2*x'
    """
    where = paper.where(node.line)
    if node.conclusion is None:
        raise InputError(f"node {node.id!r} has no conclusion, so no bound to map")
    space = Namespace(paper)
    rel = relations(space.parse(node.conclusion, where, names), node.conclusion, where)
    if isinstance(rel, (sp.LessThan, sp.StrictLessThan)):
        quantity, bound = rel.lhs, rel.rhs
    elif isinstance(rel, (sp.GreaterThan, sp.StrictGreaterThan)):
        quantity, bound = rel.rhs, rel.lhs
    else:
        quantity, bound = None, None
    if not isinstance(quantity, sp.Symbol) or quantity in bound.free_symbols:
        raise InputError(
            f"node {node.id!r}: the conclusion must read 'Q <= BOUND' with Q a parameter, "
            f"not {node.conclusion!r}"
        )
    return quantity, sp.sympify(bound)


# ---------------------------------------------------------------------------
# the layer model


@dataclass(frozen=True, slots=True)
class LayerModel:
    """A theorem's per-layer quantities as exact sympy expressions in ``index``.

    ``error`` is e_ℓ, the theorem's bound with ``depth`` (L) replaced by the
    layer index; ``recurrence`` (if declared) is e_{ℓ+1} as an expression in
    ``e_symbol`` (e_ℓ) and ``index``.
    """

    theorem: str
    quantity: sp.Symbol
    index: sp.Symbol
    depth: sp.Symbol
    bound: sp.Expr
    # the table's quantities by column key, in the annotation file's order, as
    # expressions in ``index`` (the bounded quantity replaced by ``error``)
    exprs: tuple[tuple[str, sp.Expr], ...]
    error: sp.Expr
    e_symbol: sp.Symbol
    recurrence: sp.Expr | None
    base: sp.Expr
    start: int
    relation: str
    # the theorem's parameters with their ranges, its hypotheses and the top
    # of the layer index's range: what the upper-bound induction decides over
    parameters: tuple[Variable, ...] = ()
    hypotheses: tuple[sp.Basic, ...] = ()
    index_hi: int | None = None

    def quantities(self) -> dict[str, sp.Expr]:
        """The table's quantities by column key (:func:`table_columns` names the same keys),
        as expressions in the layer index."""
        return dict(self.exprs)

    def at(self, layer: int) -> dict[str, sp.Expr]:
        """The quantities at one layer, as exact expressions in the parameters."""
        sub = {self.index: sp.Integer(layer)}
        return {name: expand_finite_sums(sp.sympify(e).xreplace(sub)) for name, e in self.quantities().items()}


def layer_model(paper: Paper, theorem: str, annotations: Annotations | None = None) -> LayerModel:
    """The :class:`LayerModel` of ``theorem`` (node id or label).

    Examples
    --------
    >>> from pathlib import Path
    >>> from boundprop.loader import load_paper
    >>> p = load_paper(Path("tests/data/toy_collapse.toml"))
    >>> m = layer_model(p, "R1")
    >>> m.error
    2*H*eta*l*phi0*(H*eta + 1)**(l - 1)
    >>> m.quantities()["eps"]
    2*eta*phi0*(H*eta + 1)**l
    """
    node = find_node(paper, theorem)
    ann = annotations if annotations is not None else load_annotations(paper)
    spec = ann.layer_spec(node.id)
    where = str(ann.source or paper.source)
    space = Namespace(paper)
    for name in (spec.index, spec.depth):
        if name not in paper.params or not paper.params[name].integer:
            raise InputError(f"layer index/depth {name!r} must be an integer parameter of {paper.id}", where)
    index = param_symbol(paper.params[spec.index])
    depth = param_symbol(paper.params[spec.depth])
    quantity, bound = theorem_bound(paper, node)
    e_symbol = sp.Symbol("e", real=True)
    recurrence = None
    base_text, start = spec.base, spec.start
    rec_text = spec.recurrence
    error = bound.xreplace({depth: index})
    per_layer = _quantity_exprs(space, spec, quantity, error, str(ann.source or paper.source))
    if rec_text is None:
        # the induction step of the theorem's own proof, if it has one over the layer index
        proof = paper.proofs.get(node.id)
        for step in proof.steps if proof is not None else ():
            if step.induction is not None and step.induction.get("index") == spec.index:
                rec_text = step.induction["recurrence"]
                base_text = step.induction.get("base", base_text)
                start = int(step.induction.get("start", start))
                where = f"{proof.source}:{step.line}" if proof is not None else where
    if rec_text is not None:
        recurrence = sp.sympify(space.parse(rec_text, where, {"e": e_symbol}))
    base_expr = sp.sympify(space.parse(base_text, where))
    hypotheses = tuple(
        h for h in (relations(space.parse(t, where), t, where) for t in node.hypotheses) if h is not sp.true
    )
    exprs = [error, base_expr, *([recurrence] if recurrence is not None else []), *hypotheses]
    parameters = tuple(
        v for v in node_variables(paper, node, exprs, where) if v.symbol not in (index, e_symbol)
    )
    hi = sp.sympify(node.ranges.get(spec.index, (paper.params[spec.index].lo, paper.params[spec.index].hi))[1])
    return LayerModel(
        theorem=node.id,
        quantity=quantity,
        index=index,
        depth=depth,
        bound=bound,
        exprs=per_layer,
        error=error,
        e_symbol=e_symbol,
        recurrence=recurrence,
        base=base_expr,
        start=start,
        relation=spec.relation,
        parameters=parameters,
        hypotheses=hypotheses,
        index_hi=int(sp.floor(hi)) if hi.is_finite else None,
    )


def declared_quantities(spec: LayerSpec, quantity: str) -> tuple[QuantityDecl, ...]:
    """The annotation file's ``quantities`` of a theorem, else the default three:
    φ_ℓ = ``phi_l(l)``, ε_ℓ = ``eps_l(l)`` and e_ℓ, the bounded ``quantity``."""
    if spec.quantities:
        return spec.quantities
    return tuple(
        QuantityDecl(c.key, c.title, c.latex, expr)
        for c, expr in zip(COLUMNS, ("phi_l(l)", "eps_l(l)", quantity), strict=True)
    )


def _quantity_exprs(
    space: Namespace, spec: LayerSpec, quantity: sp.Symbol, error: sp.Expr, source: str
) -> tuple[tuple[str, sp.Expr], ...]:
    """Each declared quantity parsed, with the bounded quantity standing for e_ℓ."""
    out = []
    for decl in declared_quantities(spec, str(quantity)):
        expr = sp.sympify(space.parse(decl.expr, f"{source}:{decl.line}" if decl.line else source))
        out.append((decl.key, expr.xreplace({s: error for s in expr.free_symbols if str(s) == str(quantity)})))
    return tuple(out)


def check_recurrence(model: LayerModel, samples: int = 6) -> CheckResult:
    """Check by induction that the closed form e_ℓ solves (or bounds) the recurrence.

    ``equal``: base case e(start) = base and inductive step
    e(ℓ+1) = rec(e(ℓ), ℓ) for every ℓ, both by exact algebra (the difference
    simplifies to 0: a proof). ``upper``: e(start) >= base, rec nondecreasing
    in e, and e(ℓ+1) >= rec(e(ℓ), ℓ), by the one recurrence prover
    (:func:`boundprop.backends.induction.prove_bound`) over the theorem's
    parameter ranges and the layer index's range, each part that is not an
    identity decided by the portfolio.
    Where the algebra does not close, the identity is tested at exact
    rational points (status ``tested``, never ``proved``), and a point where
    it fails refutes it.

    Examples
    --------
    >>> from pathlib import Path
    >>> from boundprop.loader import load_paper
    >>> p = load_paper(Path("tests/data/toy_collapse.toml"))
    >>> check_recurrence(layer_model(p, "R1")).status
    <Status.PROVED: 'proved'>
    """
    started = time.perf_counter()
    if model.recurrence is None:
        return CheckResult(Status.UNKNOWN, "induction", "no recurrence declared for this theorem")
    i, e = model.index, model.e_symbol
    closed = model.error
    start = sp.Integer(model.start)
    base_gap = sp.simplify(expand_finite_sums(closed.xreplace({i: start})) - model.base)
    step_gap = _normal_zero(closed.xreplace({i: i + 1}) - model.recurrence.xreplace({e: closed}), i)
    if model.relation == "equal":
        if base_gap == 0 and step_gap == 0:
            return CheckResult(
                Status.PROVED, "induction",
                "base case and inductive step hold as exact algebraic identities (difference simplifies to 0)",
                time.perf_counter() - started,
            )
        failing = _exact_spot_check(model, base_gap, step_gap, samples)
        if failing is not None:
            return CheckResult(
                Status.REFUTED, "induction", f"closed form differs from the recurrence at {failing}",
                time.perf_counter() - started, counterexample=failing,
            )
        return CheckResult(
            Status.TESTED, "induction",
            f"identity not closed by algebra; holds exactly at {samples} rational points per case",
            time.perf_counter() - started,
        )
    return _check_upper(model, base_gap, started)


def _split_powers(expr: sp.Expr, index: sp.Symbol) -> sp.Expr:
    """Rewrite ``b**(a*l + c)`` (c a nonzero integer) as ``b**(a*l) * b**c``."""

    def rewrite(power: Any) -> Any:
        constant, rest = sp.expand(power.exp).as_coeff_Add()
        if constant != 0 and constant.is_Integer and index in rest.free_symbols:
            return sp.Pow(power.base, rest, evaluate=False) * power.base**constant
        return power

    return sp.sympify(expr).replace(
        lambda x: isinstance(x, sp.Pow) and index in x.exp.free_symbols, rewrite
    )


def expand_finite_sums(expr: Any) -> Any:
    """Replace every ``Sum`` with integer limits by the explicit sum of its terms
    (an empty range gives 0), innermost first.

    >>> j = sp.Symbol("j", integer=True); x = sp.Symbol("x")
    >>> expand_finite_sums(sp.Sum(x**j, (j, 0, 2)))
    x**2 + x + 1
    >>> expand_finite_sums(sp.Sum(x**j, (j, 0, -1)))
    0
    """
    expr = sp.sympify(expr)
    if not expr.has(sp.Sum):
        return expr

    def expand(node: Any) -> Any:
        term = node.function
        for index, lo, hi in reversed(node.limits):
            if not (lo.is_Integer and hi.is_Integer):
                return node
            if int(hi) - int(lo) > 100_000:
                raise InputError(f"a sum of {int(hi) - int(lo) + 1} terms is too long to expand")
            term = sp.Add(*[term.xreplace({index: sp.Integer(m)}) for m in range(int(lo), int(hi) + 1)])
        return term

    return expr.replace(lambda x: isinstance(x, sp.Sum), expand)


def _peel_sums(expr: sp.Expr, index: sp.Symbol) -> sp.Expr:
    """Rewrite ``Sum(f, (j, a, index + c))`` (c >= -1) as ``Sum(f, (j, a, index - 1))``
    plus the explicit terms ``j = index .. index + c``, and pull the factors
    that do not depend on ``j`` (after splitting powers) out of every sum."""

    def peel(node: Any) -> Any:
        if len(node.limits) != 1:
            return node
        j, lo, hi = node.limits[0]
        c = sp.expand(hi - (index - 1))
        if not c.is_Integer or c < 0:
            return node
        f = node.function
        extra = [f.xreplace({j: index + m}) for m in range(int(c))]
        inside, outside = [], []
        for factor in sp.Mul.make_args(sp.expand_power_base(f)):
            if isinstance(factor, sp.Pow) and j in factor.exp.free_symbols:
                exponent = sp.expand(factor.exp)
                with_j = sp.Add(*[t for t in sp.Add.make_args(exponent) if j in t.free_symbols])
                inside.append(sp.Pow(factor.base, with_j))
                outside.append(sp.Pow(factor.base, sp.expand(exponent - with_j)))
            else:
                (inside if j in factor.free_symbols else outside).append(factor)
        core = sp.Sum(sp.Mul(*inside), (j, lo, index - 1))
        return sp.Mul(*outside) * core + sp.Add(*extra)

    return sp.sympify(expr).replace(lambda x: isinstance(x, sp.Sum), peel)


def _split_powers_all(expr: Any, index: sp.Symbol) -> Any:
    """Rewrite ``b**(a*index + rest)`` as ``b**(a*index) * b**rest``."""

    def rewrite(power: Any) -> Any:
        exponent = sp.expand(power.exp)
        a = exponent.coeff(index)
        rest = sp.expand(exponent - a * index)
        if a != 0 and rest != 0 and index not in rest.free_symbols and index not in a.free_symbols:
            return sp.Pow(power.base, a * index, evaluate=False) * sp.Pow(power.base, rest)
        return power

    return sp.sympify(expr).replace(
        lambda x: isinstance(x, sp.Pow) and index in x.exp.free_symbols, rewrite
    )


def _normal_zero(expr: sp.Expr, index: sp.Symbol) -> sp.Expr:
    """``expr`` simplified with every power ``b**(a*l)`` and every remaining
    sum replaced by a fresh symbol: 0 only if ``expr`` vanishes identically
    (the replaced parts are treated as independent unknowns, which can only
    make cancellation harder, never invent it)."""
    original = sp.sympify(expr)
    expr = original
    if expr.has(sp.Sum):
        expr = _peel_sums(expr, index)
        sums: dict[sp.Expr, sp.Symbol] = {}
        for node in sorted(expr.atoms(sp.Sum), key=str):
            sums[node] = sp.Symbol(f"s__{len(sums)}", real=True)
        expr = expr.xreplace(sums)
    split = _split_powers(sp.sympify(expr), index)
    fresh: dict[sp.Expr, sp.Symbol] = {}
    for power in sorted(split.atoms(sp.Pow), key=str):
        if index in power.exp.free_symbols:
            fresh[power] = sp.Symbol(f"z__{len(fresh)}", positive=True)
    result: sp.Expr = sp.simplify(split.xreplace(fresh))
    return result if result == 0 else original


def _spot_points(model: LayerModel, gap: sp.Expr, samples: int) -> list[dict[sp.Symbol, sp.Rational]]:
    symbols = sorted(gap.free_symbols, key=str)
    points = []
    for k in range(samples):
        point = {}
        for j, s in enumerate(symbols):
            if s == model.index or s.is_integer:
                point[s] = sp.Integer(1 + (k + j) % 5)
            else:
                point[s] = sp.Rational(1 + (3 * k + j) % 7, 8)
        points.append(point)
    return points


def _exact_spot_check(
    model: LayerModel, base_gap: sp.Expr, step_gap: sp.Expr, samples: int
) -> dict[str, str] | None:
    from boundprop.interval import truth_at_point

    for case, gap in (("base case", base_gap), ("inductive step", step_gap)):
        for point in _spot_points(model, gap, samples):
            value = expand_finite_sums(gap.xreplace(point))
            # decided by the interval layer (exactly where rational), never by a tolerance
            wrong = value != 0 if value.is_Rational else \
                truth_at_point(sp.Eq(value, 0, evaluate=False), {}) is Tri.FALSE
            if wrong:
                found = {str(k): str(v) for k, v in point.items()}
                if case == "base case":
                    found[str(model.index)] = str(model.start)
                return found
    return None


def _check_upper(model: LayerModel, base_gap: sp.Expr, started: float) -> CheckResult:
    """The upper-bound induction, by :func:`boundprop.backends.induction.prove_bound`
    over the model's real parameter ranges (``base_gap`` is shown by it again)."""
    from boundprop.backends import portfolio
    from boundprop.backends.induction import Recurrence, prove_bound
    from boundprop.statement import Budget

    assert model.recurrence is not None
    rec = Recurrence.from_update(
        model.index, model.recurrence, model.e_symbol, model.base, model.error, model.parameters,
        model.hypotheses, l_max=model.index_hi, start=model.start,
    )
    # deterministic limits (boxes, samples, z3 rlimit); seconds stays the outer cap only
    result = prove_bound(rec, Budget(max_boxes=5_000, samples=1_000), decide=portfolio.decide)
    seconds = time.perf_counter() - started
    if result.status is Status.PROVED:
        return replace(result, evidence=f"closed form bounds the recurrence: {result.evidence}", seconds=seconds)
    return replace(result, seconds=seconds)


# ---------------------------------------------------------------------------
# enclosures at fixed parameters (for tables)


# Exact rational evaluation is attempted only below this many digits.
_MAX_EXACT_DIGITS = 2000


def enclose_point(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Rational]) -> Enclosure:
    """Enclose ``expr`` at an exact point: exactly when it is rational there,
    otherwise by the scalar interval path (correctly rounded, outward).

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> enclose_point(x**2 + 1, {x: sp.Rational(1, 3)})
    Enclosure(lo=Fraction(10, 9), hi=Fraction(10, 9), exact=Fraction(10, 9))
    >>> r = enclose_point(sp.exp(x), {x: sp.Integer(1)})
    >>> Fraction(27182818, 10**7) < r.lo < r.hi < Fraction(27182819, 10**7)  # e = 2.71828182...
    True
    """
    from boundprop.interval import enclose
    from boundprop.interval.scalar import hi_of, lo_of

    expr = sp.sympify(expr)
    sub = {s: v for s, v in values.items() if s in expr.free_symbols}
    missing = expr.free_symbols - set(sub)
    by_name = {str(s): v for s, v in values.items()}
    for s in list(missing):
        if str(s) in by_name:
            sub[s] = by_name[str(s)]
            missing.discard(s)
    if missing:
        raise InputError(f"no value for {', '.join(sorted(map(str, missing)))}: give them in `fix` (NAME=VALUE)")
    if not expr.has(sp.exp, sp.log, sp.sqrt, sp.Pow) or _small_powers(expr, sub):
        value = expr.xreplace(sub)
        if value.is_Rational:
            f = Fraction(int(value.p), int(value.q))
            return Enclosure(f, f, f)
    try:
        iv = enclose(expr, {s: (v, v) for s, v in sub.items()})
    except BoundpropError as exc:
        raise InputError(f"cannot enclose {expr} at the given point: {exc}") from None
    lo, hi = lo_of(iv), hi_of(iv)
    if lo != lo or hi != hi or abs(lo) == float("inf") or abs(hi) == float("inf"):
        # beyond the float range: mpmath's interval arithmetic has no exponent limit
        return _mp_enclose(expr, sub)
    return Enclosure(Fraction(lo), Fraction(hi))


# Largest magnitude, in bits, an enclosure is turned into exact fractions for.
MAX_EXACT_BITS = 1 << 22


class ValueTooLarge(InputError):
    """A certified value too large to write down exactly."""


def _mp_enclose(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Rational], prec: int = 80) -> Enclosure:
    """Enclose ``expr`` with ``mpmath.iv`` (outward rounded, unbounded exponents)."""
    import mpmath

    from boundprop.interval.mpiv import compile_mpiv, iv_range

    ctx = mpmath.iv
    saved = ctx.prec
    ctx.prec = prec
    try:
        symbols = list(values)
        inputs = [iv_range(*v) if isinstance(v, tuple) else iv_range(v, v) for v in values.values()]
        try:
            value = compile_mpiv(sp.sympify(expr), symbols)(inputs)
        except BoundpropError as exc:  # UndefinedError included: a domain the box may leave
            raise InputError(f"cannot enclose {expr} beyond the float range: {exc}") from None
        lo_raw, hi_raw = value._mpi_
        special = (mpmath.libmp.finf, mpmath.libmp.fninf, mpmath.libmp.fnan)
        if lo_raw in special or hi_raw in special:
            raise InputError(f"enclosure of {expr} is not finite at the given point")
        for raw in (lo_raw, hi_raw):
            # (sign, mantissa, exponent, bits): an exact Fraction of 2**(exponent+bits)
            # would need that many bits of memory (R2 reaches 10**(10**47435)).
            if raw[1] and raw[2] + raw[3] > MAX_EXACT_BITS:
                raise ValueTooLarge(
                    f"the value exceeds 2**{MAX_EXACT_BITS} (about 10**{int(MAX_EXACT_BITS * 0.30103)}) at the "
                    "given point; choose fewer layers or smaller parameters"
                )
        lo = Fraction(*mpmath.libmp.to_rational(lo_raw))  # binary floats: exact
        hi = Fraction(*mpmath.libmp.to_rational(hi_raw))
    finally:
        ctx.prec = saved
    return Enclosure(lo, hi)


def _small_powers(expr: sp.Expr, sub: Mapping[sp.Symbol, sp.Rational]) -> bool:
    for p in expr.atoms(sp.Pow):
        exponent = p.exp.xreplace(dict(sub))
        if not exponent.is_Integer:
            return False
        base = p.base.xreplace(dict(sub))
        if base.is_Rational:
            digits = max(len(str(base.p)), len(str(base.q)))
            if digits * abs(int(exponent)) > _MAX_EXACT_DIGITS:
                return False
    return not expr.has(sp.exp, sp.log)


def enclose_box(expr: sp.Expr, box: Mapping[str, tuple[sp.Rational, sp.Rational]]) -> Enclosure:
    """A rigorous enclosure of ``expr`` over a parameter box (names → exact ends),
    by the scalar interval path; finite sums must have numeric limits.

    >>> x = sp.Symbol("x", real=True)
    >>> enclose_box(x**2, {"x": (sp.Integer(-1), sp.Integer(2))}).hi >= 4
    True
    """
    from boundprop.interval import enclose
    from boundprop.interval.scalar import hi_of, lo_of

    expr = expand_finite_sums(sp.sympify(expr))
    by_name = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    missing = sorted(set(by_name) - set(box))
    if missing:
        raise InputError(f"no range for {', '.join(missing)}")
    try:
        iv = enclose(expr, {by_name[k]: v for k, v in box.items() if k in by_name})
    except BoundpropError as exc:
        raise InputError(f"cannot enclose {expr} on the box: {exc}") from None
    lo, hi = lo_of(iv), hi_of(iv)
    if lo != lo or hi != hi or abs(lo) == float("inf") or abs(hi) == float("inf"):
        # beyond the float range: mpmath's interval arithmetic has no exponent limit
        ranges = {by_name[k]: (sp.Rational(v[0]), sp.Rational(v[1])) for k, v in box.items() if k in by_name}
        return _mp_enclose(expr, ranges)
    return Enclosure(Fraction(lo), Fraction(hi))


def layer_box_rows(
    model: LayerModel, box: Mapping[str, tuple[sp.Rational, sp.Rational]], layers: Sequence[int]
) -> tuple[LayerRow, ...]:
    """The model's quantities enclosed over a whole parameter box, per layer.

    >>> from pathlib import Path
    >>> from boundprop.loader import load_paper
    >>> p = load_paper(Path("tests/data/toy_collapse.toml"))
    >>> box = {"eta": (sp.Integer(0), sp.Rational(1, 10)), "H": (sp.Integer(1), sp.Integer(4)),
    ...        "phi0": (sp.Integer(1), sp.Integer(1))}
    >>> (row,) = layer_box_rows(layer_model(p, "R1"), box, [2])
    >>> row["e"].lo <= 0 and row["e"].hi >= Fraction(224, 100)
    True
    """
    rows = []
    for layer in layers:
        rows.append(LayerRow(layer, {key: enclose_box(q, box) for key, q in model.at(layer).items()}))
    return tuple(rows)


def layer_rows(
    model: LayerModel, fixed: Mapping[str, sp.Rational], layers: Sequence[int]
) -> tuple[LayerRow, ...]:
    """Enclose the model's quantities at every layer in ``layers``.

    Examples
    --------
    >>> from pathlib import Path
    >>> from boundprop.loader import load_paper
    >>> p = load_paper(Path("tests/data/toy_collapse.toml"))
    >>> fix = {"eta": sp.Rational(1, 10), "H": sp.Integer(2), "phi0": sp.Integer(1)}
    >>> rows = layer_rows(layer_model(p, "R1"), fix, [0, 1, 2])
    >>> [str(r["e"].exact) for r in rows]
    ['0', '2/5', '24/25']
    """
    by_name = {k: sp.Rational(v) for k, v in fixed.items()}
    rows = []
    for layer in layers:
        if layer < 0:
            raise InputError(f"layer {layer} is negative")
        quantities = model.at(layer)
        values: dict[sp.Symbol, sp.Rational] = {}
        for expr in quantities.values():
            for s in expr.free_symbols:
                if str(s) in by_name:
                    values[s] = by_name[str(s)]
        rows.append(LayerRow(layer, {key: enclose_point(q, values) for key, q in quantities.items()}))
    return tuple(rows)


# ---------------------------------------------------------------------------
# bound tables: the values `boundprop table` and the report render
# (assembled by boundprop.regimes.bound_table, which also marks the rows)


def table_columns(paper: Paper, theorem: str, annotations: Annotations | None = None) -> tuple[str, tuple[Column, ...]]:
    """The layer index's name and the columns of ``theorem``'s bound table, from the annotation file.

    >>> from pathlib import Path
    >>> from boundprop.loader import load_paper
    >>> index, columns = table_columns(load_paper(Path("tests/data/toy_collapse.toml")), "R2")
    >>> index, [c.expr for c in columns]
    ('l', ['phi1_l(l)', '2*eta*phi1_l(l)', 'err'])
    """
    node = find_node(paper, theorem)
    ann = annotations if annotations is not None else load_annotations(paper)
    spec = ann.layer_spec(node.id)
    quantity, _ = theorem_bound(paper, node)
    return spec.index, tuple(Column(q.key, q.title, q.latex, q.expr) for q in declared_quantities(spec, str(quantity)))
