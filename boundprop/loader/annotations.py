"""The annotation file's schema (``lemmas/x.regimes.toml``, docs/regimes-format.md).

A paper's lemma file says what its statements *are*; the annotation file says
how its theorems' bounds are explored: the per-layer quantities of a bound
table, extra baselines, declared regimes, and the default questions of
``boundprop regimes`` and ``boundprop table``. Read by the same reader as the
lemma file, so every error names ``file:line``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from boundprop.lemma import Paper, Param
from boundprop.loader.lemmas import load_params
from boundprop.loader.reader import Reader, check_keys, check_name, string, string_list, table

__all__ = [
    "Annotations",
    "BaselineDecl",
    "LayerSpec",
    "MapDefaults",
    "QuantityDecl",
    "RegimeDecl",
    "annotations_path",
    "load_annotations",
]


@dataclass(frozen=True, slots=True)
class QuantityDecl:
    """One column of a theorem's bound table: ``expr`` (a math string in the
    layer index, where the theorem's bounded quantity stands for e_ℓ) headed by
    ``title`` in text and ``latex`` in LaTeX; ``line`` locates it for errors."""

    key: str
    title: str
    latex: str
    expr: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """How a theorem's layer quantities are named (all math strings).

    ``quantities`` empty: the default columns φ_ℓ = ``phi_l(l)``, ε_ℓ =
    ``eps_l(l)`` and e_ℓ (:func:`boundprop.propagate.layer_model`)."""

    index: str = "l"
    depth: str = "L"
    quantities: tuple[QuantityDecl, ...] = ()
    recurrence: str | None = None  # e_{l+1} in terms of e (= e_l) and l
    base: str = "0"  # e at the first layer index
    start: int = 0
    relation: str = "equal"  # "equal": closed form = recurrence; "upper": closed >= recurrence


@dataclass(frozen=True, slots=True)
class BaselineDecl:
    """An extra baseline declared in the annotation file: ``Q <= bound``."""

    id: str
    bound: str
    hypotheses: tuple[str, ...]
    applies_to: tuple[str, ...]  # theorem ids; empty = every theorem
    text: str
    norm: str = ""  # the norm of its bound (boundprop.norms); "" untyped


@dataclass(frozen=True, slots=True)
class RegimeDecl:
    """A declared regime such as fast attention: ``holds`` with ``quantity``
    replaced by ``bound`` (``bound_by_variant`` chooses by the theorem's variant)."""

    id: str
    text: str
    source: str
    quantity: str
    bound: str
    bound_by_variant: Mapping[str, str]
    holds: str
    labels: tuple[str, str]  # (label where holds is TRUE, label where FALSE)

    def bound_for(self, variant: str) -> str:
        """The bound for a theorem of ``variant``: an exact match, else its norm
        (the text before the first comma, such as ``N2``), else the default."""
        if variant in self.bound_by_variant:
            return self.bound_by_variant[variant]
        return self.bound_by_variant.get(variant.split(",")[0].strip(), self.bound)


@dataclass(frozen=True, slots=True)
class MapDefaults:
    """The default map of ``boundprop regimes THEOREM``: free and fixed parameters."""

    params: tuple[str, ...]  # "NAME=LO:HI[:log]"
    fix: tuple[str, ...]  # "NAME=VALUE"
    regimes: tuple[str, ...] = ()  # regime ids overlaid by default


@dataclass(frozen=True, slots=True)
class Annotations:
    """Everything the annotation file adds to a paper."""

    source: Path | None
    extra_params: Mapping[str, Param] = field(default_factory=dict)
    layers: Mapping[str, LayerSpec] = field(default_factory=dict)
    baselines: tuple[BaselineDecl, ...] = ()
    regimes: Mapping[str, RegimeDecl] = field(default_factory=dict)
    maps: Mapping[str, MapDefaults] = field(default_factory=dict)
    table_fix: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def layer_spec(self, theorem: str) -> LayerSpec:
        return self.layers.get(theorem, self.layers.get("*", LayerSpec()))


def annotations_path(paper: Paper) -> Path:
    """``lemmas/x.toml`` → ``lemmas/x.regimes.toml``."""
    return paper.source.with_name(paper.source.stem + ".regimes.toml")


_TOP_KEYS = {"paper", "params", "layers", "baseline", "regime", "map", "table"}
_BASELINE_KEYS = {"id", "bound", "hypotheses", "applies_to", "text", "norm"}
_REGIME_KEYS = {"id", "text", "source", "quantity", "bound", "holds", "labels"}  # and bound_<variant>


def load_annotations(paper: Paper, path: Path | None = None) -> Annotations:
    """Read the paper's annotation file, if there is one.

    Examples
    --------
    >>> from boundprop.loader import load_paper
    >>> ann = load_annotations(load_paper("example"))
    >>> ann.source is None, ann.layer_spec("E1").depth
    (True, 'L')
    """
    path = path or annotations_path(paper)
    if not path.is_file():
        return Annotations(source=None)
    reader = Reader(path, empty_ok=True)  # a file of comments only declares nothing
    data = reader.data
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise reader.fail(f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_TOP_KEYS))})",
                          reader.line_of(unknown[0]))
    if "paper" in data and data["paper"] != paper.id:
        raise reader.fail(f"annotation file is for paper {data['paper']!r}, not {paper.id!r}",
                          reader.line_of("paper"))
    return Annotations(
        source=path,
        extra_params=_params(reader, paper, data.get("params", {})),
        layers=_layers(reader, paper, data.get("layers", {})),
        baselines=tuple(_baseline(reader, spec, line) for spec, line in _array(reader, data, "baseline")),
        regimes=_regimes(reader, data),
        maps=_maps(reader, data.get("map", {})),
        table_fix=_table_fix(reader, data.get("table", {})),
    )


