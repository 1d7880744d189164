"""LaTeX output: statements in the paper's notation, safe-direction numbers,
booktabs tables and the full verification report.

Everything here turns results into text; nothing calls a solver. The pieces:

* :func:`escape` makes user text (titles, evidence strings) safe for LaTeX,
  including the Unicode a lemma file may contain (η, ‖, ≤) and break points
  in long unbroken tokens;
* :func:`upper_decimal` and :func:`lower_decimal` round a certified end of an
  enclosure to a number of significant digits in the safe direction (upper
  ends up, lower ends down), never the wrong way;
* :class:`Typesetter` prints a node's hypotheses and conclusion with
  ``sympy.latex``, using the ``latex`` fields of the lemma file and keeping
  definitions unexpanded (``g(2H\\varepsilon)``, not ``e^{2H\\varepsilon}-1``);
* :func:`counterexample_latex` typesets exact counterexamples, matrices as
  ``bmatrix`` with ``\\tfrac`` entries;
* :func:`booktabs_table`, :func:`regime_summary_table` and
  :func:`report_document` build the tables and the report; :func:`standalone`
  wraps a fragment in a compilable document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.parsing.sympy_parser import parse_expr
from sympy.printing.latex import LatexPrinter

from boundprop import __version__
from boundprop.encode import Namespace
from boundprop.errors import BoundpropError
from boundprop.expr import _PARSER_NAMES, _TRANSFORMS, SCALAR_FUNCTIONS
from boundprop.lemma import Node, Paper
from boundprop.matrix import BUILTINS
from boundprop.mechanism import explanations
from boundprop.propagate import BoundTable, RowFlag
from boundprop.report.data import other_readings, readings_used
from boundprop.report.dot import BORDER, FILL
from boundprop.report.escape import escape, texttt
from boundprop.report.numbers import (
    enclosure_latex,
    exact_latex,
    fraction_latex,
    lower_latex,
    upper_latex,
)
from boundprop.verdict import NodeReport, PaperReport, Status

# ---------------------------------------------------------------------------
# statements in the paper's notation

# Built-ins whose value is a scalar; every other built-in is matrix-valued (noncommutative).
_SCALAR_BUILTINS = {"normN1", "normN2", "minE", "maxE", "rowWidth", "norm1", "normInf", "norm1inf", "frob", "Sum"}
# Built-ins shown with all their arguments (their templates show the first only).
_ALL_ARGUMENTS = {"SAtt"}


def _rewrite_transpose(text: str) -> str:
    """``(X + A).T`` → ``T((X + A))`` and ``W_K.T`` → ``T(W_K)``, so the display
    parser needs no ``.T`` attribute on sums and products.

    >>> _rewrite_transpose("X*W_K.T*(X + A).T + f(B).T")
    'X*T(W_K)*T((X + A)) + T(f(B))'
    """
    while True:
        match = re.search(r"\.T\b", text)
        if match is None:
            return text
        end = match.start()
        start = end
        if end > 0 and text[end - 1] == ")":
            depth = 0
            for i in range(end - 1, -1, -1):
                depth += {")": 1, "(": -1}.get(text[i], 0)
                if depth == 0:
                    start = i
                    break
            else:
                return text  # unbalanced: leave it to the parser's error
        ident = re.search(r"[A-Za-z_][A-Za-z0-9_]*$", text[:start])
        if ident is not None:
            start = ident.start()
        if start == end:
            return text
        text = text[:start] + "T(" + text[start:end] + ")" + text[match.end() :]
_RELATIONS = {name: getattr(sp, name) for name in ("Le", "Lt", "Ge", "Gt", "Eq", "Ne", "Mul", "Add", "Pow")}


class _MatrixName(sp.Symbol):  # type: ignore[misc]
    """A matrix variable shown by name (noncommutative; ``A.T`` is ``T(A)``)."""

    @property
    def T(self) -> Any:  # noqa: N802 - sympy's spelling of the transpose
        return sp.Function("T", commutative=False)(self)


def _symbol_latex(name: str, latex: str) -> str:
    """The lemma file's ``latex`` field, or sympy's reading of the name when none was given."""
    if latex and latex != name:
        return latex
    return str(sp.latex(sp.Symbol(name)))


class _PaperPrinter(LatexPrinter):  # type: ignore[misc]
    """sympy's LaTeX printer with the lemma file's notation for functions."""

    def __init__(
        self, templates: Mapping[str, str], settings: Mapping[str, Any], constants: Iterable[str] = ()
    ) -> None:
        super().__init__(dict(settings))
        self._templates = dict(templates)
        self._constants = set(constants)  # built-ins such as ones(n, n): shown without their size arguments

    def _print_Function(self, expr: Any, exp: Any = None) -> str:  # noqa: N802 - sympy's dispatch name
        name = expr.func.__name__
        template = self._templates.get(name)
        if template is None:
            return str(super()._print_Function(expr, exp))
        args = [self._print(arg) for arg in expr.args]
        if template.startswith("{0}") and expr.args and isinstance(expr.args[0], (sp.Add, sp.Mul, sp.Pow)):
            args[0] = r"\left(" + args[0] + r"\right)"  # postfix operators such as the transpose
        text = ""
        if "{0}" in template or "{1}" in template:
            try:
                text = template.format(*args)
            except IndexError:  # fewer arguments than the template shows
                text = ""
        if not text and name in self._constants:
            text = template
        if not text:
            text = template + r"\left(" + ", ".join(args) + r"\right)"
        return f"{text}^{{{exp}}}" if exp is not None else text

    def _print_Mul(self, expr: Any) -> str:  # noqa: N802 - sympy's dispatch name
        tidy = _tidy(expr)
        if tidy is not expr:
            return str(self._print(tidy))
        return str(super()._print_Mul(expr))


def _tidy(expr: Any) -> Any:
    """Undo two artefacts of unevaluated parsing: ``1*y`` and ``p*q**-1`` for rationals."""
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    if isinstance(expr, sp.Pow) and expr.base.is_Integer and expr.exp == -1 and expr.base != 0:
        return sp.Rational(1, int(expr.base))
    if isinstance(expr, sp.Mul):
        args = [_tidy(a) for a in expr.args]
        if all(a.is_Rational for a in args):
            return sp.Mul(*args)
        kept = [a for a in args if a != 1]
        if len(kept) == 1:
            return kept[0]
        if len(kept) != len(args) or any(a is not b for a, b in zip(args, expr.args, strict=True)):
            return sp.Mul(*kept, evaluate=False)
        return expr
    new_args = [_tidy(a) for a in expr.args]
    if any(a is not b for a, b in zip(new_args, expr.args, strict=True)):
        try:
            return expr.func(*new_args, evaluate=False)
        except TypeError:
            return expr.func(*new_args)
    return expr


def _summation_indices(text: str) -> set[str]:
    """Names bound by ``Sum(expr, j, lo, hi)`` in ``text`` (not free variables).

    >>> sorted(_summation_indices("err <= Sum(f(a, b)*x**j, j, 0, L - 1) + Sum(i, i, 1, n)"))
    ['i', 'j']
    """
    found: set[str] = set()
    for match in re.finditer(r"\bSum\(", text):
        depth = 0
        for i in range(match.end(), len(text)):
            char = text[i]
            if char in "([":
                depth += 1
            elif char in ")]":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                index = re.match(r"\s*([A-Za-z_]\w*)", text[i + 1 :])
                if index:
                    found.add(index.group(1))
                break
    return found


def _integer_range(symbol: str, lo: str, hi: str) -> str:
    r"""``n \in \{1, \dots, 3\}``, ``n = 2`` or ``n \in \{1, 2\}``.

    >>> _integer_range("n", "1", "3"), _integer_range("n", "2", "2"), _integer_range("n", "1", "2")
    ('n \\in \\{1, \\dots, 3\\}', 'n = 2', 'n \\in \\{1, 2\\}')
    """
    if lo == hi:
        return f"{symbol} = {lo}"
    if re.fullmatch(r"-?\d+", lo) and re.fullmatch(r"-?\d+", hi) and int(hi) - int(lo) == 1:
        return f"{symbol} \\in \\{{{lo}, {hi}\\}}"
    return f"{symbol} \\in \\{{{lo}, \\dots, {hi}\\}}"


@dataclass(frozen=True, slots=True)
class TypesetNode:
    """A node's statement as LaTeX pieces (each a math-mode string)."""

    hypotheses: tuple[str, ...]
    conclusion: str | None
    domain: tuple[str, ...]

    def sentence(self) -> str:
        """``If $h_1$ and $h_2$, then $c$.`` (text mode, math inline so it can break)."""
        if self.conclusion is None:
            return r"\emph{informal statement (no conclusion to typeset)}"
        if not self.hypotheses:
            return f"${self.conclusion}$."
        hyps = [f"${h}$" for h in self.hypotheses]
        joined = hyps[0] if len(hyps) == 1 else ", ".join(hyps[:-1]) + " and " + hyps[-1]
        return f"If {joined}, then ${self.conclusion}$."


