"""Property test: every verdict of the portfolio against real-number semantics (issue 13).

Random expression trees with partial functions (log, log to a base, sqrt,
division, rational powers with odd and even denominators, negative powers of
terms that can be 0, powers with a variable exponent, integer-variable
exponents, Piecewise with and without an "otherwise" branch) and total ones
(exp, Abs, Min, Max, floor, ceiling), conclusions joined by and/or, over
random boxes (some unbounded, some integer variables), with up to two
ordered hypotheses, are decided by
:func:`boundprop.backends.portfolio.decide` in deterministic limits. Every
verdict is held against a reference evaluator written here, independent of
the engine (exact :class:`~fractions.Fraction` arithmetic where the value is
rational, mpmath interval arithmetic otherwise, its own definedness rules
copied from docs/lemma-format.md "Where a statement is defined"), with zero
tolerance:

* PROVED: at no sampled point is the statement false or undefined;
* REFUTED: the counterexample is a point where the statement is defined and false;
* ILL_DEFINED: the witness is a point where the statement is undefined.

The cases come from a seeded generator (a fixed count, so the test's work
does not depend on the machine); the budget counts boxes, samples and z3
resource units, its wall-clock cap is only a generous safety net.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import pytest

from boundprop.backends import portfolio
from boundprop.cli.prove_cmd import build_statement
from boundprop.counterexample import point_of
from boundprop.errors import BoundpropError
from boundprop.statement import Budget
from boundprop.verdict import Status

CASES = 120
SEED = 20261203
BUDGET = Budget(seconds=60, max_boxes=1_500, samples=300, z3_rlimit=1_000_000)

# ---------------------------------------------------------------------------
# the reference evaluator

IV = mpmath.iv
# Precisions the reference tries in turn; at the last one an enclosure of
# width below 10**-ZERO_DIGITS around 0 is read as exactly 0 (an identity such
# as sqrt(x)**2 - x, which no finite precision separates from 0).
PRECISIONS = (40, 120)
ZERO_DIGITS = 60


class Unsure(Exception):
    """The reference cannot decide at this precision."""


class Undefined(Exception):
    """A subterm is undefined at the point (real semantics)."""


@dataclass(frozen=True)
class Num:
    """An exact rational or an mpmath interval enclosing the real value."""

    exact: Fraction | None = None
    iv: Any = None

    def interval(self) -> Any:
        if self.exact is not None:
            return IV.mpf(self.exact.numerator) / self.exact.denominator
        return self.iv


def sign(v: Num, final: bool) -> int:
    """The sign of ``v``; raises :class:`Unsure` if the enclosure straddles 0."""
    if v.exact is not None:
        return (v.exact > 0) - (v.exact < 0)
    lo, hi = v.iv.a, v.iv.b
    if lo > 0:
        return 1
    if hi < 0:
        return -1
    if lo == hi == 0:
        return 0
    if final and max(abs(lo), abs(hi)) < mpmath.mpf(10) ** (-ZERO_DIGITS):
        return 0
    raise Unsure


def _exact_root(q: Fraction, k: Fraction) -> Fraction | None:
    """``q**k`` for ``q >= 0`` when it is rational (perfect powers), else None."""
    num, den = k.numerator, k.denominator
    roots = []
    for part in (q.numerator, q.denominator):
        r = round(part ** (1 / den)) if part < 10**300 else None
        hit = next((c for c in (r, r + 1, r - 1) if c is not None and c >= 0 and c**den == part), None)
        if hit is None:
            return None
        roots.append(hit)
    base = Fraction(roots[0], roots[1])
    if num < 0 and base == 0:
        return None
    return base**num


@dataclass(frozen=True)
class Term:
    """A node of a generated expression: ``text`` is what the parser reads."""

    text: str
    op: str
    args: tuple[Any, ...]

    def value(self, env: dict[str, Fraction], final: bool) -> Num:
        op, args = self.op, self.args
        if op == "var":
            return Num(env[args[0]])
        if op == "const":
            return Num(args[0])
        if op == "piecewise":
            # conditions in order, each looked at only where the earlier ones are
            # false; a branch's value only where it is taken; no branch: undefined
            for branch, condition in args:
                if condition is None or condition.truth(env, final):
                    return branch.value(env, final)
            raise Undefined("no Piecewise branch applies")
        vals = [a.value(env, final) for a in args if isinstance(a, Term)]  # any undefined child raises
        exact = all(v.exact is not None for v in vals)
        if op in ("+", "-", "*"):
            a, b = vals
            if exact:
                assert a.exact is not None and b.exact is not None
                return Num(a.exact + b.exact if op == "+" else a.exact - b.exact if op == "-" else a.exact * b.exact)
            x, y = a.interval(), b.interval()
            return Num(iv=x + y if op == "+" else x - y if op == "-" else x * y)
        if op == "/":
            a, b = vals
            if sign(b, final) == 0:
                raise Undefined("division by zero")
            if exact:
                assert a.exact is not None and b.exact is not None
                return Num(a.exact / b.exact)
            return Num(iv=a.interval() / b.interval())
        if op == "abs":
            (a,) = vals
            if a.exact is not None:
                return Num(abs(a.exact))
            s = sign(a, final)
            return Num(iv=a.interval() * s) if s else Num(Fraction(0))
        if op in ("min", "max"):
            a, b = vals
            if exact:
                assert a.exact is not None and b.exact is not None
                return Num(min(a.exact, b.exact) if op == "min" else max(a.exact, b.exact))
            x, y = a.interval(), b.interval()
            pick = min if op == "min" else max
            return Num(iv=IV.mpf([pick(x.a, y.a), pick(x.b, y.b)]))
        if op == "exp":
            (a,) = vals
            if a.exact == 0:
                return Num(Fraction(1))
            return Num(iv=IV.exp(a.interval()))
        if op == "log":
            (a,) = vals
            if sign(a, final) <= 0:
                raise Undefined("log of a non-positive number")
            if a.exact == 1:
                return Num(Fraction(0))
            return Num(iv=IV.log(a.interval()))
        if op == "log2":  # log(a, b) = log(a)/log(b): a > 0, b > 0, b != 1
            a, b = vals
            if sign(a, final) <= 0 or sign(b, final) <= 0:
                raise Undefined("log of a non-positive number, or to a non-positive base")
            if b.exact == 1:
                raise Undefined("log to base 1")
            if a.exact == 1:
                return Num(Fraction(0))
            return Num(iv=IV.log(a.interval()) / IV.log(b.interval()))
        if op in ("floor", "ceiling"):
            (a,) = vals
            if a.exact is not None:
                q = a.exact
                down = q.numerator // q.denominator
                return Num(Fraction(down if op == "floor" or down == q else down + 1))
            rounding = mpmath.floor if op == "floor" else mpmath.ceil
            lo, hi = rounding(a.iv.a), rounding(a.iv.b)
            if lo != hi:
                raise Unsure
            return Num(Fraction(int(lo)))
        if op == "sqrt":
            return self._rational_power(vals[0], Fraction(1, 2), final)
        if op == "pow":  # a constant exponent
            return self._rational_power(vals[0], args[1], final)
        if op == "ipow":  # an integer variable as exponent: defined unless 0 to a negative power
            (a,) = vals
            n = env[args[1]]
            assert n.denominator == 1
            if n < 0 and sign(a, final) == 0:
                raise Undefined("0 to a negative power")
            if a.exact is not None:
                return Num(a.exact ** int(n))
            return Num(iv=a.interval() ** int(n))
        if op == "gpow":  # a real (not known-integer) exponent: a > 0, or a = 0 and b > 0
            a, b = vals
            s = sign(a, final)
            if s > 0:
                if a.exact == 1:
                    return Num(Fraction(1))
                return Num(iv=IV.exp(b.interval() * IV.log(a.interval())))
            if s == 0 and sign(b, final) > 0:
                return Num(Fraction(0))
            raise Undefined("a real power needs a positive base (or 0 to a positive power)")
        raise AssertionError(op)

    @staticmethod
    def _rational_power(a: Num, k: Fraction, final: bool) -> Num:
        if k.denominator == 1:
            if k < 0 and sign(a, final) == 0:
                raise Undefined("0 to a negative power")
            if a.exact is not None:
                return Num(a.exact ** int(k))
            return Num(iv=a.interval() ** int(k))
        # a non-integer power needs a non-negative base, also for odd
        # denominators (positive if the exponent is negative)
        s = sign(a, final)
        if s < 0 or (s == 0 and k < 0):
            raise Undefined("a non-integer power of a negative number (or of 0, negative)")
        if s == 0:
            return Num(Fraction(0))
        if a.exact is not None:
            root = _exact_root(a.exact, k)
            if root is not None:
                return Num(root)
        return Num(iv=IV.exp(IV.log(a.interval()) * (IV.mpf(k.numerator) / k.denominator)))


@dataclass(frozen=True)
class Formula:
    """A relation of two terms, or ``and``/``or`` of two formulas (not short-circuits:
    both sides must be defined)."""

    text: str
    op: str  # "<=", "<", ">=", ">", "and", "or"
    args: tuple[Any, Any]

    def truth(self, env: dict[str, Fraction], final: bool) -> bool:
        if self.op in ("and", "or"):
            left, right = (f.truth(env, final) for f in self.args)
            return (left and right) if self.op == "and" else (left or right)
        lhs, rhs = self.args
        a, b = lhs.value(env, final), rhs.value(env, final)
        if a.exact is not None and b.exact is not None:
            gap = Num(b.exact - a.exact)
        else:
            gap = Num(iv=b.interval() - a.interval())
        s = sign(gap, final)  # sign of rhs - lhs
        return {"<=": s >= 0, "<": s > 0, ">=": s <= 0, ">": s < 0}[self.op]


def rel(lhs: Term, op: str, rhs: Term) -> Formula:
    return Formula(f"{lhs.text} {op} {rhs.text}", op, (lhs, rhs))


def reference(hyps: list[Formula], concl: Formula, env: dict[str, Fraction]) -> str:
    """The statement at a point: "undefined", "excluded", "holds", "fails" or "unsure".

    Hypotheses restrict the domain first, in order: a hypothesis is looked at
    only where the earlier ones hold; the conclusion only where all hold.
    """
    for i, dps in enumerate(PRECISIONS):
        final = i == len(PRECISIONS) - 1
        saved, IV.dps = IV.dps, dps
        try:
            for h in hyps:
                if not h.truth(env, final):
                    return "excluded"
            return "holds" if concl.truth(env, final) else "fails"
        except Undefined:
            return "undefined"
        except Unsure:
            continue
        finally:
            IV.dps = saved
    return "unsure"


# ---------------------------------------------------------------------------
# the generator

CONSTS = [Fraction(v) for v in ("0", "1", "2", "-1", "1/2", "3", "-2", "-1/3")]
# even and odd denominators, negative powers (of terms that may be 0)
POWERS = [Fraction(v) for v in ("2", "3", "-1", "-2", "1/2", "1/3", "2/3", "-1/2", "-1/3", "3/2", "5/3")]
ENDS = [Fraction(v) for v in ("-3", "-2", "-1", "-1/2", "-1/3", "0", "1/4", "1/2", "1", "2", "3")]
RELATIONS = ("<=", "<", ">=", ">")


def _frac(q: Fraction) -> str:
    return f"({q.numerator}/{q.denominator})" if q.denominator != 1 else f"({q.numerator})"


class Generator:
    def __init__(self, rng: random.Random, reals: tuple[str, ...], integers: tuple[str, ...]) -> None:
        self.rng, self.reals, self.integers = rng, reals, integers

    def leaf(self) -> Term:
        names = self.reals + self.integers
        if self.rng.random() < 0.65:
            name = self.rng.choice(names)
            return Term(name, "var", (name,))
        q = self.rng.choice(CONSTS)
        return Term(_frac(q), "const", (q,))

    def term(self, size: int) -> Term:
        if size <= 1:
            return self.leaf()
        rng = self.rng
        kind = rng.choices(
            ["binary", "log", "sqrt", "exp", "abs", "minmax", "pow", "gpow", "ipow", "log2", "round", "piecewise"],
            weights=[6, 2, 2, 1, 1, 1, 3, 1, 1 if self.integers else 0, 1, 1, 1],
        )[0]
        if kind == "piecewise" and size >= 3:
            # (a, condition), then b otherwise or under a second condition (maybe no branch applies)
            a, b = self.term(size // 2), self.term(size - size // 2)
            first = self.relation(2)
            second = None if rng.random() < 0.6 else self.relation(2)
            last = "True" if second is None else second.text
            text = f"Piecewise(({a.text}, {first.text}), ({b.text}, {last}))"
            return Term(text, "piecewise", ((a, first), (b, second)))
        if kind in ("binary", "minmax", "log2", "piecewise"):
            left = rng.randint(1, size - 1)
            a, b = self.term(left), self.term(size - left)
            if kind == "log2":
                return Term(f"log({a.text}, {b.text})", "log2", (a, b))
            if kind == "minmax":
                op = rng.choice(["min", "max"])
                spelled = rng.choice([op, op.capitalize()])
                return Term(f"{spelled}({a.text}, {b.text})", op, (a, b))
            op = rng.choice(["+", "-", "*", "/"])
            return Term(f"({a.text}) {op} ({b.text})", op, (a, b))
        a = self.term(size - 1)
        if kind in ("log", "sqrt", "exp"):
            return Term(f"{kind}({a.text})", kind, (a,))
        if kind == "abs":
            return Term(f"{rng.choice(['abs', 'Abs'])}({a.text})", "abs", (a,))
        if kind == "round":
            op = rng.choice(["floor", "ceiling"])
            return Term(f"{op}({a.text})", op, (a,))
        if kind == "pow":
            k = rng.choice(POWERS)
            return Term(f"({a.text})**{_frac(k)}", "pow", (a, k))
        if kind == "ipow":
            n = rng.choice(self.integers)
            return Term(f"({a.text})**{n}", "ipow", (a, n))
        # a real exponent: one real variable, perhaps shifted by a non-integer
        # (never a known integer, whose domain rule is the integer one)
        x = rng.choice(self.reals)
        shift = rng.choice([Fraction(0), Fraction(1, 2), Fraction(-1, 3)])
        b = Term(x, "var", (x,))
        if shift:
            b = Term(f"{x} + {_frac(shift)}", "+", (b, Term(_frac(shift), "const", (shift,))))
        return Term(f"({a.text})**({b.text})", "gpow", (a, b))

    def relation(self, size: int) -> Formula:
        left = self.rng.randint(1, max(1, size - 1))
        return rel(self.term(left), self.rng.choice(RELATIONS), self.term(max(1, size - left)))

    def formula(self, size: int) -> Formula:
        """A relation, or (rarely) ``and``/``or`` of two."""
        if size < 4 or self.rng.random() < 0.8:
            return self.relation(size)
        op = self.rng.choice(["and", "or"])
        a, b = self.relation(size // 2), self.relation(size - size // 2)
        return Formula(f"({a.text}) {op} ({b.text})", op, (a, b))


@dataclass(frozen=True)
class Case:
    reals: tuple[str, ...]
    integers: tuple[str, ...]
    ranges: dict[str, tuple[Fraction | None, Fraction | None]]  # None: unbounded
    hyps: list[Formula]
    concl: Formula


def make_case(rng: random.Random, max_size: int = 6, max_reals: int = 2) -> Case:
    reals = ("x", "y", "z")[: rng.choice([1, 1, *range(2, max_reals + 1)])]
    integers = ("n",) if rng.random() < 0.2 else ()
    ranges: dict[str, tuple[Fraction | None, Fraction | None]] = {}
    for name in reals:
        lo, hi = sorted(rng.sample(ENDS, 2))
        roll = rng.random()
        ranges[name] = (None, hi) if roll < 0.08 else (lo, None) if roll < 0.16 else (lo, hi)
    for name in integers:
        lo_i = rng.randint(-2, 1)
        ranges[name] = (Fraction(lo_i), Fraction(lo_i + rng.randint(1, 3)))
    gen = Generator(rng, reals, integers)
    hyps = [gen.relation(rng.randint(2, 3)) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
    return Case(reals, integers, ranges, hyps, gen.formula(rng.randint(2, max_size)))


def _bound(q: Fraction | None, inf: str) -> str:
    return inf if q is None else f"{q.numerator}/{q.denominator}"


def sample_points(case: Case) -> list[dict[str, Fraction]]:
    """A grid over the box (edges, ninths, the constants inside, large values on unbounded sides)."""
    axes: list[list[Fraction]] = []
    for name in case.reals + case.integers:
        lo, hi = case.ranges[name]
        if name in case.integers:
            assert lo is not None and hi is not None
            axes.append([Fraction(k) for k in range(int(lo), int(hi) + 1)])
            continue
        a = lo if lo is not None else (hi or Fraction(0)) - 10
        b = hi if hi is not None else (lo or Fraction(0)) + 10
        values = {a + (b - a) * Fraction(k, 9) for k in range(10)}
        values |= {v for v in CONSTS if a <= v <= b}
        if lo is None:
            values |= {b - Fraction(10) ** e for e in (2, 4)}
        if hi is None:
            values |= {a + Fraction(10) ** e for e in (2, 4)}
        axes.append(sorted(values))
    names = case.reals + case.integers
    points: list[dict[str, Fraction]] = [{}]
    for name, axis in zip(names, axes, strict=True):
        points = [{**p, name: v} for p in points for v in axis]
    return points


def check_case(case: Case) -> tuple[Status | None, str | None]:
    """The portfolio's status and, if it disagrees with the reference, why."""
    texts = [f.text for f in (*case.hyps, case.concl)]
    used = [n for n in case.reals + case.integers if any(re.search(rf"\b{n}\b", t) for t in texts)]
    var = [f"{n}={_bound(case.ranges[n][0], '-oo')}:{_bound(case.ranges[n][1], 'oo')}" for n in used]
    try:
        statement = build_statement(texts[-1], texts[:-1], var, [n for n in case.integers if n in used])
    except BoundpropError:
        return None, None  # an input error (1/0 or a name missing from every text): nothing to decide
    result = portfolio.decide(statement, BUDGET)
    label = f"{' ; '.join(texts)} over {var}: {result.status.value} ({result.evidence[:200]})"

    def at(counterexample: Any) -> tuple[dict[str, Fraction], str]:
        point = point_of(statement, counterexample)
        env = {v.name: Fraction(int(point[v.symbol].p), int(point[v.symbol].q)) for v in statement.variables}
        for name in case.reals + case.integers:  # names the statement lost to simplification
            lo, hi = case.ranges[name]
            env.setdefault(name, lo if lo is not None else hi if hi is not None else Fraction(0))
        return env, reference(case.hyps, case.concl, env)

    if result.status is Status.PROVED:
        for env in sample_points(case):
            outcome = reference(case.hyps, case.concl, env)
            if outcome in ("undefined", "fails"):
                return result.status, f"PROVED but {outcome} at {env}: {label}"
    elif result.status is Status.REFUTED:
        env, outcome = at(result.counterexample)
        if outcome != "fails":
            return result.status, f"counterexample {env} is {outcome}: {label}"
    elif result.status is Status.ILL_DEFINED:
        env, outcome = at(result.counterexample)
        if outcome != "undefined":
            return result.status, f"ill-defined witness {env} is {outcome}: {label}"
    return result.status, None


