"""The rule catalogue as the user sees it (``rexdecl rules``, ``rexdecl explain``)."""

from __future__ import annotations

from rexdecl import legal
from rexdecl.i18n import _, current_language


def _meaning(info: legal.RuleInfo) -> str:
    if current_language() == "id" and info.meaning_id:
        return info.meaning_id
    return info.meaning


def catalogue_rows() -> list[dict[str, str]]:
    return [
        {"code": info.code, "severity": info.severity, "meaning": _meaning(info), "reference": info.reference}
        for info in legal.rule_catalogue().values()
    ]


def format_catalogue() -> str:
    rows = catalogue_rows()
    width = max(len(r["code"]) for r in rows)
    out = [_("{count} rules (codes are stable; `rexdecl explain CODE` tells more)").format(count=len(rows)), ""]
    for row in rows:
        out.append(f"{row['code']:<{width}}  {row['severity']:<15}  {row['meaning']}")
        out.append(f"{'':<{width}}  {'':<15}  " + _("reference: {reference}").format(reference=row["reference"]))
    return "\n".join(out)
