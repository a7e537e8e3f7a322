"""Rendering: HTML (escaping, wording), PDF (pages, text, PDF/A markers, same bytes twice)
and confinement (nothing fetched or read outside the bundled templates and a named logo).

The PDF's text is checked with poppler's pdftotext, a tool independent of WeasyPrint.
"""

from __future__ import annotations

import dataclasses
import http.server
import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import flat, pdf_text
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from rexdecl.documents.assets import templates_dir
from rexdecl.documents.fetcher import resolve_asset
from rexdecl.documents.html import render_html
from rexdecl.documents.pdf import Renderer
from rexdecl.documents.views import DocumentView, LineView, PartyView, StatementView
from rexdecl.errors import RenderError

ROOT = Path(__file__).resolve().parents[2]
POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")

EU_TEXT = (
    "The exporter IDREX0123456789012 of the products covered by this document declares "
    "that, except where otherwise clearly indicated, these products are of Indonesia "
    "preferential origin according to rules of origin of the Generalised System of "
    "Preferences of the European Union and that the origin criterion met is W 6214."
)
SHIPMENT_JSON = b'{"invoice": "INV/2026/0042", "lines": 3}\n'


# -- fixtures ---------------------------------------------------------------------------


def make_line(number: int, *, excluded: bool = False, description: str | None = None) -> LineView:
    """One invoice line; the description starts and ends with a token unique to the line."""
    return LineView(
        number=str(number),
        marks="SM/HH/26" if number == 1 else "",
        description=description
        or f"L{number:03d}start batik scarf, hand-drawn, 100% silk, 90 x 90 cm L{number:03d}end",
        hs_code="6214.10",
        quantity=f"{number * 10:,}",
        unit="PCS",
        unit_price="12.50",
        amount=f"{number * 125:,.2f}",
        criterion="NOT ORIGINATING" if excluded else "W 6214",
        excluded=excluded,
        packages=str(number),
        package_type="CTN",
        net_kg="1.5",
        gross_kg="1.8",
        cbm="0.125",
    )


