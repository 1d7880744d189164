"""boundprop: check the proofs of machine-learning theory papers mechanically.

The public API (documented in docs/api.md; everything else is internal):

>>> import boundprop
>>> boundprop.prove("exp(x) >= 1 + x", x=(-1, 1)).status
<Status.PROVED: 'proved'>

* :func:`load` a paper (bundled id or lemma file);
* :func:`check` it: a :class:`PaperCheck` of :class:`NodeResult` values,
  through the results cache the command line shares;
* :func:`prove` one statement from strings, with exact ranges: a :class:`Verdict`;
* :func:`regimes` paves a theorem's parameter box: a :class:`RegimeResult`;
* :func:`table` encloses a theorem's per-layer quantities: a :class:`TableResult`;
* :func:`witness` measures simulated networks against a bound: a :class:`WitnessResult`;
* :func:`report` writes the whole report (.html, .tex or .pdf): a :class:`ReportFile`;
* :func:`compare` sets Dong et al.'s rank collapse beside Alman & Song's bounds on a
  grid: a :class:`ComparisonResult`;
* :class:`Budget` (limits) and :class:`Status` (verdicts).

Each result has ``to_json()``, ``to_dataframe()`` where a table fits (pandas,
the ``notebook`` extra) and a rich display in Jupyter. Nothing heavy is
imported until it is used: ``import boundprop`` is cheap.

``check``, ``compare``, ``regimes``, ``witness`` and ``report`` are also the names of
submodules, and importing a submodule binds its name on the package. So that
``boundprop.check(...)`` works whatever was imported before, the package
turns each of these submodules into a *callable* module when it is bound:
calling it calls the API function, and its attributes are the module's
(``boundprop.check.check_paper`` is still the engine's function).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Budget",
    "ComparisonResult",
    "NodeResult",
    "PaperCheck",
    "RegimeResult",
    "ReportFile",
    "Status",
    "StepResult",
    "TableResult",
    "Verdict",
    "WitnessResult",
    "__version__",
    "check",
    "compare",
    "load",
    "prove",
    "regimes",
    "report",
    "table",
    "witness",
]

# older names, still importable (not in __all__): the results' methods do the same
_OLD = ("check_paper", "latex_report", "map_regimes", "plot_regimes", "regimes_latex", "render_table")

if TYPE_CHECKING:  # pragma: no cover - the names as type checkers see them
    from boundprop.api import (
        ComparisonResult,
        NodeResult,
        PaperCheck,
        RegimeResult,
        ReportFile,
        StepResult,
        TableResult,
        Verdict,
        WitnessResult,
        check,
        compare,
        load,
        prove,
        regimes,
        report,
        table,
        witness,
    )
    from boundprop.statement import Budget
    from boundprop.verdict import Status

_HOMES = {"Budget": "boundprop.statement", "Status": "boundprop.verdict"}
_SUBMODULE_FUNCTIONS = frozenset({"check", "compare", "regimes", "witness", "report"})


class _CallableModule(types.ModuleType):
    """A submodule whose name is also an API function: calling it calls the function."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import importlib

        name = self.__name__.rpartition(".")[2]
        return getattr(importlib.import_module("boundprop.api"), name)(*args, **kwargs)


class _Package(types.ModuleType):
    """The package module: makes the clashing submodules callable as they are bound."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SUBMODULE_FUNCTIONS and type(value) is types.ModuleType:
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    """Import the public names lazily (PEP 562)."""
    import importlib

    if name in _SUBMODULE_FUNCTIONS:
        # importing the submodule binds it on the package, callable (see _Package)
        return importlib.import_module(f"{__name__}.{name}")
    if (name in __all__ and name != "__version__") or name in _OLD:
        value = getattr(importlib.import_module(_HOMES.get(name, "boundprop.api")), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'boundprop' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
