"""Registration and exporter (rules.md): REX-FORMAT, REX-UNKNOWN, REX-NOT-YET-VALID,
REX-REVOKED, EXPORTER-MISMATCH. One table per code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import BASE_REGISTRATION, DROP, ERROR, REX, S, assert_rule, case

DAY = dt.date(2026, 11, 20)  # the baseline's invoice date
ONE = dt.timedelta(days=1)


def reg(**changes: Any) -> list[dict[str, Any]]:
    """The baseline registration with changes, as the only entry of registration.toml."""
    entry = dict(BASE_REGISTRATION)
    for key, value in changes.items():
        if value is DROP:
            entry.pop(key, None)
        else:
            entry[key] = value
    return [entry]


def rex_case(id: str, number: str, expect: list[Any], **kwargs: Any) -> Any:
    """The shipment and its registration both carry ``number`` (so only its form is judged)."""
    registration = kwargs.pop("registration", reg(rex_number=number))
    shipment = {"exporter_rex": number, **kwargs.pop("shipment", {})}
    return case(id, expect, shipment=shipment, registration=registration, **kwargs)


REX_FORMAT = [
    rex_case("well-formed", REX, []),
    rex_case("one-character-after-REX", "IDREX1", []),
    rex_case("thirty-characters-after-REX", "IDREX" + "A1" * 15, []),
    rex_case("thirty-one-characters-after-REX", "IDREX" + "A1" * 15 + "B", [(ERROR, S("exporter_rex"))]),
    rex_case("nothing-after-REX", "IDREX", [(ERROR, S("exporter_rex"))]),
    rex_case("space-inside", "IDREX 0000000001", [(ERROR, S("exporter_rex"))]),
    rex_case("dots", "ID.REX.0000000001", [(ERROR, S("exporter_rex"))]),
    rex_case("hyphen", "IDREX-0000000001", [(ERROR, S("exporter_rex"))]),
    rex_case("lower-case", "idrex0000000001", [(ERROR, S("exporter_rex"))]),
    rex_case("mixed-case", "IDRex0000000001", [(ERROR, S("exporter_rex"))]),
    rex_case("lower-case-tail", "IDREXabc01", [(ERROR, S("exporter_rex"))]),
    rex_case("no-REX", "ID0000000001", [(ERROR, S("exporter_rex"))]),
    rex_case("three-letter-country", "IDNREX0001", [(ERROR, S("exporter_rex"))]),
    rex_case("npwp-with-punctuation", "IDREX01.234.567.8-901.000", [(ERROR, S("exporter_rex"))]),
    rex_case("no-break-space-inside", "IDREX\u00a00000000001", [(ERROR, S("exporter_rex"))]),
    # The two letters are the exporter's country: the registration's, else exporter_country.
    rex_case("other-country-than-exporter", "MYREX0000000001", [(ERROR, S("exporter_rex"))]),
    rex_case(
        "registration-country-wins",
        REX,
        [],
        shipment={"exporter_country": "MY"},
        registration=reg(country="ID"),
    ),
    rex_case(
        "registration-country-differs",
        REX,
        [(ERROR, S("exporter_rex"))],
        shipment={"exporter_country": "ID"},
        registration=reg(country="MY"),
    ),
    rex_case(
        "no-registration-country-uses-exporter-country",
        REX,
        [(ERROR, S("exporter_rex"))],
        shipment={"exporter_country": "MY"},
        registration=reg(country=DROP),
    ),
    # A malformed number is judged even when no registration data exists.
    rex_case(
        "malformed-without-registration",
        "IDREX 1",
        [(ERROR, S("exporter_rex"))],
        registration=False,
    ),
    case("no-rex-number", [], shipment={"exporter_rex": DROP}),
]


@pytest.mark.parametrize(("kwargs", "expect"), REX_FORMAT)
def test_rex_format(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "REX-FORMAT", kwargs, expect)
    if expect:
        # a malformed number is not looked up further
        assert "REX-UNKNOWN" not in result.codes()
        assert kwargs["shipment"]["exporter_rex"] in result.one("REX-FORMAT").message


REX_UNKNOWN = [
    case("held-by-the-registration", []),
    case("not-held", [(ERROR, S("exporter_rex"))], shipment={"exporter_rex": "IDREXTEST0000000099"}),
    case(
        "held-by-another-entry",
        [],
        shipment={"exporter_rex": "IDREXTEST0000000002"},
        registration=[BASE_REGISTRATION, dict(BASE_REGISTRATION, rex_number="IDREXTEST0000000002")],
    ),
    case("no-registration-data-at-all", [(ERROR, S("exporter_rex"))], registration=False),
    case(
        "number-differs-by-a-digit",
        [(ERROR, S("exporter_rex"))],
        registration=reg(rex_number=REX[:-1] + "2"),
    ),
    case("no-rex-number-no-lookup", [], shipment={"exporter_rex": DROP}, registration=False),
]


@pytest.mark.parametrize(("kwargs", "expect"), REX_UNKNOWN)
def test_rex_unknown(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "REX-UNKNOWN", kwargs, expect)


def test_rex_unknown_says_how_to_give_registration(check: Any) -> None:
    message = check(registration=False).one("REX-UNKNOWN").message
    assert REX in message
    for way in ("--registration", "Exporter sheet", "registration.toml"):
        assert way in message


REX_NOT_YET_VALID = [
    case(
        "registered-day-after-invoice",
        [(ERROR, S("invoice_date"))],
        registration=reg(registered_on=DAY + ONE),
    ),
    case("registered-on-invoice-day", [], registration=reg(registered_on=DAY)),
    case("registered-day-before", [], registration=reg(registered_on=DAY - ONE)),
    case(
        "registered-long-after",
        [(ERROR, S("invoice_date"))],
        registration=reg(registered_on=dt.date(2027, 3, 1)),
    ),
    case("no-registration-date", [], registration=reg(registered_on=DROP)),
    case(
        "text-date-in-registration",
        [(ERROR, S("invoice_date"))],
        registration=reg(registered_on="21/11/2026"),
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), REX_NOT_YET_VALID)
def test_rex_not_yet_valid(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "REX-NOT-YET-VALID", kwargs, expect)


REX_REVOKED = [
    case(
        "revoked-day-before-invoice",
        [(ERROR, S("invoice_date"))],
        registration=reg(revoked_on=DAY - ONE),
    ),
    case("revoked-on-invoice-day", [(ERROR, S("invoice_date"))], registration=reg(revoked_on=DAY)),
    case("revoked-day-after", [], registration=reg(revoked_on=DAY + ONE)),
    case("not-revoked", [], registration=reg()),
    case(
        "revoked-years-ago",
        [(ERROR, S("invoice_date"))],
        registration=reg(revoked_on=dt.date(2025, 6, 30)),
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), REX_REVOKED)
def test_rex_revoked(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "REX-REVOKED", kwargs, expect)


def name_case(id: str, shipment_name: str, registered_name: str, mismatch: bool) -> Any:
    return case(
        id,
        [(ERROR, S("exporter_name"))] if mismatch else [],
        shipment={"exporter_name": shipment_name},
        registration=reg(name=registered_name),
    )


EXPORTER_MISMATCH = [
    name_case("same", "PT Jati Contoh", "PT Jati Contoh", False),
    name_case("case", "PT JATI CONTOH", "pt jati contoh", False),
    name_case("spaces", "PT  Jati   Contoh ", "PT Jati Contoh", False),
    name_case("punctuation", "PT. Jati-Contoh,", "PT Jati Contoh", False),
    name_case("dotted-legal-form", "P.T. Jati Contoh", "PT Jati Contoh", False),
    name_case("legal-form-after", "Jati Contoh, PT", "PT Jati Contoh", False),
    name_case("no-legal-form", "Jati Contoh", "PT Jati Contoh", False),
    name_case("cv", "CV Jati Contoh", "Jati Contoh", False),
    name_case("ud", "UD Jati Contoh", "Jati Contoh", False),
    name_case("tbk", "PT Jati Contoh Tbk", "PT Jati Contoh", False),
    name_case("persero", "PT Jati Contoh (Persero)", "PT Jati Contoh", False),
    name_case("ltd", "Jati Contoh Ltd.", "PT Jati Contoh", False),
    name_case("agent-with-supplier-number", "PT Agen Ekspor Semarang", "PT Jati Contoh", True),
    name_case("one-more-word", "PT Jati Contoh Dua", "PT Jati Contoh", True),
    name_case("one-letter-differs", "PT Jati Kontoh", "PT Jati Contoh", True),
    case("name-from-registration-only", [], shipment={"exporter_name": DROP}),
]


@pytest.mark.parametrize(("kwargs", "expect"), EXPORTER_MISMATCH)
def test_exporter_mismatch(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "EXPORTER-MISMATCH", kwargs, expect)
    if expect:
        message = result.one("EXPORTER-MISMATCH").message
        assert kwargs["shipment"]["exporter_name"] in message
        assert "PT Jati Contoh" in message
