"""The rule catalogue: every code of rules.md can be produced, the code base uses no other
code, and the packaged catalogue (rexdecl/data/rules.toml) is rules.md's.

rules.toml is compared on every run with the copy of the reference's rules.md kept in
tests/data/reference (see its README); where the reference folder is found (``$REXDECL_REFERENCE``,
else ``../shared/reference`` beside the project) the copy is also checked against it.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_REGISTRATION, DROP, build_case, item_with

PACKAGE = Path(resources.files("rexdecl"))  # type: ignore[arg-type]
PROJECT = Path(__file__).resolve().parents[2]
# The copy of the reference's rules.md the catalogue is compared with (tests/data/reference/README.md).
RULES_MD = PROJECT / "tests" / "data" / "reference" / "rules.md"
# A finding code: words of capitals (or a 4+ digit amount) joined by hyphens; one-word codes
# (RETROSPECTIVE) cannot be told from other capitals and are checked through the producers.
CODE = re.compile(r"^[A-Z]{2,}(?:-(?:[A-Z]+|\d{4,}))+$")
# Batch outcomes are not findings of a shipment: rexdecl/batch.py names them in lower case
# with a "batch:" prefix (batch:output-exists), so they cannot be mistaken for rule codes.


def catalogue() -> dict[str, dict[str, Any]]:
    data = tomllib.loads(resources.files("rexdecl.data").joinpath("rules.toml").read_text(encoding="utf-8"))
    return {rule["code"]: rule for rule in data["rule"]}


def shipment_codes() -> set[str]:
    """The codes ``rexdecl check`` reports (the LINT-* codes belong to ``rexdecl lint``)."""
    return {code for code in catalogue() if not code.startswith("LINT-")}


def _literals() -> dict[str, set[str]]:
    """Every string literal of the package's modules, and every string of its data files other
    than the catalogue itself (schemes.toml names the threshold codes), with their files."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "examples":
            continue  # the example generator holds invoice numbers, not codes
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.setdefault(node.value, set()).add(str(path.relative_to(PACKAGE)))
    for path in sorted((PACKAGE / "data").glob("*.toml")):
        if path.name != "rules.toml":
            for value in re.findall(r'"([^"\n]*)"', path.read_text(encoding="utf-8")):
                found.setdefault(value, set()).add(str(path.relative_to(PACKAGE)))
    return found


def codes_in_source() -> dict[str, set[str]]:
    """The literals that have the form of a code."""
    return {value: files for value, files in _literals().items() if CODE.match(value)}


def test_catalogue_is_loaded_by_the_package() -> None:
    from rexdecl.legal import rule_catalogue

    assert set(rule_catalogue()) == set(catalogue())
    assert len(shipment_codes()) == 43


def test_every_shipment_code_is_used_in_the_code() -> None:
    assert sorted(shipment_codes() - set(_literals())) == []


def test_no_code_outside_the_catalogue() -> None:
    unknown = {code: files for code, files in codes_in_source().items() if code not in catalogue()}
    assert unknown == {}


def test_batch_outcomes_are_not_rule_codes() -> None:
    from rexdecl import batch

    assert batch.CODES and all(code.startswith("batch:") and code == code.lower() for code in batch.CODES)


def reference_folder() -> Path | None:
    """The project's reference folder: the one ``$REXDECL_REFERENCE`` names, else
    ``../shared/reference`` beside the project where it exists, else None."""
    named = os.environ.get("REXDECL_REFERENCE")
    if named:
        return Path(named)
    beside = PROJECT.parent / "shared" / "reference"
    return beside if beside.is_dir() else None


def test_the_copy_of_rules_md_is_the_references() -> None:
    folder = reference_folder()
    if folder is None:
        pytest.skip(
            f"no reference folder ({PROJECT.parent / 'shared' / 'reference'} does not exist and REXDECL_REFERENCE is "
            "not set): rules.toml was compared with the copy of rules.md only, not with the reference"
        )
    reference = folder / "rules.md"
    assert reference.is_file(), f"{reference} does not exist: REXDECL_REFERENCE must name the reference folder"
    copy = RULES_MD.relative_to(PROJECT)
    assert RULES_MD.read_bytes() == reference.read_bytes(), (
        f"{copy} is not the reference's {reference}: refresh the copy (cp {reference} {copy}), then bring "
        "rexdecl/data/rules.toml in line with it"
    )


