"""Converting a cell to the typed value of its field (a date, a number, a whole number, an HS
code, chapters, a country or text); a value that cannot be converted is a problem of its cell."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from rexdecl.i18n import _
from rexdecl.input.countries import country_code
from rexdecl.input.fields import FieldSpec
from rexdecl.input.parsing import (
    CellValueError,
    clean_text,
    hs_from_number,
    parse_date,
    parse_number,
    refuse_direction_controls,
)
from rexdecl.input.problems import Problems
from rexdecl.input.rows import Cell


def field_value(spec: FieldSpec, raw: Cell, number_format: str | None, problems: Problems) -> Any:
    """The typed value of one cell for ``spec``; problems are collected, ``None`` returned."""
    value = raw.value
    if value is None:
        return None
    try:
        return converted(spec, value, number_format)
    except CellValueError as error:
        problems.cell(raw.location, error, spec.name)
        return None


def converted(spec: FieldSpec, value: Any, number_format: str | None) -> Any:
    """The typed value of a cell's value (not None) for ``spec``; CellValueError when it has none."""
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
        # A code or a name ("Jerman") becomes the alpha-2 code; anything else stays as
        # written, for the rules to report with the closest names (MISSING-FIELD).
        text = _checked_text(value)
        return country_code(text) or (text.upper() if len(text) == 2 else text)
    return _checked_text(value)


def cell_text(value: Any) -> str:
    """The text a cell's value stands for: a whole float without ``.0``, a date in ISO form, text cleaned."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return clean_text(str(value))


def _checked_text(value: Any) -> str:
    """The text of a field's value; direction controls inside it are refused (CellValueError)."""
    return refuse_direction_controls(cell_text(value))


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
