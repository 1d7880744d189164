"""Adversarial soundness audit of the decision engine.

Every case is a statement whose truth was established independently (by
hand, exactly with sympy/fractions, or with mpmath at high precision); the
comment after a case says why. The engine may leave any case undecided, but
it must never prove a false statement nor refute a true one. Where a case is
easy (polynomial, piecewise-linear, integer), the expected verdict is pinned
too, so that the tests can fail.

"True wherever defined" statements (``1/x >= 1`` on ``[0, 1]``) are listed as
true: a point where an expression is undefined is never a counterexample (such
statements are ill-defined, never proved nor refuted at the undefined point).
"""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp

from boundprop.backends import portfolio
from boundprop.check import check_proof, default_decide
from boundprop.cli.prove_cmd import build_statement
from boundprop.expr import parse
from boundprop.interval import enclose, refutes, truth_at_point
from boundprop.interval.batched import compile_batched
from boundprop.interval.scalar import rational_bounds
from boundprop.loader import load_paper
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import Status, Tri

# deterministic limits; the wall-clock cap is only a safety net (a 1.5 s cap made
# statuses depend on the machine's load: (1+x)**L >= 1 + L*x stayed unknown under load)
BUDGET = Budget(seconds=300, samples=600, max_boxes=20_000, z3_rlimit=200_000)

