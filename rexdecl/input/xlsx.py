"""A small, fast and safe reader of the values saved in an .xlsx package.

Only what the shipment reader needs: sheet names, and the rows of a sheet as
``(row number, {column number: value})`` with Excel's saved values — text, numbers, dates
(by the cell's number format), booleans, error values, and formulas saved without a value.
Every XML part is parsed with expat, streaming, with entity declarations refused (no
"billion laughs") and no external entity ever fetched. It is several times faster than
openpyxl's read-only mode, which also re-reads a whole sheet when its size is not recorded.

Its cost is bounded by the bytes present, not by what they claim: a row holds only the cells
written in it, and the limits of ``rexdecl.limits`` (characters of a cell, XML elements and
tokens of a part, shared strings) are checked while a part is read, before its content is
kept. It is strict where Excel is unambiguous: a row or cell written twice or out of order,
a row or column beyond Excel's sheet, a shared string that does not exist, two sheets of the
same name or two zip members of the same name are refused with a :class:`PackageError`
naming the part or cell, never settled by a silent choice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import posixpath
import re
import xml.parsers.expat as expat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

from rexdecl import limits
from rexdecl.i18n import _

CHUNK = 64 * 1024

# Built-in number formats (ECMA-376 18.8.30) that show dates or times: 14-22 and 45-47, and
# the East Asian date formats 27-36 and 50-58. 46 ([h]:mm:ss) is a duration.
BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)])
BUILTIN_DURATION_FORMATS = frozenset([46])
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?!h+\]|m+\]|s+\])[^\]]*\]')
_DATE_TOKEN = re.compile(r"[dmyhsDMYHS]")
_DURATION_TOKEN = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)
_EXCEL_1900 = dt.datetime(1899, 12, 30)
_EXCEL_1904 = dt.datetime(1904, 1, 1)


def is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time (its first section, without
    quoted text, escaped characters, colours and locale tags)."""
    first = code.split(";", 1)[0]
    return bool(_DATE_TOKEN.search(_FORMAT_NOISE.sub("", first)))


def is_duration_format(code: str) -> bool:
    return bool(_DURATION_TOKEN.search(code.split(";", 1)[0]))


def from_excel_1900(serial: float) -> dt.datetime:
    """An Excel serial date of the 1900 system (which counts a 29 February 1900 that never was)."""
    if serial < 0:
        raise ValueError(serial)
    if serial < 60:
        serial += 1  # before the phantom 29 Feb 1900
    return _EXCEL_1900 + dt.timedelta(days=serial)


def from_excel_1904(serial: float) -> dt.datetime:
    if serial < 0:
        raise ValueError(serial)
    return _EXCEL_1904 + dt.timedelta(days=serial)


# What zipfile raises on a damaged member (bad CRC or header, a cut deflate stream, an
# encryption or compression method it does not support, a member marked as encrypted).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)  # while a member is read
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
# A number as Excel writes it (xsd:double): ASCII digits only; float() would also take
# "1_000", " 12 " or Arabic-Indic digits, which no spreadsheet program writes.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_NUMBER_TEXT = 4_000  # int() refuses more than 4,300 digits; Excel writes about 20
# Excel writes a character XML cannot hold (a control character) as _xHHHH_, and a literal
# "_x" followed by four hex digits and "_" as _x005F_xHHHH_ (ECMA-376 Part 1, 22.9.2.19).
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass(frozen=True)
class CellError:
    """A cell holding an Excel error value (#N/A, #REF!, ...)."""

    code: str


class _Missing:
    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


# A formula whose result was never saved (written by a program that does not calculate).
FORMULA_WITHOUT_VALUE = _Missing()


class PackageError(ValueError):
    """The package is not a readable workbook; the message says what was found and where
    (the part, or the cell)."""


