"""The shipment workbook and registration readers against workbook-format.md: names and
aliases, layout oddities, unreadable cells, unusable files (exit 2), which registration is
used, and the blank template read back."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    AS_OF,
    BASE_ITEM,
    BASE_REGISTRATION,
    BASE_SHIPMENT,
    MATERIAL_ORDER,
    REX,
    field_value_rows,
    flat,
    make_workbook,
    run_check,
    run_cli,
    shipment_with,
    table_rows,
    write_registration,
    write_rows,
)
from openpyxl import Workbook, load_workbook

from rexdecl.errors import UnreadableInput
from rexdecl.findings import Severity
from rexdecl.input.registration import read_registration_file, resolve_registration
from rexdecl.input.workbook import read_shipment
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

ITEM_COLUMNS = list(BASE_ITEM)
ITEM_VALUES = list(BASE_ITEM.values())


def _read(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "w.xlsx"):  # type: ignore[no-untyped-def]
    return read_shipment(write_rows(tmp_path / name, sheets))


def _unreadable(path: Path) -> UnreadableInput:
    with pytest.raises(UnreadableInput) as caught:
        read_shipment(path)
    return caught.value


# -- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shipment_title", "items_title"),
    [
        ("Shipment", "Items"),
        ("SHIPMENT", "items"),
        (" Ship ment ", "I_T_E_M_S"),
        ("ship-ment", "Items "),
        ("Pengiriman", "Barang"),
        ("PENGIRIMAN", "barang"),
    ],
)
def test_sheet_names_match_loosely(tmp_path: Path, shipment_title: str, items_title: str) -> None:
    read = _read(
        tmp_path,
        {
            shipment_title: field_value_rows(BASE_SHIPMENT),
            items_title: [ITEM_COLUMNS, ITEM_VALUES],
        },
    )
    assert read.shipment.invoice_number == "INV-2026-001"
    assert read.items[0].hs_code == "9403.60"
    assert read.unknown == ()


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("HS Code", "hs_code"),
        ("hs-code", "hs_code"),
        ("HSCODE", "hs_code"),
        (" hs_code ", "hs_code"),
        ("Unit Price", "unit_price"),
        ("UNIT_PRICE", "unit_price"),
        ("Origin Criterion", "origin_criterion"),
        ("origin-criterion", "origin_criterion"),
    ],
)
def test_column_names_match_loosely(tmp_path: Path, header: str, field: str) -> None:
    columns = [header if c == field else c for c in ITEM_COLUMNS]
    read = _read(tmp_path, {"Shipment": field_value_rows(BASE_SHIPMENT), "Items": [columns, ITEM_VALUES]})
    assert getattr(read.items[0], field) == BASE_ITEM[field] or str(getattr(read.items[0], field)) == str(
        BASE_ITEM[field]
    )
    assert read.unknown == ()


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Invoice Number", "invoice_number"),
        ("INVOICE-DATE", "invoice_date"),
        ("consignee country", "consignee_country"),
    ],
)
def test_field_names_match_loosely(tmp_path: Path, label: str, field: str) -> None:
    shipment = {(label if k == field else k): v for k, v in BASE_SHIPMENT.items()}
    read = _read(tmp_path, {"Shipment": field_value_rows(shipment), "Items": [ITEM_COLUMNS, ITEM_VALUES]})
    assert getattr(read.shipment, field) == BASE_SHIPMENT[field]
    assert read.unknown == ()


# Every Indonesian alias of workbook-format.md, with a value and how the model holds it.
SHIPMENT_ALIASES = [
    ("no_invoice", "invoice_number", "INV-9", "INV-9"),
    ("tanggal_invoice", "invoice_date", "21/11/2026", dt.date(2026, 11, 21)),
    ("no_rex", "exporter_rex", REX, REX),
    ("nama_eksportir", "exporter_name", "PT Jati Contoh", "PT Jati Contoh"),
    ("alamat_eksportir", "exporter_address", "Jl. Contoh 2", "Jl. Contoh 2"),
    ("negara_eksportir", "exporter_country", "ID", "ID"),
    ("nama_penerima", "consignee_name", "Beispiel GmbH", "Beispiel GmbH"),
    ("alamat_penerima", "consignee_address", "Musterstr. 2", "Musterstr. 2"),
    ("negara_penerima", "consignee_country", "NL", "NL"),
    ("negara_tujuan", "destination_country", "BE", "BE"),
    ("skema", "scheme", "eu-gsp", "eu-gsp"),
    ("no_identitas_pabean", "customs_id", "GB123456789000", "GB123456789000"),
    ("mata_uang", "currency", "USD", "USD"),
    ("kurs_eur", "eur_rate", 1.08, Decimal("1.08")),
    ("kurs_chf", "chf_rate", 0.95, Decimal("0.95")),
    ("format_angka", "number_format", "id", "id"),
    ("no_bl", "consignment_ref", "SMG-HAM-1", "SMG-HAM-1"),
    ("bahasa_pernyataan", "statement_language", "fr", "fr"),
    ("kapal", "vessel", "MV Contoh", "MV Contoh"),
    ("tanggal_ekspor", "export_date", "22 Nopember 2026", dt.date(2026, 11, 22)),
    ("perkiraan_tiba", "expected_import_date", "15 Desember 2026", dt.date(2026, 12, 15)),
    ("kode_autentik", "eska_code", "ESKA-1", "ESKA-1"),
    ("total_invoice", "invoice_total", "1.000,00", Decimal("1000.00")),
    ("catatan", "notes", "Catatan", "Catatan"),
]


@pytest.mark.parametrize(("alias", "field", "cell", "expected"), SHIPMENT_ALIASES, ids=[a[0] for a in SHIPMENT_ALIASES])
def test_shipment_aliases(tmp_path: Path, alias: str, field: str, cell: Any, expected: Any) -> None:
    shipment = {k: v for k, v in BASE_SHIPMENT.items() if k != field}
    shipment[alias] = cell
    read = _read(
        tmp_path,
        {
            "Pengiriman": field_value_rows(shipment, header=False),
            "Barang": [ITEM_COLUMNS, ITEM_VALUES],
        },
    )
    assert getattr(read.shipment, field) == expected
    assert read.unknown == ()


ITEM_ALIASES = [
    ("no", "line", 7, 7),
    ("uraian_barang", "description", "Meja jati", "Meja jati"),
    ("kode_hs", "hs_code", "9403.60", "9403.60"),
    ("pos_tarif", "hs_code", "9403.60", "9403.60"),
    ("jumlah", "quantity", 10, Decimal(10)),
    ("satuan", "unit", "PCS", "PCS"),
    ("harga_satuan", "unit_price", "100,50", Decimal("100.50")),
    ("nilai", "amount", 1005, Decimal(1005)),
    ("negara_asal", "origin_country", "ID", "ID"),
    ("kriteria_asal", "origin_criterion", "W 9403", "W 9403"),
    ("catatan_asal", "origin_note", "kayu Perhutani", "kayu Perhutani"),
    ("nilai_exw", "ex_works_value", 900, Decimal(900)),
    ("koli", "packages", 2, Decimal(2)),
    ("jenis_kemasan", "package_type", "PETI", "PETI"),
    ("merek", "marks", "BM-1", "BM-1"),
    ("berat_bersih", "net_kg", "30,5", Decimal("30.5")),
    ("berat_kotor", "gross_kg", 32, Decimal(32)),
    ("volume", "cbm", "0,12", Decimal("0.12")),
]


@pytest.mark.parametrize(("alias", "field", "cell", "expected"), ITEM_ALIASES, ids=[a[0] for a in ITEM_ALIASES])
def test_items_aliases(tmp_path: Path, alias: str, field: str, cell: Any, expected: Any) -> None:
    item = {k: v for k, v in BASE_ITEM.items() if k != field}
    if field == "quantity" or field == "unit_price":
        item.pop("amount")
    item[alias] = cell
    read = _read(
        tmp_path,
        {"Shipment": field_value_rows(BASE_SHIPMENT), "Barang": [list(item), list(item.values())]},
    )
    assert getattr(read.items[0], field) == expected
    assert read.unknown == ()


MATERIAL_ALIASES = [
    ("no", "line", 1, 1),
    ("uraian", "description", "Kayu jati", "Kayu jati"),
    ("kode_hs", "hs_code", "4407.22", "4407.22"),
    ("asal", "origin", "ID", "ID"),
    ("nilai", "value", "1.250,50", Decimal("1250.50")),
]


@pytest.mark.parametrize(("alias", "field", "cell", "expected"), MATERIAL_ALIASES, ids=[a[0] for a in MATERIAL_ALIASES])
def test_materials_aliases(tmp_path: Path, alias: str, field: str, cell: Any, expected: Any) -> None:
    material = {"line": 1, "description": "Teak", "hs_code": "4407", "origin": "ID", "value": 100}
    material = {(alias if k == field else k): (cell if k == field else v) for k, v in material.items()}
    read = _read(
        tmp_path,
        {
            "Shipment": field_value_rows(BASE_SHIPMENT),
            "Items": [ITEM_COLUMNS, ITEM_VALUES],
            "Bahan": [list(material), list(material.values())],
        },
    )
    assert read.materials is not None
    assert getattr(read.materials[0], field) == expected
    assert read.unknown == ()


def test_exporter_sheet_alias(tmp_path: Path) -> None:
    read = _read(
        tmp_path,
        {
            "Shipment": field_value_rows(BASE_SHIPMENT),
            "Items": [ITEM_COLUMNS, ITEM_VALUES],
            "Eksportir": field_value_rows(BASE_REGISTRATION),
        },
    )
    assert read.exporter_sheet is not None
    (entry,) = read.exporter_sheet
    assert (entry.rex_number, entry.name, entry.country, entry.registered_on) == (
        REX,
        "PT Jati Contoh",
        "ID",
        dt.date(2020, 3, 2),
    )


# -- two-column sheets ------------------------------------------------------------------


@pytest.mark.parametrize("header", [["field", "value"], ["Field", "Value"], ["isian", "nilai"], ["ISIAN", "Nilai"]])
def test_header_row_of_two_column_sheets_is_skipped(tmp_path: Path, header: list[str]) -> None:
    rows = [header] + field_value_rows(BASE_SHIPMENT, header=False)
    read = _read(
        tmp_path,
        {
            "Shipment": rows,
            "Items": [ITEM_COLUMNS, ITEM_VALUES],
            "Exporter": [header] + field_value_rows(BASE_REGISTRATION, header=False),
        },
    )
    assert read.unknown == ()
    assert read.shipment.invoice_number == "INV-2026-001"
    assert read.exporter_sheet is not None and read.exporter_sheet[0].rex_number == REX


def test_rows_whose_field_is_empty_are_skipped(tmp_path: Path) -> None:
    rows = field_value_rows(BASE_SHIPMENT)
    rows.insert(3, [None, "a value without a field"])
    rows.insert(5, [None, None])
    rows.append([None, 12345])
    read = _read(tmp_path, {"Shipment": rows, "Items": [ITEM_COLUMNS, ITEM_VALUES]})
    assert read.unknown == ()
    assert read.shipment.invoice_number == "INV-2026-001"
    assert read.shipment.invoice_date == BASE_SHIPMENT["invoice_date"]


def test_unknown_field_warns_and_typo_is_also_missing(tmp_path: Path) -> None:
    shipment = {("invoce_date" if k == "invoice_date" else k): v for k, v in BASE_SHIPMENT.items()}
    result = run_check(tmp_path, shipment)
    unknown = [f for f in result.findings if f.code == "UNKNOWN-FIELD"]
    assert len(unknown) == 1
    assert unknown[0].severity == Severity.WARNING
    assert "invoce_date" in unknown[0].message
    row = list(shipment).index("invoce_date") + 2
    assert f"Shipment!A{row}" in unknown[0].message
    missing = [f for f in result.findings if f.code == "MISSING-FIELD"]
    assert [f.field for f in missing] == ["invoice_date"]
    assert missing[0].severity == Severity.ERROR


def test_unknown_column_warns_and_is_ignored(tmp_path: Path) -> None:
    result = run_check(tmp_path, items=[dict(BASE_ITEM, colour="brown")])
    (unknown,) = [f for f in result.findings if f.code == "UNKNOWN-FIELD"]
    assert unknown.severity == Severity.WARNING
    assert "colour" in unknown.message
    column = "ABCDEFGHI"[list(dict(BASE_ITEM, colour="x")).index("colour")]
    assert f"Items!{column}1" in unknown.message
    assert not [f for f in result.findings if f.severity == Severity.ERROR]


# -- table sheets -----------------------------------------------------------------------


def test_hidden_rows_and_columns_are_read(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, items=[BASE_ITEM, dict(BASE_ITEM, line=2, description="Chair")])
    workbook = load_workbook(path)
    items = workbook["Items"]
    items.row_dimensions[3].hidden = True
    items.column_dimensions["C"].hidden = True
    workbook["Shipment"].row_dimensions[2].hidden = True
    workbook.save(path)
    read = read_shipment(path)
    assert [i.description for i in read.items] == ["Teak dining table", "Chair"]
    assert read.items[1].hs_code == "9403.60"
    assert read.shipment.invoice_number == "INV-2026-001"


def test_first_non_empty_row_is_the_header_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    items = [
        [None],
        [None, None, None],
        ITEM_COLUMNS,
        ITEM_VALUES,
        [None] * len(ITEM_COLUMNS),
        [],
        [2, "Chair"] + ITEM_VALUES[2:],
    ]
    shipment = [[None, None], [None]] + field_value_rows(BASE_SHIPMENT)
    read = _read(tmp_path, {"Shipment": shipment, "Items": items})
    assert [(i.line, i.description) for i in read.items] == [(1, "Teak dining table"), (2, "Chair")]
    assert read.items[1].cells["description"].cell == "B7"
    assert read.unknown == ()


def test_header_may_start_in_another_column(tmp_path: Path) -> None:
    items = [[None] + ITEM_COLUMNS, [None] + ITEM_VALUES]
    read = _read(tmp_path, {"Shipment": field_value_rows(BASE_SHIPMENT), "Items": items})
    assert read.items[0].hs_code == "9403.60"
    assert read.items[0].cells["hs_code"].cell == "D2"


def test_repeated_header_row_is_skipped(tmp_path: Path) -> None:
    items = [ITEM_COLUMNS, ITEM_VALUES, ITEM_COLUMNS, [2, "Chair"] + ITEM_VALUES[2:]]
    read = _read(tmp_path, {"Shipment": field_value_rows(BASE_SHIPMENT), "Items": items})
    assert [i.line for i in read.items] == [1, 2]


def test_line_number_defaults_to_row_order(tmp_path: Path) -> None:
    rows = [{k: v for k, v in BASE_ITEM.items() if k != "line"} for _ in range(3)]
    read = _read(
        tmp_path,
        {
            "Shipment": field_value_rows(BASE_SHIPMENT),
            "Items": [
                list(rows[0]),
                list(rows[0].values()),
                [None],
                list(rows[1].values()),
                list(rows[2].values()),
            ],
        },
    )
    assert [i.line for i in read.items] == [1, 2, 3]


def test_a_description_starting_with_contoh_is_a_line(tmp_path: Path) -> None:
    # "Contoh" (sample) starts many real descriptions; only the template's example row is skipped.
    row = {k: v for k, v in BASE_ITEM.items() if k != "line"}
    row["description"] = "Contoh kain batik (sample)"
    read = _read(
        tmp_path,
        {"Shipment": field_value_rows(BASE_SHIPMENT), "Items": table_rows([row], ITEM_COLUMNS)},
    )
    assert [i.description for i in read.items] == ["Contoh kain batik (sample)"]


# -- unreadable cells -------------------------------------------------------------------


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!"])
def test_excel_error_cell_is_unreadable(tmp_path: Path, error: str) -> None:
    path = make_workbook(tmp_path)
    workbook = load_workbook(path)
    workbook["Items"]["F2"] = error  # openpyxl stores it as an error cell (t="e")
    assert workbook["Items"]["F2"].data_type == "e"
    workbook.save(path)
    problems = _unreadable(path).problems
    assert [(p.location.sheet, p.location.cell) for p in problems] == [("Items", "F2")]
    assert error in problems[0].message


def test_formula_without_saved_value_is_unreadable(tmp_path: Path) -> None:
    path = make_workbook(tmp_path)
    workbook = load_workbook(path)
    workbook["Items"]["G2"] = "=D2*F2"  # openpyxl saves the formula with no cached result
    workbook.save(path)
    result = run_cli(["check", path, "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{path}, sheet Items, cell G2" in result.stderr
    assert "open and save the file in Excel" in result.stderr


def test_formula_with_saved_value_is_read(tmp_path: Path) -> None:
    # What Excel writes: the formula and its cached result.
    path = make_workbook(tmp_path)
    workbook = load_workbook(path)
    workbook["Items"]["G2"] = "=D2*F2"
    workbook.save(path)
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    sheet = next(n for n, data in parts.items() if n.startswith("xl/worksheets/") and b"D2*F2" in data)
    parts[sheet] = parts[sheet].replace(b"<f>D2*F2</f><v />", b"<f>D2*F2</f><v>1000</v>")
    assert b"<v>1000</v>" in parts[sheet]
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    assert read_shipment(path).items[0].amount == Decimal(1000)


def test_every_unreadable_cell_is_listed(tmp_path: Path) -> None:
    items = [dict(BASE_ITEM, quantity="1.234"), dict(BASE_ITEM, line=2, unit_price="abc")]
    path = make_workbook(tmp_path, shipment_with(invoice_date="31/02/2026"), items=items)
    cells = sorted((p.location.sheet, p.location.cell) for p in _unreadable(path).problems)
    assert cells == [("Items", "D2"), ("Items", "F3"), ("Shipment", "B3")]


# -- invisible characters ---------------------------------------------------------------


def test_invisible_characters_are_trimmed_at_both_ends(tmp_path: Path) -> None:
    shipment = shipment_with(
        invoice_number="\u200bINV-7\u00a0",
        exporter_rex=f"\ufeff{REX}\u200d",
        consignee_name="\u2060 Beispiel GmbH \u200c",
        currency=" EUR\u00a0",
    )
    items = [dict(BASE_ITEM, hs_code="\u00a09403.60\u200b", origin_criterion="W 9403\u00a0")]
    result = run_check(tmp_path, shipment, items)
    assert result.problems() == []
    read = read_shipment(tmp_path / "shipment.xlsx")
    assert read.shipment.invoice_number == "INV-7"
    assert read.shipment.exporter_rex == REX
    assert read.shipment.consignee_name == "Beispiel GmbH"
    assert read.items[0].hs_code == "9403.60"


@pytest.mark.parametrize("char", ["\u00a0", "\u200b", "\u200d", "\ufeff", "\u2060"])
def test_invisible_character_inside_rex_number_is_an_error(tmp_path: Path, char: str) -> None:
    rex = REX[:8] + char + REX[8:]
    result = run_check(tmp_path, shipment_with(exporter_rex=rex))
    finding = next(f for f in result.findings if f.code == "REX-FORMAT")
    assert finding.severity == Severity.ERROR
    assert f"U+{ord(char):04X}" in finding.message
    assert "REX-UNKNOWN" not in [f.code for f in result.findings]
    row = list(BASE_SHIPMENT).index("exporter_rex") + 2
    assert f"Shipment!B{row}" in finding.message


@pytest.mark.parametrize("char", ["\u00a0", "\u200b", "\ufeff"])
def test_invisible_character_inside_hs_code_is_an_error(tmp_path: Path, char: str) -> None:
    result = run_check(tmp_path, items=[dict(BASE_ITEM, hs_code=f"9403{char}60")])
    finding = next(f for f in result.findings if f.code == "HS-FORMAT")
    assert finding.severity == Severity.ERROR
    assert "Items!C2" in finding.message
    assert f"U+{ord(char):04X}" in finding.message


# -- unusable files: exit 2 -------------------------------------------------------------


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "invoice.xlsx"
    path.write_text("invoice_number,INV-1\n", encoding="utf-8")
    result = run_cli(["check", path])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("rexdecl: the input cannot be used:\n")
    assert f"  - {path}: this is not an Excel workbook" in result.stderr
    assert "expected an .xlsx workbook" in result.stderr


def test_file_not_found(tmp_path: Path) -> None:
    result = run_cli(["check", tmp_path / "missing.xlsx"])
    assert result.exit_code == 2
    assert f"{tmp_path / 'missing.xlsx'}: file not found" in result.stderr


def test_missing_sheet(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "w.xlsx", {"Shipment": field_value_rows(BASE_SHIPMENT), "Sheet2": [["x"]]})
    result = run_cli(["check", path, "--as-of", "2026-11-22"])
    assert result.exit_code == 2
    assert result.stderr == (
        "rexdecl: the input cannot be used:\n"
        f"  - {path}: no sheet named Items (Barang); expected the sheets Shipment and Items "
        "(found: Shipment, Sheet2)\n"
    )


@pytest.mark.parametrize("column", ["description", "hs_code", "quantity", "unit", "unit_price", "origin_criterion"])
def test_missing_required_column(tmp_path: Path, column: str) -> None:
    item = {k: v for k, v in BASE_ITEM.items() if k != column}
    path = write_rows(
        tmp_path / "w.xlsx",
        {"Shipment": field_value_rows(BASE_SHIPMENT), "Items": [list(item), list(item.values())]},
    )
    result = run_cli(["check", path, "--as-of", "2026-11-22"])
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert line.startswith(f"  - {path}, sheet Items, row 1: the header row lacks the column(s) {column};")
    assert "expected the columns description, hs_code, quantity, unit, unit_price, origin_criterion" in line
    assert line.endswith("(found " + ", ".join(item) + ")")


def test_missing_required_materials_column(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "w.xlsx",
        {
            "Shipment": field_value_rows(BASE_SHIPMENT),
            "Items": [ITEM_COLUMNS, ITEM_VALUES],
            "Materials": [["line", "description", "hs_code", "value"], [1, "Teak", "4407", 100]],
        },
    )
    problems = _unreadable(path).problems
    assert [(p.location.sheet, p.location.part) for p in problems] == [("Materials", "row 1")]
    assert "origin" in problems[0].message


def test_materials_sheet_is_optional(tmp_path: Path) -> None:
    assert read_shipment(make_workbook(tmp_path)).materials is None
    read = read_shipment(make_workbook(tmp_path, materials=[], name="empty-materials.xlsx"))
    assert read.materials == ()


# -- registration -----------------------------------------------------------------------

SECOND = dict(
    BASE_REGISTRATION,
    rex_number="IDREXTEST0000000002",
    name="CV Rotan Contoh",
    registered_on=dt.date(2021, 1, 11),
)
THIRD = dict(
    BASE_REGISTRATION,
    rex_number="IDREXTEST0000000003",
    name="UD Perak Contoh",
    registered_on=dt.date(2022, 5, 1),
    revoked_on=dt.date(2025, 6, 30),
    hs_chapters=[71],
)


def test_registration_file_with_many_exporters(tmp_path: Path) -> None:
    path = write_registration(tmp_path / "clients.toml", BASE_REGISTRATION, SECOND, THIRD)
    data = read_registration_file(path)
    assert [e.rex_number for e in data.entries] == [REX, SECOND["rex_number"], THIRD["rex_number"]]
    third = data.find(THIRD["rex_number"])
    assert third is not None
    assert (third.name, third.revoked_on, third.hs_chapters) == (
        "UD Perak Contoh",
        dt.date(2025, 6, 30),
        (71,),
    )
    # the shipment's exporter_rex selects the entry
    shipment = shipment_with(exporter_rex=SECOND["rex_number"], exporter_name="CV Rotan Contoh")
    workbook = make_workbook(tmp_path, shipment)
    result = run_cli(["check", workbook, "--registration", path, "--as-of", "2026-11-22", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    summary = json.loads(result.stdout)["summary"]
    assert (summary["rex_number"], summary["exporter"]) == (SECOND["rex_number"], "CV Rotan Contoh")


def test_registration_toml_beside_the_workbook_is_used(tmp_path: Path) -> None:
    workbook = make_workbook(tmp_path)
    assert resolve_registration(read_shipment(workbook), None).entries == ()
    result = run_cli(["check", workbook, "--as-of", "2026-11-22"])
    assert result.exit_code == 1
    assert "REX-UNKNOWN" in result.stdout
    write_registration(tmp_path / "registration.toml")
    result = run_cli(["check", workbook, "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "REX-UNKNOWN" not in result.stdout


def test_order_of_registration_sources(tmp_path: Path) -> None:
    sheet_entry = dict(BASE_REGISTRATION, name="From the sheet")
    beside_entry = dict(BASE_REGISTRATION, name="From beside")
    named_entry = dict(BASE_REGISTRATION, name="From the option")
    workbook = make_workbook(tmp_path, exporter=sheet_entry)
    write_registration(tmp_path / "registration.toml", beside_entry)
    named = write_registration(tmp_path / "named.toml", named_entry)
    read = read_shipment(workbook)
    assert resolve_registration(read, named).entries[0].name == "From the option"
    assert resolve_registration(read, None).entries[0].name == "From the sheet"
    plain = make_workbook(tmp_path, name="plain.xlsx")
    assert resolve_registration(read_shipment(plain), None).entries[0].name == "From beside"


def test_exporter_sheet_is_the_registration(check: Any) -> None:
    result = check(exporter=BASE_REGISTRATION, registration=False)
    assert result.problems() == []
    assert result.summary["registration_source"] == "Exporter sheet"
    result = check(exporter=dict(BASE_REGISTRATION, name="PT Lain Sekali"), registration=False)
    assert [f.code for f in result.findings if f.severity == Severity.ERROR] == ["EXPORTER-MISMATCH"]


def test_exporter_sheet_supplies_exporter_fields(tmp_path: Path) -> None:
    shipment = {
        k: v for k, v in BASE_SHIPMENT.items() if k not in ("exporter_name", "exporter_address", "exporter_country")
    }
    result = run_check(tmp_path, shipment, exporter=BASE_REGISTRATION, registration=False)
    assert result.problems() == []
    assert result.summary["exporter"] == "PT Jati Contoh"


def test_registration_workbook_by_option(tmp_path: Path) -> None:
    registration = write_rows(tmp_path / "reg.xlsx", {"Exporter": field_value_rows(BASE_REGISTRATION)})
    workbook = make_workbook(tmp_path)
    result = run_cli(["check", workbook, "--registration", registration, "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("this is = not toml [", "not valid TOML"),
        ('[[importer]]\nrex_number = "IDREX1"\n', "no [[exporter]] entry"),
        ('[[exporter]]\nname = "PT X"\n', "rex_number"),
    ],
)
def test_unusable_registration_file(tmp_path: Path, content: str, expected: str) -> None:
    registration = tmp_path / "reg.toml"
    registration.write_text(content, encoding="utf-8")
    result = run_cli(["check", make_workbook(tmp_path), "--registration", registration, "--as-of", "2026-11-22"])
    assert result.exit_code == 2
    assert str(registration) in result.stderr
    assert expected in result.stderr


def test_unknown_registration_field_is_a_warning(check: Any) -> None:
    result = check(registration=[dict(BASE_REGISTRATION, email="x@example.com")])
    (unknown,) = [f for f in result.findings if f.code == "UNKNOWN-FIELD"]
    assert unknown.severity == Severity.WARNING
    assert "email" in unknown.message
    assert [f for f in result.findings if f.severity == Severity.ERROR] == []
    sheet = check(exporter=dict(BASE_REGISTRATION, email="x@example.com"), registration=False)
    (unknown,) = [f for f in sheet.findings if f.code == "UNKNOWN-FIELD"]
    assert "email" in unknown.message
    assert f"Exporter!A{len(BASE_REGISTRATION) + 2}" in unknown.message  # after the header and the fields
    assert [f for f in sheet.findings if f.severity == Severity.ERROR] == []


# -- the blank template -----------------------------------------------------------------


def _field(sheet: Any, label: Any) -> str | None:
    """The field a template's header or field cell names (a template in Indonesian names
    fields by their aliases), found through the spec of the sheet's title."""
    from rexdecl.input.fields import SHEETS, normalise_name

    spec = next(s for s in SHEETS if s.matches(sheet.title))
    field = spec.lookup().get(normalise_name(str(label))) if label is not None else None
    return field.name if field is not None else None


