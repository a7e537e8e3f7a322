"""``stamp``: the statement on origin added to the exporter's own invoice or packing-list PDF.

The exporter's PDF (made in Excel or accounting software) is opened with pypdf
(:func:`open_pdf`, the one place that opens it). Before anything is added it must pass:

- it opens without a password. A file encrypted only to restrict permissions (an empty
  user password, RC4 or AES) is opened; the stamped copy is written *unencrypted*: the
  owner password is not known, so the restrictions could only be re-issued under a password
  nobody has, locking the exporter out of their own document; the encryption of such a file
  keeps no secret (anyone can open it); PDF/A forbids encryption; and AES would need fresh
  random initialisation vectors, breaking "same input, same bytes". The result says so;
- it is not signed (any signature field with a value, a certification or usage-rights
  signature, a signature dictionary anywhere): adding anything would break the signature;
- every page stays within the limits below (form XObjects drawn within form XObjects can
  make a tiny file expand without end);
- its text shows the workbook's invoice number as the document's own number
  (:mod:`rexdecl.stamp_number`) and no statement on origin yet; a scan is refused.

The statement block is rendered with WeasyPrint (the bundled fonts, the confined fetcher of
:mod:`rexdecl.documents.render`) and drawn as a Form XObject:

- in the free space at the bottom of the last page when the block fits there: below the
  lowest text, graphics, image or annotation of the page (above a thin page footer when the
  space between footer and body is free), with margins;
- otherwise on added pages headed with the invoice number and date, of the document's usual
  size (the last page's, unless that one is tiny, narrow, rotated or scaled: then the size
  most pages have, else A4).

The original content is never changed or covered: its content streams are kept as they
are (wrapped in ``q``/``Q`` so its graphics state cannot leak into the block) and the block
goes only into space where nothing is painted. A PDF/A input stays PDF/A of the same part
and level (:mod:`rexdecl.stamp_pdfa`); attachments (an e-invoice's XML) are kept. The
result is checked with ``rexdecl lint`` before it is written: a statement lint would not
read is never written. The same inputs give the same bytes: the file identifier is derived
from the inputs and no clock date is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import math
import re
import struct
import tempfile
import warnings
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rexdecl import __version__
from rexdecl.documents.views import StatementView
from rexdecl.errors import ExitStatus, RexdeclError, UsageError
from rexdecl.i18n import _
from rexdecl.output import atomic_write_bytes
from rexdecl.pipeline import Checked
from rexdecl.stamp_number import PageText, Verdict, find_own_number

logger = logging.getLogger("rexdecl")

__all__ = [
    "OpenedPdf",
    "StampRefused",
    "StampResult",
    "check_invoice_number",
    "default_output",
    "open_pdf",
    "output_path",
    "stamp_pdf",
]

MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PAGES = 2_000
# Content a page draws, in decoded bytes, a form XObject counted each time it is drawn: real
# invoice pages draw under 100 KB (70 KB the most among 60 real ones tried); a hostile file
# can draw one small form millions of times. Reading text takes about 2 s per MB.
MAX_PAGE_CONTENT = 1024 * 1024
MAX_DOCUMENT_CONTENT = 8 * 1024 * 1024
MAX_FORM_DEPTH = 12  # form XObjects drawn within form XObjects
MAX_FORM_DRAWS = 1_000  # form XObjects drawn on one page, each drawing counted (text extraction walks each)
# Pages whose text is also read laid out as on the page (for labels over or beside values).
LAYOUT_PAGES = 3
MAX_LAYOUT_CHARACTERS = 400_000
TEMPLATE = "stamp.html.j2"
XOBJECT_NAME = "/RexdeclStatement"
MM = 72 / 25.4
PX = 0.75  # one CSS pixel in PDF points
A4 = (595.276, 841.89)
# A page the block can be placed on or sized like: no side under 105 mm (A6), none over 1.2 m.
MIN_PAGE_SIDE = 105 * MM
MAX_PAGE_SIDE = 1200 * MM
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

# Words of a statement on origin (any scheme, EN/FR/ES) or of the obsolete invoice declaration.
_STATEMENT_WORDS = re.compile(
    r"preferential\s+origin|origine\s+pr[ée]f[ée]rentielle|origen\s+preferencial"
    r"|customs\s+authori[sz]ation\s+no",
    re.IGNORECASE,
)


class StampRefused(RexdeclError):
    """The PDF cannot be stamped: a scan, another invoice, encrypted, signed, unreadable."""

    exit_code = ExitStatus.USAGE


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
    decrypted: bool = False  # the input was encrypted (no password to open): written unencrypted
    pdfa: str = ""  # the PDF/A part and level kept, e.g. "PDF/A-3b"; "" for other PDFs


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


# -- opening the exporter's PDF ------------------------------------------------------------


def _pdf_errors() -> tuple[type[BaseException], ...]:
    """What pypdf raises on a damaged, unusual or hostile file (besides its own errors): its
    parsers and filters let many kinds through, an unknown filter is NotImplementedError."""
    from pypdf.errors import DependencyError, PyPdfError

    return (
        PyPdfError,
        DependencyError,  # a filter that needs a decoder pypdf does not have (JBIG2, some images)
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        NotImplementedError,
        AssertionError,
        OverflowError,
        ZeroDivisionError,
        UnicodeError,
        zlib.error,
        struct.error,
    )


@dataclass(frozen=True)
class OpenedPdf:
    """A PDF opened for reading: its bytes, the pypdf reader, whether it was encrypted."""

    path: Path
    data: bytes
    reader: Any
    encrypted: bool


def open_pdf(document: Path) -> OpenedPdf:
    """Open the PDF ``document`` for reading, or refuse it with a message naming the file,
    what was found and what is expected (:class:`StampRefused`, exit 2).

    Refused: a missing or unreadable file, one larger than MAX_PDF_BYTES, one that is not a
    PDF or that pypdf cannot parse, one that needs a password to open, one without pages or
    with more than MAX_PAGES. A file encrypted without an open password (permissions only,
    RC4 or AES) is decrypted.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

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
    try:
        data = document.read_bytes()
    except OSError as exc:
        raise UsageError(
            _("{path}: cannot be read ({reason})").format(path=document, reason=exc.strerror or exc)
        ) from None
    if b"%PDF-" not in data[:1024]:
        raise StampRefused(
            _(
                "{path} is not a PDF file; expected the invoice or packing list as PDF "
                "(export it from Excel or the accounting software)"
            ).format(path=document)
        )
    encrypted = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                encrypted = True
                if not reader.decrypt(""):
                    raise StampRefused(
                        _(
                            "{path} is protected by a password that is needed to open it: it cannot be "
                            "checked or stamped; nothing was written"
                        ).format(path=document),
                        hint=_(
                            "Save or export a copy without an open password (restricting permissions only is fine) "
                            "and stamp that."
                        ),
                    )
            pages = len(reader.pages)
    except DependencyError as exc:  # the declared dependency 'cryptography' is missing
        raise StampRefused(
            _("{path} is encrypted and cannot be opened here ({reason})").format(path=document, reason=exc),
            hint=_("Reinstall rexdecl with its dependencies (pip install rexdecl)."),
        ) from None
    except _pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the PDF cannot be read ({reason})").format(path=document, reason=_reason(exc))
        ) from None
    if pages == 0:
        raise StampRefused(_("{path}: the PDF has no page").format(path=document))
    if pages > MAX_PAGES:
        raise StampRefused(
            _("{path}: the PDF has {pages} pages, more than the limit of {limit} for an invoice").format(
                path=document, pages=pages, limit=MAX_PAGES
            )
        )
    return OpenedPdf(document, data, reader, encrypted)


