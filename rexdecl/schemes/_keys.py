"""What each key of a scheme entry may hold: the checks of values, the key tables, and the
entry being read, which names its file, entry and key in every refusal (exit status 2)."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from rexdecl.errors import UsageError
from rexdecl.i18n import _

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
CUMULATION_KEY = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
MARKS = ("V", "V2", "R", "I")
# The blanks a statement may have, and those it must have.
STATEMENT_BLANKS = frozenset({"exporter", "rex_bracket", "country", "criterion"})
NEEDED_BLANKS = frozenset({"country", "criterion"})


class SchemeDataError(UsageError):
    """A scheme file that cannot be used: named with the entry and the key (exit status 2)."""


class Entry:
    """One ``[[scheme]]`` table being read: reports problems with its file and id."""

    def __init__(self, file: str, number: int, raw: Mapping[str, Any]) -> None:
        self.file = file
        self.number = number
        self.raw = raw
        self.id = raw.get("id") if isinstance(raw.get("id"), str) else None

    def fail(self, key: str, problem: str) -> SchemeDataError:
        where = (
            _("scheme '{id}' (entry {number})").format(id=self.id, number=self.number)
            if self.id
            else _("entry {number} of [[scheme]]").format(number=self.number)
        )
        return SchemeDataError(
            _("{file}: {where}, key '{key}': {problem}").format(file=self.file, where=where, key=key, problem=problem),
            _("correct the scheme file, or leave it out of REXDECL_SCHEMES"),
        )

    def get(self, key: str, check: Callable[[Any], bool], expected: str, default: Any = None) -> Any:
        if key not in self.raw:
            return default
        value = self.raw[key]
        if not check(value):
            raise self.fail(key, _("found {value}; expected {expected}").format(value=shown(value), expected=expected))
        return value


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def is_text(value: Any) -> bool:
    return isinstance(value, str)


def is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def is_list_of(pattern: re.Pattern[str]) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, list) and all(isinstance(v, str) and pattern.match(v) for v in value)


def is_mark(value: Any) -> bool:
    return value in MARKS


def is_date(value: Any) -> bool:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return True
    return (
        isinstance(value, str)
        and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
        and parse_date(value) is not None
    )


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return parse_date(value)


# Keys of a [[scheme]] entry, each with the check of its value and what is expected.
TEXT = (is_text, "a text in quotes")
BOOL = (is_bool, "true or false")
FILE = (lambda v: isinstance(v, str) and re.fullmatch(r"[\w.-]+\.csv", v) is not None, "a .csv file name")
CODES = (is_list_of(COUNTRY), 'a list of two-letter country codes, e.g. ["ID"]')
SCHEME_KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "id": (lambda v: isinstance(v, str) and ID_PATTERN.match(v) is not None, "lower-case letters, digits and '-'"),
    "name": TEXT,
    "enabled": BOOL,
    "disabled_reason": TEXT,
    "disabled_reason_id": TEXT,
    "legal_basis": TEXT,
    "legal_basis_mark": (is_mark, "V, V2, R or I"),
    "mark": (is_mark, "V, V2, R or I"),
    "source": TEXT,
    "status": TEXT,
    "status_id": TEXT,
    "status_mark": (is_mark, "V, V2, R or I"),
    "status_source": TEXT,
    "parties": CODES,
    "languages": (is_list_of(LANGUAGE), 'a list of language codes, e.g. ["en", "fr"]'),
    "languages_source": TEXT,
    "identifier": (lambda v: v in ("rex", "customs_id"), '"rex" or "customs_id"'),
    "identifier_source": TEXT,
    "rex_without_bracket": BOOL,
    "heading": TEXT,
    "signature": BOOL,
    "signature_source": TEXT,
    "territory": FILE,
    "territory_codes": CODES,
    "territory_name": TEXT,
    "territory_name_id": TEXT,
    "territory_source": TEXT,
    "beneficiaries": FILE,
    "beneficiaries_complete": BOOL,
    "beneficiary": (
        lambda v: isinstance(v, list) and all(isinstance(e, dict) for e in v),
        "[[scheme.beneficiary]] tables",
    ),
    "threshold": (
        lambda v: (
            (isinstance(v, int) and not isinstance(v, bool) and v > 0)
            or (isinstance(v, str) and is_positive_decimal(v))
        ),
        'a positive amount, e.g. "6000"',
    ),
    "threshold_currency": (
        lambda v: isinstance(v, str) and re.fullmatch(r"[A-Z]{3}", v) is not None,
        "an ISO 4217 code",
    ),
    "threshold_code": (lambda v: isinstance(v, str) and v.startswith("THRESHOLD-"), "a THRESHOLD-… rule code"),
    "rate_field": (lambda v: v in ("eur_rate", "chf_rate"), '"eur_rate" or "chf_rate" (the workbook fields)'),
    "threshold_source": TEXT,
    "validity_months": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 120, "months, 1 to 120"),
    "validity_source": TEXT,
    "validity_note": TEXT,
    "validity_note_id": TEXT,
    "cumulation": (is_list_of(CUMULATION_KEY), 'a list of cumulation keys, e.g. ["regional"]'),
    "cumulation_source": TEXT,
    "cumulation_note": TEXT,
    "cumulation_countries": (
        lambda v: isinstance(v, dict) and all(is_list_of(COUNTRY)(c) for c in v.values()),
        'a table of country lists, e.g. { norway = ["NO"] }',
    ),
    "extended_cumulation": (
        lambda v: isinstance(v, dict) and all(COUNTRY.match(k) and is_list_of(COUNTRY)(c) for k, c in v.items()),
        'a table of country lists by origin, e.g. { KH = ["VN"] }',
    ),
    "cumulation_groups": FILE,
    "cumulation_exclusions": FILE,
    "product_rules": FILE,
    "product_rules_ldc": (is_list_of(re.compile(r"^[a-z+]+$")), 'a list of arrangements, e.g. ["eba"]'),
    "graduation": FILE,
    "rex_dates": BOOL,
    "revokes_registrations_after_exit": BOOL,
    "revocation_source": TEXT,
    "authentic_code_countries": CODES,
    "authentic_code_source": TEXT,
    "origin_symbols": (
        lambda v: isinstance(v, dict) and all(COUNTRY.match(k) and isinstance(s, str) for k, s in v.items()),
        'a table of symbols by code, e.g. { XC = "CM" }',
    ),
    "origin_symbols_source": TEXT,
    "rule_catalogue": BOOL,
    "regulation": (
        lambda v: isinstance(v, list) and all(isinstance(e, dict) for e in v),
        "[[scheme.regulation]] tables",
    ),
    "text": (
        lambda v: isinstance(v, dict) and all(isinstance(t, dict) for t in v.values()),
        "[scheme.text.<language>] tables",
    ),
}
BENEFICIARY_KEYS = {"iso2", "from", "until", "mark", "source", "risk", "risk_id", "risk_mark", "risk_source"}
REGULATION_KEYS = {"text", "from", "until", "mark", "source"}
TEXT_KEYS = {
    "statement",
    "rex_bracket",
    "item",
    "items",
    "not_originating",
    "place_and_date",
    "name_and_signature",
    "cumulation",
}
TOP_KEYS = {"scheme", "default_scheme", "default_scheme_source"}


def is_positive_decimal(text: str) -> bool:
    try:
        return Decimal(text) > 0
    except InvalidOperation:
        return False


def blanks_in(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
