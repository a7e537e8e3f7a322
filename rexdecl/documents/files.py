"""The files of a shipment's documents: the names they are written under (from the invoice
number), the exporter's logo file they print, checked before any work, and their bytes
rendered from the views (:func:`render_files`). Writing them is the pipeline's step
(:mod:`rexdecl.pipeline`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rexdecl import limits
from rexdecl.documents.logo import check_logo_content, logo_kind
from rexdecl.errors import UsageError
from rexdecl.i18n import _, format_count
from rexdecl.model import Shipment

if TYPE_CHECKING:
    from rexdecl.documents.pdf import Renderer
    from rexdecl.documents.viewmodel import DocumentViews

DOCUMENT_KINDS = ("invoice", "packing-list")


def safe_name(invoice_number: str) -> str:
    """The invoice number as a file name: every character outside ``A-Za-z0-9._-`` -> ``-``."""
    name = re.sub(r"[^A-Za-z0-9._-]", "-", invoice_number)
    return name if name.strip(".") else name.replace(".", "-")


def output_paths(folder: Path, invoice_number: str, html: bool) -> list[Path]:
    """The files of the documents in ``folder``: the PDFs, then (``html``) the HTML, each
    in the order of :data:`DOCUMENT_KINDS`."""
    base = safe_name(invoice_number)
    paths = [folder / f"{base}_{kind}.pdf" for kind in DOCUMENT_KINDS]
    if html:
        paths += [folder / f"{base}_{kind}.html" for kind in DOCUMENT_KINDS]
    return paths


def file_invoice_number(shipment: Shipment) -> str:
    """The invoice number the files are named after (``invoice`` without one); UsageError
    (exit 2) when it is too long to name a file."""
    invoice_number = shipment.invoice_number or "invoice"
    if len(safe_name(invoice_number)) > limits.MAX_FILE_STEM:
        raise UsageError(
            _(
                "{place}: the invoice number is {length} characters long, too long to name the "
                "output files; expected at most {limit} characters"
            ).format(
                place=shipment.where("invoice_number"),
                length=format_count(len(invoice_number)),
                limit=limits.MAX_FILE_STEM,
            )
        )
    return invoice_number


def check_logo(logo: Path | None) -> Path | None:
    """The real path of a usable logo file, or UsageError (exit 2) saying why not.

    Only the file the user named is read, and only when its name says it is an image;
    its content must then be one too (a text file renamed logo.png is refused here, not
    half-way through rendering), and one that costs little to draw: the size and depth a
    PNG or JPEG declares, what an SVG draws once its references are followed
    (:mod:`rexdecl.documents.logo`; the limits are in :mod:`rexdecl.limits`).
    """
    if logo is None:
        return None
    if not logo.is_file():
        raise UsageError(_("{path}: logo file not found; expected a PNG or SVG file").format(path=logo))
    if logo.suffix.lower() not in (".png", ".svg", ".jpg", ".jpeg"):
        raise UsageError(_("{path}: the logo must be a PNG, JPEG or SVG file").format(path=logo))
    if logo.stat().st_size > limits.MAX_LOGO_BYTES:
        raise UsageError(
            _("{path}: the logo is larger than {limit} MB").format(
                path=logo, limit=limits.MAX_LOGO_BYTES // (1024 * 1024)
            )
        )
    try:
        with open(logo, "rb") as handle:
            data = handle.read(limits.MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise UsageError(
            _("{path}: the logo cannot be read ({reason})").format(path=logo, reason=exc.strerror or exc)
        ) from None
    if logo_kind(data[:4096]) is None:
        raise UsageError(
            _(
                "{path}: the file is not a PNG, JPEG or SVG image (its content does not "
                "match); expected the exporter's logo"
            ).format(path=logo)
        )
    check_logo_content(logo, data)
    return logo.resolve()


def render_files(
    views: DocumentViews,
    attachment: bytes,
    paths: Sequence[Path],
    renderer: Renderer,
    *,
    html: bool = False,
    logo: Path | None = None,
) -> list[tuple[Path, bytes]]:
    """Each document of ``views`` rendered, paired with its path of ``paths`` (from
    :func:`output_paths`: the PDFs, then with ``html`` the HTML). Every PDF carries
    ``attachment`` (the shipment's data) as ``shipment.json``."""
    pdfs: list[bytes] = []
    pages: list[bytes] = []
    for view in views:
        pdfs.append(renderer.pdf(view, attachment_json=attachment, attachment_name="shipment.json", logo_path=logo))
        if html:
            pages.append(renderer.html(view, logo_path=logo).encode("utf-8"))
    return list(zip(paths, [*pdfs, *pages], strict=True))
