"""Legal facts loaded once from the package data files, each fact with its evidence mark.

Nothing here decides anything: it answers questions about the data ("is DE in the EU
customs territory on this date?") and says ``None`` where the data is silent, so a rule
can report DATA-MISSING instead of guessing. The files a scheme names are read through
:class:`rexdecl.schemes.DataFile` (the package's data, or beside a user's scheme file).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from rexdecl import schemes as _schemes
from rexdecl.schemes import Beneficiary, DataFile, Scheme, SchemeText, read_data_text, with_mark

__all__ = [
    "Beneficiary",
    "CountryRex",
    "CumulationMember",
    "DataFile",
    "ExcludedMaterial",
    "GraduatedSection",
    "PsrRow",
    "RuleInfo",
    "Scheme",
    "SchemeText",
    "TerritoryEntry",
    "beneficiary_entries",
    "beneficiary_file",
    "beneficiary_status",
    "cumulation_exclusions",
    "cumulation_groups",
    "eu_customs_territory",
    "graduated_sections",
    "in_territory",
    "last_day",
    "psr_rows",
    "rex_countries",
    "rule_catalogue",
    "scheme",
    "scheme_for_destination",
    "schemes",
    "territory",
    "territory_file",
    "with_mark",
]

REX_COUNTRIES = DataFile("rex-countries.csv")
EU_CUSTOMS_TERRITORY = DataFile("eu-customs-territory.csv")
CUMULATION_GROUPS = DataFile("cumulation-groups.csv")
GRADUATED_SECTIONS = DataFile("graduated-sections.csv")
PSR_GSP = DataFile("psr-gsp.csv")


def _read_text(name: str) -> str:
    return resources.files("rexdecl.data").joinpath(name).read_text(encoding="utf-8")


def _csv(file: DataFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(read_data_text(file))))


def _date(value: str | None) -> dt.date | None:
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    return dt.date.fromisoformat(value.strip())


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
    """The EU GSP's beneficiary file (``rex-countries.csv``) as it is written."""
    return {
        row.iso2: CountryRex(
            row.name, row.iso2, row.rex_from, row.form_a_until, row.arrangement, row.until, row.mark, row.source
        )
        for row in beneficiary_file(REX_COUNTRIES).values()
    }


@cache
def beneficiary_file(file: DataFile) -> dict[str, Beneficiary]:
    """A beneficiary file in the layout of ``rex-countries.csv``: ``country, iso2, rex_from,
    form_a_until, gsp_arrangement, gsp_until, mark, source`` (only iso2, mark and source needed)."""
    table: dict[str, Beneficiary] = {}
    for row in _csv(file):
        table[row["iso2"]] = Beneficiary(
            iso2=row["iso2"],
            start=_date(row.get("gsp_from")),
            until=_date(row.get("gsp_until")),
            mark=row["mark"],
            source=row["source"],
            name=row.get("country") or row["iso2"],
            arrangement=row.get("gsp_arrangement", ""),
            rex_from=_date(row.get("rex_from")),
            form_a_until=_date(row.get("form_a_until")),
            rex_from_raw=row.get("rex_from", ""),
        )
    return table


def country_name(iso2: str) -> str:
    """The English name of a country as the EU GSP's data writes it, else the code."""
    row = beneficiary_file(REX_COUNTRIES).get(iso2)
    return row.name if row is not None else iso2


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
def territory_file(file: DataFile) -> tuple[TerritoryEntry, ...]:
    """A territory file in the layout of ``eu-customs-territory.csv``."""
    return tuple(
        TerritoryEntry(r["code"], r["name"], _date(r["from"]), _date(r["until"]), r["mark"], r["source"])
        for r in _csv(file)
    )


def eu_customs_territory() -> tuple[TerritoryEntry, ...]:
    return territory_file(EU_CUSTOMS_TERRITORY)


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
def graduated_sections(file: DataFile = GRADUATED_SECTIONS) -> tuple[GraduatedSection, ...]:
    rows = []
    for r in _csv(file):
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
def cumulation_groups(file: DataFile = CUMULATION_GROUPS) -> dict[str, tuple[CumulationMember, ...]]:
    """Regional cumulation group of each country: ``iso2 -> members of its group``."""
    members = [CumulationMember(r["group"], r["iso2"], r["mark"], r["source"]) for r in _csv(file)]
    by_group: dict[str, list[CumulationMember]] = {}
    for member in members:
        by_group.setdefault(member.group, []).append(member)
    return {m.iso2: tuple(by_group[m.group]) for m in members}


@dataclass(frozen=True)
class ExcludedMaterial:
    """A material of a regional cumulation group excluded where tariff preferences differ
    (Art. 55(3) DA, Annex 22-04): ``hs`` is the heading or subheading's digits."""

    group: str
    hs: str
    ex: bool  # an "ex" entry: only part of the heading or subheading is listed
    description: str
    mark: str
    source: str

    @property
    def printed(self) -> str:
        """``ex 2101 12`` as the annex writes it."""
        spaced = self.hs[:4] + (
            " " + " ".join(self.hs[i : i + 2] for i in range(4, len(self.hs), 2)) if len(self.hs) > 4 else ""
        )
        return ("ex " if self.ex else "") + spaced


