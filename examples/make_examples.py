"""Regenerates the example shipment workbooks in this folder.

Every company, person, address, REX number and e-SKA code here is FICTITIOUS, made up for
training and tests ("Contoh" = "example"). Run: ``python examples/make_examples.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
ITEM_COLUMNS = ["line", "description", "hs_code", "quantity", "unit", "unit_price", "amount",
                "origin_criterion", "origin_note", "ex_works_value", "packages", "package_type",
                "marks", "net_kg", "gross_kg", "cbm"]


def write(name: str, shipment: dict, items: list[dict], materials: list[dict] | None = None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Shipment"
    sheet.append(["field", "value"])
    for key, value in shipment.items():
        sheet.append([key, value])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
    items_sheet = workbook.create_sheet("Items")
    items_sheet.append(ITEM_COLUMNS)
    for number, item in enumerate(items, start=1):
        row = dict(item, line=number)
        if "amount" not in row:
            row["amount"] = float(Decimal(str(row["quantity"])) * Decimal(str(row["unit_price"])))
        items_sheet.append([row.get(c) for c in ITEM_COLUMNS])
    if materials is not None:
        sheet_m = workbook.create_sheet("Materials")
        sheet_m.append(["line", "description", "hs_code", "origin", "value"])
        for material in materials:
            sheet_m.append([material["line"], material["description"], material["hs_code"], material["origin"],
                            material["value"]])
    workbook.save(HERE / name)


def batik() -> None:
    write("batik-pekalongan.xlsx", {
        "invoice_number": "BCP/INV/2026/118",
        "invoice_date": dt.date(2026, 11, 16),
        "exporter_rex": "IDREXEXAMPLE0000001",
        "consignee_name": "Voorbeeld Textiel B.V. (fictitious)",
        "consignee_address": "Keizersgracht 1, 1015 CJ Amsterdam",
        "consignee_country": "NL",
        "currency": "EUR",
        "statement_language": "en",
        "incoterm": "FOB",
        "delivery_place": "Tanjung Emas, Semarang",
        "payment_terms": "T/T 30 days after B/L date",
        "buyer_order": "PO-VT-2026-044",
        "port_of_loading": "Tanjung Emas, Semarang",
        "port_of_discharge": "Rotterdam",
        "vessel": "MV Contoh Samudra V.112",
        "export_date": dt.date(2026, 11, 18),
        "expected_import_date": dt.date(2026, 12, 21),
        "consignment_ref": "SMG-RTM-2026-0118",
        "eska_code": "EXAMPLE-ESKA-0000118",
        "notes": "FICTITIOUS EXAMPLE for rexdecl training - not a real shipment.",
        "consignee_tax_id": "NL000000000B00",
        "signatory_name": "Sri Contoh Wulandari",
        "signatory_title": "Director",
        "place_of_issue": "Pekalongan",
    }, [
        {"description": "Batik sarong, hand-drawn (tulis), cotton, 110 x 200 cm", "hs_code": "6214.90",
         "quantity": 120, "unit": "PCS", "unit_price": 18.5, "origin_criterion": "W 6214",
         "origin_note": "woven in Pekalongan from Indonesian yarn, batik and making-up in own workshop",
         "packages": 4, "package_type": "CARTON", "marks": "VT-1/4", "net_kg": 48, "gross_kg": 52, "cbm": 0.24},
        {"description": "Batik sarong, stamped (cap), cotton, 110 x 200 cm", "hs_code": "6214.90",
         "quantity": 200, "unit": "PCS", "unit_price": 9.75, "origin_criterion": "W 6214",
         "packages": 5, "package_type": "CARTON", "marks": "VT-5/9", "net_kg": 80, "gross_kg": 86, "cbm": 0.30},
        {"description": "Batik cotton fabric, cap, 115 cm wide", "hs_code": "5208.52",
         "quantity": 300, "unit": "M", "unit_price": 4.2, "origin_criterion": "W 5208",
         "origin_note": "printing alternative: grey cloth woven in Central Java",
         "packages": 3, "package_type": "ROLL", "marks": "VT-10/12", "net_kg": 45, "gross_kg": 48, "cbm": 0.21},
    ])


def teak() -> None:
    write("jepara-teak.xlsx", {
        "invoice_number": "JTC-2026-0412",
        "invoice_date": dt.date(2026, 11, 13),
        "exporter_rex": "IDREXEXAMPLE0000002",
        "consignee_name": "Beispiel Möbelhandel GmbH (fictitious)",
        "consignee_address": "Musterstraße 12, 20095 Hamburg",
        "consignee_country": "DE",
        "currency": "USD",
        "eur_rate": 1.08,
        "statement_language": "en",
        "incoterm": "FOB",
        "delivery_place": "Tanjung Emas, Semarang",
        "payment_terms": "L/C at sight",
        "lc_number": "LC-EX-2026-7781",
        "buyer_order": "BM-PO-5521",
        "port_of_loading": "Tanjung Emas, Semarang",
        "port_of_discharge": "Hamburg",
        "vessel": "MV Contoh Jaya V.087",
        "export_date": dt.date(2026, 11, 15),
        "expected_import_date": dt.date(2026, 12, 28),
        "peb_number": "000123/EXAMPLE",
        "peb_date": dt.date(2026, 11, 14),
        "notes": "FICTITIOUS EXAMPLE for rexdecl training - not a real shipment.",
        "consignee_tax_id": "DE000000000",
        "bank_details": "Bank Contoh Indonesia (fictitious), Jepara branch\nUSD account 000-000-0412\n"
                        "SWIFT/BIC XXXXIDJA (fictitious)",
        "signatory_name": "Agus Contoh",
        "signatory_title": "Managing Director",
        "place_of_issue": "Jepara",
    }, [
        {"description": "Teak dining table, solid plantation teak, 200 x 100 cm", "hs_code": "9403.60",
         "quantity": 12, "unit": "PCS", "unit_price": 640, "origin_criterion": "W 9403",
         "origin_note": "teak logs from Perhutani (ID), sawn and made in Jepara; imported fittings under 70 %",
         "ex_works_value": 7200, "packages": 12, "package_type": "CRATE", "marks": "BM-T1/12",
         "net_kg": 780, "gross_kg": 876, "cbm": 9.6},
        {"description": "Teak dining chair, upholstered seat", "hs_code": "9401.61",
         "quantity": 48, "unit": "PCS", "unit_price": 115, "origin_criterion": "W 9401",
         "ex_works_value": 5040, "packages": 24, "package_type": "CARTON", "marks": "BM-C1/24",
         "net_kg": 336, "gross_kg": 384, "cbm": 7.2},
    ], [
        {"line": 1, "description": "Teak sawn timber", "hs_code": "4407.22", "origin": "ID", "value": 2600},
        {"line": 1, "description": "Brass fittings and screws", "hs_code": "8302.42", "origin": "CN", "value": 240},
        {"line": 2, "description": "Teak sawn timber", "hs_code": "4407.22", "origin": "ID", "value": 1500},
        {"line": 2, "description": "Upholstery fabric, polyester", "hs_code": "5407.61", "origin": "CN", "value": 610},
        {"line": 2, "description": "PU foam sheets", "hs_code": "3921.13", "origin": "unknown", "value": 290},
    ])


def silver() -> None:
    write("kotagede-silver-unregistered.xlsx", {
        "invoice_number": "UPK/17/XI/2026",
        "invoice_date": dt.date(2026, 11, 17),
        "exporter_name": "UD Perak Contoh Kotagede",
        "exporter_address": "Jl. Kemasan No. 99 (fictitious), Kotagede, Yogyakarta 55173",
        "exporter_country": "ID",
        "consignee_name": "Bijoux Exemple SARL (fictitious)",
        "consignee_address": "12 rue de l'Exemple, 69002 Lyon",
        "consignee_country": "FR",
        "currency": "USD",
        "eur_rate": 1.08,
        "statement_language": "fr",
        "incoterm": "CPT",
        "delivery_place": "Lyon",
        "payment_terms": "Advance payment",
        "port_of_loading": "Yogyakarta International Airport",
        "port_of_discharge": "Lyon Saint-Exupéry",
        "export_date": dt.date(2026, 11, 19),
        "expected_import_date": dt.date(2026, 11, 24),
        "notes": "FICTITIOUS EXAMPLE for rexdecl training - small exporter without REX number (under EUR 6,000).",
        # Carriage paid to Lyon: the freight is on the invoice, not in the value of the
        # originating products that the EUR 6,000 limit counts.
        "freight": 95,
        "signatory_name": "Wahyu Contoh",
        "signatory_title": "Owner",
        "place_of_issue": "Yogyakarta",
    }, [
        {"description": "Silver filigree brooch, 925 sterling, handmade", "hs_code": "7113.11",
         "quantity": 60, "unit": "PCS", "unit_price": 28, "origin_criterion": "W 7113",
         "origin_note": "silver granules bought in Indonesia; filigree made in Kotagede",
         "packages": 1, "package_type": "BOX", "marks": "BE-1", "net_kg": 1.2, "gross_kg": 1.9, "cbm": 0.01},
        {"description": "Silver ring with garnet, 925 sterling", "hs_code": "7113.11",
         "quantity": 80, "unit": "PCS", "unit_price": 22.5, "origin_criterion": "W 7113",
         "packages": 1, "package_type": "BOX", "marks": "BE-2", "net_kg": 0.8, "gross_kg": 1.4, "cbm": 0.01},
        {"description": "Display boxes, imported, velvet (packing material sold separately)", "hs_code": "4202.92",
         "quantity": 140, "unit": "PCS", "unit_price": 0.9, "origin_criterion": "no",
         "packages": 1, "package_type": "CARTON", "marks": "BE-3", "net_kg": 3.5, "gross_kg": 4.1, "cbm": 0.04},
    ])


def rattan() -> None:
    products = [
        ("Rattan basket, round, natural, diameter {size} cm", "4602.12", 3.8),
        ("Rattan storage box with lid, {size} cm", "4602.12", 7.4),
        ("Rattan lamp shade, woven, diameter {size} cm", "4602.12", 6.1),
        ("Rattan tray, oval, {size} cm", "4602.12", 4.6),
        ("Seagrass basket, natural, {size} cm", "4602.19", 3.2),
    ]
    items = []
    for index in range(60):
        text, hs, price = products[index % len(products)]
        size = 20 + 5 * (index // len(products))
        items.append({"description": text.format(size=size), "hs_code": hs, "quantity": 50 + 10 * (index % 7),
                      "unit": "PCS", "unit_price": round(price + size / 20, 2), "origin_criterion": "W 4602",
                      "packages": 2 + index % 3, "package_type": "CARTON", "marks": f"RC-{index + 1:02d}",
                      "net_kg": 12 + index % 5, "gross_kg": 14 + index % 5, "cbm": 0.35})
    items[7] = dict(items[7], description="Metal handles, imported, for baskets (spare parts)", hs_code="8302.50",
                    origin_criterion="no")
    items[21] = dict(items[21], description="Rattan cane, natural, wholly obtained, bundles", hs_code="1401.20",
                     origin_criterion="P")
    write("cirebon-rattan-60-lines.xlsx", {
        "invoice_number": "RC/EXP/2026/0093",
        "invoice_date": dt.date(2026, 11, 10),
        "exporter_rex": "IDREXEXAMPLE0000003",
        "consignee_name": "Cestería Ejemplo S.L. (ficticia)",
        "consignee_address": "Calle del Ejemplo 7, 46001 Valencia",
        "consignee_country": "ES",
        "currency": "EUR",
        "statement_language": "es",
        "incoterm": "CIF",
        "delivery_place": "Valencia",
        "payment_terms": "30% advance, 70% against documents",
        "buyer_order": "CE-2026-310",
        "port_of_loading": "Tanjung Priok, Jakarta",
        "port_of_discharge": "Valencia",
        "vessel": "MV Contoh Nusantara V.203",
        "export_date": dt.date(2026, 11, 12),
        "expected_import_date": dt.date(2026, 12, 19),
        "eska_code": "EXAMPLE-ESKA-0000093",
        "notes": "FICTITIOUS EXAMPLE for rexdecl training - not a real shipment.",
        "consignee_tax_id": "ESB00000000",
        "freight": 1850,
        "insurance": 36.9,
        "signatory_name": "Dewi Contoh",
        "signatory_title": "Export Manager",
        "place_of_issue": "Cirebon",
    }, items)


if __name__ == "__main__":
    batik()
    teak()
    silver()
    rattan()
