"""The value of a cell from its type, style and saved text: text with Excel's escapes
decoded, numbers, dates (by the cell's number format), booleans, error values, and formulas
saved without a value."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rexdecl import limits
from rexdecl.i18n import _, format_count
from rexdecl.input.xlsx.xmlparts import PackageError

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


def text_too_long(part: str, what: str) -> PackageError:
    """The error of a text in ``part`` longer than a cell of Excel holds."""
    return PackageError(
        _("{part}: {what} is longer than {limit} characters, the most a cell of Excel holds").format(
            part=part, what=what, limit=format_count(limits.MAX_CELL_CHARACTERS)
        )
    )


def cell_value(
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
                ).format(cell=where(), index=repr(index[:20]), count=format_count(len(shared)))
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
        style = style_index(attrs, where)
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


def style_index(attrs: dict[str, str], where: Callable[[], str]) -> int:
    """The cell's style index (attribute ``s``, 0 when absent); one that is not a number is refused."""
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
                cell=where(), limit=format_count(limits.MAX_CELL_CHARACTERS)
            )
        )
    return text
