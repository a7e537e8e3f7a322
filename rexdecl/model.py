"""The immutable model of one shipment, as the reader hands it to the rules.

Every value keeps where it came from (file, sheet, cell), so a finding can point at it.
The model knows nothing about cells or Excel: only the reader does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType


@dataclass(frozen=True, order=True)
class Location:
    """Where a value was read: file, and when known sheet and cell (``C7``) or row."""

    file: str
    sheet: str | None = None
    cell: str | None = None
    # A place that is neither sheet nor cell: a row ("row 7"), a TOML entry and key.
    part: str | None = None

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        if self.part:
            parts.append(self.part)
        return ", ".join(parts)

    def to_dict(self) -> dict[str, str | None]:
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell, "part": self.part}


def _frozen(mapping: Mapping[str, Location] | None) -> Mapping[str, Location]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Registration:
    """One exporter entry of the registration data (REX register extract kept by the user)."""

    rex_number: str
    name: str | None
    address: str | None
    country: str | None
    registered_on: dt.date | None
    revoked_on: dt.date | None = None
    npwp: str | None = None
    activity: str | None = None
    hs_chapters: tuple[int, ...] = ()
    contact: str | None = None
    location: Location = Location("")


@dataclass(frozen=True)
class Item:
    """One invoice line (a row of the Items sheet)."""

    line: int
    description: str | None
    hs_code: str | None
    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal | None
    amount: Decimal | None = None
    origin_country: str | None = None
    origin_criterion: str | None = None
    origin_note: str | None = None
    ex_works_value: Decimal | None = None
    packages: Decimal | None = None
    package_type: str | None = None
    marks: str | None = None
    net_kg: Decimal | None = None
    gross_kg: Decimal | None = None
    cbm: Decimal | None = None
    row: Location = Location("")
    cells: Mapping[str, Location] = field(default_factory=lambda: _frozen(None))

    def where(self, column: str) -> Location:
        """The cell of ``column`` on this line, or the row when the column is absent."""
        return self.cells.get(column, self.row)


@dataclass(frozen=True)
class Material:
    """One row of the optional bill of materials."""

    line: int | None
    description: str | None
    hs_code: str | None
    origin: str | None
    value: Decimal | None
    row: Location = Location("")
    cells: Mapping[str, Location] = field(default_factory=lambda: _frozen(None))

    def where(self, column: str) -> Location:
        return self.cells.get(column, self.row)


@dataclass(frozen=True)
class Shipment:
    """The Shipment sheet: one commercial invoice. Absent values are ``None``."""

    invoice_number: str | None = None
    invoice_date: dt.date | None = None
    exporter_rex: str | None = None
    exporter_name: str | None = None
    exporter_address: str | None = None
    exporter_country: str | None = None
    consignee_name: str | None = None
    consignee_address: str | None = None
    consignee_country: str | None = None
    destination_country: str | None = None
    scheme: str | None = None
    customs_id: str | None = None
    currency: str | None = None
    eur_rate: Decimal | None = None
    chf_rate: Decimal | None = None
    number_format: str | None = None
    consignment_ref: str | None = None
    statement_language: str | None = None
    incoterm: str | None = None
    delivery_place: str | None = None
    payment_terms: str | None = None
    buyer_order: str | None = None
    lc_number: str | None = None
    port_of_loading: str | None = None
    port_of_discharge: str | None = None
    vessel: str | None = None
    export_date: dt.date | None = None
    expected_import_date: dt.date | None = None
    peb_number: str | None = None
    peb_date: dt.date | None = None
    eska_code: str | None = None
    invoice_total: Decimal | None = None
    notes: str | None = None
    # The signature block: uk-dcts fills its declaration's place and date, name and
    # signature lines from them; other schemes print it below the statement, outside it.
    signatory_name: str | None = None
    signatory_title: str | None = None
    place_of_issue: str | None = None
    bank_details: str | None = None
    consignee_tax_id: str | None = None  # the consignee's VAT or EORI number
    # Printed as a breakdown under the total (CIF, CFR, CIP, CPT): the line amounts stay the
    # goods' value, and so does the value of originating products (threshold rules).
    freight: Decimal | None = None
    insurance: Decimal | None = None
    cells: Mapping[str, Location] = field(default_factory=lambda: _frozen(None))
    sheet_location: Location = Location("")

    def where(self, name: str) -> Location:
        """The cell holding field ``name``, or the sheet when the field is absent."""
        return self.cells.get(name, self.sheet_location)


@dataclass(frozen=True)
class UnknownHeader:
    """A field or column the format does not know (reported as UNKNOWN-FIELD)."""

    name: str
    location: Location


@dataclass(frozen=True)
class ShipmentInput:
    """Everything the reader took from one workbook."""

    path: str
    shipment: Shipment
    items: tuple[Item, ...]
    materials: tuple[Material, ...] | None
    exporter_sheet: tuple[Registration, ...] | None = None
    unknown: tuple[UnknownHeader, ...] = ()
    # The cells marking a template's example row on rows read as lines (EXAMPLE-ROW-READ).
    example_rows: tuple[Location, ...] = ()
    # The SHA-256 of the workbook file, taken by the reader: what the register records as the
    # source of the documents and batch compares to see a workbook changed while it ran.
    sha256: str = ""
    # The Items sheet as the workbook names it (Items, Barang...): a message about the sheet
    # as a whole names it so, in the user's own words.
    items_sheet: Location = Location("", "Items")
