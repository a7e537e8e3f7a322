"""Products and origin (rules.md): HS-FORMAT, CRITERION-INVALID, ORIGIN-COUNTRY-MIXED,
MATERIAL-LINE-UNKNOWN, CRITERION-HEADING-MISMATCH, CRITERION-P-WITH-MATERIALS,
CUMULATION-NOT-AVAILABLE, GRADUATED-SECTION, LINE-NOT-ORIGINATING, NO-ORIGINATING-LINES."""

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
    SHEET,
    WARNING,
    I,
    M,
    assert_rule,
    build_case,
    case,
    item_with,
)


def material(
    line: int = 1,
    hs: Any = "4407.22",
    origin: str = "ID",
    value: Any = 300,
    description: str = "Teak sawn timber",
) -> dict[str, Any]:
    return {
        "line": line,
        "description": description,
        "hs_code": hs,
        "origin": origin,
        "value": value,
    }


HS_FORMAT = [
    case("six-digits-dotted", [], items=[item_with(hs_code="9403.60")]),
    case("six-digits", [], items=[item_with(hs_code="940360")]),
    case("eight-digits", [], items=[item_with(hs_code="9403.60.10")]),
    case("ten-digits", [], items=[item_with(hs_code="9403601090")]),
    case("spaces-allowed", [], items=[item_with(hs_code="9403 60 10")]),
    case("number-cell", [], items=[item_with(hs_code=940360)]),
    case("number-cell-with-fraction", [], items=[item_with(hs_code=9403.6)]),
    case("four-digits", [(ERROR, I("hs_code"))], items=[item_with(hs_code="9403")]),
    case("five-digits-text", [(ERROR, I("hs_code"))], items=[item_with(hs_code="94036")]),
    case("eleven-digits", [(ERROR, I("hs_code"))], items=[item_with(hs_code="94036010901")]),
    case("letter-o-for-zero", [(ERROR, I("hs_code"))], items=[item_with(hs_code="94O360")]),
    case("hyphen", [(ERROR, I("hs_code"))], items=[item_with(hs_code="9403-60")]),
    case("second-line", [(ERROR, I("hs_code", 1))], items=[item_with(), item_with(line=2, hs_code="94.03")]),
    # Materials: 4 to 10 digits.
    case("material-four-digits", [], materials=[material(hs="4407")]),
    case("material-ten-digits", [], materials=[material(hs="4407.22.10.90")]),
    case("material-number", [], materials=[material(hs=4407)]),
    case("material-three-digits", [(ERROR, M("hs_code"))], materials=[material(hs="440")]),
    case("material-eleven-digits", [(ERROR, M("hs_code"))], materials=[material(hs="44072210901")]),
    case("material-text", [(ERROR, M("hs_code"))], materials=[material(hs="teak")]),
    case(
        "material-zero-width-space",
        [(ERROR, M("hs_code"))],
        materials=[material(hs="4407\u200b22")],
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), HS_FORMAT)
def test_hs_format(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "HS-FORMAT", kwargs, expect)


def criterion(value: Any, id: str | None = None, invalid: bool = False, **changes: Any) -> Any:
    return case(
        id or f"criterion-{value}",
        [(ERROR, I("origin_criterion"))] if invalid else [],
        items=[item_with(origin_criterion=value, **changes)],
    )


CRITERION_INVALID = [
    criterion("P"),
    criterion("p", "lower-case-p"),
    criterion("W"),
    criterion("W 9403"),
    criterion("W9403"),
    criterion("W 94.03"),
    criterion('"W" 9403', "quoted-W"),
    criterion("no"),
    criterion("eu-cumulation"),
    criterion("norway-cumulation"),
    criterion("switzerland-cumulation"),
    criterion("turkey-cumulation"),
    criterion("regional-cumulation"),
    criterion("extended-cumulation:VN"),
    criterion("X", invalid=True),
    criterion("yes", invalid=True),
    criterion("WO", invalid=True),
    criterion("W 94", "W-two-digits", invalid=True),
    criterion("W 940360", "W-six-digits", invalid=True),
    criterion("PW", invalid=True),
    criterion("cumulation", invalid=True),
    criterion("asean-cumulation", invalid=True),
    criterion("extended-cumulation", "extended-without-country", invalid=True),
    criterion(1, "a-number", invalid=True),
]