class _PypdfNotes(logging.Handler):
    """pypdf's warnings about a damaged file, kept out of the user's terminal (logged at
    debug level by rexdecl instead): the refusal, if any, says what matters."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _pypdf_quiet() -> Iterator[None]:
    notes = _PypdfNotes()
    pdf_log = logging.getLogger("pypdf")
    pdf_log.addHandler(notes)
    propagate, pdf_log.propagate = pdf_log.propagate, False
    try:
        yield
    finally:
        pdf_log.removeHandler(notes)
        pdf_log.propagate = propagate
        for message in notes.messages[:20]:
            logger.debug("pypdf: %s", message)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- what the document may not be: signed, too costly -----------------------------------------

_SIGNATURE_BYTES = re.compile(rb"/ByteRange\s*\[")
MAX_FIELDS = 5_000


def _signature(reader: Any, data: bytes) -> str | None:
    """What shows that the document is signed, or None: a signature field that has a value,
    a certification (``/DocMDP``) or usage-rights (``/UR``, ``/UR3``) signature, a signature
    dictionary (``/ByteRange``) anywhere in the file, fields nested in ``/Kids`` included."""
    root = reader.trailer["/Root"]
    permissions = root.get("/Perms")
    if permissions is not None:
        permissions = permissions.get_object()
        for key in ("/DocMDP", "/UR", "/UR3"):
            if key in permissions:
                return _("a certification or usage-rights signature ({key})").format(key=key[1:])
    form = root.get("/AcroForm")
    if form is not None:
        form = form.get_object()
        if int(form.get("/SigFlags", 0) or 0) & 2:
            return _("signatures (the form is marked append-only)")
        stack = [(field, None) for field in (form.get("/Fields") or [])]
        visited = 0
        while stack and visited < MAX_FIELDS:
            field, inherited = stack.pop()
            visited += 1
            field = field.get_object()
            kind = field.get("/FT", inherited)
            if kind == "/Sig" and field.get("/V") is not None:
                return _("a signed signature field ({name})").format(name=field.get("/T", "?"))
            stack.extend((kid, kind) for kid in (field.get("/Kids") or []))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/FT") == "/Sig" and annotation.get("/V") is not None:
                return _("a signed signature field ({name})").format(name=annotation.get("/T", "?"))
    if _SIGNATURE_BYTES.search(data):
        return _("a signature dictionary (/ByteRange)")
    return None


def _stream_data(stream: Any) -> bytes:
    data: bytes = stream.get_data()
    return data


def _content_cost(reader: Any, page: Any, number: int, document: Path) -> int:
    """Bytes of content ``page`` draws, each form XObject counted each time it is drawn.

    Refuses a page over MAX_PAGE_CONTENT bytes or MAX_FORM_DRAWS form drawings, forms nested
    deeper than MAX_FORM_DEPTH and forms that draw themselves. Each form is decoded once
    (reading text later walks every drawing, so its cost is bounded by these limits)."""
    from pypdf.generic import IndirectObject

    costs: dict[int, tuple[int, int]] = {}

    def refuse(name: bytes | None, limit: str) -> StampRefused:
        part = (
            _("form XObject /{name}").format(name=name.decode("latin-1")) if name is not None else _("content stream")
        )
        return StampRefused(
            _("{path}: page {page}, {part}: exceeds the limit of {limit}; an invoice stays far below it").format(
                path=document, page=number, part=part, limit=limit
            )
        )

    def check(size: int, draws: int, name: bytes | None) -> None:
        if size > MAX_PAGE_CONTENT:
            raise refuse(name, _("{limit} MB of content drawn on one page").format(limit=MAX_PAGE_CONTENT // 2**20))
        if draws > MAX_FORM_DRAWS:
            raise refuse(name, _("{limit} form XObjects drawn on one page").format(limit=MAX_FORM_DRAWS))

    def cost(data: bytes, resources: Any, depth: int, path: frozenset[int]) -> tuple[int, int]:
        size, draws = len(data), 0
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not xobjects or b"Do" not in data or not hasattr(xobjects, "raw_get"):
            return size, draws
        for name in re.findall(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b", data):
            raw = xobjects.raw_get("/" + name.decode("latin-1"))
            if raw is None:
                continue
            key = raw.idnum if isinstance(raw, IndirectObject) else id(raw)
            target = raw.get_object()
            if not hasattr(target, "get") or target.get("/Subtype") != "/Form":
                continue
            if key in path:
                raise refuse(name, _("forms drawing themselves (a loop)"))
            if key not in costs:
                if depth >= MAX_FORM_DEPTH:
                    raise refuse(name, _("{limit} forms drawn within one another").format(limit=MAX_FORM_DEPTH))
                form_resources = target.get("/Resources")
                costs[key] = cost(
                    _stream_data(target),
                    form_resources.get_object() if form_resources is not None else resources,
                    depth + 1,
                    path | {key},
                )
            size += costs[key][0]
            draws += costs[key][1] + 1
            check(size, draws, name)
        return size, draws

    resources = _inherited(page, "/Resources")
    size, draws = cost(_page_content(page), resources.get_object() if resources is not None else None, 0, frozenset())
    check(size, draws, None)
    return size


# -- reading the document's text -------------------------------------------------------------


def _page_texts(opened: OpenedPdf) -> list[PageText]:
    """Each page's text in content order, and the first pages' laid out as on the page.
    Every page's cost is checked first (see :func:`_content_cost`), so that a file over a
    limit is refused before any text is read."""
    reader, document = opened.reader, opened.path
    spent = 0
    for number, page in enumerate(reader.pages, start=1):
        try:
            spent += _content_cost(reader, page, number, document)
        except _pdf_errors() as exc:
            raise StampRefused(
                _("{path}: the content of page {page} cannot be read ({reason})").format(
                    path=document, page=number, reason=_reason(exc)
                )
            ) from None
        if spent > MAX_DOCUMENT_CONTENT:
            raise StampRefused(
                _(
                    "{path}: pages 1 to {page} draw more than {limit} MB of content; an invoice stays far below it"
                ).format(path=document, page=number, limit=MAX_DOCUMENT_CONTENT // (1024 * 1024))
            )
    texts = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                plain = page.extract_text() or ""
                layout = ""
                if number <= LAYOUT_PAGES:
                    try:
                        layout = (page.extract_text(extraction_mode="layout") or "")[:MAX_LAYOUT_CHARACTERS]
                    except _pdf_errors() as exc:  # the content-order text is still there
                        logger.debug("page %d: no layout text (%s)", number, exc)
        except _pdf_errors() as exc:
            raise StampRefused(
                _(
                    "{path}: the text of page {page} cannot be extracted ({reason}), so the document cannot be checked"
                ).format(path=document, page=number, reason=_reason(exc))
            ) from None
        texts.append(PageText(plain, layout))
    return texts


def check_invoice_number(pages: list[PageText] | str, number: str, document: Path) -> Verdict:
    """Refuse a document that does not show ``number`` as its own document number (see
    :mod:`rexdecl.stamp_number`); the verdict when it does."""
    if isinstance(pages, str):
        pages = [PageText(pages)]
    verdict = find_own_number(pages, number)
    if verdict.accepted:
        return verdict
    mentions = "; ".join(f"'{m}'" for m in verdict.mentions[:3])
    hint = _("Stamp the document of this shipment, or choose the workbook of this document.")
    if verdict.reason == "credit-note":
        message = _(
            "{path} is a credit note ('{title}'), not an invoice or packing list: a statement on origin "
            "does not go on it; nothing was written"
        ).format(path=document, title=verdict.found[0])
    elif verdict.reason == "other-number":
        message = _(
            "{path} shows invoice number {found} ('{line}'), but the workbook's invoice number is {number}: "
            "the statement would be put on another invoice; nothing was written"
        ).format(path=document, found=", ".join(verdict.found[:3]), line=verdict.evidence, number=number)
        if mentions:
            message += " " + _("({number} appears only as: {mentions})").format(number=number, mentions=mentions)
    elif verdict.reason == "reference":
        message = _(
            "{path} mentions the workbook's invoice number {number} only as a reference to another document "
            "({mentions}), not as its own number; nothing was written"
        ).format(path=document, number=number, mentions=mentions)
    elif verdict.reason == "ambiguous":
        others = ", ".join(verdict.found[:5])
        if others:
            message = _(
                "{path} shows {number} without an invoice-number label ({mentions}), and the first page shows "
                "other numbers like it ({others}): it cannot be confirmed that {number} is this document's own "
                "number; nothing was written"
            ).format(path=document, number=number, mentions=mentions, others=others)
        else:
            message = _(
                "{path} shows {number} only after its first page and without an invoice-number label "
                "({mentions}): it cannot be confirmed that {number} is this document's own number; "
                "nothing was written"
            ).format(path=document, number=number, mentions=mentions)
        hint = _(
            "Print the invoice number next to a label such as 'Invoice No.' on the first page, or choose the "
            "workbook of this document."
        )
    else:
        message = _(
            "{path}: the workbook's invoice number {number} does not appear in the document's text, "
            "so it cannot be confirmed that the document belongs to this shipment; nothing was written"
        ).format(path=document, number=number)
        hint = _("Print the invoice number on the document, or choose the workbook of this document.")
    raise StampRefused(message, hint=hint)


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
        self.parsed: dict[int, list[Any]] = {}  # a form drawn many times is parsed once

    def walk(
        self, content: Any, resources: Any, ctm: Matrix, depth: int, seen: frozenset[int], key: int | None = None
    ) -> None:
        from pypdf.generic import ContentStream

        if key is None or key not in self.parsed:
            operations = ContentStream(content, self.reader).operations
            if key is not None:
                self.parsed[key] = operations
        else:
            operations = self.parsed[key]
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
                reference,
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


def _rect(value: Any) -> Box | None:
    """A rectangle from a page box array, normalised; None when it is not one or is empty."""
    try:
        value = value.get_object() if value is not None else None
        numbers = [float(v) for v in value] if isinstance(value, list) else []
    except _pdf_errors():
        return None
    if len(numbers) != 4 or not all(math.isfinite(v) and abs(v) < 1e7 for v in numbers):
        return None
    x0, y0, x1, y1 = numbers
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return box if box[2] - box[0] > 0 and box[3] - box[1] > 0 else None


def _visible_box(page: Any) -> Box | None:
    """The part of the page a viewer shows (the crop box within the media box), in default
    user space; None when the page has no usable box at all. A malformed crop box is ignored,
    as viewers ignore it."""
    try:
        media = _rect(_inherited(page, "/MediaBox"))
        crop = _rect(_inherited(page, "/CropBox"))
    except _pdf_errors():
        return None
    if media is None:
        return crop
    visible = _intersect(crop, media) if crop is not None else None
    return visible if visible is not None and visible[2] > visible[0] and visible[3] > visible[1] else media


def _rotation(page: Any) -> int:
    """The page's /Rotate (0, 90, 180, 270); a value that is not a multiple of 90 counts as 0."""
    try:
        value = _inherited(page, "/Rotate")
        degrees = int(value) if value is not None and float(value) == int(value) else 0
    except _pdf_errors():
        return 0
    return degrees % 360 if degrees % 90 == 0 else 0


