"""The statement block ``rexdecl stamp`` adds: its view (every value a printable string, the
statutory text filled), its HTML (``stamp.html.j2``) and its rendering as PDF with the
project's stylesheets (``style.css``, ``stamp.css`` and, on added pages,
``stamp-continuation.css``), measured so that it can be placed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rexdecl.checked import Checked
from rexdecl.documents.views import StatementView
from rexdecl.i18n import _
from rexdecl.stamp import renderer

TEMPLATE = "stamp.html.j2"
STYLESHEET = "stamp.css"
CONTINUATION_STYLESHEET = "stamp-continuation.css"
PX = 0.75  # one CSS pixel in PDF points


@dataclass(frozen=True)
class StampRow:
    """A line of the shipment in the block's item table."""

    number: str
    description: str
    criterion: str
    excluded: bool


@dataclass(frozen=True)
class StampView:
    """What ``stamp.html.j2`` prints: every value a string, the statutory text filled."""

    invoice_number: str
    invoice_date: str
    exporter: str
    statement: StatementView
    rows: tuple[StampRow, ...]
    rows_note: str
    continuation: str  # heading note of an added page; "" for the block on the last page


def build_stamp_view(checked: Checked, pages_before: int = 0, continuation: bool = False) -> StampView:
    """The statement block of a checked shipment (no error), as ``stamp.html.j2`` prints it."""
    from rexdecl.documents.viewmodel import build_views

    ctx = checked.facts
    invoice, _packing = build_views(ctx, with_statement=True)
    statement = invoice.statement
    assert statement is not None, "stamp needs a shipment with a statement on origin"
    criteria = {line.criterion for line in invoice.lines if not line.excluded}
    rows: tuple[StampRow, ...] = ()
    if len(criteria) > 1 or any(line.excluded for line in invoice.lines):
        # The document's own line numbers may differ from the workbook's: the statement's
        # item numbers are tied to the descriptions here.
        rows = tuple(StampRow(line.number, line.description, line.criterion, line.excluded) for line in invoice.lines)
    note = ""
    if continuation:
        note = _("Continuation sheet of this {pages}-page document: its statement on origin.").format(
            pages=pages_before
        )
    return StampView(
        invoice_number=invoice.invoice_number,
        invoice_date=invoice.invoice_date,
        exporter=ctx.exporter_name or "",
        statement=statement,
        rows=rows,
        rows_note=(
            "Items referred to in the statement on origin (item numbers of the statement, "
            "with the description of the goods):"
        )
        if rows
        else "",
        continuation=note,
    )


def render_block_html(view: StampView) -> str:
    """The HTML of the block (no stylesheet: applied at rendering). Needs no WeasyPrint."""
    return renderer.render_html(TEMPLATE, stamp=view)


@dataclass(frozen=True)
class Rendered:
    """The block rendered as PDF, and where it lies on the first page."""

    pdf: bytes
    pages: int
    height: float  # of the block on the first page, in points (from #stamp-top to #stamp-end)
    top: float  # distance of the block's top from the top of the page, in points


@functools.cache
def _stylesheet(name: str) -> str:
    return renderer.template_text(name)


def render_block(
    html: str,
    size: tuple[float, float],
    margins: tuple[float, float, float, float],
    continuation: bool,
    pdf_version: str | None = None,
) -> Rendered:
    """Render the block on pages of ``size`` with ``margins`` (``continuation``: the running
    heads of added pages); as PDF ``pdf_version`` when given (1.4: fonts with a /CIDSet, for
    PDF/A-1)."""
    width, height = size
    top, right, bottom, left = margins
    css = _stylesheet(STYLESHEET) + (
        f"@page {{ size: {width:.3f}pt {height:.3f}pt; "
        f"margin: {top:.3f}pt {right:.3f}pt {bottom:.3f}pt {left:.3f}pt; }}"
    )
    if continuation:
        css += _stylesheet(CONTINUATION_STYLESHEET)
    rendered = renderer.render_pdf(html, css, "the statement block", pdf_version)
    start = rendered.anchors.get("stamp-top", (0, 0))[1] * PX
    end = rendered.anchors.get("stamp-end", (0, height / PX))[1] * PX
    return Rendered(rendered.data, rendered.pages, end - start, start)
