"""Regressions found by a black-box audit of the rule catalogue (rules.md) against the
reference material: each case failed before its fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import BASE_ITEM, BASE_REGISTRATION, DROP, ERROR, I, assert_rule, case, item_with, shipment_with

from rexdecl.findings import Severity

D = dt.date
EARLY = [dict(BASE_REGISTRATION, registered_on=D(2017, 1, 1))]


def to_northern_ireland(field: str, day: dt.date) -> dict[str, Any]:
    return {
        "shipment": {field: "XI", "invoice_date": day, "expected_import_date": DROP},
        "as_of": day,
        "registration": EARLY,
    }


# rules.md DESTINATION-NOT-IN-SCHEME and eu-customs-territory.csv: Northern Ireland (XI) is in
# the EU GSP's territory from 2021-01-01. XI is not in ISO 3166, but it must not be reported
# as a bad country code (MISSING-FIELD), or a shipment to Belfast could never pass.
@pytest.mark.parametrize("field", ["consignee_country", "destination_country"])
def test_northern_ireland_is_a_valid_destination_from_2021(check: Any, field: str) -> None:
    kwargs = to_northern_ireland(field, D(2021, 1, 1))
    result = check(shipment=shipment_with(**kwargs["shipment"]), as_of=kwargs["as_of"], registration=EARLY)
    assert [f.code for f in result.problems()] == [], [f.message for f in result.problems()]


def test_northern_ireland_before_2021_is_outside_the_scheme_only(check: Any) -> None:
    kwargs = to_northern_ireland("consignee_country", D(2020, 12, 31))
    result = check(shipment=shipment_with(**kwargs["shipment"]), as_of=kwargs["as_of"], registration=EARLY)
    assert [f.code for f in result.problems()] == ["DESTINATION-NOT-IN-SCHEME"]


def test_made_up_destination_code_is_still_missing_field(check: Any) -> None:
    result = check(shipment=shipment_with(consignee_country="XX"))
    assert "MISSING-FIELD" in result.codes()


# rules.md HS-FORMAT: "6-10 digits after removing dots and spaces". Full-width digits (typed
# with an Asian input method) pass str.isdigit() but are not an HS code: they used to slip
# through as a CRITERION-HEADING-MISMATCH on a code that looks right.
HS_FORMAT = [
    case("full-width-item-code", [(ERROR, I("hs_code"))], items=[dict(BASE_ITEM, hs_code="９４０３６０")]),
    case("superscript-digit", [(ERROR, I("hs_code"))], items=[dict(BASE_ITEM, hs_code="940360²")]),
    case("ascii-code-still-valid", [], items=[dict(BASE_ITEM, hs_code="9403.60")]),
]


@pytest.mark.parametrize(("kwargs", "expect"), HS_FORMAT)
def test_hs_format_wants_ascii_digits(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "HS-FORMAT", kwargs, expect)
    assert "CRITERION-HEADING-MISMATCH" not in result.codes()


def test_full_width_material_code_is_hs_format(check: Any) -> None:
    material = {"line": 1, "description": "Teak boards", "hs_code": "４４０７", "origin": "MY", "value": 10}
    result = check(items=[item_with()], materials=[material])
    (finding,) = result.of("HS-FORMAT")
    assert finding.severity == Severity.ERROR
    assert finding.location.sheet == "Materials"


# rules.md CRITERION-INVALID: "W + heading" means four digits 0-9. "W ９４０３" (full-width)
# used to be read as a heading and reported as a mismatch with the HS code instead.
def test_full_width_heading_in_a_criterion_is_criterion_invalid(check: Any) -> None:
    result = check(items=[item_with(origin_criterion="W ９４０３")])
    assert "CRITERION-INVALID" in result.codes()
    assert "CRITERION-HEADING-MISMATCH" not in result.codes()


def test_northern_ireland_is_printed_by_name() -> None:
    from rexdecl.documents.statement import country_name

    assert country_name("XI", "en") == "Northern Ireland"
    assert country_name("NL", "fr") == "Pays-Bas"  # the CLDR still comes first
    assert country_name("QQ", "en") == "QQ"


# workbook-format.md, field scheme: "taken from the destination" — on the document date; with
# no invoice date (a MISSING-FIELD error of its own) the run date, not the machine's clock.
@pytest.mark.parametrize(("as_of", "scheme"), [(D(2020, 6, 1), "eu-gsp"), (D(2026, 11, 22), "uk-dcts")])
def test_scheme_of_a_destination_without_invoice_date_follows_the_run_date(
    check: Any, as_of: dt.date, scheme: str
) -> None:
    result = check(shipment=shipment_with(invoice_date=DROP, consignee_country="GB"), as_of=as_of)
    assert result.summary["scheme"] == scheme
    assert "MISSING-FIELD" in result.codes()
