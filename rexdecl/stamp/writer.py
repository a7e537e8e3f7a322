"""The statement block drawn on the exporter's PDF, and the result's bytes.

The block, rendered with WeasyPrint (:mod:`rexdecl.stamp.block`), is drawn as a Form XObject:

- in the free space at the bottom of the last page when the block fits there: below the
  lowest text, graphics, image or annotation of the page (above a thin page footer when the
  space between footer and body is free), with margins (:mod:`rexdecl.stamp.geometry`);
- otherwise on added pages headed with the invoice number and date, of the document's usual
  size (the last page's, unless that one is tiny, narrow, rotated or scaled: then the size
  most pages have, else A4).

The original content is never changed or covered: its content streams are kept as they
are (wrapped in ``q``/``Q`` so its graphics state cannot leak into the block) and the block
goes only into space where nothing is painted. A PDF/A input stays PDF/A of the same part
and level (:mod:`rexdecl.stamp.pdfa`); attachments (an e-invoice's XML) are kept. The same
inputs give the same bytes: the file identifier is derived from the inputs and no clock date
is written.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal

from rexdecl import __version__
from rexdecl.checked import Checked
from rexdecl.stamp.block import Rendered, StampView, build_stamp_view, render_block, render_block_html
from rexdecl.stamp.document import OpenedPdf
from rexdecl.stamp.geometry import free_space, painted_boxes
from rexdecl.stamp.pages import (
    MM,
    Box,
    inherited,
    page_content,
    rotation,
    user_unit,
    usual_page,
    usual_size,
    visible_box,
    visual_size,
)
from rexdecl.stamp.pdfa import ensure_output_intent, greyed, is_tagged, tag_block

logger = logging.getLogger("rexdecl")

XOBJECT_NAME = "/RexdeclStatement"
PDF_HEADER = "%PDF-1.7"  # what WeasyPrint writes
ADDED_PAGE_MARGIN = 18 * MM


def _add_stream(writer: Any, data: bytes) -> Any:
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream.flate_encode() if len(data) > 64 else stream)


def _form(writer: Any, overlay_page: Any, bbox: Box) -> tuple[Any, bytes]:
    """The overlay page as a Form XObject in ``writer`` (resources cloned, colours in grey:
    see :mod:`rexdecl.stamp.pdfa`); and its content."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    content = greyed(page_content(overlay_page))
    form = DecodedStreamObject()
    form.set_data(content)
    resources = overlay_page.get("/Resources")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(round(v, 3)) for v in bbox),
            NameObject("/Resources"): resources.get_object().clone(writer)
            if resources is not None
            else DictionaryObject(),
        }
    )
    return writer._add_object(form.flate_encode()), content


