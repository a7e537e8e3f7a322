"""Country, scheme and dates: SCHEME-UNSUPPORTED, DESTINATION-NOT-IN-SCHEME,
COUNTRY-NOT-BENEFICIARY, GSP-ENDS-BEFORE-IMPORT, SCHEME-ELIGIBILITY-RISK,
REX-REVOKED-AFTER-EXIT, REX-NOT-APPLICABLE-YET, FORM-A-PERIOD (the statement's own dates
are checked in rules/statement_dates.py).

Every fact comes from the scheme's data (its beneficiaries, their dates, its validity): no
scheme is named here. The date that decides whether a country is a beneficiary is the
release for free circulation when ``expected_import_date`` is given, else the invoice date
(UCC Art. 85(1): the rules in force when the customs debt is incurred).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rexdecl import legal
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, current_language, format_day
from rexdecl.legal import BeneficiaryStatus
from rexdecl.model import Location
from rexdecl.rules.facts import ShipmentFacts
from rexdecl.rules.notation import cell_ref
from rexdecl.rules.references import reference
from rexdecl.schemes import Beneficiary, Scheme, with_mark

# GSP-ENDS-BEFORE-IMPORT warns when no import date is given and the document is dated
# within this many days before the country's last day as a beneficiary (rules.md).
ENDING_WINDOW_DAYS = 120


def localised(english: str, indonesian: str) -> str:
    """A text of the data in the interface language (the data's ``_id`` field for Bahasa Indonesia)."""
    return indonesian if current_language() == "id" and indonesian else english


def check_scheme(facts: ShipmentFacts) -> Iterator[Finding]:
    """SCHEME-UNSUPPORTED when the scheme cannot be used (:attr:`ShipmentFacts.usable_scheme`
    is None: the rules that need a scheme do not run); DATA-MISSING when its wording is recalled."""
    shipment = facts.shipment
    scheme = facts.usable_scheme
    where = shipment.where("scheme")
    if scheme is None:
        usable = ", ".join(s.id for s in legal.schemes().values() if s.enabled)
        known = facts.scheme
        if known is None:
            reason = _("rexdecl has no data for it")
        else:
            reason = localised(known.disabled_reason, known.disabled_reason_id)
            if known.status:
                reason += _(" ({name}: {status})").format(
                    name=known.name, status=localised(known.status, known.status_id)
                )
        yield Finding(
            "SCHEME-UNSUPPORTED",
            Severity.ERROR,
            _("{place}: scheme '{scheme}' cannot be used: {reason}. Use one of {usable}").format(
                place=cell_ref(where), scheme=facts.scheme_id, reason=reason, usable=usable
            ),
            where,
            reference("SCHEME-UNSUPPORTED", None, with_mark(known.status_source, known.status_mark) if known else ""),
        )
        return
    if scheme.mark == "R" and facts.originating_lines and not facts.options.no_statement:
        # The statement's own wording is only recalled: say so on every shipment that uses it.
        yield Finding(
            "DATA-MISSING",
            Severity.WARNING,
            _(
                "{place}: the confirmed wording of the {scheme} statement is not in rexdecl's data; the text "
                "printed is recalled, not seen in an official source [R]. Confirm it with the importer or the "
                "importing country's customs before relying on it"
            ).format(place=cell_ref(where), scheme=scheme.id),
            where,
            reference("DATA-MISSING", None, with_mark(scheme.source, scheme.mark)),
        )


def territory_text(scheme: Scheme, day: dt.date) -> str:
    """The scheme's importing territory in words: its name in the data, or its codes."""
    if scheme.territory_name:
        return _("{territory} on {date}").format(
            territory=localised(scheme.territory_name, scheme.territory_name_id), date=format_day(day)
        )
    return ", ".join(entry.code for entry in legal.territory(scheme) if entry.covers(day))


def check_destination(facts: ShipmentFacts, scheme: Scheme) -> Iterator[Finding]:
    """DESTINATION-NOT-IN-SCHEME: the destination is outside the scheme's importing territory on the document date."""
    shipment = facts.shipment
    destination = facts.destination
    if not destination:
        return  # MISSING-FIELD reports consignee_country
    field = "destination_country" if shipment.destination_country else "consignee_country"
    where = shipment.where(field)
    if legal.in_territory(scheme, destination, facts.document_date):
        return
    hint = (
        _("an ISO 3166 alpha-2 code such as DE")
        if len(destination) != 2
        else _("a destination the scheme covers, or the scheme of that destination")
    )
    yield Finding(
        "DESTINATION-NOT-IN-SCHEME",
        Severity.ERROR,
        _(
            "{place}: destination '{dest}' is not in the importing territory of {scheme} ({territory}); expected {hint}"
        ).format(
            place=cell_ref(where),
            dest=destination,
            scheme=scheme.id,
            territory=territory_text(scheme, facts.document_date),
            hint=hint,
        ),
        where,
        reference("DESTINATION-NOT-IN-SCHEME", scheme, own=scheme.territory_source),
    )


def entry_reference(scheme: Scheme, entry: Beneficiary | None) -> str:
    """The source of a beneficiary entry: the row of the scheme's file, or the entry's own."""
    if entry is None:
        return ""
    if scheme.beneficiaries_file is not None and entry not in scheme.beneficiaries:
        return with_mark(f"{scheme.beneficiaries_file} ({entry.name or entry.iso2})", entry.mark)
    return entry.cited


def beneficiary_name(scheme: Scheme, origin: str, entry: Beneficiary | None) -> str:
    return (entry.name if entry is not None and entry.name else None) or legal.country_name(origin)


def alternatives(scheme: Scheme, origin: str, day: dt.date) -> str:
    """The other schemes of rexdecl's data for ``origin`` on ``day``, as a sentence: those that
    cover it, and agreements not yet applied that would (the CEPA, with its status)."""
    parts = []
    for other in legal.schemes().values():
        if other.id == scheme.id:
            continue
        if other.enabled and legal.beneficiary_status(other, origin, day).state == "beneficiary":
            parts.append(
                _("{id} ({name}, for goods into {territory})").format(
                    id=other.id, name=other.name, territory=territory_text(other, day)
                )
            )
        elif not other.enabled and origin in other.parties:
            parts.append(
                _("{id} ({name}: {status}; {reason})").format(
                    id=other.id,
                    name=other.name,
                    status=localised(other.status, other.status_id),
                    reason=localised(other.disabled_reason, other.disabled_reason_id),
                )
            )
    if not parts:
        return ""
    return " " + _("Other schemes in rexdecl's data for {origin}: {schemes}.").format(
        origin=origin, schemes="; ".join(parts)
    )


def check_country_and_dates(facts: ShipmentFacts, scheme: Scheme) -> Iterator[Finding]:
    """COUNTRY-NOT-BENEFICIARY, GSP-ENDS-BEFORE-IMPORT, SCHEME-ELIGIBILITY-RISK,
    REX-REVOKED-AFTER-EXIT, REX-NOT-APPLICABLE-YET, FORM-A-PERIOD and DATA-MISSING for the
    country of origin."""
    origin = facts.origin_country
    date = facts.invoice_date
    shipment = facts.shipment
    if origin is None or not facts.originating_lines or date is None:
        return
    where = shipment.where("exporter_country")
    for line in facts.originating_lines:
        if line.item.origin_country:
            where = line.item.where("origin_country")
            break
    place = cell_ref(where)
    imported = shipment.expected_import_date
    at_invoice = legal.beneficiary_status(scheme, origin, date)
    deciding = legal.beneficiary_status(scheme, origin, imported) if imported is not None else at_invoice
    if deciding.state == "unknown":
        yield Finding(
            "DATA-MISSING",
            Severity.WARNING,
            _(
                "{place}: whether {origin} is a beneficiary of the {scheme} is not in rexdecl's data: "
                "the COUNTRY-NOT-BENEFICIARY check was skipped; confirm it with the importing "
                "country's customs"
            ).format(place=place, origin=origin, scheme=scheme.name),
            where,
            reference("DATA-MISSING", None, with_mark(scheme.source, scheme.mark)),
        )
        return
    if not deciding.covered and not (at_invoice.covered and imported is not None):
        # Not a beneficiary on the date that decides. (Invoiced in time but released after the
        # end is GSP-ENDS-BEFORE-IMPORT's case.)
        yield _not_beneficiary(facts, scheme, origin, deciding, place, where)
        yield from _revoked_after_exit(facts, scheme, origin, place, where)
        return
    entry = at_invoice.entry if at_invoice.covered else deciding.entry
    if deciding.state == "unconfirmed" and deciding.entry is not None:
        yield Finding(
            "COUNTRY-NOT-BENEFICIARY",
            Severity.WARNING,
            _(
                "{place}: {name} is not in the 2023 list of {scheme} beneficiaries (arrangement "
                "'{arrangement}' in rexdecl's data, with no end date): confirm its status before relying "
                "on the statement"
            ).format(
                place=place,
                name=beneficiary_name(scheme, origin, deciding.entry),
                scheme=scheme.name,
                arrangement=deciding.entry.arrangement,
            ),
            where,
            reference("COUNTRY-NOT-BENEFICIARY", scheme, entry_reference(scheme, deciding.entry)),
        )
    if entry is not None and entry.risk:
        yield Finding(
            "SCHEME-ELIGIBILITY-RISK",
            Severity.WARNING,
            _(
                "{place}: {name} may lose the {scheme} without a date known: {risk}. The statement can be "
                "made; confirm with the importer or the importing country's customs that the preference is "
                "still granted before relying on it"
            ).format(
                place=place,
                name=beneficiary_name(scheme, origin, entry),
                scheme=scheme.name,
                risk=localised(entry.risk, entry.risk_id),
            ),
            where,
            reference("SCHEME-ELIGIBILITY-RISK", scheme, with_mark(entry.risk_source, entry.risk_mark)),
        )
    if at_invoice.covered and at_invoice.entry is not None and at_invoice.entry.until is not None:
        yield from _ending(facts, scheme, origin, at_invoice.entry, date, where)
    yield from _revoked_after_exit(facts, scheme, origin, place, where)
    if scheme.rex_dates and entry is not None:
        yield from _rex_dates(facts, scheme, origin, entry, date, place, where)


def _not_beneficiary(
    facts: ShipmentFacts, scheme: Scheme, origin: str, status: BeneficiaryStatus, place: str, where: Location
) -> Finding:
    shipment = facts.shipment
    date = facts.invoice_date
    assert date is not None
    imported = shipment.expected_import_date
    entry = status.entry
    name = beneficiary_name(scheme, origin, entry)
    day = imported or date
    hint = alternatives(scheme, origin, day)
    if status.state == "ended" and entry is not None and entry.until is not None:
        until = format_day(entry.until)
        if imported is None:
            message = _(
                "{place}: {name} ({origin}) is not a beneficiary of the {scheme} on the invoice date {date}: its "
                "last day was {until}, and goods released for free circulation after it get no preference "
                "under this scheme. If the goods were released on or before {until}, enter that date as "
                "expected_import_date: a statement made out after exportation is then accepted.{alternatives}"
            ).format(
                place=place,
                name=name,
                origin=origin,
                scheme=scheme.name,
                date=format_day(date),
                until=until,
                alternatives=hint,
            )
        else:
            message = _(
                "{place}: {name} ({origin}) is not a beneficiary of the {scheme} on {imported}, the expected "
                "release of the goods: its last day was {until}. No statement on origin under this "
                "scheme.{alternatives}"
            ).format(
                place=place,
                name=name,
                origin=origin,
                scheme=scheme.name,
                imported=format_day(imported),
                until=until,
                alternatives=hint,
            )
    elif status.state == "not-yet" and entry is not None:
        message = _(
            "{place}: {name} ({origin}) is not a beneficiary of the {scheme} on {date} ({period}): no "
            "statement under this scheme"
        ).format(place=place, name=name, origin=origin, scheme=scheme.name, date=format_day(day), period=_period(entry))
    else:
        listed = str(scheme.beneficiaries_file or scheme.origin_file)
        message = _(
            "{place}: country of origin {origin} is not a beneficiary of the {scheme} in rexdecl's "
            "data ({file}): no statement on origin under this scheme. Check the origin country"
        ).format(place=place, origin=origin, scheme=scheme.name, file=listed)
    return Finding(
        "COUNTRY-NOT-BENEFICIARY",
        Severity.ERROR,
        message,
        where,
        reference("COUNTRY-NOT-BENEFICIARY", scheme, _regulation(scheme, day), entry_reference(scheme, entry)),
    )


def _regulation(scheme: Scheme, day: dt.date) -> str:
    """The scheme's own act on ``day``, as cited (the legal basis by date of the data)."""
    period = scheme.regulation_on(day)
    return period.cited if period is not None else ""


def _period(entry: Beneficiary) -> str:
    if entry.start and entry.until:
        return _("covered from {start} to {until}").format(start=format_day(entry.start), until=format_day(entry.until))
    if entry.until:
        return _("covered until {until}").format(until=format_day(entry.until))
    if entry.start:
        return _("covered from {start}").format(start=format_day(entry.start))
    return ""


def _ending(
    facts: ShipmentFacts, scheme: Scheme, origin: str, entry: Beneficiary, date: dt.date, where: Location
) -> Iterator[Finding]:
    """GSP-ENDS-BEFORE-IMPORT: invoiced on or before the country's last day, released after it."""
    shipment = facts.shipment
    until = entry.until
    assert until is not None
    import_date = shipment.expected_import_date
    after_end = import_date if import_date is not None and import_date > until else until + dt.timedelta(days=1)
    ref = reference("GSP-ENDS-BEFORE-IMPORT", scheme, _regulation(scheme, after_end), entry_reference(scheme, entry))
    name = beneficiary_name(scheme, origin, entry)
    if import_date is not None and import_date > until:
        yield Finding(
            "GSP-ENDS-BEFORE-IMPORT",
            Severity.ERROR,
            _(
                "{place}: the goods are expected to be released on {imported}, after {until}, the last "
                "day {name} is a beneficiary of the {scheme}: the statement would give the buyer no "
                "preference.{alternatives}"
            ).format(
                place=cell_ref(shipment.where("expected_import_date")),
                imported=format_day(import_date),
                until=format_day(until),
                name=name,
                scheme=scheme.name,
                alternatives=alternatives(scheme, origin, import_date),
            ),
            shipment.where("expected_import_date"),
            ref,
        )
    elif import_date is None and (until - date).days <= ENDING_WINDOW_DAYS:
        yield Finding(
            "GSP-ENDS-BEFORE-IMPORT",
            Severity.WARNING,
            _(
                "{place}: {name} stops being a beneficiary of the {scheme} after {until}, {days} days after this "
                "invoice; goods released after that date get no preference under it. Enter "
                "expected_import_date so rexdecl can check.{alternatives}"
            ).format(
                place=cell_ref(shipment.where("invoice_date")),
                name=name,
                scheme=scheme.name,
                until=format_day(until),
                days=(until - date).days,
                alternatives=alternatives(scheme, origin, until + dt.timedelta(days=1)),
            ),
            shipment.where("invoice_date"),
            ref,
        )


def _revoked_after_exit(
    facts: ShipmentFacts, scheme: Scheme, origin: str, place: str, where: Location
) -> Iterator[Finding]:
    """REX-REVOKED-AFTER-EXIT, once per shipment: the run date is after the country's last day."""
    if not scheme.revokes_registrations_after_exit:
        return
    last = legal.last_day(scheme, origin)
    today = facts.options.as_of
    if last is None or last.until is None or today <= last.until:
        return
    if legal.beneficiary_status(scheme, origin, today).covered:
        return  # covered again by a later entry
    yield Finding(
        "REX-REVOKED-AFTER-EXIT",
        Severity.INFO,
        _(
            "{place}: {name} left the {scheme} after {until}: the REX registrations of its exporters for "
            "this scheme are revoked. Keep the statements already made out, and the records of materials "
            "and production, for at least 3 years from the end of the calendar year in which each was made "
            "out (longer where national law requires): they can still be verified. rexdecl register export "
            "lists the statements rexdecl made"
        ).format(
            place=place, name=beneficiary_name(scheme, origin, last), scheme=scheme.name, until=format_day(last.until)
        ),
        where,
        reference("REX-REVOKED-AFTER-EXIT", scheme, own=scheme.revocation_source),
    )


def _rex_dates(
    facts: ShipmentFacts, scheme: Scheme, origin: str, entry: Beneficiary, date: dt.date, place: str, where: Location
) -> Iterator[Finding]:
    """REX-NOT-APPLICABLE-YET, FORM-A-PERIOD, and DATA-MISSING without a REX date."""
    shipment = facts.shipment
    name = beneficiary_name(scheme, origin, entry)
    rex_ref = with_mark("EC list of REX application dates", entry.mark)
    if entry.rex_from is None:
        yield Finding(
            "DATA-MISSING",
            Severity.WARNING,
            _(
                "{place}: rexdecl's data has no REX application date for {name} ({file} "
                "reads '{raw}'): the REX-NOT-APPLICABLE-YET check was skipped; confirm that {name} "
                "applies the REX system"
            ).format(
                place=place,
                name=name,
                file=scheme.beneficiaries_file or scheme.origin_file,
                raw=entry.rex_from_raw or _("empty"),
            ),
            where,
            reference("DATA-MISSING", None, entry_reference(scheme, entry)),
        )
    elif date < entry.rex_from:
        yield Finding(
            "REX-NOT-APPLICABLE-YET",
            Severity.ERROR,
            _(
                "{place}: the invoice date {date} is before {name} applied the REX system ({start}): "
                "a statement on origin was not yet possible; a Form A certificate was needed"
            ).format(
                place=cell_ref(shipment.where("invoice_date")),
                date=format_day(date),
                name=name,
                start=format_day(entry.rex_from),
            ),
            shipment.where("invoice_date"),
            reference("REX-NOT-APPLICABLE-YET", scheme, rex_ref),
        )
    elif entry.form_a_until is not None and date <= entry.form_a_until:
        yield Finding(
            "FORM-A-PERIOD",
            Severity.INFO,
            _(
                "{place}: on {date} {name} was in its transition to REX: Form A certificates were "
                "still accepted until {until}, as well as statements on origin"
            ).format(
                place=cell_ref(shipment.where("invoice_date")),
                date=format_day(date),
                name=name,
                until=format_day(entry.form_a_until),
            ),
            shipment.where("invoice_date"),
            reference("FORM-A-PERIOD", scheme, rex_ref),
        )