def _section(reader: Reader, section: str, key: str, spec: Any) -> Mapping[str, Any]:
    return table(reader, spec, f"[{section}.{key!r}]", reader.header_line(section, key))


def _array(reader: Reader, data: Mapping[str, Any], key: str) -> list[tuple[Mapping[str, Any], int]]:
    """The tables of ``[[key]]``, each with the line of its header."""
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise reader.fail(f"{key!r} must be an array of tables: write [[{key}]]", reader.line_of(key))
    out = []
    search_from = 1
    for spec in raw:
        line = reader.line_of(f"[[{key}]]", start=search_from)
        search_from = line + 1
        out.append((table(reader, spec, f"[[{key}]]", line), line))
    return out


def _params(reader: Reader, paper: Paper, raw: Any) -> dict[str, Param]:
    params = load_params(reader, raw)
    for name, param in params.items():
        if name in paper.params:
            raise reader.fail(f"parameter {name!r} is already declared by the lemma file", param.line)
    # line 0: the lemma file's line numbers do not apply to a parameter declared here
    return {name: replace(param, line=0) for name, param in params.items()}


_LAYER_TYPES = {name: int if name == "start" else str for name in LayerSpec.__dataclass_fields__
                if name != "quantities"}
_QUANTITY_KEYS = {"key", "title", "latex", "expr"}


def _layers(reader: Reader, paper: Paper, raw: Any) -> dict[str, LayerSpec]:
    layers: dict[str, LayerSpec] = {}
    for theorem, spec in table(reader, raw, "[layers]", reader.line_of("[layers")).items():
        line = reader.header_line("layers", theorem)
        spec = _section(reader, "layers", theorem, spec)
        bad = sorted(set(spec) - {*_LAYER_TYPES, "quantities"})
        if bad:
            raise reader.fail(f"[layers.{theorem!r}]: unknown key {bad[0]!r} (allowed: "
                              f"{', '.join(sorted({*_LAYER_TYPES, 'quantities'}))})",
                              reader.line_of(bad[0], start=line))
        quantities = _quantities(reader, theorem, spec["quantities"], line) if "quantities" in spec else ()
        spec = {k: v for k, v in spec.items() if k != "quantities"}
        for key, value in spec.items():
            if not isinstance(value, _LAYER_TYPES[key]) or isinstance(value, bool):
                kind = "an integer" if _LAYER_TYPES[key] is int else "a string"
                raise reader.fail(f"[layers.{theorem!r}]: {key!r} must be {kind}", reader.line_of(key, start=line))
        if theorem != "*" and theorem not in paper.nodes:
            raise reader.fail(f"[layers.{theorem!r}] names no node of {paper.id}", line)
        layer = LayerSpec(**spec, quantities=quantities)
        if layer.relation not in ("equal", "upper"):
            raise reader.fail(f"[layers.{theorem!r}]: relation must be 'equal' or 'upper'", line)
        layers[theorem] = layer
    return layers


