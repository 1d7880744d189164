"""The decisions memo of ``check`` (boundprop.check._memoized): a statement posed
by several nodes is decided once, and only an equal statement reuses a verdict."""

from __future__ import annotations

from typing import Any

import pytest
import sympy as sp

import boundprop.check as check
from boundprop.statement import Budget, Statement, make_variable
from boundprop.verdict import CheckResult, Status


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    calls: list[Any] = []

    def decide(statement: Statement, budget: Budget) -> CheckResult:
        calls.append(statement)
        status = Status.PROVED if statement.variables[0].symbol.is_positive else Status.UNKNOWN
        return CheckResult(status, "fake", f"call {len(calls)}")

    monkeypatch.setattr(check, "default_decide", decide)
    return calls


def test_an_equal_statement_is_decided_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    decide = check._memoized({})
    x = make_variable("x", 0, 1)
    first = decide(Statement((x,), (), sp.Abs(x.symbol) <= 1), Budget())
    again = decide(Statement((make_variable("x", 0, 1),), (), sp.Abs(x.symbol) <= 1), Budget())
    assert len(calls) == 1 and again == first
    decide(Statement((x,), (), sp.Abs(x.symbol) <= 1), Budget().scaled(2))  # another budget: decided again
    assert len(calls) == 2


def test_statements_that_print_alike_do_not_share_a_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    decide = check._memoized({})
    plain = make_variable("x", 0, 1)
    positive = type(plain)(**{**{f: getattr(plain, f) for f in plain.__dataclass_fields__},
                              "symbol": sp.Symbol("x", positive=True)})
    a = Statement((plain,), (), plain.symbol <= 1)
    b = Statement((positive,), (), positive.symbol <= 1)
    assert repr(a) == repr(b) and a != b  # the memo's key is the same text
    ra, rb = decide(a, Budget()), decide(b, Budget())
    assert len(calls) == 2 and (ra.status, rb.status) == (Status.UNKNOWN, Status.PROVED)
