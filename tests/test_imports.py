"""Imports run one way (docs: ../shared/spec/design.md, "Imports run one way").

Every module of the package is read with ``ast`` (nothing is imported or
run) and each ``import boundprop...`` it makes, at module level or inside a
function, is checked against the layer order

    errors <- verdict <- expr <- statement <- interval <- counterexample <- backends
    <- lemma <- loader <- encode <- graph <- check, propagate, regimes, witness
    <- compare <- report <- cli

A module may import modules of its own layer or of a lower one, never of a
higher one. Imports under ``if TYPE_CHECKING:`` are not run and are not
checked (verdict names the lemma model's Paper in a type annotation only).

Known exceptions are listed in ``KNOWN`` with the reason; the test fails on
any other violation, and also when a listed exception has gone (so the list
only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "boundprop"

# layer of each top-level module or subpackage (lower imports nothing higher)
LAYERS: dict[str, int] = {
    "errors": 0,
    "suggest": 0,  # "did you mean" for misspelt names (pure text)
    "rangespec": 0,  # the NAME=LO:HI / NAME=VALUE notation (pure text)
    "verdict": 1,
    "norms": 1,  # typed norms and their conversions (errors only)
    "executor": 1,  # where independent jobs run: here, local processes, Dask (errors only)
    "expr": 2,
    "matrix": 2,  # matrix built-ins: part of the expression vocabulary (the registry in expr/)
    "statement": 3,
    "interval": 4,
    "tables": 4,  # the values of a bound table (enclosures, rows, columns, flags): no computing
    "maps": 4,  # the values of a regime map (axes, problem, cells) and a cell's combined class
    "counterexample": 5,
    "rewrite": 5,
    "backends": 6,
    "lemma": 7,
    "loader": 8,
    "encode": 9,
    "graph": 10,
    "check": 11,
    "propagate": 11,
    "regimes": 11,
    "witness": 11,
    "weights": 11,  # reads checkpoints and measures their weight norms (norms, errors)
    "mechanism": 11,  # checks that a counterexample is an instance of a stated mechanism
    "simulated": 11,  # registered experiments a node may be decided by (check runs them)
    "network": 11,
    "relax": 4,  # linear relaxations of exp, 1/s, products, softmax (exact rationals; errors only)
    "vacuity": 11,  # vacuity theorems: check proves them, regimes uses the proved ones
    "compare": 12,
    "scaffold": 12,  # writes a new paper's files (an application, used by `boundprop new`)
    "report": 13,
    "cache": 13,  # stores and reloads check reports as JSON (beside the renderers it uses)
    "cli": 14,
    "__main__": 14,
    "api": 14,  # the public Python API (boundprop.load, check, prove, ...): beside the CLI, which calls it
    "__init__": 15,  # the curated public API may re-export from any layer
}

# (importing module, imported module): why it is allowed for now
KNOWN: dict[tuple[str, str], str] = {
    ("loader", "encode"): "load_paper validates every statement and proof step at load time so that input "
    "errors surface when a file is loaded; the fix is a checked load one layer up (graph or check)",
    ("loader", "graph"): "load_paper builds the DAG at load time to report dependency cycles as input errors",
    ("loader", "simulated"): "a node's simulate table is validated against the experiment registry at load time",
    ("interval", "counterexample"): "interval.refutes is kept as a wrapper of counterexample.refutes for old "
    "callers; they should call counterexample directly",
}


def _layer_key(module: str) -> str:
    """``boundprop.backends.bnb`` -> ``backends``; ``boundprop`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path, root: Path = PACKAGE) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Line numbers of statements under ``if TYPE_CHECKING:``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                for child in node.body:
                    for sub in ast.walk(child):
                        if hasattr(sub, "lineno"):
                            lines.add(sub.lineno)
    return lines


def imports_of(path: Path, root: Path = PACKAGE) -> list[tuple[str, int]]:
    """The boundprop modules ``path`` imports (absolute names), with line numbers."""
    module = _module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _type_checking_lines(tree)
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.split(".")[0] == "boundprop"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != "boundprop":
                continue
            if target == "boundprop":  # from boundprop import x: x may be a submodule
                for alias in node.names:
                    if (root / f"{alias.name}.py").exists() or (root / alias.name).is_dir():
                        found.append((f"boundprop.{alias.name}", node.lineno))
                    elif alias.name != "__version__":  # the package's version is metadata, not an API
                        found.append(("boundprop", node.lineno))
            else:
                found.append((target, node.lineno))
    return found


def modules(root: Path = PACKAGE) -> list[Path]:
    return sorted(root.rglob("*.py"))


def violations() -> dict[tuple[str, str], str]:
    return violations_in(PACKAGE)


def violations_in(root: Path) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for path in modules(root):
        importer = _layer_key(_module_name(path, root))
        for target, line in imports_of(path, root):
            imported = _layer_key(target)
            if imported == importer:
                continue
            if importer not in LAYERS or imported not in LAYERS:
                out[(importer, imported)] = f"{path.relative_to(root.parent)}:{line}: layer unknown"
                continue
            if LAYERS[imported] > LAYERS[importer]:
                out.setdefault(
                    (importer, imported),
                    f"{path.relative_to(root.parent)}:{line} imports {target} "
                    f"(layer {LAYERS[imported]} > {LAYERS[importer]})",
                )
    return out


def test_every_module_has_a_layer() -> None:
    missing = sorted({_layer_key(_module_name(p)) for p in modules()} - set(LAYERS))
    assert not missing, f"give these modules a layer in tests/test_imports.py: {missing}"


def test_imports_run_one_way() -> None:
    found = violations()
    new = {k: v for k, v in found.items() if k not in KNOWN}
    assert not new, "imports against the layer order:\n" + "\n".join(sorted(new.values()))


def test_known_exceptions_still_exist() -> None:
    gone = sorted(set(KNOWN) - set(violations()))
    assert not gone, f"these exceptions are fixed; remove them from KNOWN: {gone}"


def test_renderers_import_results_not_the_checker() -> None:
    for path in sorted((PACKAGE / "report").glob("*.py")):
        targets = {t for t, _ in imports_of(path)}
        assert "boundprop.check" not in targets, path.name


def _names_imported(path: Path) -> list[tuple[str, str, int]]:
    """(module, name, line) of every ``from boundprop.X import name`` that runs (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _type_checking_lines(tree)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.lineno not in skip:
            out += [(node.module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.Import) and node.lineno not in skip:
            out += [(alias.name, "*", node.lineno) for alias in node.names]
    return out


def test_renderers_only_render() -> None:
    # issue 18: every number a table, summary or map shows is computed by the caller (cli/api);
    # report/ takes the values' types from boundprop.tables and boundprop.maps
    computing = ("boundprop.loader", "boundprop.check", "boundprop.cache", "boundprop.regimes",
                 "boundprop.propagate", "boundprop.mechanism")
    bad = []
    for path in sorted((PACKAGE / "report").glob("*.py")):
        for module, _name, line in _names_imported(path):
            if module.startswith(computing):
                bad.append(f"{path.name}:{line} imports {module}")
    assert not bad, "report/ computes or reads files:\n" + "\n".join(bad)


def test_the_render_check_catches_a_paver(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    path.write_text("def f():\n    from boundprop.regimes import pave\n", encoding="utf-8")
    assert _names_imported(path) == [("boundprop.regimes", "pave", 2)]


def test_the_html_renderer_imports_only_renderers_and_results() -> None:
    # report/html.py and its helpers translate the LaTeX document: no solver, paver or loader
    for name in ("html.py", "texhtml.py", "mathml.py", "document.py"):
        targets = {t for t, _ in imports_of(PACKAGE / "report" / name)}
        assert all(t.startswith("boundprop.report") or t == "boundprop.verdict" for t in targets), (name, targets)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from boundprop.check import x\n", ["boundprop.check"]),
        ("import boundprop.graph\n", ["boundprop.graph"]),
        ("def f():\n    from boundprop.backends import portfolio\n", ["boundprop.backends"]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from boundprop.lemma import Paper\n", []),
        ("from . import bnb\n", ["boundprop.backends"]),
        ("from ..check import x\n", ["boundprop.check"]),
    ],
)
def test_the_reader_finds_imports(tmp_path: Path, source: str, expected: list[str]) -> None:
    # the source placed as boundprop/backends/x.py (relative imports resolve there)
    root = tmp_path / "boundprop"
    path = root / "backends" / "x.py"
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    assert [t for t, _ in imports_of(path, root)] == expected


def test_a_new_upward_import_fails(tmp_path: Path) -> None:
    root = tmp_path / "boundprop"
    (root / "report").mkdir(parents=True)
    (root / "verdict.py").write_text("from boundprop.check import check_paper\n", encoding="utf-8")
    (root / "report" / "text.py").write_text("from boundprop.verdict import Status\n", encoding="utf-8")
    found = violations_in(root)
    assert list(found) == [("verdict", "check")]


# modules without __all__ yet (owned by other work in progress); the list only shrinks
WITHOUT_ALL: set[str] = set()  # every module declares its public names


def _declared_all(path: Path) -> list[str] | None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "__all__" and isinstance(value, ast.List):
            return [ast.literal_eval(e) for e in value.elts]
    return None


def test_every_module_declares_its_public_names() -> None:
    # issue 18: `__all__` everywhere (ast only: nothing is imported)
    missing = {str(p.relative_to(PACKAGE)) for p in modules() if _declared_all(p) is None}
    assert missing <= WITHOUT_ALL, f"give these modules an __all__: {sorted(missing - WITHOUT_ALL)}"
    gained = sorted(WITHOUT_ALL - missing)
    assert not gained, f"these have an __all__ now; remove them from WITHOUT_ALL: {gained}"
