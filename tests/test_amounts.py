"""Amounts in words and the money/quantity formats printed on the documents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rexdecl.amounts import amount_in_words, format_money, format_quantity, number_in_words


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
        ("15000000000", "IDR", "SAY: RUPIAH FIFTEEN BILLION AND 00/100 ONLY"),
        ("2000000000000", "USD", "SAY: US DOLLARS TWO TRILLION AND 00/100 ONLY"),
        # No minor unit: no "AND NN/100".
        ("1250000", "JPY", "SAY: YEN ONE MILLION TWO HUNDRED FIFTY THOUSAND ONLY"),
        ("1249.6", "JPY", "SAY: YEN ONE THOUSAND TWO HUNDRED FIFTY ONLY"),
        # Unknown to the table: the ISO code; three minor digits from CLDR.
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
