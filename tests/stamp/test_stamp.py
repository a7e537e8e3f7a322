"""``rexdecl stamp``: the statement on origin added to an exporter's own invoice PDF.

The exporter's PDFs are made here with reportlab -- another generator than rexdecl's, laid
out like an invoice from Excel or accounting software (letterhead, grid, totals, bank
details, signature, its own line numbering). The results are read back with poppler
(pdftotext, pdftoppm), independent of the pypdf and WeasyPrint that wrote them, and with
``rexdecl lint``.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import (
    AS_OF,
    BASE_ITEM,
    REX,
    flat,
    item_with,
    make_workbook,
    pdf_text,
    shipment_with,
    write_registration,
)
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions
from rexdecl.stamp import StampRefused, check_invoice_number, stamp_pdf

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) not installed")

NUMBER = "INV-2026-001"
DATE = "20 November 2026"
EXPORTER = "PT Jati Contoh"
TEXT_EN = (
    f"The exporter {EXPORTER} (Number of Registered Exporter {REX}) of the products covered by "
    "this document declares that, except where otherwise clearly indicated, these products are of "
    "Indonesia preferential origin according to rules of origin of the Generalised System of "
    "Preferences of the European Union and that the origin criterion met is W 9403."
)
PRODUCTS = [
    ("Teak dining table, solid plantation teak, 200 x 100 cm", "9403.60", 10, 100, "W 9403"),
    ("Teak dining chair, upholstered seat", "9401.61", 40, 25, "W 9401"),
    ("Brass fittings, imported (spare parts)", "8302.42", 50, 2, "no"),
]


# -- the exporter's own PDFs (reportlab) -------------------------------------------------


def exporter_pdf(
    path: Path,
    *,
    number: str | None = NUMBER,
    label: str = "Invoice No.",
    rows: int = 3,
    terms: int = 0,
    footer: bool = True,
    background: bool = False,
    pagesize: tuple[float, float] = A4,
    encrypt: str | None = None,
) -> Path:
    """An invoice as an accounting package prints it: letterhead, its own line numbers
    (10, 20, 30...), a grid, totals, bank details, a signature box, "Page n of N" and, with
    ``terms``, that many lines of terms and conditions below (to fill the page)."""
    pages = _draw_invoice(io.BytesIO(), number, label, rows, terms, footer, background, pagesize, None, 0)
    with path.open("wb") as stream:
        _draw_invoice(stream, number, label, rows, terms, footer, background, pagesize, encrypt, pages)
    return path


def _draw_invoice(
    stream: Any,
    number: str | None,
    label: str,
    rows: int,
    terms: int,
    footer: bool,
    background: bool,
    pagesize: tuple[float, float],
    encrypt: str | None,
    pages: int,
) -> int:
    width, height = pagesize
    pdf = canvas.Canvas(stream, pagesize=pagesize, invariant=1, encrypt=encrypt)
    pdf.setTitle(f"Invoice {number}")
    page = 1

    def letterhead() -> float:
        if background:  # Excel's export paints the sheet white first
            pdf.setFillGray(1)
            pdf.rect(0, 0, width, height, stroke=0, fill=1)
            pdf.setFillGray(0)
        pdf.setFont("Helvetica-Bold", 15)
        pdf.drawString(18 * mm, height - 20 * mm, EXPORTER.upper())
        pdf.setFont("Helvetica", 8)
        pdf.drawString(18 * mm, height - 25 * mm, "Jl. Contoh No. 1, Jepara 59427, Central Java, Indonesia")
        pdf.drawString(18 * mm, height - 29 * mm, "Tel. +62 291 000000  -  NPWP 0012345678901000")
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawRightString(width - 18 * mm, height - 20 * mm, "COMMERCIAL INVOICE")
        pdf.setFont("Helvetica", 8.5)
        if number is not None:
            pdf.drawRightString(width - 18 * mm, height - 26 * mm, f"{label} : {number}")
        pdf.drawRightString(width - 18 * mm, height - 30.5 * mm, f"Date : {DATE}")
        pdf.setLineWidth(1)
        pdf.line(18 * mm, height - 34 * mm, width - 18 * mm, height - 34 * mm)
        return height - 40 * mm

    def page_footer() -> None:
        if footer:
            pdf.setFont("Helvetica", 7)
            pdf.drawCentredString(width / 2, 10 * mm, f"Page {page} of {pages}")

    def table_head(y: float) -> float:
        pdf.setFillGray(0.85)
        pdf.rect(18 * mm, y - 1.8 * mm, width - 36 * mm, 6 * mm, stroke=0, fill=1)
        pdf.setFillGray(0)
        pdf.setFont("Helvetica-Bold", 8)
        for x, text in (
            (20, "No."),
            (32, "Description"),
            (125, "Qty"),
            (145, "Unit price"),
            (170, "Amount"),
        ):
            pdf.drawString(x * mm, y, text)
        return y - 7 * mm

    y = letterhead()
    pdf.setFont("Helvetica-Bold", 8)
    pdf.drawString(18 * mm, y, "Bill to:")
    pdf.setFont("Helvetica", 8)
    for offset, text in enumerate(("Beispiel Moebel GmbH", "Musterstrasse 12, 20095 Hamburg", "Germany")):
        pdf.drawString(35 * mm, y - offset * 4 * mm, text)
    y = table_head(y - 16 * mm)
    for row in range(rows):
        if y < 30 * mm:
            page_footer()
            pdf.showPage()
            page += 1
            y = table_head(letterhead())
        description, _hs, quantity, price, _criterion = PRODUCTS[row % len(PRODUCTS)]
        pdf.setFont("Helvetica", 8)
        pdf.drawString(20 * mm, y, str((row + 1) * 10))
        pdf.drawString(32 * mm, y, description)
        pdf.drawRightString(135 * mm, y, str(quantity))
        pdf.drawRightString(160 * mm, y, f"{price:.2f}")
        pdf.drawRightString(width - 20 * mm, y, f"{quantity * price:,.2f}")
        pdf.setLineWidth(0.3)
        pdf.line(18 * mm, y - 2 * mm, width - 18 * mm, y - 2 * mm)
        y -= 6.5 * mm
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawRightString(width - 20 * mm, y - 4 * mm, "TOTAL EUR 2,100.00")
    pdf.setFont("Helvetica", 8)
    pdf.drawString(
        18 * mm,
        y - 12 * mm,
        "Bank: Bank Contoh, Jepara branch, account 000-000-0000, SWIFT CNTOIDJA",
    )
    pdf.drawString(width - 70 * mm, y - 12 * mm, f"For {EXPORTER}")
    pdf.line(width - 70 * mm, y - 30 * mm, width - 18 * mm, y - 30 * mm)
    pdf.drawString(width - 70 * mm, y - 34 * mm, "Authorised signature")
    y -= 42 * mm
    pdf.setFont("Helvetica", 7)
    for line in range(terms):
        if y < 18 * mm:
            break
        pdf.drawString(
            18 * mm,
            y,
            f"{line + 1}. Terms and conditions of sale apply; goods remain our property until paid in full.",
        )
        y -= 3.5 * mm
    page_footer()
    pdf.save()
    return page


def scanned_pdf(path: Path) -> Path:
    """A scanned invoice: one page image, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(image)
    draw.text((60, 60), f"{EXPORTER.upper()}   COMMERCIAL INVOICE   {NUMBER}", fill=0)
    for row in range(8):
        draw.rectangle((60, 200 + row * 40, 760, 236 + row * 40), outline=0)
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    pdf.save()
    return path


