"""The exit statuses of rexdecl, and one exception family: each error carries its exit status
and a hint for the user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from rexdecl.model import Location


class ExitStatus(IntEnum):
    """The exit statuses of every command (documented in the README, keyed on by scripts)."""

    OK = 0  # documents written / no error
    FINDINGS = 1  # errors found in a shipment or a document
    USAGE = 2  # unusable input or usage
    INTERNAL = 3  # a bug in rexdecl
    INTERRUPTED = 130  # stopped by the user (Ctrl-C)


@dataclass(frozen=True)
class Problem:
    """One reason an input cannot be used, with the place it was found."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class RexdeclError(Exception):
    """Base of every error rexdecl reports to the user; never shown as a traceback."""

    exit_code: ExitStatus = ExitStatus.USAGE
    kind = "usage"  # what scripts key on in the JSON error object (to_dict)

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    @property
    def problems_found(self) -> tuple[Problem, ...]:
        """The places and reasons of the error, when it has several (unreadable input)."""
        return ()

    def to_dict(self) -> dict[str, object]:
        """The error as a value for ``--format json``: its exit status, kind, message (in the
        interface language), each problem with its place, and the hint."""
        return {
            "exit_code": int(self.exit_code),
            "kind": self.kind,
            "message": self.message,
            "problems": [{**problem.location.to_dict(), "message": problem.message} for problem in self.problems_found],
            "hint": self.hint,
        }


class UnreadableInput(RexdeclError):
    """The workbook or registration cannot be read: every problem is listed."""

    kind = "unreadable-input"

    def __init__(self, problems: Sequence[Problem], hint: str | None = None) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems), hint)

    @property
    def problems_found(self) -> tuple[Problem, ...]:
        return self.problems

    def to_dict(self) -> dict[str, object]:
        from rexdecl.i18n import _

        # The problems carry the places and reasons; the message says what they are.
        return {**super().to_dict(), "message": _("the input cannot be used")}


class UsageError(RexdeclError):
    """A bad option, a path that cannot be used, an output that would be overwritten."""


class OutputError(RexdeclError):
    """An output could not be written (folder is a file, not writable, disk full)."""

    kind = "output"


class RenderingUnavailable(RexdeclError):
    """WeasyPrint's system libraries (Pango, HarfBuzz) are missing on this machine."""

    kind = "rendering-unavailable"


class RenderError(RexdeclError):
    """The document could not be rendered completely (e.g. a resource was refused)."""

    kind = "render"