def make_view(kind: str = "invoice", lines: int = 3, *, excluded: tuple[int, ...] = (), **changes: Any) -> DocumentView:
    """A complete document view, as the view-model builder would hand it over."""
    view = DocumentView(
        kind=kind,  # type: ignore[arg-type]
        invoice_number="INV/2026/0042",
        invoice_date="20 November 2026",
        date_iso="2026-11-20",
        exporter=PartyView(
            "PT Batik Pesisir Nusantara",
            ("Jl. Hayam Wuruk No. 17", "Pekalongan 51128, Jawa Tengah"),
            "Indonesia",
            (("rex_number", "IDREX0123456789012"), ("npwp", "01.234.567.8-901.000")),
        ),
        consignee=PartyView(
            "Stoffhaus Müller & Söhne GmbH",
            ("Großer Burstah 31", "20457 Hamburg"),
            "Germany",
        ),
        particulars=(("delivery_terms", "FOB Semarang"), ("port_of_discharge", "Hamburg")),
        currency="EUR",
        lines=tuple(make_line(i, excluded=i in excluded) for i in range(1, lines + 1)),
        total="4,620.00",
        originating_total="",
        excluded_total="",
        amount_in_words="SAY: EURO FOUR THOUSAND SIX HUNDRED TWENTY AND 00/100 ONLY" if kind == "invoice" else "",
        total_packages="55 CTN",
        total_net_kg="82.5",
        total_gross_kg="99",
        total_cbm="6.875",
        notes="Goods packed in export cartons.",
        excluded_items=tuple(str(number) for number in excluded),
        statement=StatementView(
            heading="Statement on origin",
            text=EU_TEXT,
            language="en",
            scheme_id="eu-gsp",
            eska_code="ESKA0042XYZ",
        ),
        author="PT Batik Pesisir Nusantara",
        keywords=("commercial invoice", "INV/2026/0042"),
    )
    return dataclasses.replace(view, **changes)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def all_stream_bytes(pdf: bytes) -> bytes:
    """Every object's stream, decoded: what a reader of the file could get out of it."""
    reader = PdfReader(io.BytesIO(pdf))
    chunks = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(IndirectObject(number, 0, reader))
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
    return b"\n".join(chunks)


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def http_server() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server counting the requests it receives."""
    handler = type("Handler", (_Counter,), {"requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler.requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _hostile(port: int, secret: Path | None = None) -> list[str]:
    strings = [
        '<img src="file:///etc/passwd">',
        '<link rel=attachment href="/etc/hostname">',
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        f"url(http://127.0.0.1:{port}/)",
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css">',
        f'<img src="http://127.0.0.1:{port}/evil.png">',
    ]
    if secret is not None:
        strings += [
            f'<link rel="attachment" href="{secret.as_uri()}">',
            f'<object data="{secret.as_uri()}"></object>',
        ]
    return strings


# -- module and HTML -------------------------------------------------------------------


def test_import_and_html_do_not_import_weasyprint() -> None:
    code = textwrap.dedent(
        """
        import sys
        import rexdecl.documents.html
        assert "weasyprint" not in sys.modules
        sys.path[:0] = ["tests", "tests/documents"]
        from test_render import make_view
        html = rexdecl.documents.html.render_html(make_view())
        assert "weasyprint" not in sys.modules, "render_html imported weasyprint"
        assert "INV/2026/0042" in html
        """
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_templates_folder_is_found() -> None:
    folder = templates_dir()
    assert (folder / "style.css").is_file()
    assert (folder / "fonts" / "LiberationSans-Regular.ttf").is_file()
    assert (folder / "fonts" / "LICENSE-Liberation.txt").is_file()
    assert (folder / "fonts" / "fonts.conf").is_file()  # installed with the fonts (fonts/*)


def test_html_is_autoescaped() -> None:
    hostile = _hostile(8000)
    view = make_view(lines=1, notes="\n".join(hostile))
    view = dataclasses.replace(
        view,
        lines=(make_line(1, description=hostile[0]),),
        consignee=dataclasses.replace(view.consignee, name=hostile[2]),
        particulars=(("vessel", hostile[1]),),
    )
    html = render_html(view)
    assert "<img src=" not in html
    assert "<script>" not in html
    assert '<link rel="stylesheet" href="http' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html  # data, never template source
    assert "Stoffhaus" not in html  # the consignee name was replaced


def test_html_statement_language_eska_and_dates() -> None:
    html = render_html(
        make_view(
            statement=StatementView("Déclaration d'origine", "L'exportateur ...", "fr", "eu-gsp", eska_code="E-1")
        )
    )
    assert '<p class="statement-text" lang="fr">L&#39;exportateur ...</p>' in html
    assert "e-SKA authentic code: <strong>E-1</strong>" in html
    assert '<meta name="dcterms.created" content="2026-11-20">' in html
    assert '<meta name="dcterms.modified" content="2026-11-20">' in html
    assert '<html lang="en">' in html


def test_html_signature_lines_label_under_line() -> None:
    statement = StatementView(
        "Statement on origin",
        "The exporter ...",
        "en",
        "uk-dcts",
        signature_lines=(
            ("(Place and date)", "Pekalongan, 20 November 2026"),
            ("(Name and signature of the exporter)", ""),
        ),
    )
    html = render_html(make_view(statement=statement))
    assert ('<td><p class="signed">Pekalongan, 20 November 2026</p><p class="label">(Place and date)</p></td>') in html
    assert '<td><p class="signed"></p><p class="label">(Name and signature of the exporter)' in html


def test_html_without_statement_has_no_statement_block() -> None:
    html = render_html(make_view(statement=None))
    assert 'class="statement' not in html
    assert "Statement on origin" not in html
    assert "e-SKA" not in html


def test_html_excluded_lines_are_marked_and_explained() -> None:
    html = render_html(make_view(lines=3, excluded=(2,)))
    assert html.count('<tr class="excluded">') == 1
    assert '<span class="mark">*</span>&nbsp;<em>NOT ORIGINATING</em>' in html
    assert (
        '<p class="excluded-note"><span class="mark">*</span> '
        "Lines marked “Not originating” are not covered by the statement on origin (item 2).</p>"
    ) in html


@pytest.mark.parametrize("kind", ["invoice", "packing-list"])
def test_html_columns(kind: str) -> None:
    html = render_html(make_view(kind))
    headers = re.findall(r"<th(?: class=\"num\")?>([^<]*)</th>", html.split("<thead>")[1])
    if kind == "invoice":
        assert headers[:9] == [
            "No.", "Marks and numbers", "Description of goods", "HS code", "Quantity",
            "Unit", "Unit price EUR", "Amount EUR", "Origin criterion",
        ]  # fmt: skip
        assert "SAY: EURO FOUR THOUSAND" in html
    else:
        assert headers[:12] == [
            "No.", "Marks and numbers", "Description of goods", "HS code", "Quantity", "Unit",
            "Packages", "Kind", "Net kg", "Gross kg", "m³", "Origin criterion",
        ]  # fmt: skip
        assert "Total gross weight (kg)" in html
        assert "SAY:" not in html


# -- PDF: content and pages -------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize("kind", ["invoice", "packing-list"])
def test_pdf_text(renderer: Renderer, kind: str) -> None:
    view = make_view(kind, lines=5, excluded=(4,))
    text = pdf_text(renderer.pdf(view, attachment_json=SHIPMENT_JSON), layout=True)
    assert flat(EU_TEXT) in flat(text)
    assert "e-SKA authentic code: ESKA0042XYZ" in text
    assert "INV/2026/0042" in text
    assert "Stoffhaus Müller & Söhne GmbH" in text
    assert "IDREX0123456789012" in text
    assert "Page 1 of 1" in text
    for line in view.lines:
        assert f"L{int(line.number):03d}start" in text
        assert f"L{int(line.number):03d}end" in text
    assert "Lines marked “Not originating” are not covered by the statement on origin (item 4)." in text
    if kind == "invoice":
        assert "SAY: EURO FOUR THOUSAND SIX HUNDRED TWENTY AND 00/100 ONLY" in text
        assert re.search(r"Total EUR\s+4,620\.00", text)
    else:
        assert re.search(r"Total gross weight \(kg\)\s+99", text)


@needs_poppler
def test_pdf_without_statement(renderer: Renderer) -> None:
    text = pdf_text(renderer.pdf(make_view(statement=None)), layout=True)
    assert "INV/2026/0042" in text
    assert "STATEMENT ON ORIGIN" not in text.upper()
    assert "preferential origin" not in text


LONG_DESCRIPTION = (
    "hand-drawn batik scarf, natural dyes, 100% mulberry silk crêpe de Chine, rolled hem, "
    "100% mulberry silk crêpe de Chine, rolled hem,"
)


@needs_poppler
@pytest.mark.parametrize(("kind", "lines"), [("invoice", 60), ("packing-list", 60)])
def test_long_document_pages(renderer: Renderer, kind: str, lines: int) -> None:
    # Rows of five lines, so that a row can be cut (orphans and widows are 2). Without
    # "break-inside: avoid" rows are cut, and the closing block straddles two pages
    # (checked for these line counts).
    view = make_view(kind, lines=lines, excluded=(7, 30))
    view = dataclasses.replace(
        view,
        lines=tuple(
            dataclasses.replace(line, description=f"L{i:03d}start {LONG_DESCRIPTION} L{i:03d}end")
            for i, line in enumerate(view.lines, start=1)
        ),
    )
    pdf = renderer.pdf(view, attachment_json=SHIPMENT_JSON)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages >= 3
    texts = [pdf_text(pdf, layout=True, page=page) for page in range(1, pages + 1)]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert "INV/2026/0042" in text  # footer on every page
        if any(f"L{i:03d}start" in text for i in range(1, lines + 1)):
            assert "Description of goods" in text  # table header repeated
        last = number == pages
        assert ("STATEMENT ON ORIGIN" in text) is last
        assert (flat(EU_TEXT) in flat(text)) is last
        total = "Total EUR" if kind == "invoice" else "Total gross weight (kg)"
        assert (total in text) is last
    # No row is cut across pages: each line's first and last words are on the same page.
    for i in range(1, lines + 1):
        on = [n for n, text in enumerate(texts) if f"L{i:03d}start" in text]
        assert on == [n for n, text in enumerate(texts) if f"L{i:03d}end" in text], i
        assert len(on) == 1


# -- PDF: PDF/A-3, attachment, metadata, same bytes ------------------------------------


def test_pdfa_markers_and_attachment(renderer: Renderer) -> None:
    pdf = renderer.pdf(make_view(), attachment_json=SHIPMENT_JSON)
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    intents = root["/OutputIntents"]
    assert len(intents) == 1
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intents[0].get_object()
    assert dict(reader.attachments) == {"shipment.json": [SHIPMENT_JSON]}
    associated = [ref.get_object() for ref in root["/AF"]]
    assert len(associated) == 1
    filespec = associated[0]
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/UF"] == "shipment.json"
    assert filespec["/EF"]["/F"].get_object().get_data() == SHIPMENT_JSON
    assert filespec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"
    assert filespec["/EF"]["/F"].get_object()["/Params"]["/ModDate"] == "D:20261120000000Z"


def test_pdf_metadata_comes_from_the_view(renderer: Renderer) -> None:
    reader = PdfReader(io.BytesIO(renderer.pdf(make_view())))
    info = reader.metadata
    assert info is not None
    assert info.title == "COMMERCIAL INVOICE INV/2026/0042"
    assert info.author == "PT Batik Pesisir Nusantara"
    assert info["/Keywords"] == "commercial invoice, INV/2026/0042"
    assert info["/CreationDate"] == "D:20261120"
    assert info["/ModDate"] == "D:20261120"
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_same_bytes_twice_in_one_process(renderer: Renderer) -> None:
    first = renderer.pdf(make_view(lines=12), attachment_json=SHIPMENT_JSON)
    second = renderer.pdf(make_view(lines=12), attachment_json=SHIPMENT_JSON)
    assert first == second
    other_day = renderer.pdf(make_view(lines=12, date_iso="2026-11-21"), SHIPMENT_JSON)
    assert other_day != first  # the date is in the file: the comparison can fail


def test_same_bytes_in_another_process(renderer: Renderer) -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.path[:0] = ["tests", "tests/documents"]
        from test_render import SHIPMENT_JSON, make_view
        from rexdecl.documents.pdf import Renderer
        sys.stdout.buffer.write(Renderer().pdf(make_view(lines=12), SHIPMENT_JSON))
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "FONTCONFIG_FILE")}
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True).stdout
    assert other == renderer.pdf(make_view(lines=12), attachment_json=SHIPMENT_JSON)


def test_source_date_epoch_is_restored(renderer: Renderer, monkeypatch: Any) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    renderer.pdf(make_view())
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_invalid_document_date(renderer: Renderer) -> None:
    with pytest.raises(RenderError, match="invalid document date '20/11/2026'"):
        renderer.pdf(make_view(date_iso="20/11/2026"))


# -- fonts ------------------------------------------------------------------------------


def embedded_fonts(pdf: bytes, tmp_path: Path) -> list[str]:
    """Font names pdffonts lists, without the subset tag."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:]]


