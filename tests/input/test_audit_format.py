"""Regressions found by a black-box audit of the reader and the command-line contract
against workbook-format.md."""

from __future__ import annotations

from pathlib import Path

from conftest import BASE_ITEM, BASE_SHIPMENT, field_value_rows, write_rows

from rexdecl.input.workbook import read_shipment

ITEM_COLUMNS = list(BASE_ITEM)
ITEM_VALUES = list(BASE_ITEM.values())
# The same columns by their Indonesian aliases, written the way people type them.
ITEM_ALIASES = ["No", "Uraian Barang", "KODE-HS", "jumlah", "Satuan", "harga satuan", "Nilai", "kriteria_asal"]


def test_repeated_header_row_in_aliases_is_skipped(tmp_path: Path) -> None:
    # Aliases are accepted everywhere: a header repeated in Indonesian (a block copied from
    # another workbook) is still a repeated header row, not a line to read.
    assert len(ITEM_ALIASES) == len(ITEM_COLUMNS)
    items = [ITEM_COLUMNS, ITEM_VALUES, ITEM_ALIASES, [2, "Chair"] + ITEM_VALUES[2:]]
    path = write_rows(tmp_path / "w.xlsx", {"Shipment": field_value_rows(BASE_SHIPMENT), "Items": items})
    read = read_shipment(path)
    assert [(i.line, i.description) for i in read.items] == [(1, "Teak dining table"), (2, "Chair")]
    assert read.unknown == ()


def test_header_in_aliases_repeated_in_english_is_skipped(tmp_path: Path) -> None:
    items = [ITEM_ALIASES, ITEM_VALUES, [None], ITEM_COLUMNS, [2, "Chair"] + ITEM_VALUES[2:]]
    path = write_rows(tmp_path / "w.xlsx", {"Pengiriman": field_value_rows(BASE_SHIPMENT), "Barang": items})
    read = read_shipment(path)
    assert [i.line for i in read.items] == [1, 2]


def test_a_field_value_header_mixing_the_two_languages_is_skipped(tmp_path: Path) -> None:
    for header in (["Field", "Nilai"], ["ISIAN", "value"]):
        rows = [header, *field_value_rows(BASE_SHIPMENT, header=False)]
        path = write_rows(tmp_path / "w.xlsx", {"Shipment": rows, "Items": [ITEM_COLUMNS, ITEM_VALUES]})
        read = read_shipment(path)
        assert read.unknown == (), header
