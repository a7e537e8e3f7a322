"""Products and origin: HS-FORMAT, CRITERION-INVALID, CRITERION-HEADING-MISMATCH,
ORIGIN-COUNTRY-MIXED, MATERIAL-LINE-UNKNOWN, CRITERION-P-WITH-MATERIALS,
CUMULATION-NOT-AVAILABLE, GRADUATED-SECTION, LINE-NOT-ORIGINATING, NO-ORIGINATING-LINES."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from rexdecl import legal, schemes
from rexdecl.criteria import is_ascii_digits
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_day
from rexdecl.input.parsing import describe_char, hidden_characters
from rexdecl.model import Location, Material
from rexdecl.rules.facts import Line, ShipmentFacts
from rexdecl.rules.notation import cell_ref, digits_only
from rexdecl.rules.references import reference
from rexdecl.schemes import Scheme, with_mark


def check_hs_codes(facts: ShipmentFacts) -> Iterator[Finding]:
    """HS-FORMAT of the Items and Materials sheets' HS codes."""
    for line in facts.lines:
        yield from _hs(line.item.hs_code, line.item.where("hs_code"), 6, _("Items"))
    for material in facts.input.materials or ():
        yield from _hs(material.hs_code, material.where("hs_code"), 4, _("Materials"))


def _hs(code: str | None, where: Location, minimum: int, sheet: str) -> Iterator[Finding]:
    if code is None:
        return  # MISSING-FIELD
    hidden = hidden_characters(code)
    digits = digits_only(code)
    if hidden:
        problem = _("it contains the invisible character(s) {chars}").format(
            chars=", ".join(sorted({describe_char(c) for c in hidden}))
        )
    elif not is_ascii_digits(digits) or not minimum <= len(digits) <= 10:
        problem = (
            _("{count} digits after removing dots and spaces").format(count=len(digits))
            if is_ascii_digits(digits)
            else _("it holds characters other than digits, dots and spaces")
        )
    else:
        return
    yield Finding(
        "HS-FORMAT",
        Severity.ERROR,
        _(
            "{place}: HS code '{code}' is not valid ({problem}); expected {minimum} to 10 digits in the "
            "{sheet} sheet, e.g. 6214.90 or 940360 (retype the code)"
        ).format(place=cell_ref(where), code=code, problem=problem, minimum=minimum, sheet=sheet),
        where,
        reference("HS-FORMAT"),
    )


@functools.lru_cache(maxsize=4096)  # a shipment repeats a few codes on many lines
def hs_valid(code: str | None, minimum: int = 6) -> bool:
    digits = digits_only(code)
    return bool(code) and not hidden_characters(code or "") and is_ascii_digits(digits) and minimum <= len(digits) <= 10


def _cumulation_forms(scheme: Scheme | None) -> str:
    """The cumulation criteria a workbook may use with the scheme (every scheme's, without one)."""
    keys = scheme.cumulation if scheme is not None else schemes.cumulation_keys()
    forms = [f"{key}-cumulation" for key in keys if key != "extended"]
    if "extended" in keys:
        forms.append("extended-cumulation:XX")
    return ", ".join(forms) or _("no cumulation mention (the scheme provides none in rexdecl's data)")


def check_criteria(facts: ShipmentFacts, scheme: Scheme | None) -> Iterator[Finding]:
    """CRITERION-INVALID, CRITERION-HEADING-MISMATCH, LINE-NOT-ORIGINATING, and (with a usable
    scheme) CUMULATION-NOT-AVAILABLE of each line's origin criterion."""
    for line in facts.lines:
        item = line.item
        where = item.where("origin_criterion")
        if item.origin_criterion is None:
            continue  # MISSING-FIELD
        criterion = line.criterion
        if criterion is None or (criterion.kind == "W" and criterion.heading is None and hs_valid(item.hs_code)):
            yield Finding(
                "CRITERION-INVALID",
                Severity.ERROR,
                _(
                    "{place}: origin criterion '{value}' is not recognised; expected P, W, W followed by "
                    "the 4-digit heading (W 6214), {cumulations}, or no (not originating)"
                ).format(place=cell_ref(where), value=item.origin_criterion, cumulations=_cumulation_forms(scheme)),
                where,
                reference("CRITERION-INVALID"),
            )
            continue
        if criterion.kind == "W" and criterion.heading_given and hs_valid(item.hs_code):
            heading = digits_only(item.hs_code)[:4]
            if criterion.heading != heading:
                yield Finding(
                    "CRITERION-HEADING-MISMATCH",
                    Severity.ERROR,
                    _(
                        "{place}: criterion 'W {given}' names heading {given}, but the line's HS code "
                        "{hs} is in heading {heading}; write W {heading} (or just W)"
                    ).format(place=cell_ref(where), given=criterion.heading, hs=item.hs_code, heading=heading),
                    where,
                    reference("CRITERION-HEADING-MISMATCH"),
                )
        if criterion.kind == "no":
            yield Finding(
                "LINE-NOT-ORIGINATING",
                Severity.INFO,
                _(
                    "{place}: line {line} ({description}) is marked not originating: it is printed as "
                    "excluded from the statement on origin"
                ).format(place=cell_ref(where), line=item.line, description=item.description or ""),
                where,
                reference("LINE-NOT-ORIGINATING"),
                brief=_("marked not originating: printed as excluded from the statement on origin"),
            )
        if criterion.kind == "cumulation" and scheme is not None:
            yield from _cumulation(facts, scheme, line)


