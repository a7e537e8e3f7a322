"""From a checked shipment to what the templates print: every number formatted, totals
computed, the statutory text chosen and filled (:mod:`rexdecl.documents.statement`).

Values only: the page labels are the templates' ("Exporter", "Port of loading", "Total
EUR"...), the statement's heading and texts the scheme data's. :func:`build_views` also hands
on the statement text and the exact totals the documents print, for whatever records them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rexdecl import __version__
from rexdecl.amounts import amount_in_words, format_money, format_price, format_quantity
from rexdecl.documents.statement import country_name, criterion_text, fill_statement
from rexdecl.documents.views import DocumentView, LineView, PartyView, StatementView
from rexdecl.findings import Finding
from rexdecl.paths import display_path
from rexdecl.rules.facts import Line, ShipmentFacts
from rexdecl.rules.notation import digits_only


@dataclass(frozen=True)
class ShipmentTotals:
    """The sums the documents print, exact (formatted only in the views)."""

    amount: Decimal | None  # of every line's amount; None when no line has one
    originating: Decimal  # of the originating lines' amounts (those the statement covers)
    packages: Decimal | None  # None when no line gives it
    net_kg: Decimal | None
    gross_kg: Decimal | None
    cbm: Decimal | None


@dataclass(frozen=True)
class DocumentViews:
    """The invoice and the packing list of a shipment, with the statement text they print
    (None without a statement) and the exact totals: one source for the documents and for
    whatever records them. Unpacks as ``invoice, packing_list``."""

    invoice: DocumentView
    packing_list: DocumentView
    statement_text: str | None
    totals: ShipmentTotals

    def __iter__(self) -> Iterator[DocumentView]:
        return iter((self.invoice, self.packing_list))


def long_date(day: dt.date | None) -> str:
    """``16 November 2026``: unambiguous in every country (never 11/16 or 16/11)."""
    return f"{day.day} {day.strftime('%B')} {day.year}" if day else ""


def hs_printed(code: str | None) -> str:
    """``621490`` -> ``6214.90``; ``62149000`` -> ``6214.90.00``."""
    digits = digits_only(code)
    if not digits.isdigit() or len(digits) <= 4:
        return code or ""
    rest = digits[4:]
    return digits[:4] + "." + ".".join(rest[i : i + 2] for i in range(0, len(rest), 2))


def _price(value: Decimal | None, currency: str) -> str:
    # Never rounded (0.125 EUR, 305,687.5 JPY printed as given): quantity × unit price
    # must be the amount printed on the same line.
    return "" if value is None else format_price(value, currency)


def _quantity(value: Decimal | None) -> str:
    return "" if value is None else format_quantity(value)


def _total(lines: tuple[Line, ...], name: str) -> Decimal | None:
    values = [getattr(line.item, name) for line in lines if getattr(line.item, name) is not None]
    return sum(values, Decimal(0)) if values else None


def place_of(address: str | None) -> str:
    """The town of an address, for the UK declaration's place line: the part that holds a
    postcode, without it (``…, Pekalongan 51128, Jawa Tengah`` -> ``Pekalongan``)."""
    if not address:
        return ""
    parts = [p.strip() for p in re.split(r"[,\n]", address) if p.strip()]
    for part in parts:
        if re.search(r"\b\d{5}\b", part):
            town = re.sub(r"\b\d{4,6}\b", "", part).strip(" -")
            if town:
                return town
    return parts[-1] if parts else ""


def _parties(ctx: ShipmentFacts) -> tuple[PartyView, PartyView]:
    shipment = ctx.shipment
    identifiers: list[tuple[str, str]] = []
    if ctx.rex_number:
        identifiers.append(("rex_number", ctx.rex_number))
    if ctx.scheme is not None and ctx.scheme.identifier == "customs_id" and shipment.customs_id:
        identifiers.append(("customs_id", shipment.customs_id))
    if ctx.entry is not None and ctx.entry.npwp:
        identifiers.append(("npwp", ctx.entry.npwp))
    exporter = PartyView(
        name=ctx.exporter_name or "",
        address_lines=tuple(line.strip() for line in (ctx.exporter_address or "").splitlines() if line.strip()),
        country=country_name(ctx.exporter_country, "en") if ctx.exporter_country else "",
        identifiers=tuple(identifiers),
    )
    consignee = PartyView(
        name=shipment.consignee_name or "",
        address_lines=tuple(line.strip() for line in (shipment.consignee_address or "").splitlines() if line.strip()),
        country=country_name(shipment.consignee_country, "en") if shipment.consignee_country else "",
    )
    return exporter, consignee


def _particulars(ctx: ShipmentFacts, with_origin: bool) -> tuple[tuple[str, str], ...]:
    s = ctx.shipment
    pairs: list[tuple[str, str | None]] = [
        ("buyer_order", s.buyer_order),
        ("lc_number", s.lc_number),
        ("delivery_terms", " ".join(p for p in (s.incoterm, s.delivery_place) if p) or None),
        ("payment_terms", s.payment_terms),
        ("port_of_loading", s.port_of_loading),
        ("port_of_discharge", s.port_of_discharge),
        ("vessel", s.vessel),
        ("consignment_ref", s.consignment_ref),
        ("export_date", long_date(s.export_date) or None),
        # The PEB number "of" its date: one cell of the grid.
        ("peb", " of ".join(p for p in (s.peb_number, long_date(s.peb_date)) if p) or None),
        ("destination", country_name(ctx.destination, "en") if ctx.destination else None),
    ]
    if with_origin and ctx.origin_country:
        pairs.append(("origin", country_name(ctx.origin_country, "en")))
    return tuple((key, value) for key, value in pairs if value)


def _line_view(line: Line, ctx: ShipmentFacts, with_statement: bool) -> LineView:
    item = line.item
    currency = ctx.shipment.currency or ""
    excluded = line.criterion is not None and not line.criterion.originating
    criterion = ""
    if with_statement and ctx.scheme is not None and line.criterion is not None:
        text = ctx.scheme.texts.get(ctx.statement_language) or next(iter(ctx.scheme.texts.values()))
        english = ctx.scheme.texts.get("en", text)
        criterion = (
            english.not_originating if excluded else criterion_text(line.criterion, text, ctx.statement_language)
        )
    elif line.criterion is not None and not excluded and ctx.scheme and "en" in ctx.scheme.texts:
        criterion = criterion_text(line.criterion, ctx.scheme.texts["en"], "en")
    # else: a not-originating line without the scheme's text gets the template's mention
    return LineView(
        number=str(item.line),
        marks=item.marks or "",
        description=item.description or "",
        hs_code=hs_printed(item.hs_code),
        quantity=_quantity(item.quantity),
        unit=item.unit or "",
        unit_price=_price(item.unit_price, currency) if currency else "",
        amount=format_money(line.amount, currency) if line.amount is not None and currency else "",
        criterion=criterion,
        excluded=excluded and with_statement,
        not_originating=excluded,
        packages=_quantity(item.packages),
        package_type=item.package_type or "",
        net_kg=_quantity(item.net_kg),
        gross_kg=_quantity(item.gross_kg),
        cbm=_quantity(item.cbm),
    )


def shipment_totals(ctx: ShipmentFacts) -> ShipmentTotals:
    """The exact sums of a checked shipment's lines that the documents print."""
    amounts = [line.amount for line in ctx.lines if line.amount is not None]
    packages, net, gross, cbm = (_total(ctx.lines, n) for n in ("packages", "net_kg", "gross_kg", "cbm"))
    return ShipmentTotals(
        amount=sum(amounts, Decimal(0)) if amounts else None,
        originating=ctx.eur_valuation.in_invoice_currency,
        packages=packages,
        net_kg=net,
        gross_kg=gross,
        cbm=cbm,
    )


