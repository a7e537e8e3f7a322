"""Shared fixtures: the suite's one workbook builder (openpyxl, in ``tmp_path``, from small
dicts or raw rows), a registration file writer, a good baseline shipment (Indonesia → Germany,
registered exporter), helpers to run the rules and the command line, and the one helper that
reads a PDF's text back (poppler's pdftotext).

The baseline is clean on the run date 2026-11-22: ``rexdecl check`` reports no error and no
warning on it, so each rule test changes one thing and sees one code.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

from rexdecl.findings import Finding, Severity
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

if TYPE_CHECKING:
    from openpyxl import Workbook

AS_OF = dt.date(2026, 11, 22)
REX = "IDREXTEST0000000001"

# The good baseline: an Indonesian registered exporter ships teak furniture to Hamburg.
BASE_SHIPMENT: dict[str, Any] = {
    "invoice_number": "INV-2026-001",
    "invoice_date": dt.date(2026, 11, 20),
    "exporter_rex": REX,
    "exporter_name": "PT Jati Contoh",
    "exporter_address": "Jl. Contoh No. 1, Jepara 59427",
    "exporter_country": "ID",
    "consignee_name": "Beispiel Moebel GmbH",
    "consignee_address": "Musterstrasse 12, 20095 Hamburg",
    "consignee_country": "DE",
    "currency": "EUR",
    "incoterm": "EXW",
    "expected_import_date": dt.date(2026, 12, 20),
    "eska_code": "ESKA-TEST-0001",
}

BASE_ITEM: dict[str, Any] = {
    "line": 1,
    "description": "Teak dining table",
    "hs_code": "9403.60",
    "quantity": 10,
    "unit": "PCS",
    "unit_price": 100,
    "amount": 1000,
    "origin_criterion": "W 9403",
}

BASE_REGISTRATION: dict[str, Any] = {
    "rex_number": REX,
    "name": "PT Jati Contoh",
    "address": "Jl. Contoh No. 1, Jepara 59427",
    "country": "ID",
    "registered_on": dt.date(2020, 3, 2),
    "activity": "producer",
}

# Column order of the Items and Materials sheets the helpers write (unknown keys go last).
ITEM_ORDER = (
    "line",
    "description",
    "hs_code",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "origin_country",
    "origin_criterion",
    "origin_note",
    "ex_works_value",
    "packages",
    "package_type",
    "marks",
    "net_kg",
    "gross_kg",
    "cbm",
)
MATERIAL_ORDER = ("line", "description", "hs_code", "origin", "value")


def _columns(rows: Sequence[Mapping[str, Any]], order: Sequence[str]) -> list[str]:
    keys: list[str] = [k for k in order if any(k in row for row in rows)]
    for row in rows:
        keys.extend(k for k in row if k not in keys)
    return keys


def write_rows(
    path: Path,
    sheets: Mapping[str, Iterable[Sequence[Any]]],
    edit: Callable[[Workbook], None] | None = None,
    write_only: bool = False,
) -> Path:
    """A workbook whose sheets hold exactly the given rows (``None`` = empty cell), in order.

    This is the builder's raw form (:func:`make_workbook` writes through it): a header row
    written by hand, blank rows, extra or oddly named sheets. ``edit`` gets the openpyxl
    workbook before it is saved, for what rows cannot say (merged, hidden, error or
    text-typed cells, formulas, inserted rows, renamed, reordered or hidden sheets).
    ``write_only`` writes in openpyxl's write-only mode, for sheets of many thousand rows
    (no ``edit`` then). openpyxl writes text as inline strings (``t="inlineStr"``), which the
    hostile fixtures of tests/input/test_hardening.py rewrite part by part.
    """
    from openpyxl import Workbook

    if write_only and edit is not None:
        raise ValueError("a write-only workbook cannot be edited")
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    if edit is not None:
        edit(workbook)
    workbook.save(path)
    return path


def field_value_rows(values: Mapping[str, Any], header: bool = True) -> list[list[Any]]:
    rows: list[list[Any]] = [["field", "value"]] if header else []
    rows.extend([key, value] for key, value in values.items())
    return rows


def table_rows(rows: Sequence[Mapping[str, Any]], order: Sequence[str]) -> list[list[Any]]:
    columns = _columns(rows, order)
    return [list(columns)] + [[row.get(c) for c in columns] for row in rows]


def make_workbook(
    tmp_path: Path,
    shipment: Mapping[str, Any] | None = None,
    items: Sequence[Mapping[str, Any]] | None = None,
    materials: Sequence[Mapping[str, Any]] | None = None,
    exporter: Mapping[str, Any] | None = None,
    name: str = "shipment.xlsx",
    *,
    item_columns: Sequence[str] | None = None,
    edit: Callable[[Workbook], None] | None = None,
) -> Path:
    """Write a shipment workbook: Shipment (field/value), Items, optional Materials and Exporter.

    ``shipment`` and ``items`` default to the baseline; a key whose value is ``None`` is
    written as a row/column with an empty cell. The Items columns are those the rows use, in
    ``ITEM_ORDER``, unless ``item_columns`` gives them (all written, even where every row
    lacks the key). ``edit`` changes the openpyxl workbook before it is saved (see
    :func:`write_rows`).
    """
    item_rows = [BASE_ITEM] if items is None else items
    sheets: dict[str, list[list[Any]]] = {
        "Shipment": field_value_rows(BASE_SHIPMENT if shipment is None else shipment),
        "Items": (
            table_rows(item_rows, ITEM_ORDER)
            if item_columns is None
            else [list(item_columns), *([row.get(c) for c in item_columns] for row in item_rows)]
        ),
    }
    if materials is not None:
        sheets["Materials"] = table_rows(materials, MATERIAL_ORDER) if materials else [list(MATERIAL_ORDER)]
    if exporter is not None:
        sheets["Exporter"] = field_value_rows(exporter)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_rows(path, sheets, edit)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | int):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def write_registration(path: Path, *entries: Mapping[str, Any]) -> Path:
    """A registration TOML file with one ``[[exporter]]`` table per entry (default: baseline)."""
    chunks = []
    for entry in entries or (BASE_REGISTRATION,):
        lines = ["[[exporter]]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in entry.items() if value is not None]
        chunks.append("\n".join(lines))
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")
    return path


def shipment_with(**changes: Any) -> dict[str, Any]:
    """The baseline shipment with fields changed; ``None`` writes the field with an empty value,
    ``DROP`` leaves the row out."""
    data = dict(BASE_SHIPMENT)
    for key, value in changes.items():
        if value is DROP:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def item_with(**changes: Any) -> dict[str, Any]:
    data = dict(BASE_ITEM)
    for key, value in changes.items():
        if value is DROP:
            data.pop(key, None)
        else:
            data[key] = value
    return data


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP: Any = _Drop()


@dataclass
class Checked:
    findings: list[Finding]
    summary: dict[str, Any]

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def of(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.code == code]

    def one(self, code: str) -> Finding:
        found = self.of(code)
        assert len(found) == 1, f"expected one {code}, got {[f.message for f in found]} in {self.codes()}"
        return found[0]

    def problems(self) -> list[Finding]:
        """Errors and warnings (what a clean shipment has none of)."""
        return [f for f in self.findings if f.severity != Severity.INFO]


def run_check(
    tmp_path: Path,
    shipment: Mapping[str, Any] | None = None,
    items: Sequence[Mapping[str, Any]] | None = None,
    materials: Sequence[Mapping[str, Any]] | None = None,
    exporter: Mapping[str, Any] | None = None,
    registration: Sequence[Mapping[str, Any]] | None | bool = True,
    as_of: dt.date = AS_OF,
    **options: Any,
) -> Checked:
    """Build a workbook and check it with the library (the rules' unit of test).

    ``registration=True`` writes the baseline registration.toml beside the workbook; a list
    writes those entries; ``False``/``None`` writes none.
    """
    path = make_workbook(tmp_path, shipment, items, materials, exporter)
    registration_file = None
    if registration is True:
        registration_file = write_registration(tmp_path / "registration.toml")
    elif registration:
        registration_file = write_registration(tmp_path / "registration.toml", *registration)
    checked = check_workbook(path, CheckOptions(as_of=as_of, **options), registration_file)
    return Checked(list(checked.report.findings), dict(checked.report.summary))


@pytest.fixture
def check(tmp_path: Path) -> Callable[..., Checked]:
    counter = iter(range(1_000_000))

    def run(**kwargs: Any) -> Checked:
        folder = tmp_path / f"case{next(counter)}"
        folder.mkdir()
        return run_check(folder, **kwargs)

    return run


def run_cli(args: Sequence[str], **kwargs: Any) -> Result:
    """Run the command line as ``rexdecl ARGS`` would (language set, command tree built)."""
    from rexdecl.cli import prepare

    args = [str(a) for a in args]
    return CliRunner().invoke(prepare(args), args, prog_name="rexdecl", catch_exceptions=False, **kwargs)


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


# -- the text of a PDF ------------------------------------------------------------------
#
# Read by poppler's pdftotext, a tool independent of the WeasyPrint and pypdf that write
# rexdecl's PDFs, whose -layout and -raw modes the assertions on columns and on wrapped table
# cells rely on. Where poppler-utils is missing, a test that needs it is skipped, saying why.

PDFTOTEXT = shutil.which("pdftotext")
NO_PDFTOTEXT = "poppler-utils (pdftotext) is not installed: the PDF's text cannot be read back"
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason=NO_PDFTOTEXT)


def pdf_text(pdf: Path | bytes, layout: bool = False, raw: bool = False, page: int | None = None) -> str:
    """The text of a PDF file (or of the PDF's bytes) as pdftotext extracts it, UTF-8: in
    reading order, or with ``layout`` the page's columns kept (pages end in a form feed), or
    with ``raw`` the content stream's order (a table cell wrapped over lines reads whole);
    ``page`` (from 1) that page only."""
    if PDFTOTEXT is None:
        pytest.skip(NO_PDFTOTEXT)
    mode = ["-layout"] if layout else (["-raw"] if raw else [])
    pages = ["-f", str(page), "-l", str(page)] if page else []
    source, data = ("-", pdf) if isinstance(pdf, bytes) else (str(pdf), None)
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", *mode, *pages, source, "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text as one line, white space (no-break spaces too) collapsed: the PDF wraps lines."""
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> Iterable[None]:
    """Messages in English whatever the machine's locale; restored afterwards."""
    from rexdecl.i18n import set_language

    monkeypatch.setenv("REXDECL_LANG", "en")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def baseline(tmp_path: Path) -> Path:
    """The baseline workbook with registration.toml beside it."""
    path = make_workbook(tmp_path)
    write_registration(tmp_path / "registration.toml")
    return path


# -- rule tables ------------------------------------------------------------------------
#
# Each rule has one parametrised table of cases: the changes to the baseline, and the
# findings of that rule's code expected as (severity, place). A place names the cell the
# finding must point at (and its message must name): S("field") the value cell of a
# Shipment field, I("column", n) the cell of the n-th Items row, M("column", n) of the
# Materials sheet, SHEET("Items") a sheet, ROW("Items", n) a row without that column.

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class S:
    field: str


@dataclass(frozen=True)
class I:  # noqa: E742 - short on purpose: tables read like the workbook
    column: str
    row: int = 0


@dataclass(frozen=True)
class M:
    column: str
    row: int = 0


@dataclass(frozen=True)
class SHEET:
    name: str


@dataclass(frozen=True)
class ROW:
    sheet: str
    row: int = 0


def case(id: str, expect: Sequence[tuple[Severity, Any]], **kwargs: Any) -> Any:
    """One row of a rule table: ``kwargs`` for :func:`build_case`, the findings expected."""
    return pytest.param(kwargs, list(expect), id=id)


def build_case(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of :func:`run_check` for a case: ``shipment`` is a dict of changes to the
    baseline (``DROP`` removes a field), ``items`` full rows (default: the baseline line)."""
    built = dict(kwargs)
    built["shipment"] = shipment_with(**kwargs.get("shipment", {}))
    built["items"] = list(kwargs.get("items") or [BASE_ITEM])
    return built


def _letter(columns: Sequence[str], column: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(list(columns).index(column) + 1)


def resolve_place(place: Any, built: Mapping[str, Any]) -> tuple[str, str | None, str]:
    """(sheet, cell, text the message must contain) for a place of a rule table."""
    if isinstance(place, S):
        fields = list(built["shipment"])
        if place.field not in fields:
            return ("Shipment", None, "Shipment")
        cell = f"B{fields.index(place.field) + 2}"
        return ("Shipment", cell, f"Shipment!{cell}")
    if isinstance(place, I):
        cell = f"{_letter(_columns(built['items'], ITEM_ORDER), place.column)}{place.row + 2}"
        return ("Items", cell, f"Items!{cell}")
    if isinstance(place, M):
        cell = f"{_letter(_columns(built['materials'], MATERIAL_ORDER), place.column)}{place.row + 2}"
        return ("Materials", cell, f"Materials!{cell}")
    if isinstance(place, SHEET):
        return (place.name, None, place.name)
    if isinstance(place, ROW):
        return (place.sheet, None, f"{place.sheet}, row {place.row + 2}")
    raise TypeError(place)


def assert_rule(
    check: Callable[..., Checked],
    code: str,
    kwargs: Mapping[str, Any],
    expect: Sequence[tuple[Severity, Any]],
) -> Checked:
    """Run a case and compare the findings of ``code`` with ``expect`` (order-free)."""
    built = build_case(kwargs)
    result = check(**built)
    found = result.of(code)
    got = sorted((f.severity.value, f.location.sheet or "", f.location.cell or "") for f in found)
    places = [(severity, resolve_place(place, built)) for severity, place in expect]
    want = sorted((severity.value, sheet, cell or "") for severity, (sheet, cell, _text) in places)
    assert got == want, f"{code}: {[f.message for f in found]}; all codes {result.codes()}"
    for finding in found:
        sheet, cell, text = next(
            p for s, p in places if (p[0], p[1] or "") == (finding.location.sheet or "", finding.location.cell or "")
        )
        assert text in finding.message, (text, finding.message)
        assert finding.reference, finding
    return result
