"""Hardening (issue 6): hostile, broken and huge input never crashes rexdecl, never leaks a
file, never loses work.

Every case runs the real command line (click's CliRunner, in-process; a few in a
subprocess) and asserts the exit status and the message: the file, sheet and cell, what
was found and what was expected. No case may print a Python traceback or end with exit
status 3 (an internal error, i.e. a bug). Workbooks are built with openpyxl in tmp_path;
the damaged ones are made from a good one by editing the parts of the .xlsx package.

The 200,000-row case is marked ``slow``.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import http.server
import importlib.util
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import field_value_rows, flat, make_workbook, needs_pdftotext, pdf_text, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pypdf import PdfReader
from pypdf.generic import StreamObject

from rexdecl import limits
from rexdecl.cli import prepare

ROOT = Path(__file__).resolve().parents[2]
REGISTRATION = ROOT / "examples" / "registration.toml"
AS_OF = "2026-11-22"

# -- a good shipment, built by conftest's workbook builder -------------------------------------

COLUMNS = [
    "line",
    "description",
    "hs_code",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "origin_criterion",
    "origin_note",
    "packages",
    "package_type",
    "marks",
    "net_kg",
    "gross_kg",
    "cbm",
]
# Shipment rows: field in column A, value in column B; row 1 is the "field | value" header,
# so invoice_number is B2, invoice_date B3, exporter_rex B4 ...
SHIPMENT: dict[str, Any] = {
    "invoice_number": "BCP/INV/2026/118",
    "invoice_date": dt.date(2026, 11, 16),
    "exporter_rex": "IDREXEXAMPLE0000001",
    "consignee_name": "Voorbeeld Textiel B.V.",
    "consignee_address": "Keizersgracht 1, 1015 CJ Amsterdam",
    "consignee_country": "NL",
    "currency": "EUR",
    "incoterm": "FOB",
    "export_date": dt.date(2026, 11, 18),
    "expected_import_date": dt.date(2026, 12, 21),
    "eska_code": "EXAMPLE-ESKA-0000118",
    "notes": "Fictitious shipment for the hardening tests.",
}
# Items: header in row 1, line 1 in row 2, line 2 in row 3 (description B, hs_code C,
# quantity D, unit E, unit_price F, amount G ...).
ITEMS: list[dict[str, Any]] = [
    {
        "line": 1,
        "description": "Batik sarong, hand-drawn, cotton",
        "hs_code": "6214.90",
        "quantity": 120,
        "unit": "PCS",
        "unit_price": 18.5,
        "amount": 2220,
        "origin_criterion": "W 6214",
        "packages": 4,
        "package_type": "CARTON",
        "marks": "VT-1/4",
        "net_kg": 48,
        "gross_kg": 52,
        "cbm": 0.24,
    },
    {
        "line": 2,
        "description": "Batik cotton fabric, 115 cm wide",
        "hs_code": "5208.52",
        "quantity": 300,
        "unit": "M",
        "unit_price": 4.2,
        "amount": 1260,
        "origin_criterion": "W 5208",
        "packages": 3,
        "package_type": "ROLL",
        "marks": "VT-5/7",
        "net_kg": 45,
        "gross_kg": 48,
        "cbm": 0.21,
    },
]
OUTPUTS = ("BCP-INV-2026-118_invoice.pdf", "BCP-INV-2026-118_packing-list.pdf")


def write_workbook(
    path: Path,
    shipment: dict[str, Any] | None = None,
    items: list[dict[str, Any]] | None = None,
    columns: list[str] = COLUMNS,
    edit: Callable[[Workbook], None] | None = None,
    registration: bool = True,
    exporter: dict[str, Any] | None = None,
) -> Path:
    """This file's shipment (``SHIPMENT``, ``ITEMS`` in ``COLUMNS``) at ``path`` through
    conftest's :func:`make_workbook`, changed by ``edit``, with the examples' registration.toml
    beside it."""
    make_workbook(
        path.parent,
        SHIPMENT if shipment is None else shipment,
        ITEMS if items is None else items,
        exporter=exporter,
        name=path.name,
        item_columns=columns,
        edit=edit,
    )
    if registration:
        shutil.copy(REGISTRATION, path.parent / "registration.toml")
    return path


def with_shipment(**changes: Any) -> dict[str, Any]:
    return {**SHIPMENT, **changes}


def with_item(index: int = 0, **changes: Any) -> list[dict[str, Any]]:
    items = [dict(item) for item in ITEMS]
    items[index].update(changes)
    return items


def repack(
    source: Path, target: Path, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None
) -> Path:
    """Copy an .xlsx package part by part; ``change`` edits a part (None drops it)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    if (source.parent / "registration.toml").is_file() and source.parent != target.parent:
        shutil.copy(source.parent / "registration.toml", target.parent / "registration.toml")
    return target


# The package part holding the Items sheet (openpyxl writes the sheets in order).
ITEMS_PART = "xl/worksheets/sheet2.xml"


# -- running the command line -------------------------------------------------------------------


def run(*args: str) -> Result:
    """``rexdecl ARGS`` in-process; exceptions are left to the CLI's own handling."""
    argv = [str(a) for a in args]
    return CliRunner().invoke(prepare(argv), argv, catch_exceptions=True)


def check(path: Path, *extra: str) -> Result:
    return run("check", str(path), "--as-of", AS_OF, *extra)


def generate(path: Path, out: Path, *extra: str) -> Result:
    return run("generate", str(path), "--out", str(out), "--as-of", AS_OF, *extra)


def assert_handled(result: Result, *codes: int) -> str:
    """The run ended with one of ``codes``, with no traceback and no internal error."""
    output = result.output
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert result.exit_code != 3, output
    # CliRunner stores an exception that escaped the command; the CLI must handle every one.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"unhandled {type(result.exception).__name__}: {result.exception}")
    assert result.exit_code in codes, f"exit {result.exit_code}, expected {codes}:\n{output}"
    return output


def problems(result: Result) -> list[str]:
    """The problems listed under "rexdecl: the input cannot be used:" (exit status 2)."""
    assert "rexdecl: the input cannot be used:" in result.output, result.output
    return [line[4:] for line in result.stderr.splitlines() if line.startswith("  - ")]


def unusable(result: Result) -> list[str]:
    assert_handled(result, 2)
    return problems(result)


def summary(path: Path) -> dict[str, Any]:
    result = check(path, "--format", "json")
    assert_handled(result, 0, 1)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(autouse=True)
def _collect_reader_leftovers() -> Iterator[None]:
    """Collect, after each case, what a refused workbook leaves in reference cycles (see
    test_a_refused_workbook_leaves_no_open_file), so that an unclosed-file warning does not
    surface, as an error, in whichever later test the collector happens to run."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def open_files(path: Path) -> list[str]:
    """This process's open file descriptors on ``path`` (Linux /proc)."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc/self/fd")
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path.resolve()):
                found.append(fd)
        except OSError:
            continue
    return found


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "in" / "shipment.xlsx")


def test_the_good_workbook_is_good(good: Path) -> None:
    """The base of every case below passes, so each case's failure is its own."""
    result = check(good)
    assert_handled(result, 0)
    assert "0 errors, 0 warnings" in result.output


# == 1. Files that are not a usable workbook ====================================================


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "shipment.xlsx"
    path.write_text("invoice_number;invoice_date\nINV-1;2026-11-16\n", encoding="utf-8")
    assert unusable(check(path)) == [
        f"{path}: this is not an Excel workbook (no .xlsx content found; the file may be "
        "truncated, or be another kind of file renamed .xlsx); expected an .xlsx workbook saved "
        "by Excel, LibreOffice or rexdecl template"
    ]


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    (message,) = unusable(check(path))
    assert message.startswith(f"{path}: this is not an Excel workbook")


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_xlsx(good: Path, tmp_path: Path, keep: float) -> None:
    data = good.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: int(len(data) * keep)])
    (message,) = unusable(check(path))
    assert message.startswith(f"{path}: this is not an Excel workbook")
    assert "the file may be truncated" in message


