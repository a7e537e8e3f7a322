"""The short user-agent stylesheet (templates/ua.css) gives the same documents as
WeasyPrint's full one: byte for byte, for every shipped example and for views exercising
every branch of the templates (logo, excluded lines, signature lines, no statement, several
pages). A template that starts using an element whose user-agent rules were not copied into
ua.css changes the layout and fails here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_render import make_view

from rexdecl.documents.assets import templates_dir
from rexdecl.documents.pdf import Renderer
from rexdecl.documents.viewmodel import build_views
from rexdecl.documents.views import DocumentView
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))
AS_OF = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@contextmanager
def full_user_agent_sheet(renderer: Renderer) -> Iterator[None]:
    """Render with plain ``weasyprint.HTML``, i.e. WeasyPrint's own user-agent sheet."""
    engine = renderer._engine
    ours = engine.document_html
    engine.document_html = engine.weasyprint.HTML
    try:
        yield
    finally:
        engine.document_html = ours


def assert_same_pdf(renderer: Renderer, view: DocumentView, logo: Path | None = None) -> None:
    short = renderer.pdf(view, b"{}", logo_path=logo)
    with full_user_agent_sheet(renderer):
        full = renderer.pdf(view, b"{}", logo_path=logo)
    assert short == full, f"{view.kind} {view.invoice_number}: ua.css lays the document out differently"


def test_the_short_sheet_is_in_use(renderer: Renderer) -> None:
    engine = renderer._engine
    assert engine.document_html is not engine.weasyprint.HTML
    assert [sheet for sheet in engine.document_html(string="<p>x</p>")._ua_stylesheets()] != [
        sheet for sheet in engine.weasyprint.HTML(string="<p>x</p>")._ua_stylesheets()
    ]


def test_the_sheet_covers_every_element_the_templates_write() -> None:
    templates = templates_dir()
    written = set()
    for name in ("base.html.j2", "invoice.html.j2", "packing-list.html.j2"):
        written |= set(re.findall(r"<([a-z][a-z0-9]*)", (templates / name).read_text()))
    header = (templates / "ua.css").read_text().split("*/", 1)[0]
    listed = set(header.split("templates write:", 1)[1].split(". Each rule", 1)[0].split())
    assert written <= listed, f"elements missing from ua.css: {sorted(written - listed)}"


@pytest.mark.parametrize("workbook", EXAMPLES, ids=lambda path: path.stem)
def test_examples_render_identically(renderer: Renderer, workbook: Path) -> None:
    checked = check_workbook(workbook, CheckOptions(as_of=AS_OF))
    for view in build_views(checked.facts):
        assert_same_pdf(renderer, view)


@pytest.mark.parametrize(
    "kind,changes",
    [
        ("invoice", {"excluded": (2,)}),
        ("packing-list", {"excluded": (1, 3)}),
        ("invoice", {"statement": None, "notes": ""}),
        ("invoice", {"lines": 70}),  # several pages: header repeated, footer with page x of y
    ],
)
def test_template_branches_render_identically(renderer: Renderer, kind: str, changes: dict) -> None:
    assert_same_pdf(renderer, make_view(kind, **changes))


def test_signature_lines_and_logo_render_identically(renderer: Renderer, tmp_path: Path) -> None:
    from PIL import Image

    view = make_view()
    assert view.statement is not None
    signed = dataclasses.replace(
        view,
        statement=dataclasses.replace(
            view.statement, signature_lines=(("Place and date", "Jepara, 20 November 2026"), ("Name", "Sri Wahyuni"))
        ),
    )
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (150, 30, 30)).save(logo)
    assert_same_pdf(renderer, signed, logo)
