"""Compile LaTeX to PDF with an installed engine and read its log.

The engine (``pdflatex``, else ``lualatex``; ``BOUNDPROP_LATEX`` names
another) runs in a fresh temporary directory with ``-halt-on-error
-interaction=nonstopmode``, as often as the log asks for a rerun (at most
three times). The log is parsed into errors, overfull boxes and missing
files; a failed compile raises :class:`LatexError` with the first error and
its context, and a missing engine or style file raises an error naming the
Debian package to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from boundprop.errors import BoundpropError

__all__ = [
    "ENGINES",
    "INSTALL_HINT",
    "PACKAGE_OF_STYLE",
    "CompileResult",
    "LatexError",
    "LatexNotFoundError",
    "LogIssue",
    "LogSummary",
    "compile_latex",
    "engine_available",
    "find_engine",
    "parse_log",
]

ENGINES = ("pdflatex", "lualatex")

INSTALL_HINT = (
    "install a LaTeX engine: on Debian/Ubuntu `apt-get install texlive-latex-base texlive-latex-recommended` "
    "(or run scripts/setup.sh); on macOS install MacTeX or BasicTeX; "
    "or write .tex and compile it elsewhere"
)

# Style files the report may need -> the Debian package that ships them.
PACKAGE_OF_STYLE = {
    "amsmath.sty": "texlive-latex-base",
    "amssymb.sty": "texlive-base",
    "graphicx.sty": "texlive-latex-base",
    "longtable.sty": "texlive-latex-base",
    "tabularx.sty": "texlive-latex-base",
    "array.sty": "texlive-latex-base",
    "geometry.sty": "texlive-latex-base",
    "hyperref.sty": "texlive-latex-base",
    "booktabs.sty": "texlive-latex-recommended",
    "xcolor.sty": "texlive-latex-recommended",
    "caption.sty": "texlive-latex-recommended",
    "microtype.sty": "texlive-latex-recommended",
    "lmodern.sty": "lmodern",
    "tikz.sty": "texlive-pictures",
    "pgf.sty": "texlive-pictures",
    "pgfplots.sty": "texlive-pictures",
    "siunitx.sty": "texlive-science",
    "enumitem.sty": "texlive-latex-extra",
    "threeparttable.sty": "texlive-latex-extra",
}


class LatexNotFoundError(BoundpropError):
    """No LaTeX engine is installed."""


class LatexError(BoundpropError):
    """The LaTeX engine failed; the message quotes the first error of the log."""

    def __init__(self, message: str, log: str = "", where: str | None = None) -> None:
        super().__init__(message, where)
        self.log = log


@dataclass(frozen=True, slots=True)
class LogIssue:
    """One error or warning of a LaTeX log, with the input line when given."""

    kind: str  # "error", "overfull", "underfull", "missing-file", "undefined-reference"
    message: str
    line: int | None = None
    amount_pt: float | None = None  # how far an overfull/underfull box is off


@dataclass(frozen=True, slots=True)
class LogSummary:
    """What a LaTeX log says: errors, bad boxes, page count, rerun request."""

    errors: tuple[LogIssue, ...]
    overfull: tuple[LogIssue, ...]
    underfull: tuple[LogIssue, ...]
    missing: tuple[LogIssue, ...]
    undefined: tuple[LogIssue, ...]
    pages: int | None
    rerun: bool

    def overfull_worse_than(self, points: float) -> tuple[LogIssue, ...]:
        """Overfull boxes that stick out by more than ``points`` pt."""
        return tuple(i for i in self.overfull if (i.amount_pt or 0.0) > points)


@dataclass(frozen=True, slots=True)
class CompileResult:
    """A compiled PDF with its log."""

    pdf: bytes
    log: str
    summary: LogSummary
    engine: str
    runs: int
    seconds: float

    @property
    def pages(self) -> int | None:
        return self.summary.pages


_ERROR = re.compile(r"^(?:! |[^\s:()]+\.tex:(\d+): )(.*)$", re.M)
_LINE = re.compile(r"^l\.(\d+)", re.M)
_BOX = re.compile(
    r"^(Overfull|Underfull) \\([hv])box \((?:(\d+(?:\.\d+)?)pt too (?:wide|high)|badness (\d+))\)(.*)$", re.M
)
_MISSING = re.compile(r"! LaTeX Error: File `([^']+)' not found\.")
_UNDEFINED = re.compile(r"LaTeX Warning: (Reference|Citation|Hyper reference) `([^']+)' .*undefined", re.M)
_PAGES = re.compile(r"Output written on .*?\((\d+) pages?")
_RERUN = re.compile(r"Rerun to get|Label\(s\) may have changed|\(rerunfilecheck\).*Rerun", re.M)


def parse_log(log: str) -> LogSummary:
    """Read a LaTeX log.

    Examples
    --------
    >>> s = parse_log("Overfull \\\\hbox (12.5pt too wide) in paragraph at lines 3--4\\n"
    ...               "Output written on doc.pdf (2 pages, 1234 bytes).")
    >>> s.pages, s.overfull[0].amount_pt, s.overfull[0].line
    (2, 12.5, 3)
    >>> parse_log("! Undefined control sequence.\\nl.7 \\\\foo").errors[0]
    LogIssue(kind='error', message='Undefined control sequence. (input line 7)', line=7, amount_pt=None)
    """
    errors: list[LogIssue] = []
    for match in _ERROR.finditer(log):
        message = match.group(2).strip()
        if message.startswith("==> Fatal error") and errors:
            continue
        rest = log[match.end() : match.end() + 2000]
        line_match = _LINE.search(rest)
        line = int(line_match.group(1)) if line_match else (int(match.group(1)) if match.group(1) else None)
        if line is not None:
            message += f" (input line {line})"
        errors.append(LogIssue("error", message, line))
    overfull: list[LogIssue] = []
    underfull: list[LogIssue] = []
    for match in _BOX.finditer(log):
        kind, _axis, amount, _badness, rest = match.groups()
        lines = re.search(r"lines? (\d+)", rest)
        issue = LogIssue(
            kind.lower(),
            match.group(0).strip(),
            int(lines.group(1)) if lines else None,
            float(amount) if amount else None,
        )
        (overfull if kind == "Overfull" else underfull).append(issue)
    missing = [LogIssue("missing-file", m.group(1)) for m in _MISSING.finditer(log)]
    undefined = [LogIssue("undefined-reference", f"{m.group(1)} {m.group(2)}") for m in _UNDEFINED.finditer(log)]
    pages = _PAGES.search(log.replace("\n", ""))
    return LogSummary(
        errors=tuple(errors),
        overfull=tuple(overfull),
        underfull=tuple(underfull),
        missing=tuple(missing),
        undefined=tuple(undefined),
        pages=int(pages.group(1)) if pages else None,
        rerun=bool(_RERUN.search(log)),
    )


def find_engine(preferred: str | None = None) -> str:
    """Path of the LaTeX engine to use.

    ``preferred`` (or the environment variable ``BOUNDPROP_LATEX``) names an
    engine; otherwise the first of :data:`ENGINES` on the ``PATH``.

    Raises
    ------
    LatexNotFoundError
        When no engine is found; the message says what to install.
    """
    wanted = preferred or os.environ.get("BOUNDPROP_LATEX")
    candidates = (wanted,) if wanted else ENGINES
    for name in candidates:
        path = shutil.which(name)
        if path:
            return path
    what = f"LaTeX engine {wanted!r} not found" if wanted else "no LaTeX engine (pdflatex or lualatex) found"
    raise LatexNotFoundError(f"{what}: {INSTALL_HINT}")


def engine_available(preferred: str | None = None) -> bool:
    """True when :func:`find_engine` would succeed."""
    try:
        find_engine(preferred)
    except LatexNotFoundError:
        return False
    return True


def _first_error_message(summary: LogSummary, log: str) -> str:
    if summary.missing:
        name = summary.missing[0].message
        package = PACKAGE_OF_STYLE.get(name)
        hint = f"install the Debian package {package}" if package else "install the TeX package that provides it"
        return f"LaTeX cannot find {name}: {hint}"
    if summary.errors:
        return f"LaTeX error: {summary.errors[0].message}"
    tail = " | ".join(line for line in log.strip().splitlines()[-3:] if line.strip())
    return f"LaTeX failed without a '!' error line (log ends: {tail[:200]})"


def compile_latex(
    tex: str,
    files: Mapping[str, bytes] | None = None,
    engine: str | None = None,
    timeout: float = 120.0,
    max_runs: int = 3,
) -> CompileResult:
    """Compile the document ``tex`` to PDF.

    Parameters
    ----------
    tex
        A complete LaTeX document.
    files
        Other files the document includes (figures), by relative name.
    engine
        ``pdflatex``, ``lualatex`` or a path; default: :func:`find_engine`.
    timeout
        Seconds per engine run.
    max_runs
        Reruns while the log asks for one (cross references, longtable widths).

    Raises
    ------
    LatexNotFoundError
        No engine installed.
    LatexError
        The engine failed; the message quotes the first error.
    """
    exe = find_engine(engine)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="boundprop-latex-") as tmp:
        work = Path(tmp)
        (work / "doc.tex").write_text(tex, encoding="utf-8")
        for name, data in (files or {}).items():
            target = work / name
            if target.resolve().parent != work.resolve() and work.resolve() not in target.resolve().parents:
                raise BoundpropError(f"figure name {name!r} leaves the build directory")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        runs = 0
        log = ""
        while True:
            runs += 1
            try:
                proc = subprocess.run(
                    [exe, "-halt-on-error", "-interaction=nonstopmode", "-no-file-line-error", "doc.tex"],
                    cwd=work,
                    capture_output=True,
                    timeout=timeout,
                    stdin=subprocess.DEVNULL,
                )
            except subprocess.TimeoutExpired:
                raise LatexError(f"{Path(exe).name} did not finish within {timeout:g} s") from None
            log_path = work / "doc.log"
            log = (
                log_path.read_text(encoding="utf-8", errors="replace")
                if log_path.exists()
                else proc.stdout.decode(errors="replace")
            )
            summary = parse_log(log)
            if proc.returncode != 0 or summary.errors or not (work / "doc.pdf").exists():
                raise LatexError(_first_error_message(summary, log), log)
            if not summary.rerun or runs >= max_runs:
                break
        pdf = (work / "doc.pdf").read_bytes()
    return CompileResult(
        pdf=pdf,
        log=log,
        summary=summary,
        engine=Path(exe).name,
        runs=runs,
        seconds=time.perf_counter() - started,
    )
