"""The statement's own dates: RETROSPECTIVE (made out after exportation or release),
STATEMENT-AGE (older than the scheme's validity when the goods are released) and FUTURE-DATE.

The validity and its source come from the scheme's data; the date that counts is the
invoice date, the date the statement is made out (rules.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta

from rexdecl import legal
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_day
from rexdecl.model import Location
from rexdecl.rules.dates import beneficiary_name, localised
from rexdecl.rules.facts import ShipmentFacts
from rexdecl.rules.notation import cell_ref
from rexdecl.rules.references import reference
from rexdecl.schemes import Scheme

# A retrospective statement must reach the importing customs within 2 years of importation
# (Art. 92(2) UCC IA).
RETROSPECTIVE_YEARS = 2


def check_statement_dates(facts: ShipmentFacts, scheme: Scheme | None) -> Iterator[Finding]:
    """RETROSPECTIVE, STATEMENT-AGE (with a usable scheme: its validity) and FUTURE-DATE of the invoice date."""
    shipment = facts.shipment
    date = facts.invoice_date
    if date is None:
        return
    where = shipment.where("invoice_date")
    place = cell_ref(where)
    yield from _retrospective(facts, scheme, date, place, where)
    months = scheme.validity_months if scheme is not None else None
    reference_day = shipment.expected_import_date or facts.options.as_of
    if scheme is not None and months is not None and date + relativedelta(months=months) < reference_day:
        against = (
            _("the expected import date {day}") if shipment.expected_import_date else _("today's run date {day}")
        ).format(day=format_day(reference_day))
        note = localised(scheme.validity_note, scheme.validity_note_id)
        yield Finding(
            "STATEMENT-AGE",
            Severity.WARNING,
            _(
                "{place}: the invoice date {date} is more than {months} months before {against}: a statement "
                "on origin under the {scheme} is valid for {months} months ({source}){note}; make out a new one"
            ).format(
                place=place,
                date=format_day(date),
                months=months,
                against=against,
                scheme=scheme.name,
                source=scheme.validity_source or scheme.origin_file,
                note=f"; {note}" if note else "",
            ),
            where,
            reference("STATEMENT-AGE", scheme, own=scheme.validity_source),
        )
    if date > facts.options.as_of:
        yield Finding(
            "FUTURE-DATE",
            Severity.WARNING,
            _(
                "{place}: the invoice date {date} is after today ({today}); check the date (a wrong year "
                "or day/month swapped?)"
            ).format(place=place, date=format_day(date), today=format_day(facts.options.as_of)),
            where,
            reference("FUTURE-DATE"),
        )


def _retrospective(
    facts: ShipmentFacts, scheme: Scheme | None, date: dt.date, place: str, where: Location
) -> Iterator[Finding]:
    """RETROSPECTIVE: made out after exportation, or after the goods' release."""
    shipment = facts.shipment
    exported, imported = shipment.export_date, shipment.expected_import_date
    if exported is not None and date > exported:
        message = _(
            "{place}: the statement (invoice date {date}) is made out after exportation ({exported}): "
            "it must reach the customs of the importing country within 2 years of importation"
        ).format(place=place, date=format_day(date), exported=format_day(exported))
    elif imported is not None and date > imported:
        deadline = imported + relativedelta(years=RETROSPECTIVE_YEARS)
        message = _(
            "{place}: the statement (invoice date {date}) is made out after the goods' release on {imported}: "
            "it must reach the customs of the importing country within 2 years of importation, by {deadline}"
        ).format(place=place, date=format_day(date), imported=format_day(imported), deadline=format_day(deadline))
    else:
        return
    origin = facts.origin_country
    if scheme is not None and origin and imported is not None:
        status = legal.beneficiary_status(scheme, origin, date)
        if status.state == "ended" and status.entry is not None and status.entry.until is not None:
            if imported <= status.entry.until:
                message += _(
                    ". {name}'s last day as a beneficiary of the {scheme} was {until}: the statement serves the "
                    "goods released on {imported}, not goods released after that day"
                ).format(
                    name=beneficiary_name(scheme, origin, status.entry),
                    scheme=scheme.name,
                    until=format_day(status.entry.until),
                    imported=format_day(imported),
                )
    yield Finding("RETROSPECTIVE", Severity.INFO, message, where, reference("RETROSPECTIVE", scheme))
