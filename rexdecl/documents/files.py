"""``generate``: a checked shipment's invoice and packing list as PDF (and HTML) files.

Nothing is written when the check found an error, when an output already exists (without
``force``), or when rendering fails; files appear atomically (temporary file, rename).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rexdecl import limits
from rexdecl.documents.logo import check_logo_content, logo_kind
from rexdecl.documents.viewmodel import build_views, shipment_json
from rexdecl.errors import UsageError
from rexdecl.i18n import _
from rexdecl.output import prepare_folder, refuse_existing, write_all
from rexdecl.pipeline import Checked

DOCUMENT_KINDS = ("invoice", "packing-list")


@dataclass(frozen=True)
class GenerateOptions:
    out_dir: Path | None = None  # default: the workbook's folder
    force: bool = False
    html: bool = False
    no_statement: bool = False
    logo: Path | None = None


def safe_name(invoice_number: str) -> str:
    """The invoice number as a file name: every character outside ``A-Za-z0-9._-`` -> ``-``."""
    name = re.sub(r"[^A-Za-z0-9._-]", "-", invoice_number)
    return name if name.strip(".") else name.replace(".", "-")


def output_paths(folder: Path, invoice_number: str, html: bool) -> list[Path]:
    base = safe_name(invoice_number)
    paths = [folder / f"{base}_{kind}.pdf" for kind in DOCUMENT_KINDS]
    if html:
        paths += [folder / f"{base}_{kind}.html" for kind in DOCUMENT_KINDS]
    return paths


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


def render_documents(checked: Checked, options: GenerateOptions, renderer) -> list[tuple[str, bytes, bytes | None]]:  # type: ignore[no-untyped-def]
    """``(kind, pdf bytes, html bytes or None)`` for the invoice and the packing list."""
    ctx = checked.facts
    views = build_views(ctx, with_statement=not options.no_statement)
    attachment = shipment_json(ctx, checked.findings, views.statement_text)
    rendered: list[tuple[str, bytes, bytes | None]] = []
    for view in views:
        pdf = renderer.pdf(view, attachment_json=attachment, attachment_name="shipment.json", logo_path=options.logo)
        html = renderer.html(view, logo_path=options.logo).encode("utf-8") if options.html else None
        rendered.append((view.kind, pdf, html))
    return rendered


def document_files(checked: Checked, options: GenerateOptions, renderer: Any) -> list[tuple[Path, bytes]]:
    """The documents of a checked shipment rendered in memory, each with the path it is to be
    written to: nothing is written yet except the output folder, created when missing.
    Refuses (UsageError) an invoice number too long to name files, and existing outputs
    without ``force`` (before rendering: refusing costs nothing)."""
    assert not checked.report.errors, "documents are written only for shipments without error"
    from rexdecl.documents.cost import check_printable

    check_printable(checked.facts)  # before anything is rendered
    invoice_number = checked.input.shipment.invoice_number or "invoice"
    if len(safe_name(invoice_number)) > limits.MAX_FILE_STEM:
        raise UsageError(
            _(
                "{place}: the invoice number is {length} characters long, too long to name the "
                "output files; expected at most {limit} characters"
            ).format(
                place=checked.input.shipment.where("invoice_number"),
                length=f"{len(invoice_number):,}",
                limit=limits.MAX_FILE_STEM,
            )
        )
    folder = options.out_dir if options.out_dir is not None else Path(checked.input.path).parent
    prepare_folder(folder)
    paths = output_paths(folder, invoice_number, options.html)
    if not options.force:
        refuse_existing(paths)
    rendered = render_documents(checked, options, renderer)
    files: list[tuple[Path, bytes]] = []
    for (_kind, pdf, _html), path in zip(rendered, paths[:2], strict=True):
        files.append((path, pdf))
    if options.html:
        for (_kind, _pdf, html), path in zip(rendered, paths[2:], strict=True):
            assert html is not None
            files.append((path, html))
    return files


def write_documents(checked: Checked, options: GenerateOptions, renderer: Any) -> list[Path]:
    """Render both documents and write them; the caller has made sure there is no error."""
    return write_all(document_files(checked, options, renderer), overwrite=options.force)
