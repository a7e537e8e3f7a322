"""``rexdecl stamp`` on real-world and hostile PDFs: the number however the text is glued,
never another document, encrypted files, PDF/A kept, limits, malformed pages, signatures.

Each test builds the smallest PDF that shows the case (reportlab for documents "from another
generator", raw PDF objects for malformed ones) or uses a real invoice kept under
tests/data/stamp (see its README), and asserts the exit status, the message and that
nothing else was written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import AS_OF, make_workbook, shipment_with, write_registration
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

DATA = Path(__file__).parents[1] / "data" / "stamp"
NUMBER = "INV-2026-001"
BODY = [
    "Bill to: Beispiel Moebel GmbH, Musterstrasse 12, 20095 Hamburg, Germany",
    "10  Teak dining table, solid plantation teak   10 x 100.00   1,000.00",
    "TOTAL EUR 1,000.00",
]


def workbook(folder: Path, number: str = NUMBER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = make_workbook(folder, shipment_with(invoice_number=number), None)
    write_registration(folder / "registration.toml")
    return path


def stamp(cli: Callable[..., Result], document: Path, shipment: Path, *args: Any) -> Result:
    return cli(["stamp", document, shipment, "--as-of", AS_OF.isoformat(), *args])


def written(folder: Path) -> list[str]:
    """Files in ``folder`` besides the inputs a test put there."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith("_stamped.pdf") or p.name.startswith("."))


Piece = tuple[float, float, str]  # x, y (mm from the bottom-left), text


def pdf(
    path: Path,
    pieces: Sequence[Piece],
    pagesize: tuple[float, float] = A4,
    pages: int = 1,
    body: bool = True,
    **canvas_args: Any,
) -> Path:
    """A document "from another generator": the pieces in one text object, each placed with
    its own text matrix in the order given -- as accounting software writes a header, and as
    extraction then glues pieces that nearly touch or come out of order -- the invoice body
    below."""
    drawing = canvas.Canvas(str(path), pagesize=pagesize, invariant=1, **canvas_args)
    for page in range(pages):
        text = drawing.beginText()
        text.setFont("Helvetica", 9)
        for x, y, piece in pieces if page == 0 else []:
            text.setTextOrigin(x * mm, y * mm)
            text.textOut(piece)
        drawing.drawText(text)
        drawing.setFont("Helvetica", 9)
        if body:
            for row, text in enumerate(BODY):
                drawing.drawString(18 * mm, pagesize[1] - (70 + 7 * row) * mm, text)
        drawing.showPage()
    drawing.save()
    return path


