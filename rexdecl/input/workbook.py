"""The shipment workbook reader: the only code that knows sheets, rows and cells.

It returns an immutable :class:`~rexdecl.model.ShipmentInput` or raises
:class:`~rexdecl.errors.UnreadableInput` listing every unusable cell (exit status 2).
Everything the rules judge (missing fields, wrong codes) is left to the rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rexdecl import limits
from rexdecl.errors import Problem, UnreadableInput
from rexdecl.i18n import _
from rexdecl.input.fields import (
    EXAMPLE_MARKERS,
    EXPORTER,
    FIELD_VALUE_HEADERS,
    ITEMS,
    MATERIALS,
    SHIPMENT,
    TEMPLATE_LANGUAGES,
    FieldSpec,
    SheetSpec,
    example_marks,
    example_value,
    normalise_name,
)
from rexdecl.input.parsing import (
    CellValueError,
    clean_text,
    hs_from_number,
    parse_date,
    parse_number,
    refuse_direction_controls,
)
from rexdecl.input.xlsx import FORMULA_WITHOUT_VALUE, CellError, PackageError, XlsxPackage, column_letters
from rexdecl.model import (
    Item,
    Location,
    Material,
    Registration,
    Shipment,
    ShipmentInput,
    UnknownHeader,
)
from rexdecl.paths import display_path, open_regular

log = logging.getLogger("rexdecl")

EXCEL_ERRORS = frozenset(
    [
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    ]
)
# The template's example row starts with its mark, "example (contoh) – ignored" in an English
# template (rexdecl.input.fields.EXAMPLE_LABELS): the start of each language's mark, normalised.
_EXAMPLE_MARKS = example_marks()
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RawCell:
    value: Any
    location: Location


class _LazyCell:
    """A cell whose Location is built only when a finding or the model asks for it: a
    10,000-line sheet has 170,000 cells, almost none of which is ever named."""

    __slots__ = ("value", "_reader", "_row", "_column")

    def __init__(self, value: Any, reader: _SheetReader, row: int, column: int) -> None:
        self.value = value
        self._reader = reader
        self._row = row
        self._column = column

    @property
    def location(self) -> Location:
        return self._reader.location(self._row, self._column)


# A cell as the table readers see it, its Location built at once or on demand.
Cell = RawCell | _LazyCell


class _Row:
    """One row that holds a value: its values by column number (1 = A, ascending), only the
    cells present, so a value far to the right costs one entry, not a row of empty cells."""

    __slots__ = ("number", "values", "_reader")

    def __init__(self, reader: _SheetReader, number: int, values: dict[int, Any]) -> None:
        self._reader = reader
        self.number = number
        self.values = values

    def cell(self, column: int) -> _LazyCell:
        """The cell in ``column`` (empty when the row has none there)."""
        return _LazyCell(self.values.get(column), self._reader, self.number, column)

    def first(self) -> tuple[int, Any]:
        """The column and value of the row's first value."""
        column = next(iter(self.values))
        return column, self.values[column]

    def keep(self, columns: set[int]) -> _Row:
        """The row with only the values of ``columns`` (what a table reads)."""
        return _Row(self._reader, self.number, {c: v for c, v in self.values.items() if c in columns})


class _RowCells(Mapping[str, Location]):
    """``field -> cell`` of one table row, Locations built on demand."""

    __slots__ = ("_reader", "_row", "_columns")

    def __init__(self, reader: _SheetReader, row: int, columns: dict[str, int]) -> None:
        self._reader = reader
        self._row = row
        self._columns = columns

    def __getitem__(self, name: str) -> Location:
        return self._reader.location(self._row, self._columns[name] + 1)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


