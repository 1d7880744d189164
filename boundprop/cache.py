"""A results cache: ``graph``, ``report`` and ``table`` reuse the last ``check``.

A cached result is reused only when its *key* matches, and the key is a
SHA-256 over everything that can influence a verdict:

* the bytes of the lemma file, of the proof file and of the annotation file
  (``x.regimes.toml``), each with its path's name;
* the engine: the source of every module of the installed ``boundprop``
  package (so any code change invalidates the cache, not only a version
  bump), the Python version and the versions of the solvers and numeric
  libraries it calls (z3, sympy, numpy, scipy, pyinterval, mpmath);
* the :class:`~boundprop.statement.Budget`, every field;
* the cache's own format version and what was computed (a paper check, or
  the recurrence check of one theorem).

The files are hashed *before* the paper is loaded and again after the check:
a result is stored only if they did not change in between, so an edit made
while a check runs can never be cached under the new content. A check with a
custom ``decide`` function is never cached.

Entries are JSON files (:func:`report_to_json` / :func:`report_from_json`)
in ``$BOUNDPROP_CACHE_DIR``, else ``$XDG_CACHE_HOME/boundprop``, else
``~/.cache/boundprop``. A corrupt or unreadable entry is ignored (the check
runs again); nothing here prints.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from boundprop.lemma import Paper
from boundprop.loader import load_paper, resolve_target
from boundprop.statement import Budget
from boundprop.verdict import CheckResult, NodeReport, PaperReport, Premises, Status, StepOutcome, json_ready

__all__ = [
    "FORMAT",
    "MAX_ENTRIES",
    "PACKAGE",
    "Progress",
    "Rendered",
    "cache_dir",
    "check",
    "engine_fingerprint",
    "key",
    "load_report",
    "recurrence",
    "rendered",
    "report_from_json",
    "report_to_json",
    "store",
]

FORMAT = 1  # bump when the serialised form changes
PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("z3-solver", "sympy", "numpy", "scipy", "pyinterval", "mpmath", "networkx")

Progress = Callable[[str, int, int], None]


def cache_dir() -> Path:
    """Where entries are kept (see the module docstring)."""
    explicit = os.environ.get("BOUNDPROP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "boundprop"


_ENGINE: dict[Path, str] = {}


def engine_fingerprint() -> str:
    """A hash of the package's source and of the libraries' versions.

    >>> len(engine_fingerprint())
    64
    """
    if PACKAGE not in _ENGINE:
        digest = hashlib.sha256()
        for path in sorted(PACKAGE.rglob("*.py")):
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        digest.update(sys.version.encode() + b"\0")
        for name in _LIBRARIES:
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "absent"
            digest.update(f"{name}={version}\0".encode())
        _ENGINE[PACKAGE] = digest.hexdigest()
    return _ENGINE[PACKAGE]


def _files_of(target: str | Path) -> tuple[Path, ...]:
    lemma_file, proof_file = resolve_target(str(target))
    annotations = lemma_file.with_name(lemma_file.stem + ".regimes.toml")
    return (lemma_file, proof_file or lemma_file.with_name("(no proof file)"), annotations)


def key(target: str | Path, budget: Budget | None, what: str = "check") -> str:
    """The cache key of computing ``what`` for the paper ``target`` under ``budget``.

    A missing file (no proof file, no annotation file) is part of the key as
    missing, so creating one invalidates the entry.
    """
    digest = hashlib.sha256(f"boundprop-cache/{FORMAT}\0{what}\0".encode())
    digest.update(engine_fingerprint().encode() + b"\0")
    budget_fields = dataclasses.asdict(budget) if budget is not None else {}
    digest.update(json.dumps(budget_fields, sort_keys=True).encode() + b"\0")
    for path in _files_of(target):
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(b"present\0" + path.read_bytes() + b"\0")
        except OSError:
            digest.update(b"absent\0")
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# the serialised form


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _result_to_dict(result: CheckResult) -> dict[str, Any]:
    return {
        "status": result.status.value,
        "method": result.method,
        "evidence": result.evidence,
        "seconds": result.seconds,
        "counterexample": json_ready(result.counterexample),
        "details": json_ready(result.details),
    }


def _result_from_dict(data: Mapping[str, Any]) -> CheckResult:
    return CheckResult(
        status=Status(data["status"]),
        method=data["method"],
        evidence=data["evidence"],
        seconds=float(data["seconds"]),
        counterexample=data["counterexample"],
        details=_tuples(data["details"]),
    )


def _node_to_dict(node: NodeReport) -> dict[str, Any]:
    return {
        "id": node.id,
        "label": node.label,
        "variant": node.variant,
        "kind": node.kind,
        "provenance": node.provenance,
        "text": node.text,
        "status": node.status.value,
        "method": node.method,
        "evidence": node.evidence,
        "counterexample": json_ready(node.counterexample),
        "seconds": node.seconds,
        "uses": list(node.uses),
        "fully_checked": node.fully_checked,
        "unestablished_ancestors": list(node.unestablished),
        "direct": None if node.direct is None else _result_to_dict(node.direct),
        "steps": [{"index": s.index, "claim": s.claim, "result": _result_to_dict(s.result)} for s in node.steps],
        "proof_status": None if node.proof_status is None else node.proof_status.value,
        "premises": None
        if node.premises is None
        else {
            "satisfiable": node.premises.satisfiable,
            "witness": json_ready(node.premises.witness),
            "evidence": node.premises.evidence,
        },
    }


def _node_from_dict(data: Mapping[str, Any]) -> NodeReport:
    premises = data["premises"]
    return NodeReport(
        id=data["id"],
        label=data["label"],
        variant=data["variant"],
        kind=data["kind"],
        provenance=data["provenance"],
        text=data["text"],
        status=Status(data["status"]),
        method=data["method"],
        evidence=data["evidence"],
        counterexample=data["counterexample"],
        seconds=float(data["seconds"]),
        uses=tuple(data["uses"]),
        fully_checked=bool(data["fully_checked"]),
        unestablished=tuple(data["unestablished_ancestors"]),
        direct=None if data["direct"] is None else _result_from_dict(data["direct"]),
        steps=tuple(
            StepOutcome(index=int(s["index"]), claim=s["claim"], result=_result_from_dict(s["result"]))
            for s in data["steps"]
        ),
        proof_status=None if data["proof_status"] is None else Status(data["proof_status"]),
        premises=None
        if premises is None
        else Premises(satisfiable=premises["satisfiable"], witness=premises["witness"], evidence=premises["evidence"]),
    )


def report_to_json(report: PaperReport) -> dict[str, Any]:
    """Every field of a paper check as plain JSON data (the paper and its DAG
    are not stored: they are rebuilt from the files the key covers)."""
    return {
        "format": FORMAT,
        "paper": report.paper.id,
        "seconds": report.seconds,
        "nodes": [_node_to_dict(n) for n in report.nodes.values()],
    }


def report_from_json(data: Mapping[str, Any], paper: Paper) -> PaperReport:
    """The :class:`PaperReport` that :func:`report_to_json` wrote, for ``paper``."""
    from boundprop.graph import build_graph

    if data.get("format") != FORMAT or data.get("paper") != paper.id:
        raise ValueError("a cache entry of another format or paper")
    nodes = {n.id: n for n in (_node_from_dict(d) for d in data["nodes"])}
    graph = build_graph(paper)
    if set(nodes) != set(graph.nodes):
        raise ValueError("a cache entry whose nodes are not the paper's")
    return PaperReport(paper=paper, graph=graph, nodes=nodes, seconds=float(data["seconds"]))


# ---------------------------------------------------------------------------
# reading and writing entries


def _entry(entry_key: str, directory: Path | None) -> Path:
    return (directory or cache_dir()) / f"{entry_key}.json"


def _read(entry_key: str, directory: Path | None) -> Any:
    try:
        return json.loads(_entry(entry_key, directory).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(entry_key: str, data: Any, directory: Path | None) -> bool:
    """Write atomically (a temporary file renamed); False when the directory is not writable."""
    path = _entry(entry_key, directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
    except OSError:
        return False
    _prune(path.parent)
    return True


MAX_ENTRIES = 200


def _prune(directory: Path) -> None:
    """Keep the newest :data:`MAX_ENTRIES` entries."""
    try:
        entries = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_ENTRIES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def load_report(target: str | Path, budget: Budget | None, directory: Path | None = None) -> PaperReport | None:
    """The cached check of ``target`` under ``budget``, or None on a miss."""
    entry_key = key(target, budget)
    data = _read(entry_key, directory)
    if data is None:
        return None
    # These bytes validated under this engine when the entry was stored (the
    # key covers both), so validating again could only repeat that: skip it,
    # it is most of the time of `graph` after `check`.
    paper = load_paper(target, validate=False)
    if key(target, budget) != entry_key:  # edited while loading
        return None
    try:
        return report_from_json(data, paper)
    except (KeyError, TypeError, ValueError):
        return None


def check(
    target: str | Path,
    budget: Budget | None = None,
    *,
    progress: Progress | None = None,
    read: bool = True,
    write: bool = True,
    directory: Path | None = None,
) -> tuple[PaperReport, bool]:
    """Check ``target`` (bundled id or lemma file), through the cache.

    Returns the report and whether it came from the cache. ``read=False``
    always runs the check (``--no-cache``); ``write=False`` does not store it.
    """
    budget = budget or Budget()
    if read:
        cached = load_report(target, budget, directory)
        if cached is not None:
            return cached, True
    from boundprop.check import check_paper  # after the hit: a hit needs no checker

    before = key(target, budget)
    paper = load_paper(target)
    report = check_paper(paper, budget, progress=progress)
    if write:
        store(target, budget, before, report, directory)
    return report, False


def store(
    target: str | Path, budget: Budget | None, before: str, report: PaperReport, directory: Path | None = None
) -> bool:
    """Store ``report``, the check of ``target`` under ``budget``, if the files
    still hash to ``before`` (the key computed *before* the paper was loaded).
    Returns whether it was stored.

    Use: ``before = key(target, budget)``, then load and check, then
    ``store(target, budget, before, report)``.
    """
    if key(target, budget) != before:
        return False
    return _write(before, report_to_json(report), directory)


T = TypeVar("T")


def _through(
    target: str | Path,
    budget: Budget | None,
    what: str,
    compute: Callable[[], T],
    decode: Callable[[Any], T],
    encode: Callable[[T], Any],
    read: bool,
    directory: Path | None,
) -> tuple[T, bool]:
    """``compute()`` through the cache entry ``what`` of ``target`` under ``budget``: a
    hit is decoded (an entry that does not decode is computed again); a result is
    stored only if the files did not change while it ran. Returns it and whether it hit."""
    before = key(target, budget, what)
    if read:
        data = _read(before, directory)
        if data is not None:
            try:
                return decode(data), True
            except (KeyError, TypeError, ValueError, AttributeError):
                pass
    result = compute()
    if key(target, budget, what) == before:
        _write(before, encode(result), directory)
    return result, False


def recurrence(
    target: str | Path,
    theorem: str,
    compute: Callable[[], CheckResult],
    *,
    read: bool = True,
    directory: Path | None = None,
) -> tuple[CheckResult, bool]:
    """The recurrence check of ``theorem`` (``compute``), through the cache."""
    return _through(target, None, f"recurrence\0{theorem}", compute, _result_from_dict, _result_to_dict,
                    read, directory)


# ---------------------------------------------------------------------------
# rendered output: what `report` wrote (its maps, tables and drawings are most of its time)


@dataclasses.dataclass(frozen=True, slots=True)
class Rendered:
    """Files a command wrote (name beside the output -> bytes) and the lines it printed."""

    files: Mapping[str, bytes]
    messages: tuple[str, ...] = ()


def rendered(
    target: str | Path,
    budget: Budget | None,
    what: str,
    compute: Callable[[], Rendered],
    *,
    read: bool = True,
    directory: Path | None = None,
) -> tuple[Rendered, bool]:
    """``compute`` (a rendering of ``target``'s check under ``budget``, described by ``what``:
    every option that changes the output), through the cache. Returns it and whether it was a hit.

    The key covers the files, the engine and the budget, so a hit is exactly
    what ``compute`` would write again; stored only if the files did not
    change while it ran.
    """
    import base64

    def decode(data: Any) -> Rendered:
        files = {str(k): base64.b64decode(v, validate=True) for k, v in data["files"].items()}
        return Rendered(files, tuple(str(m) for m in data["messages"]))

    def encode(result: Rendered) -> dict[str, Any]:
        return {"files": {k: base64.b64encode(v).decode("ascii") for k, v in result.files.items()},
                "messages": list(result.messages)}

    return _through(target, budget, f"rendered\0{what}", compute, decode, encode, read, directory)
