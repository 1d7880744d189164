"""One protocol for decision methods, a registry of them, and the portfolio's preference list.

A *backend* is anything with

* ``name``: the method's name, as results and evidence spell it;
* ``supports(statement) -> Support``: whether the method takes the
  statement's shape (with the reason when not);
* ``decide(statement, budget) -> CheckResult``: PROVED only with rigorous
  evidence, REFUTED only with a counterexample it verified, else TESTED or
  UNKNOWN; it may raise :class:`~boundprop.errors.UnsupportedError`.

Every backend module of this package is itself a backend (module-level
``name``, ``supports`` and ``decide``). The :class:`Registry` maps names to
backends — module paths imported on first use, so a backend that fails to
load is reported "not available" instead of breaking the portfolio — and
holds the *preference list*: the :class:`Slot` s the portfolio runs in
order, each naming a backend, the statement shapes it runs on, and the
verdicts that end the decision. :data:`DEFAULT` is the portfolio's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from boundprop.statement import Budget, Statement
from boundprop.verdict import CheckResult, Status

__all__ = [
    "ALWAYS",
    "DEFAULT",
    "DECISIVE",
    "Backend",
    "Registry",
    "Slot",
    "Support",
    "bounded",
]


@dataclass(frozen=True, slots=True)
class Support:
    """Whether a backend takes a statement. ``reason`` says why not; an empty
    reason means the method is simply not meant for the shape (the portfolio
    skips it without a word)."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


ALWAYS = Support(True)


@runtime_checkable
class Backend(Protocol):
    """A decision method (see the module notes)."""

    @property
    def name(self) -> str: ...

    def supports(self, statement: Statement) -> Support: ...

    def decide(self, statement: Statement, budget: Budget) -> CheckResult: ...


# A slot's condition: the statement and the names of the backends that have
# already run to a result (not skipped, failed or unsupported).
Condition = Callable[[Statement, frozenset[str]], bool]

DECISIVE = frozenset({Status.PROVED, Status.REFUTED})


def _always(_statement: Statement, _settled: frozenset[str]) -> bool:
    return True


def bounded(statement: Statement) -> bool:
    """True if every range is bounded."""
    return all(v.bounded for v in statement.variables)


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of the preference list.

    ``backend`` runs when ``when(statement, settled)`` holds and it supports
    the statement; a result whose status is in ``stops_on`` ends the
    decision. ``brief``: an inconclusive result is listed as "undecided"
    only (exact's evidence names shortcuts that did not apply, not a limit).
    ``effort``: the slot runs with the budget's proving limits scaled by it
    (a quick attempt before a costlier method, the full limit after it).
    """

    backend: str
    stops_on: frozenset[Status] = DECISIVE
    when: Condition = _always
    brief: bool = False
    effort: float = 1.0  # the budget's proving limits scaled by this (Budget.scaled)


def _unbounded_only(statement: Statement, _settled: frozenset[str]) -> bool:
    return not bounded(statement)


def _bounded_only(statement: Statement, _settled: frozenset[str]) -> bool:
    return bounded(statement)


def _bounded_or_z3_open(statement: Statement, settled: frozenset[str]) -> bool:
    # on unbounded ranges bnb only truncates; it is worth its boxes only when
    # z3 could not take the statement at all
    return bounded(statement) or "z3" not in settled


def _z3_undecided(_statement: Statement, settled: frozenset[str]) -> bool:
    # products abstracted, then z3 again: only for what z3 took and left open
    return "z3" in settled


# z3's quick attempt: a tenth of its resource limit. Every z3 proof and
# refutation of the bundled papers' statements needs less; the statements it
# leaves open at that effort (norms of matrix products at d = 2) spent the
# whole limit before (2.7 s each) and the product abstraction then proved
# them in a fraction of that. The full limit follows the abstraction, so
# nothing z3 decides with its whole limit is lost.
Z3_QUICK = 0.1


PREFERENCE: tuple[Slot, ...] = (
    Slot("exact", frozenset({Status.PROVED}), brief=True),  # cheap; its refutations are left to the others
    Slot("z3", effort=Z3_QUICK),
    Slot("bilinear", frozenset({Status.PROVED}), when=_z3_undecided),
    Slot("z3", when=_z3_undecided),  # the whole resource limit
    # exp/log/roots: certified bounds, then z3 — before bnb when a range is
    # unbounded, after it (bnb is quick where it works) when all are bounded
    Slot("metitarski", when=_unbounded_only),
    Slot("interval-bnb", when=_bounded_or_z3_open),
    Slot("metitarski", when=_bounded_only),
    # goals tight at a point: a certified expansion there, bnb on the rest
    Slot("taylor", when=_bounded_only),
    # unbounded ranges left undecided: a change of variable to bounded ones
    Slot("substitute", when=_unbounded_only),
    # a counterexample beats "unknown"; finding none, the statement is TESTED
    Slot("falsifier", frozenset({Status.REFUTED, Status.TESTED})),
)


@dataclass(frozen=True, slots=True)
class Registry:
    """Backends by name (a module path, imported on first use, or a backend
    object) and the preference list the portfolio follows."""

    backends: Mapping[str, str | Backend] = field(hash=False)
    preference: tuple[Slot, ...]

    def __post_init__(self) -> None:
        missing = sorted({s.backend for s in self.preference} - set(self.backends))
        if missing:
            raise ValueError(f"the preference list names unregistered backends: {', '.join(missing)}")

    def load(self, name: str) -> tuple[Backend | None, str]:
        """The backend registered as ``name``, or None and why it cannot be used."""
        entry = self.backends.get(name)
        if entry is None:
            return None, "not registered"
        if not isinstance(entry, str):
            return entry, ""
        try:
            module = importlib.import_module(entry)
        except ModuleNotFoundError as exc:
            if exc.name == entry:
                return None, "not available"
            return None, "not available (a module it needs is missing)"
        except Exception:  # a broken backend must not break the portfolio
            return None, "not available (it failed to load: internal error, ignored)"
        if not isinstance(module, Backend) or getattr(module, "name", None) != name:
            return None, "not available (it does not implement the backend protocol)"
        return module, ""

    def with_backend(self, backend: Backend, slot: Slot, before: str | None = None) -> Registry:
        """A registry with ``backend`` added and ``slot`` inserted before the
        first slot of ``before`` (at the end if None)."""
        if slot.backend != backend.name:
            raise ValueError(f"slot names {slot.backend!r}, backend is {backend.name!r}")
        order = list(self.preference)
        at = next((i for i, s in enumerate(order) if s.backend == before), None) if before else None
        if before is not None and at is None:
            raise ValueError(f"no slot for {before!r}")
        order.insert(len(order) if at is None else at, slot)
        return replace(self, backends={**self.backends, backend.name: backend}, preference=tuple(order))


DEFAULT = Registry(
    backends={
        "exact": "boundprop.backends.exact",
        "z3": "boundprop.backends.z3backend",
        "bilinear": "boundprop.backends.bilinear",
        "metitarski": "boundprop.backends.metitarski",
        "interval-bnb": "boundprop.backends.bnb",
        "taylor": "boundprop.backends.taylor",
        "falsifier": "boundprop.backends.falsifier",
        "substitute": "boundprop.backends.substitute",
    },
    preference=PREFERENCE,
)