class Typesetter:
    """Typeset a paper's statements in its own notation.

    Symbols print as the ``latex`` fields of the lemma file's parameters,
    matrices and definitions; definitions with arguments stay unexpanded;
    the built-in matrix functions print as in :data:`boundprop.matrix.BUILTINS`
    (``\\|A\\|_{\\max}`` for ``normN1(A)``).

    Examples
    --------
    >>> from boundprop.loader import load_paper
    >>> ts = Typesetter(load_paper("example"))
    >>> ts.expression("g(x) <= 2*x")
    'g\\\\left(x\\\\right) \\\\leq 2 x'
    >>> ts.expression("normN1(Res(A)) <= normN1(A)")
    '\\\\|\\\\operatorname{Res}(A)\\\\|_{\\\\max} \\\\leq \\\\|A\\\\|_{\\\\max}'
    >>> ts.node(ts.paper.nodes["E1"]).sentence()
    'If $0 \\\\leq x \\\\leq \\\\frac{5}{4}$, then $g\\\\left(x\\\\right) \\\\leq 2 x$.'
    """

    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self._checker = Namespace(paper, expand=False)
        names: dict[str, Any] = {}
        symbol_names: dict[sp.Symbol, str] = {}
        templates: dict[str, str] = {}
        constants: list[str] = []
        for name, value in self._checker.names.items():
            if isinstance(value, sp.Symbol):
                names[name] = value
        for name, param in paper.params.items():
            symbol = names.get(name)
            if isinstance(symbol, sp.Symbol):
                symbol_names[symbol] = _symbol_latex(name, param.latex)
        for name, matrix in paper.matrices.items():
            matrix_symbol = _MatrixName(name, commutative=False)
            names[name] = matrix_symbol
            symbol_names[matrix_symbol] = _symbol_latex(name, matrix.latex)
        matrix_words = set(paper.matrices) | (set(BUILTINS) - _SCALAR_BUILTINS)
        for name, definition in paper.definitions.items():
            if definition.builtin is not None:
                commutative = definition.builtin in _SCALAR_BUILTINS
                names[name] = sp.Function(name, real=True) if commutative else sp.Function(name, commutative=False)
                if definition.builtin in BUILTINS and definition.builtin not in _ALL_ARGUMENTS:
                    templates[name] = BUILTINS[definition.builtin][1]
                    if "{0}" not in templates[name]:
                        constants.append(name)
                else:
                    templates[name] = r"\operatorname{" + escape(name) + "}"
            elif definition.args:
                matrix_valued = bool(definition.expr and set(re.findall(r"\w+", definition.expr)) & matrix_words)
                names[name] = (
                    sp.Function(name, commutative=False) if matrix_valued else sp.Function(name, real=True)
                )
                templates[name] = _symbol_latex(name, definition.latex)
            else:
                symbol = sp.Symbol(name, real=True)
                names[name] = symbol
                symbol_names[symbol] = _symbol_latex(name, definition.latex)
        for name in ("T",):
            names.setdefault(name, sp.Function(name, commutative=False))
            templates.setdefault(name, BUILTINS["T"][1])
        self._names = names
        self._printer = _PaperPrinter(
            templates, {"symbol_names": symbol_names, "order": "none", "mul_symbol": None}, constants
        )

    def parse(self, text: str, extra: Mapping[str, Any] | None = None) -> Any:
        """Parse for display: the strict parser first (validation), then unevaluated.

        Raises
        ------
        boundprop.errors.ExpressionError
            When ``text`` does not parse with the paper's names.
        """
        text = _rewrite_transpose(text)
        self._checker.parse(text, "display", {**self._names, **(extra or {})})
        local = {**SCALAR_FUNCTIONS, **self._names, **(extra or {})}
        try:
            return parse_expr(
                text.replace("==", "="),
                local_dict=local,
                global_dict={**_PARSER_NAMES, **_RELATIONS},
                transformations=_TRANSFORMS,
                evaluate=False,
            )
        except (SyntaxError, TypeError, ValueError, AttributeError):
            return self._checker.parse(text, "display", {**self._names, **(extra or {})})

    def latex(self, expr: Any) -> str:
        """LaTeX (math mode) of a parsed expression."""
        return str(self._printer.doprint(_tidy(expr)))

    def expression(self, text: str, extra: Mapping[str, Any] | None = None) -> str:
        """LaTeX of a statement or expression of the lemma file; ``\\texttt`` of the
        source text if it cannot be parsed for display."""
        try:
            return self.latex(self.parse(text, extra))
        except (BoundpropError, SyntaxError, TypeError, ValueError, AttributeError):
            return r"\text{" + texttt(text) + "}"

    def _hypotheses(self, texts: Sequence[str]) -> list[str]:
        parsed: list[Any] = []
        for text in texts:
            try:
                parsed.append(self.parse(text))
            except (BoundpropError, SyntaxError, TypeError, ValueError, AttributeError):
                parsed.append(text)
        out: list[str] = []
        used: set[int] = set()
        for i, first in enumerate(parsed):
            if i in used:
                continue
            merged = None
            if isinstance(first, (sp.Le, sp.Lt)):
                for j in range(i + 1, len(parsed)):
                    second = parsed[j]
                    if j not in used and isinstance(second, (sp.Le, sp.Lt)) and second.lhs == first.rhs:
                        merged = (
                            f"{self.latex(first.lhs)} {self._rel(first)} {self.latex(first.rhs)} "
                            f"{self._rel(second)} {self.latex(second.rhs)}"
                        )
                        used.add(j)
                        break
            if merged is not None:
                out.append(merged)
            elif isinstance(first, str):
                out.append(r"\text{" + texttt(first) + "}")
            else:
                out.append(self.latex(first))
        return out

    @staticmethod
    def _rel(relation: Any) -> str:
        return r"\leq" if isinstance(relation, sp.Le) else "<"

    def node(self, node: Node) -> TypesetNode:
        """The node's hypotheses (chains merged: ``0 \\le x \\le 1``), conclusion and domain."""
        conclusion = self.expression(node.conclusion) if node.conclusion else None
        return TypesetNode(
            hypotheses=tuple(self._hypotheses(node.hypotheses)),
            conclusion=conclusion,
            domain=tuple(self.domain(node)),
        )

    def domain(self, node: Node) -> list[str]:
        """Where the statement is quantified: each parameter's range, each matrix's shape."""
        words: set[str] = set()
        bound: set[str] = set()
        for text in [*node.hypotheses, *([node.conclusion] if node.conclusion else [])]:
            words |= set(re.findall(r"[A-Za-z_]\w*", text))
            bound |= _summation_indices(text)
        words -= bound
        # parameters reached through definitions count too
        pending = [w for w in words if w in self.paper.definitions]
        while pending:
            definition = self.paper.definitions[pending.pop()]
            if definition.expr:
                for word in set(re.findall(r"[A-Za-z_]\w*", definition.expr)) - set(definition.args) - words:
                    words.add(word)
                    if word in self.paper.definitions:
                        pending.append(word)
        out = []
        for name, param in self.paper.params.items():
            if name not in words:
                continue
            if name in node.sizes:
                lo, hi = node.sizes[name]
                out.append(_integer_range(_symbol_latex(name, param.latex), str(lo), str(hi)))
                continue
            lo_text, hi_text = node.ranges.get(name, (param.lo, param.hi))
            out.append(self._range(_symbol_latex(name, param.latex), lo_text, hi_text, param.integer))
        for name, matrix in self.paper.matrices.items():
            if name not in words:
                continue
            dims = " \\times ".join(
                str(d) if isinstance(d, int) else _symbol_latex(d, self.paper.params[d].latex)
                if d in self.paper.params else str(sp.latex(sp.Symbol(d)))
                for d in matrix.shape
            )
            text = f"{_symbol_latex(name, matrix.latex)} \\in \\mathbf{{R}}^{{{dims}}}"
            if name in node.ranges:
                lo_text, hi_text = node.ranges[name]
                text += r"\text{ with entries in }" + self._interval(lo_text, hi_text)
            out.append(text)
        for name, (lo, hi) in node.sizes.items():
            if name not in words:
                out.append(_integer_range(self.symbol(name), str(lo), str(hi)))
        return out

    def _bound(self, text: str) -> str:
        try:
            return self.latex(self._checker.parse(text, "range"))
        except BoundpropError:
            return r"\text{" + texttt(text) + "}"

    def _interval(self, lo: str, hi: str) -> str:
        left = "(" if lo in ("-oo", "oo") else "["
        right = ")" if hi in ("-oo", "oo") else "]"
        return f"{left}{self._bound(lo)}, {self._bound(hi)}{right}"

    def _range(self, symbol: str, lo: str, hi: str, integer: bool) -> str:
        if integer and lo not in ("-oo", "oo") and hi not in ("-oo", "oo"):
            return _integer_range(symbol, self._bound(lo), self._bound(hi))
        if integer and re.fullmatch(r"-?\d+", lo) and hi == "oo":
            return f"{symbol} \\in \\{{{lo}, {int(lo) + 1}, \\dots\\}}"
        where = self._interval(lo, hi)
        return f"{symbol} \\in {where}" + (r" \cap \mathbf{Z}" if integer else "")

    def symbol(self, name: str) -> str:
        """LaTeX of a parameter, matrix or definition name (sympy's reading if undeclared).

        ``A[1,2]`` (a matrix entry) prints as ``A_{1,2}``.
        """
        match = re.fullmatch(r"(\w+)\[(\d+),\s*(\d+)\]", name)
        if match:
            return f"{self.symbol(match.group(1))}_{{{match.group(2)},{match.group(3)}}}"
        if name in self.paper.params:
            return _symbol_latex(name, self.paper.params[name].latex)
        if name in self.paper.matrices:
            return _symbol_latex(name, self.paper.matrices[name].latex)
        if name in self.paper.definitions:
            return _symbol_latex(name, self.paper.definitions[name].latex)
        if re.fullmatch(r"[A-Za-z]\w*", name):
            return str(sp.latex(sp.Symbol(name)))
        return r"\text{" + texttt(name) + "}"


