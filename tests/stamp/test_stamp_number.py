"""The document's own number in extracted text (rexdecl.stamp.number): found however the
text is glued, refused when it is only a reference, on a credit note, or ambiguous.

The texts are as pypdf extracts them from real invoices (content order, and laid out as on
the page); the PDFs behind the glued cases are under tests/data and stamped end to end in
tests/test_stamp_hostile.py.
"""

from __future__ import annotations

import pytest

from rexdecl.stamp.labels import Label, classify
from rexdecl.stamp.number import PageText, find_own_number, number_pattern


def verdict(plain: str, number: str, layout: str = "") -> tuple[bool, str, tuple[str, ...]]:
    result = find_own_number([PageText(plain, layout)], number)
    return result.accepted, result.reason, result.found


# -- glued by the extraction, and still the document's own number --------------------------------


@pytest.mark.parametrize(
    ("plain", "layout", "number"),
    [
        pytest.param(
            "Rechnungsdatum\nKundennr.30064443\n7. Mai 2014\n47774\nRechnung\n Seite  1\nRechnungsnr.",
            "Rechnungsnr.                  30064443          Kundennr.                       47774",
            "30064443",
            id="qualityhosting-kundennr-glued",
        ),
        pytest.param(
            "FACTUUR.\n993548900Factuurnummer: \n6669263Klantnummer: \n19 april 2014Factuurdatum: ",
            "Factuurnummer:     993548900                 IBAN NL50INGB0683251309",
            "993548900",
            id="coolblue-factuurnummer-glued",
        ),
        pytest.param(
            "Handelsrechnung\nHandelsrechnungNr.R87654321012345vom 06.08.2018",
            "",
            "R87654321012345",
            id="zugferd-handelsrechnungnr-glued",
        ),
        pytest.param(
            "Klant Order FactuurFactuur datum\nSCONL000000444 VF1005193039SCONL0303006280999",
            " Klant          Order               Factuur datum    Factuur        Vervaldatum\n"
            " SCONL03030     SCONL000000444          8-9-2022     VF1005193039   22-9-2022",
            "VF1005193039",
            id="saeco-header-over-value",
        ),
        pytest.param("Facture n°562044387 du 02 Juillet 2015", "", "562044387", id="facture-n-degree-glued"),
        pytest.param(
            "Invoice\n \nINV/2023/03/0008\nInvoice Date:\n03/20/2023", "", "INV/2023/03/0008", id="title-above"
        ),
        pytest.param("Invoice No : # BLR_WFLD20151000982590", "", "#BLR_WFLD20151000982590", id="hash-in-number"),
        pytest.param("Rechnungs-Nr.: RE-2026-17", "", "RE-2026-17", id="rechnungs-nr"),
        pytest.param("Re.-Nr. 2026/0042", "", "2026/0042", id="re-nr"),
        pytest.param("Factuurnr:2026-117", "", "2026-117", id="factuurnr"),
        pytest.param("Factura nº: F-2026-033", "", "F-2026-033", id="factura-n-ordinal"),
        pytest.param("Número de factura 2026-0089", "", "2026-0089", id="numero-de-factura"),
        pytest.param("N° de facture : 11608848301659", "", "11608848301659", id="n-de-facture"),
        pytest.param("Nomor Invoice: 045/EXP/XI/2026", "", "045/EXP/XI/2026", id="nomor-invoice"),
        pytest.param("No. Faktur 045/EXP/XI/2026", "", "045/EXP/XI/2026", id="no-faktur"),
        pytest.param("Invoice #: 1001\nPO #: 77812", "", "1001", id="invoice-hash"),
        pytest.param("Fakturanummer 556677", "", "556677", id="fakturanummer"),
        pytest.param("Commercial Invoice No.\nINV-2026-001", "", "INV-2026-001", id="label-line-above"),
        pytest.param("Invoice No.: INV - 2026 - 001", "", "INV-2026-001", id="spaced"),
        pytest.param("Invoice Number\nINV-2026-\n001", "", "INV-2026-001", id="hyphenated-line-end"),
        pytest.param("Beleg-Nr           : R87654321012345", "", "R87654321012345", id="label-apart-from-colon"),
        pytest.param("Nomor: 045/EXP/XI/2026", "", "045/EXP/XI/2026", id="bare-nomor"),
        pytest.param("Tax Invoice No. 010.000-26.12345678\nInvoice No. INV-2026-001", "", "INV-2026-001", id="tax-too"),
    ],
)
def test_own_number_found(plain: str, layout: str, number: str) -> None:
    accepted, reason, _found = verdict(plain, number, layout)
    assert (accepted, reason) == (True, "labelled")


@pytest.mark.parametrize(
    ("plain", "number"),
    [
        pytest.param("PAYMENT RECEIPT\nBooking ID\nIBZY2087\nRs 1939\nHDFC0000003", "IBZY2087", id="only-one-like-it"),
        pytest.param(
            "**Betaaloverzichtnummer:**\n3906541086000\nKlantnummer: 9011770000", "3906541086000", id="unknown"
        ),
    ],
)
def test_unlabelled_number_accepted_when_alone_of_its_shape(plain: str, number: str) -> None:
    assert verdict(plain, number)[:2] == (True, "only-number")


