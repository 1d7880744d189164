"""z3 backend: translation, proofs, exact counterexamples, definedness, limits."""

from __future__ import annotations

import time

import pytest
import sympy as sp

from boundprop.backends import z3backend
from boundprop.cli.prove_cmd import build_statement
from boundprop.errors import UnsupportedError
from boundprop.interval import refutes
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import Status

B = Budget()


def decide(expr: str, *, var: tuple[str, ...] = (), assume: tuple[str, ...] = (),
           integer: tuple[str, ...] = ()) -> tuple[Status, dict[str, object] | None, str]:
    st = build_statement(expr, assume, var, integer)
    r = z3backend.decide(st, B)
    if r.status is Status.REFUTED:
        assert r.counterexample is not None
        point = {v.symbol: sp.Rational(str(r.counterexample[v.name])) for v in st.variables}
        assert refutes(st, point), "every reported counterexample re-verifies"
    assert r.method == "z3"
    return r.status, dict(r.counterexample) if r.counterexample else None, r.evidence


def test_polynomial_proof_says_how() -> None:
    status, cex, evidence = decide("x*y <= (x^2 + y^2)/2")
    assert status is Status.PROVED and cex is None and evidence == "z3: negation unsat"


def test_refutation_gives_exact_rational_counterexample() -> None:
    status, cex, _ = decide("x^2 >= x")
    assert status is Status.REFUTED
    assert cex is not None and 0 < sp.Rational(str(cex["x"])) < 1


def test_integer_variables_stay_integers() -> None:
    status, cex, _ = decide("2^n >= n^2", var=("n=0:10",), integer=("n",))
    assert status is Status.REFUTED and cex == {"n": "3"}


def test_integer_division_cannot_creep_in() -> None:
    # with z3 Int arithmetic n/2 would be floor division and 3/2 would be 1
    status, _, _ = decide("n/2 >= 1", var=("n=3:3",), integer=("n",))
    assert status is Status.PROVED
    status, _, _ = decide("n/2 <= 1", var=("n=3:3",), integer=("n",))
    assert status is Status.REFUTED


def test_piecewise_linear_identities() -> None:
    assert decide("Eq(Max(a, b), (a + b + Abs(a - b))/2)")[0] is Status.PROVED
    assert decide("Abs(a + b) >= Abs(a) + Abs(b)")[0] is Status.REFUTED
    assert decide("floor(x) <= x")[0] is Status.PROVED
    assert decide("ceiling(x) >= x + 1/2")[0] is Status.REFUTED


def test_division_needs_nonzero_denominator() -> None:
    assert decide("x + 1/x >= 2", assume=("x > 0",))[0] is Status.PROVED
    # true wherever defined, but x = 0 is admissible: never "proved"
    status, _, evidence = decide("1/x >= 1/(2*x)", var=("x=0:1",))
    assert status is Status.UNKNOWN and "denominator" in evidence


def test_sqrt_is_handled_soundly() -> None:
    assert decide("sqrt(x + y) <= sqrt(x) + sqrt(y)", var=("x=0:oo", "y=0:oo"))[0] is Status.PROVED
    # sqrt of a possibly negative number: not a proof
    assert decide("sqrt(x) >= 0")[0] is Status.UNKNOWN
    assert decide("sqrt(x) <= x", var=("x=0:oo",))[0] is Status.REFUTED


def test_irrational_counterexample_stays_unknown() -> None:
    status, cex, evidence = decide("Ne(x^2, 2)", var=("x=1:2",))
    assert status is Status.UNKNOWN and cex is None and "rational" in evidence


def test_algebraic_model_is_pinned_to_a_rational_one() -> None:
    # z3 may answer with x = sqrt(2)-like values; x = 1, y = 0 is rational
    status, cex, _ = decide("Ne(x^2 + y^2, 1)", var=("x=0:1", "y=0:1"))
    assert status is Status.REFUTED
    # z3's first model here is x = 0, y = sqrt(2); pinning y to 1 gives x = 1
    status, cex, _ = decide("Ne(x^2 + y^2, 2)", var=("x=0:2", "y=0.1:2"))
    assert status is Status.REFUTED and cex == {"x": "1", "y": "1"}


