"""Regime maps as pictures (matplotlib figures; png, svg or pdf).

Each cell of a :class:`~boundprop.maps.RegimeMap` is drawn as a rectangle
over the map's two split axes (integer axes as ``[lo - 1/2, hi + 1/2]`` so
that every integer value gets a visible strip). Colours:

* without declared regimes, one colour per class, and vacuous cells shaded
  by the first baseline they are no better than (the legend names it);
* with a declared regime (fast attention), the four combinations of "the
  regime holds" and "the bound is informative" plus undetermined.

Axes carry the parameters' own symbols (their ``latex`` from the lemma
file) and are logarithmic where the axis was asked as ``:log``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from boundprop.errors import InputError
from boundprop.maps import Axis, Cell, CellClass, RegimeMap, combined_class

__all__ = ["CLASS_COLOURS", "COMBINED_COLOURS", "map_figure", "plot_map"]

CLASS_COLOURS = {
    CellClass.PREMISES_FAIL.value: "#9e9e9e",
    CellClass.VACUOUS.value: "#e66101",
    CellClass.INFORMATIVE.value: "#1a9641",
    CellClass.UNDETERMINED.value: "#ffffff",
}
_VACUOUS_SHADES = ("#e66101", "#fdb863", "#b2182b", "#f4a582")

COMBINED_COLOURS = {
    "both": "#1a9641",
    "regime-only": "#2c7bb6",
    "informative-only": "#a6d96a",
    "neither": "#d7191c",
    "undetermined": "#ffffff",
}

_FORMATS = {".png", ".svg", ".pdf"}


def _symbol(axis: Axis) -> str:
    latex = axis.latex or axis.name
    return f"${latex}$" if "\\" in latex or len(latex) <= 3 else latex


def _latex_of(rmap: RegimeMap, name: str) -> str:
    latex = rmap.problem.latex.get(name, name)
    return f"${latex}$"


def _extent(axis: Axis, lo: float, hi: float) -> tuple[float, float]:
    if axis.integer:
        return lo - 0.5, hi + 0.5
    return lo, hi


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

    problem = rmap.problem
    split = [a for a in problem.axes if a.split and a.lo != a.hi]
    names = list(axes) if axes else [a.name for a in split[:2]]
    if len(names) != 2 or len(split) != 2:
        free = ", ".join(a.name for a in split) or "none"
        raise InputError(
            f"a plot needs exactly two free parameters (`params`), others fixed or projected; free: {free}"
        )
    index = {a.name: i for i, a in enumerate(problem.axes)}
    ix, iy = index[names[0]], index[names[1]]
    ax_x, ax_y = problem.axes[ix], problem.axes[iy]

    with_regime = bool(problem.regimes)
    vacuous_names: list[str] = []
    patches: dict[str, list[Any]] = {}
    for cell in rmap.cells:
        key = _key(cell, rmap, with_regime, vacuous_names)
        x0, x1 = _extent(ax_x, float(cell.box[ix][0]), float(cell.box[ix][1]))
        y0, y1 = _extent(ax_y, float(cell.box[iy][0]), float(cell.box[iy][1]))
        patches.setdefault(key, []).append(Rectangle((x0, y0), x1 - x0, y1 - y0))

    colours = _colours(rmap, with_regime, vacuous_names)
    fig = Figure(figsize=(7.5, 5.5))
    ax = fig.subplots()
    for key, rects in patches.items():
        colour = colours[key][0]
        ax.add_collection(
            PatchCollection(rects, facecolor=colour, edgecolor="#00000022" if len(rects) < 4000 else colour,
                            linewidth=0.2, hatch="///" if key == "undetermined" else None)
        )
    for label, point in markers:
        if ax_x.name in point and ax_y.name in point:
            x, y = point[ax_x.name], point[ax_y.name]
            ax.plot([x], [y], marker="*", markersize=14, color="black", markeredgecolor="white", zorder=5)
            ax.annotate(label, (x, y), textcoords="offset points", xytext=(7, 7), fontsize=8, zorder=5)
    xl = _extent(ax_x, float(ax_x.lo), float(ax_x.hi))
    yl = _extent(ax_y, float(ax_y.lo), float(ax_y.hi))
    ax.set_xlim(*xl)
    ax.set_ylim(*yl)
    if ax_x.log:
        ax.set_xscale("log")
    if ax_y.log:
        ax.set_yscale("log")
    ax.set_xlabel(_symbol(ax_x))
    ax.set_ylabel(_symbol(ax_y))
    fixed = ", ".join(f"{_latex_of(rmap, k)}$={v}$" for k, v in problem.fixed.items())
    projected = ", ".join(f"{a.name}∈[{a.lo}, {a.hi}]" for a in problem.axes if not a.split)
    subtitle = "; ".join(x for x in (fixed, f"for all {projected}" if projected else "") if x)
    ax.set_title(title or f"{problem.label}: where the bound says something\n{subtitle}", fontsize=10)
    handles = [
        Patch(facecolor=colours[k][0], edgecolor="black", linewidth=0.5,
              hatch="///" if k == "undetermined" else None, label=colours[k][1])
        for k in colours if k in patches
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


def _key(cell: Cell, rmap: RegimeMap, with_regime: bool, vacuous_names: list[str]) -> str:
    if with_regime:
        return combined_class(cell, rmap.problem)
    if cell.klass is CellClass.VACUOUS and cell.baselines:
        name = cell.baselines[0]
        if name not in vacuous_names:
            vacuous_names.append(name)
        return f"vacuous:{name}"
    return cell.klass.value


def _colours(rmap: RegimeMap, with_regime: bool, vacuous_names: list[str]) -> dict[str, tuple[str, str]]:
    if with_regime:
        regime = rmap.problem.regimes[0]
        yes, no = regime.labels
        return {
            "both": (COMBINED_COLOURS["both"], f"{yes} and bound informative"),
            "regime-only": (COMBINED_COLOURS["regime-only"], f"{yes}, bound not informative"),
            "informative-only": (COMBINED_COLOURS["informative-only"], f"{no}, bound informative"),
            "neither": (COMBINED_COLOURS["neither"], f"{no}, bound not informative"),
            "undetermined": (COMBINED_COLOURS["undetermined"], "undetermined at this depth"),
        }
    colours = {
        CellClass.INFORMATIVE.value: (CLASS_COLOURS["informative"], "informative (beats every baseline)"),
        CellClass.PREMISES_FAIL.value: (CLASS_COLOURS["premises-fail"], "premises fail"),
    }
    for i, name in enumerate(vacuous_names):
        colours[f"vacuous:{name}"] = (_VACUOUS_SHADES[i % len(_VACUOUS_SHADES)], f"vacuous (no better than {name})")
    colours[CellClass.UNDETERMINED.value] = (CLASS_COLOURS["undetermined"], "undetermined at this depth")
    return colours
