"""``stamp``: the statement on origin added to the exporter's own invoice or packing-list PDF.

The exporter's PDF (made in Excel or accounting software) is read with pypdf. Its text must
show the workbook's invoice number; a PDF without text (a scan) cannot be checked and is
refused. The statement block is rendered with WeasyPrint (the bundled fonts, the confined
fetcher of :mod:`rexdecl.render`) and drawn as a Form XObject:

- in the free space at the bottom of the last page when the block fits there: below the
  lowest text, graphics, image or annotation of the page (above a thin page footer when the
  space between footer and body is free), with margins;
- otherwise on an added page of the same size, headed with the invoice number and date.

The original content is never changed or covered: its content streams are kept as they
are (wrapped in ``q``/``Q`` so its graphics state cannot leak into the block) and the block
goes only into space where nothing is painted. The same inputs give the same bytes: the
file identifier is derived from the inputs and no clock date is written.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rexdecl import __version__
from rexdecl.checking import Checked
from rexdecl.errors import EXIT_USAGE, RexdeclError, UsageError
from rexdecl.i18n import _
from rexdecl.output import atomic_write_bytes
from rexdecl.views import StatementView

logger = logging.getLogger("rexdecl")

__all__ = ["StampRefused", "StampResult", "default_output", "output_path", "stamp_pdf"]

MAX_PDF_BYTES = 50 * 1024 * 1024
TEMPLATE = "stamp.html.j2"
XOBJECT_NAME = "/RexdeclStatement"
MM = 72 / 25.4
PX = 0.75  # one CSS pixel in PDF points
# Free space on the last page: keep clear of the page edge and of the original content.
BOTTOM_MARGIN = 12 * MM
TOP_MARGIN = 12 * MM
CLEARANCE = 4 * MM
SIDE_MARGIN_MIN = 12 * MM
SIDE_MARGIN_MAX = 25 * MM
ADDED_PAGE_MARGIN = 18 * MM
# A page footer ("Page 1 of 1") the block may go above: content lying only in the bottom
# band of the page, no taller than a few lines.
FOOTER_BAND = 0.12
FOOTER_MAX_HEIGHT = 36.0
# A page whose text has fewer letters and digits than this has no usable text layer.
MIN_TEXT_CHARACTERS = 10
MAX_FORM_DEPTH = 8
PDF_HEADER = "%PDF-1.7"  # what WeasyPrint writes

_STAMP_CSS = """
@page { @bottom-left { content: none; } @bottom-right { content: none; } }
html { font: 8.5pt/1.25 "Liberation Sans", "Noto Sans"; }
body { margin: 0; }
.stamp-anchor { height: 0; margin: 0; padding: 0; }
.statement.stamp-block { margin: 0; }
.stamp-items-note { margin-top: 2mm; font-size: 7.5pt; }
.stamp-items { margin-top: 1mm; }
.stamp-items th { padding: .6mm 1mm; font-size: 7pt; background: #e6e6e6;
  border-top: .6pt solid #000; border-bottom: .6pt solid #000; }
.stamp-items td { padding: .5mm 1mm; font-size: 7.5pt; line-height: 1.2;
  border-bottom: .4pt solid #9a9a9a; }
.stamp-items tr { break-inside: avoid; }
.stamp-items .stamp-item { width: 11mm; }
.stamp-items .stamp-criterion { width: 52mm; }
.stamp-head { margin-bottom: 5mm; padding-bottom: 2mm; border-bottom: .8pt solid #000; }
.stamp-exporter { font-weight: bold; font-size: 9.5pt; }
.stamp-title { font-size: 14pt; margin-top: 1mm; string-set: stamptitle content(); }
.stamp-date { font-weight: bold; font-size: 9.5pt; string-set: stampdate content(); }
.stamp-note { margin-top: 1.5mm; font-size: 7.5pt; }
"""

# Labels an invoice or packing list prints before the invoice number (EN, ID).
_LABEL = re.compile(
    r"(?:\binvoice\s*(?:no\b|nr\b|number\b|num\b|#)|\binv\.?\s*no\b|\bno\.?\s*(?:of\s+)?invoice\b"
    r"|\bnomor\s*(?:invoice|faktur)\b|\bno\.?\s*faktur\b)[\s.:#]*",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]*")
# Words of a statement on origin (any scheme, EN/FR/ES) or of the obsolete invoice declaration.
_STATEMENT_WORDS = re.compile(
    r"preferential\s+origin|origine\s+pr[ée]f[ée]rentielle|origen\s+preferencial"
    r"|customs\s+authori[sz]ation\s+no",
    re.IGNORECASE,
)


class StampRefused(RexdeclError):
    """The PDF cannot be stamped: a scan, another invoice, encrypted, signed, unreadable."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class StampResult:
    """What ``stamp`` wrote and where the statement went."""

    path: Path
    placement: Literal["last-page", "added-page"]
    page: int  # 1-based number of the (first) page carrying the statement
    pages_before: int
    pages_after: int
    statement: str  # the statement's text as printed
    items_table: bool  # the item / description / criterion table was added


@dataclass(frozen=True)
class StampRow:
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


def default_output(document: Path) -> Path:
    """``<document stem>_stamped.pdf`` beside the document."""
    return document.with_name(f"{document.stem}_stamped.pdf")


def output_path(document: Path, out: Path | None, force: bool) -> Path:
    """The file ``stamp`` writes (``out``, else the default), refused before any work when it
    would replace the document, is a folder, or exists and ``force`` is not given."""
    out = Path(out) if out is not None else default_output(document)
    if out.exists() and out.is_dir():
        raise UsageError(_("{path} is a folder; expected an output PDF file (--out)").format(path=out))
    if out.resolve() == Path(document).resolve():
        raise UsageError(
            _("{path}: the output would replace the document itself; choose another --out").format(path=out)
        )
    if out.exists() and not force:
        raise UsageError(_("{path} already exists; nothing was written (use --force to replace it)").format(path=out))
    return out


# -- reading and checking the exporter's PDF ------------------------------------------------


def _pdf_errors() -> tuple[type[Exception], ...]:
    """What pypdf raises on a damaged or unusual file (besides its own errors)."""
    from pypdf.errors import PyPdfError

    return (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        zlib.error,
        struct.error,
    )


def _read_document(document: Path) -> tuple[bytes, Any]:
    from pypdf import PdfReader

    try:
        size = document.stat().st_size
    except FileNotFoundError:
        raise UsageError(
            _("{path}: file not found; expected the exporter's invoice or packing list as PDF").format(path=document)
        ) from None
    except OSError as exc:
        raise UsageError(
            _("{path}: cannot be read ({reason})").format(path=document, reason=exc.strerror or exc)
        ) from None
    if not document.is_file():
        raise UsageError(_("{path} is not a file; expected a PDF file").format(path=document))
    if size > MAX_PDF_BYTES:
        raise StampRefused(
            _("{path}: the PDF is larger than {limit} MB; an invoice is far smaller").format(
                path=document, limit=MAX_PDF_BYTES // (1024 * 1024)
            )
        )
    data = document.read_bytes()
    if b"%PDF-" not in data[:1024]:
        raise StampRefused(
            _(
                "{path} is not a PDF file; expected the invoice or packing list as PDF "
                "(export it from Excel or the accounting software)"
            ).format(path=document)
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        signed = not encrypted and _has_signature(reader)
    except _pdf_errors() as exc:
        raise StampRefused(_("{path}: the PDF cannot be read ({reason})").format(path=document, reason=exc)) from None
    if encrypted:
        raise StampRefused(
            _("{path} is encrypted (password-protected): it cannot be checked or stamped").format(path=document),
            hint=_("Save or export an unprotected copy of the document and stamp that."),
        )
    if pages == 0:
        raise StampRefused(_("{path}: the PDF has no page").format(path=document))
    if signed:
        raise StampRefused(
            _("{path} carries a digital signature: adding the statement would invalidate it").format(path=document),
            hint=_("Stamp the unsigned document, then sign the stamped one."),
        )
    return data, reader


def _has_signature(reader: Any) -> bool:
    form = reader.trailer["/Root"].get("/AcroForm")
    if form is None:
        return False
    form = form.get_object()
    if int(form.get("/SigFlags", 0)) & 1:
        return True
    return any(field.get_object().get("/FT") == "/Sig" for field in form.get("/Fields", []))


def _page_texts(reader: Any, document: Path) -> list[str]:
    texts = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            texts.append(page.extract_text() or "")
        except _pdf_errors() as exc:
            raise StampRefused(
                _(
                    "{path}: the text of page {page} cannot be extracted ({reason}), so the document cannot be checked"
                ).format(path=document, page=number, reason=exc)
            ) from None
    return texts


def _tolerant(number: str) -> re.Pattern[str]:
    """The invoice number as it may appear in extracted text: spaces, line breaks and a
    hyphen at a line break allowed between its characters, case ignored."""
    between = r"(?:[\s\u00ad]|-[ \t]*\n)*"
    characters = [re.escape(c) for c in number if not c.isspace()]
    return re.compile(
        r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][-/._])" + between.join(characters) + r"(?![A-Za-z0-9])(?![-/._][A-Za-z0-9])",
        re.IGNORECASE,
    )


def check_invoice_number(text: str, number: str, document: Path) -> None:
    """Refuse a document whose text shows another invoice number than the workbook's.

    A number printed after an invoice-number label ("Invoice No", "No. Invoice", "Nomor
    Invoice") decides; otherwise the workbook's number must appear somewhere in the text.
    """
    pattern = _tolerant(number)
    labelled_other: list[str] = []
    for label in _LABEL.finditer(text):
        if re.search(r"(?:tax|pajak)\W*$", text[max(0, label.start() - 12) : label.start()], re.I):
            continue  # a tax invoice (faktur pajak) number is another number
        if pattern.match(text, label.end()) or pattern.match(text, label.end() - 1):
            return
        token = _TOKEN.match(text, label.end())
        if token and any(c.isdigit() for c in token.group()):
            labelled_other.append(token.group().rstrip("._-/"))
    if labelled_other:
        raise StampRefused(
            _(
                "{path} shows invoice number {found}, but the workbook's invoice number is "
                "{number}: "
                "the statement would be put on another invoice; nothing was written"
            ).format(path=document, found=", ".join(dict.fromkeys(labelled_other)), number=number),
            hint=_("Stamp the document of this shipment, or choose the workbook of this document."),
        )
    if not pattern.search(text):
        raise StampRefused(
            _(
                "{path}: the workbook's invoice number {number} does not appear in the document's "
                "text, "
                "so it cannot be confirmed that the document belongs to this shipment; nothing was "
                "written"
            ).format(path=document, number=number),
            hint=_("Print the invoice number on the document, or choose the workbook of this document."),
        )


# -- where the original content lies -------------------------------------------------------

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in default user space
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """``m × n`` (PDF row-vector convention: apply ``m`` first, then ``n``)."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _box(points: list[tuple[float, float]], grow: float = 0.0) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs) - grow, min(ys) - grow, max(xs) + grow, max(ys) + grow


def _numbers(operands: list[Any]) -> list[float]:
    values = []
    for operand in operands:
        try:
            values.append(float(operand))
        except (TypeError, ValueError):
            return []
    return values


def _is_white(operator: bytes, operands: list[Any]) -> bool:
    values = _numbers(operands)
    if operator in (b"g", b"rg") or (operator in (b"sc", b"scn") and len(values) in (1, 3)):
        return bool(values) and all(v >= 0.999 for v in values)
    if operator == b"k" or (operator in (b"sc", b"scn") and len(values) == 4):
        return bool(values) and all(v <= 0.001 for v in values)
    return False


class _Painted:
    """Collects the boxes of everything a page paints: text, paths, images, forms."""

    def __init__(self, reader: Any, page_box: Box) -> None:
        self.reader = reader
        self.page_box = page_box
        self.boxes: list[Box] = []

    def walk(self, content: Any, resources: Any, ctm: Matrix, depth: int, seen: frozenset[int]) -> None:
        from pypdf.generic import ContentStream

        operations = ContentStream(content, self.reader).operations
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        xobjects = xobjects.get_object() if hasattr(xobjects, "get_object") else xobjects
        stack: list[tuple[Matrix, bool, float]] = []
        white, line_width = False, 1.0
        path: list[tuple[float, float]] = []
        tm = tlm = IDENTITY
        size, leading, rise, scale = 0.0, 0.0, 0.0, 1.0
        for operands, operator in operations:
            if operator == b"q":
                stack.append((ctm, white, line_width))
            elif operator == b"Q":
                if stack:
                    ctm, white, line_width = stack.pop()
            elif operator == b"cm":
                values = _numbers(operands)
                if len(values) == 6:
                    ctm = _mult(tuple(values), ctm)  # type: ignore[arg-type]
            elif operator == b"w":
                values = _numbers(operands)
                line_width = values[0] if values else line_width
            elif operator in (b"g", b"rg", b"k", b"sc", b"scn"):
                white = _is_white(operator, operands)
            elif operator == b"cs":
                white = False
            elif operator in (b"m", b"l", b"c", b"v", b"y"):
                values = _numbers(operands)
                path.extend(_apply(ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2))
            elif operator == b"re":
                values = _numbers(operands)
                if len(values) == 4:
                    x, y, w, h = values
                    path.extend(_apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)))
            elif operator in (b"S", b"s", b"B", b"B*", b"b", b"b*", b"f", b"F", b"f*"):
                stroked = operator in (b"S", b"s", b"B", b"B*", b"b", b"b*")
                if path and (stroked or not white):
                    grow = (
                        (line_width * math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) / 2 + 0.5) if stroked else 0.5
                    )
                    self.boxes.append(_box(path, grow))
                path = []
            elif operator == b"n":
                path = []
            elif operator == b"sh":
                self.boxes.append(self.page_box)  # fills the clip: assume the whole page
            elif operator == b"INLINE IMAGE":
                self.boxes.append(_box([_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]))
            elif operator == b"Do" and operands:
                self._xobject(xobjects.get(operands[0]), resources, ctm, depth, seen)
            elif operator == b"BT":
                tm = tlm = IDENTITY
            elif operator == b"Tf" and len(operands) == 2:
                size = _numbers(operands[1:])[0] if _numbers(operands[1:]) else size
            elif operator == b"TL":
                leading = (_numbers(operands) or [leading])[0]
            elif operator == b"Ts":
                rise = (_numbers(operands) or [rise])[0]
            elif operator == b"Tz":
                scale = (_numbers(operands) or [scale * 100])[0] / 100
            elif operator in (b"Td", b"TD"):
                values = _numbers(operands)
                if len(values) == 2:
                    if operator == b"TD":
                        leading = -values[1]
                    tm = tlm = _mult((1, 0, 0, 1, values[0], values[1]), tlm)
            elif operator == b"Tm":
                values = _numbers(operands)
                if len(values) == 6:
                    tm = tlm = tuple(values)  # type: ignore[assignment]
            elif operator in (b"T*", b"'", b'"'):
                tm = tlm = _mult((1, 0, 0, 1, 0, -leading), tlm)
            if operator in (b"Tj", b"TJ", b"'", b'"'):
                tm = self._text(operands, operator, tm, ctm, size, rise, scale)

    def _text(
        self,
        operands: list[Any],
        operator: bytes,
        tm: Matrix,
        ctm: Matrix,
        size: float,
        rise: float,
        scale: float,
    ) -> Matrix:
        """Box of a text run (advance estimated: 0.6 em per byte), and the matrix after it."""
        shown = operands[-1] if operands else ""
        parts = shown if operator == b"TJ" and isinstance(shown, list) else [shown]
        width = 0.0
        for part in parts:
            if isinstance(part, (str, bytes)):
                width += len(part) * 0.6 * size * scale
            else:
                try:
                    width -= float(part) / 1000 * size * scale
                except (TypeError, ValueError):
                    pass
        width = max(width, 0.0)
        trm = _mult(tm, ctm)
        low, high = rise - 0.3 * size, rise + 1.05 * size
        self.boxes.append(_box([_apply(trm, x, y) for x, y in ((0, low), (width, low), (0, high), (width, high))]))
        return _mult((1, 0, 0, 1, width, 0), tm)

    def _xobject(self, xobject: Any, resources: Any, ctm: Matrix, depth: int, seen: frozenset[int]) -> None:
        if xobject is None:
            return
        reference = getattr(xobject, "idnum", None)
        xobject = xobject.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Form" and depth < MAX_FORM_DEPTH and reference not in seen:
            matrix_values = _numbers(list(xobject.get("/Matrix", IDENTITY)))
            matrix: Matrix = tuple(matrix_values) if len(matrix_values) == 6 else IDENTITY  # type: ignore[assignment]
            form_ctm = _mult(matrix, ctm)
            before = len(self.boxes)
            form_resources = xobject.get("/Resources")
            self.walk(
                xobject,
                form_resources.get_object() if form_resources is not None else resources,
                form_ctm,
                depth + 1,
                seen | {reference} if reference is not None else seen,
            )
            bbox = _numbers(list(xobject.get("/BBox", [])))
            if len(bbox) == 4:  # content outside the form's BBox is clipped away
                clip = _box([_apply(form_ctm, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])])
                self.boxes[before:] = [b for b in (_intersect(b, clip) for b in self.boxes[before:]) if b]
        elif subtype == "/Form":
            bbox = _numbers(list(xobject.get("/BBox", [])))
            self.boxes.append(
                _box([_apply(ctm, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])])
                if len(bbox) == 4
                else self.page_box
            )
        else:  # an image: the unit square
            self.boxes.append(_box([_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]))


def _intersect(a: Box, b: Box) -> Box | None:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] <= box[2] and box[1] <= box[3] else None


def _inherited(page: Any, key: str) -> Any:
    """A page attribute, from the page or the nearest page-tree node above it."""
    node, depth = page, 0
    while node is not None and depth < 64:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
        depth += 1
    return None


def _visible_box(page: Any) -> Box:
    crop = page.cropbox
    return (float(crop.left), float(crop.bottom), float(crop.right), float(crop.top))


def painted_boxes(reader: Any, page: Any) -> list[Box]:
    """Boxes (default user space, clipped to the visible page) of everything ``page`` shows:
    text runs, stroked or non-white filled paths, images, form XObjects, annotations.

    Conservative: text advances are over-estimated, a shading covers the page, and a content
    stream that cannot be parsed makes the whole page count as painted.
    """

    page_box = _visible_box(page)
    painted = _Painted(reader, page_box)
    contents = page.get("/Contents")
    resources = _inherited(page, "/Resources")
    try:
        if contents is not None:
            painted.walk(
                contents,
                resources.get_object() if resources is not None else None,
                IDENTITY,
                0,
                frozenset(),
            )
        for annotation in page.get("/Annots", []) or []:
            rect = _numbers(list(annotation.get_object().get("/Rect", [])))
            if len(rect) == 4:
                painted.boxes.append(_box([(rect[0], rect[1]), (rect[2], rect[3])]))
    except _pdf_errors() as exc:
        logger.debug("content of the last page not understood (%s): treated as full", exc)
        return [page_box]
    return [b for b in (_intersect(b, page_box) for b in painted.boxes) if b]


@dataclass(frozen=True)
class FreeSpace:
    """Free bands at the bottom of a page, as ``(top, bottom)`` in points, best first, and
    the side margin a block placed there keeps from the page's left and right edges."""

    bands: tuple[tuple[float, float], ...]
    side: float


def free_space(boxes: list[Box], page_box: Box) -> FreeSpace:
    """The band below the lowest painted content (clear of it and of the page edge); and,
    when the lowest content is a thin page footer ("Page 1 of 1"), the band between the body
    and the footer. None on a page where nothing is painted."""
    x0, y0, x1, y1 = page_box
    left = min(b[0] for b in boxes) - x0 if boxes else SIDE_MARGIN_MIN
    side = min(max(left, SIDE_MARGIN_MIN), SIDE_MARGIN_MAX)
    bottom = y0 + BOTTOM_MARGIN
    ceiling = y1 - TOP_MARGIN
    if not boxes:
        # A blank last page is not recognisably part of the document: nothing there would
        # tie the statement to the invoice. Use an added page, headed with number and date.
        return FreeSpace((), side)
    merged: list[list[float]] = []
    for low, high in sorted((b[1], b[3]) for b in boxes):
        if merged and low <= merged[-1][1] + 1.0:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    bands = [(min(merged[0][0] - CLEARANCE, ceiling), bottom)]
    footer = merged[0]
    if len(merged) > 1 and footer[1] <= y0 + FOOTER_BAND * (y1 - y0) and footer[1] - footer[0] <= FOOTER_MAX_HEIGHT:
        bands.append((min(merged[1][0] - CLEARANCE, ceiling), max(footer[1] + CLEARANCE, bottom)))
    return FreeSpace(tuple(bands), side)


# -- the block ---------------------------------------------------------------------------


def build_stamp_view(checked: Checked, pages_before: int = 0, continuation: bool = False) -> StampView:
    """The statement block of a checked shipment (no error), as ``stamp.html.j2`` prints it."""
    from rexdecl.viewmodel import build_views

    ctx = checked.context
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
    from rexdecl.render import GENERATOR, environment

    return environment().get_template(TEMPLATE).render(stamp=view, generator=GENERATOR)


@dataclass(frozen=True)
class _Rendered:
    pdf: bytes
    pages: int
    height: float  # of the block on the first page, in points (from #stamp-top to #stamp-end)
    top: float  # distance of the block's top from the top of the page, in points


def _render(
    html: str,
    size: tuple[float, float],
    margins: tuple[float, float, float, float],
    continuation: bool,
) -> _Rendered:
    """Render the block with the renderer's WeasyPrint engine (bundled fonts, confined fetcher)."""
    from rexdecl.render import _engine  # one engine per process: fonts and stylesheet parsed once

    engine = _engine()
    width, height = size
    top, right, bottom, left = margins
    page_css = (
        f"@page {{ size: {width:.3f}pt {height:.3f}pt; "
        f"margin: {top:.3f}pt {right:.3f}pt {bottom:.3f}pt {left:.3f}pt; }}"
    )
    if continuation:
        page_css += (
            '@page { @top-left { content: string(stamptitle) " \\2022  " string(stampdate) '
            '" (continued)"; '
            'font: 7pt "Liberation Sans"; '
            "vertical-align: bottom; padding-bottom: 3mm; } "
            '@bottom-right { content: "Continuation sheet " counter(page) " of " counter(pages); '
            'font: 7pt "Liberation Sans"; vertical-align: top; padding-top: 3mm; } }'
            "@page :first { @top-left { content: none; } }"
        )
    weasyprint = engine.weasyprint
    fetcher = engine.fetcher_class()
    with engine.guard("the statement block"):
        css = weasyprint.CSS(
            string=_STAMP_CSS + page_css,
            base_url=engine.base_url,
            url_fetcher=fetcher,
            font_config=engine.font_config,
        )
        document = weasyprint.HTML(string=html, base_url=engine.base_url, url_fetcher=fetcher).render(
            font_config=engine.font_config,
            color_profiles=engine.color_profiles,
            stylesheets=[engine.stylesheet, css],
        )
        anchors = document.pages[0].anchors
        data = document.write_pdf()
    start = anchors.get("stamp-top", (0, 0))[1] * PX
    end = anchors.get("stamp-end", (0, height / PX))[1] * PX
    return _Rendered(data, len(document.pages), end - start, start)


# -- writing -----------------------------------------------------------------------------


def _page_content(page: Any) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    if isinstance(contents, list):
        return b"\n".join(part.get_object().get_data() for part in contents)
    data: bytes = contents.get_data()
    return data


def _add_stream(writer: Any, data: bytes) -> Any:
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream.flate_encode() if len(data) > 64 else stream)


def _form(writer: Any, overlay_page: Any, bbox: Box) -> tuple[Any, bytes]:
    """The overlay page as a Form XObject in ``writer`` (resources cloned); and its content."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    content = _page_content(overlay_page)
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


def _draw(writer: Any, page: Any, form: Any, translate: tuple[float, float], wrap: bool) -> None:
    """Append ``form`` to ``page``: the original streams kept, wrapped in q/Q."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    resources = _inherited(page, "/Resources")
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
    except (TypeError, ValueError, AttributeError):
        first = None
    first = first or hashlib.sha256(data).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(first), ByteStringObject(digest.digest()[:16])])


