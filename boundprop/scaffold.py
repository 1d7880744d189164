"""Templates for a new paper: a lemma file and a proof file, with comments.

``boundprop new PAPER-ID`` writes them; they load and check as they are
(two small polynomial lemmas and a three-step proof), so a newcomer can edit
from a working state. The format is documented in docs/lemma-format.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from boundprop.errors import InputError

__all__ = ["LEMMA_TEMPLATE", "PAPER_ID", "PROOF_TEMPLATE", "Scaffold", "file_stem", "scaffold", "write_scaffold"]

PAPER_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

LEMMA_TEMPLATE = '''\
# Lemma file of {paper_id}: the paper's setting and statements.
# Full reference: docs/lemma-format.md.  Check it: boundprop check {lemma_path}
#
# Math is written as strings: + - * / ** (or ^), <= < >= > =, exp, log, sqrt,
# abs, min, max, floor, ceiling.  Every name must be declared below; decimals
# are exact ("0.1" is one tenth); bounds are strings ("1/3", "0.25", "oo").

[paper]
id = "{paper_id}"                 # how `boundprop check` and the reports name it
title = "{title}"
authors = ["A. Author", "B. Author"]
year = 2026
url = ""

# Scalar parameters: domain "real" or "integer" and the range they take
# unless a node narrows it.  "oo" / "-oo" for unbounded.
[params]
x = {{ domain = "real", range = ["0", "1"], latex = "x", meaning = "a number in the unit interval" }}
L = {{ domain = "integer", range = [1, 100], latex = "L", meaning = "number of layers" }}

# Named functions or quantities, expanded wherever they are used.
[defs]
sq = {{ args = ["u"], expr = "u**2", latex = "\\\\operatorname{{sq}}", meaning = "the square of u" }}

# Each [[node]] is one statement of the paper: for every value of the
# parameters in their ranges, the hypotheses imply the conclusion.
# provenance: paper | paper-summary | reconstruction | correction | definition
[[node]]
id = "L1"                         # your stable id; proofs and `uses` cite it
label = "Lemma 1"                 # the paper's own number
provenance = "paper"
text = "For x in [0, 1], x^2 <= x."
hypotheses = ["0 <= x", "x <= 1"]
conclusion = "sq(x) <= x"

[[node]]
id = "T2"
label = "Theorem 2"
kind = "theorem"
provenance = "paper"
text = "For x in [0, 1], x^4 <= x; proved in the proof file from Lemma 1."
hypotheses = ["0 <= x", "x <= 1"]
conclusion = "x**4 <= x"
uses = ["L1"]                     # statements it depends on (edges of the DAG)
'''

PROOF_TEMPLATE = '''\
# Proof file of {paper_id}: each proof is a chain of steps the engine checks.
# A step's claim must follow from the node's hypotheses, the earlier steps'
# claims and the cited nodes' conclusions (their hypotheses, instantiated with
# `with`, become obligations of the step).  Then the steps together must
# imply the node's conclusion.  Reference: docs/lemma-format.md.
paper = "{paper_id}"

[[proof]]
of = "T2"
note = "Apply Lemma 1 twice: x^4 = (x^2)^2 <= x^2 <= x."

[[proof.step]]
claim = "sq(x) <= x"
using = ["L1"]

[[proof.step]]
claim = "sq(sq(x)) <= sq(x)"
using = [{{ node = "L1", with = {{ x = "sq(x)" }} }}]
note = "Lemma 1 at x^2, which lies in [0, 1] too"

[[proof.step]]
claim = "x**4 <= x"
note = "chain the two previous steps"
'''


@dataclass(frozen=True, slots=True)
class Scaffold:
    """The two files of a new paper (paths and text)."""

    lemma_path: Path
    proof_path: Path
    lemma_text: str
    proof_text: str


def file_stem(paper_id: str) -> str:
    """The file name stem of a paper id (the bundled papers' convention).

    >>> file_stem("smith-2026")
    'smith_2026'
    """
    return paper_id.replace("-", "_")


def scaffold(paper_id: str, directory: Path, title: str | None = None) -> Scaffold:
    """The lemma and proof files for ``paper_id`` under ``directory``.

    >>> s = scaffold("smith-2026", Path("work"))
    >>> str(s.lemma_path), str(s.proof_path)
    ('work/lemmas/smith_2026.toml', 'work/proofs/smith_2026.toml')
    >>> scaffold("Smith 2026", Path("."))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    boundprop.errors.InputError: Smith 2026: a paper id is lower-case letters and digits joined by '-' ...
    """
    if not PAPER_ID.match(paper_id) or len(paper_id) > 80:
        raise InputError(
            "a paper id is lower-case letters and digits joined by '-' (like 'smith-2026')", paper_id
        )
    title = title or f"Title of {paper_id}"
    if any(c in title for c in '"\\\n'):
        raise InputError("the title may not contain quotes, backslashes or newlines", "`title`")
    stem = file_stem(paper_id)
    lemma_path = directory / "lemmas" / f"{stem}.toml"
    proof_path = directory / "proofs" / f"{stem}.toml"
    values = {"paper_id": paper_id, "title": title, "lemma_path": lemma_path}
    return Scaffold(
        lemma_path=lemma_path,
        proof_path=proof_path,
        lemma_text=LEMMA_TEMPLATE.format(**values),
        proof_text=PROOF_TEMPLATE.format(**values),
    )


def write_scaffold(files: Scaffold, force: bool = False) -> None:
    """Write both files; refuse to overwrite either unless ``force``."""
    if not force:
        for path in (files.lemma_path, files.proof_path):
            if path.exists():
                raise InputError("already exists; choose another id or pass `force` to overwrite", str(path))
    for path, text in ((files.lemma_path, files.lemma_text), (files.proof_path, files.proof_text)):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write ({exc.strerror})", str(path)) from None
