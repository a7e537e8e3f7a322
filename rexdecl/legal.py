"""Legal facts loaded once from the package data files, each fact with its evidence mark.

Nothing here decides anything: it answers questions about the data ("is DE in the EU
customs territory on this date?") and says ``None`` where the data is silent, so a rule
can report DATA-MISSING instead of guessing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any


def _read_text(name: str) -> str:
    return resources.files("rexdecl.data").joinpath(name).read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read_text(name))))


def _date(value: str | None) -> dt.date | None:
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    return dt.date.fromisoformat(value.strip())


def with_mark(text: str, mark: str | None) -> str:
    """``text [V2]``: a reference with its evidence mark, unless the text already has it."""
    if not mark or f"[{mark}" in text:
        return text
    return f"{text} [{mark}]"


# --- countries and REX dates -------------------------------------------------------------


@dataclass(frozen=True)
class CountryRex:
    name: str
    iso2: str
    rex_from: dt.date | None
    form_a_until: dt.date | None
    arrangement: str  # standard | gsp+ | eba | none | unclear
    gsp_until: dt.date | None
    mark: str
    source: str


@cache
def rex_countries() -> dict[str, CountryRex]:
    table: dict[str, CountryRex] = {}
    for row in _csv("rex-countries.csv"):
        table[row["iso2"]] = CountryRex(
            name=row["country"],
            iso2=row["iso2"],
            rex_from=_date(row["rex_from"]),
            form_a_until=_date(row["form_a_until"]),
            arrangement=row["gsp_arrangement"],
            gsp_until=_date(row["gsp_until"]),
            mark=row["mark"],
            source=row["source"],
        )
    return table


# --- territory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TerritoryEntry:
    code: str
    name: str
    start: dt.date | None
    until: dt.date | None
    mark: str
    source: str

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.until is None or day <= self.until)


@cache
def eu_customs_territory() -> tuple[TerritoryEntry, ...]:
    return tuple(
        TerritoryEntry(r["code"], r["name"], _date(r["from"]), _date(r["until"]), r["mark"], r["source"])
        for r in _csv("eu-customs-territory.csv")
    )


# --- graduation and cumulation -----------------------------------------------------------


@dataclass(frozen=True)
class GraduatedSection:
    country: str
    section: str
    chapters: tuple[int, ...]
    start: dt.date
    until: dt.date
    regulation: str
    mark: str
    source: str


@cache
def graduated_sections() -> tuple[GraduatedSection, ...]:
    rows = []
    for r in _csv("graduated-sections.csv"):
        start, until = _date(r["from"]), _date(r["until"])
        assert start and until, "graduated-sections.csv rows need both dates"
        rows.append(
            GraduatedSection(
                r["country"],
                r["section"],
                tuple(int(c) for c in r["chapters"].split()),
                start,
                until,
                r["regulation"],
                r["mark"],
                r["source"],
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class CumulationMember:
    group: str
    iso2: str
    mark: str
    source: str


@cache
def cumulation_groups() -> dict[str, tuple[CumulationMember, ...]]:
    """Regional cumulation group of each country: ``iso2 -> members of its group``."""
    members = [CumulationMember(r["group"], r["iso2"], r["mark"], r["source"]) for r in _csv("cumulation-groups.csv")]
    by_group: dict[str, list[CumulationMember]] = {}
    for member in members:
        by_group.setdefault(member.group, []).append(member)
    return {m.iso2: tuple(by_group[m.group]) for m in members}


# --- product-specific rules --------------------------------------------------------------


@dataclass(frozen=True)
class PsrRow:
    scope: str  # as in the source: "ex Chapter 44", "5208 - 5212", "7108 and 7110"
    description: str
    rule_other: str
    rule_ldc: str
    ldc_split: bool
    mark: str
    source: str
    notes: str
    is_ex: bool
    chapter: int | None  # a chapter row ("Chapter 94", "ex Chapter 71")
    headings: tuple[tuple[int, int], ...]  # heading ranges for heading rows

    def covers_heading(self, heading: int) -> bool:
        return any(low <= heading <= high for low, high in self.headings)

    def rule_for(self, arrangement: str) -> str:
        """The column of Annex 22-03 that applies: LDC for EBA countries, else the other."""
        return self.rule_ldc if arrangement == "eba" else self.rule_other


def _parse_scope(scope: str) -> tuple[bool, int | None, tuple[tuple[int, int], ...]]:
    text = scope.strip()
    is_ex = text.lower().startswith("ex ")
    if is_ex:
        text = text[3:].strip()
    chapter = re.fullmatch(r"Chapter (\d+)", text)
    if chapter:
        return is_ex, int(chapter[1]), ()
    ranges: list[tuple[int, int]] = []
    for part in re.split(r"\s+and\s+|,", text):
        bounds = [int(b) for b in re.findall(r"\d{4}", part)]
        if len(bounds) == 2:
            ranges.append((bounds[0], bounds[1]))
        elif len(bounds) == 1:
            ranges.append((bounds[0], bounds[0]))
    return is_ex, None, tuple(ranges)


@cache
def psr_rows() -> tuple[PsrRow, ...]:
    rows = []
    for r in _csv("psr-gsp.csv"):
        is_ex, chapter, headings = _parse_scope(r["hs_scope"])
        rows.append(
            PsrRow(
                scope=r["hs_scope"],
                description=r["description"],
                rule_other=r["rule_other_beneficiary_countries (applies to Indonesia)"],
                rule_ldc=r["rule_ldc"],
                ldc_split=r["ldc_split_in_source"] == "yes",
                mark=r["mark"],
                source=r["source"],
                notes=r["notes"],
                is_ex=is_ex,
                chapter=chapter,
                headings=headings,
            )
        )
    return tuple(rows)


# --- schemes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Beneficiary:
    iso2: str
    start: dt.date | None
    until: dt.date | None
    mark: str
    source: str


@dataclass(frozen=True)
class SchemeText:
    statement: str
    rex_bracket: str
    item: str
    items: str
    not_originating: str
    cumulation: dict[str, str]
    place_and_date: str = ""
    name_and_signature: str = ""


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    enabled: bool
    disabled_reason: str
    legal_basis: str
    mark: str
    source: str
    languages: tuple[str, ...]
    identifier: str  # "rex" or "customs_id": what stands in the statement's bracket
    territory_file: str | None
    territory_codes: tuple[str, ...]
    beneficiaries_file: str | None
    beneficiaries: tuple[Beneficiary, ...]
    threshold: Decimal | None
    threshold_currency: str | None
    threshold_code: str | None
    rate_field: str | None
    threshold_reference: str
    cumulation: tuple[str, ...]
    cumulation_note: str
    rex_dates: bool
    signature: bool
    texts: dict[str, SchemeText]
    heading: str = ""  # printed above the statement on the documents ("Statement on origin")


def _scheme(raw: dict[str, Any]) -> Scheme:
    texts = {
        lang: SchemeText(
            statement=t["statement"],
            rex_bracket=t["rex_bracket"],
            item=t["item"],
            items=t["items"],
            not_originating=t["not_originating"],
            cumulation=dict(t.get("cumulation", {})),
            place_and_date=t.get("place_and_date", ""),
            name_and_signature=t.get("name_and_signature", ""),
        )
        for lang, t in raw.get("text", {}).items()
    }
    return Scheme(
        id=raw["id"],
        name=raw["name"],
        enabled=raw.get("enabled", True),
        disabled_reason=raw.get("disabled_reason", ""),
        legal_basis=raw.get("legal_basis", ""),
        mark=raw.get("mark", ""),
        source=raw.get("source", ""),
        languages=tuple(raw.get("languages", ())),
        identifier=raw.get("identifier", "rex"),
        territory_file=raw.get("territory"),
        territory_codes=tuple(raw.get("territory_codes", ())),
        beneficiaries_file=raw.get("beneficiaries"),
        beneficiaries=tuple(
            Beneficiary(b["iso2"], _date(b.get("from")), _date(b.get("until")), b["mark"], b["source"])
            for b in raw.get("beneficiary", ())
        ),
        threshold=Decimal(raw["threshold"]) if raw.get("threshold") else None,
        threshold_currency=raw.get("threshold_currency"),
        threshold_code=raw.get("threshold_code"),
        rate_field=raw.get("rate_field"),
        threshold_reference=raw.get("threshold_reference", ""),
        cumulation=tuple(raw.get("cumulation", ())),
        cumulation_note=raw.get("cumulation_note", ""),
        rex_dates=raw.get("rex_dates", False),
        signature=raw.get("signature", False),
        texts=texts,
        heading=raw.get("heading", ""),
    )


@cache
def schemes() -> dict[str, Scheme]:
    data = tomllib.loads(_read_text("schemes.toml"))
    return {raw["id"]: _scheme(raw) for raw in data["scheme"]}


def scheme(scheme_id: str) -> Scheme | None:
    return schemes().get(scheme_id)


def in_territory(scheme_: Scheme, country: str, day: dt.date) -> bool:
    """Whether ``country`` is in the importing territory of ``scheme_`` on ``day``."""
    if scheme_.territory_file == "eu-customs-territory.csv":
        return any(e.code == country and e.covers(day) for e in eu_customs_territory())
    return country in scheme_.territory_codes


def scheme_for_destination(country: str | None, day: dt.date) -> str:
    """The default scheme of a destination on ``day`` (workbook-format.md, field ``scheme``)."""
    if country:
        eu = schemes()["eu-gsp"]
        if in_territory(eu, country, day):
            return "eu-gsp"
        for scheme_ in schemes().values():
            if scheme_.enabled and country in scheme_.territory_codes:
                return scheme_.id
    return "eu-gsp"


# --- the rule catalogue -----------------------------------------------------------------


@dataclass(frozen=True)
class RuleInfo:
    code: str
    severity: str
    when: str
    reference: str
    meaning: str
    meaning_id: str
    why: str
    why_id: str
    example: str
    fix: str
    fix_id: str


@cache
def rule_catalogue() -> dict[str, RuleInfo]:
    data = tomllib.loads(_read_text("rules.toml"))
    return {
        r["code"]: RuleInfo(
            code=r["code"],
            severity=r["severity"],
            when=r["when"],
            reference=r["reference"],
            meaning=r.get("meaning", r["when"]),
            meaning_id=r.get("meaning_id", ""),
            why=r.get("why", ""),
            why_id=r.get("why_id", ""),
            example=r.get("example", ""),
            fix=r.get("fix", ""),
            fix_id=r.get("fix_id", ""),
        )
        for r in data["rule"]
    }
