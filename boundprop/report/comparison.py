"""The picture of a comparison (:mod:`boundprop.compare`): one panel per H, eta across, L up.

Rendering only: the verdicts are :func:`boundprop.compare.compare`'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from boundprop.compare import CATEGORY_LABELS, Comparison, category

__all__ = ["COMPARISON_COLOURS", "plot_comparison"]

COMPARISON_COLOURS = {
    "all": "#1b9e77",
    "rank+layer": "#66a61e",
    "rank+fast": "#7570b3",
    "layer+fast": "#e6ab02",
    "rank": "#a6cee3",
    "layer": "#fdbf6f",
    "fast": "#cab2d6",
    "none": "#d95f02",
    "undetermined": "#bdbdbd",
}


def plot_comparison(c: Comparison, path: str | Path) -> Path:
    """Draw the map: one panel per H, η (log) across, L up, colour = the regimes that hold.

    Uses matplotlib's Agg backend; returns the path written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    heads = sorted({v.heads for v in c.points})
    etas = sorted({v.eta for v in c.points})
    depths = sorted({v.depth for v in c.points})
    order = list(COMPARISON_COLOURS)
    cmap = ListedColormap([COMPARISON_COLOURS[k] for k in order])
    fig, axes = plt.subplots(1, len(heads), figsize=(4.2 * len(heads) + 1.5, 4.2), squeeze=False)
    grid_x = [float(e) for e in etas]
    for ax, h in zip(axes[0], heads, strict=True):
        cells = {(v.eta, v.depth): order.index(category(v)) for v in c.points if v.heads == h}
        z = [[cells[(e, dd)] for e in etas] for dd in depths]
        ax.pcolormesh(
            _edges(grid_x, log=True), _edges([float(dd) for dd in depths], log=False), z,
            cmap=cmap, vmin=-0.5, vmax=len(order) - 0.5, shading="flat",
        )
        ax.set_xscale("log")
        ax.set_xlabel(r"$\eta$ (weight entry bound)")
        ax.set_ylabel(r"$L$ (layers)")
        ax.set_title(f"H = {h}")
    present = sorted({category(v) for v in c.points}, key=order.index)
    fig.legend(
        handles=[Patch(color=COMPARISON_COLOURS[k], label=CATEGORY_LABELS[k]) for k in present],
        loc="lower center", ncol=min(3, len(present)), fontsize=8, frameon=False,
    )
    a = c.assumptions
    fig.suptitle(
        f"Dong 2021 vs Alman-Song 2025 (n={a.n}, d=k={a.d}/{a.k}, phi0={a.phi0}, gamma={a.gamma}, "
        f"r0={a.r0}, c={a.c_fast})",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0.12, 1, 0.95))
    out = Path(path)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def _edges(centres: Sequence[float], log: bool) -> list[float]:
    """Cell edges around grid centres (geometric midpoints on a log axis)."""
    if len(centres) == 1:
        x = centres[0]
        return [x / 2, x * 2] if log else [x - 0.5, x + 0.5]
    mids = []
    for lo, hi in zip(centres, centres[1:], strict=False):
        mids.append(math.sqrt(lo * hi) if log else (lo + hi) / 2)
    first = centres[0] ** 2 / mids[0] if log else 2 * centres[0] - mids[0]
    last = centres[-1] ** 2 / mids[-1] if log else 2 * centres[-1] - mids[-1]
    return [first, *mids, last]
