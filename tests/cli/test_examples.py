"""The shipped examples pass ``rexdecl check``; each broken the way people break them is caught
with the right code, naming the cell."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from openpyxl import load_workbook

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORKBOOKS = sorted(EXAMPLES.glob("*.xlsx"))
AS_OF = "2026-11-22"


def test_examples_are_there() -> None:
    assert {p.name for p in WORKBOOKS} >= {
        "batik-pekalongan.xlsx",
        "jepara-teak.xlsx",
        "kotagede-silver-unregistered.xlsx",
        "cirebon-rattan-60-lines.xlsx",
    }


@pytest.mark.parametrize("workbook", WORKBOOKS, ids=[p.stem for p in WORKBOOKS])
def test_example_passes_check(workbook: Path) -> None:
    result = run_cli(["check", workbook, "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [f for f in report["findings"] if f["severity"] == "error"] == []
    assert report["summary"]["errors"] == 0


def _copy(tmp_path: Path, name: str) -> Path:
    shutil.copy(EXAMPLES / "registration.toml", tmp_path / "registration.toml")
    return Path(shutil.copy(EXAMPLES / name, tmp_path / name))


def _shipment_cell(sheet: Any, field: str) -> Any:
    for row in sheet.iter_rows():
        if row[0].value == field:
            return row[1]
    raise KeyError(field)


def _items_cell(sheet: Any, column: str, line: int) -> Any:
    header = [c.value for c in sheet[1]]
    return sheet.cell(row=line + 1, column=header.index(column) + 1)


def rex_with_a_space(workbook: Any) -> str:
    cell = _shipment_cell(workbook["Shipment"], "exporter_rex")
    cell.value = cell.value[:5] + " " + cell.value[5:]  # IDREX EXAMPLE…
    return f"Shipment!{cell.coordinate}"


def w_heading_copied_from_another_line(workbook: Any) -> str:
    cell = _items_cell(workbook["Items"], "origin_criterion", 3)  # the 5208 fabric line
    cell.value = "W 6214"
    return f"Items!{cell.coordinate}"


def amount_typo(workbook: Any) -> str:
    cell = _items_cell(workbook["Items"], "amount", 1)  # 12 × 640 = 7680
    cell.value = 7860
    return f"Items!{cell.coordinate}"


def eur_rate_missing(workbook: Any) -> str:
    sheet = workbook["Shipment"]
    row = _shipment_cell(sheet, "eur_rate").row
    sheet.delete_rows(row)
    return "Shipment"


def over_6000_eur(workbook: Any) -> str:
    items = workbook["Items"]
    quantity, price, amount = (_items_cell(items, c, 1) for c in ("quantity", "unit_price", "amount"))
    quantity.value = 200  # 200 × 28 = 5,600 + 1,800 = USD 7,400 / 1.08 = EUR 6,851.85
    amount.value = 200 * price.value
    return "Shipment"


def eu_destination_typo(workbook: Any) -> str:
    cell = _shipment_cell(workbook["Shipment"], "consignee_country")
    cell.value = "ED"  # ES typed with a neighbouring key
    return f"Shipment!{cell.coordinate}"


def hs_code_as_number_lost_digit(workbook: Any) -> str:
    cell = _items_cell(workbook["Items"], "hs_code", 5)
    cell.value = 4602  # the subheading dropped
    return f"Items!{cell.coordinate}"


def registration_revoked(workbook: Any) -> str:
    return f"Shipment!{_shipment_cell(workbook['Shipment'], 'invoice_date').coordinate}"


BREAKS: list[tuple[str, Callable[[Any], str], str]] = [
    ("batik-pekalongan.xlsx", rex_with_a_space, "REX-FORMAT"),
    ("batik-pekalongan.xlsx", w_heading_copied_from_another_line, "CRITERION-HEADING-MISMATCH"),
    ("jepara-teak.xlsx", amount_typo, "AMOUNT-MISMATCH"),
    ("jepara-teak.xlsx", rex_with_a_space, "REX-FORMAT"),
    ("kotagede-silver-unregistered.xlsx", eur_rate_missing, "RATE-MISSING"),
    ("kotagede-silver-unregistered.xlsx", over_6000_eur, "THRESHOLD-EUR-6000"),
    ("cirebon-rattan-60-lines.xlsx", eu_destination_typo, "DESTINATION-NOT-IN-SCHEME"),
    ("cirebon-rattan-60-lines.xlsx", hs_code_as_number_lost_digit, "HS-FORMAT"),
]


@pytest.mark.parametrize(
    ("name", "breaks", "code"),
    BREAKS,
    ids=[f"{n.split('.')[0]}-{b.__name__}" for n, b, _c in BREAKS],
)
def test_broken_example_is_caught(tmp_path: Path, name: str, breaks: Callable[[Any], str], code: str) -> None:
    path = _copy(tmp_path, name)
    workbook = load_workbook(path)
    place = breaks(workbook)
    workbook.save(path)
    result = run_cli(["check", path, "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 1, result.output
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == code]
    assert len(findings) == 1, findings
    assert findings[0]["severity"] == "error"
    assert place in findings[0]["message"]
    text = run_cli(["check", path, "--as-of", AS_OF])
    assert text.exit_code == 1
    assert f"  {code}  {place}" in text.stdout


def test_revoked_registration_blocks_the_example(tmp_path: Path) -> None:
    path = _copy(tmp_path, "jepara-teak.xlsx")
    registration = tmp_path / "registration.toml"
    text = registration.read_text(encoding="utf-8")
    marker = 'rex_number    = "IDREXEXAMPLE0000002"'
    assert marker in text
    registration.write_text(text.replace(marker, marker + "\nrevoked_on    = 2026-11-01"), encoding="utf-8")
    result = run_cli(["check", path, "--as-of", AS_OF])
    assert result.exit_code == 1
    assert f"  REX-REVOKED  {registration_revoked(load_workbook(path))}" in result.stdout
