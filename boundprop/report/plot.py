"""Regime maps as pictures (matplotlib figures; png, svg or pdf files).

What is drawn (the cells by class, their colours and legend labels, the axes,
the title) is :func:`boundprop.report.picture.map_picture`'s; this module draws
it with matplotlib, for ``regimes --plot`` and notebooks (the report draws the
same picture as SVG and as a LaTeX picture, without matplotlib). Axes carry the
parameters' own symbols (their ``latex`` from the lemma file) and are
logarithmic where the axis was asked as ``:log``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from boundprop.errors import InputError
from boundprop.maps import Axis, RegimeMap
from boundprop.report.picture import CLASS_COLOURS, COMBINED_COLOURS, map_picture

__all__ = ["CLASS_COLOURS", "COMBINED_COLOURS", "map_figure", "plot_map"]

_FORMATS = {".png", ".svg", ".pdf"}


def _symbol(axis: Axis) -> str:
    latex = axis.latex or axis.name
    return f"${latex}$" if "\\" in latex or len(latex) <= 3 else latex


def plot_map(
    rmap: RegimeMap,
    path: str | Path,
    axes: Sequence[str] | None = None,
    title: str | None = None,
    dpi: int = 150,
    markers: Sequence[tuple[str, Mapping[str, float]]] = (),
) -> Path:
    """Draw ``rmap`` to ``path`` (png, svg or pdf) and return the path.

    ``axes`` names the x and y parameters (default: the first two split axes);
    ``markers`` are labelled points (a model placed by ``regimes --model``).
    """
    out = Path(path)
    if out.suffix.lower() not in _FORMATS:
        raise InputError(f"`plot` {str(path)!r}: use a .png, .svg or .pdf file name")
    fig = map_figure(rmap, axes, title, markers)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi)
    return out


def map_figure(
    rmap: RegimeMap,
    axes: Sequence[str] | None = None,
    title: str | None = None,
    markers: Sequence[tuple[str, Mapping[str, float]]] = (),
) -> Any:
    """The map as a matplotlib ``Figure`` (built without pyplot, so no global
    state and no backend switch: a notebook shows it, a script saves it)."""
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    picture = map_picture(rmap, axes, title)
    ax_x, ax_y = picture.x, picture.y
    fig = Figure(figsize=(7.5, 5.5))
    ax = fig.subplots()
    for layer in picture.layers:
        rects = [Rectangle((x0, y0), x1 - x0, y1 - y0) for x0, y0, x1, y1 in layer.boxes]
        ax.add_collection(
            PatchCollection(rects, facecolor=layer.colour, edgecolor="#00000022" if layer.edges else layer.colour,
                            linewidth=0.2, hatch="///" if layer.hatched else None)
        )
    for label, point in markers:
        if ax_x.name in point and ax_y.name in point:
            x, y = point[ax_x.name], point[ax_y.name]
            ax.plot([x], [y], marker="*", markersize=14, color="black", markeredgecolor="white", zorder=5)
            ax.annotate(label, (x, y), textcoords="offset points", xytext=(7, 7), fontsize=8, zorder=5)
    ax.set_xlim(*picture.x_range)
    ax.set_ylim(*picture.y_range)
    if ax_x.log:
        ax.set_xscale("log")
    if ax_y.log:
        ax.set_yscale("log")
    ax.set_xlabel(_symbol(ax_x))
    ax.set_ylabel(_symbol(ax_y))
    fixed = ", ".join(f"${latex}$$={v}$" for _, latex, v in picture.fixed)
    projected = ", ".join(f"{a.name}∈[{a.lo}, {a.hi}]" for a in picture.projected)
    subtitle = "; ".join(x for x in (fixed, f"for all {projected}" if projected else "") if x)
    ax.set_title(picture.heading if title is not None else f"{picture.heading}\n{subtitle}", fontsize=10)
    handles = [
        Patch(facecolor=layer.colour, edgecolor="black", linewidth=0.5,
              hatch="///" if layer.hatched else None, label=layer.label)
        for layer in picture.layers
    ]
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    _fixed_margins(fig, ax, legend)
    return fig


def _text_width(text: str, size: float) -> float:
    """The width in points of one line of plain ``text`` at ``size`` points, from the
    font's metrics (no drawing; mathtext markup is dropped first, its superscripts
    counted at full size, so a label in ``$...$`` is over-estimated, never under)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    plain = re.sub(r"\\mathdefault|\\[A-Za-z]+|[${}^_]", "", text)
    if not plain:
        return 0.0
    width, _, _ = text_to_path.get_text_width_height_descent(plain, FontProperties(size=size), ismath=False)
    return float(width)


