"""The rows of a worksheet part: its cells in file order, each row with only the cells
written in it, refused where Excel is unambiguous (a row or cell written twice or out of
order, beyond Excel's sheet, or outside a row)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from rexdecl import limits
from rexdecl.i18n import _, format_count
from rexdecl.input.xlsx.cells import cell_value, style_index, text_too_long
from rexdecl.input.xlsx.references import COLUMN_NUMBERS, column_letters, split_ref
from rexdecl.input.xlsx.xmlparts import PackageError, feed, make_parser, open_part, too_many_elements


def read_rows(
    package: zipfile.ZipFile,
    part: str,
    shared: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    from_excel: Callable[[float], Any],
) -> Iterator[tuple[int, dict[int, Any]]]:
    """Non-empty rows of the worksheet ``part`` in file order: ``(row number, {column: value})``,
    the columns ascending; only the cells written in the file are kept. ``shared`` are the
    package's shared strings, ``dates`` and ``durations`` its date styles."""
    done: list[tuple[int, dict[int, Any]]] = []
    # Parser state in closure variables: this loop runs for every cell of the sheet.
    row = col = size = elements = 0
    row_text = "0"
    max_elements = limits.MAX_XML_ELEMENTS
    max_text = 7 * limits.MAX_CELL_CHARACTERS  # characters of a cell's XML text (escaped ones take 7)
    cell_attrs: dict[str, str] = {}
    styles_seen: set[str] = set()
    formula = collecting = in_inline = in_data = in_row = False
    skip = 0  # depth inside a phonetic guide (rPh) of an inline string
    raw: str | None = None
    cells: dict[int, Any] = {}
    buffer: list[str] = []
    inline: list[str] = []

    def where() -> str:
        return f"{column_letters(col)}{row}"

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, cell_attrs, formula, raw, inline, collecting, buffer, in_inline, cells
        nonlocal size, elements, in_data, in_row, skip, row_text
        elements += 1
        if elements > max_elements:
            raise too_many_elements(part)
        local = name if ":" not in name else name.rpartition(":")[2]
        if not in_data:
            in_data = local == "sheetData"
            return
        if local == "c":
            ref = attrs.get("r")
            if ref:
                # The common case without a regular expression: "AB12" in row 12.
                letters = ref.rstrip("0123456789")
                column = COLUMN_NUMBERS[letters]
                if not (column and in_row and ref[len(letters) :] == row_text):
                    if not in_row:
                        raise PackageError(_("{part}: a cell outside a row").format(part=part))
                    ref_row, column = split_ref(ref)
                    if ref_row != row:
                        raise PackageError(_("cell {cell} is written in row {row}").format(cell=ref, row=row))
            else:
                if not in_row:
                    raise PackageError(_("{part}: a cell outside a row").format(part=part))
                column = col + 1
                if column > limits.EXCEL_MAX_COLUMNS:
                    raise PackageError(_("row {row} has cells beyond column XFD, the last of Excel").format(row=row))
            if column <= col:
                raise PackageError(
                    _("cell {cell} is written twice").format(cell=f"{column_letters(column)}{row}")
                    if column == col
                    else _("cell {cell} is written after {previous}; Excel writes cells in order").format(
                        cell=f"{column_letters(column)}{row}", previous=where()
                    )
                )
            col = column
            cell_attrs = attrs  # its type and style are read only if it holds a value
            style = attrs.get("s")
            if style and style not in styles_seen:  # checked once per index (a few dozen)
                style_index(attrs, where)
                if len(styles_seen) < 4096:
                    styles_seen.add(style)
            formula = False
            raw = None
            size = 0
            if inline:
                inline = []
        elif local == "v":
            collecting = True
            buffer = []
            size = 0
        elif local == "f":
            formula = True
        elif local == "row":
            number = attrs.get("r")
            if number is None:
                new = row + 1
            elif number.isascii() and number.isdigit() and len(number) <= 7:
                new = int(number)
            else:
                new = 0
            if not 1 <= new <= limits.EXCEL_MAX_ROWS:
                raise PackageError(
                    _("row number {found}; expected 1 to {last}").format(
                        found=repr((number or str(new))[:20]), last=format_count(limits.EXCEL_MAX_ROWS)
                    )
                )
            if new <= row:
                raise PackageError(
                    _("row {row} is written twice").format(row=new)
                    if new == row
                    else _("row {row} is written after row {previous}; Excel writes rows in order").format(
                        row=new, previous=row
                    )
                )
            row = new
            row_text = str(new)
            col = 0
            cells = {}
            in_row = True
        elif local == "is":
            in_inline = True
        elif local == "rPh":
            skip += 1
        elif local == "t" and in_inline and not skip:
            collecting = True
            buffer = []

    def end(name: str) -> None:
        nonlocal raw, collecting, in_inline, cells, in_data, in_row, skip
        local = name if ":" not in name else name.rpartition(":")[2]
        if not in_data:
            return
        if local == "v":
            collecting = False
            raw = buffer[0] if len(buffer) == 1 else "".join(buffer)
        elif local == "c":
            if raw is not None or inline or formula:  # an empty (styled) cell costs no more
                value = cell_value(cell_attrs, raw, formula, inline, shared, dates, durations, from_excel, where)
                if value is not None:
                    cells[col] = value
        elif local == "row":
            if cells:
                done.append((row, cells))
            cells = {}
            in_row = False
        elif local == "t" and in_inline and not skip:
            collecting = False
            inline.append("".join(buffer))
        elif local == "is":
            in_inline = False
        elif local == "rPh":
            skip -= 1
        elif local == "sheetData":
            in_data = False

    def text(data: str) -> None:
        nonlocal size
        if collecting:
            size += len(data)
            if size > max_text:
                raise text_too_long(part, _("cell {cell}").format(cell=where()))
            buffer.append(data)

    parser = make_parser(start, end, text)
    with open_part(package, part) as stream:
        for _step in feed(parser, stream, part):
            if done:
                yield from done
                done.clear()
    yield from done