# (expr, assumptions, --var specs, --integer names, truth, expected status or None)
CASES: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool, str | None]] = [
    # --- false only at one point or on a sliver
    ("x**2 >= 1e-30", (), ("x=-1:1",), (), False, "refuted"),  # x = 0
    ("(x - 1/3)**2 > 0", (), ("x=0:1",), (), False, "refuted"),  # x = 1/3
    ("(x - 0.1)**2 > 0", (), ("x=0:1",), (), False, "refuted"),  # 0.1 is 1/10 exactly
    ("exp(x) > 1 + x", (), ("x=-1:1",), (), False, "refuted"),  # tie at x = 0
    ("Ne(3*x, 1)", (), ("x=0:1",), (), False, "refuted"),  # x = 1/3
    ("Ne(x, 1 + 2**-60)", (), ("x=1:2",), (), False, "refuted"),
    ("x <= 1 - 2**-60", (), ("x=0:1",), (), False, "refuted"),  # x = 1
    ("x > 2**-1074 / 2", (), ("x=0:1",), (), False, "refuted"),  # below the smallest subnormal
    ("1e-320 * x > 0", (), ("x=0:1",), (), False, "refuted"),  # x = 0
    ("floor(x) < x", (), ("x=-3:3",), (), False, "refuted"),  # integers
    ("Max(x, y) > (x + y)/2", (), ("x=-1:1", "y=-1:1"), (), False, "refuted"),  # x = y
    ("Abs(x + y) < Abs(x) + Abs(y)", (), ("x=-1:1", "y=-1:1"), (), False, "refuted"),
    ("sqrt(x) > x", (), ("x=0:1",), (), False, "refuted"),  # x = 0, 1
    ("x**3 - 3*x + 1 > 0", (), ("x=0:0.348",), (), False, "refuted"),  # root 0.34729...
    ("x < 1.41421356", ("x**2 >= 2",), ("x=1:2",), (), False, "refuted"),
    ("x**2 + y**2 > 2*x*y", (), ("x=-oo:oo", "y=-oo:oo"), (), False, "refuted"),
    ("x*y <= 1", ("x <= 1", "y <= 1"), ("x=-oo:oo", "y=-oo:oo"), (), False, "refuted"),  # (-2, -1)
    # --- `!=` inside a boolean: once parsed as Python's structural `!=` (True)
    ("Or(x > 5, x != 1/3)", (), ("x=0:1",), (), False, "refuted"),
    ("And(x >= 0, x != 1/3)", (), ("x=0:1",), (), False, "refuted"),
    ("x != 1/3", (), ("x=0:1",), (), False, "refuted"),
    # --- irrational points: false at sqrt(2) only; an exact rational witness does not exist
    ("Ne(x**2, 2)", (), ("x=1:2",), (), False, None),
    ("Or(x**2 < 2, x**2 > 2)", (), ("x=1:2",), (), False, None),
    ("x == 3/2", ("x**2 == 2",), ("x=1:2",), (), False, None),
    ("sqrt(2) + x > 1.4142135623730951", (), ("x=0:1",), (), False, None),  # the decimal exceeds sqrt(2)
    # --- huge and tiny magnitudes (mpmath: exp(800) = 2.7e347, exp(-805) = 2.4e-350)
    ("exp(x) < 10**347", (), ("x=800:801",), (), False, None),
    ("exp(x) > 10**347", (), ("x=800:801",), (), True, None),
    ("exp(-x) >= 10**-350", (), ("x=800:805",), (), True, None),
    ("exp(-x) <= 10**-347", (), ("x=800:805",), (), True, None),
    ("exp(x) < 10**305", (), ("x=700:702",), (), True, "proved"),  # exp(702) = 8.1e304
    ("exp(-x) > 0", (), ("x=700:800",), (), True, "proved"),
    ("x*1e-320 >= 0", (), ("x=0:1",), (), True, "proved"),
    ("x < 1 + 2**-60", (), ("x=0:1",), (), True, "proved"),
    # --- integer variables: true on the integers, false between them, and vice versa
    ("n**2 >= n", (), ("n=-5:5",), ("n",), True, "proved"),
    ("n**2 >= n", (), ("n=-5:oo",), ("n",), True, "proved"),
    ("n**2 >= n", (), ("n=-5:5",), (), False, "refuted"),  # n = 1/2
    ("n*(n-1)*(n-2) >= 0", (), ("n=0:50",), ("n",), True, "proved"),
    ("n*(n-1)*(n-2) >= 0", (), ("n=0:50",), (), False, "refuted"),  # n = 3/2
    ("4*n**2 - 4*n + 1 >= 1", (), ("n=-5:5",), ("n",), True, "proved"),
    ("n >= 1/2", (), ("n=0:7",), ("n",), False, "refuted"),
    ("n/2 >= floor(n/2)", (), ("n=-7:7",), ("n",), True, "proved"),
    ("n/2 > floor(n/2)", (), ("n=-7:7",), ("n",), False, "refuted"),
    ("floor(n/2)*2 <= n", (), ("n=-5:5",), ("n",), True, "proved"),
    ("floor(n/2)*2 == n", (), ("n=-5:5",), ("n",), False, "refuted"),
    ("(-1)**n <= 1", (), ("n=0:10",), ("n",), True, "proved"),
    ("(-1)**n >= 1", (), ("n=0:10",), ("n",), False, "refuted"),
    ("(-1)**(2*n) == 1", (), ("n=0:10",), ("n",), True, "proved"),
    ("2**n >= n**2", (), ("n=4:40",), ("n",), True, "proved"),
    ("2**n >= n**2", (), ("n=0:40",), ("n",), False, "refuted"),  # n = 3
    ("2**n > n**2", (), ("n=4:40",), ("n",), False, "refuted"),  # n = 4
    # --- symbolic exponents with a real base, including bases below -1
    ("(1+x)**L >= 0", (), ("x=-2:0", "L=0:5"), ("L",), False, "refuted"),
    ("(1+x)**(2*L) >= 0", (), ("x=-2:0", "L=0:5"), ("L",), True, "proved"),
    ("(1+x)**L >= 1 + L*x", (), ("x=-5:3", "L=0:20"), ("L",), False, "refuted"),  # x = -4, L = 3
    ("(1+x)**L >= 1 + L*x", ("x >= -1",), ("x=-3:3", "L=0:20"), ("L",), True, None),  # Bernoulli
    ("(1+x)**L <= exp(L*x)", (), ("x=-1:3", "L=0:20"), ("L",), True, None),
    ("(1+x)**L <= exp(L*x)", (), ("x=-3:3", "L=0:20"), ("L",), False, None),  # x = -2, L = 6
    ("x**n <= 1", (), ("x=-1:1", "n=1:6"), ("n",), True, "proved"),
    ("x**n < 1", (), ("x=-1:1", "n=1:6"), ("n",), False, "refuted"),
    # --- non-smooth functions
    ("floor(x) <= x", (), ("x=-3:3",), (), True, "proved"),
    ("ceiling(x) - x < 1", (), ("x=-3:3",), (), True, "proved"),
    ("Max(x, y) >= (x + y)/2", (), ("x=-1:1", "y=-1:1"), (), True, "proved"),
    ("Min(x, y, 0) <= x", (), ("x=-1:1", "y=-1:1"), (), True, "proved"),
    ("Abs(x - y) >= Abs(x) - Abs(y)", (), ("x=-1:1", "y=-1:1"), (), True, "proved"),
    ("Piecewise((x, x > 0), (-x - 1/10**9, x <= 0)) >= 0", (), ("x=-1:1",), (), False, None),
    ("Piecewise((x, x > 0), (-x, x <= 0)) >= 0", (), ("x=-1:1",), (), True, None),
    # --- parse-time rewriting must keep the meaning for real x
    ("sqrt(x**2) == Abs(x)", (), ("x=-1:1",), (), True, "proved"),
    ("(x**2)**(1/2) >= x", (), ("x=-1:1",), (), True, "proved"),
    ("(x**3)**(1/3) == x", (), ("x=-1:1",), (), False, None),  # undefined (complex) for x < 0
    # --- transcendental, tight at a point (true) and strict at the tie (false)
    ("exp(x) >= 1 + x", (), ("x=-1:1",), (), True, "proved"),
    ("log(x) <= x - 1", (), ("x=1/1000:2",), (), True, None),
    ("log(x) < x - 1", (), ("x=1/1000:2",), (), False, None),
    ("E*x <= exp(x)", (), ("x=0:2",), (), True, None),
    ("E*x < exp(x)", (), ("x=0:2",), (), False, None),
    ("pi + x > 3.141592653589793", (), ("x=0:1",), (), True, None),
    ("exp(x) >= x", (), ("x=-oo:oo",), (), True, None),
    ("exp(x) >= x**3", (), ("x=-oo:oo",), (), False, None),  # x = 4
    ("log(x) <= sqrt(x)", (), ("x=1/100:oo",), (), True, None),
    ("sqrt(x) >= x", (), ("x=0:1",), (), True, "proved"),
    ("x**3 - 3*x + 1 > 0", (), ("x=0:0.347",), (), True, "proved"),
    ("x > 1.41421356", ("x**2 == 2",), ("x=1:2",), (), True, None),
    ("Ne(x**2, 3)", (), ("x=1:3/2",), (), True, None),
    # --- domain edges: undefined points are not counterexamples
    ("sqrt(x) >= 0", (), ("x=-1:1",), (), True, None),
    ("log(x) <= x - 1", (), ("x=0:2",), (), True, None),
    ("1/x >= 1", (), ("x=0:1",), (), True, None),
    ("1/x >= 1", (), ("x=-1:1",), (), False, "ill-defined"),  # undefined at x = 0 (and false at x = -1)
    # --- ranges narrowed by one-variable hypotheses (strict ones keep excluding their end)
    ("x > 1/3", ("x >= 1/3",), ("x=-1:1",), (), False, "refuted"),
    ("1/x > 0", ("x > 0",), ("x=-1:1",), (), True, "proved"),
    ("n >= 2", ("n > 1/2",), ("n=-5:5",), ("n",), False, "refuted"),  # n = 1
    ("n <= 2", ("n < 3",), ("n=-5:5",), ("n",), True, "proved"),
    # --- contradictory hypotheses: vacuously true
    ("x <= -5", ("x >= 2", "x <= 1"), ("x=-oo:oo",), (), True, "proved"),
]