def _tick_labels(axis: Any, lo: float, hi: float) -> list[str]:
    """The major tick labels the axis will draw over ``[lo, hi]`` (the locator and
    formatter need limits, not a renderer)."""
    locs = [v for v in axis.get_majorticklocs() if min(lo, hi) <= v <= max(lo, hi)]
    return [str(t) for t in axis.get_major_formatter().format_ticks(locs) if t]


def _fixed_margins(fig: Any, ax: Any, legend: Any) -> None:
    """Margins computed from what sits around the axes (tick labels, axis labels, the
    title and the legend on the right), instead of ``tight_layout``, which draws the
    whole figure once to measure its text and then draws it again to save it.

    Every width is measured from the font's metrics or over-estimated; heights are
    counted in lines of the text's font size, with room for a superscript on a log
    axis. The figure keeps its size: the axes get what is left."""
    import matplotlib as mpl

    rc = mpl.rcParams
    width_in, height_in = fig.get_size_inches()
    pad = 6.0  # points around the outermost text (tight_layout's pad: 1.08 of the 10pt font)
    tick_size = float(mpl.font_manager.FontProperties(size=rc["xtick.labelsize"]).get_size_in_points())
    label_size = float(mpl.font_manager.FontProperties(size=rc["axes.labelsize"]).get_size_in_points())
    line = 1.2  # a line of text, in font sizes
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    y_ticks = max((_text_width(t, tick_size) for t in _tick_labels(ax.yaxis, y0, y1)), default=0.0)
    x_ticks = _tick_labels(ax.xaxis, x0, x1)
    x_tick_height = tick_size * (1.6 if any("^" in t for t in x_ticks) else line)
    tick_room = rc["ytick.major.size"] + rc["ytick.major.pad"]
    # the first and last x tick labels are centred on the axes' edges: half of each hangs outside
    x_first, x_last = (_text_width(x_ticks[i], tick_size) / 2 if x_ticks else 0.0 for i in (0, -1))
    left = pad + max(label_size * line + rc["axes.labelpad"] + y_ticks + tick_room, x_first)
    bottom = pad + label_size * line + rc["axes.labelpad"] + x_tick_height + rc["xtick.major.size"] + rc[
        "xtick.major.pad"]
    title = ax.title
    title_size = float(title.get_fontsize())
    title_lines = title.get_text().split("\n")
    # a line with mathtext may carry sub- and superscripts: a taller line
    top = pad + title_size * sum(1.45 if "$" in t else line for t in title_lines) + rc["axes.titlepad"]
    # the legend: its offset from the axes (1% of their width, about 0.06 in), its
    # border padding, the colour key and the longest label
    size = float(legend.prop.get_size_in_points())
    texts = [t.get_text() for t in legend.get_texts()]
    key = (2 * legend.borderpad + legend.handlelength + legend.handletextpad + legend.borderaxespad) * size
    right = pad + max(key + max((_text_width(t, size) for t in texts), default=0.0), x_last)
    axes_width_in = width_in - (left + right) / 72
    right += 0.01 * axes_width_in * 72
    # a legend or title too large for the figure still leaves the axes a fifth of it
    left_f, bottom_f = left / 72 / width_in, bottom / 72 / height_in
    fig.subplots_adjust(left=left_f, right=max(1 - right / 72 / width_in, left_f + 0.2),
                        bottom=bottom_f, top=max(1 - top / 72 / height_in, bottom_f + 0.2))
