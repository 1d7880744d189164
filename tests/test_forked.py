"""One decision in a forked child (boundprop.backends.forked), as z3 and metitarski run."""

from __future__ import annotations

import time

import pytest

from boundprop.backends.forked import decide_forked
from boundprop.errors import UnsupportedError
from boundprop.statement import TIME_CAP, Budget, Statement, make_variable
from boundprop.verdict import CheckResult, Status

x = make_variable("x", 0, 1)
STATEMENT = Statement((x,), (), x.symbol >= 0)


def _proves(statement: Statement, budget: Budget) -> CheckResult:
    return CheckResult(Status.PROVED, "demo", "by construction", details={"steps": 3})


def _raises(statement: Statement, budget: Budget) -> CheckResult:
    raise RuntimeError("secret internal text")


def _unsupported(statement: Statement, budget: Budget) -> CheckResult:
    raise UnsupportedError("not this shape")


def _sleeps(statement: Statement, budget: Budget) -> CheckResult:
    time.sleep(30)
    return _proves(statement, budget)


def test_the_childs_result_comes_back_whole() -> None:
    result = decide_forked(_proves, STATEMENT, Budget(), "demo")
    assert (result.status, result.evidence, dict(result.details)) == (Status.PROVED, "by construction", {"steps": 3})


def test_a_failure_in_the_child_is_unknown_without_its_text() -> None:
    result = decide_forked(_raises, STATEMENT, Budget(), "demo")
    assert result.status is Status.UNKNOWN
    assert "RuntimeError" in result.evidence and "secret" not in result.evidence


def test_unsupported_is_raised_again_in_the_parent() -> None:
    with pytest.raises(UnsupportedError, match="not this shape"):
        decide_forked(_unsupported, STATEMENT, Budget(), "demo")


def test_a_child_past_the_cap_is_killed_and_says_so() -> None:
    started = time.monotonic()
    result = decide_forked(_sleeps, STATEMENT, Budget(seconds=0.3), "demo")
    assert time.monotonic() - started < 10
    assert result.status is Status.UNKNOWN and TIME_CAP in result.evidence
