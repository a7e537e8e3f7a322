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
from conftest import AS_OF, BASE_ITEM, BASE_SHIPMENT, make_workbook, run_cli, write_registration
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
        f"{limit:,} lines (more would take over 400 MB of memory to render); split the shipment into "
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