@pytest.mark.parametrize(("expr", "assumes", "var", "ints", "truth", "expected"), CASES)
def test_verdict_is_never_wrong(
    expr: str, assumes: tuple[str, ...], var: tuple[str, ...], ints: tuple[str, ...],
    truth: bool, expected: str | None,
) -> None:
    statement = build_statement(expr, assumes, var, ints)
    result = portfolio.decide(statement, BUDGET)
    if truth:
        assert result.status is not Status.REFUTED, (result.counterexample, result.evidence)
    else:
        assert result.status is not Status.PROVED, result.evidence
    if result.status is Status.REFUTED:
        assert result.counterexample is not None
        assert refutes(statement, portfolio.point_of(statement, result.counterexample))
    if expected is not None:
        assert result.status.value == expected, (result.evidence, result.details.get("tried"))


def test_integer_ranges_with_fractional_bounds_are_the_integers_inside() -> None:
    # the CLI refuses such ranges; the library rounds them inwards
    n = make_variable("n", "1/3", "7", integer=True)
    assert portfolio.decide(Statement((n,), (), n.symbol >= sp.Rational(1, 2)), BUDGET).status is Status.PROVED
    n = make_variable("n", 0, "5/2", integer=True)
    assert portfolio.decide(Statement((n,), (), n.symbol <= 2), BUDGET).status is Status.PROVED
    n = make_variable("n", "-1/2", "5/2", integer=True)
    assert portfolio.decide(Statement((n,), (), n.symbol >= 0), BUDGET).status is Status.PROVED


