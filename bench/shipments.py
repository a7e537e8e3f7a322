"""Generated shipments for the benchmarks: N-line workbooks in the input format, with the
registration beside them. Deterministic (no randomness), so runs compare."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

REGISTRATION = """[[exporter]]
rex_number    = "IDREXBENCH000000001"
name          = "PT Bench Contoh Ekspor"
address       = "Jl. Contoh No. 1, Pekalongan 51128, Jawa Tengah"
country       = "ID"
registered_on = 2020-03-02
npwp          = "0012345678901000"
"""

COLUMNS = [
    "line",
    "description",
    "hs_code",
    "quantity",
    "unit",
    "unit_price",
    "origin_criterion",
    "packages",
    "package_type",
    "marks",
    "net_kg",
    "gross_kg",
    "cbm",
]
PRODUCTS = [
    ("Batik sarong, hand-drawn, cotton, 110 x 200 cm, pattern {n}", "6214.90", "W 6214", 18.5),
    ("Rattan basket, round, natural, pattern {n}", "4602.12", "W 4602", 6.4),
    ("Teak side table, solid plantation teak, model {n}", "9403.60", "W 9403", 120.0),
    ("Silver filigree brooch, 925 sterling, design {n}", "7113.11", "W 7113", 28.0),
]

HEADER = {
    "invoice_number": "BENCH/INV/{index:04d}",
    "invoice_date": dt.date(2026, 11, 16),
    "exporter_rex": "IDREXBENCH000000001",
    "consignee_name": "Voorbeeld Textiel B.V.",
    "consignee_address": "Keizersgracht 1, 1015 CJ Amsterdam",
    "consignee_country": "NL",
    "currency": "EUR",
    "incoterm": "FOB",
    "delivery_place": "Tanjung Emas, Semarang",
    "payment_terms": "T/T 30 days after B/L date",
    "buyer_order": "PO-VT-2026-044",
    "port_of_loading": "Tanjung Emas, Semarang",
    "port_of_discharge": "Rotterdam",
    "vessel": "MV Contoh Samudra V.112",
    "export_date": dt.date(2026, 11, 18),
    "expected_import_date": dt.date(2026, 12, 21),
    "eska_code": "BENCH-ESKA-0001",
}


def lines(count: int) -> list[dict]:
    rows = []
    for number in range(1, count + 1):
        text, hs, criterion, price = PRODUCTS[number % len(PRODUCTS)]
        rows.append(
            {
                "line": number,
                "description": text.format(n=number),
                "hs_code": hs,
                "quantity": 10 + number % 40,
                "unit": "PCS",
                "unit_price": price,
                "origin_criterion": criterion,
                "packages": 1 + number % 3,
                "package_type": "CARTON",
                "marks": f"VT-{number}",
                "net_kg": 5 + number % 7,
                "gross_kg": 6 + number % 7,
                "cbm": 0.05,
            }
        )
    return rows


def header(index: int) -> dict:
    return {k: (v.format(index=index) if isinstance(v, str) else v) for k, v in HEADER.items()}


def write_shipment(folder: Path, count: int, index: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    shipment = workbook.create_sheet("Shipment")
    for key, value in header(index).items():
        shipment.append([key, value])
    items = workbook.create_sheet("Items")
    items.append(COLUMNS)
    for row in lines(count):
        items.append([row[c] for c in COLUMNS])
    path = folder / f"shipment-{count}-lines-{index:04d}.xlsx"
    workbook.save(path)
    (folder / "registration.toml").write_text(REGISTRATION, encoding="utf-8")
    return path
