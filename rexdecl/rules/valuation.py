"""The originating value of a shipment, in the invoice currency and in a threshold currency
(EUR, CHF): what the threshold rules judge and the report, the register and batch print.

Computed once, when the shipment's facts are resolved (:mod:`rexdecl.rules.facts`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rexdecl.model import Shipment


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


def value_of(
    shipment: Shipment, originating_amounts: Iterable[Decimal | None], currency: str, rate_field: str | None
) -> Valuation:
    """The sum of the originating lines' amounts (an absent amount counts nothing), in
    ``currency`` at the rate the shipment's ``rate_field`` gives: 1 when the invoice is in
    ``currency``, none without the field."""
    rate: Decimal | None
    if shipment.currency == currency:
        rate = Decimal(1)
    else:
        rate = getattr(shipment, rate_field) if rate_field else None
    total = sum((amount for amount in originating_amounts if amount is not None), Decimal(0))
    return Valuation(shipment.currency, total, currency, rate, rate_field)
