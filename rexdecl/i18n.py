"""Language of the messages the user reads (never of the statutory statement).

Messages are marked with ``_()`` and translated through gettext catalogues in
``rexdecl/locale``. The language is chosen by ``--lang``, else ``REXDECL_LANG``, else the
system locale, else English. Numbers, dates and language names in messages follow it too
(:func:`format_amount`, :func:`format_number`, :func:`format_day`, :func:`language_name`):
``EUR 7,414.00`` and ``2026-11-22`` in English, ``EUR 7.414,00`` and ``22 November 2026`` in
Bahasa Indonesia. The documents and the JSON outputs never go through them.
"""

from __future__ import annotations

import datetime as dt
import gettext
import locale
import os
from decimal import ROUND_HALF_UP, Context, Decimal
from importlib import resources

SUPPORTED = ("en", "id")
DOMAIN = "rexdecl"

_current: gettext.NullTranslations = gettext.NullTranslations()
_current_language = "en"


def detect_language(explicit: str | None = None) -> str:
    """The interface language: ``explicit``, else REXDECL_LANG, else the locale, else en."""
    for candidate in (explicit, os.environ.get("REXDECL_LANG"), _system_language()):
        if candidate:
            code = candidate.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
            if code == "in":  # old Java/Android code for Indonesian
                code = "id"
            if code in SUPPORTED:
                return code
    return "en"


def _system_language() -> str | None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value
    try:
        return locale.getlocale()[0]
    except ValueError:
        return None


def locale_dir() -> str:
    return str(resources.files("rexdecl.locale"))


def set_language(language: str) -> None:
    """Switch every later message to ``language`` (``en`` or ``id``)."""
    global _current, _current_language
    _current_language = language if language in SUPPORTED else "en"
    if _current_language == "en":
        _current = gettext.NullTranslations()
    else:
        _current = gettext.translation(DOMAIN, localedir=locale_dir(), languages=[_current_language], fallback=True)
    # click's own texts ("Usage:", "Error: ...") go through the standard gettext functions,
    # which read the language from LANGUAGE: point them at rexdecl's catalogue, which carries
    # their translation (rexdecl/locale/click_messages.py), in the same language as ours.
    gettext.bindtextdomain(DOMAIN, locale_dir())
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = _current_language


def current_language() -> str:
    return _current_language


def _(message: str) -> str:
    """Translate ``message`` into the current interface language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (translated at use)."""
    return message


# --- numbers, dates and language names in messages -------------------------------------

# Indonesian month names (as Indonesian documents write a date: 22 November 2026).
_MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
# The decimal and grouping separators of the interface languages (1,234.56 / 1.234,56).
_SEPARATORS = {"en": (".", ","), "id": (",", ".")}


def _separated(text: str, grouping: bool) -> str:
    """``text`` (a plain decimal: ``-1234.5``) with the interface language's separators."""
    decimal_mark, group_mark = _SEPARATORS.get(_current_language, _SEPARATORS["en"])
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    if grouping:
        head = len(whole) % 3 or 3
        whole = group_mark.join([whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)])
    return sign + whole + (decimal_mark + fraction if fraction else "")


def _plain(value: Decimal) -> str:
    """A decimal written out without exponent (``Decimal('1E+3')`` is ``1000``)."""
    return f"{value:f}"


def format_amount(value: Decimal | int, places: int = 2, grouping: bool = True) -> str:
    """An amount for a message, rounded half-up to ``places`` decimals: ``7,414.00`` in
    English, ``7.414,00`` in Bahasa Indonesia (``grouping=False``: ``7414.00``/``7414,00``)."""
    number = Decimal(value)
    context = Context(prec=max(28, number.adjusted() + places + 2))
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=context)
    return _separated(_plain(rounded), grouping)


def format_number(value: Decimal | int) -> str:
    """A number for a message with the digits it has (a quantity, a price, a rate): ``2.5``
    in English, ``2,5`` in Bahasa Indonesia; no grouping, as the workbook holds it."""
    return _separated(_plain(Decimal(value)), grouping=False)


def format_count(value: int) -> str:
    """A count or a limit for a message, grouped: ``12,345`` in English, ``12.345`` in Bahasa
    Indonesia (a grouped English number reads as a decimal to an Indonesian reader)."""
    return _separated(str(int(value)), grouping=True)


def format_day(day: dt.date) -> str:
    """A date for a message: ``2026-11-22`` in English (ISO, as typed in the workbooks),
    ``22 November 2026`` in Bahasa Indonesia."""
    if _current_language == "id":
        return f"{day.day} {_MONTHS_ID[day.month - 1]} {day.year}"
    return day.isoformat()


def language_name(code: str) -> str:
    """The name of a statement language (``en`` → English, in Bahasa Indonesia ``Inggris``:
    "pernyataan dalam bahasa Inggris"); a code rexdecl has no name for is shown as it is."""
    names = {"en": N_("English"), "fr": N_("French"), "es": N_("Spanish")}
    name = names.get(code.lower()) if code else None
    return _(name) if name else code
