""""Did you mean ...?" for misspelt names (commands, options, node ids, built-ins).

One place for the wording and the closeness cut-off, so every error suggests
the same way. Pure text: no boundprop imports.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

__all__ = ["closest", "did_you_mean"]


def closest(name: str, candidates: Iterable[str], usual: Mapping[str, str] | None = None) -> str | None:
    """The candidate ``name`` was most likely meant to be, or None.

    ``usual`` maps spellings of other tools to ours (``ln`` -> ``log``); it wins
    over closeness.

    >>> closest("chek", ["check", "prove"]), closest("zzz", ["check"]), closest("ln", ["log"], {"ln": "log"})
    ('check', None, 'log')
    """
    pool = list(dict.fromkeys(candidates))
    if usual and name in usual:
        return usual[name]
    hits = difflib.get_close_matches(name, pool, n=1, cutoff=0.5)
    if not hits:  # case slips ("r1" for "R1") are not close in difflib's sense
        hits = [c for c in pool if c.lower() == name.lower()]
    return hits[0] if hits else None


def did_you_mean(name: str, candidates: Iterable[str], usual: Mapping[str, str] | None = None) -> str:
    """``"; did you mean 'check'?"`` or ``""``, to append to an error message.

    >>> did_you_mean("--jsn", ["--json", "--strict"])
    "; did you mean '--json'?"
    """
    hit = closest(name, candidates, usual)
    return f"; did you mean {hit!r}?" if hit is not None and hit != name else ""
