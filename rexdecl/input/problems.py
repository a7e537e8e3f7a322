"""Collecting the unusable cells of a workbook, so that the user sees them all at once."""

from __future__ import annotations

from rexdecl.errors import Problem
from rexdecl.i18n import _
from rexdecl.input.parsing import CellValueError
from rexdecl.model import Location


class Problems:
    """Collects every unusable cell so the user sees them all at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, location: Location, message: str) -> None:
        self.items.append(Problem(location, message))

    def cell(self, location: Location, error: CellValueError, field: str) -> None:
        self.add(
            location,
            _("{field}: found {found}; expected {expected}").format(
                field=field, found=error.found, expected=error.expected
            ),
        )
