"""Whether a document's text shows a given invoice number as the document's *own* number.

``rexdecl stamp`` may add a statement on origin only to the document of the shipment: the
workbook's invoice number must be the PDF's own document number, not a number it merely
mentions (an order it answers, an invoice a credit note corrects, a reference). Text taken
from PDFs is untidy in two opposite ways, and both must be handled on the same documents:

- Glued: text objects placed side by side come out without a space, in any order
  ("Kundennr.30064443", "993548900Factuurnummer:", "HandelsrechnungNr.R87654321012345vom").
  The number is found with loose boundaries, in two extractions of each page (content order
  and laid out as on the page), and a label is recognised in one piece or glued
  ("Rechnungsnr.", "RechnungNr.", "Factuurnummer").
- Misleading: a number can be printed next to another label ("Ref.", "against invoice",
  "Order No.") or on another kind of document (a credit note).

The verdict, in order: a credit note is refused; the number next to a document-number label
of an invoice, packing list or delivery note in one of the common languages (or a bare
"No."/"Nomor:"/"#") is accepted; a document whose own number label shows another number is
refused; a number found only behind reference labels is refused; an unlabelled number is
accepted when it is the only number of its shape on the first page, else refused as
ambiguous. What a label says is decided by :mod:`rexdecl.stamp.labels`. Pure text analysis:
no PDF, no I/O, no messages (:mod:`rexdecl.stamp.document` words them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from rexdecl.stamp.labels import CELL_BREAK, CREDIT_TITLE, LABEL_SPAN, SEPARATORS, Label, classify, fold

__all__ = ["PageText", "Verdict", "find_own_number", "number_pattern"]


@dataclass(frozen=True)
class PageText:
    """One page's text, as pypdf gives it in content order and laid out as on the page."""

    plain: str
    layout: str = ""


Reason = Literal["labelled", "only-number", "credit-note", "other-number", "reference", "ambiguous", "absent"]


@dataclass(frozen=True)
class Verdict:
    """What the text shows. ``found`` holds what a refusal names (other numbers, a title, a
    reference as printed); ``evidence`` the printed line that decided an acceptance."""

    accepted: bool
    reason: Reason
    found: tuple[str, ...] = ()
    evidence: str = ""
    mentions: tuple[str, ...] = ()  # where the workbook's number was seen, as printed


# A title printed letter-spaced ("G U T S C H R I F T"): the single letters joined.
_LETTER_SPACED = re.compile(r"(?<![a-z])([a-z]) (?=[a-z](?![a-z]))")
# An identifier as printed: letters, digits and the separators of document numbers.
_IDENTIFIER = re.compile(r"#?[A-Za-z0-9](?:[A-Za-z0-9_]|[-/.](?=[A-Za-z0-9]))*")
_DATE = re.compile(
    r"^(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{4})$",
)
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,]\d{3})*(?:[.,]\d{1,2})?$|^\d+[.,]\d{1,2}$")
# Text of a page that is read (an invoice page has a few thousand characters).
MAX_PAGE_CHARACTERS = 100_000
# A page extracted in layout mode: how many lines above a value its column header may stand.
_HEADER_LINES = 2


def number_pattern(number: str) -> re.Pattern[str]:
    """The invoice number as it may appear in extracted text: spaces, line breaks and a
    hyphen at a line break allowed between its characters, case ignored.

    Its ends may be glued to a word ("Kundennr.30064443", "993548900Factuurnummer",
    "Nr.R87654321012345vom"), but never to more of a number: "INV-2026-0012" and
    "XINV-2026-001" are other numbers, and so are "INV-2026-001A" and "INV-2026-001/2".
    """
    between = r"(?:[\s\u00ad]|-[ \t]*\n)*"
    characters = [re.escape(c) for c in number if not c.isspace()]
    body = between.join(characters)
    first, last = number.strip()[:1], number.strip()[-1:]
    # Left: no letter or digit before it -- except a word glued before a number that starts
    # with a digit ("Rechnungsnummer30064443") or a label ending in a full stop ("Nr.R8...").
    left = r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][-/_])"
    if first.isdigit():
        left = r"(?<![0-9A-Z])(?<![A-Za-z0-9][-/_])(?<![0-9][.,])"
    else:
        left = r"(?:(?<![A-Za-z0-9.])|(?<=[a-z]\.)|(?<=[A-Z][a-z]\.)|(?<=[A-Z][a-z][a-z]\.))(?<![A-Za-z0-9][-/_])"
    # Right: no letter or digit after it -- except, after a final digit, a word of two or
    # more letters with a lower-case one ("993548900Factuurnummer", "...345vom").
    right = r"(?![A-Za-z0-9])"
    if last.isdigit():
        right = r"(?![0-9])(?![A-Za-z](?![a-z]))(?![A-Z]{2})"
    # Case is ignored in the number only: the boundaries tell lower from upper case.
    return re.compile(left + "(?i:" + body + ")" + right + r"(?![-/_][A-Za-z0-9])(?![.,][0-9])")


