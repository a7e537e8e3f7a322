"""What the templates receive: every number already formatted, totals computed, the
statutory text chosen and filled. Templates do no arithmetic and no law.

Built by :mod:`rexdecl.documents.viewmodel`; rendered by :mod:`rexdecl.documents.html` and :mod:`rexdecl.documents.pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Fields of the views that are not printed with the fonts (metadata, URLs, codes).
UNPRINTED_FIELDS = frozenset({"kind", "date_iso", "logo_url", "author", "keywords", "language", "scheme_id"})


@dataclass(frozen=True)
class PartyView:
    """An exporter or consignee block."""

    heading: str  # "Exporter", "Consignee"
    name: str
    address_lines: tuple[str, ...]
    country: str  # country name, e.g. "Germany"
    # Labelled identifiers printed under the address: ("REX No.", "IDREX..."), ("NPWP", ...)
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
    criterion: str  # "W 6214", "P", or the not-originating text
    excluded: bool  # not originating: visibly marked as excluded from the statement
    packages: str
    package_type: str
    net_kg: str
    gross_kg: str
    cbm: str


@dataclass(frozen=True)
class StatementView:
    """The statement on origin as printed: heading, filled statutory text, extra lines."""

    heading: str  # e.g. "Statement on origin"
    text: str  # the statutory sentence, blanks filled, word for word
    language: str  # en | fr | es: the html lang of the block
    scheme_id: str
    eska_code: str = ""  # e-SKA authentic code printed under the statement
    # UK DCTS: ("(Place and date)", "Pekalongan, 20 November 2026"), ("(Name and signature
    # of the exporter)", "PT ...") -- label under a filled or blank line.
    signature_lines: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DocumentView:
    """One document (invoice or packing list) ready for its template."""

    kind: Literal["invoice", "packing-list"]
    title: str  # "COMMERCIAL INVOICE" / "PACKING LIST"
    invoice_number: str
    invoice_date: str  # "20 November 2026"
    date_iso: str  # "2026-11-20": PDF metadata dates come from it, never from the clock
    exporter: PartyView
    consignee: PartyView
    # Labelled particulars printed in the header grid: buyer's order, L/C, incoterm and
    # place, payment terms, ports, vessel, PEB, destination...; only those given.
    particulars: tuple[tuple[str, str], ...]
    currency: str
    lines: tuple[LineView, ...]
    # Invoice totals: ("Total EUR", "4,620.00"), ...
    totals: tuple[tuple[str, str], ...]
    amount_in_words: str  # "SAY: EURO FOUR THOUSAND ... AND 00/100 ONLY" ("" on the packing list)
    # Packing-list totals: packages, net, gross, volume (formatted) -- "" when none given.
    total_packages: str
    total_net_kg: str
    total_gross_kg: str
    total_cbm: str
    notes: str
    excluded_note: str  # explains the excluded-line mark, "" when every line originates
    statement: StatementView | None
    logo_url: str = ""  # a URL the renderer's fetcher serves, "" for none
    author: str = ""  # exporter name, for PDF metadata
    keywords: tuple[str, ...] = field(default_factory=tuple)