def test_damaged_part_inside_the_package(good: Path, tmp_path: Path) -> None:
    """The zip is intact but the workbook part is not XML."""
    path = repack(
        good,
        tmp_path / "damaged.xlsx",
        lambda name, data: data[: len(data) // 2] if name == "xl/workbook.xml" else data,
    )
    assert unusable(check(path)) == [
        f"{path}: the workbook cannot be read (damaged XML (unclosed token)); expected an .xlsx "
        "workbook that Excel can open"
    ]


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("README.txt", "not a workbook")
    assert unusable(check(path)) == [
        f"{path}: this zip file is not an Excel workbook (no xl/workbook.xml); expected an .xlsx workbook"
    ]


OLE2_MESSAGE = (
    "this is an old-format .xls workbook or a password-protected file; expected an .xlsx "
    "workbook without password (in Excel: File > Save As > Excel Workbook (*.xlsx), and "
    "remove the password)"
)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("name", ["old-format.xls", "password-protected.xlsx"])
def test_ole2_files_xls_and_encrypted_xlsx(tmp_path: Path, name: str) -> None:
    """Excel saves both an .xls and a password-protected .xlsx as an OLE2 compound file."""
    path = tmp_path / name
    header = OLE2_MAGIC + bytes(16) + struct.pack("<HH", 0x3E, 0x3) + b"\xfe\xff"
    path.write_bytes(header + os.urandom(4096))
    assert unusable(check(path)) == [f"{path}: {OLE2_MESSAGE}"]
    assert_handled(generate(path, tmp_path / "out"), 2)
    assert not (tmp_path / "out").exists()


def test_missing_file_and_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope.xlsx"
    assert unusable(check(missing)) == [f"{missing}: file not found"]
    assert unusable(check(tmp_path)) == [f"{tmp_path}: this is a folder; expected an .xlsx workbook"]


# == 1b. Sheets and layout ======================================================================


def test_sheet_renamed(tmp_path: Path) -> None:
    def rename(workbook: Workbook) -> None:
        workbook["Items"].title = "Lines"

    path = write_workbook(tmp_path / "renamed.xlsx", edit=rename)
    assert unusable(check(path)) == [
        f"{path}: no sheet named Items (Barang); expected the sheets Shipment and Items (found: Shipment, Lines)"
    ]


def test_both_sheets_missing(tmp_path: Path) -> None:
    def only_one(workbook: Workbook) -> None:
        del workbook["Items"]
        workbook["Shipment"].title = "Sheet1"

    path = write_workbook(tmp_path / "sheet1.xlsx", edit=only_one)
    assert unusable(check(path)) == [
        f"{path}: no sheet named Shipment (Pengiriman); expected the sheets Shipment and Items (found: Sheet1)",
        f"{path}: no sheet named Items (Barang); expected the sheets Shipment and Items (found: Sheet1)",
    ]


def test_sheet_names_in_other_case_spacing_and_indonesian(tmp_path: Path) -> None:
    def rename(workbook: Workbook) -> None:
        workbook["Shipment"].title = "PENGIRIMAN"
        workbook["Items"].title = " barang "

    path = write_workbook(tmp_path / "alias.xlsx", edit=rename)
    assert_handled(check(path), 0)


def test_merged_header_cells(tmp_path: Path) -> None:
    """Merging B1:C1 keeps "description" and loses "hs_code": the column is missing."""

    def merge(workbook: Workbook) -> None:
        workbook["Items"].merge_cells("B1:C1")

    path = write_workbook(tmp_path / "merged.xlsx", edit=merge)
    found = ", ".join(c for c in COLUMNS if c != "hs_code")
    assert unusable(check(path)) == [
        f"{path}, sheet Items, row 1: the header row lacks the column(s) hs_code; expected the "
        "columns description, hs_code, quantity, unit, unit_price, origin_criterion "
        f"(found {found})"
    ]


def test_merged_title_above_the_header(tmp_path: Path) -> None:
    """The header row is the first non-empty row (workbook-format.md): a title is not one."""

    def title(workbook: Workbook) -> None:
        sheet = workbook["Items"]
        sheet.insert_rows(1)
        sheet["A1"] = "Invoice lines"
        sheet.merge_cells("A1:F1")

    path = write_workbook(tmp_path / "title.xlsx", edit=title)
    (message,) = unusable(check(path))
    assert message == (
        f"{path}, sheet Items, row 1: the header row lacks the column(s) description, hs_code, "
        "quantity, unit, unit_price, origin_criterion; expected the columns description, "
        "hs_code, quantity, unit, unit_price, origin_criterion (found Invoice lines)"
    )


def test_leading_blank_rows_and_columns(tmp_path: Path) -> None:
    def shift(workbook: Workbook) -> None:
        for sheet in (workbook["Shipment"], workbook["Items"]):
            sheet.insert_rows(1, 3)
            sheet.insert_cols(1, 2)

    path = write_workbook(tmp_path / "shifted.xlsx", items=with_item(0, hs_code="6214.9X"), edit=shift)
    data = summary(path)
    assert data["summary"]["invoice_number"] == "BCP/INV/2026/118"
    assert data["summary"]["lines"] == 2
    # Cells are named where they are: line 1 is row 5, hs_code column E.
    (hs,) = [f for f in data["findings"] if f["code"] == "HS-FORMAT"]
    assert hs["location"] == {"file": str(path), "sheet": "Items", "cell": "E5", "part": None}


def test_hidden_rows_and_columns_are_read(tmp_path: Path) -> None:
    def hide(workbook: Workbook) -> None:
        sheet = workbook["Items"]
        sheet.row_dimensions[3].hidden = True  # line 2
        sheet.column_dimensions["H"].hidden = True  # origin_criterion
        workbook["Shipment"].row_dimensions[4].hidden = True  # exporter_rex

    path = write_workbook(tmp_path / "hidden.xlsx", edit=hide)
    data = summary(path)["summary"]
    assert (data["lines"], data["originating_lines"]) == (2, 2)
    assert data["originating_value"] == "3480"
    assert data["rex_number"] == "IDREXEXAMPLE0000001"
    assert data["errors"] == 0


def test_header_row_repeated_and_blank_rows(tmp_path: Path) -> None:
    def repeat(workbook: Workbook) -> None:
        sheet = workbook["Items"]
        sheet.insert_rows(3, 3)  # rows 3-5 between line 1 and line 2
        for column, name in enumerate(COLUMNS, start=1):
            sheet.cell(4, column, name)

    path = write_workbook(tmp_path / "repeated.xlsx", edit=repeat)
    data = summary(path)["summary"]
    assert (data["lines"], data["originating_value"], data["errors"]) == (2, "3480", 0)


# == 1c. Cell values =============================================================================


def test_cells_holding_excel_errors(tmp_path: Path) -> None:
    def typed_errors(workbook: Workbook) -> None:
        sheet = workbook["Items"]
        for ref, value in (("D2", "#N/A"), ("F3", "#REF!")):
            sheet[ref].value = value
            sheet[ref].data_type = "e"  # a real error cell (<c t="e">), as Excel saves it
        workbook["Shipment"]["B8"] = "#VALUE!"  # typed as text

    path = write_workbook(tmp_path / "errors.xlsx", edit=typed_errors)
    assert unusable(check(path)) == [
        f"{path}, sheet Shipment, cell B8: the Excel error #VALUE!; expected a value (correct "
        "the formula or type the value)",
        f"{path}, sheet Items, cell D2: the Excel error #N/A; expected a value (correct the formula or type the value)",
        f"{path}, sheet Items, cell F3: the Excel error #REF!; expected a value (correct the "
        "formula or type the value)",
    ]


def test_formulas_without_saved_values(tmp_path: Path) -> None:
    def formulas(workbook: Workbook) -> None:
        sheet = workbook["Items"]
        sheet["G2"] = "=D2*F2"
        sheet["G3"] = "=D3*F3"

    path = write_workbook(tmp_path / "formulas.xlsx", edit=formulas)
    message = (
        "a formula without a saved value; expected its result (open and save the file in Excel, or type the value)"
    )
    assert unusable(check(path)) == [
        f"{path}, sheet Items, cell G2: {message}",
        f"{path}, sheet Items, cell G3: {message}",
    ]


def test_formula_with_saved_value_is_read_through_its_value(good: Path, tmp_path: Path) -> None:
    def add_formula(name: str, data: bytes) -> bytes:
        if name != ITEMS_PART:
            return data
        cell = re.search(rb'<c r="G2"[^>]*>.*?</c>', data)
        assert cell is not None
        return data.replace(cell.group(0), b'<c r="G2"><f>D2*F2</f><v>2220</v></c>')

    path = repack(good, tmp_path / "saved.xlsx", add_formula)
    assert summary(path)["summary"]["originating_value"] == "3480"


DATE_FORMS = [
    dt.datetime(2026, 11, 16, 14, 30),
    46342,
    46342.0,
    "2026-11-16",
    "2026-11-16 00:00:00",
    "16/11/2026",
    "16-11-2026",
    "16.11.2026",
    "16 November 2026",
    "16 Nov 2026",
    "16-Nov-2026",
    " 16 Nov. 2026 ",
    "16 Nopember 2026",
    "16  november  2026",
    "\u00a016/11/2026\u200b",
]


@pytest.mark.parametrize("value", DATE_FORMS, ids=repr)
def test_dates_in_every_accepted_form(tmp_path: Path, value: Any) -> None:
    path = write_workbook(tmp_path / "date.xlsx", shipment=with_shipment(invoice_date=value))
    assert summary(path)["summary"]["invoice_date"] == "2026-11-16"


FORMS = "2026-11-22, 22/11/2026, 22-11-2026, 22 November 2026, 22 Nov 2026 or 22 Nopember 2026"


NOT_IN_CALENDAR = "which is not a date in the calendar"


@pytest.mark.parametrize(
    ("value", "found", "expected"),
    [
        ("31/02/2026", f"'31/02/2026', {NOT_IN_CALENDAR}", f"a real date such as {FORMS}"),
        ("2026-02-31", f"'2026-02-31', {NOT_IN_CALENDAR}", f"a real date such as {FORMS}"),
        ("29/02/2026", f"'29/02/2026', {NOT_IN_CALENDAR}", f"a real date such as {FORMS}"),
        ("30 Februari 2026", f"'30 Februari 2026', {NOT_IN_CALENDAR}", f"a real date such as {FORMS}"),
        ("11/16/2026", f"'11/16/2026', {NOT_IN_CALENDAR}", f"a real date such as {FORMS}"),
        ("16/11/26", "'16/11/26'", f"a date such as {FORMS}"),
        ("Nov 16, 2026", "'Nov 16, 2026'", f"a date such as {FORMS}"),
        ("tomorrow", "'tomorrow'", f"a date such as {FORMS}"),
        (12, "the number 12", f"a date such as {FORMS}"),
        (-5, "the number -5", f"a date such as {FORMS}"),
        (1e308, "the number 1e+308", f"a date such as {FORMS}"),
        (46342.5, "the number 46342.5", f"a date such as {FORMS}"),
    ],
    ids=repr,
)
def test_impossible_and_unreadable_dates(tmp_path: Path, value: Any, found: str, expected: str) -> None:
    path = write_workbook(tmp_path / "date.xlsx", shipment=with_shipment(invoice_date=value))
    assert unusable(check(path)) == [
        f"{path}, sheet Shipment, cell B3: invoice_date: found {found}; expected {expected}"
    ]


def test_negative_numbers_are_findings(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "negative.xlsx", items=with_item(0, quantity=-5, amount=-92.5))
    result = check(path)
    assert_handled(result, 1)
    # The report wraps its lines at 80 columns: compared with white space collapsed.
    assert (
        "Items!D2: quantity of line 1 is negative (-5); enter a positive number (credit notes are separate documents)"
    ) in flat(result.output)
    assert "Items!G2: amount of line 1 is negative (-92.5)" in flat(result.output)


def test_ambiguous_number_text(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "ambiguous.xlsx", items=with_item(0, unit_price="1.234"))
    assert unusable(check(path)) == [
        f"{path}, sheet Items, cell F2: unit_price: found '1.234', which reads as 1234 or "
        "1.234; expected the number written unambiguously (e.g. 17500 or 17.50), or the "
        "Shipment field number_format set to id (1.234,56) or en (1,234.56)"
    ]


def test_number_text_in_both_styles(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "styles.xlsx",
        items=[
            {**ITEMS[0], "unit_price": "18,50", "amount": "2.220,00"},
            {**ITEMS[1], "quantity": "300", "unit_price": "4.20", "amount": "1,260.00"},
        ],
    )
    assert summary(path)["summary"]["originating_value"] == "3480.00"


def test_number_text_that_is_not_a_number(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "text.xlsx", items=with_item(0, quantity="1e308"))
    assert unusable(check(path)) == [
        f"{path}, sheet Items, cell D2: quantity: found '1e308'; expected a number such as "
        "1234.56, 1,234.56 or 1.234,56 (no currency sign or unit)"
    ]


@pytest.mark.parametrize(
    ("column", "cell", "value"),
    [
        ("quantity", "D2", 1e308),
        ("unit_price", "F2", -1e308),
        ("amount", "G2", 1e308),
        ("net_kg", "M2", 1e308),
        ("quantity", "D2", "9" * 400),
    ],
    ids=repr,
)
def test_absurd_numbers_are_refused_naming_the_cell(tmp_path: Path, column: str, cell: str, value: Any) -> None:
    path = write_workbook(tmp_path / "absurd.xlsx", items=with_item(0, **{column: value}))
    for result in (check(path), generate(path, tmp_path / "out")):
        (message,) = unusable(result)
        assert message.startswith(f"{path}, sheet Items, cell {cell}: {column}: found ")
        assert "expected a number below 1,000,000,000,000,000" in message
    assert not (tmp_path / "out").exists()


def test_a_total_too_large_to_spell_does_not_crash_generate(tmp_path: Path) -> None:
    # Every cell is below the largest number a cell may hold; their product is not.
    path = write_workbook(
        tmp_path / "large.xlsx", items=with_item(0, quantity=100_000_000, unit_price=100_000_000, amount=None)
    )
    assert_handled(check(path), 0)
    assert_handled(generate(path, tmp_path / "out"), 0)


# Characters people paste around codes without seeing them.
NBSP, ZWSP, ZWJ, BOM, NNBSP = "\u00a0", "\u200b", "\u200d", "\ufeff", "\u202f"


def test_invisible_characters_around_rex_and_hs_are_trimmed(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "around.xlsx",
        shipment=with_shipment(exporter_rex=f"{NBSP}{ZWSP}IDREXEXAMPLE0000001{BOM} "),
        items=with_item(0, hs_code=f" {ZWSP}6214.90{NBSP}{NNBSP}"),
    )
    data = summary(path)
    assert data["summary"]["rex_number"] == "IDREXEXAMPLE0000001"
    assert data["summary"]["errors"] == 0


@pytest.mark.parametrize(
    ("rex", "char"),
    [
        (f"IDREX{ZWSP}EXAMPLE0000001", "U+200B ZERO WIDTH SPACE"),
        (f"IDREX{NBSP}EXAMPLE0000001", "U+00A0 NO-BREAK SPACE"),
        (f"IDREXEXAMPLE{ZWJ}0000001", "U+200D ZERO WIDTH JOINER"),
    ],
)
def test_invisible_characters_inside_a_rex_number(tmp_path: Path, rex: str, char: str) -> None:
    path = write_workbook(tmp_path / "rex.xlsx", shipment=with_shipment(exporter_rex=rex))
    result = check(path)
    assert_handled(result, 1)
    assert flat(
        f"REX-FORMAT  Shipment!B4: REX number '{rex}' is not valid: it contains the "
        f"invisible character(s) {char}. Copy the number exactly as registered"
    ) in flat(result.output)


@pytest.mark.parametrize(
    ("code", "char"),
    [
        (f"6214{NBSP}90", "U+00A0 NO-BREAK SPACE"),
        (f"6214.{ZWJ}90", "U+200D ZERO WIDTH JOINER"),
        (f"62{ZWSP}14.90", "U+200B ZERO WIDTH SPACE"),
    ],
)
def test_invisible_characters_inside_an_hs_code(tmp_path: Path, code: str, char: str) -> None:
    path = write_workbook(tmp_path / "hs.xlsx", items=with_item(0, hs_code=code))
    result = check(path)
    assert_handled(result, 1)
    assert flat(
        f"HS-FORMAT  Items!C2: HS code '{code}' is not valid (it contains the invisible "
        f"character(s) {char}); expected 6 to 10 digits in the Items sheet"
    ) in flat(result.output)


def test_text_over_the_length_limit(tmp_path: Path) -> None:
    limit = limits.MAX_TEXT_LENGTH
    path = write_workbook(
        tmp_path / "long.xlsx",
        shipment=with_shipment(consignee_address="x" * (limit + 1)),
        items=with_item(1, description="é" * 50_000),
    )
    assert unusable(check(path)) == [
        f"{path}, sheet Shipment, cell B6: a text of {limit + 1:,} characters; expected at most "
        f"{limit:,} characters in one cell",
        # Excel (and openpyxl) keep at most 32,767 characters in a cell.
        f"{path}, sheet Items, cell B3: a text of 32,767 characters; expected at most {limit:,} characters in one cell",
    ]


def test_text_just_under_the_length_limit_is_printed(tmp_path: Path) -> None:
    limit = limits.MAX_TEXT_LENGTH
    words = ("Batik sarong hand-drawn cotton " * 100)[: limit - 4] + " END"
    path = write_workbook(
        tmp_path / "long.xlsx", shipment=with_shipment(consignee_address=words), items=with_item(0, description=words)
    )
    assert_handled(check(path), 0)
    out = tmp_path / "out"
    assert_handled(generate(path, out), 0)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)