def matrix_latex(rows: Sequence[Sequence[object]]) -> str:
    r"""A matrix of exact entries as a ``bmatrix`` (amsmath).

    >>> matrix_latex([["1", "-1/2"], ["0", "3"]])
    '\\begin{bmatrix} 1 & -\\tfrac{1}{2} \\\\ 0 & 3 \\end{bmatrix}'
    """
    body = r" \\ ".join(" & ".join(exact_latex(v) for v in row) for row in rows)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def counterexample_latex(cex: Mapping[str, object], typesetter: Typesetter | None = None) -> str:
    r"""A counterexample as text with inline math: ``$x = -2$, $A = \begin{bmatrix}...$``.

    Matrices (nested lists) become ``bmatrix``; scalars exact fractions.

    >>> counterexample_latex({"x": "-2", "A": [["1/2", "0"]]})
    '$x = -2$, $A = \\begin{bmatrix} \\tfrac{1}{2} & 0 \\end{bmatrix}$'
    """
    parts = []
    for name, value in cex.items():
        symbol = typesetter.symbol(name) if typesetter else _plain_symbol(name)
        if isinstance(value, (list, tuple)) and value and all(isinstance(r, (list, tuple)) for r in value):
            parts.append(f"${symbol} = {matrix_latex(value)}$")
        elif isinstance(value, (list, tuple)):
            parts.append(f"${symbol} = {matrix_latex([value])}$")
        else:
            parts.append(f"${symbol} = {exact_latex(value)}$")
    return ", ".join(parts)