def _fill(sheet: Any, values: dict[str, Any]) -> None:
    for row in sheet.iter_rows(min_row=1):
        name = _field(sheet, row[0].value)
        if name in values:
            row[1].value = values[name]


def test_template_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    result = run_cli(["template", path])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {path}\n"
    blank = read_shipment(path)
    assert blank.items == () and blank.unknown == ()

    workbook = load_workbook(path)
    _fill(workbook["Shipment"], BASE_SHIPMENT | {"eur_rate": "1,08", "currency": "USD"})
    items = workbook["Items"]
    header = [c.value for c in items[1]]
    for number in (1, 2):
        items.append([dict(BASE_ITEM, line=number, amount=None, ex_works_value=900).get(h) for h in header])
    materials = workbook["Materials"]
    header_m = [c.value for c in materials[1]]
    materials.append(
        [
            {
                "line": 1,
                "description": "Teak",
                "hs_code": 4407.22,
                "origin": "id",
                "value": 600,
            }.get(h)
            for h in header_m
        ]
    )
    _fill(workbook["Exporter"], {k: v for k, v in BASE_REGISTRATION.items()})
    workbook.save(path)

    read = read_shipment(path)
    assert read.unknown == ()
    shipment = read.shipment
    for field, value in BASE_SHIPMENT.items():
        if field != "currency":
            assert getattr(shipment, field) == value, field
    assert (shipment.currency, shipment.eur_rate) == ("USD", Decimal("1.08"))
    assert [
        (
            i.line,
            i.description,
            i.hs_code,
            i.quantity,
            i.unit_price,
            i.amount,
            i.origin_criterion,
            i.ex_works_value,
        )
        for i in read.items
    ] == [(n, "Teak dining table", "9403.60", Decimal(10), Decimal(100), None, "W 9403", Decimal(900)) for n in (1, 2)]
    assert read.materials is not None
    assert [(m.line, m.hs_code, m.origin, m.value) for m in read.materials] == [(1, "440722", "ID", Decimal(600))]
    assert read.exporter_sheet is not None
    assert read.exporter_sheet[0].rex_number == REX
    assert read.exporter_sheet[0].registered_on == dt.date(2020, 3, 2)
    checked = check_workbook(path, CheckOptions(as_of=AS_OF))
    assert [f.code for f in checked.report.findings if f.severity != Severity.INFO] == []