def _quantities(reader: Reader, theorem: str, raw: Any, header: int) -> tuple[QuantityDecl, ...]:
    """``quantities = [{ key, title, latex, expr }, ...]``: every key required, keys distinct."""
    what = f"[layers.{theorem!r}]: quantities"
    start = reader.line_of("quantities", start=header)
    if not isinstance(raw, list) or not raw:
        raise reader.fail(f"{what} must be a non-empty list of {{ key, title, latex, expr }} tables", start)
    out: list[QuantityDecl] = []
    line = start
    for spec in raw:
        if not isinstance(spec, dict):
            raise reader.fail(f"{what}: each entry must be a table {{ key, title, latex, expr }}", line)
        key = spec.get("key")
        # the entry's line: the next one naming its key (entries may share a line)
        needles = ("key", f'"{key}"') if isinstance(key, str) else ("{",)
        found = reader.line_of(*needles, start=line + 1 if out else line)
        line = found if found <= len(reader.lines) and all(n in reader.lines[found - 1] for n in needles) else line
        check_keys(reader, spec, _QUANTITY_KEYS, what, line)
        key, title, latex, expr = (string(reader, spec, k, line) for k in ("key", "title", "latex", "expr"))
        decl = QuantityDecl(key, title, latex, expr, line)
        check_name(reader, decl.key, "quantity", line)
        if decl.key == "layer" or decl.key in {q.key for q in out}:
            reason = "names the layer column" if decl.key == "layer" else "is declared twice"
            raise reader.fail(f"{what}: key {decl.key!r} {reason}", line)
        out.append(decl)
    return tuple(out)


def _baseline(reader: Reader, spec: Mapping[str, Any], line: int) -> BaselineDecl:
    check_keys(reader, spec, _BASELINE_KEYS, "[[baseline]]", line)
    return BaselineDecl(
        id=string(reader, spec, "id", line), bound=string(reader, spec, "bound", line),
        hypotheses=string_list(reader, spec, "hypotheses", line),
        applies_to=string_list(reader, spec, "applies_to", line),
        text=string(reader, spec, "text", line, default=""),
        norm=string(reader, spec, "norm", line, default=""),
    )


def _regimes(reader: Reader, data: Mapping[str, Any]) -> dict[str, RegimeDecl]:
    regimes: dict[str, RegimeDecl] = {}
    for spec, line in _array(reader, data, "regime"):
        check_keys(reader, spec, _REGIME_KEYS | {k for k in spec if k.startswith("bound_")}, "[[regime]]", line)
        labels = string_list(reader, spec, "labels", line) if "labels" in spec else ("holds", "fails")
        if len(labels) != 2:
            raise reader.fail("a regime needs exactly two labels", line)
        variants = {k[len("bound_"):]: string(reader, spec, k, line) for k in spec if k.startswith("bound_")}
        regime_id = string(reader, spec, "id", line)
        regimes[regime_id] = RegimeDecl(
            id=regime_id, text=string(reader, spec, "text", line, default=""),
            source=string(reader, spec, "source", line, default=""),
            quantity=string(reader, spec, "quantity", line), bound=string(reader, spec, "bound", line),
            bound_by_variant=variants, holds=string(reader, spec, "holds", line), labels=(labels[0], labels[1]),
        )
    return regimes


def _maps(reader: Reader, raw: Any) -> dict[str, MapDefaults]:
    maps: dict[str, MapDefaults] = {}
    for theorem, spec in table(reader, raw, "[map]", reader.line_of("[map")).items():
        line = reader.header_line("map", theorem)
        spec = _section(reader, "map", theorem, spec)
        check_keys(reader, spec, {"params", "fix", "regimes"}, f"[map.{theorem!r}]", line)
        maps[theorem] = MapDefaults(
            params=string_list(reader, spec, "params", line),
            fix=string_list(reader, spec, "fix", line),
            regimes=string_list(reader, spec, "regimes", line),
        )
    return maps


def _table_fix(reader: Reader, raw: Any) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for theorem, spec in table(reader, raw, "[table]", reader.line_of("[table")).items():
        line = reader.header_line("table", theorem)
        spec = _section(reader, "table", theorem, spec)
        check_keys(reader, spec, {"fix"}, f"[table.{theorem!r}]", line)
        out[theorem] = string_list(reader, spec, "fix", line)
    return out