# ---------------------------------------------------------------------------
# the parser


def test_not_equal_is_ne_not_python_structural_inequality() -> None:
    x = sp.Symbol("x", real=True)
    assert parse("x != 1/3", {"x": x}, "t") == sp.Ne(x, sp.Rational(1, 3))
    assert parse("Or(x > 5, x != 1/3)", {"x": x}, "t") == sp.Or(x > 5, sp.Ne(x, sp.Rational(1, 3)))
    assert parse("1 != 2", {"x": x}, "t") is sp.true


def test_decimals_are_exact_rationals() -> None:
    x = sp.Symbol("x", real=True)
    rel = parse("x <= 0.1 + 1e-30", {"x": x}, "t")
    assert rel.rhs == sp.Rational(1, 10) + sp.Rational(1, 10**30)


# ---------------------------------------------------------------------------
# re-verification of counterexamples


def test_refutes_rejects_points_outside_the_statement() -> None:
    n = make_variable("n", 0, 10, integer=True)
    x = make_variable("x", 0, 1)
    st = Statement((n,), (), n.symbol**2 >= n.symbol)
    assert not refutes(st, {n.symbol: sp.Rational(1, 2)})  # not an integer
    st = Statement((x,), (), x.symbol >= 0)
    assert not refutes(st, {x.symbol: sp.Integer(-1)})  # outside the range
    # a hypothesis undefined at the point is not a true hypothesis
    st = Statement((x,), (sp.sqrt(x.symbol - 2) >= 0,), x.symbol >= 5)
    assert not refutes(st, {x.symbol: sp.Integer(1)})
    # a conclusion undefined at the point is not false there
    st = Statement((x,), (), sp.log(x.symbol) >= 5)
    assert not refutes(st, {x.symbol: sp.Integer(0)})
    st = Statement((x,), (), sp.Piecewise((1, x.symbol > 1)) >= 5)
    assert not refutes(st, {x.symbol: sp.Rational(1, 2)})


@pytest.mark.parametrize(
    ("relation", "value", "expected"),
    [
        ("Eq(3*x, 1)", "1/3", Tri.TRUE),
        ("Ne(3*x, 1)", "1/3", Tri.FALSE),
        ("x**2 < 2", "1.5", Tri.FALSE),
        ("x**2 < 2", "1.4142135623730951", Tri.FALSE),  # the decimal's square exceeds 2
        ("exp(x) > 10**347", "800", (Tri.TRUE, Tri.UNDECIDED)),  # beyond the floats
        ("exp(-x) > 0", "1000", Tri.TRUE),
        ("exp(-x) < 10**-434", "1000", (Tri.TRUE, Tri.UNDECIDED)),  # exp(-1000) = 5.1e-435
        ("x * 10**-200 * 10**-200 > 0", "1", Tri.TRUE),  # underflows in floats
        ("x + 2**-80 > 1", "1", Tri.TRUE),
        ("Eq(x + 2**-80, 1)", "1", Tri.FALSE),
    ],
)
def test_truth_at_point_is_exact(relation: str, value: str, expected: Tri | tuple[Tri, ...]) -> None:
    x = sp.Symbol("x", real=True)
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert truth_at_point(parse(relation, {"x": x}, "t"), {x: sp.Rational(value)}) in allowed