@pytest.mark.parametrize("expr", ["exp(x) >= 1", "log(x) <= x", "x^y >= 0", "x^(1/3) >= 0",
                                  "pi*x >= 0"])
def test_unsupported_shapes_raise(expr: str) -> None:
    st = build_statement(expr)
    assert z3backend.unsupported_reason(st) is not None
    with pytest.raises(UnsupportedError):
        z3backend.decide(st, B)


def test_small_integer_exponent_is_expanded() -> None:
    status, _, _ = decide("(1 + x)^n >= 1 + n*x", var=("n=0:5",), assume=("x >= -1",),
                          integer=("n",))
    assert status is Status.PROVED


def test_matrix_counterexample_is_nested() -> None:
    a = [make_variable(f"a{i}{j}", -5, 5) for i in (1, 2) for j in (1, 2)]
    s = [v.symbol for v in a]
    st = Statement(tuple(a), (), s[0] * s[3] - s[1] * s[2] <= 10,
                   matrices={"A": ((s[0], s[1]), (s[2], s[3]))})
    r = z3backend.decide(st, B)
    assert r.status is Status.REFUTED and r.counterexample is not None
    matrix = r.counterexample["A"]
    assert isinstance(matrix, list) and len(matrix) == 2 and all(len(row) == 2 for row in matrix)


def test_hard_time_limit_is_respected() -> None:
    st = build_statement("(1 + x/10)^n <= 1 + n*x", (), ["x=1:2", "n=0:30"], ["n"])
    start = time.monotonic()
    r = z3backend.decide(st, Budget(seconds=0.5))
    # generous for a loaded machine; without the hard kill z3 runs far longer
    assert time.monotonic() - start < 30.0
    # the statement is false ((6/5)**24 = 79.5 > 49 at x = 2, n = 24): z3 may find that in time
    assert r.status in (Status.UNKNOWN, Status.REFUTED)
    if r.status is Status.UNKNOWN:
        assert "time cap" in r.evidence


def test_resource_limit_gives_unknown_naming_the_limit() -> None:
    # Motzkin-like (true, and hard for z3): a small resource limit stops it
    motzkin = "x^2*y^4 + x^4*y^2 - 3*x^2*y^2*z^2 + z^6 >= 0"
    st = build_statement(motzkin, (), ["x=-oo:oo", "y=-oo:oo", "z=-oo:oo"])
    r = z3backend.decide(st, Budget(z3_rlimit=100_000))
    assert r.status is Status.UNKNOWN
    assert "resource limit of 100000 reached (rlimit)" in r.evidence
    assert "time cap" not in r.evidence
    # deterministic: the same limit stops z3 at the same point, whatever the load
    assert z3backend.decide(st, Budget(z3_rlimit=100_000)).evidence == r.evidence
    assert z3backend.decide(st, Budget(z3_rlimit=5_000_000)).status is Status.PROVED


def test_time_cap_says_so() -> None:
    st = build_statement("(1 + x/10)^n <= 1 + n*x", (), ["x=1:2", "n=0:30"], ["n"])
    r = z3backend.decide(st, Budget(seconds=0.05, z3_rlimit=10**12))
    if r.status is Status.UNKNOWN:  # z3 cannot refute it within 50 ms on any machine we know
        assert "time cap" in r.evidence and "not reproducible" in r.evidence


def test_each_call_starts_from_a_fresh_context() -> None:
    # the resource count of earlier calls must not eat into a later call's limit
    st = build_statement("x*y <= (x^2 + y^2)/2", (), ["x=-oo:oo", "y=-oo:oo"])
    results = [z3backend.decide(st, Budget(z3_rlimit=2_000_000)) for _ in range(3)]
    assert all(r.status is Status.PROVED for r in results)
    assert z3backend._decide_here(st, Budget(z3_rlimit=2_000_000)).status is Status.PROVED
    assert z3backend._decide_here(st, Budget(z3_rlimit=2_000_000)).status is Status.PROVED
