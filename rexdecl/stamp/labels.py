"""What the label before a number on an invoice says it is: the document's own number
("Invoice No.", "Rechnungsnr.", "Factuurnummer", a bare "No."), a credit note's, a reference
to another document ("Ref.", "against invoice", "zu Rechnung") or another number (customer,
order, tax invoice). The label words of the common languages, lower case without accents.
Pure text analysis (:func:`classify`), used by :mod:`rexdecl.stamp.number`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from enum import Enum

__all__ = ["CELL_BREAK", "CREDIT_TITLE", "LABEL_SPAN", "SEPARATORS", "Label", "classify", "fold"]


class Label(Enum):
    """The kind of label a number stands after."""

    OWN = "own"  # the document's own number: "Invoice No.", "Rechnungsnr.", "Factuurnummer"
    GENERIC = "generic"  # a bare number label: "No.", "Nomor:", "#"
    TITLE = "title"  # the document's title just before the number: "Invoice INV/2023/03/0008" (weaker)
    CREDIT = "credit"  # a credit note's own number
    REFERENCE = "reference"  # "Ref.", "against invoice", "zu Rechnung"
    OTHER = "other"  # another number: customer, order, tax invoice, account...
    NONE = "none"


# -- words of labels (lower case, accents removed) ------------------------------------------

_NUMBER_WORDS = frozenset({"no", "nr", "nro", "num", "number", "nummer", "numero", "nomor", "id", "#", "nbr", "nb"})
_NUMBER_SUFFIXES = ("nummer", "number", "numero", "nomor", "nr", "no")
# Substrings of words naming the documents a statement goes on (invoice, packing list,
# delivery note) in English, German, Dutch, French, Spanish, Portuguese, Italian, Polish,
# Scandinavian languages and Indonesian.
_OWN_STEMS = (
    "invoice",
    "rechnung",
    "factuur",
    "factur",
    "fatura",
    "fattura",
    "faktur",
    "lieferschein",
    "pakbon",
    "packing",
    "tagihan",
    "document",
    "dokument",
    "receipt",
    "kwitansi",
    "beleg",
)
_OWN_WORDS = frozenset({"inv", "doc", "bill", "nota", "re", "rg", "ci", "pl", "dn"})
# A document's title used as the label of its number ("Invoice INV/2023/03/0008", "INVOICE:",
# "Facture FA-2017-0010", "Rechnung RE1001"): whole words only ("Rechnungsdatum" is a date).
_TITLE = re.compile(
    r"(?:\w*rechnung|invoice|factuur|facture|factura|fatura|fattura|faktura|faktur|lieferschein|pakbon"
    r"|tagihan|kwitansi|receipt|beleg|nota|bill)"
)
# Modifiers that make an invoice-number label name another document.
_OTHER_MODIFIERS = frozenset(
    {"tax", "pajak", "vat", "btw", "steuer", "ust", "proforma", "pro", "forma", "seri", "serial", "npwp", "efaktur"}
)
_REFERENCE_WORDS = frozenset(
    {
        "ref",
        "refs",
        "reff",
        "reference",
        "referenz",
        "referentie",
        "referencia",
        "referensi",
        "against",
        "to",
        "for",
        "zu",
        "zur",
        "zum",
        "bezuglich",
        "bzgl",
        "betreft",
        "betreffend",
        "regarding",
        "concerning",
        "concerne",
        "replaces",
        "replacing",
        "replaced",
        "corrects",
        "correcting",
        "correction",
        "cancels",
        "cancelling",
        "cancelled",
        "original",
        "originele",
        "ursprungliche",
        "related",
        "relating",
        "according",
        "gemass",
        "see",
        "siehe",
        "voir",
        "sur",
        "your",
        "uw",
        "ihre",
        "ihrer",
        "votre",
        "previous",
        "vorherige",
        "atas",
        "untuk",
        "payment",
        "paid",
        "settles",
        "settlement",
        "pembayaran",
        "pelunasan",
        "zahlung",
        "betaling",
        "paiement",
        "pago",
    }
)
_CREDIT_PHRASES = (
    "credit note",
    "credit memo",
    "creditnote",
    "creditnota",
    "credit nota",
    "gutschrift",
    "storno",
    "rechnungskorrektur",
    "korrekturrechnung",
    "avoir",
    "note de credit",
    "nota de credito",
    "nota di credito",
    "nota kredit",
    "nota credit",
    "factura rectificativa",
    "debit note",
    "nota debit",
)
CREDIT_TITLE = re.compile(r"^(?:" + "|".join(re.escape(p) for p in _CREDIT_PHRASES) + r")s?\b")

CELL_BREAK = re.compile(r"\s{3,}|\t|\s[|;]\s")
SEPARATORS = " \t.:#-\u2013\u2014=*/()[]'\"_"
# How far back on a line a label is looked for (a label with its separators is short).
LABEL_SPAN = 48


def fold(text: str) -> str:
    """Lower case without accents, "n°"/"nº"/"№" as "no", glued words split at a change to
    upper case ("HandelsrechnungNr" -> "handelsrechnung nr")."""
    text = re.sub(r"(?<=[a-zà-ÿ])(?=[A-Z])", " ", text)
    text = re.sub(r"\b[Nn]\s*[.]?\s*[°º]", "no ", text.replace("\u2116", "no "))
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+|#", text)


def _split_number_word(word: str) -> tuple[bool, str]:
    """Whether ``word`` is or ends in a number word, and the part before it (glued)."""
    if word in _NUMBER_WORDS:
        return True, ""
    for suffix in _NUMBER_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            return True, stem
    return False, ""


def _is_own(word: str) -> bool:
    return word in _OWN_WORDS or any(stem in word for stem in _OWN_STEMS)


def _is_credit(words: Sequence[str]) -> bool:
    joined = " ".join(words)
    return any(phrase in joined for phrase in _CREDIT_PHRASES)


def classify(before: str) -> Label:
    """The kind of label that ends ``before`` (the text just before a number on its line)."""
    # The cell that ends right before the number (layout text spaces cells widely; a label
    # may stand apart from its colon: "Beleg-Nr           : R8...").
    colon = before.rstrip().endswith((":", "#", "="))
    trimmed = before[-4 * LABEL_SPAN :].rstrip(" \t\u00a0:=-\u2013")
    cell = CELL_BREAK.split(trimmed)[-1] if trimmed.strip() else ""
    tail = cell[-LABEL_SPAN:]
    folded = fold(tail)
    # The label must end where the number starts: only separators may stand between.
    stripped = folded.rstrip(SEPARATORS + "\u00a0")
    if not stripped or not (stripped[-1].isalpha() or stripped[-1] == "#" or folded.rstrip().endswith("#")):
        return Label.NONE
    words = _words(folded)[-5:]
    if not words:
        return Label.NONE
    last = words[-1]
    before_last = words[:-1]
    is_number, stem = _split_number_word(last)
    if is_number:
        head = stem or (before_last[-1] if before_last else "")
        modifiers = before_last[-3:] if stem else before_last[-4:-1]
        if not head:
            return Label.GENERIC
        if _is_credit([*modifiers, head]):
            return Label.CREDIT
        if head in _REFERENCE_WORDS or head.startswith(("ursprung", "original", "orig")):
            return Label.OWN if modifiers and _is_own(modifiers[-1]) else Label.REFERENCE
        if any(m in _REFERENCE_WORDS for m in modifiers) and _is_own(head):
            return Label.REFERENCE
        if _is_own(head):
            return Label.OTHER if any(m in _OTHER_MODIFIERS for m in [*modifiers, head]) else Label.OWN
        if head in _NUMBER_WORDS:  # "No. #", "Number:" twice
            return Label.GENERIC
        return Label.OTHER
    if _is_credit(words[-2:]) or _is_credit(words[-1:]):
        return Label.CREDIT
    if _TITLE.fullmatch(last):
        modifiers = before_last[-3:]
        if any(m in _REFERENCE_WORDS for m in modifiers):
            return Label.REFERENCE
        if _is_credit(modifiers):
            return Label.CREDIT
        if any(m in _OTHER_MODIFIERS for m in [*modifiers, last]):
            return Label.OTHER
        if (before_last and before_last[-1] in _NUMBER_WORDS) or colon:
            return Label.OWN  # "INVOICE: X", "No. Faktur X"
        return Label.TITLE  # "Invoice INV/2023/03/0008": a title, or a mention ("payment of invoice X")
    if last in _REFERENCE_WORDS:
        if before_last and _is_own(before_last[-1]) and not any(m in _REFERENCE_WORDS for m in before_last[-3:-1]):
            return Label.OWN  # "Invoice Ref: ..."
        return Label.REFERENCE
    return Label.NONE


# -- reading labels off the page ---------------------------------------------------------