def _user_unit(page: Any) -> float:
    """The page's /UserUnit (points per unit); a malformed one counts as unusual (0)."""
    try:
        value = page.get("/UserUnit")
        unit = float(value) if value is not None else 1.0
    except _pdf_errors():
        return 0.0
    return unit if math.isfinite(unit) and unit > 0 else 0.0


def _visual_size(page: Any) -> tuple[float, float] | None:
    """Width and height of the page as shown (rotation applied), in points."""
    box = _visible_box(page)
    if box is None:
        return None
    unit = _user_unit(page) or 1.0
    width, height = (box[2] - box[0]) * unit, (box[3] - box[1]) * unit
    return (height, width) if _rotation(page) in (90, 270) else (width, height)


def _sane(size: tuple[float, float] | None) -> bool:
    return size is not None and all(MIN_PAGE_SIDE <= side <= MAX_PAGE_SIDE for side in size)


def usual_size(reader: Any) -> tuple[float, float]:
    """The size of an added page: the last page's when it is a usual page size, else the size
    most pages have, else A4."""
    last = _visual_size(reader.pages[-1])
    if _sane(last):
        assert last is not None
        return last
    sizes: Counter[tuple[float, float]] = Counter()
    for page in reader.pages:
        size = _visual_size(page)
        if _sane(size):
            assert size is not None
            sizes[(round(size[0], 1), round(size[1], 1))] += 1
    return sizes.most_common(1)[0][0] if sizes else A4


