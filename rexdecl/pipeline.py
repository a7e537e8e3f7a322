"""Read a shipment workbook and its registration, and run the rules: what ``check`` does and
what ``generate`` and ``batch`` do first."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rexdecl.findings import Finding
from rexdecl.input.registration import RegistrationData, resolve_registration
from rexdecl.input.workbook import read_shipment
from rexdecl.model import ShipmentInput
from rexdecl.report import Report, build_report
from rexdecl.rules import CheckOptions, ShipmentFacts, check_shipment, resolve_shipment


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


def check_workbook(
    path: str | os.PathLike[str],
    options: CheckOptions,
    registration_file: str | os.PathLike[str] | None = None,
    registrations: RegistrationData | None = None,
) -> Checked:
    """Read ``path`` and check it. Raises UnreadableInput (exit 2) for unusable input.

    ``registrations`` lets a batch pass data it already read; otherwise the registration is
    resolved as the format says (--registration, Exporter sheet, registration.toml beside).
    """
    shipment_input = read_shipment(Path(path))
    if registrations is None or shipment_input.exporter_sheet:
        registrations = resolve_registration(shipment_input, Path(registration_file) if registration_file else None)
    facts = resolve_shipment(shipment_input, registrations, options)
    findings = check_shipment(facts)
    return Checked(facts, findings, build_report(facts, findings))
