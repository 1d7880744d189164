"""z3 backend: polynomial, rational-function and piecewise-linear statements.

The statement is translated to z3 over the reals (integer variables are z3
``Int`` constants used through ``ToReal``, so no integer division can creep
in). z3 is asked whether the hypotheses, the ranges and the *negated*
conclusion have a common solution:

* ``unsat``: the statement is PROVED (z3's decision procedures for real
  arithmetic are complete; the result is z3's word, recorded as such).
* ``sat``: z3's model is turned into exact rationals (algebraic numbers are
  approximated, then, if that fails, variables are pinned one at a time to
  nearby rationals) and re-verified with :func:`boundprop.interval.refutes`
  before REFUTED is reported.
* ``unknown``/timeout: UNKNOWN with z3's reason.

Soundness of partial operations. z3 totalises division (``x/0`` is some
unspecified value) and has no square root, so each division adds the
definedness condition "denominator != 0" and each half-integer power adds a
fresh ``s >= 0`` with ``s*s = base`` guarded by the condition "base >= 0".
The first query asks for a point where the negated conclusion holds *or some
definedness condition fails*; its unsat proves both that every expression is
defined on the admissible set and that the conclusion holds there. A point
where only definedness fails is never reported as a counterexample.

Supported: + - * /, integer powers, half-integer powers (sqrt), Abs, Max,
Min, Piecewise, ITE, floor, ceiling, relations and And/Or/Not/Implies.
Anything else (exp, log, pi, symbolic exponents, other fractional powers)
raises :class:`~boundprop.errors.UnsupportedError`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy as sp
import z3

from boundprop.backends import format_counterexample
from boundprop.backends.base import Support
from boundprop.backends.forked import decide_forked
from boundprop.errors import UnsupportedError
from boundprop.statement import TIME_CAP, Budget, Statement
from boundprop.verdict import CheckResult, Status

__all__ = ["decide", "unsupported_reason"]

METHOD = "z3"
name = METHOD  # the backend protocol (boundprop.backends.base)


class _Translator:
    """sympy → z3, collecting definedness conditions and auxiliary definitions."""

    def __init__(self, statement: Statement, ctx: z3.Context | None = None) -> None:
        self.statement = statement
        self.ctx = ctx
        self.raw: dict[sp.Symbol, Any] = {}
        self.real: dict[sp.Symbol, z3.ArithRef] = {}
        self.domain: list[z3.BoolRef] = []
        self.aux: list[z3.BoolRef] = []
        self.box: list[z3.BoolRef] = []
        self._memo: dict[sp.Basic, z3.ArithRef] = {}
        self._fresh = 0
        for var in statement.variables:
            name = var.name
            if var.integer:
                raw = z3.Int(name, ctx)
                real = z3.ToReal(raw)
                lo_hi = (z3.IntVal(int(var.lo), ctx) if var.lo.is_finite else None,
                         z3.IntVal(int(var.hi), ctx) if var.hi.is_finite else None)
            else:
                raw = z3.Real(name, ctx)
                real = raw
                lo_hi = (_rational(var.lo, ctx) if var.lo.is_finite else None,
                         _rational(var.hi, ctx) if var.hi.is_finite else None)
            self.raw[var.symbol] = raw
            self.real[var.symbol] = real
            if lo_hi[0] is not None:
                self.box.append(raw >= lo_hi[0])
            if lo_hi[1] is not None:
                self.box.append(raw <= lo_hi[1])

    # -- terms -------------------------------------------------------------
    def term(self, expr: sp.Basic) -> z3.ArithRef:
        cached = self._memo.get(expr)
        if cached is None:
            cached = self._term(expr)
            self._memo[expr] = cached
        return cached

    def _term(self, e: sp.Basic) -> z3.ArithRef:
        if isinstance(e, sp.Symbol):
            if e not in self.real:
                raise UnsupportedError(f"symbol {e} is not a declared variable")
            return self.real[e]
        if isinstance(e, sp.Rational):
            return _rational(e, self.ctx)
        if isinstance(e, sp.Float):
            raise UnsupportedError("inexact float constant")
        if e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
            raise UnsupportedError(f"non-finite constant {e}")
        if isinstance(e, sp.Add):
            return z3.Sum([self.term(a) for a in e.args])
        if isinstance(e, sp.Mul):
            factors = [self.term(a) for a in e.args]
            out = factors[0]
            for f in factors[1:]:
                out = out * f
            return out
        if isinstance(e, sp.Pow):
            return self._pow(e)
        if isinstance(e, sp.Abs):
            t = self.term(e.args[0])
            return z3.If(t >= 0, t, -t)
        if isinstance(e, (sp.Max, sp.Min)):
            terms = [self.term(a) for a in e.args]
            out = terms[0]
            for t in terms[1:]:
                out = z3.If(t > out, t, out) if isinstance(e, sp.Max) else z3.If(t < out, t, out)
            return out
        if isinstance(e, sp.floor):
            return z3.ToReal(z3.ToInt(self.term(e.args[0])))
        if isinstance(e, sp.ceiling):
            return -z3.ToReal(z3.ToInt(-self.term(e.args[0])))
        if isinstance(e, sp.Piecewise):
            return self._piecewise(e)
        if isinstance(e, sp.ITE):
            return z3.If(self.formula(e.args[0]), self.term(e.args[1]), self.term(e.args[2]))
        if isinstance(e, sp.Function):
            raise UnsupportedError(f"{type(e).__name__} is not polynomial or piecewise-linear")
        if isinstance(e, sp.NumberSymbol) or getattr(e, "is_number", False):
            raise UnsupportedError(f"constant {e} is not rational")
        raise UnsupportedError(f"cannot translate {type(e).__name__} to z3")

    def _pow(self, e: sp.Pow) -> z3.ArithRef:
        base, exponent = e.args
        if isinstance(exponent, sp.Symbol) and exponent in self.real:
            return self._integer_variable_pow(e, base, exponent)
        if not isinstance(exponent, sp.Rational):
            raise UnsupportedError(f"symbolic or irrational exponent in {e}")
        if exponent.q == 1:
            n = int(exponent.p)
            b = self.term(base)
            if n == 0:
                return z3.RealVal(1, self.ctx)
            power = _int_power(b, abs(n))
            if n > 0:
                return power
            self.domain.append(b != 0)
            return 1 / power
        if exponent.q == 2:
            b = self.term(base)
            self._fresh += 1
            s = z3.Real(f"__sqrt{self._fresh}", self.ctx)
            self.domain.append(b >= 0)
            self.aux.append(s >= 0)
            self.aux.append(z3.Implies(b >= 0, s * s == b))
            n = int(exponent.p)
            power = _int_power(s, abs(n))
            if n > 0:
                return power
            self.domain.append(b > 0)
            return 1 / power
        raise UnsupportedError(f"fractional power {exponent} in {e}")

    def _integer_variable_pow(self, e: sp.Pow, base: sp.Basic, n: sp.Symbol) -> z3.ArithRef:
        """``base**n`` for an integer variable ``n`` with a small range ``0 <= n <= 32``,
        as an if-then-else over the values of ``n``."""
        var = next(v for v in self.statement.variables if v.symbol == n)
        if not (var.integer and var.lo.is_finite and var.hi.is_finite):
            raise UnsupportedError(f"symbolic exponent in {e}")
        lo, hi = int(var.lo), int(var.hi)
        if lo < 0 or hi - lo > 32:
            raise UnsupportedError(f"symbolic exponent in {e} (integer range too wide)")
        b = self.term(base)
        raw = self.raw[n]
        out = _int_power(b, hi)
        for k in range(hi - 1, lo - 1, -1):
            out = z3.If(raw == k, _int_power(b, k), out)
        return out

    def _piecewise(self, e: sp.Piecewise) -> z3.ArithRef:
        pieces = [(self.term(expr), self.formula(cond)) for expr, cond in e.args]
        conds = [c for _, c in pieces]
        if e.args[-1][1] is sp.true:
            out = pieces[-1][0]
            rest = pieces[:-1]
        else:
            self.domain.append(z3.Or(*conds) if len(conds) > 1 else conds[0])
            out = pieces[-1][0]
            rest = pieces[:-1]
        for value, cond in reversed(rest):
            out = z3.If(cond, value, out)
        return out

    # -- formulas ----------------------------------------------------------
    def formula(self, b: Any) -> z3.BoolRef:
        if b is sp.true or b is True:
            return z3.BoolVal(True, self.ctx)
        if b is sp.false or b is False:
            return z3.BoolVal(False, self.ctx)
        if isinstance(b, sp.core.relational.Relational):
            lhs, rhs = self.term(b.lhs), self.term(b.rhs)
            op = b.rel_op
            if op == "<":
                return lhs < rhs
            if op == "<=":
                return lhs <= rhs
            if op == ">":
                return lhs > rhs
            if op == ">=":
                return lhs >= rhs
            if op == "==":
                return lhs == rhs
            if op == "!=":
                return lhs != rhs
            raise UnsupportedError(f"relation {op}")
        if isinstance(b, sp.And):
            return z3.And(*[self.formula(a) for a in b.args])
        if isinstance(b, sp.Or):
            return z3.Or(*[self.formula(a) for a in b.args])
        if isinstance(b, sp.Not):
            return z3.Not(self.formula(b.args[0]))
        if isinstance(b, sp.Implies):
            return z3.Implies(self.formula(b.args[0]), self.formula(b.args[1]))
        if isinstance(b, sp.ITE):
            return z3.If(self.formula(b.args[0]), self.formula(b.args[1]), self.formula(b.args[2]))
        raise UnsupportedError(f"cannot translate the condition {type(b).__name__} to z3")


def _rational(value: sp.Basic, ctx: z3.Context | None = None) -> z3.ArithRef:
    r = sp.Rational(value)
    return z3.RealVal(f"{r.p}/{r.q}", ctx)


def _int_power(b: z3.ArithRef, n: int) -> z3.ArithRef:
    if n > 64:
        return b ** n
    result: z3.ArithRef | None = None
    square = b
    while n:
        if n & 1:
            result = square if result is None else result * square
        n >>= 1
        if n:
            square = square * square
    return result if result is not None else z3.RealVal(1, b.ctx)


def unsupported_reason(statement: Statement) -> str | None:
    """None if z3 can take the statement's shape, otherwise why not.

    >>> from boundprop.statement import make_variable
    >>> x = make_variable("x", 0, 1)
    >>> unsupported_reason(Statement((x,), (), sp.exp(x.symbol) >= 1))
    'exp is not polynomial or piecewise-linear'
    """
    try:
        translator = _Translator(statement)
        for h in statement.hypotheses:
            translator.formula(h)
        translator.formula(statement.conclusion)
    except UnsupportedError as exc:
        return str(exc)
    return None


def supports(statement: Statement) -> Support:
    """The backend protocol's test: polynomial, rational or piecewise-linear
    statements (:func:`unsupported_reason` says why not)."""
    reason = unsupported_reason(statement)
    return Support(reason is None, reason or "")


def decide(statement: Statement, budget: Budget) -> CheckResult:
    """Decide ``statement`` with z3, or return UNKNOWN.

    The work is bounded by ``budget.z3_rlimit``, z3's deterministic resource
    count, shared by every query of the call; each call translates the
    statement into a fresh z3 context, so the result does not depend on what
    ran before. z3's own timeout is cooperative and nonlinear arithmetic can
    overrun it by a wide margin, so the query runs in a forked child process
    that is killed ``0.2 s + 10%`` after the time cap ``budget.seconds``
    (in-process where fork is unavailable); a result stopped by the cap says
    "time cap".

    Parameters
    ----------
    statement : Statement
        Polynomial, rational-function or piecewise-linear.
    budget : Budget
        ``z3_rlimit`` bounds the work; ``seconds`` is the wall-clock cap.

    Returns
    -------
    CheckResult
        PROVED ("z3: negation unsat"), REFUTED with a re-verified exact
        counterexample, or UNKNOWN with the reason (the resource limit
        reached, the time cap, or z3's own reason).

    Raises
    ------
    UnsupportedError
        For shapes z3 cannot take (exp, log, symbolic exponents, ...).

    Examples
    --------
    >>> from boundprop.statement import make_variable
    >>> x, y = make_variable("x", "-oo", "oo"), make_variable("y", "-oo", "oo")
    >>> X, Y = x.symbol, y.symbol
    >>> decide(Statement((x, y), (), X * Y <= (X**2 + Y**2) / 2), Budget()).status
    <Status.PROVED: 'proved'>
    """
    reason = unsupported_reason(statement)
    if reason is not None:
        raise UnsupportedError(reason)
    return decide_forked(_decide_here, statement, budget, METHOD)


class _Queries:
    """The z3 queries of one call: one fresh context, a resource limit shared
    by all its queries, and the time cap.

    Every query gets a new solver with all its constraints asserted and no
    push/pop or assumptions: z3 then runs its non-incremental tactic for the
    logic (nlsat for nonlinear real arithmetic), which both decides far more
    than the incremental core and keeps counting its resources (the
    incremental core can spend minutes without reaching the limit).

    ``check`` gives z3's answer, the model if sat, and sets ``why`` for
    ``unknown``: the resource limit (deterministic), the time cap (not
    reproducible) or z3's own reason.
    """

    def __init__(self, context: z3.Context, base: list[z3.BoolRef], budget: Budget, start: float) -> None:
        self.context = context
        self.base = base
        self.budget = budget
        self.start = start
        self.spent = 0  # the context's resource count after the last query
        self.why = ""

    def _rlimit_reached(self) -> str:
        return f"z3: resource limit of {self.budget.z3_rlimit} reached (rlimit)"

    def _time_cap(self) -> str:
        return f"z3: stopped by the {TIME_CAP} of {self.budget.seconds:g} s (not reproducible)"

    def check(self, *constraints: z3.BoolRef) -> tuple[Any, z3.ModelRef | None]:
        left_units = self.budget.z3_rlimit - self.spent
        left_ms = int(1000 * (self.budget.seconds - (time.monotonic() - self.start)))
        if left_units <= 0:
            self.why = self._rlimit_reached()
            return z3.unknown, None
        if left_ms <= 0:
            self.why = self._time_cap()
            return z3.unknown, None
        solver = z3.Solver(ctx=self.context)
        solver.set("rlimit", left_units)
        solver.set("timeout", left_ms)
        solver.add(*self.base, *constraints)
        answer = solver.check()
        stats = solver.statistics()
        for key in stats.keys():
            if key == "rlimit count":
                self.spent = max(self.spent, int(stats.get_key_value(key)))
        if answer == z3.sat:
            return answer, solver.model()
        if answer == z3.unknown:
            if self.spent >= self.budget.z3_rlimit:
                self.why = self._rlimit_reached()
            elif time.monotonic() - self.start >= 0.9 * self.budget.seconds:
                self.why = self._time_cap()
            else:
                self.why = f"z3: unknown ({solver.reason_unknown()})"
        return answer, None

    @property
    def exhausted(self) -> bool:
        return self.why in (self._rlimit_reached(), self._time_cap())


def _decide_here(statement: Statement, budget: Budget) -> CheckResult:
    start = time.monotonic()
    context = z3.Context()  # fresh: nothing that ran before can change z3's search
    translator = _Translator(statement, context)
    hyps = [translator.formula(h) for h in statement.hypotheses]
    concl = translator.formula(statement.conclusion)
    defined = z3.And(*translator.domain) if translator.domain else z3.BoolVal(True, context)
    has_domain = bool(translator.domain)

    def result(status: Status, evidence: str, **kw: Any) -> CheckResult:
        return CheckResult(status, METHOD, evidence, seconds=time.monotonic() - start, **kw)

    queries = _Queries(context, [*translator.box, *translator.aux, *hyps], budget, start)
    answer, model = queries.check(
        z3.Or(z3.Not(concl), z3.Not(defined)) if has_domain else z3.Not(concl)
    )
    if answer == z3.unsat:
        evidence = "z3: negation unsat"
        if has_domain:
            evidence += " (and every denominator/sqrt argument is defined)"
        return result(Status.PROVED, evidence)
    if answer == z3.unknown or model is None:
        return result(Status.UNKNOWN, queries.why)
    # sat: look for a genuine counterexample where everything is defined.
    queries.base.append(z3.Not(concl))
    if has_domain:
        queries.base.append(defined)
        answer, model = queries.check()
        if answer == z3.unsat:
            return result(
                Status.UNKNOWN,
                "z3: the conclusion holds wherever defined, but a denominator can vanish "
                "or a sqrt argument be negative on the admissible set",
            )
        if answer == z3.unknown or model is None:
            return result(Status.UNKNOWN, queries.why)
    point = _verified_point(statement, translator, queries, model)
    if point is None:
        evidence = (
            "z3: found a model of the negation but no exact rational point near it "
            "re-verified as a counterexample"
        )
        if queries.exhausted:
            evidence += f" ({queries.why})"
        return result(Status.UNKNOWN, evidence)
    return result(
        Status.REFUTED,
        "z3: model of the negation, re-verified exactly",
        counterexample=format_counterexample(statement, point),
    )


def _value(model: z3.ModelRef, raw: Any) -> Any:
    return model.eval(raw, model_completion=True)


def _candidates(value: Any) -> list[sp.Rational]:
    """Exact rationals to try for one model value (simplest first)."""
    if z3.is_int_value(value):
        return [sp.Integer(value.as_long())]
    if z3.is_rational_value(value):
        return [sp.Rational(value.numerator_as_long(), value.denominator_as_long())]
    if z3.is_algebraic_value(value):
        out: list[sp.Rational] = []
        for precision in (30, 12, 6, 3):
            approx = value.approx(precision)
            frac = Fraction(approx.numerator_as_long(), approx.denominator_as_long())
            for denominator in (1, 10, 1000, 10**6, 10**9, None):
                f = frac if denominator is None else frac.limit_denominator(denominator)
                r = sp.Rational(f.numerator, f.denominator)
                if r not in out:
                    out.append(r)
        return out
    raise UnsupportedError(f"z3 model value {value} is not a number")


def _clamp(value: sp.Rational, lo: sp.Expr, hi: sp.Expr) -> sp.Rational:
    if lo.is_finite and value < lo:
        return sp.Rational(lo)
    if hi.is_finite and value > hi:
        return sp.Rational(hi)
    return value


def _verified_point(
    statement: Statement,
    translator: _Translator,
    queries: _Queries,
    model: z3.ModelRef,
) -> dict[sp.Symbol, sp.Rational] | None:
    from boundprop.interval import refutes

    variables = statement.variables
    options = [_candidates(_value(model, translator.raw[v.symbol])) for v in variables]
    # 1. the model itself, or uniformly rounded approximations of it
    depth = max(len(o) for o in options)
    for k in range(depth):
        point = {
            v.symbol: _clamp(o[min(k, len(o) - 1)] if k < len(o) else o[0], v.lo, v.hi)
            for v, o in zip(variables, options, strict=True)
        }
        if _refutes(refutes, statement, point):
            return point
        if depth == 1:
            break
    # 2. pin algebraic-valued variables one at a time to nearby rationals
    #    (simplest first), letting z3 re-solve the others each time
    pins: list[z3.BoolRef] = []
    for _ in variables:
        algebraic = [
            v for v in variables
            if z3.is_algebraic_value(_value(model, translator.raw[v.symbol]))
        ]
        if not algebraic:
            break
        v = algebraic[0]
        found = False
        for cand in _candidates(_value(model, translator.raw[v.symbol])):
            cand = _clamp(cand, v.lo, v.hi)
            pin = translator.raw[v.symbol] == _rational(cand, translator.ctx)
            answer, pinned = queries.check(*pins, pin)
            if answer == z3.sat and pinned is not None:
                pins.append(pin)
                model = pinned
                found = True
                break
            if queries.exhausted:
                return None  # the budget is spent
        if not found:
            return None
    point = {
        v.symbol: _candidates(_value(model, translator.raw[v.symbol]))[0] for v in variables
    }
    return point if _refutes(refutes, statement, point) else None


def _refutes(
    refutes: Any, statement: Statement, point: Mapping[sp.Symbol, sp.Rational]
) -> bool:
    try:
        return bool(refutes(statement, point))
    except (ArithmeticError, ValueError, TypeError, UnsupportedError):
        return False
