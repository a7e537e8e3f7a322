"""Lint a statement on origin written elsewhere (``rexdecl lint``).

The statement is looked for in the text of a PDF or a text file, matched word by word
against the statutory texts of ``data/schemes.toml`` (through :func:`rexdecl.legal.schemes`,
never a copy), and every deviation is returned as a finding (rules.md, "Linting statements
made elsewhere"). Nothing here prints or knows about click.

How it works, in order:

1. The text is normalised line by line (Unicode NFKC: ligatures, no-break spaces, "…";
   typographic apostrophes; whitespace collapsed) and the lines are joined, removing the
   hyphen of a word split at a line end ("Gene-" + "ralized"). Every character keeps the
   page and line it came from, so a finding can say where it is.
2. Statements start where a statutory text starts ("The exporter", "L'exportateur",
   "El exportador"), or, when those words were changed, at the paragraph holding a
   distinctive run of statutory words. Each candidate is aligned with the statutory texts
   (difflib on word tokens, the blanks as wildcards) that its words could match best; the
   best alignment names the scheme and language. The known statements of other agreements
   (``data/other-statements.toml``) take part too: one that matches more of the words telling
   it apart from the best scheme text is named (LINT-OTHER-SCHEME), never checked. The
   statement ends at the end of the sentence that carries the criterion.
3. The alignment gives the wording diff (missing / added / changed words) and the text of
   each blank (exporter, REX bracket, country, criterion), which are then checked.

The cost is bounded by the input whatever it holds (``rexdecl.limits``): a regular file of
limited size; for a PDF, pages, content-stream tokens and characters counted while pypdf
extracts the text; the characters of the text; the passages aligned. Each limit reached is
unusable input (exit 2) naming the file, the part and the limit.
"""

from __future__ import annotations

import bisect
import difflib
import html
import io
import json
import logging
import os
import re
import stat
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from rexdecl import legal, limits
from rexdecl.criteria import parse_criterion
from rexdecl.errors import ExitStatus, Problem, UnreadableInput
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import N_, _, ngettext
from rexdecl.model import Location

log = logging.getLogger("rexdecl")

OBSOLETE_SCHEME = "obsolete-invoice-declaration"
OTHER_SCHEME = "other-agreement"  # a statement of an agreement of data/other-statements.toml
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
REX_PATTERN = re.compile(r"[A-Z]{2}REX[A-Z0-9]{1,30}")  # rules.md REX-FORMAT

# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LintedStatement:
    """One statement on origin found in the document, with what its blanks hold."""

    index: int
    scheme: str  # a scheme id of schemes.toml, or OBSOLETE_SCHEME
    language: str
    text: str
    location: Location
    exporter: str | None = None
    identifier: str | None = None  # REX number (or UK customs identification No) as printed
    country: str | None = None
    criterion: str | None = None
    findings: tuple[Finding, ...] = ()
    agreement: str | None = None  # OTHER_SCHEME: the agreement(s) whose text it is

    @property
    def exact(self) -> bool:
        return not any(f.severity == Severity.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "scheme": self.scheme,
            "language": self.language,
            "text": self.text,
            "location": self.location.to_dict(),
            "exporter": self.exporter,
            "identifier": self.identifier,
            "country": self.country,
            "criterion": self.criterion,
            "agreement": self.agreement,
            "exact": self.exact,
        }