HEBREW_NAME = 'חברת הדוגמה בע"מ'
HEBREW_ADDRESS = "רחוב הדוגמה 5, תל אביב"
ARABIC_NAME = "شركة المثال للتجارة"


@needs_pdftotext
def test_right_to_left_text_is_printed(tmp_path: Path) -> None:
    """Hebrew (in the bundled Noto Sans) and the direction marks U+200E/U+200F inside Latin
    text. (Direction overrides and isolates are refused: see the next test.)"""
    path = write_workbook(
        tmp_path / "rtl.xlsx",
        shipment=with_shipment(
            consignee_name=HEBREW_NAME,
            consignee_address=HEBREW_ADDRESS,
            notes=f"Latin text \u200f{HEBREW_NAME}\u200e.",
        ),
        items=with_item(0, description=f"Batik sarong {HEBREW_ADDRESS} inline"),
    )
    assert_handled(check(path), 0)
    out = tmp_path / "out"
    assert_handled(generate(path, out), 0)
    text = pdf_text(out / OUTPUTS[0])
    for word in ("הדוגמה", "רחוב", "אביב", "Batik sarong"):
        assert word in text, word


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
        ("\u202d", "LEFT-TO-RIGHT OVERRIDE"),
        ("\u202b", "RIGHT-TO-LEFT EMBEDDING"),
        ("\u2067", "RIGHT-TO-LEFT ISOLATE"),
        ("\u2069", "POP DIRECTIONAL ISOLATE"),
    ],
)
def test_direction_controls_in_text_fields_are_refused_naming_the_field(tmp_path: Path, char: str, name: str) -> None:
    """ "Invoice \u202e1.0 RUE" prints as "Invoice EUR 0.1": a field holding a direction override,
    embedding or isolate is refused (exit 2) with its cell and field, and nothing is written."""
    path = write_workbook(
        tmp_path / "in" / "bidi.xlsx",
        shipment=with_shipment(consignee_name=f"Voorbeeld {char}Textiel B.V."),
        items=with_item(1, marks=f"VT{char}-5/7"),
    )
    message = (
        f"found text holding the direction control U+{ord(char):04X} {name}; expected text without direction "
        "controls (U+202A to U+202E, U+2066 to U+2069), which change the order in which the text is printed "
        "(delete them)"
    )
    assert unusable(check(path)) == [
        f"{path}, sheet Shipment, cell B5: consignee_name: {message}",
        f"{path}, sheet Items, cell L3: marks: {message}",
    ]
    out = tmp_path / "out"
    assert_handled(generate(path, out), 2)
    assert not out.exists()


@pytest.mark.parametrize(
    ("field", "value", "char"),
    [
        ("consignee_name", f"{ARABIC_NAME} 🚢", "'ش' (U+0634 ARABIC LETTER SHEEN)"),
        ("notes", "Shipped with care 📦", "'📦' (U+1F4E6 PACKAGE)"),
        ("description", "وشاح باتيك قطن", "'و' (U+0648 ARABIC LETTER WAW)"),
    ],
)
def test_arabic_and_emoji_text(tmp_path: Path, field: str, value: str, char: str) -> None:
    """Checked like any text; the documents are refused (exit 2, the character named)
    rather than printed with empty boxes, since no bundled font has these characters."""
    if field == "description":
        path = write_workbook(tmp_path / "in" / "s.xlsx", items=with_item(0, description=value))
    else:
        path = write_workbook(tmp_path / "in" / "s.xlsx", shipment=with_shipment(**{field: value}))
    assert_handled(check(path), 0)
    out = tmp_path / "out"
    result = generate(path, out)
    assert_handled(result, 2)
    assert (f"the character {char} is in none of the bundled fonts and would print as an empty box") in result.output
    assert no_partial_files(out) == []


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9b"])
def test_control_characters_in_printed_text_are_refused_naming_the_field(tmp_path: Path, char: str) -> None:
    """Excel keeps DEL and the C1 controls (pasted from terminals and old systems) in cells."""
    path = write_workbook(tmp_path / "in" / "s.xlsx", shipment=with_shipment(notes=f"Fragile{char} goods"))
    assert_handled(check(path), 0)
    out = tmp_path / "out"
    result = generate(path, out)
    assert_handled(result, 2)
    assert result.output.startswith(
        f"rexdecl: notes {'Fragile' + char + ' goods'!r}: the character {char!r} (U+{ord(char):04X} "
    )
    assert no_partial_files(out) == []


# == 1d. XML and zip bombs, huge sheets ==========================================================

SST_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SST_REL = (
    '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
SST_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
    + "]>\n"
)


def with_shared_strings(good: Path, target: Path, shared_strings: str) -> Path:
    """``good`` with the description of line 1 (Items!B2) moved to a sharedStrings part."""
    description = ITEMS[0]["description"].encode()
    target.parent.mkdir(parents=True, exist_ok=True)

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", SST_TYPE.encode() + b"</Types>")
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", SST_REL.encode() + b"</Relationships>")
        if name == ITEMS_PART:
            cell = re.search(rb'<c r="B2" t="inlineStr"><is><t>' + re.escape(description) + rb"</t></is></c>", data)
            assert cell is not None, "openpyxl no longer writes inline strings"
            return data.replace(cell.group(0), b'<c r="B2" t="s"><v>0</v></c>')
        return data

    return repack(good, target, change, {"xl/sharedStrings.xml": shared_strings.encode()})


def test_shared_strings_are_read(good: Path, tmp_path: Path) -> None:
    """The carrier of the bombs below works: a plain sharedStrings part is read."""
    path = with_shared_strings(
        good,
        tmp_path / "sst.xlsx",
        (
            f'<?xml version="1.0"?><sst xmlns="{SST_NS}" count="1" uniqueCount="1">'
            "<si><t>Shared batik sarong</t></si></sst>"
        ),
    )
    assert_handled(check(path), 0)


def billion_laughs_in_shared_strings(good: Path, target: Path) -> Path:
    return with_shared_strings(
        good, target, BILLION_LAUGHS + (f'<sst xmlns="{SST_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>')
    )


