"""Directed decimal rounding (the one implementation, boundprop.report.numbers) and
the LaTeX of exact numbers: a printed lower end is never above the value, an
upper end never below, at any magnitude."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boundprop.report.numbers import (
    decimal_latex,
    enclosure_latex,
    exact_latex,
    lower_decimal,
    upper_decimal,
    upper_latex,
)

# ---------------------------------------------------------------------------
# safe-direction rounding

fractions = st.fractions(min_value=Fraction(-10**30), max_value=Fraction(10**30), max_denominator=10**25)


@settings(max_examples=400, deadline=None)
@given(value=fractions, digits=st.integers(min_value=1, max_value=20))
def test_rounding_brackets_the_exact_value(value: Fraction, digits: int) -> None:
    up, down = upper_decimal(value, digits), lower_decimal(value, digits)
    assert Fraction(down) <= value <= Fraction(up)
    for result in (up, down):
        assert len(result.as_tuple().digits) <= digits or result.is_zero()
    if Fraction(up) != value:
        # tight: one unit in the last place apart
        assert Fraction(up) - Fraction(down) <= Fraction(10) ** (up.adjusted() - digits + 1)


@settings(max_examples=300, deadline=None)
@given(value=st.floats(allow_nan=False, allow_infinity=False, width=64), digits=st.integers(1, 17))
def test_rounding_of_floats_uses_their_exact_value(value: float, digits: int) -> None:
    exact = Fraction(value)
    assert Fraction(lower_decimal(value, digits)) <= exact <= Fraction(upper_decimal(value, digits))


@settings(max_examples=300, deadline=None)
@given(value=fractions, digits=st.integers(1, 12))
def test_printed_numbers_are_exactly_the_rounded_decimals(value: Fraction, digits: int) -> None:
    up = upper_decimal(value, digits)
    text = decimal_latex(up)
    match = re.fullmatch(r"(-?[0-9.]+)(?: \\times 10\^\{(-?\d+)\})?", text)
    assert match, text
    printed = Decimal(match.group(1)).scaleb(int(match.group(2) or 0))
    assert printed == up


@pytest.mark.parametrize(
    ("value", "digits", "up", "down"),
    [
        (Fraction(2, 3), 3, "0.667", "0.666"),
        (Fraction(-2, 3), 3, "-0.666", "-0.667"),
        (0.1, 2, "0.11", "0.10"),  # the float 0.1 is slightly above 1/10
        ("9.9951", 3, "10.0", "9.99"),
        (Fraction(1, 4), 6, "0.25", "0.25"),
    ],
)
def test_rounding_known_answers(value: object, digits: int, up: str, down: str) -> None:
    assert str(upper_decimal(value, digits)) == up  # type: ignore[arg-type]
    assert str(lower_decimal(value, digits)) == down  # type: ignore[arg-type]


def test_upper_ends_never_print_low() -> None:
    assert upper_latex(Fraction(123456789, 10**15), 4) == r"1.235 \times 10^{-7}"
    assert enclosure_latex(Fraction(1, 3), Fraction(1, 3), 2) == "[0.33, 0.34]"
    with pytest.raises(Exception, match="digits"):
        upper_decimal(1, 0)


def test_huge_values_round_without_overflow() -> None:
    huge = Fraction(3**20000, 7)
    up, down = upper_decimal(huge, 4), lower_decimal(huge, 4)
    assert Fraction(down) <= huge <= Fraction(up)
    assert upper_latex(huge, 4).endswith(r"\times 10^{9541}")
    assert "bits" in exact_latex(f"{2**13000 + 1}/3")
    # the table renderer's former copy overflowed here: one implementation, unbounded exponents
    assert upper_decimal(Fraction(10**400 + 1), 5) > Decimal(10) ** 400
    assert lower_decimal(Fraction(-(10**400) - 1), 5) < -Decimal(10) ** 400
