"""The text report is short: a clean shipment fits on one screen, findings of one code and
cause on many lines are one entry that still names every line, errors come first in the
workbook's order, colour only on a terminal without NO_COLOR, and --verbose and JSON keep
every finding whole."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BASE_SHIPMENT,
    DROP,
    item_with,
    make_workbook,
    run_cli,
    shipment_with,
    write_registration,
)

from rexdecl.cli.terminal import colour_wanted, text_width
from rexdecl.findings import Finding, Severity
from rexdecl.model import Location
from rexdecl.report import Report
from rexdecl.report_text import describe_places, format_text, location_key, short_reference

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORKBOOKS = sorted(EXAMPLES.glob("*.xlsx"))
AS_OF = "2026-11-22"
SCREEN_LINES, SCREEN_COLUMNS = 20, 80


def check_text(*args: Any) -> Any:
    return run_cli(["check", *args, "--as-of", AS_OF])


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("workbook", WORKBOOKS, ids=[p.stem for p in WORKBOOKS])
def test_a_clean_example_fits_on_one_screen(workbook: Path, language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)  # the path as a user types it: examples/ is where they are
    result = run_cli(["--lang", language, "check", workbook.name, "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) <= SCREEN_LINES, result.stdout
    assert [line for line in lines if len(line) > SCREEN_COLUMNS] == []


def _five_lines(tmp_path: Path, **changes: Any) -> Path:
    items = [
        item_with(line=n, description=f"Batik scarf {n}", hs_code="6214.90", origin_criterion="W 6214", **changes)
        for n in range(1, 6)
    ]
    path = make_workbook(tmp_path, items=items)
    write_registration(tmp_path / "registration.toml")
    return path


def test_findings_of_one_code_on_many_lines_are_one_entry(tmp_path: Path) -> None:
    result = check_text(_five_lines(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("PSR-UNCHECKED") == 2  # the entry and its pointer to explain
    flat = " ".join(result.stdout.split())
    assert (
        "PSR-UNCHECKED lines 1–5 (Items!C2:C6): the product-specific rule was not checked (no Materials "
        "sheet); confirm it more: rexdecl explain PSR-UNCHECKED; --verbose for the full text "
        "reference: Art. 45, 48 DA; Annex 22-03 DA; psr-gsp.csv: '6214'"
    ) in flat
    assert "Weaving accompanied by making-up" not in flat  # the rule's text: --verbose
    assert "[V2]" not in flat  # evidence marks of the data: --verbose
    assert "Information (5)" in result.stdout


def test_verbose_shows_every_finding_whole(tmp_path: Path) -> None:
    path = _five_lines(tmp_path)
    verbose = run_cli(["check", path, "--as-of", AS_OF, "--verbose"]).stdout
    flat = " ".join(verbose.split())
    for n, row in zip(range(1, 6), range(2, 7), strict=True):
        assert f"PSR-UNCHECKED Items!C{row}: the rule for line {n} (heading 6214) was not checked" in flat
    assert flat.count("was not checked (no Materials sheet). Candidate rule(s): 6214") == 5
    assert flat.count("reference: Art. 45, 48 DA [V2]; Annex 22-03 DA [V per row of `data/psr-gsp.csv`]") == 5


def test_json_keeps_every_finding(tmp_path: Path) -> None:
    result = run_cli(["check", _five_lines(tmp_path), "--as-of", AS_OF, "--format", "json"])
    findings = json.loads(result.stdout)["findings"]
    unchecked = [f for f in findings if f["code"] == "PSR-UNCHECKED"]
    assert [f["location"]["cell"] for f in unchecked] == ["C2", "C3", "C4", "C5", "C6"]
    assert all("Weaving accompanied by making-up" in f["message"] for f in unchecked)
    assert all(f["reference"].startswith("Art. 45, 48 DA [V2]") for f in unchecked)


def test_every_line_number_is_named_as_ranges(tmp_path: Path) -> None:
    """Grouping, not truncation: lines 1–3, 5 and 8–9 are all named, the gaps too."""
    numbers = [1, 2, 3, 5, 8, 9]
    items = [item_with(line=n, origin_criterion=None) for n in numbers] + [item_with(line=4), item_with(line=6)]
    path = make_workbook(tmp_path, items=items)
    write_registration(tmp_path / "registration.toml")
    result = check_text(path)
    assert result.exit_code == 1
    flat = " ".join(result.stdout.split())
    assert "MISSING-FIELD lines 1–3, 5, 8–9 (Items!H2:H7): origin_criterion is empty; enter it" in flat
    assert result.stdout.count("MISSING-FIELD") == 2


def test_one_finding_of_a_code_is_shown_whole(tmp_path: Path) -> None:
    items = [item_with(line=1, amount=1200), item_with(line=2)]
    path = make_workbook(tmp_path, items=items)
    write_registration(tmp_path / "registration.toml")
    flat = " ".join(check_text(path).stdout.split())
    assert (
        "AMOUNT-MISMATCH Items!G2: amount 1200 of line 1 is not quantity × unit price = 10 × 100 = 1000.00; "
        "correct the amount, quantity or price"
    ) in flat


def test_errors_come_first_in_the_order_of_the_workbook(tmp_path: Path) -> None:
    """Shipment fields, then Items rows (row 10 after row 9), then Materials rows; errors
    before warnings."""
    items = [item_with(line=n) for n in range(1, 11)]
    items[7]["hs_code"] = "94X"  # row 9
    items[8]["hs_code"] = "9A"  # row 10
    items[0]["amount"] = 1200  # row 2, column G
    materials = [{"line": 1, "description": "Teak", "hs_code": "44X", "origin": "ID", "value": 100}]
    shipment = shipment_with(currency="XYZ", invoce_number="typo")
    path = make_workbook(tmp_path, shipment=shipment, items=items, materials=materials)
    write_registration(tmp_path / "registration.toml")
    result = check_text(path)
    assert result.exit_code == 1
    entries = re.findall(r"^  ([A-Z][A-Z-]+)  (\S+)", result.stdout, flags=re.MULTILINE)
    assert entries == [
        ("CURRENCY-UNKNOWN", "Shipment!B11:"),
        ("AMOUNT-MISMATCH", "Items!G2:"),
        ("HS-FORMAT", "Items!C9:C10;"),
        ("UNKNOWN-FIELD", "Shipment!A15:"),
        ("PSR-UNCHECKED", "lines"),
    ]
    # the three HS-FORMAT errors under one heading, each whole, in the workbook's order
    assert re.findall(r"^      - (\S+): HS code", result.stdout, flags=re.MULTILINE) == [
        "Items!C9",
        "Items!C10",
        "Materials!C2",
    ]
    assert result.stdout.index("Errors (5)") < result.stdout.index("Warnings (1)")


def test_location_key_orders_sheets_rows_and_columns_naturally() -> None:
    places = [
        Location("w.xlsx", "Materials", "A2"),
        Location("registration.toml", part="[[exporter]] #1"),
        Location("w.xlsx", "Items", "C10"),
        Location("w.xlsx", "Barang", "B9"),  # the Indonesian name of Items
        Location("w.xlsx", "Items", "AA9"),
        Location("w.xlsx", "Shipment", "B4"),
        Location("w.xlsx", "Shipment"),
    ]
    ordered = sorted(places, key=location_key)
    assert [(p.sheet, p.cell) for p in ordered] == [
        ("Shipment", None),
        ("Shipment", "B4"),
        ("Barang", "B9"),
        ("Items", "AA9"),
        ("Items", "C10"),
        ("Materials", "A2"),
        (None, None),
    ]


def _finding(cell: str, line: int | None = None, sheet: str = "Items") -> Finding:
    return Finding("X", Severity.INFO, "m", Location("w.xlsx", sheet, cell), "r", line=line)


def test_describe_places() -> None:
    rows = [Finding("X", Severity.INFO, "m", Location("w.xlsx", "Items", part=f"row {n}"), "r") for n in (2, 3, 4, 9)]
    assert describe_places(rows) == "Items, rows 2–4, 9"
    assert describe_places([_finding("C2", 1)]) == "line 1 (Items!C2)"
    assert describe_places([_finding(f"C{n + 1}", n) for n in (1, 2, 3, 7)]) == "lines 1–3, 7 (Items!C2:C4, C8)"
    assert describe_places([_finding("D3", sheet="Materials"), _finding("D4", sheet="Materials")]) == (
        "Materials!D3:D4"
    )


@pytest.mark.parametrize(
    ("references", "short"),
    [
        (["HMRC answer on the REX format [V2]"], "HMRC answer on the REX format"),
        (
            [
                "Art. 45, 48 DA [V2]; Annex 22-03 DA [V per row of `data/psr-gsp.csv`]; psr-gsp.csv: '6214' [V]",
                "Art. 45, 48 DA [V2]; Annex 22-03 DA [V per row of `data/psr-gsp.csv`]; psr-gsp.csv: '5208 - 5212' [V]",
            ],
            "Art. 45, 48 DA; Annex 22-03 DA",
        ),
        (["wholly obtained, Art. 44 DA [R]"], "wholly obtained, Art. 44 DA"),
        (["a check by rexdecl [I — to confirm]"], "a check by rexdecl"),
        (["Reg. (EU) 2022/1039 [V]"], "Reg. (EU) 2022/1039"),
        (["—"], ""),
    ],
)
def test_short_reference(references: list[str], short: str) -> None:
    assert short_reference(references) == short


def _report(findings: list[Finding]) -> Report:
    summary = {"errors": 0, "warnings": 0, "infos": len(findings), "scheme": "eu-gsp", "statement_language": "en"}
    return Report("w.xlsx", tuple(findings), summary)


def test_colour_only_codes_and_headings_and_no_wider_lines() -> None:
    findings = [
        Finding("PSR-UNCHECKED", Severity.INFO, "x " * 60, Location("w.xlsx", "Items", f"C{n + 1}"), "r", line=n)
        for n in (1, 2)
    ]
    plain = format_text(_report(findings))
    painted = format_text(_report(findings), colour=True)
    assert "\x1b[" not in plain
    assert "\x1b[1;36mPSR-UNCHECKED\x1b[0m" in painted
    assert re.sub(r"\x1b\[[0-9;]*m", "", painted) == plain


@pytest.mark.parametrize(
    ("tty", "no_color", "expected"),
    [(True, None, True), (True, "1", False), (True, "", True), (False, None, False)],
)
def test_colour_on_a_terminal_unless_no_color(
    monkeypatch: pytest.MonkeyPatch, tty: bool, no_color: str | None, expected: bool
) -> None:
    class Stream:
        def isatty(self) -> bool:
            return tty

    monkeypatch.setattr(sys, "stdout", Stream())
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert colour_wanted() is expected


def test_the_report_wraps_at_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stream:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Stream())
    monkeypatch.setenv("COLUMNS", "60")
    assert text_width() == 60
    monkeypatch.setenv("COLUMNS", "200")
    assert text_width() == 80


def test_generate_prints_the_short_report_and_writes_nothing(tmp_path: Path) -> None:
    items = [item_with(line=n, origin_criterion=None) for n in range(1, 13)]
    path = make_workbook(tmp_path, items=items)
    write_registration(tmp_path / "registration.toml")
    result = run_cli(["generate", path, "--as-of", AS_OF, "--out", tmp_path / "out"])
    assert result.exit_code == 1
    assert result.stdout.count("MISSING-FIELD") == 2
    assert "MISSING-FIELD lines 1–12 (Items!H2:H13)" in " ".join(result.stdout.split())
    assert not (tmp_path / "out").exists()


def test_stamp_prints_the_short_report_and_writes_nothing(tmp_path: Path) -> None:
    items = [item_with(line=n, origin_criterion=None) for n in range(1, 13)]
    path = make_workbook(tmp_path, items=items)
    write_registration(tmp_path / "registration.toml")
    document = tmp_path / "invoice.pdf"
    document.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = run_cli(["stamp", document, path, "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "MISSING-FIELD lines 1–12 (Items!H2:H13)" in " ".join(result.stdout.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["invoice.pdf", "registration.toml", "shipment.xlsx"]


def test_an_unregistered_shipment_has_its_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipment = dict(BASE_SHIPMENT, exporter_rex=DROP, currency="USD", eur_rate=1.08)
    make_workbook(tmp_path, shipment={k: v for k, v in shipment.items() if v is not DROP})
    monkeypatch.chdir(tmp_path)
    lines = check_text("shipment.xlsx").stdout.splitlines()
    assert lines[0:3] == [
        "shipment.xlsx: invoice INV-2026-001",
        "  scheme eu-gsp, statement in English",
        "  originating value: USD 1,000.00 = EUR 925.93 at 1.08 USD per EUR (eur_rate)",
    ]
