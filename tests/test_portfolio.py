"""The portfolio: method choice by shape, what was tried, and safety against broken backends."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundprop.backends import exact, falsifier, metitarski, portfolio, z3backend
from boundprop.cli.prove_cmd import build_statement
from boundprop.errors import UnsupportedError
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import CheckResult, Status

B = Budget(samples=1000)


def decide(expr: str, var: tuple[str, ...] = (), assume: tuple[str, ...] = (),
           integer: tuple[str, ...] = ()) -> CheckResult:
    return portfolio.decide(build_statement(expr, assume, var, integer), B)


def test_exact_decides_trivial_statements_first() -> None:
    r = decide("x^2 + 1 > 0")
    assert r.status is Status.PROVED and r.method == "exact"
    assert r.details["tried"] == ["exact: proved"]


def test_polynomial_goes_to_z3() -> None:
    r = decide("x*y <= (x^2 + y^2)/2")
    assert (r.status, r.method) == (Status.PROVED, "z3")
    assert r.details["tried"] == ["exact: undecided", "z3: proved"]


def test_transcendental_box_goes_to_bnb() -> None:
    r = decide("exp(x) - 1 <= 2*x", ("x=0:1.25",))
    assert (r.status, r.method) == (Status.PROVED, "interval-bnb")
    assert r.details["tried"][1].startswith("z3: unsupported (exp")


def test_false_transcendental_is_refuted_with_counterexample() -> None:
    r = decide("exp(x) - 1 <= 2*x", ("x=0:1.3",))
    assert r.status is Status.REFUTED and r.counterexample is not None
    assert r.method in ("interval-bnb", "falsifier")


def test_unbounded_transcendental_ends_tested_not_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    from boundprop.backends import metitarski  # it proves this one (tests/test_metitarski.py)

    monkeypatch.setattr(metitarski, "applies", lambda _s: False)
    r = decide("exp(x) >= 1 + x")
    assert r.status is Status.TESTED and r.method == "falsifier"
    assert "no method proved it" in r.evidence
    assert r.details["tried"][-1].startswith("falsifier: tested")


def test_progress_reports_each_method() -> None:
    seen: list[str] = []
    st = build_statement("exp(x) >= 1 + x", (), ("x=-1:1",))
    portfolio.decide(st, B, progress=seen.append)
    assert seen[0] == "exact" and "interval-bnb" in seen


def _boom(statement: Statement, budget: Budget) -> CheckResult:
    raise RuntimeError("backend bug")


def _liar_proves(statement: Statement, budget: Budget) -> CheckResult:
    raise ZeroDivisionError("half-way")


def _bad_counterexample(statement: Statement, budget: Budget) -> CheckResult:
    name = statement.variables[0].name
    return CheckResult(Status.REFUTED, "liar", "made up", counterexample={name: "1"})


def test_backend_exception_never_becomes_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(z3backend, "decide", _boom)
    monkeypatch.setattr(exact, "decide", _liar_proves)
    r = decide("x*y <= (x^2 + y^2)/2")
    assert r.status is Status.TESTED
    # plain words, never the exception's text
    assert "z3: internal error, ignored" in r.details["tried"]
    assert "exact: internal error, ignored" in r.details["tried"]
    assert not any("backend bug" in t or "half-way" in t or "Error" in t for t in r.details["tried"])
    assert "backend bug" not in r.evidence and "RuntimeError" not in r.evidence


def test_unverified_counterexample_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(z3backend, "decide", _bad_counterexample)
    monkeypatch.setattr(falsifier, "decide", _bad_counterexample)
    r = decide("x^2 + 2 >= 2*x", ("x=-3:3",))  # true: x = 1 gives 3 >= 2
    assert r.status is not Status.REFUTED
    assert any("failed re-verification" in t for t in r.details["tried"])


def test_unsupported_everywhere_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def unsupported(statement: Statement, budget: Budget) -> CheckResult:
        raise UnsupportedError("nothing fits")

    monkeypatch.setattr(falsifier, "decide", unsupported)
    monkeypatch.setattr(metitarski, "applies", lambda _s: False)  # it would prove this
    r = decide("exp(x) >= 1 + x")
    assert r.status is Status.UNKNOWN and r.method == "portfolio"
    assert "falsifier: unsupported (nothing fits)" in r.evidence


def test_point_of_inverts_matrix_formatting() -> None:
    st = build_statement("a11 + a12 >= t", (), ("a11=0:1", "a12=0:1", "t=0:1"))
    syms = {v.name: v.symbol for v in st.variables}
    st = replace(st, matrices={"A": ((syms["a11"], syms["a12"]),)})
    cex = {"A": [["1/2", "0"]], "t": "1"}
    assert portfolio.point_of(st, cex) == {
        syms["a11"]: sp.Rational(1, 2), syms["a12"]: 0, syms["t"]: 1
    }


def test_verdicts_come_from_deterministic_limits() -> None:
    st = build_statement("log(x) <= x - 1 + 10^-12*exp(y)", (), ("x=0.1:10", "y=0:1"))
    first, second = (portfolio.decide(st, Budget(samples=500, max_boxes=2000)) for _ in range(2))
    assert (first.status, first.method, first.evidence) == (second.status, second.method, second.evidence)
    assert "time cap" not in first.evidence


def test_a_method_reached_after_the_time_cap_is_skipped_and_named() -> None:
    st = build_statement("x*y <= (x^2 + y^2)/2", (), ("x=-oo:oo", "y=-oo:oo"))
    r = portfolio.decide(st, Budget(seconds=1e-9))
    assert r.status is Status.UNKNOWN
    assert any("skipped, the time cap" in t for t in r.details["tried"])
    assert "time cap" in r.evidence and "not reproducible" in r.evidence


# --- the exact backend (cheap sympy attempt) -----------------------------------------


@pytest.mark.parametrize(
    "expr,var,proved",
    [
        ("x^3 + x >= 0", ("x=0:oo",), True),  # sign facts from the range
        ("x^3 + x >= 0", (), False),  # no sign facts: undecided
        ("Eq((x + 1)^2, x^2 + 2*x + 1)", (), True),
        ("Eq((x^2 - 1)/(x - 1), x + 1)", (), False),  # undefined at x = 1: never proved
        ("exp(x) >= 1 + x", ("x=-1:1",), False),
        ("sqrt(x) >= 0", ("x=0:4",), True),
        ("sqrt(x) >= 0", (), False),  # sqrt of a negative number: not defined
    ],
)
def test_exact_is_conservative(expr: str, var: tuple[str, ...], proved: bool) -> None:
    r = exact.decide(build_statement(expr, (), var), B)
    assert (r.status is Status.PROVED) == proved, r
    assert r.status in (Status.PROVED, Status.UNKNOWN)


def test_exact_cross_checks_sympy_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    # if sympy's reasoning were wrong, sampled exact values must veto the claim
    monkeypatch.setattr(exact, "_proves", lambda rel: "sympy says so")
    r = exact.decide(build_statement("x^2 <= x", (), ("x=0:3",)), B)
    assert r.status is Status.UNKNOWN
    r = exact.decide(build_statement("x^2 >= 0", (), ("x=0:3",)), B)
    assert r.status is Status.PROVED


# --- cross-checks between backends on random polynomial statements --------------------

_coef = st.integers(min_value=-3, max_value=3)


@settings(max_examples=25, deadline=None)
@given(a=_coef, b=_coef, c=_coef, d=_coef, e=_coef, f=_coef)
def test_backends_agree_on_random_quadratics(a: int, b: int, c: int, d: int, e: int,
                                             f: int) -> None:
    expr = f"{a}*x^2 + {b}*x*y + {c}*y^2 + {d}*x + {e}*y + {f} >= 0"
    stmt = build_statement(expr, (), ("x=-2:2", "y=-2:2"))
    z = z3backend.decide(stmt, Budget())
    fz = falsifier.decide(stmt, Budget(samples=300))
    ex = exact.decide(stmt, B)
    assert z.status in (Status.PROVED, Status.REFUTED), z  # z3 decides quadratics
    if z.status is Status.PROVED:
        assert fz.status is not Status.REFUTED
    else:
        assert ex.status is not Status.PROVED


def test_counterexample_leaves_out_matrices_the_statement_does_not_quantify() -> None:
    # at n = 1, Res(X) = 0: X's entries are not variables of the statement, yet
    # the statement lists the matrix; a counterexample must still be reported
    from boundprop.backends import format_counterexample
    from boundprop.backends.portfolio import point_of

    p, t = make_variable("P[0,0]", 0, 1), make_variable("t", -1, 1)
    x = sp.Symbol("X[0,0]", real=True)
    stmt = Statement((p, t), (), sp.Le(t.symbol, p.symbol), matrices={"P": ((p.symbol,),), "X": ((x,),)})
    point = {p.symbol: sp.Integer(0), t.symbol: sp.Integer(1)}
    cex = format_counterexample(stmt, point)
    assert cex == {"P": [["0"]], "t": "1"}
    assert point_of(stmt, cex) == point
    r = portfolio.decide(stmt, B)
    assert r.status is Status.REFUTED and "error" not in " ".join(r.details["tried"])


# ---------------------------------------------------------------------------
# z3's quick attempt, the product abstraction, then z3's whole limit


def test_z3_quick_attempt_then_the_whole_limit_after_the_abstraction() -> None:
    # z3 needs about 1,000-3,000 of its resource units for this one: a tenth of
    # 5,000 does not prove it, the abstraction does not either, the whole limit does
    s = build_statement("x*y + y*z + z*x <= x^2 + y^2 + z^2", (), ("x=-2:2", "y=-2:2", "z=-2:2"), ())
    r = portfolio.decide(s, Budget(samples=1000, z3_rlimit=5_000))
    assert (r.status, r.method) == (Status.PROVED, "z3")
    tried = r.details["tried"]
    assert tried[1] == "z3: unknown (z3: resource limit of 500 reached (rlimit))"
    assert tried[2].startswith("bilinear: unknown") and tried[3] == "z3: proved"
    # a false statement the quick attempt leaves open is refuted by the whole limit or later
    f = build_statement("x*y + y*z + z*x <= x^2 + y^2 + z^2 - 1/100", (), ("x=-2:2", "y=-2:2", "z=-2:2"), ())
    assert portfolio.decide(f, Budget(samples=1000, z3_rlimit=5_000)).status is Status.REFUTED


def test_matrix_norm_statement_is_proved_by_the_abstraction_without_z3s_whole_limit() -> None:
    # ||P X||_inf <= t ||P||_inf at d = 2 (Lemma 5.1's shape): z3 alone spends its
    # whole limit without deciding; after its quick attempt the abstraction proves it
    names = ("P00", "P01", "P10", "P11", "X00", "X10", "t")
    s = build_statement(
        "Max(Abs(P00*X00 + P01*X10), Abs(P10*X00 + P11*X10)) <= t*Max(Abs(P00) + Abs(P01), Abs(P10) + Abs(P11))",
        ("Max(Abs(X00), Abs(X10)) <= t",), tuple(f"{n}=-oo:oo" for n in names[:-1]) + ("t=0:oo",), (),
    )
    r = portfolio.decide(s, Budget(samples=1000))
    assert (r.status, r.method) == (Status.PROVED, "bilinear")
    assert [t.split(":", 1)[0] for t in r.details["tried"]] == ["exact", "z3", "bilinear"]
    assert r.details["tried"][1] == f"z3: unknown (z3: resource limit of {Budget().z3_rlimit // 10} reached (rlimit))"