def test_rules_toml_is_rules_md() -> None:
    rows: dict[str, list[str]] = {}
    for line in RULES_MD.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\| [A-Z][A-Z0-9-]+ \|", line):
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            rows[cells[0]] = cells
    packaged = catalogue()
    assert list(rows) == list(packaged)  # same codes, same order
    for code, cells in rows.items():
        rule = packaged[code]
        assert rule["severity"] == cells[1], code
        assert rule["when"] == cells[2], code
        if len(cells) > 3:
            # rexdecl prints rules.md's reference, or the article where legal-facts-2026-12.md
            # supersedes it or rules.md gives none; rules.md's cell is then kept beside it.
            assert rule.get("rules_md_reference", rule["reference"]) == cells[3], code


def test_a_reference_that_differs_from_rules_md_says_why() -> None:
    for code, rule in catalogue().items():
        if "rules_md_reference" in rule:
            assert rule["reference"] != rule["rules_md_reference"], code
            assert rule.get("reference_note", "").strip(), code
        else:
            assert "reference_note" not in rule, code


def test_no_rule_prints_an_empty_reference() -> None:
    """Every code cites something: an article, a source, or what rexdecl's own check rests on."""
    for code, rule in catalogue().items():
        assert rule["reference"].strip() not in ("", "—", "same"), code


# -- every code can be produced ---------------------------------------------------------

REG = [dict(BASE_REGISTRATION, registered_on=dt.date(2017, 1, 1))]


def mat(hs: str, origin: str, value: Any, line: int = 1) -> dict[str, Any]:
    return {
        "line": line,
        "description": "material",
        "hs_code": hs,
        "origin": origin,
        "value": value,
    }


UNREGISTERED = {"exporter_rex": DROP}