# ---------------------------------------------------------------------------
# both interval paths enclose the exact value at extreme points

_X = sp.Symbol("x", real=True)
_EXPRESSIONS = [
    sp.exp(_X), sp.exp(-_X), sp.log(_X), sp.sqrt(_X), _X**2, _X**3, 1 / _X, _X**-2,
    sp.exp(_X) - 1, sp.log(1 + _X), _X ** sp.Rational(1, 3), _X ** sp.Rational(3, 2),
    _X * sp.Rational(1, 3), sp.Abs(_X) - _X**2,
]
_POINTS = [
    "1e-320", "-1e-320", "1e-310", "1e-200", "-1e-200", "1e155", "1e200", "-1e300",
    "709.78", "709.79", "-745.13", "-745.14", "-744", "0.1", "1/3", "-1/3", "1", "0",
    "1e-17", "0.9999999999999999", "1.7976931348623157e308",
]


def test_batched_and_scalar_enclose_exact_values_at_extremes() -> None:
    mpmath.mp.dps = 420  # exp(1e-320) differs from 1 in the 320th digit
    failures = []
    for e in _EXPRESSIONS:
        batched = compile_batched(e, [_X])
        for text in _POINTS:
            q = sp.Rational(text)
            v = e.xreplace({_X: q})
            if v.has(sp.zoo, sp.nan) or v.is_real is not True:
                continue
            if v.is_Rational:
                exact: Fraction | None = Fraction(int(v.p), int(v.q))
                approx = None
            else:
                exact, approx = None, mpmath.mpf(sp.N(v, 400))
            lo_f, hi_f = rational_bounds(Fraction(int(q.p), int(q.q)))
            lo, hi = batched(np.array([[lo_f]]), np.array([[hi_f]]))
            enclosures = [("batched", float(lo[0]), float(hi[0]))]
            try:
                r = enclose(e, {_X: (q, q)})
                enclosures.append(("scalar", float(r[0].inf), float(r[0].sup)))
            except Exception:  # undefined on the box: no enclosure claimed
                pass
            for name, a, b in enclosures:
                if np.isnan(a) or np.isnan(b):
                    continue
                if exact is not None:
                    ok = (a == -np.inf or Fraction(a) <= exact) and (b == np.inf or exact <= Fraction(b))
                else:
                    ok = (a == -np.inf or mpmath.mpf(a) <= approx) and (b == np.inf or approx <= mpmath.mpf(b))
                if not ok:
                    failures.append((name, str(e), text, a, b))
    assert not failures


# ---------------------------------------------------------------------------
# the proof machinery

HEADER = """
[paper]
id = "audit"

[params]
x = { domain = "real", range = ["0", "1"] }
t = { domain = "real", range = ["0", "1"] }
l = { domain = "integer", range = [0, 10] }

[defs]
q = { expr = "x**2" }
"""


def _proof_status(tmp_path: Path, nodes: str, proofs: str, node: str) -> Status:
    (tmp_path / "lemmas").mkdir()
    (tmp_path / "proofs").mkdir()
    path = tmp_path / "lemmas" / "audit.toml"
    path.write_text(textwrap.dedent(HEADER) + textwrap.dedent(nodes), encoding="utf-8")
    (tmp_path / "proofs" / "audit.toml").write_text(
        'paper = "audit"\n' + textwrap.dedent(proofs), encoding="utf-8"
    )
    paper = load_paper(path)
    _, result = check_proof(paper, paper.nodes[node], paper.proofs[node], Budget(seconds=2), default_decide)
    return result.status