class _Problems:
    """Collects every unusable cell so the user sees them all at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, location: Location, message: str) -> None:
        self.items.append(Problem(location, message))

    def cell(self, location: Location, error: CellValueError, field: str) -> None:
        self.add(
            location,
            _("{field}: found {found}; expected {expected}").format(
                field=field, found=error.found, expected=error.expected
            ),
        )


def _unusable(name: str, message: str) -> UnreadableInput:
    """The whole file cannot be used: one problem, located at the file."""
    return UnreadableInput([Problem(Location(name), message)])


def open_workbook(path: Path) -> XlsxPackage:
    """Open ``path`` for reading its saved values, refusing what is not a usable .xlsx."""
    name = display_path(path)
    info = _stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableInput([Problem(Location(name), _("this is a folder; expected an .xlsx workbook"))])
    if not stat.S_ISREG(info.st_mode):
        # A named pipe would block the first read, /dev/zero never end: refused unopened.
        raise _unusable(
            name,
            _("this is {kind}, not a file; expected an .xlsx workbook").format(kind=_file_kind(info.st_mode)),
        )
    size = info.st_size
    if size > limits.MAX_WORKBOOK_BYTES:
        raise _unusable(
            name,
            _(
                "the file is {size} MB, over the limit of {limit} MB; expected a shipment workbook "
                "(split very large shipments into several invoices)"
            ).format(size=size // (1024 * 1024), limit=limits.MAX_WORKBOOK_BYTES // (1024 * 1024)),
        )
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise _unusable(
            name,
            _("the file cannot be read ({detail}); expected a readable .xlsx workbook").format(detail=exc.strerror),
        ) from None
    if head == _OLE2_MAGIC:
        raise _unusable(
            name,
            _(
                "this is an old-format .xls workbook or a password-protected file; expected an "
                ".xlsx workbook without password (in Excel: File > Save As > Excel Workbook "
                "(*.xlsx), and remove the password)"
            ),
        )
    if not zipfile.is_zipfile(path):
        raise _unusable(
            name,
            _(
                "this is not an Excel workbook (no .xlsx content found; the file may be truncated, "
                "or be another kind of file renamed .xlsx); expected an .xlsx workbook saved by "
                "Excel, LibreOffice or rexdecl template"
            ),
        )
    try:
        with zipfile.ZipFile(path) as package:
            total = sum(info.file_size for info in package.infolist())
            members = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise _unusable(
            name,
            _("the workbook is damaged ({detail}); expected an .xlsx workbook that Excel can open").format(
                detail=str(exc)[:120]
            ),
        ) from None
    if total > limits.MAX_UNCOMPRESSED_BYTES:
        raise _unusable(
            name,
            _(
                "the workbook unpacks to {size} MB, over the limit of {limit} MB (a compression "
                "bomb or a vastly oversized file); expected a shipment workbook"
            ).format(size=total // (1024 * 1024), limit=limits.MAX_UNCOMPRESSED_BYTES // (1024 * 1024)),
        )
    if "xl/workbook.xml" not in members and not any(m.endswith("workbook.xml") for m in members):
        raise _unusable(
            name, _("this zip file is not an Excel workbook (no xl/workbook.xml); expected an .xlsx workbook")
        )
    try:
        opened = XlsxPackage(str(path))
    except PackageError as exc:
        raise _unusable(
            name,
            _("the workbook cannot be read ({detail}); expected an .xlsx workbook that Excel can open").format(
                detail=str(exc)[:300]
            ),
        ) from None
    try:
        opened.shared_strings()  # read here: a damaged part is the file's problem, not each sheet's
    except PackageError as exc:
        opened.close()
        raise _unusable(
            name,
            _("the workbook cannot be read ({detail}); expected an .xlsx workbook that Excel can open").format(
                detail=str(exc)[:300]
            ),
        ) from None
    return opened


def _stat(path: Path) -> os.stat_result:
    try:
        return path.stat()
    except FileNotFoundError:
        raise UnreadableInput([Problem(Location(display_path(path)), _("file not found"))]) from None
    except OSError as exc:
        raise _unusable(
            display_path(path),
            _("the file cannot be read ({detail}); expected a readable .xlsx workbook").format(detail=exc.strerror),
        ) from None


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


@dataclass(frozen=True)
class _Sheet:
    package: XlsxPackage
    title: str


class _SheetReader:
    """Rows of one worksheet as lists of Cell, with blank rows dropped."""

    def __init__(self, path: Path, display: str, sheet: _Sheet, problems: _Problems) -> None:
        self.path = path
        self.display = display
        self.sheet = sheet
        self.title: str = sheet.title
        self.problems = problems
        self.too_many = False
        self.failed = False  # the sheet could not be read to its end (a problem says why)

    def location(self, row: int, column: int | None = None) -> Location:
        if column is None:
            return Location(self.display, self.title, None, _("row {row}").format(row=row))
        return Location(self.display, self.title, f"{column_letters(column)}{row}")

    def rows(self) -> Iterator[_Row]:
        """The sheet's rows that hold a value, in order, each with only the cells present."""
        count = 0
        try:
            for row_number, values in self.sheet.package.rows(self.title):
                width = max(values)
                if width > limits.MAX_COLUMNS:  # a table of 16,384 columns for one stray value
                    self.too_many = True
                    self.problems.add(
                        self.location(row_number, width),
                        _(
                            "a value in column {column}, beyond the {limit} columns a sheet may use; expected "
                            "the table within columns A to {last} (delete or move that cell)"
                        ).format(
                            column=column_letters(width),
                            limit=limits.MAX_COLUMNS,
                            last=column_letters(limits.MAX_COLUMNS),
                        ),
                    )
                    return
                cells: dict[int, Any] = {}
                for column, raw in values.items():
                    value = self._value(raw, row_number, column)
                    if value is not None:
                        cells[column] = value
                if not cells:
                    continue
                count += 1
                if count > limits.MAX_ROWS_PER_SHEET + 1:  # +1: the header row
                    self.too_many = True
                    self.problems.add(
                        Location(self.display, self.title),
                        _(
                            "more than {limit} rows; expected at most {limit} rows in one sheet (split "
                            "the shipment into several invoices)"
                        ).format(limit=f"{limits.MAX_ROWS_PER_SHEET:,}"),
                    )
                    return
                yield _Row(self, row_number, cells)
        except PackageError as exc:
            self.failed = True
            self.problems.add(
                Location(self.display, self.title),
                _("the sheet cannot be read ({detail}); expected a worksheet that Excel can open").format(
                    detail=str(exc)[:300]
                ),
            )
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            self.failed = True
            self.problems.add(
                Location(self.display, self.title),
                _("the workbook is damaged ({detail}); expected an .xlsx workbook that Excel can open").format(
                    detail=str(exc)[:120]
                ),
            )

    def _value(self, value: Any, row: int, column: int) -> Any:
        if value is None:
            return None
        if value is FORMULA_WITHOUT_VALUE:
            self.problems.add(
                self.location(row, column),
                _(
                    "a formula without a saved value; expected its result (open and save the file "
                    "in Excel, or type the value)"
                ),
            )
            return None
        if isinstance(value, CellError):
            self.problems.add(
                self.location(row, column),
                _("the Excel error {error}; expected a value (correct the formula or type the value)").format(
                    error=value.code
                ),
            )
            return None
        if isinstance(value, str):
            text = clean_text(value)
            if text.upper() in EXCEL_ERRORS:
                self.problems.add(
                    self.location(row, column),
                    _("the Excel error {error}; expected a value (correct the formula or type the value)").format(
                        error=text
                    ),
                )
                return None
            if len(text) > limits.MAX_TEXT_LENGTH:
                self.problems.add(
                    self.location(row, column),
                    _("a text of {length} characters; expected at most {limit} characters in one cell").format(
                        length=f"{len(text):,}", limit=f"{limits.MAX_TEXT_LENGTH:,}"
                    ),
                )
                return None
            return text or None
        return value


