"""A regime map's drawing (boundprop.report.picture): the report draws it without
matplotlib, as SVG for the HTML page and as a LaTeX picture, and both show the
cells, classes and colours that matplotlib's figure (``regimes --plot``) shows."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

import pytest

from boundprop.loader import load_paper
from boundprop.maps import CellClass, combined_class
from boundprop.propagate import load_annotations
from boundprop.regimes import build_problem, default_problem, parse_axis, parse_fix, pave
from boundprop.report.picture import CLASS_COLOURS, MapPicture, map_latex, map_picture, map_svg_html, ticks

PAPER = "alman-song-2025"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def maps() -> list[Any]:
    paper = load_paper(PAPER)
    ann = load_annotations(paper)
    fix = ["H=8", "d=16", "k=16", "beta=1/4", "c=1", "n=65536", "L=4"]
    axes = [parse_axis(s, paper, ann) for s in ("eta=1/10000:1:log", "phi0=1/1000:1000:log")]
    fixed = dict(parse_fix(s, paper, ann) for s in fix)
    with_regime = build_problem(paper, "R2", axes, fixed, ("fast-attention",), ann)
    return [pave(default_problem(paper, "R2"), depth=6), pave(with_regime, depth=4)]


def _expected(rmap: Any) -> Counter[str]:
    """How many cells of each class the map has (with a regime: its combined classes)."""
    problem = rmap.problem
    if problem.regimes:
        return Counter(combined_class(cell, problem) for cell in rmap.cells)
    return Counter(
        f"vacuous:{cell.baselines[0]}" if cell.klass is CellClass.VACUOUS and cell.baselines else cell.klass.value
        for cell in rmap.cells
    )


def test_the_picture_has_every_cell_once_in_its_class(maps: list[Any]) -> None:
    for rmap in maps:
        picture = map_picture(rmap)
        assert Counter({layer.key: len(layer.boxes) for layer in picture.layers}) == _expected(rmap)
        assert len({layer.colour for layer in picture.layers}) == len(picture.layers)  # a colour a class
        # the drawn extent covers every box, and integer axes get half a unit on each side
        (x0, x1), (y0, y1) = picture.x_range, picture.y_range
        for layer in picture.layers:
            for a, b, c, d in layer.boxes:
                assert x0 <= a < c <= x1 and y0 <= b < d <= y1
        for axis, (lo, hi) in ((picture.x, picture.x_range), (picture.y, picture.y_range)):
            assert (lo, hi) == ((float(axis.lo) - 0.5, float(axis.hi) + 0.5) if axis.integer
                                else (float(axis.lo), float(axis.hi)))


def _svg_of(html: str) -> ET.Element:
    found = re.search(r"<svg.*?</svg>", html, re.DOTALL)
    assert found is not None
    return ET.fromstring(found.group(0))


def test_svg_and_latex_draw_the_same_cells_and_colours_as_the_figure(maps: list[Any]) -> None:
    pytest.importorskip("matplotlib")
    from boundprop.report.plot import map_figure

    for rmap in maps:
        picture = map_picture(rmap)
        expected = {layer.colour: len(layer.boxes) for layer in picture.layers}
        svg = _svg_of(map_svg_html(picture, "m0"))
        drawn: Counter[str] = Counter()
        for group in svg.iter(f"{SVG}g"):
            cells = sum(1 for r in group.iter(f"{SVG}rect") if r.get("fill") is None)  # the hatching has its own
            if cells:
                drawn[group.get("fill", "")] += cells
        assert dict(drawn) == expected
        latex = map_latex(picture)
        defined = dict(re.findall(r"\\definecolor\{(bpmap\d+)\}\{HTML\}\{([0-9A-F]{6})\}", latex))
        fills = Counter(re.findall(r"\\textcolor\{(bpmap\d+)\}\{\\rule", latex))
        assert {"#" + defined[name].lower(): n for name, n in fills.items()} == expected
        # matplotlib's figure: one collection a class, the same colours and numbers of rectangles
        (ax,) = map_figure(rmap).axes
        from matplotlib.colors import to_hex

        figure = {to_hex(c.get_facecolor()[0]): len(c.get_paths()) for c in ax.collections}
        assert figure == expected
        # the legends name the same classes in the same order
        labels = [layer.label for layer in picture.layers]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == labels
        assert re.findall(r"</span>([^<]*)</li>", map_svg_html(picture, "m0")) == labels


def test_undetermined_cells_are_hatched_everywhere(maps: list[Any]) -> None:
    rmap = maps[0]
    picture = map_picture(rmap)
    undetermined = [layer for layer in picture.layers if layer.key == CellClass.UNDETERMINED.value]
    assert undetermined and undetermined[0].hatched and undetermined[0].colour == CLASS_COLOURS["undetermined"]
    html = map_svg_html(picture, "m7")
    assert html.count('fill="url(#m7-hatch)"') == len(undetermined[0].boxes)
    assert 'class="swatch hatched"' in html
    assert r"\rotatebox{45}" in map_latex(picture)


def test_the_page_s_drawings_have_their_own_ids(maps: list[Any]) -> None:
    pictures = [map_picture(rmap) for rmap in maps]
    ids = [element.get("id") for i, p in enumerate(pictures)
           for element in _svg_of(map_svg_html(p, f"map-{i}")).iter() if element.get("id")]
    assert ids and len(ids) == len(set(ids))


def test_ticks() -> None:
    assert [t.latex for t in ticks(1e-4, 1.0, log=True)] == ["10^{-4}", "10^{-3}", "10^{-2}", "10^{-1}", "10^{0}"]
    assert [t.value for t in ticks(0.5, 64.5, integer=True)] == [10, 20, 30, 40, 50, 60]
    assert [t.latex for t in ticks(0.5, 3.5, integer=True)] == ["1", "2", "3"]
    assert [t.latex for t in ticks(-1, 1)] == ["-1", "-0.75", "-0.5", "-0.25", "0", "0.25", "0.5", "0.75", "1"]
    assert [t.latex for t in ticks(0, 0.25)] == ["0", "0.05", "0.1", "0.15", "0.2", "0.25"]
    many = ticks(1e-30, 1.0, log=True)
    assert 2 <= len(many) <= 9 and many[0].latex == "10^{-30}"
    # a log range within one power of ten gets round numbers
    assert [t.latex for t in ticks(2.0, 8.0, log=True)] == ["2", "3", "4", "5", "6", "7", "8"]
    for lo, hi in ((0.001, 0.0013), (3.0, 1000.0), (-7.5, 2.25)):
        found = ticks(lo, hi)
        assert 2 <= len(found) <= 9 and all(lo <= t.value <= hi for t in found)


def test_positions_follow_the_scale(maps: list[Any]) -> None:
    picture: MapPicture = map_picture(maps[0])
    assert picture.x.log and not picture.y.log
    assert picture.position(1e-4, vertical=False) == pytest.approx(0.0)
    assert picture.position(1e-2, vertical=False) == pytest.approx(0.5)
    assert picture.position(picture.y_range[1], vertical=True) == pytest.approx(1.0)


def test_the_report_draws_its_maps_without_matplotlib(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from latex_support import DATA, fake_decide

    from boundprop.api import report_content
    from boundprop.report.output import html_file, latex_document

    monkeypatch.setattr("boundprop.check.default_decide", fake_decide)
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path))
    content = report_content(str(DATA / "toy_collapse.toml"), depth=4, tables=False, cache=False)
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # importing it fails
    page = html_file(content, show_seconds=False)
    tex = latex_document(content, show_seconds=False).tex
    assert page.html.count('<div class="map">') == len(content.maps) > 0
    assert tex.count(r"\begin{picture}(") >= len(content.maps)
    assert not [n for n in page.notes if "not drawn" in n]