@pytest.mark.parametrize(("kwargs", "expect"), CRITERION_INVALID)
def test_criterion_invalid(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "CRITERION-INVALID", kwargs, expect)


def test_empty_criterion_is_missing_not_defaulted(check: Any) -> None:
    result = check(items=[item_with(origin_criterion=None)])
    assert "CRITERION-INVALID" not in result.codes()
    (missing,) = result.of("MISSING-FIELD")
    assert (missing.severity, missing.field, missing.location.cell) == (
        ERROR,
        "origin_criterion",
        "H2",
    )


ORIGIN_COUNTRY_MIXED = [
    case("all-default", [], items=[item_with(), item_with(line=2)]),
    case("same-country-given", [], items=[item_with(origin_country="ID"), item_with(line=2)]),
    case(
        "two-countries",
        [(ERROR, I("origin_country", 0))],
        items=[item_with(origin_country="ID"), item_with(line=2, origin_country="MY")],
    ),
    # points at the cell that names a country (line 1 takes the exporter's by default)
    case(
        "default-and-other",
        [(ERROR, I("origin_country", 1))],
        items=[item_with(), item_with(line=2, origin_country="MY")],
    ),
    case(
        "other-country-not-originating",
        [],
        items=[item_with(origin_country="ID"), item_with(line=2, origin_country="CN", origin_criterion="no")],
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), ORIGIN_COUNTRY_MIXED)
def test_origin_country_mixed(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "ORIGIN-COUNTRY-MIXED", kwargs, expect)
    if expect:
        message = result.one("ORIGIN-COUNTRY-MIXED").message
        assert "ID" in message and "MY" in message


UNNUMBERED = {k: v for k, v in BASE_ITEM.items() if k != "line"}  # line: default row order

MATERIAL_LINE_UNKNOWN = [
    case("line-exists", [], materials=[material(1)]),
    case("line-2-absent", [(ERROR, M("line", 1))], materials=[material(1), material(2)]),
    case("line-2-present", [], items=[item_with(), item_with(line=2)], materials=[material(1), material(2)]),
    case("default-line-numbers", [], items=[UNNUMBERED, UNNUMBERED], materials=[material(2)]),
    case(
        "default-line-numbers-beyond",
        [(ERROR, M("line"))],
        items=[UNNUMBERED],
        materials=[material(3)],
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), MATERIAL_LINE_UNKNOWN)
def test_material_line_unknown(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "MATERIAL-LINE-UNKNOWN", kwargs, expect)


CRITERION_HEADING_MISMATCH = [
    criterion("W 9403"),
    criterion("W"),
    criterion("W9403"),
    criterion("W 94.03"),
    case("W-other-heading", [(ERROR, I("origin_criterion"))], items=[item_with(origin_criterion="W 9401")]),
    case(
        "W-other-heading-dotted",
        [(ERROR, I("origin_criterion"))],
        items=[item_with(origin_criterion="W 94.01")],
    ),
    case("W-chapter-typo", [(ERROR, I("origin_criterion"))], items=[item_with(origin_criterion="W 4903")]),
    case("leading-zero-from-number", [], items=[item_with(hs_code=90111, origin_criterion="W 0901")]),
    case(
        "leading-zero-lost",
        [(ERROR, I("origin_criterion"))],
        items=[item_with(hs_code=90111, origin_criterion="W 9011")],
    ),
    case(
        "second-line",
        [(ERROR, I("origin_criterion", 1))],
        items=[item_with(), item_with(line=2, hs_code="6214.90", origin_criterion="W 6204")],
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), CRITERION_HEADING_MISMATCH)
def test_criterion_heading_mismatch(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "CRITERION-HEADING-MISMATCH", kwargs, expect)


def wholly(materials: list[dict[str, Any]], expect: list[Any], id: str, crit: str = "P") -> Any:
    return case(id, expect, items=[item_with(hs_code="1401.20", origin_criterion=crit)], materials=materials)


