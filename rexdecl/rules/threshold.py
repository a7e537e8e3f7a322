"""Value thresholds for exporters without a REX number: THRESHOLD-EUR-6000,
THRESHOLD-CHF-10300, RATE-MISSING, THRESHOLD-NEAR.

v = (sum of the amounts of the originating lines) / rate, compared exactly: ``v > T`` is
decided as ``sum > T x rate`` so no rounding of a division can tip the balance.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_amount, format_number
from rexdecl.rules.facts import ShipmentFacts
from rexdecl.rules.notation import cell_ref
from rexdecl.rules.references import reference
from rexdecl.schemes import Scheme

NEAR_SHARE = Decimal("0.95")


def check_threshold(facts: ShipmentFacts, scheme: Scheme) -> Iterator[Finding]:
    """THRESHOLD-EUR-6000 (or the scheme's own code), THRESHOLD-NEAR and RATE-MISSING for an
    exporter without a REX number."""
    value = facts.threshold_valuation
    if facts.rex_number or scheme.threshold is None or value is None:
        return  # a registered exporter, or a scheme without a threshold
    shipment = facts.shipment
    limit = scheme.threshold
    currency = value.currency
    rate_where = shipment.where(scheme.rate_field or "currency")
    if value.rate is None:
        if shipment.currency is None:
            return  # MISSING-FIELD reports the currency
        yield Finding(
            "RATE-MISSING",
            Severity.ERROR,
            _(
                "{place}: the invoice is in {currency} and no {field} is given, so the {limit} {tcur} "
                "limit for exporters without a REX number cannot be checked. Enter {field} (units of "
                "{currency} per 1 {tcur}), or the REX number"
            ).format(
                place=cell_ref(rate_where),
                currency=shipment.currency,
                field=scheme.rate_field,
                limit=format_amount(limit, 0),
                tcur=currency,
            ),
            rate_where,
            reference("RATE-MISSING", scheme, own=scheme.threshold_source),
        )
        return
    if value.rate <= 0:
        yield Finding(
            "RATE-MISSING",
            Severity.ERROR,
            _("{place}: {field} is {rate}; expected a positive rate (units of {currency} per 1 {tcur})").format(
                place=cell_ref(rate_where),
                field=scheme.rate_field,
                rate=format_number(value.rate),
                currency=shipment.currency,
                tcur=currency,
            ),
            rate_where,
            reference("RATE-MISSING", scheme, own=scheme.threshold_source),
        )
        return
    others = sum((v for _n, v in facts.options.consignment_others), Decimal(0))
    converted = value.converted
    assert converted is not None
    total = converted + others
    rate_note = (
        ""
        if value.rate == 1
        else _(" (rate used: {rate} {currency} per {tcur}, from {field})").format(
            rate=format_number(value.rate), currency=shipment.currency, tcur=currency, field=scheme.rate_field
        )
    )
    consignment_note = ""
    if facts.options.consignment_others:
        consignment_note = _(" together with invoice(s) {invoices} of the same consignment {ref}").format(
            invoices=", ".join(n for n, _v in facts.options.consignment_others), ref=shipment.consignment_ref or ""
        )
    where = shipment.where("exporter_rex")
    blanks = dict(
        place=cell_ref(where),
        tcur=currency,
        total=format_amount(total),
        rate_note=rate_note,
        consignment_note=consignment_note,
        limit=format_amount(limit),
    )
    if value.exceeds(limit, others):
        message = _(
            "{place}: no REX number, and the originating products total {tcur} {total}{rate_note}"
            "{consignment_note}, above the {tcur} {limit} that an exporter without a REX number may "
            "declare. Enter the exporter's REX number (exporter_rex), or split the consignment"
        )
        code = scheme.threshold_code or "THRESHOLD-EUR-6000"
        yield Finding(
            code, Severity.ERROR, message.format(**blanks), where, reference(code, scheme, own=scheme.threshold_source)
        )
    elif value.at_least(limit * NEAR_SHARE, others):
        message = _(
            "{place}: no REX number, and the originating products total {tcur} {total}{rate_note}"
            "{consignment_note}, within 5 % of the {tcur} {limit} limit: a change of rate or an "
            "added invoice of the same consignment would exceed it"
        )
        yield Finding(
            "THRESHOLD-NEAR",
            Severity.WARNING,
            message.format(**blanks),
            where,
            reference("THRESHOLD-NEAR", scheme, own=scheme.threshold_source),
        )
