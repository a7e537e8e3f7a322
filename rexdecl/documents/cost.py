"""What printing a shipment may cost: the bounds checked before anything is rendered
(:func:`check_printable`), and long unbroken texts made breakable so that laying them out
takes time in proportion to their length (:func:`breakable`)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

from rexdecl import limits
from rexdecl.documents.views import UNPRINTED_FIELDS
from rexdecl.errors import UsageError
from rexdecl.i18n import _, format_count
from rexdecl.model import Location

if TYPE_CHECKING:
    from rexdecl.rules.facts import ShipmentFacts

__all__ = ["breakable", "check_printable"]


def check_printable(ctx: ShipmentFacts, line_table: bool = True) -> None:
    """Refuse (UsageError, exit 2) a shipment whose documents would cost too much to print.

    Checked before anything is rendered, by every command that prints: generate and batch
    (:func:`rexdecl.pipeline.render_documents`) and stamp (``line_table=False``: its block
    prints no marks, units or kinds of package). Rendering takes memory in proportion to the
    lines and to their text (limits.MAX_DOCUMENT_LINES, MAX_DOCUMENT_CHARACTERS), and WeasyPrint lays a long text in a narrow column
    out again for each of its lines, so the time grows with the square of its length: one
    2,000-character unit took 4 to 10 s. (The exporter's name and address from a registration
    file are held to a cell's length when the registration is read.)
    """
    shipment = ctx.input
    lines = len(shipment.items)
    if lines > limits.MAX_DOCUMENT_LINES:
        first = shipment.items[0].row
        raise UsageError(
            _(
                "{place}: the shipment has {lines} lines; documents are printed for at most {limit} "
                "lines (a bigger document takes minutes to render and more than lint reads); split the shipment into "
                "several invoices"
            ).format(
                place=Location(first.file or shipment.path, first.sheet),
                lines=format_count(lines),
                limit=format_count(limits.MAX_DOCUMENT_LINES),
            )
        )
    columns = ("description", "marks", "package_type", "unit") if line_table else ("description",)
    characters = sum(len(getattr(item, column) or "") for item in shipment.items for column in columns)
    if characters > limits.MAX_DOCUMENT_CHARACTERS:
        first = shipment.items[0].row
        raise UsageError(
            _(
                "{place}: the lines hold {characters} characters of text; documents are printed for "
                "at most {limit} (a bigger document takes minutes to render and more than lint reads); split the "
                "shipment into several invoices"
            ).format(
                place=Location(first.file or shipment.path, first.sheet),
                characters=format_count(characters),
                limit=format_count(limits.MAX_DOCUMENT_CHARACTERS),
            )
        )
    if line_table:
        # The fields of the line table's narrow columns: each cell, and what all of them hold
        # beyond the first NARROW_FREE characters of each (the time to lay a text out in a
        # narrow column grows with the square of its length).
        narrow = ("marks", "package_type", "unit")
        excess = 0
        for item in shipment.items:
            for column in narrow:
                text = getattr(item, column) or ""
                if len(text) > limits.MAX_PRINTED_NARROW:
                    raise UsageError(
                        _(
                            "{place}: {column} is {length} characters long; the documents print at "
                            "most {limit} characters in its narrow column; expected at most {limit} "
                            "characters"
                        ).format(
                            place=item.where(column),
                            column=column,
                            length=format_count(len(text)),
                            limit=limits.MAX_PRINTED_NARROW,
                        )
                    )
                excess += max(0, len(text) - limits.NARROW_FREE)
        if excess > limits.MAX_NARROW_EXCESS:
            first = shipment.items[0].row
            raise UsageError(
                _(
                    "{place}: marks, package_type and unit hold {excess} characters beyond the first "
                    "{free} of each cell; the documents print at most {limit} such characters in "
                    "their narrow columns (a long text there takes long to lay out); shorten them"
                ).format(
                    place=Location(first.file or shipment.path, first.sheet),
                    excess=format_count(excess),
                    free=limits.NARROW_FREE,
                    limit=format_count(limits.MAX_NARROW_EXCESS),
                )
            )


# Runs of more than _LONG_RUN characters without a break opportunity get a zero-width space
# (U+200B, which prints nothing) every _RUN characters. WeasyPrint lays out a word wider than
# its column again for each line it fills (overflow-wrap: break-word) unless the next line has
# a break opportunity near its start, so the time grew with the square of the word's length:
# 2.8 s for one 2,000-character cell of shipping marks.
_RUN = 8
_LONG_RUN = re.compile(r"[^\s\u200b]{41,}")
_ZWSP = "\u200b"


def breakable(value: Any, name: str = "") -> Any:
    """The view with every printed string's runs longer than _RUN characters made breakable."""
    if isinstance(value, str):
        if name in UNPRINTED_FIELDS or not _LONG_RUN.search(value):
            return value
        return _LONG_RUN.sub(
            lambda m: _ZWSP.join(m.group()[i : i + _RUN] for i in range(0, len(m.group()), _RUN)), value
        )
    if isinstance(value, tuple):
        return tuple(breakable(item, name) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: breakable(getattr(value, field.name), field.name)
            for field in dataclasses.fields(value)
            if field.name not in UNPRINTED_FIELDS
        }
        return dataclasses.replace(value, **changes)
    return value
