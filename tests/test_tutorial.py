"""docs/tutorial.md runs end to end, as a newcomer would follow it.

The tutorial's code blocks are executed in order in an empty directory:

* ```` ```toml file=PATH ```` writes PATH, ```` ```toml append=PATH ```` appends to it;
* ```` ```diff edit=PATH ```` replaces each ``- `` line by the following ``+ `` line
  (each ``- `` line must occur exactly once in PATH);
* ```` ```console ```` blocks hold commands (``$ boundprop ...``), each followed by
  an excerpt of its output: every excerpt line must occur in the real output, in
  order, where ``...`` stands for any text and runs of spaces for any spaces;
  a line ``[exit N]`` gives the expected exit code (default 0).

At the end, the files the tutorial built must equal the copies in docs/tutorial/.
Set BOUNDPROP_TUTORIAL_SHOW=1 to print every command's real output.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
COPIES = ROOT / "docs" / "tutorial"
RunCli = Callable[..., tuple[int, str, str]]

FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```\s*$", re.S | re.M)


@dataclass(frozen=True)
class Block:
    info: str
    body: str
    line: int


def blocks(text: str) -> list[Block]:
    return [
        Block(m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)
    ]


def commands(body: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) pairs of a console block."""
    out: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
    return out


def _flat(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


def pattern(line: str) -> re.Pattern[str]:
    """An excerpt line as a regex: ``...`` is any text on the line, spaces are flattened."""
    return re.compile(".*?".join(re.escape(part) for part in _flat(line.strip()).split("...")))


def check_output(output: str, expected: list[str], where: str) -> None:
    position = 0
    flat = _flat(output)
    for line in expected:
        if not line.strip() or line.strip() == "..." or line.startswith("[exit "):
            continue
        match = pattern(line).search(flat, position)
        assert match, f"{where}: expected output line not found (in order):\n  {line.strip()}\nin:\n{output}"
        position = match.end()


def apply_edit(path: Path, body: str, where: str) -> None:
    text = path.read_text(encoding="utf-8")
    lines = body.splitlines()
    pairs = [(a[2:], b[2:]) for a, b in zip(lines, lines[1:], strict=False) if a.startswith("- ")
             and b.startswith("+ ")]
    assert pairs, f"{where}: an edit block needs '- old' / '+ new' line pairs"
    for old, new in pairs:
        assert text.count(old) == 1, f"{where}: {old!r} occurs {text.count(old)} times in {path}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def run_command(run_cli: RunCli, command: str, where: str) -> tuple[int, str]:
    argv = shlex.split(command)
    assert argv[0] == "boundprop", f"{where}: only boundprop commands run in the tutorial test: {command}"
    code, out, err = run_cli(*argv[1:])
    if os.environ.get("BOUNDPROP_TUTORIAL_SHOW"):
        print(f"\n$ {command}\n{out}{err}[exit {code}]", file=sys.__stderr__)
    return code, out + err


def test_tutorial_runs_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli) -> None:
    monkeypatch.chdir(tmp_path)
    text = TUTORIAL.read_text(encoding="utf-8")
    ran = 0
    written: set[str] = set()
    for block in blocks(text):
        where = f"docs/tutorial.md:{block.line}"
        words = dict(w.split("=", 1) for w in block.info.split()[1:] if "=" in w)
        if "file" in words:
            path = tmp_path / words["file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.body, encoding="utf-8")
            written.add(words["file"])
        elif "append" in words:
            path = tmp_path / words["append"]
            with path.open("a", encoding="utf-8") as handle:
                handle.write(block.body)
            written.add(words["append"])
        elif "edit" in words:
            apply_edit(tmp_path / words["edit"], block.body, where)
        elif block.info.startswith("console"):
            for command, expected in commands(block.body):
                code, output = run_command(run_cli, command, where)
                exits = [int(e[6:-1]) for e in expected if e.startswith("[exit ")]
                assert code == (exits[0] if exits else 0), f"{where}: `{command}` exited {code}:\n{output}"
                check_output(output, expected, f"{where}: `{command}`")
                ran += 1
    assert ran >= 8, "the tutorial should run its commands"
    for name in sorted(written):
        copy = COPIES / name
        assert copy.is_file(), f"docs/tutorial/{name} is missing (copy the tutorial's final file there)"
        assert (tmp_path / name).read_text(encoding="utf-8") == copy.read_text(encoding="utf-8"), (
            f"docs/tutorial/{name} differs from the file the tutorial builds"
        )


def test_pattern_matching_can_fail() -> None:
    check_output("│ L1 │ Lemma 1 │ 1.25 │ proved │", ["│ L1 │ Lemma 1 │ ... │ proved │"], "self-test")
    with pytest.raises(AssertionError, match="expected output line not found"):
        check_output("│ L1 │ Lemma 1 │ 1.25 │ refuted │", ["│ L1 │ Lemma 1 │ ... │ proved │"], "self-test")
    with pytest.raises(AssertionError):
        check_output("b\na", ["a", "b"], "order matters")
