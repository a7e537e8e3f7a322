"""The .xlsx package opened: its members (each name once), the workbook part with its
sheets, hidden sheets and date system, and the shared strings and date styles read once."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from typing import Any

from rexdecl.i18n import _
from rexdecl.input.xlsx.sharedstrings import read_shared_strings
from rexdecl.input.xlsx.styles import from_excel_1900, from_excel_1904, read_date_styles
from rexdecl.input.xlsx.worksheet import read_rows
from rexdecl.input.xlsx.xmlparts import ZIP_ERRORS, PackageError, start_tags


class XlsxPackage:
    """An opened .xlsx: ``sheetnames`` and ``rows(name)``. Close it (or use ``with``)."""

    def __init__(self, path: str) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (*ZIP_ERRORS, ValueError) as error:
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
        for name, attrs in start_tags(self.zip, workbook_part):
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
        """The names of the worksheets, in the workbook's order."""
        return list(self.sheets)

    def _office_document(self) -> str:
        if "_rels/.rels" in self.members:
            for name, attrs in start_tags(self.zip, "_rels/.rels"):
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
        for name, attrs in start_tags(self.zip, rels_part):
            if name == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                )
                targets[attrs.get("Id", "")] = path
        return targets

    def shared_strings(self) -> list[str]:
        """The texts the cells refer to by number, read once."""
        if self._shared is None:
            self._shared = self._read_shared_strings()
        return self._shared

    def _read_shared_strings(self) -> list[str]:
        part = self._shared_part
        if not part or part not in self.members:
            return []
        return read_shared_strings(self.zip, part)

    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """Indices of cell styles whose number format is a date (and a duration)."""
        if self._date_styles is None:
            self._date_styles = self._read_styles()
        return self._date_styles

    def _read_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        if not self._styles_part or self._styles_part not in self.members:
            return frozenset(), frozenset()
        return read_date_styles(self.zip, self._styles_part)

    def rows(self, sheet: str) -> Iterator[tuple[int, dict[int, Any]]]:
        """Non-empty rows of ``sheet`` in file order: ``(row number, {column: value})``, the
        columns ascending; only the cells written in the file are kept."""
        from_excel = from_excel_1904 if self.date1904 else from_excel_1900
        part = self.sheets[sheet]
        shared = self.shared_strings()
        dates, durations = self.date_styles()
        yield from read_rows(self.zip, part, shared, dates, durations, from_excel)