# -- helpers -----------------------------------------------------------------------------


def shipment(tmp_path: Path, items: Sequence[dict[str, Any]] | None = None, **changes: Any) -> Path:
    """The baseline workbook (conftest) with registration.toml beside it."""
    path = make_workbook(tmp_path, shipment_with(**changes), items)
    write_registration(tmp_path / "registration.toml")
    return path


def mixed_items() -> list[dict[str, Any]]:
    return [
        item_with(
            line=n,
            description=d,
            hs_code=hs,
            quantity=q,
            unit_price=p,
            amount=q * p,
            origin_criterion=c,
        )
        for n, (d, hs, q, p, c) in enumerate(PRODUCTS, start=1)
    ]


def stamp(cli: Callable[..., Result], document: Path, workbook: Path, *args: Any) -> Result:
    return cli(["stamp", document, workbook, "--as-of", AS_OF.isoformat(), *args])


def pixels(pdf: Path, page: int, tmp_path: Path) -> Any:
    """Page ``page`` rendered by poppler in grey at 40 dpi, as a PIL image."""
    from PIL import Image

    prefix = tmp_path / f"{pdf.stem}-{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            "40",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    path = prefix.with_suffix(".pgm")
    image = Image.open(path)
    image.load()
    return image


def content(page: Any) -> list[bytes]:
    """The decoded data of each content stream of a page."""
    contents = page.get("/Contents")
    if contents is None:
        return []
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return [stream.get_object().get_data() for stream in streams]