@needs_poppler
def test_only_bundled_fonts_are_embedded(renderer: Renderer, tmp_path: Path) -> None:
    # The rupee sign is not in Liberation Sans: it comes from the bundled fallback.
    view = make_view(notes="Rupee \u20b9, Tiếng Việt, Łódź, Ağrı, Dvořák")
    names = embedded_fonts(renderer.pdf(view), tmp_path)
    assert all(name.startswith(("Liberation-Sans", "Noto-Sans")) for name in names), names
    assert "Noto-Sans" in names


@needs_poppler
def test_font_lookup_is_confined(renderer: Renderer, tmp_path: Path) -> None:
    # Braille, a symbol and CJK are in no bundled font but in common system fonts (DejaVu
    # Sans, Noto CJK). Rendered with the renderer's font configuration and stylesheet but
    # past its checks (which refuse such text), none of those fonts may be embedded.
    from rexdecl.documents.engine import engine

    engine = engine()
    html = render_html(make_view(notes="Braille \u2801\u2803 symbol \u2318 CJK \u4e2d\u6587"))
    pdf = engine.weasyprint.HTML(string=html, base_url=engine.base_url, url_fetcher=engine.fetcher_class()).write_pdf(
        font_config=engine.font_config, stylesheets=[engine.stylesheet]
    )
    names = embedded_fonts(pdf, tmp_path)
    assert names
    assert all(name.startswith(("Liberation-Sans", "Noto-Sans")) for name in names), names


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("notes", {"notes": "Braille \u2801"}),
        ("description", {"lines": (make_line(1, description="Silk \u4e2d\u6587 scarf"),)}),
    ],
)
def test_a_character_no_font_has_stops_the_render(renderer: Renderer, field: str, change: dict[str, Any]) -> None:
    with pytest.raises(RenderError, match=f"^{field} .*U\\+(2801|4E2D) ") as caught:
        renderer.pdf(dataclasses.replace(make_view(), **change))
    assert "would print as an empty box" in caught.value.message


