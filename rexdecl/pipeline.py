"""Read a shipment workbook and its registration, and run the rules: what ``check`` does and
what ``generate`` and ``batch`` do first."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rexdecl.input.registration import RegistrationData, resolve_registration
from rexdecl.input.workbook import read_shipment
from rexdecl.model import ShipmentInput
from rexdecl.report import Report, build_report
from rexdecl.rules import CheckOptions, Context, check_shipment


@dataclass(frozen=True)
class Checked:
    """A shipment read and judged: its input, the facts derived, and the report."""

    input: ShipmentInput
    registrations: RegistrationData
    context: Context
    report: Report


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
    context = check_shipment(shipment_input, registrations, options)
    return Checked(shipment_input, registrations, context, build_report(context))
