"""docs/builtins.md is generated from the one registry of built-ins and is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_reference_is_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "builtins_doc.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + " (regenerate: python scripts/builtins_doc.py)"


def test_every_builtin_is_in_the_reference_with_its_latex() -> None:
    from boundprop.expr.builtins import BUILTINS as SCALAR
    from boundprop.matrix import BUILTINS as MATRIX

    text = (ROOT / "docs" / "builtins.md").read_text(encoding="utf-8")
    for builtin in SCALAR:
        assert f"| `{builtin.name}` |" in text, builtin.name
    for name in MATRIX:
        assert f"| `{name}` |" in text, name
    for name in ("diag", "hadamard", "entry", "norm2", "norm2le"):  # the matrix vocabulary of issue 19
        assert f"| `{name}` |" in text, name


def test_the_check_mode_notices_a_stale_file(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import builtins_doc
    finally:
        sys.path.pop(0)
    stale = tmp_path / "builtins.md"
    stale.write_text(builtins_doc.document().replace("| `exp` |", "| `exq` |"), encoding="utf-8")
    original = builtins_doc.PATH
    builtins_doc.PATH = stale
    try:
        assert builtins_doc.main(["--check"]) == 1
        stale.write_text(builtins_doc.document(), encoding="utf-8")
        assert builtins_doc.main(["--check"]) == 0
    finally:
        builtins_doc.PATH = original
