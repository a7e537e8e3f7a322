"""A document view as HTML: the Jinja environment, built once, and the templates it renders.

Autoescaping for every template whatever its extension and strict undefined: a value of the
view is always data, never markup, and a name the view lacks stops the render. Needs no
WeasyPrint (the PDF renderer applies the stylesheet).
"""

from __future__ import annotations

import functools

import jinja2

from rexdecl import __version__
from rexdecl.documents.assets import templates_dir
from rexdecl.documents.views import DocumentView
from rexdecl.errors import RenderError

__all__ = ["GENERATOR", "TEMPLATE_NAMES", "document_title", "environment", "render_html"]

TEMPLATE_NAMES = {"invoice": "invoice.html.j2", "packing-list": "packing-list.html.j2"}
GENERATOR = f"rexdecl {__version__}"


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment, built once: autoescaping for every template, strict undefined."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,  # select_autoescape() would not escape *.html.j2
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def render_html(view: DocumentView, first: bool = True, last: bool = True) -> str:
    """The HTML of one document (no stylesheet link: the renderer applies it), or of one part
    of it (rexdecl.documents.chunks): ``first`` prints the heading, parties and particulars,
    ``last`` the closing (totals, statement, signature).

    Does not need WeasyPrint.
    """
    name = TEMPLATE_NAMES.get(view.kind)
    if name is None:
        raise RenderError(f"no template for documents of kind {view.kind!r}")
    try:
        return environment().get_template(name).render(view=view, generator=GENERATOR, part_first=first, part_last=last)
    except jinja2.TemplateError as error:
        raise RenderError(f"template error while rendering {view.kind}: {error}") from error


def document_title(kind: str) -> str:
    """The title the template of a kind of document prints ("COMMERCIAL INVOICE"; "" for an
    unknown kind), for messages: the template's ``title`` block is its one source."""
    name = TEMPLATE_NAMES.get(kind)
    if name is None:
        return ""
    template = environment().get_template(name)
    return "".join(template.blocks["title"](template.new_context()))
