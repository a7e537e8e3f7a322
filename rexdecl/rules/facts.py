"""The facts of a shipment, resolved once from the workbook, the registration and the options
(the exporter, the scheme, the statement language, the lines, the origin, the date that
decides, the originating value): a frozen value the rules judge and the report, the
documents, the register and batch print from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from rexdecl import legal
from rexdecl.amounts import minor_digits
from rexdecl.criteria import Criterion, parse_criterion
from rexdecl.input.parsing import round_half_up
from rexdecl.input.registration import RegistrationData
from rexdecl.legal import Scheme
from rexdecl.model import Item, Registration, Shipment, ShipmentInput
from rexdecl.rules.valuation import Valuation, value_of


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


@dataclass(frozen=True)
class ShipmentFacts:
    """A shipment resolved for checking and printing; made by :func:`resolve_shipment`."""

    input: ShipmentInput
    registrations: RegistrationData
    options: CheckOptions
    entry: Registration | None  # the registration entry of the REX number, when it has one
    rex_number: str | None
    exporter_name: str | None
    exporter_address: str | None
    exporter_country: str | None
    destination: str | None
    # The invoice date, else (no invoice date: itself a MISSING-FIELD error) the run date:
    # the day that decides the scheme of a destination, its territory and the cumulation
    # partners.
    document_date: dt.date
    scheme_id: str
    scheme: Scheme | None  # None when rexdecl has no data for scheme_id
    statement_language: str
    lines: tuple[Line, ...]
    originating_lines: tuple[Line, ...]
    # The one country of origin of the originating lines (None when mixed or unknown).
    origin_country: str | None
    # The originating value in EUR (eur_rate), as the report, the register and batch print it.
    eur_valuation: Valuation
    # The originating value in the scheme's threshold currency at its rate field (what the
    # threshold rules judge); None when the scheme has no threshold currency.
    threshold_valuation: Valuation | None
    # The exporter's country was taken from the REX number's two letters, nothing else giving
    # it: REX-FORMAT then has no country to compare the number with.
    exporter_country_from_rex: bool = False

    @property
    def shipment(self) -> Shipment:
        return self.input.shipment

    @property
    def invoice_date(self) -> dt.date | None:
        """The date the statement is made out (the invoice's); None when not given."""
        return self.input.shipment.invoice_date

    @property
    def usable_scheme(self) -> Scheme | None:
        """The scheme when rexdecl can apply it (known and enabled); else None, and
        SCHEME-UNSUPPORTED stops the rules that need a scheme."""
        return self.scheme if self.scheme is not None and self.scheme.enabled else None


def _loose_key(rex_number: str) -> str:
    return re.sub(r"[\W_]", "", rex_number).upper()


def _rex_country(rex_number: str | None) -> str | None:
    """The country a REX number starts with (``IDREX…`` → ``ID``), when those two letters are
    an ISO 3166 country code."""
    import pycountry

    prefix = (rex_number or "")[:2].upper()
    if len(prefix) == 2 and prefix.isascii() and prefix.isalpha() and pycountry.countries.get(alpha_2=prefix):
        return prefix
    return None


def _line(
    item: Item,
    exporter_country: str | None,
    line_digits: int,
    criteria: dict[tuple[str | None, str | None], Criterion | None],
) -> Line:
    key = (item.origin_criterion, item.hs_code)
    if key in criteria:
        criterion = criteria[key]
    else:
        criterion = criteria[key] = parse_criterion(item.origin_criterion, item.hs_code)
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
    return Line(item, criterion, origin, amount)


def _origin_country(originating_lines: tuple[Line, ...], exporter_country: str | None) -> str | None:
    countries = {line.origin for line in originating_lines if line.origin}
    if len(countries) == 1:
        return next(iter(countries))
    if not countries:
        return exporter_country
    return None


def resolve_shipment(
    shipment_input: ShipmentInput, registrations: RegistrationData, options: CheckOptions
) -> ShipmentFacts:
    """The facts of a shipment as read, with its registration and the run's options."""
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
    country_from_rex = exporter_country is None and _rex_country(rex_number) is not None
    if country_from_rex:
        # Nothing else gives the exporter's country: a REX number starts with it (an unknown
        # number's registration would have supplied it; REX-UNKNOWN says so, not a missing
        # exporter_country).
        exporter_country = _rex_country(rex_number)
    destination = shipment.destination_country or shipment.consignee_country
    document_date = shipment.invoice_date or options.as_of
    scheme_id = shipment.scheme or legal.scheme_for_destination(destination, document_date)
    scheme = legal.scheme(scheme_id)
    line_digits = minor_digits(shipment.currency) if shipment.currency else 2
    criteria: dict[tuple[str | None, str | None], Criterion | None] = {}  # a few forms on many lines
    lines = tuple(_line(item, exporter_country, line_digits, criteria) for item in shipment_input.items)
    originating_lines = tuple(line for line in lines if line.originating)
    originating_amounts = [line.amount for line in originating_lines]
    threshold_valuation = None
    if scheme is not None and scheme.threshold_currency:
        threshold_valuation = value_of(shipment, originating_amounts, scheme.threshold_currency, scheme.rate_field)
    return ShipmentFacts(
        input=shipment_input,
        registrations=registrations,
        options=options,
        entry=entry,
        rex_number=rex_number,
        exporter_name=(supplier.name if supplier and supplier.name else shipment.exporter_name),
        exporter_address=(supplier.address if supplier and supplier.address else shipment.exporter_address),
        exporter_country=exporter_country,
        destination=destination,
        document_date=document_date,
        scheme_id=scheme_id,
        scheme=scheme,
        statement_language=(options.statement_language or shipment.statement_language or "en").lower(),
        lines=lines,
        originating_lines=originating_lines,
        origin_country=_origin_country(originating_lines, exporter_country),
        eur_valuation=value_of(shipment, originating_amounts, "EUR", "eur_rate"),
        threshold_valuation=threshold_valuation,
        exporter_country_from_rex=country_from_rex,
    )
