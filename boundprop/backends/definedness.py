"""The definedness layer: a statement undefined somewhere on its domain is never proved.

Semantics (real numbers, partial functions): the statement ``∀ x ∈ ranges:
H_0 ∧ … ∧ H_{m-1} ⇒ C`` is evaluated in order. Hypotheses restrict the domain
first: the guards of ``H_i`` (``log`` needs a positive argument, a divisor
must be nonzero, …; see :class:`~boundprop.statement.StatementGuard`) must
hold wherever ``H_0 … H_{i-1}`` hold, and the guards of ``C`` wherever every
hypothesis holds. A point inside the ranges where a guard fails while the
hypotheses (and guards) before it hold is a *witness of ill-definedness*:
the statement is ILL_DEFINED, a finding like REFUTED.

From the guards this layer builds the ordered *obligations*

    ranges ∧ hypotheses before guard k ∧ guards before k  ⇒  guard k

each a guard-free statement that is defined by construction (its own
premises are listed in evaluation order), and decides them with the same
portfolio. Then:

* an obligation refuted (its counterexample re-verified exactly as a witness
  of the original statement) → ILL_DEFINED with the witness point;
* every obligation proved → the statement is decided as usual; this is
  sound because the backends may now drop undefined points (the obligations
  show the hypotheses exclude them), and every counterexample is still
  re-verified at a defined point;
* some obligation undecided → the statement may still be REFUTED by a
  counterexample at a defined point (or ILL_DEFINED by a witness), otherwise
  it is at most TESTED/UNKNOWN with evidence "definedness not established:
  …", never PROVED.

Obligations are first tried with interval arithmetic over the whole box
(ranges narrowed by the one-variable hypotheses they may assume): most
guards of real papers (``log`` of a positive parameter) are settled there.

Also here, for every statement: a statement without variables is decided by
exact evaluation, and a PROVED result whose hypotheses are contradictory says
so ("vacuously: the hypotheses are contradictory").

Budget: the obligations together get a quarter of the proving limits
(:meth:`~boundprop.statement.Budget.scaled`), shared equally; the statement
itself gets the full limits. All of it is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sympy as sp

from boundprop.counterexample import (
    Outcome,
    evaluate,
    ill_defined_result,
    ordered_guards,
    point_of,
    refutes,
    shrink,
    undefined_at,
)
from boundprop.errors import UnsupportedError
from boundprop.rewrite import tighten_ranges
from boundprop.statement import Budget, Statement, StatementGuard
from boundprop.verdict import CheckResult, Status, Tri

__all__ = ["decide", "obligations", "VACUOUS"]

METHOD = "definedness"
VACUOUS = "vacuously: the hypotheses are contradictory"

# Share of the proving limits for all obligations together, and for the
# vacuity check of a proof under hypotheses.
_OBLIGATION_SHARE = 0.25
_VACUITY_SHARE = 0.1
_VACUITY_SAMPLES = 256

Decide = Callable[[Statement, Budget], CheckResult]


def _scaled(budget: Budget, factor: float) -> Budget:
    scaled = getattr(budget, "scaled", None)
    if callable(scaled):
        result: Budget = scaled(factor)
    else:  # older budgets: scale the box count
        result = replace(budget, max_boxes=max(1, int(budget.max_boxes * factor)))
    return replace(result, seconds=max(budget.seconds * factor, 0.05))


def obligations(statement: Statement) -> list[tuple[StatementGuard, Statement]]:
    """The ordered definedness obligations of ``statement``, one per guard.

    Obligation ``k`` has as hypotheses, in evaluation order, the guards and
    hypotheses that come before guard ``k``, and guard ``k``'s condition as
    its conclusion. It has no guards of its own: it is defined by
    construction.
    """
    out: list[tuple[StatementGuard, Statement]] = []
    guards = ordered_guards(statement)
    n = len(statement.hypotheses)
    premises: list[sp.Basic] = []
    used = 0  # hypotheses already among the premises
    for guard in guards:
        level = min(max(guard.assume, 0), n)
        while used < level:
            premises.append(statement.hypotheses[used])
            used += 1
        out.append(
            (
                guard,
                Statement(
                    variables=statement.variables,
                    hypotheses=tuple(p for p in premises if p is not sp.true),
                    conclusion=guard.condition,
                    matrices=statement.matrices,
                    note=f"definedness of {guard.subterm}",
                ),
            )
        )
        premises.append(guard.condition)
    return out


def _box_truth(statement: Statement) -> Tri:
    """Interval truth of the conclusion over the box of the (narrowed) ranges."""
    from boundprop.interval import truth

    narrowed = tighten_ranges(statement).statement
    box = {v.symbol: (v.lo, v.hi) for v in narrowed.variables}
    free = statement.conclusion.free_symbols if isinstance(statement.conclusion, sp.Basic) else set()
    if not free <= set(box):
        return Tri.UNDECIDED
    try:
        return truth(statement.conclusion, {s: box[s] for s in free})
    except Exception:  # an enclosure that cannot be computed decides nothing
        return Tri.UNDECIDED


def _annotate(result: CheckResult, tried: list[str], extra: str = "") -> CheckResult:
    details = dict(result.details)
    details["definedness"] = list(tried)
    evidence = f"{result.evidence}; {extra}" if extra else result.evidence
    return replace(result, evidence=evidence, details=details)


def _constant(statement: Statement) -> CheckResult:
    """A statement without variables, decided by exact evaluation."""
    result = _constant_verdict(statement)
    # the portfolio's contract: details["tried"] lists every method and its outcome
    details = {**result.details, "tried": [f"exact: {result.status.value} (no variables, evaluated exactly)"]}
    return replace(result, details=details)


def _constant_verdict(statement: Statement) -> CheckResult:
    outcome, guard = evaluate(statement, {})
    if outcome is Outcome.UNDEFINED and guard is not None:
        return ill_defined_result(statement, {}, guard, "exact", "no variables: evaluated exactly")
    if outcome is Outcome.FAILS:
        return CheckResult(
            Status.REFUTED, "exact", "no variables: the statement is false (evaluated exactly)", counterexample={}
        )
    if outcome is Outcome.HOLDS:
        return CheckResult(Status.PROVED, "exact", "no variables: the statement is true (evaluated exactly)")
    if outcome is Outcome.EXCLUDED:
        return CheckResult(
            Status.PROVED, "exact", f"{VACUOUS} (no variables: a hypothesis is false, evaluated exactly)"
        )
    return CheckResult(Status.UNKNOWN, "exact", "no variables, but exact evaluation did not decide the statement")


def _affine_contradiction(statement: Statement) -> bool:
    """True when the one-variable affine hypotheses leave some range empty."""
    from boundprop.statement import affine_bound

    lo: dict[sp.Symbol, tuple[sp.Expr, bool]] = {v.symbol: (v.lo, False) for v in statement.variables}
    hi: dict[sp.Symbol, tuple[sp.Expr, bool]] = {v.symbol: (v.hi, False) for v in statement.variables}
    integer = {v.symbol: v.integer for v in statement.variables}
    for hypothesis in statement.hypotheses:
        parts = hypothesis.args if isinstance(hypothesis, sp.And) else (hypothesis,)
        for part in parts:
            bound = affine_bound(part)
            if bound is None or bound[0] not in lo:
                continue
            symbol, side, value, strict = bound
            if side == "lo" and (value > lo[symbol][0] or (value == lo[symbol][0] and strict)):
                lo[symbol] = (value, strict)
            elif side == "hi" and (value < hi[symbol][0] or (value == hi[symbol][0] and strict)):
                hi[symbol] = (value, strict)
    for symbol in lo:
        (a, sa), (b, sb) = lo[symbol], hi[symbol]
        if not (a.is_finite or b.is_finite):
            continue
        if integer[symbol]:
            a_int = (sp.floor(a) + 1 if sa else sp.ceiling(a)) if a.is_finite else a
            b_int = (sp.ceiling(b) - 1 if sb else sp.floor(b)) if b.is_finite else b
            if a_int > b_int:
                return True
        elif a > b or (a == b and (sa or sb)):
            return True
    return False


def _vacuous(statement: Statement, budget: Budget, inner: Decide) -> bool:
    """True only when the hypotheses are shown contradictory (no point satisfies them)."""
    if not statement.hypotheses:
        return False
    if _affine_contradiction(statement):
        return True
    from boundprop.backends import falsifier

    premises = Statement(
        variables=statement.variables,
        hypotheses=statement.hypotheses,
        conclusion=sp.false,
        matrices=statement.matrices,
    )
    try:
        found = falsifier.decide(premises, replace(budget, samples=min(budget.samples, _VACUITY_SAMPLES)))
    except Exception:
        found = None
    if found is not None and found.status is Status.REFUTED:
        return False  # a point satisfies every hypothesis
    try:
        result = inner(premises, _scaled(budget, _VACUITY_SHARE))
    except Exception:
        return False
    return result.status is Status.PROVED


def _with_vacuity(statement: Statement, result: CheckResult, budget: Budget, inner: Decide) -> CheckResult:
    if result.status is not Status.PROVED or VACUOUS in result.evidence:
        return result
    # "hypotheses imply false" proved is itself the proof that they are contradictory
    if statement.conclusion is sp.false or _vacuous(statement, budget, inner):
        details = {**dict(result.details), "vacuous": True}
        return replace(result, evidence=f"{VACUOUS}; {result.evidence}", details=details)
    return result


def decide(statement: Statement, budget: Budget, inner: Decide) -> CheckResult:
    """Decide ``statement`` soundly under real-number semantics of partial functions.

    ``inner`` decides guard-free statements with variables (the portfolio).
    """
    if not statement.variables:
        return _constant(statement)
    if not statement.guards:
        return _with_vacuity(statement, inner(statement, budget), budget, inner)
    tried: list[str] = []
    open_: list[str] = []
    pending: list[tuple[StatementGuard, Statement]] = []
    for guard, obligation in obligations(statement):
        if _box_truth(obligation) is Tri.TRUE:
            tried.append(f"{guard.subterm}: defined on the whole box (interval)")
        else:
            pending.append((guard, obligation))
    share = _OBLIGATION_SHARE / max(len(pending), 1)
    for guard, obligation in pending:
        try:
            result = inner(obligation, _scaled(budget, share))
        except UnsupportedError as exc:  # an obligation not decided is just open
            tried.append(f"{guard.subterm}: unsupported ({exc})")
            open_.append(f"{guard.subterm} ({guard.reason}): unsupported")
            continue
        except Exception:  # a backend bug decides nothing, and its text is no evidence
            tried.append(f"{guard.subterm}: internal error, ignored")
            open_.append(f"{guard.subterm} ({guard.reason}): not decided")
            continue
        if result.status is Status.REFUTED and result.counterexample is not None:
            point: dict[sp.Symbol, sp.Rational] | None
            try:
                point = point_of(statement, result.counterexample)
            except (KeyError, ValueError, TypeError):
                point = None
            failing = undefined_at(statement, point) if point is not None else None
            if point is not None and failing is not None:
                found = ill_defined_result(
                    statement,
                    point,
                    failing,
                    result.method,
                    f"found by {result.method} on the definedness obligation of {guard.subterm}, "
                    "re-verified exactly",
                    result.seconds,
                )
                tried.append(f"{guard.subterm}: undefined at a point ({result.method})")
                return _annotate(shrink(statement, found), tried)
            tried.append(f"{guard.subterm}: witness failed re-verification (ignored)")
            open_.append(f"{guard.subterm} ({guard.reason}): witness not verified")
            continue
        if result.status is Status.PROVED:
            tried.append(f"{guard.subterm}: defined wherever evaluated ({result.method})")
            continue
        tried.append(f"{guard.subterm}: {result.status.value} ({result.evidence})")
        open_.append(f"{guard.subterm} ({guard.reason}): {result.status.value}")
    # the backends see the guards too (the falsifier skips undefined points, every
    # counterexample is re-verified at a defined point) but never decide them
    result = inner(statement, budget)
    if not open_:
        if result.status is Status.REFUTED and not _verified_here(statement, result):
            return _annotate(
                CheckResult(
                    Status.UNKNOWN,
                    result.method,
                    "a counterexample was found but failed re-verification at a defined point",
                    seconds=result.seconds,
                    details=dict(result.details),
                ),
                tried,
            )
        if result.status is Status.REFUTED:
            result = shrink(statement, result)
        return _annotate(_with_vacuity(statement, result, budget, inner), tried, _defined_note(tried))
    # definedness not established: only a verified finding is a verdict
    if result.status is Status.REFUTED and result.counterexample is not None:
        if _verified_here(statement, result):
            return _annotate(shrink(statement, result), tried)
        point = None
        try:
            point = point_of(statement, result.counterexample)
            failing = undefined_at(statement, point)
        except (KeyError, ValueError, TypeError):
            failing = None
        if failing is not None and point is not None:
            found = ill_defined_result(
                statement, point, failing, result.method, "found as a candidate counterexample, re-verified exactly"
            )
            return _annotate(shrink(statement, found), tried)
    why = "definedness not established: " + "; ".join(open_)
    if result.status is Status.PROVED:
        evidence = f"{why}; where the statement is defined it holds ({result.method}: {result.evidence})"
        status = Status.UNKNOWN
    elif result.status is Status.TESTED:
        evidence, status = f"{why}; {result.evidence}", Status.TESTED
    else:
        evidence, status = f"{why}; {result.evidence}", Status.UNKNOWN
    return _annotate(
        CheckResult(status, result.method, evidence, seconds=result.seconds, details=dict(result.details)),
        tried,
    )


def _verified_here(statement: Statement, result: CheckResult) -> bool:
    if result.counterexample is None:
        return False
    try:
        return refutes(statement, point_of(statement, result.counterexample))
    except (KeyError, ValueError, TypeError, ArithmeticError):
        return False


def _defined_note(tried: list[str]) -> str:
    return f"defined wherever evaluated ({len(tried)} definedness condition(s) proved)"