# -- the template's example row (EXAMPLE-ROW-READ) ----------------------------------------------

EXAMPLE_EN = "example (contoh) – ignored"
EXAMPLE_ID = "contoh (example) – diabaikan"


def _template(tmp_path: Path, language: str = "en") -> tuple[Path, Workbook]:
    """A template written in ``language`` with the baseline shipment filled in (no line yet)."""
    from rexdecl.input.blank_workbook import build_template

    path = tmp_path / f"template-{language}.xlsx"
    workbook = build_template(language)
    _fill(workbook.worksheets[0], BASE_SHIPMENT)
    workbook.save(path)
    write_registration(tmp_path / "registration.toml")
    return path, load_workbook(path)


def _row(sheet: Any, number: int) -> dict[str, Any]:
    header = [_field(sheet, c.value) for c in sheet[1]]
    return {name: cell.value for name, cell in zip(header, sheet[number], strict=False)}


def _write_row(sheet: Any, number: int, values: dict[str, Any]) -> None:
    header = [_field(sheet, c.value) for c in sheet[1]]
    for column, name in enumerate(header, start=1):
        if name in values:
            sheet.cell(row=number, column=column).value = values[name]


@pytest.mark.parametrize(("language", "mark"), [("en", EXAMPLE_EN), ("id", EXAMPLE_ID)])
def test_the_untouched_example_row_of_either_template_is_skipped(tmp_path: Path, language: str, mark: str) -> None:
    path, workbook = _template(tmp_path, language)
    items = _row(workbook.worksheets[1], 2)
    assert items["line"] == mark
    read = read_shipment(path)
    assert (read.items, read.materials, read.example_rows) == ((), (), ())


