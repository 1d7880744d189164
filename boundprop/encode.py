"""From the lemma model to sympy and to backend statements.

Definitions are expanded at parse time (``g(2*H*eps)`` becomes
``exp(2*H*eps) - 1``) for checking, and kept as applied functions for
display. Matrix statements are instantiated at concrete sizes: each matrix
becomes a Matrix of entry symbols ``A[i,j]``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from boundprop.errors import BoundpropError, ExpressionError, LemmaFileError, UnsupportedError
from boundprop.expr import Guard, Guarded, parse
from boundprop.expr.terms import free_symbols_of
from boundprop.lemma import Citation, Definition, Node, Paper, Param
from boundprop.matrix import BUILTINS
from boundprop.statement import Statement, StatementGuard, Variable, make_variable, statement_guards

__all__ = [
    "citation_facts",
    "CitationError",
    "CitedFacts",
    "definitions_of",
    "entry_symbol",
    "iter_sizes",
    "matrices_of",
    "matrix_shape",
    "Namespace",
    "node_statement",
    "node_texts",
    "node_variables",
    "param_symbol",
    "relations",
    "size_grid",
    "Sizes",
    "validate_paper",
    "zero_point",
]

Sizes = Mapping[str, int]


_PARSE_CACHE: dict[tuple[Any, ...], tuple[Paper, Any, tuple[Guard, ...]]] = {}
_PARSE_CACHE_SIZE = 4096


def param_symbol(param: Param) -> sp.Symbol:
    """The sympy symbol of a parameter (same assumptions as :func:`make_variable`)."""
    return sp.Symbol(param.name, integer=True) if param.integer else sp.Symbol(param.name, real=True)


def entry_symbol(matrix: str, i: int, j: int) -> sp.Symbol:
    return sp.Symbol(f"{matrix}[{i},{j}]", real=True)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def node_texts(node: Node) -> list[str]:
    return [*node.hypotheses, *([node.conclusion] if node.conclusion else [])]


def matrices_of(paper: Paper, texts: Sequence[str]) -> list[str]:
    """Matrix variables mentioned in ``texts``, in declaration order."""
    words = set().union(*(_words(t) for t in texts)) if texts else set()
    return [name for name in paper.matrices if name in words]


def definitions_of(paper: Paper, texts: Sequence[str]) -> list[str]:
    """Definitions used by ``texts``, directly or through other definitions."""
    found: list[str] = []
    pending = list(texts)
    while pending:
        for word in _words(pending.pop()):
            definition = paper.definitions.get(word)
            if definition is not None and word not in found:
                found.append(word)
                if definition.expr:
                    pending.append(definition.expr)
    return found


class Namespace:
    """The names a statement of ``paper`` may use, at given matrix sizes.

    ``expand`` True expands definitions (for checking); False keeps them as
    applied functions (for display).
    """

    def __init__(
        self,
        paper: Paper,
        sizes: Sizes | None = None,
        expand: bool = True,
        fixed: Mapping[str, sp.Matrix] | None = None,
    ) -> None:
        self.paper = paper
        self.sizes = dict(sizes or {})
        self.expand = expand
        self.fixed = bool(fixed)
        self.names: dict[str, Any] = {}
        for name, param in paper.params.items():
            self.names[name] = sp.Integer(self.sizes[name]) if name in self.sizes else param_symbol(param)
        for name, matrix in paper.matrices.items():
            rows, cols = (self._dim(d) for d in matrix.shape)
            if fixed and name in fixed:  # a point check: this matrix has a concrete value
                self.names[name] = sp.Matrix(fixed[name])
            elif rows is not None and cols is not None:
                self.names[name] = sp.Matrix(
                    rows, cols, lambda i, j, n=name: entry_symbol(n, i, j)
                )
        for name, definition in paper.definitions.items():
            self.names[name] = self._definition(definition)

    def _dim(self, dim: str | int) -> int | None:
        if isinstance(dim, int):
            return dim
        return self.sizes.get(dim)

    def _definition(self, definition: Definition) -> Any:
        if definition.builtin is not None:
            return BUILTINS[definition.builtin][0]
        if not self.expand:
            if definition.args:
                return sp.Function(definition.name)
            return sp.Symbol(definition.name, real=True)
        where = self.paper.where(definition.line)
        assert definition.expr is not None
        body = definition.expr
        if not definition.args:
            # a Guarded name: its guards (q = log(x) needs x > 0) follow every use
            found: list[Guard] = []
            value = parse(body, self.names, where, guards=found)
            return Guarded(value, tuple(found)) if found else value

        def apply(*values: Any) -> Any:
            if len(values) != len(definition.args):
                raise ExpressionError(
                    f"{definition.name} takes {len(definition.args)} argument(s), got {len(values)}", where
                )
            scope = {**self.names, **dict(zip(definition.args, values, strict=True))}
            return parse(body, scope, where)

        return apply

    def parse(
        self, text: str, where: str, extra: Mapping[str, Any] | None = None, guards: list[Guard] | None = None
    ) -> Any:
        """Parse ``text`` in this namespace; its definedness guards (those of
        the definitions it uses included) are appended to ``guards``."""
        if extra or self.fixed:
            names = self.names if not extra else {**self.names, **extra}
            return parse(text, names, where, guards=guards)
        # Matrix statements are parsed many times (direct check, proof steps,
        # closing implication) and building them is the dominant cost; sympy
        # values are immutable, so a parse at the same sizes is reused.
        key = (id(self.paper), tuple(sorted(self.sizes.items())), self.expand, text)
        hit = _PARSE_CACHE.get(key)
        if hit is not None and hit[0] is self.paper:
            if guards is not None:
                guards.extend(g for g in hit[2] if g not in guards)
            return hit[1]
        found: list[Guard] = []
        value = parse(text, self.names, where, guards=found)
        if len(_PARSE_CACHE) > _PARSE_CACHE_SIZE:
            _PARSE_CACHE.clear()
        _PARSE_CACHE[key] = (self.paper, value, tuple(found))
        if guards is not None:
            guards.extend(g for g in found if g not in guards)
        return value


def size_grid(paper: Paper, node: Node) -> list[dict[str, int]]:
    """All size assignments a matrix node is checked at, smallest first."""
    dims: list[str] = []
    for matrix in matrices_of(paper, node_texts(node)):
        for dim in paper.matrices[matrix].shape:
            if isinstance(dim, str) and dim not in dims:
                dims.append(dim)
    ranges = []
    for dim in dims:
        if dim in node.sizes:
            lo, hi = node.sizes[dim]
        else:
            raise LemmaFileError(
                f"node {node.id!r} is a matrix statement: give sizes.{dim} = [lo, hi] (at most 12)",
                paper.where(node.line),
            )
        ranges.append(range(lo, hi + 1))
    grid = [dict(zip(dims, combo, strict=True)) for combo in itertools.product(*ranges)]
    return sorted(grid, key=lambda s: (sum(s.values()), tuple(s.values())))


def node_variables(paper: Paper, node: Node, exprs: Sequence[Any], where: str) -> tuple[Variable, ...]:
    """Quantified variables of a statement: its free symbols, with their ranges."""
    free = free_symbols_of(exprs)
    variables = []
    for symbol in sorted(free, key=lambda s: s.name):
        name = symbol.name
        if name in paper.params:
            param = paper.params[name]
            lo, hi = node.ranges.get(name, (param.lo, param.hi))
            variable = make_variable(name, lo, hi, integer=param.integer, where=where)
        else:
            matrix = name.split("[", 1)[0]
            lo, hi = node.ranges.get(matrix, ("-oo", "oo"))
            variable = make_variable(name, lo, hi, where=where)
        if variable.symbol != symbol:
            raise ExpressionError(f"symbol {name!r} is used with two different meanings", where)
        variables.append(variable)
    return tuple(variables)


def relations(value: Any, text: str, where: str) -> sp.Basic:
    if value is sp.true or value is True:
        return sp.true
    if not isinstance(value, (sp.core.relational.Relational, sp.logic.boolalg.Boolean)):
        raise ExpressionError(f"{text!r} is not a relation (use <=, <, >=, >, =)", where)
    return value


def node_statement(
    paper: Paper,
    node: Node,
    sizes: Sizes | None = None,
    conclusion: str | None = None,
    assumptions: Sequence[sp.Basic] = (),
    extra_goals: Sequence[sp.Basic] = (),
    where: str | None = None,
    fixed: Mapping[str, sp.Matrix] | None = None,
    assumption_guards: Sequence[Sequence[Guard]] = (),
    extra_goal_guards: Sequence[Guard] = (),
) -> Statement:
    """The node as a backend statement (at ``sizes`` for matrix statements).

    ``conclusion`` replaces the node's own (a proof step's claim);
    ``assumptions`` are added to the hypotheses; ``extra_goals`` are proved
    together with the conclusion. ``fixed`` gives some matrices concrete
    values (a point check, for functions such as ``expm`` that have no
    symbolic form); they are then not variables of the statement.

    The statement carries the definedness guards of its texts: those of
    hypothesis ``i`` may assume the hypotheses before it, those of the
    conclusion all of them; ``assumption_guards[j]`` are the parser guards of
    ``assumptions[j]``; ``extra_goal_guards`` those of ``extra_goals``.
    """
    where = where or paper.where(node.line)
    space = Namespace(paper, sizes, fixed=fixed)
    texts_guards: list[list[Guard]] = []
    hyps = []
    for h in node.hypotheses:
        texts_guards.append([])
        hyps.append(relations(space.parse(h, where, guards=texts_guards[-1]), h, where))
    goal_text = conclusion if conclusion is not None else node.conclusion
    if goal_text is None:
        raise ExpressionError(f"node {node.id!r} has no conclusion to check", where)
    goal_guards: list[Guard] = []
    goal = relations(space.parse(goal_text, where, guards=goal_guards), goal_text, where)
    goals = sp.And(goal, *extra_goals) if extra_goals else goal
    all_hyps = tuple(h for h in (*hyps, *assumptions) if h is not sp.true)
    guards: list[StatementGuard] = []
    kept = 0  # hypotheses kept before the current one (``true`` ones are dropped)
    pending = [*texts_guards, *(list(g) for g in assumption_guards)]
    pending += [[] for _ in range(len(hyps) + len(assumptions) - len(pending))]
    for value, found in zip((*hyps, *assumptions), pending, strict=False):
        guards += statement_guards(found, kept)
        if value is not sp.true:
            kept += 1
    guards += statement_guards([*goal_guards, *extra_goal_guards], kept)
    unique = _unique_guards(guards)
    # a name only a guard mentions (x in x*x/x <= x, which simplifies to true) is a variable too
    variables = node_variables(paper, node, [*all_hyps, goals, *(g.condition for g in unique)], where)
    matrices = {}
    for name in matrices_of(paper, [*node_texts(node), goal_text]):
        value = space.names.get(name)
        if isinstance(value, sp.MatrixBase) and not (fixed and name in fixed):
            matrices[name] = tuple(tuple(value.row(i)) for i in range(value.rows))
    note = ", ".join(f"{k}={v}" for k, v in (sizes or {}).items())
    return Statement(
        variables=variables,
        hypotheses=all_hyps,
        conclusion=goals,
        matrices=matrices,
        note=f"at {note}" if note else "",
        guards=unique,
    )


def _unique_guards(guards: Sequence[StatementGuard]) -> tuple[StatementGuard, ...]:
    """Each condition once, at the earliest place it is needed (the strongest obligation)."""
    seen: set[Any] = set()
    out: list[StatementGuard] = []
    for guard in guards:
        if guard.condition not in seen:
            seen.add(guard.condition)
            out.append(guard)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class CitedFacts:
    """A cited node instantiated at a citation.

    ``facts`` (its conclusion) become assumptions of the step, ``needed`` (its
    hypotheses and range obligations) extra goals the step must establish
    (modus ponens, soundly). ``fact_guards`` and ``needed_guards`` are their
    definedness guards, those of the substituted values included (a citation
    ``with = { x = "sqrt(t)" }`` is meaningful only where t >= 0).
    """

    facts: tuple[sp.Basic, ...]
    needed: tuple[sp.Basic, ...]
    fact_guards: tuple[Guard, ...] = ()
    needed_guards: tuple[Guard, ...] = ()


def citation_facts(paper: Paper, citation: Citation, sizes: Sizes | None, where: str) -> CitedFacts:
    """The cited node of ``citation`` instantiated here (see :class:`CitedFacts`)."""
    key = (id(paper), citation.node, tuple(sorted(citation.subs.items())), tuple(sorted((sizes or {}).items())))
    hit = _CITATION_CACHE.get(key)
    if hit is not None and hit[0] is paper:
        return hit[1]
    found = _citation_facts(paper, citation, sizes, where)
    if len(_CITATION_CACHE) > _PARSE_CACHE_SIZE:
        _CITATION_CACHE.clear()
    _CITATION_CACHE[key] = (paper, found)
    return found


_CITATION_CACHE: dict[tuple[Any, ...], tuple[Paper, CitedFacts]] = {}


def _citation_facts(paper: Paper, citation: Citation, sizes: Sizes | None, where: str) -> CitedFacts:
    cited = paper.nodes[citation.node]
    if cited.conclusion is None:
        raise LemmaFileError(f"cited node {cited.id!r} has no conclusion to use", where)
    space = Namespace(paper, sizes)
    subs_values: dict[str, Any] = {}
    subs_guards: list[Guard] = []
    guarded_subs: dict[str, Any] = {}  # the values with their guards, for every use below
    for name, text in citation.subs.items():
        found: list[Guard] = []
        subs_values[name] = space.parse(text, where, guards=found)
        guarded_subs[name] = Guarded(subs_values[name], tuple(found)) if found else subs_values[name]
        subs_guards += [g for g in found if g not in subs_guards]
    for name in subs_values:
        if name not in paper.params and name not in paper.matrices:
            raise LemmaFileError(f"'with' substitutes {name!r}, which is not a parameter or matrix", where)
    # The sizes the cited node is instantiated at: read from the shapes of the
    # values its matrices take here (substituted or the citing node's own).
    # They must be sizes the cited node was established for.
    cited_sizes = _cited_sizes(paper, cited, sizes, space, subs_values, where)
    # The cited node is parsed in a namespace where the substituted names have
    # their new values *before* definitions are built: a definition that uses a
    # parameter (q = x**2) must see the substitution too (x = t gives t**2).
    cited_names = _substituted_names(paper, {**(sizes or {}), **cited_sizes}, guarded_subs)
    fact_guards: list[Guard] = []
    conclusion = relations(parse(cited.conclusion, cited_names, where, guards=fact_guards), cited.conclusion, where)
    needed_guards = list(subs_guards)  # the range obligations use the substituted values
    hyps = [relations(parse(h, cited_names, where, guards=needed_guards), h, where) for h in cited.hypotheses]
    needed = [h for h in hyps if h is not sp.true]
    needed += _range_obligations(paper, cited, sizes, space, {**cited_sizes, **subs_values}, where)
    # the conclusion is a fact only where the cited hypotheses are defined too
    fact_guards += [g for g in needed_guards if g not in fact_guards]
    return CitedFacts((conclusion,), tuple(needed), tuple(fact_guards), tuple(dict.fromkeys(needed_guards)))


class CitationError(UnsupportedError):
    """A cited node cannot be applied here: an obligation of the citation
    (a size it was established for, a matrix shape) is not met. The citing
    step is then not proved; the message names the unmet obligation."""


def _cited_sizes(
    paper: Paper, cited: Node, sizes: Sizes | None, space: Namespace, subs_values: Mapping[str, Any], where: str
) -> dict[str, int]:
    """The dimensions of the cited node at this citation, checked.

    Every matrix the cited node mentions takes a value here (substituted by
    ``with``, or the citing node's own at its ``sizes``); the value's shape
    must match the matrix's declared shape, which fixes the cited node's
    dimensions (a dimension given explicitly by ``with`` or by the citing
    node's sizes must agree). Each dimension must lie in the cited node's
    ``sizes``: a matrix node is established only there (proved-bounded). A
    violation raises :class:`CitationError` naming it.
    """
    texts = node_texts(cited)
    names = matrices_of(paper, texts)
    for definition in definitions_of(paper, texts):
        expr = paper.definitions[definition].expr
        if expr:  # its formal arguments are not the matrices of the same name
            args = set(paper.definitions[definition].args)
            names += [m for m in matrices_of(paper, [expr]) if m not in names and m not in args]
    if not names:
        return {}
    fixed: dict[str, int] = {}  # dimensions the citation context gives explicitly
    for name in names:
        for dim in paper.matrices[name].shape:
            if isinstance(dim, int) or dim in fixed:
                continue
            if dim in subs_values:
                value = sp.sympify(subs_values[dim])
                if not value.is_Integer:
                    raise CitationError(
                        f"citation of {cited.id!r}: dimension {dim} must be a concrete size, got {value}"
                    )
                fixed[dim] = int(value)
            elif sizes and dim in sizes:
                fixed[dim] = int(sizes[dim])
    bound: dict[str, int] = {}
    for name in names:
        value = subs_values.get(name, space.names.get(name))
        if not isinstance(value, sp.MatrixBase):
            if name in subs_values:
                raise CitationError(
                    f"citation of {cited.id!r}: {name} is a matrix of shape {_shape_text(paper, name)}, "
                    f"but 'with' gives it the non-matrix value {value}"
                )
            raise CitationError(f"matrix {name!r} of cited node {cited.id!r} has no entries at these sizes")
        for dim, actual in zip(paper.matrices[name].shape, value.shape, strict=True):
            expected = dim if isinstance(dim, int) else fixed.get(dim, bound.get(dim))
            if expected is not None and expected != actual:
                raise CitationError(
                    f"citation of {cited.id!r}: {name} must have shape {_shape_text(paper, name)}, but the value "
                    f"given here is {value.rows}x{value.cols} ({dim} = {expected} here)"
                )
            if isinstance(dim, str):
                bound[dim] = int(actual)
    for dim, size in bound.items():
        if dim in cited.sizes:
            lo, hi = cited.sizes[dim]
            if not lo <= size <= hi:
                raise CitationError(
                    f"citation obligation not met: cited node {cited.id!r} is established only for "
                    f"{dim} in [{lo}, {hi}], but is cited here at {dim} = {size}"
                )
        elif not cited.assume:
            raise CitationError(f"cited node {cited.id!r} gives no sizes.{dim}: it is established at no size")
    return bound


def _shape_text(paper: Paper, name: str) -> str:
    rows, cols = paper.matrices[name].shape
    return f"{rows}x{cols}"


def _substituted_names(paper: Paper, sizes: Sizes | None, subs_values: Mapping[str, Any]) -> dict[str, Any]:
    """The names of a :class:`Namespace` at ``sizes`` with ``subs_values`` in
    place of parameters or matrices, definitions rebuilt on top of them."""
    space = Namespace(paper, sizes)
    for name in paper.definitions:
        space.names.pop(name, None)
    space.names.update(subs_values)
    for name, definition in paper.definitions.items():
        space.names[name] = space._definition(definition)
    return space.names


def _range_obligations(
    paper: Paper,
    cited: Node,
    sizes: Sizes | None,
    space: Namespace,
    subs_values: Mapping[str, Any],
    where: str,
) -> list[sp.Basic]:
    """What the citing step must show for the cited node to apply: every value
    given to one of its variables lies in that variable's range (the cited
    node is proved only there), and is an integer where the variable is.

    The sizes of a cited matrix statement are checked by :func:`_cited_sizes`
    (their values come in ``subs_values``)."""
    # the names the cited statement quantifies over, read from its text and
    # the definitions it uses (not from its parsed form: sympy may simplify a
    # name away, floor(l) >= l is True for integer l, yet at l = x it is not)
    texts = node_texts(cited)
    words = set().union(*(_words(t) for t in texts)) if texts else set()
    for name in definitions_of(paper, texts):
        definition = paper.definitions[name]
        if definition.expr:  # its formal arguments are not the parameters of the same name
            words |= _words(definition.expr) - set(definition.args)
    out: list[sp.Basic] = []

    def obligations(value: Any, lo_text: str, hi_text: str, integer: bool, name: str) -> None:
        var = make_variable(name, lo_text, hi_text, integer=integer, where=where)
        value = sp.sympify(value)
        if var.lo.is_finite:
            out.append(sp.Le(var.lo, value))
        if var.hi.is_finite:
            out.append(sp.Le(value, var.hi))
        if integer and value.is_integer is not True:
            out.append(sp.Eq(sp.floor(value), value))

    for name, param in paper.params.items():
        if name in words:
            lo, hi = cited.ranges.get(name, (param.lo, param.hi))
            obligations(subs_values.get(name, space.names[name]), lo, hi, param.integer, name)
    for name in [m for m in paper.matrices if m in words]:
        lo, hi = cited.ranges.get(name, ("-oo", "oo"))
        value = subs_values.get(name, space.names.get(name))
        if lo in ("-oo", "-inf") and hi in ("oo", "inf"):
            continue
        if not isinstance(value, sp.MatrixBase):
            raise UnsupportedError(f"matrix {name!r} of cited node {cited.id!r} has no entries at these sizes")
        for entry in value:
            obligations(entry, lo, hi, False, name)
    return [o for o in out if o is not sp.true]


def validate_paper(paper: Paper) -> None:
    """Parse every definition, statement and proof step once (at the smallest sizes)."""
    for node in paper.nodes.values():
        if node.conclusion is None and not node.hypotheses:
            continue
        where = paper.where(node.line)
        try:
            sizes = size_grid(paper, node)[0] if matrices_of(paper, node_texts(node)) else None
            try:
                node_statement(paper, node, sizes)
            except UnsupportedError:
                # no symbolic form (expm): such nodes are checked at points; validate at 0
                node_statement(paper, node, sizes, fixed=zero_point(paper, node, sizes))
                continue
            Namespace(paper, sizes, expand=False).parse(node.conclusion or "1 <= 1", where)
        except BoundpropError as exc:
            raise type(exc)(exc.message, exc.where or where) from None
    for proof in paper.proofs.values():
        node = paper.nodes[proof.of]
        sizes = size_grid(paper, node)[0] if matrices_of(paper, node_texts(node)) else None
        for step in proof.steps:
            where = f"{proof.source}:{step.line}"
            try:
                for citation in step.using:
                    try:
                        citation_facts(paper, citation, sizes, where)
                    except CitationError:
                        pass  # an unmet obligation: the step is reported unproved, not an input error
                if step.induction is None:
                    node_statement(paper, node, sizes, conclusion=step.claim, where=where)
            except BoundpropError as exc:
                raise type(exc)(exc.message, exc.where or where) from None


def matrix_shape(paper: Paper, name: str, sizes: Sizes | None) -> tuple[int, int]:
    """The concrete shape of matrix ``name`` at ``sizes``."""
    dims = []
    for dim in paper.matrices[name].shape:
        if isinstance(dim, int):
            dims.append(dim)
        elif sizes and dim in sizes:
            dims.append(sizes[dim])
        else:
            raise LemmaFileError(f"matrix {name!r}: no size given for {dim!r}", str(paper.source))
    return dims[0], dims[1]


def zero_point(paper: Paper, node: Node, sizes: Sizes | None) -> dict[str, sp.Matrix]:
    """Every matrix of ``node`` set to zero (a point for validating point-checked nodes)."""
    return {m: sp.zeros(*matrix_shape(paper, m, sizes)) for m in matrices_of(paper, node_texts(node))}


def iter_sizes(paper: Paper, node: Node) -> Iterator[dict[str, int] | None]:
    """Sizes to check ``node`` at: one ``None`` for scalar statements."""
    if matrices_of(paper, node_texts(node)):
        yield from size_grid(paper, node)
    else:
        yield None

