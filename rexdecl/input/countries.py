"""Countries as people write them: an ISO 3166 alpha-2 code ("DE"), an alpha-3 code ("DEU")
or a name in English or Indonesian ("Germany", "Jerman"), read as the alpha-2 code.

The names are CLDR's (through Babel) in English and Indonesian, ISO 3166's as pycountry
has them (short, official and common names), and a short list of everyday names of ours
(``data/country-names.csv``: "Inggris", "Amerika", "Cina"...). They match ignoring case,
accents, punctuation, spaces and the words "and", "dan" and "the". A name that several
countries answer to ("Korea", "Congo") is never guessed: it is refused with the candidates.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rexdecl.i18n import _, current_language

NAMES_FILE = "country-names.csv"
# The languages whose CLDR names are read: the interface languages.
NAME_LANGUAGES = ("en", "id")
# CLDR territories that are not countries (Eurozone, United Nations, pseudo-locales...).
_NOT_COUNTRIES = frozenset({"EZ", "UN", "QO", "ZZ", "XA", "XB"})
_DROPPED_WORDS = frozenset({"and", "dan", "the"})
_WORD_FORMS = {"st": "saint"}
# How many close names a message suggests.
SUGGESTIONS = 3


def name_key(text: str) -> str:
    """The matching key of a name: letters and digits only, accents and case dropped, "&"
    read as "and", the words "and", "dan", "the" left out, "St." read as "Saint"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    words = re.findall(r"[^\W_]+", plain)
    return "".join(_WORD_FORMS.get(w, w) for w in words if w not in _DROPPED_WORDS)


@dataclass(frozen=True)
class _Codes:
    alpha2: frozenset[str]  # the codes a country field may hold
    alpha3: dict[str, str]  # alpha-3 -> alpha-2


@dataclass(frozen=True)
class _Names:
    codes: dict[str, frozenset[str]]  # name key -> the codes it names (more than one: ambiguous)
    shown: dict[str, str]  # name key -> the name as written, for suggestions


def _variants(name: str) -> set[str]:
    """A name and the forms people shorten it to: "Myanmar (Burma)" also "Myanmar" and
    "Burma"; "Korea, Republic of" also "Republic of Korea"."""
    forms = {name}
    inside = re.findall(r"\(([^)]*)\)", name)
    outside = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if inside:
        forms.update([outside, *inside])
    if ", " in outside:
        head, tail = outside.split(", ", 1)
        forms.add(f"{tail} {head}")
    return {f for f in forms if f.strip()}


@cache
def _codes() -> _Codes:
    import pycountry

    from rexdecl import legal

    alpha2 = {c.alpha_2 for c in pycountry.countries}
    alpha2.update(entry.code for entry in legal.eu_customs_territory())
    # The symbols a scheme prints for an origin (EU, XC, XL, EA): valid in origin_country.
    alpha2.update(symbol for scheme in legal.schemes().values() for symbol in scheme.origin_symbols)
    return _Codes(frozenset(alpha2), {c.alpha_3: c.alpha_2 for c in pycountry.countries})


@cache
def derived_names() -> dict[str, tuple[frozenset[str], str]]:
    """The names CLDR (English, Indonesian) and ISO 3166 (pycountry) give, before the
    everyday names of ``country-names.csv``: name key -> (the codes it names, the name as
    first written)."""
    import pycountry
    from babel import Locale

    codes = _codes().alpha2
    names: dict[str, tuple[set[str], str]] = {}

    def add(name: str, code: str) -> None:
        for form in _variants(name):
            key = name_key(form)
            if key:
                names.setdefault(key, (set(), form))[0].add(code)

    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                add(value, country.alpha_2)
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in codes and code not in _NOT_COUNTRIES:
                add(name, code)
    return {key: (frozenset(found), form) for key, (found, form) in names.items()}


@cache
def _names() -> _Names:
    """Built on the first name met: a workbook of codes never loads CLDR's names."""
    derived = derived_names()
    names = {key: codes for key, (codes, _shown) in derived.items()}
    shown = {key: form for key, (_found, form) in derived.items()}
    # Our list comes last and wins: an everyday name, or a name refused as ambiguous.
    for row in everyday_names():
        key = name_key(row.name)
        names[key] = frozenset(row.codes)
        shown[key] = row.name
    return _Names(names, shown)


