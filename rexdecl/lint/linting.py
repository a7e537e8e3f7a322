"""Linting one document: its text read, its statements found, each checked, the report made.

Every character keeps the page and line it came from, so a finding can say where it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from rexdecl import limits
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_count, ngettext
from rexdecl.lint.checker import Checker, reference
from rexdecl.lint.checking import check_statement
from rexdecl.lint.finding import WorkLimit, find_statements, without_name_brackets
from rexdecl.lint.reading import read_document
from rexdecl.lint.refusals import over_limit
from rexdecl.lint.report import LintedStatement, LintReport
from rexdecl.lint.templates import eu_scheme
from rexdecl.lint.text import FOOTNOTE, Document, Line, tokenize
from rexdecl.model import Location


def lint_file(path: str | Path) -> LintReport:
    """Lint the statement(s) on origin in a PDF or a text file (.txt, .md, .html read as text).

    Raises :class:`~rexdecl.errors.UnreadableInput` when the file is missing, damaged, neither
    PDF nor text, not a regular file, or beyond one of the limits of :mod:`rexdecl.limits` (the
    message names the file, the part and the limit).
    """
    source = str(path)
    read = read_document(Path(path), source)
    if isinstance(read, str):
        return lint_text(read, source)
    return _lint_pages(read, source)


def _lint_pages(pages: list[str], source: str) -> LintReport:
    """A PDF's statements, from the text of its pages; a PDF without any text is a scan."""
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
            reference("LINT-NO-STATEMENT", eu_scheme()),
            "statement",
        )
        return LintReport(source, (), (finding,), len(pages))
    running = _running_lines(pages)
    lines = [
        Line(number, index, line)
        for number, text in enumerate(pages, 1)
        for index, line in enumerate(text.splitlines(), 1)
        if (number, index) not in running
    ]
    empty = [number for number, text in enumerate(pages, 1) if not text.strip()]
    return lint_document(Document(lines, paged=True), source, pages=len(pages), empty_pages=empty)


# A running header or footer with a page number: the first or last line of a page, the same on
# other pages but for its digits ("Page 175 of 179"). A statement that runs over a page break
# would otherwise read with it in the middle of its text.
_DIGITS = re.compile(r"\d+")
_RUNNING_PAGES = 3  # pages that must have the line (and at least half of them)


def _running_lines(pages: list[str]) -> set[tuple[int, int]]:
    """(page, line) of each running header or footer line that holds a page number: a page's
    first or last line which, its digits aside, is the first or last line of at least half of
    the pages (and of at least _RUNNING_PAGES), its digits differing between pages. A
    statement printed at the foot of every page, identical on each, is no such line."""
    if len(pages) < _RUNNING_PAGES:
        return set()
    edges: dict[str, list[tuple[int, int, str]]] = {}
    for number, text in enumerate(pages, 1):
        lines = text.splitlines()
        places = {1, len(lines)} if lines else set()
        for index in places:
            line = lines[index - 1].strip()
            if _DIGITS.search(line):
                edges.setdefault(_DIGITS.sub("#", line), []).append((number, index, line))
    running: set[tuple[int, int]] = set()
    for found in edges.values():
        if len(found) >= max(_RUNNING_PAGES, len(pages) / 2) and len({line for _p, _i, line in found}) > 1:
            running.update((number, index) for number, index, _line in found)
    return running


def lint_text(text: str, source: str) -> LintReport:
    """Lint the statement(s) on origin in ``text``; findings name lines of ``source``."""
    lines = [Line(None, number, line) for number, line in enumerate(text.splitlines(), 1)]
    return lint_document(Document(lines, paged=False), source)


def lint_document(doc: Document, source: str, pages: int | None = None, empty_pages: Sequence[int] = ()) -> LintReport:
    """The statements of ``doc`` found and checked; LINT-NO-STATEMENT when there is none
    (naming the ``empty_pages`` of a PDF, without text). Raises
    :class:`~rexdecl.errors.UnreadableInput` beyond ``limits.MAX_LINT_ALIGNMENTS``."""
    footnotes = [(m.start(), m.end()) for m in FOOTNOTE.finditer(doc.text)]
    masked = FOOTNOTE.sub(lambda m: " " * len(m.group()), doc.text)
    tokens = without_name_brackets(tokenize(doc.text, footnotes))
    statements: list[LintedStatement] = []
    findings: list[Finding] = []
    try:
        candidates = find_statements(doc, tokens)
    except WorkLimit as over:
        raise over_limit(
            source,
            doc.where(over.position),
            _(
                "the text holds more passages resembling a statement on origin than lint's limit of "
                "{limit} comparisons with the statutory texts"
            ).format(limit=format_count(limits.MAX_LINT_ALIGNMENTS)),
        ) from None
    for number, candidate in enumerate(candidates, 1):
        statement = check_statement(Checker(doc, masked, source, candidate), number, footnotes)
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
                reference("LINT-NO-STATEMENT", eu_scheme()),
                "statement",
            )
        )
    return LintReport(source, tuple(statements), tuple(findings), pages)
