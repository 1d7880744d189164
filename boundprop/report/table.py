"""Renderings of per-layer bound tables (φ_ℓ, ε_ℓ, e_ℓ).

The data model is one frozen :class:`~boundprop.tables.BoundTable` holding the exact
enclosures (:class:`~boundprop.tables.Enclosure`, rational ends), computed by
:func:`boundprop.regimes.bound_table`; the renderers (text, markdown, csv, json; a LaTeX renderer can be added next to
them) only format it. Every printed lower end is rounded *down* and every
upper end *up* (:func:`boundprop.report.numbers.lower_decimal` and
:func:`~boundprop.report.numbers.upper_decimal`, the one directed rounding of
the package), so a printed interval always contains the true value.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from decimal import Decimal
from typing import Any

from boundprop.report.numbers import lower_decimal, upper_decimal
from boundprop.tables import COLUMNS, BoundTable, Column, Enclosure

__all__ = [
    "COLUMNS",
    "BoundTable",
    "Column",
    "TableFormat",
    "decimal_string",
    "render",
    "table_json",
]


class TableFormat(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    CSV = "csv"
    JSON = "json"


def decimal_string(value: Decimal) -> str:
    """Plain notation for moderate exponents, scientific otherwise.

    >>> decimal_string(Decimal("1.5E+2")), decimal_string(Decimal("1.25E-12"))
    ('150', '1.25E-12')
    """
    exponent = value.adjusted()
    if -6 <= exponent <= 15:
        text = format(value, "f")
        return text
    return str(value)


def _ends(enc: Enclosure, digits: int) -> tuple[str, str]:
    return decimal_string(lower_decimal(enc.lo, digits)), decimal_string(upper_decimal(enc.hi, digits))


def _cell_text(enc: Enclosure, digits: int) -> str:
    lo, hi = _ends(enc, digits)
    return lo if lo == hi else f"[{lo}, {hi}]"


def table_json(table: BoundTable) -> dict[str, Any]:
    """The JSON object of ``boundprop table --format json``.

    >>> from fractions import Fraction
    >>> from boundprop.tables import Enclosure, LayerRow
    >>> one = Enclosure(Fraction(1), Fraction(1), Fraction(1))
    >>> row = LayerRow(0, {"phi": one, "eps": one, "e": one})
    >>> t = BoundTable("p", "R1", "R1", {"eta": Fraction(1, 10)}, (row,))
    >>> table_json(t)["rows"][0]["phi"]
    {'lo': '1', 'hi': '1'}
    """
    rows = []
    for row in table.rows:
        item: dict[str, Any] = {"layer": row.layer}
        for col in table.columns:
            enc: Enclosure = row[col.key]
            lo, hi = _ends(enc, table.digits)
            item[col.key] = {"lo": lo, "hi": hi}
        rows.append(item)
    return {
        "theorem": table.theorem,
        "paper": table.paper,
        "label": table.label,
        "fixed": {k: str(v) for k, v in table.fixed.items()},
        "digits": table.digits,
        "recurrence": table.recurrence,
        "rows": rows,
    }


def _header(table: BoundTable) -> list[str]:
    return ["layer", *(c.title for c in table.columns)]


def _body(table: BoundTable) -> list[list[str]]:
    return [
        [str(row.layer), *(_cell_text(row[c.key], table.digits) for c in table.columns)]
        for row in table.rows
    ]


def _caption(table: BoundTable) -> str:
    fixed = ", ".join(f"{k} = {v}" for k, v in table.fixed.items())
    text = f"{table.label} ({table.paper}) per layer at {fixed}; certified enclosures, " \
           f"{table.digits} significant digits, lower ends rounded down and upper ends up"
    if table.recurrence:
        text += f"; recurrence: {table.recurrence}"
    return text


def render(table: BoundTable, fmt: TableFormat | str = TableFormat.TEXT) -> str:
    """Render ``table`` as text, markdown, csv or json.

    >>> from fractions import Fraction
    >>> from boundprop.tables import Enclosure, LayerRow
    >>> third = Enclosure(Fraction(1, 3), Fraction(1, 3), Fraction(1, 3))
    >>> row = LayerRow(2, {"phi": third, "eps": third, "e": third})
    >>> t = BoundTable("p", "R1", "R1", {}, (row,), digits=3)
    >>> print(render(t, "csv").splitlines()[1])
    2,0.333,0.334,0.333,0.334,0.333,0.334
    """
    fmt = TableFormat(fmt)
    if fmt is TableFormat.JSON:
        return json.dumps(table_json(table), indent=2) + "\n"
    if fmt is TableFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["layer", *(f"{c.key}_{end}" for c in table.columns for end in ("lo", "hi"))])
        for row in table.rows:
            ends = [e for c in table.columns for e in _ends(row[c.key], table.digits)]
            writer.writerow([row.layer, *ends])
        return out.getvalue()
    header, body = _header(table), _body(table)
    if fmt is TableFormat.MARKDOWN:
        lines = [f"<!-- {_caption(table)} -->",
                 "| " + " | ".join(header) + " |",
                 "|" + "|".join("---:" for _ in header) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines) + "\n"
    if fmt is TableFormat.TEXT:
        widths = [max(len(x) for x in col) for col in zip(header, *body, strict=False)]
        lines = [_caption(table), "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
        lines += ["  ".join(x.rjust(w) for x, w in zip(r, widths, strict=True)) for r in body]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown table format {fmt!r}")
