"""The document itself: EXAMPLE-ROW-READ, MISSING-FIELD, AMOUNT-MISMATCH, WEIGHT-INCONSISTENT,
CURRENCY-UNKNOWN, LANGUAGE-UNSUPPORTED, UNKNOWN-FIELD, ESKA-CODE-MISSING."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pycountry

from rexdecl import legal
from rexdecl.amounts import minor_digits
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_number, language_name
from rexdecl.input import countries
from rexdecl.input.fields import ITEMS, MATERIALS, SHIPMENT
from rexdecl.input.parsing import round_half_up
from rexdecl.model import Location
from rexdecl.rules.facts import ShipmentFacts
from rexdecl.rules.notation import cell_ref
from rexdecl.rules.references import reference
from rexdecl.schemes import Scheme

TOLERANCE = Decimal("0.01")


def currency_digits(code: str | None) -> int:
    """Minor unit of a currency (2 for EUR and IDR, 0 for JPY): ISO 4217, as printed."""
    return minor_digits(code) if code else 2


def is_country(code: str | None) -> bool:
    """An ISO 3166 alpha-2 code, or a code the EU customs territory data names (Northern
    Ireland ``XI``, a destination of the EU GSP from 2021 that ISO 3166 does not list)."""
    if not code or len(code) != 2:
        return False
    return pycountry.countries.get(alpha_2=code) is not None or any(
        entry.code == code.upper() for entry in legal.eu_customs_territory()
    )


def _is_origin(code: str, facts: ShipmentFacts) -> bool:
    """A country of origin: a country code, or a code the scheme prints as a symbol (Annex
    22-07 fn. 5: EU for Union origin, XC/XL for Ceuta and Melilla, printed CM)."""
    return is_country(code) or (facts.scheme is not None and code in facts.scheme.origin_symbols)


def _not_a_country(field: str, value: str, unknown_allowed: bool = False) -> str:
    """A country field's value that is no country: what was found (with the closest names,
    or the countries an ambiguous name stands for) and what is expected."""
    found, expected = countries.problem(value, unknown_allowed)
    return _("{field}: found {found}; expected {expected}").format(field=field, found=found, expected=expected)


def _missing(
    field: str, where: Location, what: str, scheme: Scheme | None = None, *facts: str, brief: str | None = None
) -> Finding:
    return Finding(
        "MISSING-FIELD",
        Severity.ERROR,
        _("{place}: {what}").format(place=cell_ref(where), what=what),
        where,
        reference("MISSING-FIELD", scheme, *facts),
        field,
        brief=brief,
    )


def _exporter_unsupplied(facts: ShipmentFacts, fields: list[str]) -> Finding:
    """MISSING-FIELD of exporter_rex: the exporter's ``fields`` are not in the workbook, and the
    registration data cannot supply them because no REX number selects its entry. The one
    root cause, instead of a MISSING-FIELD for each of the fields."""
    shipment = facts.shipment
    registrations = facts.registrations
    names = ", ".join(fields)
    if len(registrations.entries) == 1:
        only = registrations.entries[0]
        what = _(
            "no REX number (exporter_rex), so the registration ({source}) cannot supply {fields}. Its one "
            "entry is {entry} ({name}): enter that number as exporter_rex if it is this exporter's; an "
            "exporter without a REX number enters {fields} instead"
        ).format(source=registrations.source, fields=names, entry=only.rex_number, name=only.name or "?")
    else:
        what = _(
            "no REX number (exporter_rex), so the registration ({source}, {count} entries) cannot supply "
            "{fields}: enter the exporter's REX number as exporter_rex; an exporter without one enters "
            "{fields} instead"
        ).format(source=registrations.source, count=len(registrations.entries), fields=names)
    return _missing("exporter_rex", shipment.where("exporter_rex"), what)


def check_missing_fields(facts: ShipmentFacts) -> Iterator[Finding]:
    """MISSING-FIELD: a required field or column empty or absent, or a country code that is none."""
    shipment = facts.shipment
    signed = facts.scheme if facts.scheme is not None and facts.scheme.signature else None
    supplied = {
        "exporter_name": facts.exporter_name,
        "exporter_address": facts.exporter_address,
        "exporter_country": facts.exporter_country,
    }
    unsupplied = [
        spec.name
        for spec in SHIPMENT.fields
        if spec.required == "unless-registration" and supplied[spec.name] in (None, "")
    ]
    # Registration data is at hand, but no REX number selects its entry: that is the one
    # root cause of the exporter's missing fields.
    by_registration = bool(unsupplied) and facts.rex_number is None and bool(facts.registrations.entries)
    if by_registration:
        yield _exporter_unsupplied(facts, unsupplied)
    for spec in SHIPMENT.fields:
        if not spec.required or (spec.required == "signature" and signed is None):
            continue
        value = getattr(shipment, spec.name)
        if spec.required == "unless-registration":
            if by_registration:
                continue
            value = supplied[spec.name]
        if value in (None, ""):
            given = spec.name in shipment.cells
            what = (
                _("{field} is empty; enter it (required)")
                if given
                else _("the field {field} is missing; add a row '{field}' with its value (required)")
            ).format(field=spec.name)
            signature_source = ""
            signed_scheme = None
            if spec.required == "unless-registration":
                what += _(" — or give the exporter's registration, which supplies it")
            elif signed is not None:
                what += _(
                    " — the {scheme} declaration is signed: place_of_issue and signatory_name fill its place "
                    "and date, name and signature lines"
                ).format(scheme=signed.id)
                signature_source, signed_scheme = signed.signature_source, signed
            yield _missing(spec.name, shipment.where(spec.name), what, signed_scheme, signature_source)
    for field in ("exporter_country", "consignee_country", "destination_country"):
        value = getattr(shipment, field)
        if value and not is_country(value):
            yield _missing(field, shipment.where(field), _not_a_country(field, value))
    if not facts.lines:
        sheet = facts.input.items_sheet
        yield _missing(
            "Items",
            Location(shipment.sheet_location.file, sheet.sheet),
            _("the {sheet} sheet has no lines; enter one row per invoice line").format(sheet=sheet.sheet),
        )
    for line in facts.lines:
        item = line.item
        for spec in ITEMS.fields:
            if spec.required == "yes" and getattr(item, spec.name) in (None, ""):
                where = item.where(spec.name)
                extra = _(": P, W, W + heading, a cumulation mention, or no") if spec.name == "origin_criterion" else ""
                yield _missing(
                    spec.name,
                    where,
                    _("{field} of line {line} is empty; enter it (required for every line{extra})").format(
                        field=spec.name, line=item.line, extra=extra
                    ),
                    brief=_("{field} is empty; enter it (required for every line{extra})").format(
                        field=spec.name, extra=extra
                    ),
                )
        if item.origin_country and not _is_origin(item.origin_country, facts):
            yield _missing(
                "origin_country",
                item.where("origin_country"),
                _not_a_country(_("origin_country of line {line}").format(line=item.line), item.origin_country),
            )
    for material in facts.input.materials or ():
        for spec in MATERIALS.fields:
            if spec.required == "yes" and getattr(material, spec.name) in (None, ""):
                yield _missing(
                    spec.name,
                    material.where(spec.name),
                    _(
                        "{field} of the material '{description}' is empty; enter it (required on every Materials row)"
                    ).format(field=spec.name, description=material.description or cell_ref(material.row)),
                    brief=_("{field} is empty; enter it (required on every Materials row)").format(field=spec.name),
                )
        if material.origin and material.origin != "unknown" and not is_country(material.origin):
            yield _missing(
                "origin",
                material.where("origin"),
                _not_a_country("origin", material.origin, unknown_allowed=True),
            )


def check_amounts(facts: ShipmentFacts) -> Iterator[Finding]:
    """AMOUNT-MISMATCH: a line's amount or the invoice total that does not add up."""
    shipment = facts.shipment
    digits = currency_digits(shipment.currency if shipment.currency and _known_currency(shipment.currency) else None)
    total = Decimal(0)
    for line in facts.lines:
        item = line.item
        if line.amount is not None:
            total += line.amount
        if item.amount is None or item.quantity is None or item.unit_price is None:
            continue
        expected = round_half_up(item.quantity * item.unit_price, digits)
        given = round_half_up(item.amount, digits)
        if abs(expected - given) > TOLERANCE:
            where = item.where("amount")
            yield Finding(
                "AMOUNT-MISMATCH",
                Severity.ERROR,
                _(
                    "{place}: amount {given} of line {line} is not quantity × unit price = {quantity} × {price} = "
                    "{expected}; correct the amount, quantity or price"
                ).format(
                    place=cell_ref(where),
                    given=format_number(item.amount),
                    line=item.line,
                    quantity=format_number(item.quantity),
                    price=format_number(item.unit_price),
                    expected=format_number(expected),
                ),
                where,
                reference("AMOUNT-MISMATCH"),
            )
    if shipment.invoice_total is not None:
        expected = round_half_up(total, digits)
        given = round_half_up(shipment.invoice_total, digits)
        if abs(expected - given) > TOLERANCE:
            where = shipment.where("invoice_total")
            message = _(
                "{place}: invoice_total {given} differs from the sum of the line amounts {expected}; correct "
                "the total or the lines"
            ).format(
                place=cell_ref(where), given=format_number(shipment.invoice_total), expected=format_number(expected)
            )
            extras = [v for v in (shipment.freight, shipment.insurance) if v is not None]
            if extras and abs(round_half_up(total + sum(extras, Decimal(0)), digits) - given) <= TOLERANCE:
                message += _(
                    " (invoice_total is the goods' value alone: the invoice adds freight and insurance below it)"
                )
            yield Finding("AMOUNT-MISMATCH", Severity.ERROR, message, where, reference("AMOUNT-MISMATCH"))


