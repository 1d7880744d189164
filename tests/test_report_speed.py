"""The report's rendering does less work without changing what it shows (issue 19):
map figures get computed margins instead of ``tight_layout`` (no labels clipped),
a typesetter parses each text once, and rendering sets the existing heap aside
from the garbage collector only while it runs."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from boundprop.errors import ExpressionError
from boundprop.loader import load_paper
from boundprop.propagate import load_annotations
from boundprop.regimes import build_problem, default_problem, parse_axis, parse_fix, pave
from boundprop.report.notation import Typesetter
from boundprop.report.output import _old_objects_set_aside
from boundprop.report.plot import map_figure

PAPER = "alman-song-2025"


@pytest.fixture(scope="module")
def paper() -> Any:
    return load_paper(PAPER)


def _map(paper: Any, theorem: str, params: list[str], fix: list[str], regimes: tuple[str, ...] = ()) -> Any:
    ann = load_annotations(paper)
    axes = [parse_axis(s, paper, ann) for s in params]
    fixed = dict(parse_fix(s, paper, ann) for s in fix)
    return pave(build_problem(paper, theorem, axes, fixed, regimes, ann), depth=4)


def _maps(paper: Any) -> list[tuple[Any, str | None]]:
    fix = ["H=8", "phi0=1", "d=16", "k=16", "beta=1/4", "c=1", "n=65536"]
    return [
        (pave(default_problem(paper, "R2"), depth=4), None),
        # a log y axis (tick labels 10^k on both axes) and the regime overlay's legend
        (_map(paper, "R2", ["eta=1/10000:1:log", "phi0=1/1000:1000:log"],
              [f for f in fix if not f.startswith("phi0")] + ["L=4"], ("fast-attention",)), None),
        # the axes swapped, a title of one long line
        (_map(paper, "R2", ["L=1:64", "eta=1/10000:1:log"], fix), "a title of one line, rather longer than usual"),
    ]


def _inside(box: Any, outer: Any, slack: float = 0.5) -> bool:
    return bool(box.x0 >= outer.x0 - slack and box.y0 >= outer.y0 - slack
                and box.x1 <= outer.x1 + slack and box.y1 <= outer.y1 + slack)


def _drawn_ticks(labels: list[Any], limits: tuple[float, float], coordinate: int) -> list[Any]:
    """The tick labels matplotlib draws: those with text at a tick inside the view."""
    lo, hi = sorted(limits)
    return [t for t in labels if t.get_text() and lo <= t.get_position()[coordinate] <= hi]


def test_map_margins_keep_every_label_inside_the_figure(paper: Any) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for rmap, title in _maps(paper):
        fig = map_figure(rmap, title=title)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        page = fig.bbox
        (ax,) = fig.axes
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_legend().get_texts()]
        texts += _drawn_ticks(ax.get_xticklabels(), ax.get_xlim(), 0)
        texts += _drawn_ticks(ax.get_yticklabels(), ax.get_ylim(), 1)
        for text in texts:
            box = text.get_window_extent(renderer)
            assert _inside(box, page), (text.get_text(), box, page)
        # the legend sits right of the axes, not over them, and the axes keep most of the figure
        legend = ax.get_legend().get_window_extent(renderer)
        axes = ax.get_window_extent(renderer)
        assert legend.x0 >= axes.x1
        assert axes.width > 0.5 * page.width and axes.height > 0.7 * page.height
        # and the tick labels do not run into the axis labels
        y_ticks = [t.get_window_extent(renderer) for t in _drawn_ticks(ax.get_yticklabels(), ax.get_ylim(), 1)]
        assert ax.yaxis.label.get_window_extent(renderer).x1 <= min(b.x0 for b in y_ticks) + 0.5


def test_map_figure_is_laid_out_without_drawing(paper: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the map figure must not be drawn to lay it out")

    monkeypatch.setattr(Figure, "tight_layout", refuse)
    monkeypatch.setattr(Figure, "draw", refuse)
    rmap, _ = _maps(paper)[0]
    fig = map_figure(rmap)
    assert 0 < fig.subplotpars.left < fig.subplotpars.right < 1


def test_a_typesetter_parses_each_text_once(paper: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    typesetter = Typesetter(paper)
    calls: list[str] = []
    parse = Typesetter._parse

    def counted(self: Typesetter, text: str, extra: Any) -> Any:
        calls.append(text)
        return parse(self, text, extra)

    monkeypatch.setattr(Typesetter, "_parse", counted)
    text = "eta <= 1"
    first = typesetter.expression(text)
    assert typesetter.expression(text) == first == Typesetter(paper).expression(text)
    assert calls.count(text) == 2  # once per typesetter
    for _ in range(2):  # a text that does not parse raises every time, and is shown as code
        with pytest.raises(ExpressionError):
            typesetter.parse("eta <= undefined_name")
    assert calls.count("eta <= undefined_name") == 1
    assert typesetter.expression("eta <= undefined_name").startswith(r"\text{\texttt{")


def test_rendering_hands_the_heap_back_to_the_collector() -> None:
    assert gc.get_freeze_count() == 0
    with _old_objects_set_aside():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    # a program that froze objects itself, or turned the collector off, is left as it was
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with _old_objects_set_aside():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        with _old_objects_set_aside():
            assert gc.get_freeze_count() == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_every_command_leaves_the_heap_to_the_system_at_exit_once(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    """The CLI registers one atexit handler that freezes the heap (the final collections
    then skip it); running commands again in the same process does not register a second."""
    import atexit

    from boundprop import cli

    registered: list[Any] = []
    monkeypatch.setattr(atexit, "register", registered.append)
    monkeypatch.setattr(atexit, "unregister", lambda f: registered.remove(f) if f in registered else None)
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("a.html", "b.html"):
        code, _, err = run_cli("report", "example", "--out", str(tmp_path / name), "--no-maps", "--no-tables")
        assert code == 0, err
        assert (tmp_path / name).read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert run_cli("graph", "example", "--format", "dot")[0] == 0
    handler = cli._leave_the_heap_to_the_system
    assert registered.count(handler) == 1  # (libraries register their own handlers too)
    assert gc.get_freeze_count() == 0
    try:
        handler()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