@dataclass(frozen=True)
class EverydayName:
    """A row of ``country-names.csv``: a name, the code(s) it stands for, mark and source."""

    name: str
    codes: tuple[str, ...]
    mark: str
    source: str


@cache
def everyday_names() -> tuple[EverydayName, ...]:
    """The everyday names of ``data/country-names.csv``; several codes mark an ambiguous name."""
    text = resources.files("rexdecl.data").joinpath(NAMES_FILE).read_text(encoding="utf-8")
    return tuple(
        EverydayName(row["name"], tuple(row["codes"].split()), row["mark"], row["source"])
        for row in csv.DictReader(io.StringIO(text))
    )


def is_country_code(code: str) -> bool:
    """An alpha-2 code a country field may hold: ISO 3166, the EU customs territory data
    (XI) or a scheme's origin symbol (EU, XC, XL)."""
    return code in _codes().alpha2


def country_code(text: str) -> str | None:
    """The alpha-2 code ``text`` stands for, or None (unknown, or naming several countries)."""
    value = text.strip()
    codes = _codes()
    if len(value) == 2 and value.upper() in codes.alpha2:
        return value.upper()
    if len(value) == 3 and value.isascii() and value.upper() in codes.alpha3:
        return codes.alpha3[value.upper()]
    found = _names().codes.get(name_key(value))
    if found is not None and len(found) == 1:
        return next(iter(found))
    return None


def candidates(text: str) -> tuple[str, ...]:
    """The codes of the countries an ambiguous name stands for (empty when it is not one)."""
    found = _names().codes.get(name_key(text), frozenset())
    return tuple(sorted(found)) if len(found) > 1 else ()


def suggestions(text: str) -> tuple[tuple[str, str], ...]:
    """The names closest to ``text`` that name one country: ``(name, code)``, best first."""
    names = _names()
    key = name_key(text)
    if len(key) < 3:
        return ()
    found: list[tuple[str, str]] = []
    for close in difflib.get_close_matches(key, list(names.codes), n=SUGGESTIONS * 3, cutoff=0.8):
        codes = names.codes[close]
        if len(codes) == 1:
            code = next(iter(codes))
            if all(code != c for _name, c in found):
                found.append((names.shown[close], code))
    return tuple(found[:SUGGESTIONS])


def display_name(code: str) -> str:
    """The name of a country in the interface language (CLDR), else in English, else the code."""
    from babel import Locale

    for language in (current_language(), "en"):
        name = Locale.parse(language).territories.get(code)
        if name:
            return str(name)
    return next((row.name for row in everyday_names() if row.codes == (code,)), code)


def problem(text: str, unknown_allowed: bool = False) -> tuple[str, str]:
    """What was found and what is expected, for a country value that is no country: a
    made-up code, a name rexdecl does not know (with the closest names), a name of several
    countries (with each of them), or a symbol of an origin (EU) where it is no country."""
    value = " ".join(text.split())
    expected = (
        _("an ISO 3166 alpha-2 code (e.g. ID, DE, NL), a country's name in English or Indonesian, or 'unknown'")
        if unknown_allowed
        else _("an ISO 3166 alpha-2 code (e.g. ID, DE, NL) or a country's name in English or Indonesian")
    )
    if country_code(value) is not None:  # a scheme's origin symbol (EU, XC) where a country is needed
        return _("'{value}', which is not a country this field takes").format(value=value), expected
    several = candidates(value)
    if several:
        listed = ", ".join(f"{code} ({display_name(code)})" for code in several)
        return (
            _("'{value}', which names more than one country: {candidates}").format(value=value, candidates=listed),
            _("the two-letter code of the country meant"),
        )
    close = suggestions(value)
    if close:
        listed = ", ".join(f"{name} ({code})" for name, code in close)
        found = _("'{value}', which is no country code or name rexdecl knows (closest: {names})").format(
            value=value, names=listed
        )
    else:
        found = _("'{value}', which is no country code or name rexdecl knows").format(value=value)
    return found, expected