def check_quantities(facts: ShipmentFacts) -> Iterator[Finding]:
    """WEIGHT-INCONSISTENT: a negative number, or a net weight above the gross weight."""
    for line in facts.lines:
        item = line.item
        for name in ("quantity", "unit_price", "amount", "ex_works_value", "packages", "net_kg", "gross_kg", "cbm"):
            value = getattr(item, name)
            if value is not None and value < 0:
                where = item.where(name)
                yield Finding(
                    "WEIGHT-INCONSISTENT",
                    Severity.ERROR,
                    _(
                        "{place}: {field} of line {line} is negative ({value}); enter a positive number "
                        "(credit notes are separate documents)"
                    ).format(place=cell_ref(where), field=name, line=item.line, value=format_number(value)),
                    where,
                    reference("WEIGHT-INCONSISTENT"),
                )
        if item.net_kg is not None and item.gross_kg is not None and item.net_kg > item.gross_kg:
            where = item.where("net_kg")
            yield Finding(
                "WEIGHT-INCONSISTENT",
                Severity.ERROR,
                _(
                    "{place}: net weight {net} kg of line {line} is greater than its gross weight {gross} kg; "
                    "correct the weights (gross = net + packing)"
                ).format(
                    place=cell_ref(where),
                    net=format_number(item.net_kg),
                    line=item.line,
                    gross=format_number(item.gross_kg),
                ),
                where,
                reference("WEIGHT-INCONSISTENT"),
            )
    for material in facts.input.materials or ():
        if material.value is not None and material.value < 0:
            where = material.where("value")
            yield Finding(
                "WEIGHT-INCONSISTENT",
                Severity.ERROR,
                _(
                    "{place}: the value of material '{description}' is negative ({value}); enter a positive number"
                ).format(
                    place=cell_ref(where), description=material.description or "", value=format_number(material.value)
                ),
                where,
                reference("WEIGHT-INCONSISTENT"),
            )
    for name in ("invoice_total", "freight", "insurance"):
        value = getattr(facts.shipment, name)
        if value is not None and value < 0:
            where = facts.shipment.where(name)
            yield Finding(
                "WEIGHT-INCONSISTENT",
                Severity.ERROR,
                _("{place}: {field} is negative ({value}); enter a positive number").format(
                    place=cell_ref(where), field=name, value=format_number(value)
                ),
                where,
                reference("WEIGHT-INCONSISTENT"),
            )