CRITERION_P_WITH_MATERIALS = [
    wholly([material(hs="1401", origin="ID")], [], "P-with-indonesian-material"),
    wholly(
        [material(hs="1401", origin="CN")],
        [(ERROR, I("origin_criterion"))],
        "P-with-imported-material",
    ),
    wholly(
        [material(hs="1401", origin="unknown")],
        [(ERROR, I("origin_criterion"))],
        "P-with-unknown-origin",
    ),
    wholly(
        [material(hs="1401", origin="ID"), material(hs="3923", origin="VN")],
        [(ERROR, I("origin_criterion"))],
        "P-with-one-imported-of-two",
    ),
    wholly([material(hs="1401", origin="CN")], [], "W-with-imported-material", crit="W"),
    wholly([], [], "P-without-materials"),
    case(
        "P-material-of-other-line",
        [],
        items=[item_with(origin_criterion="P"), item_with(line=2)],
        materials=[material(2, origin="CN")],
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), CRITERION_P_WITH_MATERIALS)
def test_criterion_p_with_materials(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "CRITERION-P-WITH-MATERIALS", kwargs, expect)


def cumulation(value: str, materials: list[dict[str, Any]] | None, expect: list[Any], id: str, **shipment: Any) -> Any:
    return case(
        id,
        expect,
        items=[item_with(hs_code="7115.90", origin_criterion=value)],
        materials=materials,
        shipment=shipment,
    )


CUMULATION_NOT_AVAILABLE = [
    # Regional (Indonesia: group I of Art. 55(1)(a) DA): a material of another member must be
    # named, and that member must be a GSP beneficiary on the export date (Art. 55(2)(a) DA).
    cumulation(
        "regional-cumulation",
        [material(hs="7115", origin="KH", value=100)],
        [],
        "regional-with-cambodia",
    ),
    cumulation(
        "regional-cumulation",
        [material(hs="7115", origin="VN", value=100)],
        [(ERROR, I("origin_criterion"))],
        "regional-with-vietnam-no-beneficiary",
    ),
    cumulation(
        "regional-cumulation",
        [material(hs="7115", origin="TH", value=100)],
        [(ERROR, I("origin_criterion"))],
        "regional-with-thailand-no-beneficiary",
    ),
    cumulation(
        "regional-cumulation",
        [material(hs="7115", origin="CN", value=100)],
        [(ERROR, I("origin_criterion"))],
        "regional-with-china-only",
    ),
    cumulation(
        "regional-cumulation",
        [material(hs="7115", origin="ID", value=100)],
        [(ERROR, I("origin_criterion"))],
        "regional-with-own-country-only",
    ),
    cumulation("regional-cumulation", None, [(ERROR, I("origin_criterion"))], "regional-without-materials"),
    cumulation(
        "regional-cumulation",
        [material(2, hs="7115", origin="VN")],
        [(ERROR, I("origin_criterion"))],
        "regional-material-of-another-line",
    ),
    case(
        "regional-country-in-no-group",
        [(ERROR, I("origin_criterion"))],
        items=[item_with(hs_code="7115.90", origin_country="KE", origin_criterion="regional-cumulation")],
        materials=[material(hs="7115", origin="UG")],
    ),
    # Extended cumulation: none is recorded for Indonesia.
    cumulation("extended-cumulation:VN", None, [(ERROR, I("origin_criterion"))], "extended-with-vietnam"),
    cumulation("extended-cumulation:KR", None, [(ERROR, I("origin_criterion"))], "extended-with-korea"),
    # The EU GSP provides bilateral, Norway, Switzerland and Turkey cumulation.
    cumulation("eu-cumulation", None, [], "eu"),
    cumulation("norway-cumulation", None, [], "norway"),
    cumulation("turkey-cumulation", None, [], "turkey"),
    # A mention the scheme does not provide.
    case(
        "uk-dcts-eu-cumulation",
        [(ERROR, I("origin_criterion"))],
        items=[item_with(hs_code="7115.90", origin_criterion="eu-cumulation")],
        shipment={"scheme": "uk-dcts", "consignee_country": "GB", "customs_id": "GB000000000000"},
    ),
    cumulation("W", None, [], "not-a-cumulation"),
]


@pytest.mark.parametrize(("kwargs", "expect"), CUMULATION_NOT_AVAILABLE)
def test_cumulation_not_available(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "CUMULATION-NOT-AVAILABLE", kwargs, expect)


def graduated(hs: str, day: dt.date, expect: list[Any], id: str, **item_changes: Any) -> Any:
    heading = hs.replace(".", "")[:4]
    registration = [dict(BASE_REGISTRATION, registered_on=dt.date(2020, 1, 1))]
    return case(
        id,
        expect,
        items=[item_with(**{"hs_code": hs, "origin_criterion": f"W {heading}", **item_changes})],
        shipment={"invoice_date": day, "expected_import_date": DROP},
        as_of=day,
        registration=registration,
    )


