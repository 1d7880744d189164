"""The values of a regime map: its question (:class:`Problem` over :class:`Axis`
values), its classed cells and the one colour of a cell with a declared regime.

Computed by :func:`boundprop.regimes.pave` (which re-exports these names);
rendered by :mod:`boundprop.report.plot` and :mod:`boundprop.report.booktabs`,
which import them from here and nothing that paves.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp

__all__ = [
    "UNDETERMINED",
    "Axis",
    "Backend",
    "Baseline",
    "Cell",
    "CellClass",
    "Cover",
    "Premise",
    "Problem",
    "Regime",
    "RegimeMap",
    "combined_class",
]


class CellClass(enum.StrEnum):
    """The class of a cell of a regime map."""

    PREMISES_FAIL = "premises-fail"
    VACUOUS = "vacuous"
    INFORMATIVE = "informative"
    UNDETERMINED = "undetermined"


class Backend(enum.StrEnum):
    """How cells are evaluated."""

    BATCH = "batch"
    SCALAR = "scalar"


UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class Axis:
    """One dimension of the map: a parameter with its exact range.

    ``split`` False makes the axis *projected*: it is part of every cell's
    box at its full range and never split, so a class holds for all its values.
    """

    name: str
    symbol: sp.Symbol
    lo: Fraction
    hi: Fraction
    integer: bool = False
    log: bool = False
    split: bool = True
    latex: str = ""

    def measure(self, lo: Fraction, hi: Fraction) -> float:
        """The fraction of the axis that ``[lo, hi]`` covers, in the measure the map
        is drawn in: log measure on log axes, counting measure on integer axes; an
        integer log axis weighs each integer m by its strip [m - 1/2, m + 1/2] in log
        measure (as the plot draws it). Additive over a split, so fractions sum to 1."""
        if self.integer:
            if self.log and self.lo > 0:  # parse_axis refuses a log axis from 0; a hand-made Axis may not
                half = Fraction(1, 2)
                return math.log((hi + half) / (lo - half)) / math.log((self.hi + half) / (self.lo - half))
            return float(hi - lo + 1) / float(self.hi - self.lo + 1)
        if self.hi == self.lo:
            return 1.0
        if self.log:
            return math.log(hi / lo) / math.log(self.hi / self.lo)
        return float((hi - lo) / (self.hi - self.lo))


@dataclass(frozen=True, slots=True)
class Premise:
    label: str  # where it comes from and its text
    relation: sp.Basic


@dataclass(frozen=True, slots=True)
class Baseline:
    id: str
    bound: sp.Expr
    applies: tuple[sp.Basic, ...]  # the baseline's own hypotheses
    norm: str = ""  # the norm its bound is measured in (boundprop.norms); "" untyped


@dataclass(frozen=True, slots=True)
class Cover:
    """A proved vacuity theorem (:mod:`boundprop.vacuity`): ``bound >= lower``
    everywhere its ``applies`` hold, so ``gap = lower - baseline >= 0`` on a
    cell makes the theorem vacuous there against ``baseline``."""

    node: str
    baseline: str
    gap: sp.Expr
    applies: tuple[sp.Basic, ...]


@dataclass(frozen=True, slots=True)
class Regime:
    id: str
    relation: sp.Basic
    labels: tuple[str, str]
    text: str


@dataclass(frozen=True, slots=True)
class Problem:
    """A compiled regime question: the theorem's bound, premises, baselines and
    requested regimes, with fixed parameters substituted, over ``axes``."""

    paper: str
    theorem: str
    label: str
    axes: tuple[Axis, ...]
    fixed: Mapping[str, Fraction]
    quantity: sp.Symbol
    bound: sp.Expr
    premises: tuple[Premise, ...]
    baselines: tuple[Baseline, ...]
    regimes: tuple[Regime, ...]
    dropped: tuple[str, ...] = ()  # ancestor hypotheses left out, with the reason
    latex: Mapping[str, str] = field(default_factory=dict)  # parameter name -> its symbol
    norm: str = ""  # the norm of the theorem's bound (boundprop.norms); "" untyped
    covers: tuple[Cover, ...] = ()  # proved vacuity theorems about this theorem

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(a.symbol for a in self.axes)


@dataclass(frozen=True, slots=True)
class Cell:
    """A classed cell. ``box`` holds one exact ``(lo, hi)`` per axis."""

    box: tuple[tuple[Fraction, Fraction], ...]
    klass: CellClass
    depth: int
    baselines: tuple[str, ...] = ()  # vacuous: the baselines no worse than the bound
    reason: str = ""  # premises-fail: the violated premise
    regimes: tuple[tuple[str, str], ...] = ()  # (regime id, label or "undetermined")
    vacuity: tuple[str, ...] = ()  # vacuous by these proved vacuity theorems

    def regime(self, regime_id: str) -> str:
        return dict(self.regimes)[regime_id]


@dataclass(frozen=True, slots=True)
class RegimeMap:
    """The result of :func:`pave`."""

    problem: Problem
    cells: tuple[Cell, ...]
    depth: int
    backend: Backend
    seconds: float
    evaluated: int  # cells evaluated, including those later split
    levels: int = 0
    compile_seconds: float = 0.0  # compiling the expressions, before the paving (not in ``seconds``)

    def volume(self, cell: Cell) -> float:
        v = 1.0
        for axis, (lo, hi) in zip(self.problem.axes, cell.box, strict=True):
            if axis.split:
                v *= axis.measure(lo, hi)
        return v

    def fractions(self) -> dict[str, float]:
        """Volume fraction of each class (all four keys always present)."""
        out = {c.value: 0.0 for c in CellClass}
        for cell in self.cells:
            out[cell.klass.value] += self.volume(cell)
        return out

    def combined_fractions(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for cell in self.cells:
            key = combined_class(cell, self.problem)
            out[key] = out.get(key, 0.0) + self.volume(cell)
        return out

    def to_json(self) -> dict[str, Any]:
        """The JSON form of ``boundprop regimes --json``."""
        p = self.problem
        names = [a.name for a in p.axes]
        cells = []
        for cell in self.cells:
            item: dict[str, Any] = {
                "box": {n: [str(lo), str(hi)] for n, (lo, hi) in zip(names, cell.box, strict=True)},
                "class": cell.klass.value,
            }
            if cell.baselines:
                item["baselines"] = list(cell.baselines)
            if cell.vacuity:
                item["vacuity"] = list(cell.vacuity)
            if cell.reason:
                item["reason"] = cell.reason
            if cell.regimes:
                item["regimes"] = dict(cell.regimes)
                item["combined"] = combined_class(cell, p)
            cells.append(item)
        data: dict[str, Any] = {
            "paper": p.paper,
            "theorem": p.theorem,
            "params": names,
            "axes": [
                {"name": a.name, "lo": str(a.lo), "hi": str(a.hi), "integer": a.integer,
                 "log": a.log, "projected": not a.split}
                for a in p.axes
            ],
            "fixed": {k: str(v) for k, v in p.fixed.items()},
            "premises": [pr.label for pr in p.premises],
            "baselines": [b.id for b in p.baselines],
            "norm": p.norm or None,
            "baseline_norms": {b.id: b.norm or None for b in p.baselines},
            "regimes": [{"id": r.id, "labels": list(r.labels), "text": r.text} for r in p.regimes],
            "depth": self.depth,
            "backend": self.backend.value,
            "cells": cells,
            "fractions": self.fractions(),
            "seconds": self.seconds,
            "compile_seconds": self.compile_seconds,
            "cells_evaluated": self.evaluated,
        }
        if p.regimes:
            data["combined_fractions"] = self.combined_fractions()
        if p.dropped:
            data["dropped_premises"] = list(p.dropped)
        if p.covers:
            data["vacuity_theorems"] = [{"node": c.node, "baseline": c.baseline} for c in p.covers]
        return data


def combined_class(cell: Cell, problem: Problem) -> str:
    """One colour for a cell of a map with one declared regime.

    ``both`` (regime holds and the bound is informative), ``regime-only``,
    ``informative-only``, ``neither`` or ``undetermined``. Premises-fail and
    vacuous cells count as "not informative".
    """
    if not problem.regimes:
        return cell.klass.value
    regime = problem.regimes[0]
    label = cell.regime(regime.id)
    if cell.klass is CellClass.UNDETERMINED or label == UNDETERMINED:
        return UNDETERMINED
    holds = label == regime.labels[0]
    informative = cell.klass is CellClass.INFORMATIVE
    if holds and informative:
        return "both"
    if holds:
        return "regime-only"
    if informative:
        return "informative-only"
    return "neither"