def assert_original_kept(original: Path, stamped: Path, tmp_path: Path) -> None:
    """Every page's original content streams are in the stamped file unchanged, its text is all
    there, and nothing painted on the original page changed in the stamped one."""
    before, after = PdfReader(original), PdfReader(stamped)
    for number, (page, new) in enumerate(zip(before.pages, after.pages, strict=False), start=1):
        old_streams, new_streams = content(page), content(new)
        if number < len(before.pages) or new_streams == old_streams:
            assert new_streams == old_streams, f"page {number} content changed"
        else:  # the last page: q, the original streams, Q and the block
            assert new_streams[0].strip() == b"q"
            assert new_streams[1:-1] == old_streams
            assert new_streams[-1].lstrip().startswith(b"Q")
        # (pdftotext -layout spaces columns by the page's widest line: compare words in order)
        stamped_text = flat(pdf_text(stamped, layout=True, page=number))
        for line in pdf_text(original, layout=True, page=number).splitlines():
            assert flat(line) in stamped_text, f"page {number}: {line.strip()!r} lost"
        old_image, new_image = pixels(original, number, tmp_path), pixels(stamped, number, tmp_path)
        assert old_image.size == new_image.size
        old_data, new_data = old_image.tobytes(), new_image.tobytes()
        covered = sum(1 for o, n in zip(old_data, new_data, strict=True) if o < 250 and o != n)
        assert covered == 0, f"page {number}: {covered} pixels of the original content changed"


@pytest.fixture
def lint() -> Callable[[Path], Any]:
    """``rexdecl lint`` on a file (skipped while the lint module does not exist)."""
    try:
        from rexdecl.lint import lint_file
    except ModuleNotFoundError:
        pytest.skip("rexdecl.lint is not written yet: the stamped PDF cannot be linted")
    return lint_file


def assert_lints_clean(lint: Callable[[Path], Any], path: Path, scheme: str = "eu-gsp") -> None:
    report = lint(path)
    assert report.exit_code == 0, [f.message for f in report.findings]
    assert [s.scheme for s in report.statements] == [scheme]


# -- the statement on the last page --------------------------------------------------------


@pytest.mark.parametrize("background", [False, True], ids=["plain", "white-background"])
def test_statement_in_the_free_space_of_the_last_page(
    tmp_path: Path, cli: Callable[..., Result], lint: Callable[[Path], Any], background: bool
) -> None:
    document = exporter_pdf(tmp_path / "invoice 001.pdf", background=background)
    result = stamp(cli, document, shipment(tmp_path))
    assert result.exit_code == 0, result.output
    out = tmp_path / "invoice 001_stamped.pdf"
    assert (
        f"wrote {out}: statement on origin in the free space at the bottom of page 1 "
        "(the last page); 1 page(s)" in result.output
    )
    assert len(PdfReader(out).pages) == 1
    text = pdf_text(out, layout=True, page=1)
    assert TEXT_EN in flat(text)
    assert "e-SKA authentic code: ESKA-TEST-0001" in flat(text)
    # Below the original content, above its footer.
    assert text.index("Authorised signature") < text.index("STATEMENT ON ORIGIN") < text.index("Page 1 of 1")
    assert "Item Description of goods" not in flat(text)  # one criterion: no table
    assert_original_kept(document, out, tmp_path)
    assert_lints_clean(lint, out)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "fr",
            "L'exportateur PT Jati Contoh (Numéro d'exportateur enregistré IDREXTEST0000000001)",
        ),
        (
            "es",
            "El exportador PT Jati Contoh (Número de exportador registrado IDREXTEST0000000001)",
        ),
    ],
)
def test_statement_languages_pass_lint(
    tmp_path: Path,
    cli: Callable[..., Result],
    lint: Callable[[Path], Any],
    language: str,
    words: str,
) -> None:
    document = exporter_pdf(tmp_path / "invoice.pdf")
    result = stamp(cli, document, shipment(tmp_path), "--statement-language", language)
    assert result.exit_code == 0, result.output
    out = tmp_path / "invoice_stamped.pdf"
    assert words in flat(pdf_text(out, layout=True))
    assert_lints_clean(lint, out)