def billion_laughs_in_a_sheet(good: Path, target: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != ITEMS_PART:
            return data
        body = data.replace(ITEMS[0]["description"].encode(), b"&lol9;")
        return BILLION_LAUGHS.encode() + body

    return repack(good, target, change)


BOMBS = {"sharedStrings.xml": billion_laughs_in_shared_strings, "worksheet": billion_laughs_in_a_sheet}


ENTITIES_REFUSED = "the XML declares entities (refused as a defence against entity expansion)"


@pytest.mark.parametrize("where", list(BOMBS))
def test_xml_bomb_is_refused_quickly(good: Path, tmp_path: Path, where: str) -> None:
    path = BOMBS[where](good, tmp_path / "bomb.xlsx")
    started = time.monotonic()
    result = check(path)
    elapsed = time.monotonic() - started
    found = unusable(result)
    assert all(problem.startswith(f"{path}") for problem in found), found
    assert any(f"cannot be read ({ENTITIES_REFUSED}); expected a" in p for p in found), found
    # 10^9 "lol"s expanded would take minutes and gigabytes; entity declarations are refused.
    assert elapsed < 30, f"{elapsed:.1f} s"


@pytest.mark.parametrize("where", list(BOMBS))
def test_xml_bomb_is_one_problem_at_its_place(good: Path, tmp_path: Path, where: str) -> None:
    path = BOMBS[where](good, tmp_path / "bomb.xlsx")
    expected = {
        "sharedStrings.xml": f"{path}: the workbook cannot be read ({ENTITIES_REFUSED}); "
        "expected an .xlsx workbook that Excel can open",
        "worksheet": f"{path}, sheet Items: the sheet cannot be read ({ENTITIES_REFUSED}); "
        "expected a worksheet that Excel can open",
    }
    assert unusable(check(path)) == [expected[where]]


def test_a_refused_workbook_leaves_no_open_file(good: Path, tmp_path: Path) -> None:
    path = repack(
        good,
        tmp_path / "damaged.xlsx",
        lambda name, data: data[: len(data) // 2] if name == "xl/workbook.xml" else data,
    )
    gc.collect()
    gc.disable()  # what is freed must be freed by reference counting, deterministically
    try:
        assert_handled(check(path), 2)
        assert open_files(path) == []
    finally:
        gc.enable()


def test_external_entity_is_not_resolved(good: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"SECRET-{uuid.uuid4()}")
    path = with_shared_strings(
        good,
        tmp_path / "xxe.xlsx",
        (
            f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
            f'<sst xmlns="{SST_NS}" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>'
        ),
    )
    with OpenedFiles() as opened:
        result = check(path, "--format", "json")
    found = unusable(result)
    assert any(ENTITIES_REFUSED in problem for problem in found), found
    assert secret.read_text() not in result.output
    assert str(secret.resolve()) not in opened


def test_zip_bomb_is_refused_without_unpacking(good: Path, tmp_path: Path) -> None:
    """600 MB of zeros compress to about 600 KB; the declared sizes are summed first."""
    path = tmp_path / "zipbomb.xlsx"
    shutil.copy(good, path)
    shutil.copy(REGISTRATION, tmp_path / "registration.toml")
    chunk = bytes(1 << 20)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package,
        package.open("xl/media/image1.png", "w", force_zip64=True) as stream,
    ):
        for _ in range(600):
            stream.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    started = time.monotonic()
    assert unusable(check(path)) == [
        f"{path}: the workbook unpacks to 600 MB, over the limit of "
        f"{limits.MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB (a compression bomb or a vastly "
        "oversized file); expected a shipment workbook"
    ]
    assert time.monotonic() - started < 10


def test_workbook_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_workbook(tmp_path / "big.xlsx")
    monkeypatch.setattr(limits, "MAX_WORKBOOK_BYTES", 1024)
    (message,) = unusable(check(path))
    assert message.startswith(f"{path}: the file is 0 MB, over the limit of 0 MB")


def write_many_rows(path: Path, rows: int) -> Path:
    """A workbook with ``rows`` item rows, written in openpyxl's write-only mode."""
    columns = ["description", "hs_code", "quantity", "unit", "unit_price", "origin_criterion"]
    row = [ITEMS[0][column] for column in columns]
    write_rows(path, {"Shipment": field_value_rows(SHIPMENT), "Items": [columns, *[row] * rows]}, write_only=True)
    shutil.copy(REGISTRATION, path.parent / "registration.toml")
    return path


@pytest.mark.slow
def test_200000_item_rows_are_refused(tmp_path: Path) -> None:
    """Refused with the row limit's message. How long the refusal takes is reported by
    the test (see the hardening report), not asserted: timing targets live in bench/."""
    path = write_many_rows(tmp_path / "huge.xlsx", 200_000)
    started = time.monotonic()
    result = check(path)
    elapsed = time.monotonic() - started
    assert unusable(result) == [
        f"{path}, sheet Items: more than 100,000 rows; expected at most 100,000 rows in one sheet "
        "(split the shipment into several invoices)"
    ]
    print(f"\n200,000-row workbook refused in {elapsed:.1f} s")


def test_a_value_in_the_last_cell_of_the_sheet_is_read_quickly(tmp_path: Path) -> None:
    """A 6 KB file whose used range is the whole sheet: the reader must not walk (or pad)
    the 17 billion cells in between. (It did hang with openpyxl's read-only mode.)"""

    def far(workbook: Workbook) -> None:
        workbook["Items"]["B1048576"] = "stray"

    path = write_workbook(tmp_path / "far.xlsx", edit=far)
    assert path.stat().st_size < 10_000
    completed = subprocess.run(
        [sys.executable, "-m", "rexdecl", "check", str(path), "--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    assert flat(
        "MISSING-FIELD  Items!C1048576: hs_code of line 3 is empty; enter it (required for every line)"
    ) in flat(completed.stdout)


def test_a_value_far_to_the_right_is_refused(tmp_path: Path) -> None:
    def far(workbook: Workbook) -> None:
        workbook["Items"]["XFD3"] = "stray"

    path = write_workbook(tmp_path / "far.xlsx", edit=far)
    assert unusable(check(path)) == [
        f"{path}, sheet Items, cell XFD3: a value in column XFD, beyond the "
        f"{limits.MAX_COLUMNS} columns a sheet may use; expected the table within columns A to "
        "GR (delete or move that cell)"
    ]


# == 1e. Cost bounds, exit 3 only for bugs, strict where Excel is unambiguous =====================
#
# Each case is the smallest input that showed the defect. ``refused`` runs check and generate:
# exit 2 with exactly the problems given, and nothing written beside the workbook or in --out.


def refused(path: Path, *expected: str) -> None:
    before = sorted(p.name for p in path.parent.iterdir())
    assert unusable(check(path)) == list(expected)
    out = path.parent / "out"
    result = generate(path, out)
    assert_handled(result, 2)
    assert problems(result) == list(expected)
    assert not out.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == before


def edit_items(good: Path, target: Path, old: bytes, new: bytes, count: int = 1) -> Path:
    """``good`` with ``old`` replaced by ``new`` in the Items sheet's XML."""

    def change(name: str, data: bytes) -> bytes:
        if name != ITEMS_PART:
            return data
        assert old in data, old
        return data.replace(old, new, count)

    target.parent.mkdir(parents=True, exist_ok=True)
    return repack(good, target, change)


CANNOT_READ_ITEMS = "{path}, sheet Items: the sheet cannot be read ({detail}); expected a worksheet that Excel can open"
CANNOT_READ = "{path}: the workbook cannot be read ({detail}); expected an .xlsx workbook that Excel can open"
LINE_2 = b'<row r="3">'  # openpyxl writes line 1 in row 2 and line 2 in row 3


# -- item 3: every input has a cost bound -------------------------------------------------------


def test_a_shared_string_longer_than_a_cell_of_excel_is_refused_unkept(good: Path, tmp_path: Path) -> None:
    """Was: four shared strings of 120 MB (a 484 KB file) read whole, 623 MB of memory."""
    limit = limits.MAX_CELL_CHARACTERS
    path = with_shared_strings(
        good, tmp_path / "w" / "sst.xlsx", f'<sst xmlns="{SST_NS}"><si><t>{"x" * (limit + 1)}</t></si></sst>'
    )
    detail = (
        f"xl/sharedStrings.xml: shared string 1 is longer than {limit:,} characters, the most a cell of Excel holds"
    )
    refused(path, CANNOT_READ.format(path=path, detail=detail))


def test_a_cell_of_excel_length_is_read_and_refused_by_the_text_limit(good: Path, tmp_path: Path) -> None:
    """32,767 characters are what Excel holds: read, then refused by the shipment's own limit."""
    limit = limits.MAX_CELL_CHARACTERS
    path = with_shared_strings(
        good, tmp_path / "w" / "sst.xlsx", f'<sst xmlns="{SST_NS}"><si><t>{"x" * limit}</t></si></sst>'
    )
    refused(
        path,
        f"{path}, sheet Items, cell B2: a text of {limit:,} characters; expected at most "
        f"{limits.MAX_TEXT_LENGTH:,} characters in one cell",
    )


def test_shared_strings_beyond_the_count_and_size_limits(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sst = f'<sst xmlns="{SST_NS}">' + "<si><t>abc</t></si>" * 4 + "</sst>"
    path = with_shared_strings(good, tmp_path / "w" / "sst.xlsx", sst)
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 3)
    detail = (
        "xl/sharedStrings.xml holds more than 3 shared strings, the limit (a shipment of 100,000 lines uses a "
        "few hundred thousand); expected a shipment workbook"
    )
    refused(path, CANNOT_READ.format(path=path, detail=detail))
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 1000)
    monkeypatch.setattr(limits, "MAX_SHARED_CHARACTERS", 5 * 1024 * 1024)
    big = f'<sst xmlns="{SST_NS}">' + f"<si><t>{'x' * 30_000}</t></si>" * 180 + "</sst>"
    path = with_shared_strings(good, tmp_path / "w2" / "sst.xlsx", big)
    detail = (
        "xl/sharedStrings.xml holds more than 5 million characters of text, the limit; expected a shipment workbook"
    )
    refused(path, CANNOT_READ.format(path=path, detail=detail))


def test_an_inline_string_longer_than_a_cell_of_excel(good: Path, tmp_path: Path) -> None:
    text = ITEMS[0]["description"].encode()
    path = edit_items(good, tmp_path / "w" / "long.xlsx", text, b"x" * (limits.MAX_CELL_CHARACTERS + 1))
    detail = f"cell B2 holds more than {limits.MAX_CELL_CHARACTERS:,} characters, the most a cell of Excel holds"
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail=detail))


def test_a_value_in_column_gr_on_every_row_costs_one_entry_a_row(tmp_path: Path) -> None:
    """Was: one value in column GR (within the 200-column limit) on 100,000 rows padded each row
    to 200 cells (1.47 GB), and each row became a line of empty cells: 600,000 MISSING-FIELD
    findings. A row keeps only the cells present, and a row with nothing in the table is
    refused once, with the number of such rows."""
    from rexdecl.input.opening import open_workbook
    from rexdecl.input.problems import Problems
    from rexdecl.input.rows import SheetReader
    from rexdecl.input.sheets import Sheet

    def far(workbook: Workbook) -> None:
        for row in range(4, 7):
            workbook["Items"][f"GR{row}"] = row

    path = write_workbook(tmp_path / "w" / "gr.xlsx", edit=far)
    workbook = open_workbook(path)
    try:
        reader = SheetReader(path, str(path), Sheet(workbook, "Items"), Problems())
        rows = [(row.number, row.values) for row in reader.rows()]
    finally:
        workbook.close()
    assert rows[3:] == [(4, {200: 4}), (5, {200: 5}), (6, {200: 6})]
    refused(
        path,
        f"{path}, sheet Items, cell GR4: a value right of the table, whose header ends in column O, on a row "
        "with nothing in the table (3 such rows); expected each row below the header to be a line of the "
        "table (delete or move the value, or give its column a header)",
    )


