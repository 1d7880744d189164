"""Simulation-checked nodes: qualitative claims decided by running an experiment.

A lemma node may carry ``simulate = { experiment = "NAME", key = "value", ... }``
(all values strings) instead of a conclusion. The checker then runs the
registered experiment and records what was *measured*:

* ``tested``: the measurement agrees with the claim; the evidence names the
  measured numbers (fitted rates, R², ranks, draws, seeds), so a reader can
  judge how strong the support is. A simulation never proves anything.
* ``refuted``: only when the claim is contradicted by a concrete instance
  that is re-verified in *exact* arithmetic (rational matrices, exact
  eigenvalues, graph distances); the counterexample is reported.
* ``unknown``: the measurement does not support the claim (floating-point
  evidence against a claim is not a counterexample), or the experiment could
  not run; the evidence says which.

This module is the protocol and the registry only. The experiments are the
papers': a plug-in ``<stem>_experiments.py`` beside a bundled lemma file (such
as ``lemmas/wu_2024_experiments.py``, Wu et al. 2024's masked attention
dynamics) defines ``EXPERIMENTS``, a tuple of :class:`Experiment`, and
:func:`experiments` loads every plug-in by its file name. Only the bundled
papers' directory is searched (installed as data files beside the lemma files,
pyproject.toml): a lemma file from elsewhere is data and brings no code, but
may name a bundled experiment.

Nothing here prints; results are :class:`~boundprop.verdict.CheckResult` values.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import sympy as sp

from boundprop.errors import InputError
from boundprop.verdict import CheckResult, Status

__all__ = [
    "METHOD",
    "PLUGIN_SUFFIX",
    "Experiment",
    "Fit",
    "experiments",
    "fit_decay",
    "plugin",
    "run_simulation",
    "spec_float",
    "spec_int",
    "spec_ints",
    "validate_spec",
]

Spec = Mapping[str, str]
METHOD = "simulation"
PLUGIN_SUFFIX = "_experiments"


@dataclass(frozen=True, slots=True)
class Experiment:
    """A registered experiment: what it measures, its keys with defaults, its runner."""

    name: str
    description: str
    defaults: Mapping[str, str]
    run: Callable[[Mapping[str, str]], CheckResult]


# ---------------------------------------------------------------------------
# the registry


def _plugin_dir() -> Path:
    from boundprop.loader import BUNDLED_LEMMAS

    return BUNDLED_LEMMAS


@functools.cache
def plugin(stem: str) -> ModuleType:
    """The plug-in ``<stem>_experiments.py`` of the bundled papers' directory, loaded once.

    >>> [e.name for e in plugin("wu_2024").EXPERIMENTS][:2]
    ['masked-decay', 'masked-radius']
    """
    path = _plugin_dir() / f"{stem}{PLUGIN_SUFFIX}.py"
    if not path.is_file():
        raise InputError(f"no experiment plug-in {path.name} in {path.parent}")
    name = f"boundprop_experiments.{stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None  # a .py file always has a loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before running it: dataclasses and pickling look it up
    spec.loader.exec_module(module)
    return module


@functools.cache
def experiments() -> dict[str, Experiment]:
    """Every experiment of every bundled plug-in, by name (names are unique)."""
    registry: dict[str, Experiment] = {}
    for path in sorted(_plugin_dir().glob(f"*{PLUGIN_SUFFIX}.py")):
        for experiment in plugin(path.stem.removesuffix(PLUGIN_SUFFIX)).EXPERIMENTS:
            if experiment.name in registry:
                raise InputError(f"experiment {experiment.name!r} is registered twice", str(path))
            registry[experiment.name] = experiment
    return registry


# ---------------------------------------------------------------------------
# helpers for the plug-ins


@dataclass(frozen=True, slots=True)
class Fit:
    """A least-squares fit of ``log v_t = a - rate * t``.

    Attributes
    ----------
    rate : float
        Minus the slope (per layer; positive means decay).
    r2 : float
        Coefficient of determination of the fit on the log scale.
    points : int
        Number of layers used (those with ``v_t`` above the float floor).
    """

    rate: float
    r2: float
    points: int


def fit_decay(values: Sequence[float], floor: float = 1e-12, skip: int = 1) -> Fit:
    """Fit an exponential decay to ``values`` (layers ``skip`` on, above ``floor``).

    Examples
    --------
    >>> f = fit_decay([0.5**t for t in range(20)])
    >>> round(f.rate, 6), round(f.r2, 6), f.points
    (0.693147, 1.0, 19)
    """
    ts: list[float] = []
    ls: list[float] = []
    for t, v in enumerate(values):
        if t < skip:
            continue
        if not v > floor:
            break
        ts.append(float(t))
        ls.append(math.log(v))
    if len(ts) < 3:
        return Fit(rate=float("inf") if len(ts) < len(values) - skip else 0.0, r2=1.0, points=len(ts))
    tt, ll = np.asarray(ts), np.asarray(ls)
    slope, icpt = np.polyfit(tt, ll, 1)
    resid = ll - (slope * tt + icpt)
    total = float(((ll - ll.mean()) ** 2).sum())
    r2 = 1.0 - float((resid**2).sum()) / total if total > 0 else 1.0
    return Fit(rate=float(-slope), r2=r2, points=len(ts))


def spec_int(spec: Spec, key: str) -> int:
    """Key ``key`` of a ``simulate`` table as an integer (an input error otherwise)."""
    try:
        return int(spec[key])
    except ValueError:
        raise InputError(f"simulate.{key} must be an integer, got {spec[key]!r}") from None


def spec_float(spec: Spec, key: str) -> float:
    """Key ``key`` as a number: exact decimals and fractions, then rounded to float."""
    try:
        return float(sp.Rational(spec[key]))
    except (TypeError, ValueError):
        raise InputError(f"simulate.{key} must be a number, got {spec[key]!r}") from None


def spec_ints(spec: Spec, key: str) -> list[int]:
    """Key ``key`` as comma-separated integers."""
    try:
        return [int(v) for v in spec[key].split(",") if v.strip()]
    except ValueError:
        raise InputError(f"simulate.{key} must be comma-separated integers, got {spec[key]!r}") from None


def validate_spec(spec: Mapping[str, Any]) -> dict[str, str]:
    """Check a node's ``simulate`` table; return it with the experiment's defaults filled in.

    Raises :class:`~boundprop.errors.InputError` naming the problem and the remedy.

    Examples
    --------
    >>> validate_spec({"experiment": "radius-order"})["graphs"]  # an experiment of lemmas/wu_2024_experiments.py
    'star:12;causal:12;ring:12:5;ring:12:3;ring:12:1'
    >>> validate_spec({"experiment": "nope"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    boundprop.errors.InputError: simulate.experiment 'nope' is not registered (known: ln-equilibria, ...)
    """
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in spec.items()):
        raise InputError('simulate values must all be strings, e.g. n = "12"')
    registry = experiments()
    name = spec.get("experiment")
    if name not in registry:
        known = ", ".join(sorted(registry))
        raise InputError(f"simulate.experiment {name!r} is not registered (known: {known})")
    experiment = registry[name]
    unknown = sorted(set(spec) - set(experiment.defaults) - {"experiment"})
    if unknown:
        raise InputError(
            f"simulate key {unknown[0]!r} is not used by {name} (keys: {', '.join(sorted(experiment.defaults))})"
        )
    return {**experiment.defaults, **{k: v for k, v in spec.items() if k != "experiment"}, "experiment": name}


def run_simulation(spec: Mapping[str, str]) -> CheckResult:
    """Run the experiment a node names and return its (timed) result; never PROVED."""
    started = time.perf_counter()
    full = validate_spec(spec)
    try:
        result = experiments()[full["experiment"]].run(full)
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        result = CheckResult(Status.UNKNOWN, METHOD, f"experiment failed: {type(exc).__name__}: {exc}")
    if result.status in (Status.PROVED, Status.PROVED_BOUNDED):  # pragma: no cover - defence
        raise AssertionError("a simulation can never prove a statement")
    return CheckResult(
        result.status,
        result.method,
        result.evidence,
        time.perf_counter() - started,
        result.counterexample,
        result.details,
    )
