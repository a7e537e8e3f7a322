"""Stamp's one door to the document renderer (:mod:`rexdecl.documents`): its Jinja
environment, its WeasyPrint engine (bundled fonts, confined fetcher, the documents' parsed
stylesheet), its check that the bundled fonts print a shipment's text, and the project's own
template files. The renderer is imported when first used: ``import rexdecl.stamp`` loads no
WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rexdecl.errors import RenderError

if TYPE_CHECKING:
    from rexdecl.rules.facts import ShipmentFacts


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered HTML page as PDF: its bytes, its pages and the anchors of its first page
    (element id → position in CSS pixels)."""

    data: bytes
    pages: int
    anchors: dict[str, Any]


def check_printable(ctx: ShipmentFacts) -> None:
    """Refuse a shipment whose statement block the bundled fonts cannot print (the block has
    no line table), before anything is read or rendered."""
    from rexdecl.documents.cost import check_printable as check_document_printable

    check_document_printable(ctx, line_table=False)


def render_html(template: str, **values: Any) -> str:
    """The template ``template`` of the project's templates, rendered with ``values`` and the
    name of the generator."""
    from rexdecl.documents.html import GENERATOR, environment

    return environment().get_template(template).render(**values, generator=GENERATOR)


def template_text(name: str) -> str:
    """The text of the project's template file ``name`` (a stylesheet)."""
    return template_bytes(name).decode("utf-8")


def template_bytes(name: str) -> bytes:
    """The bytes of the project's template file ``name`` (a stylesheet, the sRGB profile);
    :class:`~rexdecl.errors.RenderError` when the installation lacks it."""
    from rexdecl.documents.assets import templates_dir

    path = templates_dir() / name
    try:
        return path.read_bytes()
    except OSError:
        raise RenderError(f"the document templates are missing: {path} not found", hint="Reinstall rexdecl.") from None


def render_pdf(html: str, css: str, what: str, pdf_version: str | None = None) -> RenderedPdf:
    """``html`` as PDF with the renderer's engine, the documents' stylesheet then ``css``
    applied; as PDF ``pdf_version`` when given. A resource refused or unusable raises
    :class:`~rexdecl.errors.RenderError` naming ``what`` was rendered."""
    from rexdecl.documents.engine import engine as process_engine  # one per process: fonts and stylesheet parsed once

    engine = process_engine()
    weasyprint = engine.weasyprint
    fetcher = engine.fetcher_class()
    with engine.guard(what):
        stylesheet = weasyprint.CSS(
            string=css,
            base_url=engine.base_url,
            url_fetcher=fetcher,
            font_config=engine.font_config,
        )
        document = weasyprint.HTML(string=html, base_url=engine.base_url, url_fetcher=fetcher).render(
            font_config=engine.font_config,
            color_profiles=engine.color_profiles,
            stylesheets=[engine.stylesheet, stylesheet],
        )
        anchors = document.pages[0].anchors
        data = document.write_pdf(pdf_version=pdf_version)
    return RenderedPdf(data, len(document.pages), anchors)
