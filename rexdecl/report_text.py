"""The text form of a check's report (``rexdecl check``; the findings ``generate``, ``stamp``
and ``demo`` print): short enough to read at a glance, complete enough to act on.

- Errors first, then warnings, then information; in each, the entries in the order of the
  workbook: Shipment fields, Items rows, Materials rows (cell B10 after B9).
- Findings of one code that share a brief (:attr:`Finding.brief`: the same cause on many
  lines) are one entry naming every line and cell, compactly as ranges (``lines 1–5
  (Items!C2:C6)``), with what to do and where to read more; grouping, never truncation.
  Findings of one code without a brief (an error whose own figures matter) stay whole, under
  one heading.
- The legal reference is short (the evidence marks of rexdecl's data, ``[V2]``, left out)
  and printed once per entry; ``--verbose`` shows every finding with its full message and
  reference.
- Lines wrap at ``width`` columns (80): a clean shipment fits on one screen.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rexdecl.findings import Finding, Severity
from rexdecl.i18n import _, format_amount, format_number, language_name, ngettext
from rexdecl.model import Location
from rexdecl.report import SEVERITY_ORDER, Report
from rexdecl.rules.notation import cell_ref

__all__ = ["WIDTH", "describe_places", "format_text", "location_key", "severity_label", "short_reference"]

WIDTH = 80
_INDENT = "  "
_MORE = "      "  # continuation lines of an entry
_STYLES = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
_CELL = re.compile(r"^([A-Z]{1,3})([0-9]+)$")
_DIGITS = re.compile(r"[0-9]+")
# The evidence marks of rexdecl's data ([V], [V2 per row of …], [R], [I — to confirm]):
# for whoever maintains the data; --verbose and the JSON keep them.
_MARK = re.compile(r"\s*\[(?:V2?|R|I)(?:[\s—–-][^\]]*)?\]")


def severity_label(severity: Severity) -> str:
    return {Severity.ERROR: _("Errors"), Severity.WARNING: _("Warnings"), Severity.INFO: _("Information")}[severity]


# --- places -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _sheet_rank(sheet: str | None) -> int:
    """Shipment, Items, Materials, Exporter (or their Indonesian names), other sheets, then
    places outside the workbook (a registration file's entry)."""
    from rexdecl.input.fields import SHEETS

    if sheet is None:
        return len(SHEETS) + 1
    return next((rank for rank, spec in enumerate(SHEETS) if spec.matches(sheet)), len(SHEETS))


@functools.lru_cache(maxsize=1024)
def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _row_and_column(location: Location) -> tuple[int, int]:
    """The row and column of a cell (``C10`` → 10, 3); a row alone (``row 7``) → 7, 0; a
    sheet or a file → 0, 0."""
    if location.cell:
        match = _CELL.match(location.cell)
        if match:
            return int(match[2]), _column_number(match[1])
    if location.sheet and location.part:
        digits = _DIGITS.search(location.part)
        if digits:
            return int(digits[0]), 0
    return 0, 0


def location_key(location: Location) -> tuple[int, str, int, int, str]:
    """The order of places in the report: by sheet (Shipment, Items, Materials, …), then
    row, then column, in the natural order of numbers (B9 before B10)."""
    row, column = _row_and_column(location)
    return (_sheet_rank(location.sheet), (location.sheet or location.file).casefold(), row, column, location.part or "")


def _ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], number)
        else:
            spans.append((number, number))
    return spans


def _line_ranges(numbers: Iterable[int]) -> str:
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in _ranges(numbers))


def _cell_ranges(locations: Sequence[Location]) -> str:
    """``Items!C2:C6, H9; Materials!D3``: the cells by sheet and column, consecutive rows as a
    range (what Excel's Name Box selects); other places as the report writes them."""
    by_sheet: dict[str, dict[str, list[int]]] = {}
    rows_of: dict[str, list[int]] = {}  # places that are a row without a column
    others: list[str] = []
    for location in sorted(set(locations), key=location_key):
        match = _CELL.match(location.cell or "") if location.sheet else None
        row, _column = _row_and_column(location)
        if match and location.sheet:
            by_sheet.setdefault(location.sheet, {}).setdefault(match[1], []).append(int(match[2]))
        elif location.sheet and location.part and row:
            rows_of.setdefault(location.sheet, []).append(row)
        elif cell_ref(location) not in others:
            others.append(cell_ref(location))
    parts: list[str] = []
    for sheet, columns in by_sheet.items():
        areas = sorted(
            (a, _column_number(column), f"{column}{a}" if a == b else f"{column}{a}:{column}{b}")
            for column, numbers in columns.items()
            for a, b in _ranges(numbers)
        )
        parts.append(f"{sheet}!" + ", ".join(area for _row, _column, area in areas))
    for sheet, rows in rows_of.items():
        named = ngettext("row {rows}", "rows {rows}", len(set(rows))).format(rows=_line_ranges(rows))
        parts.append(f"{sheet}, {named}")
    return "; ".join(parts + others)


def describe_places(findings: Sequence[Finding]) -> str:
    """Where a group of findings is: ``lines 1–3, 5 (Items!C2:C4, C6)``, or its cells."""
    cells = _cell_ranges([f.location for f in findings])
    lines = [f.line for f in findings if f.line is not None]
    if len(lines) == len(findings):
        count = len(set(lines))
        named = ngettext("line {lines}", "lines {lines}", count).format(lines=_line_ranges(lines))
        return f"{named} ({cells})" if cells else named
    return cells


# --- references -------------------------------------------------------------------------


