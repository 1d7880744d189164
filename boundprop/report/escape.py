"""User text made safe for LaTeX's text mode: :func:`escape`, :func:`texttt`,
and the two small helpers every LaTeX renderer shares (labels, word lists).

Unicode a lemma file may contain (η, ‖, ≤) becomes ``\\ensuremath{...}``;
long unbroken tokens get break points so narrow columns never overflow.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["escape", "join", "latex_label", "texttt"]

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}

_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega"
).split()

_UNICODE: dict[str, str] = {
    "≤": r"\ensuremath{\le}",
    "≥": r"\ensuremath{\ge}",
    "≠": r"\ensuremath{\neq}",
    "≈": r"\ensuremath{\approx}",
    "∈": r"\ensuremath{\in}",
    "∉": r"\ensuremath{\notin}",
    "∞": r"\ensuremath{\infty}",
    "‖": r"\ensuremath{\|}",
    "·": r"\ensuremath{\cdot}",
    "×": r"\ensuremath{\times}",
    "−": r"\ensuremath{-}",
    "±": r"\ensuremath{\pm}",
    "∑": r"\ensuremath{\sum}",
    "Σ": r"\ensuremath{\Sigma}",
    "Π": r"\ensuremath{\Pi}",
    "∏": r"\ensuremath{\prod}",
    "√": r"\ensuremath{\surd}",
    "⇒": r"\ensuremath{\Rightarrow}",
    "→": r"\ensuremath{\to}",
    "↦": r"\ensuremath{\mapsto}",
    "←": r"\ensuremath{\leftarrow}",
    "⇔": r"\ensuremath{\Leftrightarrow}",
    "∀": r"\ensuremath{\forall}",
    "∃": r"\ensuremath{\exists}",
    "∘": r"\ensuremath{\circ}",
    "⊤": r"\ensuremath{\top}",
    "ᵀ": r"\ensuremath{^{\top}}",
    "ℓ": r"\ensuremath{\ell}",
    "ℝ": r"\ensuremath{\mathbf{R}}",
    "∂": r"\ensuremath{\partial}",
    "∇": r"\ensuremath{\nabla}",
    "⌈": r"\ensuremath{\lceil}",
    "⌉": r"\ensuremath{\rceil}",
    "⌊": r"\ensuremath{\lfloor}",
    "⌋": r"\ensuremath{\rfloor}",
    "≪": r"\ensuremath{\ll}",
    "≫": r"\ensuremath{\gg}",
    "∼": r"\ensuremath{\sim}",
    "⊆": r"\ensuremath{\subseteq}",
    "∩": r"\ensuremath{\cap}",
    "∪": r"\ensuremath{\cup}",
    "…": r"\ldots{}",
    "–": "--",
    "—": "---",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
    "\u00a0": "~",
}
for _i, _name in enumerate(_GREEK):
    _UNICODE[chr(0x3B1 + _i + (1 if _i >= 17 else 0))] = rf"\ensuremath{{\{_name}}}"  # skip final sigma
_CAPITALS = "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
for _char, _name in zip("ΓΔΘΛΞΠΣΥΦΨΩ", _CAPITALS, strict=True):
    _UNICODE.setdefault(_char, rf"\ensuremath{{\{_name}}}")
_UNICODE["ε"] = r"\ensuremath{\varepsilon}"
_UNICODE["ϵ"] = r"\ensuremath{\epsilon}"
_UNICODE["φ"] = r"\ensuremath{\varphi}"
_UNICODE["ϕ"] = r"\ensuremath{\phi}"
_UNICODE["θ"] = r"\ensuremath{\theta}"
for _digit in range(10):
    _UNICODE[chr(0x2080 + _digit)] = rf"\ensuremath{{_{_digit}}}"
for _char, _digit in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", range(10), strict=True):
    _UNICODE[_char] = rf"\ensuremath{{^{_digit}}}"
_UNICODE["⁻"] = r"\ensuremath{^{-}}"
_UNICODE["ᵢ"] = r"\ensuremath{_i}"
_UNICODE["ⱼ"] = r"\ensuremath{_j}"

_BREAK_AFTER = set("/_=,;:.-)]+*|")
_LONG_TOKEN = 16
# what makes ASCII text change: a special character, ``!=``, or a token long enough to break
_PLAIN = re.compile("[" + re.escape("".join(_SPECIAL)) + "]|!=|\\S{" + str(_LONG_TOKEN) + "}")


def escape(text: str) -> str:
    """Escape ``text`` for LaTeX's text mode (pdflatex-safe).

    The special characters become their LaTeX forms (``<=`` and ``>=`` become
    ≤ and ≥); Greek letters and
    common math symbols become ``\\ensuremath{...}``; other characters outside
    Latin-1 become ``[U+XXXX]``, so the document always compiles. Inside long
    unbroken tokens (identifiers, URLs, numbers) a ``\\allowbreak{}`` follows
    punctuation so that narrow columns never overflow.

    Examples
    --------
    >>> print(escape("50% of a_1 & b_2 cost $3 {~#^} \\\\"))
    50\\% of a\\_1 \\& b\\_2 cost \\$3 \\{\\textasciitilde{}\\#\\textasciicircum{}\\} \\textbackslash{}
    >>> print(escape("‖Res(X)‖ ≤ η"))
    \\ensuremath{\\|}Res(X)\\ensuremath{\\|} \\ensuremath{\\le} \\ensuremath{\\eta}
    >>> print(escape("a_very_long_identifier_name"))
    a\\_very\\_long\\_identifier\\_\\allowbreak{}name
    """
    if text.isascii() and _PLAIN.search(text) is None:
        return text  # nothing to escape, no token long enough to break (most of a report's text)
    text = text.replace("<=", "≤").replace(">=", "≥").replace("!=", "≠")
    out: list[str] = []
    run = 0
    for char in text:
        if char in _SPECIAL:
            piece = _SPECIAL[char]
        elif char.isascii():
            piece = char
        elif char in _UNICODE:
            piece = _UNICODE[char]
        elif "\u00a0" <= char <= "\u017f" and unicodedata.category(char).startswith("L"):
            piece = char  # Latin-1 and Latin Extended-A letters: fine with LaTeX's utf8 input
        else:
            piece = f"[U+{ord(char):04X}]"
        out.append(piece)
        run = 0 if char.isspace() else run + 1
        if run >= _LONG_TOKEN and char in _BREAK_AFTER:
            out.append(r"\allowbreak{}")
            run = 0
    return "".join(out)


def texttt(text: str) -> str:
    r"""Escaped ``\texttt`` (code, identifiers) that may break at punctuation.

    >>> texttt("normN1(Res(A))")
    '\\texttt{normN1(Res(A))}'
    """
    return r"\texttt{" + escape(text) + "}"


def latex_label(text: str) -> str:
    """A ``\\label`` key from a node id or theorem name (only characters LaTeX keys allow).

    >>> latex_label("Theorem 5.3")
    'Theorem-5.3'
    """
    return re.sub(r"[^A-Za-z0-9:.-]", "-", text)


def join(items: Iterable[str], conjunction: str = "and") -> str:
    """``a, b and c``.

    >>> join(["a", "b", "c"]), join(["a"], "or")
    ('a, b and c', 'a')
    """
    seq = list(items)
    if len(seq) <= 1:
        return "".join(seq)
    return ", ".join(seq[:-1]) + f" {conjunction} " + seq[-1]
