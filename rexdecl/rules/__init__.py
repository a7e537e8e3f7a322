"""Every check of the rule catalogue (rules.md). Rules collect all findings; none stops at
the first. :func:`check` is the only entry point."""

from __future__ import annotations

from dataclasses import replace

from rexdecl.findings import Finding, Severity
from rexdecl.input.registration import RegistrationData
from rexdecl.model import ShipmentInput
from rexdecl.rules import dates, document, exporter, products, psr, threshold
from rexdecl.rules.context import CheckOptions, Context, build_context

# With --no-statement only these block the documents; every other finding is information
# (workbook-format.md, "Outputs of rexdecl generate").
DOCUMENT_CODES = frozenset({"MISSING-FIELD", "AMOUNT-MISMATCH", "WEIGHT-INCONSISTENT", "CURRENCY-UNKNOWN"})
# Findings about the statement that stay relevant to the documents themselves.
_KEEP_WITH_NO_STATEMENT = frozenset({"UNKNOWN-FIELD", "FUTURE-DATE", "EXAMPLE-ROW-READ"})
_STATEMENT_ONLY_FIELDS = ("origin_criterion", "customs_id")

__all__ = ["CheckOptions", "Context", "check_shipment"]


def check_shipment(shipment_input: ShipmentInput, registrations: RegistrationData, options: CheckOptions) -> Context:
    """Run every rule; the returned context holds the findings and the derived facts."""
    ctx = build_context(shipment_input, registrations, options)
    document.check_unknown_fields(ctx)
    document.check_example_rows(ctx)
    document.check_missing_fields(ctx, ctx.scheme)
    document.check_currency(ctx)
    document.check_amounts(ctx)
    document.check_quantities(ctx)
    exporter.check_registration(ctx)
    products.check_hs_codes(ctx)
    usable = dates.check_scheme(ctx)
    products.check_criteria(ctx, ctx.scheme if usable else None)
    products.check_lines(ctx)
    dates.check_statement_dates(ctx)
    if usable and ctx.scheme is not None:
        scheme = ctx.scheme
        document.check_language(ctx, scheme)
        dates.check_destination(ctx, scheme)
        dates.check_country_and_dates(ctx, scheme)
        threshold.check_threshold(ctx)
        products.check_graduation(ctx, scheme)
        psr.check_product_rules(ctx, scheme)
        document.check_eska(ctx, scheme)
    if options.no_statement:
        ctx.findings = [_as_information(f) for f in ctx.findings]
    return ctx


def _as_information(finding: Finding) -> Finding:
    if finding.code in _KEEP_WITH_NO_STATEMENT or finding.severity == Severity.INFO:
        return finding
    if finding.code in DOCUMENT_CODES and finding.field not in _STATEMENT_ONLY_FIELDS:
        return finding
    return replace(finding, severity=Severity.INFO)