def _known_currency(code: str) -> bool:
    return len(code) == 3 and pycountry.currencies.get(alpha_3=code) is not None


def check_currency(facts: ShipmentFacts) -> Iterator[Finding]:
    """CURRENCY-UNKNOWN: a currency that is no ISO 4217 code."""
    code = facts.shipment.currency
    if code and not _known_currency(code):
        where = facts.shipment.where("currency")
        yield Finding(
            "CURRENCY-UNKNOWN",
            Severity.ERROR,
            _(
                "{place}: currency '{code}' is not an ISO 4217 code; write the three-letter code (EUR, USD, IDR…)"
            ).format(place=cell_ref(where), code=code),
            where,
            reference("CURRENCY-UNKNOWN"),
        )


def check_language(facts: ShipmentFacts, scheme: Scheme) -> Iterator[Finding]:
    """LANGUAGE-UNSUPPORTED: a statement language the scheme does not offer."""
    if facts.statement_language in scheme.languages:
        return
    shipment = facts.shipment
    where = shipment.where("statement_language")
    via = _("--statement-language") if facts.options.statement_language else cell_ref(where)
    yield Finding(
        "LANGUAGE-UNSUPPORTED",
        Severity.ERROR,
        _("{place}: statement language '{language}' is not offered by {scheme}; expected one of {languages}").format(
            place=via,
            language=facts.statement_language,
            scheme=scheme.id,
            languages=", ".join(_named_language(code) for code in scheme.languages),
        ),
        where,
        reference("LANGUAGE-UNSUPPORTED", scheme, own=scheme.languages_source),
    )