def _plain_symbol(name: str) -> str:
    if re.fullmatch(r"[A-Za-z]\w*", name):
        return str(sp.latex(sp.Symbol(name)))
    return r"\text{" + texttt(name) + "}"


# ---------------------------------------------------------------------------
# documents

PREAMBLE_PACKAGES = (
    r"\usepackage[T1]{fontenc}",
    r"\usepackage{lmodern}",
    r"\usepackage{amsmath,amssymb}",
    r"\usepackage{booktabs}",
    r"\usepackage{array}",
    r"\usepackage{longtable}",
    r"\usepackage{tabularx}",
    r"\usepackage{graphicx}",
    r"\usepackage[table]{xcolor}",
)


def standalone(body: str, title: str | None = None, landscape: bool = False) -> str:
    r"""Wrap a fragment (a table, a figure) in a compilable ``article`` document.

    Uses only packages of Debian's texlive-latex-base and -recommended.

    >>> doc = standalone(r"\begin{tabular}{l}x\end{tabular}")
    >>> doc.startswith(r"\documentclass") and doc.rstrip().endswith(r"\end{document}")
    True
    """
    geometry = "a4paper,margin=2cm" + (",landscape" if landscape else "")
    lines = [
        r"\documentclass[10pt]{article}",
        rf"\usepackage[{geometry}]{{geometry}}",
        *PREAMBLE_PACKAGES,
        r"\pagestyle{empty}",
        r"\begin{document}",
    ]
    if title:
        lines.append(r"\section*{" + escape(title) + "}")
    lines += [body.rstrip(), r"\end{document}", ""]
    return "\n".join(lines)


def status_colour_definitions() -> str:
    r"""``\definecolor`` lines for every status (fill and border, as in the DAG drawing).

    >>> status_colour_definitions().splitlines()[0]
    '\\definecolor{bp-fill-proved}{HTML}{B7E4C7}'
    """
    lines = []
    for status in Status:
        lines.append(rf"\definecolor{{bp-fill-{status.value}}}{{HTML}}{{{FILL[status].lstrip('#').upper()}}}")
        lines.append(rf"\definecolor{{bp-border-{status.value}}}{{HTML}}{{{BORDER[status].lstrip('#').upper()}}}")
    return "\n".join(lines)


def status_badge(status: Status) -> str:
    r"""A coloured box with the status name (needs :func:`status_colour_definitions`).

    >>> status_badge(Status.REFUTED)
    '\\fcolorbox{bp-border-refuted}{bp-fill-refuted}{\\strut\\textsf{refuted}}'
    """
    return rf"\fcolorbox{{bp-border-{status.value}}}{{bp-fill-{status.value}}}{{\strut\textsf{{{status.value}}}}}"


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure file to include: ``name`` (``dag.pdf``), its bytes and a caption (LaTeX)."""

    name: str
    data: bytes
    caption: str
    width: str = r"\linewidth"
    rotate: bool = False  # a wide drawing, turned a quarter on a page of its own


@dataclass(frozen=True, slots=True)
class Section:
    """A ready LaTeX fragment with its (plain-text) heading and the files it includes."""

    title: str
    body: str
    files: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LatexDocument:
    """A LaTeX document and the files it includes (written beside it)."""

    tex: str
    files: Mapping[str, bytes] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def _label(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9:.-]", "-", text)


def _join(items: Iterable[str], conjunction: str = "and") -> str:
    seq = list(items)
    if len(seq) <= 1:
        return "".join(seq)
    return ", ".join(seq[:-1]) + f" {conjunction} " + seq[-1]


def _node_link(node_id: str, text: str, paper: Paper) -> str:
    """A link to a node's section (definitions have none: plain text)."""
    if node_id in paper.nodes:
        return rf"\hyperref[node:{_label(node_id)}]{{{text}}}"
    return text


def _node_title(node: NodeReport) -> str:
    title = escape(node.label)
    if node.variant:
        title += r" \quad[" + escape(node.variant) + "]"
    return title


# provenance of a refuted statement -> what its refutation refutes (the summary's "False (...)")
_REFUTED_WHAT = {
    "paper": "the paper's text",
    "paper-summary": "the summary's paraphrase",
    "reconstruction": "a reconstruction",
    "correction": "a correction",
}

_FIELDS_ENV = r"""\newenvironment{bpfields}{\begin{list}{}{%
  \setlength{\labelwidth}{6.2em}\setlength{\leftmargin}{7em}\setlength{\labelsep}{0.8em}%
  \setlength{\itemsep}{1pt}\setlength{\parsep}{0pt}\setlength{\topsep}{2pt}%
  \renewcommand{\makelabel}[1]{\textsf{\small ##1}\hfil}}\raggedright}{\end{list}}"""


def node_section(node: NodeReport, paper: Paper, typesetter: Typesetter, show_seconds: bool = True) -> str:
    """One node of the report: statement, provenance, status, method, evidence, proof.

    Returns a LaTeX fragment (a ``\\subsection*`` and a ``bpfields`` list).
    """
    lines = [
        rf"\subsection*{{{_node_title(node)} \hfill {status_badge(node.status)}}}",
        rf"\label{{node:{_label(node.id)}}}",
        r"\begin{bpfields}",
    ]
    spec = paper.nodes.get(node.id)
    if spec is not None:
        typeset = typesetter.node(spec)
        lines.append(r"\item[Statement] " + typeset.sentence())
        if typeset.domain:
            lines.append(r"\item[For] " + _join(f"${d}$" for d in typeset.domain))
    if node.text:
        lines.append(r"\item[Wording] " + escape(node.text))
    lines.append(r"\item[Node] " + texttt(node.id) + ", " + escape(node.kind) + ", provenance: "
                 + r"\emph{" + escape(node.provenance) + "}")
    checked = "fully checked" if node.fully_checked else "not fully checked"
    status_line = status_badge(node.status) + " " + escape(checked)
    if node.direct is not None and node.direct.status is not node.status:
        status_line += "; statement alone: " + escape(node.direct.status.value)
    if node.proof_status is not None:
        status_line += "; proof: " + escape(node.proof_status.value)
    lines.append(r"\item[Status] " + status_line)
    method = texttt(node.method)
    if show_seconds:
        method += f" ({node.seconds:.2f}\\,s)"
    lines.append(r"\item[Method] " + method)
    if node.evidence:
        lines.append(r"\item[Evidence] " + escape(node.evidence))
    if node.counterexample:
        lines.append(r"\item[Refuted by] " + counterexample_latex(node.counterexample, typesetter))
    premises = getattr(node, "premises", None)
    if premises is not None:
        text = r"\textbf{" + escape(premises.label) + "}"
        evidence = premises.evidence
        if evidence.lower().startswith(premises.label.lower()):
            evidence = evidence[len(premises.label) :].lstrip(" :")
            if evidence.startswith("(") and evidence.endswith(")"):
                evidence = evidence[1:-1]
        if evidence:
            text += ": " + escape(evidence)
        if premises.satisfiable is True and premises.witness:
            text += "; e.g. " + counterexample_latex(premises.witness, typesetter)
        lines.append(r"\item[Premises] " + text)
    if node.uses:
        lines.append(
            r"\item[Uses] "
            + ", ".join(_node_link(u, texttt(u), paper) for u in node.uses)
        )
    if node.unestablished:
        lines.append(r"\item[Open below] " + ", ".join(_node_link(u, texttt(u), paper) for u in node.unestablished))
    if node.steps:
        lines.append(r"\item[Proof] " + escape(f"{len(node.steps) - 1} step(s) and the closing implication:"))
        lines.append(r"\begin{enumerate}\setlength{\itemsep}{0pt}")
        for step in node.steps:
            # the checker's own markers, such as "(steps imply the conclusion)", are words, not math
            marker = re.fullmatch(r"\([A-Za-z ,'-]+\)", step.claim.strip()) is not None
            claim = escape(step.claim) if marker else "$" + typesetter.expression(step.claim) + "$"
            item = rf"\item {claim} \hfill {status_badge(step.result.status)}\\ " + r"{\small " + texttt(
                step.result.method
            )
            if step.result.evidence:
                item += ": " + escape(step.result.evidence)
            item += "}"
            if step.result.counterexample:
                item += r"\\ {\small refuted by " + counterexample_latex(step.result.counterexample, typesetter) + "}"
            lines.append(item)
        lines.append(r"\end{enumerate}")
    lines.append(r"\end{bpfields}")
    return "\n".join(lines)


