"""What the templates receive: every number already formatted, totals computed, the
statutory text chosen and filled. Templates do no arithmetic and no law; they hold the page
labels ("Exporter", "Port of loading", "Total EUR"...), so the views carry values, and keys
where the template chooses the label (the particulars, the identifiers).

Built by :mod:`rexdecl.documents.viewmodel`; rendered by :mod:`rexdecl.documents.html` and :mod:`rexdecl.documents.pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Fields of the views that are not printed with the fonts (metadata, URLs, codes).
UNPRINTED_FIELDS = frozenset({"kind", "date_iso", "logo_url", "author", "keywords", "language", "scheme_id", "columns"})


@dataclass(frozen=True)
class PartyView:
    """An exporter or consignee block (the template heads it)."""

    name: str
    address_lines: tuple[str, ...]
    country: str  # country name, e.g. "Germany"
    # Identifiers printed under the address, each labelled by the template from its key:
    # ("rex_number", "IDREX..."), ("customs_id", ...), ("npwp", ...); the consignee's
    # ("tax_id", ...) is its VAT or EORI number.
    identifiers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LineView:
    """One invoice line, every value a printable string ("" when absent)."""

    number: str
    marks: str
    description: str
    hs_code: str  # as printed, e.g. "6214.90"
    quantity: str
    unit: str
    unit_price: str
    amount: str
    # "W 6214", "P", the cumulation mention, or (statement printed) the scheme's
    # not-originating text; "" when there is none to print.
    criterion: str
    excluded: bool  # not originating, statement printed: visibly marked as excluded from it
    packages: str
    package_type: str
    net_kg: str
    gross_kg: str
    cbm: str
    # The line's criterion says not originating (with or without a statement): without a
    # text of the scheme, the template prints its own mention.
    not_originating: bool = False


@dataclass(frozen=True)
class StatementView:
    """The statement on origin as printed: heading, filled statutory text, extra lines."""

    heading: str  # the scheme's heading (schemes.toml), e.g. "Statement on origin"
    text: str  # the statutory sentence, blanks filled, word for word
    language: str  # en | fr | es: the html lang of the block
    scheme_id: str
    eska_code: str = ""  # e-SKA authentic code printed under the statement
    # UK DCTS: ("(Place and date)", "Pekalongan, 20 November 2026"), ("(Name and signature
    # of the exporter)", "PT ...") -- label under a filled or blank line.
    signature_lines: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SignatoryView:
    """The signature block printed below the statement box, outside it (or at the end of a
    document without statement), when the shipment names a signatory or a place of issue.
    Not printed where the statement's own text has signature lines (UK DCTS): those hold it."""

    place_and_date: str  # "Pekalongan, 16 November 2026"
    company: str  # the exporter, for whom the signatory signs
    name: str
    title: str


@dataclass(frozen=True)
class LineColumns:
    """The widths of the line table's columns (CSS lengths, computed by
    :mod:`rexdecl.documents.columns` so that no number wraps in its cell), and the class of
    the table that sets its number cells in smaller type ("", "small", "smaller")."""

    number: str = "6mm"
    marks: str = "16mm"
    hs_code: str = "13mm"
    quantity: str = "13mm"
    unit: str = "9mm"
    unit_price: str = "15mm"
    amount: str = "17mm"
    criterion: str = "21mm"
    packages: str = "14mm"
    package_type: str = "14mm"
    net_kg: str = "12mm"
    gross_kg: str = "12mm"
    cbm: str = "10mm"
    size: str = ""


@dataclass(frozen=True)
class DocumentView:
    """One document (invoice or packing list) ready for its template (which titles it)."""

    kind: Literal["invoice", "packing-list"]
    invoice_number: str
    invoice_date: str  # "20 November 2026"
    date_iso: str  # "2026-11-20": PDF metadata dates come from it, never from the clock
    exporter: PartyView
    consignee: PartyView
    # The particulars printed in the header grid, in order, only those given, as (key,
    # value): the template labels each key -- buyer_order, lc_number, delivery_terms,
    # payment_terms, port_of_loading, port_of_discharge, vessel, consignment_ref,
    # export_date, peb, destination, origin.
    particulars: tuple[tuple[str, str], ...]
    currency: str
    lines: tuple[LineView, ...]
    # Invoice totals ("" on the packing list): the total of the invoice ("4,620.00": the
    # lines, plus freight and insurance when given), and, when lines are excluded from the
    # statement, the originating and excluded amounts ("" when no line is excluded).
    total: str
    originating_total: str
    excluded_total: str
    amount_in_words: str  # "SAY: EURO FOUR THOUSAND ... AND 00/100 ONLY" ("" on the packing list)
    # Packing-list totals: packages, net, gross, volume (formatted) -- "" when none given.
    total_packages: str
    total_net_kg: str
    total_gross_kg: str
    total_cbm: str
    notes: str
    # The item numbers of the lines excluded from the statement, which the template's note
    # names: ("2", "4"); () when the statement covers every line, or none is printed.
    excluded_items: tuple[str, ...]
    statement: StatementView | None
    # The breakdown under the lines when freight or insurance is given ("" otherwise, and on
    # the packing list): the goods (the lines' total), freight, insurance, and the incoterm
    # that names the total ("CIF"; "" when the incoterm is not one with carriage paid).
    goods_total: str = ""
    freight: str = ""
    insurance: str = ""
    total_terms: str = ""
    bank_details: tuple[str, ...] = ()  # lines of the exporter's bank details (invoice only)
    signatory: SignatoryView | None = None
    columns: LineColumns = field(default_factory=LineColumns)
    logo_url: str = ""  # a URL the renderer's fetcher serves, "" for none
    author: str = ""  # exporter name, for PDF metadata
    keywords: tuple[str, ...] = field(default_factory=tuple)
