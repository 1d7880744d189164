"""The ``NAME=LO:HI`` and ``NAME=VALUE`` notation of a range or a value (text only).

One parser for the notation, used by the command line (``prove --var``,
``regimes --param/--project/--fix``, ``table --fix``) and by the library
(:func:`boundprop.regimes.parse_axis`, :func:`~boundprop.regimes.parse_fix`).
The ends stay text: each caller reads them exactly (``exact_bound``) with its
own rules. Errors name the spec, never a command-line flag: the CLI adds the
flag (:func:`boundprop.cli.args.flag`).
"""

from __future__ import annotations

from dataclasses import dataclass

from boundprop.errors import InputError, RangeError

__all__ = ["MAX_LAYERS", "RangeSpec", "layer_range", "parse_range", "parse_value", "spec_name"]

MAX_LAYERS = 10_000  # a bound table longer than this is a typo, not a table


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """``NAME=LO:HI[:log]`` split into its parts (the ends as written, stripped)."""

    name: str
    lo: str
    hi: str
    log: bool = False


def parse_range(spec: str, *, log: bool = False) -> RangeSpec:
    """``NAME=LO:HI`` (and ``NAME=LO:HI:log`` when ``log``) → :class:`RangeSpec`.

    >>> parse_range("x=0:1.25")
    RangeSpec(name='x', lo='0', hi='1.25', log=False)
    >>> parse_range("eta = 1/100 : 1/2 : log", log=True)
    RangeSpec(name='eta', lo='1/100', hi='1/2', log=True)
    >>> parse_range("x=0")
    Traceback (most recent call last):
    ...
    boundprop.errors.RangeError: 'x=0': expected NAME=LO:HI, e.g. x=0:1.25 or n=1:oo
    """
    name, sep, rest = spec.partition("=")
    name = name.strip()
    parts = [p.strip() for p in rest.split(":")]
    is_log = log and len(parts) == 3 and parts[2] == "log"
    if is_log:
        parts = parts[:2]
    if not sep or len(parts) != 2 or not name.isidentifier() or not all(parts):
        form = "write NAME=LO:HI or NAME=LO:HI:log" if log else "expected NAME=LO:HI, e.g. x=0:1.25 or n=1:oo"
        raise RangeError(f"{spec!r}: {form}")
    return RangeSpec(name=name, lo=parts[0], hi=parts[1], log=is_log)


def parse_value(spec: str) -> tuple[str, str]:
    """``NAME=VALUE`` → ``(name, value text)``.

    >>> parse_value("H = 2")
    ('H', '2')
    >>> parse_value("H")
    Traceback (most recent call last):
    ...
    boundprop.errors.InputError: 'H': write NAME=VALUE
    """
    name, sep, value = spec.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise InputError(f"{spec!r}: write NAME=VALUE")
    return name, value


def spec_name(spec: str) -> str:
    """The name a ``NAME=...`` spec sets, without checking the rest (to merge defaults).

    >>> spec_name(" L=1:8")
    'L'
    """
    return spec.partition("=")[0].strip()


def layer_range(text: str) -> range:
    """``"A:B"`` (or ``"A"``) -> ``range(A, B + 1)``, the layers of a bound table.

    >>> layer_range("0:3"), layer_range("2")
    (range(0, 4), range(2, 3))
    """
    a, sep, b = text.partition(":")
    try:
        lo, hi = int(a), int(b if sep else a)
    except ValueError:
        raise InputError(f"layers {text!r}: write A:B with integers A <= B") from None
    if lo < 0 or hi < lo:
        raise InputError(f"layers {text!r}: need 0 <= A <= B")
    if hi - lo + 1 > MAX_LAYERS:
        raise InputError(f"layers {text!r}: at most {MAX_LAYERS} layers")
    return range(lo, hi + 1)
