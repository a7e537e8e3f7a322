"""Number formats and dates: which cell styles show a date (or a duration), and the dates
of Excel's serial numbers in the 1900 and 1904 systems."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from rexdecl.input.xlsx.xmlparts import start_tags

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
    """Whether a number format shows a duration (``[h]:mm``), not a time of day."""
    return bool(_DURATION_TOKEN.search(code.split(";", 1)[0]))


def from_excel_1900(serial: float) -> dt.datetime:
    """An Excel serial date of the 1900 system (which counts a 29 February 1900 that never was)."""
    if serial < 0:
        raise ValueError(serial)
    if serial < 60:
        serial += 1  # before the phantom 29 Feb 1900
    return _EXCEL_1900 + dt.timedelta(days=serial)


def from_excel_1904(serial: float) -> dt.datetime:
    """An Excel serial date of the 1904 system (a workbook saved with ``date1904``)."""
    if serial < 0:
        raise ValueError(serial)
    return _EXCEL_1904 + dt.timedelta(days=serial)


def read_date_styles(package: zipfile.ZipFile, part: str) -> tuple[frozenset[int], frozenset[int]]:
    """Indices of the cell styles of the styles ``part`` whose number format is a date (and a
    duration)."""
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    in_cell_xfs = False
    elements = start_tags(package, part)
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
