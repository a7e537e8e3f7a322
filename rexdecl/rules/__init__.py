"""Every check of the rule catalogue (rules.md). Rules collect all findings; none stops at
the first. :func:`resolve_shipment` resolves a shipment's facts once, :func:`check_shipment`
judges them: each family of rules yields its findings, in the order of the catalogue's
output."""

from __future__ import annotations

from dataclasses import replace

from rexdecl.findings import Finding, Severity
from rexdecl.rules import dates, document, exporter, products, psr, statement_dates, threshold
from rexdecl.rules.facts import CheckOptions, Line, ShipmentFacts, resolve_shipment

# With --no-statement only these block the documents; every other finding is information
# (workbook-format.md, "Outputs of rexdecl generate").
DOCUMENT_CODES = frozenset({"MISSING-FIELD", "AMOUNT-MISMATCH", "WEIGHT-INCONSISTENT", "CURRENCY-UNKNOWN"})
# Findings about the statement that stay relevant to the documents themselves.
_KEEP_WITH_NO_STATEMENT = frozenset({"UNKNOWN-FIELD", "FUTURE-DATE", "EXAMPLE-ROW-READ"})
_STATEMENT_ONLY_FIELDS = ("origin_criterion", "customs_id", "signatory_name", "place_of_issue")

__all__ = ["CheckOptions", "Line", "ShipmentFacts", "check_shipment", "resolve_shipment"]


def check_shipment(facts: ShipmentFacts) -> tuple[Finding, ...]:
    """Run every rule on the facts; the findings in the order the rules report them."""
    findings: list[Finding] = []
    findings += document.check_unknown_fields(facts)
    findings += document.check_example_rows(facts)
    findings += document.check_missing_fields(facts)
    findings += document.check_currency(facts)
    findings += document.check_amounts(facts)
    findings += document.check_quantities(facts)
    findings += exporter.check_registration(facts)
    findings += products.check_hs_codes(facts)
    findings += dates.check_scheme(facts)
    # The rules below that need a scheme run only with a usable one (SCHEME-UNSUPPORTED
    # above says why not).
    scheme = facts.usable_scheme
    findings += products.check_criteria(facts, scheme)
    findings += products.check_lines(facts)
    findings += statement_dates.check_statement_dates(facts, scheme)
    if scheme is not None:
        findings += document.check_language(facts, scheme)
        findings += dates.check_destination(facts, scheme)
        findings += dates.check_country_and_dates(facts, scheme)
        findings += threshold.check_threshold(facts, scheme)
        findings += products.check_graduation(facts, scheme)
        findings += psr.check_product_rules(facts, scheme)
        findings += document.check_eska(facts, scheme)
    if facts.options.no_statement:
        # The exporter's name and address are printed on the documents: without a statement
        # their MISSING-FIELD stays, whatever the REX number.
        return tuple(_as_information(f) for f in findings)
    return tuple(exporter.without_consequences(findings))


def _as_information(finding: Finding) -> Finding:
    if finding.code in _KEEP_WITH_NO_STATEMENT or finding.severity == Severity.INFO:
        return finding
    if finding.code in DOCUMENT_CODES and finding.field not in _STATEMENT_ONLY_FIELDS:
        return finding
    return replace(finding, severity=Severity.INFO)
