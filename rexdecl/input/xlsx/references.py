"""Cell references of Excel's A1 style: column letters and numbers, within Excel's sheet."""

from __future__ import annotations

import re
from functools import cache

from rexdecl import limits
from rexdecl.i18n import _, format_count
from rexdecl.input.xlsx.xmlparts import PackageError

_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")


@cache
def column_index(letters: str) -> int:
    """``A`` -> 1, ``AB`` -> 28."""
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - 64)
    return number


@cache
def column_letters(index: int) -> str:
    """``1`` -> ``A``, ``28`` -> ``AB``."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def split_ref(ref: str) -> tuple[int, int]:
    """``"AB12"`` -> ``(12, 28)``; a reference that is not one, or outside Excel's sheet, is refused."""
    match = _REF.fullmatch(ref)
    if match is None:  # "1A", "A-1", "A1.5", "A²": int() would raise ValueError
        raise PackageError(_("cell reference {ref}").format(ref=repr(ref[:20])))
    row, column = int(match[2]), column_index(match[1])
    if not (1 <= row <= limits.EXCEL_MAX_ROWS and column <= limits.EXCEL_MAX_COLUMNS):
        raise PackageError(
            _("cell reference {ref}, outside the sheet (Excel has columns A to XFD and rows 1 to {rows})").format(
                ref=ref, rows=format_count(limits.EXCEL_MAX_ROWS)
            )
        )
    return row, column


class ColumnNumbers(dict[str, int]):
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


COLUMN_NUMBERS = ColumnNumbers()
