"""Exact numbers as text: directed decimal rounding and the LaTeX of rationals.

:func:`upper_decimal` and :func:`lower_decimal` round a certified end of an
enclosure to a number of significant digits in the safe direction (upper ends
up, lower ends down), correctly rounded by :mod:`decimal` with an unbounded
exponent range (no overflow on huge values). Every table and report prints its
numbers through them; nothing here evaluates an expression.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from fractions import Fraction
from typing import Any, TypeAlias

import sympy as sp

from boundprop.errors import InputError
from boundprop.report.escape import texttt

__all__ = [
    "decimal_latex",
    "enclosure_latex",
    "exact_latex",
    "fraction_latex",
    "lower_decimal",
    "lower_latex",
    "upper_decimal",
    "upper_latex",
]

_Number: TypeAlias = int | float | Fraction | Decimal | str | Any


def _to_decimal_or_fraction(value: _Number) -> Decimal | Fraction:
    """An exact value: floats are exact binary rationals, strings exact decimals or fractions."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(value)  # exact: every float is a finite binary fraction (or inf/nan)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        text = value.strip()
        if "/" in text:
            return Fraction(text)
        return Decimal(text)
    if isinstance(value, sp.Basic):
        if value.is_Rational:
            rational = sp.Rational(value)
            return Fraction(int(rational.p), int(rational.q))
        if value in (sp.oo, -sp.oo):
            return Decimal("Infinity") if value == sp.oo else Decimal("-Infinity")
        if value.is_Float:
            return Decimal(str(sp.Rational(value).p)) / Decimal(str(sp.Rational(value).q))
    raise TypeError(f"cannot round {value!r} exactly; give a float, Fraction, Decimal or exact string")


def _directed(value: _Number, digits: int, rounding: str) -> Decimal:
    if digits < 1:
        raise InputError(f"digits must be at least 1, got {digits}")
    exact = _to_decimal_or_fraction(value)
    context = Context(prec=digits, rounding=rounding, Emax=MAX_EMAX, Emin=MIN_EMIN)
    if isinstance(exact, Fraction):
        if exact.denominator == 1:
            return context.plus(Decimal(exact.numerator))
        # Decimal division rounds once, in the context's direction: correct directed rounding.
        return context.divide(Decimal(exact.numerator), Decimal(exact.denominator))
    return context.plus(exact)


def upper_decimal(value: _Number, digits: int) -> Decimal:
    """Smallest decimal with ``digits`` significant digits that is >= ``value``.

    Examples
    --------
    >>> upper_decimal(0.1, 3), upper_decimal(Fraction(2, 3), 3), upper_decimal(-2/3, 2)
    (Decimal('0.101'), Decimal('0.667'), Decimal('-0.66'))
    >>> upper_decimal(9.9951, 3)
    Decimal('10.0')
    """
    return _directed(value, digits, ROUND_CEILING)


def lower_decimal(value: _Number, digits: int) -> Decimal:
    """Largest decimal with ``digits`` significant digits that is <= ``value``.

    Examples
    --------
    >>> lower_decimal(0.1, 3), lower_decimal(Fraction(2, 3), 3), lower_decimal(-2/3, 2)
    (Decimal('0.100'), Decimal('0.666'), Decimal('-0.67'))
    """
    return _directed(value, digits, ROUND_FLOOR)


def decimal_latex(value: Decimal, sci_below: int = -4, sci_from: int = 5) -> str:
    r"""A decimal as LaTeX math, exactly (no further rounding).

    Plain notation for exponents in ``[sci_below, sci_from)``, otherwise
    ``m \times 10^{e}``.

    Examples
    --------
    >>> decimal_latex(Decimal("0.0123")), decimal_latex(Decimal("1.25E-7")), decimal_latex(Decimal("-3.1E+6"))
    ('0.0123', '1.25 \\times 10^{-7}', '-3.1 \\times 10^{6}')
    >>> decimal_latex(Decimal("0.0001"))
    '0.0001'
    >>> decimal_latex(Decimal("Infinity")), decimal_latex(Decimal("0"))
    ('\\infty', '0')
    """
    if value.is_nan():
        return r"\mathrm{NaN}"
    if value.is_infinite():
        return r"\infty" if value > 0 else r"-\infty"
    if value.is_zero():
        return "0"
    exponent = value.adjusted()
    if sci_below <= exponent < sci_from:
        return format(value, "f")
    mantissa = value.scaleb(-exponent)
    return f"{format(mantissa, 'f')} \\times 10^{{{exponent}}}"


def upper_latex(value: _Number, digits: int) -> str:
    """The upper end of an enclosure as LaTeX, rounded up.

    >>> upper_latex(0.0000123456, 3)
    '1.24 \\\\times 10^{-5}'
    """
    return decimal_latex(upper_decimal(value, digits))


def lower_latex(value: _Number, digits: int) -> str:
    """The lower end of an enclosure as LaTeX, rounded down.

    >>> lower_latex(0.0000123456, 3)
    '1.23 \\\\times 10^{-5}'
    """
    return decimal_latex(lower_decimal(value, digits))


def enclosure_latex(lower: _Number, upper: _Number, digits: int) -> str:
    r"""``[lo, hi]`` rounded outward; a single number when both ends print equal.

    >>> enclosure_latex(0.5, 0.5, 3)
    '0.5'
    >>> enclosure_latex(Fraction(1, 3), Fraction(1, 3), 3)
    '[0.333, 0.334]'
    """
    lo, hi = lower_decimal(lower, digits), upper_decimal(upper, digits)
    if lo == hi:
        return decimal_latex(hi)
    return f"[{decimal_latex(lo)}, {decimal_latex(hi)}]"


def exact_latex(value: object) -> str:
    r"""An exact value given as a string (``"5/4"``, ``"-3"``, ``"0.25"``) as LaTeX math.

    Rationals print as ``\tfrac``; very long ones (more than 24 digits) as
    breakable text; anything else as escaped ``\texttt``.

    >>> exact_latex("-5/4"), exact_latex("7"), exact_latex("0.25")
    ('-\\tfrac{5}{4}', '7', '\\tfrac{1}{4}')
    """
    text = str(value).strip()
    try:
        rational = sp.Rational(text)
    except (TypeError, ValueError, SyntaxError):
        return r"\text{" + texttt(text) + "}"
    p, q = int(rational.p), int(rational.q)
    if abs(p).bit_length() + q.bit_length() > 80:  # more than about 24 digits: breakable text
        if abs(p).bit_length() + q.bit_length() > 12000:  # beyond Python's str(int) limit: say how big
            sign = "-" if p < 0 else ""
            return rf"\text{{{sign}[a ratio of integers of {abs(p).bit_length()} and {q.bit_length()} bits]}}"
        return r"\text{" + texttt(f"{p}/{q}" if q != 1 else str(p)) + "}"
    sign = "-" if p < 0 else ""
    if q == 1:
        return f"{sign}{abs(p)}"
    return f"{sign}\\tfrac{{{abs(p)}}}{{{q}}}"


def fraction_latex(value: Fraction) -> str:
    r"""An exact rational as LaTeX: ``\tfrac{1}{10}``, ``4``, ``-\tfrac{3}{2}``.

    >>> fraction_latex(Fraction(1, 10)), fraction_latex(Fraction(4)), fraction_latex(Fraction(-3, 2))
    ('\\tfrac{1}{10}', '4', '-\\tfrac{3}{2}')
    """
    return exact_latex(f"{value.numerator}/{value.denominator}")
