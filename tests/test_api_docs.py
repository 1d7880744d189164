"""docs/api.md: its worked example runs, as one script in a fresh process, and
writes what it says it writes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "api.md"


def _blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    example = text[text.index("## A worked example"):]
    return re.findall(r"```python\n(.*?)```", example, flags=re.S)


def test_the_worked_example_runs(tmp_path: Path) -> None:
    pytest.importorskip("pandas")  # the example shows the data frame views (the notebook extra)
    blocks = _blocks()
    assert len(blocks) >= 5, "docs/api.md's worked example has lost its code blocks"
    script = tmp_path / "notebook.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    env = {"BOUNDPROP_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| 4 |" in (tmp_path / "R1-table.md").read_text()
    assert (tmp_path / "R1-regimes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads((tmp_path / "example.json").read_text())
    assert {n["id"]: n["status"] for n in data["nodes"]}["E2"] == "refuted"


def test_the_documented_names_are_the_public_ones() -> None:
    import boundprop

    text = DOC.read_text(encoding="utf-8")
    for name in ("load", "check", "prove", "regimes", "table", "witness", "report"):
        assert f"| `{name}(" in text, name
        assert name in boundprop.__all__ and callable(getattr(boundprop, name))
    for result in ("PaperCheck", "NodeResult", "Verdict", "RegimeResult", "TableResult", "WitnessResult",
                   "ReportFile"):
        assert f"**`{result}`**" in text and result in boundprop.__all__


def test_the_readme_links_the_api_and_the_examples() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/api.md)" in readme and "(examples/)" in readme and "(docs/builtins.md)" in readme