NOV = dt.date(2026, 11, 20)

GRADUATED_SECTION = [
    # Indonesia 2023–2028: S-1a ch. 01, 02, 04, 05; S-3 ch. 15; S-5 ch. 25–27; S-9a ch. 44.
    graduated("4421.99", NOV, [(WARNING, I("hs_code"))], "ch44-wood"),
    graduated("4407.22", NOV, [(WARNING, I("hs_code"))], "ch44-sawn"),
    graduated("1511.10", NOV, [(WARNING, I("hs_code"))], "ch15-palm-oil"),
    graduated("0101.21", NOV, [(WARNING, I("hs_code"))], "ch01"),
    graduated("0207.11", NOV, [(WARNING, I("hs_code"))], "ch02"),
    graduated("0406.10", NOV, [(WARNING, I("hs_code"))], "ch04"),
    graduated("0511.99", NOV, [(WARNING, I("hs_code"))], "ch05"),
    graduated("2501.00", NOV, [(WARNING, I("hs_code"))], "ch25"),
    graduated("2601.11", NOV, [(WARNING, I("hs_code"))], "ch26"),
    graduated("2701.12", NOV, [(WARNING, I("hs_code"))], "ch27-coal"),
    graduated("0301.11", NOV, [], "ch03-not-suspended"),
    graduated("2801.10", NOV, [], "ch28-not-suspended"),
    graduated("9403.60", NOV, [], "ch94-not-suspended"),
    graduated("4602.12", NOV, [], "ch46-not-suspended"),
    graduated("4421.99", dt.date(2022, 12, 31), [], "ch44-before-2023"),
    graduated("4421.99", dt.date(2023, 1, 1), [(WARNING, I("hs_code"))], "ch44-from-2023"),
    graduated("4421.99", dt.date(2025, 12, 31), [(WARNING, I("hs_code"))], "ch44-end-2025"),
    graduated("4421.99", dt.date(2026, 1, 1), [(WARNING, I("hs_code"))], "ch44-start-2026"),
    graduated("4421.99", NOV, [], "not-originating", origin_criterion="no"),
    graduated("4421.99", NOV, [], "other-origin", origin_country="BD"),
]


@pytest.mark.parametrize(("kwargs", "expect"), GRADUATED_SECTION)
def test_graduated_section(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "GRADUATED-SECTION", kwargs, expect)


LINE_NOT_ORIGINATING = [
    case(
        "no",
        [(INFO, I("origin_criterion", 1))],
        items=[item_with(), item_with(line=2, origin_criterion="no")],
    ),
    case(
        "upper-case-NO",
        [(INFO, I("origin_criterion", 1))],
        items=[item_with(), item_with(line=2, origin_criterion="NO")],
    ),
    case("originating", [], items=[item_with(), item_with(line=2, origin_criterion="W")]),
    case(
        "two-excluded",
        [(INFO, I("origin_criterion", 1)), (INFO, I("origin_criterion", 2))],
        items=[item_with(), item_with(line=2, origin_criterion="no"), item_with(line=3, origin_criterion="no")],
    ),
]


@pytest.mark.parametrize(("kwargs", "expect"), LINE_NOT_ORIGINATING)
def test_line_not_originating(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    assert_rule(check, "LINE-NOT-ORIGINATING", kwargs, expect)


NO_ORIGINATING_LINES = [
    case("one-line-no", [(ERROR, SHEET("Items"))], items=[item_with(origin_criterion="no")]),
    case(
        "every-line-no",
        [(ERROR, SHEET("Items"))],
        items=[item_with(origin_criterion="no"), item_with(line=2, origin_criterion="no")],
    ),
    case("one-originating", [], items=[item_with(origin_criterion="no"), item_with(line=2)]),
    case("P-is-originating", [], items=[item_with(origin_criterion="P", hs_code="1401.20")]),
]


@pytest.mark.parametrize(("kwargs", "expect"), NO_ORIGINATING_LINES)
def test_no_originating_lines(check: Any, kwargs: dict[str, Any], expect: list[Any]) -> None:
    # The message names the Items sheet (no single cell is at fault).
    result = check(**build_case(kwargs))
    found = result.of("NO-ORIGINATING-LINES")
    assert [(f.severity, f.location.sheet) for f in found] == [(e[0], "Items") for e in expect]
    for finding in found:
        assert finding.message.startswith("Items:")