def test_rendering_emits_no_weasyprint_warnings(renderer: Renderer, caplog: Any) -> None:
    from rexdecl.documents.assets import STYLESHEET
    from rexdecl.documents.engine import engine

    engine = engine()
    with caplog.at_level("WARNING", logger="weasyprint"):
        # The stylesheet as the engine parses it once per process, then a document.
        engine.weasyprint.CSS(
            url=engine.base_url + STYLESHEET,
            url_fetcher=engine.fetcher_class(),
            font_config=engine.font_config,
            color_profiles={},
        )
        renderer.pdf(make_view("packing-list", lines=4, excluded=(2,)), SHIPMENT_JSON)
    assert [record.getMessage() for record in caplog.records] == []


# -- confinement ------------------------------------------------------------------------


@needs_poppler
def test_hostile_text_is_printed_and_nothing_is_fetched(
    renderer: Renderer, tmp_path: Path, http_server: tuple[int, list[str]]
) -> None:
    port, requests = http_server
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-6f1d2c7e-NOT-TO-BE-EMBEDDED")
    hostile = _hostile(port, secret)
    base = make_view(lines=2)
    view = dataclasses.replace(
        base,
        notes="\n".join(hostile),
        lines=(*base.lines, *(make_line(3 + i, description=h) for i, h in enumerate(hostile))),
        consignee=dataclasses.replace(base.consignee, name=hostile[1]),
        particulars=(("vessel", hostile[4]), ("port_of_loading", hostile[6])),
        exporter=dataclasses.replace(base.exporter, address_lines=(hostile[5],)),
    )
    pdf = renderer.pdf(view, attachment_json=SHIPMENT_JSON)
    text = pdf_text(pdf, layout=True)
    for string in hostile:
        assert string in text  # the notes print each on its own line
    assert requests == []
    reader = PdfReader(io.BytesIO(pdf))
    assert dict(reader.attachments) == {"shipment.json": [SHIPMENT_JSON]}
    streams = all_stream_bytes(pdf)
    assert b"SECRET-6f1d2c7e" not in pdf
    assert b"SECRET-6f1d2c7e" not in streams
    hostname = Path("/etc/hostname").read_bytes().strip() if Path("/etc/hostname").is_file() else b""
    if len(hostname) >= 8:  # a short name (e.g. "vm") occurs by chance in binary data
        assert hostname not in pdf
        assert hostname not in streams
    # The server does count requests: the assertion above could fail.
    urllib.request.urlopen(f"http://127.0.0.1:{port}/probe", timeout=5).close()
    assert requests == ["/probe"]


