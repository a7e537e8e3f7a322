"""A big document rendered in parts, each laid out and written on its own, joined into one PDF.

WeasyPrint keeps every page's boxes and styles until the PDF is written: about 140 KB a line,
747 MB of peak resident memory for a 5,000-line ``generate``. A document of more than
CHUNK_LINES lines is therefore printed in parts of CHUNK_LINES lines (the first with the
heading, parties and particulars, the last with the closing), each starting on a new page and
repeating the table's heading. The page footers read "Page k of n" across the whole document:
a first pass lays every part out only to count its pages, the second renders each one with
its first page number and the total (:func:`page_css`); the parts' PDFs are then joined
(:func:`join`) with the PDF/A parts of the first -- its catalog (XMP metadata, output intent,
the attached shipment data, language) and document information. A document of at most
CHUNK_LINES lines is one part and is rendered exactly as before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from typing import Any

from rexdecl.documents.views import DocumentView

__all__ = ["CHUNK_LINES", "Part", "footer_left", "join", "page_css", "parts"]

# Lines of one part: a part takes about 60 MB to lay out (measured 212 MB of peak resident
# memory for a whole 1,000-line generate in one part). Small enough that a 1,000-line
# document is already in parts, so that the time per line is the same at 1,000 and 5,000
# lines; far above the documents of an ordinary shipment (the examples have up to 60 lines).
CHUNK_LINES = 400


@dataclasses.dataclass(frozen=True)
class Part:
    """One part of a document: the view with this part's lines, and its place."""

    view: DocumentView
    first: bool
    last: bool


def parts(view: DocumentView) -> list[Part]:
    """The parts ``view`` is printed in: one (the whole view) up to CHUNK_LINES lines."""
    lines = view.lines
    if len(lines) <= CHUNK_LINES:
        return [Part(view, True, True)]
    starts = range(0, len(lines), CHUNK_LINES)
    return [
        Part(dataclasses.replace(view, lines=lines[start : start + CHUNK_LINES]), start == 0, start == starts[-1])
        for start in starts
    ]


def page_css(first_page: int, total: int, footer_left: str | None) -> str:
    """The stylesheet of a part whose first page is page ``first_page`` of ``total``.

    WeasyPrint adds one to the page counter at each page unless the page resets it (then it
    holds the number reset to). ``footer_left``: the footer's left text, for the parts after the first,
    which lack the heading whose strings (string-set) the footer prints.
    """
    css = [
        f"@page :first {{ counter-reset: page {first_page}; }}",
        f'@page document {{ @bottom-right {{ content: "Page " counter(page) " of {total}"; }}',
    ]
    if footer_left is not None:
        css.append(f"  @bottom-left {{ content: {css_string(footer_left)}; }}")
    css.append("}")
    return "\n".join(css)


def footer_left(title: str, invoice_number: str, invoice_date: str) -> str:
    """The footer's left text as the heading's strings compose it in style.css (``string-set``
    of .doctitle, .docno and .docdate), for the parts that have no heading."""
    return f"{title}  \u2022  Invoice No. {invoice_number}  \u2022  {invoice_date}"


def css_string(text: str) -> str:
    """``text`` as a CSS string: every character but letters, digits and a few plain ones as a
    six-digit escape (which needs no terminating space)."""
    plain = "".join(c if (c.isascii() and c.isalnum()) or c in " .,-/:" else f"\\{ord(c):06x}" for c in text)
    return f'"{plain}"'


def join(documents: list[bytes]) -> bytes:
    """The parts' PDFs (PDF/A-3b, from WeasyPrint) as one: the first one's catalog and
    document information, every page with its own resources, and a file identifier made
    from all parts (the same parts give the same bytes)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    first = PdfReader(io.BytesIO(documents[0]))
    # The bookmarks, made again (pypdf adds only to an outline it made itself), so left out of
    # the copy: the first part's, then the later parts' (the closing's headings) under the
    # first one (the document's title), as in a document of one part.
    bookmarks = first.outline
    first.root_object.pop("/Outlines", None)
    writer = PdfWriter(clone_from=first)
    top = _copy_outline(first, bookmarks, writer, None, 0)
    for index, data in enumerate(documents[1:], start=2):
        reader = PdfReader(io.BytesIO(data))
        offset = len(writer.pages)
        renamed: set[int] = set()
        for page in reader.pages:
            _retag_fonts(page, index, renamed)
            writer.add_page(page)
        _copy_outline(reader, reader.outline, writer, top, offset)
    digest = hashlib.md5(b"".join(documents), usedforsecurity=False).digest()
    # ISO 32000-1, 14.4: both identifiers are the same in a file written once.
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _copy_outline(reader: Any, items: list[Any], writer: Any, parent: Any, offset: int) -> Any:
    """Add the bookmarks ``items`` of ``reader`` (pypdf's nested list) under ``parent``, their
    pages ``offset`` further; the first one added (None if none)."""
    first = added = None
    for item in items:
        if isinstance(item, list):
            _copy_outline(reader, item, writer, added, offset)
            continue
        page = reader.get_destination_page_number(item)
        added = writer.add_outline_item(title=item.title, page_number=offset + page, parent=parent)
        first = first or added
    return first


def _retag_fonts(page: Any, part: int, done: set[int]) -> None:
    """Give the font subsets of a page of part ``part`` their own tags.

    WeasyPrint names a subset after its font ("ABCDEF+Liberation-Sans"), whatever glyphs it
    holds, so each part has subsets of the same names; ISO 32000-1 (9.6.4) wants different
    subsets in one file to have different tags.
    """
    from pypdf.generic import NameObject

    fonts = page.get("/Resources", {}).get("/Font") or {}
    for reference in fonts.values():
        font = reference.get_object()
        if id(font) in done:
            continue
        done.add(id(font))
        dictionaries = [font]
        for descendant in font.get("/DescendantFonts") or []:
            dictionaries.append(descendant.get_object())
        for dictionary in list(dictionaries):
            descriptor = dictionary.get("/FontDescriptor")
            if descriptor is not None:
                dictionaries.append(descriptor.get_object())
        for dictionary in dictionaries:
            for key in ("/BaseFont", "/FontName"):
                name = dictionary.get(key)
                if name is not None and re.fullmatch(r"/[A-Z]{6}\+.+", name):
                    dictionary[NameObject(key)] = NameObject("/" + _tag(name, part) + name[7:])


def _tag(name: str, part: int) -> str:
    """Six capital letters made from a subset's name and its part: the same for the same."""
    digest = hashlib.md5(f"{name} {part}".encode(), usedforsecurity=False).digest()
    return "".join(chr(65 + byte % 26) for byte in digest[:6])
