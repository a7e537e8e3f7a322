"""A big document is rendered in parts and joined (rexdecl.documents.chunks): it reads as one.

The parts are made small here (CHUNK_LINES lowered) so that a document of a hundred lines is
in three parts of several pages each; the real size (400 lines) only changes how many.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from conftest import AS_OF, flat, pdf_text, run_cli
from pypdf import PdfReader
from test_document_limits import workbook
from test_render import EU_TEXT, SHIPMENT_JSON, make_view

from rexdecl.documents import chunks
from rexdecl.documents.pdf import Renderer

LINES = 100


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_LINES", 40)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def footers(pdf: bytes) -> list[str]:
    return re.findall(r"Page \d+ of \d+", pdf_text(pdf))


def test_parts_of_a_view(small_parts: None) -> None:
    view = make_view(lines=LINES)
    parts = chunks.parts(view)
    assert [len(part.view.lines) for part in parts] == [40, 40, 20]
    assert [(part.first, part.last) for part in parts] == [(True, False), (False, False), (False, True)]
    assert [line for part in parts for line in part.view.lines] == list(view.lines)
    # Up to CHUNK_LINES lines: one part, the view itself (rendered as ever).
    assert chunks.parts(make_view(lines=40)) == [chunks.Part(make_view(lines=40), True, True)]


@pytest.mark.parametrize("kind", ["invoice", "packing-list"])
def test_a_document_in_parts_reads_as_one(small_parts: None, renderer: Renderer, kind: str) -> None:
    view = make_view(kind, lines=LINES)
    pdf = renderer.pdf(view, attachment_json=SHIPMENT_JSON)
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages > 3  # parts of several pages each
    # "Page k of n" across the whole document, one footer a page.
    assert footers(pdf) == [f"Page {k} of {pages}" for k in range(1, pages + 1)]
    # The footer's left part on every page, in the later parts too (they have no heading).
    title = "COMMERCIAL INVOICE" if kind == "invoice" else "PACKING LIST"
    for page in (1, pages // 2, pages):
        assert f"{title} • Invoice No. INV/2026/0042 • 20 November 2026" in flat(pdf_text(pdf, page=page))
    text = flat(pdf_text(pdf))
    # Every line once, in order; the heading and parties once, on page 1.
    positions = [text.index(f"L{n:03d}start") for n in range(1, LINES + 1)]
    assert positions == sorted(positions)
    assert all(text.count(f"L{n:03d}end") == 1 for n in range(1, LINES + 1))
    assert text.count("Stoffhaus Müller & Söhne GmbH") == 1
    assert "Stoffhaus" in pdf_text(pdf, page=1)
    # The closing once, on the last page: totals, the statement, the e-SKA code.
    last = flat(pdf_text(pdf, page=pages))
    assert text.count(flat(EU_TEXT)) == 1 and flat(EU_TEXT) in last
    assert ("4,620.00" if kind == "invoice" else "Total gross weight (kg) 99") in last
    assert text.count("ESKA0042XYZ") == 1
    # The table's heading repeated on every page of lines.
    for page in range(1, pages + 1):
        printed = pdf_text(pdf, page=page)
        assert ("Origin criterion" in printed) == bool(re.search(r"L\d{3}start", printed)), page
    # PDF/A parts of the file, once: metadata, output intent, the attachment, language.
    root = reader.trailer["/Root"]
    assert "/Metadata" in root and "/OutputIntents" in root and root["/Lang"] == "en"
    assert reader.attachments == {"shipment.json": [SHIPMENT_JSON]}
    assert len(root["/AF"]) == 1
    assert reader.metadata is not None and reader.metadata.title == f"{title} INV/2026/0042"
    # The bookmarks of a document of one part, the closing's under the title too.
    top, children = reader.outline
    assert top.title == title
    assert [item.title for item in children] == ["Exporter", "Consignee", "Notes", "Statement on origin"]
    assert reader.get_destination_page_number(children[-1]) + 1 == pages
    identifier = reader.trailer["/ID"]
    assert identifier[0] == identifier[1] and len(identifier[0]) == 16
    # The same view gives the same bytes.
    assert renderer.pdf(view, attachment_json=SHIPMENT_JSON) == pdf


def test_generate_in_parts_and_lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "CHUNK_LINES", 5)
    path = workbook(tmp_path / "in", 12)
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    documents = sorted(out.glob("*.pdf"))
    assert len(documents) == 2
    for document in documents:
        assert len(PdfReader(document).pages) >= 3  # three parts, each from a new page
        result = run_cli(["lint", document])
        assert result.exit_code == 0, result.output
        assert "0 errors" in result.output
