"""Value thresholds for exporters without a REX number (rules.md): THRESHOLD-EUR-6000,
THRESHOLD-CHF-10300, RATE-MISSING, THRESHOLD-NEAR.

v = (sum of the amounts of the originating lines) ÷ rate, exactly in decimals: the edges are
EUR 6,000.00 (allowed) / 6,000.01 (not), and 95 % of the limit, EUR 5,700.00.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from conftest import BASE_ITEM, DROP, ERROR, SHEET, WARNING, S, assert_rule, case


def line(amount: str, number: int = 1, criterion: str = "W 9403") -> dict[str, Any]:
    return dict(
        BASE_ITEM,
        line=number,
        quantity=1,
        unit_price=amount,
        amount=amount,
        origin_criterion=criterion,
    )


UNREGISTERED = {"exporter_rex": DROP}


def unregistered(**changes: Any) -> dict[str, Any]:
    return {**UNREGISTERED, **changes}


def value_case(id: str, amounts: list[str], expect: list[Any], registration: Any = False, **shipment: Any) -> Any:
    items = [line(a, n) for n, a in enumerate(amounts, start=1)]
    return case(id, expect, shipment=unregistered(**shipment), items=items, registration=registration)


# Where the threshold findings point: the exporter_rex field, absent here → the sheet.
REX_PLACE = SHEET("Shipment")

THRESHOLD_EUR = [
    value_case("eur-6000.00-allowed", ["6000.00"], []),
    value_case("eur-6000.01-over", ["6000.01"], [(ERROR, REX_PLACE)]),
    value_case("eur-5999.99", ["5999.99"], []),
    value_case("eur-sum-of-lines-over", ["3000.00", "3000.01"], [(ERROR, REX_PLACE)]),
    value_case("eur-sum-of-lines-at", ["3000.00", "3000.00"], []),
    value_case("eur-far-over", ["250000"], [(ERROR, REX_PLACE)]),
    # Only originating lines count.
    case(
        "non-originating-line-not-counted",
        [],
        shipment=unregistered(),
        registration=False,
        items=[line("5000.00"), line("4000.00", 2, "no")],
    ),
    case(
        "originating-over-with-excluded-line",
        [(ERROR, REX_PLACE)],
        shipment=unregistered(),
        registration=False,
        items=[line("6000.01"), line("10.00", 2, "no")],
    ),
    # Converted with eur_rate (units of the invoice currency per 1 EUR), exactly.
    value_case("usd-at-6000-eur", ["6480.00"], [], currency="USD", eur_rate="1.08"),
    value_case("usd-just-over-6000-eur", ["6480.01"], [(ERROR, REX_PLACE)], currency="USD", eur_rate="1.08"),
    # 6006.00 / 1.001 is exactly 6000 (in binary floating point it comes out above).
    value_case("usd-exact-division", ["6006.00"], [], currency="USD", eur_rate="1.001", number_format="en"),
    value_case(
        "usd-exact-division-over",
        ["6006.01"],
        [(ERROR, REX_PLACE)],
        currency="USD",
        eur_rate="1.001",
        number_format="en",
    ),
    value_case("idr-at-limit", ["105000000"], [], currency="IDR", eur_rate="17500"),
    value_case("idr-over", ["105000000.01"], [(ERROR, REX_PLACE)], currency="IDR", eur_rate="17500"),
    value_case("idr-rate-as-number", ["105000001"], [(ERROR, REX_PLACE)], currency="IDR", eur_rate=17500),
    value_case(
        "idr-rate-as-indonesian-text",
        ["104999999"],
        [],
        currency="IDR",
        eur_rate="17.500",
        number_format="id",
    ),
    # A registered exporter may declare any value.
    case("registered-any-value", [], items=[line("250000")]),
    # no-gsp has the same EUR limit [V].
    value_case("no-gsp-over", ["6000.01"], [(ERROR, REX_PLACE)], scheme="no-gsp", consignee_country="NO"),
    value_case("no-gsp-at", ["6000.00"], [], scheme="no-gsp", consignee_country="NO"),
    # uk-dcts has no value threshold; ch-gsp has its own.
    value_case(
        "uk-dcts-no-threshold",
        ["250000"],
        [],
        scheme="uk-dcts",
        consignee_country="GB",
        currency="GBP",
    ),
    value_case(
        "ch-gsp-not-eur-limit",
        ["9000"],
        [],
        scheme="ch-gsp",
        consignee_country="CH",
        currency="CHF",
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), THRESHOLD_EUR)
def test_threshold_eur_6000(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "THRESHOLD-EUR-6000", kwargs, expect)
    if expect:
        assert "THRESHOLD-NEAR" not in result.codes()


def test_threshold_message_says_the_rate_used(check: Any) -> None:
    kwargs = {
        "shipment": unregistered(currency="USD", eur_rate="1.08"),
        "items": [line("6480.01")],
        "registration": False,
    }
    from conftest import build_case

    finding = check(**build_case(kwargs)).one("THRESHOLD-EUR-6000")
    assert "EUR 6,000.01" in finding.message  # 6480.01 / 1.08 = 6000.009… → 6,000.01
    assert "1.08" in finding.message and "eur_rate" in finding.message


def ch(id: str, amounts: list[str], expect: list[Any], **shipment: Any) -> Any:
    fields = {"scheme": "ch-gsp", "consignee_country": "CH", "currency": "CHF", **shipment}
    return value_case(id, amounts, expect, **fields)


THRESHOLD_CHF = [
    ch("chf-10300.00-allowed", ["10300.00"], []),
    ch("chf-10300.01-over", ["10300.01"], [(ERROR, REX_PLACE)]),
    ch("chf-lines-over", ["5000", "5300.01"], [(ERROR, REX_PLACE)]),
    ch("eur-invoice-at-limit", ["11021.00"], [], currency="EUR", chf_rate="1.07"),
    ch("eur-invoice-over", ["11021.01"], [(ERROR, REX_PLACE)], currency="EUR", chf_rate="1.07"),
    ch("registered", ["50000"], [], exporter_rex="IDREXTEST0000000001"),
    # The CHF limit is not the EU's: EUR 6,000.01 under eu-gsp is a THRESHOLD-EUR-6000 only.
    value_case("eu-gsp-uses-eur-limit", ["10300.01"], []),
]


@pytest.mark.parametrize(("kwargs", "expect"), THRESHOLD_CHF)
def test_threshold_chf_10300(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "THRESHOLD-CHF-10300", kwargs, expect)


RATE_MISSING = [
    value_case("usd-without-eur-rate", ["100"], [(ERROR, SHEET("Shipment"))], currency="USD"),
    value_case("usd-with-empty-eur-rate", ["100"], [(ERROR, S("eur_rate"))], currency="USD", eur_rate=None),
    value_case("usd-with-eur-rate", ["100"], [], currency="USD", eur_rate="1.08"),
    value_case("eur-needs-no-rate", ["100"], [], currency="EUR"),
    value_case("eur-lower-case", ["100"], [], currency="eur"),
    case("registered-exporter-needs-no-rate", [], shipment={"currency": "USD"}),
    ch("ch-gsp-eur-without-chf-rate", ["100"], [(ERROR, SHEET("Shipment"))], currency="EUR"),
    ch(
        "ch-gsp-eur-rate-is-not-chf-rate",
        ["100"],
        [(ERROR, SHEET("Shipment"))],
        currency="EUR",
        eur_rate="1",
    ),
    ch("ch-gsp-with-chf-rate", ["100"], [], currency="EUR", chf_rate="1.07"),
    value_case(
        "uk-dcts-no-threshold-no-rate",
        ["100"],
        [],
        scheme="uk-dcts",
        consignee_country="GB",
        currency="USD",
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), RATE_MISSING)
def test_rate_missing(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "RATE-MISSING", kwargs, expect)
    if expect:
        assert not {"THRESHOLD-EUR-6000", "THRESHOLD-CHF-10300", "THRESHOLD-NEAR"} & set(result.codes())


THRESHOLD_NEAR = [
    value_case("at-95-percent", ["5700.00"], [(WARNING, REX_PLACE)]),
    value_case("just-below-95-percent", ["5699.99"], []),
    value_case("at-the-limit", ["6000.00"], [(WARNING, REX_PLACE)]),
    value_case("over-the-limit-is-an-error-not-near", ["6000.01"], []),
    value_case("in-between", ["5850.50"], [(WARNING, REX_PLACE)]),
    value_case("usd-at-95-percent", ["6156.00"], [(WARNING, REX_PLACE)], currency="USD", eur_rate="1.08"),
    value_case("usd-below-95-percent", ["6155.99"], [], currency="USD", eur_rate="1.08"),
    # 5707.41 / 1.0013 is exactly 5,700 (in binary floating point it comes out below).
    value_case(
        "usd-exact-95-percent",
        ["5707.41"],
        [(WARNING, REX_PLACE)],
        currency="USD",
        eur_rate="1.0013",
    ),
    value_case("usd-exact-just-below", ["5707.40"], [], currency="USD", eur_rate="1.0013"),
    ch("chf-at-95-percent", ["9785.00"], [(WARNING, REX_PLACE)]),
    ch("chf-below-95-percent", ["9784.99"], []),
    case("registered-no-warning", [], items=[line("5800")]),
]


@pytest.mark.parametrize(("kwargs", "expect"), THRESHOLD_NEAR)
def test_threshold_near(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "THRESHOLD-NEAR", kwargs, expect)


def test_summary_value_in_eur_is_exact(check: Any) -> None:
    from conftest import build_case

    kwargs = {
        "shipment": unregistered(currency="USD", eur_rate="1.08"),
        "items": [line("3480.00")],
        "registration": False,
    }
    summary = check(**build_case(kwargs)).summary
    assert Decimal(summary["originating_value"]) == Decimal("3480.00")
    # A plain decimal string for scripts, never "3,222.22": 3480 / 1.08 = 3222.222…
    assert summary["originating_value_eur"] == "3222.22"
