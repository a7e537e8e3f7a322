"""The document's text as lint compares it: normalised lines joined into one text that
keeps the page and line of every character, and its words (tokens).

The text is normalised line by line (Unicode NFKC: ligatures, no-break spaces, "…";
typographic apostrophes; whitespace collapsed) and the lines are joined, removing the
hyphen of a word split at a line end ("Gene-" + "ralized"). Words are compared by their key:
case and accents ignored, "generalised" read as "generalized".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rexdecl.i18n import _

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
    lines = [Line(None, n, line) for n, line in enumerate(text.splitlines(), 1)]
    document = Document(lines, paged=False)
    return " ".join(document.text.split())


@dataclass(frozen=True)
class Line:
    """One line of the document as read: its page (PDFs), its number and its text."""

    page: int | None
    number: int
    text: str


class Document:
    """The normalised text, with the page and line of every character."""

    def __init__(self, lines: Sequence[Line], paged: bool) -> None:
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


# Words (with inner dots/slashes/hyphens: "96.18", "XC/XL"), French elisions ("L'", "d'")
# and brackets; other punctuation is not compared.
TOKEN = re.compile(r"[^\W\d_]{1,3}'(?=\w)|\w+(?:[./-]\w+)*|[()\[\]]")
_SPELLING = {"generalised": "generalized"}  # statement-on-origin.md "Filling the blanks" 7
FOOTNOTE = re.compile(r"\(\s*\d{1,2}\s*\)")
DOTS = re.compile(r"\.{2,}|(?:\.\s){2,}\.")


def fold(text: str) -> str:
    """Case and accents ignored: "UNIÓN EUROPEA" reads as "unión europea"."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def word_key(word: str) -> str:
    """What a word is compared by: folded, one spelling of the words spelt two ways."""
    key = fold(word)
    return _SPELLING.get(key, key)


class Token(NamedTuple):  # a tuple: a document has up to a million of them
    """A word of the document: where it is, as printed, and its key."""

    start: int
    end: int
    text: str
    key: str


def tokenize(text: str, hidden: Sequence[tuple[int, int]]) -> list[Token]:
    """The words of ``text`` outside the ``hidden`` ranges (sorted, not overlapping)."""
    out: list[Token] = []
    append = out.append
    keys: dict[str, str] = {}
    new = tuple.__new__  # Token(...) without the Python frame of its __new__: up to a million calls
    h, count = 0, len(hidden)
    for match in TOKEN.finditer(text):
        start = match.start()
        if count:
            while h < count and hidden[h][1] <= start:
                h += 1
            if h < count and hidden[h][0] <= start:
                continue
        word = match.group()
        key = keys.get(word)
        if key is None:
            key = keys[word] = word_key(word)
        append(new(Token, (start, match.end(), word, key)))
    return out