def _shape(token: str) -> str:
    """Letters as A, digit runs by their length, separators kept: INV-2026-001 -> A-4-3."""
    token = token.lstrip("#").upper()
    shape = re.sub(r"[A-Z]+", "A", token)
    return re.sub(r"[0-9]+", lambda m: str(len(m.group())), shape)


def _looks_like_number(token: str) -> bool:
    """A document number rather than a date, an amount, a quantity or a word."""
    bare = token.lstrip("#")
    digits = sum(c.isdigit() for c in bare)
    if not digits or _DATE.match(bare) or _AMOUNT.match(bare) and (digits < 5 or not bare.isdigit()):
        return False
    return digits >= 4 or (digits >= 2 and any(c.isalpha() for c in bare))


@dataclass(frozen=True)
class _Seen:
    """A number on a page, with the label that tells what it is."""

    page: int  # 1-based
    text: str  # as printed
    label: Label
    line: str  # the printed line (whitespace collapsed), for messages


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _collapse(text: str, limit: int = 90) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


def _quote(line: str, start: int, end: int) -> str:
    """The label and the number as printed: from the cell the label begins in to the number's end."""
    trimmed = line[:start].rstrip(" \t\u00a0:=-\u2013")
    breaks = list(CELL_BREAK.finditer(trimmed))
    begin = max(breaks[-1].end() if breaks else 0, start - LABEL_SPAN)
    return _collapse(line[begin:end])


def _label_of(lines: list[str], index: int, start: int, end: int, headers: bool) -> Label:
    """The label of the number at ``lines[index][start:end]``: on its line before it; else,
    when the number starts its line, at the end of the line above; else (layout text) the
    column header above it."""
    before = lines[index][:start]
    if before.strip(SEPARATORS + "\u00a0"):
        label = classify(before)
    else:
        label = Label.NONE
        above = next((i for i in range(index - 1, max(-1, index - 3), -1) if lines[i].strip()), None)
        if above is not None:  # "Invoice No.:" / new line / "INV-1"
            label = classify(lines[above].rstrip())
    if label is Label.NONE and headers:
        label = _header_above(lines, index, start, end)
    return label


def _header_above(lines: list[str], index: int, start: int, end: int) -> Label:
    """A column header above a value in layout text (a row of labels over a row of values):
    the cell over the value on the nearest line that has one there."""
    seen = 0
    for above in range(index - 1, -1, -1):
        text = lines[above]
        if not text.strip():
            continue
        seen += 1
        if seen > _HEADER_LINES:
            break
        cells = [c for c in re.finditer(r"\S+(?: \S+)*", text) if c.start() < end and c.end() > start]
        if cells:
            return classify(cells[0].group() + " ")
    return Label.NONE


def _occurrences(pages: Sequence[PageText], pattern: re.Pattern[str]) -> Iterator[_Seen]:
    for number, page in enumerate(pages, start=1):
        for text, layout in ((page.layout, True), (page.plain, False)):
            if not text:
                continue
            lines = _lines(text)
            offsets = []
            position = 0
            for line in lines:
                offsets.append(position)
                position += len(line) + 1
            joined = "\n".join(lines)
            for match in pattern.finditer(joined):
                index = _line_at(offsets, match.start())
                start = match.start() - offsets[index]
                end = min(match.end() - offsets[index], len(lines[index]))
                label = _label_of(lines, index, start, end, layout)
                yield _Seen(number, " ".join(match.group().split()), label, _quote(lines[index], start, end))


def _line_at(offsets: list[int], position: int) -> int:
    low, high = 0, len(offsets) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if offsets[middle] <= position:
            low = middle
        else:
            high = middle - 1
    return low


