"""A shipment read and judged (:class:`Checked`): the value the check hands to every step
after it -- the documents, the register, batch and stamp."""

from __future__ import annotations

from dataclasses import dataclass

from rexdecl.findings import Finding
from rexdecl.model import ShipmentInput
from rexdecl.report import Report
from rexdecl.rules.facts import ShipmentFacts


@dataclass(frozen=True)
class Checked:
    """A shipment read and judged: its facts (resolved once), the findings, and the report."""

    facts: ShipmentFacts
    findings: tuple[Finding, ...]
    report: Report

    @property
    def input(self) -> ShipmentInput:
        """The shipment as read from the workbook."""
        return self.facts.input