# -- another document, or only a reference -----------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "reason", "found"),
    [
        pytest.param("INVOICE: 2026/INV/77\nRef: INV-2026-001", "other-number", ("2026/INV/77",), id="invoice-colon"),
        pytest.param("Invoice ID: INV-2026-077\nYour order INV-2026-001", "other-number", ("INV-2026-077",), id="id"),
        pytest.param(
            "Nomor: 045/EXP/XI/2026\nPembayaran untuk invoice INV-2026-001",
            "other-number",
            ("045/EXP/XI/2026",),
            id="nomor",
        ),
        pytest.param(
            "Rechnung Nr. RE-2026-0815\nzu Rechnung INV-2026-001", "other-number", ("RE-2026-0815",), id="rechnung-nr"
        ),
        pytest.param(
            "CREDIT NOTE\nCredit note No. CN-2026-014\nagainst invoice INV-2026-001",
            "credit-note",
            ("CREDIT NOTE",),
            id="credit-note",
        ),
        pytest.param(
            "Gutschrift Nr. 88\nzu Rechnung INV-2026-001", "credit-note", ("Gutschrift Nr. 88",), id="gutschrift"
        ),
        pytest.param("R E C H N U N G S K O R R E K T U R\nRef INV-2026-001", "credit-note", None, id="letter-spaced"),
        pytest.param("AVOIR AV-2017-0005\nFacture d'origine INV-2026-001", "credit-note", None, id="avoir"),
        pytest.param("Packing list\nRef. INV-2026-001\nAgainst invoice INV-2026-001", "reference", (), id="references"),
        pytest.param("Invoice No. : INV-2026-002", "other-number", ("INV-2026-002",), id="another"),
        pytest.param(
            "INVOICE: 2026/INV/77\nThis is about Invoice INV-2026-001",
            "other-number",
            ("2026/INV/77",),
            id="title-mention",
        ),
        pytest.param(
            "INVOICE: 2026/INV/77\nPayment of invoice INV-2026-001", "other-number", ("2026/INV/77",), id="payment-of"
        ),
        pytest.param("Invoice No. : INV-2026-0012", "other-number", ("INV-2026-0012",), id="a-longer-number"),
        pytest.param("Nomor Invoice INV-2026-001A", "other-number", ("INV-2026-001A",), id="a-suffix"),
        pytest.param("COMMERCIAL INVOICE\nDate: 20 November 2026\nINV-2026-0010", "absent", (), id="absent"),
        pytest.param(
            "Order INV-2026-001 Date 20.11.2026\nDelivery PO-2026-117 INV-2026-002",
            "ambiguous",
            ("INV-2026-002", "PO-2026-117"),
            id="ambiguous",
        ),
    ],
)
def test_refused(plain: str, reason: str, found: tuple[str, ...] | None) -> None:
    accepted, got_reason, got_found = verdict(plain, "INV-2026-001")
    assert (accepted, got_reason) == (False, reason)
    if found is not None:
        assert got_found == found


def test_number_only_after_the_first_page_without_label_is_ambiguous() -> None:
    pages = [PageText("COMMERCIAL INVOICE\nDate 20.11.2026"), PageText("Shipment INV-2026-001 packed")]
    result = find_own_number(pages, "INV-2026-001")
    assert (result.accepted, result.reason, result.found) == (False, "ambiguous", ())


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("Kundennr.30064443", True),
        ("993548900Factuurnummer", True),
        ("Nr.R87654321012345vom", True),
        ("INV-2026-0012", False),
        ("XINV-2026-001", False),
        ("INV-2026-001A", False),
        ("INV-2026-001/2", False),
        ("2026.INV-2026-001", False),
        ("INV-2026-001.", True),
        ("(INV-2026-001)", True),
    ],
)
def test_number_boundaries(text: str, matches: bool) -> None:
    number = {"Kundennr.30064443": "30064443", "993548900Factuurnummer": "993548900"}.get(text, "INV-2026-001")
    if text.startswith("Nr.R"):
        number = "R87654321012345"
    assert bool(number_pattern(number).search(text)) is matches


@pytest.mark.parametrize(
    ("before", "label"),
    [
        ("Invoice No. ", Label.OWN),
        ("Rechnungsdatum ", Label.NONE),
        ("Kundennr.", Label.OTHER),
        ("Ursprungsbeleg-Nr : ", Label.REFERENCE),
        ("Ref. ", Label.REFERENCE),
        ("against invoice ", Label.REFERENCE),
        ("Invoice Ref: ", Label.OWN),
        ("Invoice ", Label.TITLE),
        ("INVOICE: ", Label.OWN),
        ("No. Faktur ", Label.OWN),
        ("Tax Invoice No. ", Label.OTHER),
        ("Credit note No. ", Label.CREDIT),
        ("No.: ", Label.GENERIC),
        ("Date 20.11.2026 ", Label.NONE),
    ],
)
def test_label_kinds(before: str, label: Label) -> None:
    assert classify(before) is label
