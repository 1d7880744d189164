"""Decision methods. Each module exposes ``decide(statement, budget) -> CheckResult``.

A backend returns PROVED only with rigorous evidence, REFUTED only with a
counterexample re-verified in exact or interval arithmetic, and otherwise
TESTED or UNKNOWN. A backend that cannot handle a statement's shape raises
:class:`boundprop.errors.UnsupportedError`. Backends never know the graph.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from boundprop.statement import Statement
from boundprop.verdict import CounterValue

__all__ = ["exact_string", "format_counterexample"]


def exact_string(value: sp.Expr) -> str:
    """An exact number as the string a counterexample carries ("3/2", "-1").

    >>> exact_string(sp.Rational(-3, 2))
    '-3/2'
    """
    number = sp.sympify(value)
    if not isinstance(number, sp.Rational):
        raise TypeError(f"counterexample value {value!r} is not an exact rational")
    return str(number)


def format_counterexample(
    statement: Statement, point: Mapping[sp.Symbol, sp.Rational]
) -> dict[str, CounterValue]:
    """Turn an exact point into a counterexample: matrices as nested lists.

    Entry symbols listed in ``statement.matrices`` are gathered under their
    matrix's name, row-major; every other variable appears under its own
    name. All values are exact strings.

    Parameters
    ----------
    statement : Statement
        Gives the variables (in order) and the matrices' entry symbols.
    point : mapping
        An exact rational value for every variable.

    Returns
    -------
    dict
        Matrix name to nested lists of strings, scalar name to a string.

    Raises
    ------
    KeyError
        If a matrix entry has no value in ``point``.

    >>> from boundprop.statement import make_variable
    >>> a, b, t = (make_variable(n, -1, 1) for n in ("a11", "a12", "t"))
    >>> st = Statement((a, b, t), (), sp.true, matrices={"A": ((a.symbol, b.symbol),)})
    >>> point = {a.symbol: sp.Rational(1, 2), b.symbol: sp.Integer(0), t.symbol: sp.Integer(-1)}
    >>> format_counterexample(st, point)
    {'A': [['1/2', '0']], 't': '-1'}
    """
    by_name = {str(sym): val for sym, val in point.items()}
    out: dict[str, CounterValue] = {}
    in_matrix: set[str] = set()
    for name, rows in statement.matrices.items():
        table: list[list[str]] = []
        for row in rows:
            cells: list[str] = []
            for entry in row:
                key = str(entry)
                in_matrix.add(key)
                if key not in by_name:
                    raise KeyError(f"matrix {name}: entry {key} has no value in the point")
                cells.append(exact_string(by_name[key]))
            table.append(cells)
        out[name] = table
    for var in statement.variables:
        if var.name not in in_matrix and var.name in by_name:
            out[var.name] = exact_string(by_name[var.name])
    return out