def test_a_note_right_of_a_line_is_still_ignored(tmp_path: Path) -> None:
    def note(workbook: Workbook) -> None:
        workbook["Items"]["R2"] = "checked by Budi"

    assert_handled(check(write_workbook(tmp_path / "note.xlsx", edit=note)), 0)


def test_row_numbers_beyond_excels_last_row(good: Path, tmp_path: Path) -> None:
    """Was: 80 million empty rows (a 722 KB file) took 53 s; rows past Excel's last are damage."""
    path = edit_items(good, tmp_path / "w" / "rows.xlsx", b"</sheetData>", b'<row r="1048576"/><row/></sheetData>')
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail="row number '1048577'; expected 1 to 1,048,576"))
    path = edit_items(good, tmp_path / "w2" / "rows.xlsx", b"</sheetData>", b'<row r="99999999999"/></sheetData>')
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail="row number '99999999999'; expected 1 to 1,048,576"))


def test_cells_beyond_excels_last_column(good: Path, tmp_path: Path) -> None:
    """Was: a row of 120 million empty cells (a 484 KB file) took 67 s."""
    path = edit_items(good, tmp_path / "w" / "cells.xlsx", b'<c r="O2"', b'<c r="XFD2"/><c/><c r="P2"')
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail="row 2 has cells beyond column XFD, the last of Excel"))
    path = edit_items(good, tmp_path / "w2" / "cells.xlsx", b'<c r="O2"', b'<c r="XFE2"/><c r="P2"')
    detail = "cell reference XFE2, outside the sheet (Excel has columns A to XFD and rows 1 to 1,048,576)"
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail=detail))


def test_xml_elements_beyond_the_limit_of_a_part(good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: 8 million empty styled cells would take a minute; each element costs a call."""
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 300)  # the other parts have fewer than 210
    path = edit_items(
        good,
        tmp_path / "w" / "styled.xlsx",
        b"</sheetData>",
        b'<row r="4">' + b'<c s="0"/>' * 200 + b"</row></sheetData>",
    )
    detail = (
        "xl/worksheets/sheet2.xml holds more than 300 XML elements, the limit of one part (clear the formatting "
        "of unused rows and columns, or split the shipment)"
    )
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail=detail))


def test_an_xml_comment_longer_than_a_token_may_be(good: Path, tmp_path: Path) -> None:
    """Expat keeps an unfinished tag or comment whole: 2 MB of comment is refused at 1 MB."""
    comment = b"<!--" + b"x" * (2 * limits.MAX_XML_TOKEN_BYTES) + b"-->"
    path = edit_items(good, tmp_path / "w" / "comment.xlsx", b"<sheetData>", comment + b"<sheetData>")
    detail = "xl/worksheets/sheet2.xml holds an XML tag or comment longer than 1 MB, which no spreadsheet writes"
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail=detail))


def test_registration_field_over_the_length_limit(good: Path) -> None:
    """Was: a 30 KB registered name without a space took 28 s to render."""
    registration = good.parent / "registration.toml"
    text = registration.read_text(encoding="utf-8")
    long_name = "N" * (limits.MAX_TEXT_LENGTH + 1)
    registration.write_text(re.sub(r'name\s*=\s*"[^"]*"', f'name = "{long_name}"', text, count=1), encoding="utf-8")
    refused(
        good,
        f"{registration}, [[exporter]] #1, name: found a text of {limits.MAX_TEXT_LENGTH + 1:,} characters; "
        f"expected at most {limits.MAX_TEXT_LENGTH:,} characters",
    )


# -- item 4: exit status 3 only for bugs ------------------------------------------------------


def test_a_row_number_that_is_a_superscript_digit(good: Path, tmp_path: Path) -> None:
    path = edit_items(good, tmp_path / "w" / "sup.xlsx", LINE_2, '<row r="\u00b2">'.encode())
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail="row number '\u00b2'; expected 1 to 1,048,576"))


@pytest.mark.parametrize(
    ("old", "new", "cell"),
    [
        (b'<c r="D2" t="n">', '<c r="D2" s="\u00b2" t="n">', "D2"),  # a number
        (b'<c r="B2" t="inlineStr">', '<c r="B2" s="\u00b2" t="inlineStr">', "B2"),  # a text
        (b'</row><row r="3">', '<c r="P2" s="\u00b2"/></row><row r="3">', "P2"),  # an empty cell
    ],
    ids=["number", "text", "empty"],
)
def test_a_style_index_that_is_a_superscript_digit(good: Path, tmp_path: Path, old: bytes, new: str, cell: str) -> None:
    """Was: exit 3 (int() of "\u00b2", which str.isdigit() accepts)."""
    path = edit_items(good, tmp_path / "w" / "sup.xlsx", old, new.encode())
    refused(
        path,
        CANNOT_READ_ITEMS.format(
            path=path, detail=f"cell {cell} has the style index '\u00b2'; expected a whole number"
        ),
    )


@pytest.mark.parametrize(
    ("encoding", "detail"),
    [
        ("x-foo", "unknown encoding: x-foo"),
        ("shift_jis", "multi-byte encodings are not supported"),
        ("hex", "'hex' is not a text encoding; use codecs.decode() to handle arbitrary codecs"),
        ("undefined", "decoding with 'undefined' codec failed (UnicodeError: undefined encoding)"),
    ],
)
def test_an_unknown_xml_encoding(good: Path, tmp_path: Path, encoding: str, detail: str) -> None:
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'.encode()
    path = edit_items(good, tmp_path / "w" / "enc.xlsx", b"<worksheet", declaration + b"<worksheet")
    detail = f"xl/worksheets/sheet2.xml declares an XML encoding that cannot be read ({detail[:80]}); expected UTF-8"
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail=detail))


def test_1e309_as_an_hs_code(good: Path, tmp_path: Path) -> None:
    path = edit_items(
        good,
        tmp_path / "w" / "inf.xlsx",
        b'<c r="C3" t="inlineStr"><is><t>5208.52</t></is></c>',
        b'<c r="C3"><v>1e309</v></c>',
    )
    refused(path, f"{path}, sheet Items, cell C3: hs_code: found the number inf; expected an HS code")


def test_1e309_as_hs_chapters_of_the_exporter_sheet(tmp_path: Path) -> None:
    exporter = {"rex_number": "IDREXEXAMPLE0000001", "hs_chapters": 52}
    built = write_workbook(tmp_path / "w" / "x.xlsx", exporter=exporter)

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"<v>52</v>", b"<v>1e309</v>") if name == "xl/worksheets/sheet3.xml" else data

    (tmp_path / "w2").mkdir()
    path = repack(built, tmp_path / "w2" / "chapters.xlsx", change)
    refused(
        path,
        f"{path}, sheet Exporter, cell B3: hs_chapters: found the number inf; expected chapter numbers from 1 "
        "to 99 separated by commas, e.g. 52, 62",
    )


DATE_FORMS_TEXT = "2026-11-22, 22/11/2026, 22-11-2026, 22 November 2026, 22 Nov 2026 or 22 Nopember 2026"


@pytest.mark.parametrize("value", [dt.date(9999, 12, 31), "9999-12-31", "31/12/9999"], ids=repr)
def test_an_invoice_date_of_9999_12_31(tmp_path: Path, value: Any) -> None:
    path = write_workbook(tmp_path / "w" / "date.xlsx", shipment=with_shipment(invoice_date=value))
    found = value.isoformat() if isinstance(value, dt.date) else value
    refused(
        path,
        f"{path}, sheet Shipment, cell B3: invoice_date: found '{found}', outside the years 1900 to 2099; "
        f"expected a date such as {DATE_FORMS_TEXT}",
    )


@pytest.mark.parametrize("nesting", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 5000 + "1" + "}" * 5000])
def test_registration_toml_nested_5000_deep(good: Path, nesting: str) -> None:
    registration = good.parent / "registration.toml"
    registration.write_text(nesting + "\n" + registration.read_text(encoding="utf-8"), encoding="utf-8")
    refused(
        good,
        f"{registration}: arrays or tables nested too deeply to read; expected [[exporter]] entries of plain "
        "values as in the README",
    )


def test_a_registration_toml_date_of_9999_12_31(good: Path) -> None:
    registration = good.parent / "registration.toml"
    text = registration.read_text(encoding="utf-8")
    registration.write_text(
        re.sub(r"registered_on\s*=.*", "registered_on = 9999-12-31", text, count=1), encoding="utf-8"
    )
    refused(
        good,
        f"{registration}, [[exporter]] #1, registered_on: found '9999-12-31', outside the years 1900 to 2099; "
        f"expected a date such as {DATE_FORMS_TEXT}",
    )


@pytest.mark.parametrize("command", ["check", "generate"])
def test_dev_zero_is_refused_unread(tmp_path: Path, command: str) -> None:
    """Was: check /dev/zero read until it was killed at 23 GB."""
    result = (
        run(command, "/dev/zero", "--out", str(tmp_path / "out")) if command == "generate" else check(Path("/dev/zero"))
    )
    assert unusable(result) == ["/dev/zero: this is a device, not a file; expected an .xlsx workbook"]
    assert not (tmp_path / "out").exists()


def test_dev_zero_as_the_registration_is_refused_unread(good: Path) -> None:
    assert unusable(check(good, "--registration", "/dev/zero")) == [
        "/dev/zero: this is not a file; expected a TOML file with [[exporter]] entries or an .xlsx workbook with "
        "an Exporter sheet"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("command", ["check", "generate"])
def test_a_named_pipe_is_refused_unopened(tmp_path: Path, command: str) -> None:
    """Opening a FIFO with no writer blocks for ever: the reader must not open it. Run in a
    subprocess, so that a regression fails on the timeout instead of hanging the suite."""
    fifo = tmp_path / "shipment.xlsx"
    os.mkfifo(fifo)
    extra = ["--out", str(tmp_path / "out")] if command == "generate" else []
    completed = subprocess.run(
        [sys.executable, "-m", "rexdecl", command, str(fifo), "--as-of", AS_OF, *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr == (
        "rexdecl: the input cannot be used:\n"
        f"  - {fifo}: this is a named pipe (FIFO), not a file; expected an .xlsx workbook\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shipment.xlsx"]


# -- item 7: strict where Excel is unambiguous --------------------------------------------------


@pytest.mark.parametrize("index", ["-1", "1", "99999999999"])
def test_a_shared_string_index_that_does_not_exist(good: Path, tmp_path: Path, index: str) -> None:
    """Was: -1 silently read the last shared string."""
    path = with_shared_strings(good, tmp_path / "w" / "sst.xlsx", f'<sst xmlns="{SST_NS}"><si><t>A</t></si></sst>')
    path = edit_items(
        path, tmp_path / "w2" / "sst.xlsx", b'<c r="B2" t="s"><v>0</v>', f'<c r="B2" t="s"><v>{index}</v>'.encode()
    )
    detail = f"cell B2 refers to shared string '{index}', which does not exist (the workbook has 1)"
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail=detail))


def test_a_cell_written_twice(good: Path, tmp_path: Path) -> None:
    """Was: the second value won silently."""
    path = edit_items(
        good,
        tmp_path / "w" / "twice.xlsx",
        b'<c r="D2" t="n"><v>120</v></c>',
        b'<c r="D2" t="n"><v>120</v></c><c r="D2" t="n"><v>5</v></c>',
    )
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail="cell D2 is written twice"))
    path = edit_items(
        good,
        tmp_path / "w2" / "order.xlsx",
        b'<c r="D2" t="n"><v>120</v></c>',
        b'<c r="D2" t="n"><v>120</v></c><c r="A2" t="n"><v>5</v></c>',
    )
    detail = "cell A2 is written after D2; Excel writes cells in order"
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail=detail))


def test_a_row_written_twice(good: Path, tmp_path: Path) -> None:
    """Was: both rows were read, the line counted twice."""
    path = edit_items(
        good,
        tmp_path / "w" / "twice.xlsx",
        b"</sheetData>",
        b'<row r="3"><c r="A3" t="n"><v>9</v></c></row></sheetData>',
    )
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail="row 3 is written twice"))


def test_a_cell_written_in_another_row(good: Path, tmp_path: Path) -> None:
    path = edit_items(good, tmp_path / "w" / "moved.xlsx", b'<c r="D2"', b'<c r="D7"')
    refused(path, CANNOT_READ_ITEMS.format(path=path, detail="cell D7 is written in row 2"))


def test_duplicate_zip_members(good: Path, tmp_path: Path) -> None:
    """Was: zipfile read the last of two members of one name (Excel reads the first)."""
    path = tmp_path / "w" / "dup.xlsx"
    path.parent.mkdir()
    shutil.copy(good, path)
    shutil.copy(REGISTRATION, path.parent / "registration.toml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it writes
        with zipfile.ZipFile(path, "a") as package:
            package.writestr(ITEMS_PART.upper().replace("XL/", "xl/"), b"<worksheet/>")
    detail = f"the package holds the part {ITEMS_PART.upper().replace('XL/', 'xl/')} twice; expected each part once"
    refused(path, CANNOT_READ.format(path=path, detail=detail))


@pytest.mark.parametrize("hidden", [True, False], ids=["hidden", "visible"])
def test_two_sheets_of_one_role(tmp_path: Path, hidden: bool) -> None:
    """Was: a hidden 'Items' listed first shadowed the visible 'Barang' the user edits."""

    def shadow(workbook: Workbook) -> None:
        workbook["Items"].title = "Barang"
        old = workbook.create_sheet("Items", 1)
        old.append(COLUMNS)
        if hidden:
            old.sheet_state = "hidden"

    path = write_workbook(tmp_path / "w" / "shadow.xlsx", edit=shadow)
    items = "'Items' (hidden)" if hidden else "'Items'"
    refused(
        path,
        f"{path}: the sheets {items}, 'Barang' are all the Items sheet; expected one (delete or rename the others)",
    )


@pytest.mark.parametrize(
    ("stored", "text"),
    [
        ("Line 1_x000D__x000A_Line 2", "Line 1\r\nLine 2"),
        ("tab_x0009_here", "tab\there"),
        ("_x005F_x0041_ typed by the user", "_x0041_ typed by the user"),
        ("_xD83D__xDCE6_ box", "\U0001f4e6 box"),
        ("lone _xD800_ surrogate", "lone _xD800_ surrogate"),
        ("lone _xDC00_ low", "lone _xDC00_ low"),
        ("_x00e9_t_x00E9_", "\u00e9t\u00e9"),
        ("_x12_ short, _xZZZZ_ not hex", "_x12_ short, _xZZZZ_ not hex"),
    ],
)
def test_excel_escapes_are_decoded(stored: str, text: str) -> None:
    from rexdecl.input.xlsx import decode_escapes

    assert decode_escapes(stored) == text


def test_escapes_and_phonetic_runs_in_inline_and_shared_strings(good: Path, tmp_path: Path) -> None:
    """Excel writes a line break in a cell as _x000D_ and adds phonetic guides (rPh) to East
    Asian text: the value read is the text, the guide is not part of it."""
    path = with_shared_strings(
        good,
        tmp_path / "w" / "sst.xlsx",
        f'<sst xmlns="{SST_NS}"><si><r><t>Batik</t></r><r><t xml:space="preserve"> sarong_x000D__x000A_</t></r>'
        '<r><t>cotton</t></r><rPh sb="0" eb="5"><t>バティック</t></rPh></si></sst>',
    )
    description_2 = ITEMS[1]["description"].encode()
    path = edit_items(
        path,
        tmp_path / "w2" / "both.xlsx",
        b"<t>" + description_2 + b"</t>",
        "<r><t>東京_x005F_x0041_</t></r><rPh sb='0' eb='2'><t>トウキョウ</t></rPh>".encode(),
    )
    from rexdecl.input.workbook import read_shipment

    read = read_shipment(path)
    assert [item.description for item in read.items] == ["Batik sarong\r\ncotton", "東京_x0041_"]


# == 2. Hostile content renders as text; nothing is fetched, read or embedded ===================


class RequestLog(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[tuple[int, list[str]]]:
    """A web server on 127.0.0.1 at a random port, recording every request it receives."""
    log: list[str] = []
    handler = type("Handler", (RequestLog,), {"requests": log})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class OpenedFiles:
    """Files this process opens while recording (an audit hook: hooks cannot be removed,
    so one is installed for the session and records only inside ``with recording``)."""

    installed = False
    active: list[str] | None = None

    @classmethod
    def hook(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.active is not None and event == "open" and isinstance(args[0], str | bytes):
            cls.active.append(os.path.realpath(os.fsdecode(args[0])))

    def __enter__(self) -> list[str]:
        if not OpenedFiles.installed:
            sys.addaudithook(OpenedFiles.hook)
            OpenedFiles.installed = True
        OpenedFiles.active = []
        return OpenedFiles.active

    def __exit__(self, *exc: object) -> None:
        OpenedFiles.active = None


# What a render legitimately opens outside the package: Python's own files, time zone data,
# tempfile's writability probe (/tmp/tmpXXXX) and the renderer's and WeasyPrint's own
# temporary folders (Fontconfig configuration, font cache).
SYSTEM_READS = ("/usr/share/zoneinfo/", "/dev/null", "/dev/urandom")
TEMPORARY_PREFIXES = ("tmp", "rexdecl-fontconfig-", "weasyprint-")


def foreign_files(opened: list[str], *allowed_folders: Path) -> set[str]:
    """Opened files outside Python, the package's own files and ``allowed_folders``."""
    from rexdecl.documents.assets import templates_dir

    roots = [
        sys.prefix,
        sys.base_prefix,
        str(ROOT / "rexdecl"),
        str(templates_dir()),
        *(str(Path(p).resolve()) for p in allowed_folders),
    ]
    temp = Path(tempfile.gettempdir()).resolve()
    foreign = set()
    for name in opened:
        path = Path(name)
        if any(name == r or name.startswith(r.rstrip("/") + "/") for r in roots):
            continue
        if name.startswith(SYSTEM_READS) or path == temp:
            continue
        if path.is_relative_to(temp) and path.relative_to(temp).parts[0].startswith(TEMPORARY_PREFIXES):
            continue
        foreign.add(name)
    return foreign


RUNNING_LINES = re.compile(r"^(?:(?:COMMERCIAL INVOICE|PACKING LIST) • Invoice No\. .* • .*|Page \d+ of \d+)$")


def pdf_body_text(path: Path) -> str:
    """The PDF's text without each page's running footer, so that a value broken across
    pages reads as one."""
    return "\n".join(
        line for line in pdf_text(path).replace("\f", "\n").splitlines() if not RUNNING_LINES.match(line.strip())
    )


def pdf_every_byte(path: Path) -> bytes:
    """The file's bytes plus every stream decoded (fonts, pages, attachments, metadata)."""
    reader = PdfReader(path)
    chunks = [path.read_bytes()]
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free or missing object number
            continue
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
        chunks.append(repr(obj).encode("utf-8", "replace"))
    return b"\n".join(chunks)


def compact(text: str) -> str:
    """Text without white space and hyphens: the PDF breaks long values into lines anywhere,
    and pdftotext joins a word broken after a hyphen without it ("pytest-of-root" ->
    "pytest-ofroot")."""
    return re.sub(r"[\s-]+", "", text)


def hostile_payloads(port: int, secret: Path) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        '<link rel=attachment href="/etc/hostname">',
        f'<link rel="attachment" href="{secret.as_uri()}">',
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "{% raw %}",
        f"url(http://127.0.0.1:{port}/)",
        f"<style>@import url(http://127.0.0.1:{port}/x.css)</style>",
        f'<img src="http://127.0.0.1:{port}/img.png">',
        f'<object data="{secret.as_uri()}"></object>',
        "&amp; &lt;b&gt; </td></tr></table><h1>X</h1>",
    ]


