"""One root cause, one error: a missing, mistyped or unknown REX number is reported as what it
is (MISSING-FIELD of exporter_rex, REX-FORMAT, REX-UNKNOWN, THRESHOLD-EUR-6000), not as the
exporter's name, address and country that the registration would have supplied.

Every case leaves the exporter's name, address and country out of the Shipment sheet, as a
registered exporter whose registration.toml holds them does.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import BASE_REGISTRATION, DROP, REX, item_with, shipment_with

from rexdecl.findings import Severity

NO_EXPORTER = {"exporter_name": DROP, "exporter_address": DROP, "exporter_country": DROP}
OTHER = dict(BASE_REGISTRATION, rex_number="IDREXTEST0000000002", name="PT Rotan Lain")
# 100 x 100 = EUR 10,000: above the EUR 6,000 an exporter without a REX number may declare.
ABOVE_LIMIT = [item_with(quantity=100, amount=10000)]
MISSING_EXPORTER = [("MISSING-FIELD", "exporter_name"), ("MISSING-FIELD", "exporter_address")]

CASES = [
    pytest.param(
        {"exporter_rex": DROP},
        [BASE_REGISTRATION],
        None,
        [("MISSING-FIELD", "exporter_rex")],
        id="missing-rex-one-entry-file",
    ),
    pytest.param(
        {"exporter_rex": DROP},
        [BASE_REGISTRATION, OTHER],
        None,
        [("MISSING-FIELD", "exporter_rex")],
        id="missing-rex-many-entry-file",
    ),
    pytest.param(
        {"exporter_rex": "IDREX TEST0000000001"},
        [BASE_REGISTRATION],
        None,
        [("REX-FORMAT", None)],
        id="mistyped-rex-space",
    ),
    pytest.param(
        {"exporter_rex": REX.lower()},
        [BASE_REGISTRATION],
        None,
        [("REX-FORMAT", None)],
        id="mistyped-rex-lower-case",
    ),
    pytest.param(
        {"exporter_rex": "IDREX TEST0000000003"},
        [BASE_REGISTRATION, OTHER],
        None,
        [("REX-FORMAT", None)],
        id="mistyped-rex-no-entry-matches",
    ),
    pytest.param(
        {"exporter_rex": "IDREXTEST0000000099"},
        [BASE_REGISTRATION],
        None,
        [("REX-UNKNOWN", None)],
        id="unknown-rex",
    ),
    pytest.param(
        {"exporter_rex": "IDREXTEST0000000099"},
        None,
        None,
        [("REX-UNKNOWN", None)],
        id="unknown-rex-no-registration",
    ),
    pytest.param(
        {"exporter_rex": DROP},
        None,
        ABOVE_LIMIT,
        [("THRESHOLD-EUR-6000", None)],
        id="no-registration-above-6000",
    ),
    pytest.param(
        {"exporter_rex": DROP},
        [BASE_REGISTRATION],
        ABOVE_LIMIT,
        [("THRESHOLD-EUR-6000", None)],
        id="missing-rex-one-entry-file-above-6000",
    ),
    # Nothing to supply the fields and no REX number needed: the missing fields are the cause.
    pytest.param(
        {"exporter_rex": DROP},
        None,
        None,
        [*MISSING_EXPORTER, ("MISSING-FIELD", "exporter_country")],
        id="no-registration-below-6000",
    ),
]


@pytest.mark.parametrize(("changes", "registration", "items", "expected"), CASES)
def test_one_root_cause_one_error(
    check: Any,
    changes: dict[str, Any],
    registration: list[dict[str, Any]] | None,
    items: list[dict[str, Any]] | None,
    expected: list[tuple[str, str | None]],
) -> None:
    result = check(shipment=shipment_with(**NO_EXPORTER, **changes), registration=registration or False, items=items)
    errors = [(f.code, f.field) for f in result.findings if f.severity == Severity.ERROR]
    assert errors == expected, [f.message for f in result.findings]


def test_the_root_cause_names_the_entry_of_a_one_entry_file(check: Any) -> None:
    missing = check(shipment=shipment_with(**NO_EXPORTER, exporter_rex=DROP)).one("MISSING-FIELD")
    assert missing.location.sheet == "Shipment"
    assert missing.message.startswith("Shipment: no REX number (exporter_rex), so the registration (")
    assert missing.message.endswith(
        "registration.toml) cannot supply exporter_name, exporter_address, exporter_country. Its one entry "
        "is IDREXTEST0000000001 (PT Jati Contoh): enter that number as exporter_rex if it is this "
        "exporter's; an exporter without a REX number enters exporter_name, exporter_address, "
        "exporter_country instead"
    )
    unknown = check(shipment=shipment_with(**NO_EXPORTER, exporter_rex="IDREXTEST0000000099")).one("REX-UNKNOWN")
    assert "has one entry, IDREXTEST0000000001 (PT Jati Contoh)" in unknown.message


def test_a_many_entry_file_says_how_many_entries(check: Any) -> None:
    found = check(shipment=shipment_with(**NO_EXPORTER, exporter_rex=DROP), registration=[BASE_REGISTRATION, OTHER])
    message = found.one("MISSING-FIELD").message
    assert "2 entries) cannot supply exporter_name, exporter_address, exporter_country" in message
    assert "IDREXTEST0000000002" not in message  # no entry is guessed among many


def test_only_the_missing_fields_are_named(check: Any) -> None:
    shipment = shipment_with(exporter_rex=DROP, exporter_address=DROP)
    message = check(shipment=shipment).one("MISSING-FIELD").message
    assert "cannot supply exporter_address." in message


def test_the_country_of_an_unknown_number_is_its_two_letters(check: Any) -> None:
    """Nothing else gives the exporter's country: the REX number's two letters do, and
    REX-FORMAT has nothing to compare them with."""
    result = check(shipment=shipment_with(**NO_EXPORTER, exporter_rex="IDREXTEST0000000099"))
    assert "REX-FORMAT" not in result.codes()
    assert result.summary["origin_country"] == "ID"


def test_the_exporter_country_given_still_decides(check: Any) -> None:
    """exporter_country given: REX-FORMAT compares the number with it, as before."""
    result = check(shipment=shipment_with(exporter_rex="MYREXTEST0000000099", exporter_country="ID"))
    assert "REX-FORMAT" in result.codes()


def test_without_a_statement_the_exporter_fields_are_still_required(check: Any) -> None:
    """--no-statement prints the exporter's name and address on the invoice: an unknown REX
    number (then information) does not excuse them."""
    result = check(shipment=shipment_with(**NO_EXPORTER, exporter_rex="IDREXTEST0000000099"), no_statement=True)
    errors = [(f.code, f.field) for f in result.findings if f.severity == Severity.ERROR]
    assert errors == MISSING_EXPORTER
