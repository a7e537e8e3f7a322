"""Freight and insurance (CIF, CFR, CIP, CPT): printed as a breakdown under the lines — value
of goods, freight, insurance, total named after the incoterm — that adds up in the currency's
minor units. The line amounts stay the goods' value, and so does the value of originating
products that the EUR 6,000 threshold counts (Art. 78(1)(b), 78(2) UCC IA [V]: "the total value
of the originating products consigned": freight and insurance are no products)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    AS_OF,
    DROP,
    ERROR,
    Checked,
    S,
    assert_rule,
    case,
    item_with,
    make_workbook,
    run_cli,
    shipment_with,
    write_registration,
)

from rexdecl.documents.html import render_html
from rexdecl.documents.viewmodel import DocumentViews, build_views
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

ITEMS = [
    item_with(line=1, quantity=10, unit_price=100, amount=None),
    item_with(line=2, description="Teak stool", quantity=5, unit_price="20.5", amount=None),
]
UNREGISTERED = {"exporter_rex": DROP}


def views(tmp_path: Path, shipment: dict[str, Any], items: list[dict[str, Any]] | None = None) -> DocumentViews:
    path = make_workbook(tmp_path, shipment, items or ITEMS)
    checked = check_workbook(path, CheckOptions(as_of=AS_OF), write_registration(tmp_path / "registration.toml"))
    assert not checked.report.errors, [f.message for f in checked.report.errors]
    return build_views(checked.facts)


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.mark.parametrize(
    ("incoterm", "freight", "insurance", "printed", "terms"),
    [
        ("CIF", "350", "12.5", ("1,102.50", "350.00", "12.50", "1,465.00"), "CIF"),
        ("cif", "350", "12.5", ("1,102.50", "350.00", "12.50", "1,465.00"), "CIF"),
        ("CFR", "350", None, ("1,102.50", "350.00", "", "1,452.50"), "CFR"),
        ("CIP", "0", "7.25", ("1,102.50", "0.00", "7.25", "1,109.75"), "CIP"),
        ("CPT", 95.004, None, ("1,102.50", "95.00", "", "1,197.50"), "CPT"),
        # Rounded half up to cents before adding: the printed parts add up to the printed total.
        ("CIF", 10.005, 0.004, ("1,102.50", "10.01", "0.00", "1,112.51"), "CIF"),
        # Given with another incoterm: printed as given, the total not named after the terms.
        ("FOB", "350", None, ("1,102.50", "350.00", "", "1,452.50"), ""),
        (None, "350", None, ("1,102.50", "350.00", "", "1,452.50"), ""),
    ],
)
def test_breakdown_adds_up(
    tmp_path: Path, incoterm: str | None, freight: Any, insurance: Any, printed: tuple[str, ...], terms: str
) -> None:
    shipment = shipment_with(incoterm=incoterm if incoterm else DROP, freight=freight)
    if insurance is not None:
        shipment["insurance"] = insurance
    documents = views(tmp_path, shipment)
    invoice = documents.invoice
    assert (invoice.goods_total, invoice.freight, invoice.insurance, invoice.total) == printed
    assert invoice.total_terms == terms
    parts = [number(p) for p in printed[:3] if p]
    assert sum(parts) == number(invoice.total)
    # The lines stay the goods' value; the totals hand on the goods and the invoice's total.
    assert documents.totals.amount == Decimal("1102.50")
    assert documents.totals.invoice == number(invoice.total)
    words = invoice.amount_in_words
    cents = printed[3].rsplit(".", 1)[1]
    assert words.startswith("SAY: EURO ONE THOUSAND") and words.endswith(f"AND {cents}/100 ONLY")
    html = render_html(invoice)
    total_label = f"Total {terms} EUR" if terms else "Total EUR"
    assert f'<tr class="grand"><th>{total_label}</th><td>{printed[3]}</td></tr>' in html
    assert f'<tr class="goods"><th>Value of goods, EUR</th><td>{printed[0]}</td></tr>' in html
    assert f"<tr><th>Freight, EUR</th><td>{printed[1]}</td></tr>" in html
    assert ("<th>Insurance, EUR</th>" in html) == bool(printed[2])
    # The packing list prints no money.
    packing_list = render_html(documents.packing_list)
    assert "Freight" not in packing_list and "Value of goods" not in packing_list


def test_without_freight_and_insurance_no_breakdown(tmp_path: Path) -> None:
    invoice = views(tmp_path, shipment_with(incoterm="CIF")).invoice
    assert (invoice.goods_total, invoice.freight, invoice.insurance, invoice.total_terms) == ("", "", "", "")
    html = render_html(invoice)
    assert "Value of goods" not in html
    assert '<tr class="grand"><th>Total EUR</th><td>1,102.50</td></tr>' in html


def test_currency_without_minor_unit(tmp_path: Path) -> None:
    items = [item_with(quantity=3, unit_price=150000, amount=None)]
    invoice = views(tmp_path, shipment_with(currency="JPY", eur_rate=160, incoterm="CIF", freight="12000.4",
                                            insurance="800.5"), items).invoice  # fmt: skip
    assert (invoice.goods_total, invoice.freight, invoice.insurance, invoice.total) == (
        "450,000",
        "12,000",
        "801",
        "462,801",
    )


def test_breakdown_under_the_originating_and_excluded_amounts(tmp_path: Path) -> None:
    items = [ITEMS[0], item_with(line=2, description="Plastic part", origin_country="CN", origin_criterion="no")]
    invoice = views(tmp_path, shipment_with(incoterm="CIF", freight=100, insurance=5), items).invoice
    html = render_html(invoice)
    rows = re.findall(r"<tr(?: class=\"\w+\")?><th>([^<]*)</th><td>([^<]*)</td></tr>", html.split('class="totals"')[1])
    assert rows == [
        ("Originating products (statement on origin), EUR", "1,000.00"),
        ("Not originating (excluded), EUR", "1,000.00"),
        ("Value of goods, EUR", "2,000.00"),
        ("Freight, EUR", "100.00"),
        ("Insurance, EUR", "5.00"),
        ("Total CIF EUR", "2,105.00"),
    ]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
def test_cif_invoice_pdf(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, shipment_with(incoterm="CIF", delivery_place="Hamburg", freight=350,
                                                 insurance="12.5"), ITEMS)  # fmt: skip
    write_registration(tmp_path / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    pdf = out / "INV-2026-001_invoice.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    rows = [" ".join(row.split()) for row in text.splitlines() if row.strip()]
    at = rows.index("Value of goods, EUR 1,102.50")
    assert rows[at + 1 : at + 4] == ["Freight, EUR 350.00", "Insurance, EUR 12.50", "Total CIF EUR 1,465.00"]
    assert "SAY: EURO ONE THOUSAND FOUR HUNDRED SIXTY-FIVE AND 00/100 ONLY" in rows
    assert run_cli(["lint", pdf]).exit_code == 0


# -- the thresholds count the products, not freight and insurance ------------------------------


def test_freight_and_insurance_are_not_originating_products(check: Callable[..., Checked]) -> None:
    # EUR 5,900 of originating products, EUR 6,450 on the invoice: no REX number needed.
    items = [item_with(quantity=1, unit_price=5900, amount=5900)]
    result = check(shipment=shipment_with(**UNREGISTERED, incoterm="CIF", freight=500, insurance=50), items=items)
    assert "THRESHOLD-EUR-6000" not in result.codes()
    assert result.summary["originating_value_eur"] == "5900.00"  # a plain decimal for scripts
    over = check(shipment=shipment_with(**UNREGISTERED), items=[item_with(quantity=1, unit_price=6001, amount=6001)])
    assert "THRESHOLD-EUR-6000" in over.codes()


# -- the rules on the new amounts ---------------------------------------------------------------

NEGATIVE = [
    case("negative-freight", [(ERROR, S("freight"))], shipment={"freight": -10}),
    case("negative-insurance", [(ERROR, S("insurance"))], shipment={"insurance": "-0.5"}),
    case("zero", [], shipment={"freight": 0, "insurance": 0}),
]


@pytest.mark.parametrize(("kwargs", "expect"), NEGATIVE)
def test_negative_freight_or_insurance(check: Callable[..., Checked], kwargs: dict[str, Any], expect: Any) -> None:
    result = assert_rule(check, "WEIGHT-INCONSISTENT", kwargs, expect)
    for finding in result.of("WEIGHT-INCONSISTENT"):
        assert re.fullmatch(
            r"Shipment!B\d+: (freight|insurance) is negative \(-[\d.]+\); enter a positive number", finding.message
        ), finding.message


def test_invoice_total_is_the_goods_value(check: Callable[..., Checked]) -> None:
    goods = check(shipment=shipment_with(freight=350, insurance="12.5", invoice_total=1000))
    assert "AMOUNT-MISMATCH" not in goods.codes()
    cif = check(shipment=shipment_with(freight=350, insurance="12.5", invoice_total="1362.50"))
    assert cif.one("AMOUNT-MISMATCH").message == (
        "Shipment!B17: invoice_total 1362.50 differs from the sum of the line amounts 1000.00; correct the total "
        "or the lines (invoice_total is the goods' value alone: the invoice adds freight and insurance below it)"
    )
    other = check(shipment=shipment_with(freight=350, invoice_total=999))
    assert other.one("AMOUNT-MISMATCH").message.endswith("correct the total or the lines")
