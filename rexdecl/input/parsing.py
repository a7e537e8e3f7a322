"""Turning what people type into cells into dates, numbers and clean text.

Pure functions, no knowledge of workbooks: the reader calls them and attaches the cell to
any ``CellValueError``. Forms accepted are those of the input contract
(``workbook-format.md``): ISO dates read as ISO, other numeric dates day first, English and
Indonesian month names; numbers in ``1,234.56`` or ``1.234,56`` style, ambiguity refused.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from rexdecl import limits
from rexdecl.i18n import _, format_count


class CellValueError(ValueError):
    """A cell value that cannot be read; ``found`` and ``expected`` are user-facing."""

    def __init__(self, found: str, expected: str) -> None:
        super().__init__(f"{found}; expected {expected}")
        self.found = found
        self.expected = expected


# Characters that are invisible or white but are not ASCII space: trimmed at both ends of
# every text, and an error inside REX numbers and HS codes (never silently removed there).
INVISIBLE = frozenset(
    "\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u202f\u205f"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u3000\ufeff\u00ad"
)


def is_invisible(char: str) -> bool:
    return char in INVISIBLE or (char.isspace()) or unicodedata.category(char) == "Cf"


def _plain_edge(char: str) -> bool:
    # Printable ASCII other than space: the common case, decided without Unicode tables.
    return "!" <= char <= "~"


def clean_text(value: str) -> str:
    """Trim Unicode whitespace and invisible characters at both ends."""
    if not value or (_plain_edge(value[0]) and _plain_edge(value[-1])):
        return value
    start, end = 0, len(value)
    while start < end and is_invisible(value[start]):
        start += 1
    while end > start and is_invisible(value[end - 1]):
        end -= 1
    return value[start:end]


def describe_char(char: str) -> str:
    """``U+00A0 NO-BREAK SPACE``: how a message names an invisible character."""
    name = unicodedata.name(char, "UNNAMED CHARACTER")
    return f"U+{ord(char):04X} {name}"


def hidden_characters(value: str) -> list[str]:
    """The invisible or non-ASCII-space white characters inside ``value``."""
    if value.isascii() and value.isprintable():  # the common case, without a look at each character
        return []
    return [c for c in value if c != " " and is_invisible(c)]


# The Unicode controls that embed, override or isolate a direction (U+202A-U+202E,
# U+2066-U+2069): "\u202eexe.fdp" prints as "pdf.exe". The printed text would differ from the
# text checked, so a field holding one is refused. The marks U+200E/U+200F (left-to-right,
# right-to-left mark) only settle the direction of neighbouring punctuation and are kept.
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def refuse_direction_controls(text: str) -> str:
    """``text`` itself, or CellValueError naming the first direction control inside it."""
    if text.isascii() or DIRECTION_CONTROLS.isdisjoint(text):
        return text
    char = next(c for c in text if c in DIRECTION_CONTROLS)
    raise CellValueError(
        _("text holding the direction control {char}").format(char=describe_char(char)),
        _(
            "text without direction controls (U+202A to U+202E, U+2066 to U+2069), which change the "
            "order in which the text is printed (delete them)"
        ),
    )


# --- dates -----------------------------------------------------------------------------

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("january", "jan", "januari"),
        ("february", "feb", "februari", "pebruari", "peb"),
        ("march", "mar", "maret"),
        ("april", "apr"),
        ("may", "mei"),
        ("june", "jun", "juni"),
        ("july", "jul", "juli"),
        ("august", "aug", "agustus", "agu", "agt", "ags", "agus"),
        ("september", "sep", "sept"),
        ("october", "oct", "oktober", "okt"),
        ("november", "nov", "nopember", "nop"),
        ("december", "dec", "desember", "des"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})[\s\-]+([A-Za-z]+)\.?[\s\-,]+(\d{4})$")
_DATE_FORMS = "2026-11-22, 22/11/2026, 22-11-2026, 22 November 2026, 22 Nov 2026 or 22 Nopember 2026"

# Excel serial numbers of 1 Jan 1990 and 31 Dec 2099: a bare number in a date field inside
# this range is a date whose cell format was lost; anything else is not a plausible date.
_SERIAL_MIN, _SERIAL_MAX = 32874, 73050
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# The dates a document of the format may carry: the rules add months and years to them, and
# 9999-12-31 plus a day is no date at all.
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2099, 12, 31)


def date_in_range(day: dt.date, found: str | None = None) -> dt.date:
    """``day`` itself, or CellValueError when it is outside the years 1900 to 2099."""
    if DATE_MIN <= day <= DATE_MAX:
        return day
    raise CellValueError(
        _("'{found}', outside the years {first} to {last}").format(
            found=found or day.isoformat(), first=DATE_MIN.year, last=DATE_MAX.year
        ),
        _("a date such as {forms}").format(forms=_DATE_FORMS),
    )


def _make_date(year: int, month: int, day: int, found: str) -> dt.date:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise CellValueError(
            _("'{found}', which is not a date in the calendar").format(found=found),
            _("a real date such as {forms}").format(forms=_DATE_FORMS),
        ) from None
    return date_in_range(date, found)


def parse_date(value: object) -> dt.date:
    """A date from an Excel date, an Excel serial number or text in an accepted form."""
    if isinstance(value, dt.datetime):
        return date_in_range(value.date())
    if isinstance(value, dt.date):
        return date_in_range(value)
    if isinstance(value, bool):
        raise CellValueError(repr(value), _("a date such as {forms}").format(forms=_DATE_FORMS))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        whole = number.is_finite() and number == number.to_integral_value()
        if whole and _SERIAL_MIN <= number <= _SERIAL_MAX:
            return _EXCEL_EPOCH + dt.timedelta(days=int(number))
        raise CellValueError(
            _("the number {number}").format(number=value),
            _("a date such as {forms}").format(forms=_DATE_FORMS),
        )
    if not isinstance(value, str):
        raise CellValueError(repr(value), _("a date such as {forms}").format(forms=_DATE_FORMS))
    text = " ".join(clean_text(value).split())
    if match := _ISO.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), text)
    if match := _DAY_FIRST.match(text):
        return _make_date(int(match[4]), int(match[3]), int(match[1]), text)
    if match := _NAMED.match(text):
        month = MONTHS.get(match[2].lower())
        if month is not None:
            return _make_date(int(match[3]), month, int(match[1]), text)
    raise CellValueError(_("'{found}'").format(found=text[:80]), _("a date such as {forms}").format(forms=_DATE_FORMS))


# --- numbers ---------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(r"^[+-]?[\d.,]*\d[\d.,]*$")
NUMBER_STYLES = ("id", "en")


def parse_number(value: object, number_format: str | None = None) -> Decimal:
    """An exact decimal from a real number or text in ``1,234.56`` / ``1.234,56`` style.

    ``number_format`` (``id`` or ``en``) settles text such as ``17.500`` that both styles
    could mean; without it such text is refused. So is a magnitude of ``limits.MAX_NUMBER``
    or more (1e308 is no quantity or price, and the arithmetic downstream needs a bound).
    """
    number = _parse_number(value, number_format)
    if abs(number) >= limits.MAX_NUMBER:
        found = repr(value) if isinstance(value, str) else str(value)
        raise CellValueError(found[:80], _("a number below {limit}").format(limit=format_count(limits.MAX_NUMBER)))
    return number


def _parse_number(value: object, number_format: str | None) -> Decimal:
    if isinstance(value, bool):
        raise CellValueError(repr(value), _("a number"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellValueError(repr(value), _("a finite number"))
        return Decimal(str(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellValueError(repr(value), _("a finite number"))
        return value
    if not isinstance(value, str):
        raise CellValueError(repr(value), _("a number"))
    text = clean_text(value).replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if not _NUMBER_TEXT.match(text):
        raise CellValueError(
            _("'{found}'").format(found=clean_text(value)[:80]),
            _("a number such as 1234.56, 1,234.56 or 1.234,56 (no currency sign or unit)"),
        )
    sign = ""
    if text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    decimal_sep = _decimal_separator(text, number_format, value)
    if decimal_sep is None:
        integer, fraction = text, None
    else:
        integer, _sep, fraction = text.rpartition(decimal_sep)
    grouping = "." if decimal_sep == "," or (decimal_sep is None and "." in integer) else ","
    # Grouping separators stand between groups of three digits (1.234.567); anything else
    # (12.5.5 or a separator left at the end) is a typo, not a number to guess at.
    groups = r"\d{1,3}(?:" + re.escape(grouping) + r"\d{3})+"
    if (grouping in integer and not re.fullmatch(groups, integer)) or (fraction is not None and not fraction.isdigit()):
        raise CellValueError(
            _("'{found}'").format(found=clean_text(value)[:80]),
            _("a number written in one style, such as 1,234,567.89 or 1.234.567,89"),
        )
    digits = integer.replace(grouping, "") + ("." + fraction if fraction is not None else "")
    try:
        return Decimal(sign + digits)
    except InvalidOperation:
        raise CellValueError(f"'{clean_text(value)}'", _("a number")) from None


def _decimal_separator(text: str, number_format: str | None, original: str) -> str | None:
    """Which of ``.``/``,`` is the decimal separator in ``text``, or None for an integer."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        return "." if text.rfind(".") > text.rfind(",") else ","
    if not dots and not commas:
        return None
    sep = "." if dots else ","
    if dots + commas > 1:
        return None  # a separator that occurs more than once groups thousands
    integer, fraction = text.split(sep)
    # "0.335" or ",5" cannot be a thousands group: a group never follows a lone 0 or nothing.
    if len(fraction) == 3 and integer.lstrip("0") != "":
        if number_format == "id":
            return "," if sep == "," else None
        if number_format == "en":
            return "." if sep == "." else None
        raise CellValueError(
            _("'{found}', which reads as {a} or {b}").format(
                found=clean_text(original), a=_alt(text, sep, True), b=_alt(text, sep, False)
            ),
            _(
                "the number written unambiguously (e.g. 17500 or 17.50), or the Shipment field "
                "number_format set to id (1.234,56) or en (1,234.56)"
            ),
        )
    return sep


