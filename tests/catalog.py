"""A catalog of statements with known answers, for every backend and the portfolio.

Each :class:`Entry` gives the statement in the ``boundprop prove`` syntax, its
mathematical truth (``truth``: established by the note, never by running
the engine), the verdict the portfolio must reach at the entry's budget
(``expected``: "proved", "refuted" or "open" = tested/unknown), the backends
that claim its shape, and, for false statements, one exact counterexample
``witness`` (rational, or algebraic such as "sqrt(2)"; checked by the tests).

Zero tolerance: no backend may say "proved" on a false entry or "refuted" on
a true one. "open" entries are ones that must stay open at a small budget:
true ones outside every method's reach (symbolic exponents over unbounded
integer ranges). False statements whose counterexamples are all irrational
are refuted at exact algebraic points (witnesses such as "sqrt(2)").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from boundprop.cli.prove_cmd import build_statement
from boundprop.statement import Statement

PROVED, REFUTED, OPEN = "proved", "refuted", "open"

# Backend names as the tests know them.
EXACT, Z3, BNB, FALS = "exact", "z3", "bnb", "falsifier"
POLY = (EXACT, Z3, FALS)  # polynomial/piecewise over unbounded ranges
POLY_BOX = (EXACT, Z3, BNB, FALS)  # polynomial/piecewise over a bounded box
TRANS = (EXACT, FALS)  # transcendental over unbounded ranges
TRANS_BOX = (EXACT, BNB, FALS)  # transcendental over a bounded box


@dataclass(frozen=True, slots=True)
class Entry:
    """One catalog statement with its known answer."""

    name: str
    expr: str
    truth: bool
    expected: str
    backends: tuple[str, ...]
    note: str
    var: tuple[str, ...] = ()
    assume: tuple[str, ...] = ()
    integer: tuple[str, ...] = ()
    witness: Mapping[str, str] | None = None
    matrices: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    seconds: float = 2.0

    def statement(self) -> Statement:
        st = build_statement(self.expr, self.assume, self.var, self.integer)
        if not self.matrices:
            return st
        by_name = {v.name: v.symbol for v in st.variables}
        mats = {
            m: tuple(tuple(by_name[e] for e in row) for row in rows)
            for m, rows in self.matrices.items()
        }
        return replace(st, matrices=mats)


def _res3(v: str) -> list[str]:
    """Res of a column (v1, v2, v3): v_i minus the mid-range."""
    mid = f"(Max({v}1, {v}2, {v}3) + Min({v}1, {v}2, {v}3))/2"
    return [f"({v}{i} - {mid})" for i in (1, 2, 3)]


_RA, _RB = _res3("a"), _res3("b")
_RES_DIFF = "Max(" + ", ".join(f"Abs({p} - {q})" for p, q in zip(_RA, _RB, strict=True)) + ")"
_DIFF = "Max(Abs(a1 - b1), Abs(a2 - b2), Abs(a3 - b3))"
_COL = {"A": (("a1",), ("a2",), ("a3",)), "B": (("b1",), ("b2",), ("b3",))}
_N1 = "Max(Abs({0}11), Abs({0}12), Abs({0}21), Abs({0}22))"
_MAT2 = {
    "A": (("a11", "a12"), ("a21", "a22")),
    "B": (("b11", "b12"), ("b21", "b22")),
}
_BOX2 = tuple(f"{m}{i}{j}=-10:10" for m in "ab" for i in (1, 2) for j in (1, 2))

CATALOG: tuple[Entry, ...] = (
    # --- trivially true: sympy decides ------------------------------------------------
    Entry("square-nonneg", "x^2 >= 0", True, PROVED, POLY, "sympy evaluates it on parsing"),
    Entry("quartic-plus-one", "x^4 + 1 > 0", True, PROVED, POLY, "even power plus 1"),
    Entry("sum-of-nonneg", "x^3 + y + 1 >= 1", True, PROVED, POLY_BOX,
          "x, y >= 0 from the ranges", var=("x=0:2", "y=0:2")),
    Entry("exp-positive", "exp(x) > 0", True, PROVED, POLY,
          "exp of a real is positive: sympy reduces it to True on parsing"),
    # --- polynomial, z3 -----------------------------------------------------------------
    Entry("amgm-2", "x*y <= (x^2 + y^2)/2", True, PROVED, POLY,
          "(x-y)^2 >= 0; tight on x = y"),
    Entry("amgm-2-scaled", "4*x*y <= (x + y)^2", True, PROVED, POLY, "tight on x = y"),
    Entry("amgm-3", "x*y*z <= (x^3 + y^3 + z^3)/3", True, PROVED, POLY,
          "AM-GM for three nonnegative numbers; tight on x = y = z",
          var=("x=0:oo", "y=0:oo", "z=0:oo"), seconds=12.0),
    Entry("cauchy-schwarz-2", "(a*c + b*d)^2 <= (a^2 + b^2)*(c^2 + d^2)", True, PROVED, POLY,
          "Lagrange identity: the gap is (ad - bc)^2"),
    Entry("motzkin", "x^4*y^2 + x^2*y^4 - 3*x^2*y^2 + 1 >= 0", True, PROVED, POLY,
          "Motzkin's polynomial: nonnegative (AM-GM) but not a sum of squares; tight at |x|=|y|=1"),
    Entry("square-completion", "x^2 - 2*x + 1 >= 0", True, PROVED, POLY, "(x-1)^2; tight at 1"),
    Entry("bernoulli-small-n", "(1+x)^n >= 1 + n*x", True, PROVED, POLY,
          "Bernoulli's inequality for x >= -1, integer n in [0, 6]",
          var=("n=0:6",), assume=("x >= -1",), integer=("n",)),
    Entry("bernoulli-no-hyp", "(1+x)^n >= 1 + n*x", False, REFUTED, POLY,
          "without x >= -1 it fails for odd n: (1-4)^3 = -27 < -11",
          var=("n=0:6",), integer=("n",), witness={"x": "-4", "n": "3"}),
    Entry("pow2-vs-square", "2^n >= n^2", True, PROVED, POLY_BOX,
          "holds for n >= 4 (induction); checked for n in [4, 20]; tight at n = 4",
          var=("n=4:20",), integer=("n",)),
    Entry("pow2-vs-square-from-0", "2^n >= n^2", False, REFUTED, POLY_BOX,
          "fails at n = 3 (8 < 9)", var=("n=0:10",), integer=("n",), witness={"n": "3"}),
    Entry("square-vs-id", "x^2 >= x", False, REFUTED, POLY, "fails on (0, 1)",
          witness={"x": "1/2"}),
    Entry("cube-vs-id", "x^3 >= x", False, REFUTED, POLY, "fails on (0, 1)",
          var=("x=0:oo",), witness={"x": "1/2"}),
    Entry("wrong-amgm-constant", "x*y <= (x^2 + y^2)/3", False, REFUTED, POLY,
          "x = y = 1: 1 > 2/3", witness={"x": "1", "y": "1"}),
    Entry("wrong-square-bound", "(a + b)^2 <= 2*a^2 + b^2", False, REFUTED, POLY,
          "a = b = 1: 4 > 3", witness={"a": "1", "b": "1"}),
    Entry("poly-box-true", "x^3 - 3*x + 2 >= 0", True, PROVED, POLY_BOX,
          "(x-1)^2 (x+2) >= 0 on [-2, 3]; tight at -2 and at the interior point 1",
          var=("x=-2:3",)),
    Entry("poly-box-false", "x^3 - 3*x + 2 >= 0", False, REFUTED, POLY_BOX,
          "negative for x < -2", var=("x=-3:3",), witness={"x": "-3"}),
    # --- rational functions and sqrt, z3 with definedness ------------------------------
    Entry("x-plus-inverse", "x + 1/x >= 2", True, PROVED, POLY, "tight at x = 1",
          assume=("x > 0",)),
    Entry("x-plus-inverse-neg", "x + 1/x >= 2", False, REFUTED, POLY,
          "x = -1 gives -2", assume=("Ne(x, 0)",), witness={"x": "-1"}),
    Entry("ratio-below-x", "x/(1 + x) <= x", True, PROVED, POLY, "tight at 0",
          var=("x=0:oo",)),
    Entry("chord-above-convex", "1/(1 - x) <= 1 + 2*x", True, PROVED, POLY_BOX,
          "convex function below its chord on [0, 1/2]; tight at both ends", var=("x=0:0.5",)),
    Entry("sqrt-amgm", "sqrt(x*y) <= (x + y)/2", True, PROVED, POLY, "tight on x = y",
          var=("x=0:oo", "y=0:oo")),
    Entry("sqrt-subadditive", "sqrt(x + y) <= sqrt(x) + sqrt(y)", True, PROVED, POLY,
          "square both sides; tight when x*y = 0", var=("x=0:oo", "y=0:oo")),
    Entry("sqrt-below-tangent", "sqrt(1 + x) <= 1 + x/2", True, PROVED, POLY_BOX,
          "concavity; tight at 0", var=("x=-1:10",)),
    Entry("sqrt-vs-id", "sqrt(x) <= x", False, REFUTED, POLY, "fails on (0, 1)",
          var=("x=0:oo",), witness={"x": "1/4"}),
    Entry("sqrt-abs", "Eq(sqrt(x^2), Abs(x))", True, PROVED, POLY, "definition of sqrt"),
    # --- piecewise-linear: max, min, abs, floor --------------------------------------
    Entry("triangle", "Abs(a + b) <= Abs(a) + Abs(b)", True, PROVED, POLY, "tight when ab >= 0"),
    Entry("reverse-triangle", "Abs(Abs(a) - Abs(b)) <= Abs(a - b)", True, PROVED, POLY,
          "tight when ab >= 0"),
    Entry("triangle-reversed", "Abs(a + b) >= Abs(a) + Abs(b)", False, REFUTED, POLY,
          "a = 1, b = -1", witness={"a": "1", "b": "-1"}),
    Entry("max-plus-min", "Eq(Max(a, b) + Min(a, b), a + b)", True, PROVED, POLY, "identity"),
    Entry("max-formula", "Eq(Max(a, b), (a + b + Abs(a - b))/2)", True, PROVED, POLY,
          "identity"),
    Entry("min-formula", "Eq(Min(a, b), (a + b - Abs(a - b))/2)", True, PROVED, POLY,
          "identity"),
    Entry("max-below-mean", "Max(a, b) <= (a + b)/2", False, REFUTED, POLY,
          "a = 1, b = 0", witness={"a": "1", "b": "0"}),
    Entry("relu-lipschitz", "Abs(Max(a, 0) - Max(b, 0)) <= Abs(a - b)", True, PROVED, POLY,
          "ReLU is 1-Lipschitz"),
    Entry("relu-2-lipschitz-wrong", "Abs(Max(a, 0) - Max(b, 0)) <= Abs(a - b)/2", False,
          REFUTED, POLY, "a = 1, b = 0", witness={"a": "1", "b": "0"}),
    Entry("abs-box", "Abs(x) <= 1", True, PROVED, POLY, "from the hypotheses",
          assume=("x >= -1", "x <= 1")),
    Entry("floor-below", "floor(x) <= x", True, PROVED, POLY, "definition of floor"),
    Entry("floor-above-wrong", "floor(x) >= x", False, REFUTED, POLY, "x = 1/2",
          witness={"x": "1/2"}),
    Entry("relu-piecewise", "Eq(Piecewise((x, x > 0), (0, x <= 0)), Max(x, 0))", True, PROVED,
          POLY, "ReLU written two ways"),
    # --- irrational counterexamples only: refuted at an exact algebraic point ------------
    Entry("ne-sqrt2", "Ne(x^2, 2)", False, REFUTED, POLY_BOX,
          "false only at x = sqrt(2): no rational counterexample exists", var=("x=1:2",),
          witness={"x": "sqrt(2)"}),
    Entry("ne-circle-3", "Ne(x^2 + y^2, 3)", False, REFUTED, POLY,
          "x^2 + y^2 = 3 has real but no rational points", witness={"x": "sqrt(3)", "y": "0"}),
    Entry("ne-cbrt2", "Ne(x^3, 2)", False, REFUTED, POLY_BOX,
          "false only at the cube root of 2", var=("x=1:2",), witness={"x": "2**(1/3)"}),
    # --- transcendental over boxes: interval branch-and-bound --------------------------
    Entry("exp-tangent-box", "exp(x) >= 1 + x", True, PROVED, TRANS_BOX,
          "convexity; tight at 0", var=("x=-50:50",)),
    Entry("exp-tangent-neg", "1 - x <= exp(-x)", True, PROVED, TRANS_BOX, "tight at 0",
          var=("x=-5:5",)),
    Entry("exp-second-order", "exp(x) >= 1 + x + x^2/2", True, PROVED, TRANS_BOX,
          "Taylor remainder x^3/6 * exp(xi) >= 0 for x >= 0; tight (third order) at 0",
          var=("x=0:3",)),
    Entry("exp-second-order-neg", "exp(x) >= 1 + x + x^2/2", False, REFUTED, TRANS_BOX,
          "fails for x < 0: exp(-1) < 1/2", var=("x=-1:0",), witness={"x": "-1"}),
    Entry("g-le-2x-1.25", "exp(x) - 1 <= 2*x", True, PROVED, TRANS_BOX,
          "L-EXP (papers.md 1.3): g(x) <= 2x on [0, 1.25]: e^1.25 - 1 = 2.4903 < 2.5; tight at 0",
          var=("x=0:1.25",)),
    Entry("g-le-2x-1.3", "exp(x) - 1 <= 2*x", False, REFUTED, TRANS_BOX,
          "e^1.3 - 1 = 2.6693 > 2.6: the bound fails beyond x* = 1.2564",
          var=("x=0:1.3",), witness={"x": "13/10"}),
    Entry("g-le-2x-tight-false", "exp(x) - 1 <= 2*x", False, REFUTED, TRANS_BOX,
          "just past the crossing x* = 1.25643: violation ~1e-4 at 1.2565",
          var=("x=0:1.2565",), witness={"x": "2513/2000"}),
    Entry("g-superadditive", "exp(2*x) - 1 >= 2*(exp(x) - 1)", True, PROVED, TRANS_BOX,
          "g(2x) - 2g(x) = (e^x - 1)^2 >= 0; tight at 0", var=("x=0:3",)),
    Entry("g-2x-le-2g", "exp(2*x) - 1 <= 2*(exp(x) - 1)", False, REFUTED, TRANS_BOX,
          "g(2x) <= 2g(x) fails for every x != 0", var=("x=0:1",), witness={"x": "1"}),
    Entry("log-tangent-box", "log(1 + x) <= x", True, PROVED, TRANS_BOX, "concavity; tight at 0",
          var=("x=0:5",)),
    Entry("log-lower", "log(1 + x) >= x/(1 + x)", True, PROVED, TRANS_BOX, "tight at 0",
          var=("x=0:10",)),
    Entry("log-wrong-quadratic", "log(1 + x) >= x - x^2/3", False, REFUTED, TRANS_BOX,
          "log(1+x) = x - x^2/2 + O(x^3) is below x - x^2/3 near 0",
          var=("x=0:1",), witness={"x": "1/2"}),
    Entry("exp-neg-vs-ratio", "exp(-x) >= 1/(1 + x)", False, REFUTED, TRANS_BOX,
          "e^x > 1 + x for x > 0 gives the opposite", var=("x=0:10",), witness={"x": "1"}),
    Entry("exp-power", "(1 + x)^L <= exp(L*x)", True, PROVED, TRANS_BOX,
          "1 + x <= e^x raised to the power L; tight at x = 0", var=("x=0:1", "L=1:10"),
          integer=("L",), seconds=8.0),
    Entry("exp-power-wrong", "(1 + x)^L >= exp(L*x)", False, REFUTED, TRANS_BOX,
          "reversed: x = 1, L = 1 gives 2 < e", var=("x=0:1", "L=1:10"), integer=("L",),
          witness={"x": "1", "L": "1"}),
    Entry("closed-e", "exp(1) > 2.7", True, PROVED, (EXACT, Z3), "e = 2.71828..., no variables"),
    # --- transcendental over unbounded ranges: the MetiTarski-style backend ------------
    Entry("exp-tangent-R", "exp(x) >= 1 + x", True, PROVED, TRANS,
          "true on all of R: exp's odd-order Taylor lower bound is >= 1 + x everywhere"),
    Entry("log-tangent-R", "log(1 + x) <= x", True, PROVED, TRANS,
          "true on [0, oo); log(1 + x) <= x is log's first upper bound family", var=("x=0:oo",)),
    Entry("pow3-vs-square-N", "3^n >= n^2", True, OPEN, (EXACT, FALS),
          "true for every integer n >= 0 (3^n >= 1 + 2n + 2n(n-1) >= n^2), but a symbolic "
          "exponent over an unbounded integer range is beyond every method here",
          var=("n=0:oo",), integer=("n",)),
    Entry("exp-cubic-R", "exp(u) >= 1 + u + u^2/3", False, REFUTED, TRANS,
          "fails for negative u: u = -3/2", witness={"u": "-3/2"}),
    # --- matrices (N1 norm = entrywise max), instantiated at small sizes ----------------
    Entry("n1-triangle-2x2",
          "Max(Abs(a11 + b11), Abs(a12 + b12), Abs(a21 + b21), Abs(a22 + b22)) <= "
          + _N1.format("a") + " + " + _N1.format("b"),
          True, PROVED, POLY_BOX, "triangle inequality of the N1 norm, 2x2", var=_BOX2,
          matrices=_MAT2),
    Entry("lemma-4.1-n3", f"{_RES_DIFF} <= e", False, REFUTED, POLY,
          "Lemma 4.1 (papers.md 1.2) under N1 at n=3, d=1: Res is not 1-Lipschitz; "
          "A = (0, 0, 2), B = (0, 1, 1) gives ||A-B|| = 1 but ||Res(A)-Res(B)|| = 3/2",
          var=("e=0:oo",), assume=(f"{_DIFF} <= e",),
          witness={"a1": "0", "a2": "0", "a3": "2", "b1": "0", "b2": "1", "b3": "1", "e": "1"},
          matrices=_COL),
    Entry("p4-n3", f"{_RES_DIFF} <= 2*e", True, PROVED, POLY,
          "P4 (papers.md 1.3): Res is 2-Lipschitz under N1 (n=3, d=1)",
          var=("e=0:oo",), assume=(f"{_DIFF} <= e",), matrices=_COL),
    Entry("p1-n3", "Max(" + ", ".join(f"Abs{r}" for r in _RA) + ") <= "
          "Max(Abs(a1), Abs(a2), Abs(a3))", True, PROVED, POLY,
          "P1: ||Res(X)|| <= ||X|| under N1 (n=3, d=1)",
          matrices={"A": (("a1",), ("a2",), ("a3",))}),
)
