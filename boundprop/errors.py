"""One root exception and narrow subclasses.

Every error the user can cause is a :class:`BoundpropError`; its ``where``
names the file and line (or key) and its message says what to do. The CLI
prints ``str(err)`` on one line and exits with code 3.
"""

from __future__ import annotations

__all__ = [
    "BoundpropError",
    "BudgetExceeded",
    "CycleError",
    "ExpressionError",
    "InputError",
    "LemmaFileError",
    "RangeError",
    "UnsupportedError",
]


class BoundpropError(Exception):
    """Root of every error boundprop raises on purpose."""

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InputError(BoundpropError):
    """Bad user input: a malformed file, an unknown symbol, an empty range."""


class LemmaFileError(InputError):
    """A lemma or proof file that cannot be loaded or fails validation."""


class ExpressionError(InputError):
    """Math that does not parse or names something undeclared."""


class RangeError(InputError):
    """An empty, inverted, NaN or otherwise unusable parameter range."""


class CycleError(LemmaFileError):
    """The dependency graph has a cycle."""


class UnsupportedError(BoundpropError):
    """A statement uses something a backend cannot handle (not the user's fault)."""


class BudgetExceeded(BoundpropError):
    """A backend ran out of its box or time budget."""
