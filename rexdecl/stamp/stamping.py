"""Stamping one document (:func:`stamp_pdf`): the output refused before any work when it
would replace something, the exporter's PDF opened and checked, the statement block added,
the result read back with ``rexdecl lint`` (a statement lint would not read is never
written) and written atomically.
"""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path

from rexdecl import pdfin
from rexdecl.checked import Checked
from rexdecl.errors import UsageError
from rexdecl.i18n import _
from rexdecl.output import atomic_write_bytes
from rexdecl.stamp import renderer
from rexdecl.stamp.document import check_document, open_pdf
from rexdecl.stamp.outcome import StampRefused, StampResult, reason
from rexdecl.stamp.pdfa import claimed
from rexdecl.stamp.writer import add_statement, pdf_bytes

logger = logging.getLogger("rexdecl")


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
    renderer.check_printable(checked.facts)  # before anything is read or rendered
    document = Path(document)
    out = output_path(document, out, force)
    # pypdf's warnings about a damaged file are kept out of the user's terminal (logged at
    # debug level instead): the refusal, if any, says what matters.
    notes = pdfin.PypdfNotes()
    try:
        with pdfin.capture_pypdf_log(notes):
            return _stamp(document, checked, out, force)
    finally:
        for message in notes.messages[:20]:
            logger.debug("pypdf: %s", message)


def _stamp(document: Path, checked: Checked, out: Path, force: bool) -> StampResult:
    opened = open_pdf(document)
    reader = opened.reader
    check_document(opened, checked.input.shipment.invoice_number or "")
    try:
        pdfa = claimed(reader)
        stamped = add_statement(opened, checked, pdfa)
    except pdfin.damaged_pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the PDF cannot be rewritten with the statement ({reason})").format(
                path=document, reason=reason(exc)
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
        pages_pdf = pdf_bytes(extract)
    except pdfin.damaged_pdf_errors() as exc:
        raise StampRefused(
            _("{path}: the stamped document could not be read back ({problems}); nothing was written").format(
                path=document, problems=reason(exc)
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
