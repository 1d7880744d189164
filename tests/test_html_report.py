"""The HTML report: the same sections as the PDF, self-contained, and working in a real browser.

The report of the toy paper (tests/data/toy_collapse.toml, with its regime maps
and bound tables) is built once with the deterministic stand-in backend; the
browser test opens it in Debian's headless Chromium through the DevTools
protocol. It is skipped only when Chromium is missing outside CI; in CI
(``CI=true``, where scripts/setup.sh installs chromium) it always runs.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from html import escape as escape_html
from html import unescape as unescape_html
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser_support import Browser, chromium_path, in_ci
from latex_support import DATA, fake_decide

from boundprop.api import report_content
from boundprop.report.data import ReportContent, section_titles
from boundprop.report.escape import escape
from boundprop.report.html import HtmlDocument, html_document, interactive_dag
from boundprop.report.mathml import latex_to_mathml, math_html
from boundprop.report.output import html_file, latex_document
from boundprop.report.texhtml import node_anchor, text_html

TOY = str(DATA / "toy_collapse.toml")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReportContent, str, HtmlDocument]]:
    """The toy paper's content, its LaTeX document and its HTML page (maps at depth 5)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("boundprop.check.default_decide", fake_decide)
        patch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        content = report_content(TOY, depth=5, cache=False)
        tex = latex_document(content, show_seconds=False).tex
        page = html_file(content, show_seconds=False)
    yield content, tex, page


