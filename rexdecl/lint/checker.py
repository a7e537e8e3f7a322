"""One statement under check (:class:`Checker`): what its blanks hold, where, and the
findings with their legal references; the patterns the checks of its wording and blanks share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rexdecl import legal
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _
from rexdecl.lint.aligning import Alignment
from rexdecl.lint.finding import Candidate
from rexdecl.lint.templates import Template, eu_scheme
from rexdecl.lint.text import DOTS, Document
from rexdecl.model import Location

# The registration words of the pre-REX invoice declaration ("customs authorisation No").
OBSOLETE_WORDING = re.compile(
    r"customs\s+authori[sz]ation(?:\s+REX)?(?:\s+(?:No|Nr|Number|n°)\b\.?)?"
    r"|autorisation\s+douani[eè]re(?:\s+REX)?(?:\s+n°)?"
    r"|autorizaci[oó]n\s+aduanera(?:\s+REX)?(?:\s+n[°º.]?)?",
    re.IGNORECASE,
)

REX_LOOSE = re.compile(r"[A-Za-z]{2}[\s.\-]*REX(?:[\s.\-/]*[A-Za-z0-9]+)*", re.IGNORECASE)

BLANKS = ("exporter", "rex", "country", "criterion")


@dataclass
class Checker:
    """One statement under check: its blanks' places and text, and the findings made so far
    (each with where it is and its legal reference)."""

    doc: Document
    masked: str  # the document text with footnote markers blanked out
    source: str
    candidate: Candidate
    findings: list[Finding] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)

    @property
    def alignment(self) -> Alignment:
        return self.candidate.alignment

    @property
    def template(self) -> Template:
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
                reference(code, scheme or self.template.scheme),
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
        if slot == "criterion" and self._last_words(slot):
            # The criterion ends the sentence (every text but one whose words follow it, as in
            # German "… Ursprungskriterium {criterion} ist."): it runs to the statement's end.
            high = self.candidate.end
        return low, max(low, high)

    def _last_words(self, slot: str) -> bool:
        """Whether no statutory word follows the blank ``slot`` in the template."""
        index = self.template.slot_index(slot)
        return index is None or not any(t.text[:1].isalnum() for t in self.template.tokens[index + 1 :])

    def blank(self, slot: str) -> str:
        """What a blank holds, without placeholder dots and footnote markers."""
        span = self.span(slot)
        if span is None or (slot == "rex" and not bracket_present(self.alignment)):
            return ""
        text = DOTS.sub(" ", self.masked[span[0] : span[1]])
        return " ".join(text.split()).strip(" ,;:")

    def context(self, slot: str) -> str:
        index = self.template.slot_index(slot)
        assert index is not None
        return self.template.around(index, index + 1)


def reference(code: str, scheme: legal.Scheme) -> str:
    """The legal reference of a lint finding ``code`` about a statement of ``scheme``."""
    base = scheme.legal_reference
    catalogue = legal.rule_catalogue()
    if code == "LINT-REX-FORMAT" and "REX-FORMAT" in catalogue:
        return f"{base}; {catalogue['REX-FORMAT'].reference}"
    if code == "LINT-CRITERION" and scheme.rule_catalogue and "CRITERION-INVALID" in catalogue:
        # The scheme whose rules the catalogue describes: its criteria's own reference.
        return catalogue["CRITERION-INVALID"].reference
    if code == "LINT-OBSOLETE-WORDING":
        return _("{base}; the invoice declaration ended with the country's REX transition [V2]").format(base=base)
    return base


def rex_bracket(template: Template, number: str) -> str:
    """The registration bracket of the statement's language (the EU one for UK/obsolete)."""
    if template.scheme.identifier == "rex":
        return template.bracket(number)
    texts = eu_scheme().texts.get(template.language) or eu_scheme().texts["en"]
    return texts.rex_bracket.format(rex=number).strip()


def bracket_present(alignment: Alignment) -> bool:
    """Whether any word of the text's registration bracket is in the statement."""
    return any(alignment.template.tokens[i].bracket for i in alignment.touched)
