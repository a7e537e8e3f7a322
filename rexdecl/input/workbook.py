"""Reading a shipment workbook (and a registration workbook) into the model.

``read_shipment`` returns an immutable :class:`~rexdecl.model.ShipmentInput` or raises
:class:`~rexdecl.errors.UnreadableInput` listing every unusable cell (exit status 2).
Everything the rules judge (missing fields, wrong codes) is left to the rules. It ties the
other modules of ``rexdecl.input`` together: opening the file, finding the sheets, reading the
Shipment sheet's fields, the Items and Materials tables and the Exporter sheet.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from rexdecl.errors import Problem, UnreadableInput
from rexdecl.i18n import _
from rexdecl.input.conversion import cell_text, field_value
from rexdecl.input.fields import EXPORTER, ITEMS, MATERIALS, SHIPMENT, FieldSpec
from rexdecl.input.fieldsheets import field_value_rows, read_exporter_sheet
from rexdecl.input.opening import open_workbook
from rexdecl.input.problems import Problems
from rexdecl.input.rows import Cell, SheetReader
from rexdecl.input.sheets import find_sheet
from rexdecl.input.tables import read_items, read_materials
from rexdecl.model import Location, Material, Registration, Shipment, ShipmentInput, UnknownHeader
from rexdecl.paths import display_path, open_regular

log = logging.getLogger("rexdecl")


def read_shipment(path: str | os.PathLike[str]) -> ShipmentInput:
    """Read a shipment workbook into the model, or raise UnreadableInput listing every problem."""
    path = Path(path)
    display = display_path(path)  # a file name that is not UTF-8 is still named in messages
    workbook = open_workbook(path)
    problems = Problems()
    unknown: list[UnknownHeader] = []
    examples: list[Location] = []
    try:
        # Hashed here, once per read: the register records it, batch compares it with its survey.
        with os.fdopen(open_regular(path), "rb") as stream:
            sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
        shipment_ws = find_sheet(workbook, SHIPMENT, display)
        items_ws = find_sheet(workbook, ITEMS, display)
        for sheet_spec, ws in ((SHIPMENT, shipment_ws), (ITEMS, items_ws)):
            if ws is None:
                problems.add(
                    Location(display),
                    _(
                        "no sheet named {name} ({alias}); expected the sheets Shipment and Items (found: {found})"
                    ).format(
                        name=sheet_spec.name,
                        alias=", ".join(sheet_spec.aliases),
                        found=", ".join(workbook.sheetnames) or "-",
                    ),
                )
        if problems.items or shipment_ws is None:
            raise UnreadableInput(problems.items)

        shipment_reader = SheetReader(path, display, shipment_ws, problems)
        raw_fields = field_value_rows(shipment_reader, SHIPMENT, unknown)
        number_format = _number_format(raw_fields, problems)
        values: dict[str, Any] = {}
        cells: dict[str, Location] = {}
        for name, (spec, _name_cell, value_cell) in raw_fields.items():
            cells[name] = value_cell.location
            values[name] = field_value(spec, value_cell, number_format, problems)
        for lower in ("scheme", "statement_language", "number_format"):
            if isinstance(values.get(lower), str):
                values[lower] = values[lower].lower()
        if isinstance(values.get("currency"), str):
            values["currency"] = values["currency"].upper()
        shipment = Shipment(**values, cells=cells, sheet_location=Location(display, shipment_ws.title))

        assert shipment_ws is not None and items_ws is not None  # missing sheets were refused above
        items = read_items(SheetReader(path, display, items_ws, problems), number_format, unknown, problems, examples)

        materials: tuple[Material, ...] | None = None
        materials_ws = find_sheet(workbook, MATERIALS, display)
        if materials_ws is not None:
            materials = read_materials(
                SheetReader(path, display, materials_ws, problems), number_format, unknown, problems, examples
            )

        exporter_sheet: tuple[Registration, ...] | None = None
        exporter_ws = find_sheet(workbook, EXPORTER, display)
        if exporter_ws is not None:
            exporter_sheet = (
                read_exporter_sheet(SheetReader(path, display, exporter_ws, problems), problems, unknown) or None
            )
    finally:
        workbook.close()
    if problems.items:
        raise UnreadableInput(problems.items)
    return ShipmentInput(
        str(path),
        shipment,
        items,
        materials,
        exporter_sheet,
        tuple(unknown),
        tuple(examples),
        sha256=sha256,
        items_sheet=Location(display, items_ws.title),
    )


def _number_format(raw_fields: dict[str, tuple[FieldSpec, Cell, Cell]], problems: Problems) -> str | None:
    entry = raw_fields.get("number_format")
    if entry is None or entry[2].value is None:
        return None
    value = cell_text(entry[2].value).lower()
    if value not in ("id", "en"):
        problems.add(
            entry[2].location,
            _("number_format: found '{found}'; expected id (1.234,56) or en (1,234.56)").format(found=value),
        )
        return None
    return value


def read_registration_workbook(path: Path, unknown: list[UnknownHeader] | None = None) -> tuple[Registration, ...]:
    """Registration entries from an .xlsx file's Exporter sheet; unknown fields go to
    ``unknown``."""
    workbook = open_workbook(path)
    problems = Problems()
    try:
        ws = find_sheet(workbook, EXPORTER, str(path))
        if ws is None:
            raise UnreadableInput(
                [
                    Problem(
                        Location(str(path)),
                        _(
                            "no sheet named Exporter (Eksportir); expected a registration workbook with an "
                            "Exporter sheet (found: {found})"
                        ).format(found=", ".join(workbook.sheetnames)),
                    )
                ]
            )
        reader = SheetReader(path, str(path), ws, problems)
        entries = read_exporter_sheet(reader, problems, unknown)
    finally:
        workbook.close()
    if problems.items:
        raise UnreadableInput(problems.items)
    return entries
