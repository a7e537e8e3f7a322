"""The one path of a shipment: read → check → (stop on errors) → documents → write → record.

Each step is a function, and :func:`generate` runs them in order for ``rexdecl generate``;
batch's workers (:mod:`rexdecl.batch.shipment`) and the demo (:mod:`rexdecl.demo`) compose
the same steps with their own handling between them, and :func:`stamp_document` takes the
path as far as the check and stamps the exporter's own PDF instead of rendering documents.
What a step works out is handed on, never worked out again: the facts and findings of the
check (:class:`~rexdecl.checked.Checked`, with the workbook's hash taken by the reader), the
documents' view-model with its statement text and totals (:class:`Documents`), which the
register records. Heavy modules (WeasyPrint, pypdf, SQLite) are loaded only by the steps that
use them: ``rexdecl check`` loads none of them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rexdecl.checked import Checked
from rexdecl.errors import UsageError
from rexdecl.i18n import _
from rexdecl.input.registration import RegistrationData, resolve_registration
from rexdecl.input.workbook import read_shipment
from rexdecl.output import StagedFiles, prepare_folder, refuse_existing, write_all
from rexdecl.paths import display_path, stat_or_none
from rexdecl.report import build_report
from rexdecl.rules import CheckOptions, check_shipment, resolve_shipment

if TYPE_CHECKING:
    from rexdecl.documents.pdf import Renderer
    from rexdecl.documents.viewmodel import DocumentViews
    from rexdecl.register.records import Recorded
    from rexdecl.register.store import Register
    from rexdecl.stamp.outcome import StampResult

__all__ = [
    "Checked",
    "Documents",
    "GenerateOptions",
    "Generated",
    "StampedShipment",
    "check_workbook",
    "generate",
    "record_documents",
    "render_documents",
    "stamp_document",
    "write_documents",
]


# --- read and check --------------------------------------------------------------------


def check_workbook(
    path: str | os.PathLike[str],
    options: CheckOptions,
    registration_file: str | os.PathLike[str] | None = None,
    registrations: RegistrationData | None = None,
) -> Checked:
    """Read ``path`` and check it. Raises UnreadableInput (exit 2) for unusable input.

    ``registrations`` lets a batch pass data it already read; otherwise the registration is
    resolved as the format says (--registration, Exporter sheet, registration.toml beside).
    """
    with _collector_paused():
        shipment_input = read_shipment(Path(path))
        if registrations is None or shipment_input.exporter_sheet:
            registrations = resolve_registration(shipment_input, Path(registration_file) if registration_file else None)
        facts = resolve_shipment(shipment_input, registrations, options)
        findings = check_shipment(facts)
        return Checked(facts, findings, build_report(facts, findings))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a workbook is read and checked.

    The check builds objects that live until it ends (cells, lines, findings) and makes
    almost no reference cycles: the collector would traverse the growing heap again and again
    (an eighth of the time of a 100,000-line check) and find nothing to free. Reference
    counting still frees memory; a collection afterwards takes the few cycles.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# --- documents -------------------------------------------------------------------------


@dataclass(frozen=True)
class GenerateOptions:
    """Where and how the documents are written (with or without a statement is the check's
    option, :class:`~rexdecl.rules.CheckOptions`)."""

    out_dir: Path | None = None  # default: the workbook's folder
    force: bool = False  # replace existing outputs
    html: bool = False  # also write the HTML of each document
    logo: Path | None = None  # the exporter's logo, checked (documents.files.check_logo)


@dataclass(frozen=True)
class Documents:
    """A checked shipment's documents rendered in memory, not written yet: the view-model they
    were built from (its statement text and totals are what the register records) and each
    file's path and bytes."""

    views: DocumentViews
    files: tuple[tuple[Path, bytes], ...]

    @property
    def paths(self) -> list[Path]:
        return [path for path, _data in self.files]


def render_documents(checked: Checked, options: GenerateOptions, renderer: Renderer) -> Documents:
    """The documents of a checked shipment without error, rendered in memory with the path
    each is to be written to; nothing is written yet except the output folder, created when
    missing. What refusing costs nothing is refused before rendering (UsageError): a shipment
    too costly to print, an invoice number too long to name files, an unusable output folder,
    and existing outputs without ``force``."""
    assert not checked.report.errors, "documents are made only for shipments without error"
    from rexdecl.documents.cost import check_printable
    from rexdecl.documents.files import file_invoice_number, output_paths, render_files
    from rexdecl.documents.viewmodel import build_views, shipment_json

    facts = checked.facts
    check_printable(facts)
    invoice_number = file_invoice_number(checked.input.shipment)
    folder = options.out_dir if options.out_dir is not None else Path(checked.input.path).parent
    prepare_folder(folder)
    paths = output_paths(folder, invoice_number, options.html)
    if not options.force:
        refuse_existing(paths)
    views = build_views(facts, with_statement=not facts.options.no_statement)
    attachment = shipment_json(facts, checked.findings, views.statement_text)
    files = render_files(views, attachment, paths, renderer, html=options.html, logo=options.logo)
    return Documents(views, tuple(files))


