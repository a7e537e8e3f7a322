"""Regenerates the small real-world oddity workbooks in this folder (tests/test_reader.py).

Run: ``python tests/data/make_oddities.py``. Every name, number and address is fictitious.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

SHIPMENT = [
    ("invoice_number", "ODD-2026-001"),
    ("invoice_date", dt.date(2026, 11, 20)),
    ("exporter_rex", "IDREXTEST0000000001"),
    ("exporter_name", "PT Jati Contoh"),
    ("exporter_address", "Jl. Contoh No. 1, Jepara 59427"),
    ("exporter_country", "ID"),
    ("consignee_name", "Beispiel Moebel GmbH"),
    ("consignee_address", "Musterstrasse 12, 20095 Hamburg"),
    ("consignee_country", "DE"),
    ("currency", "EUR"),
    ("incoterm", "EXW"),
    ("expected_import_date", dt.date(2026, 12, 20)),
    ("eska_code", "ESKA-TEST-0001"),
]
COLUMNS = [
    "line",
    "description",
    "hs_code",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "origin_criterion",
]
LINE = [1, "Teak dining table", "9403.60", 10, "PCS", 100, 1000, "W 9403"]


def workbook(shipment: list[tuple[str, object]], items: list[list[object]]) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Shipment"
    for row in [("field", "value"), *shipment]:
        sheet.append(list(row))
    items_sheet = book.create_sheet("Items")
    for row in items:
        items_sheet.append(row)
    return book


def main() -> None:
    # Dates typed as text, the way a clerk types them: day first, Indonesian month names.
    typed = [
        (k, {"invoice_date": "20/11/2026", "expected_import_date": "20 Desember 2026"}.get(k, v)) for k, v in SHIPMENT
    ]
    workbook(typed, [COLUMNS, LINE]).save(HERE / "date-typed-as-text.xlsx")

    # Blank rows above the tables, and a blank row between two lines.
    book = workbook(
        SHIPMENT,
        [[], [], COLUMNS, LINE, [], [2, "Teak chair", "9401.61", 4, "PCS", 50, 200, "W 9401"]],
    )
    book["Shipment"].insert_rows(1, 2)
    book.save(HERE / "leading-blank-rows.xlsx")

    # An amount computed by a formula in a file never opened in Excel: no saved value.
    book = workbook(SHIPMENT, [COLUMNS, LINE])
    book["Items"]["G2"] = "=D2*F2"
    book.save(HERE / "formula-without-saved-value.xlsx")


if __name__ == "__main__":
    main()
