"""The rows of one worksheet as the sheet readers see them: values cleaned, unusable cells
reported (formulas without a value, Excel errors, overlong texts), rows and columns within the
limits, and each cell's location built only when asked for."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, ValuesView
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rexdecl import limits
from rexdecl.i18n import _, format_count
from rexdecl.input.parsing import clean_text
from rexdecl.input.problems import Problems
from rexdecl.input.sheets import Sheet
from rexdecl.input.xlsx import FORMULA_WITHOUT_VALUE, CellError, PackageError, column_index, column_letters
from rexdecl.model import Location

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


@dataclass(frozen=True)
class RawCell:
    """A cell with its Location built at once (a cell the table does not have)."""

    value: Any
    location: Location


class LazyCell:
    """A cell whose Location is built only when a finding or the model asks for it: a
    10,000-line sheet has 170,000 cells, almost none of which is ever named."""

    __slots__ = ("value", "_reader", "_row", "_column")

    def __init__(self, value: Any, reader: SheetReader, row: int, column: int) -> None:
        self.value = value
        self._reader = reader
        self._row = row
        self._column = column

    @property
    def location(self) -> Location:
        return self._reader.location(self._row, self._column)


# A cell as the table readers see it, its Location built at once or on demand.
Cell = RawCell | LazyCell


class Row:
    """One row that holds a value: its values by column number (1 = A, ascending), only the
    cells present, so a value far to the right costs one entry, not a row of empty cells."""

    __slots__ = ("number", "values", "_reader")

    def __init__(self, reader: SheetReader, number: int, values: dict[int, Any]) -> None:
        self._reader = reader
        self.number = number
        self.values = values

    def cell(self, column: int) -> LazyCell:
        """The cell in ``column`` (empty when the row has none there)."""
        return LazyCell(self.values.get(column), self._reader, self.number, column)

    def first(self) -> tuple[int, Any]:
        """The column and value of the row's first value."""
        column = next(iter(self.values))
        return column, self.values[column]

    def keep(self, columns: set[int]) -> Row:
        """The row with only the values of ``columns`` (what a table reads)."""
        if columns.issuperset(self.values):  # the common case: nothing to drop
            return self
        return Row(self._reader, self.number, {c: v for c, v in self.values.items() if c in columns})


class RowCells(Mapping[str, Location]):
    """``field -> cell`` of one table row, Locations built on demand."""

    __slots__ = ("_reader", "_row", "_columns")

    def __init__(self, reader: SheetReader, row: int, columns: dict[str, int]) -> None:
        self._reader = reader
        self._row = row
        self._columns = columns

    def __getitem__(self, name: str) -> Location:
        return self._reader.location(self._row, self._columns[name] + 1)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def values(self) -> ValuesView[Location]:
        return _RowLocations(self)

    def holds(self, location: object) -> bool:
        """Whether ``location`` is one of the row's cells, found without building them (the
        report asks this of every finding: 17 Locations a line would be 170,000 for 10,000)."""
        if not isinstance(location, Location) or location.part is not None or not location.cell:
            return False
        reader = self._reader
        if location.file != reader.display or location.sheet != reader.title:
            return False
        match = _CELL.fullmatch(location.cell)
        return match is not None and int(match[2]) == self._row and column_index(match[1]) - 1 in self._columns.values()


_CELL = re.compile(r"([A-Z]{1,3})([0-9]+)")


class _RowLocations(ValuesView[Location]):
    """The cells of a row, with a membership test that builds none of them."""

    _mapping: RowCells

    def __contains__(self, value: object) -> bool:
        return self._mapping.holds(value)


class SheetReader:
    """Rows of one worksheet as lists of Cell, with blank rows dropped."""

    def __init__(self, path: Path, display: str, sheet: Sheet, problems: Problems) -> None:
        self.path = path
        self.display = display
        self.sheet = sheet
        self.title: str = sheet.title
        self.problems = problems
        self.too_many = False
        self.failed = False  # the sheet could not be read to its end (a problem says why)

    def location(self, row: int, column: int | None = None) -> Location:
        """The Location of a cell of this sheet, or of a whole row when ``column`` is None."""
        if column is None:
            return Location(self.display, self.title, None, _("row {row}").format(row=row))
        return Location(self.display, self.title, f"{column_letters(column)}{row}")

    def rows(self) -> Iterator[Row]:
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
                        ).format(limit=format_count(limits.MAX_ROWS_PER_SHEET)),
                    )
                    return
                yield Row(self, row_number, cells)
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
            if text[:1] == "#" and text.upper() in EXCEL_ERRORS:
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
                        length=format_count(len(text)), limit=format_count(limits.MAX_TEXT_LENGTH)
                    ),
                )
                return None
            return text or None
        return value
