"""What a check finds: a finding (stable code, severity, plain message, place, legal basis)
and its severity. The rules of a shipment and lint of a document both report in these terms."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rexdecl.model import Location


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One result of a rule: stable code, severity, plain message, place, legal basis."""

    code: str
    severity: Severity
    message: str
    location: Location
    reference: str
    # The workbook field or column concerned, when one is (e.g. "origin_criterion").
    field: str | None = None
    # What the findings of this code share on every line they are reported for, without the
    # place and the line's own details ("the product-specific rule was not checked (no
    # Materials sheet) ..."): the text report shows findings of one code and brief as one
    # entry naming all their lines. None: the message is shown whole.
    brief: str | None = None
    # The Items line the finding is about, when it is about one (set by the report from the
    # finding's cell: rexdecl.report.build_report).
    line: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.to_dict(),
            "reference": self.reference,
            "field": self.field,
        }
