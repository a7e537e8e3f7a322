"""On every printed invoice line, quantity × unit price = the amount as printed, in the
currency's ISO 4217 minor units, whatever Babel/CLDR says (the rupiah has 2 in ISO 4217,
0 in CLDR 2.19)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    AS_OF,
    item_with,
    make_workbook,
    needs_pdftotext,
    pdf_text,
    run_cli,
    shipment_with,
    write_registration,
)

from rexdecl.amounts import format_money
from rexdecl.documents.viewmodel import build_views
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

# The IDR line of the issue (printed "80 PCS 305,688 24,455,000" with Babel 2.19), and two
# lines whose amounts are computed, one with a price more precise than the currency.
IDR_ITEMS: list[dict[str, Any]] = [
    item_with(line=1, quantity=80, unit="PCS", unit_price="305687.5", amount=24455000),
    item_with(line=2, quantity=3, unit="PCS", unit_price="0.125", amount=None, description="Teak peg"),
    item_with(line=3, quantity=7, unit="PCS", unit_price="1999.99", amount=None, description="Teak stool"),
]


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _views(tmp_path: Path, currency: str, items: list[dict[str, Any]]) -> Any:
    path = make_workbook(tmp_path, shipment=shipment_with(currency=currency), items=items)
    checked = check_workbook(path, CheckOptions(as_of=AS_OF), write_registration(tmp_path / "registration.toml"))
    assert not [f for f in checked.report.findings if f.severity.name == "ERROR"], checked.report.findings
    invoice, _packing = build_views(checked.facts)
    return invoice


@pytest.mark.parametrize("currency", ["IDR", "EUR", "JPY", "KWD"])
def test_quantity_times_unit_price_is_the_printed_amount(tmp_path: Path, currency: str) -> None:
    items = IDR_ITEMS if currency != "JPY" else [item_with(quantity=80, unit_price="305687.5", amount=24455000)]
    invoice = _views(tmp_path, currency, items)
    assert invoice.lines
    for line in invoice.lines:
        expected = format_money(_number(line.quantity) * _number(line.unit_price), currency)
        assert line.amount == expected, (line.quantity, line.unit_price, line.amount)


def test_idr_line_prints_rupiah_cents(tmp_path: Path) -> None:
    invoice = _views(tmp_path, "IDR", IDR_ITEMS)
    printed = [(line.quantity, line.unit_price, line.amount) for line in invoice.lines]
    assert printed == [
        ("80", "305,687.50", "24,455,000.00"),
        ("3", "0.125", "0.38"),
        ("7", "1,999.99", "13,999.93"),
    ]
    assert (invoice.currency, invoice.total) == ("IDR", "24,469,000.31")


@needs_pdftotext
def test_idr_invoice_pdf_line(tmp_path: Path) -> None:
    # A line that fits the table's columns (longer numbers wrap inside their cell).
    items = [item_with(quantity=8, unit="PCS", unit_price="30568.75", amount=244550)]
    path = make_workbook(tmp_path, shipment=shipment_with(currency="IDR"), items=items)
    write_registration(tmp_path / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["generate", str(path), "--out", str(out), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    (pdf,) = out.glob("*_invoice.pdf")
    text = pdf_text(pdf, raw=True)
    flat = " ".join(text.split())
    assert "8 PCS 30,568.75 244,550.00" in flat, flat
    assert "Total IDR 244,550.00" in flat
    assert "SAY: RUPIAH TWO HUNDRED FORTY-FOUR THOUSAND FIVE HUNDRED FIFTY AND 00/100 ONLY" in flat


def test_a_typed_amount_within_rounding_is_printed_as_quantity_times_price(tmp_path: Path) -> None:
    # 3 x 0.125 = 0.375: a typed 0.37 is within AMOUNT-MISMATCH's 0.01, but the invoice prints
    # (and totals) 0.38 so that the printed line multiplies out.
    items = [item_with(line=1, quantity=3, unit="PCS", unit_price="0.125", amount="0.37")]
    invoice = _views(tmp_path, "EUR", items)
    assert [(line.quantity, line.unit_price, line.amount) for line in invoice.lines] == [("3", "0.125", "0.38")]
    assert (invoice.currency, invoice.total) == ("EUR", "0.38")
