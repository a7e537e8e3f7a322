"""Registration and exporter: REX-FORMAT, REX-UNKNOWN, REX-NOT-YET-VALID, REX-REVOKED,
EXPORTER-MISMATCH; and one root cause, one error (:func:`without_consequences`): the
exporter's fields a registration would have supplied are not reported missing when the REX
number itself, or its absence, is the error."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_day
from rexdecl.input.parsing import describe_char, hidden_characters
from rexdecl.rules.facts import ShipmentFacts
from rexdecl.rules.notation import cell_ref
from rexdecl.rules.references import reference

REX_PATTERN = re.compile(r"^[A-Z]{2}REX[A-Z0-9]{1,30}$")
# Legal forms removed before comparing names (rules.md, EXPORTER-MISMATCH).
LEGAL_FORMS = frozenset({"pt", "cv", "ud", "tbk", "persero", "ltd"})


_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")  # "P.T." is the legal form PT


def normalise_company(name: str) -> str:
    """Case, spaces, punctuation and legal forms (PT, CV, UD, Tbk, Persero, Ltd) removed:
    "P.T. Batik-Contoh" and "Batik Contoh, PT" both give "batikcontoh"."""
    text = unicodedata.normalize("NFKD", name).casefold()
    text = _DOTTED.sub(lambda m: m[0].replace(".", "") + " ", text)
    words = re.findall(r"[^\W_]+", text)
    return "".join(w for w in words if w not in LEGAL_FORMS)


def check_registration(facts: ShipmentFacts) -> Iterator[Finding]:
    """REX-FORMAT, REX-UNKNOWN, REX-NOT-YET-VALID, REX-REVOKED and EXPORTER-MISMATCH of the REX number."""
    rex = facts.rex_number
    if not rex:
        return
    shipment = facts.shipment
    where = (
        shipment.where("exporter_rex")
        if shipment.exporter_rex
        else (facts.entry.location if facts.entry else shipment.sheet_location)
    )
    place = cell_ref(where)
    problems: list[str] = []
    hidden = hidden_characters(rex)
    if hidden:
        problems.append(
            _("it contains the invisible character(s) {chars}").format(
                chars=", ".join(sorted({describe_char(c) for c in hidden}))
            )
        )
    elif not REX_PATTERN.match(rex):
        problems.append(
            _(
                "it does not have the form of a REX number: two capital letters of "
                "the country, REX, then 1 to 30 capital letters or digits, with no "
                "spaces, dots or lower case"
            )
        )
    if not problems:
        # The registration's country, else exporter_country; a country taken from the number
        # itself (facts.exporter_country_from_rex) is nothing to compare it with.
        country = (facts.entry.country if facts.entry and facts.entry.country else None) or (
            None if facts.exporter_country_from_rex else facts.exporter_country
        )
        if country and rex[:2] != country:
            problems.append(
                _("it starts with {prefix}, but the exporter's country is {country}").format(
                    prefix=rex[:2], country=country
                )
            )
    if problems:
        yield Finding(
            "REX-FORMAT",
            Severity.ERROR,
            _(
                "{place}: REX number '{rex}' is not valid: {problem}. Copy the number exactly as "
                "registered (e.g. IDREX…), without spaces"
            ).format(place=place, rex=rex, problem="; ".join(problems)),
            where,
            reference("REX-FORMAT"),
        )
        return
    entry = facts.entry
    if entry is None:
        if facts.registrations.source is None:
            how = _(
                "no registration data was found: give it with --registration FILE, an Exporter "
                "sheet in the workbook, or a registration.toml file beside the workbook"
            )
        elif len(facts.registrations.entries) == 1:
            only = facts.registrations.entries[0]
            how = _(
                "the registration data ({source}) has one entry, {entry} ({name}): correct the number if "
                "that is this exporter's, or add the exporter's entry"
            ).format(source=facts.registrations.source, entry=only.rex_number, name=only.name or "?")
        else:
            how = _(
                "the registration data ({source}) has no entry with this number: add the "
                "exporter's entry, or correct the number"
            ).format(source=facts.registrations.source)
        yield Finding(
            "REX-UNKNOWN",
            Severity.ERROR,
            _("{place}: REX number {rex} is unknown: {how}").format(place=place, rex=rex, how=how),
            where,
            reference("REX-UNKNOWN"),
        )
        return
    date = facts.invoice_date
    if date is not None and entry.registered_on is not None and date < entry.registered_on:
        yield Finding(
            "REX-NOT-YET-VALID",
            Severity.ERROR,
            _(
                "{place}: the invoice date {date} is before {rex} became valid on {start}; a "
                "statement may only be made from that date (correct the invoice date or the "
                "registration's registered_on)"
            ).format(
                place=cell_ref(shipment.where("invoice_date")),
                date=format_day(date),
                rex=rex,
                start=format_day(entry.registered_on),
            ),
            shipment.where("invoice_date"),
            reference("REX-NOT-YET-VALID"),
        )
    if date is not None and entry.revoked_on is not None and entry.revoked_on <= date:
        yield Finding(
            "REX-REVOKED",
            Severity.ERROR,
            _(
                "{place}: REX number {rex} was revoked on {revoked}, on or before the invoice date "
                "{date}; no statement may be made with it (the exporter must be registered again)"
            ).format(
                place=cell_ref(shipment.where("invoice_date")),
                rex=rex,
                revoked=format_day(entry.revoked_on),
                date=format_day(date),
            ),
            shipment.where("invoice_date"),
            reference("REX-REVOKED"),
        )
    if (
        shipment.exporter_name
        and entry.name
        and (normalise_company(shipment.exporter_name) != normalise_company(entry.name))
    ):
        yield Finding(
            "EXPORTER-MISMATCH",
            Severity.ERROR,
            _(
                "{place}: exporter '{name}' is not the registered holder of {rex}, '{holder}'. Only "
                "the registered exporter may make out the statement: use its own REX number, or "
                "let the holder make out the invoice"
            ).format(
                place=cell_ref(shipment.where("exporter_name")), name=shipment.exporter_name, rex=rex, holder=entry.name
            ),
            shipment.where("exporter_name"),
            reference("EXPORTER-MISMATCH"),
        )


# The exporter's fields a registration entry supplies (workbook-format.md: "yes, unless the
# registration supplies them"), and the REX number that selects the entry.
SUPPLIED_BY_REGISTRATION = frozenset({"exporter_name", "exporter_address", "exporter_country", "exporter_rex"})


def _is_registration_cause(finding: Finding) -> bool:
    """A finding that explains why no registration entry supplies the exporter's fields: the
    number is malformed or unknown, or there is none where one is required (the threshold
    codes of the schemes: THRESHOLD-EUR-6000, THRESHOLD-CHF-10300)."""
    if finding.severity != Severity.ERROR:
        return False
    return finding.code in ("REX-FORMAT", "REX-UNKNOWN") or finding.code.startswith("THRESHOLD-")


def without_consequences(findings: list[Finding]) -> list[Finding]:
    """One root cause, one error: when the REX number is malformed or unknown, or is missing
    above the threshold, the MISSING-FIELD errors of the exporter's name, address, country and
    REX number are left out: the registration supplies them once the root cause is mended.
    (Both are errors, so the shipment is refused either way.)"""
    if not any(_is_registration_cause(f) for f in findings):
        return findings
    return [f for f in findings if not (f.code == "MISSING-FIELD" and f.field in SUPPLIED_BY_REGISTRATION)]
