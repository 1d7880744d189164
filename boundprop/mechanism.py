"""Why a refuted claim fails, in one sentence the engine has checked.

A lemma file states a mechanism as a node labelled ``Mechanism: ...`` whose ``variant``
names a mechanism registered here and whose ``uses`` lists the refuted nodes it explains;
its ``text`` is the sentence, and its conclusion (for the rank-one row shift, the identity
that splits the change of the logits into a row-constant part and one row added to every
row) is checked like any node. This module then checks, in exact rational arithmetic, that
each explained counterexample *is an instance* of the mechanism. A finding quotes the
sentence only with both results, so a reader sees what was checked.

Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from boundprop.verdict import PaperReport, Status, Tri

__all__ = ["Explanation", "MECHANISMS", "explanations", "rank_one_row_shift"]

Matrix = list[list[Fraction]]
Instance = Callable[[Mapping[str, Any]], tuple[Tri, str]]


@dataclass(frozen=True, slots=True)
class Explanation:
    """The mechanism of one refuted node."""

    node: str  # the refuted node
    mechanism: str  # the node of the lemma file that states the mechanism
    sentence: str  # its text
    status: Status  # the mechanism node's own check
    instance: Tri  # the node's counterexample is an instance of the mechanism
    detail: str  # the numbers that make it one (or why not)

    @property
    def checked(self) -> bool:
        """The mechanism is established and the counterexample is an instance of it."""
        return self.status.is_established and self.instance is Tri.TRUE


def _matrix(value: Any) -> Matrix:
    return [[Fraction(str(x)) for x in row] for row in value]


def _mul(a: Matrix, b: Matrix) -> Matrix:
    return [[sum((a[i][t] * b[t][j] for t in range(len(b))), Fraction(0)) for j in range(len(b[0]))]
            for i in range(len(a))]


def _t(a: Matrix) -> Matrix:
    return [list(col) for col in zip(*a, strict=True)]


def rank_one_row_shift(cex: Mapping[str, Any]) -> tuple[Tri, str]:
    """Is the counterexample a rank-one change A = 1u with a non-constant row shift?

    Exactly: every row of A equals u (so Res(A) = 0 and the claimed bound is 3 g(0) = 0),
    and b = beta u W_Q W_K^T (X + 1u)^T, the row added to every row of logits, is not
    constant (a constant b would leave each row's softmax unchanged).

    Examples
    --------
    >>> rank_one_row_shift({"X": [["0"], ["1"]], "A": [["1"], ["1"]], "W_Q": [["1"]],
    ...                     "W_K": [["1"]], "beta": "1"})[0]
    <Tri.TRUE: 'true'>
    """
    try:
        x, a, w_q, w_k = (_matrix(cex[k]) for k in ("X", "A", "W_Q", "W_K"))
        beta = Fraction(str(cex["beta"]))
    except (KeyError, ValueError, TypeError, ZeroDivisionError) as exc:
        return Tri.UNDECIDED, f"the counterexample has no exact X, A, W_Q, W_K, beta ({type(exc).__name__})"
    u = a[0]
    if any(row != u for row in a):
        return Tri.FALSE, "A is not of the form 1u (its rows differ)"
    shifted = [[xv + uv for xv, uv in zip(row, u, strict=True)] for row in x]
    b = [beta * v for v in _mul(_mul(_mul([u], w_q), _t(w_k)), _t(shifted))[0]]
    if len(set(b)) == 1:
        return Tri.FALSE, f"the row shift b = {_fmt(b)} is constant: softmax would not move"
    return Tri.TRUE, f"A = 1u with u = {_fmt(u)} (Res(A) = 0); every row of logits gets b = {_fmt(b)}"


def _fmt(values: list[Fraction]) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


# variant of a mechanism node -> its instance check
MECHANISMS: dict[str, Instance] = {
    "rank-one row shift": rank_one_row_shift,
}


def explanations(report: PaperReport) -> dict[str, Explanation]:
    """The checked mechanisms of the report's refuted nodes, by refuted node id."""
    out: dict[str, Explanation] = {}
    for node in report.paper.nodes.values():
        if not node.label.startswith("Mechanism") or node.variant not in MECHANISMS:
            continue
        mech = report.nodes.get(node.id)
        if mech is None:
            continue
        for target in node.uses:
            refuted = report.nodes.get(target)
            if refuted is None or refuted.status is not Status.REFUTED or not refuted.counterexample:
                continue
            instance, detail = MECHANISMS[node.variant](refuted.counterexample)
            out[target] = Explanation(target, node.id, node.text, mech.status, instance, detail)
    return out