def _convert(spec: FieldSpec, raw: Cell, number_format: str | None, problems: _Problems) -> Any:
    """The typed value of one cell for ``spec``; problems are collected, ``None`` returned."""
    value = raw.value
    if value is None:
        return None
    try:
        if spec.kind == "date":
            return parse_date(value)
        if spec.kind == "number":
            return parse_number(value, number_format)
        if spec.kind == "integer":
            number = parse_number(value, number_format)
            if number != number.to_integral_value():
                raise CellValueError(str(value), _("a whole number"))
            return int(number)
        if spec.kind == "hs":
            if isinstance(value, bool):
                raise CellValueError(repr(value), _("an HS code"))
            if isinstance(value, int | float | Decimal):
                return hs_from_number(value)
            return _checked_text(value)
        if spec.kind == "chapters":
            return _chapters(value)
        if spec.kind == "country":
            text = _checked_text(value)
            return text.upper() if len(text) == 2 else text
        return _checked_text(value)
    except CellValueError as error:
        problems.cell(raw.location, error, spec.name)
        return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value))


def _checked_text(value: Any) -> str:
    """The text of a field's value; direction controls inside it are refused (CellValueError)."""
    return refuse_direction_controls(_text(value))


CHAPTERS = range(1, 100)


def _chapters(value: Any) -> tuple[int, ...]:
    expected = _("chapter numbers from 1 to 99 separated by commas, e.g. 52, 62")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not (math.isfinite(value) and value == int(value) and int(value) in CHAPTERS):
            raise CellValueError(_("the number {number}").format(number=value), expected)
        return (int(value),)
    parts = [p for p in str(value).replace(";", ",").replace(" ", ",").split(",") if p]
    if not all(p.isascii() and p.isdigit() and len(p) <= 2 and int(p) in CHAPTERS for p in parts):
        raise CellValueError(f"'{clean_text(str(value))[:80]}'", expected)
    return tuple(int(p) for p in parts)