# Every text field of the workbook, with the tag that starts its value (the invoice number,
# which also names the files, holds a shorter one: see HOSTILE_INVOICE_NUMBER).
SHIPMENT_TEXT = {
    "exporter_name": "EXPNAME",
    "exporter_address": "EXPADDR",
    "consignee_name": "CONNAME",
    "consignee_address": "CONADDR",
    "consignment_ref": "BLREF",
    "incoterm": "INCOTERM",
    "delivery_place": "DELIVERY",
    "payment_terms": "PAYMENT",
    "buyer_order": "BUYER",
    "lc_number": "LCNUM",
    "port_of_loading": "POL",
    "port_of_discharge": "POD",
    "vessel": "VESSEL",
    "peb_number": "PEBNO",
    "eska_code": "ESKA",
    "notes": "NOTES",
}
ITEM_TEXT = {"description": "DESC", "unit": "UNIT", "origin_note": "ONOTE", "package_type": "PKG", "marks": "MARKS"}
EXPORTER_TEXT = {"name": "EXPNAME", "address": "EXPADDR", "npwp": "NPWP", "contact": "CONTACT"}
NOT_PRINTED = {"ONOTE", "CONTACT"}  # kept in the attached shipment data, not on the page
HOSTILE_INVOICE_NUMBER = "INV <b>{{ 7*7 }}</b> <script>x</script>"


def hostile_workbook(path: Path, payload: str) -> Path:
    """Every text field holds ``TAG payload``; the registration is the Exporter sheet, so
    the exporter's name and address in both places match."""

    def value(tag: str) -> str:
        return f"{tag} {payload}"

    shipment = {
        **SHIPMENT,
        "exporter_rex": "IDREXEXAMPLE0000009",
        "exporter_country": "ID",
        "peb_date": dt.date(2026, 11, 15),
        "invoice_number": HOSTILE_INVOICE_NUMBER,
        **{field: value(tag) for field, tag in SHIPMENT_TEXT.items()},
    }
    items = [
        {**item, **{field: value(f"{tag}{number}") for field, tag in ITEM_TEXT.items()}}
        for number, item in enumerate(ITEMS, start=1)
    ]

    exporter = {
        "rex_number": "IDREXEXAMPLE0000009",
        "country": "ID",
        "registered_on": dt.date(2020, 1, 6),
        "activity": "producer",
        **{field: value(tag) for field, tag in EXPORTER_TEXT.items()},
    }
    return write_workbook(path, shipment, items, registration=False, exporter=exporter)