def short_reference(references: Sequence[str]) -> str:
    """The parts (``; ``-separated) every reference of a group shares, without evidence marks;
    empty when they share none or there is none (``—``)."""
    # Each distinct reference once: a group of 100,000 findings of one rule has a handful.
    split = [[_MARK.sub("", part).strip() for part in ref.split(";")] for ref in dict.fromkeys(references)]
    if not split:
        return ""
    common = [part for part in split[0] if part and part not in ("—", "-") and all(part in s for s in split[1:])]
    return "; ".join(dict.fromkeys(common))


# --- entries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One entry of the report: a finding, or findings of one code (with one brief)."""

    severity: Severity
    code: str
    findings: tuple[Finding, ...]
    brief: str | None  # the grouped form: where + brief, instead of each message

    @property
    def key(self) -> tuple[int, str, int, int, str]:
        return min(location_key(f.location) for f in self.findings)


def _entries(findings: Sequence[Finding], verbose: bool) -> list[_Entry]:
    if verbose:
        entries = [_Entry(f.severity, f.code, (f,), None) for f in findings]
    else:
        groups: dict[tuple[str, str | None], list[Finding]] = {}
        for finding in findings:
            groups.setdefault((finding.code, finding.brief), []).append(finding)
        entries = []
        for (code, brief), members in groups.items():
            # A finding alone is shown whole: its own figures and words are what to act on.
            grouped = brief is not None and len(members) > 1
            entries.append(_Entry(members[0].severity, code, tuple(members), brief if grouped else None))
    return sorted(entries, key=lambda entry: entry.key)


class _Writer:
    """Wrapped lines of text at a width, with the code of each entry in colour on a terminal."""

    def __init__(self, width: int, colour: bool) -> None:
        self.width = max(width, 40)
        self.colour = colour
        self.lines: list[str] = []

    def paint(self, text: str, severity: Severity, bold: bool = True) -> str:
        if not self.colour:
            return text
        return f"\x1b[{'1;' if bold else ''}{_STYLES[severity]}m{text}\x1b[0m"

    def add(self, text: str, first: str = "", rest: str = _MORE) -> list[str]:
        wrapper = textwrap.TextWrapper(
            width=self.width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        wrapped = wrapper.wrap(text) or [first.rstrip()]
        self.lines.extend(wrapped)
        return wrapped

    def entry(self, entry: _Entry, text: str) -> None:
        """``  CODE  text`` wrapped, the code painted after wrapping (colour codes take no
        columns)."""
        start = len(self.lines)
        self.add(text, first=f"{_INDENT}{entry.code}  ")
        if self.colour:
            head = self.lines[start]
            self.lines[start] = head.replace(entry.code, self.paint(entry.code, entry.severity), 1)


def _write_entry(out: _Writer, entry: _Entry, verbose: bool) -> None:
    members = entry.findings
    references = [f.reference for f in members]
    if verbose:
        out.entry(entry, members[0].message)
        out.add(_("reference: {reference}").format(reference=members[0].reference), first=_MORE)
        return
    if entry.brief is not None:
        out.entry(entry, _("{places}: {brief}").format(places=describe_places(members), brief=entry.brief))
        out.add(_("more: rexdecl explain {code}; --verbose for the full text").format(code=entry.code), _MORE)
    elif len(members) == 1:
        out.entry(entry, members[0].message)
    else:
        out.entry(entry, describe_places(members))
        for finding in sorted(members, key=lambda f: location_key(f.location)):
            out.add(finding.message, first=_MORE + "- ", rest=_MORE + "  ")
    reference = short_reference(references)
    if reference:
        out.add(_("reference: {reference}").format(reference=reference), first=_MORE)


def _header(report: Report, out: _Writer) -> None:
    summary = report.summary
    out.add(
        _("{source}: invoice {invoice}").format(source=report.source, invoice=summary.get("invoice_number") or "?"),
        rest=_INDENT,
    )
    language = summary.get("statement_language")
    out.add(
        _("scheme {scheme}, statement in {language}").format(
            scheme=summary.get("scheme"), language=language_name(language) if language else "?"
        ),
        first=_INDENT,
        rest=_INDENT + "  ",
    )
    eur = summary.get("originating_value_eur")
    if eur is None:
        return
    if summary.get("currency") != "EUR":
        text = _("originating value: {currency} {value} = EUR {eur} at {rate} {currency} per EUR (eur_rate)").format(
            currency=summary.get("currency"),
            value=format_amount(Decimal(summary["originating_value"])),
            eur=format_amount(Decimal(eur)),
            rate=format_number(Decimal(summary["eur_rate"])),
        )
    else:
        text = _("originating value: EUR {eur}").format(eur=format_amount(Decimal(eur)))
    out.add(text, first=_INDENT, rest=_INDENT + "  ")


def format_text(
    report: Report, colour: bool = False, verbose: bool = False, include_info: bool = True, width: int = WIDTH
) -> str:
    """The report as text: a header (invoice, scheme, statement language, originating value),
    the findings by severity and place, grouped by code and cause, and the counts.
    ``verbose`` lists every finding with its full message and reference; without
    ``include_info`` the information findings are only counted."""
    out = _Writer(width, colour)
    _header(report, out)
    for severity in SEVERITY_ORDER:
        findings = [f for f in report.findings if f.severity == severity]
        if not findings or (severity == Severity.INFO and not include_info):
            continue
        out.lines.append("")
        out.lines.append(out.paint(f"{severity_label(severity)} ({len(findings)})", severity))
        for entry in _entries(findings, verbose):
            _write_entry(out, entry, verbose)
    out.lines.append("")
    summary = report.summary
    errors, warnings = summary["errors"], summary["warnings"]
    out.add(
        ngettext("{n} error", "{n} errors", errors).format(n=errors)
        + ", "
        + ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings)
        + ", "
        + ngettext("{n} information", "{n} information", summary["infos"]).format(n=summary["infos"])
    )
    return "\n".join(out.lines)
