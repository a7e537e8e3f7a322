"""What the blanks of a statement hold: the exporter's name and REX number
(LINT-WORDING, LINT-REX-FORMAT), the country of origin (LINT-COUNTRY) and the origin
criterion (LINT-CRITERION)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rexdecl.criteria import parse_criterion
from rexdecl.i18n import _, language_name
from rexdecl.lint.checker import OBSOLETE_WORDING, REX_LOOSE, Checker, bracket_present, rex_bracket
from rexdecl.lint.countries import example_country, is_country
from rexdecl.lint.templates import item_list_pattern
from rexdecl.lint.text import DOTS, fold
from rexdecl.lint.wording import footnote_marker

REX_PATTERN = re.compile(r"[A-Z]{2}REX[A-Z0-9]{1,30}")  # rules.md REX-FORMAT

_REX_STRICT = re.compile(r"\b[A-Z]{2}REX[A-Z0-9]*\d[A-Z0-9]*\b")


def check_exporter_and_rex(
    checker: Checker, blanks: dict[str, str], placeholders: set[str], obsolete: re.Match[str] | None
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
    if bracket_present(checker.alignment):
        span = checker.span("rex")
        if "rex" in placeholders or span is None:
            return None
        value = DOTS.sub(" ", checker.masked[span[0] : span[1]])
        if obsolete is not None:
            value = OBSOLETE_WORDING.sub(" ", value)
        value = " ".join(value.split()).strip(" :;,")
        if not value:
            return None
        match = REX_LOOSE.search(value)
        if match:
            extra = value[: match.start()].strip(" :;,")
            if re.search(r"\w", extra):
                checker.add(
                    "LINT-WORDING",
                    span[0],
                    _(
                        'added: "{found}" before the REX number (the statutory text reads "{bracket}"); remove it.'
                    ).format(found=extra, bracket=rex_bracket(template, "IDREX…")),
                )
            value = match.group().strip(" .-")
        check_rex_format(checker, value, span[0])
        return value
    # No bracket: a REX number right after the name, as in Norway's official example [V].
    match = _REX_STRICT.search(blanks["exporter"])
    if match is None or exporter_span is None:
        return None
    if not template.scheme.rex_without_bracket:
        checker.add(
            "LINT-WORDING",
            exporter_span[0],
            _('the REX number {rex} stands without the words of the bracket; print "{bracket}".').format(
                rex=match.group(), bracket=rex_bracket(template, match.group())
            ),
        )
    return match.group()


def check_rex_format(checker: Checker, value: str, position: int) -> None:
    """LINT-REX-FORMAT: a REX number printed otherwise than the registered form allows."""
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


def check_country(checker: Checker, value: str) -> None:
    """LINT-COUNTRY: the country of origin missing, out of its place or not a country."""
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
            ).format(context=context, example=example_country(checker.template.language))
        checker.add("LINT-COUNTRY", span[0], message, name="country")
    elif (glued := _GLUED_MARKER.fullmatch(value)) is not None and is_country(glued.group(1)):
        # A superscript footnote marker of the annex that text extraction put on the line ("Indonesia5").
        footnote_marker(checker, span[0], glued.group(2))
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


def check_criterion(checker: Checker, value: str) -> None:
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
        if listed is not None and not item_list_pattern().fullmatch(fold(listed.strip())):
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
            ).format(found=mention, scheme=template.scheme.id, language=language_name(template.language), known=known)
        else:
            continue
        checker.add("LINT-CRITERION", position, message, name="criterion")


def _mention_problem(mention: str, mentions: Sequence[str]) -> str | None:
    if not mention:
        return "missing"
    folded = " ".join(fold(mention).split())
    for text in mentions:
        pattern = r"\s+".join(re.escape(w) for w in fold(text).split())
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
