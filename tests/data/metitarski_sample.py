"""A small catalog of published real inequalities over exp, log, sqrt and
rational powers, with false variants, for the MetiTarski-style backend.

Each entry: ``name``, ``family`` (the function class it exercises),
``source``, ``variables`` as ``(name, lo, hi)`` (exact strings, ``oo`` for
unbounded), ``hypotheses`` and ``conclusion`` as sympy text, and ``truth``.
Sources: "KN" is W. J. Kaczor, M. T. Nowak, *Problems in Mathematical
Analysis II* (AMS 1998), the source of many problems of MetiTarski's library
(problem names given where they are MetiTarski's); "classical" means a
textbook fact (Taylor, convexity, AM-GM, Bernoulli). False variants are the
true statements with a constant or a direction perturbed, each false at an
explicit point (noted).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from boundprop.statement import Statement, make_variable

ENTRIES: list[dict[str, Any]] = [
    # --- exp --------------------------------------------------------------
    dict(name="exp-tangent", family="exp", source="classical", variables=[("x", "-oo", "oo")],
         hypotheses=[], conclusion="exp(x) >= 1 + x", truth=True),
    dict(name="exp-taylor2-lower", family="exp", source="classical (MetiTarski exp-lower)",
         variables=[("x", "0", "oo")], hypotheses=[], conclusion="exp(x) >= 1 + x + x**2/2", truth=True),
    dict(name="exp-upper-reciprocal", family="exp", source="classical",
         variables=[("x", "-oo", "1")], hypotheses=["x < 1"], conclusion="exp(x) <= 1/(1 - x)", truth=True),
    dict(name="exp-neg-taylor2-upper", family="exp", source="classical", variables=[("x", "0", "oo")],
         hypotheses=[], conclusion="exp(-x) <= 1 - x + x**2/2", truth=True),
    dict(name="exp-quadratic-upper", family="exp", source="classical (MetiTarski exp-upper)",
         variables=[("x", "-oo", "1")], hypotheses=[], conclusion="exp(x) <= 1 + x + x**2", truth=True),
    dict(name="exp-square-lower", family="exp", source="classical", variables=[("x", "0", "oo")],
         hypotheses=[], conclusion="exp(x) >= (1 + x/2)**2", truth=True),
    dict(name="exp-chord", family="exp", source="classical (convexity)", variables=[("x", "0", "1")],
         hypotheses=[], conclusion="exp(x) - 1 <= (E - 1)*x", truth=True),
    dict(name="exp-vs-2.7x", family="exp", source="classical (e^x >= e x), constant lowered",
         variables=[("x", "-oo", "oo")], hypotheses=[], conclusion="exp(x) >= 27*x/10", truth=True),
    dict(name="x-exp-min", family="exp", source="classical (min of x e^x is -1/e)",
         variables=[("x", "-oo", "oo")], hypotheses=[], conclusion="x*exp(x) >= -37/100", truth=True),
    dict(name="exp-vs-square", family="exp", source="classical", variables=[("x", "0", "oo")],
         hypotheses=[], conclusion="exp(x) >= x**2", truth=True),
    dict(name="exp-gauss-cauchy", family="exp", source="classical", variables=[("x", "-oo", "oo")],
         hypotheses=[], conclusion="exp(-x**2) <= 1/(1 + x**2)", truth=True),
    dict(name="cosh-lower", family="exp", source="classical", variables=[("x", "-oo", "oo")],
         hypotheses=[], conclusion="cosh(x) >= 1 + x**2/2", truth=True),
    dict(name="cosh-gauss", family="exp", source="classical (cosh x <= exp(x^2/2), termwise)",
         variables=[("x", "-3", "3")], hypotheses=[], conclusion="cosh(x) <= exp(x**2/2)", truth=True),
    dict(name="tanh-upper", family="exp", source="classical", variables=[("x", "0", "oo")],
         hypotheses=[], conclusion="tanh(x) <= x", truth=True),
    dict(name="exp-sum-2d", family="exp", source="classical", variables=[("x", "-2", "2"), ("y", "-2", "2")],
         hypotheses=[], conclusion="exp(x)*exp(y) >= 1 + x + y", truth=True),
    dict(name="exp-convex-2d", family="exp", source="classical (midpoint convexity)",
         variables=[("x", "-1", "1"), ("y", "-1", "1")], hypotheses=[],
         conclusion="exp(x) + exp(y) >= 2*exp((x + y)/2)", truth=True),
    dict(name="L-EXP-1", family="exp", source="bundled paper L-EXP-1 (|x| <= t => |e^x - 1| <= e^t - 1)",
         variables=[("x", "-1", "1"), ("t", "0", "1")], hypotheses=["Abs(x) <= t"],
         conclusion="Abs(exp(x) - 1) <= exp(t) - 1", truth=True),
    # --- log --------------------------------------------------------------
    dict(name="log-tangent", family="log", source="classical (MetiTarski log-upper)",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="log(x) <= x - 1", truth=True),
    dict(name="log1p-lower-x/(1+x)", family="log", source="classical", variables=[("x", "-1", "oo")],
         hypotheses=["x > -1"], conclusion="log(1 + x) >= x/(1 + x)", truth=True),
    dict(name="log1p-pade-lower", family="log", source="classical (Pade-type lower bound)",
         variables=[("x", "0", "oo")], hypotheses=[], conclusion="log(1 + x) >= 2*x/(2 + x)", truth=True),
    dict(name="log1p-taylor3-upper", family="log", source="classical", variables=[("x", "0", "oo")],
         hypotheses=[], conclusion="log(1 + x) <= x - x**2/2 + x**3/3", truth=True),
    dict(name="log-lower-23", family="log", source="KN 2.3.14 (b), MetiTarski log-lower-23",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"],
         conclusion="x - x**2/2 + x**3/3 - x**4/4 < log(1 + x)", truth=True),
    dict(name="log-lower-24", family="log", source="KN 2.5.19 (a), MetiTarski log-lower-24",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"],
         conclusion="x + x**2/2 - x**3/6 < (1 + x)*log(1 + x)", truth=True),
    dict(name="log-upper-25-weak", family="log", source="KN 2.5.15, MetiTarski log-upper-25-weak",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="log(x) <= 104/10**7 + x/exp(1)",
         truth=True),
    dict(name="log1p-sqrt-upper", family="log", source="classical (ln(1+x) <= x/sqrt(1+x), a MetiTarski-style goal)",
         variables=[("x", "0", "oo")], hypotheses=[], conclusion="log(1 + x) <= x/sqrt(1 + x)", truth=True),
    dict(name="log-reciprocal-lower", family="log", source="classical", variables=[("x", "0", "oo")],
         hypotheses=["x > 0"], conclusion="log(x) >= 1 - 1/x", truth=True),
    dict(name="log-sqrt-upper", family="log", source="classical (log x = 2 log sqrt x)",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="log(x) <= 2*(sqrt(x) - 1)", truth=True),
    dict(name="xlogx-lower", family="log", source="classical", variables=[("x", "0", "oo")],
         hypotheses=["x > 0"], conclusion="x*log(x) >= x - 1", truth=True),
    dict(name="xlogx-min", family="log", source="classical (min of x log x is -1/e)",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="x*log(x) >= -37/100", truth=True),
    dict(name="log-over-x", family="log", source="classical (max of log x / x is 1/e)",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="log(x) <= 37*x/100", truth=True),
    dict(name="log-ratio-2d", family="log", source="classical (logarithmic mean <= arithmetic mean)",
         variables=[("x", "1/2", "4"), ("y", "1/2", "4")], hypotheses=["y <= x"],
         conclusion="log(x) - log(y) >= 2*(x - y)/(x + y)", truth=True),
    dict(name="log-product-2d", family="log", source="classical", variables=[("x", "0", "oo"), ("y", "0", "oo")],
         hypotheses=["x > 0", "y > 0"], conclusion="log(x*y) <= x + y - 2", truth=True),
    dict(name="log1p-square", family="log", source="classical", variables=[("x", "-oo", "oo")],
         hypotheses=[], conclusion="log(1 + x**2) <= x**2", truth=True),
    # --- sqrt and rational powers ---------------------------------------------
    dict(name="sqrt-tangent", family="root", source="classical (MetiTarski sqrt-upper)",
         variables=[("x", "-1", "oo")], hypotheses=[], conclusion="sqrt(1 + x) <= 1 + x/2", truth=True),
    dict(name="sqrt-taylor2-lower", family="root", source="classical (MetiTarski sqrt-lower)",
         variables=[("x", "0", "oo")], hypotheses=[], conclusion="sqrt(1 + x) >= 1 + x/2 - x**2/8", truth=True),
    dict(name="cbrt-bernoulli", family="root", source="Bernoulli's inequality",
         variables=[("x", "-1", "oo")], hypotheses=[], conclusion="(1 + x)**(1/3) <= 1 + x/3", truth=True),
    dict(name="pow32-bernoulli", family="root", source="Bernoulli's inequality",
         variables=[("x", "-1", "oo")], hypotheses=[], conclusion="(1 + x)**(3/2) >= 1 + 3*x/2", truth=True),
    dict(name="amgm-2d", family="root", source="AM-GM", variables=[("x", "0", "oo"), ("y", "0", "oo")],
         hypotheses=[], conclusion="sqrt(x*y) <= (x + y)/2", truth=True),
    dict(name="weighted-amgm-2d", family="root", source="weighted AM-GM (Young)",
         variables=[("x", "0", "oo"), ("y", "0", "oo")], hypotheses=[],
         conclusion="x**(2/3)*y**(1/3) <= (2*x + y)/3", truth=True),
    dict(name="sqrt-subadditive-2d", family="root", source="classical",
         variables=[("x", "0", "oo"), ("y", "0", "oo")], hypotheses=[],
         conclusion="sqrt(x) + sqrt(y) >= sqrt(x + y)", truth=True),
    dict(name="sqrt-cauchy", family="root", source="Cauchy-Schwarz", variables=[("x", "-oo", "oo")],
         hypotheses=[], conclusion="sqrt(2)*sqrt(x**2 + 1) >= x + 1", truth=True),
    dict(name="quartic-root-amgm", family="root", source="weighted AM-GM", variables=[("x", "0", "oo")],
         hypotheses=[], conclusion="x**(1/4) <= (3 + x)/4", truth=True),
    # --- mixed ------------------------------------------------------------
    dict(name="exp-vs-log1p", family="mixed", source="classical", variables=[("x", "-1", "oo")],
         hypotheses=["x > -1"], conclusion="exp(x) >= 1 + log(1 + x)", truth=True),
    dict(name="softplus-lower", family="mixed", source="classical", variables=[("x", "-10", "10")],
         hypotheses=[], conclusion="log(1 + exp(x)) >= x", truth=True),
    dict(name="exp-sqrt", family="mixed", source="classical", variables=[("x", "0", "oo")],
         hypotheses=[], conclusion="exp(sqrt(x)) >= 1 + sqrt(x)", truth=True),
    dict(name="sqrt-log-min", family="mixed", source="classical (min of sqrt(x) log x is -2/e)",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="sqrt(x)*log(x) >= -74/100", truth=True),
    # --- false variants (each false at the noted point) ---------------------
    dict(name="F-exp-taylor2-all", family="exp", source="variant of exp-taylor2-lower (x = -1)",
         variables=[("x", "-oo", "oo")], hypotheses=[], conclusion="exp(x) >= 1 + x + x**2/2", truth=False),
    dict(name="F-exp-taylor2-upper", family="exp", source="variant (x = 1)", variables=[("x", "0", "1")],
         hypotheses=[], conclusion="exp(x) <= 1 + x + x**2/2", truth=False),
    dict(name="F-log1p-taylor", family="log", source="variant of log1p-taylor3-upper (x = 1/10)",
         variables=[("x", "0", "oo")], hypotheses=[], conclusion="log(1 + x) >= x - x**2/3", truth=False),
    dict(name="F-log-over-x", family="log", source="variant of log-over-x (x = 3)",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="log(x) <= x/3", truth=False),
    dict(name="F-sqrt-tangent", family="root", source="variant of sqrt-tangent (x = 1)",
         variables=[("x", "0", "1")], hypotheses=[], conclusion="sqrt(1 + x) >= 1 + x/2", truth=False),
    dict(name="F-cbrt", family="root", source="variant of cbrt-bernoulli (x = 1)",
         variables=[("x", "0", "1")], hypotheses=[], conclusion="(1 + x)**(1/3) >= 1 + x/3", truth=False),
    dict(name="F-exp-vs-square", family="exp", source="variant of exp-vs-square (x = -1)",
         variables=[("x", "-1", "0")], hypotheses=[], conclusion="exp(x) >= x**2", truth=False),
    dict(name="F-xlogx-min", family="log", source="variant of xlogx-min (x = 1/e, near 37/100)",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="x*log(x) >= -36/100", truth=False),
    dict(name="F-amgm-2d", family="root", source="variant of amgm-2d (x = 0, y = 1)",
         variables=[("x", "0", "1"), ("y", "0", "1")], hypotheses=[], conclusion="sqrt(x*y) >= (x + y)/2",
         truth=False),
    dict(name="F-softplus", family="mixed", source="variant of softplus-lower (x = 0)",
         variables=[("x", "-5", "5")], hypotheses=[], conclusion="log(1 + exp(x)) <= x", truth=False),
    dict(name="F-exp-product-2d", family="exp", source="variant of exp-sum-2d (x = y = 1)",
         variables=[("x", "0", "1"), ("y", "0", "1")], hypotheses=[],
         conclusion="exp(x)*exp(y) <= 1 + x + y + x*y", truth=False),
    dict(name="F-gauss", family="exp", source="variant of exp-gauss-cauchy (x = 1)",
         variables=[("x", "-oo", "oo")], hypotheses=[], conclusion="exp(-x**2) >= 1 - x**2/2", truth=False),
    dict(name="F-log-sqrt", family="log", source="variant of log-sqrt-upper (x = 1)",
         variables=[("x", "0", "oo")], hypotheses=["x > 0"], conclusion="log(x) <= 2*(sqrt(x) - 1) - 1/100",
         truth=False),
    dict(name="F-quartic-root", family="root", source="variant of quartic-root-amgm (x = 1)",
         variables=[("x", "0", "oo")], hypotheses=[], conclusion="x**(1/4) <= (3 + x)/4 - 1/100", truth=False),
    dict(name="F-exp-vs-2.72x", family="exp", source="variant of exp-vs-2.7x (x = 1)",
         variables=[("x", "-oo", "oo")], hypotheses=[], conclusion="exp(x) >= 272*x/100", truth=False),
]


def statement(entry: dict[str, Any]) -> Statement:
    """The entry as a backend statement (exact ranges, sympy relations)."""
    variables = tuple(make_variable(n, lo, hi) for n, lo, hi in entry["variables"])
    names: dict[str, Any] = {v.name: v.symbol for v in variables}
    names.update(E=sp.E, exp=sp.exp, log=sp.log, sqrt=sp.sqrt, cosh=sp.cosh, sinh=sp.sinh,
                 tanh=sp.tanh, Abs=sp.Abs)

    def parse(text: str) -> Any:
        return sp.sympify(text, locals=names, rational=True)

    return Statement(
        variables,
        tuple(parse(h) for h in entry["hypotheses"]),
        parse(entry["conclusion"]),
        note=f"{entry['name']} ({entry['source']})",
    )


def unbounded(entry: dict[str, Any]) -> bool:
    return any(lo in ("-oo", "oo") or hi in ("-oo", "oo") for _, lo, hi in entry["variables"])
