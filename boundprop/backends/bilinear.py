"""Product abstraction: polynomial statements z3 leaves open, made linear.

Matrix statements at d = 2 (‖PX‖ ≤ ‖X‖, ‖XW‖ ≤ dη‖X‖, ...) are polynomial
with many products of entries and norms; z3's nonlinear procedure does not
close them within its budget, although each follows linearly once every
product is an unknown bounded by the right facts.

Method:

1. *Atoms.* Each Abs/Max/Min subterm is named by a fresh variable ``a``
   and the definition ``a = Abs(t')`` (its arguments named in turn) is
   kept as a hypothesis; the z3 backend encodes it exactly, as it would
   the original. What is left is polynomial in the atoms (the variables
   and the names).
2. *Facts.* Linear order facts ``lo ≤ hi`` are read from the ranges, the
   hypotheses (top-level conjunctions) and the definitions (``t ≤ |t|``,
   ``−t ≤ |t|``, ``aᵢ ≤ Max(a)``, ``Min(a) ≤ aᵢ``), closed transitively.
   For each monomial ``x·r`` of the problem (``x`` an atom, ``r`` the rest):
   ``|x| ≤ U`` and ``|r| ≤ R`` give ``−U·R ≤ x·r ≤ U·R``; ``x ≥ 0`` and
   ``|r| ≤ R`` give ``−x·R ≤ x·r ≤ x·R``. Then (reformulation-linearization)
   each order fact ``f ≥ 0`` is multiplied by the nonnegative monomials
   that occur (``q ≥ 0`` ⇒ ``q·f ≥ 0``; for an equality ``f = 0``, ``q·f = 0``)
   when the product shares a monomial with the problem.
3. *Abstraction.* Every monomial of degree ≥ 2 of the hypotheses,
   definitions, facts and conclusion becomes one fresh real variable, the
   same one wherever the monomial occurs. The result, a statement with
   piecewise-linear terms only, is decided by the z3 backend.

Soundness. Naming is exact: a point of the original extends uniquely to
the atoms. Every fact is a theorem of the original at that point (a
product of nonnegative reals is nonnegative; ``|x·r| = |x|·|r|``;
transitivity). Setting each fresh variable to the value of its monomial
turns any point satisfying the original hypotheses and the negated
conclusion into one of the abstraction. So the abstraction only adds
models: its "unsat" (z3's PROVED) proves the original, and its "sat" says
nothing — never a counterexample here (refutation is left to the falsifier
and z3). Only polynomial statements are taken (no division, roots or
guards), so nothing is undefined on the domain. Work is bounded by the
budget's z3 rlimit and a cap on the number of facts (deterministic).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace

import sympy as sp

from boundprop.backends import z3backend
from boundprop.backends.base import Support
from boundprop.errors import UnsupportedError
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import CheckResult, Status

__all__ = ["abstraction", "decide", "facts", "supports"]

METHOD = "bilinear"
name = METHOD  # the backend protocol (boundprop.backends.base)

MAX_FACTS = 4000  # deterministic cap on the derived facts of one statement
MAX_BOUNDS = 2  # abs bounds kept per atom (the tightest and the loosest)

_ZERO = sp.Integer(0)


class _Atoms:
    """Names the Abs/Max/Min subterms; keeps their definitions."""

    def __init__(self) -> None:
        self.names: dict[sp.Basic, sp.Symbol] = {}
        self.definitions: list[tuple[sp.Symbol, sp.Basic]] = []  # (name, named node)
        self.abs_of: dict[sp.Basic, sp.Symbol] = {}  # t -> the name of |t|

    def term(self, e: sp.Basic) -> sp.Basic:
        if not e.args or isinstance(e, (sp.Symbol, sp.Number)):
            return e
        args = [self.term(a) for a in e.args]
        if isinstance(e, (sp.Abs, sp.Max, sp.Min)):
            node = type(e)(*args, evaluate=False)
            named = self.names.get(node)
            if named is None:
                named = sp.Symbol(f"__atom{len(self.names) + 1}", real=True)
                self.names[node] = named
                self.definitions.append((named, node))
                if isinstance(e, sp.Abs):
                    self.abs_of[sp.expand(args[0])] = named
            return named
        if isinstance(e, sp.Pow):
            exponent = e.args[1]
            if not (isinstance(exponent, sp.Integer) and exponent >= 0):
                raise UnsupportedError(f"not polynomial: {e}")
            return args[0] ** exponent
        if isinstance(e, (sp.Add, sp.Mul)):
            return e.func(*args)
        if isinstance(e, sp.core.relational.Relational):
            return e.func(*args, evaluate=False)
        if isinstance(e, (sp.And, sp.Or, sp.Not, sp.Implies)):
            return e.func(*args)
        raise UnsupportedError(f"not polynomial or piecewise-linear: {type(e).__name__}")


def _relations(formula: sp.Basic) -> Iterable[tuple[sp.Basic, sp.Basic, bool]]:
    """``(lo, hi, equal)`` for each relation of a top-level conjunction."""
    if isinstance(formula, sp.And):
        for a in formula.args:
            yield from _relations(a)
        return
    if not isinstance(formula, sp.core.relational.Relational):
        return
    op = formula.rel_op
    if op in ("<", "<="):
        yield formula.lhs, formula.rhs, False
    elif op in (">", ">="):
        yield formula.rhs, formula.lhs, False
    elif op == "==":
        yield formula.lhs, formula.rhs, True


class _Order:
    """Linear order facts ``lo ≤ hi`` between polynomials, closed transitively."""

    def __init__(self) -> None:
        self.up: dict[sp.Basic, set[sp.Basic]] = {}

    def add(self, lo: sp.Basic, hi: sp.Basic) -> None:
        lo, hi = sp.expand(lo), sp.expand(hi)
        if lo == hi:
            return
        self.up.setdefault(lo, set()).add(hi)
        self.up.setdefault(-hi, set()).add(-lo)  # the same fact, negated

    def above(self, node: sp.Basic) -> set[sp.Basic]:
        seen: set[sp.Basic] = set()
        todo = [node]
        while todo:
            for nxt in self.up.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen


def _polynomials(e: sp.Basic) -> Iterable[sp.Basic]:
    """The polynomial leaves under relations, connectives and Abs/Max/Min."""
    if isinstance(e, (sp.core.relational.Relational, sp.And, sp.Or, sp.Not, sp.Implies,
                      sp.Abs, sp.Max, sp.Min)):
        for a in e.args:
            yield from _polynomials(a)
    elif not e.is_Boolean:
        yield sp.expand(e)


def _simple(e: sp.Basic) -> bool:
    return isinstance(e, (sp.Symbol, sp.Number))


def _key(e: sp.Basic) -> str:
    return str(e)


def _term_powers(term: sp.Basic) -> tuple[tuple[sp.Symbol, int], ...]:
    """A monomial (a product of atoms) as sorted (atom, exponent) pairs."""
    out: dict[sp.Symbol, int] = {}
    for factor in sp.Mul.make_args(term):
        base, exponent = factor.as_base_exp()
        if base.is_number:
            continue
        if not (base.is_Symbol and exponent.is_Integer):
            raise UnsupportedError(f"not a monomial: {term}")
        out[base] = out.get(base, 0) + int(exponent)
    return tuple(sorted(out.items(), key=lambda item: item[0].name))


def _monomials(poly: sp.Basic, atoms: list[sp.Symbol]) -> set[tuple[tuple[sp.Symbol, int], ...]]:
    out = set()
    for term in sp.expand(poly).as_coefficients_dict():
        powers = _term_powers(term)
        if sum(k for _, k in powers) >= 2:
            out.add(powers)
    return out


Named = tuple[list[sp.Basic], list[sp.Basic], list[tuple[sp.Symbol, sp.Basic]], sp.Basic, list[sp.Basic]]


def facts(statement: Statement) -> Named:
    """``(hypotheses, definitions, named, conclusion, derived)`` of the named problem.

    Returns the named hypotheses, the definitions ``a = node`` as relations,
    the named definitions themselves, the named conclusion, and the derived
    facts (relations ``p >= 0`` or ``p == 0`` between polynomials in the
    atoms), each a theorem of the original (see the module notes).
    """
    atoms_of = _Atoms()
    hyps = [atoms_of.term(h) for h in statement.hypotheses]
    concl = atoms_of.term(statement.conclusion)
    order = _Order()
    for v in statement.variables:
        if v.lo.is_finite:
            order.add(v.lo, v.symbol)
        if v.hi.is_finite:
            order.add(v.symbol, v.hi)
    for h in hyps:
        for lo, hi, equal in _relations(h):
            order.add(lo, hi)
            if equal:
                order.add(hi, lo)
    for named, node in atoms_of.definitions:
        if isinstance(node, sp.Abs):
            order.add(node.args[0], named)
            order.add(-node.args[0], named)
            order.add(_ZERO, named)
        elif isinstance(node, sp.Max):
            for a in node.args:
                order.add(a, named)
        else:
            for a in node.args:
                order.add(named, a)
    atoms = sorted(
        {*statement.symbols, *(n for n, _ in atoms_of.definitions)}, key=lambda s: s.name
    )
    above = {a: order.above(a) for a in atoms}
    below = {a: {-b for b in order.above(-a)} for a in atoms}

    def nonneg(e: sp.Basic) -> bool:
        return any(b.is_number and b >= 0 for b in below.get(e, ())) if isinstance(e, sp.Symbol) else (
            e.is_number and e >= 0)

    def abs_bounds(a: sp.Symbol) -> list[sp.Basic]:
        # U with -U <= a <= U: the tightest (|a| itself, when named) and the
        # loosest (the bounds nothing else bounds: a norm, eta), as an N2 and
        # an N1 argument need
        neg_above = order.above(-a)
        found = {u for u in above[a] if _simple(u) and u in neg_above}
        if nonneg(a):
            found |= {u for u in above[a] if _simple(u)}
        tight = [atoms_of.abs_of[a]] if a in atoms_of.abs_of else []
        top = [u for u in found if not any(v != u and v in above.get(u, ()) for v in found)]
        top.sort(key=lambda u: (u.is_number, u.name.startswith("__") if u.is_Symbol else 0, _key(u)))
        out = tight + [u for u in top if u not in tight]
        return out[:MAX_BOUNDS]

    derived: list[sp.Basic] = []
    linear_facts: list[sp.Basic] = []  # those with a non-atomic side: worth multiplying
    for n in [n for n in order.up if not n.is_number]:
        for hi in order.above(n):
            if hi != n:
                fact = sp.expand(hi - n)
                derived.append(fact)
                if not (_simple(hi) and _simple(n) or _simple(-n) and _simple(hi)):
                    linear_facts.append(fact)
    monoms: set[tuple[tuple[sp.Symbol, int], ...]] = set()
    for f in [*hyps, concl, *(d for _, d in atoms_of.definitions)]:
        for leaf in _polynomials(f):
            monoms |= _monomials(leaf, atoms)
    products: list[sp.Basic] = []
    multipliers: set[sp.Basic] = set()
    for m in sorted(monoms, key=_key):
        factors = [a for a, k in m for _ in range(k)]
        for i, x in enumerate(factors):
            rest = sp.Mul(*(factors[:i] + factors[i + 1:]))
            rest_bounds = _product_bounds(factors[:i] + factors[i + 1:], abs_bounds)
            mono = x * rest
            for big_r in rest_bounds:
                for big_u in abs_bounds(x):
                    products += [sp.expand(big_u * big_r - mono), sp.expand(big_u * big_r + mono)]
                if nonneg(x):
                    products += [sp.expand(x * big_r - mono), sp.expand(x * big_r + mono)]
                    multipliers.add(big_r)
    known = set(monoms)
    for p in products:
        known |= _monomials(p, atoms)
    multipliers |= {a for a in atoms if nonneg(a)}
    rlt: list[sp.Basic] = []
    derived_set = set(derived)
    equalities = [f for f in linear_facts if sp.expand(-f) in derived_set and f.as_coeff_Add()[0] <= 0]
    # q·f is worth adding when one of its monomials occurs: for a known
    # monomial m and a multiplier q dividing it, the facts mentioning m/q
    # (an atom). Two rounds: a product the first brings in (p·B of
    # p·(B − Σ) ≥ 0) makes the multiples that mention it relevant (B·(Σp − 1) = 0)
    by_atom: dict[sp.Symbol, list[tuple[sp.Basic, bool]]] = {}
    for f, equal in [*((f, True) for f in equalities), *((f, False) for f in linear_facts)]:
        for a in sorted(f.free_symbols & set(atoms), key=_key):
            by_atom.setdefault(a, []).append((f, equal))
    mult = {q: _powers(q, atoms) for q in multipliers}
    done: set[tuple[str, str]] = set()
    for _round in range(2):
        new_monoms: set[tuple[tuple[sp.Symbol, int], ...]] = set()
        for m in sorted(known, key=str):
            powers = dict(m)
            for q in sorted(multipliers, key=_key):
                qp = mult[q]
                if any(powers.get(a, 0) < k for a, k in qp.items()):
                    continue
                rest = {a: k - qp.get(a, 0) for a, k in powers.items() if k - qp.get(a, 0)}
                if len(rest) != 1 or next(iter(rest.values())) != 1:
                    continue
                for f, equal in by_atom.get(next(iter(rest)), ()):
                    key = (_key(q), _key(f))
                    if key in done or len(rlt) >= MAX_FACTS:
                        continue
                    done.add(key)
                    p = sp.expand(q * f)
                    rlt.append(sp.Eq(p, 0) if equal else p >= 0)
                    new_monoms |= _monomials(p, atoms)
        known |= new_monoms
    out = [p >= 0 for p in products] + rlt + [f >= 0 for f in derived]
    defs = [sp.Eq(n, d, evaluate=False) for n, d in atoms_of.definitions]
    return hyps, defs, atoms_of.definitions, concl, out[: 3 * MAX_FACTS]


def _powers(q: sp.Basic, atoms: list[sp.Symbol]) -> dict[sp.Symbol, int]:
    """A product of atoms as its exponents."""
    (monom,) = sp.Poly(q, *atoms).monoms()
    return {a: k for a, k in zip(atoms, monom, strict=True) if k}


def _product_bounds(factors: list[sp.Symbol], abs_bounds) -> list[sp.Basic]:  # type: ignore[no-untyped-def]
    """Nonnegative R with |prod factors| <= R (products of abs bounds)."""
    out: list[sp.Basic] = [sp.Integer(1)]
    for f in factors:
        out = [r * u for r in out for u in abs_bounds(f)][: MAX_BOUNDS**3]
    return out


def abstraction(statement: Statement) -> Statement:
    """The linear statement whose proof proves ``statement`` (module notes)."""
    hyps, defs, definitions, concl, derived = facts(statement)
    fresh: dict[tuple[tuple[sp.Symbol, int], ...], sp.Symbol] = {}

    def linear(e: sp.Basic) -> sp.Basic:
        if isinstance(e, sp.core.relational.Relational):
            return e.func(linear(e.lhs), linear(e.rhs), evaluate=False)
        if isinstance(e, (sp.And, sp.Or, sp.Not, sp.Implies)):
            return e.func(*(linear(a) for a in e.args))
        if isinstance(e, (sp.Abs, sp.Max, sp.Min)):
            return type(e)(*(linear(a) for a in e.args), evaluate=False)
        if e.is_Boolean:
            return e
        total = []
        for term, coeff in sp.expand(e).as_coefficients_dict().items():
            powers = _term_powers(term)
            if sum(k for _, k in powers) >= 2:
                if powers not in fresh:
                    fresh[powers] = sp.Symbol(f"__prod{len(fresh) + 1}", real=True)
                term = fresh[powers]
            total.append(coeff * term)
        return sp.Add(*total)

    hypotheses = tuple(linear(h) for h in [*hyps, *defs, *derived])
    conclusion = linear(concl)
    extra = [make_variable(s.name, "-oo", "oo") for s in [*(n for n, _ in definitions), *fresh.values()]]
    # make_variable builds its own symbol: map ours onto it by name
    rename = {s: v.symbol for s, v in zip([*(n for n, _ in definitions), *fresh.values()], extra, strict=True)}
    return replace(
        statement,
        variables=(*statement.variables, *extra),
        hypotheses=tuple(h.xreplace(rename) for h in hypotheses),
        conclusion=conclusion.xreplace(rename),
        guards=(),
        note="product abstraction of " + (statement.note or "the statement"),
    )


def supports(statement: Statement) -> Support:
    """Polynomial statements (Abs/Max/Min allowed) with a product of atoms
    and no definedness guards."""
    # silent refusals: the method is simply not meant for these shapes
    if statement.guards or z3backend.unsupported_reason(statement) is not None:
        return Support(False)
    try:
        atoms = _Atoms()
        named = [atoms.term(f) for f in (*statement.hypotheses, statement.conclusion)]
    except UnsupportedError:
        return Support(False)
    leaves = [leaf for f in [*named, *(d for _, d in atoms.definitions)] for leaf in _polynomials(f)]
    if not any(sp.Poly(leaf, *leaf.free_symbols).total_degree() >= 2
               for leaf in leaves if leaf.free_symbols):
        return Support(False)
    return Support(True)


def decide(statement: Statement, budget: Budget) -> CheckResult:
    """PROVED when z3 proves the product abstraction, else UNKNOWN (never
    REFUTED: a model of the abstraction need not be one of the statement)."""
    start = time.monotonic()
    support = supports(statement)
    if not support:
        raise UnsupportedError(support.reason)
    abstract = abstraction(statement)
    result = z3backend.decide(abstract, budget)
    seconds = time.monotonic() - start
    if result.status is Status.PROVED:
        evidence = (
            f"bilinear: the product abstraction ({len(abstract.hypotheses)} hypotheses and facts, "
            f"{len(abstract.variables) - len(statement.variables)} atoms and products) is proved by {result.evidence}"
        )
        return CheckResult(Status.PROVED, METHOD, evidence, seconds=seconds)
    return CheckResult(
        Status.UNKNOWN, METHOD,
        f"bilinear: the product abstraction is not proved ({result.evidence}); not a counterexample",
        seconds=seconds,
    )