def touching(x: float, y: float, words: Sequence[str], gap: float = 0.8) -> list[Piece]:
    """Words placed one after the other with ``gap`` points between them (no space character)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pieces = []
    for word in words:
        pieces.append((x, y, word))
        x += (stringWidth(word, "Helvetica", 9) + gap) / mm
    return pieces


def labelled(label: str = "Invoice No.", number: str = NUMBER) -> list[Piece]:
    return [(18, 270, "PT JATI CONTOH"), (130, 270, "COMMERCIAL INVOICE"), (130, 262, f"{label} {number}")]


# -- the number, however the text is joined ---------------------------------------------------


def test_glued_label_and_number_in_separate_text_objects(tmp_path: Path, cli: Callable[..., Result]) -> None:
    """Label and number drawn as separate text objects, touching (German e-invoice shape:
    "HandelsrechnungNr.R87654321012345vom"), and a value drawn before its label (Dutch shape:
    "993548900Factuurnummer:")."""
    german = pdf(
        tmp_path / "handelsrechnung.pdf",
        touching(18, 270, ["Handelsrechnung", "Nr.", "R87654321012345", "vom 06.08.2026"]),
    )
    assert "HandelsrechnungNr.R87654321012345vom" in PdfReader(german).pages[0].extract_text()
    result = stamp(cli, german, workbook(tmp_path / "de", "R87654321012345"))
    assert result.exit_code == 0, result.output
    dutch = pdf(tmp_path / "factuur.pdf", [(60, 262, "993548900"), (18, 262, "Factuurnummer:")])
    assert "993548900Factuurnummer:" in PdfReader(dutch).pages[0].extract_text()
    result = stamp(cli, dutch, workbook(tmp_path / "nl", "993548900"))
    assert result.exit_code == 0, result.output
    assert "statement on origin in the free space at the bottom of page 1" in result.output


@pytest.mark.parametrize(
    ("label", "number"),
    [
        ("Rechnung Nr.", "RE-2026-0815"),
        ("Rechnungsnummer:", "2026-0815"),
        ("Factuurnummer:", "F2026.117"),
        ("Facture n°", "FA-2026-0010"),
        ("Factura nº", "F-2026-033"),
        ("Nomor Invoice:", "045/EXP/XI/2026"),
        ("No. Faktur:", "045/EXP/XI/2026"),
        ("Invoice #", "1001-A"),
        ("Invoice Number:", "42183017"),
        ("Nomor:", "INV/2026/11/0008"),
    ],
)
def test_labels_of_the_common_languages(tmp_path: Path, cli: Callable[..., Result], label: str, number: str) -> None:
    document = pdf(tmp_path / "invoice.pdf", labelled(label, number))
    result = stamp(cli, document, workbook(tmp_path / "w", number))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("name", "number", "placement"),
    [
        ("qualityhosting-invoice.pdf", "30064443", "added page 3"),
        ("coolblue-factuur.pdf", "993548900", "added page 2"),
        ("saeco-factuur.pdf", "VF1005193039", "added page 2"),
        ("libreoffice-pdfa1.pdf", "RE-20190610/507", "added page 2"),
        ("zugferd-pdfa3.pdf", "471102", "bottom of page 2"),
    ],
)
def test_real_invoices_are_stamped(
    tmp_path: Path, cli: Callable[..., Result], name: str, number: str, placement: str
) -> None:
    from rexdecl.lint import lint_file

    document = tmp_path / name
    shutil.copy(DATA / name, document)
    result = stamp(cli, document, workbook(tmp_path / "w", number))
    assert result.exit_code == 0, result.output
    assert placement in result.output
    out = tmp_path / name.replace(".pdf", "_stamped.pdf")
    report = lint_file(out)
    assert report.exit_code == 0 and [s.scheme for s in report.statements] == ["eu-gsp"]
    assert document.read_bytes() == (DATA / name).read_bytes()


# -- never on another document --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "message"),
    [
        pytest.param(
            [(130, 270, "INVOICE: 2026/INV/77"), (18, 250, f"Ref: {NUMBER}")],
            "shows invoice number 2026/INV/77 ('INVOICE: 2026/INV/77'), but the workbook's invoice number is "
            f"{NUMBER}: the statement would be put on another invoice; nothing was written ({NUMBER} appears "
            f"only as: 'Ref: {NUMBER}')",
            id="invoice-colon",
        ),
        pytest.param(
            [(130, 270, "Invoice ID: INV-2026-077"), (18, 250, f"Your order {NUMBER}")],
            "shows invoice number INV-2026-077 ('Invoice ID: INV-2026-077')",
            id="invoice-id",
        ),
        pytest.param(
            [(130, 270, "Nomor: 045/EXP/XI/2026"), (18, 250, f"Pembayaran untuk invoice {NUMBER}")],
            "shows invoice number 045/EXP/XI/2026 ('Nomor: 045/EXP/XI/2026')",
            id="nomor",
        ),
        pytest.param(
            [(130, 270, "Rechnung Nr. RE-2026-0815"), (18, 250, f"zu Rechnung {NUMBER}")],
            "shows invoice number RE-2026-0815 ('Rechnung Nr. RE-2026-0815')",
            id="rechnung-nr",
        ),
        pytest.param(
            [(130, 270, "CREDIT NOTE"), (130, 262, "No. CN-2026-014"), (18, 250, f"Credit against invoice {NUMBER}")],
            "is a credit note ('CREDIT NOTE'), not an invoice or packing list: a statement on origin does not go "
            "on it; nothing was written",
            id="credit-note",
        ),
        pytest.param(
            [(130, 270, "PACKING LIST"), (18, 250, f"Ref. {NUMBER}")],
            f"mentions the workbook's invoice number {NUMBER} only as a reference to another document "
            f"('Ref. {NUMBER}'), not as its own number; nothing was written",
            id="reference",
        ),
        pytest.param(
            [(130, 270, f"Order {NUMBER}"), (130, 262, "Delivery PO-2026-117")],
            f"shows {NUMBER} without an invoice-number label ('Order {NUMBER}'), and the first page shows other "
            "numbers like it (PO-2026-117)",
            id="ambiguous",
        ),
    ],
)
def test_another_document_is_refused(
    tmp_path: Path, cli: Callable[..., Result], pieces: list[Piece], message: str
) -> None:
    document = pdf(tmp_path / "other.pdf", pieces)
    result = stamp(cli, document, workbook(tmp_path))
    assert result.exit_code == 2, result.output
    assert f"rexdecl: {document} {message}" in " ".join(result.output.split()) or f"rexdecl: {document}: {message}" in (
        " ".join(result.output.split())
    )
    assert "Traceback" not in result.output
    assert written(tmp_path) == []


# -- encrypted input ---------------------------------------------------------------------------


def encrypted(source: Path, path: Path, algorithm: str, user_password: str = "") -> Path:
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm, permissions_flag=4)
    writer.write(path)
    return path


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_permissions_only_encryption_is_opened_and_written_unencrypted(
    tmp_path: Path, cli: Callable[..., Result], algorithm: str
) -> None:
    plain = pdf(tmp_path / "plain.pdf", labelled())
    document = encrypted(plain, tmp_path / "locked.pdf", algorithm)
    assert PdfReader(document).is_encrypted
    shipment = workbook(tmp_path / "w")
    result = stamp(cli, document, shipment)
    assert result.exit_code == 0, result.output
    assert (
        f"note: {document} was encrypted without a password to open it (permissions only); the stamped copy is "
        "written without encryption" in result.output
    )
    out = tmp_path / "locked_stamped.pdf"
    reader = PdfReader(out)
    assert not reader.is_encrypted and "/Encrypt" not in reader.trailer
    assert "STATEMENT ON ORIGIN" in reader.pages[0].extract_text()
    again = stamp(cli, document, shipment, "--out", tmp_path / "again.pdf")
    assert again.exit_code == 0 and (tmp_path / "again.pdf").read_bytes() == out.read_bytes()  # same bytes


def test_a_password_to_open_is_refused(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = encrypted(pdf(tmp_path / "plain.pdf", labelled()), tmp_path / "secret.pdf", "AES-256", "open-me")
    result = stamp(cli, document, workbook(tmp_path / "w"))
    assert result.exit_code == 2
    assert (
        f"rexdecl: {document} is protected by a password that is needed to open it: it cannot be checked or "
        "stamped; nothing was written" in result.output
    )
    assert "hint: Save or export a copy without an open password" in result.output
    assert written(tmp_path) == []


# -- PDF/A --------------------------------------------------------------------------------------

PREFLIGHT_JARS = ["preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api"]


def preflight(path: Path) -> str | None:
    """PDFBox Preflight's verdict on PDF/A-1b (Debian: libpdfbox2-java, libactivation-java,
    libjaxb-api-java and a Java runtime); None where it is not installed."""
    jars = [Path("/usr/share/java") / f"{name}.jar" for name in PREFLIGHT_JARS]
    if not shutil.which("java") or not all(jar.is_file() for jar in jars):
        return None
    result = subprocess.run(
        ["java", "-cp", ":".join(map(str, jars)), "org.apache.pdfbox.preflight.Validator_A1b", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stdout


def added_fonts(reader: PdfReader) -> list[DictionaryObject]:
    """The descendant fonts of the statement block's Form XObjects."""
    fonts = []
    for page in reader.pages:
        for name, xobject in (page["/Resources"].get("/XObject") or {}).items():
            if name.startswith("/RexdeclStatement"):
                for font in xobject.get_object()["/Resources"]["/Font"].get_object().values():
                    fonts.extend(d.get_object() for d in font.get_object().get("/DescendantFonts", []))
    return fonts