def test_multi_page_invoice_statement_on_the_last_page(
    tmp_path: Path, cli: Callable[..., Result], lint: Callable[[Path], Any]
) -> None:
    document = exporter_pdf(tmp_path / "long.pdf", rows=45)
    pages = len(PdfReader(document).pages)
    assert pages == 2
    result = stamp(cli, document, shipment(tmp_path))
    assert result.exit_code == 0, result.output
    out = tmp_path / "long_stamped.pdf"
    assert "bottom of page 2 (the last page); 2 page(s)" in result.output
    assert len(PdfReader(out).pages) == pages
    assert "STATEMENT ON ORIGIN" not in pdf_text(out, layout=True, page=1)
    assert TEXT_EN in flat(pdf_text(out, layout=True, page=2))
    assert_original_kept(document, out, tmp_path)
    assert_lints_clean(lint, out)


def test_full_page_gets_an_added_page_of_the_same_size(
    tmp_path: Path, cli: Callable[..., Result], lint: Callable[[Path], Any]
) -> None:
    document = exporter_pdf(tmp_path / "full.pdf", terms=80, pagesize=letter)
    result = stamp(cli, document, shipment(tmp_path))
    assert result.exit_code == 0, result.output
    out = tmp_path / "full_stamped.pdf"
    assert "on an added page 2 headed with the invoice number and date; 2 page(s)" in result.output
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    assert [float(v) for v in reader.pages[1].mediabox] == [0, 0, *letter]
    assert "STATEMENT ON ORIGIN" not in pdf_text(out, layout=True, page=1)
    added = pdf_text(out, layout=True, page=2)
    assert f"Invoice No. {NUMBER}" in added and f"Date: {DATE}" in added and EXPORTER in added
    assert added.index(f"Invoice No. {NUMBER}") < added.index("STATEMENT ON ORIGIN")
    assert TEXT_EN in flat(added)
    assert_original_kept(document, out, tmp_path)
    assert_lints_clean(lint, out)


def test_a_long_item_list_continues_on_added_pages_each_headed(
    tmp_path: Path, cli: Callable[..., Result], lint: Callable[[Path], Any]
) -> None:
    items = [
        item_with(
            line=n,
            description=f"Rattan basket no. {n}, natural, hand-woven",
            hs_code="4602.12",
            quantity=1,
            unit_price=1,
            amount=1,
            origin_criterion="P" if n % 7 == 0 else "W 4602",
        )
        for n in range(1, 81)
    ]
    document = exporter_pdf(tmp_path / "baskets.pdf", rows=20)
    result = stamp(cli, document, shipment(tmp_path, items=items))
    assert result.exit_code == 0, result.output
    out = tmp_path / "baskets_stamped.pdf"
    assert "on an added page 2 headed with the invoice number and date; 3 page(s)" in result.output
    first, second = pdf_text(out, layout=True, page=2), pdf_text(out, layout=True, page=3)
    assert f"Invoice No. {NUMBER}" in first and "Continuation sheet 1 of 2" in first
    assert flat(second.splitlines()[0]) == f"Invoice No. {NUMBER} • Date: {DATE} (continued)"
    assert "Continuation sheet 2 of 2" in second
    assert "80 Rattan basket no. 80, natural, hand-woven W 4602" in flat(second)
    assert_original_kept(document, out, tmp_path)
    assert_lints_clean(lint, out)


