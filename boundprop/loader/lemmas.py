"""The lemma file's schema: ``[paper]``, ``[params]``, ``[matrices]``, ``[defs]``, ``[[node]]``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from boundprop.errors import BoundpropError
from boundprop.lemma import Definition, Kind, MatrixParam, Node, Paper, Param, Provenance
from boundprop.loader.reader import Reader, bound_range, check_keys, check_name, string, string_list, table

__all__ = ["load_lemma_file", "load_params"]


def load_lemma_file(path: Path) -> Paper:
    reader = Reader(path)
    data = reader.data
    check_keys(reader, data, {"paper", "params", "matrices", "defs", "node"}, "the file", 1)
    meta = data.get("paper")
    if not isinstance(meta, dict):
        raise reader.fail("missing [paper] table with at least id and title", 1)
    meta_line = reader.line_of("[paper]")
    check_keys(reader, meta, {"id", "title", "authors", "year", "url", "note"}, "[paper]", meta_line)
    paper_id = string(reader, meta, "id", meta_line)
    title = string(reader, meta, "title", meta_line, default="")
    authors = string_list(reader, meta, "authors", meta_line)
    year = meta.get("year")
    if year is not None and not isinstance(year, int):
        raise reader.fail("'year' must be an integer", meta_line)

    params = load_params(reader, data.get("params", {}))
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


def load_params(reader: Reader, raw: Any) -> dict[str, Param]:
    """A ``[params]`` table (of a lemma or an annotation file)."""
    params: dict[str, Param] = {}
    for name, spec in table(reader, raw, "[params]", reader.line_of("[params]")).items():
        line = reader.line_of(name, "=", start=reader.line_of("[params")) if name else 1
        check_name(reader, name, "parameter", line)
        spec = table(reader, spec, f"parameter {name!r}", line)
        check_keys(reader, spec, {"domain", "range", "latex", "meaning"}, f"parameter {name!r}", line)
        domain = spec.get("domain", "real")
        if domain not in ("real", "integer"):
            raise reader.fail(f"parameter {name!r}: domain must be 'real' or 'integer', not {domain!r}", line)
        lo, hi = bound_range(reader, spec.get("range", ["-oo", "oo"]), name, line, domain == "integer")
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


def _load_matrices(reader: Reader, raw: Any, params: Mapping[str, Param]) -> dict[str, MatrixParam]:
    matrices: dict[str, MatrixParam] = {}
    for name, spec in table(reader, raw, "[matrices]", reader.line_of("[matrices]")).items():
        line = reader.line_of(name, "=", start=reader.line_of("[matrices"))
        check_name(reader, name, "matrix", line)
        if name in params:
            raise reader.fail(f"matrix {name!r} is also declared as a parameter", line)
        spec = table(reader, spec, f"matrix {name!r}", line)
        check_keys(reader, spec, {"shape", "latex", "meaning"}, f"matrix {name!r}", line)
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
    reader: Reader, raw: Any, params: Mapping[str, Param], matrices: Mapping[str, MatrixParam]
) -> dict[str, Definition]:
    from boundprop.matrix import BUILTINS

    definitions: dict[str, Definition] = {}
    for name, spec in table(reader, raw, "[defs]", reader.line_of("[defs]")).items():
        line = reader.line_of(name, "=", start=reader.line_of("[defs"))
        check_name(reader, name, "definition", line)
        if name in params or name in matrices:
            raise reader.fail(f"definition {name!r} clashes with a parameter or matrix", line)
        spec = table(reader, spec, f"definition {name!r}", line)
        check_keys(reader, spec, {"args", "expr", "builtin", "latex", "meaning"}, f"definition {name!r}", line)
        args = string_list(reader, spec, "args", line)
        for arg in args:
            check_name(reader, arg, "argument", line)
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
    reader: Reader,
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
        node_id = string(reader, spec, "id", line)
        line = reader.line_of(f'"{node_id}"', start=line)
        check_keys(reader, spec, _NODE_KEYS, f"node {node_id!r}", line)
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
        for name, rng in table(reader, spec.get("ranges", {}), f"node {node_id!r} ranges", line).items():
            if name not in params and name not in matrices:
                raise reader.fail(f"node {node_id!r}: range for undeclared parameter {name!r}", line)
            integer = name in params and params[name].integer
            ranges[name] = bound_range(reader, rng, name, line, integer)
        sizes = {}
        for name, rng in table(reader, spec.get("sizes", {}), f"node {node_id!r} sizes", line).items():
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
            label=string(reader, spec, "label", line, default=node_id),
            variant=string(reader, spec, "variant", line, default=""),
            kind=kind,
            provenance=provenance,
            text=string(reader, spec, "text", line, default=""),
            hypotheses=string_list(reader, spec, "hypotheses", line),
            conclusion=conclusion,
            uses=string_list(reader, spec, "uses", line),
            assume=assume,
            ranges=ranges,
            sizes=sizes,
            line=line,
            seconds=float(seconds) if seconds is not None else None,
            baselines=string_list(reader, spec, "baselines", line),
            simulate=_simulate(reader, spec, node_id, conclusion, line),
            informal=string(reader, spec, "informal", line, default=""),
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
    reader: Reader, spec: Mapping[str, Any], key: str, node_id: str, line: int,
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
    reader: Reader, spec: Mapping[str, Any], node_id: str, conclusion: Any, line: int
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


def _enum(reader: Reader, cls: Any, value: Any, key: str, node_id: str, line: int) -> Any:
    if value is None:
        raise reader.fail(f"node {node_id!r}: missing required key {key!r}", line)
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(member.value for member in cls)
        raise reader.fail(f"node {node_id!r}: {key} {value!r} is not one of: {allowed}", line) from None


