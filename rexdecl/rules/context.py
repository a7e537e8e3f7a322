"""Facts every rule needs, derived once from the shipment, the registration and the options."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from rexdecl import legal
from rexdecl.amounts import minor_digits
from rexdecl.criteria import Criterion, parse_criterion
from rexdecl.findings import Finding, Severity
from rexdecl.input.parsing import round_half_up
from rexdecl.input.registration import RegistrationData
from rexdecl.legal import Scheme
from rexdecl.model import Item, Location, Registration, ShipmentInput


@dataclass(frozen=True)
class CheckOptions:
    """What the user chose for a run (command-line options)."""

    as_of: dt.date
    statement_language: str | None = None  # overrides the workbook's statement_language
    no_statement: bool = False
    # Other invoices of the same consignment (same consignment_ref), as (invoice number,
    # originating value in the threshold currency); filled by batch.
    consignment_others: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class Line:
    """An Items row with its criterion parsed and origin resolved."""

    item: Item
    criterion: Criterion | None
    origin: str | None
    amount: Decimal | None  # quantity x unit price in minor units, else the given amount

    @property
    def originating(self) -> bool:
        # An unreadable or missing criterion is treated as claimed: never understate.
        return self.criterion is None or self.criterion.originating


@dataclass
class Context:
    input: ShipmentInput
    registrations: RegistrationData
    options: CheckOptions
    entry: Registration | None
    rex_number: str | None
    exporter_name: str | None
    exporter_address: str | None
    exporter_country: str | None
    destination: str | None
    scheme_id: str
    scheme: Scheme | None
    language: str
    lines: tuple[Line, ...]
    findings: list[Finding] = field(default_factory=list)

    @property
    def shipment(self):  # type: ignore[no-untyped-def]
        return self.input.shipment

    @property
    def doc_date(self) -> dt.date | None:
        return self.input.shipment.invoice_date

    @property
    def originating_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.originating)

    @property
    def origin_country(self) -> str | None:
        """The one country of origin of the originating lines (None when mixed or unknown)."""
        countries = {line.origin for line in self.originating_lines if line.origin}
        if len(countries) == 1:
            return next(iter(countries))
        if not countries:
            return self.exporter_country
        return None

    def add(
        self, code: str, severity: Severity, message: str, location: Location, reference: str, field: str | None = None
    ) -> None:
        self.findings.append(Finding(code, severity, message, location, reference, field))


def cell_ref(location: Location) -> str:
    """``Items!F7`` (Excel's own notation) or ``sheet Items, row 7`` for a message."""
    if location.sheet and location.cell:
        return f"{location.sheet}!{location.cell}"
    if location.sheet and location.part:
        return f"{location.sheet}, {location.part}"
    if location.sheet:
        return location.sheet
    if location.part and location.file:
        # A place in another file (a registration TOML entry): name the file too.
        return f"{PurePath(location.file).name}, {location.part}"
    return location.part or location.file


def digits_only(code: str | None) -> str:
    """HS code without the dots and (ASCII) spaces allowed on input."""
    return re.sub(r"[. ]", "", code or "")


def _loose_key(rex_number: str) -> str:
    return re.sub(r"[\W_]", "", rex_number).upper()


def build_context(shipment_input: ShipmentInput, registrations: RegistrationData, options: CheckOptions) -> Context:
    shipment = shipment_input.shipment
    rex_number = shipment.exporter_rex
    entry = registrations.find(rex_number) if rex_number else None
    if (
        rex_number is None
        and registrations.source
        and len(registrations.entries) == 1
        and (shipment_input.exporter_sheet)
    ):
        # The workbook carries its own exporter's registration: its REX number is the
        # shipment's (documented decision; a broker's many-entry file still needs exporter_rex).
        entry = registrations.entries[0]
        rex_number = entry.rex_number
    supplier = entry
    if supplier is None and rex_number:
        # A mistyped number (spaces, lower case) still tells whose shipment it is: the entry
        # supplies name and address so the user sees the one real error, REX-FORMAT, and not
        # a cascade of missing fields. No other rule uses this lenient match.
        wanted = _loose_key(rex_number)
        matches = [e for e in registrations.entries if _loose_key(e.rex_number) == wanted]
        supplier = matches[0] if len(matches) == 1 else None
    exporter_country = shipment.exporter_country or (supplier.country if supplier else None)
    destination = shipment.destination_country or shipment.consignee_country
    # Without an invoice date (itself a MISSING-FIELD error) the run date decides the territory.
    scheme_id = shipment.scheme or legal.scheme_for_destination(destination, shipment.invoice_date or options.as_of)
    language = (options.statement_language or shipment.statement_language or "en").lower()
    line_digits = minor_digits(shipment.currency) if shipment.currency else 2
    lines = []
    for item in shipment_input.items:
        criterion = parse_criterion(item.origin_criterion, item.hs_code)
        origin = item.origin_country or exporter_country
        amount = item.amount
        if item.quantity is not None and item.unit_price is not None:
            # The amount printed, summed and valued is quantity x unit price in the currency's
            # minor units, so that every printed line multiplies out; a typed amount is only
            # checked against it (AMOUNT-MISMATCH allows 0.01 of rounding).
            product = item.quantity * item.unit_price
            printed = round_half_up(product, line_digits)
            # Written as typed (or as the exact product) when that is already the printed
            # value: the shipment data attached to the documents keeps the user's figures.
            amount = item.amount if item.amount == printed else product if product == printed else printed
        lines.append(Line(item, criterion, origin, amount))
    return Context(
        input=shipment_input,
        registrations=registrations,
        options=options,
        entry=entry,
        rex_number=rex_number,
        exporter_name=(supplier.name if supplier and supplier.name else shipment.exporter_name),
        exporter_address=(supplier.address if supplier and supplier.address else shipment.exporter_address),
        exporter_country=exporter_country,
        destination=destination,
        scheme_id=scheme_id,
        scheme=legal.scheme(scheme_id),
        language=language,
        lines=tuple(lines),
    )