@dataclass(frozen=True)
class LintReport:
    """The statements found in one document and every deviation, as findings."""

    source: str
    statements: tuple[LintedStatement, ...]
    findings: tuple[Finding, ...]
    pages: int | None = None  # PDFs: number of pages

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.ERROR)

    @property
    def exit_code(self) -> ExitStatus:
        """0 when every statement is exact, 1 otherwise (including: no statement found)."""
        return ExitStatus.FINDINGS if self.errors else ExitStatus.OK

    def codes(self) -> list[str]:
        """Distinct finding codes, in order of first appearance."""
        return list(dict.fromkeys(f.code for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "pages": self.pages,
            "statements": [s.to_dict() for s in self.statements],
            "findings": [f.to_dict() for f in self.findings],
            "errors": len(self.errors),
            "exit_code": self.exit_code,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


# --- reading files -------------------------------------------------------------------------


def lint_file(path: str | Path) -> LintReport:
    """Lint the statement(s) on origin in a PDF or a text file (.txt, .md, .html read as text).

    Raises :class:`UnreadableInput` when the file is missing, damaged, neither PDF nor text, not a
    regular file, or beyond one of the limits of :mod:`rexdecl.limits` (the message names the
    file, the part and the limit).
    """
    source = str(path)
    file = Path(path)
    data = _read_input(file, source)
    suffix = file.suffix.lower()
    if data.lstrip()[:5] == b"%PDF-":
        return _lint_pdf(data, source)
    if suffix == ".pdf":
        start = data[:12].decode("latin-1")
        found = (
            _("an empty file") if not data else _("no PDF header (the file starts with {start!r})").format(start=start)
        )
        raise _unreadable(source, _("found {found}; expected a PDF starting with %PDF-").format(found=found))
    text = _decode_text(data, source)
    if not text.strip():
        raise _unreadable(source, _("found an empty file; expected a PDF or a text file (.txt, .md, .html)"))
    if suffix in (".html", ".htm"):
        text = _html_as_text(text)
    elif suffix in (".md", ".markdown"):
        text = _MD_QUOTE.sub("", text)
    if len(text) > limits.MAX_LINT_TEXT:
        raise _over_limit(
            source,
            None,
            _("the text is {found:,} characters long, more than lint's limit of {limit:,} characters").format(
                found=len(text), limit=limits.MAX_LINT_TEXT
            ),
        )
    return lint_text(text, source)


def _unreadable(source: str, message: str, part: str | None = None, hint: str | None = None) -> UnreadableInput:
    return UnreadableInput([Problem(Location(source, part=part), message)], hint=hint)


def _over_limit(source: str, part: str | None, found: str) -> UnreadableInput:
    """A refusal by one of lint's limits (``found`` names the limit), and what to do."""
    return _unreadable(
        source,
        _("{found}; expected the documents of one shipment").format(found=found),
        part,
        hint=_("lint only the pages that hold the statement on origin (print them to a new PDF), or a text copy"),
    )


_FILE_KINDS = {
    stat.S_IFIFO: N_("a named pipe (FIFO)"),
    stat.S_IFCHR: N_("a character device"),
    stat.S_IFBLK: N_("a block device"),
    stat.S_IFSOCK: N_("a socket"),
}


def _read_input(file: Path, source: str) -> bytes:
    """The bytes of a regular file of at most ``MAX_LINT_BYTES``. The file is opened without
    blocking and checked on the open handle, so a FIFO or a device is refused, never read."""
    expected = _("expected a PDF or a text file (.txt, .md, .html)")
    try:
        handle = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise _unreadable(source, _("file not found; {expected}").format(expected=expected)) from None
    except IsADirectoryError:
        raise _unreadable(source, _("found a folder; {expected}").format(expected=expected)) from None
    except OSError as error:
        raise _unreadable(
            source,
            _("cannot be read ({error}); expected a readable PDF or text file").format(error=error.strerror or error),
        ) from None
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise _unreadable(source, _("found a folder; {expected}").format(expected=expected))
        if not stat.S_ISREG(info.st_mode):
            kind = _FILE_KINDS.get(stat.S_IFMT(info.st_mode), N_("a special file"))
            raise _unreadable(
                source, _("found {kind}, not a regular file; {expected}").format(kind=_(kind), expected=expected)
            )
        limit = limits.MAX_LINT_BYTES
        if info.st_size > limit:
            raise _over_limit(
                source,
                None,
                _("the file is {size}, more than lint's limit of {limit}").format(
                    size=_megabytes(info.st_size), limit=_megabytes(limit)
                ),
            )
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        raise _unreadable(
            source,
            _("cannot be read ({error}); expected a readable PDF or text file").format(error=error.strerror or error),
        ) from None
    finally:
        os.close(handle)
    if len(data) > limit:  # it grew while being read
        raise _over_limit(
            source, None, _("the file is larger than lint's limit of {limit}").format(limit=_megabytes(limit))
        )
    return data


def _megabytes(size: int) -> str:
    return _("{size} MB").format(size=f"{size / (1024 * 1024):.1f}".removesuffix(".0"))


def _decode_text(data: bytes, source: str) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise _unreadable(
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
        raise _unreadable(source, _("found binary data; expected a PDF or a text file (.txt, .md, .html)"))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable(
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


def _lint_pdf(data: bytes, source: str) -> LintReport:
    pages = read_pdf_text(data, source)
    if not any(page.strip() for page in pages):
        finding = Finding(
            "LINT-NO-STATEMENT",
            Severity.ERROR,
            ngettext(
                "the PDF ({n} page) has no text layer: it is a scan or an image, so no "
                "statement on origin can be read. Ask for a PDF with text, or check the "
                "statement by eye against the statutory text.",
                "the PDF ({n} pages) has no text layer: it is a scan or an image, so no "
                "statement on origin can be read. Ask for a PDF with text, or check the "
                "statement by eye against the statutory text.",
                len(pages),
            ).format(n=len(pages)),
            Location(source),
            _reference("LINT-NO-STATEMENT", _eu()),
            "statement",
        )
        return LintReport(source, (), (finding,), len(pages))
    lines = [
        _Line(number, index, line)
        for number, text in enumerate(pages, 1)
        for index, line in enumerate(text.splitlines(), 1)
    ]
    empty = [number for number, text in enumerate(pages, 1) if not text.strip()]
    return _lint_document(_Document(lines, paged=True), source, pages=len(pages), empty_pages=empty)


def lint_text(text: str, source: str) -> LintReport:
    """Lint the statement(s) on origin in ``text``; findings name lines of ``source``."""
    lines = [_Line(None, number, line) for number, line in enumerate(text.splitlines(), 1)]
    return _lint_document(_Document(lines, paged=False), source)


# --- reading PDFs ---------------------------------------------------------------------------
# The one place where lint opens a PDF (pypdf). Kept apart so that it can be shared with the
# other command that reads PDFs made elsewhere.


def read_pdf_text(data: bytes, source: str) -> list[str]:
    """The text of each page of the PDF ``data`` (pypdf's extraction), for ``source``.

    A PDF encrypted without a user password (permissions only, RC4 or AES) is opened; one that
    needs a password, a damaged one and one beyond the limits of :mod:`rexdecl.limits` raise
    :class:`UnreadableInput` naming the file, the part (the page) and the limit. pypdf's
    warnings about a damaged file go into the message, not to the terminal. The cost is bounded
    by the limits whatever the file holds: pages, content-stream operators and operands (forms
    included), characters of text, and pypdf's own limits on decompressed streams.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, LimitReachedError, PyPdfError

    notes = _PdfNotes()
    budget = _PdfBudget(notes)
    pages: list[str] = []
    try:
        with _pypdf_log(notes), _pypdf_limits(tokens=limits.MAX_LINT_PDF_TOKENS):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                _decrypt(reader, source)
            count = len(reader.pages)
            if count > limits.MAX_LINT_PAGES:
                raise _over_limit(
                    source,
                    None,
                    _("the PDF has {found:,} pages, more than lint's limit of {limit:,} pages").format(
                        found=count, limit=limits.MAX_LINT_PAGES
                    ),
                )
            characters = 0
            for number, page in enumerate(reader.pages, 1):
                budget.start(number)
                # pypdf parses a whole content stream before its first operation is visited:
                # its parser gets what is left of the budget, so parsing is bounded too.
                with _pypdf_limits(tokens=budget.left()):
                    text = page.extract_text(visitor_operand_before=budget.operation, visitor_text=budget.text) or ""
                budget.check()
                characters += len(text)
                if characters > limits.MAX_LINT_TEXT:
                    raise _PdfLimit(
                        number,
                        _(
                            "the text of pages 1 to {page} is {found:,} characters long, more than lint's "
                            "limit of {limit:,} characters for a document"
                        ).format(page=number, found=characters, limit=limits.MAX_LINT_TEXT),
                    )
                pages.append(text)
    except UnreadableInput:
        raise
    except _PdfLimit as over:
        raise _over_limit(source, _("page {n}").format(n=over.page), str(over)) from None
    except DependencyError as error:  # AES without its library; a filter that needs a program
        raise _unreadable(
            source,
            _(
                "found a PDF that needs a component which is not installed to be read ({detail}); "
                "expected a PDF that can be read"
            ).format(detail=str(error)[:160]),
            _("page {n}").format(n=budget.page) if budget.page else None,
            hint=_("reinstall rexdecl with its dependencies, or ask the sender for the document as text"),
        ) from None
    except LimitReachedError as error:
        part = _("page {n}").format(n=budget.page) if budget.page else None
        if budget.page and "number of tokens" in str(error):  # the parser stopped at what was left
            raise _over_limit(source, part, budget.message()) from None
        raise _unreadable(
            source,
            _("a part of the PDF is beyond the PDF reader's safety limits ({detail}); expected an ordinary PDF").format(
                detail=str(error)[:160]
            ),
            part,
            hint=_("ask the sender for the file again, or for the document as text"),
        ) from None
    # pypdf reports damaged files through many exception types, not one family.
    except (
        PyPdfError,
        ValueError,
        LookupError,
        TypeError,
        AttributeError,
        AssertionError,
        OSError,
        RecursionError,
        ArithmeticError,
        NotImplementedError,
    ) as error:
        detail = "; ".join([str(error)[:160], *notes.messages[:3]])
        raise _unreadable(
            source,
            _("found a damaged PDF ({kind}: {detail}); expected a PDF that can be read").format(
                kind=type(error).__name__, detail=detail
            ),
            _("page {n}").format(n=budget.page) if budget.page else None,
            hint=_("ask the sender for the file again, or for the document as text"),
        ) from None
    for message in notes.messages:
        log.debug("%s: pypdf: %s", source, message)
    return pages


def _decrypt(reader: Any, source: str) -> None:
    """Open an encrypted PDF with the empty user password (the common permissions-only
    encryption); a PDF that needs a password is refused."""
    try:
        opened = reader.decrypt("")
    except NotImplementedError as error:
        raise _unreadable(
            source,
            _(
                "found a PDF encrypted with a method the PDF reader does not support ({detail}); expected a PDF that can be read"
            ).format(detail=str(error)[:160]),
            hint=_("ask the sender for the PDF without encryption, or for the document as text"),
        ) from None
    if not opened:
        raise _unreadable(
            source,
            _("found an encrypted PDF that needs a password; expected a PDF that can be read"),
            hint=_("ask the sender for the PDF without a password, or for the document as text"),
        )


class _PdfLimit(Exception):
    """A limit reached while pypdf extracts a page's text (raised from its visitors)."""

    def __init__(self, page: int, message: str) -> None:
        super().__init__(message)
        self.page = page


class _PdfBudget:
    """Counts the content-stream tokens (operators and operands, forms included) and the
    characters of text pypdf meets while extracting text, and stops it at the limits. pypdf
    swallows (and logs) an exception raised inside a form XObject: the next operation, or the
    end of the page, raises it again."""

    def __init__(self, notes: _PdfNotes) -> None:
        self.tokens = 0
        self.page = 0
        self.characters = 0  # of the current page
        self.over: _PdfLimit | None = None
        self.notes = notes
        self.seen = 0  # pypdf's warnings already looked at

    def start(self, page: int) -> None:
        self.page, self.characters = page, 0

    def left(self) -> int:
        return max(1, limits.MAX_LINT_PDF_TOKENS - self.tokens)

    def message(self) -> str:
        return _(
            "the content up to page {page} holds more drawing operations than lint's limit of {limit:,} "
            "operators and operands for a document"
        ).format(page=self.page, limit=limits.MAX_LINT_PDF_TOKENS)

    def operation(self, _operator: Any, operands: Any, _cm: Any, _tm: Any) -> None:
        self.tokens += 1
        if isinstance(operands, list):
            self.tokens += len(operands) + sum(len(o) for o in operands if isinstance(o, list))
        if self.over is None and self.tokens > limits.MAX_LINT_PDF_TOKENS:
            self.over = _PdfLimit(self.page, self.message())
        self.check()

    def text(self, text: Any, _cm: Any, _tm: Any, _font: Any, _size: Any) -> None:
        self.characters += len(text) if isinstance(text, str) else 0
        if self.over is None and self.characters > limits.MAX_LINT_PAGE_TEXT:
            self.over = _PdfLimit(
                self.page,
                _("the text of the page is longer than lint's limit of {limit:,} characters a page").format(
                    limit=limits.MAX_LINT_PAGE_TEXT
                ),
            )
        self.check()

    def check(self) -> None:
        # A form whose parsing reached the budget, or too many forms on a page: pypdf skips
        # their text with a warning. A limit all the same, never text silently left out.
        for note in self.notes.messages[self.seen :]:
            if self.over is None and "maximum number of tokens" in note:
                self.over = _PdfLimit(self.page, self.message())
            elif self.over is None and "form XObject invocations" in note:
                self.over = _PdfLimit(
                    self.page,
                    _(
                        "a part of the PDF is beyond the PDF reader's safety limits ({detail}); expected an ordinary PDF"
                    ).format(detail=note[:160]),
                )
        self.seen = len(self.notes.messages)
        if self.over is not None:
            raise _PdfLimit(self.over.page, str(self.over))


@contextmanager
def _pypdf_limits(tokens: int) -> Iterator[None]:
    """pypdf's own limits, lowered for lint where they are larger than any invoice needs, and
    at most ``tokens`` parsed in one content stream. Older pypdf releases without
    ``apply_configuration`` keep their built-in defaults."""
    import pypdf

    apply = getattr(pypdf, "apply_configuration", None)
    current = getattr(pypdf, "get_configuration", lambda: None)()
    if apply is None or current is None:
        yield
        return
    size = limits.MAX_LINT_PDF_STREAM_BYTES
    wanted = {
        "zlib_maximum_output_length": size,
        "lzw_maximum_output_length": size,
        "run_length_maximum_output_length": size,
        "array_based_stream_maximum_output_length": size,
        "brotli_maximum_output_length": size,
        "jbig2_maximum_output_length": size,
        "image_maximum_buffer_size": size,
        "stream_parsing_work_maximum_count": tokens,
    }
    overwrites = {name: value for name, value in wanted.items() if min(value, getattr(current, name, 0)) == value}
    with apply(**overwrites):
        yield


@contextmanager
def _pypdf_log(notes: logging.Handler) -> Iterator[None]:
    pdf_log = logging.getLogger("pypdf")
    pdf_log.addHandler(notes)
    propagate, pdf_log.propagate = pdf_log.propagate, False
    try:
        yield
    finally:
        pdf_log.removeHandler(notes)
        pdf_log.propagate = propagate


class _PdfNotes(logging.Handler):
    """pypdf's own warnings about a damaged file, kept for the error message rather than
    printed by logging's last-resort handler."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < 1_000:  # a hostile file can make pypdf warn without end
            self.messages.append(record.getMessage()[:300])


# --- normalising the text -------------------------------------------------------------------

_SUPERSCRIPTS = str.maketrans({c: f"({d})" for c, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789", strict=True)})
_CHARACTERS = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u00ad": "",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
    }
)


def normalise_line(line: str) -> str:
    """One line of extracted text as the matcher reads it: NFKC (ligatures, no-break spaces,
    "…" → "..."), straight apostrophes, superscript digits as footnote markers "(1)", single
    spaces."""
    line = unicodedata.normalize("NFKC", line.translate(_SUPERSCRIPTS)).translate(_CHARACTERS)
    return " ".join(line.split())


def normalise(text: str) -> str:
    """``text`` flattened as matched: lines normalised, split words rejoined, one space between."""
    lines = [_Line(None, n, line) for n, line in enumerate(text.splitlines(), 1)]
    document = _Document(lines, paged=False)
    return " ".join(document.text.split())


@dataclass(frozen=True)
class _Line:
    page: int | None
    number: int
    text: str


class _Document:
    """The normalised text, with the page and line of every character."""

    def __init__(self, lines: Sequence[_Line], paged: bool) -> None:
        self.paged = paged
        self.places: list[tuple[int | None, int]] = []
        chars: list[str] = []
        origin: list[int] = []
        for line in lines:
            self.places.append((line.page, line.number))
            place = len(self.places) - 1
            text = normalise_line(line.text)
            if not text:
                if chars and chars[-2:] != ["\n", "\n"]:
                    chars.append("\n")
                    origin.append(origin[-1])
                continue
            if len(chars) >= 2 and chars[-1] == "-" and chars[-2].isalpha() and text[0].islower():
                # A word split at the line end: "Gene-" + "ralized".
                chars.pop()
                origin.pop()
            elif chars and chars[-1] != "\n":
                chars.append("\n")
                origin.append(place)
            chars.extend(text)
            origin.extend([place] * len(text))
        self.text = "".join(chars)
        self.origin = origin

    def where(self, char: int) -> str:
        """``page 2`` (PDF) or ``line 14`` (text) for a character offset."""
        if not self.origin:
            return _("line {n}").format(n=1)
        page, number = self.places[self.origin[max(0, min(char, len(self.origin) - 1))]]
        if self.paged and page is not None:
            return _("page {n}").format(n=page)
        return _("line {n}").format(n=number)


# --- tokens -------------------------------------------------------------------------------

# Words (with inner dots/slashes/hyphens: "96.18", "XC/XL"), French elisions ("L'", "d'")
# and brackets; other punctuation is not compared.
_TOKEN = re.compile(r"[^\W\d_]{1,3}'(?=\w)|\w+(?:[./-]\w+)*|[()\[\]]")
_SPELLING = {"generalised": "generalized"}  # statement-on-origin.md "Filling the blanks" 7
_FOOTNOTE = re.compile(r"\(\s*\d{1,2}\s*\)")
_DOTS = re.compile(r"\.{2,}|(?:\.\s){2,}\.")


def _fold(text: str) -> str:
    """Case and accents ignored: "UNIÓN EUROPEA" reads as "unión europea"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _key(word: str) -> str:
    key = _fold(word)
    return _SPELLING.get(key, key)


class _Tok(NamedTuple):  # a tuple: a document has up to a million of them
    start: int
    end: int
    text: str
    key: str


def _tokens(text: str, hidden: Sequence[tuple[int, int]]) -> list[_Tok]:
    """The words of ``text`` outside the ``hidden`` ranges (sorted, not overlapping)."""
    out: list[_Tok] = []
    append = out.append
    keys: dict[str, str] = {}
    new = tuple.__new__  # _Tok(...) without the Python frame of its __new__: up to a million calls
    h, count = 0, len(hidden)
    for match in _TOKEN.finditer(text):
        start = match.start()
        if count:
            while h < count and hidden[h][1] <= start:
                h += 1
            if h < count and hidden[h][0] <= start:
                continue
        word = match.group()
        key = keys.get(word)
        if key is None:
            key = keys[word] = _key(word)
        append(new(_Tok, (start, match.end(), word, key)))
    return out


def _without_name_brackets(tokens: list[_Tok]) -> list[_Tok]:
    """The tokens without the brackets of a name such as "ABC (PRIVATE) LIMITED" or "(PVT) LTD":
    one to three words in brackets, no digit, none of the words of a registration bracket and
    no REX. Kept, they would be read as the statement's registration bracket."""
    words = _bracket_words()
    dropped: set[int] = set()
    for i, token in enumerate(tokens):
        if token.text != "(" or i + 2 >= len(tokens) or tokens[i + 1].text in "()[]":
            continue
        close = i + 2
        while close < min(i + 5, len(tokens)) and tokens[close].text not in "()[]":
            close += 1
        if close >= len(tokens) or tokens[close].text != ")":
            continue
        inside = tokens[i + 1 : close]
        if all(not any(c.isdigit() for c in t.text) and t.key not in words and "rex" not in t.key for t in inside):
            dropped.update((i, close))
    return [t for i, t in enumerate(tokens) if i not in dropped] if dropped else tokens


# --- statutory texts as token templates -----------------------------------------------------


@dataclass(frozen=True)
class _TTok:
    text: str
    key: str
    start: int  # offsets in the template's display text (blanks shown as "…")
    end: int
    slot: str | None = None  # exporter | rex | country | criterion
    bracket: bool = False  # part of the registration bracket, which may be left out as a whole


@dataclass(frozen=True)
class _Template:
    scheme: legal.Scheme
    language: str
    texts: legal.SchemeText
    display: str  # the statutory text with every blank shown as "…"
    tokens: tuple[_TTok, ...]
    # A text of other agreements (data/other-statements.toml): recognised, never checked.
    others: tuple[OtherStatement, ...] = ()

    def slot_index(self, name: str) -> int | None:
        return next((i for i, t in enumerate(self.tokens) if t.slot == name), None)

    @property
    def body(self) -> tuple[int, ...]:
        """Indices of the fixed words outside the bracket."""
        return tuple(i for i, t in enumerate(self.tokens) if not t.slot and not t.bracket)

    def words(self, low: int, high: int) -> str:
        """The statutory text from token ``low`` to token ``high`` (exclusive), as printed."""
        low, high = max(0, low), min(len(self.tokens), high)
        if low >= high:
            return ""
        return self.display[self.tokens[low].start : self.tokens[high - 1].end]

    def around(self, low: int, high: int, words: int = 3) -> str:
        """Tokens ``low:high`` with ``words`` words either side (brackets not counted)."""
        for _step in range(words):
            low -= 1
            while low > 0 and self.tokens[low].text in "()":
                low -= 1
            high += 1
            while high < len(self.tokens) and self.tokens[high - 1].text in "()":
                high += 1
        return self.words(low, high)

    def bracket(self, number: str = "…") -> str:
        indices = [i for i, t in enumerate(self.tokens) if t.bracket]
        if not indices:
            return ""
        return self.words(indices[0], indices[-1] + 1).replace("…", number)


_SLOT = re.compile(r"\{(\w+)\}")


def _template(scheme: legal.Scheme, language: str, texts: legal.SchemeText) -> _Template:
    bracket_at = texts.statement.find("{rex_bracket}")
    expanded = texts.statement.replace("{rex_bracket}", texts.rex_bracket)
    bracket_end = bracket_at + len(texts.rex_bracket) if bracket_at >= 0 else -1
    display = ""
    tokens: list[_TTok] = []
    position = 0  # in ``expanded``
    for index, part in enumerate(_SLOT.split(expanded)):
        in_bracket = bracket_at <= position < bracket_end
        if index % 2 == 0:
            for match in _TOKEN.finditer(part):
                in_bracket = bracket_at <= position + match.start() < bracket_end
                start = len(display) + match.start()
                word = match.group()
                tokens.append(_TTok(word, _key(word), start, start + len(word), None, in_bracket))
            display += part
            position += len(part)
        else:
            at = len(display)
            tokens.append(_TTok("", "\x00" + part, at, at + 1, part, in_bracket))
            display += "…"
            position += len(part) + 2
    return _Template(scheme, language, texts, display, tuple(tokens))


@cache
def _templates() -> tuple[_Template, ...]:
    return tuple(
        _template(scheme, language, texts)
        for scheme in legal.schemes().values()
        if scheme.enabled
        for language, texts in scheme.texts.items()
    )


@dataclass(frozen=True)
class OtherStatement:
    """A statement on origin of an agreement rexdecl does not check (other-statements.toml)."""

    id: str
    agreement: str
    short_name: str
    legal_basis: str
    language: str
    statement: str
    rex_bracket: str
    quoted: str
    number: str
    mark: str
    source: str


@cache
def other_statements() -> tuple[OtherStatement, ...]:
    """The known statements of other agreements, with source and evidence mark."""
    raw = tomllib.loads(resources.files("rexdecl.data").joinpath("other-statements.toml").read_text(encoding="utf-8"))
    names = [f.name for f in fields(OtherStatement)]
    return tuple(OtherStatement(**{name: entry.get(name, "") for name in names}) for entry in raw.get("statement", ()))


@cache
def _other_templates() -> tuple[_Template, ...]:
    """One template per distinct text of other-statements.toml: agreements sharing a wording
    (EU–Japan EPA, EU–UK TCA) cannot be told apart, and are named together."""
    groups: dict[tuple[str, str, str], list[OtherStatement]] = {}
    for entry in other_statements():
        groups.setdefault((entry.language, entry.statement, entry.rex_bracket), []).append(entry)
    out = []
    for (language, statement, bracket), entries in groups.items():
        texts = legal.SchemeText(
            statement=statement, rex_bracket=bracket, item="", items="", not_originating="", cumulation={}
        )
        scheme = legal.Scheme(
            id=OTHER_SCHEME,
            name="; ".join(e.agreement for e in entries),
            enabled=True,
            disabled_reason="",
            legal_basis="; ".join(legal.with_mark(e.legal_basis, e.mark) for e in entries),
            mark="",
            source="; ".join(e.source for e in entries),
            languages=(language,),
            identifier="rex",
            territory_file=None,
            territory_codes=(),
            beneficiaries_file=None,
            beneficiaries=(),
            threshold=None,
            threshold_currency=None,
            threshold_code=None,
            rate_field=None,
            threshold_reference="",
            cumulation=(),
            cumulation_note="",
            rex_dates=False,
            signature=False,
            texts={language: texts},
        )
        out.append(replace(_template(scheme, language, texts), others=tuple(entries)))
    return tuple(out)


@cache
def _all_templates() -> tuple[_Template, ...]:
    """The statutory texts of the schemes, then the texts of other agreements."""
    return _templates() + _other_templates()


@cache
def _distinctive() -> frozenset[str]:
    """Words that only some statutory texts of a language have ("Union", "Norway",
    "Trading"): finding one counts double when choosing the scheme."""
    out: set[str] = set()
    for language in {t.language for t in _templates()}:
        keys = [{t.key for t in template.tokens} for template in _templates() if template.language == language]
        out |= set[str]().union(*keys) - keys[0].intersection(*keys[1:])
    return frozenset(out)


@cache
def _bracket_words() -> frozenset[str]:
    """The words of every registration bracket of the texts ("number", "registered",
    "customs", "reference", "no"…) and of the obsolete declaration's."""
    words = {t.key for template in _all_templates() for t in template.tokens if t.bracket and not t.slot}
    words.update(_key(w) for w in ("customs", "authorization", "authorisation", "autorisation", "autorizacion"))
    return frozenset(words - {"(", ")"})


def _eu() -> legal.Scheme:
    return legal.schemes()["eu-gsp"]


# --- alignment ------------------------------------------------------------------------------


@dataclass
class _Run:
    """Consecutive template words and document words that do not match."""

    a: list[int] = field(default_factory=list)
    b: list[int] = field(default_factory=list)
    a_pos: int = 0
    b_pos: int = 0


@dataclass
class _Alignment:
    template: _Template
    tokens: list[_Tok]
    runs: list[_Run]
    slots: dict[str, tuple[int, list[int]]]  # slot -> (document position, words it holds)
    matched: dict[int, int]  # template index -> document index, exact matches
    touched: set[int]  # template indices matched or changed

    @property
    def score(self) -> int:
        """Statutory words found in order. On a tie the first text of schemes.toml wins (EU
        GSP), so a statement that lacks the words naming its scheme is read as EU GSP."""
        distinctive = _distinctive()
        return sum(2 if self.template.tokens[i].key in distinctive else 1 for i in self.matched)

    @property
    def matched_body(self) -> int:
        return sum(1 for i in self.template.body if i in self.matched)


@cache
def _similar(a: str, b: str) -> bool:
    """A misspelling rather than another word ("Preferencies" for "Preferences")."""
    if min(len(a), len(b)) < 3 or abs(len(a) - len(b)) > max(len(a), len(b)) // 3:
        return False
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= 0.75 and matcher.ratio() >= 0.75


_Step = tuple[str, int | None, int | None]
_RESOLVE_CELLS = 2500


def _resolve(items: Sequence[_TTok], words: Sequence[str]) -> list[_Step]:
    """Align a difflib "replace" block that holds a blank: a small edit-distance table where a
    blank takes any number of words almost for free, so fixed words are matched first."""
    n, m = len(items), len(words)
    if n * m > _RESOLVE_CELLS:
        # Nothing alike (another language's text, or no statement): a rough answer will do,
        # the first blank takes the words.
        steps: list[_Step] = []
        for i, token in enumerate(items):
            steps.append(("slotpos" if token.slot else "del", i, None))
        first = next(i for i, token in enumerate(items) if token.slot)
        at = steps.index(("slotpos", first, None)) + 1
        steps[at:at] = [("slot", first, j) for j in range(m)]
        return steps
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            best, how = inf, ""
            item = items[i - 1] if i else None
            if item is not None and item.slot:
                if cost[i - 1][j] < best:
                    best, how = cost[i - 1][j], "slotpos"
                # The bracket's blank takes words only when nothing else can (no bracket:
                # the words are the exporter's name).
                take = 0.2 if item.bracket else 0.05
                if j and cost[i][j - 1] + take < best:
                    best, how = cost[i][j - 1] + take, "slot"
            elif item is not None:
                if cost[i - 1][j] + 1.0 < best:
                    best, how = cost[i - 1][j] + 1.0, "del"
                if j:
                    if item.key == words[j - 1]:
                        step = 0.0
                    elif _similar(item.key, words[j - 1]):
                        step = 0.6
                    else:
                        step = 1.5
                    if cost[i - 1][j - 1] + step < best:
                        best, how = cost[i - 1][j - 1] + step, "eq" if step == 0.0 else "sub"
            if j and cost[i][j - 1] + 1.0 < best:
                best, how = cost[i][j - 1] + 1.0, "ins"
            cost[i][j], back[i][j] = best, how
    steps = []
    i, j = n, m
    while i or j:
        how = back[i][j]
        if how in ("eq", "sub"):
            steps.append((how, i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == "slot":
            steps.append((how, i - 1, j - 1))
            j -= 1
        elif how in ("slotpos", "del"):
            steps.append((how, i - 1, None))
            i -= 1
        else:
            steps.append(("ins", None, j - 1))
            j -= 1
    steps.reverse()
    return steps


def _align(template: _Template, tokens: list[_Tok]) -> _Alignment:
    a = template.tokens
    a_keys = [t.key for t in a]
    b_keys = [t.key for t in tokens]
    steps: list[_Step] = []
    matcher = difflib.SequenceMatcher(None, a_keys, b_keys, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            steps.extend(("eq", i1 + k, j1 + k) for k in range(i2 - i1))
        elif op == "delete":
            steps.extend(("slotpos" if a[i].slot else "del", i, None) for i in range(i1, i2))
        elif op == "insert":
            steps.extend(("ins", None, j) for j in range(j1, j2))
        elif any(a[i].slot for i in range(i1, i2)):
            for how, i, j in _resolve(a[i1:i2], b_keys[j1:j2]):
                steps.append((how, None if i is None else i + i1, None if j is None else j + j1))
        else:
            steps.extend(("del", i, None) for i in range(i1, i2))
            steps.extend(("ins", None, j) for j in range(j1, j2))

    runs: list[_Run] = []
    slots: dict[str, tuple[int, list[int]]] = {}
    matched: dict[int, int] = {}
    touched: set[int] = set()
    run: _Run | None = None
    a_pos = b_pos = 0
    for how, i, j in steps:
        if how in ("eq", "slotpos", "slot"):
            run = None
        if how == "eq":
            assert i is not None and j is not None
            matched[i] = j
            touched.add(i)
        elif how == "slotpos":
            assert i is not None
            slots[a[i].slot or ""] = (b_pos, [])
        elif how == "slot":
            assert i is not None and j is not None
            slots[a[i].slot or ""][1].append(j)
        else:
            if run is None:
                run = _Run(a_pos=a_pos, b_pos=b_pos)
                runs.append(run)
            if i is not None:
                run.a.append(i)
                if how == "sub":
                    touched.add(i)
            if j is not None:
                run.b.append(j)
        if i is not None:
            a_pos = i + 1
        if j is not None:
            b_pos = j + 1
    return _Alignment(template, tokens, runs, slots, matched, touched)


# --- finding statements ---------------------------------------------------------------------

_SLOT_ROOM = {"exporter": 25, "rex": 12, "country": 6, "criterion": 30}
_WINDOW = 150


def _last_reliable(alignment: _Alignment) -> tuple[int, int] | None:
    """The last exact match reached without a long unexplained gap (so that words of the
    following text matched by chance do not stretch the statement)."""
    tokens = alignment.template.tokens
    previous: tuple[int, int] | None = None
    for i, j in sorted(alignment.matched.items()):
        if previous is not None:
            room = 8 + sum(_SLOT_ROOM.get(t.slot or "", 0) for t in tokens[previous[0] + 1 : i])
            if j - previous[1] - 1 > room:
                break
        previous = (i, j)
    return previous


def _sentence_end(text: str, start: int, limit: int, need_content: bool) -> int:
    """Where the statement's sentence ends: a full stop (not inside "96.18", not "…"), or a
    line break after the criterion that does not continue it; never beyond ``limit``."""
    depth = 0
    seen = not need_content
    i = start
    while i < limit:
        char = text[i]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char == "." and depth == 0:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            # The closing quote of a statement printed in quotes ends it too: '… is P."'.
            following = text[i + 2] if i + 2 < len(text) else ""
            quoted = after in "\"'" and (not following or following.isspace())
            if (
                before != "."
                and after != "."
                and not (before.isdigit() and after.isdigit())
                and (not after or after.isspace() or quoted)
            ):
                return i
        elif char == "\n" and depth == 0 and seen:
            line_start = text.rfind("\n", start, i) + 1
            before_line = text[max(line_start, start) : i].rstrip()
            next_line = text[i + 1 : i + 40].lstrip()
            continues = (
                re.search(r"(?:[,(&–-]|\b(?:W|and|et|y|is|est|es))$", before_line, re.IGNORECASE) is not None
                or re.match(r"(?:\(|[a-zà-ÿ]|(?:and|et|y)\b)", next_line) is not None
            )
            if not continues or text[i + 1 : i + 2] == "\n":
                return i
        if not char.isspace():
            seen = True
        i += 1
    return limit


@dataclass(frozen=True)
class _Candidate:
    alignment: _Alignment
    start: int  # char offsets in the document text
    end: int  # exclusive; the final full stop is not part of the criterion
    first: int  # token indices in the document
    last: int


def _needed(template: _Template) -> int:
    """Statutory words a candidate must match in order to be a statement, however badly copied:
    about a third of the text's fixed words, at least 8."""
    return max(8, len(template.body) * 3 // 10)


@dataclass(frozen=True)
class _Profile:
    """The words of a template, counted: what its alignment with some words can score at most."""

    scored: tuple[tuple[str, int, int], ...]  # key, occurrences, weight in the score (fixed words)
    body: tuple[tuple[str, int], ...]  # key, occurrences (fixed words outside the bracket)
    needed: int


@cache
def _profiles() -> tuple[_Profile, ...]:
    """One profile per template of :func:`_all_templates`, in the same order."""
    distinctive = _distinctive()
    out = []
    for template in _all_templates():
        fixed = Counter(t.key for t in template.tokens if not t.slot)
        body = Counter(template.tokens[i].key for i in template.body)
        scored = tuple((key, count, 2 if key in distinctive else 1) for key, count in fixed.items())
        out.append(_Profile(scored, tuple(body.items()), _needed(template)))
    return tuple(out)


class _WorkLimit(Exception):
    """More passages compared with the statutory texts than lint's limit allows."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


class _Work:
    """The costly step of finding statements, counted: aligning a passage with a statutory text
    (about a millisecond each). A real document needs a few per statement; a text made of
    statutory phrases over and over would need hundreds of thousands."""

    def __init__(self) -> None:
        self.alignments = 0
        self.hopeless: set[tuple[bool | None, tuple[str, ...]]] = set()  # windows that cannot make a statement

    def align(self, template: _Template, tokens: list[_Tok]) -> _Alignment:
        self.alignments += 1
        if self.alignments > limits.MAX_LINT_ALIGNMENTS:
            raise _WorkLimit(tokens[0].start if tokens else 0)
        return _align(template, tokens)


def _best(tokens: list[_Tok], work: _Work, others: bool | None = None) -> _Alignment | None:
    """The alignment of ``tokens`` with the highest score, the first template winning a tie —
    as ``max(_align(t, tokens) for t in templates)``, but a template is aligned only when the
    words of ``tokens`` could give it a winning score. The templates: all (``others`` None),
    the schemes' (False) or the other agreements' (True). None when no template could match the
    words a statement needs (most windows of an invoice's text): then nothing is aligned."""
    templates, profiles = _all_templates(), _profiles()
    indices = [i for i, t in enumerate(templates) if others is None or bool(t.others) == others]
    keys = tuple(t.key for t in tokens)
    if (others, keys) in work.hopeless:
        return None
    counts = Counter(keys)
    if all(sum(min(counts[key], n) for key, n in profiles[i].body) < profiles[i].needed for i in indices):
        work.hopeless.add((others, keys))
        return None
    bounds = {i: sum(weight * min(counts[key], n) for key, n, weight in profiles[i].scored) for i in indices}
    best: _Alignment | None = None
    best_index = 0
    for index in sorted(indices, key=lambda i: (-bounds[i], i)):
        # (bound, -index) only decreases along this order: nothing further on can win.
        if best is not None and (bounds[index], -index) <= (best.score, -best_index):
            break
        alignment = work.align(templates[index], tokens)
        if best is None or (alignment.score, -index) > (best.score, -best_index):
            best, best_index = alignment, index
    return best


def _candidate(doc: _Document, tokens: list[_Tok], first: int, stop: int, work: _Work) -> _Candidate | None:
    window = tokens[first : min(stop, first + _WINDOW)]
    best = _best(window, work)
    if best is None:
        return None
    reliable = _last_reliable(best)
    if reliable is None:
        return None
    a_index, b_index = reliable
    criterion_at = best.template.slot_index("criterion")
    need_content = criterion_at is not None and a_index >= criterion_at - 1
    limit = tokens[stop].start if stop < len(tokens) else len(doc.text)
    limit = min(limit, window[b_index].end + 400)
    end = _sentence_end(doc.text, window[b_index].end, limit, need_content)
    cut = [t for t in window if t.start < end]
    best = _identify(cut, work)
    if best is None:
        return None
    return _Candidate(best, cut[0].start, end, first, first + len(cut))


def _identify(tokens: list[_Tok], work: _Work) -> _Alignment | None:
    """Whose statement ``tokens`` are: the best text of the schemes, unless a known text of
    another agreement matches more of the words that tell the two apart ("Exporter Reference
    No" against "Number of Registered Exporter … according to rules of origin"). A tie goes to
    the scheme, so a scheme added to the data with an agreement's wording is linted as such.
    Either must match the words a statement needs."""

    def statement(alignment: _Alignment | None) -> _Alignment | None:
        return alignment if alignment is not None and alignment.matched_body >= _needed(alignment.template) else None

    scheme = statement(_best(tokens, work, others=False))
    other = statement(_best(tokens, work, others=True)) if _other_templates() else None
    if other is None or scheme is None:
        return scheme or other
    return other if _telling(other, scheme.template) > _telling(scheme, other.template) else scheme


def _telling(alignment: _Alignment, rival: _Template) -> int:
    """Words of ``alignment``'s text found in the document that ``rival``'s text lacks."""
    keys = {t.key for t in rival.tokens}
    return sum(1 for i in alignment.matched if alignment.template.tokens[i].key not in keys)


@cache
def _grams() -> frozenset[tuple[str, ...]]:
    """Runs of four fixed statutory words (outside blanks and brackets) of every text."""
    return frozenset(
        tuple(t.tokens[i + k].key for k in range(4))
        for t in _all_templates()
        for i in range(len(t.tokens) - 3)
        if not any(t.tokens[i + k].slot or t.tokens[i + k].bracket for k in range(4))
    )


def _find(doc: _Document, tokens: list[_Tok]) -> list[_Candidate]:
    """The statements of the document, in order. Raises _WorkLimit beyond lint's limit."""
    work = _Work()
    openings = {(t.tokens[0].key, t.tokens[1].key) for t in _all_templates()}
    starts = [j for j in range(len(tokens) - 1) if (tokens[j].key, tokens[j + 1].key) in openings]
    # Another statement's opening bounds a candidate only where a sentence or line starts
    # (not "[name of the exporter]", not "(Name and signature of the exporter)").
    bounds = [
        j for j in starts if j == 0 or re.search(r"(?:[.:;]\s*|\n\s*)$", doc.text[tokens[j - 1].end : tokens[j].start])
    ]
    found: list[_Candidate] = []  # sorted by first token, never overlapping
    for start in starts:
        if found and start < found[-1].last:
            continue
        after = bisect.bisect_right(bounds, start)
        stop = bounds[after] if after < len(bounds) else len(tokens)
        candidate = _candidate(doc, tokens, start, stop, work)
        if candidate:
            found.append(candidate)
    # Statements whose opening words were changed: a run of four statutory words outside
    # any statement found starts a candidate at the beginning of its paragraph.
    grams = _grams()
    gram_starts = {gram[0] for gram in grams}
    firsts = [c.first for c in found]
    tried: set[int] = set()
    j = 0
    while j < len(tokens) - 3:
        if tokens[j].key not in gram_starts or tuple(tokens[j + k].key for k in range(4)) not in grams:
            j += 1
            continue
        at = bisect.bisect_right(firsts, j)  # found[at] is the first statement starting after j
        if not (at > 0 and j < found[at - 1].last):
            first = _paragraph_start(doc.text, tokens, j)
            if first in tried:
                j += 1
                continue
            tried.add(first)
            stop = firsts[at] if at < len(firsts) else len(tokens)
            candidate = _candidate(doc, tokens, first, stop, work)
            if candidate is not None:
                place = bisect.bisect_left(firsts, candidate.last)
                if place == 0 or found[place - 1].last <= candidate.first:  # overlaps none
                    found.insert(place, candidate)
                    firsts.insert(place, candidate.first)
                    j = candidate.last
                    continue
        j += 1
    return found


def _paragraph_start(text: str, tokens: list[_Tok], j: int) -> int:
    """The first token of the paragraph holding token ``j`` (at most 30 tokens back)."""
    first = j
    while first > 0 and j - first < 30:
        gap = text[tokens[first - 1].end : tokens[first].start]
        if "\n\n" in gap or re.search(r"[.:]\s*\n|:\s", gap):
            break
        first -= 1
    return first


# --- countries ------------------------------------------------------------------------------

# Adjectives of common GSP beneficiaries (EN; FR m/f; ES m/f). Not a legal fact: a
# linguistic aid for the linter (statement-on-origin.md, "Filling the blanks" 3).
_ADJECTIVES = {
    "AF": "Afghan afghan afghane afgano afgana",
    "AO": "Angolan angolais angolaise angoleño angoleña",
    "BD": "Bangladeshi bangladais bangladaise bangladesí",
    "BO": "Bolivian bolivien bolivienne boliviano boliviana",
    "CD": "Congolese congolais congolaise congoleño congoleña",
    "CG": "Congolese congolais congolaise congoleño congoleña",
    "CI": "Ivorian ivoirien ivoirienne marfileño marfileña",
    "CM": "Cameroonian camerounais camerounaise camerunés camerunesa",
    "ET": "Ethiopian éthiopien éthiopienne etíope",
    "GH": "Ghanaian ghanéen ghanéenne ghanés ghanesa",
    "HT": "Haitian haïtien haïtienne haitiano haitiana",
    "ID": "Indonesian indonésien indonésienne indonesio indonesia",
    "IN": "Indian indien indienne indio india",
    "KE": "Kenyan kényan kényane keniano keniana",
    "KG": "Kyrgyz kirghize kirguís kirguisa",
    "KH": "Cambodian cambodgien cambodgienne camboyano camboyana",
    "LA": "Lao Laotian laotien laotienne laosiano laosiana",
    "LK": "Sri_Lankan sri-lankais sri-lankaise ceilandés ceilandesa esrilanqués esrilanquesa",
    "MG": "Malagasy malgache",
    "MM": "Burmese Myanma birman birmane birmano birmana",
    "MN": "Mongolian mongol mongole mongola",
    "MZ": "Mozambican mozambicain mozambicaine mozambiqueño mozambiqueña",
    "NG": "Nigerian nigérian nigériane nigeriano nigeriana",
    "NP": "Nepalese Nepali népalais népalaise nepalí nepalés nepalesa",
    "PH": "Philippine Filipino philippin philippine filipino filipina",
    "PK": "Pakistani pakistanais pakistanaise paquistaní pakistaní",
    "SN": "Senegalese sénégalais sénégalaise senegalés senegalesa",
    "SY": "Syrian syrien syrienne sirio siria",
    "TJ": "Tajik tadjik tadjike tayiko tayika",
    "TZ": "Tanzanian tanzanien tanzanienne tanzano tanzana",
    "UG": "Ugandan ougandais ougandaise ugandés ugandesa",
    "UZ": "Uzbek ouzbek ouzbèke uzbeko uzbeka",
    "VN": "Vietnamese vietnamien vietnamienne vietnamita",
    "YE": "Yemeni yéménite yemení",
}
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ"}
_ARTICLES = re.compile(r"^(?:the|republic of|la|le|les|l'|el|los|las)\s*", re.IGNORECASE)


def _country_key(text: str) -> str:
    return re.sub(r"[\s'\-.]", "", _fold(text))


@cache
def _country_keys() -> frozenset[str]:
    """Country names (CLDR, through Babel, in the statement languages) and adjectives."""
    from babel import Locale

    keys: set[str] = set()
    for language in ("en", "fr", "es"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
                continue
            keys.add(_country_key(name))
            keys.add(_country_key(re.sub(r"\s*\(.*?\)", "", name)))
            keys.add(_country_key(name.split(" - ")[0]))
    keys.update(_country_key(c.name) for c in legal.rex_countries().values())
    for words in _ADJECTIVES.values():
        keys.update(_country_key(w.replace("_", " ")) for w in words.split())
    keys.update({"xc", "xl", "xc/xl"})  # Ceuta and Melilla [R]
    return frozenset(keys)


def is_country(text: str) -> bool:
    """Whether ``text`` names a country: a CLDR name in English, French or Spanish, or an
    adjective of the table ("Indonesia", "Indonesian", "Indonésie", "indonésienne")."""
    value = _ARTICLES.sub("", " ".join(text.split()).strip(" ,;:\"'"))
    return bool(value) and _country_key(value) in _country_keys()


# --- checking one statement -----------------------------------------------------------------

_OBSOLETE = re.compile(
    r"customs\s+authori[sz]ation(?:\s+REX)?(?:\s+(?:No|Nr|Number|n°)\b\.?)?"
    r"|autorisation\s+douani[eè]re(?:\s+REX)?(?:\s+n°)?"
    r"|autorizaci[oó]n\s+aduanera(?:\s+REX)?(?:\s+n[°º.]?)?",
    re.IGNORECASE,
)
_REX_WORDING = re.compile(r"REX|registered\s+exporter|exportateur\s+enregistr|exportador\s+registrado", re.IGNORECASE)
_REX_LOOSE = re.compile(r"[A-Za-z]{2}[\s.\-]*REX(?:[\s.\-/]*[A-Za-z0-9]+)*", re.IGNORECASE)
_REX_STRICT = re.compile(r"\b[A-Z]{2}REX[A-Z0-9]*\d[A-Z0-9]*\b")
_INSTRUCTION = re.compile(
    r"[(\[<]([^()\[\]<>]*\b(?:name|number|country|exporter|criterion|insert|enter|nom|"
    r"num[ée]ro|pays|exportateur|crit[èe]re|nombre|n[úu]mero|pa[íi]s|exportador|criterio)\b"
    r"[^()\[\]<>]*)[)\]>]",
    re.IGNORECASE,
)
_BLANKS = ("exporter", "rex", "country", "criterion")


@dataclass
class _Checker:
    doc: _Document
    masked: str  # the document text with footnote markers blanked out
    source: str
    candidate: _Candidate
    findings: list[Finding] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)

    @property
    def alignment(self) -> _Alignment:
        return self.candidate.alignment

    @property
    def template(self) -> _Template:
        return self.alignment.template

    def add(
        self, code: str, char: int, message: str, name: str = "statement", scheme: legal.Scheme | None = None
    ) -> None:
        where = self.doc.where(char)
        self.positions.append(char)
        self.findings.append(
            Finding(
                code,
                Severity.ERROR,
                f"{where}: {message}",
                Location(self.source, part=where),
                _reference(code, scheme or self.template.scheme),
                name,
            )
        )

    def span(self, slot: str) -> tuple[int, int] | None:
        """Character range of a blank, from the word before it to the word after it."""
        if slot not in self.alignment.slots:
            return None
        tokens = self.alignment.tokens
        position, words = self.alignment.slots[slot]
        after = words[-1] + 1 if words else position
        low = tokens[position - 1].end if position > 0 else self.candidate.start
        high = tokens[after].start if after < len(tokens) else self.candidate.end
        if slot == "criterion":
            high = self.candidate.end
        return low, max(low, high)

    def blank(self, slot: str) -> str:
        """What a blank holds, without placeholder dots and footnote markers."""
        span = self.span(slot)
        if span is None or (slot == "rex" and not _bracket_present(self.alignment)):
            return ""
        text = _DOTS.sub(" ", self.masked[span[0] : span[1]])
        return " ".join(text.split()).strip(" ,;:")

    def context(self, slot: str) -> str:
        index = self.template.slot_index(slot)
        assert index is not None
        return self.template.around(index, index + 1)


def _reference(code: str, scheme: legal.Scheme) -> str:
    base = legal.with_mark(scheme.legal_basis, scheme.mark)
    catalogue = legal.rule_catalogue()
    if code == "LINT-REX-FORMAT" and "REX-FORMAT" in catalogue:
        return f"{base}; {catalogue['REX-FORMAT'].reference}"
    if code == "LINT-CRITERION" and scheme.id == "eu-gsp" and "CRITERION-INVALID" in catalogue:
        return catalogue["CRITERION-INVALID"].reference
    if code == "LINT-OBSOLETE-WORDING":
        return _("{base}; the invoice declaration ended with the country's REX transition [V2]").format(base=base)
    return base


def _lint_document(
    doc: _Document, source: str, pages: int | None = None, empty_pages: Sequence[int] = ()
) -> LintReport:
    footnotes = [(m.start(), m.end()) for m in _FOOTNOTE.finditer(doc.text)]
    masked = _FOOTNOTE.sub(lambda m: " " * len(m.group()), doc.text)
    tokens = _without_name_brackets(_tokens(doc.text, footnotes))
    statements: list[LintedStatement] = []
    findings: list[Finding] = []
    try:
        candidates = _find(doc, tokens)
    except _WorkLimit as over:
        raise _over_limit(
            source,
            doc.where(over.position),
            _(
                "the text holds more passages resembling a statement on origin than lint's limit of "
                "{limit:,} comparisons with the statutory texts"
            ).format(limit=limits.MAX_LINT_ALIGNMENTS),
        ) from None
    for number, candidate in enumerate(candidates, 1):
        statement = _check(_Checker(doc, masked, source, candidate), number, footnotes)
        statements.append(statement)
        findings.extend(statement.findings)
    if not statements:
        message = _(
            "no statement on origin found. rexdecl looks for the statutory texts (EU GSP "
            "in English, French and Spanish; UK DCTS; Norway and Switzerland GSP; the "
            'obsolete invoice declaration), which begin "The exporter … of the '
            'products covered by this document declares that…"; print the statement '
            "word for word."
        )
        if empty_pages:
            message += " " + _("Pages without a text layer (scanned?): {pages}.").format(
                pages=", ".join(str(p) for p in empty_pages)
            )
        findings.append(
            Finding(
                "LINT-NO-STATEMENT",
                Severity.ERROR,
                message,
                Location(source),
                _reference("LINT-NO-STATEMENT", _eu()),
                "statement",
            )
        )
    return LintReport(source, tuple(statements), tuple(findings), pages)


def _check(checker: _Checker, number: int, footnotes: Sequence[tuple[int, int]]) -> LintedStatement:
    doc, candidate, template = checker.doc, checker.candidate, checker.template
    start, end = candidate.start, candidate.end
    text = " ".join(doc.text[start : end + 1 if doc.text[end : end + 1] == "." else end].split())
    blanks = {slot: checker.blank(slot) for slot in _BLANKS}
    if template.others:
        return _other_statement(checker, number, text, blanks)
    obsolete = _OBSOLETE.search(checker.masked, start, end)
    identifier: str | None = None
    if obsolete is not None and not _REX_WORDING.search(checker.masked, start, end):
        # The whole pre-REX declaration: it is replaced as a whole, one finding says so.
        eu_text = _eu().texts.get(template.language) or _eu().texts["en"]
        checker.add(
            "LINT-OBSOLETE-WORDING",
            obsolete.start(),
            _(
                'this is the pre-REX invoice declaration ("{found}"), valid only until the country\'s '
                'REX transition ended; make out the statement on origin instead: "{statement}".'
            ).format(found=obsolete.group(), statement=_filled(eu_text)),
            scheme=_eu(),
        )
        return LintedStatement(
            index=number,
            scheme=OBSOLETE_SCHEME,
            language=template.language,
            text=text,
            location=Location(checker.source, part=doc.where(start)),
            country=blanks["country"] or None,
            findings=tuple(checker.findings),
        )

    for low, high in footnotes:
        if start <= low < end:
            _footnote_marker(checker, low, doc.text[low:high])
    if obsolete is not None:
        checker.add(
            "LINT-OBSOLETE-WORDING",
            obsolete.start(),
            _(
                '"{found}" mixes the obsolete invoice declaration with the REX statement; print the '
                'registration bracket as "{bracket}".'
            ).format(found=obsolete.group(), bracket=_rex_bracket(template, "IDREX…")),
        )
    placeholders = _placeholders(checker)
    _wording(checker, obsolete is not None)
    if "exporter" not in placeholders:
        identifier = _exporter_and_rex(checker, blanks, placeholders, obsolete)
    if "country" not in placeholders:
        _country(checker, blanks["country"])
    if "criterion" not in placeholders:
        _criterion(checker, blanks["criterion"])
    ordered = sorted(zip(checker.positions, range(len(checker.findings)), strict=True))
    checker.findings[:] = [checker.findings[i] for _char, i in ordered]
    return LintedStatement(
        index=number,
        scheme=template.scheme.id,
        language=template.language,
        text=text,
        location=Location(checker.source, part=doc.where(start)),
        exporter=blanks["exporter"].replace(identifier or "\x00", "").strip(" ,;") or None,
        identifier=identifier or blanks["rex"] or None,
        country=blanks["country"] or None,
        criterion=blanks["criterion"].rstrip(" .\"'") or None,
        findings=tuple(checker.findings),
    )


def _other_statement(checker: _Checker, number: int, text: str, blanks: dict[str, str]) -> LintedStatement:
    """LINT-OTHER-SCHEME: the statement of another agreement, named with the words that
    identify it; its wording is not compared. A number in its bracket that tries to be a REX
    number ("LKRREG…") is still checked as one."""
    template, candidate = checker.template, checker.candidate
    names = ", ".join(e.short_name or e.agreement for e in template.others)
    schemes = ", ".join(s.id for s in legal.schemes().values() if s.enabled)
    checker.add(
        "LINT-OTHER-SCHEME",
        candidate.start,
        _(
            'this is the statement on origin of another agreement ({agreements}), recognised by "{words}"; '
            "rexdecl checks the statements of {schemes} only, so its wording is not compared. Check it "
            "against that agreement's text; for a claim under one of those schemes, print that "
            "scheme's statement instead."
        ).format(agreements=names, words=_identifying_words(checker.alignment), schemes=schemes),
    )
    identifier = blanks["rex"]
    span = checker.span("rex")
    if identifier and span is not None:
        loose = _REX_LOOSE.search(identifier)
        if loose is not None:
            _rex_format(checker, loose.group().strip(" .-"), span[0])
        elif re.match(r"[A-Za-z]{2}R[A-Za-z]", identifier):  # "LKRREG…": a REX number misspelt
            _rex_format(checker, identifier.split()[0].strip(" .,;"), span[0])
    return LintedStatement(
        index=number,
        scheme=OTHER_SCHEME,
        language=template.language,
        text=text,
        location=Location(checker.source, part=checker.doc.where(candidate.start)),
        identifier=identifier or None,
        country=blanks["country"] or None,
        findings=tuple(checker.findings),
        agreement=names,
    )


def _identifying_words(alignment: _Alignment) -> str:
    """The words of an agreement's text found in the document that no scheme text of its
    language has, each with the word either side ("Exporter Reference No")."""
    template = alignment.template
    scheme_keys = {t.key for s in _templates() if s.language == template.language for t in s.tokens}
    found = sorted(alignment.matched)
    telling = [i for i in found if template.tokens[i].key not in scheme_keys]
    if not telling:  # every word is in some scheme text: the text as a whole identifies it
        return template.display
    phrases: list[tuple[int, int]] = []
    for i in telling:
        low = i - 1 if i - 1 in alignment.matched and template.tokens[i - 1].text not in "()" else i
        high = i + 2 if i + 1 in alignment.matched and template.tokens[i + 1].text not in "()" else i + 1
        if phrases and low <= phrases[-1][1]:
            phrases[-1] = (phrases[-1][0], high)
        else:
            phrases.append((low, high))
    return '", "'.join(template.words(low, high) for low, high in phrases)


def _filled(texts: legal.SchemeText) -> str:
    return texts.statement.format(
        exporter="…", rex_bracket=texts.rex_bracket.format(rex="…"), country="…", criterion="…"
    )


def _rex_bracket(template: _Template, number: str) -> str:
    """The registration bracket of the statement's language (the EU one for UK/obsolete)."""
    if template.scheme.identifier == "rex":
        return template.bracket(number)
    texts = _eu().texts.get(template.language) or _eu().texts["en"]
    return texts.rex_bracket.format(rex=number).strip()


_BLANK_NAMES = {
    "exporter": N_("The exporter's name"),
    "country": N_("The country of origin"),
    "criterion": N_("The origin criterion"),
    "rex": N_("The registration bracket"),
}


def _placeholders(checker: _Checker) -> set[str]:
    """LINT-PLACEHOLDER: dots or bracketed instructions left in the statement. Returns the
    blanks concerned (their other checks are then skipped: one mistake, one finding)."""
    start, end = checker.candidate.start, checker.candidate.end
    spans = {slot: checker.span(slot) for slot in _BLANKS}
    hits = [(m.start(), m.group()) for m in _DOTS.finditer(checker.masked, start, end)]
    for name in ("exporter", "country", "criterion"):
        span = spans[name]
        if span:
            hits.extend(
                (m.start(), m.group())
                for m in _INSTRUCTION.finditer(checker.masked, *span)
                if not re.search(r"\d", m.group(1))
            )
    rex_span = spans["rex"]
    if rex_span and _bracket_present(checker.alignment):
        value = checker.blank("rex")
        if not value or (_INSTRUCTION.fullmatch(f"({value})") and not re.search(r"\d", value)):
            found = " ".join(checker.masked[rex_span[0] : rex_span[1]].split())
            hits.append((rex_span[0], found or "()"))
    done: set[str] = set()
    language = checker.template.language
    for position, found in sorted(hits):
        slot = next((s for s, span in spans.items() if span and span[0] <= position <= span[1]), None)
        if slot is not None and slot in done:
            continue
        if slot is None:
            checker.add(
                "LINT-PLACEHOLDER",
                position,
                _(
                    'the placeholder "{found}" is left in the statement; replace it with the value '
                    "it stands for, or remove it."
                ).format(found=found),
            )
            continue
        if slot == "rex" and checker.template.scheme.identifier != "rex":
            what = _("the customs identification number")
        elif slot == "rex":
            what = _(
                "the REX number, or, for an exporter who is not registered (originating "
                'products up to EUR 6,000), leave out the whole bracket "{bracket}"'
            ).format(bracket=checker.template.bracket())
        elif slot == "country":
            what = _('the country of origin, e.g. "{example}"').format(example=_example_country(language))
        elif slot == "criterion":
            what = _(
                "the origin criterion: P, W followed by the 4-digit heading (e.g. W 6214), or the cumulation mention"
            )
        else:
            what = _("the exporter's name")
        done.add(slot)
        checker.add(
            "LINT-PLACEHOLDER",
            position,
            _('{blank} is not filled in: "{found}" is left in its place; write {what}.').format(
                blank=_(_BLANK_NAMES[slot]), found=found, what=what
            ),
            name=slot,
        )
    return done


def _bracket_present(alignment: _Alignment) -> bool:
    return any(alignment.template.tokens[i].bracket for i in alignment.touched)


def _wording(checker: _Checker, obsolete: bool) -> None:
    """LINT-WORDING: the word diff against the statutory text."""
    alignment = checker.alignment
    template = alignment.template
    tokens = template.tokens
    doc_tokens = alignment.tokens
    bracket_present = _bracket_present(alignment)
    bracket_reported = False
    for run in alignment.runs:
        in_bracket = bool(run.a) and all(tokens[i].bracket for i in run.a)
        if in_bracket and not run.b and not bracket_present:
            # No bracket at all: an unregistered exporter (Filling the blanks 2). The UK DCTS
            # has no such exporter: its customs identification number is always printed.
            if template.scheme.identifier != "rex" and not bracket_reported:
                bracket_reported = True
                position = doc_tokens[run.b_pos].start if run.b_pos < len(doc_tokens) else doc_tokens[-1].end
                checker.add(
                    "LINT-WORDING",
                    position,
                    _(
                        'missing: "{expected}" (the statutory text reads "…{context}…"); add '
                        "the bracket with the number."
                    ).format(expected=template.bracket(), context=template.around(*_bracket_range(template))),
                    name="rex",
                )
            continue
        if in_bracket and obsolete:
            continue  # reported once, as LINT-OBSOLETE-WORDING
        if run.b:
            position = doc_tokens[run.b[0]].start
            found = " ".join(checker.doc.text[position : doc_tokens[run.b[-1]].end].split())
        else:
            position = doc_tokens[run.b_pos].start if run.b_pos < len(doc_tokens) else doc_tokens[-1].end
            found = ""
        low = run.a[0] if run.a else run.a_pos
        high = run.a[-1] + 1 if run.a else run.a_pos
        expected = template.words(low, high)
        context = template.around(low, high)
        if run.a and run.b:
            detail = _('changed: "{found}" → "{expected}"').format(found=found, expected=expected)
            fix = _("print the statutory words")
        elif run.a:
            detail = _('missing: "{expected}"').format(expected=expected)
            fix = _("add the missing words")
        else:
            detail = _('added: "{found}"').format(found=found)
            fix = _("remove it")
        checker.add(
            "LINT-WORDING",
            position,
            _('{detail} (the statutory text reads "…{context}…"); {fix}.').format(
                detail=detail, context=context, fix=fix
            ),
        )


def _bracket_range(template: _Template) -> tuple[int, int]:
    indices = [i for i, t in enumerate(template.tokens) if t.bracket]
    return indices[0], indices[-1] + 1


def _exporter_and_rex(
    checker: _Checker, blanks: dict[str, str], placeholders: set[str], obsolete: re.Match[str] | None
) -> str | None:
    """The exporter's name must be there; the REX number, when given, must be well formed."""
    template = checker.template
    exporter_span = checker.span("exporter")
    if template.slot_index("exporter") is not None and not blanks["exporter"] and exporter_span:
        checker.add(
            "LINT-WORDING",
            exporter_span[0],
            _(
                'missing: the exporter\'s name (the statutory text reads "…{context}…"); write '
                "the exporter's name in the blank."
            ).format(context=checker.context("exporter")),
            name="exporter",
        )
    if template.scheme.identifier != "rex":
        return None
    if _bracket_present(checker.alignment):
        span = checker.span("rex")
        if "rex" in placeholders or span is None:
            return None
        value = _DOTS.sub(" ", checker.masked[span[0] : span[1]])
        if obsolete is not None:
            value = _OBSOLETE.sub(" ", value)
        value = " ".join(value.split()).strip(" :;,")
        if not value:
            return None
        match = _REX_LOOSE.search(value)
        if match:
            extra = value[: match.start()].strip(" :;,")
            if re.search(r"\w", extra):
                checker.add(
                    "LINT-WORDING",
                    span[0],
                    _(
                        'added: "{found}" before the REX number (the statutory text reads "{bracket}"); remove it.'
                    ).format(found=extra, bracket=_rex_bracket(template, "IDREX…")),
                )
            value = match.group().strip(" .-")
        _rex_format(checker, value, span[0])
        return value
    # No bracket: a REX number right after the name, as in Norway's official example [V].
    match = _REX_STRICT.search(blanks["exporter"])
    if match is None or exporter_span is None:
        return None
    if template.scheme.id != "no-gsp":
        checker.add(
            "LINT-WORDING",
            exporter_span[0],
            _('the REX number {rex} stands without the words of the bracket; print "{bracket}".').format(
                rex=match.group(), bracket=_rex_bracket(template, match.group())
            ),
        )
    return match.group()


def _rex_format(checker: _Checker, value: str, position: int) -> None:
    if REX_PATTERN.fullmatch(value):
        return
    if re.search(r"\s", value):
        why = _("it contains spaces")
    elif value != value.upper():
        why = _("it contains lower-case letters")
    elif re.search(r"[^A-Za-z0-9]", value):
        why = _("it contains signs other than letters and digits")
    else:
        why = _("wrong structure")
    compact = re.sub(r"[\s.\-/]", "", value).upper()
    hint = ""
    if compact != value and REX_PATTERN.fullmatch(compact):
        hint = " " + _("(if the registered number is {compact}, print exactly that)").format(compact=compact)
    checker.add(
        "LINT-REX-FORMAT",
        position,
        _(
            'REX number "{found}" is malformed: {why}; expected the country\'s two letters, '
            '"REX" and up to 30 capital letters or digits, without spaces (e.g. IDREX…), '
            "printed exactly as registered{hint}."
        ).format(found=value, why=why, hint=hint),
        name="rex",
    )


_GLUED_MARKER = re.compile(r"(.*[^\W\d_])\s?(\d{1,2})")


def _footnote_marker(checker: _Checker, position: int, marker: str) -> None:
    checker.add(
        "LINT-FOOTNOTE-MARKER",
        position,
        _(
            'the footnote marker "{marker}" of the statutory form is printed in the '
            "statement; remove it (the annex's footnotes are never printed)."
        ).format(marker=marker),
    )


def _example_country(language: str) -> str:
    """Indonesia, as the statement's language writes it (EN and ES "Indonesia")."""
    return "Indonésie" if language == "fr" else "Indonesia"


def _country(checker: _Checker, value: str) -> None:
    span = checker.span("country")
    if span is None:
        return
    context = checker.context("country")
    tokens = checker.alignment.tokens
    if not value:
        placed = [tokens[j].text for run in checker.alignment.runs for j in run.b if is_country(tokens[j].text)]
        if placed:
            message = _(
                'the country of origin "{found}" is not in its place (the statutory text '
                'reads "…{context}…"); write it in the blank.'
            ).format(found=placed[0], context=context)
        else:
            message = _(
                "the country of origin is missing (the statutory text reads "
                '"…{context}…"); write the country\'s name, e.g. "{example}", or '
                "its adjective."
            ).format(context=context, example=_example_country(checker.template.language))
        checker.add("LINT-COUNTRY", span[0], message, name="country")
    elif (glued := _GLUED_MARKER.fullmatch(value)) is not None and is_country(glued.group(1)):
        # A superscript footnote marker of the annex that text extraction put on the line ("Indonesia5").
        _footnote_marker(checker, span[0], glued.group(2))
    elif not is_country(value):
        checker.add(
            "LINT-COUNTRY",
            span[0],
            _(
                '"{found}" is not a country name or adjective rexdecl knows (CLDR names in '
                'English, French and Spanish; adjectives such as "Indonesian"); write the country '
                'of origin in the blank ("…{context}…").'
            ).format(found=value, context=context),
            name="country",
        )


def _split_criteria(text: str) -> list[str]:
    """The criterion blank split at commas, semicolons and "and/et/y/&" outside brackets."""
    parts, depth, last = [], 0, 0
    for match in re.finditer(r"[()]|[,;]|\s(?:and|et|y|&)\s", text, re.IGNORECASE):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(text[last : match.start()])
            last = match.end()
    parts.append(text[last:])
    return [" ".join(p.split()) for p in parts]


@cache
def _item_list() -> re.Pattern[str]:
    """ "items 1, 2, 4" in any statement language (the words come from schemes.toml)."""
    words = {_fold(w) for s in legal.schemes().values() for t in s.texts.values() for w in (t.item, t.items)}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    number = r"\d+[a-z]?"
    separator = r"\s*(?:,|;|-|–|&|and|et|y|to|à|a)\s*"
    label = rf"(?:{alternatives})\.?\s*(?:n[o°º]\.?\s*)?"
    return re.compile(rf"{label}{number}(?:{separator}{number})*", re.IGNORECASE)


def _criterion(checker: _Checker, value: str) -> None:
    """LINT-CRITERION: P, W + 4-digit heading, or a cumulation mention of the statement's
    language, each possibly followed by an item list."""
    span = checker.span("criterion")
    if span is None:
        return
    template = checker.template
    position = span[0]
    value = value.rstrip(" .\"'").lstrip("\"' ")  # '… is P."': the statement printed in quotes
    index = template.slot_index("criterion") or 0
    intro = template.words(index - 4, index)
    missing = _("write P, W followed by the 4-digit HS heading (e.g. W 6214), or the cumulation mention")
    if not value:
        checker.add(
            "LINT-CRITERION",
            position,
            _('the origin criterion is missing after "{intro}"; {fix}.').format(intro=intro, fix=missing),
            name="criterion",
        )
        return
    cumulation = template.texts.cumulation
    mentions = [cumulation[c] for c in template.scheme.cumulation if c in cumulation]
    known = ", ".join(f'"{m.replace("{country}", "x")}"' for m in mentions) or _(
        "none: this scheme's cumulation mentions are not in rexdecl's data"
    )
    for part in _split_criteria(value):
        match = re.fullmatch(r"(.*?)\s*(?:\(([^()]*)\))?", part)
        assert match is not None
        mention, listed = match.group(1).strip("\"' "), match.group(2)
        if listed is not None and not _item_list().fullmatch(_fold(listed.strip())):
            checker.add(
                "LINT-CRITERION",
                position,
                _('"({found})" after the criterion is not an item list; write e.g. "{mention} ({items} 1, 2)".').format(
                    found=listed, mention=mention or "P", items=template.texts.items
                ),
                name="criterion",
            )
        problem = _mention_problem(mention, mentions)
        if problem == "missing":
            message = _('the origin criterion is missing in "{found}"; {fix}.').format(found=part, fix=missing)
        elif problem == "no-heading":
            message = _(
                'criterion "{found}": "W" must be followed by the 4-digit HS heading of the product, e.g. "W 6214".'
            ).format(found=mention)
        elif problem == "heading":
            message = _(
                'criterion "{found}": the heading after "W" must have exactly 4 '
                'digits (the HS heading, e.g. "W 6214", not a subheading).'
            ).format(found=mention)
        elif problem == "unknown":
            message = _(
                'criterion "{found}" is not a recognised mention for {scheme} in this '
                "language ({language}); use P, W followed by the 4-digit heading (e.g. "
                "W 6214), or a cumulation mention ({known})."
            ).format(found=mention, scheme=template.scheme.id, language=template.language, known=known)
        else:
            continue
        checker.add("LINT-CRITERION", position, message, name="criterion")


def _mention_problem(mention: str, mentions: Sequence[str]) -> str | None:
    if not mention:
        return "missing"
    folded = " ".join(_fold(mention).split())
    for text in mentions:
        pattern = r"\s+".join(re.escape(w) for w in _fold(text).split())
        pattern = pattern.replace(re.escape("{country}"), r"(?P<country>.+)")
        found = re.fullmatch(pattern, folded)
        if found:
            if "country" in found.groupdict() and not is_country(found.group("country")):
                return "unknown"
            return None
    criterion = parse_criterion(mention, None)
    if criterion is not None and criterion.kind == "P":
        return None
    if criterion is not None and criterion.kind == "W":
        return None if criterion.heading_given else "no-heading"
    w_with_digits = re.fullmatch(r"[\"'“”]?W[\"'“”]?\s*[\d.\s]+", mention, re.IGNORECASE)
    if criterion is None and w_with_digits:
        return "heading"
    return "unknown"


# --- text output ----------------------------------------------------------------------------


def format_text(report: LintReport, colour: bool = False) -> str:
    """The report as the CLI prints it: statements found, then each finding and its reference."""

    def paint(text: str, code: str = "31") -> str:
        return f"\x1b[1;{code}m{text}\x1b[0m" if colour else text

    count = len(report.statements)
    out = [
        ngettext("{source}: {n} statement on origin found", "{source}: {n} statements on origin found", count).format(
            source=report.source, n=count
        )
    ]
    for statement in report.statements:
        errors = sum(1 for f in statement.findings if f.severity == Severity.ERROR)
        state = (
            paint(_("exact"), "32")
            if statement.exact
            else ngettext("{n} deviation", "{n} deviations", errors).format(n=errors)
        )
        out.append(
            "  "
            + _("{index}. {where}: {scheme}, {language} — {state}").format(
                index=statement.index,
                where=statement.location.part or "",
                scheme=_("another agreement ({agreements})").format(agreements=statement.agreement)
                if statement.agreement
                else statement.scheme,
                language=statement.language,
                state=state,
            )
        )
    if report.findings:
        out.append("")
        for finding in report.findings:
            out.append(f"  {paint(finding.code)}  {finding.message}")
            out.append("      " + _("reference: {reference}").format(reference=finding.reference))
    out.append("")
    errors = len(report.errors)
    out.append(ngettext("{n} error", "{n} errors", errors).format(n=errors))
    return "\n".join(out)