def summary_table(report: PaperReport) -> str:
    """A ``longtable`` (booktabs) of every statement with its status."""
    lines = [
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.24\linewidth}"
        r">{\raggedright\arraybackslash}p{0.12\linewidth}>{\raggedright\arraybackslash}p{0.16\linewidth}"
        r">{\raggedright\arraybackslash}p{0.2\linewidth}>{\raggedright\arraybackslash}p{0.13\linewidth}@{}}",
        r"\toprule",
        r"Statement & Variant & Provenance & Status & Fully checked \\",
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    for node in report.nodes.values():
        if node.id not in report.paper.nodes:
            continue
        lines.append(
            rf"\hyperref[node:{_label(node.id)}]{{{escape(node.label)}}} & {escape(node.variant)} & "
            rf"{escape(node.provenance)} & {status_badge(node.status)} & {'yes' if node.fully_checked else 'no'} \\"
        )
    lines.append(r"\end{longtable}")
    lines.append(r"\addtocounter{table}{-1}")  # an uncaptioned longtable still steps the counter
    return "\n".join(lines)


def notation_table(paper: Paper, typesetter: Typesetter) -> str:
    """Parameters, matrices and definitions with their symbols, meanings and ranges."""
    lines = [
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.3\linewidth}"
        r">{\raggedright\arraybackslash}p{0.16\linewidth}>{\raggedright\arraybackslash}p{0.47\linewidth}@{}}",
        r"\toprule",
        r"Symbol & Name & Meaning \\",
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    for name, param in paper.params.items():
        symbol = typesetter._range(_symbol_latex(name, param.latex), param.lo, param.hi, param.integer)
        lines.append(f"${symbol}$ & {texttt(name)} & {escape(param.meaning)} \\\\")
    for name, matrix in paper.matrices.items():
        dims = " \\times ".join(typesetter.symbol(str(d)) if not isinstance(d, int) else str(d) for d in matrix.shape)
        lines.append(
            f"${_symbol_latex(name, matrix.latex)} \\in \\mathbf{{R}}^{{{dims}}}$ & {texttt(name)} & "
            f"{escape(matrix.meaning)} \\\\"
        )
    for name, definition in paper.definitions.items():
        if definition.builtin is not None:
            template = BUILTINS.get(definition.builtin, ("", ""))[1]
            if definition.builtin == "Sum":
                shown = template.format("f(j)", "j", "a", "b")
            elif "{0}" in template and definition.builtin not in _ALL_ARGUMENTS:
                shown = template.format("A", "B", "C", "D", "E")
            elif template and "{" not in template.replace("{{", "").replace("}}", ""):
                shown = template.replace("{{", "{").replace("}}", "}")
            else:
                shown = r"\operatorname{" + escape(name) + "}"
            lines.append(f"${shown}$ & {texttt(name)} & {escape(definition.meaning)} \\\\")
            continue
        if definition.args:
            extra = {a: sp.Symbol(a, real=True) for a in definition.args}
            head = typesetter.expression(f"{name}({', '.join(definition.args)})", extra)
            body = typesetter.expression(definition.expr or "", extra)
        else:
            head = typesetter.symbol(name)
            body = typesetter.expression(definition.expr or "")
        lines.append(f"${head} = {body}$ & {texttt(name)} & {escape(definition.meaning)} \\\\")
    lines.append(r"\end{longtable}")
    lines.append(r"\addtocounter{table}{-1}")  # an uncaptioned longtable still steps the counter
    return "\n".join(lines)