# ---------------------------------------------------------------------------
# the reference itself


def test_reference_semantics_on_known_points() -> None:
    x = Term("x", "var", ("x",))

    def power(k: str) -> Term:
        return Term("", "pow", (x, Fraction(k)))

    zero, one = Term("0", "const", (Fraction(0),)), Term("1", "const", (Fraction(1),))
    at = {"x": Fraction(-8)}
    assert reference([], rel(power("1/3"), "<=", zero), at) == "undefined"  # odd denominator: no real cube root
    assert reference([], rel(power("2/3"), "<=", zero), at) == "undefined"
    assert reference([], rel(power("-1"), "<=", zero), {"x": Fraction(0)}) == "undefined"
    assert reference([], rel(power("1/2"), "<=", zero), {"x": Fraction(0)}) == "holds"
    assert reference([], rel(power("-1/2"), "<=", zero), {"x": Fraction(0)}) == "undefined"
    # a false earlier hypothesis excludes the point before a later one is looked at
    log_x = Term("", "log", (x,))
    assert reference([rel(x, ">", one), rel(log_x, ">", zero)], rel(x, "<", zero), {"x": Fraction(-1)}) == "excluded"
    assert reference([rel(log_x, ">", zero), rel(x, ">", one)], rel(x, "<", zero), {"x": Fraction(-1)}) == "undefined"
    # an identity the reference cannot separate from 0 is read as 0: sqrt(x)**2 <= x holds
    sq = Term("", "pow", (Term("", "sqrt", (x,)), Fraction(2)))
    assert reference([], rel(sq, "<=", x), {"x": Fraction(2)}) == "holds"
    assert reference([], rel(sq, "<", x), {"x": Fraction(2)}) == "fails"
    # a real exponent: 0**y needs y > 0, a negative base is undefined
    y = Term("y", "var", ("y",))
    g = Term("", "gpow", (x, y))
    assert reference([], rel(g, "<=", one), {"x": Fraction(0), "y": Fraction(1, 2)}) == "holds"
    assert reference([], rel(g, "<=", one), {"x": Fraction(0), "y": Fraction(-1, 2)}) == "undefined"
    assert reference([], rel(g, "<=", one), {"x": Fraction(-1), "y": Fraction(2)}) == "undefined"
    # floor, log to a base, and/or (both sides must be defined), Piecewise (only the branch taken)
    half = Term("", "const", (Fraction(1, 2),))
    assert reference([], rel(Term("", "floor", (x,)), "<", zero), {"x": Fraction(-1, 3)}) == "holds"
    assert reference([], rel(Term("", "log2", (x, one)), "<=", one), {"x": Fraction(2)}) == "undefined"
    assert reference([], rel(Term("", "log2", (x, half)), "<", zero), {"x": Fraction(2)}) == "holds"
    either = Formula("", "or", (rel(x, "<", zero), rel(log_x, "<", zero)))
    assert reference([], either, {"x": Fraction(-1)}) == "undefined"
    piece = Term("", "piecewise", ((log_x, rel(x, ">", zero)), (x, None)))
    assert reference([], rel(piece, "<=", one), {"x": Fraction(-1)}) == "holds"
    partial = Term("", "piecewise", ((log_x, rel(x, ">", zero)), (x, rel(x, "<", zero))))
    assert reference([], rel(partial, "<=", one), {"x": Fraction(0)}) == "undefined"


# ---------------------------------------------------------------------------
# the property


@pytest.mark.slow
def test_every_verdict_agrees_with_real_semantics() -> None:
    rng = random.Random(SEED)
    statuses: Counter[str] = Counter()
    failures = []
    for _ in range(CASES):
        status, failure = check_case(make_case(rng))
        statuses[status.value if status is not None else "input error"] += 1
        if failure is not None:
            failures.append(failure)
    assert not failures, "\n".join(failures)
    # the cases exercise every verdict the test can check (else it could not fail)
    for status in (Status.PROVED, Status.REFUTED, Status.ILL_DEFINED):
        assert statuses[status.value] >= 3, statuses
