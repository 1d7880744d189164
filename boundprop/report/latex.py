"""LaTeX output, by concern (this module only gathers the names):

* :mod:`boundprop.report.escape`: :func:`escape`, :func:`texttt` for user text;
* :mod:`boundprop.report.numbers`: directed decimal rounding and exact numbers;
* :mod:`boundprop.report.notation`: :class:`Typesetter`, statements and
  counterexamples in the paper's notation;
* :mod:`boundprop.report.booktabs`: bound tables and regime summaries;
* :mod:`boundprop.report.document`: the report document and :func:`standalone`.

Everything here turns computed results into text; nothing calls a solver,
paves a map or reads a file.
"""

from __future__ import annotations

from boundprop.report.booktabs import NORM_CONVENTIONS, bound_table_latex, norm_convention, regime_summary_latex
from boundprop.report.document import (
    PREAMBLE_PACKAGES,
    Figure,
    LatexDocument,
    Section,
    dag_figure,
    node_section,
    pdf_aspect,
    report_document,
    standalone,
    status_badge,
    status_colour_definitions,
    summary_table,
)
from boundprop.report.escape import escape, texttt
from boundprop.report.notation import (
    TypesetNode,
    Typesetter,
    counterexample_latex,
    matrix_latex,
    notation_table,
)
from boundprop.report.numbers import (
    decimal_latex,
    enclosure_latex,
    exact_latex,
    fraction_latex,
    lower_decimal,
    lower_latex,
    upper_decimal,
    upper_latex,
)
from boundprop.tables import RowFlag

__all__ = [
    "NORM_CONVENTIONS",
    "PREAMBLE_PACKAGES",
    "Figure",
    "LatexDocument",
    "RowFlag",
    "Section",
    "TypesetNode",
    "Typesetter",
    "bound_table_latex",
    "counterexample_latex",
    "dag_figure",
    "decimal_latex",
    "enclosure_latex",
    "escape",
    "exact_latex",
    "fraction_latex",
    "lower_decimal",
    "lower_latex",
    "matrix_latex",
    "node_section",
    "norm_convention",
    "notation_table",
    "pdf_aspect",
    "report_document",
    "regime_summary_latex",
    "standalone",
    "status_badge",
    "status_colour_definitions",
    "summary_table",
    "texttt",
    "upper_decimal",
    "upper_latex",
]
