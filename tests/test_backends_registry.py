"""The backend protocol, the registry and its preference list (issue 13, "backends/ behind one protocol").

The portfolio runs the slots of a registry's preference list in order; it
imports no backend by name. These tests hold the default list to the order
the portfolio always had, and check what the registry does with backends
that are missing, broken, not backends, unsupported or untrustworthy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
import sympy as sp

from boundprop.backends import base, portfolio
from boundprop.backends.base import ALWAYS, DEFAULT, Backend, Registry, Slot, Support
from boundprop.cli.prove_cmd import build_statement
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import CheckResult, Status

BUDGET = Budget(seconds=60, max_boxes=2_000, samples=300, z3_rlimit=1_000_000)


def decide(
    expr: str, var: tuple[str, ...] = (), registry: Registry = DEFAULT, budget: Budget = BUDGET
) -> CheckResult:
    return portfolio.decide(build_statement(expr, (), var), budget, registry=registry)


def names(result: CheckResult) -> list[str]:
    return [t.split(":", 1)[0] for t in result.details["tried"]]


@dataclass(frozen=True)
class Fake:
    """A backend answering with a fixed result (or a fixed support)."""

    name: str
    result: CheckResult | None = None
    support: Support = ALWAYS

    def supports(self, statement: Statement) -> Support:
        return self.support

    def decide(self, statement: Statement, budget: Budget) -> CheckResult:
        assert self.result is not None
        return self.result


# ---------------------------------------------------------------------------
# the default registry


def test_every_registered_backend_implements_the_protocol() -> None:
    for name in DEFAULT.backends:
        backend, why_not = DEFAULT.load(name)
        assert backend is not None, (name, why_not)
        assert isinstance(backend, Backend) and backend.name == name


def test_the_default_preference_list_is_the_portfolios_order() -> None:
    assert [s.backend for s in DEFAULT.preference] == [
        "exact",
        "z3",
        "bilinear",
        "z3",
        "metitarski",
        "interval-bnb",
        "metitarski",
        "taylor",
        "substitute",
        "falsifier",
    ]
    # z3 first with a tenth of its limit, the whole limit after the abstraction
    assert [s.effort for s in DEFAULT.preference if s.backend == "z3"] == [0.1, 1.0]


def test_supports_says_why_not() -> None:
    x = make_variable("x", 0, 1)
    transcendental = Statement((x,), (), sp.exp(x.symbol) >= 1 + x.symbol)
    z3, _ = DEFAULT.load("z3")
    meti, _ = DEFAULT.load("metitarski")
    assert z3 is not None and meti is not None
    support = z3.supports(transcendental)
    assert not support and support.reason == "exp is not polynomial or piecewise-linear"
    assert meti.supports(transcendental)
    polynomial = Statement((x,), (), x.symbol**2 >= 0)
    assert z3.supports(polynomial) and not meti.supports(polynomial)


def test_bounded_transcendental_runs_bnb_before_metitarski() -> None:
    r = decide("exp(x) >= 1 + x + x**2/3", ("x=0:1",))
    assert r.status is Status.PROVED and r.method == "interval-bnb"
    assert names(r) == ["exact", "z3", "interval-bnb"]
    assert r.details["tried"][1] == "z3: unsupported (exp is not polynomial or piecewise-linear)"


def test_unbounded_transcendental_runs_metitarski_before_bnb() -> None:
    r = decide("exp(x) >= 1 + x")
    assert r.status is Status.PROVED and r.method == "metitarski"
    assert names(r) == ["exact", "z3", "metitarski"]


def test_unbounded_polynomial_skips_bnb_once_z3_settled() -> None:
    # z3 runs out of its resource limit without deciding: bnb (which would only
    # truncate the ranges) is left out; on a bounded box it runs and proves
    starved = replace(BUDGET, z3_rlimit=1)
    r = decide("x*y <= (x^2 + y^2)/2", ("x=0:oo", "y=0:oo"), budget=starved)
    assert r.details["tried"][1].startswith("z3: unknown")
    # (the change of variable to bounded ranges runs instead, and does not prove it either)
    assert names(r) == ["exact", "z3", "bilinear", "z3", "substitute", "falsifier"] and r.status is Status.TESTED
    r = decide("x*y <= (x^2 + y^2)/2 + 1/10", ("x=0:1", "y=0:1"), budget=starved)
    assert names(r) == ["exact", "z3", "bilinear", "z3", "interval-bnb"] and r.status is Status.PROVED


# ---------------------------------------------------------------------------
# what the registry does with other backends


def test_a_missing_backend_is_not_available_and_the_rest_run() -> None:
    registry = replace(DEFAULT, backends={**DEFAULT.backends, "interval-bnb": "boundprop.backends.no_such_module"})
    r = decide("exp(x) >= 1 + x + x**2/3", ("x=0:1",), registry)
    assert "interval-bnb: not available" in r.details["tried"]
    assert r.status is Status.PROVED and r.method == "metitarski"


def test_a_module_that_is_not_a_backend_is_refused() -> None:
    registry = replace(DEFAULT, backends={**DEFAULT.backends, "exact": "boundprop.errors"})
    r = decide("x**2 <= x + 1", ("x=0:1",), registry)
    assert r.details["tried"][0] == "exact: not available (it does not implement the backend protocol)"
    assert r.status is Status.PROVED


def test_a_preference_list_naming_an_unregistered_backend_is_an_error() -> None:
    with pytest.raises(ValueError, match="unregistered backends: nope"):
        Registry(backends=DEFAULT.backends, preference=(*DEFAULT.preference, Slot("nope")))


def test_an_added_backends_counterexample_is_still_reverified() -> None:
    liar = Fake("liar", CheckResult(Status.REFUTED, "liar", "made up", counterexample={"x": "1/2"}))
    registry = DEFAULT.with_backend(liar, Slot("liar"), before="exact")
    r = decide("x**2 <= x", ("x=0:1",), registry)
    assert r.details["tried"][0] == "liar: counterexample failed re-verification (ignored)"
    assert r.status is Status.PROVED and r.method != "liar"


def test_an_added_backend_runs_in_its_slot_and_can_end_the_decision() -> None:
    unsure = Fake("unsure", CheckResult(Status.UNKNOWN, "unsure", "no idea"))
    registry = DEFAULT.with_backend(unsure, Slot("unsure"), before="z3")
    r = decide("x**2 <= x", ("x=0:1",), registry)
    assert names(r)[:3] == ["exact", "unsure", "z3"]
    # the same backend's verdict ends the decision only if its slot says so
    refuter = Fake("refuter", CheckResult(Status.REFUTED, "refuter", "x = 2", counterexample={"x": "2"}))
    stops = DEFAULT.with_backend(refuter, Slot("refuter"), before="exact")
    goes_on = DEFAULT.with_backend(refuter, Slot("refuter", stops_on=frozenset({Status.PROVED})), before="exact")
    r = decide("x <= 1", ("x=0:3",), stops)
    assert r.status is Status.REFUTED and r.method == "refuter" and names(r) == ["refuter"]
    r = decide("x <= 1", ("x=0:3",), goes_on)
    assert r.status is Status.REFUTED and names(r)[:2] == ["refuter", "exact"] and r.method != "refuter"


def test_unsupported_backends_say_why_or_stay_silent() -> None:
    loud = Fake("loud", support=Support(False, "needs matrices"))
    quiet = Fake("quiet", support=Support(False))
    registry = DEFAULT.with_backend(loud, Slot("loud"), before="exact")
    registry = registry.with_backend(quiet, Slot("quiet"), before="exact")
    r = decide("x**2 >= 0", ("x=0:1",), registry)
    assert "loud: unsupported (needs matrices)" in r.details["tried"]
    assert "quiet" not in names(r)


def test_a_tested_stop_says_that_nothing_proved_it() -> None:
    tester = Fake("tester", CheckResult(Status.TESTED, "tester", "300 points"))
    registry = Registry(backends={"tester": tester}, preference=(Slot("tester", frozenset({Status.TESTED})),))
    r = decide("x**2 >= 0", ("x=0:1",), registry)
    assert r.status is Status.TESTED and r.evidence == "300 points; no method proved it"


def test_with_backend_checks_its_arguments() -> None:
    fake = Fake("fake")
    with pytest.raises(ValueError, match="slot names"):
        DEFAULT.with_backend(fake, Slot("other"))
    with pytest.raises(ValueError, match="no slot for"):
        DEFAULT.with_backend(fake, Slot("fake"), before="nope")
    assert DEFAULT.with_backend(fake, Slot("fake")).preference[-1].backend == "fake"
    assert base.DEFAULT is DEFAULT  # with_backend never changes the default registry
    assert "fake" not in DEFAULT.backends
