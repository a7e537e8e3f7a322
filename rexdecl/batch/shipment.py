"""The work on one shipment, done in a worker process: the survey (read and check a workbook,
with the hash the reader takes: what planning needs to know of it) and the processing (check
again, render and write the documents atomically, through :mod:`rexdecl.pipeline`'s steps).
Both return plain values: they cross processes, and one bad workbook never stops the others.
The parent records what a worker wrote (:mod:`rexdecl.batch.recording`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rexdecl.batch.results import ERRORS, OK, UNREADABLE, describe_bug
from rexdecl.errors import RexdeclError, UsageError
from rexdecl.i18n import _
from rexdecl.paths import display_path

if TYPE_CHECKING:
    from rexdecl.checked import Checked
    from rexdecl.input.registration import RegistrationData
    from rexdecl.model import Registration
    from rexdecl.register.records import StatementRecord

__all__ = [
    "Outcome",
    "ProcessJob",
    "Survey",
    "SurveyJob",
    "prepare_renderer",
    "process_shipment",
    "remove_stale_parts",
    "survey_workbook",
]

# Temporary files of rexdecl.output.atomic_write_bytes: ".<name>.<random>.part".
_PART_FILE = re.compile(r"^\..+\.(pdf|html)\.[A-Za-z0-9_]+\.part$")

# The worker's renderer: built once per worker process by prepare_renderer (called by the
# pool's initializer; with --jobs 1, on first use in this process), reused for every document.
_renderer: Any = None
_renderer_error: RexdeclError | None = None


def prepare_renderer() -> None:
    """Build this process's renderer now (a worker's start, :func:`rexdecl.batch.workers.init_worker`);
    an error is kept and reported by the first shipment that needs the renderer."""
    global _renderer, _renderer_error
    try:
        from rexdecl.documents.pdf import Renderer

        _renderer = Renderer()
    except RexdeclError as error:  # reported by the first shipment that needs it
        _renderer_error = error


def _get_renderer() -> Any:
    global _renderer
    if _renderer_error is not None:
        raise _renderer_error
    if _renderer is None:
        from rexdecl.documents.pdf import Renderer

        _renderer = Renderer()
    return _renderer


@dataclass(frozen=True)
class Survey:
    """What the survey learnt of one workbook (plain values: it crosses processes)."""

    sha256: str | None = None
    unreadable: str | None = None
    internal: str | None = None
    trace: str | None = None
    invoice_number: str | None = None
    consignment_ref: str | None = None
    exporter_key: str | None = None
    threshold_currency: str | None = None
    value: Decimal | None = None  # originating value in the threshold currency
    entry: Registration | None = None


@dataclass(frozen=True)
class SurveyJob:
    path: Path
    registration_file: Path | None
    registrations: RegistrationData | None
    as_of: dt.date
    statement_language: str | None
    no_statement: bool
    traceback: bool = False


def survey_workbook(job: SurveyJob) -> Survey:
    """Read and check one workbook: what planning needs to know of it, with the hash the
    reader took of its bytes. A workbook that cannot be used is a Survey that says why."""
    from rexdecl.pipeline import check_workbook
    from rexdecl.rules import CheckOptions

    try:
        checked = check_workbook(
            job.path,
            CheckOptions(job.as_of, job.statement_language, job.no_statement),
            job.registration_file,
            job.registrations,
        )
    except Exception as error:
        unreadable = _unreadable_file(job.path)  # a file the system refuses is named as such
        if unreadable is not None:
            return Survey(unreadable=unreadable)
        if isinstance(error, RexdeclError):
            return Survey(unreadable=error.message)
        if isinstance(error, OSError):
            return Survey(unreadable=_cannot_read(job.path, error))
        message, trace = describe_bug("survey of", job.path, error, job.traceback)  # the others go on
        return Survey(internal=message, trace=trace)
    ctx = checked.facts
    threshold = ctx.threshold_valuation
    currency = threshold.currency if threshold is not None else None
    value = threshold.converted if threshold is not None else None
    exporter = ctx.rex_number or "name:" + " ".join((ctx.exporter_name or "").casefold().split())
    return Survey(
        sha256=ctx.input.sha256,
        invoice_number=ctx.shipment.invoice_number,
        consignment_ref=ctx.shipment.consignment_ref,
        exporter_key=exporter,
        threshold_currency=currency,
        value=value,
        entry=ctx.entry,
    )


@dataclass(frozen=True)
class ProcessJob:
    path: Path
    folder: Path
    registration_file: Path | None
    registrations: RegistrationData | None
    as_of: dt.date
    statement_language: str | None
    no_statement: bool
    consignment_others: tuple[tuple[str, Decimal], ...]
    sha256: str
    input_hash: str
    planned: tuple[Path, ...]
    foreign: tuple[Path, ...]  # existing files at planned paths that batch must not replace
    overwrite: bool  # some planned path exists and is batch's own
    traceback: bool = False


@dataclass(frozen=True)
class Outcome:
    status: str
    summary: dict[str, Any] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    codes: tuple[str, ...] = ()
    record: StatementRecord | None = None
    message: str | None = None
    documents: tuple[tuple[str, str, int], ...] = ()  # (path, sha256, size) of each file written
    created: tuple[str, ...] = ()  # the files written that did not exist before: taken back if not recorded
    wrote_nothing: bool = True
    fatal: RexdeclError | None = None  # stops the whole batch (no renderer on this machine)
    trace: str | None = None  # the traceback of a bug, when asked for


def _summary_of(checked: Any) -> dict[str, Any]:
    summary = checked.report.summary
    return {
        "invoice_number": summary.get("invoice_number"),
        "exporter": summary.get("exporter"),
        "rex_number": summary.get("rex_number"),
        "consignee": summary.get("consignee"),
        "destination": summary.get("destination"),
        "originating_value_eur": summary.get("originating_value_eur"),  # plain_amount's form, as check's JSON
    }


def process_shipment(job: ProcessJob) -> Outcome:
    """Check one shipment and, when it has no error, render and write its documents; the
    record the parent adds to the register is made here, from the documents' view-model."""
    from rexdecl.errors import OutputError, RenderError
    from rexdecl.output import StagedFiles
    from rexdecl.pipeline import GenerateOptions, render_documents
    from rexdecl.register.records import statement_record

    checked = _check_again(job)
    if isinstance(checked, Outcome):
        return checked
    report = checked.report
    summary = _summary_of(checked)
    counts: dict[str, Any] = dict(summary=summary, warnings=len(report.warnings))
    if report.errors:
        return Outcome(ERRORS, errors=len(report.errors), codes=tuple(report.codes()), **counts)
    if job.foreign:
        return Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:output-exists"),
            message=_(
                "{paths}: not written by rexdecl batch, or changed since; left untouched and "
                "nothing was written for this shipment. Move the file(s) away and run the batch "
                "again"
            ).format(paths=", ".join(display_path(p) for p in job.foreign)),
            **counts,
        )
    from rexdecl.documents.cost import check_printable

    try:
        check_printable(checked.facts)  # too costly to print: unusable, before rendering
    except UsageError as error:
        return Outcome(UNREADABLE, errors=1, message=error.message, **counts)
    try:
        renderer = _get_renderer()
    except RexdeclError as error:
        return Outcome(ERRORS, fatal=error)
    staged: StagedFiles | None = None
    try:
        remove_stale_parts(job.folder)
        documents = render_documents(checked, GenerateOptions(out_dir=job.folder, force=job.overwrite), renderer)
        record = statement_record(checked, views=documents.views, input_hash=job.input_hash, command="batch")
        staged = StagedFiles(documents.files, overwrite=job.overwrite)
        staged.write()  # a failure takes back the files it created
    except RenderError as error:
        return Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:render-failed"),
            message=error.message,
            **counts,
        )
    except UsageError as error:  # an output appeared since the plan was made
        return Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:output-exists"),
            message=error.message,
            **counts,
        )
    except (OutputError, OSError) as error:
        message = error.message if isinstance(error, OutputError) else str(error)
        return Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:output-failed"),
            message=message,
            wrote_nothing=staged is None or not staged.replaced,
            **counts,
        )
    except Exception as error:
        message, trace = describe_bug("processing", job.path, error, job.traceback)
        return Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:internal-error"),
            message=message,
            wrote_nothing=staged is None or not staged.replaced,
            trace=trace,
            **counts,
        )
    return Outcome(
        OK,
        record=record,
        wrote_nothing=False,
        summary=summary,
        warnings=len(report.warnings),
        codes=tuple(report.codes()),
        # Hashed from the bytes written, not read back: the parent records them as they are.
        documents=tuple((str(path), hashlib.sha256(data).hexdigest(), len(data)) for path, data in documents.files),
        created=tuple(str(path) for path in staged.created),
    )