def report_document(
    report: PaperReport,
    dag: Figure | None = None,
    figures: Sequence[Figure] = (),
    sections: Sequence[Section] = (),
    notes: Sequence[str] = (),
    show_seconds: bool = True,
) -> LatexDocument:
    """The full verification report as a LaTeX document.

    Parameters
    ----------
    report
        The check of a paper (:func:`boundprop.check.check_paper`).
    dag
        The dependency graph drawn as PDF (left out, with a note, when None).
    figures
        Regime maps and other figures, one ``figure`` each.
    sections
        Ready fragments such as bound tables and regime summaries.
    notes
        Plain-text remarks shown at the start (what was left out and why).
    show_seconds
        Print check times (off for reproducible output).
    """
    paper = report.paper
    typesetter = Typesetter(paper)
    statements = [n for n in report.nodes.values() if n.id in paper.nodes]
    counts = {s: len([n for n in statements if n.status is s]) for s in Status}
    wrong_proofs = [n for n in statements if n.proof_status is Status.REFUTED]
    authors = escape(", ".join(paper.authors)) + (f" ({paper.year})" if paper.year else "")
    body: list[str] = [
        r"\documentclass[10pt]{article}",
        r"\usepackage[a4paper,margin=2.2cm]{geometry}",
        *PREAMBLE_PACKAGES,
        r"\usepackage{float}",
        r"\usepackage[hidelinks,hypertexnames=false]{hyperref}",
        status_colour_definitions(),
        _FIELDS_ENV,
        r"\setlength{\parindent}{0pt}\setlength{\parskip}{4pt}",
        r"\setlength{\fboxsep}{1.5pt}",
        r"\begin{document}",
        r"\begin{center}",
        r"{\LARGE Verification report}\\[4pt]",
        r"{\large " + escape(paper.title) + r"}\\[2pt]",
        *([authors + r"\\[2pt]"] if authors else []),
        r"{\small paper id " + texttt(paper.id) + ", lemma file " + texttt(paper.source.name)
        + ", checked by boundprop " + escape(__version__) + "}",
        r"\end{center}",
        r"\section*{Summary}",
        escape(
            f"{len(statements)} statements: "
            + ", ".join(f"{counts[s]} {s.value}" for s in Status if counts[s])
            + (f"; {len(wrong_proofs)} refuted proof{'s' if len(wrong_proofs) != 1 else ''}" if wrong_proofs else "")
            + "."
        )
        + (f" Checked in {report.seconds:.1f}\\,s." if show_seconds else ""),
        r"A statement is \emph{fully checked} when it and every statement it depends on are proved "
        r"(\emph{proved-bounded}: for every matrix size in the stated range) or explicitly assumed. "
        r"Statuses: "
        + ", ".join(status_badge(s) for s in Status)
        + ".",
    ]
    refuted = [n for n in statements if n.status is Status.REFUTED]
    ill_defined = [n for n in statements if n.status is Status.ILL_DEFINED]
    theorems = [n for n in statements if n.kind == "theorem"]
    if refuted or ill_defined or theorems or wrong_proofs:
        body.append(r"\begin{itemize}\setlength{\itemsep}{0pt}\raggedright")
        for node in wrong_proofs:
            wrong = [s for s in node.steps if s.result.status is Status.REFUTED]
            line = rf"\item \textbf{{Wrong proof:}} \hyperref[node:{_label(node.id)}]{{{_node_title(node)}}}, "
            line += escape(", ".join(f"step {s.index}" for s in wrong) + " refuted")
            if wrong and wrong[0].result.counterexample:
                line += " by " + counterexample_latex(wrong[0].result.counterexample, typesetter)
            body.append(line + ".")
        why = explanations(report)
        for node in refuted:
            # what was refuted: the paper's text, the summary's paraphrase or a reconstruction
            what = _REFUTED_WHAT.get(node.provenance, escape(node.provenance))
            if other_readings(report, node):
                what = "one reading of " + what
            line = rf"\item \textbf{{False ({what}):}} \hyperref[node:{_label(node.id)}]{{{_node_title(node)}}}"
            if node.counterexample:
                line += ", refuted by " + counterexample_latex(node.counterexample, typesetter)
            mech = why.get(node.id)
            if mech is not None and mech.checked:
                line += r". \emph{Why} (" + texttt(mech.mechanism) + ", checked): " + escape(mech.sentence.rstrip("."))
            body.append(line + ".")
        for node in ill_defined:
            line = rf"\item \textbf{{Ill-defined:}} \hyperref[node:{_label(node.id)}]{{{_node_title(node)}}} "
            line += "(" + escape(node.provenance) + ")"
            if node.counterexample:
                line += ", undefined at " + counterexample_latex(node.counterexample, typesetter)
            body.append(line + ".")
        for node in theorems:
            state = "fully checked" if node.fully_checked else "not fully checked"
            line = (
                rf"\item \textbf{{Theorem}} \hyperref[node:{_label(node.id)}]{{{_node_title(node)}}}: "
                + status_badge(node.status)
                + ", "
                + state
            )
            if node.unestablished:
                line += "; not established below it: " + ", ".join(
                    _node_link(u, texttt(u), paper) for u in node.unestablished
                )
            chosen = readings_used(report).get(node.id)
            if chosen:  # which of the alternative readings its chain uses
                line += "; reading used: " + ", ".join(
                    escape(label) + ": " + _node_link(pick, texttt(pick), paper) for label, pick in chosen.items()
                )
            body.append(line + ".")
        body.append(r"\end{itemize}")
    for note in notes:
        body.append(r"\par\emph{Note: " + escape(note) + "}")
    body.append(summary_table(report))
    files: dict[str, bytes] = {}
    body.append(r"\section*{Dependency graph}")
    if dag is not None:
        files[dag.name] = dag.data
        if dag.rotate:
            graphic = (
                rf"\rotatebox{{90}}{{\includegraphics[width=0.86\textheight,height=\textwidth,keepaspectratio]"
                rf"{{{dag.name}}}}}"
            )
        else:
            graphic = rf"\includegraphics[width={dag.width},height=0.8\textheight,keepaspectratio]{{{dag.name}}}"
        body += [
            r"The statements and their dependencies are drawn in Figure~\ref{fig:dag}"
            + (r" (on a page of its own, turned)." if dag.rotate else "."),
            r"\begin{figure}[" + ("p" if dag.rotate else "htbp") + "]",
            r"\centering",
            graphic,
            r"\caption{" + dag.caption + "}",
            r"\end{figure}",
        ]
    else:
        body.append(r"\emph{The dependency graph is not drawn: graphviz's \texttt{dot} was not available.}")
    body.append(r"\section*{Notation}")
    body.append(notation_table(paper, typesetter))
    body.append(r"\section*{Statements}")
    for node in statements:
        body.append(node_section(node, paper, typesetter, show_seconds))
    if figures:
        body.append(r"\section*{Regime maps}")
        for figure in figures:
            files[figure.name] = figure.data
            body += [
                r"\begin{figure}[htbp]",
                r"\centering",
                rf"\includegraphics[width={figure.width},height=0.6\textheight,keepaspectratio]{{{figure.name}}}",
                r"\caption{" + figure.caption + "}",
                r"\end{figure}",
            ]
    for section in sections:
        files.update(section.files)
        body.append(r"\section*{" + escape(section.title) + "}")
        body.append(section.body)
    body += [r"\end{document}", ""]
    return LatexDocument(tex="\n".join(body), files=files, notes=tuple(notes))


def pdf_aspect(pdf: bytes) -> float | None:
    """Width over height of the first page of a PDF (from its MediaBox), if found.

    >>> pdf_aspect(b"<< /MediaBox [0 0 800 200] >>")
    4.0
    """
    match = re.search(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    if match is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in match.groups())
    return (x1 - x0) / (y1 - y0) if y1 > y0 else None


def dag_figure(pdf: bytes, paper: Paper, name: str = "dag.pdf") -> Figure:
    """The dependency graph (graphviz PDF) as a report figure; a drawing more than
    twice as wide as high is turned a quarter to use the page's length."""
    caption = (
        escape(paper.title)
        + r": dependency graph (definitions omitted). Border colour: status of the statement alone; "
        r"fill: status with its proof; double border: fully checked. Dashed edges are uses inside proofs."
        r"\label{fig:dag}"
    )
    aspect = pdf_aspect(pdf)
    return Figure(name, pdf, caption, rotate=aspect is not None and aspect > 2.0)



# ---------------------------------------------------------------------------
# bound tables (boundprop table --format latex)

