"""The EU GSP's own rules of origin where they are more than data: EU cumulation (materials of
the member states) and regional cumulation under Art. 55 DA (Reg. (EU) 2015/2446).

Regional cumulation: the groups of Art. 55(1) (``cumulation-groups.csv``); a group country's
materials count only when that country is, on the date of exportation, a beneficiary of the
scheme (Art. 55(2)(a)); materials listed in Annex 22-04 are excluded where the tariff
preferences differ (Art. 55(3), ``cumulation-exclusions.csv``, a partial list). Found by
:func:`rexdecl.schemes.behaviour` from the scheme's id; the facts stay in the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rexdecl import legal
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_day
from rexdecl.legal import BeneficiaryStatus, CumulationMember, ExcludedMaterial
from rexdecl.model import Material
from rexdecl.rules.facts import Line, ShipmentFacts
from rexdecl.rules.notation import cell_ref, digits_only
from rexdecl.rules.references import reference
from rexdecl.schemes import Scheme, with_mark

# Destinations of the EU customs territory that are not member states: their materials are
# not "EU" materials (Monaco; Northern Ireland, whose code XI is a customs code).
NOT_MEMBER_STATES = frozenset({"MC", "XI"})


def export_day(facts: ShipmentFacts) -> dt.date:
    """The date of exportation (Art. 55(2)(a) DA): the export date, else the statement's date."""
    return facts.shipment.export_date or facts.document_date


def material_counts(facts: ShipmentFacts, scheme: Scheme, line: Line, material: Material) -> bool | None:
    """Whether a material counts as originating under the line's EU or regional cumulation;
    None for the other mentions (the scheme's data decides)."""
    criterion = line.criterion
    if criterion is None or material.origin is None:
        return None
    if criterion.cumulation == "eu":
        day = facts.document_date
        return material.origin == "EU" or any(
            entry.code == material.origin and entry.covers(day) and entry.code not in NOT_MEMBER_STATES
            for entry in legal.territory(scheme)
        )
    if criterion.cumulation == "regional":
        partners = {m.iso2 for m in _group(scheme, line.origin)} - {line.origin}
        day = export_day(facts)
        return (
            material.origin in partners
            and legal.beneficiary_status(scheme, material.origin, day).state == "beneficiary"
        )
    return None


def _group(scheme: Scheme, origin: str | None) -> tuple[CumulationMember, ...]:
    if scheme.cumulation_groups_file is None or origin is None:
        return ()
    return legal.cumulation_groups(scheme.cumulation_groups_file).get(origin, ())


