"""Polya's test problems (true) and perturbed false variants, with sources.

The fourth catalog of tests/ (with tests/catalog.py,
tests/data/metitarski_sample.py and tests/data/catalog_published.py;
benchmarks/catalog_stats.py runs all four). Same entry shape as the
published catalog: ``name``, ``family``, ``source``, ``variables`` as
``(name, lo, hi)`` (exact strings, ``oo`` for unbounded), ``hypotheses``,
``conclusion`` (sympy text) and ``truth``; false variants also carry
``fails`` (a point where the hypotheses hold and the conclusion is false,
checked exactly by tests/test_catalog_polya.py).

Sources: "Polya #k" is the k-th example (counted from 1, in file order) of
``examples/sample_problems.py`` of the public Polya prover
(github.com/avigad/polya; J. Avigad, R. Y. Lewis, C. Roux, "A heuristic
prover for real inequalities", JAR 56 (2016)); most of them are discussed in
that paper ("ALR"), two come from Avigad & Friedman (2006). An example given
there as inconsistent hypotheses ``H1, ..., Hn`` is written here as
``H1, ..., H(n-1)`` implies the negation of ``Hn`` (the same fact). Examples
with uninterpreted functions or ``ceil`` are left out (no such terms here).
"Polya (not proved)" marks examples that paper lists as beyond Polya.
"Bullen" is P. S. Bullen, *A Dictionary of Inequalities* (1998);
"Mitrinovic" is D. S. Mitrinović, *Analytic Inequalities* (1970).
All variables range over the reals unless a hypothesis says otherwise.
"""

from __future__ import annotations

from typing import Any

from metitarski_sample import statement, unbounded

__all__ = ["ENTRIES", "statement", "unbounded"]

OO = "oo"


def _e(name: str, family: str, source: str, names: str, hypotheses: list[str], conclusion: str,
       truth: bool = True, fails: dict[str, str] | None = None) -> dict[str, Any]:
    variables = [(n, "-" + OO, OO) for n in names.split()]
    entry: dict[str, Any] = dict(name=name, family=family, source=source, variables=variables,
                                 hypotheses=hypotheses, conclusion=conclusion, truth=truth)
    if fails is not None:
        entry["fails"] = fails
    return entry


