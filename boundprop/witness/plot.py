"""Plots of witness runs (matplotlib, Agg backend, never a display).

:func:`plot_witness` draws, for each number of layers L, the measured collapse error and the
bound against eta on log-log axes, with the least-squares slopes in the legend.
:func:`plot_masked` draws mu(X_t) against depth for masked-attention runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display, ever; set before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402

from boundprop.errors import InputError  # noqa: E402
from boundprop.witness.masked import MaskedRun  # noqa: E402
from boundprop.witness.measure import WitnessReport, fit_slope  # noqa: E402

__all__ = ["SUFFIXES", "plot_witness", "plot_masked", "series_by_layers"]

SUFFIXES = (".png", ".svg", ".pdf")


def _check_path(path: str | Path) -> Path:
    target = Path(path)
    if target.suffix.lower() not in SUFFIXES:
        raise InputError(f"{target}: plot files must end in {', '.join(SUFFIXES)}")
    if not target.parent.exists():
        raise InputError(f"{target}: directory {target.parent} does not exist")
    return target


def series_by_layers(
    report: WitnessReport,
) -> dict[tuple[float, ...], tuple[list[float], list[float], list[float]]]:
    """Group a report's configurations into curves over eta.

    Keys are ``(L, H, beta, ...)`` (every parameter except eta, in sorted name order);
    values are ``(etas, measured, bounds)`` sorted by eta.
    """
    groups: dict[tuple[float, ...], list[tuple[float, float, float]]] = defaultdict(list)
    for conf in report.configurations:
        key = tuple(conf.params[k] for k in sorted(conf.params) if k != "eta")
        groups[key].append((conf.params["eta"], conf.measured, conf.bound))
    out = {}
    for key, points in groups.items():
        points.sort()
        out[key] = ([p[0] for p in points], [p[1] for p in points], [p[2] for p in points])
    return out


def plot_witness(report: WitnessReport, path: str | Path, title: str | None = None) -> Path:
    """Measured error and bound against eta (log-log), one colour per curve, slopes labelled.

    Slopes are least-squares fits of log value on log eta over the curve's points (points
    with value 0 are skipped). Returns the path written.
    """
    target = _check_path(path)
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    names = sorted(k for k in report.configurations[0].params if k != "eta")
    series = series_by_layers(report)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    varying = [i for i, n in enumerate(names) if len({key[i] for key in series}) > 1]
    for index, (key, (etas, measured, bounds)) in enumerate(sorted(series.items())):
        colour = colours[index % len(colours)]
        label = ", ".join(f"{names[i]}={key[i]:g}" for i in varying) or "measured"
        positive = [(e, m) for e, m in zip(etas, measured, strict=True) if m > 0]
        slope_m = fit_slope(*zip(*positive, strict=True)) if len(positive) > 1 else float("nan")
        slope_b = fit_slope(etas, bounds) if len(etas) > 1 else float("nan")
        ax.loglog(
            [p[0] for p in positive],
            [p[1] for p in positive],
            "o-",
            color=colour,
            label=f"measured {label} (slope {slope_m:.2f})",
        )
        ax.loglog(etas, bounds, "--", color=colour, alpha=0.8, label=f"bound (slope {slope_b:.2f})")
    ax.set_xlabel("eta (weight radius)")
    ax.set_ylabel(f"max ||S(X) - S'(X)|| ({report.configurations[0].norm.value})")
    ax.set_title(title or f"{report.theorem}: measured collapse error vs bound")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(target)
    plt.close(fig)
    return target


def plot_masked(runs: Sequence[MaskedRun], path: str | Path, title: str | None = None) -> Path:
    """``mu(X_t) / mu(X_0)`` against depth (log scale), one curve per run."""
    target = _check_path(path)
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    for run in runs:
        base = run.mu[0] if run.mu[0] > 0 else 1.0
        ax.semilogy(
            range(len(run.mu)),
            [max(m / base, 1e-300) for m in run.mu],
            label=f"{run.label} (rate {run.rate:.3f}/layer)",
        )
    ax.set_xlabel("layer t")
    ax.set_ylabel("mu(X_t) / mu(X_0)")
    ax.set_title(title or "masked attention: collapse over depth")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(target)
    plt.close(fig)
    return target