def _find_sheet(workbook: XlsxPackage, spec: SheetSpec, display: str) -> _Sheet | None:
    """The sheet of ``spec``'s role, by its name or an alias; two sheets of one role are
    refused rather than one chosen (a hidden Items would otherwise shadow a visible Barang)."""
    found = [title for title in workbook.sheetnames if spec.matches(title)]
    if len(found) > 1:
        hidden = set(workbook.hidden)
        raise UnreadableInput(
            [
                Problem(
                    Location(display),
                    _(
                        "the sheets {sheets} are all the {name} sheet; expected one (delete or rename the others)"
                    ).format(
                        sheets=", ".join(
                            _("{title} (hidden)").format(title=repr(t)) if t in hidden else repr(t) for t in found
                        ),
                        name=spec.name,
                    ),
                )
            ]
        )
    return _Sheet(workbook, found[0]) if found else None


def _field_value_rows(
    reader: _SheetReader, spec: SheetSpec, unknown: list[UnknownHeader]
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
        label = _text(name_cell.value)
        key = normalise_name(label)
        if first:
            first = False
            header = (key, normalise_name(_text(value_cell.value)) if value_cell.value is not None else "")
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


@dataclass
class _Table:
    columns: dict[str, int]  # field name -> column index (0-based)
    rows: list[_Row]  # the data rows, each with the values of the table's columns only
    header_row: int
    # The cells marking the template's example row, on rows read as lines (EXAMPLE-ROW-READ).
    example_rows: list[Location]


def _table_rows(
    reader: _SheetReader, spec: SheetSpec, unknown: list[UnknownHeader], problems: _Problems
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
        label = _text(cell.value)
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
                found=", ".join(_text(c.value) for c in header_cells if c.value is not None) or "-",
            ),
        )
    data: list[_Row] = []
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
                header_id(normalise_name(_text(values[c]))) if c in values else ""
                for c in range(1, len(header_ids) + 1)
            ]
            if ids == header_ids:
                continue  # a header row repeated (copied blocks, page headers)
        if isinstance(first_value, str) and normalise_name(first_value).startswith(_EXAMPLE_MARKS):
            # The template's example row (not any description starting "Contoh…"): skipped while it
            # holds exactly the template's example, else read as a line without its mark.
            if _is_template_example(spec, row, columns, first_column):
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
            ).format(last=column_letters(width), count=f"{outside_rows:,}"),
        )
    return _Table(columns, data, header_number, examples)


