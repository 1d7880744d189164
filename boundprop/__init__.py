"""boundprop: check the proofs of machine-learning theory papers mechanically.

The public API (documented in docs/python-api.md; everything else is internal):

>>> import boundprop
>>> boundprop.prove("exp(x) >= 1 + x", x=(-1, 1)).status
<Status.PROVED: 'proved'>

* :func:`load` a paper (bundled id or lemma file), :func:`check_paper` it
  (a :class:`PaperCheck` of :class:`NodeResult` values, through the results
  cache the command line shares, with a progress callback);
* :func:`prove` one statement from strings, with ranges as tuples of exact
  numbers (a :class:`Verdict`);
* :func:`map_regimes` paves a theorem's parameter box (a ``RegimeMap`` with
  ``fractions()``), :func:`regimes_latex`, :func:`plot_regimes`;
* :func:`table` encloses a theorem's per-layer quantities (a ``BoundTable``),
  :func:`render_table` writes it as text, markdown, csv, json or LaTeX;
* :func:`latex_report` is the LaTeX report of a check;
* :class:`Budget` (limits) and :class:`Status` (verdicts).

Nothing heavy is imported until it is used: ``import boundprop`` is cheap.
(``check`` and ``regimes`` are not the functions' names because
``boundprop.check`` and ``boundprop.regimes`` are submodules: importing one
would rebind the package attribute to the module.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Budget",
    "NodeResult",
    "PaperCheck",
    "Status",
    "StepResult",
    "Verdict",
    "__version__",
    "check_paper",
    "latex_report",
    "load",
    "plot_regimes",
    "prove",
    "map_regimes",
    "regimes_latex",
    "render_table",
    "table",
]

if TYPE_CHECKING:  # pragma: no cover - the names as type checkers see them
    from boundprop.api import (
        NodeResult,
        PaperCheck,
        StepResult,
        Verdict,
        check_paper,
        latex_report,
        load,
        map_regimes,
        plot_regimes,
        prove,
        regimes_latex,
        render_table,
        table,
    )
    from boundprop.statement import Budget
    from boundprop.verdict import Status

_HOMES = {"Budget": "boundprop.statement", "Status": "boundprop.verdict"}


def __getattr__(name: str) -> Any:
    """Import the public names lazily (PEP 562)."""
    if name in __all__ and name != "__version__":
        import importlib

        value = getattr(importlib.import_module(_HOMES.get(name, "boundprop.api")), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'boundprop' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