def test_painted_boxes_follow_forms_and_images(tmp_path: Path) -> None:
    """A letterhead drawn as a form XObject with a full-page BBox counts by what it paints; an
    image counts by its placement."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    from rexdecl.stamp import painted_boxes

    path = tmp_path / "forms.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.beginForm("letterhead", 0, 0, *A4)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(50, 700, "PT JATI CONTOH - letterhead")
    pdf.endForm()
    pdf.doForm("letterhead")
    pdf.drawImage(ImageReader(Image.new("L", (20, 10), 0)), 300, 400, width=100, height=50)
    pdf.setFillGray(1)
    pdf.rect(0, 0, A4[0], 300, stroke=0, fill=1)  # white: paints nothing visible
    pdf.save()
    reader = PdfReader(path)
    boxes = painted_boxes(reader, reader.pages[0])
    assert min(box[1] for box in boxes) == pytest.approx(400, abs=0.6)  # the image's bottom
    assert any(box[1] < 700 < box[3] and box[0] == pytest.approx(50) for box in boxes)  # the text


@pytest.mark.parametrize(
    ("boxes", "bands"),
    [
        pytest.param([], [], id="blank-page-no-room"),
        pytest.param([(51, 400, 540, 800)], [(400 - 4 * mm, 12 * mm)], id="below-the-body"),
        pytest.param(
            [(51, 400, 540, 800), (250, 25, 340, 33)],
            [(25 - 4 * mm, 12 * mm), (400 - 4 * mm, 33 + 4 * mm)],
            id="above-a-footer",
        ),
        pytest.param([(51, 400, 540, 800), (51, 25, 540, 200)], [(25 - 4 * mm, 12 * mm)], id="no-thin-footer"),
    ],
)
def test_free_space(boxes: list[tuple[float, ...]], bands: list[tuple[float, float]]) -> None:
    from rexdecl.stamp import free_space

    space = free_space(boxes, (0, 0, *A4))  # type: ignore[arg-type]
    assert [tuple(round(v, 3) for v in band) for band in space.bands] == [
        tuple(round(v, 3) for v in band) for band in bands
    ]
    assert 12 * mm <= space.side <= 25 * mm


def test_mixed_criteria_list_item_description_and_criterion(
    tmp_path: Path, cli: Callable[..., Result], lint: Callable[[Path], Any]
) -> None:
    document = exporter_pdf(tmp_path / "mixed.pdf")
    result = stamp(cli, document, shipment(tmp_path, items=mixed_items()))
    assert result.exit_code == 0, result.output
    out = tmp_path / "mixed_stamped.pdf"
    text = pdf_text(out, layout=True, page=1)
    assert "the origin criterion met is W 9403 (item 1), W 9401 (item 2)." in flat(text)
    assert "Item Description of goods Origin criterion" in flat(text)
    rows = [flat(line) for line in text.splitlines()]
    assert "1 Teak dining table, solid plantation teak, 200 x 100 cm W 9403" in rows
    assert "2 Teak dining chair, upholstered seat W 9401" in rows
    assert any(
        row.startswith("3 Brass fittings, imported (spare parts) Not originating – excluded from") for row in rows
    )
    # The document's own numbering (10, 20, 30) is still there beside the statement's.
    assert "10 Teak dining table, solid plantation teak, 200 x 100 cm" in flat(text)
    assert_original_kept(document, out, tmp_path)
    assert_lints_clean(lint, out)


def test_uk_declaration_with_customs_id_and_signature_lines(
    tmp_path: Path, cli: Callable[..., Result], lint: Callable[[Path], Any]
) -> None:
    document = exporter_pdf(tmp_path / "uk.pdf")
    workbook = shipment(
        tmp_path,
        consignee_country="GB",
        consignee_address="1 Example Street, London SW1A 1AA",
        currency="GBP",
        customs_id="GB123456789000",
        eska_code=None,
        signatory_name="Budi Contoh",
        place_of_issue="Jepara",
    )
    result = stamp(cli, document, workbook)
    assert result.exit_code == 0, result.output
    text = flat(pdf_text(tmp_path / "uk_stamped.pdf", layout=True))
    assert "The exporter of the products covered by this document (customs identification No GB123456789000)" in text
    assert "(Place and date)" in text and "(Name and signature of the exporter)" in text
    assert "Jepara, 20 November 2026" in text and "Budi Contoh" in text
    assert_lints_clean(lint, tmp_path / "uk_stamped.pdf", scheme="uk-dcts")


def test_same_input_same_bytes(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = exporter_pdf(tmp_path / "invoice.pdf")
    workbook = shipment(tmp_path, items=mixed_items())
    first, second, third = (tmp_path / f"{n}.pdf" for n in ("first", "second", "third"))
    assert stamp(cli, document, workbook, "--out", first).exit_code == 0
    assert stamp(cli, document, workbook, "--out", second).exit_code == 0
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "rexdecl",
            "stamp",
            str(document),
            str(workbook),
            "--as-of",
            AS_OF.isoformat(),
            "--out",
            str(third),
        ],
        check=True,
        capture_output=True,
        env=environment,
    )
    assert first.read_bytes() == second.read_bytes() == third.read_bytes()
    reader = PdfReader(first)
    assert reader.metadata == PdfReader(document).metadata  # no date of today added
    # The original's permanent identifier is kept; the version identifier is new.
    original_id = PdfReader(document).trailer["/ID"]
    assert reader.trailer["/ID"][0] == original_id[0]
    assert reader.trailer["/ID"][1] != original_id[1]


def test_same_bytes_for_an_added_page(tmp_path: Path) -> None:
    document = exporter_pdf(tmp_path / "full.pdf", terms=80)
    checked = check_workbook(shipment(tmp_path), CheckOptions(as_of=AS_OF))
    one = stamp_pdf(document, checked, tmp_path / "one.pdf", force=False)
    two = stamp_pdf(document, checked, tmp_path / "two.pdf", force=False)
    assert one.placement == two.placement == "added-page"
    assert one.path.read_bytes() == two.path.read_bytes()


# -- refusals ---------------------------------------------------------------------------


def test_another_invoice_number_is_refused(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = exporter_pdf(tmp_path / "other.pdf", number="INV-2026-002")
    result = stamp(cli, document, shipment(tmp_path))
    assert result.exit_code == 2
    assert (
        f"rexdecl: {document} shows invoice number INV-2026-002 ('Invoice No. : INV-2026-002'), "
        f"but the workbook's invoice number is {NUMBER}: the statement would be put on another invoice; nothing "
        "was written"
    ) in " ".join(result.output.split())
    assert not (tmp_path / "other_stamped.pdf").exists()


def test_an_invoice_without_the_number_is_refused(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = exporter_pdf(tmp_path / "nonumber.pdf", number=None)
    result = stamp(cli, document, shipment(tmp_path))
    assert result.exit_code == 2
    assert f"the workbook's invoice number {NUMBER} does not appear in the document's text" in result.output
    assert not (tmp_path / "nonumber_stamped.pdf").exists()


def test_a_scan_is_refused(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = scanned_pdf(tmp_path / "scan.pdf")
    result = stamp(cli, document, shipment(tmp_path))
    assert result.exit_code == 2
    assert (
        f"rexdecl: {document} has no text layer (a scan or an image?): its invoice number and "
        "content "
        "cannot be checked, so no statement is added" in result.output
    )
    assert "hint: Stamp the PDF exported from Excel or the accounting software" in result.output
    assert not (tmp_path / "scan_stamped.pdf").exists()


def test_a_pdf_that_needs_a_password_is_refused(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = exporter_pdf(tmp_path / "locked.pdf", encrypt="secret")
    result = stamp(cli, document, shipment(tmp_path))
    assert result.exit_code == 2
    assert (
        f"rexdecl: {document} is protected by a password that is needed to open it: it cannot be checked or stamped"
        in result.output
    )
    assert not (tmp_path / "locked_stamped.pdf").exists()


def test_a_document_with_a_statement_already_is_refused(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = exporter_pdf(tmp_path / "invoice.pdf")
    workbook = shipment(tmp_path)
    assert stamp(cli, document, workbook).exit_code == 0
    again = stamp(cli, tmp_path / "invoice_stamped.pdf", workbook)
    assert again.exit_code == 2
    assert "already carries a statement on origin ('preferential origin')" in again.output
    assert not (tmp_path / "invoice_stamped_stamped.pdf").exists()


def test_a_shipment_with_errors_writes_nothing(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = exporter_pdf(tmp_path / "invoice.pdf")
    result = stamp(cli, document, shipment(tmp_path, consignee_country="US"))
    assert result.exit_code == 1
    assert "DESTINATION-NOT-IN-SCHEME" in result.output
    assert "rexdecl: errors found; nothing was written" in result.output
    assert not (tmp_path / "invoice_stamped.pdf").exists()


def test_never_overwrites_without_force(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = exporter_pdf(tmp_path / "invoice.pdf")
    workbook = shipment(tmp_path)
    out = tmp_path / "out.pdf"
    out.write_bytes(b"keep me")
    result = stamp(cli, document, workbook, "--out", out)
    assert result.exit_code == 2
    assert f"rexdecl: {out} already exists; nothing was written (use --force to replace it)" in result.output
    assert out.read_bytes() == b"keep me"
    assert stamp(cli, document, workbook, "--out", out, "--force").exit_code == 0
    assert out.read_bytes().startswith(b"%PDF-")
    same = stamp(cli, document, workbook, "--out", document, "--force")
    assert same.exit_code == 2 and "the output would replace the document itself" in same.output
    missing = stamp(cli, tmp_path / "missing.pdf", workbook)
    assert missing.exit_code == 2 and "missing.pdf: file not found" in missing.output


# -- the invoice number in the document's text ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "COMMERCIAL INVOICE\nInvoice No. : INV-2026-001\nDate : 20 November 2026",
        "Invoice No.: INV - 2026 - 001",  # spaced
        "Invoice Number\nINV-2026-\n001",  # hyphenated at a line end
        "No. Invoice inv-2026-001",  # case
        "Nomor Invoice: INV-2026-001",
        "Invoice No.    Date\nINV-2026-001    20 November 2026",  # labels over values
        "Tax Invoice No. 010.000-26.12345678\nInvoice No. INV-2026-001",  # a faktur pajak number is not it
        "Invoice INV-2026-001 of 20 November 2026",  # the title as its label
        "Shipment INV-2026-001 of 20 November 2026",  # no label: the only number like it on the page
    ],
)
def test_invoice_number_found(text: str) -> None:
    assert check_invoice_number(text, NUMBER, Path("invoice.pdf")).accepted


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Invoice No. : INV-2026-002", "INV-2026-002"),
        ("Invoice No. : INV-2026-0012", "INV-2026-0012"),  # the workbook's number is only a prefix
        ("Nomor Invoice INV-2026-001A", "INV-2026-001A"),
        ("No. Invoice: 2026/77\nRef INV-2026-001", "2026/77"),  # the label decides
    ],
)
def test_another_invoice_number(text: str, found: str) -> None:
    with pytest.raises(StampRefused) as refused:
        check_invoice_number(text, NUMBER, Path("invoice.pdf"))
    assert f"shows invoice number {found} (" in refused.value.message
    assert f"but the workbook's invoice number is {NUMBER}" in refused.value.message


def test_invoice_number_absent() -> None:
    with pytest.raises(StampRefused, match="does not appear in the document's text"):
        check_invoice_number("COMMERCIAL INVOICE\nDate: 20 November 2026\nINV-2026-0010", NUMBER, Path("a.pdf"))


def test_stamp_module_does_not_weasyprint_on_import() -> None:
    code = "import sys, rexdecl.stamp, rexdecl.cli.stamp; assert 'weasyprint' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_items_table_only_when_needed(tmp_path: Path) -> None:
    from rexdecl.stamp import build_stamp_view, render_block_html

    single = check_workbook(shipment(tmp_path / "one"), CheckOptions(as_of=AS_OF))
    assert build_stamp_view(single).rows == ()
    excluded = [
        BASE_ITEM,
        item_with(line=2, description="Brass fittings", hs_code="8302.42", origin_criterion="no"),
    ]
    with_excluded = check_workbook(shipment(tmp_path / "two", items=excluded), CheckOptions(as_of=AS_OF))
    view = build_stamp_view(with_excluded)
    assert [(r.number, r.criterion, r.excluded) for r in view.rows] == [
        ("1", "W 9403", False),
        ("2", "Not originating – excluded from the statement on origin", True),
    ]
    html = render_block_html(view)
    assert "<td>Brass fittings</td>" in html
    assert html.count('class="stamp-item"') == 3  # header and two rows
