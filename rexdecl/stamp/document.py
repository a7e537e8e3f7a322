"""The exporter's PDF, opened and checked before anything is added to it.

The PDF is opened through :mod:`rexdecl.pdfin` (:func:`open_pdf`, the one place that opens
it). It must pass:

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
  (:mod:`rexdecl.stamp.number`) and no statement on origin yet; a scan is refused
  (:func:`check_document`).
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rexdecl import limits, pdfin
from rexdecl.errors import RexdeclError, UsageError
from rexdecl.i18n import _
from rexdecl.stamp.number import PageText, Verdict, find_own_number
from rexdecl.stamp.outcome import StampRefused, reason
from rexdecl.stamp.pages import inherited, page_content, stream_data

logger = logging.getLogger("rexdecl")

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
# A page whose text has fewer letters and digits than this has no usable text layer.
MIN_TEXT_CHARACTERS = 10

# Words of a statement on origin (any scheme, EN/FR/ES) or of the obsolete invoice declaration.
_STATEMENT_WORDS = re.compile(
    r"preferential\s+origin|origine\s+pr[ée]f[ée]rentielle|origen\s+preferencial"
    r"|customs\s+authori[sz]ation\s+no",
    re.IGNORECASE,
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

    Refused: a missing or unreadable file, one larger than ``limits.MAX_PDF_FILE_BYTES``, one
    that is not a PDF or that pypdf cannot parse, one that needs a password to open, one
    without pages or with more than MAX_PAGES. A file encrypted without an open password
    (permissions only, RC4 or AES) is decrypted.
    """
    from pypdf.errors import DependencyError

    try:
        data = pdfin.read_file(document)
    except pdfin.UnusableFile as problem:
        raise _file_refused(problem, document) from None
    if b"%PDF-" not in data[:1024]:
        raise StampRefused(
            _(
                "{path} is not a PDF file; expected the invoice or packing list as PDF "
                "(export it from Excel or the accounting software)"
            ).format(path=document)
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = pdfin.open_reader(data)
            encrypted = bool(reader.is_encrypted)
            pages = len(reader.pages)
    except pdfin.UnusableFile as problem:
        if problem.problem == "password":
            raise StampRefused(
                _(
                    "{path} is protected by a password that is needed to open it: it cannot be "
                    "checked or stamped; nothing was written"
                ).format(path=document),
                hint=_(
                    "Save or export a copy without an open password (restricting permissions only is fine) "
                    "and stamp that."
                ),
            ) from None
        # An encryption method pypdf does not support: what it raised, as for a damaged file.
        error = problem.error if problem.error is not None else problem
        raise StampRefused(
            _("{path}: the PDF cannot be read ({reason})").format(path=document, reason=reason(error))
        ) from None
    except DependencyError as exc:  # the declared dependency 'cryptography' is missing
        raise StampRefused(
            _("{path} is encrypted and cannot be opened here ({reason})").format(path=document, reason=exc),
            hint=_("Reinstall rexdecl with its dependencies (pip install rexdecl)."),
        ) from None
    except pdfin.damaged_pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the PDF cannot be read ({reason})").format(path=document, reason=reason(exc))
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


def _file_refused(problem: pdfin.UnusableFile, document: Path) -> RexdeclError:
    """Stamp's words for a file that cannot be read (see :func:`rexdecl.pdfin.read_file`)."""
    if problem.problem == "missing":
        return UsageError(
            _("{path}: file not found; expected the exporter's invoice or packing list as PDF").format(path=document)
        )
    if problem.problem in ("folder", "special"):
        return UsageError(_("{path} is not a file; expected a PDF file").format(path=document))
    if problem.problem in ("too-large", "grew"):
        return StampRefused(
            _("{path}: the PDF is larger than {limit} MB; an invoice is far smaller").format(
                path=document, limit=limits.MAX_PDF_FILE_BYTES // (1024 * 1024)
            )
        )
    return UsageError(_("{path}: cannot be read ({reason})").format(path=document, reason=problem.reason))


def check_document(opened: OpenedPdf, number: str) -> None:
    """Refuse (:class:`StampRefused`) a document that cannot take the statement: signed, over
    a limit, without a text layer, carrying a statement already, or not showing ``number`` as
    its own document number."""
    document = opened.path
    try:
        signature = _signature(opened.reader, opened.data)
    except pdfin.damaged_pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the PDF cannot be read ({reason})").format(path=document, reason=reason(exc))
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
    check_invoice_number(texts, number, document)


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
                    stream_data(target),
                    form_resources.get_object() if form_resources is not None else resources,
                    depth + 1,
                    path | {key},
                )
            size += costs[key][0]
            draws += costs[key][1] + 1
            check(size, draws, name)
        return size, draws

    resources = inherited(page, "/Resources")
    size, draws = cost(page_content(page), resources.get_object() if resources is not None else None, 0, frozenset())
    check(size, draws, None)
    return size


def _page_texts(opened: OpenedPdf) -> list[PageText]:
    """Each page's text in content order, and the first pages' laid out as on the page.
    Every page's cost is checked first (see :func:`_content_cost`), so that a file over a
    limit is refused before any text is read."""
    reader, document = opened.reader, opened.path
    spent = 0
    for number, page in enumerate(reader.pages, start=1):
        try:
            spent += _content_cost(reader, page, number, document)
        except pdfin.damaged_pdf_errors() as exc:
            raise StampRefused(
                _("{path}: the content of page {page} cannot be read ({reason})").format(
                    path=document, page=number, reason=reason(exc)
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
                    except pdfin.damaged_pdf_errors() as exc:  # the content-order text is still there
                        logger.debug("page %d: no layout text (%s)", number, exc)
        except pdfin.damaged_pdf_errors() as exc:
            raise StampRefused(
                _(
                    "{path}: the text of page {page} cannot be extracted ({reason}), so the document cannot be checked"
                ).format(path=document, page=number, reason=reason(exc))
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