def painted_boxes(reader: Any, page: Any) -> list[Box]:
    """Boxes (default user space, clipped to the visible page) of everything ``page`` shows:
    text runs, stroked or non-white filled paths, images, form XObjects, annotations.

    Conservative: text advances are over-estimated, a shading covers the page, and a content
    stream that cannot be parsed makes the whole page count as painted.
    """

    page_box = _visible_box(page)
    if page_box is None:
        return []
    painted = _Painted(reader, page_box)
    try:
        contents = page.get("/Contents")
        resources = _inherited(page, "/Resources")
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
    finite = [b for b in painted.boxes if all(math.isfinite(v) for v in b)]
    if len(finite) < len(painted.boxes):  # drawn with absurd coordinates: anywhere, maybe
        return [page_box]
    return [b for b in (_intersect(b, page_box) for b in finite) if b]


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
    from rexdecl.documents.render import GENERATOR, environment

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
    pdf_version: str | None = None,
) -> _Rendered:
    """Render the block with the renderer's WeasyPrint engine (bundled fonts, confined fetcher);
    as PDF ``pdf_version`` when given (1.4: fonts with a /CIDSet, for PDF/A-1)."""
    from rexdecl.documents import render  # one engine per process: fonts and stylesheet parsed once

    engine = render.engine()
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
        data = document.write_pdf(pdf_version=pdf_version)
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
        return b"\n".join(_stream_data(part.get_object()) for part in contents)
    return _stream_data(contents)


