"""Value thresholds for exporters without a REX number: THRESHOLD-EUR-6000,
THRESHOLD-CHF-10300, RATE-MISSING, THRESHOLD-NEAR.

v = (sum of the amounts of the originating lines) / rate, compared exactly: ``v > T`` is
decided as ``sum > T x rate`` so no rounding of a division can tip the balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rexdecl.findings import Severity
from rexdecl.i18n import _
from rexdecl.input.parsing import round_half_up
from rexdecl.rules.context import Context, cell_ref

NEAR_SHARE = Decimal("0.95")


@dataclass(frozen=True)
class Valuation:
    """The originating value of a shipment in the invoice currency and in ``currency``."""

    invoice_currency: str | None
    in_invoice_currency: Decimal
    currency: str  # the threshold currency (EUR, CHF)
    rate: Decimal | None  # units of invoice currency per 1 unit of ``currency``; 1 when same
    rate_field: str | None

    @property
    def converted(self) -> Decimal | None:
        if self.rate is None or self.rate <= 0:
            return None
        return self.in_invoice_currency / self.rate

    def exceeds(self, limit: Decimal, others: Decimal = Decimal(0)) -> bool:
        assert self.rate is not None
        return self.in_invoice_currency + others * self.rate > limit * self.rate

    def at_least(self, limit: Decimal, others: Decimal = Decimal(0)) -> bool:
        assert self.rate is not None
        return self.in_invoice_currency + others * self.rate >= limit * self.rate


def originating_sum(ctx: Context) -> Decimal:
    return sum((line.amount for line in ctx.originating_lines if line.amount is not None), Decimal(0))


def valuation(ctx: Context, currency: str = "EUR", rate_field: str | None = "eur_rate") -> Valuation:
    shipment = ctx.shipment
    rate: Decimal | None
    if shipment.currency == currency:
        rate = Decimal(1)
    else:
        rate = getattr(shipment, rate_field) if rate_field else None
    return Valuation(shipment.currency, originating_sum(ctx), currency, rate, rate_field)


def money(value: Decimal) -> str:
    return f"{round_half_up(value, 2):,.2f}"


def check_threshold(ctx: Context) -> None:
    scheme = ctx.scheme
    if ctx.rex_number or scheme is None or scheme.threshold is None or not scheme.threshold_currency:
        return
    shipment = ctx.shipment
    limit = scheme.threshold
    currency = scheme.threshold_currency
    value = valuation(ctx, currency, scheme.rate_field)
    rate_where = shipment.where(scheme.rate_field or "currency")
    if value.rate is None:
        if shipment.currency is None:
            return  # MISSING-FIELD reports the currency
        ctx.add(
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
                limit=f"{limit:,}",
                tcur=currency,
            ),
            rate_where,
            "—",
        )
        return
    if value.rate <= 0:
        ctx.add(
            "RATE-MISSING",
            Severity.ERROR,
            _("{place}: {field} is {rate}; expected a positive rate (units of {currency} per 1 {tcur})").format(
                place=cell_ref(rate_where),
                field=scheme.rate_field,
                rate=value.rate,
                currency=shipment.currency,
                tcur=currency,
            ),
            rate_where,
            "—",
        )
        return
    others = sum((v for _n, v in ctx.options.consignment_others), Decimal(0))
    converted = value.converted
    assert converted is not None
    total = converted + others
    rate_note = (
        ""
        if value.rate == 1
        else _(" (rate used: {rate} {currency} per {tcur}, from {field})").format(
            rate=value.rate, currency=shipment.currency, tcur=currency, field=scheme.rate_field
        )
    )
    consignment_note = ""
    if ctx.options.consignment_others:
        consignment_note = _(" together with invoice(s) {invoices} of the same consignment {ref}").format(
            invoices=", ".join(n for n, _v in ctx.options.consignment_others), ref=shipment.consignment_ref or ""
        )
    where = shipment.where("exporter_rex")
    blanks = dict(
        place=cell_ref(where),
        tcur=currency,
        total=money(total),
        rate_note=rate_note,
        consignment_note=consignment_note,
        limit=f"{limit:,.2f}",
    )
    if value.exceeds(limit, others):
        message = _(
            "{place}: no REX number, and the originating products total {tcur} {total}{rate_note}"
            "{consignment_note}, above the {tcur} {limit} that an exporter without a REX number may "
            "declare. Enter the exporter's REX number (exporter_rex), or split the consignment"
        )
        code = scheme.threshold_code or "THRESHOLD-EUR-6000"
        ctx.add(code, Severity.ERROR, message.format(**blanks), where, scheme.threshold_reference)
    elif value.at_least(limit * NEAR_SHARE, others):
        message = _(
            "{place}: no REX number, and the originating products total {tcur} {total}{rate_note}"
            "{consignment_note}, within 5 % of the {tcur} {limit} limit: a change of rate or an "
            "added invoice of the same consignment would exceed it"
        )
        ctx.add("THRESHOLD-NEAR", Severity.WARNING, message.format(**blanks), where, scheme.threshold_reference)
