"""LaTeX math (the subset the report's typesetter writes) as presentation MathML.

The HTML report shows each statement in the notation of the PDF: the same
LaTeX strings (sympy's printer with the lemma file's ``latex`` fields and the
built-ins' templates), converted here to MathML Core, which browsers render
without any script. The converter knows the commands those strings use
(fractions, scripts, ``\\left``/``\\right``, ``bmatrix``, Greek letters,
relations, ``\\operatorname``, ``\\text``...) and raises
:class:`UnsupportedLatex` on anything else, so that a caller can show the
LaTeX source instead of guessing.
"""

from __future__ import annotations

import re
from html import escape as _html
from typing import Final

__all__ = ["UnsupportedLatex", "latex_to_mathml", "math_html"]


class UnsupportedLatex(ValueError):
    """The LaTeX uses a command or construct the converter does not know."""


_IDENTIFIERS: Final = {
    **{name: chr(0x3B1 + i + (1 if i >= 17 else 0)) for i, name in enumerate(
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
        "sigma tau upsilon phi chi psi omega".split()
    )},
    **dict(zip("Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split(), "ΓΔΘΛΞΠΣΥΦΨΩ", strict=True)),
    "varepsilon": "ε", "epsilon": "ϵ", "varphi": "φ", "phi": "ϕ", "vartheta": "ϑ", "varrho": "ϱ",
    "varsigma": "ς", "varpi": "ϖ", "ell": "ℓ", "infty": "∞", "partial": "∂", "nabla": "∇",
    "emptyset": "∅", "top": "⊤", "hbar": "ℏ", "imath": "ı", "jmath": "ȷ",
}
_OPERATORS: Final = {
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "lt": "<", "gt": ">",
    "approx": "≈", "sim": "∼", "equiv": "≡", "in": "∈", "notin": "∉", "subseteq": "⊆", "subset": "⊂",
    "cap": "∩", "cup": "∪", "setminus": "∖", "cdot": "·", "times": "×", "pm": "±", "mp": "∓",
    "circ": "∘", "ast": "∗", "star": "⋆", "oplus": "⊕", "otimes": "⊗", "wedge": "∧", "vee": "∨",
    "land": "∧", "lor": "∨", "neg": "¬", "to": "→", "rightarrow": "→", "mapsto": "↦", "leftarrow": "←",
    "Rightarrow": "⇒", "implies": "⟹", "Leftrightarrow": "⇔", "iff": "⟺", "forall": "∀", "exists": "∃",
    "ll": "≪", "gg": "≫", "mid": "∣", "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮",
    "|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖", "vert": "|", "lvert": "|", "rvert": "|",
    "{": "{", "}": "}", "langle": "⟨", "rangle": "⟩", "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊",
    "rfloor": "⌋", "prime": "′", "sum": "∑", "prod": "∏", "int": "∫", "colon": ":", "%": "%",
    "#": "#", "&": "&", "$": "$", "_": "_",
}
_FUNCTIONS: Final = {
    "max", "min", "sup", "inf", "lim", "log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh",
    "det", "arg", "deg", "dim", "ker", "gcd", "Pr", "arcsin", "arccos", "arctan",
}
_SPACES: Final = {",": "0.1667em", ":": "0.2222em", ";": "0.2778em", "!": "-0.1667em", " ": "0.25em",
                  "quad": "1em", "qquad": "2em"}
_ACCENTS: Final = {"hat": "^", "widehat": "^", "tilde": "~", "widetilde": "~", "bar": "¯", "overline": "¯",
                   "vec": "→", "dot": "˙", "ddot": "¨"}
_IGNORED: Final = {"displaystyle", "textstyle", "limits", "nolimits", "allowbreak", "strut"}
_FRACTIONS: Final = {"frac", "tfrac", "dfrac"}
_TEXT: Final = {"text", "textrm", "texttt", "textbf", "textit", "textsf", "mbox", "emph"}
_FONTS: Final = {"mathrm", "operatorname", "mathbf", "mathit", "mathsf", "mathtt", "boldsymbol", "mathbb",
                 "mathcal"}
_DOUBLE_STRUCK: Final = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
# text-mode escapes written by boundprop.report.latex.escape
_TEXT_COMMANDS: Final = {
    "textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^", "textless": "<",
    "textgreater": ">", "textbar": "|", "ldots": "…", "allowbreak": "",
}
_MATRICES: Final = {"bmatrix": ("[", "]"), "pmatrix": ("(", ")"), "matrix": ("", ""), "vmatrix": ("|", "|"),
                    "Vmatrix": ("‖", "‖")}

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|\s+|.", re.DOTALL)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [t for t in _TOKEN.findall(text)]
        self.pos = 0

    def peek(self) -> str | None:
        while self.pos < len(self.tokens) and self.tokens[self.pos].isspace():
            self.pos += 1
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise UnsupportedLatex("unexpected end of the formula")
        self.pos += 1
        return token

    def raw_group(self) -> str:
        """The source text of a ``{...}`` argument (for text and font names)."""
        if self.take() != "{":
            raise UnsupportedLatex("expected a braced argument")
        depth, out = 0, list[str]()
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            self.pos += 1
            if token == "{":
                depth += 1
            elif token == "}":
                if depth == 0:
                    return "".join(out)
                depth -= 1
            out.append(token)
        raise UnsupportedLatex("unbalanced braces")

    def sequence(self, stop: set[str]) -> list[str]:
        """Atoms with their scripts until a token of ``stop`` (not consumed) or the end."""
        items: list[str] = []
        while True:
            token = self.peek()
            if token is None or token in stop:
                return items
            if token in ("^", "_"):
                base = items.pop() if items else "<mrow></mrow>"
                items.append(self.scripts(base))
                continue
            if token == "'":
                self.take()
                base = items.pop() if items else "<mrow></mrow>"
                items.append(f"<msup>{base}<mo>′</mo></msup>")
                continue
            atom = self.atom()
            if atom:
                items.append(atom)

    def scripts(self, base: str) -> str:
        sub = sup = None
        while self.peek() in ("^", "_"):
            which = self.take()
            argument = self.argument()
            if which == "_":
                sub = argument
            else:
                sup = argument
        if sub is not None and sup is not None:
            return f"<msubsup>{base}{sub}{sup}</msubsup>"
        if sub is not None:
            return f"<msub>{base}{sub}</msub>"
        return f"<msup>{base}{sup}</msup>"

    def argument(self) -> str:
        """One argument: a braced group or a single atom."""
        if self.peek() == "{":
            self.take()
            inner = self.sequence({"}"})
            self.take()
            return _row(inner)
        atom = self.atom()
        return atom or "<mrow></mrow>"

    def atom(self) -> str:
        token = self.take()
        if token == "{":
            inner = self.sequence({"}"})
            self.take()
            return _row(inner)
        if token == "}":
            raise UnsupportedLatex("unbalanced braces")
        if token in ("&", "\\\\"):
            raise UnsupportedLatex("alignment outside a matrix")
        if token.startswith("\\"):
            return self.command(token[1:])
        if token[0].isdigit():
            return f"<mn>{token}</mn>"
        if token.isalpha():
            return f"<mi>{_html(token)}</mi>"
        if token == "~":
            return '<mspace width="0.25em"></mspace>'
        if token in "+-=<>,;:!/|()[].*":
            symbol = {"-": "−", "*": "∗"}.get(token, token)
            fence = ' stretchy="false"' if token in "()[]|/" else ""
            if token == "|":  # absolute value bars: no operator spacing (LaTeX's \lvert, \rvert)
                fence += ' lspace="0" rspace="0"'
            return f"<mo{fence}>{_html(symbol)}</mo>"
        return f"<mo>{_html(token)}</mo>"

    def command(self, name: str) -> str:
        if name in _IGNORED:
            if name in ("allowbreak", "strut") and self.peek() == "{":
                self.raw_group()
            return ""
        if name in _IDENTIFIERS:
            symbol = _IDENTIFIERS[name]
            upright = ' mathvariant="normal"' if symbol in "ΓΔΘΛΞΠΣΥΦΨΩ∞∂∇∅⊤" else ""
            return f"<mi{upright}>{symbol}</mi>"
        if name in _OPERATORS:
            big = ' largeop="true"' if name in ("sum", "prod", "int") else ""
            return f"<mo{big}>{_html(_OPERATORS[name])}</mo>"
        if name in _FUNCTIONS:
            return f'<mi mathvariant="normal">{name}</mi>'
        if name in _SPACES:
            return f'<mspace width="{_SPACES[name]}"></mspace>'
        if name in _FRACTIONS:
            numerator, denominator = self.argument(), self.argument()
            return f"<mfrac>{numerator}{denominator}</mfrac>"
        if name == "sqrt":
            if self.peek() == "[":
                self.take()
                index = _row(self.sequence({"]"}))
                self.take()
                return f"<mroot>{self.argument()}{index}</mroot>"
            return f"<msqrt>{self.argument()}</msqrt>"
        if name in _ACCENTS:
            return f'<mover accent="true">{self.argument()}<mo>{_ACCENTS[name]}</mo></mover>'
        if name in _TEXT:
            return f"<mtext>{_html(_text(self.raw_group()))}</mtext>"
        if name in _FONTS:
            return self.font(name)
        if name == "ensuremath":
            return self.argument()
        if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big"):
            return self.fenced(name)
        if name == "begin":
            return self.environment()
        raise UnsupportedLatex(f"unknown command \\{name}")

    def font(self, name: str) -> str:
        text = self.raw_group()
        if name == "mathbb" and len(text) == 1 and text in _DOUBLE_STRUCK:
            return f'<mi mathvariant="normal">{_DOUBLE_STRUCK[text]}</mi>'
        if name in ("mathrm", "operatorname") or re.fullmatch(r"[A-Za-z0-9 ]*", text) is None:
            inner = _Parser(text).sequence(set()) if re.search(r"[\\{^_]", text) else None
            if inner is not None:
                return _row(inner)
            return f'<mi mathvariant="normal">{_html(text.strip())}</mi>'
        weight = ' style="font-weight:bold"' if name in ("mathbf", "boldsymbol") else ""
        return f'<mi mathvariant="normal"{weight}>{_html(text.strip())}</mi>'

    def fenced(self, name: str) -> str:
        token = self.take()
        if token == ".":
            return ""
        if token.startswith("\\"):
            symbol = _OPERATORS.get(token[1:])
            if symbol is None:
                raise UnsupportedLatex(f"unknown delimiter {token}")
        else:
            symbol = token
        stretchy = "true" if name in ("left", "right") else "false"
        return f'<mo stretchy="{stretchy}">{_html(symbol)}</mo>'

    def environment(self) -> str:
        env = self.raw_group()
        if env not in _MATRICES:
            raise UnsupportedLatex(f"unknown environment {env}")
        rows: list[list[str]] = [[]]
        while True:
            cell = self.sequence({"&", "\\\\", "\\end"})
            rows[-1].append(_row(cell))
            token = self.take()
            if token == "&":
                continue
            if token == "\\\\":
                rows.append([])
                continue
            if self.raw_group() != env:
                raise UnsupportedLatex(f"\\begin{{{env}}} closed by another environment")
            break
        table = "".join("<mtr>" + "".join(f"<mtd>{c}</mtd>" for c in row) + "</mtr>" for row in rows if row)
        left, right = _MATRICES[env]
        opening = f'<mo stretchy="true">{left}</mo>' if left else ""
        closing = f'<mo stretchy="true">{right}</mo>' if right else ""
        return f"<mrow>{opening}<mtable>{table}</mtable>{closing}</mrow>"


def _row(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "<mrow>" + "".join(items) + "</mrow>"


def _text(source: str) -> str:
    """Text-mode LaTeX (as :func:`boundprop.report.latex.escape` writes it) back to plain text."""
    out: list[str] = []
    parser = _Parser(source)
    parser.tokens = _TOKEN.findall(source)  # keep spaces: they are text
    while parser.pos < len(parser.tokens):
        token = parser.tokens[parser.pos]
        parser.pos += 1
        if token in ("{", "}"):
            continue
        if token.startswith("\\") and len(token) == 2 and not token[1].isalpha():
            out.append("\u00a0" if token == "\\ " else token[1])
        elif token.startswith("\\"):
            name = token[1:]
            if name in _TEXT_COMMANDS:
                out.append(_TEXT_COMMANDS[name])
                if parser.pos < len(parser.tokens) and parser.tokens[parser.pos] == "{":
                    parser.raw_group()
            elif name in _TEXT:
                continue  # \texttt{...}: the braces are skipped, the text kept
            elif name == "ensuremath":
                inner = _text(parser.raw_group())
                out.append(inner)
            elif name in _IDENTIFIERS:
                out.append(_IDENTIFIERS[name])
            elif name in _OPERATORS:
                out.append(_OPERATORS[name])
            else:
                raise UnsupportedLatex(f"unknown text command \\{name}")
        elif token == "~":
            out.append("\u00a0")
        elif token in ("^", "_"):
            continue  # \ensuremath{^{2}}: superscripts in text are shown inline
        else:
            out.append(token)
    return "".join(out)


def latex_to_mathml(latex: str, display: bool = False) -> str:
    """A ``<math>`` element for LaTeX math (without the ``$``).

    Raises :class:`UnsupportedLatex` for commands it does not know.

    >>> latex_to_mathml(r"\\frac{1}{2} \\leq x_{1}")
    '<math><mrow><mfrac><mn>1</mn><mn>2</mn></mfrac><mo>≤</mo><msub><mi>x</mi><mn>1</mn></msub></mrow></math>'
    >>> latex_to_mathml(r"\\begin{bmatrix} 1 & 0 \\end{bmatrix}").count("<mtd>")
    2
    """
    parser = _Parser(latex)
    items = parser.sequence(set())
    if parser.peek() is not None:
        raise UnsupportedLatex(f"unexpected {parser.peek()!r}")
    attrs = ' display="block"' if display else ""
    return f"<math{attrs}>{_row(items) if items else '<mrow></mrow>'}</math>"


def math_html(latex: str, display: bool = False) -> str:
    """MathML for ``latex``, or its source in ``<code class="tex">`` when the converter cannot read it.

    >>> math_html(r"\\unknowncommand{x}")
    '<code class="tex">\\\\unknowncommand{x}</code>'
    """
    try:
        return latex_to_mathml(latex, display)
    except UnsupportedLatex:
        return f'<code class="tex">{_html(latex)}</code>'
