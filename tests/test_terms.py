"""The walks over distinct subterms (boundprop.expr.terms) against sympy's own."""

from __future__ import annotations

import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundprop.encode import node_statement, size_grid
from boundprop.errors import UnsupportedError
from boundprop.expr.terms import free_symbols_of, subterms, xreplace_shared
from boundprop.loader import load_paper

x, y, z, i = sp.symbols("x y z i")
LEAVES = [x, y, z, sp.Integer(2), sp.Rational(1, 3), sp.pi]


def _exprs() -> st.SearchStrategy[sp.Basic]:
    def extend(children: st.SearchStrategy[sp.Basic]) -> st.SearchStrategy[sp.Basic]:
        two = st.tuples(children, children)
        return st.one_of(
            two.map(lambda p: p[0] + p[1]),
            two.map(lambda p: p[0] * p[1]),
            two.map(lambda p: sp.Max(*p)),
            two.map(lambda p: sp.Min(*p)),
            children.map(sp.Abs),
            children.map(sp.exp),
            children.map(lambda c: c**2),
            children.map(lambda c: sp.floor(c)),
            # binding forms: the index of a Sum and the variable of a Lambda are not free
            children.map(lambda c: sp.Sum(c * i, (i, 1, 3))),
            children.map(lambda c: sp.Lambda(x, c)(y)),
            two.map(lambda p: sp.Piecewise((p[0], p[1] > 0), (p[1], True))),
        )

    terms = st.recursive(st.sampled_from(LEAVES), extend, max_leaves=12)
    pairs = st.tuples(terms, terms)
    # and relations and their connectives over them
    return st.one_of(terms, pairs.map(lambda p: sp.And(p[0] <= p[1], sp.Not(p[1] < 1), evaluate=False)))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_exprs(), min_size=1, max_size=3))
def test_free_symbols_and_subterms_agree_with_sympy(exprs: list[sp.Basic]) -> None:
    assert free_symbols_of(exprs) == set().union(*(e.free_symbols for e in exprs))
    for e in exprs:
        assert subterms(e) == set(sp.preorder_traversal(e))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_exprs(), st.lists(st.fractions(min_value=-5, max_value=5, max_denominator=7), min_size=3, max_size=3))
def test_xreplace_shared_is_xreplace(expr: sp.Basic, values: list) -> None:  # type: ignore[type-arg]
    rule = {s: sp.Rational(v.numerator, v.denominator) for s, v in zip((x, y, z), values, strict=True)}
    assert xreplace_shared(expr, rule) == expr.xreplace(rule)
    assert xreplace_shared(expr, {}) is expr


def test_values_that_are_not_sympy_have_no_free_symbols() -> None:
    assert free_symbols_of([1, "x", None, x + 1]) == {x}


def test_free_symbols_of_every_statement_of_the_bundled_papers() -> None:
    checked = 0
    for paper_id in ("alman-song-2025", "dong-2021", "wu-2024", "example"):
        paper = load_paper(paper_id)
        for node in paper.nodes.values():
            if node.conclusion is None:
                continue
            for sizes in size_grid(paper, node) or [None]:
                try:
                    statement = node_statement(paper, node, sizes)
                except UnsupportedError:  # expm of a symbolic matrix: checked at points only
                    continue
                exprs = [*statement.hypotheses, statement.conclusion, *(g.condition for g in statement.guards)]
                assert free_symbols_of(exprs) == set().union(*(e.free_symbols for e in exprs)), node.id
                checked += 1
    assert checked >= 200
