"""Country, scheme and dates: SCHEME-UNSUPPORTED, DESTINATION-NOT-IN-SCHEME,
COUNTRY-NOT-BENEFICIARY, GSP-ENDS-BEFORE-IMPORT, REX-NOT-APPLICABLE-YET, FORM-A-PERIOD,
RETROSPECTIVE, STATEMENT-AGE, FUTURE-DATE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta

from rexdecl import legal
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _
from rexdecl.legal import Scheme, with_mark
from rexdecl.model import Location
from rexdecl.rules.facts import ShipmentFacts
from rexdecl.rules.notation import cell_ref

# GSP-ENDS-BEFORE-IMPORT warns when no import date is given and the document is dated
# within this many days before the country's last day as a beneficiary (rules.md).
ENDING_WINDOW_DAYS = 120
STATEMENT_VALIDITY = relativedelta(months=12)
RETROSPECTIVE_REF = "Art. 92(2) UCC IA [V2]"


def check_scheme(facts: ShipmentFacts) -> Iterator[Finding]:
    """SCHEME-UNSUPPORTED when the scheme cannot be used (:attr:`ShipmentFacts.usable_scheme`
    is None: the rules that need a scheme do not run); DATA-MISSING when its wording is recalled."""
    shipment = facts.shipment
    scheme = facts.usable_scheme
    where = shipment.where("scheme")
    if scheme is None:
        usable = ", ".join(s.id for s in legal.schemes().values() if s.enabled)
        known = facts.scheme
        reason = known.disabled_reason if known is not None else _("rexdecl has no data for it")
        yield Finding(
            "SCHEME-UNSUPPORTED",
            Severity.ERROR,
            _("{place}: scheme '{scheme}' cannot be used: {reason}. Use one of {usable}").format(
                place=cell_ref(where), scheme=facts.scheme_id, reason=reason, usable=usable
            ),
            where,
            "—",
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
            with_mark(scheme.source, scheme.mark),
        )


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
    if scheme.territory_file:
        territory = _("the EU customs territory (EU member states, Monaco, Northern Ireland XI) on {date}").format(
            date=facts.document_date.isoformat()
        )
    else:
        territory = ", ".join(scheme.territory_codes)
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
        ).format(place=cell_ref(where), dest=destination, scheme=scheme.id, territory=territory, hint=hint),
        where,
        scheme.territory_file or ", ".join(scheme.territory_codes),
    )


def check_country_and_dates(facts: ShipmentFacts, scheme: Scheme) -> Iterator[Finding]:
    """COUNTRY-NOT-BENEFICIARY, GSP-ENDS-BEFORE-IMPORT, REX-NOT-APPLICABLE-YET, FORM-A-PERIOD and
    DATA-MISSING for the country of origin on the invoice date."""
    origin = facts.origin_country
    date = facts.invoice_date
    shipment = facts.shipment
    if origin is None or not facts.originating_lines or date is None:
        return
    origin_where = shipment.where("exporter_country")
    for line in facts.originating_lines:
        if line.item.origin_country:
            origin_where = line.item.where("origin_country")
            break
    place = cell_ref(origin_where)
    if scheme.beneficiaries_file == "rex-countries.csv":
        yield from _eu_country_rules(facts, scheme, origin, date, place, origin_where)
    else:
        yield from _listed_beneficiary(facts, scheme, origin, date, place, origin_where)


def _eu_country_rules(
    facts: ShipmentFacts, scheme: Scheme, origin: str, date: dt.date, place: str, where: Location
) -> Iterator[Finding]:
    shipment = facts.shipment
    country = legal.rex_countries().get(origin)
    ref = "Reg. 978/2012 Annex II"
    if country is None:
        yield Finding(
            "COUNTRY-NOT-BENEFICIARY",
            Severity.ERROR,
            _(
                "{place}: country of origin {origin} is not a beneficiary of the {scheme} in rexdecl's "
                "data (rex-countries.csv): no statement on origin under this scheme. Check the origin "
                "country"
            ).format(place=place, origin=origin, scheme=scheme.name),
            where,
            ref,
        )
        return
    source_ref = with_mark(f"{ref}; rex-countries.csv ({country.name})", country.mark)
    if country.gsp_until is not None and date > country.gsp_until:
        # rules.md: an error whenever the data gives an end date, whatever the import date.
        message = _(
            "{place}: {name} is not a beneficiary of the {scheme} on the invoice date {date} "
            "(its last day was {until}): no GSP statement on origin can be made.{successor}"
        )
        yield Finding(
            "COUNTRY-NOT-BENEFICIARY",
            Severity.ERROR,
            message.format(
                place=place,
                name=country.name,
                scheme=scheme.name,
                date=date.isoformat(),
                until=country.gsp_until.isoformat(),
                successor=_successor_hint(origin),
            ),
            where,
            source_ref,
        )
        return
    if country.arrangement in ("none", "unclear") and country.gsp_until is None:
        yield Finding(
            "COUNTRY-NOT-BENEFICIARY",
            Severity.WARNING,
            _(
                "{place}: {name} is not in the 2023 list of {scheme} beneficiaries (arrangement "
                "'{arrangement}' in rexdecl's data, with no end date): confirm its status before relying "
                "on the statement"
            ).format(place=place, name=country.name, scheme=scheme.name, arrangement=country.arrangement),
            where,
            source_ref,
        )
    if country.gsp_until is not None and date <= country.gsp_until:
        yield from _ending(facts, country.name, origin, country.gsp_until, date, place, where, source_ref)
    if scheme.rex_dates:
        if country.rex_from is None:
            yield Finding(
                "DATA-MISSING",
                Severity.WARNING,
                _(
                    "{place}: rexdecl's data has no REX application date for {name} (rex-countries.csv "
                    "reads '{raw}'): the REX-NOT-APPLICABLE-YET check was skipped; confirm that {name} "
                    "applies the REX system"
                ).format(place=place, name=country.name, raw=_raw_rex_from(origin)),
                where,
                source_ref,
            )
        elif date < country.rex_from:
            yield Finding(
                "REX-NOT-APPLICABLE-YET",
                Severity.ERROR,
                _(
                    "{place}: the invoice date {date} is before {name} applied the REX system ({start}): "
                    "a statement on origin was not yet possible; a Form A certificate was needed"
                ).format(
                    place=cell_ref(shipment.where("invoice_date")),
                    date=date.isoformat(),
                    name=country.name,
                    start=country.rex_from.isoformat(),
                ),
                shipment.where("invoice_date"),
                with_mark("EC list of REX application dates", country.mark),
            )
        elif country.form_a_until is not None and date <= country.form_a_until:
            yield Finding(
                "FORM-A-PERIOD",
                Severity.INFO,
                _(
                    "{place}: on {date} {name} was in its transition to REX: Form A certificates were "
                    "still accepted until {until}, as well as statements on origin"
                ).format(
                    place=cell_ref(shipment.where("invoice_date")),
                    date=date.isoformat(),
                    name=country.name,
                    until=country.form_a_until.isoformat(),
                ),
                shipment.where("invoice_date"),
                with_mark("EC list of REX application dates", country.mark),
            )


def _raw_rex_from(origin: str) -> str:
    import csv
    import io
    from importlib import resources

    text = resources.files("rexdecl.data").joinpath("rex-countries.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        if row["iso2"] == origin:
            return row["rex_from"] or _("empty")
    return ""


def _successor_hint(origin: str) -> str:
    if origin == "ID":
        return _(
            " For Indonesian goods: the EU-Indonesia CEPA is expected to apply from "
            "2027-01-01 with its own proof of origin (its text is not yet in rexdecl's data); "
            "for the UK, use the UK DCTS (scheme uk-dcts)."
        )
    return ""


def _ending(
    facts: ShipmentFacts, name: str, origin: str, until: dt.date, date: dt.date, place: str, where: Location, ref: str
) -> Iterator[Finding]:
    shipment = facts.shipment
    import_date = shipment.expected_import_date
    reference = (
        ref
        + "; "
        + _(
            "the preference depends on the date of release for free circulation (draft Delegated Act "
            "of 29 Sept 2025, reported [V2]; final act not seen)"
        )
    )
    if import_date is not None and import_date > until:
        yield Finding(
            "GSP-ENDS-BEFORE-IMPORT",
            Severity.ERROR,
            _(
                "{place}: the goods are expected to be released on {imported}, after {until}, the last "
                "day {name} is a GSP beneficiary: the statement would give the buyer no preference.{successor}"
            ).format(
                place=cell_ref(shipment.where("expected_import_date")),
                imported=import_date.isoformat(),
                until=until.isoformat(),
                name=name,
                successor=_successor_hint(origin),
            ),
            shipment.where("expected_import_date"),
            reference,
        )
    elif import_date is None and (until - date).days <= ENDING_WINDOW_DAYS:
        yield Finding(
            "GSP-ENDS-BEFORE-IMPORT",
            Severity.WARNING,
            _(
                "{place}: {name} stops being a GSP beneficiary after {until}, {days} days after this "
                "invoice; goods released in the EU after that date get no GSP preference. Enter "
                "expected_import_date so rexdecl can check.{successor}"
            ).format(
                place=cell_ref(shipment.where("invoice_date")),
                name=name,
                until=until.isoformat(),
                days=(until - date).days,
                successor=_successor_hint(origin),
            ),
            shipment.where("invoice_date"),
            reference,
        )


def _listed_beneficiary(
    facts: ShipmentFacts, scheme: Scheme, origin: str, date: dt.date, place: str, where: Location
) -> Iterator[Finding]:
    entries = [b for b in scheme.beneficiaries if b.iso2 == origin]
    if not entries:
        yield Finding(
            "DATA-MISSING",
            Severity.WARNING,
            _(
                "{place}: whether {origin} is a beneficiary of the {scheme} is not in rexdecl's data: "
                "the COUNTRY-NOT-BENEFICIARY check was skipped; confirm it with the importing "
                "country's customs"
            ).format(place=place, origin=origin, scheme=scheme.name),
            where,
            with_mark(scheme.source, scheme.mark),
        )
        return
    for entry in entries:
        if (entry.start is None or entry.start <= date) and (entry.until is None or date <= entry.until):
            return
    entry = entries[0]
    known = legal.rex_countries().get(origin)
    name = known.name if known else origin
    if entry.until is not None and date > entry.until:
        # Say that the scheme dropped the country (Norway no longer covers Indonesia).
        message = _(
            "{place}: the {scheme} no longer covers {name} ({origin}): it was a beneficiary until "
            "{until}, not on {date}; no statement under this scheme"
        ).format(
            place=place,
            scheme=scheme.name,
            name=name,
            origin=origin,
            until=entry.until.isoformat(),
            date=date.isoformat(),
        )
    else:
        message = _(
            "{place}: {origin} is not a beneficiary of the {scheme} on {date} ({period}): no "
            "statement under this scheme"
        ).format(
            place=place,
            origin=f"{name} ({origin})" if known else origin,
            scheme=scheme.name,
            date=date.isoformat(),
            period=_period(entry.start, entry.until),
        )
    yield Finding("COUNTRY-NOT-BENEFICIARY", Severity.ERROR, message, where, with_mark(entry.source, entry.mark))


def _period(start: dt.date | None, until: dt.date | None) -> str:
    if start and until:
        return _("covered from {start} to {until}").format(start=start.isoformat(), until=until.isoformat())
    if until:
        return _("covered until {until}").format(until=until.isoformat())
    if start:
        return _("covered from {start}").format(start=start.isoformat())
    return ""


def check_statement_dates(facts: ShipmentFacts) -> Iterator[Finding]:
    """RETROSPECTIVE, STATEMENT-AGE and FUTURE-DATE of the invoice date."""
    shipment = facts.shipment
    date = facts.invoice_date
    if date is None:
        return
    where = shipment.where("invoice_date")
    place = cell_ref(where)
    if shipment.export_date is not None and date > shipment.export_date:
        yield Finding(
            "RETROSPECTIVE",
            Severity.INFO,
            _(
                "{place}: the statement (invoice date {date}) is made out after exportation ({exported}): "
                "it must reach the customs of the importing country within 2 years of importation"
            ).format(place=place, date=date.isoformat(), exported=shipment.export_date.isoformat()),
            where,
            RETROSPECTIVE_REF,
        )
    reference_day = shipment.expected_import_date or facts.options.as_of
    if date + STATEMENT_VALIDITY < reference_day:
        against = (
            _("the expected import date {day}") if shipment.expected_import_date else _("today's run date {day}")
        ).format(day=reference_day.isoformat())
        yield Finding(
            "STATEMENT-AGE",
            Severity.WARNING,
            _(
                "{place}: the invoice date {date} is more than 12 months before {against}: a statement "
                "on origin is valid for 12 months; make out a new one"
            ).format(place=place, date=date.isoformat(), against=against),
            where,
            "Indonesian DAB valid 12 months (Permendag 111/2018, reported [V2]); EU 12-month validity [R]",
        )
    if date > facts.options.as_of:
        yield Finding(
            "FUTURE-DATE",
            Severity.WARNING,
            _(
                "{place}: the invoice date {date} is after today ({today}); check the date (a wrong year "
                "or day/month swapped?)"
            ).format(place=place, date=date.isoformat(), today=facts.options.as_of.isoformat()),
            where,
            "—",
        )
