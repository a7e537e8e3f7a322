"""The line tables as exporters print them: HS codes in dotted form on one line, a quantity
column on the packing list, the same decimals on every line of a column (weights and volumes
at most three), and number columns wide enough that no number wraps inside its cell — the
description gives way, and very long numbers get smaller type."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, item_with, make_workbook, run_cli, shipment_with, write_registration

from rexdecl.documents import columns
from rexdecl.documents.assets import templates_dir
from rexdecl.documents.html import render_html
from rexdecl.documents.viewmodel import DocumentViews, build_views, hs_printed
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")


def views(tmp_path: Path, items: list[dict[str, Any]], **shipment: Any) -> DocumentViews:
    path = make_workbook(tmp_path, shipment_with(**shipment), items)
    checked = check_workbook(path, CheckOptions(as_of=AS_OF), write_registration(tmp_path / "registration.toml"))
    assert not checked.report.errors, [f.message for f in checked.report.errors]
    return build_views(checked.facts)


def generate(tmp_path: Path, items: list[dict[str, Any]], **shipment: Any) -> Path:
    path = make_workbook(tmp_path, shipment_with(**shipment), items)
    write_registration(tmp_path / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    return out


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def raw_text(pdf: Path) -> str:
    """The PDF's words in drawing order, as one line: a number wrapped inside its cell reads
    as two words ("1,500,000,00 0.00")."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


# -- HS codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        ("620520", "6205.20"),
        ("62052000", "6205.20.00"),
        ("6205200010", "6205.20.00.10"),
        ("6205.20.00.10", "6205.20.00.10"),
        ("6205 20 00 10", "6205.20.00.10"),
        ("6205.2000", "6205.20.00"),
    ],
)
def test_hs_code_in_dotted_form_as_given(given: str, printed: str) -> None:
    assert hs_printed(given) == printed


# -- decimals per column --------------------------------------------------------------------

PACKING = [
    item_with(line=1, quantity=120, unit="PCS", unit_price=10, amount=None, packages=4, net_kg=48, gross_kg="52.5",
              cbm="0.24"),
    item_with(line=2, quantity="12.5", unit="M", unit_price=10, amount=None, packages=1, net_kg="0.125",
              gross_kg="0.2", cbm="0.3"),
    item_with(line=3, quantity=3, unit="PCS", unit_price=10, amount=None, packages=2, net_kg="1.23456",
              gross_kg="1.5", cbm="1"),
]  # fmt: skip


def test_each_column_prints_the_same_decimals(tmp_path: Path) -> None:
    documents = views(tmp_path, PACKING)
    packing_list = documents.packing_list
    columns_printed = {
        name: [getattr(line, name) for line in packing_list.lines]
        for name in ("quantity", "packages", "net_kg", "gross_kg", "cbm")
    }
    assert columns_printed == {
        "quantity": ["120.0", "12.5", "3.0"],  # all a quantity's decimals: the amount depends on them
        "packages": ["4", "1", "2"],
        "net_kg": ["48.000", "0.125", "1.235"],  # at most three: the gram (1.23456 rounded half up)
        "gross_kg": ["52.5", "0.2", "1.5"],
        "cbm": ["0.24", "0.30", "1.00"],
    }
    # The totals in their column's decimals (summed exactly, then rounded).
    assert (
        packing_list.total_packages,
        packing_list.total_net_kg,
        packing_list.total_gross_kg,
        packing_list.total_cbm,
    ) == ("7", "49.360", "54.2", "1.54")
    # The invoice prints the same quantities; quantity × unit price is still the amount.
    for line in documents.invoice.lines:
        assert number(line.quantity) * number(line.unit_price) == number(line.amount)


def test_whole_numbers_stay_whole(tmp_path: Path) -> None:
    items = [item_with(line=n, quantity=10 * n, amount=None, net_kg=30, gross_kg=32, cbm=1) for n in (1, 2)]
    packing_list = views(tmp_path, items).packing_list
    assert [(line.quantity, line.net_kg, line.cbm) for line in packing_list.lines] == [
        ("10", "30", "1"),
        ("20", "30", "1"),
    ]
    assert (packing_list.total_net_kg, packing_list.total_cbm) == ("60", "2")


# -- the quantity column of the packing list -------------------------------------------------


def test_packing_list_has_quantity_and_unit(tmp_path: Path) -> None:
    packing_list = views(tmp_path, PACKING).packing_list
    html = render_html(packing_list)
    header = re.findall(r"<th(?: class=\"num\")?>([^<]*)</th>", html.split("<thead>")[1].split("</thead>")[0])
    assert header[3:6] == ["HS code", "Quantity", "Unit"]
    assert '<td class="hs">9403.60</td>\n<td class="num">120.0</td>\n<td>PCS</td>' in html


@needs_poppler
def test_packing_list_pdf_prints_the_quantities(tmp_path: Path) -> None:
    out = generate(tmp_path, PACKING)
    text = raw_text(out / "INV-2026-001_packing-list.pdf")
    assert "9403.60 120.0 PCS 4" in text
    assert "9403.60 12.5 M 1" in text


# -- the widths of the number columns ----------------------------------------------------------


def test_advance_widths_are_the_bundled_fonts() -> None:
    from fontTools.ttLib import TTFont

    font = TTFont(templates_dir() / "fonts" / "LiberationSans-Regular.ttf")
    cmap, metrics, units = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    for char, advance in columns.ADVANCES.items():
        assert metrics[cmap[ord(char)]][0] / units == pytest.approx(advance), char
    widest = max(metrics[cmap[code]][0] for code in range(ord("A"), ord("z") + 1) if code in cmap)
    assert widest / units <= columns.OTHER_ADVANCE


