"""Reading the two-column field/value sheets: the fields of the Shipment sheet, and the
registration held in an Exporter sheet."""

from __future__ import annotations

from typing import Any

from rexdecl.i18n import _
from rexdecl.input.conversion import cell_text, field_value
from rexdecl.input.countries import is_country_code
from rexdecl.input.countries import problem as country_problem
from rexdecl.input.fields import EXAMPLE_MARKERS, EXPORTER, FIELD_VALUE_HEADERS, FieldSpec, SheetSpec, normalise_name
from rexdecl.input.parsing import CellValueError
from rexdecl.input.problems import Problems
from rexdecl.input.rows import Cell, SheetReader
from rexdecl.model import Location, Registration, UnknownHeader


def field_value_rows(
    reader: SheetReader, spec: SheetSpec, unknown: list[UnknownHeader]
) -> dict[str, tuple[FieldSpec, Cell, Cell]]:
    """``field -> (spec, name cell, value cell)`` from a two-column sheet."""
    table = spec.lookup()
    found: dict[str, tuple[FieldSpec, Cell, Cell]] = {}
    first = True
    start: int | None = None  # the field column: where the first non-empty row starts
    for row in reader.rows():
        if start is None:
            start = row.first()[0]
        if row.values.get(start) is None:
            continue  # a row whose field is empty is skipped (workbook-format.md)
        name_cell = row.cell(start)
        value_cell = row.cell(start + 1)
        label = cell_text(name_cell.value)
        key = normalise_name(label)
        if first:
            first = False
            header = (key, normalise_name(cell_text(value_cell.value)) if value_cell.value is not None else "")
            if header in FIELD_VALUE_HEADERS:
                continue
        if any(key.startswith(m.replace(".", "")) for m in EXAMPLE_MARKERS) and key not in table:
            continue
        field = table.get(key)
        if field is None:
            unknown.append(UnknownHeader(label, name_cell.location))
            continue
        if field.name in found:
            unknown.append(
                UnknownHeader(_("{name} (given twice; the first one is used)").format(name=label), name_cell.location)
            )
            continue
        found[field.name] = (field, name_cell, value_cell)
    return found


def read_exporter_sheet(
    reader: SheetReader, problems: Problems, unknown: list[UnknownHeader] | None = None
) -> tuple[Registration, ...]:
    """The registration held in a workbook's Exporter sheet (one entry); none when the sheet
    holds no value (the blank template's sheet). Unknown fields go to ``unknown``
    (UNKNOWN-FIELD warnings), as in the other sheets."""
    raw_fields = field_value_rows(reader, EXPORTER, unknown if unknown is not None else [])
    # Every field, absent ones as None: a sheet with only rex_number is an entry too.
    values: dict[str, Any] = {spec.name: None for spec in EXPORTER.fields}
    for name, (spec, _name_cell, value_cell) in raw_fields.items():
        values[name] = field_value(spec, value_cell, None, problems)
    if not any(raw.value is not None for _spec, _name, raw in raw_fields.values()):
        return ()
    if not values.get("rex_number"):
        problems.add(
            Location(reader.display, reader.title),
            _("rex_number is missing; expected the REX number of the registration"),
        )
        return ()
    country = values.get("country")
    if isinstance(country, str) and not is_country_code(country):
        # Refused here, as in a registration file: it would read as a wrong REX number.
        _spec, _name_cell, value_cell = raw_fields["country"]
        problems.cell(value_cell.location, CellValueError(*country_problem(country)), "country")
        return ()
    if isinstance(values.get("activity"), str):
        values["activity"] = values["activity"].lower()
    values["hs_chapters"] = tuple(values.get("hs_chapters") or ())
    return (Registration(**values, location=Location(reader.display, reader.title)),)
