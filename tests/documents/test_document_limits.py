"""The number of lines printed on documents is bounded before anything is rendered.

``check`` reads and checks up to 100,000 lines; ``generate``, ``batch`` and ``stamp`` print at
most ``limits.MAX_DOCUMENT_LINES`` (rendering takes memory in proportion to the lines). Each
refusal is exit 2 naming the file, the sheet, the number of lines and the limit; nothing is
written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import (
    AS_OF,
    BASE_ITEM,
    BASE_REGISTRATION,
    BASE_SHIPMENT,
    make_workbook,
    pdf_text,
    run_cli,
    write_registration,
)
from reportlab.pdfgen import canvas

from rexdecl import limits

DATE = AS_OF.isoformat()


def lines(count: int) -> list[dict[str, object]]:
    return [{**BASE_ITEM, "line": n, "amount": BASE_ITEM["amount"]} for n in range(1, count + 1)]


def workbook(folder: Path, count: int, name: str = "shipment.xlsx") -> Path:
    path = make_workbook(folder, items=lines(count), name=name)
    write_registration(folder / "registration.toml")
    return path


def too_many(path: Path, count: int, limit: int) -> str:
    return (
        f"{path}, sheet Items: the shipment has {count:,} lines; documents are printed for at most "
        f"{limit:,} lines (a bigger document takes minutes to render and more than lint reads); split the shipment into "
        "several invoices"
    )


@pytest.mark.slow
def test_generate_refuses_one_line_more_than_the_limit(tmp_path: Path) -> None:
    limit = limits.MAX_DOCUMENT_LINES
    path = workbook(tmp_path / "in", limit + 1)
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", DATE])
    assert result.exit_code == 2, result.output
    assert f"rexdecl: {too_many(path, limit + 1, limit)}" in result.output
    assert not out.exists() or list(out.iterdir()) == []
    # check reads and judges it all the same.
    assert run_cli(["check", path, "--as-of", DATE]).exit_code == 0


def test_generate_at_the_limit_and_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_LINES", 3)
    at_limit = workbook(tmp_path / "a", 3)
    result = run_cli(["generate", at_limit, "--out", tmp_path / "out-a", "--as-of", DATE])
    assert result.exit_code == 0, result.output
    over = workbook(tmp_path / "b", 4)
    result = run_cli(["generate", over, "--out", tmp_path / "out-b", "--as-of", DATE])
    assert result.exit_code == 2, result.output
    assert f"rexdecl: {too_many(over, 4, 3)}" in result.output
    assert not (tmp_path / "out-b").exists() or list((tmp_path / "out-b").iterdir()) == []


def test_batch_reports_the_shipment_as_unusable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_LINES", 3)
    folder = tmp_path / "in"
    big = workbook(folder, 4, "big.xlsx")
    workbook(folder, 2, "small.xlsx")
    out = tmp_path / "out"
    # Another invoice number for the small one, so that both can be written.
    make_workbook(folder, shipment={**BASE_SHIPMENT, "invoice_number": "INV-SMALL"}, items=lines(2), name="small.xlsx")
    result = run_cli(["batch", folder, "--out", out, "--jobs", "1", "--as-of", DATE])
    assert result.exit_code != 0, result.output
    rows = {row["source"]: row for row in csv.DictReader(io.StringIO((out / "summary.csv").read_text("utf-8")))}
    big_row = next(row for source, row in rows.items() if source.endswith("big.xlsx"))
    small_row = next(row for source, row in rows.items() if source.endswith("small.xlsx"))
    assert big_row["status"] == "unreadable"
    assert (
        f"unreadable {big}: sheet Items: the shipment has 4 lines; documents are printed for at most 3" in result.output
    )
    assert small_row["status"] == "ok"
    assert not list((out / "big").glob("*.pdf"))


def test_stamp_refuses_before_reading_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_LINES", 3)
    over = workbook(tmp_path / "in", 4)
    document = tmp_path / "invoice.pdf"
    pdf = canvas.Canvas(str(document), invariant=1)
    pdf.drawString(72, 770, f"COMMERCIAL INVOICE {BASE_SHIPMENT['invoice_number']}")
    pdf.save()
    out = tmp_path / "stamped.pdf"
    result = run_cli(["stamp", document, over, "--out", out, "--as-of", DATE])
    assert result.exit_code == 2, result.output
    assert f"rexdecl: {too_many(over, 4, 3)}" in result.output
    assert not out.exists()


@pytest.mark.parametrize("column", ["marks", "package_type", "unit"])
def test_a_long_text_in_a_narrow_column_is_refused(tmp_path: Path, column: str) -> None:
    limit = limits.MAX_PRINTED_NARROW
    items = lines(2)
    items[1] = {**items[1], column: "X" * (limit + 1)}
    path = make_workbook(tmp_path / "in", items=items)
    write_registration(tmp_path / "in" / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", DATE])
    assert result.exit_code == 2, result.output
    assert f"rexdecl: {path}, sheet Items, cell " in result.output
    assert (
        f"3: {column} is {limit + 1} characters long; the documents print at most {limit} characters in "
        f"its narrow column; expected at most {limit} characters"
    ) in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_the_narrow_columns_text_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_NARROW_EXCESS", 100)
    free = limits.NARROW_FREE
    # 60 characters beyond the first 40 of each cell in two lines: 120 > 100.
    items = [{**item, "marks": "M" * (free + 60)} for item in lines(2)]
    path = make_workbook(tmp_path / "in", items=items)
    write_registration(tmp_path / "in" / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", DATE])
    assert result.exit_code == 2, result.output
    assert (
        f"rexdecl: {path}, sheet Items: marks, package_type and unit hold 120 characters beyond the first "
        f"{free} of each cell; the documents print at most 100 such characters in their narrow columns "
        "(a long text there takes long to lay out); shorten them"
    ) in result.output
    assert not out.exists() or list(out.iterdir()) == []
    # One line less: within the bound, printed.
    path = make_workbook(tmp_path / "ok", items=items[:1])
    write_registration(tmp_path / "ok" / "registration.toml")
    assert run_cli(["generate", path, "--out", tmp_path / "out-ok", "--as-of", DATE]).exit_code == 0


def test_a_registration_address_longer_than_a_cell_is_refused(tmp_path: Path) -> None:
    address = "Jl. " + "X" * (limits.MAX_TEXT_LENGTH - 1)
    path = make_workbook(tmp_path / "in", shipment={k: v for k, v in BASE_SHIPMENT.items() if k != "exporter_name"})
    registration = write_registration(tmp_path / "in" / "registration.toml", {**BASE_REGISTRATION, "address": address})
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", DATE, "--registration", registration])
    assert result.exit_code == 2, result.output
    assert (
        f"  - {registration}, [[exporter]] #1, address: found a text of 2,003 characters; expected at most 2,000 characters"
        in result.output
    )
    assert not out.exists() or list(out.iterdir()) == []


def test_the_text_of_the_lines_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARACTERS", 100)
    items = [{**item, "description": "Teak chair " * 5} for item in lines(2)]  # 2 x 54 (trimmed) + 2 x "PCS"
    path = make_workbook(tmp_path / "in", items=items)
    write_registration(tmp_path / "in" / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", DATE])
    assert result.exit_code == 2, result.output
    assert (
        f"rexdecl: {path}, sheet Items: the lines hold 114 characters of text; documents are printed for "
        "at most 100 (a bigger document takes minutes to render and more than lint reads); split the shipment into several invoices"
    ) in result.output
    assert not out.exists() or list(out.iterdir()) == []


def test_long_words_are_printed_whole_with_break_opportunities(tmp_path: Path) -> None:
    # A 2,000-character word took seconds per cell: the renderer gives runs of more than 40
    # characters a zero-width space every 8, which prints nothing and is not in the text.
    from rexdecl.documents.cost import breakable
    from rexdecl.documents.pdf import Renderer
    from rexdecl.documents.viewmodel import build_views
    from rexdecl.pipeline import check_workbook
    from rexdecl.rules import CheckOptions

    assert breakable("x" * 40 + " " + "y" * 41) == "x" * 40 + " " + "\u200b".join(["y" * 8] * 5 + ["y"])
    word = "ABCDEFGHIJ" * 200
    path = make_workbook(tmp_path / "in", items=[{**BASE_ITEM, "description": word}])
    write_registration(tmp_path / "in" / "registration.toml")
    invoice, _packing = build_views(check_workbook(path, CheckOptions(as_of=AS_OF)).facts, with_statement=True)
    assert invoice.lines[0].description == word  # the view keeps the text as read
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(Renderer().pdf(invoice))
    text = pdf_text(pdf)  # skipped here, saying why, where poppler-utils is missing
    assert "\u200b" not in text
    assert word in "".join(
        line
        for line in text.splitlines()
        if line.startswith(("ABCDE", "CDEFG", "EFGHI", "GHIJA", "IJABC", "BCDEF", "DEFGH", "FGHIJ", "HIJAB", "JABCD"))
    )
