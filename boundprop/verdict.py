"""What was decided, by which method, with what evidence.

Two value types live here:

* :class:`Tri`, the three-valued truth of a rigorous comparison. It refuses
  to be used as a Python bool, so an undecided answer can never be read as
  true by accident.
* :class:`CheckResult`, the outcome of checking one statement.
* :class:`NodeReport`, :class:`PaperReport`, :class:`StepOutcome` and
  :class:`Premises`, the results of checking a paper (rendered by report/).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

__all__ = [
    "json_ready",
    "CheckResult",
    "CounterValue",
    "NodeReport",
    "PaperReport",
    "Premises",
    "Status",
    "StepOutcome",
    "Tri",
]

# A counterexample value: an exact scalar as a string ("3/2", "-1", "0") or a
# matrix as nested lists of such strings.
CounterValue = str | list[list[str]]


class Tri(enum.Enum):
    """Three-valued truth: TRUE, FALSE or UNDECIDED."""

    TRUE = "true"
    FALSE = "false"
    UNDECIDED = "undecided"

    def __bool__(self) -> bool:
        raise TypeError("Tri is three-valued; compare with Tri.TRUE explicitly")

    def and_(self, other: Tri) -> Tri:
        if self is Tri.FALSE or other is Tri.FALSE:
            return Tri.FALSE
        if self is Tri.TRUE and other is Tri.TRUE:
            return Tri.TRUE
        return Tri.UNDECIDED

    def or_(self, other: Tri) -> Tri:
        if self is Tri.TRUE or other is Tri.TRUE:
            return Tri.TRUE
        if self is Tri.FALSE and other is Tri.FALSE:
            return Tri.FALSE
        return Tri.UNDECIDED

    def not_(self) -> Tri:
        if self is Tri.TRUE:
            return Tri.FALSE
        if self is Tri.FALSE:
            return Tri.TRUE
        return Tri.UNDECIDED


class Status(enum.StrEnum):
    """The status of a checked statement or lemma node."""

    PROVED = "proved"
    PROVED_BOUNDED = "proved-bounded"  # proved for every size in a stated finite range
    REFUTED = "refuted"
    TESTED = "tested"  # a stated search found no counterexample; no proof
    UNKNOWN = "unknown"
    ASSUMED = "assumed"  # taken as given, explicitly, in the lemma file
    # undefined at a point of its domain where the hypotheses before the
    # undefined subterm hold (log of a non-positive number, division by 0, ...):
    # a finding like REFUTED, carried with an exact witness point
    ILL_DEFINED = "ill-defined"

    @property
    def is_established(self) -> bool:
        """True for statuses that count towards ``fully_checked``."""
        return self in (Status.PROVED, Status.PROVED_BOUNDED, Status.ASSUMED)

    @property
    def is_finding(self) -> bool:
        """True for statuses that show the statement wrong at a verified point."""
        return self in (Status.REFUTED, Status.ILL_DEFINED)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of checking one statement.

    ``evidence`` is a plain-words account a reviewer can read ("z3: negation
    unsat", "complete cover with 1234 boxes", "no counterexample in 20000
    samples"). ``counterexample`` maps variable names to exact values and is
    set only for REFUTED results, after re-verification.
    """

    status: Status
    method: str
    evidence: str
    seconds: float = 0.0
    counterexample: Mapping[str, CounterValue] | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status is Status.REFUTED and self.counterexample is None:
            raise ValueError("a refuted result must carry its counterexample")
        if self.status is Status.ILL_DEFINED and self.counterexample is None:
            raise ValueError("an ill-defined result must carry its witness point")

    @property
    def witness(self) -> Mapping[str, CounterValue] | None:
        """The point an ILL_DEFINED result is undefined at (None otherwise)."""
        return self.counterexample if self.status is Status.ILL_DEFINED else None


# ---------------------------------------------------------------------------
# Result values of a paper check (moved here from check.py so that renderers
# import results, not the checker; check.py re-exports them). The lemma model
# and the graph are referenced for typing only: verdict sits below them in the
# layer order (see tests/test_imports.py).

if TYPE_CHECKING:  # pragma: no cover - typing only
    import networkx as nx

    from boundprop.lemma import Paper


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """One proof step and what the engine concluded about it."""

    index: int
    claim: str
    result: CheckResult


@dataclass(frozen=True, slots=True)
class Premises:
    """Whether a node's hypotheses can hold at all. A statement "proved" under
    contradictory hypotheses is vacuously true, which a reviewer must be told."""

    satisfiable: bool | None  # None: not determined within the budget
    witness: Mapping[str, object] | None
    evidence: str

    @property
    def label(self) -> str:
        return {True: "satisfiable", False: "unsatisfiable", None: "undetermined"}[self.satisfiable]


@dataclass(frozen=True, slots=True)
class NodeReport:
    """Everything the report says about one node.

    ``status`` combines the direct check and the proof; ``proof_status`` is
    the proof's own (REFUTED when a step is refuted, whatever ``status`` is);
    ``fully_checked`` needs the node and every ancestor established and a
    proof that is not refuted.
    """

    id: str
    label: str
    variant: str
    kind: str
    provenance: str
    text: str
    status: Status
    method: str
    evidence: str
    counterexample: Mapping[str, object] | None
    seconds: float
    uses: tuple[str, ...]
    fully_checked: bool
    unestablished: tuple[str, ...]
    direct: CheckResult | None
    steps: tuple[StepOutcome, ...]
    proof_status: Status | None
    premises: Premises | None = None


@dataclass(frozen=True, slots=True)
class PaperReport:
    """The check of a whole paper: its nodes' reports and the DAG."""

    paper: Paper
    graph: nx.DiGraph
    nodes: Mapping[str, NodeReport]
    seconds: float

    def by_status(self, status: Status) -> list[NodeReport]:
        return [n for n in self.nodes.values() if n.status is status]

    @property
    def refuted_proofs(self) -> list[str]:
        """Ids of the nodes whose proof has a refuted step (a finding even
        when the node's own status, from its direct check, is proved)."""
        return [n.id for n in self.nodes.values() if n.proof_status is Status.REFUTED]


def json_ready(value: Any) -> Any:
    """A JSON-ready copy of a result's details: tuples become lists, exact numbers
    (and anything else that is not a JSON scalar) strings."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return str(value)
