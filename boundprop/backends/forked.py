"""A decision run in a forked child process, killed at the wall-clock cap.

z3's own timeout is not always honoured (nlsat can run past it), and a z3 crash
would take the caller with it: the z3 and metitarski backends decide in a
child forked for the one decision, which the parent kills once the cap (with a
margin) has passed. Where ``fork`` is not available the decision runs in this
process.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from typing import Any

from boundprop.errors import UnsupportedError
from boundprop.statement import TIME_CAP, Budget, Statement
from boundprop.verdict import CheckResult, Status

__all__ = ["decide_forked"]

Work = Callable[[Statement, Budget], CheckResult]


def decide_forked(work: Work, statement: Statement, budget: Budget, method: str) -> CheckResult:
    """``work(statement, budget)`` in a forked child; UNKNOWN (saying why) if the
    child is killed at the cap or dies, or if ``work`` fails. An
    UnsupportedError in the child is raised here again."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return work(statement, budget)
    start = time.monotonic()
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(work, statement, budget, method, sender), daemon=True)
    child.start()
    sender.close()
    limit = 1.1 * budget.seconds + 0.2
    message: Any = None
    try:
        if receiver.poll(limit):
            message = receiver.recv()
    except (EOFError, OSError):
        message = None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    elapsed = time.monotonic() - start
    if message is None:
        why = (
            f"stopped by the {TIME_CAP} of {budget.seconds:g} s (killed after {limit:.1f} s; "
            "not reproducible)"
            if elapsed >= limit
            else f"the {method} process died (exit code {child.exitcode})"
        )
        return CheckResult(Status.UNKNOWN, method, f"{method}: {why}", seconds=elapsed)
    kind, payload = message
    if kind == "unsupported":
        raise UnsupportedError(payload)
    if kind == "error":
        return CheckResult(Status.UNKNOWN, method, f"{method} failed: {payload}", seconds=elapsed)
    status, evidence, counterexample, details = payload
    return CheckResult(
        Status(status), method, evidence, seconds=elapsed, counterexample=counterexample, details=details
    )


def _child(work: Work, statement: Statement, budget: Budget, method: str, sender: Any) -> None:
    import z3

    try:
        r = work(statement, budget)
        message: Any = ("ok", (r.status.value, r.evidence, r.counterexample, dict(r.details)))
    except UnsupportedError as exc:
        message = ("unsupported", str(exc))
    except z3.Z3Exception:  # reported as UNKNOWN by the parent
        message = ("error", "z3 raised an internal error on this statement")
    except Exception as exc:  # a bug here must not kill the caller, nor its text become evidence
        message = ("error", f"internal error in the {method} backend ({type(exc).__name__})")
    sender.send(message)
    sender.close()
