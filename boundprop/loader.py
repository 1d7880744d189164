"""Load lemma and proof files (TOML) into the model, validating everything.

Why TOML: it is written by hand without ceremony, has comments, is in the
standard library (``tomllib``), cannot execute code (a lemma file from a
colleague is data, not a program), and keeps math as plain strings that the
strict parser of :mod:`boundprop.expr` reads. Every validation error names the
file and line and says what to fix.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from boundprop.errors import BoundpropError, LemmaFileError
from boundprop.lemma import (
    Citation,
    Definition,
    Kind,
    MatrixParam,
    Node,
    Paper,
    Param,
    Proof,
    Provenance,
    Step,
)
from boundprop.statement import exact_bound

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _bundled_dir(name: str) -> Path:
    """``lemmas/`` or ``proofs/`` of the source tree (editable install), else the
    copy a regular install puts in ``<prefix>/share/boundprop/`` (pyproject's data-files)."""
    source_tree = Path(__file__).resolve().parent.parent / name
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
    paper = _load_lemma_file(lemma_file)
    if proof_file is not None:
        proofs = _load_proof_file(proof_file, paper)
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


class _Reader:
    """Reads one TOML file, remembering its text so errors can name lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LemmaFileError(f"cannot read file ({exc.strerror})", str(path)) from None
        except UnicodeDecodeError:
            raise LemmaFileError("file is not UTF-8 text", str(path)) from None
        if not self.text.strip():
            raise LemmaFileError("file is empty; see docs/lemma-format.md", str(path))
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
            msg = str(exc).split(" (at line")[0]
            raise LemmaFileError(f"TOML syntax error: {msg}", self.where(line)) from None
        self.lines = self.text.splitlines()

    def where(self, line: int | None) -> str:
        return f"{self.path}:{line}" if line else str(self.path)

    def line_of(self, *needles: str, start: int = 1) -> int:
        """First line (from ``start``) containing every needle, else ``start``."""
        for number in range(max(start, 1), len(self.lines) + 1):
            if all(n in self.lines[number - 1] for n in needles):
                return number
        return start

    def fail(self, message: str, line: int | None) -> LemmaFileError:
        return LemmaFileError(message, self.where(line))


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _str(reader: _Reader, table: Mapping[str, Any], key: str, line: int, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise reader.fail(f"missing required key {key!r}", line)
    if not isinstance(value, str):
        raise reader.fail(f"{key!r} must be a string, got {type(value).__name__}", line)
    return value


def _str_list(reader: _Reader, table: Mapping[str, Any], key: str, line: int) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise reader.fail(f"{key!r} must be a list of strings", line)
    return tuple(value)


def _check_name(reader: _Reader, name: str, what: str, line: int) -> None:
    if not _NAME.match(name):
        raise reader.fail(f"{what} name {name!r} is not an identifier (letters, digits, _)", line)


def _check_keys(reader: _Reader, table: Mapping[str, Any], allowed: set[str], what: str, line: int) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise reader.fail(
            f"unknown key {unknown[0]!r} in {what} (allowed: {', '.join(sorted(allowed))})", line
        )


def _load_lemma_file(path: Path) -> Paper:
    reader = _Reader(path)
    data = reader.data
    _check_keys(reader, data, {"paper", "params", "matrices", "defs", "node"}, "the file", 1)
    meta = data.get("paper")
    if not isinstance(meta, dict):
        raise reader.fail("missing [paper] table with at least id and title", 1)
    meta_line = reader.line_of("[paper]")
    _check_keys(reader, meta, {"id", "title", "authors", "year", "url", "note"}, "[paper]", meta_line)
    paper_id = _str(reader, meta, "id", meta_line)
    title = _str(reader, meta, "title", meta_line, default="")
    authors = _str_list(reader, meta, "authors", meta_line)
    year = meta.get("year")
    if year is not None and not isinstance(year, int):
        raise reader.fail("'year' must be an integer", meta_line)

    params = _load_params(reader, data.get("params", {}))
    matrices = _load_matrices(reader, data.get("matrices", {}), params)
    definitions = _load_defs(reader, data.get("defs", {}), params, matrices)
    nodes = _load_nodes(reader, data.get("node", []), params, matrices, definitions)
    return Paper(
        id=paper_id,
        title=title,
        authors=authors,
        year=year,
        url=str(meta.get("url", "")),
        source=path,
        params=params,
        matrices=matrices,
        definitions=definitions,
        nodes=nodes,
    )


def _table(reader: _Reader, value: Any, what: str, line: int) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise reader.fail(f"{what} must be a table", line)
    return value


def _load_params(reader: _Reader, raw: Any) -> dict[str, Param]:
    params: dict[str, Param] = {}
    for name, spec in _table(reader, raw, "[params]", reader.line_of("[params]")).items():
        line = reader.line_of(name, "=", start=reader.line_of("[params")) if name else 1
        _check_name(reader, name, "parameter", line)
        spec = _table(reader, spec, f"parameter {name!r}", line)
        _check_keys(reader, spec, {"domain", "range", "latex", "meaning"}, f"parameter {name!r}", line)
        domain = spec.get("domain", "real")
        if domain not in ("real", "integer"):
            raise reader.fail(f"parameter {name!r}: domain must be 'real' or 'integer', not {domain!r}", line)
        lo, hi = _range(reader, spec.get("range", ["-oo", "oo"]), name, line, domain == "integer")
        params[name] = Param(
            name=name,
            integer=domain == "integer",
            lo=lo,
            hi=hi,
            latex=str(spec.get("latex", name)),
            meaning=str(spec.get("meaning", "")),
            line=line,
        )
    return params


def _range(reader: _Reader, raw: Any, name: str, line: int, integer: bool) -> tuple[str, str]:
    if not isinstance(raw, list) or len(raw) != 2:
        raise reader.fail(f"range of {name!r} must be a list [lo, hi]", line)
    try:
        lo, hi = (exact_bound(v, name) for v in raw)
    except BoundpropError as exc:
        raise reader.fail(exc.message, line) from None
    if lo > hi:
        raise reader.fail(f"range of {name!r} is inverted: [{lo}, {hi}]", line)
    if lo == hi and not lo.is_finite:
        raise reader.fail(f"range of {name!r} is empty: [{lo}, {hi}] contains no real number", line)
    if integer and any(isinstance(v, str) and "." in v for v in raw):
        raise reader.fail(f"integer parameter {name!r} has a non-integer bound {raw}", line)
    if integer and not all(b.is_integer or not b.is_finite for b in (lo, hi)):
        raise reader.fail(f"integer parameter {name!r} has a non-integer bound {raw}", line)
    return str(lo), str(hi)


def _load_matrices(reader: _Reader, raw: Any, params: Mapping[str, Param]) -> dict[str, MatrixParam]:
    matrices: dict[str, MatrixParam] = {}
    for name, spec in _table(reader, raw, "[matrices]", reader.line_of("[matrices]")).items():
        line = reader.line_of(name, "=", start=reader.line_of("[matrices"))
        _check_name(reader, name, "matrix", line)
        if name in params:
            raise reader.fail(f"matrix {name!r} is also declared as a parameter", line)
        spec = _table(reader, spec, f"matrix {name!r}", line)
        _check_keys(reader, spec, {"shape", "latex", "meaning"}, f"matrix {name!r}", line)
        shape = spec.get("shape")
        if not isinstance(shape, list) or len(shape) != 2:
            raise reader.fail(f"matrix {name!r}: shape must be [rows, cols]", line)
        dims: list[str | int] = []
        for dim in shape:
            if isinstance(dim, int) and dim >= 1:
                dims.append(dim)
            elif isinstance(dim, str) and dim in params and params[dim].integer:
                dims.append(dim)
            else:
                raise reader.fail(
                    f"matrix {name!r}: dimension {dim!r} must be a positive int or an integer parameter",
                    line,
                )
        matrices[name] = MatrixParam(
            name=name,
            shape=(dims[0], dims[1]),
            latex=str(spec.get("latex", name)),
            meaning=str(spec.get("meaning", "")),
            line=line,
        )
    return matrices


def _load_defs(
    reader: _Reader, raw: Any, params: Mapping[str, Param], matrices: Mapping[str, MatrixParam]
) -> dict[str, Definition]:
    from boundprop.matrix import BUILTINS

    definitions: dict[str, Definition] = {}
    for name, spec in _table(reader, raw, "[defs]", reader.line_of("[defs]")).items():
        line = reader.line_of(name, "=", start=reader.line_of("[defs"))
        _check_name(reader, name, "definition", line)
        if name in params or name in matrices:
            raise reader.fail(f"definition {name!r} clashes with a parameter or matrix", line)
        spec = _table(reader, spec, f"definition {name!r}", line)
        _check_keys(reader, spec, {"args", "expr", "builtin", "latex", "meaning"}, f"definition {name!r}", line)
        args = _str_list(reader, spec, "args", line)
        for arg in args:
            _check_name(reader, arg, "argument", line)
        expr = spec.get("expr")
        builtin = spec.get("builtin")
        if (expr is None) == (builtin is None):
            raise reader.fail(f"definition {name!r} needs exactly one of 'expr' or 'builtin'", line)
        if builtin is not None and builtin not in BUILTINS:
            raise reader.fail(
                f"definition {name!r}: unknown builtin {builtin!r} (known: {', '.join(sorted(BUILTINS))})",
                line,
            )
        if expr is not None and not isinstance(expr, str):
            raise reader.fail(f"definition {name!r}: 'expr' must be a string", line)
        definitions[name] = Definition(
            name=name,
            args=args,
            expr=expr,
            builtin=builtin,
            latex=str(spec.get("latex", name)),
            meaning=str(spec.get("meaning", "")),
            line=line,
        )
    return definitions


_NODE_KEYS = {
    "id", "label", "variant", "kind", "provenance", "text", "hypotheses", "conclusion",
    "uses", "assume", "ranges", "sizes", "seconds", "baselines", "simulate",
    "informal", "vacuity", "network",
}


def _load_nodes(
    reader: _Reader,
    raw: Any,
    params: Mapping[str, Param],
    matrices: Mapping[str, MatrixParam],
    definitions: Mapping[str, Definition],
) -> dict[str, Node]:
    if not isinstance(raw, list):
        raise reader.fail("'node' must be an array of tables: write [[node]]", reader.line_of("node"))
    nodes: dict[str, Node] = {}
    search_from = 1
    for index, spec in enumerate(raw, start=1):
        line = reader.line_of("[[node]]", start=search_from)
        search_from = line + 1
        if not isinstance(spec, dict):
            raise reader.fail(f"node #{index} must be a table", line)
        node_id = _str(reader, spec, "id", line)
        line = reader.line_of(f'"{node_id}"', start=line)
        _check_keys(reader, spec, _NODE_KEYS, f"node {node_id!r}", line)
        if node_id in nodes:
            raise reader.fail(f"duplicate node id {node_id!r} (first at line {nodes[node_id].line})", line)
        kind = _enum(reader, Kind, spec.get("kind", "lemma"), "kind", node_id, line)
        provenance = _enum(reader, Provenance, spec.get("provenance"), "provenance", node_id, line)
        conclusion = spec.get("conclusion")
        if conclusion is not None and not isinstance(conclusion, str):
            raise reader.fail(f"node {node_id!r}: 'conclusion' must be a string", line)
        assume = spec.get("assume", False)
        if not isinstance(assume, bool):
            raise reader.fail(f"node {node_id!r}: 'assume' must be true or false", line)
        seconds = spec.get("seconds")
        if seconds is not None and (not isinstance(seconds, (int, float)) or not 0 < seconds < 3600):
            raise reader.fail(f"node {node_id!r}: 'seconds' must be a number in (0, 3600)", line)
        ranges = {}
        for name, rng in _table(reader, spec.get("ranges", {}), f"node {node_id!r} ranges", line).items():
            if name not in params and name not in matrices:
                raise reader.fail(f"node {node_id!r}: range for undeclared parameter {name!r}", line)
            integer = name in params and params[name].integer
            ranges[name] = _range(reader, rng, name, line, integer)
        sizes = {}
        for name, rng in _table(reader, spec.get("sizes", {}), f"node {node_id!r} sizes", line).items():
            if name not in params or not params[name].integer:
                raise reader.fail(f"node {node_id!r}: size {name!r} is not an integer parameter", line)
            if (
                not isinstance(rng, list)
                or len(rng) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in rng)
                or not 1 <= rng[0] <= rng[1] <= 12
            ):
                raise reader.fail(
                    f"node {node_id!r}: sizes.{name} must be [lo, hi] with 1 <= lo <= hi <= 12", line
                )
            sizes[name] = (rng[0], rng[1])
        nodes[node_id] = Node(
            id=node_id,
            label=_str(reader, spec, "label", line, default=node_id),
            variant=_str(reader, spec, "variant", line, default=""),
            kind=kind,
            provenance=provenance,
            text=_str(reader, spec, "text", line, default=""),
            hypotheses=_str_list(reader, spec, "hypotheses", line),
            conclusion=conclusion,
            uses=_str_list(reader, spec, "uses", line),
            assume=assume,
            ranges=ranges,
            sizes=sizes,
            line=line,
            seconds=float(seconds) if seconds is not None else None,
            baselines=_str_list(reader, spec, "baselines", line),
            simulate=_simulate(reader, spec, node_id, conclusion, line),
            informal=_str(reader, spec, "informal", line, default=""),
            vacuity=_string_table(reader, spec, "vacuity", node_id, line, _VACUITY_KEYS, conclusion),
            network=_string_table(reader, spec, "network", node_id, line, _NETWORK_KEYS, conclusion),
        )
    for node in nodes.values():
        for used in node.uses:
            if used not in nodes and not (used.startswith("def:") and used[4:] in definitions):
                raise reader.fail(f"node {node.id!r} uses {used!r}, which is not defined in this file", node.line)
        for baseline in node.baselines:
            if baseline not in nodes:
                raise reader.fail(f"node {node.id!r} names baseline {baseline!r}, which is not a node", node.line)
        for key in ("theorem", "baseline"):
            named = (node.vacuity or {}).get(key)
            if named is not None and named not in nodes:
                raise reader.fail(f"node {node.id!r}: vacuity.{key} {named!r} is not a node", node.line)
    return nodes


# keys of the `vacuity` and `network` tables: (required, optional)
_VACUITY_KEYS = (("theorem", "baseline", "index", "recurrence"), ())
_NETWORK_KEYS = (("witness", "norm"), ("layers", "heads", "input", "weights", "beta", "nodes"))


def _string_table(
    reader: _Reader, spec: Mapping[str, Any], key: str, node_id: str, line: int,
    keys: tuple[tuple[str, ...], tuple[str, ...]], conclusion: Any,
) -> dict[str, str] | None:
    """A node's ``vacuity`` or ``network`` table: strings under known keys only."""
    raw = spec.get(key)
    if raw is None:
        return None
    required, optional = keys
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise reader.fail(f"node {node_id!r}: {key} must be a table of strings", line)
    unknown = sorted(set(raw) - set(required) - set(optional))
    if unknown:
        raise reader.fail(
            f"node {node_id!r}: unknown key {key}.{unknown[0]} (known: {', '.join((*required, *optional))})", line
        )
    missing = [k for k in required if k not in raw]
    if missing:
        raise reader.fail(f"node {node_id!r}: {key} needs {', '.join(missing)}", line)
    if conclusion is None:
        raise reader.fail(f"node {node_id!r}: a {key} node needs a conclusion", line)
    return dict(raw)


def _simulate(
    reader: _Reader, spec: Mapping[str, Any], node_id: str, conclusion: Any, line: int
) -> dict[str, str] | None:
    """A node's ``simulate`` table, validated against the experiment registry."""
    raw = spec.get("simulate")
    if raw is None:
        return None
    from boundprop.simulated import validate_spec

    if not isinstance(raw, dict):
        raise reader.fail(f'node {node_id!r}: simulate must be a table: simulate = {{ experiment = "..." }}', line)
    if conclusion is not None:
        raise reader.fail(f"node {node_id!r}: a simulated node has no conclusion (remove one of the two)", line)
    try:
        validate_spec(raw)
    except BoundpropError as exc:
        raise reader.fail(f"node {node_id!r}: {exc.message}", line) from None
    return dict(raw)


def _enum(reader: _Reader, cls: Any, value: Any, key: str, node_id: str, line: int) -> Any:
    if value is None:
        raise reader.fail(f"node {node_id!r}: missing required key {key!r}", line)
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(member.value for member in cls)
        raise reader.fail(f"node {node_id!r}: {key} {value!r} is not one of: {allowed}", line) from None


def _load_proof_file(path: Path, paper: Paper) -> dict[str, Proof]:
    reader = _Reader(path)
    _check_keys(reader, reader.data, {"paper", "proof"}, "the proof file", 1)
    paper_id = reader.data.get("paper")
    if paper_id is not None and paper_id != paper.id:
        raise reader.fail(f"proof file is for paper {paper_id!r}, not {paper.id!r}", reader.line_of("paper"))
    raw = reader.data.get("proof", [])
    if not isinstance(raw, list):
        raise reader.fail("'proof' must be an array of tables: write [[proof]]", reader.line_of("proof"))
    proofs: dict[str, Proof] = {}
    search_from = 1
    for spec in raw:
        line = reader.line_of("[[proof]]", start=search_from)
        search_from = line + 1
        spec = _table(reader, spec, "proof", line)
        _check_keys(reader, spec, {"of", "note", "step"}, "proof", line)
        of = _str(reader, spec, "of", line)
        line = reader.line_of(f'"{of}"', start=line)
        if of not in paper.nodes:
            raise reader.fail(
                f"proof of {of!r}, which is not a node of {paper.source} (add the node or remove the proof)", line
            )
        if of in proofs:
            raise reader.fail(f"second proof of {of!r} (first at line {proofs[of].line})", line)
        steps_raw = spec.get("step", [])
        if not isinstance(steps_raw, list) or not steps_raw:
            raise reader.fail(f"proof of {of!r} has no [[proof.step]]", line)
        steps = []
        step_from = line
        for step_spec in steps_raw:
            step_line = reader.line_of("[[proof.step]]", start=step_from)
            step_from = step_line + 1
            step_spec = _table(reader, step_spec, "step", step_line)
            _check_keys(reader, step_spec, {"claim", "using", "note", "induction"}, f"step of {of!r}", step_line)
            steps.append(_load_step(reader, step_spec, of, paper, step_line))
        proofs[of] = Proof(of=of, steps=tuple(steps), note=str(spec.get("note", "")), line=line, source=path)
    return proofs


def _load_step(reader: _Reader, spec: Mapping[str, Any], of: str, paper: Paper, line: int) -> Step:
    using = []
    raw_using = spec.get("using", [])
    if not isinstance(raw_using, list):
        raise reader.fail(f"step of {of!r}: 'using' must be a list", line)
    for item in raw_using:
        if isinstance(item, str):
            item = {"node": item}
        if not isinstance(item, dict) or not isinstance(item.get("node"), str):
            raise reader.fail(f"step of {of!r}: each 'using' entry needs a node id", line)
        cited = item["node"]
        if cited not in paper.nodes:
            raise reader.fail(f"step of {of!r} cites {cited!r}, which is not a node", line)
        if cited == of:
            raise reader.fail(f"step of {of!r} cites the node it proves", line)
        subs = item.get("with", {})
        if not isinstance(subs, dict) or not all(isinstance(v, str) for v in subs.values()):
            raise reader.fail(f"step of {of!r}: 'with' must map names to math strings", line)
        using.append(Citation(node=cited, subs=dict(subs)))
    induction = spec.get("induction")
    if induction is not None:
        if not isinstance(induction, dict) or not all(isinstance(v, str) for v in induction.values()):
            raise reader.fail(f"step of {of!r}: 'induction' must map keys to math strings", line)
        missing = {"index", "base", "recurrence", "closed"} - set(induction)
        if missing:
            raise reader.fail(f"step of {of!r}: induction needs {', '.join(sorted(missing))}", line)
    claim = _str(reader, spec, "claim", line)
    return Step(
        claim=claim, using=tuple(using), note=str(spec.get("note", "")), line=line, induction=induction
    )