def _materials_of(facts: ShipmentFacts, line: Line) -> list[Material]:
    return [m for m in facts.input.materials or () if m.line == line.item.line]


def _cumulation(facts: ShipmentFacts, scheme: Scheme, line: Line) -> Iterator[Finding]:
    """CUMULATION-NOT-AVAILABLE for a mention the scheme does not provide, or extended
    cumulation not granted; then the scheme's own checks (its module's ``check_cumulation``)."""
    criterion = line.criterion
    assert criterion is not None and criterion.cumulation is not None
    where = line.item.where("origin_criterion")
    place = cell_ref(where)
    ref = reference("CUMULATION-NOT-AVAILABLE", scheme, own=scheme.cumulation_source)
    if criterion.cumulation not in scheme.cumulation:
        yield Finding(
            "CUMULATION-NOT-AVAILABLE",
            Severity.ERROR,
            _(
                "{place}: {scheme} provides no '{kind}' cumulation in rexdecl's data ({note}); use P or W "
                "if the line qualifies without it"
            ).format(
                place=place,
                scheme=scheme.id,
                kind=criterion.cumulation,
                note=scheme.cumulation_note or _("not provided"),
            ),
            where,
            ref,
        )
        return
    origin = line.origin
    if criterion.cumulation == "extended" and criterion.partner not in scheme.extended_cumulation.get(origin or "", ()):
        yield Finding(
            "CUMULATION-NOT-AVAILABLE",
            Severity.ERROR,
            _(
                "{place}: extended cumulation with {partner} is not granted to {origin} in rexdecl's data "
                "(none is recorded); use P or W if the line qualifies without it"
            ).format(place=place, partner=criterion.partner, origin=origin),
            where,
            ref,
        )
        return
    check = schemes.hook(scheme, "check_cumulation")
    if callable(check):
        yield from check(facts, scheme, line)


def material_counts(facts: ShipmentFacts, scheme: Scheme | None, line: Line, material: Material) -> bool:
    """Whether ``material`` counts as originating for ``line``: of the line's country of
    origin, or of a country its cumulation mention covers (the scheme's data, and its module's
    ``material_counts`` for the cumulations it defines)."""
    if material.origin is not None and material.origin == line.origin:
        return True
    criterion = line.criterion
    if scheme is None or criterion is None or criterion.kind != "cumulation" or criterion.cumulation is None:
        return False
    decide = schemes.hook(scheme, "material_counts")
    if callable(decide):
        verdict = decide(facts, scheme, line, material)
        if verdict is not None:
            return bool(verdict)
    if criterion.cumulation == "extended":
        return material.origin == criterion.partner
    return material.origin in scheme.cumulation_countries.get(criterion.cumulation, ())