def _alt(text: str, sep: str, grouping: bool) -> str:
    return text.replace(sep, "") if grouping else text.replace(sep, ".")


def round_half_up(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals (the currency's minor unit)."""
    # Enough digits for any magnitude: with the default 28, quantize fails from ~1e25 on.
    context = Context(prec=max(28, value.adjusted() + places + 2))
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=context)


# --- codes ------------------------------------------------------------------------------


def hs_from_number(value: int | float | Decimal) -> str:
    """Digits of an HS code Excel stored as a number.

    A 5-, 7- or 9-digit whole number lost its leading zero (``90111`` -> ``090111``); a
    number with a fraction is heading.subheading (``9403.6`` -> ``940360``,
    ``901.11`` -> ``090111``).
    """
    number = Decimal(str(value))
    if not number.is_finite():  # 1e309 in a cell is read as infinity
        raise CellValueError(_("the number {number}").format(number=value), _("an HS code"))
    if number == number.to_integral_value():
        digits = str(int(number))
        return "0" + digits if len(digits) in (5, 7, 9) else digits
    integer, _dot, fraction = format(number.normalize(), "f").partition(".")
    integer = integer.zfill(4)
    fraction = fraction.ljust(2, "0") if len(fraction) < 2 else fraction
    if len(fraction) % 2:
        fraction += "0"
    return integer + fraction
