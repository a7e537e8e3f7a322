"""The words of a statement against the statutory text: LINT-WORDING (missing, added and
changed words), LINT-PLACEHOLDER (dots or bracketed instructions left in a blank) and
LINT-FOOTNOTE-MARKER (the annex's footnote markers printed)."""

from __future__ import annotations

import re

from rexdecl.i18n import N_, _
from rexdecl.lint.checker import BLANKS, Checker, bracket_present
from rexdecl.lint.countries import example_country
from rexdecl.lint.templates import Template
from rexdecl.lint.text import DOTS

_INSTRUCTION = re.compile(
    r"[(\[<]([^()\[\]<>]*\b(?:name|number|country|exporter|criterion|insert|enter|nom|"
    r"num[ée]ro|pays|exportateur|crit[èe]re|nombre|n[úu]mero|pa[íi]s|exportador|criterio)\b"
    r"[^()\[\]<>]*)[)\]>]",
    re.IGNORECASE,
)

_BLANK_NAMES = {
    "exporter": N_("The exporter's name"),
    "country": N_("The country of origin"),
    "criterion": N_("The origin criterion"),
    "rex": N_("The registration bracket"),
}


def find_placeholders(checker: Checker) -> set[str]:
    """LINT-PLACEHOLDER: dots or bracketed instructions left in the statement. Returns the
    blanks concerned (their other checks are then skipped: one mistake, one finding)."""
    start, end = checker.candidate.start, checker.candidate.end
    spans = {slot: checker.span(slot) for slot in BLANKS}
    hits = [(m.start(), m.group()) for m in DOTS.finditer(checker.masked, start, end)]
    for name in ("exporter", "country", "criterion"):
        span = spans[name]
        if span:
            hits.extend(
                (m.start(), m.group())
                for m in _INSTRUCTION.finditer(checker.masked, *span)
                if not re.search(r"\d", m.group(1))
            )
    rex_span = spans["rex"]
    if rex_span and bracket_present(checker.alignment):
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
            what = _('the country of origin, e.g. "{example}"').format(example=example_country(language))
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


def check_wording(checker: Checker, obsolete: bool) -> None:
    """LINT-WORDING: the word diff against the statutory text."""
    alignment = checker.alignment
    template = alignment.template
    tokens = template.tokens
    doc_tokens = alignment.tokens
    bracket_printed = bracket_present(alignment)
    bracket_reported = False
    for run in alignment.runs:
        in_bracket = bool(run.a) and all(tokens[i].bracket for i in run.a)
        if in_bracket and not run.b and not bracket_printed:
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


def _bracket_range(template: Template) -> tuple[int, int]:
    indices = [i for i, t in enumerate(template.tokens) if t.bracket]
    return indices[0], indices[-1] + 1


def footnote_marker(checker: Checker, position: int, marker: str) -> None:
    """LINT-FOOTNOTE-MARKER: a footnote marker of the annex's form printed in the statement."""
    checker.add(
        "LINT-FOOTNOTE-MARKER",
        position,
        _(
            'the footnote marker "{marker}" of the statutory form is printed in the '
            "statement; remove it (the annex's footnotes are never printed)."
        ).format(marker=marker),
    )
