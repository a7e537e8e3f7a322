"""The statement on origin: the scheme's statutory text with its blanks filled exactly as
``statement-on-origin.md`` ("Filling the blanks") says. The statement never claims more
than the lines carry: non-originating lines are left out of the criterion blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rexdecl.criteria import Criterion
from rexdecl.legal import Scheme, SchemeText, eu_customs_territory
from rexdecl.rules.facts import Line, ShipmentFacts


@cache
def country_name(code: str, language: str) -> str:
    """The country's name as a noun in ``language``, from the Unicode CLDR (through Babel).

    A code the CLDR lacks but the EU customs territory data names (Northern Ireland, ``XI``:
    a customs code, not an ISO 3166 one) gets the data's English name; else the code.
    """
    from babel import Locale

    name = Locale.parse(language).territories.get(code)
    if name is None:
        name = next((entry.name for entry in eu_customs_territory() if entry.code == code), code)
    return name


def criterion_text(criterion: Criterion, text: SchemeText, language: str) -> str:
    """A criterion as printed in the statement: ``P``, ``W 6214``, or the cumulation mention."""
    if criterion.kind == "W":
        return f"W {criterion.heading}"
    if criterion.kind == "cumulation" and criterion.cumulation:
        mention = text.cumulation.get(criterion.cumulation, criterion.cumulation)
        if criterion.partner:
            mention = mention.format(country=country_name(criterion.partner, language))
        return mention
    return criterion.kind


def criterion_blank(lines: tuple[Line, ...], text: SchemeText, language: str) -> str:
    """One criterion when all originating lines share it, else each with its item numbers:
    ``W 6214 (items 1, 2, 4), P (item 3)`` [I: a layout, not a statutory text]."""
    groups: dict[str, tuple[str, list[int]]] = {}
    for line in lines:
        if line.criterion is None or not line.criterion.originating:
            continue
        printed = criterion_text(line.criterion, text, language)
        groups.setdefault(printed, (printed, []))[1].append(line.item.line)
    if len(groups) == 1:
        return next(iter(groups))
    parts = []
    for printed, numbers in groups.values():
        label = text.item if len(numbers) == 1 else text.items
        parts.append(f"{printed} ({label} {', '.join(str(n) for n in numbers)})")
    return ", ".join(parts)


@dataclass(frozen=True)
class FilledStatement:
    text: str
    language: str
    scheme: Scheme


def fill_statement(ctx: ShipmentFacts) -> FilledStatement:
    """The statutory sentence of the shipment's scheme and language, blanks filled."""
    scheme = ctx.scheme
    assert scheme is not None, "fill_statement needs a usable scheme (checked by the rules)"
    language = ctx.statement_language
    text = scheme.texts[language]
    identifier = ctx.rex_number if scheme.identifier == "rex" else ctx.shipment.customs_id
    bracket = text.rex_bracket.format(rex=identifier) if identifier else ""
    origin = ctx.origin_country or ""
    # Annex 22-07 fn. 5: Union origin and Ceuta and Melilla are printed as their symbols.
    country = scheme.origin_symbols.get(origin) or country_name(origin, language)
    sentence = text.statement.format(
        exporter=ctx.exporter_name or "",
        rex_bracket=bracket,
        country=country,
        criterion=criterion_blank(ctx.lines, text, language),
    )
    return FilledStatement(sentence, language, scheme)