def decode_escapes(text: str) -> str:
    """``text`` with Excel's ``_xHHHH_`` escapes decoded (a surrogate pair into its character;
    a lone surrogate, which no text can hold, is left as written)."""
    if "_x" not in text:
        return text
    pieces: list[str] = []
    position = 0
    pending: tuple[int, int] | None = None  # a high surrogate: (its code, where it started)
    for match in _ESCAPE.finditer(text):
        code = int(match[1], 16)
        if pending is not None:
            high, begin = pending
            pending = None
            if match.start() == position and 0xDC00 <= code <= 0xDFFF:
                pieces.append(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)))
                position = match.end()
                continue
            pieces.append(text[begin:position])  # the lone high surrogate, as written
        pieces.append(text[position : match.start()])
        if 0xD800 <= code <= 0xDBFF:
            pending = (code, match.start())
        elif 0xDC00 <= code <= 0xDFFF:
            pieces.append(match[0])  # a lone low surrogate, as written
        else:
            pieces.append(chr(code))
        position = match.end()
    if pending is not None:
        pieces.append(text[pending[1] : position])
    pieces.append(text[position:])
    return "".join(pieces)


@cache
def column_index(letters: str) -> int:
    """``A`` -> 1, ``AB`` -> 28."""
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - 64)
    return number


@cache
def column_letters(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _split_ref(ref: str) -> tuple[int, int]:
    match = _REF.fullmatch(ref)
    if match is None:  # "1A", "A-1", "A1.5", "A²": int() would raise ValueError
        raise PackageError(_("cell reference {ref}").format(ref=repr(ref[:20])))
    row, column = int(match[2]), column_index(match[1])
    if not (1 <= row <= limits.EXCEL_MAX_ROWS and column <= limits.EXCEL_MAX_COLUMNS):
        raise PackageError(
            _("cell reference {ref}, outside the sheet (Excel has columns A to XFD and rows 1 to {rows})").format(
                ref=ref, rows=f"{limits.EXCEL_MAX_ROWS:,}"
            )
        )
    return row, column


class _ColumnNumbers(dict[str, int]):
    """``"AB"`` -> 28 for the column letters of Excel (A to XFD, either case), filled as met;
    0 for anything else."""

    def __missing__(self, letters: str) -> int:
        if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isalpha()):
            return 0
        number = column_index(letters)
        if number > limits.EXCEL_MAX_COLUMNS:
            return 0
        self[letters] = number
        return number


_COLUMNS = _ColumnNumbers()


def _too_many_elements(part: str) -> PackageError:
    return PackageError(
        _(
            "{part} holds more than {limit} XML elements, the limit of one part (clear the formatting of "
            "unused rows and columns, or split the shipment)"
        ).format(part=part, limit=f"{limits.MAX_XML_ELEMENTS:,}")
    )


def _refuse(*_args: Any) -> Any:
    raise PackageError(_("the XML declares entities (refused as a defence against entity expansion)"))


def _parser(
    start: Callable[..., None] | None, end: Callable[..., None] | None, text: Callable[..., None] | None
) -> Any:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


def _feed(parser: Any, stream: IO[bytes], part: str) -> Iterator[None]:
    """Parse ``stream`` chunk by chunk, yielding after each. Expat keeps an unfinished token
    (a tag with its attributes, a comment) whole in memory: one that grows past
    ``MAX_XML_TOKEN_BYTES`` is refused rather than buffered to its end."""
    fed = 0
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            fed += len(chunk)
            # Outside a handler, CurrentByteIndex is where the last parse event began.
            if fed - max(parser.CurrentByteIndex, 0) > limits.MAX_XML_TOKEN_BYTES:
                raise PackageError(
                    _("{part} holds an XML tag or comment longer than {limit} MB, which no spreadsheet writes").format(
                        part=part, limit=limits.MAX_XML_TOKEN_BYTES // (1024 * 1024)
                    )
                )
            yield None
        parser.Parse(b"", True)
    except PackageError:
        raise
    except expat.ExpatError as error:
        raise PackageError(_("damaged XML ({detail})").format(detail=expat.ErrorString(error.code))) from None
    except _READ_ERRORS as error:
        raise PackageError(_("damaged part ({detail})").format(detail=error)) from None
    except (LookupError, ValueError, UnicodeError) as error:
        # The XML declaration names an encoding expat cannot read ("x-foo", "shift_jis", "hex").
        raise PackageError(
            _("{part} declares an XML encoding that cannot be read ({detail}); expected UTF-8").format(
                part=part, detail=str(error)[:80]
            )
        ) from None


