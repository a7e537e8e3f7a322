"""The words of the documents where they live: the page labels in the templates (the views
carry values and keys), the statement's heading in the scheme data. Checked at the HTML stage
on views built from real shipments, for each branch that prints a label."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import AS_OF, BASE_ITEM, BASE_REGISTRATION, item_with, make_workbook, shipment_with, write_registration

from rexdecl import legal
from rexdecl.documents.html import document_title, render_html
from rexdecl.documents.viewmodel import DocumentViews, build_views
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

PARTICULARS = dict(
    buyer_order="PO-77",
    lc_number="LC/123",
    incoterm="FOB",
    delivery_place="Semarang",
    payment_terms="30 days",
    port_of_loading="Semarang",
    port_of_discharge="Hamburg",
    vessel="MV Example",
    consignment_ref="BL-0001",
    export_date=dt.date(2026, 11, 21),
    peb_number="PEB-9",
    peb_date=dt.date(2026, 11, 19),
    destination_country="DE",
)
# Lines 2 and 4 are not originating: excluded from the statement.
ITEMS = [
    item_with(line=1),
    item_with(line=2, description="Chair made in China", origin_country="CN", origin_criterion="no"),
    item_with(line=3, description="Teak stool", origin_criterion="P"),
    item_with(line=4, description="Plastic part", origin_country="CN", origin_criterion="no"),
]


def views(tmp_path: Path, shipment: dict[str, Any], items: list[dict[str, Any]], **options: Any) -> DocumentViews:
    path = make_workbook(tmp_path, shipment, items)
    registration = write_registration(
        tmp_path / "registration.toml", dict(BASE_REGISTRATION, npwp="01.234.567.8-901.000")
    )
    checked = check_workbook(path, CheckOptions(as_of=AS_OF), registration)
    assert not checked.report.errors, [f.message for f in checked.report.errors]
    return build_views(checked.facts, **options)


def labels(html: str) -> list[str]:
    return re.findall(r'<td><span class="label">([^<]*)</span>', html)


def test_labels_of_an_invoice_with_excluded_lines(tmp_path: Path) -> None:
    documents = views(tmp_path, shipment_with(**PARTICULARS), ITEMS)
    invoice, packing_list = documents
    html = render_html(invoice)
    assert "<title>COMMERCIAL INVOICE INV-2026-001</title>" in html
    assert '<h1 class="doctitle">COMMERCIAL INVOICE</h1>' in html
    assert "<h2>Exporter</h2>" in html and "<h2>Consignee</h2>" in html
    assert '<p class="ident"><span class="label">REX No.:</span> IDREXTEST0000000001</p>' in html
    assert '<p class="ident"><span class="label">NPWP:</span> 01.234.567.8-901.000</p>' in html
    assert labels(html) == [
        "Buyer&#39;s order", "L/C No.", "Terms of delivery", "Payment terms", "Port of loading",
        "Port of discharge", "Vessel / flight", "B/L / AWB No.", "Export date", "PEB No.",
        "Country of destination", "Country of origin",
    ]  # fmt: skip
    assert '<td><span class="label">PEB No.</span>PEB-9 of 19 November 2026</td>' in html
    assert (
        '<table class="totals">\n'
        "<tr><th>Originating products (statement on origin), EUR</th><td>2,000.00</td></tr>\n"
        "<tr><th>Not originating (excluded), EUR</th><td>2,000.00</td></tr>\n"
        '<tr class="grand"><th>Total EUR</th><td>4,000.00</td></tr>\n'
        "</table>"
    ) in html
    assert (
        html.count('<span class="mark">*</span>&nbsp;<em>Not originating – excluded from the statement on origin</em>')
        == 2
    )
    assert (
        '<p class="excluded-note"><span class="mark">*</span> Lines marked “Not originating” are not covered by '
        "the statement on origin (items 2, 4).</p>"
    ) in html
    assert '<h2 lang="en">Statement on origin</h2>' in html
    packing_html = render_html(packing_list)
    assert '<h1 class="doctitle">PACKING LIST</h1>' in packing_html
    assert "Total EUR" not in packing_html
    assert "(items 2, 4)" in packing_html


def test_one_excluded_line_is_an_item(tmp_path: Path) -> None:
    invoice, _packing_list = views(tmp_path, shipment_with(), ITEMS[:2])
    assert "are not covered by the statement on origin (item 2).</p>" in render_html(invoice)


def test_without_a_statement_the_template_marks_not_originating_lines(tmp_path: Path) -> None:
    documents = views(tmp_path, shipment_with(**PARTICULARS), ITEMS, with_statement=False)
    html = render_html(documents.invoice)
    assert html.count("<td>Not originating</td>") == 2
    assert "excluded-note" not in html and "Originating products" not in html
    assert '<tr class="grand"><th>Total EUR</th><td>4,000.00</td></tr>' in html
    assert "Country of origin" not in labels(html)
    assert documents.statement_text is None


def test_uk_declaration_heading_comes_from_the_scheme_data(tmp_path: Path) -> None:
    shipment = shipment_with(
        scheme="uk-dcts",
        consignee_country="GB",
        customs_id="ID-CUST-42",
        eska_code=None,
        signatory_name="Budi Contoh",
        place_of_issue="Jepara",
    )
    invoice, _packing_list = views(tmp_path, shipment, [BASE_ITEM])
    html = render_html(invoice)
    assert '<h2 lang="en">Origin declaration</h2>' in html
    assert '<p class="ident"><span class="label">Customs ID:</span> ID-CUST-42</p>' in html
    assert '<p class="label">(Place and date)</p>' in html
    assert {scheme.heading for scheme in legal.schemes().values() if scheme.enabled} == {
        "Statement on origin",
        "Origin declaration",
    }


def test_build_views_hands_on_the_statement_text_and_exact_totals(tmp_path: Path) -> None:
    documents = views(
        tmp_path, shipment_with(), [*ITEMS[:2], item_with(line=3, quantity=3, unit_price="0.125", amount=None)]
    )
    assert documents.invoice.statement is not None
    assert documents.statement_text == documents.invoice.statement.text
    assert documents.totals.amount == Decimal("2000.38")
    assert documents.totals.originating == Decimal("1000.38")
    assert documents.invoice.total == "2,000.38"


def test_document_titles_come_from_the_templates() -> None:
    assert document_title("invoice") == "COMMERCIAL INVOICE"
    assert document_title("packing-list") == "PACKING LIST"
