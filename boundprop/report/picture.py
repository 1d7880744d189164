"""What a regime map's drawing shows, once: its rectangles by class with their
colours and legend labels, the two axes with their ranges, scales and ticks, and
its title. :mod:`boundprop.report.plot` draws it with matplotlib (png, svg, pdf
files); :func:`map_svg_html` and :func:`map_latex` draw it without matplotlib, in
the report's own languages: an SVG with MathML labels for the HTML page, a
LaTeX ``picture`` (typeset with the document's fonts) for the LaTeX report.

Each cell of a :class:`~boundprop.maps.RegimeMap` is a rectangle over the map's
two split axes (integer axes as ``[lo - 1/2, hi + 1/2]`` so that every integer
value gets a visible strip). Colours:

* without declared regimes, one colour per class, and vacuous cells shaded
  by the first baseline they are no better than (the legend names it);
* with a declared regime (fast attention), the four combinations of "the
  regime holds" and "the bound is informative" plus undetermined (hatched).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from html import escape as _html

from boundprop.errors import InputError
from boundprop.maps import Axis, Cell, CellClass, RegimeMap, combined_class
from boundprop.report.escape import escape
from boundprop.report.mathml import math_html
from boundprop.report.notation import symbol_latex
from boundprop.report.numbers import fraction_latex

__all__ = [
    "CLASS_COLOURS",
    "COMBINED_COLOURS",
    "EDGES_UP_TO",
    "Layer",
    "MapPicture",
    "Tick",
    "map_latex",
    "map_picture",
    "map_svg_html",
    "ticks",
]

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

EDGES_UP_TO = 4000  # a class of more cells is drawn without their borders (they would cover the colour)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in the axes' values


@dataclass(frozen=True, slots=True)
class Layer:
    """The cells of one colour: the legend's entry and its rectangles."""

    key: str  # the class ("informative", "vacuous:BASELINE", or a combined class with a regime)
    colour: str  # "#rrggbb"
    label: str  # the legend's words (plain text)
    boxes: tuple[Box, ...]

    @property
    def hatched(self) -> bool:
        return self.key == CellClass.UNDETERMINED.value

    @property
    def edges(self) -> bool:
        return len(self.boxes) < EDGES_UP_TO


@dataclass(frozen=True, slots=True)
class Tick:
    value: float
    latex: str  # the label as LaTeX math ("10", "0.25", "10^{-4}")


