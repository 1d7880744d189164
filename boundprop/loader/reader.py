"""The one TOML reader: a file's data plus the lines its errors name.

Why TOML: it is written by hand without ceremony, has comments, is in the
standard library (``tomllib``), cannot execute code (a lemma file from a
colleague is data, not a program), and keeps math as plain strings that the
strict parser of :mod:`boundprop.expr` reads. ``tomllib`` keeps no positions,
so the reader finds them in the text: each schema (lemmas, proofs,
annotations) locates a table by its header and a key by its ``name =`` line,
and every error it raises names ``file:line`` and says what to fix.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from boundprop.errors import BoundpropError, LemmaFileError
from boundprop.statement import exact_bound

__all__ = ["Reader", "bound_range", "check_keys", "check_name", "string", "string_list", "table"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class Reader:
    """Reads one TOML file, remembering its text so errors can name lines."""

    def __init__(self, path: Path, *, empty_ok: bool = False) -> None:
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise LemmaFileError(f"cannot read file ({exc.strerror})", str(path)) from None
        except UnicodeDecodeError:
            raise LemmaFileError("file is not UTF-8 text", str(path)) from None
        if not empty_ok and not self.text.strip():
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

    def header_line(self, section: str, key: str) -> int:
        """Line of ``[section.key]`` (or ``[section."key"]``), else of ``[section``."""
        headers = (f"[{section}.{key}]", f'[{section}."{key}"]', f"[{section}.'{key}']")
        for number, text in enumerate(self.lines, start=1):
            if text.strip().startswith(headers):
                return number
        return self.line_of(f"[{section}")

    def fail(self, message: str, line: int | None) -> LemmaFileError:
        return LemmaFileError(message, self.where(line))


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def string(reader: Reader, table: Mapping[str, Any], key: str, line: int, default: str | None = None) -> str:
    value = table.get(key, default)
    if value is None:
        raise reader.fail(f"missing required key {key!r}", line)
    if not isinstance(value, str):
        raise reader.fail(f"{key!r} must be a string, got {type(value).__name__}", line)
    return value


def string_list(reader: Reader, table: Mapping[str, Any], key: str, line: int) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise reader.fail(f"{key!r} must be a list of strings", line)
    return tuple(value)


def check_name(reader: Reader, name: str, what: str, line: int) -> None:
    if not _NAME.match(name):
        raise reader.fail(f"{what} name {name!r} is not an identifier (letters, digits, _)", line)


def check_keys(reader: Reader, table: Mapping[str, Any], allowed: set[str], what: str, line: int) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise reader.fail(
            f"unknown key {unknown[0]!r} in {what} (allowed: {', '.join(sorted(allowed))})", line
        )


def table(reader: Reader, value: Any, what: str, line: int) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise reader.fail(f"{what} must be a table", line)
    return value


def bound_range(reader: Reader, raw: Any, name: str, line: int, integer: bool) -> tuple[str, str]:
    """A ``[lo, hi]`` range of exact ends (``"oo"`` allowed), checked non-empty."""
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