def test_citation_outside_the_cited_range_is_not_modus_ponens(tmp_path: Path) -> None:
    # L1 holds on x in [0, 1] (e <= 3); at x = 2t, t = 1 it would say exp(2) <= 5: false
    nodes = """
    [[node]]
    id = "L1"
    provenance = "paper"
    conclusion = "exp(x) <= 1 + 2*x"
    [[node]]
    id = "T"
    provenance = "paper"
    conclusion = "exp(2*t) <= 1 + 4*t"
    """
    proofs = """
    [[proof]]
    of = "T"
    [[proof.step]]
    claim = "exp(2*t) <= 1 + 4*t"
    using = [{ node = "L1", with = { x = "2*t" } }]
    """
    assert _proof_status(tmp_path, nodes, proofs, "T") is not Status.PROVED


def test_citation_substitutes_inside_definitions(tmp_path: Path) -> None:
    # q is x**2; L1 at x = t says t**2 <= t, not x**2 <= t (false at x = 1, t = 0)
    nodes = """
    [[node]]
    id = "L1"
    provenance = "paper"
    conclusion = "q <= x"
    [[node]]
    id = "T"
    provenance = "paper"
    conclusion = "x**2 <= t"
    """
    proofs = """
    [[proof]]
    of = "T"
    [[proof.step]]
    claim = "x**2 <= t"
    using = [{ node = "L1", with = { x = "t" } }]
    """
    assert _proof_status(tmp_path, nodes, proofs, "T") is not Status.PROVED


def test_citation_within_range_still_closes(tmp_path: Path) -> None:
    nodes = """
    [[node]]
    id = "L1"
    provenance = "paper"
    conclusion = "q <= x"
    [[node]]
    id = "T"
    provenance = "paper"
    conclusion = "t**2 <= t"
    """
    proofs = """
    [[proof]]
    of = "T"
    [[proof.step]]
    claim = "t**2 <= t"
    using = [{ node = "L1", with = { x = "t" } }]
    """
    assert _proof_status(tmp_path, nodes, proofs, "T") is Status.PROVED


def test_induction_step_cannot_prove_a_formal_claim(tmp_path: Path) -> None:
    # the induction facts hold (0 <= 0, e -> e), but they say nothing about x
    nodes = """
    [[node]]
    id = "T"
    provenance = "paper"
    conclusion = "x <= 0"
    """
    proofs = """
    [[proof]]
    of = "T"
    [[proof.step]]
    claim = "x <= 0"
    induction = { index = "l", start = "0", base = "0", recurrence = "e", closed = "0" }
    """
    assert _proof_status(tmp_path, nodes, proofs, "T") is not Status.PROVED


def test_cited_conclusion_does_not_vouch_for_its_own_hypotheses(tmp_path: Path) -> None:
    # L1: x <= 1 implies x**2 <= x (true). At x in [0, 1] the fact x**2 <= x
    # implies the obligation x <= 1 only if it may be assumed while proving it.
    header_free = """
    [[node]]
    id = "L1"
    provenance = "paper"
    hypotheses = ["t <= 1/2"]
    conclusion = "t**2 <= t/2"
    [[node]]
    id = "T"
    provenance = "paper"
    conclusion = "x**2 <= x/2"
    """
    proofs = """
    [[proof]]
    of = "T"
    [[proof.step]]
    claim = "x**2 <= x/2"
    using = [{ node = "L1", with = { t = "x" } }]
    """
    assert _proof_status(tmp_path, header_free, proofs, "T") is not Status.PROVED


# ---------------------------------------------------------------------------
# definedness: every backend treats a possibly undefined box as undecided


# bnb._resolve_abs once settled such boxes: on boxes where the sign of x is
# known, Abs(x)/x <= 1 became x/x <= 1, which sympy simplifies to 1 <= 1
def test_bnb_does_not_settle_boxes_where_the_goal_is_undefined() -> None:
    from boundprop.backends import bnb

    statement = build_statement("Abs(x)/x <= 1", (), ("x=-1:1",), ())
    assert bnb.decide(statement, Budget(seconds=2)).status is not Status.PROVED


