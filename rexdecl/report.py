"""A check's outcome as a value (findings + summary), and its JSON form; its text form is
:mod:`rexdecl.report_text`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from rexdecl.errors import ExitStatus
from rexdecl.findings import Finding, Severity
from rexdecl.input.parsing import round_half_up
from rexdecl.model import Item, Location
from rexdecl.paths import display_path
from rexdecl.rules.facts import ShipmentFacts

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
    """A plain decimal string (never an exponent: ``10000``, not ``1E+4``)."""
    return None if value is None else f"{value:f}"


def plain_amount(value: Decimal) -> str:
    """An amount as JSON and CSV carry it: a plain decimal rounded to cents, no grouping
    (``7414.00``, never ``7,414.00``), whatever the interface language."""
    return f"{round_half_up(value, 2):f}"


def _with_lines(facts: ShipmentFacts, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """The findings with the Items line each is about, known from its cell or row."""
    if all(f.line is not None for f in findings):
        return findings
    # The lines by the row they were read from, so that a finding's place is compared with
    # one line's row and cells only (not every cell of every line built and hashed).
    by_row: dict[tuple[str, str | None, int], list[Item]] = {}
    elsewhere: dict[Location, int] = {}  # lines without a row number (built in code)
    for line in facts.lines:
        item = line.item
        number = _row_number(item.row)
        if number is None:
            elsewhere[item.row] = item.line
            for where in item.cells.values():
                elsewhere[where] = item.line
        else:
            by_row.setdefault((item.row.file, item.row.sheet, number), []).append(item)

    def line_of(location: Location) -> int | None:
        number = _row_number(location)
        if number is not None:
            for item in reversed(by_row.get((location.file, location.sheet, number), ())):
                if location == item.row or location in item.cells.values():
                    return item.line
        return elsewhere.get(location)

    lines = [None if f.line is not None else line_of(f.location) for f in findings]
    return tuple(f if n is None else replace(f, line=n) for f, n in zip(findings, lines, strict=True))


_ROW_DIGITS = re.compile(r"[0-9]+")


def _row_number(location: Location) -> int | None:
    """The row of a cell ("C10" -> 10) or of a row ("row 10" -> 10); None for other places."""
    text = location.cell or location.part
    if not text or not location.sheet:
        return None
    digits = _ROW_DIGITS.search(text)
    return int(digits[0]) if digits else None


def build_report(facts: ShipmentFacts, findings: tuple[Finding, ...]) -> Report:
    """The findings of a shipment with the summary of its facts (``check --format json``)."""
    findings = _with_lines(facts, findings)
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
        "originating_value_eur": plain_amount(converted) if converted is not None else None,
        "lines": len(facts.lines),
        "originating_lines": len(facts.originating_lines),
        "as_of": facts.options.as_of.isoformat(),
        "errors": counts["error"],
        "warnings": counts["warning"],
        "infos": counts["info"],
    }
    summary["exit_code"] = int(ExitStatus.FINDINGS if counts["error"] else ExitStatus.OK)
    return Report(display_path(facts.input.path), findings, summary)