@needs_pdftotext
def test_hostile_text_in_every_field_renders_as_text(tmp_path: Path, http_server: tuple[int, list[str]]) -> None:
    port, requests = http_server
    secret = tmp_path / "secret" / "secret.txt"
    secret.parent.mkdir()
    marker = f"REXDECL-SECRET-{uuid.uuid4()}"
    secret.write_text(marker)
    payload = " ".join(hostile_payloads(port, secret))
    assert len(payload) + 10 < limits.MAX_TEXT_LENGTH
    path = hostile_workbook(tmp_path / "in" / "hostile.xlsx", payload)
    out = tmp_path / "out"
    with OpenedFiles() as opened:
        result = generate(path, out, "--html")
    assert_handled(result, 0)

    assert requests == []
    assert not {"/etc/passwd", "/etc/hostname", str(secret.resolve())} & set(opened)
    assert foreign_files(opened, tmp_path / "in", out) == set()

    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 2
    leaked = [marker.encode()]
    passwd = Path("/etc/passwd").read_bytes().splitlines()[:1]
    leaked += [line for line in passwd if len(line) >= 12]
    hostname = Path("/etc/hostname").read_bytes().strip() if Path("/etc/hostname").exists() else b""
    if len(hostname) >= 8:  # a short host name ("vm") occurs in any binary by chance
        leaked.append(hostname)
    texts = {pdf: compact(pdf_body_text(pdf)) for pdf in pdfs}
    everything = compact(" ".join(texts.values()))
    for pdf in pdfs:
        data = pdf_every_byte(pdf)
        for secret_bytes in leaked:
            assert secret_bytes not in data, (pdf.name, secret_bytes)
        reader = PdfReader(pdf)
        assert list(reader.attachments) == ["shipment.json"]
        for key in (b"/JavaScript", b"/JS ", b"/Launch", b"/URI", b"/SubmitForm", b"/GoToR"):
            assert key not in data, (pdf.name, key)
        # The literal characters are on the page: {{ 7*7 }} is not 49, tags are not markup.
        assert "{{7*7}}" in texts[pdf]
        assert "<script>alert(1)</script>" in texts[pdf]
    for tag in {*SHIPMENT_TEXT.values(), *EXPORTER_TEXT.values()} - NOT_PRINTED:
        assert tag + compact(payload) in everything, tag
    # Cells of the line table are narrow columns that break across pages, where pdftotext
    # puts the repeated table head and the neighbouring cells in between: there, every
    # character must come, in order, within a short stretch after the field's tag.
    cells = {
        pdfs[0]: ("DESC1", "DESC2", "MARKS1", "MARKS2", "UNIT1"),
        pdfs[1]: ("DESC1", "DESC2", "MARKS1", "MARKS2", "PKG1"),
    }
    for pdf, tags in cells.items():
        for tag in tags:
            assert in_order(tag + compact(payload), texts[pdf], within=3), (pdf.name, tag)
    for text in texts.values():
        assert compact(HOSTILE_INVOICE_NUMBER) in text
    # The attached shipment data holds the values as data, not as anything else.
    attached = json.loads(PdfReader(pdfs[0]).attachments["shipment.json"][0])
    assert attached["lines"][0]["origin_note"] == f"ONOTE1 {payload}"
    # The HTML written for inspection holds every printed value whole, escaped.
    for pdf, document in ((pdfs[0], "invoice"), (pdfs[1], "packing-list")):
        html = (out / pdf.name.replace(".pdf", ".html")).read_text(encoding="utf-8")
        assert "<script>" not in html and "<img" not in html and "<link rel=attachment" not in html
        for tag in (*cells[pdf], "EXPNAME", "CONADDR", "NOTES"):
            assert str(escape(f"{tag} {payload}")) in html, (document, tag)  # as Jinja escapes


def in_order(needle: str, text: str, within: float) -> bool:
    """Whether the characters of ``needle`` occur in ``text``, in order, starting at an
    occurrence of its first 5 characters and within ``within`` times its length."""
    start = text.find(needle[:5])
    while start != -1:
        position = start
        window_end = start + int(len(needle) * within)
        for char in needle:
            position = text.find(char, position, window_end)
            if position == -1:
                break
            position += 1
        else:
            return True
        start = text.find(needle[:5], start + 1)
    return False


def test_hostile_invoice_number_becomes_a_safe_file_name(tmp_path: Path) -> None:
    number = "../../etc/<passwd> {{7*7}}\u00e9."  # (a direction override is refused: see above)
    path = write_workbook(tmp_path / "in" / "name.xlsx", shipment=with_shipment(invoice_number=number))
    out = tmp_path / "out"
    assert_handled(generate(path, out), 0)
    base = "..-..-etc--passwd----7-7---."  # workbook-format.md: outside A-Za-z0-9._- -> "-"
    assert base == re.sub(r"[^A-Za-z0-9._-]", "-", number)
    assert sorted(p.name for p in out.iterdir()) == [f"{base}_invoice.pdf", f"{base}_packing-list.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_invoice_number_too_long_for_a_file_name(tmp_path: Path) -> None:
    """Fixed: a 2,000-character invoice number made the file name too long (exit 3)."""
    number = "INV-" + "0" * (limits.MAX_TEXT_LENGTH - 4)
    path = write_workbook(tmp_path / "in" / "long.xlsx", shipment=with_shipment(invoice_number=number))
    assert_handled(check(path), 0)
    out = tmp_path / "out"
    result = generate(path, out)
    assert_handled(result, 2)
    assert (
        f"rexdecl: {path}, sheet Shipment, cell B2: the invoice number is 2,000 characters "
        f"long, too long to name the output files; expected at most {limits.MAX_FILE_STEM} "
        "characters"
    ) in result.output
    assert not out.exists()
    ok = write_workbook(tmp_path / "ok" / "ok.xlsx", shipment=with_shipment(invoice_number="I" * limits.MAX_FILE_STEM))
    assert_handled(generate(ok, out, "--html"), 0)
    assert len(list(out.iterdir())) == 4


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\0" + b"\x20\x40\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_logo_outside_the_workbook_folder_is_the_only_file_read(tmp_path: Path, good: Path) -> None:
    logo_folder = tmp_path / "elsewhere" / "branding"
    logo_folder.mkdir(parents=True)
    logo = logo_folder / "logo.png"
    logo.write_bytes(png_bytes())
    (logo_folder / "other.png").write_bytes(png_bytes())
    out = tmp_path / "out"
    with OpenedFiles() as opened:
        result = generate(good, out, "--logo", str(logo))
    assert_handled(result, 0)
    assert foreign_files(opened, good.parent, out) == {str(logo.resolve())}


def test_logo_that_is_not_an_image_is_refused(tmp_path: Path, good: Path) -> None:
    out = tmp_path / "out"
    with OpenedFiles() as opened:
        result = generate(good, out, "--logo", "/etc/passwd")
    assert_handled(result, 2)
    assert "rexdecl: /etc/passwd: the logo must be a PNG, JPEG or SVG file" in result.output
    assert "/etc/passwd" not in opened
    assert not out.exists()


def test_text_file_named_like_an_image_is_refused_as_a_logo(tmp_path: Path, good: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("root:x:0:0:root:/root:/bin/bash\n")
    out = tmp_path / "out"
    result = generate(good, out, "--logo", str(fake))
    assert_handled(result, 2)
    assert (
        f"rexdecl: {fake}: the file is not a PNG, JPEG or SVG image (its content does not "
        "match); expected the exporter's logo"
    ) in result.output
    assert not out.exists()


def test_svg_logo_pointing_elsewhere_is_refused(tmp_path: Path, good: Path, http_server: tuple[int, list[str]]) -> None:
    port, requests = http_server
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_bytes())
    logo = tmp_path / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="40" height="20">'
        f'<image xlink:href="{secret.as_uri()}" width="20" height="20"/>'
        f'<image href="http://127.0.0.1:{port}/logo.png" x="20" width="20" height="20"/></svg>'
    )
    out = tmp_path / "out"
    with OpenedFiles() as opened:
        result = generate(good, out, "--logo", str(logo))
    output = assert_handled(result, 2)
    assert f"{logo}: the SVG logo refers to something outside the file ({secret.as_uri()})" in output
    assert requests == []
    assert str(secret.resolve()) not in opened
    assert no_partial_files(out) == []


# == 3. Output safety ============================================================================


def test_existing_outputs_are_not_overwritten_without_force(tmp_path: Path, good: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    existing = out / OUTPUTS[0]
    existing.write_bytes(b"%PDF-1.7 an invoice sent last week\n%%EOF\n")
    before = existing.read_bytes()
    result = generate(good, out)
    assert_handled(result, 2)
    assert (f"rexdecl: {existing} already exist(s); nothing was written (use --force to replace)") in result.output
    assert existing.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [OUTPUTS[0]]
    assert_handled(generate(good, out, "--force"), 0)
    assert existing.read_bytes() != before
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)


def test_out_naming_a_file(tmp_path: Path, good: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"not a folder")
    result = generate(good, target)
    assert_handled(result, 2)
    assert f"rexdecl: {target} is a file, not a folder; expected an output folder (--out)" in result.output
    assert target.read_bytes() == b"not a folder"