@dataclass(frozen=True, slots=True)
class MapPicture:
    """A regime map as a drawing: everything the three renderers draw."""

    x: Axis
    y: Axis
    x_range: tuple[float, float]  # the drawn extent (integer axes widened by 1/2)
    y_range: tuple[float, float]
    layers: tuple[Layer, ...]  # in the legend's order, only classes that occur
    heading: str  # plain text: the title's first line, or the title given
    fixed: tuple[tuple[str, str, Fraction], ...]  # (name, the lemma file's LaTeX, value); none with a given title
    projected: tuple[Axis, ...]  # axes not split (the classes hold for all their values)

    def x_ticks(self) -> tuple[Tick, ...]:
        return ticks(*self.x_range, log=self.x.log, integer=self.x.integer)

    def y_ticks(self) -> tuple[Tick, ...]:
        return ticks(*self.y_range, log=self.y.log, integer=self.y.integer)

    def position(self, value: float, vertical: bool) -> float:
        """Where ``value`` sits along the x (or y) axis, from 0 to 1."""
        axis, (lo, hi) = (self.y, self.y_range) if vertical else (self.x, self.x_range)
        if _logarithmic(axis, lo):
            return (math.log(value) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return (value - lo) / (hi - lo) if hi != lo else 0.0


def _logarithmic(axis: Axis, lo: float) -> bool:
    return axis.log and lo > 0


def _extent(axis: Axis, lo: float, hi: float) -> tuple[float, float]:
    if axis.integer:
        return lo - 0.5, hi + 0.5
    return lo, hi


def map_picture(rmap: RegimeMap, axes: Sequence[str] | None = None, title: str | None = None) -> MapPicture:
    """The drawing of ``rmap`` over ``axes`` (the x and y parameters; default: the
    first two split axes). Raises :class:`InputError` unless exactly two axes are free."""
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
    boxes: dict[str, list[Box]] = {}
    for cell in rmap.cells:
        key = _key(cell, rmap, with_regime, vacuous_names)
        x0, x1 = _extent(ax_x, float(cell.box[ix][0]), float(cell.box[ix][1]))
        y0, y1 = _extent(ax_y, float(cell.box[iy][0]), float(cell.box[iy][1]))
        boxes.setdefault(key, []).append((x0, y0, x1, y1))
    colours = _colours(rmap, with_regime, vacuous_names)
    layers = tuple(Layer(k, colour, label, tuple(boxes[k])) for k, (colour, label) in colours.items() if k in boxes)
    given = title is not None
    return MapPicture(
        x=ax_x,
        y=ax_y,
        x_range=_extent(ax_x, float(ax_x.lo), float(ax_x.hi)),
        y_range=_extent(ax_y, float(ax_y.lo), float(ax_y.hi)),
        layers=layers,
        heading=title if title is not None else f"{problem.label}: where the bound says something",
        fixed=() if given else tuple((k, problem.latex.get(k, k), v) for k, v in problem.fixed.items()),
        projected=() if given else tuple(a for a in problem.axes if not a.split),
    )


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


# ---------------------------------------------------------------------------
# ticks

_STEPS = (1, 2, Fraction(5, 2), 5, 10)
_MOST_TICKS = 9


def ticks(lo: float, hi: float, log: bool = False, integer: bool = False) -> tuple[Tick, ...]:
    """Labelled ticks over ``[lo, hi]``: on a log scale the powers of ten inside
    it (every second, third, ... when there are many), else round numbers: the
    multiples of the smallest step 1, 2, 2.5 or 5 times a power of ten (a whole
    number on an ``integer`` axis) that leaves at most nine ticks. A log range
    holding fewer than two powers of ten gets round numbers.

    >>> [t.latex for t in ticks(0.5, 64.5)]
    ['10', '20', '30', '40', '50', '60']
    >>> [t.latex for t in ticks(1e-4, 1.0, log=True)]
    ['10^{-4}', '10^{-3}', '10^{-2}', '10^{-1}', '10^{0}']
    >>> [t.latex for t in ticks(0, 1)]
    ['0', '0.2', '0.4', '0.6', '0.8', '1']
    >>> [t.latex for t in ticks(0.5, 3.5, integer=True)]
    ['1', '2', '3']
    """
    if hi < lo:
        lo, hi = hi, lo
    if log and lo > 0:
        first, last = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
        if last > first:
            every = math.ceil((last - first + 1) / _MOST_TICKS)
            return tuple(Tick(10.0**k, f"10^{{{k}}}") for k in range(first, last + 1) if (k - first) % every == 0)
    if hi == lo:
        return (Tick(lo, _decimal(Decimal(repr(lo)))),)
    scale = Fraction(10) ** math.floor(math.log10(hi - lo))
    span = Fraction(hi) - Fraction(lo)
    for size in (scale / 10 * s for s in _STEPS + tuple(10 * s for s in _STEPS[1:])):
        if integer and size.denominator != 1:
            continue
        first_n, last_n = math.ceil(Fraction(lo) / size), math.floor(Fraction(hi) / size)
        if last_n - first_n + 1 <= _MOST_TICKS or size >= span:
            step = Decimal(size.numerator) / Decimal(size.denominator)
            return tuple(Tick(float(n * size), _decimal(n * step)) for n in range(first_n, last_n + 1))
    raise AssertionError("unreachable: the largest step leaves at most two ticks")  # pragma: no cover


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


# ---------------------------------------------------------------------------
# HTML: an SVG of the cells and ticks, the labels and legend as HTML with MathML

_W, _H = 400.0, 280.0  # the plot area, in SVG units (it scales with the page)
_LEFT, _BOTTOM, _TOP, _RIGHT = 52.0, 26.0, 6.0, 14.0  # room for the tick labels


def _svg_tick_label(latex: str) -> str:
    if latex.startswith("10^{"):
        power = latex[4:-1].replace("-", "\u2212")
        return f'10<tspan dy="-7" font-size="9.5">{_html(power)}</tspan>'
    return _html(latex.replace("-", "\u2212"))


def _subtitle(picture: MapPicture, math: Callable[[str], str]) -> str:
    """The title's second line (as matplotlib's: the fixed values, then the projected
    axes), each formula rendered by ``math`` (``$...$`` for LaTeX, MathML for HTML)."""
    fixed = ", ".join(math(f"{symbol_latex(name, latex)} = {fraction_latex(v)}") for name, latex, v in picture.fixed)
    projected = ", ".join(
        math(rf"{symbol_latex(a.name, a.latex)} \in [{fraction_latex(a.lo)}, {fraction_latex(a.hi)}]")
        for a in picture.projected
    )
    return "; ".join(x for x in (fixed, f"for all {projected}" if projected else "") if x)


def map_svg_html(picture: MapPicture, ident: str) -> str:
    """The map as HTML: its title and axis labels (MathML) around an SVG of the
    cells and the ticks, the legend beside it. ``ident`` makes the SVG's ids
    unique in the page."""
    sx, sy = _W, _H

    def px(value: float) -> float:
        return _LEFT + sx * picture.position(value, vertical=False)

    def py(value: float) -> float:
        return _TOP + sy * (1 - picture.position(value, vertical=True))

    hatch = f"{ident}-hatch"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-plot" viewBox="0 0 {_LEFT + _W + _RIGHT:g} '
        f'{_TOP + _H + _BOTTOM:g}" role="img">',
        f'<defs><pattern id="{hatch}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="0.7"/>'
        f"</pattern></defs>",
    ]
    for layer in picture.layers:
        stroke = ' stroke="#000" stroke-opacity="0.13" stroke-width="0.3"' if layer.edges else ""
        out.append(f'<g fill="{layer.colour}"{stroke}><title>{_html(layer.label)}</title>')
        for x0, y0, x1, y1 in layer.boxes:
            left, right, top, bottom = px(x0), px(x1), py(y1), py(y0)
            rect = f'x="{left:.2f}" y="{top:.2f}" width="{right - left:.2f}" height="{bottom - top:.2f}"'
            out.append(f"<rect {rect}/>")
            if layer.hatched:
                out.append(f'<rect {rect} fill="url(#{hatch})"/>')
        out.append("</g>")
    out.append(f'<rect x="{_LEFT}" y="{_TOP}" width="{_W}" height="{_H}" fill="none" stroke="#000" '
               'stroke-width="0.8"/>')
    out.append('<g font-family="sans-serif" font-size="13" fill="#000">')
    for tick in picture.x_ticks():
        x = px(tick.value)
        out.append(f'<line x1="{x:.2f}" y1="{_TOP + _H}" x2="{x:.2f}" y2="{_TOP + _H + 4}" stroke="#000"/>')
        out.append(f'<text x="{x:.2f}" y="{_TOP + _H + 17}" text-anchor="middle">'
                   f"{_svg_tick_label(tick.latex)}</text>")
    for tick in picture.y_ticks():
        y = py(tick.value)
        out.append(f'<line x1="{_LEFT - 4}" y1="{y:.2f}" x2="{_LEFT}" y2="{y:.2f}" stroke="#000"/>')
        out.append(f'<text x="{_LEFT - 7}" y="{y + 4:.2f}" text-anchor="end">{_svg_tick_label(tick.latex)}</text>')
    out.append("</g></svg>")
    legend = "".join(
        f'<li><span class="swatch{" hatched" if layer.hatched else ""}" style="background-color:{layer.colour}">'
        f"</span>{_html(layer.label)}</li>"
        for layer in picture.layers
    )
    subtitle = _subtitle(picture, math_html)
    title = _html(picture.heading) + (f"<br>{subtitle}" if subtitle else "")
    x_label = math_html(symbol_latex(picture.x.name, picture.x.latex))
    y_label = math_html(symbol_latex(picture.y.name, picture.y.latex))
    return (
        f'<div class="map"><div class="map-title">{title}</div>'
        f'<div class="map-row"><div class="map-ylabel">{y_label}</div>'
        f'<div class="map-axes">{"".join(out)}<div class="map-xlabel">{x_label}</div></div>'
        f'<ul class="map-legend">{legend}</ul></div></div>'
    )


