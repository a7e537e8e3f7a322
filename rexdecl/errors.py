"""One exception family: each carries its exit status and a hint for the user.

Exit statuses (documented in the README, keyed on by scripts):
0 documents written / no error, 1 errors found in the shipment, 2 unusable input or usage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rexdecl.model import Location

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


@dataclass(frozen=True)
class Problem:
    """One reason an input cannot be used, with the place it was found."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class RexdeclError(Exception):
    """Base of every error rexdecl reports to the user; never shown as a traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UnreadableInput(RexdeclError):
    """The workbook or registration cannot be read: every problem is listed."""

    def __init__(self, problems: Sequence[Problem], hint: str | None = None) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems), hint)


class UsageError(RexdeclError):
    """A bad option, a path that cannot be used, an output that would be overwritten."""


class OutputError(RexdeclError):
    """An output could not be written (folder is a file, not writable, disk full)."""


class RenderingUnavailable(RexdeclError):
    """WeasyPrint's system libraries (Pango, HarfBuzz) are missing on this machine."""


class RenderError(RexdeclError):
    """The document could not be rendered completely (e.g. a resource was refused)."""
