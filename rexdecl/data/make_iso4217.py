"""Regenerates ``iso4217-minor-units.csv`` from the ISO 4217 list one (Table A.1) XML.

The list is published by the ISO 4217 maintenance agency (SIX) as ``list-one.xml``; the
PyPI package ``iso4217`` ships the same file unchanged as ``iso4217/table.xml`` (its
version ends with the list's publication date). Run, from the project folder::

    python -m rexdecl.data.make_iso4217 path/to/list-one.xml

It writes one row per currency code (a code used by several countries appears once),
sorted by code, with the minor units exactly as the list gives them (``N.A.`` included:
:func:`rexdecl.amounts.minor_digits` decides what that means) and the list's publication
date in every row's source. Then update the row of SOURCES.md and check ``git diff``.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from xml.etree import ElementTree  # the agency's published list; expat refuses entity expansion bombs

HERE = Path(__file__).parent
OUTPUT = HERE / "iso4217-minor-units.csv"
COLUMNS = ("code", "numeric", "minor_units", "currency", "mark", "source")


def rows_from_list_one(xml: bytes) -> tuple[str, list[dict[str, str]]]:
    """The publication date of a list one XML and its currencies, one row per code.

    Raises :class:`ValueError` when the file is not a list one or a code is listed twice
    with different numeric codes or minor units.
    """
    root = ElementTree.fromstring(xml)
    published = root.get("Pblshd", "")
    if root.tag != "ISO_4217" or not published or root.find("CcyTbl") is None:
        raise ValueError("not an ISO 4217 list one: expected <ISO_4217 Pblshd=...><CcyTbl>")
    source = f"ISO 4217 list one (Table A.1) published {published}"
    by_code: dict[str, dict[str, str]] = {}
    for entry in root.iterfind("CcyTbl/CcyNtry"):
        code = (entry.findtext("Ccy") or "").strip()
        if not code:  # a territory without a currency of its own (Antarctica)
            continue
        row = {
            "code": code,
            "numeric": (entry.findtext("CcyNbr") or "").strip(),
            "minor_units": (entry.findtext("CcyMnrUnts") or "").strip(),
            "currency": " ".join((entry.findtext("CcyNm") or "").split()),
            "mark": "V",
            "source": source,
        }
        known = by_code.setdefault(code, row)
        if (known["numeric"], known["minor_units"]) != (row["numeric"], row["minor_units"]):
            raise ValueError(f"{code} is listed twice with different numeric codes or minor units")
    return published, [by_code[code] for code in sorted(by_code)]


def to_csv(rows: list[dict[str, str]]) -> str:
    """The rows as the CSV file shipped in ``rexdecl/data`` (LF line ends)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m rexdecl.data.make_iso4217 LIST_ONE_XML\n")
        return 2
    published, rows = rows_from_list_one(Path(argv[0]).read_bytes())
    OUTPUT.write_text(to_csv(rows), encoding="utf-8")
    sys.stdout.write(f"{OUTPUT.name}: {len(rows)} currencies, list one published {published}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
