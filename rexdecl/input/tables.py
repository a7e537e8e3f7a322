"""Reading the Items and Materials tables: the header row and its columns, the data rows
(repeated headers, the template's example row and values right of the table set apart), and
the lines and materials they hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rexdecl.i18n import _, format_count
from rexdecl.input.conversion import cell_text, converted, field_value
from rexdecl.input.examples import EXAMPLE_MARKS, is_template_example
from rexdecl.input.fields import ITEMS, MATERIALS, SheetSpec, normalise_name
from rexdecl.input.parsing import CellValueError
from rexdecl.input.problems import Problems
from rexdecl.input.rows import Cell, RawCell, Row, RowCells, SheetReader
from rexdecl.input.xlsx import column_letters
from rexdecl.model import Item, Location, Material, UnknownHeader

# A material's origin not known (treated as not originating): "unknown", or in Indonesian.
UNKNOWN_ORIGIN = ("unknown", "tidak diketahui")


@dataclass
class _Table:
    columns: dict[str, int]  # field name -> column index (0-based)
    rows: list[Row]  # the data rows, each with the values of the table's columns only
    header_row: int
    # The cells marking the template's example row, on rows read as lines (EXAMPLE-ROW-READ).
    example_rows: list[Location]


def _table_rows(
    reader: SheetReader, spec: SheetSpec, unknown: list[UnknownHeader], problems: Problems
) -> _Table | None:
    table = spec.lookup()
    rows = reader.rows()
    try:
        header = next(rows)
    except StopIteration:
        if reader.failed:
            return None  # already reported: the sheet cannot be read
        problems.add(
            Location(reader.display, reader.title),
            _("the sheet is empty; expected a header row with the columns {columns}").format(
                columns=", ".join(f.name for f in spec.fields if f.required == "yes")
            ),
        )
        return None
    header_number = header.number
    header_cells = [header.cell(column) for column in range(1, max(header.values) + 1)]
    columns: dict[str, int] = {}
    header_keys: list[str] = []
    for index, cell in enumerate(header_cells):
        if cell.value is None:
            header_keys.append("")
            continue
        label = cell_text(cell.value)
        key = normalise_name(label)
        header_keys.append(key)
        field = table.get(key)
        if field is None:
            unknown.append(UnknownHeader(label, cell.location))
        elif field.name in columns:
            unknown.append(
                UnknownHeader(
                    _("{name} (a second column for the same field; the first one is used)").format(name=label),
                    cell.location,
                )
            )
        else:
            columns[field.name] = index
    missing = [f.name for f in spec.fields if f.required == "yes" and f.name not in columns]
    if missing:
        problems.add(
            reader.location(header_number),
            _("the header row lacks the column(s) {missing}; expected the columns {required} (found {found})").format(
                missing=", ".join(missing),
                required=", ".join(f.name for f in spec.fields if f.required == "yes"),
                found=", ".join(cell_text(c.value) for c in header_cells if c.value is not None) or "-",
            ),
        )
    data: list[Row] = []
    examples: list[Location] = []

    def header_id(key: str) -> str:
        # A repeated header may name a column by its alias (English header, Indonesian repeat).
        field = table.get(key)
        return field.name if field is not None else key

    header_ids = [header_id(k) for k in header_keys]
    first_id = next((k for k in header_ids if k), "")
    kept = {index + 1 for index in columns.values()}  # the columns a line is read from
    width = len(header_cells)  # the table's last column is its header's
    outside: Location | None = None  # the first value of a row that holds nothing in the table
    outside_rows = 0
    for row in rows:
        first_column, first_value = row.first()
        if first_column > width:
            # Not a line with its cells empty (100,000 of them made 600,000 findings): refused once.
            outside = outside or row.cell(first_column).location
            outside_rows += 1
            continue
        if isinstance(first_value, str) and header_id(normalise_name(first_value)) == first_id:
            values = row.values
            ids = [
                header_id(normalise_name(cell_text(values[c]))) if c in values else ""
                for c in range(1, len(header_ids) + 1)
            ]
            if ids == header_ids:
                continue  # a header row repeated (copied blocks, page headers)
        if isinstance(first_value, str) and normalise_name(first_value).startswith(EXAMPLE_MARKS):
            # The template's example row (not any description starting "Contoh…"): skipped while it
            # holds exactly the template's example, else read as a line without its mark.
            if is_template_example(spec, row, columns, first_column):
                continue
            examples.append(row.cell(first_column).location)
            row = row.keep(kept - {first_column})
        else:
            row = row.keep(kept)
        data.append(row)
    if outside is not None:
        problems.add(
            outside,
            _(
                "a value right of the table, whose header ends in column {last}, on a row with nothing in the "
                "table ({count} such rows); expected each row below the header to be a line of the table "
                "(delete or move the value, or give its column a header)"
            ).format(last=column_letters(width), count=format_count(outside_rows)),
        )
    return _Table(columns, data, header_number, examples)


def _cell(table: _Table, row: Row, name: str, reader: SheetReader) -> Cell:
    index = table.columns.get(name)
    if index is None:
        return RawCell(None, reader.location(row.number))
    return row.cell(index + 1)


def read_items(
    reader: SheetReader,
    number_format: str | None,
    unknown: list[UnknownHeader],
    problems: Problems,
    examples: list[Location],
) -> tuple[Item, ...]:
    """The lines of the Items table; the example rows read as lines go to ``examples``."""
    table = _table_rows(reader, ITEMS, unknown, problems)
    if table is None or reader.too_many:
        return ()  # refused already: converting 100,000 rows would only delay the message
    examples.extend(table.example_rows)
    items: list[Item] = []
    specs = {f.name: f for f in ITEMS.fields}
    # Per field, its column (0-based) in the table, or None: an absent column or an empty cell
    # is None at once, with no cell object or Location built for it (17 fields x 100,000 rows).
    fields = [(name, spec, table.columns.get(name)) for name, spec in specs.items()]
    for position, row in enumerate(table.rows, start=1):
        values: dict[str, Any] = {}
        present = row.values
        for name, spec, index in fields:
            value = None if index is None else present.get(index + 1)
            if value is None or index is None:
                values[name] = None
                continue
            try:
                values[name] = converted(spec, value, number_format)
            except CellValueError as error:
                problems.cell(row.cell(index + 1).location, error, spec.name)
                values[name] = None
        if values["line"] is None:
            values["line"] = position
        items.append(Item(**values, row=reader.location(row.number), cells=RowCells(reader, row.number, table.columns)))
    return tuple(items)


def read_materials(
    reader: SheetReader,
    number_format: str | None,
    unknown: list[UnknownHeader],
    problems: Problems,
    examples: list[Location],
) -> tuple[Material, ...]:
    """The materials of the Materials table; the example rows read as lines go to ``examples``."""
    table = _table_rows(reader, MATERIALS, unknown, problems)
    if table is None:
        return ()
    examples.extend(table.example_rows)
    materials: list[Material] = []
    specs = {f.name: f for f in MATERIALS.fields}
    for row in table.rows:
        values: dict[str, Any] = {}
        where: dict[str, Location] = {}
        for name, spec in specs.items():
            raw = _cell(table, row, name, reader)
            if name in table.columns:
                where[name] = raw.location
            values[name] = field_value(spec, raw, number_format, problems)
        origin = values.get("origin")
        if isinstance(origin, str) and " ".join(origin.lower().split()) in UNKNOWN_ORIGIN:
            values["origin"] = "unknown"
        materials.append(Material(**values, row=reader.location(row.number), cells=where))
    return tuple(materials)