def test_the_indonesian_example_values_differ_where_the_words_do() -> None:
    from rexdecl.input.fields import ITEMS, example_value

    description = next(f for f in ITEMS.fields if f.name == "description")
    assert (example_value(description, "en"), example_value(description, "id")) == (
        "Batik sarong, hand-drawn, cotton",
        "Sarung batik tulis, katun",
    )


@pytest.mark.parametrize(("language", "other"), [("en", "id"), ("id", "en")])
def test_a_marked_row_holding_the_other_languages_example_is_skipped(tmp_path: Path, language: str, other: str) -> None:
    """A sheet copied between the English and the Indonesian template: still the example."""
    from rexdecl.input.fields import ITEMS, example_value

    path, workbook = _template(tmp_path, language)
    _write_row(workbook.worksheets[1], 2, {f.name: example_value(f, other) for f in ITEMS.fields[1:]})
    workbook.save(path)
    assert read_shipment(path).items == ()


def test_the_first_line_typed_over_the_example_is_read_and_warned(tmp_path: Path) -> None:
    """Was: the row was skipped whatever it held: "0 errors", the invoice started at line 2."""
    path, workbook = _template(tmp_path)
    items = workbook["Items"]
    _write_row(items, 2, dict(BASE_ITEM, line=EXAMPLE_EN))
    _write_row(items, 3, dict(BASE_ITEM, line=None, description="Teak chair"))
    workbook.save(path)
    read = read_shipment(path)
    assert [(i.line, i.description) for i in read.items] == [(1, "Teak dining table"), (2, "Teak chair")]
    assert [str(where) for where in read.example_rows] == [f"{path}, sheet Items, cell A2"]
    result = run_cli(["check", path, "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert flat(
        "EXAMPLE-ROW-READ  Items!A2: this row is still marked as the template's example but holds other values; "
        "it is read as a line of the shipment (delete the mark if the line is meant, delete the row if not)"
    ) in flat(result.output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registration.toml", "template-en.xlsx"]


@pytest.mark.parametrize("language", ["en", "id"])
def test_one_value_changed_makes_the_example_a_line(tmp_path: Path, language: str) -> None:
    path, workbook = _template(tmp_path, language)
    _write_row(workbook.worksheets[1], 2, {"quantity": 50})
    workbook.save(path)
    read = read_shipment(path)
    assert [(i.line, i.quantity, i.unit) for i in read.items] == [(1, Decimal(50), "PCS")]
    assert len(read.example_rows) == 1


def test_an_edited_materials_example_row_is_read_and_warned(tmp_path: Path) -> None:
    path, workbook = _template(tmp_path)
    _write_row(workbook["Items"], 3, dict(BASE_ITEM))
    _write_row(workbook["Materials"], 2, {"description": "Teak logs", "hs_code": "4403", "origin": "ID", "value": 300})
    workbook.save(path)
    read = read_shipment(path)
    assert read.materials is not None
    assert [(m.line, m.description, m.value) for m in read.materials] == [(None, "Teak logs", Decimal(300))]
    assert [where.cell for where in read.example_rows] == ["A2"]
    assert [where.sheet for where in read.example_rows] == ["Materials"]


def test_template_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"precious")
    result = run_cli(["template", path])
    assert result.exit_code == 2
    assert result.stderr == f"rexdecl: {path} already exists; nothing was written (use --force to replace it)\n"
    assert path.read_bytes() == b"precious"
    result = run_cli(["template", path, "--force"])
    assert result.exit_code == 0
    assert read_shipment(path).items == ()


def test_template_has_every_field_of_the_format() -> None:
    from rexdecl.input.blank_workbook import build_template

    workbook: Workbook = build_template()
    names = [row[0].value for row in workbook["Shipment"].iter_rows(min_row=2)]
    for field in (
        "invoice_number",
        "invoice_date",
        "exporter_rex",
        "consignee_country",
        "eur_rate",
        "number_format",
        "expected_import_date",
        "eska_code",
        "invoice_total",
    ):
        assert field in names
    assert [c.value for c in workbook["Materials"][1]] == list(MATERIAL_ORDER)


# -- real-world oddities (small files under tests/data/, see make_oddities.py) -----------

DATA = Path(__file__).resolve().parents[1] / "data"


def test_oddity_dates_typed_as_text(tmp_path: Path) -> None:
    read = read_shipment(DATA / "date-typed-as-text.xlsx")
    assert read.shipment.invoice_date == dt.date(2026, 11, 20)
    assert read.shipment.expected_import_date == dt.date(2026, 12, 20)
    registration = write_registration(tmp_path / "registration.toml")
    result = run_cli(
        [
            "check",
            DATA / "date-typed-as-text.xlsx",
            "--registration",
            registration,
            "--as-of",
            "2026-11-22",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.stdout


def test_oddity_leading_blank_rows(tmp_path: Path) -> None:
    read = read_shipment(DATA / "leading-blank-rows.xlsx")
    assert read.shipment.invoice_number == "ODD-2026-001"
    assert read.shipment.cells["invoice_number"].cell == "B4"
    assert [(i.line, i.description, i.row.part) for i in read.items] == [
        (1, "Teak dining table", "row 4"),
        (2, "Teak chair", "row 6"),
    ]
    assert read.unknown == ()


def test_oddity_formula_without_saved_value() -> None:
    path = DATA / "formula-without-saved-value.xlsx"
    result = run_cli(["check", path, "--as-of", "2026-11-22"])
    assert result.exit_code == 2
    assert result.stderr == (
        "rexdecl: the input cannot be used:\n"
        f"  - {path}, sheet Items, cell G2: a formula without a saved value; expected its result "
        "(open and save the file in Excel, or type the value)\n"
    )


# -- more unusable input ----------------------------------------------------------------


def test_old_xls_workbook(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = run_cli(["check", path])
    assert result.exit_code == 2
    assert f"  - {path}: this is an old-format .xls workbook" in result.stderr


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "hello")
    result = run_cli(["check", path])
    assert result.exit_code == 2
    assert f"  - {path}: this zip file is not an Excel workbook" in result.stderr


def test_missing_registration_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = run_cli(["check", make_workbook(tmp_path), "--registration", missing, "--as-of", "2026-11-22"])
    assert result.exit_code == 2
    assert f"  - {missing}: registration file not found" in result.stderr


def test_bad_as_of_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["check", make_workbook(tmp_path), "--as-of", "31/02/2026"])
    assert result.exit_code == 2
    assert "--as-of" in result.stderr


def test_json_findings_have_the_documented_keys(baseline: Path) -> None:
    import json

    result = run_cli(["check", baseline, "--as-of", "2026-11-22", "--format", "json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert set(report) == {"findings", "summary"}
    assert report["findings"], "the baseline has a PSR-UNCHECKED information"
    for finding in report["findings"]:
        assert {"code", "severity", "message", "location", "reference"} <= set(finding)
        assert finding["severity"] in ("error", "warning", "info")