def width(text: str) -> float:
    return float(text.removesuffix("mm"))


def test_usual_numbers_keep_the_usual_columns() -> None:
    layout = columns.line_columns(
        "invoice", {"hs_code": ["9403.60"], "quantity": ["120"], "unit_price": ["18.50"], "amount": ["2,220.00"]}
    )
    assert layout.size == ""
    assert (width(layout.hs_code), width(layout.amount)) == (columns.MINIMUM["hs_code"], columns.MINIMUM["amount"])


@pytest.mark.parametrize(
    ("price", "amount", "size"),
    [
        ("12,500,000.00", "1,500,000,000.00", ""),  # IDR: wider columns, normal type
        ("999,999,999,999.99", "999,999,999,999.99", ""),
        ("99,999,999,999.99", "999,999,999,999,999.99", "small"),
        # The largest a cell may hold (limits.MAX_NUMBER), twice on the line.
        ("999,999,999,999,999.99", "999,999,999,999,999.99", "smaller"),
    ],
)
def test_long_numbers_widen_their_column(price: str, amount: str, size: str) -> None:
    values = {"hs_code": ["6205.20.00.10"], "quantity": ["1,250.5"], "unit_price": [price], "amount": [amount]}
    layout = columns.line_columns("invoice", values)
    assert layout.size == size
    points = dict(columns.SIZES)[size]
    for name, texts in values.items():
        needed = max(columns.text_width(t, points) for t in texts) + columns.CELL_PADDING
        assert width(getattr(layout, name)) >= needed, name
    taken = sum(width(getattr(layout, name)) for name in columns.COLUMNS["invoice"])
    assert columns.TABLE_WIDTH - taken >= columns.DESCRIPTION_MINIMUM["invoice"]


def test_a_hostile_number_does_not_take_the_page() -> None:
    layout = columns.line_columns("packing-list", {"net_kg": ["1." + "0" * 1000]})
    assert width(layout.net_kg) == columns.MAX_WIDTH


IDR_ITEMS = [
    item_with(line=1, description="Teak dining table, solid plantation teak, 200 x 100 cm", hs_code="9403.60.00.10",
              quantity=120, unit_price="12500000", amount=None),
    item_with(line=2, description="Teak bench", hs_code="9403600090", quantity="1250.5", unit="M",
              unit_price="305687.5", amount=None),
    item_with(line=3, description="Teak cabinet", hs_code="940360", quantity=3, unit_price="999999999", amount=None),
]  # fmt: skip


@needs_poppler
def test_idr_invoice_numbers_and_hs_codes_never_wrap(tmp_path: Path) -> None:
    out = generate(tmp_path, IDR_ITEMS, currency="IDR", eur_rate=17500)
    text = raw_text(out / "INV-2026-001_invoice.pdf")
    assert "9403.60.00.10 120.0 PCS 12,500,000.00 1,500,000,000.00 W 9403" in text
    assert "9403.60.00.90 1,250.5 M 305,687.50 382,262,218.75 W 9403" in text
    assert "9403.60 3.0 PCS 999,999,999.00 2,999,999,997.00 W 9403" in text
    assert "Total IDR 4,882,262,215.75" in text
    packing = raw_text(out / "INV-2026-001_packing-list.pdf")
    assert "9403.60.00.10 120.0 PCS" in packing


@needs_poppler
def test_the_largest_amounts_get_smaller_type_not_a_wrap(tmp_path: Path) -> None:
    items = [item_with(quantity=1, unit_price="999999999999999.99", amount=None, hs_code="9403.60.00.10")]
    documents = views(tmp_path / "views", items, currency="IDR", eur_rate=17500)
    assert documents.invoice.columns.size == "smaller"
    assert '<table class="lines smaller">' in render_html(documents.invoice)
    out = generate(tmp_path, items, currency="IDR", eur_rate=17500)
    text = raw_text(out / "INV-2026-001_invoice.pdf")
    assert "9403.60.00.10 1 PCS 999,999,999,999,999.99 999,999,999,999,999.99 W 9403" in text
    assert "Total IDR 999,999,999,999,999.99" in text


@needs_poppler
def test_line_numbers_of_a_hundred_and_more_never_wrap(tmp_path: Path) -> None:
    """The No. column is as narrow as "No." until the numbers need more: line 118 is printed
    118, not 11 over 8 (seen on a 1,000-line consolidator's invoice)."""
    items = [item_with(line=n, amount=None) for n in range(1, 121)]
    documents = views(tmp_path / "views", items)
    assert float(documents.invoice.columns.number.removesuffix("mm")) > 6.0
    assert documents.packing_list.columns.number == documents.invoice.columns.number
    out = generate(tmp_path, items)
    for name in ("INV-2026-001_invoice.pdf", "INV-2026-001_packing-list.pdf"):
        text = raw_text(out / name)
        for n in (99, 100, 118, 120):
            assert f" {n} Teak dining table 9403.60 10 PCS" in text, (name, n)


def test_line_numbers_below_a_hundred_keep_the_narrow_column(tmp_path: Path) -> None:
    items = [item_with(line=n, amount=None) for n in range(1, 100)]
    assert views(tmp_path, items).invoice.columns.number == "6.0mm"