def _draw(writer: Any, page: Any, form: Any, translate: tuple[float, float], wrap: bool, language: str) -> None:
    """Append ``form`` to ``page``: the original streams kept, wrapped in q/Q; in a tagged
    document, the drawing is marked content of a new structure element."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    resources = inherited(page, "/Resources")
    resources = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    name, counter = XOBJECT_NAME, 1
    while NameObject(name) in xobjects:
        counter += 1
        name = f"{XOBJECT_NAME}{counter}"
    xobjects[NameObject(name)] = form
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources

    raw = page.raw_get("/Contents") if "/Contents" in page else None
    original: list[Any] = []
    if raw is not None:
        target = raw.get_object()
        if isinstance(target, list):
            original = list(target)
        elif isinstance(raw, IndirectObject):
            original = [raw]
    tx, ty = translate
    draw = f"\nq 1 0 0 1 {tx:.3f} {ty:.3f} cm {name} Do Q\n".encode("ascii")
    if is_tagged(writer):
        begin, end = tag_block(writer, page, page_content(page), language)
        draw = b"\n" + begin + draw + end + b"\n"
    streams = []
    if wrap and original:
        streams = [_add_stream(writer, b"q\n"), *original]
        draw = b"\nQ" + draw
    page[NameObject("/Contents")] = ArrayObject([*streams, _add_stream(writer, draw)])


def _file_id(writer: Any, reader: Any, data: bytes, parts: list[bytes]) -> None:
    """A deterministic /ID: the original's permanent identifier (else a hash of the file)
    and a hash of the inputs as the identifier of this version."""
    from pypdf.generic import ArrayObject, ByteStringObject

    digest = hashlib.sha256(data)
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    digest.update(__version__.encode())
    first = None
    try:
        original = reader.trailer.get("/ID")
        if original is not None and len(original) == 2:
            first = bytes(original[0].original_bytes if hasattr(original[0], "original_bytes") else original[0])
    except (TypeError, ValueError, AttributeError, UnicodeError):
        first = None
    first = (first or hashlib.sha256(data).digest())[:32]
    writer._ID = ArrayObject([ByteStringObject(first), ByteStringObject(digest.digest()[:16])])


def pdf_bytes(writer: Any) -> bytes:
    """The PDF ``writer`` holds, as bytes."""
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def _overlay_reader(data: bytes) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


@dataclass(frozen=True)
class Stamped:
    """The stamped document's bytes, where the block went, and the block's view."""

    pdf: bytes
    placement: Literal["last-page", "added-page"]
    page: int
    pages_after: int
    view: StampView


def add_statement(opened: OpenedPdf, checked: Checked, pdfa: Any) -> Stamped:
    """The document with the statement block added (see the module); not yet checked."""
    from pypdf import PdfWriter

    reader, data = opened.reader, opened.data
    pages_before = len(reader.pages)
    last = reader.pages[-1]
    view = build_stamp_view(checked, pages_before)
    language = view.statement.language
    pdf_version = "1.4" if pdfa is not None and pdfa.part == 1 else None  # PDF/A-1 fonts need a /CIDSet

    placed: tuple[Rendered, float, float] | None = None
    page_box = visible_box(last)
    size = visual_size(last)
    if page_box is not None and usual_page(size) and rotation(last) == 0 and user_unit(last) == 1:
        width, height = page_box[2] - page_box[0], page_box[3] - page_box[1]
        space = free_space(painted_boxes(reader, last), page_box)
        side = space.side
        rendered = render_block(render_block_html(view), (width, height), (0, side, 0, side), False, pdf_version)
        for top, bottom in space.bands:
            if rendered.pages == 1 and top - rendered.height >= bottom:
                placed = rendered, top, side
                break
        logger.debug(
            "block %.1f pt high; free bands %s: %s",
            rendered.height,
            space.bands,
            "fits" if placed else "added page",
        )

    writer = PdfWriter(clone_from=reader)
    if re.fullmatch(r"%PDF-[12]\.\d", reader.pdf_header or ""):
        writer.pdf_header = reader.pdf_header
    if (pdfa is None or pdfa.part >= 2) and writer.pdf_header < PDF_HEADER:
        writer.pdf_header = PDF_HEADER  # the block may use features of later versions (PDF/A-1: 1.4 kept)
    if pdfa is not None:
        ensure_output_intent(writer, pdfa)
    hashed: list[bytes] = []
    if placed is not None and page_box is not None:
        rendered, top, side = placed
        height = page_box[3] - page_box[1]
        overlay = _overlay_reader(rendered.pdf).pages[0]
        # The block lies from rendered.top to rendered.top + height below the overlay's top.
        block_top = height - rendered.top
        bbox = (0.0, block_top - rendered.height - 1.0, page_box[2] - page_box[0], block_top + 1.0)
        form, content = _form(writer, overlay, bbox)
        translate = (page_box[0], top - block_top)
        _draw(writer, writer.pages[-1], form, translate, True, language)
        hashed += [content, repr(translate).encode()]
        placement: Literal["last-page", "added-page"] = "last-page"
        page_number = pages_before
    else:
        added = usual_size(reader)
        view = build_stamp_view(checked, pages_before, continuation=True)
        margins = (ADDED_PAGE_MARGIN,) * 4
        rendered = render_block(render_block_html(view), added, margins, True, pdf_version)
        for overlay in _overlay_reader(rendered.pdf).pages:
            page = writer.add_blank_page(*added)
            form, content = _form(writer, overlay, (0.0, 0.0, *added))
            _draw(writer, page, form, (0.0, 0.0), False, language)
            hashed.append(content)
        placement = "added-page"
        page_number = pages_before + 1
    _file_id(writer, reader, data, hashed)
    return Stamped(pdf_bytes(writer), placement, page_number, len(writer.pages), view)
