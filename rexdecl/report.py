"""A check's outcome as a value (findings + summary), and its text and JSON forms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rexdecl.errors import ExitStatus
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, ngettext
from rexdecl.paths import display_path
from rexdecl.rules.facts import ShipmentFacts
from rexdecl.rules.valuation import money

SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@dataclass(frozen=True)
class Report:
    source: str
    findings: tuple[Finding, ...]
    summary: dict[str, Any]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.WARNING)

    @property
    def exit_code(self) -> ExitStatus:
        return ExitStatus.FINDINGS if self.errors else ExitStatus.OK

    def codes(self) -> list[str]:
        """Distinct codes of errors and warnings, in order of first appearance."""
        seen: dict[str, None] = {}
        for finding in self.findings:
            if finding.severity != Severity.INFO:
                seen.setdefault(finding.code, None)
        return list(seen)

    def to_json(self) -> str:
        return json.dumps(
            {"findings": [f.to_dict() for f in self.findings], "summary": self.summary},
            ensure_ascii=False,
            indent=2,
            sort_keys=False,
        )


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def build_report(facts: ShipmentFacts, findings: tuple[Finding, ...]) -> Report:
    """The findings of a shipment with the summary of its facts (``check --format json``)."""
    shipment = facts.shipment
    eur = facts.eur_valuation
    converted = eur.converted
    counts = {s.value: sum(1 for f in findings if f.severity == s) for s in SEVERITY_ORDER}
    summary: dict[str, Any] = {
        "source": display_path(facts.input.path),
        "invoice_number": shipment.invoice_number,
        "invoice_date": shipment.invoice_date.isoformat() if shipment.invoice_date else None,
        "exporter": facts.exporter_name,
        "rex_number": facts.rex_number,
        "registration_source": facts.registrations.source,
        "consignee": shipment.consignee_name,
        "destination": facts.destination,
        "scheme": facts.scheme_id,
        "statement_language": facts.statement_language,
        "origin_country": facts.origin_country,
        "currency": shipment.currency,
        "originating_value": _decimal(eur.in_invoice_currency),
        "eur_rate": _decimal(eur.rate) if eur.rate is not None else None,
        "originating_value_eur": money(converted) if converted is not None else None,
        "lines": len(facts.lines),
        "originating_lines": len(facts.originating_lines),
        "as_of": facts.options.as_of.isoformat(),
        "errors": counts["error"],
        "warnings": counts["warning"],
        "infos": counts["info"],
    }
    summary["exit_code"] = int(ExitStatus.FINDINGS if counts["error"] else ExitStatus.OK)
    return Report(display_path(facts.input.path), findings, summary)


def severity_label(severity: Severity) -> str:
    return {Severity.ERROR: _("Errors"), Severity.WARNING: _("Warnings"), Severity.INFO: _("Information")}[severity]


# In text output, information findings beyond this many of one code are counted, not
# listed (a 60-line invoice would print 60 identical PSR-UNCHECKED notes); --verbose lists all.
INFO_PER_CODE = 5


def format_text(report: Report, colour: bool = False, verbose: bool = False, include_info: bool = True) -> str:
    """Findings grouped by severity, each with code, message and legal reference."""
    styles = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}

    def paint(text: str, severity: Severity, bold: bool = False) -> str:
        if not colour:
            return text
        return f"\x1b[{'1;' if bold else ''}{styles[severity]}m{text}\x1b[0m"

    out: list[str] = []
    summary = report.summary
    out.append(
        _("{source}: invoice {invoice}, scheme {scheme}, statement in {language}").format(
            source=report.source,
            invoice=summary.get("invoice_number") or "?",
            scheme=summary.get("scheme"),
            language=summary.get("statement_language"),
        )
    )
    if summary.get("originating_value_eur") is not None and summary.get("currency") != "EUR":
        out.append(
            _("  originating value: {currency} {value} = EUR {eur} at {rate} {currency} per EUR (eur_rate)").format(
                currency=summary.get("currency"),
                value=money(Decimal(summary["originating_value"])),
                eur=summary["originating_value_eur"],
                rate=summary.get("eur_rate"),
            )
        )
    elif summary.get("originating_value_eur") is not None:
        out.append(_("  originating value: EUR {eur}").format(eur=summary["originating_value_eur"]))
    for severity in SEVERITY_ORDER:
        group = [f for f in report.findings if f.severity == severity]
        if not group or (severity == Severity.INFO and not include_info):
            continue
        out.append("")
        out.append(paint(f"{severity_label(severity)} ({len(group)})", severity, bold=True))
        shown: dict[str, int] = {}
        for finding in group:
            shown[finding.code] = shown.get(finding.code, 0) + 1
            if severity == Severity.INFO and not verbose and shown[finding.code] > INFO_PER_CODE:
                continue
            out.append(f"  {paint(finding.code, severity, bold=True)}  {finding.message}")
            out.append("      " + _("reference: {reference}").format(reference=finding.reference))
        for code, count in shown.items():
            if severity == Severity.INFO and not verbose and count > INFO_PER_CODE:
                out.append(
                    "  "
                    + _("… and {n} more {code} (--verbose lists them all)").format(n=count - INFO_PER_CODE, code=code)
                )
    out.append("")
    errors, warnings = summary["errors"], summary["warnings"]
    out.append(
        ngettext("{n} error", "{n} errors", errors).format(n=errors)
        + ", "
        + ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings)
        + ", "
        + ngettext("{n} information", "{n} information", summary["infos"]).format(n=summary["infos"])
    )
    return "\n".join(out)
