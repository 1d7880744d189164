"""Typed norms: which norm a bound, a baseline or ``err`` is measured in.

A node's norm is the first comma-separated word of its ``variant`` when that
word names a norm (``variant = "N1, fine"`` is an N1 statement); an annotation
baseline names it with ``norm = "N1"``. Two bounds are comparable only in the
same norm: :func:`require_same_norm` refuses anything else with one line that
says what and where. Between N1 and N2 the engine knows the conversion
inequalities below, each proved as a node of the Alman–Song lemma file
(``NORM-N1-N2``, ``NORM-N2-N1``) at small sizes; :func:`conversion` returns the
factor, :func:`compare` (boundprop/compare.py) uses it to turn entrywise weight
bounds into N2 hypotheses.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from boundprop.errors import InputError

__all__ = [
    "Norm",
    "NORM_TEXT",
    "Conversion",
    "CONVERSIONS",
    "conversion",
    "norm_of_variant",
    "parse_norm",
    "require_same_norm",
]


class Norm(enum.StrEnum):
    """The matrix norms the encodings use (``normN1`` / ``normN2`` of boundprop.matrix)."""

    N1 = "N1"  # entrywise max: max_ij |A_ij|
    N2 = "N2"  # operator infinity-norm: max_i sum_j |A_ij|
    OP2 = "OP2"  # operator 2-norm: the largest singular value (measured on weights only)


NORM_TEXT: dict[Norm, str] = {
    Norm.N1: "entrywise max norm max_ij |A_ij|",
    Norm.N2: "operator infinity-norm max_i sum_j |A_ij|",
    Norm.OP2: "operator 2-norm (largest singular value)",
}


@dataclass(frozen=True, slots=True)
class Conversion:
    """``||A||_dst <= factor * ||A||_src`` for every n x d matrix A, proved by ``node``."""

    src: Norm
    dst: Norm
    factor: str  # in the columns d of A
    node: str
    text: str


CONVERSIONS: tuple[Conversion, ...] = (
    Conversion(Norm.N2, Norm.N1, "1", "NORM-N1-N2", "||A||_N1 <= ||A||_N2 (an entry is at most its row sum)"),
    Conversion(Norm.N1, Norm.N2, "d", "NORM-N2-N1", "||A||_N2 <= d ||A||_N1 (a row sum has d terms)"),
)


def parse_norm(text: str, where: str) -> Norm:
    """A norm name (``N1``, ``N2``, ``OP2``); anything else is an input error at ``where``."""
    try:
        return Norm(text.strip())
    except ValueError:
        known = ", ".join(n.value for n in Norm)
        raise InputError(f"unknown norm {text!r} (known: {known})", where) from None


def norm_of_variant(variant: str) -> Norm | None:
    """The norm a node's ``variant`` names first, or None (untyped).

    Examples
    --------
    >>> norm_of_variant("N1, fine"), norm_of_variant("multi-head")
    (<Norm.N1: 'N1'>, None)
    """
    head = variant.split(",")[0].strip()
    return Norm(head) if head in {n.value for n in Norm} else None


def conversion(src: Norm, dst: Norm) -> Conversion | None:
    """The proved inequality bounding ``dst`` by ``src``, if the engine has one."""
    return next((c for c in CONVERSIONS if c.src is src and c.dst is dst), None)


def require_same_norm(
    theorem: str, theorem_norm: Norm | None, other: str, other_norm: Norm | None, where: str = ""
) -> None:
    """Refuse to compare bounds in two different norms (untyped bounds pass).

    Raises
    ------
    InputError
        Naming both bounds, their norms and the conversion that exists, if any.
    """
    if theorem_norm is None or other_norm is None or theorem_norm is other_norm:
        return
    conv = conversion(other_norm, theorem_norm)
    hint = (
        f"; a conversion exists ({conv.text}, node {conv.node}) but the hypotheses differ too: "
        f"declare a baseline in {theorem_norm.value}"
        if conv
        else ""
    )
    raise InputError(
        f"{theorem} bounds err in {theorem_norm.value} but {other} is in {other_norm.value}: "
        f"bounds in different norms are not comparable{hint}",
        where,
    )
