"""The rule catalogue as the user sees it (``rexdecl rules``, ``rexdecl explain``).

The texts come from ``data/rules.toml`` (English and Indonesian fields side by side); the
labels around them are messages translated through gettext.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from dataclasses import dataclass

from rexdecl import legal
from rexdecl.errors import UsageError
from rexdecl.i18n import N_, _, current_language

# Severities as words for people; JSON output keeps the codes (error, warning, info).
SEVERITY_LABELS = {
    "error": N_("error"),
    "warning": N_("warning"),
    "info": N_("information"),
    "error / warning": N_("error or warning"),
}
TEXT_WIDTH = 88


class UnknownRuleCode(UsageError):
    """``rexdecl explain`` was given a code that is not in the catalogue (exit status 2)."""

    def __init__(self, code: str, suggestions: list[str]) -> None:
        self.code = code
        self.suggestions = suggestions
        if suggestions:
            message = _("unknown rule code '{code}'; close matches: {matches}").format(
                code=code, matches=", ".join(suggestions)
            )
        else:
            message = _("unknown rule code '{code}'").format(code=code)
        super().__init__(message, _("`rexdecl explain` without a code lists every rule code"))


@dataclass(frozen=True)
class Explanation:
    """One rule explained in the interface language."""

    code: str
    severity: str  # the code: error, warning, info, "error / warning"
    severity_label: str
    meaning: str
    why: str
    reference: str
    example: str
    fix: str


def severity_label(severity: str) -> str:
    """``error`` → ``error`` (en) / ``kesalahan`` (id); unknown values are shown as they are."""
    label = SEVERITY_LABELS.get(severity)
    return _(label) if label else severity


def _localised(english: str, indonesian: str) -> str:
    if current_language() == "id" and indonesian:
        return indonesian
    return english


def _meaning(info: legal.RuleInfo) -> str:
    return _localised(info.meaning, info.meaning_id)


def normalise_code(code: str) -> str:
    """``rex_format``, `` Rex Format `` → ``REX-FORMAT``."""
    return re.sub(r"[\s_]+", "-", code.strip()).upper()


def close_matches(code: str, limit: int = 5) -> list[str]:
    """Catalogue codes close to ``code``: those containing it first, then difflib's."""
    wanted = normalise_code(code)
    codes = list(legal.rule_catalogue())
    found = [c for c in codes if wanted and wanted in c] if len(wanted) >= 3 else []
    for candidate in difflib.get_close_matches(wanted, codes, n=limit, cutoff=0.6):
        if candidate not in found:
            found.append(candidate)
    return found[:limit]


def explain(code: str) -> Explanation:
    """The explanation of rule ``code`` (case-insensitive); raises UnknownRuleCode."""
    info = legal.rule_catalogue().get(normalise_code(code))
    if info is None:
        raise UnknownRuleCode(code.strip(), close_matches(code))
    return Explanation(
        code=info.code,
        severity=info.severity,
        severity_label=severity_label(info.severity),
        meaning=_meaning(info),
        why=_localised(info.why, info.why_id),
        reference=info.reference,
        example=info.example,
        fix=_localised(info.fix, info.fix_id),
    )


def _paragraph(label: str, text: str, wrap: bool = True) -> list[str]:
    text = text or "—"
    if not wrap:
        return ["", label, "  " + text]
    return [
        "",
        label,
        textwrap.fill(
            text,
            TEXT_WIDTH,
            initial_indent="  ",
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        ),
    ]


def format_explanation(explanation: Explanation) -> str:
    """``rexdecl explain CODE`` as text."""
    out = [f"{explanation.code} ({explanation.severity_label})"]
    out += _paragraph(_("What it means:"), explanation.meaning)
    out += _paragraph(_("Why it matters:"), explanation.why)
    out += _paragraph(_("Legal reference:"), explanation.reference, wrap=False)
    # The example is a cell and its value: wrapping could split a value at a space.
    out += _paragraph(_("Example of a failing cell:"), explanation.example, wrap=False)
    out += _paragraph(_("How to fix it:"), explanation.fix)
    return "\n".join(out)


def format_code_list() -> str:
    """``rexdecl explain`` without a code: every code with its meaning."""
    rows = catalogue_rows()
    width = max(len(r["code"]) for r in rows)
    out = [
        _("{count} rule codes; `rexdecl explain CODE` explains one of them").format(count=len(rows)),
        "",
    ]
    out += [f"{row['code']:<{width}}  {row['meaning']}" for row in rows]
    return "\n".join(out)


def catalogue_rows() -> list[dict[str, str]]:
    return [
        {
            "code": info.code,
            "severity": info.severity,
            "meaning": _meaning(info),
            "reference": info.reference,
        }
        for info in legal.rule_catalogue().values()
    ]


def format_catalogue() -> str:
    rows = catalogue_rows()
    width = max(len(r["code"]) for r in rows)
    labels = {row["code"]: severity_label(row["severity"]) for row in rows}
    severity_width = max(len(label) for label in labels.values())
    out = [
        _("{count} rules (codes are stable; `rexdecl explain CODE` tells more)").format(count=len(rows)),
        "",
    ]
    for row in rows:
        out.append(f"{row['code']:<{width}}  {labels[row['code']]:<{severity_width}}  {row['meaning']}")
        out.append(
            f"{'':<{width}}  {'':<{severity_width}}  " + _("reference: {reference}").format(reference=row["reference"])
        )
    return "\n".join(out)
