"""Amounts as printed on the documents: money, quantities and the amount in words.

Formatting is fixed (comma thousands separator, point decimal mark, English words), as
on commercial invoices in international trade, whatever the locale of the machine.
The number of minor digits of a currency is its ISO 4217 minor unit, read from the list
shipped in ``rexdecl/data/iso4217-minor-units.csv`` (see SOURCES.md there) — not from
CLDR, whose "digits" for cash use change between Babel versions (IDR: 2, then 0).
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import cache
from importlib import resources

__all__ = [
    "amount_in_words",
    "decimal_places",
    "format_fixed",
    "format_money",
    "format_price",
    "format_quantity",
    "minor_digits",
    "round_money",
]

ISO_4217_FILE = "iso4217-minor-units.csv"
# A code the ISO list does not give a number of minor digits: unknown to it, or listed
# with "N.A." (gold, SDR, test and "no currency" codes): amounts get two decimals.
DEFAULT_MINOR_DIGITS = 2

# The currency as named in "SAY: <WORD> ... ONLY"; any other currency is named by its code.
CURRENCY_WORDS: dict[str, str] = {
    "EUR": "EURO",
    "USD": "US DOLLARS",
    "GBP": "POUNDS STERLING",
    "CHF": "SWISS FRANCS",
    "IDR": "RUPIAH",
    "JPY": "YEN",
    "NOK": "NORWEGIAN KRONER",
}

_ONES = (
    "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN "
    "FOURTEEN FIFTEEN SIXTEEN SEVENTEEN EIGHTEEN NINETEEN"
).split()
_TENS = "_ _ TWENTY THIRTY FORTY FIFTY SIXTY SEVENTY EIGHTY NINETY".split()
# Short scale, as in English trade documents: 10**3, 10**6, 10**9, 10**12.
_SCALES = ("", "THOUSAND", "MILLION", "BILLION", "TRILLION")
_LIMIT = 1000 ** len(_SCALES)  # up to 999 trillion and change


@cache
def iso_4217_minor_units() -> dict[str, int]:
    """ISO 4217 minor units by currency code (``{"EUR": 2, "IDR": 2, "JPY": 0, ...}``), read
    once from the shipped list; codes listed with "N.A." are left out."""
    text = resources.files("rexdecl.data").joinpath(ISO_4217_FILE).read_text(encoding="utf-8")
    return {
        row["code"]: int(row["minor_units"])
        for row in csv.DictReader(io.StringIO(text))
        if row["minor_units"].isdigit()
    }


def minor_digits(currency: str) -> int:
    """Number of digits after the decimal mark for ``currency``: its ISO 4217 minor unit
    (``"IDR"`` → 2, ``"JPY"`` → 0, ``"KWD"`` → 3); 2 for a code without one."""
    return iso_4217_minor_units().get(currency.strip().upper(), DEFAULT_MINOR_DIGITS)


def _quantize(value: Decimal, digits: int) -> Decimal:
    context = Context(prec=max(28, value.adjusted() + digits + 2))  # any magnitude
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=context)


def round_money(value: Decimal, currency: str) -> Decimal:
    """``value`` rounded half up to the currency's minor unit, as :func:`format_money` prints it."""
    return _quantize(value, minor_digits(currency))


def format_money(value: Decimal, currency: str) -> str:
    """``Decimal("4620")``, ``"EUR"`` → ``"4,620.00"``: grouped, rounded half up to the
    currency's minor unit (``"JPY"`` → no decimals)."""
    digits = minor_digits(currency)
    return format(_quantize(value, digits), f",.{digits}f")


def format_price(value: Decimal, currency: str) -> str:
    """A unit price, never rounded: at least the currency's minor digits, more when the
    price has more, so that quantity × unit price is the amount printed beside it:
    ``"305687.5"``, ``"IDR"`` → ``"305,687.50"``; ``"0.125"``, ``"EUR"`` → ``"0.125"``;
    ``"1249.5"``, ``"JPY"`` → ``"1,249.5"``."""
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    digits = max(minor_digits(currency), places)
    return format(_quantize(value, digits), f",.{digits}f")


def format_quantity(value: Decimal) -> str:
    """A quantity or weight with as many decimals as it has, no more:
    ``1250`` → ``"1,250"``, ``12.50`` → ``"12.5"``, ``0.125`` → ``"0.125"``."""
    if value == 0:
        return "0"
    normal = value.normalize()
    if normal.as_tuple().exponent > 0:  # type: ignore[operator]  # 1.25E+3 → 1250
        normal = Decimal(int(normal))  # exact at any magnitude
    return format(normal, ",f")


def decimal_places(value: Decimal) -> int:
    """The decimals ``value`` has, trailing zeros left out: ``12.50`` → 1, ``1250`` → 0."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_fixed(value: Decimal, places: int) -> str:
    """``value`` grouped, with exactly ``places`` decimals (rounded half up when it has more):
    ``Decimal("0.3")``, 2 → ``"0.30"``; ``Decimal("1250")``, 1 → ``"1,250.0"``."""
    return format(_quantize(value, places), f",.{places}f")


def _below_thousand(number: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(number, 100)
    if hundreds:
        words += [_ONES[hundreds], "HUNDRED"]
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{_TENS[tens]}-{_ONES[ones]}" if ones else _TENS[tens])
    elif rest:
        words.append(_ONES[rest])
    return words


def number_in_words(number: int) -> str:
    """A whole number from 0 to 999,999,999,999,999 in upper-case English words:
    ``4620`` → ``"FOUR THOUSAND SIX HUNDRED TWENTY"``, ``21`` → ``"TWENTY-ONE"``."""
    if number < 0 or number >= _LIMIT:
        raise ValueError(f"{number} is outside the range 0 to {_LIMIT - 1:,} that can be spelled")
    if number == 0:
        return _ONES[0]
    groups: list[str] = []
    for scale in _SCALES:
        number, group = divmod(number, 1000)
        if group:
            groups.insert(0, " ".join(_below_thousand(group) + ([scale] if scale else [])))
        if not number:
            break
    return " ".join(groups)


def amount_in_words(amount: Decimal, currency: str) -> str:
    """The amount as written under an invoice total:

    ``amount_in_words(Decimal("4620"), "EUR")`` →
    ``"SAY: EURO FOUR THOUSAND SIX HUNDRED TWENTY AND 00/100 ONLY"``.

    The amount is rounded half up to the currency's minor unit; a currency without
    minor unit (JPY) has no ``AND NN/100`` part. Raises :class:`ValueError` for a
    negative amount or one of a thousand trillion or more.
    """
    code = currency.strip().upper()
    if amount < 0:
        raise ValueError(f"cannot spell a negative amount ({amount} {code})")
    digits = minor_digits(code)
    rounded = _quantize(amount, digits)
    whole = int(rounded)
    words = f"SAY: {CURRENCY_WORDS.get(code, code)} {number_in_words(whole)}"
    if digits:
        minor = int((rounded - whole).scaleb(digits))
        words += f" AND {minor:0{digits}d}/{10**digits}"
    return words + " ONLY"