NORM_CONVENTIONS = {
    "N1": r"N1, the entrywise max norm $\|A\| = \max_{i,j} |A_{ij}|$",
    "N2": r"N2, the operator $\infty$-norm $\|A\| = \max_i \sum_j |A_{ij}|$",
}

_FLAG_WORDS = {
    "premises-fail": "premises fail",
    "vacuous": "vacuous",
    "undetermined": "undetermined",
}


def norm_convention(variant: str) -> str:
    """The caption phrase for a node's norm variant (LaTeX).

    >>> norm_convention("N2").startswith("N2, the operator")
    True
    >>> norm_convention("N1, fine").endswith("(variant N1, fine)")
    True
    >>> norm_convention("")
    ''
    """
    if not variant:
        return ""
    first, _, rest = variant.partition(",")
    if first.strip() in NORM_CONVENTIONS:
        return NORM_CONVENTIONS[first.strip()] + (f" (variant {escape(variant)})" if rest.strip() else "")
    return "variant " + escape(variant)


def _table_symbols(table: BoundTable, paper: Paper | None) -> tuple[str, dict[str, str], list[str]]:
    """(index symbol, column key -> header symbol, definitions of columns that are
    expressions), from the columns' ``expr`` and the lemma file's ``latex`` fields."""
    index = r"\ell"
    headers = {c.key: c.latex for c in table.columns}
    definitions: list[str] = []
    if paper is None or not table.index:
        return index, headers, definitions
    if table.index in paper.params:
        index = _symbol_latex(table.index, paper.params[table.index].latex)
    for column in table.columns:
        text = column.expr
        call = re.fullmatch(r"\s*(\w+)\(\s*" + re.escape(table.index) + r"\s*\)\s*", text)
        if not text.strip():
            continue
        if call and call.group(1) in paper.definitions:
            headers[column.key] = _symbol_latex(call.group(1), paper.definitions[call.group(1)].latex)
        elif text.strip() in paper.params:  # a parameter (the theorem's bounded quantity): indexed by the layer
            name = text.strip()
            headers[column.key] = "{" + _symbol_latex(name, paper.params[name].latex) + "}_{" + index + "}"
        else:  # an expression: the column keeps its short symbol, the caption says what it is
            definitions.append(f"${headers[column.key]} = {Typesetter(paper).expression(text)}$")
    return index, headers, definitions