PRODUCERS: dict[str, dict[str, Any]] = {
    "REX-FORMAT": {"shipment": {"exporter_rex": "IDREX 0001"}},
    "REX-UNKNOWN": {"registration": False},
    "REX-NOT-YET-VALID": {"registration": [dict(BASE_REGISTRATION, registered_on=dt.date(2026, 11, 21))]},
    "REX-REVOKED": {"registration": [dict(BASE_REGISTRATION, revoked_on=dt.date(2026, 11, 20))]},
    "EXPORTER-MISMATCH": {"shipment": {"exporter_name": "PT Agen Lain"}},
    "THRESHOLD-EUR-6000": {
        "shipment": UNREGISTERED,
        "items": [item_with(quantity=1, unit_price="6000.01", amount="6000.01")],
        "registration": False,
    },
    "THRESHOLD-CHF-10300": {
        "shipment": {
            **UNREGISTERED,
            "scheme": "ch-gsp",
            "consignee_country": "CH",
            "currency": "CHF",
        },
        "items": [item_with(quantity=1, unit_price=20000, amount=20000)],
        "registration": False,
    },
    "RATE-MISSING": {"shipment": {**UNREGISTERED, "currency": "USD"}, "registration": False},
    "THRESHOLD-NEAR": {
        "shipment": UNREGISTERED,
        "items": [item_with(quantity=1, unit_price=5800, amount=5800)],
        "registration": False,
    },
    "REX-NOT-APPLICABLE-YET": {
        "shipment": {"invoice_date": dt.date(2019, 1, 2)},
        "registration": REG,
    },
    "FORM-A-PERIOD": {"shipment": {"invoice_date": dt.date(2020, 2, 1)}, "registration": REG},
    "COUNTRY-NOT-BENEFICIARY": {"items": [item_with(origin_country="CN")]},
    "GSP-ENDS-BEFORE-IMPORT": {"shipment": {"expected_import_date": dt.date(2027, 1, 4)}},
    "SCHEME-ELIGIBILITY-RISK": {
        "shipment": {
            "scheme": "uk-dcts",
            "consignee_country": "GB",
            "customs_id": "GB123456789000",
            "eska_code": DROP,
        }
    },
    "REX-REVOKED-AFTER-EXIT": {"as_of": dt.date(2027, 1, 4)},
    "DESTINATION-NOT-IN-SCHEME": {"shipment": {"consignee_country": "US"}},
    "SCHEME-UNSUPPORTED": {"shipment": {"scheme": "us-gsp"}},
    "RETROSPECTIVE": {"shipment": {"export_date": dt.date(2026, 11, 1)}},
    "STATEMENT-AGE": {"shipment": {"invoice_date": dt.date(2025, 1, 2), "expected_import_date": DROP}},
    "FUTURE-DATE": {"shipment": {"invoice_date": dt.date(2026, 12, 1)}},
    "HS-FORMAT": {"items": [item_with(hs_code="9403")]},
    "CRITERION-INVALID": {"items": [item_with(origin_criterion="X")]},
    "ORIGIN-COUNTRY-MIXED": {"items": [item_with(), item_with(line=2, origin_country="MY")]},
    "MATERIAL-LINE-UNKNOWN": {"materials": [mat("4407", "ID", 10, line=9)]},
    "CRITERION-HEADING-MISMATCH": {"items": [item_with(origin_criterion="W 9401")]},
    "CRITERION-P-WITH-MATERIALS": {
        "items": [item_with(origin_criterion="P")],
        "materials": [mat("4407", "CN", 10)],
    },
    "CUMULATION-NOT-AVAILABLE": {"items": [item_with(origin_criterion="extended-cumulation:VN")]},
    "CUMULATION-EXCLUDED-MATERIAL": {
        "items": [item_with(origin_criterion="regional-cumulation")],
        "materials": [mat("1701", "KH", 10)],
    },
    "GRADUATED-SECTION": {"items": [item_with(hs_code="4421.99", origin_criterion="W 4421")]},
    "PSR-NOT-MET": {"items": [item_with(ex_works_value=1000)], "materials": [mat("9403", "CN", 800)]},
    "PSR-UNCHECKED": {},
    "DATA-MISSING": {"items": [item_with(hs_code="3926.90", origin_criterion="W")]},
    "EX-WORKS-ASSUMED": {"shipment": {"incoterm": "FOB"}, "materials": [mat("9403", "CN", 500)]},
    "LINE-NOT-ORIGINATING": {"items": [item_with(), item_with(line=2, origin_criterion="no")]},
    "NO-ORIGINATING-LINES": {"items": [item_with(origin_criterion="no")]},
    "EXAMPLE-ROW-READ": {"items": [item_with(line="example (contoh) – ignored")]},
    "MISSING-FIELD": {"shipment": {"invoice_number": None}},
    "ESKA-CODE-MISSING": {"shipment": {"eska_code": DROP}},
    "AMOUNT-MISMATCH": {"items": [item_with(amount=1100)]},
    "UNKNOWN-FIELD": {"shipment": {"colour": "brown"}},
    "WEIGHT-INCONSISTENT": {"items": [item_with(net_kg=10, gross_kg=9)]},
    "CURRENCY-UNKNOWN": {"shipment": {"currency": "EURO"}},
    "LANGUAGE-UNSUPPORTED": {"shipment": {"statement_language": "de"}},
}


def test_every_shipment_code_has_a_producing_case() -> None:
    assert set(PRODUCERS) == shipment_codes()


@pytest.mark.parametrize("code", sorted(PRODUCERS))
def test_code_can_be_produced(check: Any, code: str) -> None:
    result = check(**build_case(PRODUCERS[code]))
    assert code in result.codes()
    severity = catalogue()[code]["severity"]
    assert {f.severity.value for f in result.of(code)} <= {s.strip() for s in severity.split("/")}
    for finding in result.findings:
        assert finding.reference.strip() not in ("", "—", "same"), (finding.code, finding.reference)
