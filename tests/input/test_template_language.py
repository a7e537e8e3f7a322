"""`rexdecl template` in the language of the messages: with ``--lang id`` the sheets, the
column and field names (the format's Indonesian aliases), the comments, the drop-down help
and the example row are Indonesian; either template, filled in, reads back, and its
untouched example row is skipped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_ITEM, BASE_REGISTRATION, BASE_SHIPMENT, run_cli
from openpyxl import Workbook, load_workbook

from rexdecl.input.blank_workbook import (
    MAX_MESSAGE_CHARACTERS,
    MAX_TITLE_CHARACTERS,
    build_template,
    list_helps,
    translator,
)
from rexdecl.input.fields import EXAMPLE_LABELS, ITEMS, MATERIALS, SHEETS, SHIPMENT, field_title, normalise_name
from rexdecl.input.workbook import read_shipment

AS_OF = "2026-11-22"


def _validations(workbook: Workbook) -> dict[str, Any]:
    """The drop-downs of a workbook by the cells they cover ("B14", "I3:I1000")."""
    return {str(v.sqref): v for sheet in workbook for v in sheet.data_validations.dataValidation}


def _spec(sheet: Any) -> Any:
    return next(spec for spec in SHEETS if spec.matches(sheet.title))


def _fill_fields(sheet: Any, values: dict[str, Any]) -> None:
    """Fill a field/value sheet by field name, whatever name the template gives the field."""
    lookup = _spec(sheet).lookup()
    for row in sheet.iter_rows(min_row=2):
        field = lookup.get(normalise_name(str(row[0].value)))
        if field is not None and field.name in values:
            row[1].value = values[field.name]


def _append_rows(sheet: Any, rows: list[dict[str, Any]]) -> None:
    """Append table rows by field name under the template's header (its names or aliases)."""
    lookup = _spec(sheet).lookup()
    header = [lookup[normalise_name(str(c.value))].name for c in sheet[1]]
    for row in rows:
        sheet.append([row.get(name) for name in header])


def test_lang_id_writes_the_template_in_indonesian(tmp_path: Path) -> None:
    path = tmp_path / "templat.xlsx"
    result = run_cli(["--lang", "id", "template", path])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"tersimpan: {path}\n"
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Pengiriman", "Barang", "Bahan", "Eksportir"]
    shipment = workbook["Pengiriman"]
    assert [c.value for c in shipment[1]] == ["isian", "nilai", "contoh (example) – diabaikan"]
    names = [row[0].value for row in shipment.iter_rows(min_row=2)]
    assert names[:4] == ["no_invoice", "tanggal_invoice", "no_rex", "nama_eksportir"]
    assert "incoterm" in names  # a field without an Indonesian alias keeps its name
    assert shipment["A2"].comment.text == "wajib. nomor commercial invoice (invoice_number)"
    assert shipment["A3"].comment.text == "wajib. tanggal terbit = tanggal pernyataan asal (invoice_date)"
    items = workbook["Barang"]
    assert [c.value for c in items[1]][:9] == [
        "no",
        "uraian_barang",
        "kode_hs",
        "jumlah",
        "satuan",
        "harga_satuan",
        "nilai",
        "negara_asal",
        "kriteria_asal",
    ]
    assert items["C1"].comment.text == "wajib. 6-10 digit (hs_code/pos_tarif)"
    assert items["H1"].comment.text == (
        "kode ISO alpha-2 atau nama negara; jika kosong: negara eksportir (origin_country)"
    )
    assert [c.value for c in items[2]][:3] == [EXAMPLE_LABELS["id"], "Sarung batik tulis, katun", "6214.90"]
    assert [c.value for c in workbook["Bahan"][1]] == ["no", "uraian", "kode_hs", "asal", "nilai"]
    assert workbook["Bahan"]["D1"].comment.text == "wajib. kode ISO alpha-2, nama negara, atau unknown (origin)"
    assert [c.value for c in workbook["Eksportir"][1]] == ["isian", "nilai", "contoh (example) – diabaikan"]
    validations = _validations(workbook)
    currency = validations[f"B{2 + [f.name for f in SHIPMENT.fields].index('currency')}"]
    assert (currency.promptTitle, currency.prompt) == (
        "Mata uang",
        "Pilih dari daftar, atau ketik kode ISO 4217 lain (misalnya MYR).",
    )
    language = validations[f"B{2 + [f.name for f in SHIPMENT.fields].index('statement_language')}"]
    assert (language.errorTitle, language.error) == (
        "Bahasa pernyataan",
        "Pilih salah satu bahasa dalam daftar: en, fr, es.",
    )
    assert language.showErrorMessage and not currency.showErrorMessage
    assert validations["I3:I1000"].promptTitle == "Kriteria asal"


