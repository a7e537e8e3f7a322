"""Product-specific rules (Annex 22-03) on the bill of materials: PSR-NOT-MET, PSR-UNCHECKED,
EX-WORKS-ASSUMED, and DATA-MISSING when the data has no rule for a heading.

Only the machine-checkable parts of a rule are judged: change of heading (with the 15 %
general tolerance of Art. 48 DA outside chapters 50-63) and a maximum value of
non-originating materials as a share of the ex-works price. Process alternatives
("weaving accompanied by making-up") are shown, never judged. A rule with alternatives is
met when any alternative is met, and reported not met only when every alternative was
decided and failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal

from rexdecl import legal
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_amount, format_number
from rexdecl.legal import DataFile, PsrRow
from rexdecl.model import Material
from rexdecl.rules.facts import Line, ShipmentFacts
from rexdecl.rules.notation import cell_ref, digits_only
from rexdecl.rules.products import hs_valid, material_counts
from rexdecl.rules.references import reference
from rexdecl.schemes import Scheme, with_mark

Outcome = Literal["met", "not-met", "undecided"]

GENERAL_TOLERANCE = Decimal("0.15")  # Art. 48 DA [V2]: of the ex-works price
NO_TOLERANCE_CHAPTERS = range(50, 64)  # textiles: their own notes instead [V2]
WEIGHT_TOLERANCE_CHAPTERS = {2, *range(4, 25)}  # tolerance by net weight: not decidable here
VALUE_SHARE_ASSUMPTION = (
    "[I — to confirm]: 'value of all the materials used' counts non-originating materials and those of unknown origin"
)

_ANY = re.compile(r"^manufacture from materials of any heading$")
_CTH = re.compile(r"^manufacture from materials of any heading, except that of the product$")
_CTH_HOWEVER = re.compile(
    r"^manufacture from materials of any heading, except that of the product\. however, .+ may be used$"
)
_CTH_EXCEPT = re.compile(r"^manufacture from materials of any heading, except those of headings ([\d, and]+)$")
_VALUE = re.compile(
    r"^manufacture in which the value of all the materials used does not exceed (\d+(?:\.\d+)?) ?% of the ex-works price of the product$"
)
_CTH_AND_VALUE = re.compile(
    r"^manufacture from materials of any heading, except that of the product, and in which the value of all "
    r"the materials used does not exceed (\d+(?:\.\d+)?) ?% of the ex-works price of the product$"
)


# An invoice on ex-works terms ("EXW", "EXW Jepara", "Ex Works") states the ex-works price.
_EX_WORKS_TERM = re.compile(r"^(EXW|EX[ -]?WORKS)\b")


@dataclass
class Evaluation:
    outcome: Outcome
    reasons: list[str]
    used_ex_works: bool = False


def candidates(hs_code: str, file: DataFile = legal.PSR_GSP) -> list[PsrRow]:
    """The rows of the list that could govern ``hs_code``: heading rows first, else the chapter's.

    An ``ex`` heading row covers only part of the heading, so the chapter's row stays a
    candidate beside it.
    """
    return list(_candidates_of_heading(digits_only(hs_code)[:4], file))


@cache
def _candidates_of_heading(digits: str, file: DataFile) -> tuple[PsrRow, ...]:
    heading, chapter = int(digits[:4]), int(digits[:2])
    rows = legal.psr_rows(file)
    heading_rows = [r for r in rows if r.headings and r.covers_heading(heading)]
    chapter_rows = [r for r in rows if r.chapter == chapter]
    if heading_rows:
        if all(r.is_ex for r in heading_rows):
            return tuple(heading_rows + chapter_rows)
        return tuple(heading_rows)
    return tuple(chapter_rows)


def _alternatives(rule: str) -> list[str]:
    return [part.strip() for part in re.split(r"\s+OR\s+", rule) if part.strip()]


class _Line:
    """The numbers of one line that a rule is judged on."""

    def __init__(
        self, facts: ShipmentFacts, line: Line, materials: list[Material], scheme: Scheme | None = None
    ) -> None:
        self.line = line
        self.heading = digits_only(line.item.hs_code)[:4]
        self.chapter = int(self.heading[:2])
        self.non_originating = [m for m in materials if not material_counts(facts, scheme, line, m)]
        self.ex_works = line.item.ex_works_value if line.item.ex_works_value is not None else line.amount
        self.ex_works_assumed = line.item.ex_works_value is None
        self.complete = all(m.value is not None and hs_valid(m.hs_code, 4) for m in self.non_originating)

    def non_originating_value(self) -> Decimal:
        return sum((m.value for m in self.non_originating if m.value is not None), Decimal(0))


def _evaluate_alternative(text: str, data: _Line) -> Evaluation:
    key = " ".join(text.lower().split())
    if _ANY.match(key):
        return Evaluation("met", [_("materials of any heading may be used")])
    if not data.complete:
        return Evaluation("undecided", [_("a material's value or HS code is missing or invalid")])
    cth_and_value = _CTH_AND_VALUE.match(key)
    if cth_and_value:
        first = _change_of_heading(data, {data.heading}, allow_however=False)
        second = _value_share(data, Decimal(cth_and_value[1]))
        outcomes = {first.outcome, second.outcome}
        outcome: Outcome = "not-met" if "not-met" in outcomes else ("met" if outcomes == {"met"} else "undecided")
        return Evaluation(outcome, first.reasons + second.reasons, first.used_ex_works or second.used_ex_works)
    if _CTH.match(key):
        return _change_of_heading(data, {data.heading}, allow_however=False)
    if _CTH_HOWEVER.match(key):
        return _change_of_heading(data, {data.heading}, allow_however=True)
    except_match = _CTH_EXCEPT.match(key)
    if except_match:
        return _change_of_heading(data, set(re.findall(r"\d{4}", except_match[1])), allow_however=False)
    value = _VALUE.match(key)
    if value:
        return _value_share(data, Decimal(value[1]))
    return Evaluation("undecided", [_("a process rule, which a bill of materials cannot show")])


def _change_of_heading(data: _Line, forbidden_headings: set[str], allow_however: bool) -> Evaluation:
    forbidden = [m for m in data.non_originating if digits_only(m.hs_code)[:4] in forbidden_headings]
    if not forbidden:
        return Evaluation(
            "met",
            [
                _("no non-originating material of heading {headings}").format(
                    headings=", ".join(sorted(forbidden_headings))
                )
            ],
        )
    names = ", ".join(f"{m.description} ({digits_only(m.hs_code)[:4]}, {m.origin})" for m in forbidden)
    total = sum((m.value for m in forbidden if m.value is not None), Decimal(0))
    if data.chapter in NO_TOLERANCE_CHAPTERS:
        if allow_however:
            return Evaluation(
                "undecided",
                [_("materials of the same heading ({names}) may be of the kinds the rule allows").format(names=names)],
            )
        return Evaluation(
            "not-met",
            [
                _(
                    "non-originating material(s) of the product's heading: {names}; the general tolerance does not apply in chapters 50-63"
                ).format(names=names)
            ],
        )
    if data.chapter in WEIGHT_TOLERANCE_CHAPTERS:
        return Evaluation(
            "undecided",
            [
                _(
                    "the tolerance in chapter {chapter} is by net weight, which the Materials sheet does not give"
                ).format(chapter=data.chapter)
            ],
        )
    if data.ex_works is None or data.ex_works <= 0:
        return Evaluation("undecided", [_("no ex-works price to apply the 15 % tolerance to")])
    limit = data.ex_works * GENERAL_TOLERANCE
    if total <= limit:
        return Evaluation(
            "met",
            [
                _(
                    "non-originating material(s) of the product's heading ({names}) worth {total}, within the 15 % tolerance ({limit})"
                ).format(names=names, total=format_number(total), limit=format_amount(limit, grouping=False))
            ],
            used_ex_works=True,
        )
    if allow_however:
        return Evaluation(
            "undecided",
            [_("materials of the same heading ({names}) may be of the kinds the rule allows").format(names=names)],
            used_ex_works=True,
        )
    return Evaluation(
        "not-met",
        [
            _(
                "non-originating material(s) of the product's heading ({names}) worth {total}, above the 15 % tolerance of the ex-works price ({limit})"
            ).format(names=names, total=format_number(total), limit=format_amount(limit, grouping=False))
        ],
        used_ex_works=True,
    )


def _value_share(data: _Line, percent: Decimal) -> Evaluation:
    if data.ex_works is None or data.ex_works <= 0:
        return Evaluation("undecided", [_("no ex-works price to compare the materials with")])
    total = data.non_originating_value()
    cap = data.ex_works * percent / 100
    share = total / data.ex_works * 100
    if total <= cap:
        return Evaluation(
            "met",
            [
                _(
                    "non-originating materials {total} = {share} % of the ex-works price {ex_works}, within {percent} %"
                ).format(
                    total=format_number(total),
                    share=format_amount(share, 1, grouping=False),
                    ex_works=format_number(data.ex_works),
                    percent=format_number(percent),
                )
            ],
            used_ex_works=True,
        )
    return Evaluation(
        "not-met",
        [
            _(
                "non-originating materials {total} = {share} % of the ex-works price {ex_works}, above {percent} %"
            ).format(
                total=format_number(total),
                share=format_amount(share, 1, grouping=False),
                ex_works=format_number(data.ex_works),
                percent=format_number(percent),
            )
        ],
        used_ex_works=True,
    )


def evaluate_rule(rule: str, data: _Line) -> Evaluation:
    results = [_evaluate_alternative(alt, data) for alt in _alternatives(rule)]
    used = any(r.used_ex_works for r in results)
    reasons = [reason for r in results for reason in r.reasons]
    met = [r for r in results if r.outcome == "met"]
    if met:
        # The ex-works price mattered only if every alternative that is met relied on it.
        return Evaluation("met", reasons, all(r.used_ex_works for r in met))
    if results and all(r.outcome == "not-met" for r in results):
        return Evaluation("not-met", reasons, used)
    return Evaluation("undecided", reasons, used)


def _describe(rows: list[PsrRow], arrangement: str, scheme: Scheme) -> str:
    return " | ".join(
        f"{row.scope} ({row.description.strip(' :')}): {row.rule_for(arrangement, scheme.product_rules_ldc)} "
        f"[{'; '.join(part for part in (row.mark, str(scheme.product_rules_file), row.footnotes) if part)}]"
        for row in rows
    )


def _note(line: Line) -> str:
    note = line.item.origin_note
    return _(' The exporter\'s origin note: "{note}".').format(note=note) if note else ""


def check_product_rules(facts: ShipmentFacts, scheme: Scheme) -> Iterator[Finding]:
    """PSR-NOT-MET, PSR-UNCHECKED, EX-WORKS-ASSUMED and DATA-MISSING of the W and cumulation lines."""
    psr_lines = [
        line
        for line in facts.originating_lines
        if line.criterion is not None and line.criterion.kind in ("W", "cumulation") and hs_valid(line.item.hs_code)
    ]
    if not psr_lines:
        return
    rules_file = scheme.product_rules_file
    if rules_file is None:
        where = facts.shipment.where("scheme")
        message = _(
            "{place}: the product-specific rules of {scheme} are not in rexdecl's data: the lines' "
            "rules were not checked; confirm them with the scheme's own list"
        )
        yield Finding(
            "DATA-MISSING",
            Severity.WARNING,
            message.format(place=cell_ref(where), scheme=scheme.name),
            where,
            reference("DATA-MISSING", None, with_mark(scheme.source, scheme.mark)),
        )
        return
    entries = legal.beneficiary_entries(scheme, facts.origin_country or "")
    arrangement = next((e.arrangement for e in entries if e.arrangement), "standard")
    all_materials = facts.input.materials
    incoterm = " ".join((facts.shipment.incoterm or "").split()).upper()
    ex_works_terms = _EX_WORKS_TERM.match(incoterm) is not None
    # Each line's materials, found once (not a pass over every material for every line).
    materials_of: dict[int | None, list[Material]] = {}
    for material in all_materials or ():
        materials_of.setdefault(material.line, []).append(material)
    # An HS code's candidate rules, described once with their references (str, str, str).
    rules_of: dict[str, tuple[str, str, str]] = {}
    for line in psr_lines:
        item = line.item
        where = item.where("hs_code")
        place = cell_ref(where)
        rows = candidates(item.hs_code or "", rules_file)
        heading = digits_only(item.hs_code)[:4]
        if not rows:
            yield Finding(
                "DATA-MISSING",
                Severity.WARNING,
                _(
                    "{place}: rexdecl's data has no product-specific rule for heading {heading} (line {line}): "
                    "the rule was not checked; confirm it in Annex 22-03 (the exporter remains responsible)"
                ).format(place=place, heading=heading, line=item.line),
                where,
                reference("DATA-MISSING", None, str(rules_file)),
                brief=_(
                    "rexdecl's data has no product-specific rule for the heading: the rule was not checked; "
                    "confirm it in Annex 22-03"
                ),
            )
            continue
        hs_code = item.hs_code or ""
        known = rules_of.get(hs_code)
        if known is None:
            # Each scope once: a heading's rows for embroidered and other goods share it ('6214').
            scopes = dict.fromkeys(f"'{row.scope}'" for row in rows)
            rows_ref = with_mark(f"{rules_file}: " + ", ".join(scopes), rows[0].mark)
            known = rules_of[hs_code] = (
                rows_ref,
                reference("PSR-UNCHECKED", scheme, rows_ref),
                _describe(rows, arrangement, scheme),
            )
        rows_ref, unchecked_ref, described = known
        materials = materials_of.get(item.line, [])
        if not materials:
            reason = _("no Materials sheet") if all_materials is None else _("no Materials rows for this line")
            yield Finding(
                "PSR-UNCHECKED",
                Severity.INFO,
                _(
                    "{place}: the rule for line {line} (heading {heading}) was not checked ({reason}). Candidate "
                    "rule(s): {rules}.{note}"
                ).format(
                    place=place, line=item.line, heading=heading, reason=reason, rules=described, note=_note(line)
                ),
                where,
                unchecked_ref,
                brief=_("the product-specific rule was not checked ({reason}); confirm it").format(reason=reason),
            )
            continue
        data = _Line(facts, line, materials, scheme)
        if len(rows) > 1:
            yield Finding(
                "PSR-UNCHECKED",
                Severity.INFO,
                _(
                    "{place}: several rules could apply to line {line} (heading {heading}); confirm which one "
                    "the product meets. Candidate rule(s): {rules}.{note}"
                ).format(place=place, line=item.line, heading=heading, rules=described, note=_note(line)),
                where,
                unchecked_ref,
                brief=_("several product-specific rules could apply; confirm which one each product meets"),
            )
            continue
        result = evaluate_rule(rows[0].rule_for(arrangement, scheme.product_rules_ldc), data)
        if result.used_ex_works and data.ex_works_assumed and not ex_works_terms:
            yield Finding(
                "EX-WORKS-ASSUMED",
                Severity.WARNING,
                _(
                    "{place}: no ex_works_value for line {line}, and the incoterm is {incoterm}: the value rule was "
                    "checked against the invoice amount {amount}, which includes costs after the factory. Enter "
                    "ex_works_value"
                ).format(
                    place=cell_ref(item.where("ex_works_value")),
                    line=item.line,
                    incoterm=incoterm or _("not given"),
                    amount=format_number(line.amount) if line.amount is not None else "—",
                ),
                item.where("ex_works_value"),
                reference("EX-WORKS-ASSUMED", scheme),
                brief=_(
                    "no ex_works_value, and the incoterm is {incoterm}: the value rule was checked against "
                    "the invoice amount, which includes costs after the factory. Enter ex_works_value"
                ).format(incoterm=incoterm or _("not given")),
            )
        # The blanks both outcomes' messages fill.
        details = {
            "place": place,
            "line": item.line,
            "heading": heading,
            "reasons": "; ".join(result.reasons),
            "rules": described,
            "note": _note(line),
        }
        if result.outcome == "not-met":
            yield Finding(
                "PSR-NOT-MET",
                Severity.ERROR,
                _(
                    "{place}: line {line} (heading {heading}) does not meet its product-specific rule on the "
                    "Materials sheet: {reasons}. Rule: {rules}.{note} Correct the materials, or mark the line "
                    "'no' (not originating)"
                ).format(**details),
                where,
                reference("PSR-NOT-MET", scheme, rows_ref, VALUE_SHARE_ASSUMPTION),
            )
        elif result.outcome == "undecided":
            yield Finding(
                "PSR-UNCHECKED",
                Severity.INFO,
                _(
                    "{place}: the rule for line {line} (heading {heading}) cannot be decided from the Materials "
                    "sheet ({reasons}); confirm it. Candidate rule(s): {rules}.{note}"
                ).format(**details),
                where,
                unchecked_ref,
                brief=_(
                    "the product-specific rule cannot be decided from the Materials sheet ({reasons}); confirm it"
                ).format(reasons=details["reasons"]),
            )