def _labelled_numbers(pages: Sequence[PageText]) -> Iterator[_Seen]:
    """Every number that stands after a label on its line (or the line above), any page.
    (Not under column headers: a "No." column holds line numbers, not the document's.)"""
    for number, page in enumerate(pages, start=1):
        for text in (page.layout, page.plain):
            lines = [_unglue(line) for line in _lines(text)]
            for index, line in enumerate(lines):
                for token in _IDENTIFIER.finditer(line):
                    if _looks_like_number(token.group()):
                        label = _label_of(lines, index, token.start(), token.end(), headers=False)
                        if label is not Label.NONE:
                            quote = _quote(line, token.start(), token.end())
                            yield _Seen(number, token.group().lstrip("#"), label, quote)


def _unglue(line: str) -> str:
    """Spaces where extraction glued a label to a number ("Kundennr.30064443" ->
    "Kundennr. 30064443", "6669263Klantnummer:" -> "6669263 Klantnummer:")."""
    line = re.sub(r"(?<=[a-z][.:])(?=[A-Z0-9])", " ", line)
    return re.sub(r"(?<=[0-9])(?=[A-Z]?[a-z]{2})", " ", line)


def _credit_title(pages: Sequence[PageText]) -> str | None:
    """The title of a credit note on the first page ("CREDIT NOTE", "Gutschrift Nr. 12")."""
    if not pages:
        return None
    page = pages[0]
    for text in (page.layout, page.plain):
        for line in _lines(text):
            for cell in CELL_BREAK.split(line):
                folded = " ".join(_LETTER_SPACED.sub(r"\1", fold(cell)).split())
                for form in (folded.replace("-", " "), folded.replace("-", "")):
                    form = form.strip(SEPARATORS)
                    match = CREDIT_TITLE.match(form)
                    if match and len(form[match.end() :].split()) <= 4:
                        return _collapse(cell)
    return None


def find_own_number(pages: Sequence[PageText], number: str) -> Verdict:
    """Whether ``pages`` show ``number`` as the document's own number (see the module)."""
    pages = [PageText(p.plain[:MAX_PAGE_CHARACTERS], p.layout[:MAX_PAGE_CHARACTERS]) for p in pages]
    pattern = number_pattern(number)
    seen = list(_occurrences(pages, pattern))
    mentions = tuple(dict.fromkeys(s.line for s in seen))
    key = re.sub(r"\s", "", number).lstrip("#").upper()
    labelled = list(_labelled_numbers(pages))

    title = _credit_title(pages)
    credit = [s for s in labelled if s.label is Label.CREDIT and s.page == 1]
    if title or credit:
        return Verdict(False, "credit-note", (title or credit[0].line,), mentions=mentions)

    def other(label: Label, s: _Seen) -> bool:
        return s.label is label and re.sub(r"\s", "", s.text).upper() != key and not pattern.fullmatch(s.text)

    others = [s for s in labelled if other(Label.OWN, s)]
    generic = [s for s in labelled if other(Label.GENERIC, s)]
    titled = [s for s in labelled if other(Label.TITLE, s)]
    # A number label ("Invoice No.", "Nomor:") decides; the title before a number ("Invoice X")
    # does when no number label shows another number.
    own = [s for s in seen if s.label in (Label.OWN, Label.GENERIC)]
    if not own and not (others or generic):
        own = [s for s in seen if s.label is Label.TITLE]
    if own:
        best = next((s for s in own if s.label is Label.OWN), own[0])
        return Verdict(True, "labelled", evidence=best.line, mentions=mentions)

    other_numbers = others or generic or titled
    if other_numbers:
        found = tuple(dict.fromkeys(s.text for s in other_numbers))
        return Verdict(False, "other-number", found, evidence=other_numbers[0].line, mentions=mentions)

    if not seen:
        return Verdict(False, "absent")
    unlabelled = [s for s in seen if s.label in (Label.NONE, Label.OTHER, Label.TITLE)]
    if not unlabelled:
        return Verdict(False, "reference", mentions=tuple(dict.fromkeys(s.line for s in seen)))
    first_page = [s for s in unlabelled if s.page == 1]
    if first_page:
        shape = _shape(key)
        like = sorted(
            {
                token.group().lstrip("#")
                for token in _IDENTIFIER.finditer(pages[0].plain + "\n" + pages[0].layout)
                if _shape(token.group()) == shape
                and re.sub(r"\s", "", token.group()).lstrip("#").upper() != key
                and _looks_like_number(token.group())
            }
        )
        if not like:
            return Verdict(True, "only-number", evidence=first_page[0].line, mentions=mentions)
        return Verdict(False, "ambiguous", tuple(like), mentions=mentions)
    return Verdict(False, "ambiguous", (), mentions=mentions)