def block_content(reader: PdfReader) -> bytes:
    data = b""
    for page in reader.pages:
        for name, xobject in (page["/Resources"].get("/XObject") or {}).items():
            if name.startswith("/RexdeclStatement"):
                data += xobject.get_object().get_data()
    return data


def test_pdfa1_stays_pdfa1(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = tmp_path / "pdfa1.pdf"
    shutil.copy(DATA / "libreoffice-pdfa1.pdf", document)
    result = stamp(cli, document, workbook(tmp_path / "w", "RE-20190610/507"))
    assert result.exit_code == 0, result.output
    assert "the stamped document is PDF/A-1a, like the original" in result.output
    out = tmp_path / "pdfa1_stamped.pdf"
    reader, original = PdfReader(out), PdfReader(document)
    assert reader.pdf_header == original.pdf_header == "%PDF-1.4"
    assert reader.trailer["/Root"]["/Metadata"].get_data() == original.trailer["/Root"]["/Metadata"].get_data()
    fonts = added_fonts(reader)
    assert fonts and all("/CIDSet" in f["/FontDescriptor"] and "/FontFile2" in f["/FontDescriptor"] for f in fonts)
    content = block_content(reader)
    assert re.search(rb"\b(rg|RG|k|K|sc|scn)\b", content) is None and re.search(rb"\bg\b", content)
    # Tagged (level A): the block is marked content of a structure element.
    page = reader.pages[-1]
    assert b"BDC" in page.get_contents().get_data()
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    elements = [k.get_object() for k in tree["/K"] if k.get_object().get("/S") == "/Document"][0]["/K"]
    added = elements[-1].get_object()
    assert (added["/S"], added["/Lang"], added["/Pg"].get_object().get("/StructParents")) == (
        "/P",
        "en",
        page["/StructParents"],
    )
    verdict = preflight(out)
    if verdict is not None:
        assert "is a valid PDF/A-1b file" in verdict, verdict


def test_pdfa3_einvoice_keeps_its_xml_and_gets_an_output_intent(tmp_path: Path, cli: Callable[..., Result]) -> None:
    original = PdfReader(DATA / "zugferd-pdfa3.pdf")
    attachments = original.attachments
    assert list(attachments) == ["factur-x.xml"]
    # The same e-invoice without its output intent (claims PDF/A, would not conform).
    writer = PdfWriter(clone_from=original)
    del writer._root_object["/OutputIntents"]
    document = tmp_path / "einvoice.pdf"
    writer.write(document)
    result = stamp(cli, document, workbook(tmp_path / "w", "471102"))
    assert result.exit_code == 0, result.output
    assert "the stamped document is PDF/A-3b, like the original" in result.output
    reader = PdfReader(tmp_path / "einvoice_stamped.pdf")
    assert reader.attachments == attachments
    assert len(reader.trailer["/Root"]["/AF"]) == 1
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert (intent["/S"], intent["/OutputConditionIdentifier"]) == ("/GTS_PDFA1", "sRGB IEC61966-2.1")
    assert intent["/DestOutputProfile"].get_object()["/N"] == 3
    assert re.search(rb"\b(rg|RG|k|K)\b", block_content(reader)) is None
    assert all("/CIDSet" not in f["/FontDescriptor"] for f in added_fonts(reader))  # PDF/A-1 only


# -- limits and malformed pages -------------------------------------------------------------------


def raw_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF from object bodies 1..n (1 the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


INVOICE_TEXT = (
    b"BT /F1 12 Tf 60 780 Td (COMMERCIAL INVOICE  Invoice No. INV-2026-001) Tj ET\n"
    b"BT /F1 9 Tf 60 740 Td (Teak dining table  10 x 100.00  EUR 1,000.00) Tj ET\n"
)


def one_page(
    page_entries: bytes = b"/MediaBox [0 0 595 842]", content: bytes = INVOICE_TEXT, extra: bytes = b""
) -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R " + page_entries + b" /Contents 5 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            stream(content, extra),
        ]
    )