def bound_table_latex(
    table: BoundTable,
    paper: Paper | None = None,
    digits: int | None = None,
    flags: Mapping[int, RowFlag] | None = None,
    both_ends: bool = False,
    float_env: bool = True,
    placement: str = "htbp",
) -> str:
    r"""A certified per-layer bound table as a booktabs ``tabular``.

    Parameters
    ----------
    table
        A :class:`boundprop.propagate.BoundTable`.
    paper
        The paper, for the column symbols (``latex`` fields), the theorem's
        norm convention and its label.
    digits
        Significant digits (default: the table's).
    flags
        Rows to mark (default: the table's, :func:`boundprop.regimes.row_flags`) in a last column: vacuous,
        premises fail or undetermined, with the baselines and premises named
        in a note below the table.
    both_ends
        Print ``[lo, hi]`` (lower end rounded down, upper end up); default
        prints the upper end rounded up, which is what a bound needs.
    float_env
        Wrap in a ``table`` float with the caption; False gives the
        ``tabular`` and the caption as a paragraph below (for ``longtable``-free
        inclusion anywhere).
    placement
        Float placement; ``H`` (package ``float``) keeps the table where it is.

    Examples
    --------
    >>> from boundprop.propagate import BoundTable, Enclosure, LayerRow
    >>> third = Enclosure(Fraction(1, 3), Fraction(1, 3), Fraction(1, 3))
    >>> t = BoundTable("p", "R1", "R1", {"eta": Fraction(1, 10)}, (LayerRow(2, third, third, third),), 3)
    >>> print(bound_table_latex(t, float_env=False).splitlines()[4])
    2 & $0.334$ & $0.334$ & $0.334$ \\
    """
    digits = digits or table.digits
    index, headers, definitions = _table_symbols(table, paper)
    node = paper.nodes.get(table.theorem) if paper is not None else None
    columns = list(table.columns)
    flags = table.flags if flags is None else flags
    body = []
    for row in table.rows:
        cells = [str(row.layer)]
        for column in columns:
            enclosure = getattr(row, column.key)
            if both_ends:
                cells.append("$" + enclosure_latex(enclosure.lo, enclosure.hi, digits) + "$")
            else:
                cells.append("$" + upper_latex(enclosure.hi, digits) + "$")
        if flags:
            flag = flags.get(row.layer)
            cells.append(r"{\footnotesize " + _FLAG_WORDS.get(flag.klass, "") + "}" if flag else "")
        body.append(" & ".join(cells) + r" \\")
    fixed = ", ".join(
        "$" + (_symbol_latex(k, paper.params[k].latex) if paper is not None and k in paper.params
               else str(sp.latex(sp.Symbol(k)))) + " = " + fraction_latex(v) + "$"
        for k, v in table.fixed.items()
    )
    label = escape(table.label)
    if node is not None and node.variant:
        label += " [" + escape(node.variant) + "]"
    caption = f"{label}: certified per-layer bounds"
    if paper is not None:
        caption += " for " + escape(paper.title)
    caption += f" at {fixed}" if fixed else ""
    caption += "."
    if definitions:
        caption += " Here " + " and ".join(definitions) + "."
    norm = norm_convention(node.variant) if node is not None else ""
    if norm:
        caption += f" Norm: {norm}."
    if both_ends:
        caption += (
            f" Each entry encloses the exact value: lower end rounded down, upper end rounded up, "
            f"{digits} significant digits."
        )
    else:
        caption += (
            f" Each entry is the upper end of a certified enclosure, rounded up to {digits} significant digits."
        )
    if table.recurrence:
        caption += " Recurrence check: " + escape(table.recurrence) + "."
    notes = []
    for klass in ("premises-fail", "vacuous", "undetermined"):
        marked = [f for f in flags.values() if f.klass == klass]
        baselines = sorted({b for f in marked for b in f.baselines})
        if klass == "vacuous" and baselines:
            notes.append("vacuous: no better than " + _join((texttt(b) for b in baselines), "or"))
        elif marked:
            notes.append(_FLAG_WORDS[klass] + ": " + escape("; ".join(sorted({f.detail for f in marked}))))
    if notes:
        caption += (
            r" The last column says where the theorem, applied to a network of depth $L = "
            + index
            + r"$, is vacuous (no better than a baseline) or where its premises fail."
        )
    column_spec = "@{}r" + "r" * len(columns) + ("l" if flags else "") + "@{}"
    header = "$" + index + "$ & " + " & ".join("$" + headers[c.key] + "$" for c in columns)
    header += (f" & at $L = {index}$" if flags else "") + r" \\"
    tabular = [
        r"\begin{tabular}{" + column_spec + "}",
        r"\toprule",
        header,
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
    ]
    note_text = "; ".join(notes)
    if not float_env:
        out = tabular + ([r"\par\smallskip{\footnotesize " + note_text + ".}"] if notes else [])
        out.append(r"\par\smallskip{\small " + caption + "}")
        return "\n".join(out)
    lines = [
        rf"\begin{{table}}[{placement}]",
        r"\centering",
        r"\caption{" + caption + "}",
        rf"\label{{tab:bounds-{_label(table.theorem)}}}",
        *tabular,
    ]
    if notes:
        lines.append(r"\par\smallskip\parbox{0.9\linewidth}{\footnotesize " + note_text + ".}")
    lines.append(r"\end{table}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# regime summaries (boundprop regimes --format latex)


def _axis_range_latex(axis: Any, lo: Fraction, hi: Fraction, digits: int = 3) -> str:
    symbol = _symbol_latex(axis.name, axis.latex)
    if axis.integer:
        if lo == hi:
            return f"{symbol} = {int(lo)}"
        return f"{symbol} \\in \\{{{int(lo)}, \\dots, {int(hi)}\\}}"
    # outward: the printed box contains the cells
    return f"{symbol} \\in [{lower_latex(lo, digits)}, {upper_latex(hi, digits)}]"


def regime_summary_latex(
    rmap: Any,
    paper: Paper | None = None,
    figure: str | None = None,
    float_env: bool = True,
    placement: str = "htbp",
) -> str:
    r"""The classes of a regime map with their parameter ranges and volume fractions.

    Each class's range is the bounding box of its cells, printed outward
    (lower ends rounded down, upper ends up, 3 significant digits). With a
    declared regime, the combined classes follow. ``figure`` is a file name
    (PDF or PNG, e.g. from ``--plot``) included as a figure after the table.

    Parameters
    ----------
    rmap
        A :class:`boundprop.regimes.RegimeMap`.
    paper
        The paper (for its title and the theorem's norm variant).
    figure
        The map drawn by :func:`boundprop.report.plot.plot_map`.
    float_env
        Wrap the table in a ``table`` float.
    placement
        Float placement of the table and the figure (``H``: here, package ``float``).
    """
    problem = rmap.problem
    node = paper.nodes.get(problem.theorem) if paper is not None else None
    fractions = rmap.fractions()
    boxes: dict[str, list[tuple[Fraction, Fraction]]] = {}
    counts: dict[str, int] = {}
    for cell in rmap.cells:
        name = cell.klass.value
        counts[name] = counts.get(name, 0) + 1
        if name not in boxes:
            boxes[name] = list(cell.box)
        else:
            boxes[name] = [(min(a, c), max(b, d)) for (a, b), (c, d) in zip(boxes[name], cell.box, strict=True)]
    rows = []
    explain = {
        "premises-fail": "a premise of the theorem (or of a lemma it uses) fails",
        "vacuous": "the bound is no better than a baseline",
        "informative": "the bound beats every baseline",
        "undetermined": "not decided at this depth",
    }
    for name, fraction in fractions.items():
        if name in boxes:
            ranges = ", ".join(
                "$" + _axis_range_latex(axis, lo, hi) + "$"
                for axis, (lo, hi) in zip(problem.axes, boxes[name], strict=True)
                if axis.split
            )
        else:
            ranges = "---"
        cells = [escape(name), escape(explain.get(name, "")), ranges, f"${fraction:.3f}$", str(counts.get(name, 0))]
        rows.append(" & ".join(cells) + r" \\")
    combined_rows = []
    if problem.regimes:
        for name, fraction in sorted(rmap.combined_fractions().items()):
            combined_rows.append(f"{escape(name)} & ${fraction:.3f}$ \\\\")
    axes = ", ".join(
        "$" + _axis_range_latex(a, a.lo, a.hi) + "$" + (" (log scale)" if a.log else "")
        + ("" if a.split else " (projected: for all values)")
        for a in problem.axes
    )
    fixed = ", ".join(
        "$" + _symbol_latex(k, problem.latex.get(k, k)) + " = " + fraction_latex(v) + "$"
        for k, v in problem.fixed.items()
    )
    label = escape(problem.label)
    if node is not None and node.variant:
        label += " [" + escape(node.variant) + "]"
    caption = f"Regimes of {label} over {axes}"
    caption += f" at {fixed}" if fixed else ""
    caption += (
        f": {len(rmap.cells)} rigorously classed cell{'s' if len(rmap.cells) != 1 else ''} "
        f"(bisection depth at most {rmap.depth}); "
        "volume fractions of the free axes"
        + ("; baselines: " + ", ".join(texttt(b.id) for b in problem.baselines) if problem.baselines else "")
        + "."
    )
    norm = norm_convention(node.variant) if node is not None else ""
    if norm:
        caption += f" Norm: {norm}."
    tabular = [
        r"\begin{tabular}{@{}l>{\raggedright\arraybackslash}p{0.27\linewidth}"
        r">{\raggedright\arraybackslash}p{0.3\linewidth}rr@{}}",
        r"\toprule",
        r"Class & Meaning & Parameter range (bounding box) & Volume & Cells \\",
        r"\midrule",
        *rows,
        r"\bottomrule",
        r"\end{tabular}",
    ]
    if combined_rows:
        regime = problem.regimes[0]
        tabular += [
            r"\par\medskip",
            r"\begin{tabular}{@{}lr@{}}",
            r"\toprule",
            r"With regime " + texttt(regime.id) + r" & Volume \\",
            r"\midrule",
            *combined_rows,
            r"\bottomrule",
            r"\end{tabular}",
        ]
    if problem.dropped:
        shown = list(problem.dropped[:6])
        more = len(problem.dropped) - len(shown)
        tabular.append(
            r"\par\smallskip\parbox{0.95\linewidth}{\footnotesize Premises left out (not over the map's parameters): "
            + escape("; ".join(shown))
            + (f"; and {more} more" if more else "")
            + ".}"
        )
    if float_env:
        lines = [
            rf"\begin{{table}}[{placement}]",
            r"\centering",
            r"\caption{" + caption + "}",
            rf"\label{{tab:regimes-{_label(problem.theorem)}}}",
            *tabular,
            r"\end{table}",
        ]
    else:
        lines = [*tabular, r"\par\smallskip{\small " + caption + "}"]
    if figure is not None:
        lines += [
            rf"\begin{{figure}}[{placement}]",
            r"\centering",
            rf"\includegraphics[width=\linewidth,height=0.5\textheight,keepaspectratio]{{{figure}}}",
            r"\caption{Regime map of " + label + r" (rigorous cells; hatched: undetermined).}",
            rf"\label{{fig:regimes-{_label(problem.theorem)}}}",
            r"\end{figure}",
        ]
    return "\n".join(lines)
