"""Reading the file ``rexdecl lint`` is given: the text of each page of a PDF, or the text
of a text file (.txt, .md, .html read as text; Markdown quote markers and HTML tags removed).

The file is read through :mod:`rexdecl.pdfin` (a regular file within the size limit); each
refusal is unusable input naming the file, what was found and what is expected.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from rexdecl import limits, pdfin
from rexdecl.i18n import _, format_count
from rexdecl.lint.pdftext import read_pdf_text
from rexdecl.lint.refusals import megabytes, over_limit, unreadable

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")


def read_document(file: Path, source: str) -> str | list[str]:
    """The text of the text file ``file``, or the text of each page of the PDF ``file``
    (a list); ``source`` names it in messages.

    Raises :class:`~rexdecl.errors.UnreadableInput` when the file is missing, damaged,
    neither PDF nor text, not a regular file, or beyond one of the limits of
    :mod:`rexdecl.limits` (the message names the file, the part and the limit).
    """
    data = _read_input(file, source)
    suffix = file.suffix.lower()
    if data.lstrip()[:5] == b"%PDF-":
        return read_pdf_text(data, source)
    if suffix == ".pdf":
        start = data[:12].decode("latin-1")
        found = (
            _("an empty file") if not data else _("no PDF header (the file starts with {start!r})").format(start=start)
        )
        raise unreadable(source, _("found {found}; expected a PDF starting with %PDF-").format(found=found))
    text = _decode_text(data, source)
    if not text.strip():
        raise unreadable(source, _("found an empty file; expected a PDF or a text file (.txt, .md, .html)"))
    if suffix in (".html", ".htm"):
        text = _html_as_text(text)
    elif suffix in (".md", ".markdown"):
        text = _MD_QUOTE.sub("", text)
    if len(text) > limits.MAX_LINT_TEXT:
        raise over_limit(
            source,
            None,
            _("the text is {found} characters long, more than lint's limit of {limit} characters").format(
                found=format_count(len(text)), limit=format_count(limits.MAX_LINT_TEXT)
            ),
        )
    return text


def _read_input(file: Path, source: str) -> bytes:
    """The bytes of a regular file of at most ``MAX_PDF_FILE_BYTES`` (a FIFO or a device is
    refused, never read: see :func:`rexdecl.pdfin.read_file`), or lint's refusal."""
    expected = _("expected a PDF or a text file (.txt, .md, .html)")
    limit = limits.MAX_PDF_FILE_BYTES
    try:
        return pdfin.read_file(file)
    except pdfin.UnusableFile as problem:
        if problem.problem == "missing":
            raise unreadable(source, _("file not found; {expected}").format(expected=expected)) from None
        if problem.problem == "folder":
            raise unreadable(source, _("found a folder; {expected}").format(expected=expected)) from None
        if problem.problem == "special":
            raise unreadable(
                source,
                _("found {kind}, not a regular file; {expected}").format(kind=_(problem.special), expected=expected),
            ) from None
        if problem.problem == "too-large":
            raise over_limit(
                source,
                None,
                _("the file is {size}, more than lint's limit of {limit}").format(
                    size=megabytes(problem.size), limit=megabytes(limit)
                ),
            ) from None
        if problem.problem == "grew":  # it grew while being read
            raise over_limit(
                source, None, _("the file is larger than lint's limit of {limit}").format(limit=megabytes(limit))
            ) from None
        raise unreadable(
            source,
            _("cannot be read ({error}); expected a readable PDF or text file").format(error=problem.reason),
        ) from None


def _decode_text(data: bytes, source: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise unreadable(
            source,
            _(
                "found a ZIP container (a .docx or .xlsx?); expected a PDF or a text "
                "file (.txt, .md, .html): save the document as PDF"
            ),
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:  # Windows "Unicode" text (UTF-16 with its byte-order mark)
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise unreadable(source, _("found binary data; expected a PDF or a text file (.txt, .md, .html)"))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unreadable(
        source, _("found bytes that are neither UTF-8 nor Windows-1252 text; expected a PDF or a text file in UTF-8")
    )


_MD_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.MULTILINE)  # Markdown quote markers, each line
_BLOCK_OPENING = re.compile(r"<\s*(script|style)\b", re.IGNORECASE)
# A tag ends at the first ">" and never spans another "<": each "<" is looked at once, so a
# file of nothing but "<" costs linear time (with "<[^>]*>" it was quadratic).
_TAG = re.compile(r"<[^<>]*>")


def _html_as_text(text: str) -> str:
    """Tags, scripts and styles removed (line numbers kept: a tag's own line breaks stay),
    entities decoded. Linear in the length of the text, whatever it holds."""

    def keep_lines(part: str) -> str:
        return "\n" * part.count("\n") or " "

    kept: list[str] = []
    at = 0
    unclosed: set[str] = set()  # no closing tag of this name after some point: none after any later one
    for opening in _BLOCK_OPENING.finditer(text):
        name = opening.group(1).lower()
        if opening.start() < at or name in unclosed:
            continue
        closing = re.compile(rf"<\s*/\s*{name}\s*>", re.IGNORECASE).search(text, opening.end())
        if closing is None:
            unclosed.add(name)
            continue
        kept.append(text[at : opening.start()])
        kept.append(keep_lines(text[opening.start() : closing.end()]))
        at = closing.end()
    kept.append(text[at:])
    return html.unescape(_TAG.sub(lambda match: keep_lines(match.group()), "".join(kept)))
