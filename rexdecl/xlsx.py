"""A small, fast and safe reader of the values saved in an .xlsx package.

Only what the shipment reader needs: sheet names, and the rows of a sheet as
``(row number, {column number: value})`` with Excel's saved values — text, numbers, dates
(by the cell's number format), booleans, error values, and formulas saved without a value.
Every XML part is parsed with expat, streaming, with entity declarations refused (no
"billion laughs") and no external entity ever fetched. It is several times faster than
openpyxl's read-only mode, which also re-reads a whole sheet when its size is not recorded.
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
    """The package is not a readable workbook; the message says what was found."""


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
    if match is None:  # "1A", "A-1", "A1.5": int() would raise ValueError
        raise PackageError(f"cell reference {ref[:20]!r}")
    return int(match[2]), column_index(match[1])


def _refuse(*_args: Any) -> Any:
    raise PackageError("the XML declares entities (refused as a defence against entity expansion)")


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


def _feed(parser: Any, stream: IO[bytes]) -> Iterator[None]:
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            yield None
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise PackageError(f"damaged XML ({expat.ErrorString(error.code)})") from None
    except _READ_ERRORS as error:
        raise PackageError(f"damaged part ({error})") from None


@contextlib.contextmanager
def _open(package: zipfile.ZipFile, part: str) -> Iterator[IO[bytes]]:
    try:
        stream = package.open(part)
    except _ZIP_ERRORS as error:
        raise PackageError(f"damaged part {part} ({error})") from None
    with stream:
        yield stream


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _elements(package: zipfile.ZipFile, part: str) -> list[tuple[str, dict[str, str]]]:
    """All start tags of a small part, as (local name, attributes without prefixes)."""
    found: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        found.append((_local(name), {_local(k): v for k, v in attrs.items()}))

    with _open(package, part) as stream:
        for _ in _feed(_parser(start, None, None), stream):
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
            self._read_workbook_part()
        except BaseException:
            self.zip.close()  # now: the error's traceback would keep it open until a collection
            raise

    def _read_workbook_part(self) -> None:
        self.members = set(self.zip.namelist())
        workbook_part = self._office_document()
        rels = self._relationships(workbook_part)
        self.sheets: dict[str, str] = {}
        self.date1904 = False
        for name, attrs in _elements(self.zip, workbook_part):
            if name == "sheet":
                target = rels.get(attrs.get("id", ""))
                if target and target in self.members:
                    self.sheets[attrs.get("name", "")] = target
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")
        if not self.sheets:
            raise PackageError("no worksheet in the workbook")
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
        raise PackageError("no workbook part (xl/workbook.xml)")

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
        if not self._shared_part or self._shared_part not in self.members:
            return strings
        state: dict[str, Any] = {"parts": [], "in_t": False, "skip": 0}

        def start(name: str, _attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "si":
                state["parts"] = []
            elif local == "t" and not state["skip"]:
                state["in_t"] = True
            elif local == "rPh":  # phonetic guide (East Asian): not part of the value
                state["skip"] += 1

        def end(name: str) -> None:
            local = _local(name)
            if local == "si":
                strings.append("".join(state["parts"]))
            elif local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["skip"] -= 1

        def text(data: str) -> None:
            if state["in_t"]:
                state["parts"].append(data)

        with _open(self.zip, self._shared_part) as stream:
            for _ in _feed(_parser(start, end, text), stream):
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
        """Non-empty rows of ``sheet`` in file order: ``(row number, {column: value})``."""
        from_excel = from_excel_1904 if self.date1904 else from_excel_1900
        part = self.sheets[sheet]
        shared = self.shared_strings()
        dates, durations = self.date_styles()
        done: list[tuple[int, dict[int, Any]]] = []
        # Parser state in closure variables: this loop runs for every cell of the sheet.
        row = col = style = 0
        kind = "n"
        formula = collecting = in_inline = False
        raw: str | None = None
        cells: dict[int, Any] = {}
        buffer: list[str] = []
        inline: list[str] = []

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal row, col, style, kind, formula, raw, inline, collecting, buffer, in_inline, cells
            local = name if ":" not in name else name.rpartition(":")[2]
            if local == "c":
                ref = attrs.get("r")
                if ref:
                    col = _split_ref(ref)[1]
                else:
                    col += 1
                kind = attrs.get("t", "n")
                number = attrs.get("s")
                style = int(number) if number and number.isdigit() else 0
                formula = False
                raw = None
                if inline:
                    inline = []
            elif local == "v":
                collecting = True
                buffer = []
            elif local == "f":
                formula = True
            elif local == "row":
                number = attrs.get("r")
                row = int(number) if number and number.isdigit() else row + 1
                col = 0
                cells = {}
            elif local == "is":
                in_inline = True
            elif local == "t" and in_inline:
                collecting = True
                buffer = []

        def end(name: str) -> None:
            nonlocal raw, collecting, in_inline, cells
            local = name if ":" not in name else name.rpartition(":")[2]
            if local == "v":
                collecting = False
                raw = "".join(buffer)
            elif local == "c":
                value = _value(kind, raw, formula, style, inline, shared, dates, durations, from_excel)
                if value is not None:
                    cells[col] = value
            elif local == "row":
                if cells:
                    done.append((row, cells))
                cells = {}
            elif local == "t" and in_inline:
                collecting = False
                inline.append("".join(buffer))
            elif local == "is":
                in_inline = False

        def text(data: str) -> None:
            if collecting:
                buffer.append(data)

        parser = _parser(start, end, text)
        with _open(self.zip, part) as stream:
            for _ in _feed(parser, stream):
                if done:
                    yield from done
                    done.clear()
        yield from done


def _value(
    kind: str,
    raw: str | None,
    formula: bool,
    style: int,
    inline: list[str],
    shared: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    from_excel: Callable[[float], Any],
) -> Any:
    if kind == "inlineStr":
        if inline:
            return "".join(inline)
        return FORMULA_WITHOUT_VALUE if formula else None
    if raw is None or raw == "":
        return FORMULA_WITHOUT_VALUE if formula else None
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            raise PackageError(f"a shared string that does not exist ({raw})") from None
    if kind == "n":
        try:
            number: int | float = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
        except ValueError:
            raise PackageError(f"a number cell holding {raw[:40]!r}") from None
        if style in dates:
            try:
                if style in durations:
                    return number  # a duration ([h]:mm) is not a date: keep the number
                return from_excel(number)
            except (OverflowError, ValueError, TypeError):
                return CellError("#VALUE!")
        return number
    if kind == "str":
        return raw
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