def test_citation_of_an_integer_lemma_at_a_real_value(tmp_path: Path) -> None:
    # floor(l) >= l holds for every integer l, not for l = x = 1/2
    nodes = """
    [[node]]
    id = "L1"
    provenance = "paper"
    conclusion = "floor(l) >= l"
    [[node]]
    id = "T"
    provenance = "paper"
    conclusion = "floor(x) >= x"
    """
    proofs = """
    [[proof]]
    of = "T"
    [[proof.step]]
    claim = "floor(x) >= x"
    using = [{ node = "L1", with = { l = "x" } }]
    """
    assert _proof_status(tmp_path, nodes, proofs, "T") is not Status.PROVED


def test_a_proof_from_a_refuted_lemma_is_no_soundness_alarm(tmp_path: Path) -> None:
    from boundprop.check import check_paper

    (tmp_path / "lemmas").mkdir()
    (tmp_path / "proofs").mkdir()
    path = tmp_path / "lemmas" / "audit.toml"
    body = """
    [[node]]
    id = "L1"
    provenance = "paper"
    conclusion = "x <= 1/2"
    [[node]]
    id = "T"
    provenance = "paper"
    conclusion = "x**2 <= 1/4"
    """
    path.write_text(textwrap.dedent(HEADER) + textwrap.dedent(body), encoding="utf-8")
    proofs = '[[proof]]\nof = "T"\n[[proof.step]]\nclaim = "x <= 1/2"\nusing = ["L1"]\n'
    (tmp_path / "proofs" / "audit.toml").write_text('paper = "audit"\n' + proofs, encoding="utf-8")
    report = check_paper(load_paper(path), Budget(seconds=2))
    assert report.nodes["L1"].status is Status.REFUTED
    t = report.nodes["T"]
    # issue 13, class 3: a proof resting on a refuted lemma proves nothing (it
    # was PROVED "relative to L1"); the step names the node it rests on
    assert t.status is Status.REFUTED and t.proof_status is Status.UNKNOWN and not t.fully_checked
    assert "rests on L1 (refuted)" in t.steps[0].result.evidence


# induction._nonzero_point once searched l = 0..3 whatever l_max: a closed
# form solving the recurrence for every l <= l_max was refuted at l = l_max
def test_check_solution_refutes_only_inside_l_max() -> None:
    from boundprop.backends.induction import Recurrence, check_solution

    k = sp.Symbol("l", integer=True)
    # e_0 = 0, e_{l+1} = e_l + 1: C(l) = l for l <= 3, and C(4) = 28
    closed = k + k * (k - 1) * (k - 2) * (k - 3)
    rec = Recurrence(k, sp.Integer(1), sp.Integer(1), sp.Integer(0), closed, (), l_max=3)
    assert check_solution(rec).status is not Status.REFUTED


def test_point_checks_stay_inside_the_matrix_ranges(tmp_path: Path) -> None:
    # expm has no symbolic form: the node is checked at exact matrix points;
    # for A in [0, 1] (1 x 1), exp(a) >= 1 >= x holds, while A = -1 is outside the claim
    from boundprop.check import _point_check

    path = tmp_path / "audit.toml"
    path.write_text(
        textwrap.dedent("""
        [paper]
        id = "audit"
        [params]
        n = { domain = "integer", range = [1, 3] }
        x = { domain = "real", range = ["1/2", "1"] }
        [matrices]
        A = { shape = ["n", "n"] }
        [defs]
        expm = { builtin = "expm" }
        normN1 = { builtin = "normN1" }
        [[node]]
        id = "T"
        provenance = "paper"
        conclusion = "normN1(expm(A)) >= x"
        ranges = { A = ["0", "1"] }
        sizes = { n = [1, 1] }
        """),
        encoding="utf-8",
    )
    paper = load_paper(path)
    result = _point_check(paper, paper.nodes["T"], {"n": 1}, Budget(seconds=60), default_decide)
    assert result.status is not Status.REFUTED, result.counterexample