# --- write and record ------------------------------------------------------------------


def write_documents(documents: Documents, overwrite: bool) -> list[Path]:
    """Write the documents all-or-nothing as far as the file system allows: each file
    atomically, existing ones refused first unless ``overwrite``, the ones already written
    taken back when a later one fails (:class:`rexdecl.output.StagedFiles`)."""
    return write_all(list(documents.files), overwrite=overwrite)


def record_documents(
    register: Register, checked: Checked, documents: Documents, overwrite: bool
) -> tuple[list[Path], Recorded]:
    """Write the documents of a checked shipment and record its statement, in one step that
    either completes or leaves nothing (``generate --register PATH``).

    The register is held for writing before any file is written; the files are written
    atomically; the record is added and committed. If anything fails, the transaction is
    rolled back and the files written are removed again (a file replaced with ``overwrite``
    stays, complete)."""
    from rexdecl.register.hashes import input_hash
    from rexdecl.register.records import DocumentFile, statement_record

    options = checked.facts.options
    digest = input_hash(
        workbook_sha256=checked.input.sha256,
        entry=checked.facts.entry,
        as_of=options.as_of,
        statement_language=options.statement_language,
        no_statement=options.no_statement,
        consignment_others=options.consignment_others,
        html=any(path.suffix == ".html" for path in documents.paths),
    )
    record = statement_record(checked, views=documents.views, input_hash=digest, command="generate")
    files = [DocumentFile(path, hashlib.sha256(data).hexdigest(), len(data)) for path, data in documents.files]
    staged = StagedFiles(documents.files, overwrite)
    try:
        recorded = register.record(record, files, write=staged.write)
    except BaseException:
        staged.undo()
        raise
    return documents.paths, recorded


# --- the whole path --------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """What ``generate`` did: the check, and the files written (none when the check found
    errors) with their record in the register (when one was named)."""

    checked: Checked
    written: tuple[Path, ...] = ()
    recorded: Recorded | None = None


def generate(
    workbook: Path,
    options: CheckOptions,
    documents: GenerateOptions,
    registration_file: Path | None = None,
    register_path: Path | None = None,
    renderer: Renderer | None = None,
) -> Generated:
    """Check ``workbook`` and, when the check finds no error, write its documents (and record
    them in the register at ``register_path``, in the same step).

    The logo and the output folder are refused before the check (UsageError). With a
    register, it is opened and checked (ours, schema, pages, writable) before anything is
    rendered or written. ``renderer`` defaults to a new one.
    """
    from rexdecl.documents.files import check_logo

    documents = replace(documents, logo=check_logo(documents.logo))
    out_dir = documents.out_dir
    if out_dir is not None and stat_or_none(out_dir) is not None and not out_dir.is_dir():
        raise UsageError(
            _("{path} is a file, not a folder; expected an output folder (--out)").format(path=display_path(out_dir))
        )
    checked = check_workbook(workbook, options, registration_file)
    if checked.report.errors:
        return Generated(checked)
    if register_path is None:
        made = render_documents(checked, documents, renderer or _new_renderer())
        return Generated(checked, tuple(write_documents(made, overwrite=documents.force)))
    from rexdecl.register.store import Register

    with Register(register_path) as register:
        made = render_documents(checked, documents, renderer or _new_renderer())
        written, recorded = record_documents(register, checked, made, overwrite=documents.force)
    return Generated(checked, tuple(written), recorded)


def _new_renderer() -> Renderer:
    from rexdecl.documents.pdf import Renderer

    return Renderer()


@dataclass(frozen=True)
class StampedShipment:
    """What ``stamp`` did: the check, and the stamped document (None when the check found
    errors: nothing was written)."""

    checked: Checked
    result: StampResult | None = None


def stamp_document(
    document: Path,
    workbook: Path,
    options: CheckOptions,
    out: Path | None = None,
    force: bool = False,
    registration_file: Path | None = None,
) -> StampedShipment:
    """Check ``workbook`` and, when the check finds no error, add its statement on origin to
    the exporter's own PDF ``document`` (:func:`rexdecl.stamp.stamp_pdf`). A missing
    document and an output that would replace something are refused before the check
    (UsageError)."""
    from rexdecl.stamp import output_path, stamp_pdf

    if not document.is_file():
        raise UsageError(
            _("{path}: file not found; expected the exporter's invoice or packing list as PDF").format(path=document)
        )
    target = output_path(document, out, force)  # refusing costs nothing: before the work
    checked = check_workbook(workbook, options, registration_file)
    if checked.report.errors:
        return StampedShipment(checked)
    return StampedShipment(checked, stamp_pdf(document, checked, target, force))
