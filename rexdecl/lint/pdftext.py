"""The text of a PDF's pages for ``rexdecl lint``, at a cost bounded whatever the file holds.

pypdf extracts the text (through :mod:`rexdecl.pdfin`, shared with ``stamp``); the pages,
the content-stream operators and operands (forms included), the characters of text and
pypdf's own limits on decompressed streams are counted as it goes, and each limit of
:mod:`rexdecl.limits` reached is unusable input naming the file, the page and the limit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rexdecl import limits, pdfin
from rexdecl.errors import UnreadableInput
from rexdecl.i18n import _, format_count
from rexdecl.lint.refusals import over_limit, unreadable

log = logging.getLogger("rexdecl")


def read_pdf_text(data: bytes, source: str) -> list[str]:
    """The text of each page of the PDF ``data`` (pypdf's extraction), for ``source``.

    A PDF encrypted without a user password (permissions only, RC4 or AES) is opened; one that
    needs a password, a damaged one and one beyond the limits of :mod:`rexdecl.limits` raise
    :class:`UnreadableInput` naming the file, the part (the page) and the limit. pypdf's
    warnings about a damaged file go into the message, not to the terminal. The cost is bounded
    by the limits whatever the file holds: pages, content-stream operators and operands (forms
    included), characters of text, and pypdf's own limits on decompressed streams.
    """
    from pypdf.errors import DependencyError, LimitReachedError

    notes = pdfin.PypdfNotes()
    budget = _PdfBudget(notes)
    pages: list[str] = []
    try:
        with pdfin.capture_pypdf_log(notes), _pypdf_limits(tokens=limits.MAX_LINT_PDF_TOKENS):
            reader = pdfin.open_reader(data)
            count = len(reader.pages)
            if count > limits.MAX_LINT_PAGES:
                raise over_limit(
                    source,
                    None,
                    _("the PDF has {found} pages, more than lint's limit of {limit} pages").format(
                        found=format_count(count), limit=format_count(limits.MAX_LINT_PAGES)
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
                            "the text of pages 1 to {page} is {found} characters long, more than lint's "
                            "limit of {limit} characters for a document"
                        ).format(page=number, found=format_count(characters), limit=format_count(limits.MAX_LINT_TEXT)),
                    )
                pages.append(text)
    except UnreadableInput:
        raise
    except pdfin.UnusableFile as problem:
        raise _encryption_refused(problem, source) from None
    except _PdfLimit as over:
        raise over_limit(source, _("page {n}").format(n=over.page), str(over)) from None
    except DependencyError as error:  # AES without its library; a filter that needs a program
        raise unreadable(
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
            raise over_limit(source, part, budget.binding_message()) from None
        raise unreadable(
            source,
            _("a part of the PDF is beyond the PDF reader's safety limits ({detail}); expected an ordinary PDF").format(
                detail=str(error)[:160]
            ),
            part,
            hint=_("ask the sender for the file again, or for the document as text"),
        ) from None
    # pypdf reports damaged files through many exception types, not one family.
    except pdfin.damaged_pdf_errors() as error:
        detail = "; ".join([str(error)[:160], *notes.messages[:3]])
        raise unreadable(
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


def _encryption_refused(problem: pdfin.UnusableFile, source: str) -> UnreadableInput:
    """Lint's words for an encrypted PDF it cannot open (opened with the empty user password,
    the common permissions-only encryption, by :func:`rexdecl.pdfin.open_reader`)."""
    if problem.problem == "encryption-unsupported":
        return unreadable(
            source,
            _(
                "found a PDF encrypted with a method the PDF reader does not support ({detail}); expected a PDF that can be read"
            ).format(detail=str(problem.error)[:160]),
            hint=_("ask the sender for the PDF without encryption, or for the document as text"),
        )
    return unreadable(
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

    def __init__(self, notes: pdfin.PypdfNotes) -> None:
        self.tokens = 0
        self.page_tokens = 0  # of the current page
        self.page = 0
        self.characters = 0  # of the current page
        self.over: _PdfLimit | None = None
        self.notes = notes
        self.seen = 0  # pypdf's warnings already looked at

    def start(self, page: int) -> None:
        self.page, self.characters, self.page_tokens = page, 0, 0

    def left(self) -> int:
        return max(1, min(limits.MAX_LINT_PDF_TOKENS - self.tokens, limits.MAX_LINT_PAGE_TOKENS - self.page_tokens))

    def message(self) -> str:
        return _(
            "the content up to page {page} holds more drawing operations than lint's limit of {limit} "
            "operators and operands for a document"
        ).format(page=self.page, limit=format_count(limits.MAX_LINT_PDF_TOKENS))

    def page_message(self) -> str:
        return _(
            "the page holds more drawing operations than lint's limit of {limit} operators and operands a page"
        ).format(limit=format_count(limits.MAX_LINT_PAGE_TOKENS))

    def binding_message(self) -> str:
        """The message of the limit the parser reached: it had what was left of the page's
        budget or of the document's, whichever was less."""
        page_left = limits.MAX_LINT_PAGE_TOKENS - self.page_tokens
        return self.page_message() if page_left < limits.MAX_LINT_PDF_TOKENS - self.tokens else self.message()

    def operation(self, _operator: Any, operands: Any, _cm: Any, _tm: Any) -> None:
        count = 1
        if isinstance(operands, list):
            count += len(operands) + sum(len(o) for o in operands if isinstance(o, list))
        self.tokens += count
        self.page_tokens += count
        if self.over is None and self.tokens > limits.MAX_LINT_PDF_TOKENS:
            self.over = _PdfLimit(self.page, self.message())
        elif self.over is None and self.page_tokens > limits.MAX_LINT_PAGE_TOKENS:
            self.over = _PdfLimit(self.page, self.page_message())
        self.check()

    def text(self, text: Any, _cm: Any, _tm: Any, _font: Any, _size: Any) -> None:
        self.characters += len(text) if isinstance(text, str) else 0
        if self.over is None and self.characters > limits.MAX_LINT_PAGE_TEXT:
            self.over = _PdfLimit(
                self.page,
                _("the text of the page is longer than lint's limit of {limit} characters a page").format(
                    limit=format_count(limits.MAX_LINT_PAGE_TEXT)
                ),
            )
        self.check()

    def check(self) -> None:
        # A form whose parsing reached the budget, or too many forms on a page: pypdf skips
        # their text with a warning. A limit all the same, never text silently left out.
        for note in self.notes.messages[self.seen :]:
            if self.over is None and "maximum number of tokens" in note:
                # The parser had what was left of the budget: the page's, or the document's.
                page_left = limits.MAX_LINT_PAGE_TOKENS - self.page_tokens
                binding = (
                    self.page_message() if page_left < limits.MAX_LINT_PDF_TOKENS - self.tokens else self.message()
                )
                self.over = _PdfLimit(self.page, binding)
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