class _Outline(HTMLParser):
    """The h2 titles, the ids of elements, the hrefs and the external references of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.external: list[str] = []
        self.node_links: dict[str, str] = {}
        self._in_h2 = False
        self._node: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "h2":
            self._in_h2 = True
            self.titles.append("")
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "g" and values.get("data-node"):
            self._node = values["data-node"]
        for name in ("href", "xlink:href"):
            if values.get(name):
                self.hrefs.append(str(values[name]))
                if self._node is not None and tag == "a":
                    self.node_links[self._node] = str(values[name])
        for name in ("src", "href", "xlink:href", "data", "action"):
            value = values.get(name) or ""
            if value and not value.startswith("#"):
                self.external.append(f"<{tag} {name}={value}>")
        if tag in ("link", "iframe", "object", "embed", "img"):
            self.external.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False
        if tag == "g":
            self._node = None

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.titles[-1] += data


def _outline(html: str) -> _Outline:
    outline = _Outline()
    outline.feed(html)
    return outline


def test_html_and_latex_show_the_same_sections(toy: tuple[ReportContent, str, HtmlDocument]) -> None:
    content, tex, page = toy
    latex_titles = re.findall(r"\\section\*\{([^{}]*)\}", tex)
    html_titles = _outline(page.html).titles
    assert latex_titles == html_titles == list(section_titles(content))
    assert "Regime maps" in html_titles and "Bound tables" in html_titles  # the toy paper declares both


def test_every_statement_has_its_section_in_the_same_order(toy: tuple[ReportContent, str, HtmlDocument]) -> None:
    content, tex, page = toy
    latex_nodes = ["node-" + label for label in re.findall(r"\\label\{node:([^{}]*)\}", tex)]
    html_nodes = [i for i in _outline(page.html).ids if i.startswith("node-")]
    assert html_nodes == latex_nodes
    assert len(html_nodes) == len(content.report.paper.nodes)


def test_the_page_is_self_contained(toy: tuple[ReportContent, str, HtmlDocument]) -> None:
    _, _, page = toy
    outline = _outline(page.html)
    assert outline.external == []
    assert not re.search(r"https?://(?!www\.w3\.org/)", page.html)  # only the SVG/XLink namespace names
    assert "<script src" not in page.html and "@import" not in page.html
    assert len(page.html.encode()) < 3_000_000
    # every internal link has its target
    targets = set(outline.ids)
    assert {h[1:] for h in outline.hrefs if h.startswith("#")} <= targets


def test_numbers_and_formulas_are_translated_not_left_as_latex(toy: tuple[ReportContent, str, HtmlDocument]) -> None:
    _, tex, page = toy
    assert 'class="tex"' not in page.html  # no fragment fell back to its LaTeX source
    assert "\\begin{" not in page.html and "\\item" not in page.html
    assert page.html.count("<math") > 20
    # the bound tables' certified upper ends, exactly as printed in the PDF (rounded up)
    row = re.search(r"^(\d+) & \$([0-9.]+)\$ &", tex, re.MULTILINE)
    assert row is not None
    assert f"<mn>{row.group(2)}</mn>" in page.html


@needs_dot
def test_every_statement_in_the_graph_links_to_its_section(toy: tuple[ReportContent, str, HtmlDocument]) -> None:
    content, _, page = toy
    outline = _outline(page.html)
    statements = set(content.report.paper.nodes)
    assert set(outline.node_links) == statements
    for node_id, href in outline.node_links.items():
        assert href == "#" + node_anchor(node_id)
        assert href[1:] in outline.ids
    for node_id in statements:
        node = content.report.nodes[node_id]
        title = node.label + (f" [{node.variant}]" if node.variant else "") + f": {node.status.value}"
        assert f"<title>{escape_html(title)}" in page.html


def test_graph_nodes_without_an_anchor_get_one() -> None:
    from latex_support import example_report

    report = example_report()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt" viewBox="0 0 10 10">'
        '<g class="node"><title>E1</title><polygon points="0,0 1,1"/></g>'
        '<g class="node"><title>legend proved</title><polygon points="0,0 1,1"/></g></svg>'
    )
    out = interactive_dag(svg, report)
    assert 'href="#node-E1"' in out and "status: proved" in out
    assert f"{report.nodes['E1'].label}: {report.nodes['E1'].status.value}" in out
    assert 'height="10pt"' not in out and 'viewBox="0 0 10 10"' in out


def test_missing_graphviz_is_said_on_the_page(toy: tuple[ReportContent, str, HtmlDocument]) -> None:
    content, _, _ = toy
    page = html_document(content, dag_svg=None)
    assert "Dependency graph" in _outline(page.html).titles
    assert "dependency graph is not drawn" in page.html


def test_formulas_become_mathml() -> None:
    assert latex_to_mathml(r"\tfrac{1}{4}") == "<math><mfrac><mn>1</mn><mn>4</mn></mfrac></math>"
    assert "<msubsup>" in latex_to_mathml(r"\sum_{j=0}^{L - 1} x_j")
    assert "<mtable>" in latex_to_mathml(r"\begin{bmatrix} 1 & -\tfrac{1}{2} \\ 0 & 3 \end{bmatrix}")
    assert "‖" in latex_to_mathml(r"\|A\|_{\max}")
    assert math_html(r"\weird{x}").startswith('<code class="tex">')


@pytest.mark.parametrize(
    "text",
    ["‖Res(X)‖ ≤ η", "50% of a_1 & b_2 cost $3 {~#^} \\ |x| < y", "W_K·x ∈ S, ε → ∞", "a_very_long_identifier_name"],
)
def test_escaped_text_reads_back_as_the_original(text: str) -> None:
    html = text_html(escape(text))
    plain = unescape_html(re.sub(r"<[^>]+>", "", html)).replace("\u00a0", " ")
    assert plain == text


def test_report_command_writes_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: object) -> None:
    monkeypatch.setattr("boundprop.check.default_decide", fake_decide)
    monkeypatch.setenv("BOUNDPROP_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "example.html"
    code, _, err = run_cli(  # type: ignore[operator]
        "report", "example", "--out", str(out), "--no-maps", "--no-tables", "--no-cache"
    )
    assert code == 0, err
    assert "self-contained" in err  # the CLI's messages go to stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "E1" in html


def test_other_suffixes_are_refused(tmp_path: Path, run_cli: object) -> None:
    code, _, err = run_cli("report", "example", "--out", str(tmp_path / "r.docx"))  # type: ignore[operator]
    assert code == 3 and ".html" in err and len(err.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        if in_ci():
            pytest.fail("chromium is not installed in CI (scripts/setup.sh installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with Browser(executable) as opened:
        yield opened


def test_the_page_works_in_chromium(
    toy: tuple[ReportContent, str, HtmlDocument], browser: Browser, tmp_path: Path
) -> None:
    if shutil.which("dot") is None:  # the graph to click is drawn by graphviz
        if in_ci():
            pytest.fail("graphviz's dot is not installed in CI (scripts/setup.sh installs it)")
        pytest.skip("graphviz's dot is not installed")
    content, _, page = toy
    path = tmp_path / "toy.html"
    path.write_text(page.html, encoding="utf-8")
    browser.open(path)
    shot = browser.screenshot(tmp_path / "toy.png")
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000
    # MathML is laid out as math (a fraction is taller than a line of text), not as plain text
    assert browser.evaluate("document.querySelector('mfrac') !== null && "
                            "document.querySelector('mfrac').getBoundingClientRect().height > 0")
    # the last statement of the graph: its section is far down the page
    node_id, x, y = browser.evaluate(
        """(() => {
            const nodes = [...document.querySelectorAll('g.node[data-node]')];
            const target = nodes[nodes.length - 1];
            target.scrollIntoView({block: 'center'});
            const box = target.getBoundingClientRect();
            return [target.dataset.node, box.x + box.width / 2, box.y + box.height / 2];
        })()"""
    )
    before = browser.evaluate("window.scrollY")
    title = browser.evaluate(
        f"document.querySelector('g.node[data-node=\"{node_id}\"] > title').textContent"
    )
    assert content.report.nodes[node_id].status.value in title
    browser.click(x, y)
    anchor = node_anchor(node_id)
    # wait for the jump (the 10 s timer is only an outer cap; nothing is timed)
    hash_, top, scrolled = browser.evaluate(
        "new Promise(done => { const report = () => requestAnimationFrame(() => done(["
        f"location.hash, document.getElementById('{anchor}').getBoundingClientRect().top, window.scrollY]));"
        " if (location.hash) { report(); } else { addEventListener('hashchange', report, {once: true});"
        " setTimeout(report, 10000); } })"
    )
    assert hash_ == "#" + anchor
    assert scrolled != before
    assert abs(top) < 40  # the section is at the top of the window
    browser.click(10, 10)  # the page keeps working after the jump
    browser.evaluate("document.getElementById('dag-size').click()")
    assert browser.evaluate("document.getElementById('dependency-graph').classList.contains('dag-wide')")
    browser.screenshot(tmp_path / "toy-after.png")
    assert browser.errors == []


def test_text_html_reads_ligatures_and_escapes_as_tex_does() -> None:
    # dashes and quotes as TeX's ligatures (the longest first, left to right), the rest escaped
    assert text_html(r"a----b ``q'' --- c -- d----- e' <x> & \& f~g {h}") == (
        "a—-b “q” — c – d—– e&#x27; &lt;x&gt; &amp; &amp; f\u00a0g h"
    )
    assert text_html("x---$y$--z") == "x—<math><mi>y</mi></math>–z"  # math ends a run of text
    assert text_html("'''") == "”&#x27;"