def test_out_below_a_file(tmp_path: Path, good: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = generate(good, blocker / "sub")
    assert_handled(result, 2)
    assert f"rexdecl: {blocker / 'sub'}: the output folder cannot be created (Not a directory)" in result.output


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder this process cannot write in. As root, permissions do not stop writes, so
    the folder is made immutable (chattr +i) instead; skipped when that is not possible."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            yield folder
        finally:
            folder.chmod(0o700)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip(
            "running as root, where chmod does not stop writes, and chattr +i is not available on this file system"
        )
    try:
        probe = folder / "probe"
        try:
            probe.write_text("x")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("running as root and the immutable flag does not stop writes here")
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_output_folder_not_writable(read_only_folder: Path, good: Path) -> None:
    result = generate(good, read_only_folder)
    assert_handled(result, 2)
    assert (
        f"rexdecl: {read_only_folder}: the output folder is not writable; choose another with --out"
    ) in result.output
    assert list(read_only_folder.iterdir()) == []


def test_unrelated_files_in_the_output_folder_are_untouched(tmp_path: Path, good: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    unrelated = {
        "notes.txt": b"call the forwarder\n",
        "OTHER-INV_invoice.pdf": b"%PDF-1.7 someone else's invoice\n",
        ".BCP-INV-2026-118_invoice.pdf.keep": b"a dot file",
    }
    for name, data in unrelated.items():
        (out / name).write_bytes(data)
    stamps = {name: (out / name).stat().st_mtime_ns for name in unrelated}
    assert_handled(generate(good, out), 0)
    assert sorted(p.name for p in out.iterdir()) == sorted([*unrelated, *OUTPUTS])
    for name, data in unrelated.items():
        assert (out / name).read_bytes() == data
        assert (out / name).stat().st_mtime_ns == stamps[name]


def test_shipment_with_errors_writes_nothing(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "in" / "errors.xlsx", items=with_item(0, hs_code=None))
    out = tmp_path / "out"
    result = generate(path, out)
    assert_handled(result, 1)
    assert "MISSING-FIELD" in result.output
    assert "rexdecl: errors found; no document was written" in result.output
    assert not out.exists() or list(out.iterdir()) == []
    assert sorted(p.name for p in path.parent.iterdir()) == ["errors.xlsx", "registration.toml"]


def no_partial_files(folder: Path) -> list[str]:
    """Names in ``folder``; every PDF among them must be complete."""
    names = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    assert not [n for n in names if n.endswith(".part") or n.startswith(".")], names
    for name in names:
        if name.endswith(".pdf"):
            data = (folder / name).read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), name
            PdfReader(folder / name)
    return names


def interrupt_on(
    monkeypatch: pytest.MonkeyPatch, call: int, error: BaseException, target: str = "replace", after: bool = False
) -> None:
    """Make ``os.<target>`` as rexdecl.output uses it raise ``error`` on its ``call``-th
    use: before doing its work, or ``after`` it (a Ctrl-C just after a file was renamed)."""
    import rexdecl.output

    real = getattr(os, target)
    calls = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == call and not after:
            raise error
        result = real(*args, **kwargs)
        if len(calls) == call:
            raise error
        return result

    fake_os = type(sys)("os")
    fake_os.__dict__.update(os.__dict__)
    setattr(fake_os, target, flaky)
    monkeypatch.setattr(rexdecl.output, "os", fake_os)


@pytest.mark.parametrize(
    ("call", "target", "after"),
    [
        (1, "replace", False),  # before the first document is in place
        (2, "replace", False),  # the first is in place, the second not yet
        (1, "replace", True),  # just after the first rename (a real Ctrl-C can land there)
        (2, "fsync", False),  # while the second document's bytes are being written
    ],
)
def test_ctrl_c_while_writing_leaves_no_partial_file(
    tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch, call: int, target: str, after: bool
) -> None:
    out = tmp_path / "out"
    interrupt_on(monkeypatch, call, KeyboardInterrupt(), target, after)
    result = generate(good, out)
    assert_handled(result, 130)
    assert "rexdecl: interrupted; no partial file was left" in result.output
    assert no_partial_files(out) == []  # the first file, already in place, is removed again


def test_ctrl_c_with_force_keeps_complete_files_only(
    tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert_handled(generate(good, out), 0)
    interrupt_on(monkeypatch, 2, KeyboardInterrupt())
    result = generate(good, out, "--force")
    assert_handled(result, 130)
    assert no_partial_files(out) == sorted(OUTPUTS)


def test_disk_full_while_writing(tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    interrupt_on(monkeypatch, 2, OSError(errno.ENOSPC, "No space left on device"), "fsync")
    result = generate(good, out)
    assert_handled(result, 2)
    assert f"{out / OUTPUTS[1]}: could not be written (No space left on device)" in result.output
    assert no_partial_files(out) == []


def test_crash_while_rendering_writes_nothing(tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the renderer on the second document: exit 3 with a message, no file."""
    from rexdecl.documents.pdf import Renderer

    real = Renderer.pdf
    calls = []

    def pdf(self: Renderer, *args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("renderer broke")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Renderer, "pdf", pdf)
    out = tmp_path / "out"
    result = generate(good, out)
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert "rexdecl: internal error (RuntimeError: renderer broke). This is a bug in rexdecl" in result.output
    assert no_partial_files(out) == []


SIGINT_DRIVER = textwrap.dedent("""
    import os, signal, sys
    import rexdecl.output

    real_replace = os.replace
    done = []

    def replace(source, target):
        real_replace(source, target)
        done.append(target)
        if len(done) == 1:  # Ctrl-C right after the first document is in place
            os.kill(os.getpid(), signal.SIGINT)

    rexdecl.output.os = type(sys)("os")
    rexdecl.output.os.__dict__.update(os.__dict__)
    rexdecl.output.os.replace = replace
    from rexdecl.cli import main
    main(sys.argv[1:])
""")


def test_real_sigint_after_the_first_file(tmp_path: Path, good: Path) -> None:
    out = tmp_path / "out"
    completed = subprocess.run(
        [sys.executable, "-c", SIGINT_DRIVER, "generate", str(good), "--out", str(out), "--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 130, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "rexdecl: interrupted; no partial file was left" in completed.stderr
    assert no_partial_files(out) == []


# == 4. Property: any text in any field =========================================================

SHIPMENT_FIELDS = [f for f in SHIPMENT if f != "invoice_date"] + [
    "invoice_date",
    "exporter_name",
    "exporter_address",
    "exporter_country",
    "destination_country",
    "scheme",
    "customs_id",
    "eur_rate",
    "chf_rate",
    "number_format",
    "consignment_ref",
    "statement_language",
    "delivery_place",
    "payment_terms",
    "buyer_order",
    "lc_number",
    "port_of_loading",
    "port_of_discharge",
    "vessel",
    "peb_number",
    "peb_date",
    "invoice_total",
]
ITEM_FIELDS = COLUMNS + ["origin_country", "ex_works_value"]
PRINTED_FIELDS = [
    ("shipment", f)
    for f in (
        "consignee_name",
        "consignee_address",
        "notes",
        "incoterm",
        "delivery_place",
        "payment_terms",
        "vessel",
        "port_of_discharge",
        "eska_code",
        "invoice_number",
    )
] + [("items", f) for f in ("description", "marks", "package_type", "unit")]


def excel_text(text: str) -> str:
    """``text`` as Excel stores it: control characters XML cannot hold become _xHHHH_."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


any_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(st.characters(blacklist_categories=("Cs",), max_codepoint=0x7F), max_size=30),
    st.from_regex(r"[-+]?[0-9.,\u00a0 ]{1,40}", fullmatch=True),
    st.integers(limits.MAX_TEXT_LENGTH - 30, limits.MAX_TEXT_LENGTH + 30).flatmap(
        lambda n: st.text(st.characters(blacklist_categories=("Cs",)), min_size=n, max_size=n)
    ),
)


def workbook_with_text(folder: Path, sheet: str, field: str, text: str) -> Path:
    value = excel_text(text)
    if sheet == "shipment":
        return write_workbook(folder / "shipment.xlsx", shipment=with_shipment(**{field: value}))
    return write_workbook(folder / "shipment.xlsx", items=with_item(0, **{field: value}))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    where=st.one_of(
        st.tuples(st.just("shipment"), st.sampled_from(SHIPMENT_FIELDS)),
        st.tuples(st.just("items"), st.sampled_from(ITEM_FIELDS)),
    ),
    text=any_text,
)
def test_any_text_in_any_field_is_checked_without_crash(
    tmp_path_factory: pytest.TempPathFactory, where: tuple[str, str], text: str
) -> None:
    path = workbook_with_text(tmp_path_factory.mktemp("prop"), *where, text)
    result = check(path)
    output = assert_handled(result, 0, 1, 2)
    if result.exit_code == 2:
        assert f"{path}, sheet " in output  # the message names the sheet (and cell)


@needs_pdftotext
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=st.sampled_from(PRINTED_FIELDS), text=any_text)
def test_any_text_in_a_printed_field_is_generated_without_crash(
    tmp_path_factory: pytest.TempPathFactory, where: tuple[str, str], text: str
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    path = workbook_with_text(folder, *where, text)
    out = folder / "out"
    result = generate(path, out)
    assert_handled(result, 0, 1, 2)
    if result.exit_code == 0:
        assert len(list(out.glob("*.pdf"))) == 2
    else:
        assert not out.exists() or not any(out.iterdir())


# == 5. Fuzzing the reader with mutated examples =================================================


def load_fuzzer() -> Any:
    spec = importlib.util.spec_from_file_location("fuzz_reader", ROOT / "bench" / "fuzz_reader.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules.get("fuzz_reader")
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules["fuzz_reader"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


def test_fuzzer_mutations_are_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same seed gives the same inputs (so a crash can be replayed), whatever the clock
    says when the mutated package is written (zip entries carry a timestamp)."""
    import time

    fuzzer = load_fuzzer()
    source = (ROOT / "examples" / "jepara-teak.xlsx").read_bytes()

    def inputs(seed: int) -> list[bytes]:
        rng = fuzzer.random.Random(seed)
        return [fuzzer.mutate(rng, source)[0] for _ in range(20)]

    first = inputs(3)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # another day, another minute
    assert first == inputs(3)
    assert inputs(3) != inputs(4)


def test_fuzzed_examples_never_crash() -> None:
    fuzzer = load_fuzzer()
    result = fuzzer.fuzz(150, seed=6, timeout=20.0)
    counts = result["counts"]
    assert sum(counts.values()) == 150
    assert counts["unreadable"] > 0 and counts["ok"] + counts["findings"] > 0  # it reached both
    assert (counts["CRASH"], counts["HANG"]) == (0, 0), result["problems"][:5]


def test_fuzzer_short_run_with_cases_and_seed(capsys: pytest.CaptureFixture[str]) -> None:
    """The CI-sized run: ``python bench/fuzz_reader.py --cases N --seed S`` exits 0 when no
    input crashed or hung, and says how many of each outcome it saw."""
    fuzzer = load_fuzzer()
    assert fuzzer.main(["--cases", "40", "--seed", "11"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("fuzz_reader: 40 inputs, seed 11, ")
    assert re.search(r"^  CRASH +0$", out, re.MULTILINE) and re.search(r"^  HANG +0$", out, re.MULTILINE)


def test_fuzzer_mutations_reach_the_new_hostile_classes() -> None:
    """Each mutation the reader's bounds answer changes the package it is given."""
    fuzzer = load_fuzzer()
    source = (ROOT / "examples" / "jepara-teak.xlsx").read_bytes()
    for name in ("row-number", "style-index", "written-twice", "xml-encoding", "sheet-names"):
        rng = fuzzer.random.Random(1)
        assert any(fuzzer.MUTATIONS[name](rng, source) != source for _ in range(5)), name
    text = (ROOT / "examples" / "registration.toml").read_text(encoding="utf-8")
    rng = fuzzer.random.Random(1)
    assert all(fuzzer.mutate_registration(rng, text) != text for _ in range(20))


def test_run_reader_classifies_outcomes(tmp_path: Path, good: Path) -> None:
    fuzzer = load_fuzzer()
    assert fuzzer.run_reader(good, 30).outcome == "ok"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 nothing more")
    assert fuzzer.run_reader(broken, 30).outcome == "unreadable"
    errors = write_workbook(tmp_path / "e" / "errors.xlsx", items=with_item(0, hs_code=None))
    assert fuzzer.run_reader(errors, 30).outcome == "findings"