def _check_again(job: ProcessJob) -> Checked | Outcome:
    """The shipment checked again (with the consignment's other invoices), or the outcome
    that settles it: changed since the survey (the reader's hash is not the survey's), or
    unusable. Only when the check fails is the file read once more, to tell a workbook
    changed or refused by the system from one that is unusable as it was surveyed."""
    from rexdecl.pipeline import check_workbook
    from rexdecl.rules import CheckOptions

    try:
        options = CheckOptions(job.as_of, job.statement_language, job.no_statement, job.consignment_others)
        checked = check_workbook(job.path, options, job.registration_file, job.registrations)
    except Exception as error:
        settled = _changed_or_refused(job)
        if settled is not None:
            return settled
        if isinstance(error, RexdeclError):
            return Outcome(UNREADABLE, errors=1, message=error.message)
        if isinstance(error, OSError):
            return Outcome(UNREADABLE, errors=1, message=_cannot_read(job.path, error))
        message, trace = describe_bug("processing", job.path, error, job.traceback)
        return Outcome(ERRORS, errors=1, codes=("batch:internal-error",), message=message, trace=trace)
    if checked.input.sha256 != job.sha256:
        return _input_changed(job.path)
    return checked


def _changed_or_refused(job: ProcessJob) -> Outcome | None:
    """The outcome of a workbook whose current bytes are not the survey's, or that the
    system refuses to read; None when it is as surveyed."""
    from rexdecl.register.hashes import file_sha256

    try:
        changed = file_sha256(job.path) != job.sha256
    except OSError as error:
        return Outcome(UNREADABLE, errors=1, message=_cannot_read(job.path, error))
    except Exception:  # noqa: BLE001 - the check's own error says what is wrong
        return None
    return _input_changed(job.path) if changed else None


def _unreadable_file(path: Path) -> str | None:
    """Why the system refuses to read ``path`` (a named pipe, no permission, gone), or None."""
    from rexdecl.register.hashes import file_sha256

    try:
        file_sha256(path)
    except OSError as error:
        return _cannot_read(path, error)
    except Exception:  # noqa: BLE001 - the check's own error says what is wrong
        return None
    return None


def _input_changed(path: Path) -> Outcome:
    return Outcome(
        ERRORS,
        errors=1,
        codes=("batch:input-changed",),
        message=_("{path} changed while the batch was running; nothing was written: run the batch again").format(
            path=display_path(path)
        ),
    )


def _cannot_read(path: Path, error: OSError) -> str:
    return _("{path}: cannot be read ({reason})").format(path=display_path(path), reason=error.strerror or error)


def remove_stale_parts(folder: Path) -> None:
    """Temporary files left in a shipment's own folder by a batch that was killed (SIGKILL,
    power loss) while writing: never documents, always safe to remove before rewriting."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if _PART_FILE.match(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)
