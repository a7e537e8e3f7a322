"""Checking one statement found: which kind it is (a scheme's statement, the obsolete
invoice declaration, another agreement's statement), its wording and its blanks, as findings
in document order."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rexdecl import legal
from rexdecl.i18n import _
from rexdecl.lint.aligning import Alignment
from rexdecl.lint.blanks import check_country, check_criterion, check_exporter_and_rex, check_rex_format
from rexdecl.lint.checker import BLANKS, OBSOLETE_WORDING, REX_LOOSE, Checker, rex_bracket
from rexdecl.lint.report import OBSOLETE_SCHEME, OTHER_SCHEME, LintedStatement
from rexdecl.lint.templates import eu_scheme, scheme_templates
from rexdecl.lint.wording import check_wording, find_placeholders, footnote_marker
from rexdecl.model import Location

_REX_WORDING = re.compile(r"REX|registered\s+exporter|exportateur\s+enregistr|exportador\s+registrado", re.IGNORECASE)


def check_statement(checker: Checker, number: int, footnotes: Sequence[tuple[int, int]]) -> LintedStatement:
    """Statement ``number`` checked: the obsolete declaration and another agreement's statement
    are named as such; the others' wording, placeholders and blanks are checked, one finding
    per mistake, in the order they appear (``footnotes``: the markers' character ranges)."""
    doc, candidate, template = checker.doc, checker.candidate, checker.template
    start, end = candidate.start, candidate.end
    text = " ".join(doc.text[start : end + 1 if doc.text[end : end + 1] == "." else end].split())
    blanks = {slot: checker.blank(slot) for slot in BLANKS}
    if template.others:
        return _other_statement(checker, number, text, blanks)
    obsolete = OBSOLETE_WORDING.search(checker.masked, start, end)
    identifier: str | None = None
    if obsolete is not None and not _REX_WORDING.search(checker.masked, start, end):
        # The whole pre-REX declaration: it is replaced as a whole, one finding says so.
        eu_text = eu_scheme().texts.get(template.language) or eu_scheme().texts["en"]
        checker.add(
            "LINT-OBSOLETE-WORDING",
            obsolete.start(),
            _(
                'this is the pre-REX invoice declaration ("{found}"), valid only until the country\'s '
                'REX transition ended; make out the statement on origin instead: "{statement}".'
            ).format(found=obsolete.group(), statement=_filled(eu_text)),
            scheme=eu_scheme(),
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
            footnote_marker(checker, low, doc.text[low:high])
    if obsolete is not None:
        checker.add(
            "LINT-OBSOLETE-WORDING",
            obsolete.start(),
            _(
                '"{found}" mixes the obsolete invoice declaration with the REX statement; print the '
                'registration bracket as "{bracket}".'
            ).format(found=obsolete.group(), bracket=rex_bracket(template, "IDREX…")),
        )
    placeholders = find_placeholders(checker)
    check_wording(checker, obsolete is not None)
    if "exporter" not in placeholders:
        identifier = check_exporter_and_rex(checker, blanks, placeholders, obsolete)
    if "country" not in placeholders:
        check_country(checker, blanks["country"])
    if "criterion" not in placeholders:
        check_criterion(checker, blanks["criterion"])
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


def _other_statement(checker: Checker, number: int, text: str, blanks: dict[str, str]) -> LintedStatement:
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
        loose = REX_LOOSE.search(identifier)
        if loose is not None:
            check_rex_format(checker, loose.group().strip(" .-"), span[0])
        elif re.match(r"[A-Za-z]{2}R[A-Za-z]", identifier):  # "LKRREG…": a REX number misspelt
            check_rex_format(checker, identifier.split()[0].strip(" .,;"), span[0])
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


def _identifying_words(alignment: Alignment) -> str:
    """The words of an agreement's text found in the document that no scheme text of its
    language has, each with the word either side ("Exporter Reference No")."""
    template = alignment.template
    scheme_keys = {t.key for s in scheme_templates() if s.language == template.language for t in s.tokens}
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