def _add_stream(writer: Any, data: bytes) -> Any:
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream.flate_encode() if len(data) > 64 else stream)


def _form(writer: Any, overlay_page: Any, bbox: Box) -> tuple[Any, bytes]:
    """The overlay page as a Form XObject in ``writer`` (resources cloned, colours in grey:
    see :mod:`rexdecl.stamp_pdfa`); and its content."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    from rexdecl.stamp_pdfa import greyed

    content = greyed(_page_content(overlay_page))
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

    from rexdecl.stamp_pdfa import is_tagged, tag_block

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
    if is_tagged(writer):
        begin, end = tag_block(writer, page, _page_content(page), language)
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


def _pdf_bytes(writer: Any) -> bytes:
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


def _overlay_reader(data: bytes) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data))


@dataclass(frozen=True)
class _Stamped:
    pdf: bytes
    placement: Literal["last-page", "added-page"]
    page: int
    pages_after: int
    view: StampView


def _stamped(opened: OpenedPdf, checked: Checked, pdfa: Any) -> _Stamped:
    """The document with the statement block added (see the module); not yet checked."""
    from pypdf import PdfWriter

    from rexdecl.stamp_pdfa import ensure_output_intent

    reader, data = opened.reader, opened.data
    pages_before = len(reader.pages)
    last = reader.pages[-1]
    view = build_stamp_view(checked, pages_before)
    language = view.statement.language
    pdf_version = "1.4" if pdfa is not None and pdfa.part == 1 else None  # PDF/A-1 fonts need a /CIDSet

    placed: tuple[_Rendered, float, float] | None = None
    page_box = _visible_box(last)
    size = _visual_size(last)
    if page_box is not None and _sane(size) and _rotation(last) == 0 and _user_unit(last) == 1:
        width, height = page_box[2] - page_box[0], page_box[3] - page_box[1]
        space = free_space(painted_boxes(reader, last), page_box)
        side = space.side
        rendered = _render(render_block_html(view), (width, height), (0, side, 0, side), False, pdf_version)
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
        rendered = _render(render_block_html(view), added, margins, True, pdf_version)  # type: ignore[arg-type]
        for overlay in _overlay_reader(rendered.pdf).pages:
            page = writer.add_blank_page(*added)
            form, content = _form(writer, overlay, (0.0, 0.0, *added))
            _draw(writer, page, form, (0.0, 0.0), False, language)
            hashed.append(content)
        placement = "added-page"
        page_number = pages_before + 1
    _file_id(writer, reader, data, hashed)
    return _Stamped(_pdf_bytes(writer), placement, page_number, len(writer.pages), view)


def _lint_result(pdf: bytes, pages: range, document: Path) -> None:
    """Refuse a result in which ``rexdecl lint`` does not find the statement exact. Lint
    reads the pages that carry the statement (the others have none: that was checked)."""
    from pypdf import PdfReader, PdfWriter

    from rexdecl.errors import UnreadableInput
    from rexdecl.lint import lint_file

    try:
        reader = PdfReader(io.BytesIO(pdf))
        extract = PdfWriter()
        for index in pages:
            extract.add_page(reader.pages[index])
        pages_pdf = _pdf_bytes(extract)
    except _pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the stamped document could not be read back ({problems}); nothing was written").format(
                path=document, problems=_reason(exc)
            )
        ) from None
    with tempfile.TemporaryDirectory(prefix="rexdecl-stamp-") as folder:
        path = Path(folder) / "stamped-pages.pdf"
        path.write_bytes(pages_pdf)
        try:
            report = lint_file(path)
        except UnreadableInput as exc:
            problems = "; ".join(p.message for p in exc.problems)
            raise StampRefused(
                _("{path}: the stamped document could not be read back ({problems}); nothing was written").format(
                    path=document, problems=problems
                )
            ) from None
    if report.exit_code != 0 or not report.statements:
        codes = ", ".join(report.codes()) or _("no statement found")
        raise StampRefused(
            _(
                "{path}: the statement on the stamped document does not pass 'rexdecl lint' ({codes}): it would "
                "not be readable as printed; nothing was written"
            ).format(path=document, codes=codes),
            hint=_("Please report this with the document: rexdecl should have placed the statement readably."),
        )


def stamp_pdf(document: Path, checked: Checked, out: Path | None = None, force: bool = False) -> StampResult:
    """Add the statement on origin of ``checked`` to the exporter's own PDF ``document`` and
    write the result to ``out`` (default ``<stem>_stamped.pdf`` beside it), atomically.

    The caller has checked the shipment and found no error. Raises :class:`StampRefused` for
    a PDF that cannot be stamped (no text layer, not this invoice, a credit note, needs a
    password, signed, over a limit, already carrying a statement, a result lint would not
    read) and :class:`~rexdecl.errors.UsageError` for an output that exists (without
    ``force``) or would replace the document. Nothing is written when it raises.
    """
    assert not checked.report.errors, "stamp only shipments without error"
    from rexdecl.documents.render import check_printable

    check_printable(checked.facts, line_table=False)  # before anything is read or rendered
    document = Path(document)
    out = output_path(document, out, force)
    with _pypdf_quiet():
        return _stamp(document, checked, out, force)


def _stamp(document: Path, checked: Checked, out: Path, force: bool) -> StampResult:
    from rexdecl.stamp_pdfa import claimed

    opened = open_pdf(document)
    reader = opened.reader
    try:
        signature = _signature(reader, opened.data)
    except _pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the PDF cannot be read ({reason})").format(path=document, reason=_reason(exc))
        ) from None
    if signature:
        raise StampRefused(
            _(
                "{path} is signed ({what}): adding the statement would invalidate the signature; nothing was written"
            ).format(path=document, what=signature),
            hint=_("Stamp the unsigned document, then sign the stamped one."),
        )
    texts = _page_texts(opened)
    text = "\n".join(page.plain for page in texts)
    if sum(c.isalnum() for c in text) < MIN_TEXT_CHARACTERS:
        raise StampRefused(
            _(
                "{path} has no text layer (a scan or an image?): its invoice number and content "
                "cannot be checked, so no statement is added"
            ).format(path=document),
            hint=_("Stamp the PDF exported from Excel or the accounting software, not a scan of it."),
        )
    found = _STATEMENT_WORDS.search(text) or _STATEMENT_WORDS.search("\n".join(page.layout for page in texts))
    if found:
        raise StampRefused(
            _(
                "{path} already carries a statement on origin ('{words}'): a second one would "
                "contradict or repeat it; nothing was written"
            ).format(path=document, words=" ".join(found.group().split())),
            hint=_("Check the existing statement with 'rexdecl lint', or stamp the document without it."),
        )
    shipment = checked.input.shipment
    check_invoice_number(texts, shipment.invoice_number or "", document)

    try:
        pdfa = claimed(reader)
        stamped = _stamped(opened, checked, pdfa)
    except _pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the PDF cannot be rewritten with the statement ({reason})").format(
                path=document, reason=_reason(exc)
            )
        ) from None
    _lint_result(stamped.pdf, range(stamped.page - 1, stamped.pages_after), document)
    atomic_write_bytes(out, stamped.pdf, overwrite=force)
    return StampResult(
        path=out,
        placement=stamped.placement,
        page=stamped.page,
        pages_before=len(reader.pages),
        pages_after=stamped.pages_after,
        statement=stamped.view.statement.text,
        items_table=bool(stamped.view.rows),
        decrypted=opened.encrypted,
        pdfa=str(pdfa) if pdfa is not None else "",
    )
