"""The lemma model: parameters, definitions, nodes (lemmas, theorems, steps)
and their proofs, as small frozen values.

A node's math stays as the text the author wrote; :mod:`boundprop.encode`
turns it into sympy and into backend :class:`~boundprop.statement.Statement`
values. Statuses are never stored here: they are computed by checks.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Citation",
    "Definition",
    "Kind",
    "MatrixParam",
    "Node",
    "Paper",
    "Param",
    "Proof",
    "Provenance",
    "Step",
]


class Provenance(enum.StrEnum):
    """Where a statement comes from (papers.md's labels)."""

    PAPER = "paper"
    PAPER_SUMMARY = "paper-summary"
    RECONSTRUCTION = "reconstruction"
    CORRECTION = "correction"  # a corrected variant added beside a refuted original
    DEFINITION = "definition"


class Kind(enum.StrEnum):
    """What a node is; only presentation depends on it."""

    DEFINITION = "definition"
    LEMMA = "lemma"
    THEOREM = "theorem"
    COROLLARY = "corollary"
    CLAIM = "claim"
    STEP = "step"  # a step inside another node's proof, checked on its own
    BASELINE = "baseline"
    FACT = "fact"  # an external result, usually assumed


@dataclass(frozen=True, slots=True)
class Param:
    """A scalar parameter of the paper's setting with its default range."""

    name: str
    integer: bool
    lo: str
    hi: str
    latex: str
    meaning: str
    line: int


@dataclass(frozen=True, slots=True)
class MatrixParam:
    """A matrix-valued variable; ``shape`` holds integer parameter names or ints."""

    name: str
    shape: tuple[str | int, str | int]
    latex: str
    meaning: str
    line: int


@dataclass(frozen=True, slots=True)
class Definition:
    """A named function or quantity: ``name(args) = expr``, or a built-in
    matrix function (``builtin``) whose semantics live in :mod:`boundprop.matrix`."""

    name: str
    args: tuple[str, ...]
    expr: str | None
    builtin: str | None
    latex: str
    meaning: str
    line: int

    @property
    def node_id(self) -> str:
        return f"def:{self.name}"


@dataclass(frozen=True, slots=True)
class Node:
    """A statement of the paper: ∀ vars in ranges, hypotheses ⇒ conclusion.

    ``conclusion`` None means the statement is informal (text only) and cannot
    be checked mechanically. ``sizes`` bounds the dimensions of matrix
    statements (checked for every size in range: "proved-bounded").
    """

    id: str
    label: str
    variant: str
    kind: Kind
    provenance: Provenance
    text: str
    hypotheses: tuple[str, ...]
    conclusion: str | None
    uses: tuple[str, ...]
    assume: bool
    ranges: Mapping[str, tuple[str, str]]
    sizes: Mapping[str, tuple[int, int]]
    line: int
    seconds: float | None = None  # per-node time budget override
    baselines: tuple[str, ...] = ()  # nodes whose bounds this one must beat to be informative
    # Non-empty when the conclusion names a quantity defined only in words (for
    # example ``err``, the error of a network construction): the statement is
    # then never checked directly and never counts as proved; its proof steps
    # are still checked and reported.
    informal: str = ""
    # decided by a registered experiment (boundprop.simulated): at best TESTED, never proved
    simulate: Mapping[str, str] | None = None
    # a vacuity theorem (boundprop.vacuity): theorem, baseline, index, recurrence
    vacuity: Mapping[str, str] | None = None
    # a network-level statement (boundprop.network): witness, norm, ...
    network: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """Use of another node inside a proof step, instantiated by substitution."""

    node: str
    subs: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Step:
    """One checkable step: under the node's hypotheses, the previous steps'
    claims and the cited nodes' conclusions, ``claim`` holds."""

    claim: str
    using: tuple[Citation, ...]
    note: str
    line: int
    induction: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Proof:
    """The proof of node ``of`` as a chain of steps."""

    of: str
    steps: tuple[Step, ...]
    note: str
    line: int
    source: Path

    @property
    def cited(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for step in self.steps:
            for citation in step.using:
                seen.setdefault(citation.node, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper's whole encoding: the lemma file plus its proof file."""

    id: str
    title: str
    authors: tuple[str, ...]
    year: int | None
    url: str
    source: Path
    params: Mapping[str, Param]
    matrices: Mapping[str, MatrixParam]
    definitions: Mapping[str, Definition]
    nodes: Mapping[str, Node]
    proofs: Mapping[str, Proof] = field(default_factory=dict)
    proof_source: Path | None = None

    def where(self, line: int, source: Path | None = None) -> str:
        return f"{source or self.source}:{line}"