def check_lines(facts: ShipmentFacts) -> Iterator[Finding]:
    """ORIGIN-COUNTRY-MIXED, MATERIAL-LINE-UNKNOWN, CRITERION-P-WITH-MATERIALS, NO-ORIGINATING-LINES."""
    originating = facts.originating_lines
    countries = sorted({line.origin for line in originating if line.origin})
    if len(countries) > 1:
        first = originating[0]
        by_country = {c: [str(line.item.line) for line in originating if line.origin == c] for c in countries}
        where = next(
            (line.item.where("origin_country") for line in originating if line.item.origin_country), first.item.row
        )
        yield Finding(
            "ORIGIN-COUNTRY-MIXED",
            Severity.ERROR,
            _(
                "{place}: the originating lines name different countries of origin ({detail}); a statement "
                "has one country of origin: split the invoice by country, or mark the other lines 'no'"
            ).format(
                place=cell_ref(where),
                detail="; ".join(
                    _("{country}: lines {lines}").format(country=c, lines=", ".join(v)) for c, v in by_country.items()
                ),
            ),
            where,
            reference("ORIGIN-COUNTRY-MIXED"),
        )
    if facts.lines and not originating:
        yield Finding(
            "NO-ORIGINATING-LINES",
            Severity.ERROR,
            _(
                "Items: every line is marked not originating ('no'): no statement on origin can be made. "
                "Correct the criteria, or generate the documents with --no-statement"
            ),
            facts.lines[0].item.where("origin_criterion"),
            reference("NO-ORIGINATING-LINES"),
        )
    lines = {line.item.line: line for line in facts.lines}
    for material in facts.input.materials or ():
        if material.line is not None and material.line not in lines:
            where = material.where("line")
            yield Finding(
                "MATERIAL-LINE-UNKNOWN",
                Severity.ERROR,
                _(
                    "{place}: material '{description}' names line {line}, which no Items row has (lines: "
                    "{known}); correct the line number"
                ).format(
                    place=cell_ref(where),
                    description=material.description or "",
                    line=material.line,
                    known=", ".join(str(n) for n in lines) or "-",
                ),
                where,
                reference("MATERIAL-LINE-UNKNOWN"),
            )
    for line in facts.lines:
        if line.criterion is None or line.criterion.kind != "P":
            continue
        foreign = [m for m in _materials_of(facts, line) if m.origin != line.origin]
        if foreign:
            where = line.item.where("origin_criterion")
            yield Finding(
                "CRITERION-P-WITH-MATERIALS",
                Severity.ERROR,
                _(
                    "{place}: line {line} claims P (wholly obtained), but the Materials sheet lists "
                    "non-originating material(s) for it: {materials}. Use W with the heading if the product "
                    "meets its rule, or correct the Materials sheet"
                ).format(
                    place=cell_ref(where),
                    line=line.item.line,
                    materials="; ".join(f"{m.description} ({m.origin}, {cell_ref(m.row)})" for m in foreign),
                ),
                where,
                reference("CRITERION-P-WITH-MATERIALS"),
            )


def check_graduation(facts: ShipmentFacts, scheme: Scheme) -> Iterator[Finding]:
    """GRADUATED-SECTION (a scheme whose data names its graduation file): a line in a section
    suspended for the country of origin; DATA-MISSING when the data has no sections for a
    country of the general arrangement."""
    if scheme.graduation_file is None:
        return
    origin = facts.origin_country
    day = facts.invoice_date
    if origin is None or day is None:
        return
    sections = legal.graduated_sections(scheme.graduation_file)
    if not any(s.country == origin for s in sections):
        entries = legal.beneficiary_entries(scheme, origin)
        # Graduation concerns the general arrangement only; GSP+ and EBA countries have none [R].
        if any(e.arrangement == "standard" for e in entries) and facts.originating_lines:
            where = next(
                (line.item.where("origin_country") for line in facts.originating_lines if line.item.origin_country),
                facts.shipment.where("exporter_country"),
            )
            message = _(
                "{place}: rexdecl's data has no graduated GSP sections for {origin}: the "
                "GRADUATED-SECTION check was skipped; confirm that the products' sections are not "
                "suspended for {origin}"
            )
            text = message.format(place=cell_ref(where), origin=origin)
            yield Finding(
                "DATA-MISSING",
                Severity.WARNING,
                text,
                where,
                reference("DATA-MISSING", None, str(scheme.graduation_file)),
            )
        return
    for line in facts.originating_lines:
        if not hs_valid(line.item.hs_code):
            continue
        chapter = int(digits_only(line.item.hs_code)[:2])
        for section in sections:
            if section.country == origin and chapter in section.chapters and section.start <= day <= section.until:
                where = line.item.where("hs_code")
                yield Finding(
                    "GRADUATED-SECTION",
                    Severity.WARNING,
                    _(
                        "{place}: line {line} (chapter {chapter:02d}) is in GSP section {section}, suspended for "
                        "{origin} from {start} to {until} ({regulation}): the statement is lawful but gives the "
                        "buyer no GSP preference"
                    ).format(
                        place=cell_ref(where),
                        line=line.item.line,
                        chapter=chapter,
                        section=section.section,
                        origin=origin,
                        start=format_day(section.start),
                        until=format_day(section.until),
                        regulation=section.regulation,
                    ),
                    where,
                    reference("GRADUATED-SECTION", scheme, own=with_mark(section.regulation, section.mark)),
                    brief=_(
                        "in GSP section {section}, suspended for {origin} from {start} to {until} ({regulation}): "
                        "the statement is lawful but gives the buyer no GSP preference"
                    ).format(
                        section=section.section,
                        origin=origin,
                        start=format_day(section.start),
                        until=format_day(section.until),
                        regulation=section.regulation,
                    ),
                )
                break