def nested_forms(levels: int, fanout: int) -> bytes:
    """2.8 KB: each form draws the next one ``fanout`` times, ``levels`` deep."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /X0 6 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(INVOICE_TEXT + b"/X0 Do"),
    ]
    for level in range(levels):
        draws = b" ".join(b"/X Do" for _ in range(fanout)) if level < levels - 1 else b""
        child = b"/XObject << /X %d 0 R >> " % (7 + level) if level < levels - 1 else b""
        objects.append(
            stream(
                draws + b" BT /F1 1 Tf 0 0 Td (x) Tj ET",
                b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /Font << /F1 4 0 R >> "
                + child
                + b">> ",
            )
        )
    return raw_pdf(objects)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            nested_forms(9, 10),
            "page 1, form XObject /X: exceeds the limit of 1000 form XObjects drawn on one page; an invoice stays "
            "far below it",
            id="nested-forms",
        ),
        pytest.param(
            nested_forms(14, 1),
            "page 1, form XObject /X: exceeds the limit of 12 forms drawn within one another",
            id="deep-forms",
        ),
        pytest.param(
            one_page(content=INVOICE_TEXT + b"BT /F1 1 Tf (x) Tj ET\n" * 60_000),
            "page 1, content stream: exceeds the limit of 1 MB of content drawn on one page",
            id="huge-content",
        ),
    ],
)
def test_limits(tmp_path: Path, cli: Callable[..., Result], data: bytes, message: str) -> None:
    document = tmp_path / "bomb.pdf"
    document.write_bytes(data)
    result = stamp(cli, document, workbook(tmp_path / "w"))
    assert result.exit_code == 2, result.output
    assert f"rexdecl: {document}: {message}" in result.output
    assert written(tmp_path) == []


def test_unknown_stream_filter_is_unusable_input(tmp_path: Path, cli: Callable[..., Result]) -> None:
    document = tmp_path / "filter.pdf"
    document.write_bytes(one_page(extra=b"/Filter /NoSuchDecode "))
    result = stamp(cli, document, workbook(tmp_path / "w"))
    assert result.exit_code == 2, result.output
    assert f"rexdecl: {document}: the content of page 1 cannot be read (NotImplementedError" in result.output
    assert written(tmp_path) == []


@pytest.mark.parametrize(
    "entries",
    [
        b"/MediaBox [0 0 595 842] /Rotate /Sideways",
        b"/MediaBox [0 0 595 842] /Rotate 45",
        b"/MediaBox [0 0 595 842] /Rotate 99999999999999999999999",
        b"/MediaBox [0 0 595 842] /UserUnit -1",
        b"/MediaBox [0 0 595 842] /UserUnit /Big",
        b"/MediaBox [0 0 595 842] /CropBox [0 0 0 0]",
        b"/MediaBox [0 0 595 842] /CropBox 5",
        b"/MediaBox [0 0 595 842] /CropBox [0 0 100000000000000000000000000000.5 1]",
        b"/MediaBox [0 0 595 842] /CropBox [(a) 0 10 10]",
    ],
    ids=lambda entries: entries.decode()[24:],
)
def test_malformed_page_entries(tmp_path: Path, cli: Callable[..., Result], entries: bytes) -> None:
    document = tmp_path / "odd.pdf"
    document.write_bytes(one_page(entries))
    result = stamp(cli, document, workbook(tmp_path / "w"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "odd_stamped.pdf"
    from rexdecl.lint import lint_file

    assert lint_file(out).exit_code == 0


# -- tiny, narrow and usual pages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sizes", "added"),
    [
        pytest.param([(0, 0)], A4, id="zero-by-zero"),
        pytest.param([(120, 80)], A4, id="tiny"),
        pytest.param([(40, 800)], A4, id="narrow"),
        pytest.param([letter, (120, 80)], letter, id="letter-document-tiny-last-page"),
    ],
)
def test_tiny_or_narrow_last_page_gets_one_usual_continuation_page(
    tmp_path: Path, cli: Callable[..., Result], sizes: list[tuple[float, float]], added: tuple[float, float]
) -> None:
    kids = b" ".join(b"%d 0 R" % (6 + i) for i in range(len(sizes)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(sizes),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(b"BT /F1 3 Tf 2 20 Td (COMMERCIAL INVOICE  Invoice No. INV-2026-001) Tj ET"),
        stream(b"BT /F1 3 Tf 2 10 Td (Teak dining table EUR 1,000.00) Tj ET"),
    ]
    for index, (width, height) in enumerate(sizes):
        content = 4 if index == 0 else 5
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
            % (str(width).encode(), str(height).encode(), content)
        )
    document = tmp_path / "tiny.pdf"
    document.write_bytes(raw_pdf(objects))
    result = stamp(cli, document, workbook(tmp_path / "w"))
    assert result.exit_code == 0, result.output
    reader = PdfReader(tmp_path / "tiny_stamped.pdf")
    assert len(reader.pages) == len(sizes) + 1
    box = reader.pages[-1].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(added, abs=0.01)


def test_a_result_lint_does_not_pass_is_not_written(
    tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    import rexdecl.stamp.writer as stamp_module

    real = stamp_module._form

    def without_text(writer: Any, overlay: Any, bbox: Any) -> Any:
        form, content = real(writer, overlay, bbox)
        form.get_object().set_data(b"")  # the block drawn as nothing
        return form, content

    monkeypatch.setattr(stamp_module, "_form", without_text)
    document = pdf(tmp_path / "invoice.pdf", labelled())
    result = stamp(cli, document, workbook(tmp_path / "w"))
    assert result.exit_code == 2
    assert (
        f"rexdecl: {document}: the statement on the stamped document does not pass 'rexdecl lint' "
        "(LINT-NO-STATEMENT): it would not be readable as printed; nothing was written" in result.output
    )
    assert written(tmp_path) == []


# -- signatures ---------------------------------------------------------------------------------


def signed(source: Path, path: Path, how: str) -> Path:
    """``source`` with a signature as a signing tool leaves it (the signature bytes are not
    checked by stamp, only their presence)."""
    writer = PdfWriter(clone_from=source)
    signature = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
            NameObject("/SubFilter"): NameObject("/adbe.pkcs7.detached"),
            NameObject("/ByteRange"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(0), NumberObject(0)]),
            NameObject("/Contents"): ByteStringObject(b"\0" * 16),
        }
    )
    reference = writer._add_object(signature)
    field = DictionaryObject(
        {
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("Signature1"),
            NameObject("/V"): reference,
            NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4),
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
        }
    )
    field_reference = writer._add_object(field)
    if how == "nested":  # the signature field is a kid of a parent field that carries /FT
        parent = DictionaryObject(
            {
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject("Approvals"),
                NameObject("/Kids"): ArrayObject([field_reference]),
            }
        )
        del field[NameObject("/FT")]
        parent_reference = writer._add_object(parent)
        field[NameObject("/Parent")] = parent_reference
        fields = [parent_reference]
    else:
        fields = [field_reference]
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject(fields)})
    if how == "certified":
        writer._root_object[NameObject("/Perms")] = DictionaryObject({NameObject("/DocMDP"): reference})
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject()})
    writer.write(path)
    return path


@pytest.mark.parametrize(
    ("how", "what"),
    [
        ("plain", "a signed signature field (Signature1)"),
        ("nested", "a signed signature field (Signature1)"),
        ("certified", "a certification or usage-rights signature (DocMDP)"),
    ],
)
def test_signed_pdfs_are_refused(tmp_path: Path, cli: Callable[..., Result], how: str, what: str) -> None:
    document = signed(pdf(tmp_path / "plain.pdf", labelled()), tmp_path / "signed.pdf", how)
    result = stamp(cli, document, workbook(tmp_path / "w"))
    assert result.exit_code == 2, result.output
    assert (
        f"rexdecl: {document} is signed ({what}): adding the statement would invalidate the signature; "
        "nothing was written" in result.output
    )
    assert "hint: Stamp the unsigned document, then sign the stamped one." in result.output
    assert written(tmp_path) == []


def test_an_empty_signature_field_is_not_a_signature(tmp_path: Path, cli: Callable[..., Result]) -> None:
    source = pdf(tmp_path / "plain.pdf", labelled())
    writer = PdfWriter(clone_from=source)
    field = DictionaryObject({NameObject("/FT"): NameObject("/Sig"), NameObject("/T"): TextStringObject("Sign here")})
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([writer._add_object(field)]), NameObject("/SigFlags"): NumberObject(1)}
    )
    document = tmp_path / "form.pdf"
    writer.write(document)
    result = stamp(cli, document, workbook(tmp_path / "w"))
    assert result.exit_code == 0, result.output
