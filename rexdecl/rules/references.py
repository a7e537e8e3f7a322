"""The legal reference a finding prints: written once, in the rule catalogue
(``data/rules.toml``), never again in a rule module; followed by the source and mark of the
data facts the finding relies on (a row of ``rex-countries.csv``, a scheme's validity).

The catalogue's references are written for the EU GSP (rules.md). A scheme whose data does
not say ``rule_catalogue = true`` (Norway's, the UK's, a user's scheme) cites the sources of
its own data instead, so a Norwegian finding never cites an EU article.
"""

from __future__ import annotations

from rexdecl import legal
from rexdecl.schemes import Scheme


def reference(code: str, scheme: Scheme | None = None, *facts: str, own: str = "") -> str:
    """The reference of a finding ``code``: the catalogue's (for a finding about a scheme,
    only when the scheme uses the catalogue; else ``own``, the scheme's own source of the
    fact), then the sources of the data rows in ``facts``; each part once. A scheme's finding
    with nothing else to cite cites the scheme's legal basis."""
    parts: list[str] = []
    if scheme is None or scheme.rule_catalogue:
        parts.append(legal.rule_catalogue()[code].reference)
    elif own:
        parts.append(own)
    parts += [fact for fact in facts if fact]
    if not parts and scheme is not None:
        parts.append(scheme.legal_reference)
    out: list[str] = []
    for part in parts:
        if part not in out:
            out.append(part)
    return "; ".join(out)
