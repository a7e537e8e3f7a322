"""Product-specific rules on the bill of materials (rules.md): PSR-NOT-MET, PSR-UNCHECKED,
EX-WORKS-ASSUMED, DATA-MISSING.

Rules from data/psr-gsp.csv, "other beneficiary countries" column for Indonesia:
- 7115: change of heading ("except that of the product") — the 15 % tolerance applies;
- Chapter 94 and ex Chapter 71: change of heading OR value of all materials ≤ 70 %;
- Chapter 69: change of heading OR ≤ 50 % (LDC column: ≤ 70 %);
- 6307: value of all materials ≤ 40 % (a percentage cap the tolerance never raises);
- ex Chapter 63 (e.g. 6310) and ex Chapter 52: change of heading, no tolerance in ch. 50–63;
- 6214, 5208: process alternatives; 4407: an ex-heading beside the chapter's row.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import BASE_ITEM, ERROR, INFO, ROW, WARNING, I, S, assert_rule, build_case, case


def line(hs: str, ex_works: Any = 1000, criterion: str | None = None, **changes: Any) -> dict[str, Any]:
    """A line worth 1000 whose ex-works price is ``ex_works`` (None: not given)."""
    row = dict(
        BASE_ITEM,
        hs_code=hs,
        quantity=1,
        unit_price=1000,
        amount=1000,
        origin_criterion=criterion or f"W {hs[:4]}",
    )
    if ex_works is not None:
        row["ex_works_value"] = ex_works
    row.update(changes)
    return row


def mat(hs: str, origin: str, value: Any, line_number: int = 1, description: str = "material") -> dict[str, Any]:
    return {
        "line": line_number,
        "description": description,
        "hs_code": hs,
        "origin": origin,
        "value": value,
    }


def psr(
    id: str,
    hs: str,
    materials: list[dict[str, Any]] | None,
    expect: list[Any],
    ex_works: Any = 1000,
    shipment: dict[str, Any] | None = None,
    **changes: Any,
) -> Any:
    return case(
        id,
        expect,
        items=[line(hs, ex_works, **changes)],
        materials=materials,
        shipment=shipment or {},
    )


NOT_MET = [(ERROR, I("hs_code"))]

PSR_NOT_MET = [
    # Change of heading (7115) with the 15 % general tolerance of the ex-works price.
    psr("cth-other-heading-any-value", "7115.90", [mat("7106", "CN", 900)], []),
    psr("cth-own-heading-at-15-percent", "7115.90", [mat("7115", "CN", "150.00")], []),
    psr("cth-own-heading-above-15-percent", "7115.90", [mat("7115", "CN", "150.01")], NOT_MET),
    psr(
        "cth-own-heading-sum-above-15-percent",
        "7115.90",
        [mat("7115", "CN", 100), mat("7115.10", "TH", "50.01")],
        NOT_MET,
    ),
    psr("cth-unknown-origin-counts", "7115.90", [mat("7115", "unknown", 200)], NOT_MET),
    psr("cth-own-heading-originating", "7115.90", [mat("7115", "ID", 900)], []),
    psr(
        "cth-tolerance-of-ex-works-not-amount",
        "7115.90",
        [mat("7115", "CN", 300)],
        [],
        ex_works=2000,
    ),
    psr(
        "cth-tolerance-of-ex-works-below-amount",
        "7115.90",
        [mat("7115", "CN", "120.01")],
        NOT_MET,
        ex_works=800,
    ),
    # CTH OR 70 % (chapter 94): met when either alternative is met.
    psr("ch94-own-heading-value-70-percent", "9403.60", [mat("9403", "CN", 700)], []),
    psr("ch94-own-heading-value-above-70", "9403.60", [mat("9403", "CN", "700.01")], NOT_MET),
    psr("ch94-other-headings-80-percent", "9403.60", [mat("8302", "CN", 800)], []),
    psr(
        "ch94-own-heading-within-tolerance",
        "9403.60",
        [mat("9403", "CN", 150), mat("8302", "CN", 560)],
        [],
    ),
    psr(
        "ch94-both-alternatives-fail",
        "9403.60",
        [mat("9403", "CN", "150.01"), mat("8302", "CN", 560)],
        NOT_MET,
    ),
    psr(
        "ch94-originating-materials-not-counted",
        "9403.60",
        [mat("9403", "ID", 900), mat("4407", "ID", 50)],
        [],
    ),
    psr("ch71-jewellery-silver-above-70", "7113.11", [mat("7113", "CN", 710)], NOT_MET),
    # The tolerance never raises a rule's own percentage cap.
    psr("value-rule-at-40-percent", "6307.90", [mat("5208", "CN", 400)], []),
    psr("value-rule-above-40-percent", "6307.90", [mat("5208", "CN", "400.01")], NOT_MET),
    psr("value-rule-not-raised-by-tolerance", "6307.90", [mat("5208", "CN", 450)], NOT_MET),
    psr(
        "ch69-cth-fails-value-51-percent",
        "6912.00",
        [mat("6912", "CN", 160), mat("2508", "CN", 350)],
        NOT_MET,
    ),
    psr(
        "ch69-cth-fails-value-50-percent",
        "6912.00",
        [mat("6912", "CN", 160), mat("2508", "CN", 340)],
        [],
    ),
    # Least-developed countries use their own column (chapter 69: 70 %).
    psr(
        "ch69-ldc-column",
        "6912.00",
        [mat("6912", "CN", 160), mat("2508", "CN", 440)],
        [],
        origin_country="BD",
    ),
    # No general tolerance in chapters 50-63.
    psr("ch63-own-heading-tiny", "6310.10", [mat("6310", "CN", 1)], NOT_MET),
    psr("ch63-own-heading-originating", "6310.10", [mat("6310", "ID", 500)], []),
    psr("ch63-other-heading", "6310.10", [mat("5208", "CN", 900)], []),
    psr("ch52-own-heading-tiny", "5201.00", [mat("5201", "CN", 10)], NOT_MET),
    # Cumulation: materials of the partners count as originating.
    psr(
        "regional-cumulation-group-material",
        "7115.90",
        [mat("7115", "KH", 500)],
        [],
        criterion="regional-cumulation",
    ),
    # A group country that is not a GSP beneficiary on the export date (Art. 55(2)(a) DA):
    # Vietnam's materials do not count as originating.
    psr(
        "regional-cumulation-material-of-a-non-beneficiary",
        "7115.90",
        [mat("7115", "VN", 500)],
        NOT_MET,
        criterion="regional-cumulation",
    ),
    psr(
        "regional-cumulation-non-asean-material",
        "7115.90",
        [mat("7115", "CN", 500)],
        NOT_MET,
        criterion="regional-cumulation",
    ),
    psr(
        "eu-cumulation-eu-material",
        "7115.90",
        [mat("7115", "DE", 500)],
        [],
        criterion="eu-cumulation",
    ),
    # A process alternative cannot be decided: not PSR-NOT-MET even when the other fails.
    psr("process-alternative-undecided", "7117.19", [mat("7117", "CN", 900)], []),
    # Not judged: P and non-originating lines.
    psr("wholly-obtained", "7115.90", [mat("7115", "CN", 900)], [], criterion="P"),
    psr("not-originating", "7115.90", [mat("7115", "CN", 900)], [], criterion="no"),
    # Materials of another line do not count.
    case(
        "materials-of-line-2-only",
        [(ERROR, I("hs_code", 1))],
        items=[line("7115.90"), line("7115.90", line=2)],
        materials=[mat("7115", "CN", 500, line_number=2)],
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), PSR_NOT_MET)
def test_psr_not_met(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "PSR-NOT-MET", kwargs, expect)
    if expect:
        finding = result.one("PSR-NOT-MET")
        assert "psr-gsp.csv" in finding.reference
        assert finding.location not in [f.location for f in result.of("PSR-UNCHECKED")]


UNCHECKED = [(INFO, I("hs_code"))]

PSR_UNCHECKED = [
    psr("no-materials-sheet", "9403.60", None, UNCHECKED),
    psr(
        "no-materials-rows-for-the-line",
        "9403.60",
        [mat("4407", "ID", 10, line_number=2)],
        UNCHECKED,
    ),
    psr("empty-materials-sheet", "9403.60", [], UNCHECKED),
    psr("decided-met", "9403.60", [mat("4407", "ID", 300)], []),
    psr("decided-not-met", "7115.90", [mat("7115", "CN", 900)], []),
    # Process alternatives ("weaving accompanied by …", printing).
    psr("cotton-fabric-process-rule", "5208.52", [mat("5205", "CN", 300)], UNCHECKED),
    psr("process-or-cth-failed", "7117.19", [mat("7117", "CN", 900)], UNCHECKED),
    psr("process-or-cth-met", "7117.19", [mat("8302", "CN", 100)], []),
    # Several candidate rows: "embroidered" / "other"; an ex-heading beside the chapter's row.
    psr("embroidered-or-other", "6214.90", [mat("5208", "CN", 300)], UNCHECKED),
    psr("ex-heading-and-chapter", "4407.22", [mat("4403", "ID", 300)], UNCHECKED),
    # Not for P or excluded lines.
    psr("wholly-obtained", "9403.60", None, [], criterion="P"),
    psr("not-originating", "9403.60", None, [], criterion="no"),
]


@pytest.mark.parametrize(("kwargs", "expect"), PSR_UNCHECKED)
def test_psr_unchecked(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "PSR-UNCHECKED", kwargs, expect)
    if expect:
        assert "PSR-NOT-MET" not in result.codes()
    if kwargs["materials"] is None and expect:
        assert "no Materials sheet" in result.one("PSR-UNCHECKED").message


@pytest.mark.parametrize(
    ("hs", "scopes"),
    [
        ("4407.22", ["ex 4407", "ex Chapter 44"]),
        ("6214.90", ["6214"]),
        ("9403.60", ["Chapter 94"]),
        ("7113.11", ["ex Chapter 71"]),
        ("5208.52", ["5208 - 5212"]),
    ],
)
def test_psr_unchecked_lists_the_candidate_rules(check: Any, hs: str, scopes: list[str]) -> None:
    note = "woven in Pekalongan, printing alternative"
    kwargs = {"items": [line(hs, origin_note=note)]}
    finding = check(**build_case(kwargs)).one("PSR-UNCHECKED")
    for scope in scopes:
        assert scope in finding.message
        assert f"'{scope}'" in finding.reference
    assert "psr-gsp.csv" in finding.message  # each candidate with its source
    assert note in finding.message  # and the line's origin_note


def test_embroidered_and_other_both_listed(check: Any) -> None:
    finding = check(**build_case({"items": [line("6214.90")], "materials": [mat("5208", "CN", 1)]})).one(
        "PSR-UNCHECKED"
    )
    assert "Embroidered" in finding.message and "Other" in finding.message


DATA_MISSING = [
    psr("no-rule-for-3926", "3926.90", None, [(WARNING, I("hs_code"))]),
    psr("no-rule-for-8302", "8302.42", [mat("7318", "CN", 10)], [(WARNING, I("hs_code"))]),
    psr("rule-for-9403", "9403.60", None, []),
    psr("no-rule-but-wholly-obtained", "3926.90", None, [], criterion="P"),
    psr("no-rule-but-not-originating", "3926.90", None, [], criterion="no"),
    # No REX date for the country: Burkina Faso (not applied as at 2020-01-01).
    psr("no-rex-date", "9403.60", None, [(WARNING, I("origin_country"))], origin_country="BF"),
    # No graduated sections in the data for a standard-arrangement country other than Indonesia.
    psr("no-graduation-data", "9403.60", None, [(WARNING, I("origin_country"))], origin_country="IN"),
    psr("indonesia-has-its-data", "9403.60", None, []),
    # Other schemes: their product rules are not in the data.
    psr(
        "uk-dcts-rules-not-in-data",
        "9403.60",
        None,
        [(WARNING, S("scheme"))],
        shipment={"scheme": "uk-dcts", "consignee_country": "GB", "customs_id": "GB000000000000"},
    ),
    # ch-gsp: neither the rules nor a confirmed wording are in the data (Indonesia's status is:
    # not a beneficiary after 2021-10-31, COUNTRY-NOT-BENEFICIARY).
    psr(
        "ch-gsp",
        "9403.60",
        None,
        [(WARNING, S("scheme")), (WARNING, S("scheme"))],
        shipment={"scheme": "ch-gsp", "consignee_country": "CH", "currency": "CHF"},
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), DATA_MISSING)
def test_data_missing(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "DATA-MISSING", kwargs, expect)
    if kwargs["items"][0]["hs_code"].startswith("3926") and expect:
        message = result.one("DATA-MISSING").message
        assert "3926" in message
        assert "PSR-UNCHECKED" not in result.codes() and "PSR-NOT-MET" not in result.codes()


def fob(
    id: str,
    materials: list[dict[str, Any]] | None,
    expect: list[Any],
    ex_works: Any = None,
    incoterm: Any = "FOB",
    hs: str = "9403.60",
    **changes: Any,
) -> Any:
    return psr(id, hs, materials, expect, ex_works=ex_works, shipment={"incoterm": incoterm}, **changes)


ASSUMED = [(WARNING, ROW("Items"))]  # no ex_works_value column: the finding names the row

EX_WORKS_ASSUMED = [
    fob("value-rule-failed-on-amount", [mat("9403", "CN", 710)], ASSUMED),
    fob("value-rule-met-on-amount", [mat("9403", "CN", 500)], ASSUMED),
    fob("tolerance-on-amount", [mat("7115", "CN", 100)], ASSUMED, hs="7115.90"),
    fob("pure-value-rule-on-amount", [mat("5208", "CN", 100)], ASSUMED, hs="6307.90"),
    fob(
        "empty-ex-works-cell",
        [mat("9403", "CN", 500)],
        [(WARNING, I("ex_works_value"))],
        ex_works=None,
        ex_works_value=None,
    ),
    fob("no-incoterm", [mat("9403", "CN", 500)], ASSUMED, incoterm=None),
    fob("cif", [mat("9403", "CN", 500)], ASSUMED, incoterm="CIF Hamburg"),
    fob("ex-works-value-given", [mat("9403", "CN", 500)], [], ex_works=1000),
    fob("exw-invoice", [mat("9403", "CN", 500)], [], incoterm="EXW"),
    fob("exw-with-place", [mat("9403", "CN", 500)], [], incoterm="EXW Jepara"),
    fob("ex-works-spelled-out", [mat("9403", "CN", 500)], [], incoterm="Ex Works"),
    # The verdict did not depend on a value: change of heading met.
    fob("change-of-heading-met", [mat("8302", "CN", 500)], []),
    fob("no-materials-nothing-checked", None, []),
    fob("process-rule", [mat("5205", "CN", 300)], [], hs="5208.52"),
]


@pytest.mark.parametrize(("kwargs", "expect"), EX_WORKS_ASSUMED)
def test_ex_works_assumed(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "EX-WORKS-ASSUMED", kwargs, expect)
    if expect:
        assert "1000" in result.one("EX-WORKS-ASSUMED").message  # the invoice amount used