def _is_template_example(spec: SheetSpec, row: _Row, columns: dict[str, int], mark_column: int) -> bool:
    """Whether ``row`` holds exactly the example values a template (of any language) writes."""
    fields = {f.name: f for f in spec.fields}
    for language in TEMPLATE_LANGUAGES:
        if all(
            _same_value(row.values.get(index + 1), example_value(fields[name], language))
            for name, index in columns.items()
            if index + 1 != mark_column
        ):
            return True
    return False


def _same_value(value: Any, example: object) -> bool:
    if example is None or example == "":
        return value is None
    if value is None:
        return False
    numbers = (int, float, Decimal)
    if isinstance(value, numbers) and isinstance(example, numbers) and not isinstance(value, bool):
        return Decimal(str(value)) == Decimal(str(example))
    return _text(value) == str(example)


def _cell(table: _Table, row: _Row, name: str, reader: _SheetReader) -> Cell:
    index = table.columns.get(name)
    if index is None:
        return RawCell(None, reader.location(row.number))
    return row.cell(index + 1)


def read_shipment(path: str | os.PathLike[str]) -> ShipmentInput:
    """Read a shipment workbook into the model, or raise UnreadableInput listing every problem."""
    path = Path(path)
    display = display_path(path)  # a file name that is not UTF-8 is still named in messages
    workbook = open_workbook(path)
    problems = _Problems()
    unknown: list[UnknownHeader] = []
    examples: list[Location] = []
    try:
        # Hashed here, once per read: the register records it, batch compares it with its survey.
        with os.fdopen(open_regular(path), "rb") as stream:
            sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
        shipment_ws = _find_sheet(workbook, SHIPMENT, display)
        items_ws = _find_sheet(workbook, ITEMS, display)
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

        shipment_reader = _SheetReader(path, display, shipment_ws, problems)
        raw_fields = _field_value_rows(shipment_reader, SHIPMENT, unknown)
        number_format = _number_format(raw_fields, problems)
        values: dict[str, Any] = {}
        cells: dict[str, Location] = {}
        for name, (spec, _name_cell, value_cell) in raw_fields.items():
            cells[name] = value_cell.location
            values[name] = _convert(spec, value_cell, number_format, problems)
        for lower in ("scheme", "statement_language", "number_format"):
            if isinstance(values.get(lower), str):
                values[lower] = values[lower].lower()
        if isinstance(values.get("currency"), str):
            values["currency"] = values["currency"].upper()
        shipment = Shipment(**values, cells=cells, sheet_location=Location(display, shipment_ws.title))

        assert shipment_ws is not None and items_ws is not None  # missing sheets were refused above
        items = _read_items(_SheetReader(path, display, items_ws, problems), number_format, unknown, problems, examples)

        materials: tuple[Material, ...] | None = None
        materials_ws = _find_sheet(workbook, MATERIALS, display)
        if materials_ws is not None:
            materials = _read_materials(
                _SheetReader(path, display, materials_ws, problems), number_format, unknown, problems, examples
            )

        exporter_sheet: tuple[Registration, ...] | None = None
        exporter_ws = _find_sheet(workbook, EXPORTER, display)
        if exporter_ws is not None:
            exporter_sheet = (
                read_exporter_sheet(_SheetReader(path, display, exporter_ws, problems), problems, unknown) or None
            )
    finally:
        workbook.close()
    if problems.items:
        raise UnreadableInput(problems.items)
    return ShipmentInput(
        str(path), shipment, items, materials, exporter_sheet, tuple(unknown), tuple(examples), sha256=sha256
    )


