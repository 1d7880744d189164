"""Load lemma, proof and annotation files (TOML) into the model, validating everything.

One reader (:mod:`.reader`: the TOML text and the ``file:line`` of every
error) and three schemas: :mod:`.lemmas` (``lemmas/x.toml``), :mod:`.proofs`
(``proofs/x.toml``) and :mod:`.annotations` (``lemmas/x.regimes.toml``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from boundprop.errors import LemmaFileError
from boundprop.lemma import Paper
from boundprop.loader.lemmas import load_lemma_file
from boundprop.loader.proofs import load_proof_file

__all__ = ["BUNDLED_LEMMAS", "BUNDLED_PROOFS", "bundled_papers", "load_paper", "resolve_target"]


def _bundled_dir(name: str) -> Path:
    """``lemmas/`` or ``proofs/`` of the source tree (editable install), else the
    copy a regular install puts in ``<prefix>/share/boundprop/`` (pyproject's data-files)."""
    source_tree = Path(__file__).resolve().parent.parent.parent / name
    installed = Path(sys.prefix) / "share" / "boundprop" / name
    return source_tree if source_tree.is_dir() or not installed.is_dir() else installed


BUNDLED_LEMMAS = _bundled_dir("lemmas")
BUNDLED_PROOFS = _bundled_dir("proofs")


def bundled_papers() -> list[str]:
    """Ids of the papers shipped in ``lemmas/``."""
    # annotation files (x.regimes.toml) sit beside the lemma files; they are not papers
    return sorted(p.stem.replace("_", "-") for p in BUNDLED_LEMMAS.glob("*.toml") if "." not in p.stem)


def resolve_target(target: str) -> tuple[Path, Path | None]:
    """A bundled paper id or a path to a lemma file → (lemma file, proof file or None)."""
    path = Path(target)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise LemmaFileError(f"no lemma file at {target!r}", target)
        lemma_file = path
    else:
        lemma_file = BUNDLED_LEMMAS / (target.replace("-", "_") + ".toml")
        if not lemma_file.is_file():
            known = ", ".join(bundled_papers()) or "none"
            raise LemmaFileError(
                f"unknown paper {target!r}: give a bundled id ({known}) or a path to a .toml lemma file",
                target,
            )
    candidates = [
        lemma_file.parent.parent / "proofs" / lemma_file.name,
        lemma_file.with_name(lemma_file.stem + ".proofs.toml"),
    ]
    proof_file = next((c for c in candidates if c.is_file()), None)
    return lemma_file, proof_file


def load_paper(target: str | Path, *, validate: bool = True) -> Paper:
    """Load and validate a paper given by bundled id or path (with its proofs, if any).

    ``validate=False`` skips parsing every statement and proof step: only for
    files known to be valid (the results cache, whose key holds these exact
    bytes and this exact engine, stores an entry only after a validated load).
    """
    lemma_file, proof_file = resolve_target(str(target))
    paper = load_lemma_file(lemma_file)
    if proof_file is not None:
        proofs = load_proof_file(proof_file, paper)
        paper = Paper(**{**_fields(paper), "proofs": proofs, "proof_source": proof_file})
    # Validate all math and the graph now, so errors surface at load time.
    from boundprop.encode import validate_paper
    from boundprop.graph import build_graph

    if validate:
        validate_paper(paper)
    build_graph(paper)
    return paper


def _fields(paper: Paper) -> dict[str, Any]:
    return {name: getattr(paper, name) for name in paper.__dataclass_fields__}
