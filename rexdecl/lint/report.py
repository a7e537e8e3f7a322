"""What ``rexdecl lint`` found: the statements, their deviations as findings, and the
report as text (what the command prints) or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rexdecl.errors import ExitStatus
from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, language_name, ngettext
from rexdecl.model import Location

OBSOLETE_SCHEME = "obsolete-invoice-declaration"
OTHER_SCHEME = "other-agreement"  # a statement of an agreement of data/other-statements.toml


@dataclass(frozen=True)
class LintedStatement:
    """One statement on origin found in the document, with what its blanks hold."""

    index: int
    scheme: str  # a scheme id of schemes.toml, or OBSOLETE_SCHEME
    language: str
    text: str
    location: Location
    exporter: str | None = None
    identifier: str | None = None  # REX number (or UK customs identification No) as printed
    country: str | None = None
    criterion: str | None = None
    findings: tuple[Finding, ...] = ()
    agreement: str | None = None  # OTHER_SCHEME: the agreement(s) whose text it is

    @property
    def exact(self) -> bool:
        return not any(f.severity == Severity.ERROR for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "scheme": self.scheme,
            "language": self.language,
            "text": self.text,
            "location": self.location.to_dict(),
            "exporter": self.exporter,
            "identifier": self.identifier,
            "country": self.country,
            "criterion": self.criterion,
            "agreement": self.agreement,
            "exact": self.exact,
        }


@dataclass(frozen=True)
class LintReport:
    """The statements found in one document and every deviation, as findings."""

    source: str
    statements: tuple[LintedStatement, ...]
    findings: tuple[Finding, ...]
    pages: int | None = None  # PDFs: number of pages

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.ERROR)

    @property
    def exit_code(self) -> ExitStatus:
        """0 when every statement is exact, 1 otherwise (including: no statement found)."""
        return ExitStatus.FINDINGS if self.errors else ExitStatus.OK

    def codes(self) -> list[str]:
        """Distinct finding codes, in order of first appearance."""
        return list(dict.fromkeys(f.code for f in self.findings))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "pages": self.pages,
            "statements": [s.to_dict() for s in self.statements],
            "findings": [f.to_dict() for f in self.findings],
            "errors": len(self.errors),
            "exit_code": self.exit_code,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def format_text(report: LintReport, colour: bool = False) -> str:
    """The report as the CLI prints it: statements found, then each finding and its reference."""

    def paint(text: str, code: str = "31") -> str:
        return f"\x1b[1;{code}m{text}\x1b[0m" if colour else text

    count = len(report.statements)
    out = [
        ngettext("{source}: {n} statement on origin found", "{source}: {n} statements on origin found", count).format(
            source=report.source, n=count
        )
    ]
    for statement in report.statements:
        errors = sum(1 for f in statement.findings if f.severity == Severity.ERROR)
        state = (
            paint(_("exact"), "32")
            if statement.exact
            else ngettext("{n} deviation", "{n} deviations", errors).format(n=errors)
        )
        out.append(
            "  "
            + _("{index}. {where}: {scheme}, {language} — {state}").format(
                index=statement.index,
                where=statement.location.part or "",
                scheme=_("another agreement ({agreements})").format(agreements=statement.agreement)
                if statement.agreement
                else statement.scheme,
                language=language_name(statement.language),
                state=state,
            )
        )
    if report.findings:
        out.append("")
        for finding in report.findings:
            out.append(f"  {paint(finding.code)}  {finding.message}")
            out.append("      " + _("reference: {reference}").format(reference=finding.reference))
    out.append("")
    errors = len(report.errors)
    out.append(ngettext("{n} error", "{n} errors", errors).format(n=errors))
    return "\n".join(out)