# ---------------------------------------------------------------------------
# LaTeX: a picture environment (xcolor fills), labels typeset by LaTeX

_PT_W, _PT_H = 230.0, 160.0  # the plot area, in points
_HATCH_PT = 5.0  # the hatching's spacing


def _colour_latex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _hatch_lines(x0: float, y0: float, x1: float, y1: float) -> list[str]:
    """Diagonal lines (slope 1) across a rectangle, clipped to it, as picture commands
    (one grid of lines for the whole picture, so neighbouring cells' hatching joins)."""
    lines = []
    c = math.floor((y0 - x1) / _HATCH_PT) * _HATCH_PT  # lines y = x + c, spaced _HATCH_PT apart
    while c < y1 - x0:
        start_x = max(x0, y0 - c)
        end_x = min(x1, y1 - c)
        if end_x - start_x > 0.05:
            # a rule turned 45 degrees (graphicx): picture mode's own sloped lines are not drawn under 10pt
            rule = rf"\rule{{{(end_x - start_x) * math.sqrt(2):.2f}pt}}{{0.3pt}}"
            lines.append(rf"\put({start_x:.2f},{start_x + c:.2f}){{\rotatebox{{45}}{{{rule}}}}}")
        c += _HATCH_PT
    return lines


def map_latex(picture: MapPicture) -> str:
    r"""The map as LaTeX: a ``picture`` of the cells and the ticks (package xcolor
    for the fills), its title above and its legend beside it, every label typeset
    by LaTeX in the document's fonts (for a ``figure``; no file to include)."""

    def px(value: float) -> float:
        return _PT_W * picture.position(value, vertical=False)

    def py(value: float) -> float:
        return _PT_H * picture.position(value, vertical=True)

    y_ticks = picture.y_ticks()
    # room for the y tick labels (generously 5.5pt a character at \footnotesize) and the y label
    left = 24.0 + 5.5 * max((len(t.latex.replace("^{", "").replace("}", "")) for t in y_ticks), default=1)
    below = 27.0  # the x tick labels and the x label
    body = [r"\setlength{\unitlength}{1pt}",
            rf"\begin{{picture}}({_PT_W + left:g},{_PT_H + below:g})(-{left:g},-{below:g})", r"\linethickness{0.2pt}"]
    for number, layer in enumerate(picture.layers):
        fill = f"bpmap{number}"
        # a border 13% black over the fill (matplotlib's #00000022)
        body.append(rf"\definecolor{{{fill}}}{{HTML}}{{{_colour_latex(layer.colour)}}}")
        for x0, y0, x1, y1 in layer.boxes:
            a, b, c, d = px(x0), py(y0), px(x1), py(y1)
            at, width, height = rf"\put({a:.2f},{b:.2f})", c - a, d - b
            body.append(at + rf"{{\textcolor{{{fill}}}{{\rule{{{width:.2f}pt}}{{{height:.2f}pt}}}}}}")
            if layer.hatched:
                body += _hatch_lines(a, b, c, d)
            if layer.edges:
                body.append(at + rf"{{\textcolor{{{fill}!87!black}}{{\framebox({width:.2f},{height:.2f}){{}}}}}}")
    body.append(r"\linethickness{0.5pt}")
    body.append(rf"\put(0,0){{\framebox({_PT_W:g},{_PT_H:g}){{}}}}")
    for tick in picture.x_ticks():
        x = px(tick.value)
        body.append(rf"\put({x:.2f},0){{\line(0,-1){{3}}}}")
        body.append(rf"\put({x:.2f},-5){{\makebox(0,0)[t]{{\footnotesize${tick.latex}$}}}}")
    for tick in y_ticks:
        y = py(tick.value)
        body.append(rf"\put(0,{y:.2f}){{\line(-1,0){{3}}}}")
        body.append(rf"\put(-5,{y:.2f}){{\makebox(0,0)[r]{{\footnotesize${tick.latex}$}}}}")
    x_label = symbol_latex(picture.x.name, picture.x.latex)
    y_label = symbol_latex(picture.y.name, picture.y.latex)
    body.append(rf"\put({_PT_W / 2:g},-{below:g}){{\makebox(0,0)[b]{{${x_label}$}}}}")
    body.append(rf"\put(-{left:g},{_PT_H / 2:g}){{\makebox(0,0)[l]{{${y_label}$}}}}")
    body.append(r"\end{picture}")
    swatches = []
    for layer in picture.layers:
        inner = r"\rule{0pt}{7pt}\rule{11pt}{0pt}"
        if layer.hatched:
            inner = r"\begin{picture}(11,7)" + "".join(_hatch_lines(0, 0, 11, 7)) + r"\end{picture}"
        swatches.append(
            rf"\fcolorbox[HTML]{{000000}}{{{_colour_latex(layer.colour)}}}{{{inner}}} & {escape(layer.label)} \\"
        )
    legend = (r"\raisebox{\dimexpr " + f"{_PT_H + below:g}pt" + r"-\height\relax}{\footnotesize"
              r"\setlength{\fboxsep}{0pt}\setlength{\fboxrule}{0.4pt}"
              r"\begin{tabular}{@{}c@{\ }>{\raggedright\arraybackslash}p{14em}@{}}"
              + "\n".join(swatches) + r"\end{tabular}}")
    subtitle = _subtitle(picture, lambda latex: f"${latex}$")
    heading = escape(picture.heading) + (r"\\" + subtitle if subtitle else "")
    title = r"\parbox{\linewidth}{\centering\small " + heading + "}"
    return "\n".join([title + r"\par\medskip", *body, r"\hspace{1.5em}%", legend])