@cache
def cumulation_exclusions(file: DataFile) -> tuple[ExcludedMaterial, ...]:
    """The Annex 22-04 materials of a scheme's data (a partial list: only what the sources quote)."""
    return tuple(
        ExcludedMaterial(
            r["group"],
            re.sub(r"\D", "", r["hs"]),
            r["hs"].strip().lower().startswith("ex"),
            r["description"],
            r["mark"],
            r["source"],
        )
        for r in _csv(file)
    )


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
    footnotes: str = ""  # the introductory notes the row's footnotes refer to (textiles)

    def covers_heading(self, heading: int) -> bool:
        return any(low <= heading <= high for low, high in self.headings)

    def rule_for(self, arrangement: str, ldc_arrangements: tuple[str, ...] = ("eba",)) -> str:
        """The column of Annex 22-03 that applies: the LDC column for the arrangements the
        scheme names (EBA countries), else the other."""
        return self.rule_ldc if arrangement in ldc_arrangements else self.rule_other


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
def psr_rows(file: DataFile = PSR_GSP) -> tuple[PsrRow, ...]:
    rows = []
    for r in _csv(file):
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
                footnotes=r.get("footnotes", ""),
            )
        )
    return tuple(rows)


# --- schemes -----------------------------------------------------------------------------
# The scheme data lives in rexdecl.schemes; these names stay here for the code that reads
# every legal fact through this module.


def schemes() -> dict[str, Scheme]:
    """Every scheme by id (the package's data and the user's files of REXDECL_SCHEMES)."""
    return _schemes.all_schemes()


def scheme(scheme_id: str) -> Scheme | None:
    """The scheme ``scheme_id``, or None when no data has it."""
    return schemes().get(scheme_id)


def territory(scheme_: Scheme) -> tuple[TerritoryEntry, ...]:
    """The importing territory of a scheme: its file (with dates), or its codes."""
    if scheme_.territory_file is not None:
        return territory_file(scheme_.territory_file)
    return tuple(
        TerritoryEntry(code, code, None, None, "", scheme_.territory_source) for code in scheme_.territory_codes
    )


def in_territory(scheme_: Scheme, country: str, day: dt.date) -> bool:
    """Whether ``country`` is in the importing territory of ``scheme_`` on ``day``."""
    return any(entry.code == country and entry.covers(day) for entry in territory(scheme_))


def scheme_for_destination(country: str | None, day: dt.date) -> str:
    """The default scheme of a destination on ``day`` (workbook-format.md, field ``scheme``):
    the first enabled scheme whose territory covers it, else the data's default scheme."""
    if country:
        for scheme_ in schemes().values():
            if scheme_.enabled and in_territory(scheme_, country, day):
                return scheme_.id
    return _schemes.default_scheme().id


def beneficiary_entries(scheme_: Scheme, iso2: str) -> tuple[Beneficiary, ...]:
    """The entries of ``iso2`` as a beneficiary of the scheme: the scheme's own entries, else
    its beneficiary file's row."""
    own = tuple(b for b in scheme_.beneficiaries if b.iso2 == iso2)
    if own or scheme_.beneficiaries_file is None:
        return own
    row = beneficiary_file(scheme_.beneficiaries_file).get(iso2)
    return (row,) if row is not None else ()


BeneficiaryState = Literal["beneficiary", "unconfirmed", "ended", "not-yet", "absent", "unknown"]


@dataclass(frozen=True)
class BeneficiaryStatus:
    """Whether a country is a beneficiary of a scheme on a day, and the entry that says so.

    ``beneficiary``: an entry covers the day; ``unconfirmed``: the data only says the
    arrangement is none/unclear, without a date; ``ended``: its last day was before;
    ``not-yet``: covered only later; ``absent``: not in a complete list; ``unknown``: the
    data has nothing on the country."""

    state: BeneficiaryState
    entry: Beneficiary | None

    @property
    def covered(self) -> bool:
        return self.state in ("beneficiary", "unconfirmed")


def beneficiary_status(scheme_: Scheme, iso2: str, day: dt.date) -> BeneficiaryStatus:
    """The status of ``iso2`` in the scheme on ``day``."""
    entries = beneficiary_entries(scheme_, iso2)
    if not entries:
        return BeneficiaryStatus("absent" if scheme_.beneficiaries_complete else "unknown", None)
    for entry in entries:
        if entry.covers(day):
            return BeneficiaryStatus("beneficiary" if entry.confirmed else "unconfirmed", entry)
    ended = [e for e in entries if e.until is not None and e.until < day]
    if ended:
        return BeneficiaryStatus("ended", max(ended, key=lambda e: e.until or day))
    return BeneficiaryStatus("not-yet", entries[0])


def last_day(scheme_: Scheme, iso2: str) -> Beneficiary | None:
    """The entry of the country's last period in the scheme, when it has an end date."""
    ended = [e for e in beneficiary_entries(scheme_, iso2) if e.until is not None]
    return max(ended, key=lambda e: e.until or dt.date.min) if ended else None


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