ENTRIES: list[dict[str, Any]] = [
    # --- polynomial / rational ---------------------------------------------
    _e("polya-1", "polynomial", "Polya #1 (ALR)", "u v x y", ["0 < u", "u < v", "v < 1", "2 <= x", "x <= y"],
       "2*u**2*x < v*y**2"),
    _e("polya-2", "polynomial", "Polya #2 (ALR)", "x y", ["x > 1"], "(1 + y**2)*x >= 1 + y**2"),
    _e("polya-3", "polynomial", "Polya #3 (ALR)", "x", ["0 < x", "x < 1"], "1/(1 - x) > 1/(1 - x**2)"),
    _e("polya-4", "polynomial", "Polya #4 (ALR)", "u v z w", ["0 < u", "u < v", "0 < z", "z + 1 < w"],
       "(u + v + z)**3 < (u + v + w + 1)**5"),
    _e("polya-24", "polynomial", "Polya #24 (ALR)", "n K x c eps",
       ["0 <= n", "n < (K/2)*x", "0 < c", "0 < eps", "eps < 1"], "(1 + eps/(3*(c + 3)))*n < K*x"),
    _e("polya-25", "polynomial", "Polya #25 (Avigad and Friedman 2006)", "x y", ["0 < x", "x < y"],
       "(1 + x**2)/(2 + y)**17 < (2 + y**2)/(2 + x)**10"),
    _e("polya-29", "polynomial", "Polya #29 (ALR; inconsistent hypotheses, last one negated)", "x y",
       ["0 < x", "0 < y", "y < 1"], "x*y <= x + y"),
    _e("polya-35", "polynomial", "Polya #35 (ALR)", "x y z", ["0 < x", "y < z"], "x*y < x*z"),
    _e("polya-36", "polynomial", "Polya #36 (ALR)", "x y z w", ["0 < x", "x*y*z < 0", "x*w > 0"], "w > y*z"),
    _e("polya-39", "polynomial", "Polya #39 (inconsistent hypotheses, last one negated)", "x y z w",
       ["x*(y + z) <= 0", "y + z > 0", "x >= 0"], "x*w <= 0"),
    _e("polya-40", "polynomial", "Polya #40", "x y u v",
       ["0 < x", "x < 3*y", "u < v", "v < 0", "1 < v**2", "v**2 < x"], "u*(3*y)**2 + 1 < x**2*v + x"),
    _e("polya-41", "polynomial", "Polya #41", "x y u v w z r",
       ["0 < x", "x < y", "0 < u", "u < v", "0 < w + z", "w + z < r - 1"],
       "u + (1 + x)**2*(2*w + 2*z + 3) < 2*v + (1 + y)**2*(2*r + 1)"),
    _e("polya-42", "polynomial", "Polya #42", "x y",
       ["x + 1/y < 2", "y < 0", "y/x > 1", "-2 <= x", "x <= 2", "-2 <= y", "y <= 2"], "x**2/y <= 1 - x"),
    _e("polya-43", "polynomial", "Polya #43", "u v x y w z",
       ["0 < u", "u < v", "1 < x", "x < y", "0 < w", "w < z"], "u + x*w < v + y**2*z"),
    _e("polya-48", "polynomial", "Polya #48 (inconsistent hypotheses, last one negated)", "x y z",
       ["1 < x", "1 < y", "1 < z"], "1 < x*(1 + z*y)"),
    _e("polya-50", "polynomial", "Polya #50 (inconsistent hypotheses, last one negated)", "x y u",
       ["x < 1", "1 < y", "x*y > 1", "u + x >= y + 1"], "x**2*y >= 2 - u*x*y"),
    _e("polya-51", "polynomial", "Polya #51 (inconsistent hypotheses, last one negated)", "a b",
       ["a**21 > 0", "a**3 < 1", "b**55 > 0", "b < 1"], "a + b >= a*b"),
    _e("polya-52", "polynomial", "Polya #52", "x y z", ["0 < x", "y < z", "y < 0", "z > 0"], "x*y < x*z"),
    _e("polya-54", "polynomial", "Polya #54", "x y", ["x > 1"], "1 + y**2*x >= 1 + y**2"),
    _e("polya-58", "polynomial", "Polya #58", "x y", ["x > 2*y", "Eq(x, 3*y)"], "y > 0"),
    _e("mh-cheb-lower", "polynomial", "Polya (not proved; from McLaughlin and Harrison)", "x",
       ["-1 <= x", "x <= 1"], "-1 <= 4*x**3 - 3*x"),
    _e("mh-cheb-upper", "polynomial", "Polya (not proved; from McLaughlin and Harrison)", "x",
       ["-1 <= x", "x <= 1"], "4*x**3 - 3*x <= 1"),
    _e("nesbitt", "polynomial", "Polya (not proved); Nesbitt's inequality, Bullen", "a b c",
       ["a > 0", "b > 0", "c > 0"], "a/(b + c) + b/(c + a) + c/(a + b) >= 3/2"),
    _e("harmonic-sum", "polynomial", "Polya (not proved; awesome_math Inequalities.pdf)", "a b c",
       ["a > 0", "b > 0", "c > 0"], "a*b/(a + b) + b*c/(b + c) + a*c/(a + c) <= 3*(a*b + b*c + c*a)/(2*(a + b + c))"),
    # --- min, max, abs -----------------------------------------------------
    _e("polya-15", "minmax", "Polya #15 (ALR)", "x y u v", ["x < y", "u <= v"], "u + Min(x + 2*u, y + 2*v) <= x + 3*v"),
    _e("polya-17", "minmax", "Polya #17 (ALR)", "x y", ["y > 0"], "Abs(3*x + 2*y + 5) < 4*Abs(x) + 3*y + 6"),
    _e("polya-37", "minmax", "Polya #37 (ALR)", "x y", [], "Eq(Min(x, y) + Max(x, y), x + y)"),
    _e("polya-69", "minmax", "Polya #69", "x y", ["x <= y"], "Eq(Min(x, y), x)"),
    _e("polya-70", "minmax", "Polya #70", "x y w z", ["0 < x", "x <= y"], "2*x + Min(w, z) < 3*y + w"),
    _e("polya-71", "minmax", "Polya #71", "x y z u v", ["x < u", "y < u", "z < u", "x < v", "y < v", "z < v"],
       "Max(x, y, z) < Min(u, v)"),
    _e("polya-72", "minmax", "Polya #72", "x y u v", ["x < y", "u < v"], "Max(x + u, 2*x + u) < Max(y + v, 2*y + v)"),
    _e("polya-73", "minmax", "Polya #73", "x y", [], "Abs(3*x + 2*y) <= 3*Abs(x) + 4*Abs(y)"),
    _e("polya-74", "minmax", "Polya #74", "x y", [], "Abs(x - y) >= Abs(y) - Abs(x)"),
    _e("polya-75", "minmax", "Polya #75; triangle inequality, Bullen", "x y z", [],
       "Abs(x - z) <= Abs(x - y) + Abs(y - z)"),
    _e("polya-76", "minmax", "Polya #76", "x y z", [], "Abs(2*x - z) <= Abs(2*x - y) + Abs(y - z)"),
    # --- roots ---------------------------------------------------------------
    _e("polya-16", "root", "Polya #16 (ALR)", "u v", ["u > 0", "v > 1"], "(u**9*v**4)**(1/3) > u**3*v"),
    _e("mit-sqrt-amgm-3", "root", "Bullen, Dictionary: arithmetic-geometric mean inequality, n = 3",
       "x y z", ["x > 0", "y > 0", "z > 0"],
       "(x*y*z)**(1/3) <= (x + y + z)/3"),
    # --- exp and log -----------------------------------------------------------
    _e("polya-12", "exp", "Polya #12 (ALR)", "x y z w", ["z > exp(x)", "w > exp(y)"], "z**3*w**2 > exp(3*x + 2*y)"),
    _e("polya-13", "log", "Polya #13 (ALR)", "a b c", ["a > 1", "Ne(b, 0)", "c > 0", "log(b**2) > 4", "log(c) > 1"],
       "log(a*b**2*c**3) > 7"),
    _e("polya-14", "log", "Polya #14 (ALR)", "u v x", ["u > 0", "v > 0", "x > 0", "log(x) > 2*u + v"], "x > 1"),
    _e("polya-18", "exp", "Polya #18 (ALR)", "x y", [], "exp(Max(Abs(x), y)) >= 1"),
    _e("polya-19", "exp", "Polya #19 (ALR)", "x y", ["y > Max(2, 3*x)", "x > 0"], "exp(4*y - 3*x) > exp(6)"),
    _e("polya-20", "log", "Polya #20 (ALR)", "x y", ["y > 0"], "log(1 + Abs(x) + y) > 0"),
    _e("polya-21", "exp", "Polya #21 (ALR)", "x y z w", ["Abs(x) < 3", "Abs(y) < 2", "w <= 0"],
       "Abs(x + 2*y + z)*exp(w) < 7 + Abs(z)"),
    _e("polya-22", "exp", "Polya #22 and #23 (ALR)", "x y u v", ["0 < x", "x < y", "u < v"],
       "2*u + exp(1 + x + x**4) <= 2*v + exp(1 + y + y**4)"),
    _e("polya-26", "exp", "Polya #26 (Avigad and Friedman 2006)", "x y", ["0 < x", "x < y"],
       "(1 + x**2)/(2 + exp(y)) < (2 + y**2)/(1 + exp(x))"),
    _e("polya-77", "exp", "Polya #77", "x y z w", ["Abs(x) < 3", "Abs(y) < 2", "w >= 0"],
       "Abs(x + 2*y + z) < (7 + Abs(z))*exp(w)"),
    _e("polya-78", "exp", "Polya #78", "x y", [], "Eq(exp(x + y), exp(x)*exp(y))"),
    _e("polya-79", "log", "Polya #79", "x", [], "log(1 + x**2 + exp(x)) > x"),
    _e("polya-80", "exp", "Polya #80", "x y u v", ["0 < x", "3 < y", "u < v"], "2*u + exp(10) <= 2*v + exp(1 + y**2)"),
    _e("polya-81", "log", "Polya #81 (follows from x > log x >= min(...) > 1)", "x",
       ["Min(exp(3*x), exp(9*x**2 - 2), log(x)) > 1", "x > 0"], "x > 1"),
    _e("polya-82", "log", "Polya #82", "x", [], "log(Max(exp(2*x), exp(3*x))) >= 3*x"),
    # --- false variants (each false at its point, checked exactly) -------------
    _e("F-polya-3", "polynomial", "variant of Polya #3 (x = 1/2)", "x", ["0 < x", "x < 1"],
       "1/(1 - x) < 1/(1 - x**2)", truth=False, fails={"x": "1/2"}),
    _e("F-mh-cheb-upper", "polynomial", "variant of McLaughlin-Harrison (x = 1)", "x", ["-1 <= x", "x <= 1"],
       "4*x**3 - 3*x <= 9/10", truth=False, fails={"x": "1"}),
    _e("F-nesbitt", "polynomial", "variant of Nesbitt (a = b = c = 1)", "a b c", ["a > 0", "b > 0", "c > 0"],
       "a/(b + c) + b/(c + a) + c/(a + b) >= 2", truth=False, fails={"a": "1", "b": "1", "c": "1"}),
    _e("F-polya-73", "minmax", "variant of Polya #73 (x = 0, y = 1)", "x y", [],
       "Abs(3*x + 2*y) <= 3*Abs(x) + Abs(y)", truth=False, fails={"x": "0", "y": "1"}),
    _e("F-polya-75", "minmax", "variant of Polya #75 (x = 0, y = 1, z = 2)", "x y z", [],
       "Abs(x - z) <= Abs(x - y) + Abs(y - z)/2", truth=False, fails={"x": "0", "y": "1", "z": "2"}),
    _e("F-polya-19", "exp", "variant of Polya #19 (x = 1/2, y = 21/10)", "x y", ["y > Max(2, 3*x)", "x > 0"],
       "exp(4*y - 3*x) > exp(7)", truth=False, fails={"x": "1/2", "y": "21/10"}),
    _e("F-polya-20", "log", "variant of Polya #20 (x = 0, y = 1)", "x y", ["y > 0"], "log(1 + Abs(x) + y) > 1",
       truth=False, fails={"x": "0", "y": "1"}),
    _e("F-polya-16", "root", "variant of Polya #16 (u = 1, v = 2)", "u v", ["u > 0", "v > 1"],
       "(u**9*v**4)**(1/3) > u**3*v**2", truth=False, fails={"u": "1", "v": "2"}),
]
