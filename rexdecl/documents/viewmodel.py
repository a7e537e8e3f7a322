"""From a checked shipment to what the templates print: every number formatted, totals
computed, the statutory text chosen and filled (:mod:`rexdecl.documents.statement`).

Values only: the page labels are the templates' ("Exporter", "Port of loading", "Total
EUR"...), the statement's heading and texts the scheme data's. :func:`build_views` also hands
on the statement text and the exact totals the documents print, for whatever records them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rexdecl import __version__
from rexdecl.amounts import amount_in_words, decimal_places, format_fixed, format_money, format_price, round_money
from rexdecl.documents.columns import line_columns
from rexdecl.documents.statement import country_name, criterion_text, fill_statement
from rexdecl.documents.views import DocumentView, LineView, PartyView, SignatoryView, StatementView
from rexdecl.findings import Finding
from rexdecl.paths import display_path
from rexdecl.rules.facts import Line, ShipmentFacts
from rexdecl.rules.notation import digits_only

# Weights (kg) and volumes (m³) print with the most decimals any line of their column has, at
# most these: the gram and the litre. Quantities keep all theirs (the amount depends on them).
MEASURE_DECIMALS = 3
# Incoterms 2020 whose seller pays the main carriage (and, CIF and CIP, its insurance): the
# total of an invoice that adds freight and insurance to the goods is named after them.
CARRIAGE_PAID_TERMS = frozenset({"CFR", "CIF", "CPT", "CIP"})


@dataclass(frozen=True)
class ShipmentTotals:
    """The sums the documents print, exact (formatted only in the views)."""

    amount: Decimal | None  # of every line's amount (the goods); None when no line has one
    originating: Decimal  # of the originating lines' amounts (those the statement covers)
    packages: Decimal | None  # None when no line gives it
    net_kg: Decimal | None
    gross_kg: Decimal | None
    cbm: Decimal | None
    # Freight and insurance as given, in the currency's minor units; None when not given.
    freight: Decimal | None = None
    insurance: Decimal | None = None

    @property
    def invoice(self) -> Decimal:
        """The total of the invoice: the goods, plus freight and insurance when given. The
        value of originating products (the thresholds') stays ``originating``: freight and
        insurance are no products (Art. 78(1)(b), 78(2) UCC IA [V])."""
        parts = (self.amount, self.freight, self.insurance)
        return sum((part for part in parts if part is not None), Decimal(0))


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
    """The HS code as given, in dotted form: ``621490`` -> ``6214.90``; ``62052000`` ->
    ``6205.20.00``; ``6205200010`` -> ``6205.20.00.10``."""
    digits = digits_only(code)
    if not digits.isdigit() or len(digits) <= 4:
        return code or ""
    rest = digits[4:]
    return digits[:4] + "." + ".".join(rest[i : i + 2] for i in range(0, len(rest), 2))


def _price(value: Decimal | None, currency: str) -> str:
    # Never rounded (0.125 EUR, 305,687.5 JPY printed as given): quantity × unit price
    # must be the amount printed on the same line.
    return "" if value is None else format_price(value, currency)


def _fixed(value: Decimal | None, places: int) -> str:
    return "" if value is None else format_fixed(value, places)


def _total(lines: tuple[Line, ...], name: str) -> Decimal | None:
    values = [getattr(line.item, name) for line in lines if getattr(line.item, name) is not None]
    return sum(values, Decimal(0)) if values else None


def column_places(lines: tuple[Line, ...]) -> dict[str, int]:
    """The decimals each quantity column prints in, the same on every line and in its total:
    the most any line has (weights and volumes at most :data:`MEASURE_DECIMALS`)."""
    places = {}
    for name in ("quantity", "packages", "net_kg", "gross_kg", "cbm"):
        values = [getattr(line.item, name) for line in lines if getattr(line.item, name) is not None]
        most = max((decimal_places(v) for v in values), default=0)
        places[name] = most if name in ("quantity", "packages") else min(most, MEASURE_DECIMALS)
    return places


def _lines_of(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


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
        address_lines=_lines_of(ctx.exporter_address),
        country=country_name(ctx.exporter_country, "en") if ctx.exporter_country else "",
        identifiers=tuple(identifiers),
    )
    consignee = PartyView(
        name=shipment.consignee_name or "",
        address_lines=_lines_of(shipment.consignee_address),
        country=country_name(shipment.consignee_country, "en") if shipment.consignee_country else "",
        identifiers=(("tax_id", shipment.consignee_tax_id),) if shipment.consignee_tax_id else (),
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


def _line_view(line: Line, ctx: ShipmentFacts, with_statement: bool, places: dict[str, int]) -> LineView:
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
        quantity=_fixed(item.quantity, places["quantity"]),
        unit=item.unit or "",
        unit_price=_price(item.unit_price, currency) if currency else "",
        amount=format_money(line.amount, currency) if line.amount is not None and currency else "",
        criterion=criterion,
        excluded=excluded and with_statement,
        not_originating=excluded,
        packages=_fixed(item.packages, places["packages"]),
        package_type=item.package_type or "",
        net_kg=_fixed(item.net_kg, places["net_kg"]),
        gross_kg=_fixed(item.gross_kg, places["gross_kg"]),
        cbm=_fixed(item.cbm, places["cbm"]),
    )


def shipment_totals(ctx: ShipmentFacts) -> ShipmentTotals:
    """The exact sums of a checked shipment's lines that the documents print."""
    amounts = [line.amount for line in ctx.lines if line.amount is not None]
    packages, net, gross, cbm = (_total(ctx.lines, n) for n in ("packages", "net_kg", "gross_kg", "cbm"))
    currency = ctx.shipment.currency or ""
    freight, insurance = (
        None if value is None else round_money(value, currency)
        for value in (ctx.shipment.freight, ctx.shipment.insurance)
    )
    return ShipmentTotals(
        amount=sum(amounts, Decimal(0)) if amounts else None,
        originating=ctx.eur_valuation.in_invoice_currency,
        packages=packages,
        net_kg=net,
        gross_kg=gross,
        cbm=cbm,
        freight=freight,
        insurance=insurance,
    )


def _signature_lines(ctx: ShipmentFacts) -> tuple[tuple[str, str], ...]:
    """The statement's own signature lines (UK DCTS: "(Place and date)", "(Name and signature
    of the exporter)"), filled from place_of_issue and the signatory; () for a scheme whose
    text has none."""
    scheme = ctx.scheme
    if scheme is None or not scheme.signature:
        return ()
    shipment = ctx.shipment
    text = scheme.texts[ctx.statement_language]
    place_and_date = ", ".join(p for p in (shipment.place_of_issue, long_date(shipment.invoice_date)) if p)
    signatory = ", ".join(p for p in (shipment.signatory_name, shipment.signatory_title) if p)
    return ((text.place_and_date, place_and_date), (text.name_and_signature, signatory))


def _signatory(ctx: ShipmentFacts) -> SignatoryView | None:
    """The signature block below the statement, when the shipment names a signatory or a
    place of issue."""
    shipment = ctx.shipment
    if not (shipment.signatory_name or shipment.signatory_title or shipment.place_of_issue):
        return None
    return SignatoryView(
        place_and_date=", ".join(p for p in (shipment.place_of_issue, long_date(shipment.invoice_date)) if p),
        company=ctx.exporter_name or "",
        name=shipment.signatory_name or "",
        title=shipment.signatory_title or "",
    )


def build_views(ctx: ShipmentFacts, with_statement: bool = True, logo_url: str = "") -> DocumentViews:
    """The invoice and the packing list of a shipment whose check found no error, with the
    statement text and the totals they print."""
    shipment = ctx.shipment
    currency = shipment.currency or ""
    exporter, consignee = _parties(ctx)
    places = column_places(ctx.lines)
    lines = tuple(_line_view(line, ctx, with_statement, places) for line in ctx.lines)
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
        statement = StatementView(
            heading=ctx.scheme.heading,
            text=filled.text,
            language=filled.language,
            scheme_id=ctx.scheme.id,
            eska_code=shipment.eska_code or "",
            signature_lines=_signature_lines(ctx),
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
        total_packages=_fixed(totals.packages, places["packages"]),
        total_net_kg=_fixed(totals.net_kg, places["net_kg"]),
        total_gross_kg=_fixed(totals.gross_kg, places["gross_kg"]),
        total_cbm=_fixed(totals.cbm, places["cbm"]),
        # The statement's own signature lines hold the signatory where its text has them.
        signatory=None if statement is not None and statement.signature_lines else _signatory(ctx),
    )
    breakdown = totals.freight is not None or totals.insurance is not None
    incoterm = (shipment.incoterm or "").strip().upper()
    invoice = DocumentView(
        kind="invoice",
        total=format_money(totals.invoice, currency),
        originating_total=originating_total,
        excluded_total=excluded_total,
        amount_in_words=_in_words(totals.invoice, currency),
        goods_total=format_money(total, currency) if breakdown else "",
        freight=format_money(totals.freight, currency) if totals.freight is not None else "",
        insurance=format_money(totals.insurance, currency) if totals.insurance is not None else "",
        total_terms=incoterm if breakdown and incoterm in CARRIAGE_PAID_TERMS else "",
        bank_details=_lines_of(shipment.bank_details),
        columns=line_columns(
            "invoice",
            {
                name: [getattr(line, name) for line in lines]
                for name in ("number", "hs_code", "quantity", "unit_price", "amount")
            },
        ),
        **common,
    )
    packing_list = DocumentView(
        kind="packing-list",
        total="",
        originating_total="",
        excluded_total="",
        amount_in_words="",
        columns=line_columns(
            "packing-list",
            {
                name: [getattr(line, name) for line in lines]
                for name in ("number", "hs_code", "quantity", "packages", "net_kg", "gross_kg", "cbm")
            },
        ),
        **common,
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