@contextlib.contextmanager
def _open(package: zipfile.ZipFile, part: str) -> Iterator[IO[bytes]]:
    try:
        stream = package.open(part)
    except _ZIP_ERRORS as error:
        raise PackageError(_("damaged part {part} ({detail})").format(part=part, detail=error)) from None
    with stream:
        yield stream


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _elements(package: zipfile.ZipFile, part: str) -> list[tuple[str, dict[str, str]]]:
    """All start tags of a small part, as (local name, attributes without prefixes)."""
    found: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(found) >= limits.MAX_XML_ELEMENTS:
            raise _too_many_elements(part)
        found.append((_local(name), {_local(k): v for k, v in attrs.items()}))

    with _open(package, part) as stream:
        for _step in _feed(_parser(start, None, None), stream, part):
            pass
    return found


class XlsxPackage:
    """An opened .xlsx: ``sheetnames`` and ``rows(name)``. Close it (or use ``with``)."""

    def __init__(self, path: str) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (*_ZIP_ERRORS, ValueError) as error:
            raise PackageError(str(error)) from None
        try:
            self._check_members()
            self._read_workbook_part()
        except BaseException:
            self.zip.close()  # now: the error's traceback would keep it open until a collection
            raise

    def _check_members(self) -> None:
        """Refuse a package with two members of one name: zipfile would silently read the
        last one, Excel the first (part names are case-insensitive, ECMA-376 Part 2, 9.1.1)."""
        seen: set[str] = set()
        for name in self.zip.namelist():
            key = name.casefold()
            if key in seen:
                raise PackageError(
                    _("the package holds the part {part} twice; expected each part once").format(part=name)
                )
            seen.add(key)
        self.members = set(self.zip.namelist())

    def _read_workbook_part(self) -> None:
        workbook_part = self._office_document()
        rels = self._relationships(workbook_part)
        self.sheets: dict[str, str] = {}
        self.hidden: set[str] = set()
        self.date1904 = False
        names: dict[str, str] = {}
        for name, attrs in _elements(self.zip, workbook_part):
            if name == "sheet":
                title = attrs.get("name", "")
                if title.casefold() in names:
                    raise PackageError(
                        _("{part} names two sheets {name}; expected each sheet name once").format(
                            part=workbook_part, name=repr(title)
                        )
                    )
                names[title.casefold()] = title
                target = rels.get(attrs.get("id", ""))
                if target and target in self.members:
                    self.sheets[title] = target
                    if attrs.get("state", "visible") != "visible":  # hidden or veryHidden
                        self.hidden.add(title)
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")
        if not self.sheets:
            raise PackageError(_("no worksheet in the workbook"))
        self._shared_part = next((t for t in rels.values() if t.endswith("sharedStrings.xml")), None)
        self._styles_part = next((t for t in rels.values() if t.endswith("styles.xml")), None)
        self._shared: list[str] | None = None
        self._date_styles: tuple[frozenset[int], frozenset[int]] | None = None

    def __enter__(self) -> XlsxPackage:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def _office_document(self) -> str:
        if "_rels/.rels" in self.members:
            for name, attrs in _elements(self.zip, "_rels/.rels"):
                if name == "Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
                    target = attrs.get("Target", "").lstrip("/")
                    if target in self.members:
                        return target
        if "xl/workbook.xml" in self.members:
            return "xl/workbook.xml"
        raise PackageError(_("no workbook part (xl/workbook.xml)"))

    def _relationships(self, part: str) -> dict[str, str]:
        folder, file_name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", file_name + ".rels")
        targets: dict[str, str] = {}
        if rels_part not in self.members:
            return targets
        for name, attrs in _elements(self.zip, rels_part):
            if name == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                )
                targets[attrs.get("Id", "")] = path
        return targets

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = self._read_shared_strings()
        return self._shared

    def _read_shared_strings(self) -> list[str]:
        strings: list[str] = []
        part = self._shared_part
        if not part or part not in self.members:
            return strings
        pieces: list[str] = []
        in_t = False
        skip = 0  # depth inside a phonetic guide (rPh: East Asian reading aid, not the value)
        length = total = elements = 0
        # Escaped characters (_x000D_) take 7 characters: the decoded text is checked at </si>.
        raw_limit = 7 * limits.MAX_CELL_CHARACTERS

        def start(name: str, _attrs: dict[str, str]) -> None:
            nonlocal in_t, skip, length, elements
            elements += 1
            if elements > limits.MAX_XML_ELEMENTS:
                raise _too_many_elements(part)
            local = _local(name)
            if local == "si":
                pieces.clear()
                length = 0
            elif local == "t" and not skip:
                in_t = True
            elif local == "rPh":
                skip += 1

        def end(name: str) -> None:
            nonlocal in_t, skip
            local = _local(name)
            if local == "si":
                if len(strings) >= limits.MAX_SHARED_STRINGS:
                    raise PackageError(
                        _(
                            "{part} holds more than {limit} shared strings, the limit (a shipment of "
                            "100,000 lines uses a few hundred thousand); expected a shipment workbook"
                        ).format(part=part, limit=f"{limits.MAX_SHARED_STRINGS:,}")
                    )
                text = decode_escapes("".join(pieces))
                if len(text) > limits.MAX_CELL_CHARACTERS:
                    raise _too_long(part, _("shared string {number}").format(number=len(strings) + 1))
                strings.append(text)
            elif local == "t":
                in_t = False
            elif local == "rPh":
                skip -= 1

        def text(data: str) -> None:
            nonlocal length, total
            if in_t:
                length += len(data)
                total += len(data)
                if length > raw_limit:
                    raise _too_long(part, _("shared string {number}").format(number=len(strings) + 1))
                if total > limits.MAX_SHARED_CHARACTERS:
                    raise PackageError(
                        _(
                            "{part} holds more than {limit} million characters of text, the limit; expected a "
                            "shipment workbook"
                        ).format(part=part, limit=limits.MAX_SHARED_CHARACTERS // (1024 * 1024))
                    )
                pieces.append(data)

        with _open(self.zip, part) as stream:
            for _step in _feed(_parser(start, end, text), stream, part):
                pass
        return strings

    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """Indices of cell styles whose number format is a date (and a duration)."""
        if self._date_styles is None:
            self._date_styles = self._read_styles()
        return self._date_styles

    def _read_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        if not self._styles_part or self._styles_part not in self.members:
            return frozenset(), frozenset()
        custom: dict[int, str] = {}
        xf_formats: list[int] = []
        in_cell_xfs = False
        elements = _elements(self.zip, self._styles_part)
        for name, attrs in elements:
            if name == "numFmt":
                try:
                    custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
                except ValueError:
                    continue
            elif name == "cellXfs":
                in_cell_xfs = True
            elif name == "cellStyleXfs" or name == "dxfs":
                in_cell_xfs = False
            elif name == "xf" and in_cell_xfs:
                try:
                    xf_formats.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xf_formats.append(0)
        dates: set[int] = set()
        durations: set[int] = set()
        for index, format_id in enumerate(xf_formats):
            code = custom.get(format_id)
            if code is None:
                if format_id in BUILTIN_DATE_FORMATS:
                    dates.add(index)
                    if format_id in BUILTIN_DURATION_FORMATS:
                        durations.add(index)
            elif is_date_format(code):
                dates.add(index)
                if is_duration_format(code):
                    durations.add(index)
        return frozenset(dates), frozenset(durations)

    def rows(self, sheet: str) -> Iterator[tuple[int, dict[int, Any]]]:
        """Non-empty rows of ``sheet`` in file order: ``(row number, {column: value})``, the
        columns ascending; only the cells written in the file are kept."""
        from_excel = from_excel_1904 if self.date1904 else from_excel_1900
        part = self.sheets[sheet]
        shared = self.shared_strings()
        dates, durations = self.date_styles()
        done: list[tuple[int, dict[int, Any]]] = []
        # Parser state in closure variables: this loop runs for every cell of the sheet.
        row = col = size = elements = 0
        row_text = "0"
        max_elements = limits.MAX_XML_ELEMENTS
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
                raise _too_many_elements(part)
            local = name if ":" not in name else name.rpartition(":")[2]
            if not in_data:
                in_data = local == "sheetData"
                return
            if local == "c":
                ref = attrs.get("r")
                if ref:
                    # The common case without a regular expression: "AB12" in row 12.
                    letters = ref.rstrip("0123456789")
                    column = _COLUMNS[letters]
                    if not (column and in_row and ref[len(letters) :] == row_text):
                        if not in_row:
                            raise PackageError(_("{part}: a cell outside a row").format(part=part))
                        ref_row, column = _split_ref(ref)
                        if ref_row != row:
                            raise PackageError(_("cell {cell} is written in row {row}").format(cell=ref, row=row))
                else:
                    if not in_row:
                        raise PackageError(_("{part}: a cell outside a row").format(part=part))
                    column = col + 1
                    if column > limits.EXCEL_MAX_COLUMNS:
                        raise PackageError(
                            _("row {row} has cells beyond column XFD, the last of Excel").format(row=row)
                        )
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
                    _style(attrs, where)
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
                            found=repr((number or str(new))[:20]), last=f"{limits.EXCEL_MAX_ROWS:,}"
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
                raw = "".join(buffer)
            elif local == "c":
                if raw is not None or inline or formula:  # an empty (styled) cell costs no more
                    value = _value(cell_attrs, raw, formula, inline, shared, dates, durations, from_excel, where)
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
                if size > 7 * limits.MAX_CELL_CHARACTERS:  # escaped characters take 7
                    raise _too_long(part, _("cell {cell}").format(cell=where()))
                buffer.append(data)

        parser = _parser(start, end, text)
        with _open(self.zip, part) as stream:
            for _step in _feed(parser, stream, part):
                if done:
                    yield from done
                    done.clear()
        yield from done


def _too_long(part: str, what: str) -> PackageError:
    return PackageError(
        _("{part}: {what} is longer than {limit} characters, the most a cell of Excel holds").format(
            part=part, what=what, limit=f"{limits.MAX_CELL_CHARACTERS:,}"
        )
    )


def _value(
    attrs: dict[str, str],
    raw: str | None,
    formula: bool,
    inline: list[str],
    shared: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    from_excel: Callable[[float], Any],
    where: Callable[[], str],
) -> Any:
    """The value of a cell from its attributes (type ``t``, style ``s``) and content."""
    kind = attrs.get("t", "n")
    if kind == "inlineStr":
        if inline:
            return _checked_length(decode_escapes("".join(inline)), where)
        return FORMULA_WITHOUT_VALUE if formula else None
    if raw is None or raw == "":
        return FORMULA_WITHOUT_VALUE if formula else None
    if kind == "s":
        index = raw.strip()
        if not (len(index) <= 10 and index.isascii() and index.isdigit() and int(index) < len(shared)):
            raise PackageError(
                _(
                    "cell {cell} refers to shared string {index}, which does not exist (the workbook has {count})"
                ).format(cell=where(), index=repr(index[:20]), count=f"{len(shared):,}")
            )
        return shared[int(index)]
    if kind == "n":
        number: int | float
        if raw.isdigit() and raw.isascii() and len(raw) <= _MAX_NUMBER_TEXT:
            number = int(raw)  # the common case, without a regular expression
        else:
            text = raw.strip()
            if len(text) > _MAX_NUMBER_TEXT or not _NUMBER.fullmatch(text):
                raise PackageError(
                    _("cell {cell} is a number cell holding {found}").format(cell=where(), found=repr(raw[:40]))
                )
            number = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
        style = _style(attrs, where)
        if style in dates:
            try:
                if style in durations:
                    return number  # a duration ([h]:mm) is not a date: keep the number
                return from_excel(number)
            except (OverflowError, ValueError, TypeError):
                return CellError("#VALUE!")
        return number
    if kind == "str":
        return _checked_length(decode_escapes(raw), where)
    if kind == "b":
        return raw.strip().lower() in ("1", "true")
    if kind == "e":
        return CellError(raw)
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            return raw
    return raw


def _style(attrs: dict[str, str], where: Callable[[], str]) -> int:
    number = attrs.get("s")
    if not number:
        return 0
    if number.isascii() and number.isdigit() and len(number) <= 10:
        return int(number)
    raise PackageError(
        _("cell {cell} has the style index {found}; expected a whole number").format(
            cell=where(), found=repr(number[:20])
        )
    )


def _checked_length(text: str, where: Callable[[], str]) -> str:
    if len(text) > limits.MAX_CELL_CHARACTERS:
        raise PackageError(
            _("cell {cell} holds more than {limit} characters, the most a cell of Excel holds").format(
                cell=where(), limit=f"{limits.MAX_CELL_CHARACTERS:,}"
            )
        )
    return text