@pytest.mark.parametrize(
    "logo_url",
    ["file:///etc/hostname", "file:///etc/passwd", "data:image/png;base64,iVBORw0KGgo="],
)
def test_a_refused_resource_stops_the_render(renderer: Renderer, logo_url: str) -> None:
    with pytest.raises(RenderError, match=re.escape(repr(logo_url))) as caught:
        renderer.pdf(make_view(logo_url=logo_url))
    assert "refused" in caught.value.message


def test_a_remote_resource_is_refused_without_a_request(renderer: Renderer, http_server: tuple[int, list[str]]) -> None:
    port, requests = http_server
    url = f"http://127.0.0.1:{port}/logo.png"
    with pytest.raises(RenderError, match=re.escape(url)):
        renderer.pdf(make_view(logo_url=url))
    assert requests == []


def test_resolve_asset(tmp_path: Path) -> None:
    root = templates_dir()
    assert resolve_asset(root.as_uri() + "/style.css") == root / "style.css"
    assert resolve_asset(root.as_uri() + "/fonts/../style.css") == root / "style.css"
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"png")
    assert resolve_asset(logo.as_uri(), [logo.resolve()]) == logo.resolve()
    refused = [
        "file:///etc/passwd",
        root.as_uri() + "/../pyproject.toml",
        root.as_uri() + "/%2e%2e/pyproject.toml",
        root.as_uri() + "/missing.css",
        root.as_uri() + "/fonts",  # a folder
        logo.as_uri(),  # not allowed in this call
        "file://example.org" + (root / "style.css").as_posix(),
        "http://127.0.0.1:9/style.css",
        "https://example.org/style.css",
        "data:text/css,body{}",
        "style.css",
    ]
    for url in refused:
        with pytest.raises(RenderError, match="refused"):
            resolve_asset(url, [tmp_path / "other.png"])


