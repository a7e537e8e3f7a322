"""Opening a workbook file for reading: what is not a usable .xlsx (a folder, a pipe, an
oversized or old-format file, a zip that unpacks too large, a damaged package) is refused with
one problem located at the file, before any sheet is read."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from rexdecl import limits
from rexdecl.errors import Problem, UnreadableInput
from rexdecl.i18n import _
from rexdecl.input.xlsx import PackageError, XlsxPackage
from rexdecl.model import Location
from rexdecl.paths import display_path, file_kind

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
            _("this is {kind}, not a file; expected an .xlsx workbook").format(kind=file_kind(info.st_mode)),
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
