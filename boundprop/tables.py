"""The values of a bound table: certified enclosures, rows, columns and row flags.

Computed by :mod:`boundprop.propagate` (the enclosures) and
:func:`boundprop.regimes.bound_table` (the assembly and the flags); rendered by
:mod:`boundprop.report.table` and :mod:`boundprop.report.booktabs`, which
import these types from here and nothing that computes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = ["COLUMNS", "BoundTable", "Column", "Enclosure", "LayerRow", "RowFlag"]


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A certified enclosure ``lo <= value <= hi`` with exact rational ends.

    ``exact`` is the value itself when it is rational (then ``lo == hi == exact``).
    """

    lo: Fraction
    hi: Fraction
    exact: Fraction | None = None

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise ValueError(f"inverted enclosure [{self.lo}, {self.hi}]")

    def contains(self, value: Fraction) -> bool:
        return self.lo <= value <= self.hi


@dataclass(frozen=True, slots=True)
class LayerRow:
    """A table's quantities at one layer (φ_ℓ, ε_ℓ, e_ℓ, ...), each a certified
    :class:`Enclosure`, by column key: ``row["e"]``."""

    layer: int
    values: Mapping[str, Enclosure]

    def __getitem__(self, key: str) -> Enclosure:
        return self.values[key]


@dataclass(frozen=True, slots=True)
class Column:
    """One quantity of a bound table.

    ``key`` is the :class:`LayerRow` attribute, ``title`` and ``latex`` the
    default headers; ``expr`` is what the column is, as the annotation file
    or the theorem says it (``phi_l(l)``, or the bounded parameter's name for
    e_ℓ): a renderer typesets its header from it, without reading files.
    """

    key: str
    title: str
    latex: str
    expr: str = ""


# the default columns (a table built by hand; the annotation file's `quantities` replace them)
COLUMNS: tuple[Column, ...] = (
    Column("phi", "phi_l", r"\varphi_\ell"),
    Column("eps", "eps_l", r"\varepsilon_\ell"),
    Column("e", "e_l", r"e_\ell"),
)


@dataclass(frozen=True, slots=True)
class RowFlag:
    """Why a row of a bound table is marked: the theorem at depth L = ℓ is
    ``vacuous`` (no better than a baseline), its ``premises-fail``, or it is
    ``undetermined``; ``detail`` says which baseline or premise."""

    layer: int
    klass: str
    detail: str
    baselines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BoundTable:
    """A theorem's layer quantities at fixed parameters, certified.

    ``index`` is the layer index's parameter name (``l``; empty for a table
    built by hand), ``flags`` the marked rows by layer
    (:func:`boundprop.regimes.row_flags`).
    """

    paper: str
    theorem: str
    label: str
    fixed: Mapping[str, Fraction]
    rows: tuple[LayerRow, ...]
    digits: int = 6
    columns: tuple[Column, ...] = COLUMNS
    recurrence: str = ""  # how the recurrence check came out, for the caption
    index: str = ""
    flags: Mapping[int, RowFlag] = field(default_factory=dict)