def test_resolve_asset_follows_no_symlink_out(tmp_path: Path, monkeypatch: Any) -> None:
    root = tmp_path / "templates"
    root.mkdir()
    (root / "style.css").write_text("body {}")
    (root / "escape.css").symlink_to("/etc/hostname")
    monkeypatch.setattr("rexdecl.documents.fetcher.templates_dir", lambda: root.resolve())
    assert resolve_asset((root / "style.css").as_uri()) == (root / "style.css").resolve()
    with pytest.raises(RenderError, match="escape.css"):
        resolve_asset((root / "escape.css").as_uri())
    link = tmp_path / "logo.png"
    link.symlink_to("/etc/hostname")
    with pytest.raises(RenderError):
        resolve_asset(link.as_uri(), [link])  # the allow-list holds real paths


def test_logo(renderer: Renderer, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (150, 30, 30)).save(logo)
    html = renderer.html(make_view(), logo_path=logo)
    assert f'<img class="logo" src="{logo.resolve().as_uri()}"' in html
    pdf = renderer.pdf(make_view(), logo_path=logo)
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 1
    assert "<img" not in render_html(make_view())  # no logo without one


def test_a_logo_that_is_not_an_image_stops_the_render(renderer: Renderer, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_text("not an image")
    with pytest.raises(RenderError, match="could not be rendered completely"):
        renderer.pdf(make_view(), logo_path=logo)
    with pytest.raises(RenderError, match="missing.png"):
        renderer.pdf(make_view(), logo_path=tmp_path / "missing.png")


def test_missing_system_libraries() -> None:
    code = textwrap.dedent(
        """
        import importlib.abc, sys

        class NoPango(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "weasyprint":
                    raise OSError("cannot load library 'libpango-1.0-0': not found")

        sys.meta_path.insert(0, NoPango())
        from rexdecl.errors import RenderingUnavailable
        from rexdecl.documents.pdf import Renderer
        try:
            Renderer()
        except RenderingUnavailable as error:
            print(error.message)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    message = result.stdout.strip()
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in message
    assert "brew install pango" in message
    assert "\n" not in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert result.stderr == ""