def build_views(ctx: ShipmentFacts, with_statement: bool = True, logo_url: str = "") -> DocumentViews:
    """The invoice and the packing list of a shipment whose check found no error, with the
    statement text and the totals they print."""
    shipment = ctx.shipment
    currency = shipment.currency or ""
    exporter, consignee = _parties(ctx)
    lines = tuple(_line_view(line, ctx, with_statement) for line in ctx.lines)
    totals = shipment_totals(ctx)
    total = Decimal(0) if totals.amount is None else totals.amount
    excluded = [line for line in ctx.lines if line.criterion is not None and not line.criterion.originating]
    originating_total = excluded_total = ""
    if with_statement and excluded:
        originating_total = format_money(totals.originating, currency)
        excluded_total = format_money(total - totals.originating, currency)
    statement = None
    if with_statement and ctx.scheme is not None:
        filled = fill_statement(ctx)
        text = ctx.scheme.texts[ctx.statement_language]
        signature: tuple[tuple[str, str], ...] = ()
        if ctx.scheme.signature:
            signature = (
                (text.place_and_date, f"{place_of(ctx.exporter_address)}, {long_date(shipment.invoice_date)}"),
                (text.name_and_signature, ctx.exporter_name or ""),
            )
        statement = StatementView(
            heading=ctx.scheme.heading,
            text=filled.text,
            language=filled.language,
            scheme_id=ctx.scheme.id,
            eska_code=shipment.eska_code or "",
            signature_lines=signature,
        )
    common: dict[str, Any] = dict(
        invoice_number=shipment.invoice_number or "",
        invoice_date=long_date(shipment.invoice_date),
        date_iso=shipment.invoice_date.isoformat() if shipment.invoice_date else "",
        exporter=exporter,
        consignee=consignee,
        particulars=_particulars(ctx, with_statement),
        currency=currency,
        lines=lines,
        notes=shipment.notes or "",
        excluded_items=tuple(str(line.item.line) for line in excluded) if with_statement else (),
        statement=statement,
        logo_url=logo_url,
        author=ctx.exporter_name or "",
        keywords=(
            "commercial invoice",
            "statement on origin" if statement else "no statement on origin",
            ctx.scheme_id,
        ),
        total_packages=_quantity(totals.packages),
        total_net_kg=_quantity(totals.net_kg),
        total_gross_kg=_quantity(totals.gross_kg),
        total_cbm=_quantity(totals.cbm),
    )
    invoice = DocumentView(
        kind="invoice",
        total=format_money(total, currency),
        originating_total=originating_total,
        excluded_total=excluded_total,
        amount_in_words=_in_words(total, currency),
        **common,
    )
    packing_list = DocumentView(
        kind="packing-list", total="", originating_total="", excluded_total="", amount_in_words="", **common
    )
    return DocumentViews(invoice, packing_list, statement.text if statement else None, totals)


