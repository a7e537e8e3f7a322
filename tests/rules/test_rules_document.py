"""The document (rules.md): MISSING-FIELD, ESKA-CODE-MISSING, AMOUNT-MISMATCH, UNKNOWN-FIELD,
WEIGHT-INCONSISTENT, CURRENCY-UNKNOWN, LANGUAGE-UNSUPPORTED."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import (
    AS_OF,
    BASE_ITEM,
    BASE_REGISTRATION,
    DROP,
    ERROR,
    INFO,
    SHEET,
    WARNING,
    I,
    M,
    S,
    assert_rule,
    build_case,
    case,
    item_with,
)

REQUIRED_SHIPMENT = [
    "invoice_number",
    "invoice_date",
    "consignee_name",
    "consignee_address",
    "consignee_country",
    "currency",
]
SUPPLIED_BY_REGISTRATION = ["exporter_name", "exporter_address", "exporter_country"]
REQUIRED_ITEMS = ["description", "hs_code", "quantity", "unit", "unit_price", "origin_criterion"]
REQUIRED_MATERIALS = ["line", "description", "hs_code", "origin", "value"]


def material(**changes: Any) -> dict[str, Any]:
    return {
        "line": 1,
        "description": "Teak",
        "hs_code": "4407",
        "origin": "ID",
        "value": 100,
        **changes,
    }


NO_REGISTRATION_ENTRY = [dict(BASE_REGISTRATION, rex_number="IDREXTEST0000000077")]

MISSING_FIELD = [
    case("complete", []),
    *[case(f"{f}-empty", [(ERROR, S(f))], shipment={f: None}) for f in REQUIRED_SHIPMENT],
    *[case(f"{f}-absent", [(ERROR, SHEET("Shipment"))], shipment={f: DROP}) for f in REQUIRED_SHIPMENT],
    # Exporter name, address and country: required unless the registration supplies them.
    *[case(f"{f}-from-registration", [], shipment={f: DROP}) for f in SUPPLIED_BY_REGISTRATION],
    *[
        case(
            f"{f}-without-registration",
            [(ERROR, SHEET("Shipment"))],
            shipment={f: DROP, "exporter_rex": DROP},
            registration=False,
        )
        for f in SUPPLIED_BY_REGISTRATION
    ],
    *[
        case(
            f"{f}-empty-without-registration",
            [(ERROR, S(f))],
            shipment={f: None, "exporter_rex": DROP},
            registration=False,
        )
        for f in SUPPLIED_BY_REGISTRATION
    ],
    # Optional fields may be left out.
    case(
        "optional-fields-absent",
        [],
        shipment={
            "eska_code": DROP,
            "incoterm": DROP,
            "expected_import_date": DROP,
            "destination_country": None,
            "scheme": None,
            "notes": None,
        },
    ),
    # Each line: description, HS code, quantity, unit, unit price and origin criterion.
    *[case(f"item-{c}-empty", [(ERROR, I(c))], items=[item_with(**{c: None, "amount": None})]) for c in REQUIRED_ITEMS],
    case("item-second-line", [(ERROR, I("unit", 1))], items=[item_with(), item_with(line=2, unit=None)]),
    case("item-amount-optional", [], items=[item_with(amount=None)]),
    case("item-line-optional", [], items=[{k: v for k, v in BASE_ITEM.items() if k != "line"}]),
    *[case(f"material-{c}-empty", [(ERROR, M(c))], materials=[material(**{c: None})]) for c in REQUIRED_MATERIALS],
    # A typo in a field name: UNKNOWN-FIELD and the field is missing.
    case(
        "typo-in-field-name",
        [(ERROR, SHEET("Shipment"))],
        shipment={"invoice_number": DROP, "invoce_number": "INV-1"},
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), MISSING_FIELD)
def test_missing_field(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "MISSING-FIELD", kwargs, expect)
    for finding in result.of("MISSING-FIELD"):
        assert finding.field is not None and finding.field in finding.message


def test_items_sheet_without_lines(tmp_path: Any) -> None:
    from conftest import ITEM_ORDER, field_value_rows, shipment_with, write_registration, write_rows

    from rexdecl.pipeline import check_workbook
    from rexdecl.rules import CheckOptions

    path = write_rows(tmp_path / "w.xlsx", {"Shipment": field_value_rows(shipment_with()), "Items": [ITEM_ORDER]})
    write_registration(tmp_path / "registration.toml")
    findings = check_workbook(path, CheckOptions(as_of=AS_OF)).report.findings
    missing = [f for f in findings if f.code == "MISSING-FIELD"]
    assert [(f.severity, f.location.sheet) for f in missing] == [(ERROR, "Items")]
    assert missing[0].message.startswith("Items:")


ESKA = [(INFO, S("eska_code"))]

ESKA_CODE_MISSING = [
    case("indonesian-with-code", []),
    case("indonesian-without-code", [(INFO, SHEET("Shipment"))], shipment={"eska_code": DROP}),
    case("indonesian-empty-code", ESKA, shipment={"eska_code": None}),
    case(
        "country-from-registration",
        [(INFO, SHEET("Shipment"))],
        shipment={"eska_code": DROP, "exporter_country": DROP},
    ),
    case(
        "not-indonesian",
        [],
        shipment={"eska_code": DROP, "exporter_country": "MY", "exporter_rex": DROP},
        registration=False,
    ),
    case(
        "uk-dcts",
        [],
        shipment={
            "eska_code": DROP,
            "scheme": "uk-dcts",
            "consignee_country": "GB",
            "customs_id": "GB000000000000",
        },
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), ESKA_CODE_MISSING)
def test_eska_code_missing(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "ESKA-CODE-MISSING", kwargs, expect)


def amounts(quantity: Any, price: Any, amount: Any, **shipment: Any) -> dict[str, Any]:
    return {
        "items": [item_with(quantity=quantity, unit_price=price, amount=amount)],
        "shipment": shipment,
    }


AMOUNT_MISMATCH = [
    case("exact", [], **amounts(10, 100, 1000)),
    case("one-cent-off", [], **amounts(10, 100, "1000.01")),
    case("two-cents-off", [(ERROR, I("amount"))], **amounts(10, 100, "1000.02")),
    case("two-cents-under", [(ERROR, I("amount"))], **amounts(10, 100, "999.98")),
    case("typo", [(ERROR, I("amount"))], **amounts(10, 100, 10000)),
    case("no-amount-computed", [], **amounts(10, 100, None)),
    # Compared after rounding half-up to the minor unit: 3 × 0.335 = 1.005 → 1.01.
    case("half-up-one-cent", [], **amounts(3, "0.335", "1.00")),
    case("half-up-two-cents", [(ERROR, I("amount"))], **amounts(3, "0.335", "0.99")),
    case("exact-decimals-not-floats", [], **amounts(3, "0.1", "0.30")),
    # JPY has no minor unit: 3 × 33.5 = 100.5 → 101.
    case("jpy-rounded", [], **amounts(3, "33.5", 101, currency="JPY")),
    case("jpy-one-yen-off", [(ERROR, I("amount"))], **amounts(3, "33.5", 100, currency="JPY")),
    # invoice_total against the sum of the line amounts.
    case(
        "total-equal",
        [],
        shipment={"invoice_total": 1500},
        items=[item_with(), item_with(line=2, quantity=5, amount=500)],
    ),
    case(
        "total-one-cent-off",
        [],
        shipment={"invoice_total": "1500.01"},
        items=[item_with(), item_with(line=2, quantity=5, amount=500)],
    ),
    case(
        "total-two-cents-off",
        [(ERROR, S("invoice_total"))],
        shipment={"invoice_total": "1500.02"},
        items=[item_with(), item_with(line=2, quantity=5, amount=500)],
    ),
    case(
        "total-includes-non-originating",
        [],
        shipment={"invoice_total": 1500},
        items=[item_with(), item_with(line=2, quantity=5, amount=500, origin_criterion="no")],
    ),
    case(
        "total-with-computed-amounts",
        [],
        shipment={"invoice_total": "1,500.00"},
        items=[item_with(amount=None), item_with(line=2, quantity=5, amount=None)],
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), AMOUNT_MISMATCH)
def test_amount_mismatch(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "AMOUNT-MISMATCH", kwargs, expect)


UNKNOWN_FIELD = [
    case("all-known", []),
    case("unknown-shipment-field", [(WARNING, "unknown-row")], shipment={"colour": "brown"}),
    case("unknown-items-column", [(WARNING, "unknown-column")], items=[item_with(colour="brown")]),
    case("aliases-are-known", [], shipment={"catatan": "ok"}),
]


@pytest.mark.parametrize(("kwargs", "expect"), UNKNOWN_FIELD)
def test_unknown_field(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    built = build_case(kwargs)
    found = check(**built).of("UNKNOWN-FIELD")
    assert [f.severity for f in found] == [WARNING] * len(expect)
    for finding in found:
        assert "colour" in finding.message
        if expect[0][1] == "unknown-row":
            row = list(built["shipment"]).index("colour") + 2
            assert (finding.location.sheet, finding.location.cell) == ("Shipment", f"A{row}")
            assert f"Shipment!A{row}" in finding.message
        else:
            column = "ABCDEFGHIJ"[list(built["items"][0]).index("colour")]
            assert f"Items!{column}1" in finding.message


WEIGHT_INCONSISTENT = [
    case("net-below-gross", [], items=[item_with(net_kg=30, gross_kg=32)]),
    case("net-equals-gross", [], items=[item_with(net_kg=30, gross_kg=30)]),
    case("net-above-gross", [(ERROR, I("net_kg"))], items=[item_with(net_kg="30.01", gross_kg=30)]),
    case("negative-quantity", [(ERROR, I("quantity"))], items=[item_with(quantity=-10, amount=None)]),
    case(
        "negative-quantity-and-amount",
        [(ERROR, I("quantity")), (ERROR, I("amount"))],
        items=[item_with(quantity=-10, amount=-1000)],
    ),
    case("negative-price", [(ERROR, I("unit_price"))], items=[item_with(unit_price=-100, amount=None)]),
    case("negative-net-weight", [(ERROR, I("net_kg"))], items=[item_with(net_kg=-1, gross_kg=2)]),
    case(
        "negative-gross-weight",
        [(ERROR, I("gross_kg")), (ERROR, I("net_kg"))],
        items=[item_with(net_kg=1, gross_kg=-2)],
    ),
    case("zero-is-allowed", [], items=[item_with(net_kg=0, gross_kg=0)]),
    case("second-line", [(ERROR, I("net_kg", 1))], items=[item_with(), item_with(line=2, net_kg=5, gross_kg=4)]),
]


@pytest.mark.parametrize(("kwargs", "expect"), WEIGHT_INCONSISTENT)
def test_weight_inconsistent(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "WEIGHT-INCONSISTENT", kwargs, expect)


CURRENCY_UNKNOWN = [
    *[case(code, [], shipment={"currency": code}) for code in ("EUR", "USD", "IDR", "JPY", "GBP", "CHF")],
    case("lower-case", [], shipment={"currency": "eur"}),
    case("word", [(ERROR, S("currency"))], shipment={"currency": "EURO"}),
    case("rupiah-abbreviation", [(ERROR, S("currency"))], shipment={"currency": "Rp"}),
    case("symbol", [(ERROR, S("currency"))], shipment={"currency": "€"}),
    case("not-iso", [(ERROR, S("currency"))], shipment={"currency": "XYZ"}),
    case("country-code", [(ERROR, S("currency"))], shipment={"currency": "ID"}),
]


@pytest.mark.parametrize(("kwargs", "expect"), CURRENCY_UNKNOWN)
def test_currency_unknown(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "CURRENCY-UNKNOWN", kwargs, expect)


LANGUAGE_UNSUPPORTED = [
    case("default-english", []),
    *[case(language, [], shipment={"statement_language": language}) for language in ("en", "fr", "es", "FR")],
    case("german", [(ERROR, S("statement_language"))], shipment={"statement_language": "de"}),
    case("indonesian", [(ERROR, S("statement_language"))], shipment={"statement_language": "id"}),
    case("word", [(ERROR, S("statement_language"))], shipment={"statement_language": "English"}),
    case("uk-dcts-english", [], shipment={"scheme": "uk-dcts", "consignee_country": "GB"}),
    case(
        "uk-dcts-french",
        [(ERROR, S("statement_language"))],
        shipment={"scheme": "uk-dcts", "consignee_country": "GB", "statement_language": "fr"},
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), LANGUAGE_UNSUPPORTED)
def test_language_unsupported(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "LANGUAGE-UNSUPPORTED", kwargs, expect)


def test_statement_language_option_overrides_workbook(check: Any) -> None:
    built = build_case({"shipment": {"statement_language": "de"}})
    assert "LANGUAGE-UNSUPPORTED" not in check(**built, statement_language="fr").codes()
