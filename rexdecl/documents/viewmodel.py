"""From a checked shipment to what the templates print: every number formatted, totals
computed, the statutory text chosen and filled (:mod:`rexdecl.documents.statement`)."""

from __future__ import annotations

import datetime as dt
import json
import re
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

STATEMENT_HEADINGS = {"rex": "Statement on origin", "customs_id": "Origin declaration"}


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
        identifiers.append(("REX No.", ctx.rex_number))
    if ctx.scheme is not None and ctx.scheme.identifier == "customs_id" and shipment.customs_id:
        identifiers.append(("Customs ID", shipment.customs_id))
    if ctx.entry is not None and ctx.entry.npwp:
        identifiers.append(("NPWP", ctx.entry.npwp))
    exporter = PartyView(
        heading="Exporter",
        name=ctx.exporter_name or "",
        address_lines=tuple(line.strip() for line in (ctx.exporter_address or "").splitlines() if line.strip()),
        country=country_name(ctx.exporter_country, "en") if ctx.exporter_country else "",
        identifiers=tuple(identifiers),
    )
    consignee = PartyView(
        heading="Consignee",
        name=shipment.consignee_name or "",
        address_lines=tuple(line.strip() for line in (shipment.consignee_address or "").splitlines() if line.strip()),
        country=country_name(shipment.consignee_country, "en") if shipment.consignee_country else "",
    )
    return exporter, consignee


def _particulars(ctx: ShipmentFacts, with_origin: bool) -> tuple[tuple[str, str], ...]:
    s = ctx.shipment
    pairs: list[tuple[str, str | None]] = [
        ("Buyer's order", s.buyer_order),
        ("L/C No.", s.lc_number),
        ("Terms of delivery", " ".join(p for p in (s.incoterm, s.delivery_place) if p) or None),
        ("Payment terms", s.payment_terms),
        ("Port of loading", s.port_of_loading),
        ("Port of discharge", s.port_of_discharge),
        ("Vessel / flight", s.vessel),
        ("B/L / AWB No.", s.consignment_ref),
        ("Export date", long_date(s.export_date) or None),
        ("PEB No.", " of ".join(p for p in (s.peb_number, long_date(s.peb_date)) if p) or None),
        ("Country of destination", country_name(ctx.destination, "en") if ctx.destination else None),
    ]
    if with_origin and ctx.origin_country:
        pairs.append(("Country of origin", country_name(ctx.origin_country, "en")))
    return tuple((label, value) for label, value in pairs if value)


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
    elif line.criterion is not None:
        criterion = (
            "Not originating"
            if excluded
            else criterion_text(line.criterion, ctx.scheme.texts["en"], "en")
            if ctx.scheme and "en" in ctx.scheme.texts
            else ""
        )
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
        packages=_quantity(item.packages),
        package_type=item.package_type or "",
        net_kg=_quantity(item.net_kg),
        gross_kg=_quantity(item.gross_kg),
        cbm=_quantity(item.cbm),
    )


def build_views(
    ctx: ShipmentFacts, with_statement: bool = True, logo_url: str = ""
) -> tuple[DocumentView, DocumentView]:
    """The invoice and the packing list of a shipment whose check found no error."""
    shipment = ctx.shipment
    currency = shipment.currency or ""
    exporter, consignee = _parties(ctx)
    lines = tuple(_line_view(line, ctx, with_statement) for line in ctx.lines)
    total = sum((line.amount for line in ctx.lines if line.amount is not None), Decimal(0))
    totals: list[tuple[str, str]] = []
    excluded = [line for line in ctx.lines if line.criterion is not None and not line.criterion.originating]
    if with_statement and excluded:
        originating = sum((line.amount for line in ctx.originating_lines if line.amount is not None), Decimal(0))
        totals.append((f"Originating products (statement on origin), {currency}", format_money(originating, currency)))
        totals.append((f"Not originating (excluded), {currency}", format_money(total - originating, currency)))
    totals.append((f"Total {currency}", format_money(total, currency)))
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
            heading=STATEMENT_HEADINGS.get(ctx.scheme.identifier, "Statement on origin"),
            text=filled.text,
            language=filled.language,
            scheme_id=ctx.scheme.id,
            eska_code=shipment.eska_code or "",
            signature_lines=signature,
        )
    excluded_note = ""
    if with_statement and excluded:
        numbers = ", ".join(str(line.item.line) for line in excluded)
        excluded_note = (
            "Lines marked “Not originating” are not covered by the statement on origin "
            f"({'item' if len(excluded) == 1 else 'items'} {numbers})."
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
        excluded_note=excluded_note,
        statement=statement,
        logo_url=logo_url,
        author=ctx.exporter_name or "",
        keywords=(
            "commercial invoice",
            "statement on origin" if statement else "no statement on origin",
            ctx.scheme_id,
        ),
    )
    packages, net, gross, cbm = (_total(ctx.lines, n) for n in ("packages", "net_kg", "gross_kg", "cbm"))
    packing: dict[str, Any] = dict(
        total_packages=_quantity(packages),
        total_net_kg=_quantity(net),
        total_gross_kg=_quantity(gross),
        total_cbm=_quantity(cbm),
    )
    invoice = DocumentView(
        kind="invoice",
        title="COMMERCIAL INVOICE",
        totals=tuple(totals),
        amount_in_words=_in_words(total, currency),
        **packing,
        **common,
    )
    packing_list = DocumentView(
        kind="packing-list", title="PACKING LIST", totals=(), amount_in_words="", **packing, **common
    )
    return invoice, packing_list


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