def _in_words(total: Decimal, currency: str) -> str:
    """The total in words; none for a total that cannot be spelled (negative, or a thousand
    trillion and more): the figures alone are printed then."""
    if not currency:
        return ""
    try:
        return amount_in_words(total, currency)
    except ValueError:
        return ""


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def shipment_json(ctx: ShipmentFacts, findings: tuple[Finding, ...], statement_text: str | None) -> bytes:
    """The validated shipment data attached to each PDF for the audit trail (deterministic)."""
    shipment = ctx.shipment
    data = {
        "format": "rexdecl-shipment/1",
        "rexdecl_version": __version__,
        "source": display_path(ctx.input.path).rsplit("/", 1)[-1],
        "scheme": ctx.scheme_id,
        "statement_language": ctx.statement_language,
        "statement": statement_text,
        "exporter": {
            "name": ctx.exporter_name,
            "address": ctx.exporter_address,
            "country": ctx.exporter_country,
            "rex_number": ctx.rex_number,
        },
        "shipment": {
            name: _plain(getattr(shipment, name))
            for name in shipment.__dataclass_fields__
            if name not in ("cells", "sheet_location") and getattr(shipment, name) is not None
        },
        "lines": [
            {
                name: _plain(getattr(line.item, name))
                for name in line.item.__dataclass_fields__
                if name not in ("cells", "row") and getattr(line.item, name) is not None
            }
            | {"amount": _plain(line.amount), "origin_country": line.origin}
            for line in ctx.lines
        ],
        "materials": [
            {
                name: _plain(getattr(m, name))
                for name in m.__dataclass_fields__
                if name not in ("cells", "row") and getattr(m, name) is not None
            }
            for m in ctx.input.materials or ()
        ],
        "findings": [{"code": f.code, "severity": f.severity.value} for f in findings],
        "as_of": ctx.options.as_of.isoformat(),
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
