"""The report's LaTeX fragments (text with inline math, booktabs tables, figures) as HTML.

The tables of the report (notation, regime summaries, bound tables) are
written once, as LaTeX, by :mod:`boundprop.report.latex`; the HTML report
shows the very same cells and captions by translating those fragments here,
so that the numbers (rounded outward, in the safe direction) and the words
can never differ between the PDF and the web page. Only the commands those
fragments use are known; anything else raises
:class:`~boundprop.report.mathml.UnsupportedLatex`, and the caller shows the
source instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import escape as _html

from boundprop.report.mathml import UnsupportedLatex, math_html

__all__ = ["badge_html", "braced", "fragment_html", "node_anchor", "safely", "text_html"]

_CHARACTERS = {
    "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^", "textless": "<",
    "textgreater": ">", "textbar": "|", "ldots": "…", "dots": "…",
}
_SILENT = {
    "footnotesize", "small", "normalsize", "large", "raggedright", "centering", "smallskip", "medskip",
    "bigskip", "noindent", "LARGE", "Large", "huge", "allowbreak", "strut", "clearpage", "newpage", "relax",
    "arraybackslash",
}
_SPACES = {"hfill": " ", "quad": "\u2003", "qquad": "\u2003\u2003", ",": "\u2009", " ": " ", ";": " "}
_WRAPPERS = {
    "textbf": ("<strong>", "</strong>"), "emph": ("<em>", "</em>"), "textit": ("<em>", "</em>"),
    "texttt": ("<code>", "</code>"), "textsf": ('<span class="sf">', "</span>"), "text": ("", ""),
    "textrm": ("", ""), "mbox": ("", ""),
}
_LIGATURES = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"))
_PLAIN = re.compile(r"[^$\\{}~]+")  # text_html's characters without a meaning of their own
_LIST_SPECIAL = re.compile(r"[\\{}]")  # what _items looks at


def node_anchor(node_id: str) -> str:
    """The HTML id of a node's section (the LaTeX label's characters).

    >>> node_anchor("Lemma 5.2")
    'node-Lemma-5.2'
    """
    return "node-" + re.sub(r"[^A-Za-z0-9:.-]", "-", node_id)


def badge_html(status: str) -> str:
    """A status as a coloured badge (the colours of the graph; CSS classes ``st-<status>``)."""
    return f'<span class="badge st-{_html(status)}">{_html(status)}</span>'


def braced(tex: str, start: int, open_: str = "{", close: str = "}") -> tuple[str, int]:
    """The text of the group opening at ``start`` and the index after it."""
    if start >= len(tex) or tex[start] != open_:
        raise UnsupportedLatex(f"expected {open_!r} at {tex[start:start + 20]!r}")
    depth = 0
    i = start
    while i < len(tex):
        char = tex[i]
        if char == "\\":
            i += 2
            continue
        if char == open_:
            depth += 1
        elif char == close:
            depth -= 1
            if depth == 0:
                return tex[start + 1 : i], i + 1
        i += 1
    raise UnsupportedLatex("unbalanced braces")


def _math_end(tex: str, start: int) -> int:
    """Index of the ``$`` closing the inline math opened at ``start``."""
    i = start + 1
    while i < len(tex):
        if tex[i] == "\\":
            i += 2
            continue
        if tex[i] == "$":
            return i
        i += 1
    raise UnsupportedLatex("unclosed $")


def text_html(tex: str) -> str:
    r"""LaTeX text (as :func:`boundprop.report.latex.escape` writes it, with ``$...$`` math) as HTML.

    >>> text_html(r"refuted by $x = -2$ \& \texttt{a\_b}")
    'refuted by <math><mrow><mi>x</mi><mo>=</mo><mo>−</mo><mn>2</mn></mrow></math> &amp; <code>a_b</code>'
    """
    out: list[str] = []
    tex = re.sub(r"Figure~\\ref\{[^{}]*\}", "the figure below", tex)  # the page has one place for it
    i = 0
    while i < len(tex):
        char = tex[i]
        if char == "$":
            end = _math_end(tex, i)
            out.append(math_html(tex[i + 1 : end]))
            i = end + 1
        elif char == "\\":
            i = _command(tex, i, out)
        elif char in "{}":
            i += 1
        elif char == "~":
            out.append("\u00a0")
            i += 1
        else:  # a run of plain text (a ligature's characters are all plain: none spans two runs)
            plain = _PLAIN.match(tex, i)
            end = plain.end() if plain is not None else i + 1  # (it matches: tex[i] is plain)
            run = tex[i:end]
            for source, target in _LIGATURES:  # the longest first, each left to right, as TeX reads them
                run = run.replace(source, target)
            out.append(_html(run))
            i = end
    return "".join(out)


def _command(tex: str, i: int, out: list[str]) -> int:
    match = re.match(r"\\([A-Za-z]+|.)", tex[i:])
    if match is None:
        raise UnsupportedLatex("a lone backslash")
    name = match.group(1)
    i += match.end()
    if not name.isalpha():
        if name == "\\":
            out.append("<br>")
            if tex.startswith("[", i):  # \\[4pt]
                i = braced(tex, i, "[", "]")[1]
        else:
            out.append(_SPACES.get(name, _html(name)))
        return i
    if name in _CHARACTERS:
        out.append(_html(_CHARACTERS[name]))
    elif name in _SILENT:
        pass
    elif name in _SPACES:
        out.append(_SPACES[name])
    elif name == "par":
        out.append("<br>")
    elif name in _WRAPPERS:
        body, i = braced(tex, i)
        start, end = _WRAPPERS[name]
        out.append(start + text_html(body) + end)
        return i
    elif name == "ensuremath":
        body, i = braced(tex, i)
        out.append(math_html(body))
        return i
    elif name == "hyperref":
        target, i = braced(tex, i, "[", "]")
        body, i = braced(tex, i)
        anchor = node_anchor(target.removeprefix("node:")) if target.startswith("node:") else target
        out.append(f'<a href="#{_html(anchor)}">{text_html(body)}</a>')
        return i
    elif name == "fcolorbox":
        border, i = braced(tex, i)
        _, i = braced(tex, i)
        body, i = braced(tex, i)
        status = border.removeprefix("bp-border-")
        out.append(badge_html(status) if status != border else text_html(body))
        return i
    elif name == "parbox":
        _, i = braced(tex, i)
        body, i = braced(tex, i)
        out.append('<span class="note">' + text_html(body) + "</span>")
        return i
    elif name in ("label", "addtocounter", "setlength"):
        while i < len(tex) and tex[i] == "{":
            _, i = braced(tex, i)
    else:
        raise UnsupportedLatex(f"unknown command \\{name}")
    if i < len(tex) and tex.startswith("{}", i):
        i += 2  # \ldots{}, \allowbreak{}
    return i


def _split_top(tex: str, separator: str) -> list[str]:
    """``tex`` split at ``separator`` outside braces and math (``\\&`` is not a separator)."""
    parts: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(tex):
        char = tex[i]
        if tex.startswith(separator, i) and depth == 0:
            parts.append(tex[start:i])
            i += len(separator)
            start = i
            continue
        if char == "\\":
            i += 2
            continue
        if char == "$":
            i = _math_end(tex, i) + 1
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        i += 1
    parts.append(tex[start:])
    return parts


def _alignments(spec: str) -> list[str]:
    """``@{}l>{...}p{0.3\\linewidth}rr@{}`` -> ``["left", "left", "right", "right"]``."""
    spec = re.sub(r"[@>]\{(?:[^{}]|\{[^{}]*\})*\}", "", spec)
    spec = re.sub(r"\{(?:[^{}]|\{[^{}]*\})*\}", "", spec)
    return ["right" if c == "r" else "center" if c == "c" else "left" for c in spec if c in "lrcpXm"]


_RULES = re.compile(r"\\(?:toprule|midrule|bottomrule|hline)(?:\[[^\]]*\])?")


def _tabular_html(spec: str, body: str) -> str:
    aligns = _alignments(spec)
    head_part, has_head, rest = body.partition(r"\endhead")
    if has_head:
        body = head_part + r"\midrule " + rest.split(r"\endfoot", 1)[-1]
    header, has_rule, rows_text = body.partition(r"\midrule")
    if not has_rule:
        header, rows_text = "", body
    lines = ["<table>"]
    for section, tag in ((header, "th"), (rows_text, "td")):
        rows = [r for r in _split_top(_RULES.sub("", section), r"\\") if r.strip()]
        if not rows:
            continue
        lines.append("<thead>" if tag == "th" else "<tbody>")
        for row in rows:
            cells = _split_top(row.strip(), "&")
            html_cells = []
            for k, cell in enumerate(cells):
                align = aligns[k] if k < len(aligns) else "left"
                html_cells.append(f'<{tag} style="text-align:{align}">{text_html(cell.strip())}</{tag}>')
            lines.append("<tr>" + "".join(html_cells) + "</tr>")
        lines.append("</thead>" if tag == "th" else "</tbody>")
    lines.append("</table>")
    return "\n".join(lines)


_ENVIRONMENT = re.compile(
    r"\\begin\{(table|figure|tabular|longtable|itemize|enumerate|bpfields|center)\}(\[[^\]]*\])?"
)
_LISTS = {"itemize": "ul", "enumerate": "ol"}


def _environment_end(tex: str, env: str, start: int) -> int:
    """Index of the ``\\end{env}`` closing an environment whose body starts at ``start`` (nesting counted)."""
    depth = 1
    pattern = re.compile(rf"\\(begin|end)\{{{re.escape(env)}\}}")
    for match in pattern.finditer(tex, start):
        depth += 1 if match.group(1) == "begin" else -1
        if depth == 0:
            return match.start()
    raise UnsupportedLatex(f"\\begin{{{env}}} without its end")


def _items(body: str) -> list[str]:
    """The ``\\item`` pieces of a list body, skipping nested environments and braces."""
    items: list[str] = []
    depth, i, start = 0, 0, -1
    while True:
        found = _LIST_SPECIAL.search(body, i)  # other characters change nothing
        if found is None:
            break
        i = found.start()
        if body.startswith("\\begin{", i):
            name, after = braced(body, i + len("\\begin"))
            i = _environment_end(body, name, after) + len(f"\\end{{{name}}}")
            continue
        if body.startswith("\\item", i) and depth == 0 and not body[i + 5 : i + 6].isalpha():
            if start >= 0:
                items.append(body[start:i])
            i += len("\\item")
            start = i
            continue
        if body[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(body[i], 0)
        i += 1
    if start >= 0:
        items.append(body[start:])
    return items


def _list_html(env: str, body: str, figures: Mapping[str, str]) -> str:
    if env == "bpfields":
        rows = []
        for item in _items(body):
            item = item.lstrip()
            label, rest = "", item
            if item.startswith("["):
                label, after = braced(item, 0, "[", "]")
                rest = item[after:]
            rows.append(f"<dt>{text_html(label)}</dt><dd>{_inline(fragment_html(rest, figures))}</dd>")
        return '<dl class="fields">' + "".join(rows) + "</dl>"
    tag = _LISTS[env]
    items = "".join(f"<li>{_inline(fragment_html(item, figures))}</li>" for item in _items(body))
    return f"<{tag}>{items}</{tag}>"


def _inline(html: str) -> str:
    """A single paragraph shown without its ``<p>`` (list items, field values)."""
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def fragment_html(tex: str, figures: Mapping[str, str] | None = None) -> str:
    r"""A report fragment (tables, figures, paragraphs) as HTML.

    ``figures`` maps the file names of ``\includegraphics`` to inline HTML
    (an SVG drawing); a figure whose file is not given is left out.

    >>> print(fragment_html(r"\begin{tabular}{@{}lr@{}}\toprule A & B \\ \midrule x & $1$ \\ \bottomrule\end{tabular}"))
    <table>
    <thead>
    <tr><th style="text-align:left">A</th><th style="text-align:right">B</th></tr>
    </thead>
    <tbody>
    <tr><td style="text-align:left">x</td><td style="text-align:right"><math><mn>1</mn></math></td></tr>
    </tbody>
    </table>
    """
    figures = figures or {}
    out: list[str] = []
    i = 0
    while True:
        match = _ENVIRONMENT.search(tex, i)
        if match is None:
            out.append(_paragraph(tex[i:]))
            return "\n".join(o for o in out if o)
        out.append(_paragraph(tex[i : match.start()]))
        env = match.group(1)
        end = _environment_end(tex, env, match.end())
        inner = tex[match.end() : end]
        i = end + len(rf"\end{{{env}}}")
        if env in ("tabular", "longtable"):
            spec, after = braced(inner, 0)
            out.append(_tabular_html(spec, inner[after:]))
        elif env in ("itemize", "enumerate", "bpfields"):
            out.append(_list_html(env, inner, figures))
        elif env == "center":
            out.append('<div class="center">' + fragment_html(inner, figures) + "</div>")
        else:
            out.append(_float_html(env, inner, figures))


def _float_html(env: str, inner: str, figures: Mapping[str, str]) -> str:
    caption = ""
    found = re.search(r"\\caption\{", inner)
    if found is not None:
        caption, after = braced(inner, found.end() - 1)
        inner = inner[: found.start()] + inner[after:]
    graphic = re.search(r"\\includegraphics(\[[^\]]*\])?\{([^}]*)\}", inner)
    body = ""
    if graphic is not None:
        drawing = figures.get(graphic.group(2))
        if drawing is None:
            return ""
        body = f'<div class="drawing">{drawing}</div>'
        inner = inner[: graphic.start()] + inner[graphic.end() :]
    else:
        body = fragment_html(inner, figures)
    klass = "table" if env == "table" else "figure"
    return f'<figure class="{klass}">{body}<figcaption>{text_html(caption)}</figcaption></figure>'


def _paragraph(tex: str) -> str:
    text = text_html(tex.strip()) if tex.strip() else ""
    text = re.sub(r"^(?:\s|<br>)+|(?:\s|<br>)+$", "", text)
    return f"<p>{text}</p>" if text else ""


def safely(render: Callable[[str], str], tex: str) -> str:
    """``render(tex)``, or the LaTeX source in ``<pre>`` when it uses something unknown."""
    try:
        return render(tex)
    except UnsupportedLatex:
        return f'<pre class="tex">{_html(tex)}</pre>'
