"""Statements in the paper's own notation.

:class:`Typesetter` prints a node's hypotheses and conclusion with
``sympy.latex``, using the ``latex`` fields of the lemma file and keeping
definitions unexpanded (``g(2H\\varepsilon)``, not ``e^{2H\\varepsilon}-1``);
its display parser is :func:`boundprop.expr.parse_unevaluated`, over text the
strict parser accepted first. :func:`counterexample_latex` typesets exact
counterexamples, matrices as ``bmatrix`` with ``\\tfrac`` entries;
:func:`notation_table` lists the paper's symbols.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

from boundprop.encode import Namespace
from boundprop.errors import BoundpropError
from boundprop.expr import SCALAR_FUNCTIONS, parse_unevaluated
from boundprop.lemma import Node, Paper
from boundprop.matrix import BUILTINS
from boundprop.report.escape import escape, texttt
from boundprop.report.numbers import exact_latex

__all__ = [
    "Typesetter",
    "TypesetNode",
    "counterexample_latex",
    "matrix_latex",
    "notation_table",
    "symbol_latex",
    "wording_latex",
]

# Built-ins whose value is a scalar; every other built-in is matrix-valued (noncommutative).
# the matrix built-ins whose value is a number (displayed as real functions)
_SCALAR_BUILTINS = {
    "normN1", "normN2", "minE", "maxE", "rowWidth", "norm1", "normInf", "norm1inf", "frob", "Sum",
    "sumE", "trace", "norm2", "entry",
}
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


class _MatrixName(sp.Symbol):  # type: ignore[misc]
    """A matrix variable shown by name (noncommutative; ``A.T`` is ``T(A)``)."""

    @property
    def T(self) -> Any:  # noqa: N802 - sympy's spelling of the transpose
        return sp.Function("T", commutative=False)(self)


def symbol_latex(name: str, latex: str) -> str:
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
        self._parsed: dict[Any, tuple[bool, Any]] = {}
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
                symbol_names[symbol] = symbol_latex(name, param.latex)
        for name, matrix in paper.matrices.items():
            matrix_symbol = _MatrixName(name, commutative=False)
            names[name] = matrix_symbol
            symbol_names[matrix_symbol] = symbol_latex(name, matrix.latex)
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
                # its own arguments are not the paper's matrices of the same name (g(u) = exp(u) - 1)
                words = set(re.findall(r"\w+", definition.expr or "")) - set(definition.args)
                matrix_valued = bool(words & matrix_words)
                names[name] = (
                    sp.Function(name, commutative=False) if matrix_valued else sp.Function(name, real=True)
                )
                templates[name] = symbol_latex(name, definition.latex)
            else:
                symbol = sp.Symbol(name, real=True)
                names[name] = symbol
                symbol_names[symbol] = symbol_latex(name, definition.latex)
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
        # A report parses the same text more than once (a hypothesis shared by nodes, a
        # step citing a conclusion): both parsers are pure and sympy values immutable, so
        # each text is parsed once per typesetter, its error kept to raise again.
        try:
            key: Any = (text, tuple(sorted((extra or {}).items())))
            hash(key)
        except TypeError:
            return self._parse(text, extra)
        found = self._parsed.get(key)
        if found is None:
            try:
                found = (True, self._parse(text, extra))
            except (BoundpropError, SyntaxError, TypeError, ValueError, AttributeError) as exc:
                found = (False, exc)
            self._parsed[key] = found
        ok, value = found
        if not ok:
            raise value
        return value

    def _parse(self, text: str, extra: Mapping[str, Any] | None) -> Any:
        text = _rewrite_transpose(text)
        self._checker.parse(text, "display", {**self._names, **(extra or {})})
        try:
            return parse_unevaluated(text, {**SCALAR_FUNCTIONS, **self._names, **(extra or {})})
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
                out.append(_integer_range(symbol_latex(name, param.latex), str(lo), str(hi)))
                continue
            lo_text, hi_text = node.ranges.get(name, (param.lo, param.hi))
            out.append(self._range(symbol_latex(name, param.latex), lo_text, hi_text, param.integer))
        for name, matrix in self.paper.matrices.items():
            if name not in words:
                continue
            dims = " \\times ".join(
                str(d) if isinstance(d, int) else symbol_latex(d, self.paper.params[d].latex)
                if d in self.paper.params else str(sp.latex(sp.Symbol(d)))
                for d in matrix.shape
            )
            text = f"{symbol_latex(name, matrix.latex)} \\in \\mathbf{{R}}^{{{dims}}}"
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
            return symbol_latex(name, self.paper.params[name].latex)
        if name in self.paper.matrices:
            return symbol_latex(name, self.paper.matrices[name].latex)
        if name in self.paper.definitions:
            return symbol_latex(name, self.paper.definitions[name].latex)
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
        symbol = typesetter._range(symbol_latex(name, param.latex), param.lo, param.hi, param.integer)
        lines.append(f"${symbol}$ & {texttt(name)} & {escape(param.meaning)} \\\\")
    for name, matrix in paper.matrices.items():
        dims = " \\times ".join(typesetter.symbol(str(d)) if not isinstance(d, int) else str(d) for d in matrix.shape)
        lines.append(
            f"${symbol_latex(name, matrix.latex)} \\in \\mathbf{{R}}^{{{dims}}}$ & {texttt(name)} & "
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


# ---------------------------------------------------------------------------
# the paper's wording: prose with ASCII math (``||J||_2 = 2 p_1 p_2``) made readable

_GREEK_WORDS = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
    "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}
_GREEK_SHORT = {"eps": "varepsilon", "epsilon": "varepsilon", "phi": "varphi"}
_OPERATORS = {"sum", "min", "max", "log", "exp", "sup", "inf"}
_ARG = r"(?:\{[^{}]*\}|[A-Za-z0-9]+)"
# at most one subscript and one superscript (a double one would not compile), then no further script
_SCRIPT = r"(?:_" + _ARG + r"(?:\^" + _ARG + r")?|\^" + _ARG + r"(?:_" + _ARG + r")?)(?![_^A-Za-z0-9])"
# a norm ||...|| (with its subscript), a bracket or a name with sub- or superscripts, or a Greek name alone
_MATH_RUN = re.compile(
    r"\|\|[^|]{1,80}\|\|(?:" + _SCRIPT + ")?"
    + r"|\([^()]{1,40}\)" + _SCRIPT
    + r"|\b[A-Za-z][A-Za-z0-9]*" + _SCRIPT + r"(?:\([^()]{0,40}\))?"
    + r"|\b(?:" + "|".join(sorted(_GREEK_WORDS | set(_GREEK_SHORT), key=len, reverse=True)) + r")\b(?![_^(])"
)
_MATH_SAFE = re.compile(r"[A-Za-z0-9_^{}()\[\],.+\-=/|<>' ]+")


def _math_of(text: str) -> str | None:
    """LaTeX math of a short ASCII formula (None when it holds anything else)."""
    if _MATH_SAFE.fullmatch(text) is None or text.count("{") != text.count("}"):
        return None
    text = text.replace("<=", r" \le ").replace(">=", r" \ge ").replace("||", r"\|")
    text = re.sub(r"([_^])([A-Za-z0-9]+)", r"\1{\2}", text)  # x_ij -> x_{ij}
    if re.search(r"[_^](?!\{)|_\{[^{}]*\}_|\^\{[^{}]*\}\^", text):
        return None  # a script without its argument, or a double script: not a formula LaTeX takes
    scripts = [m.span() for m in re.finditer(r"[_^]\{[^{}]*\}", text)]

    def word(match: re.Match[str]) -> str:
        name = match.group(0)
        if name in _GREEK_SHORT:
            return "\\" + _GREEK_SHORT[name] + " "
        if name in _GREEK_WORDS or name in _OPERATORS:
            return "\\" + name + " "
        if len(name) == 1 or any(a < match.start() < b for a, b in scripts):
            return name  # a letter, or indices in a script (x_{ij}): italic letters
        return r"\mathrm{" + name + "}"

    # a name is a run of letters not preceded by a backslash (the commands just written)
    out = re.sub(r"(?<![\\A-Za-z])[A-Za-z]+", word, text)
    return re.sub(r"\s+", " ", out).strip()


def wording_latex(text: str) -> str:
    r"""A paper's wording (prose with ASCII math) as LaTeX text with inline math.

    Norms, names with sub- or superscripts and Greek names become math; the
    rest is escaped text (:func:`~boundprop.report.escape.escape`), so any
    wording compiles.

    >>> wording_latex("||J||_2 = 2 p_1 p_2 for eps >= 0")
    '$\\|J\\|_{2}$ = 2 $p_{1}$ $p_{2}$ for $\\varepsilon$ \\ensuremath{\\ge} 0'
    >>> wording_latex("(1 + x)^L <= e^{Lx}")
    '$(1 + x)^{L}$ \\ensuremath{\\le} $e^{Lx}$'
    >>> wording_latex("X_{l+1} = X_l + SAtt_{l,h}(X_l)")
    '$X_{l+1}$ = $X_{l}$ + $\\mathrm{SAtt}_{l,h}(X_{l})$'
    """
    out: list[str] = []
    last = 0
    for match in _MATH_RUN.finditer(text):
        math = _math_of(match.group(0))
        if math is None:
            continue
        out.append(escape(text[last : match.start()]))
        out.append(f"${math}$")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
