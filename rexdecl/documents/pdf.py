"""A document view as PDF/A-3b bytes (WeasyPrint), with the shipment data attached.

The same view and attachment give the same bytes, in any process: every date in the file is
the document date. Only the bundled assets and a logo the user named are read (through the
engine's confined fetcher); a character no bundled font has, a refused or unusable resource
stops the render with :class:`~rexdecl.errors.RenderError`. Nothing is written but the bytes
returned: no temporary file or folder, so a process that ends in any way -- an error,
Ctrl-C, a killed batch worker -- leaves nothing behind and needs no clean-up call.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rexdecl.documents.chunks import Part, footer_left, join, page_css, parts
from rexdecl.documents.cost import breakable
from rexdecl.documents.engine import OUTPUT_INTENT, engine, gc_paused
from rexdecl.documents.fonts import check_coverage
from rexdecl.documents.html import document_title, render_html
from rexdecl.documents.stack import with_stack_room
from rexdecl.documents.views import DocumentView
from rexdecl.errors import RenderError

__all__ = ["ATTACHMENT_DESCRIPTION", "ATTACHMENT_RELATIONSHIP", "PDF_VARIANT", "Renderer"]

logger = logging.getLogger("rexdecl")

PDF_VARIANT = "pdf/a-3b"
# ISO 32000-2, 7.11.3: "Data" = information used to derive the visual presentation.
ATTACHMENT_RELATIONSHIP = "Data"
ATTACHMENT_DESCRIPTION = "Shipment data (JSON) this document was produced from"


class Renderer:
    """Renders documents to HTML and PDF; build one per process and reuse it.

    Raises :class:`RenderingUnavailable` when WeasyPrint's system libraries are missing.
    The first one built in a process loads WeasyPrint and freezes what then lives for the
    garbage collector (``gc.freeze``); :meth:`pdf` pauses the collector while it renders.
    """

    def __init__(self) -> None:
        self._engine = engine()

    def html(self, view: DocumentView, logo_path: Path | None = None) -> str:
        """The HTML of one document, with the logo (when given) as a ``file:`` URL."""
        view, _ = _with_logo(view, logo_path)
        return render_html(view)

    def pdf(
        self,
        view: DocumentView,
        attachment_json: bytes | None = None,
        attachment_name: str = "shipment.json",
        logo_path: Path | None = None,
    ) -> bytes:
        """One document as PDF/A-3b bytes, with ``attachment_json`` embedded (when given).

        The same view and attachment give the same bytes, in any process: every date in
        the file is the document date (``view.date_iso``).
        """
        engine = self._engine
        when = _document_date(view)
        check_coverage(view, engine.coverage)
        view, allowed = _with_logo(view, logo_path)
        printed = breakable(view)
        fetcher = engine.fetcher_class(allowed)
        weasyprint = engine.weasyprint
        what = f"{document_title(view.kind).lower() or view.kind} {view.invoice_number}"
        attachments = []
        if attachment_json is not None:
            attachments.append(
                weasyprint.Attachment(
                    string=attachment_json,
                    name=attachment_name,
                    description=ATTACHMENT_DESCRIPTION,
                    created=when,
                    modified=when,
                    relationship=ATTACHMENT_RELATIONSHIP,
                    url_fetcher=fetcher,
                )
            )
        pieces = parts(printed)

        def laid_out(part: Part, extra: str | None) -> Any:
            stylesheets = [engine.stylesheet]
            if extra is not None:
                stylesheets.append(
                    weasyprint.CSS(string=extra, font_config=engine.font_config, color_profiles=engine.color_profiles)
                )
            source = render_html(part.view, first=part.first, last=part.last)
            return engine.document_html(string=source, base_url=engine.base_url, url_fetcher=fetcher).render(
                font_config=engine.font_config,
                color_profiles=engine.color_profiles,
                stylesheets=stylesheets,
                pdf_variant=PDF_VARIANT,
                output_intent=OUTPUT_INTENT,
            )

        def written(document: Any, attached: list[Any]) -> bytes:
            data: bytes = document.write_pdf(
                finisher=_unique_associated_files,
                pdf_variant=PDF_VARIANT,
                output_intent=OUTPUT_INTENT,
                attachments=attached,
            )
            return data

        def render() -> tuple[bytes, int]:
            if len(pieces) == 1:
                document = laid_out(pieces[0], None)
                # The document is dropped on return, while the collector is paused: its first
                # collection afterwards frees the document's reference cycles in one pass.
                return written(document, attachments), len(document.pages)
            # In parts (rexdecl.documents.chunks): count each part's pages, then render each
            # with its page numbers. Each part is freed (collected) before the next is laid out.
            counts = []
            for part in pieces:
                counts.append(len(laid_out(part, page_css(1, 1, None)).pages))
                gc.collect()
            total = sum(counts)
            left = footer_left(document_title(view.kind), printed.invoice_number, printed.invoice_date)
            documents = []
            first_page = 1
            for index, (part, count) in enumerate(zip(pieces, counts, strict=True)):
                css = page_css(first_page, total, None if part.first else left)
                document = laid_out(part, css)
                if len(document.pages) != count:
                    raise RenderError(
                        f"{what}: part {index + 1} took {count} pages when counted, {len(document.pages)} when numbered"
                    )
                documents.append(written(document, attachments if part.first else []))
                del document
                gc.collect()
                first_page += count
            return join(documents), total

        with _source_date_epoch(when), engine.guard(what), gc_paused():
            data, pages = with_stack_room(render)
        logger.debug("rendered %s: %d pages, %d bytes", what, pages, len(data))
        return data


def _document_date(view: DocumentView) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(view.date_iso)
    except ValueError:
        raise RenderError(f"invalid document date {view.date_iso!r} (expected YYYY-MM-DD)") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _with_logo(view: DocumentView, logo_path: Path | None) -> tuple[DocumentView, frozenset[Path]]:
    """Point the view's logo at ``logo_path`` and allow that one file to be read."""
    if logo_path is None:
        return view, frozenset()
    try:
        real = Path(logo_path).resolve(strict=True)
    except OSError as error:
        raise RenderError(f"logo {logo_path}: {error.strerror or error}") from None
    if not real.is_file():
        raise RenderError(f"logo {logo_path}: not a file")
    return dataclasses.replace(view, logo_url=real.as_uri()), frozenset({real})


@contextlib.contextmanager
def _source_date_epoch(when: dt.datetime) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH to the document date for the render, unless already set."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _unique_associated_files(document: Any, pdf: Any) -> None:
    """List each embedded file once in the catalog's /AF (WeasyPrint 70 lists it twice)."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)