def test_the_english_template_stays_english(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    assert run_cli(["--lang", "en", "template", path]).exit_code == 0
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Shipment", "Items", "Materials", "Exporter"]
    shipment = workbook["Shipment"]
    assert [c.value for c in shipment[1]] == ["field", "value", "example (contoh) – ignored"]
    assert shipment["A2"].comment.text == "required. commercial invoice number (no_invoice)"
    assert [c.value for c in workbook["Items"][1]] == [f.name for f in ITEMS.fields]
    assert workbook["Items"]["H1"].comment.text == (
        "ISO alpha-2 code or the country's name; default the exporter's country (negara_asal)"
    )
    assert workbook["Items"]["B1"].comment.text == "required. (uraian_barang)"
    assert [c.value for c in workbook["Materials"][1]] == [f.name for f in MATERIALS.fields]
    assert _validations(workbook)["I3:I1000"].promptTitle == "Origin criterion"


def test_the_template_is_in_the_language_asked_whatever_the_interface() -> None:
    """The library writes an Indonesian template from a program running in English."""
    sheet = build_template("id")["Pengiriman"]
    assert sheet["A2"].comment.text.startswith("wajib. ")
    assert build_template("en")["Shipment"]["A2"].comment.text.startswith("required. ")


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_drop_down_help_fits_excels_limits(language: str) -> None:
    for name, help_ in list_helps(translator(language)).items():
        assert 0 < len(help_.title) <= MAX_TITLE_CHARACTERS, name
        assert 0 < len(help_.prompt) <= MAX_MESSAGE_CHARACTERS, name
        assert len(help_.error) <= MAX_MESSAGE_CHARACTERS, name


@pytest.mark.parametrize(
    ("language", "countries", "summary"),
    [
        ("en", ("Indonesia", "Germany"), "0 errors, 0 warnings"),
        ("id", ("Indonesia", "Jerman"), "0 kesalahan, 0 peringatan"),
    ],
)
def test_a_filled_template_reads_back_and_its_untouched_example_is_skipped(
    tmp_path: Path, language: str, countries: tuple[str, str], summary: str
) -> None:
    path = tmp_path / "shipment.xlsx"
    assert run_cli(["--lang", language, "template", path]).exit_code == 0
    workbook = load_workbook(path)
    shipment, items, materials, exporter = workbook.worksheets
    exporter_country, consignee_country = countries
    _fill_fields(
        shipment,
        BASE_SHIPMENT | {"exporter_country": exporter_country, "consignee_country": consignee_country},
    )
    _append_rows(
        items,
        [dict(BASE_ITEM, line=n, amount=None, ex_works_value=900, origin_country=exporter_country) for n in (1, 2)],
    )
    _append_rows(
        materials, [{"line": 1, "description": "Teak", "hs_code": "4407.22", "origin": exporter_country, "value": 600}]
    )
    _fill_fields(exporter, BASE_REGISTRATION | {"country": exporter_country})
    workbook.save(path)

    read = read_shipment(path)
    assert (read.unknown, read.example_rows) == ((), ())
    assert [(i.line, i.description, i.origin_country) for i in read.items] == [
        (1, "Teak dining table", "ID"),
        (2, "Teak dining table", "ID"),
    ]
    assert read.materials is not None and [(m.line, m.origin) for m in read.materials] == [(1, "ID")]
    assert (read.shipment.exporter_country, read.shipment.consignee_country) == ("ID", "DE")
    assert read.shipment.invoice_date == dt.date(2026, 11, 20)
    assert read.exporter_sheet is not None and read.exporter_sheet[0].country == "ID"
    result = run_cli(["--lang", language, "check", path, "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert summary in result.output


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_blank_template_of_either_language_reads_as_blank(tmp_path: Path, language: str) -> None:
    path = tmp_path / "blank.xlsx"
    assert run_cli(["--lang", language, "template", path]).exit_code == 0
    read = read_shipment(path)
    assert (read.items, read.materials, read.example_rows, read.unknown) == ((), (), (), ())
    assert [field_title(f, language) for f in SHIPMENT.fields][0] == (
        "invoice_number" if language == "en" else "no_invoice"
    )