def _pdf_bytes(writer: Any) -> bytes:
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def _overlay_reader(data: bytes) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


def _visual_size(page: Any) -> tuple[float, float]:
    x0, y0, x1, y1 = _visible_box(page)
    rotation = int(page.get("/Rotate", 0) or 0) % 360
    return (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)


def stamp_pdf(document: Path, checked: Checked, out: Path | None = None, force: bool = False) -> StampResult:
    """Add the statement on origin of ``checked`` to the exporter's own PDF ``document`` and
    write the result to ``out`` (default ``<stem>_stamped.pdf`` beside it), atomically.

    The caller has checked the shipment and found no error. Raises :class:`StampRefused` for
    a PDF that cannot be stamped (no text layer, another invoice number, encrypted, signed,
    already carrying a statement) and :class:`~rexdecl.errors.UsageError` for an output
    that exists (without ``force``) or would replace the document.
    """
    from pypdf import PdfWriter

    assert not checked.report.errors, "stamp only shipments without error"
    from rexdecl.render import check_printable

    check_printable(checked.context, line_table=False)  # before anything is read or rendered
    document = Path(document)
    out = output_path(document, out, force)
    data, reader = _read_document(document)
    texts = _page_texts(reader, document)
    text = "\n".join(texts)
    if sum(c.isalnum() for c in text) < MIN_TEXT_CHARACTERS:
        raise StampRefused(
            _(
                "{path} has no text layer (a scan or an image?): its invoice number and content "
                "cannot be "
                "checked, so no statement is added"
            ).format(path=document),
            hint=_("Stamp the PDF exported from Excel or the accounting software, not a scan of it."),
        )
    found = _STATEMENT_WORDS.search(text)
    if found:
        raise StampRefused(
            _(
                "{path} already carries a statement on origin ('{words}'): a second one would "
                "contradict "
                "or repeat it; nothing was written"
            ).format(path=document, words=" ".join(found.group().split())),
            hint=_("Check the existing statement with 'rexdecl lint', or stamp the document without it."),
        )
    shipment = checked.input.shipment
    number = shipment.invoice_number or ""
    check_invoice_number(text, number, document)

    pages_before = len(reader.pages)
    last = reader.pages[-1]
    page_box = _visible_box(last)
    width, height = page_box[2] - page_box[0], page_box[3] - page_box[1]
    rotation = int(last.get("/Rotate", 0) or 0) % 360
    view = build_stamp_view(checked, pages_before)

    placed: tuple[_Rendered, float, float] | None = None
    if rotation == 0 and float(last.get("/UserUnit", 1) or 1) == 1:
        space = free_space(painted_boxes(reader, last), page_box)
        side = space.side
        rendered = _render(render_block_html(view), (width, height), (0, side, 0, side), continuation=False)
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

    try:
        writer = PdfWriter(clone_from=reader)
        if writer.pdf_header < PDF_HEADER:  # the block may use features of later versions
            writer.pdf_header = PDF_HEADER
        hashed: list[bytes] = []
        if placed is not None:
            rendered, top, side = placed
            overlay = _overlay_reader(rendered.pdf).pages[0]
            # The block lies from rendered.top to rendered.top + height below the overlay's top.
            block_top = height - rendered.top
            bbox = (0.0, block_top - rendered.height - 1.0, width, block_top + 1.0)
            form, content = _form(writer, overlay, bbox)
            translate = (page_box[0], top - block_top)
            _draw(writer, writer.pages[-1], form, translate, wrap=True)
            hashed += [content, repr(translate).encode()]
            placement: Literal["last-page", "added-page"] = "last-page"
            page_number = pages_before
        else:
            size = _visual_size(last)
            view = build_stamp_view(checked, pages_before, continuation=True)
            margins = (ADDED_PAGE_MARGIN,) * 4
            rendered = _render(render_block_html(view), size, margins, continuation=True)  # type: ignore[arg-type]
            for overlay in _overlay_reader(rendered.pdf).pages:
                page = writer.add_blank_page(*size)
                form, content = _form(writer, overlay, (0.0, 0.0, *size))
                _draw(writer, page, form, (0.0, 0.0), wrap=False)
                hashed.append(content)
            placement = "added-page"
            page_number = pages_before + 1
        _file_id(writer, reader, data, hashed)
        result = _pdf_bytes(writer)
    except _pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the PDF cannot be rewritten with the statement ({reason})").format(path=document, reason=exc)
        ) from None
    atomic_write_bytes(out, result, overwrite=force)
    return StampResult(
        path=out,
        placement=placement,
        page=page_number,
        pages_before=pages_before,
        pages_after=len(writer.pages),
        statement=view.statement.text,
        items_table=bool(view.rows),
    )
