"""Country, scheme and dates (rules.md): REX-NOT-APPLICABLE-YET, FORM-A-PERIOD,
COUNTRY-NOT-BENEFICIARY, GSP-ENDS-BEFORE-IMPORT, DESTINATION-NOT-IN-SCHEME,
SCHEME-UNSUPPORTED, RETROSPECTIVE, STATEMENT-AGE, FUTURE-DATE.

Indonesia (data/rex-countries.csv): REX applied from 2019-11-20, Form A accepted until
2020-06-30, last day as an EU GSP beneficiary 2026-12-31.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import (
    BASE_ITEM,
    BASE_REGISTRATION,
    DROP,
    ERROR,
    INFO,
    WARNING,
    I,
    S,
    assert_rule,
    build_case,
    case,
)

D = dt.date
ONE = dt.timedelta(days=1)
# A registration valid long before the dates tried here (so REX-NOT-YET-VALID stays out).
EARLY = [dict(BASE_REGISTRATION, registered_on=D(2017, 1, 1))]


def dated(day: dt.date, as_of: dt.date | None = None, **shipment: Any) -> dict[str, Any]:
    """Case arguments for an invoice dated ``day`` (run date: the day itself unless given)."""
    fields = {"invoice_date": day, "expected_import_date": DROP, **shipment}
    return {"shipment": fields, "as_of": as_of or day, "registration": EARLY}


def origin(country: str, **item: Any) -> list[dict[str, Any]]:
    return [dict(BASE_ITEM, origin_country=country, **item)]


REX_NOT_APPLICABLE_YET = [
    case("day-before-rex-date", [(ERROR, S("invoice_date"))], **dated(D(2019, 11, 19))),
    case("on-rex-date", [], **dated(D(2019, 11, 20))),
    case("day-after-rex-date", [], **dated(D(2019, 11, 21))),
    case("long-before", [(ERROR, S("invoice_date"))], **dated(D(2017, 6, 1))),
    case("today", [], **dated(D(2026, 11, 20))),
    # Another country's date: Vietnam 2019-01-01 [V2].
    case("vietnam-before", [(ERROR, S("invoice_date"))], items=origin("VN"), **dated(D(2018, 12, 31))),
    case("vietnam-on", [], items=origin("VN"), **dated(D(2019, 1, 1))),
    # Only the EU GSP has REX dates.
    case(
        "uk-dcts-has-no-rex-date",
        [],
        **dated(D(2019, 11, 19), scheme="uk-dcts", consignee_country="GB"),
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), REX_NOT_APPLICABLE_YET)
def test_rex_not_applicable_yet(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "REX-NOT-APPLICABLE-YET", kwargs, expect)


FORM_A_PERIOD = [
    case("before-rex-date-is-not-transition", [], **dated(D(2019, 11, 19))),
    case("on-rex-date", [(INFO, S("invoice_date"))], **dated(D(2019, 11, 20))),
    case("inside", [(INFO, S("invoice_date"))], **dated(D(2020, 3, 1))),
    case("last-day-of-form-a", [(INFO, S("invoice_date"))], **dated(D(2020, 6, 30))),
    case("day-after-form-a", [], **dated(D(2020, 7, 1))),
    case("today", [], **dated(D(2026, 11, 20))),
]


@pytest.mark.parametrize(("kwargs", "expect"), FORM_A_PERIOD)
def test_form_a_period(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "FORM-A-PERIOD", kwargs, expect)


COUNTRY_NOT_BENEFICIARY = [
    # Indonesia: gsp_until 2026-12-31; from 2027-01-01 not a beneficiary → error.
    case("indonesia-last-day", [], **dated(D(2026, 12, 31))),
    case("indonesia-first-day-out", [(ERROR, S("exporter_country"))], **dated(D(2027, 1, 1))),
    case("indonesia-years-later", [(ERROR, S("exporter_country"))], **dated(D(2028, 3, 1))),
    # The release date decides (UCC Art. 85(1)): a statement made out in 2027 for goods released
    # in 2026 is a retrospective statement (Art. 92(2) IA), not refused.
    case(
        "indonesia-statement-2027-goods-released-2026",
        [],
        **dated(D(2027, 1, 5), expected_import_date=D(2026, 12, 30)),
    ),
    case(
        "indonesia-statement-2027-goods-released-on-last-day",
        [],
        **dated(D(2027, 1, 5), expected_import_date=D(2026, 12, 31)),
    ),
    case(
        "indonesia-statement-2027-goods-released-2027",
        [(ERROR, S("exporter_country"))],
        **dated(D(2027, 1, 5), expected_import_date=D(2027, 1, 1)),
    ),
    # Origin from the line's origin_country when given: the finding points there.
    case(
        "origin-on-the-line",
        [(ERROR, I("origin_country"))],
        items=origin("ID"),
        **dated(D(2027, 1, 1)),
    ),
    # No entry in the data at all → error.
    case(
        "not-in-the-data",
        [(ERROR, I("origin_country"))],
        items=origin("CN"),
        **dated(D(2026, 11, 20)),
    ),
    case(
        "not-in-the-data-us",
        [(ERROR, I("origin_country"))],
        items=origin("US"),
        **dated(D(2026, 11, 20)),
    ),
    # Arrangement none/unclear without a date → warning.
    case(
        "vietnam-none-without-date",
        [(WARNING, I("origin_country"))],
        items=origin("VN"),
        **dated(D(2026, 11, 20)),
    ),
    case(
        "armenia-none-without-date",
        [(WARNING, I("origin_country"))],
        items=origin("AM"),
        **dated(D(2026, 11, 20)),
    ),
    case(
        "nauru-unclear",
        [(WARNING, I("origin_country"))],
        items=origin("NR"),
        **dated(D(2026, 11, 20)),
    ),
    # none with an end date: beneficiary until it, error after.
    case("eswatini-last-day", [], items=origin("SZ"), **dated(D(2018, 12, 31))),
    case("eswatini-after", [(ERROR, I("origin_country"))], items=origin("SZ"), **dated(D(2019, 1, 1))),
    # Beneficiaries: no finding.
    case("bangladesh-eba", [], items=origin("BD"), **dated(D(2026, 11, 20))),
    case("india-standard", [], items=origin("IN"), **dated(D(2026, 11, 20))),
    # Other schemes: Norway no longer covers Indonesia since 2022-02-01; the UK DCTS does.
    case("norway-last-day", [], **dated(D(2022, 1, 31), scheme="no-gsp", consignee_country="NO")),
    case(
        "norway-after",
        [(ERROR, S("exporter_country"))],
        **dated(D(2022, 2, 1), scheme="no-gsp", consignee_country="NO"),
    ),
    case(
        "uk-dcts-covers-indonesia",
        [],
        **dated(D(2026, 11, 20), scheme="uk-dcts", consignee_country="GB"),
    ),
    # Not originating lines do not make a statement: no country judged.
    case(
        "all-lines-not-originating",
        [],
        items=origin("CN", origin_criterion="no"),
        **dated(D(2026, 11, 20)),
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), COUNTRY_NOT_BENEFICIARY)
def test_country_not_beneficiary(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "COUNTRY-NOT-BENEFICIARY", kwargs, expect)


GSP_ENDS_BEFORE_IMPORT = [
    # Import date given: error when after gsp_until.
    case("import-on-last-day", [], **dated(D(2026, 11, 20), expected_import_date=D(2026, 12, 31))),
    case(
        "import-day-after-last-day",
        [(ERROR, S("expected_import_date"))],
        **dated(D(2026, 11, 20), expected_import_date=D(2027, 1, 1)),
    ),
    case(
        "invoice-on-last-day-import-after",
        [(ERROR, S("expected_import_date"))],
        **dated(D(2026, 12, 31), expected_import_date=D(2027, 2, 1)),
    ),
    case(
        "import-after-but-early-invoice",
        [(ERROR, S("expected_import_date"))],
        **dated(D(2026, 3, 1), as_of=D(2026, 3, 1), expected_import_date=D(2027, 1, 15)),
    ),
    # No import date: warning within 120 days before gsp_until (2026-09-02 … 2026-12-31).
    case("120-days-before", [(WARNING, S("invoice_date"))], **dated(D(2026, 9, 2))),
    case("121-days-before", [], **dated(D(2026, 9, 1))),
    case("last-day", [(WARNING, S("invoice_date"))], **dated(D(2026, 12, 31))),
    case("inside-window", [(WARNING, S("invoice_date"))], **dated(D(2026, 11, 20))),
    case("long-before", [], **dated(D(2026, 1, 15))),
    # After gsp_until the country is no beneficiary at all: COUNTRY-NOT-BENEFICIARY instead.
    case("after-last-day", [], **dated(D(2027, 1, 1))),
    # Countries without an end date never get it.
    case("bangladesh-no-end-date", [], items=origin("BD"), **dated(D(2026, 11, 20))),
    case(
        "uk-dcts-no-end-date",
        [],
        **dated(D(2026, 11, 20), scheme="uk-dcts", consignee_country="GB"),
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), GSP_ENDS_BEFORE_IMPORT)
def test_gsp_ends_before_import(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "GSP-ENDS-BEFORE-IMPORT", kwargs, expect)
    if expect:
        assert "2026-12-31" in result.one("GSP-ENDS-BEFORE-IMPORT").message


NOV_20 = D(2026, 11, 20)


def to(destination: str, day: dt.date = NOV_20, **shipment: Any) -> dict[str, Any]:
    return dated(day, consignee_country=destination, **shipment)


DESTINATION_NOT_IN_SCHEME = [
    case("germany", [], **to("DE")),
    case("netherlands", [], **to("NL")),
    case("monaco", [], **to("MC")),
    case(
        "croatia-before-accession",
        [(ERROR, S("consignee_country"))],
        **to("HR", D(2013, 6, 30), scheme="eu-gsp"),
    ),
    case("croatia-on-accession", [], **to("HR", D(2013, 7, 1))),
    case("uk-last-day-in-eu", [], **to("GB", D(2020, 12, 31), scheme="eu-gsp")),
    case(
        "uk-after-brexit-under-eu-gsp",
        [(ERROR, S("consignee_country"))],
        **to("GB", D(2021, 1, 1), scheme="eu-gsp"),
    ),
    case("northern-ireland-from-2021", [], **to("XI", D(2021, 1, 1))),
    case(
        "northern-ireland-before-2021",
        [(ERROR, S("consignee_country"))],
        **to("XI", D(2020, 12, 31)),
    ),
    # Empty scheme: taken from the destination; anything else → eu-gsp → this finding.
    case("gb-default-scheme-is-uk-dcts", [], **to("GB")),
    case("norway-default-scheme", [], **to("NO")),
    case("switzerland-default-scheme", [], **to("CH")),
    case("united-states", [(ERROR, S("consignee_country"))], **to("US")),
    case("typo", [(ERROR, S("consignee_country"))], **to("DF")),
    case("lower-case-code-is-read", [], **to("de")),
    # destination_country, when given, is the destination (default consignee_country).
    case(
        "destination-field",
        [(ERROR, S("destination_country"))],
        **to("DE", destination_country="US"),
    ),
    case("destination-field-in-eu", [], **to("US", destination_country="DE")),
    # Other schemes' territories.
    case("uk-dcts-to-germany", [(ERROR, S("consignee_country"))], **to("DE", scheme="uk-dcts")),
    case("no-gsp-to-norway", [], **to("NO", D(2021, 6, 1), scheme="no-gsp")),
    case(
        "no-gsp-to-sweden",
        [(ERROR, S("consignee_country"))],
        **to("SE", D(2021, 6, 1), scheme="no-gsp"),
    ),
    case("ch-gsp-to-germany", [(ERROR, S("consignee_country"))], **to("DE", scheme="ch-gsp")),
]


@pytest.mark.parametrize(("kwargs", "expect"), DESTINATION_NOT_IN_SCHEME)
def test_destination_not_in_scheme(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "DESTINATION-NOT-IN-SCHEME", kwargs, expect)


SCHEME_UNSUPPORTED = [
    case("eu-gsp", [], shipment={"scheme": "eu-gsp"}),
    case("upper-case", [], shipment={"scheme": "EU-GSP"}),
    case("uk-dcts", [], shipment={"scheme": "uk-dcts", "consignee_country": "GB"}),
    case("no-gsp", [], shipment={"scheme": "no-gsp", "consignee_country": "NO"}),
    case("ch-gsp", [], shipment={"scheme": "ch-gsp", "consignee_country": "CH"}),
    case("unknown-scheme", [(ERROR, S("scheme"))], shipment={"scheme": "us-gsp"}),
    case("typo", [(ERROR, S("scheme"))], shipment={"scheme": "eu-gps"}),
    case("cepa-without-its-text", [(ERROR, S("scheme"))], shipment={"scheme": "eu-id-cepa"}),
    case("empty-taken-from-destination", [], shipment={"scheme": None}),
]


@pytest.mark.parametrize(("kwargs", "expect"), SCHEME_UNSUPPORTED)
def test_scheme_unsupported(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "SCHEME-UNSUPPORTED", kwargs, expect)
    if expect:
        assert kwargs["shipment"]["scheme"] in result.one("SCHEME-UNSUPPORTED").message


DAY = D(2026, 11, 20)

RETROSPECTIVE = [
    case("after-export", [(INFO, S("invoice_date"))], shipment={"export_date": DAY - ONE}),
    case("on-export-day", [], shipment={"export_date": DAY}),
    case("before-export", [], shipment={"export_date": DAY + ONE}),
    case("months-after-export", [(INFO, S("invoice_date"))], shipment={"export_date": D(2026, 6, 1)}),
    case("no-export-date", [], shipment={}),
]


@pytest.mark.parametrize(("kwargs", "expect"), RETROSPECTIVE)
def test_retrospective(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "RETROSPECTIVE", kwargs, expect)


STATEMENT_AGE = [
    # Against expected_import_date when given.
    case(
        "import-12-months-after",
        [],
        **dated(D(2025, 11, 20), as_of=D(2025, 11, 20), expected_import_date=D(2026, 11, 20)),
    ),
    case(
        "import-12-months-and-a-day-after",
        [(WARNING, S("invoice_date"))],
        **dated(D(2025, 11, 20), as_of=D(2025, 11, 20), expected_import_date=D(2026, 11, 21)),
    ),
    case("import-soon", [], **dated(D(2026, 11, 20), expected_import_date=D(2026, 12, 20))),
    # Else against the run date.
    case("run-12-months-after", [], **dated(D(2025, 11, 20), as_of=D(2026, 11, 20))),
    case(
        "run-12-months-and-a-day-after",
        [(WARNING, S("invoice_date"))],
        **dated(D(2025, 11, 20), as_of=D(2026, 11, 21)),
    ),
    case(
        "run-two-years-after",
        [(WARNING, S("invoice_date"))],
        **dated(D(2024, 11, 20), as_of=D(2026, 11, 22)),
    ),
    # The import date, when given, is what counts, not the run date.
    case(
        "old-but-imported-in-time",
        [],
        **dated(D(2024, 1, 10), as_of=D(2026, 11, 22), expected_import_date=D(2024, 2, 20)),
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), STATEMENT_AGE)
def test_statement_age(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "STATEMENT-AGE", kwargs, expect)


FUTURE_DATE = [
    case("tomorrow", [(WARNING, S("invoice_date"))], **dated(D(2026, 11, 23), as_of=D(2026, 11, 22))),
    case("today", [], **dated(D(2026, 11, 22), as_of=D(2026, 11, 22))),
    case("yesterday", [], **dated(D(2026, 11, 21), as_of=D(2026, 11, 22))),
    case(
        "next-year-typo",
        [(WARNING, S("invoice_date"))],
        **dated(D(2027, 11, 20), as_of=D(2026, 11, 22)),
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), FUTURE_DATE)
def test_future_date(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "FUTURE-DATE", kwargs, expect)


@pytest.mark.parametrize(
    ("destination", "day", "scheme"),
    [
        ("DE", NOV_20, "eu-gsp"),
        ("XI", NOV_20, "eu-gsp"),
        ("MC", NOV_20, "eu-gsp"),
        ("GB", NOV_20, "uk-dcts"),
        ("GB", D(2020, 12, 31), "eu-gsp"),  # still in the EU customs territory
        ("NO", NOV_20, "no-gsp"),
        ("CH", NOV_20, "ch-gsp"),
        ("US", NOV_20, "eu-gsp"),  # anything else: eu-gsp, which reports the destination
    ],
)
def test_empty_scheme_is_taken_from_the_destination(check: Any, destination: str, day: dt.date, scheme: str) -> None:
    result = check(**build_case(to(destination, day, scheme=None)))
    assert result.summary["scheme"] == scheme
    assert ("DESTINATION-NOT-IN-SCHEME" in result.codes()) == (destination == "US")
