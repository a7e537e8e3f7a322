"""Lint's refusals of unusable input: the file, the part and the limit reached, worded."""

from __future__ import annotations

from rexdecl.errors import Problem, UnreadableInput
from rexdecl.i18n import _
from rexdecl.model import Location


def unreadable(source: str, message: str, part: str | None = None, hint: str | None = None) -> UnreadableInput:
    """Unusable input (exit 2): ``message`` about ``source`` (and its ``part``), with a hint."""
    return UnreadableInput([Problem(Location(source, part=part), message)], hint=hint)


def over_limit(source: str, part: str | None, found: str) -> UnreadableInput:
    """A refusal by one of lint's limits (``found`` names the limit), and what to do."""
    return unreadable(
        source,
        _("{found}; expected the documents of one shipment").format(found=found),
        part,
        hint=_("lint only the pages that hold the statement on origin (print them to a new PDF), or a text copy"),
    )


def megabytes(size: int) -> str:
    """``size`` bytes in MB, as the messages print it ("50 MB", "1.5 MB")."""
    return _("{size} MB").format(size=f"{size / (1024 * 1024):.1f}".removesuffix(".0"))
