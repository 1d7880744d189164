"""Decision methods. Each module exposes ``decide(statement, budget) -> CheckResult``.

A backend returns PROVED only with rigorous evidence, REFUTED only with a
counterexample re-verified in exact or interval arithmetic, and otherwise
TESTED or UNKNOWN. A backend that cannot handle a statement's shape raises
:class:`boundprop.errors.UnsupportedError`. Backends never know the graph.
"""

from __future__ import annotations

from boundprop.counterexample import exact_string, format_counterexample

__all__ = ["exact_string", "format_counterexample"]