def _named_language(code: str) -> str:
    """``en (English)``: the code the workbook takes, with the language's name."""
    name = language_name(code)
    return code if name == code else f"{code} ({name})"


def check_unknown_fields(facts: ShipmentFacts) -> Iterator[Finding]:
    """UNKNOWN-FIELD: a field or column of the workbook or the registration the format does not know."""
    for header in (*facts.input.unknown, *facts.registrations.unknown):
        yield Finding(
            "UNKNOWN-FIELD",
            Severity.WARNING,
            _(
                "{place}: '{name}' is not a field or column of the format; it is ignored (check the spelling: "
                "rexdecl template writes a workbook with every name)"
            ).format(place=cell_ref(header.location), name=header.name),
            header.location,
            reference("UNKNOWN-FIELD"),
        )


def check_example_rows(facts: ShipmentFacts) -> Iterator[Finding]:
    """A row marked as the template's example that the reader read as a line (its values are
    not the template's): the user may have typed the first line over the example."""
    for where in facts.input.example_rows:
        yield Finding(
            "EXAMPLE-ROW-READ",
            Severity.WARNING,
            _(
                "{place}: this row is still marked as the template's example but holds other values; it is read "
                "as a line of the shipment (delete the mark if the line is meant, delete the row if not)"
            ).format(place=cell_ref(where)),
            where,
            reference("EXAMPLE-ROW-READ"),
        )


def check_eska(facts: ShipmentFacts, scheme: Scheme) -> Iterator[Finding]:
    """ESKA-CODE-MISSING: a statement without the authentic code of the exporter's country's
    own system (the scheme's ``authentic_code_countries``: Indonesia's e-SKA under the EU GSP)."""
    if (
        facts.exporter_country in scheme.authentic_code_countries
        and not facts.shipment.eska_code
        and facts.originating_lines
    ):
        where = facts.shipment.where("eska_code")
        yield Finding(
            "ESKA-CODE-MISSING",
            Severity.INFO,
            _(
                "{place}: no e-SKA authentic code (eska_code). Under Permendag 111/2018 the DAB is made through "
                "e-SKA, which gives the authentic code to print with the statement; enter it when you have it"
            ).format(place=cell_ref(where)),
            where,
            reference("ESKA-CODE-MISSING", scheme, own=scheme.authentic_code_source),
        )