def _number_format(raw_fields: dict[str, tuple[FieldSpec, Cell, Cell]], problems: _Problems) -> str | None:
    entry = raw_fields.get("number_format")
    if entry is None or entry[2].value is None:
        return None
    value = _text(entry[2].value).lower()
    if value not in ("id", "en"):
        problems.add(
            entry[2].location,
            _("number_format: found '{found}'; expected id (1.234,56) or en (1,234.56)").format(found=value),
        )
        return None
    return value


def _read_items(
    reader: _SheetReader,
    number_format: str | None,
    unknown: list[UnknownHeader],
    problems: _Problems,
    examples: list[Location],
) -> tuple[Item, ...]:
    table = _table_rows(reader, ITEMS, unknown, problems)
    if table is None or reader.too_many:
        return ()  # refused already: converting 100,000 rows would only delay the message
    examples.extend(table.example_rows)
    items: list[Item] = []
    specs = {f.name: f for f in ITEMS.fields}
    for position, row in enumerate(table.rows, start=1):
        values: dict[str, Any] = {}
        for name, spec in specs.items():
            values[name] = _convert(spec, _cell(table, row, name, reader), number_format, problems)
        if values["line"] is None:
            values["line"] = position
        items.append(
            Item(**values, row=reader.location(row.number), cells=_RowCells(reader, row.number, table.columns))
        )
    return tuple(items)


def _read_materials(
    reader: _SheetReader,
    number_format: str | None,
    unknown: list[UnknownHeader],
    problems: _Problems,
    examples: list[Location],
) -> tuple[Material, ...]:
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
            values[name] = _convert(spec, raw, number_format, problems)
        origin = values.get("origin")
        if isinstance(origin, str) and origin.lower() == "unknown":
            values["origin"] = "unknown"
        materials.append(Material(**values, row=reader.location(row.number), cells=where))
    return tuple(materials)


def read_exporter_sheet(
    reader: _SheetReader, problems: _Problems, unknown: list[UnknownHeader] | None = None
) -> tuple[Registration, ...]:
    """The registration held in a workbook's Exporter sheet (one entry); none when the sheet
    holds no value (the blank template's sheet). Unknown fields go to ``unknown``
    (UNKNOWN-FIELD warnings), as in the other sheets."""
    raw_fields = _field_value_rows(reader, EXPORTER, unknown if unknown is not None else [])
    # Every field, absent ones as None: a sheet with only rex_number is an entry too.
    values: dict[str, Any] = {spec.name: None for spec in EXPORTER.fields}
    for name, (spec, _name_cell, value_cell) in raw_fields.items():
        values[name] = _convert(spec, value_cell, None, problems)
    if not any(raw.value is not None for _spec, _name, raw in raw_fields.values()):
        return ()
    if not values.get("rex_number"):
        problems.add(
            Location(reader.display, reader.title),
            _("rex_number is missing; expected the REX number of the registration"),
        )
        return ()
    if isinstance(values.get("activity"), str):
        values["activity"] = values["activity"].lower()
    values["hs_chapters"] = tuple(values.get("hs_chapters") or ())
    return (Registration(**values, location=Location(reader.display, reader.title)),)


def read_registration_workbook(path: Path, unknown: list[UnknownHeader] | None = None) -> tuple[Registration, ...]:
    """Registration entries from an .xlsx file's Exporter sheet; unknown fields go to
    ``unknown``."""
    workbook = open_workbook(path)
    problems = _Problems()
    try:
        ws = _find_sheet(workbook, EXPORTER, str(path))
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
        reader = _SheetReader(path, str(path), ws, problems)
        entries = read_exporter_sheet(reader, problems, unknown)
    finally:
        workbook.close()
    if problems.items:
        raise UnreadableInput(problems.items)
    return entries
