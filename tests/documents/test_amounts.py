"""Amounts in words and the money/quantity formats printed on the documents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rexdecl.amounts import (
    amount_in_words,
    format_money,
    format_price,
    format_quantity,
    minor_digits,
    number_in_words,
)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("4620", "EUR", "SAY: EURO FOUR THOUSAND SIX HUNDRED TWENTY AND 00/100 ONLY"),
        ("0", "EUR", "SAY: EURO ZERO AND 00/100 ONLY"),
        ("0.05", "USD", "SAY: US DOLLARS ZERO AND 05/100 ONLY"),
        ("0.5", "USD", "SAY: US DOLLARS ZERO AND 50/100 ONLY"),
        (
            "12345.67",
            "GBP",
            "SAY: POUNDS STERLING TWELVE THOUSAND THREE HUNDRED FORTY-FIVE AND 67/100 ONLY",
        ),
        ("1000000.01", "EUR", "SAY: EURO ONE MILLION AND 01/100 ONLY"),
        ("2500000", "CHF", "SAY: SWISS FRANCS TWO MILLION FIVE HUNDRED THOUSAND AND 00/100 ONLY"),
        ("300", "NOK", "SAY: NORWEGIAN KRONER THREE HUNDRED AND 00/100 ONLY"),
        ("1100", "EUR", "SAY: EURO ONE THOUSAND ONE HUNDRED AND 00/100 ONLY"),
        ("101", "EUR", "SAY: EURO ONE HUNDRED ONE AND 00/100 ONLY"),
        ("1000", "EUR", "SAY: EURO ONE THOUSAND AND 00/100 ONLY"),
        ("1000001", "EUR", "SAY: EURO ONE MILLION ONE AND 00/100 ONLY"),
        # The rupiah has two minor digits in ISO 4217 (CLDR/Babel 2.19 says 0 for cash).
        ("15000000000", "IDR", "SAY: RUPIAH FIFTEEN BILLION AND 00/100 ONLY"),
        ("24455000.5", "IDR", "SAY: RUPIAH TWENTY-FOUR MILLION FOUR HUNDRED FIFTY-FIVE THOUSAND AND 50/100 ONLY"),
        ("2000000000000", "USD", "SAY: US DOLLARS TWO TRILLION AND 00/100 ONLY"),
        # No minor unit: no "AND NN/100".
        ("1250000", "JPY", "SAY: YEN ONE MILLION TWO HUNDRED FIFTY THOUSAND ONLY"),
        ("1249.6", "JPY", "SAY: YEN ONE THOUSAND TWO HUNDRED FIFTY ONLY"),
        # Not in CURRENCY_WORDS: named by the ISO code; KWD has three minor digits (ISO 4217).
        ("90.5", "SGD", "SAY: SGD NINETY AND 50/100 ONLY"),
        ("7.125", "KWD", "SAY: KWD SEVEN AND 125/1000 ONLY"),
        # Rounded half up to the cent, carrying into the whole part.
        ("19.995", "eur", "SAY: EURO TWENTY AND 00/100 ONLY"),
        ("0.004", "EUR", "SAY: EURO ZERO AND 00/100 ONLY"),
    ],
)
def test_amount_in_words(amount: str, currency: str, expected: str) -> None:
    assert amount_in_words(Decimal(amount), currency) == expected


def test_number_in_words_scales() -> None:
    assert number_in_words(999_999_999_999_999) == (
        "NINE HUNDRED NINETY-NINE TRILLION NINE HUNDRED NINETY-NINE BILLION "
        "NINE HUNDRED NINETY-NINE MILLION NINE HUNDRED NINETY-NINE THOUSAND "
        "NINE HUNDRED NINETY-NINE"
    )
    assert number_in_words(1_000_000_000) == "ONE BILLION"
    assert number_in_words(20) == "TWENTY"
    assert number_in_words(13) == "THIRTEEN"


@pytest.mark.parametrize("amount", ["-1", "1000000000000000"])
def test_amount_in_words_out_of_range(amount: str) -> None:
    with pytest.raises(ValueError):
        amount_in_words(Decimal(amount), "EUR")


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("4620", "EUR", "4,620.00"),
        ("0", "EUR", "0.00"),
        ("0.005", "USD", "0.01"),
        ("1234567.891", "USD", "1,234,567.89"),
        ("1250000", "JPY", "1,250,000"),
        ("1249.5", "JPY", "1,250"),
        ("7.1255", "KWD", "7.126"),
        ("-12.5", "EUR", "-12.50"),
        ("24455000", "IDR", "24,455,000.00"),
        ("305687.505", "IDR", "305,687.51"),
        ("1.23456", "CLF", "1.2346"),
        ("10", "XAU", "10.00"),  # "N.A." in ISO 4217: two decimals
    ],
)
def test_format_money(value: str, currency: str, expected: str) -> None:
    assert format_money(Decimal(value), currency) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1250", "1,250"),
        ("1250.000", "1,250"),
        ("1.25E+3", "1,250"),
        ("12.50", "12.5"),
        ("0.125", "0.125"),
        ("0", "0"),
        ("0.000", "0"),
        ("1000000", "1,000,000"),
        ("1234.5678", "1,234.5678"),
    ],
)
def test_format_quantity(value: str, expected: str) -> None:
    assert format_quantity(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("currency", "digits"),
    [
        ("EUR", 2),
        ("USD", 2),
        # ISO 4217 gives 2 where CLDR (Babel 2.19) gives 0: the reason for the ISO list.
        ("IDR", 2),
        ("COP", 2),
        ("HUF", 2),
        ("IQD", 3),
        ("JPY", 0),
        ("KRW", 0),
        ("XOF", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("CLF", 4),
        ("UYW", 4),
        ("XCG", 2),  # Caribbean guilder: not yet in the list of 2024-06-25
        (" idr ", 2),  # as typed in a cell
        # "N.A." in the ISO list (gold, SDR, "no currency") and unknown codes: 2.
        ("XAU", 2),
        ("XDR", 2),
        ("XXX", 2),
        ("QQQ", 2),
    ],
)
def test_minor_digits_are_iso_4217_minor_units(currency: str, digits: int) -> None:
    assert minor_digits(currency) == digits


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        # The IDR line of the issue: 80 × 305,687.5 = 24,455,000 (was printed 305,688).
        ("305687.5", "IDR", "305,687.50"),
        ("305688", "IDR", "305,688.00"),
        ("100", "EUR", "100.00"),
        ("12.50", "EUR", "12.50"),
        ("1E+3", "USD", "1,000.00"),
        # More decimals than the currency has: printed as given, never rounded.
        ("0.125", "EUR", "0.125"),
        ("1234567.891", "USD", "1,234,567.891"),
        ("1249.5", "JPY", "1,249.5"),
        ("1250", "JPY", "1,250"),
        ("7.1", "KWD", "7.100"),
        ("0.00001", "EUR", "0.00001"),
        ("-0.125", "EUR", "-0.125"),
    ],
)
def test_format_price(value: str, currency: str, expected: str) -> None:
    assert format_price(Decimal(value), currency) == expected


def _printed(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@given(
    quantity=st.decimals(min_value=0, max_value=100_000, places=3),
    price=st.decimals(min_value=0, max_value=10_000_000, places=4),
    currency=st.sampled_from(["EUR", "IDR", "JPY", "KWD", "CLF"]),
)
def test_quantity_times_printed_price_is_the_printed_amount(quantity: Decimal, price: Decimal, currency: str) -> None:
    """The printed unit price is the price itself, so quantity × unit price as printed,
    rounded to the currency's minor unit, is the amount as printed."""
    printed_price = format_price(price, currency)
    assert _printed(printed_price) == price
    assert len(printed_price.rpartition(".")[2] if "." in printed_price else "") >= minor_digits(currency)
    amount = format_money(quantity * price, currency)
    assert format_money(_printed(format_quantity(quantity)) * _printed(printed_price), currency) == amount