def check_cumulation(facts: ShipmentFacts, scheme: Scheme, line: Line) -> Iterator[Finding]:
    """CUMULATION-NOT-AVAILABLE and CUMULATION-EXCLUDED-MATERIAL of a regional cumulation line."""
    criterion = line.criterion
    if criterion is None or criterion.cumulation != "regional":
        return
    where = line.item.where("origin_criterion")
    place = cell_ref(where)
    origin = line.origin
    group = _group(scheme, origin)
    groups_file = str(scheme.cumulation_groups_file or scheme.origin_file)
    if not group:
        yield Finding(
            "CUMULATION-NOT-AVAILABLE",
            Severity.ERROR,
            _(
                "{place}: regional cumulation is claimed, but {origin} is in no regional cumulation "
                "group in rexdecl's data ({file}); use P or W"
            ).format(place=place, origin=origin, file=groups_file),
            where,
            reference("CUMULATION-NOT-AVAILABLE", scheme, groups_file),
        )
        return
    group_ref = with_mark(f"{groups_file} (group {group[0].group})", group[0].mark)
    day = export_day(facts)
    partners = sorted({m.iso2 for m in group} - {origin})
    status = {iso2: legal.beneficiary_status(scheme, iso2, day) for iso2 in partners}
    usable = [iso2 for iso2 in partners if status[iso2].state == "beneficiary"]
    materials = [m for m in facts.input.materials or () if m.line == line.item.line]
    from_group = [m for m in materials if m.origin in status]
    if not from_group:
        yield Finding(
            "CUMULATION-NOT-AVAILABLE",
            Severity.ERROR,
            _(
                "{place}: regional cumulation is claimed for line {line}, but the Materials sheet names "
                "no material of this line originating in another country of the group ({partners}; "
                "beneficiaries of the {scheme} on the export date {day}: {usable}); list the cumulated "
                "material in Materials, or use W/P"
            ).format(
                place=place,
                line=line.item.line,
                partners=", ".join(partners),
                scheme=scheme.name,
                day=format_day(day),
                usable=", ".join(usable) or _("none"),
            ),
            where,
            reference("CUMULATION-NOT-AVAILABLE", scheme, group_ref),
        )
        return
    reported: set[str] = set()
    for material in from_group:
        country = material.origin or ""
        if country in usable or country in reported:
            continue
        reported.add(country)
        yield Finding(
            "CUMULATION-NOT-AVAILABLE",
            Severity.ERROR,
            _(
                "{place}: regional cumulation is claimed for line {line} with material of {country} ({cell}), "
                "but {country} is not a beneficiary of the {scheme} on the export date {day} ({why}): "
                "its materials do not count as originating in regional cumulation (beneficiaries of the "
                "group on that date: {usable}). Count the material as non-originating, or use W/P"
            ).format(
                place=place,
                line=line.item.line,
                country=country,
                cell=cell_ref(material.where("origin")),
                scheme=scheme.name,
                day=format_day(day),
                why=_why_not(status[country]),
                usable=", ".join(usable) or _("none"),
            ),
            where,
            reference("CUMULATION-NOT-AVAILABLE", scheme, group_ref),
        )
    if scheme.cumulation_exclusions_file is None:
        return
    listed = [r for r in legal.cumulation_exclusions(scheme.cumulation_exclusions_file) if r.group == group[0].group]
    for material in from_group:
        if material.origin not in usable:
            continue
        found = _listed(material, listed)
        if found is None:
            continue
        row, certain = found
        material_where = material.where("hs_code")
        yield Finding(
            "CUMULATION-EXCLUDED-MATERIAL",
            Severity.WARNING,
            _(
                "{place}: material '{description}' of line {line} (HS {hs}, origin {country}) {verb} under "
                "{listed} ({what}), which Annex 22-04 lists for regional cumulation group {group}: where the "
                "tariff preferences differ it does not count as originating in {country}. Check Annex 22-04 "
                "for this product (rexdecl's list of these materials is partial)"
            ).format(
                place=cell_ref(material_where),
                description=material.description or "",
                line=line.item.line,
                hs=material.hs_code,
                country=material.origin,
                verb=_("falls") if certain else _("may fall"),
                listed=row.printed,
                what=row.description,
                group=row.group,
            ),
            material_where,
            reference("CUMULATION-EXCLUDED-MATERIAL", scheme, with_mark(row.source, row.mark)),
        )


def _why_not(status: BeneficiaryStatus) -> str:
    entry = status.entry
    if status.state == "ended" and entry is not None and entry.until is not None:
        return _("its last day was {until}").format(until=format_day(entry.until))
    if status.state == "unconfirmed" and entry is not None:
        return _("arrangement '{arrangement}' in rexdecl's data").format(arrangement=entry.arrangement)
    if status.state == "not-yet":
        return _("not yet a beneficiary on that date")
    return _("not in rexdecl's list of beneficiary countries")


def _listed(material: Material, rows: list[ExcludedMaterial]) -> tuple[ExcludedMaterial, bool] | None:
    """The Annex 22-04 entry a material falls under, and whether certainly (an ``ex`` entry, or a
    material code shorter than the entry's, leaves it open)."""
    digits = digits_only(material.hs_code)
    if not digits.isascii() or not digits.isdigit():
        return None
    for row in rows:
        if digits.startswith(row.hs):
            return row, not row.ex
        if row.hs.startswith(digits):
            return row, False
    return None
