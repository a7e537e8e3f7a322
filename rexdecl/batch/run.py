"""``batch``: many shipment workbooks at once, in parallel worker processes, with a summary
(``summary.csv``, ``summary.json``) and the register of issued statements.

How a run goes (workbook-format.md, "Outputs of rexdecl batch"):

1. discover the workbooks (folders recursively, ``.xlsx`` only, Excel lock files ``~$*``
   skipped, sorted) and name each one's output folder ``OUT/<name>/``;
2. survey: read and check each workbook once for its consignment (``consignment_ref``), its
   exporter and its originating value in the threshold currency; invoices of one exporter
   sharing a ``consignment_ref`` are one consignment for the EUR 6,000 threshold;
3. plan, against the register: a shipment whose outputs exist unchanged and whose input hash
   (:func:`rexdecl.register.store.input_hash`) matches the register's record is ``skipped``; an
   existing output file that batch did not write (or that was changed since) is never
   replaced: the shipment reports batch:output-exists; the paths about to be written are claimed;
4. process each shipment independently in a worker (check, render, write atomically), and
   record each statement in the register as its result comes back (one transaction each);
   when the record fails, the files the worker created are removed again;
5. write the summary.

One bad workbook never stops or spoils the others: each outcome is a value, and every
workbook is a row of the summary, whatever happened to it (a file name that is not UTF-8, a
named pipe, a bug). Before any work, the register is opened and checked and the summary
files are checked to be batch's own (a ``summary.csv`` the user made is replaced only with
``--force``). The library never prints; it reports through the ``progress`` callback and
returns a :class:`BatchResult`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
import signal
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rexdecl.errors import (
    ExitStatus,
    RexdeclError,
    UnreadableInput,
    UsageError,
)
from rexdecl.i18n import _, current_language, set_language
from rexdecl.paths import display_path, file_kind, stat_or_none

if TYPE_CHECKING:
    from rexdecl.input.registration import RegistrationData
    from rexdecl.model import Registration
    from rexdecl.register.store import Register, StatementRecord

__all__ = [
    "CODES",
    "STATUSES",
    "SUMMARY_COLUMNS",
    "BatchOptions",
    "BatchResult",
    "Progress",
    "ShipmentResult",
    "Workbook",
    "discover",
    "run_batch",
]

log = logging.getLogger("rexdecl")

OK, ERRORS, UNREADABLE, SKIPPED = "ok", "errors", "unreadable", "skipped"
STATUSES = (OK, ERRORS, UNREADABLE, SKIPPED)
SUMMARY_COLUMNS = (
    "source",
    "invoice_number",
    "exporter",
    "rex_number",
    "consignee",
    "destination",
    "originating_value_eur",
    "status",
    "errors",
    "warnings",
    "codes",
    "files",
)
SUMMARY_CSV, SUMMARY_JSON = "summary.csv", "summary.json"
# Codes batch itself reports in the ``codes`` column (the rules' codes are in rules.md).
CODES = {
    "batch:output-exists": "an output file exists that batch did not write, or that was changed since: left untouched",
    "batch:input-changed": "the workbook changed while the batch was running",
    "batch:render-failed": "the documents could not be rendered completely",
    "batch:output-failed": "the documents could not be written",
    "batch:register-failed": "the statement could not be recorded in the register",
    "batch:worker-crashed": "the worker process died while processing this shipment",
    "batch:internal-error": "a bug in rexdecl",
}
# Files SQLite keeps beside a database: a workbook's output folder must not take their names.
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")
_RESERVED_NAMES = {SUMMARY_CSV, SUMMARY_JSON, *(f"register.sqlite{suffix}" for suffix in _SQLITE_COMPANIONS)}
# Columns of the summary that hold numbers: a plain number there is kept as it is in the CSV.
_NUMERIC_COLUMNS = frozenset({"originating_value_eur", "errors", "warnings"})
# Temporary files of rexdecl.output.atomic_write_bytes: ".<name>.<random>.part".
_PART_FILE = re.compile(r"^\..+\.(pdf|html)\.[A-Za-z0-9_]+\.part$")


# --- inputs and results ----------------------------------------------------------------


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path
    as_of: dt.date
    statement_language: str | None = None
    no_statement: bool = False
    force: bool = False
    jobs: int | None = None  # worker processes; None: os.cpu_count(); 1: in this process
    registration_file: Path | None = None
    register_path: Path | None = None  # default: OUT/register.sqlite
    traceback: bool = False  # keep the traceback of a bug in the result (--traceback)


@dataclass(frozen=True)
class Workbook:
    """A workbook found on the command line, and the name of its output folder."""

    path: Path
    source: str  # as shown in the summary (a name that is not UTF-8 shows its bytes as \xNN)
    name: str  # OUT/<name>/
    kind: str | None = None  # what the path is when not a file (a named pipe, a device): not read


@dataclass(frozen=True)
class ShipmentResult:
    """One row of the summary."""

    source: str
    name: str
    status: str
    invoice_number: str | None = None
    exporter: str | None = None
    rex_number: str | None = None
    consignee: str | None = None
    destination: str | None = None
    originating_value_eur: str | None = None  # plain decimal, 2 places: "12222.22"
    errors: int = 0
    warnings: int = 0
    codes: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # relative to the output folder, "/"-separated
    message: str | None = None  # why unreadable, or what a batch code (batch:output-exists, ...) means here
    trace: str | None = None  # the traceback of a bug (batch:internal-error), with BatchOptions.traceback

    def row(self) -> dict[str, str | int]:
        """The summary row: :data:`SUMMARY_COLUMNS`, codes and files ``;``-separated."""
        return {
            "source": self.source,
            "invoice_number": self.invoice_number or "",
            "exporter": self.exporter or "",
            "rex_number": self.rex_number or "",
            "consignee": self.consignee or "",
            "destination": self.destination or "",
            "originating_value_eur": self.originating_value_eur or "",
            "status": self.status,
            "errors": self.errors,
            "warnings": self.warnings,
            "codes": ";".join(self.codes),
            "files": ";".join(self.files),
        }


@dataclass(frozen=True)
class Progress:
    """Reported after each workbook is surveyed (``phase="reading"``) and after each
    shipment's final result (``phase="processing"``; ``result`` set)."""

    phase: str
    done: int
    total: int
    failures: int
    result: ShipmentResult | None = None


@dataclass(frozen=True)
class BatchResult:
    results: tuple[ShipmentResult, ...]  # in the order of discovery; when interrupted, the finished ones
    out_dir: Path
    register_path: Path
    interrupted: bool = False  # stopped on request: no summary written, the rest not done
    total: int = 0  # workbooks found
    cut_short: int = 0  # interrupted: shipments whose worker was stopped before it reported

    @property
    def totals(self) -> dict[str, int]:
        return {status: sum(1 for r in self.results if r.status == status) for status in STATUSES}

    @property
    def not_done(self) -> int:
        """Workbooks without a result: never started, or cut short (interrupted runs only)."""
        return max(self.total - len(self.results), 0)

    @property
    def exit_code(self) -> ExitStatus:
        """0 when every workbook is ok or skipped; 1 when any has errors or is unreadable."""
        failed = any(r.status in (ERRORS, UNREADABLE) for r in self.results)
        return ExitStatus.FINDINGS if failed or self.interrupted else ExitStatus.OK


# --- discovery -------------------------------------------------------------------------


def _is_workbook_name(name: str) -> bool:
    return name.lower().endswith(".xlsx") and not name.startswith("~$")


def output_name(relative: Path) -> str:
    """``sub/Order 7.xlsx`` -> ``sub-Order-7``: the path without ``.xlsx``, separators and
    characters outside ``A-Za-z0-9._-`` replaced by ``-`` (the rule of
    :func:`rexdecl.documents.files.safe_name`, not imported here: it would load Babel in the parent
    before the workers start)."""
    text = relative.as_posix()
    if text.lower().endswith(".xlsx"):
        text = text[: -len(".xlsx")]
    name = re.sub(r"[^A-Za-z0-9._-]", "-", text)
    return name if name.strip(".") else name.replace(".", "-")


def discover(paths: Sequence[Path], reserved: Sequence[str] = ()) -> list[Workbook]:
    """The workbooks named by ``paths`` (folders recursively), each once, in a fixed order.

    A named pipe, a device or a socket with a workbook's name is listed with its ``kind``
    (never opened: reading it could wait for ever). ``reserved`` adds names (besides the
    summaries and ``register.sqlite`` with SQLite's companion files) that no output folder
    may take. Raises UsageError for a path that does not exist, when no workbook is found,
    and when two workbooks would share an output folder or one would take a reserved name.
    """
    found: list[Workbook] = []
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        status = stat_or_none(given)
        if status is not None and os.path.isdir(given):
            relatives = []
            for root, folders, files in os.walk(given):
                folders.sort()
                relatives += [(Path(root) / f).relative_to(given) for f in files if _is_workbook_name(f)]
            candidates = [(given / rel, rel) for rel in sorted(relatives, key=lambda p: p.as_posix())]
        elif status is not None:
            candidates = [(given, Path(given.name))]
        else:
            raise UsageError(
                _("{path}: no such file or folder; expected shipment workbooks (.xlsx) or folders of them").format(
                    path=display_path(given)
                )
            )
        for path, relative in candidates:
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            try:
                kind = file_kind(os.stat(path).st_mode)
            except OSError:  # a dangling link, or gone meanwhile: the reader says so
                kind = None
            found.append(Workbook(path, display_path(path), output_name(relative), kind))
    if not found:
        raise UsageError(
            _("no shipment workbook (.xlsx) found in {paths}").format(paths=", ".join(display_path(p) for p in paths))
        )
    taken = _RESERVED_NAMES | {name.casefold() for name in reserved}
    by_name: dict[str, Workbook] = {}
    for workbook in found:
        key = workbook.name.casefold()
        if key in taken:
            raise UsageError(
                _(
                    "{path}: its output folder would be named {name}, which batch uses for "
                    "its own files; rename the workbook"
                ).format(path=workbook.source, name=workbook.name)
            )
        if key in by_name:
            raise UsageError(
                _(
                    "{first} and {second} would both write to the output folder {name}; "
                    "rename one, or give their common parent folder instead"
                ).format(first=by_name[key].source, second=workbook.source, name=workbook.name),
                hint=_("The output folder of a workbook is its path relative to the folder given."),
            )
        by_name[key] = workbook
    return found


# --- work done in the workers ----------------------------------------------------------

# The worker's renderer: built once per worker process by _init_worker (or, with --jobs 1,
# on first use in this process), reused for every document.
_renderer: Any = None
_renderer_error: RexdeclError | None = None


def _init_worker(language: str) -> None:
    """Pool initializer: messages in the parent's language, signals, one Renderer."""
    global _renderer, _renderer_error
    set_language(language)
    # The parent decides when to stop: Ctrl-C reaches the whole process group, and so does
    # a SIGTERM sent to the group (a service manager stopping the batch). A worker finishes
    # its shipment, so that it is written and recorded whole; to stop at once, the parent
    # kills the workers and removes their temporary files (_Workers.terminate).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        from rexdecl.documents.render import Renderer

        _renderer = Renderer()
    except RexdeclError as error:  # reported by the first shipment that needs it
        _renderer_error = error


def _bug(what: str, path: Path, error: BaseException, keep_trace: bool) -> tuple[str, str | None]:
    """The message of a bug met while working on ``path``, and its traceback when asked for
    (logged at debug level: never printed unless the caller asks)."""
    log.debug("%s %s failed", what, display_path(path), exc_info=True)
    trace = "".join(traceback.format_exception(error)) if keep_trace else None
    return f"{type(error).__name__}: {error}", trace


def _get_renderer() -> Any:
    global _renderer
    if _renderer_error is not None:
        raise _renderer_error
    if _renderer is None:
        from rexdecl.documents.render import Renderer

        _renderer = Renderer()
    return _renderer


@dataclass(frozen=True)
class _Survey:
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
class _SurveyJob:
    path: Path
    registration_file: Path | None
    registrations: RegistrationData | None
    as_of: dt.date
    statement_language: str | None
    no_statement: bool
    traceback: bool = False


def _survey(job: _SurveyJob) -> _Survey:
    from rexdecl.pipeline import check_workbook
    from rexdecl.register.store import file_sha256
    from rexdecl.rules import CheckOptions

    try:
        sha256 = file_sha256(job.path)
        checked = check_workbook(
            job.path,
            CheckOptions(job.as_of, job.statement_language, job.no_statement),
            job.registration_file,
            job.registrations,
        )
    except UnreadableInput as error:
        return _Survey(unreadable=error.message)
    except RexdeclError as error:
        return _Survey(unreadable=error.message)
    except OSError as error:
        return _Survey(
            unreadable=_("{path}: cannot be read ({reason})").format(
                path=display_path(job.path), reason=error.strerror or error
            )
        )
    except Exception as error:  # a bug: this workbook fails, the others go on
        message, trace = _bug("survey of", job.path, error, job.traceback)
        return _Survey(internal=message, trace=trace)
    ctx = checked.facts
    threshold = ctx.threshold_valuation
    currency = threshold.currency if threshold is not None else None
    value = threshold.converted if threshold is not None else None
    exporter = ctx.rex_number or "name:" + " ".join((ctx.exporter_name or "").casefold().split())
    return _Survey(
        sha256=sha256,
        invoice_number=ctx.shipment.invoice_number,
        consignment_ref=ctx.shipment.consignment_ref,
        exporter_key=exporter,
        threshold_currency=currency,
        value=value,
        entry=ctx.entry,
    )


@dataclass(frozen=True)
class _ProcessJob:
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
class _Outcome:
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


def _plain_eur(ctx: Any) -> str | None:
    from rexdecl.input.parsing import round_half_up

    converted = ctx.eur_valuation.converted
    return None if converted is None else format(round_half_up(converted, 2), "f")


def _summary_of(checked: Any) -> dict[str, Any]:
    summary = checked.report.summary
    return {
        "invoice_number": summary.get("invoice_number"),
        "exporter": summary.get("exporter"),
        "rex_number": summary.get("rex_number"),
        "consignee": summary.get("consignee"),
        "destination": summary.get("destination"),
        "originating_value_eur": _plain_eur(checked.facts),
    }


def _process(job: _ProcessJob) -> _Outcome:
    """Check one shipment and, when it has no error, write its documents."""
    from rexdecl.documents.files import GenerateOptions
    from rexdecl.documents.files import document_files as render_files
    from rexdecl.errors import OutputError, RenderError
    from rexdecl.output import StagedFiles
    from rexdecl.pipeline import check_workbook
    from rexdecl.register.store import file_sha256, statement_record
    from rexdecl.rules import CheckOptions

    try:
        if file_sha256(job.path) != job.sha256:
            return _Outcome(
                ERRORS,
                errors=1,
                codes=("batch:input-changed",),
                message=_(
                    "{path} changed while the batch was running; nothing was written: run the batch again"
                ).format(path=display_path(job.path)),
            )
        options = CheckOptions(job.as_of, job.statement_language, job.no_statement, job.consignment_others)
        checked = check_workbook(job.path, options, job.registration_file, job.registrations)
    except RexdeclError as error:
        return _Outcome(UNREADABLE, errors=1, message=error.message)
    except OSError as error:
        return _Outcome(
            UNREADABLE,
            errors=1,
            message=_("{path}: cannot be read ({reason})").format(
                path=display_path(job.path), reason=error.strerror or error
            ),
        )
    except Exception as error:
        message, trace = _bug("processing", job.path, error, job.traceback)
        return _Outcome(ERRORS, errors=1, codes=("batch:internal-error",), message=message, trace=trace)
    report = checked.report
    summary = _summary_of(checked)
    counts: dict[str, Any] = dict(summary=summary, warnings=len(report.warnings))
    if report.errors:
        return _Outcome(ERRORS, errors=len(report.errors), codes=tuple(report.codes()), **counts)
    if job.foreign:
        return _Outcome(
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
    from rexdecl.documents.render import check_printable

    try:
        check_printable(checked.facts)  # too costly to print: unusable, before rendering
    except UsageError as error:
        return _Outcome(UNREADABLE, errors=1, message=error.message, **counts)
    try:
        renderer = _get_renderer()
    except RexdeclError as error:
        return _Outcome(ERRORS, fatal=error)
    staged: StagedFiles | None = None
    try:
        _remove_stale_parts(job.folder)
        files = render_files(
            checked,
            GenerateOptions(out_dir=job.folder, force=job.overwrite, no_statement=job.no_statement),
            renderer,
        )
        record = statement_record(checked, source_sha256=job.sha256, input_hash=job.input_hash, command="batch")
        staged = StagedFiles(files, overwrite=job.overwrite)
        staged.write()  # a failure takes back the files it created
    except RenderError as error:
        return _Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:render-failed"),
            message=error.message,
            **counts,
        )
    except UsageError as error:  # an output appeared since the plan was made
        return _Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:output-exists"),
            message=error.message,
            **counts,
        )
    except (OutputError, OSError) as error:
        message = error.message if isinstance(error, OutputError) else str(error)
        return _Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:output-failed"),
            message=message,
            wrote_nothing=staged is None or not staged.replaced,
            **counts,
        )
    except Exception as error:
        message, trace = _bug("processing", job.path, error, job.traceback)
        return _Outcome(
            ERRORS,
            errors=1,
            codes=(*report.codes(), "batch:internal-error"),
            message=message,
            wrote_nothing=staged is None or not staged.replaced,
            trace=trace,
            **counts,
        )
    return _Outcome(
        OK,
        record=record,
        wrote_nothing=False,
        summary=summary,
        warnings=len(report.warnings),
        codes=tuple(report.codes()),
        # Hashed from the bytes written, not read back: the parent records them as they are.
        documents=tuple((str(path), hashlib.sha256(data).hexdigest(), len(data)) for path, data in files),
        created=tuple(str(path) for path in staged.created),
    )


def _remove_stale_parts(folder: Path) -> None:
    """Temporary files left in a shipment's own folder by a batch that was killed (SIGKILL,
    power loss) while writing: never documents, always safe to remove before rewriting."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if _PART_FILE.match(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)


# --- the pool --------------------------------------------------------------------------


class WorkerCrashed(Exception):
    """The worker process running a job died (a crash in a system library, out of memory)."""


def _mp_context() -> Any:
    # spawn everywhere: the default of Windows and macOS, where brokers work, so the behaviour
    # tested is the behaviour shipped; and no fork of a process that may hold threads, an open
    # register or (in a long-lived caller) an initialised Pango. It costs each worker one
    # import of rexdecl (~0.5 s), paid in parallel, once per run.
    return multiprocessing.get_context("spawn")


class _Workers:
    """Runs jobs in worker processes (or in this process with one job), yields each outcome
    as it comes, survives a crashed worker, and stops cleanly when asked."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self, workers: int | None = None) -> ProcessPoolExecutor:
        if workers is not None:
            return ProcessPoolExecutor(
                workers,
                mp_context=_mp_context(),
                initializer=_init_worker,
                initargs=(current_language(),),
            )
        if self._executor is None:
            self._executor = self._pool(self.jobs)
        return self._executor

    def run(self, fn: Callable[[Any], Any], jobs: Sequence[Any], stop: Callable[[], bool]) -> Iterator[tuple[int, Any]]:
        """``(index, outcome)`` in completion order; an exception is yielded as the outcome.
        When ``stop()`` turns true, jobs not started are dropped and the running ones finish."""
        if self.jobs <= 1:
            for index, job in enumerate(jobs):
                if stop():
                    return
                try:
                    yield index, fn(job)
                except Exception as error:  # noqa: BLE001 - every outcome is a value
                    yield index, error
            return
        yield from self._rounds(fn, list(enumerate(jobs)), stop, attempt=0)

    def _rounds(
        self,
        fn: Callable[[Any], Any],
        jobs: list[tuple[int, Any]],
        stop: Callable[[], bool],
        attempt: int,
    ) -> Iterator[tuple[int, Any]]:
        if attempt >= 2:  # crashed twice: run each alone, so a crash is pinned on its shipment
            for index, job in jobs:
                if stop():
                    return
                # Kept as the pool of the moment, so that terminate() can kill it.
                self._executor = executor = self._pool(1)
                outcome: Any
                try:
                    outcome = executor.submit(fn, job).result()
                except BrokenProcessPool:
                    outcome = WorkerCrashed()
                except Exception as error:  # noqa: BLE001
                    outcome = error
                self._discard()
                yield index, outcome
            return
        executor = self._pool()
        futures: dict[Future[Any], tuple[int, Any]] = {executor.submit(fn, job): (index, job) for index, job in jobs}
        broken: list[tuple[int, Any]] = []
        stopping = False
        while futures:
            if not stopping and stop():
                stopping = True
                for future in list(futures):
                    if future.cancel():
                        del futures[future]
                if not futures:
                    break
            done, _pending = wait(futures, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                index, job = futures.pop(future)
                if future.cancelled():
                    continue
                failure = future.exception()
                if isinstance(failure, BrokenProcessPool):
                    broken.append((index, job))
                elif failure is not None:
                    yield index, failure
                else:
                    yield index, future.result()
        if broken and stopping:  # not run again when stopping: each is reported as crashed
            for index, _job in sorted(broken, key=lambda pair: pair[0]):
                yield index, WorkerCrashed()
        elif broken:
            log.warning("a worker process died; running %d shipment(s) again", len(broken))
            self._discard()
            yield from self._rounds(fn, sorted(broken, key=lambda pair: pair[0]), stop, attempt + 1)

    def _discard(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        self._discard()

    def terminate(self) -> None:
        """Stop now (a second Ctrl-C): the workers are killed (they ignore SIGTERM, which
        asks the batch to stop gracefully) and waited for; the caller removes the temporary
        files they leave. What they had written but not reported stays claimed in the register."""
        if self._executor is None:
            return
        processes = list((getattr(self._executor, "_processes", None) or {}).values())
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(timeout=10)
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None


# --- the run ---------------------------------------------------------------------------


def _never() -> bool:
    return False


@dataclass
class _Planned:
    index: int
    workbook: Workbook
    survey: _Survey
    folder: Path
    planned: tuple[Path, ...]
    claimed: tuple[Path, ...]
    job: _ProcessJob


def _consignment_others(surveys: dict[int, _Survey]) -> dict[int, tuple[tuple[str, Decimal], ...]]:
    """For each invoice of a consignment (same consignment_ref, same exporter, same threshold
    currency), the other invoices' numbers and originating values."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for index, survey in surveys.items():
        if survey.sha256 is None or not survey.consignment_ref or survey.threshold_currency is None:
            continue
        key = (survey.consignment_ref, survey.exporter_key or "", survey.threshold_currency)
        groups.setdefault(key, []).append(index)
    others: dict[int, tuple[tuple[str, Decimal], ...]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        for index in members:
            others[index] = tuple(
                (surveys[other].invoice_number or "?", surveys[other].value or Decimal(0))
                for other in sorted(members)
                if other != index and surveys[other].value is not None
            )
    return others


def run_batch(
    paths: Sequence[Path],
    options: BatchOptions,
    progress: Callable[[Progress], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> BatchResult:
    """Process every workbook under ``paths`` into ``options.out_dir``; see the module docstring.

    ``stop`` is polled: when it returns true, no further shipment is started, the running ones
    finish and are recorded, and the result comes back with ``interrupted`` set (no summary is
    written). Raises UsageError (bad paths, output folder, a summary file that is not batch's,
    a register that is not usable), OutputError (a register that cannot be written),
    UnreadableInput (the registration file named with --registration) and
    RenderingUnavailable (no PDF libraries); otherwise every workbook is a row of the summary.

    Workers are started with ``spawn`` on every platform: a script calling this with more than
    one job must guard its entry point with ``if __name__ == "__main__":``.
    """
    from rexdecl.output import prepare_folder
    from rexdecl.register.store import DEFAULT_NAME, Register

    stop = stop or _never
    report = progress or (lambda _progress: None)
    register_path = Path(options.register_path) if options.register_path else Path(options.out_dir) / DEFAULT_NAME
    out_dir = Path(options.out_dir)
    # Everything that can refuse the run is asked before anything is created.
    out_exists = stat_or_none(out_dir) is not None
    stat_or_none(register_path)
    workbooks = discover(paths, reserved=_register_names(register_path, out_dir))
    if out_exists:
        prepare_folder(out_dir)  # an existing folder: checked, nothing created
        check_summaries(out_dir, options.force)
    registrations = None
    if options.registration_file is not None:
        from rexdecl.input.registration import read_registration_file

        registrations = read_registration_file(options.registration_file)
    total = len(workbooks)
    jobs = max(1, min(options.jobs or os.cpu_count() or 1, total))
    run_id = uuid.uuid4().hex
    results: dict[int, ShipmentResult] = {}
    failures = 0

    def finish(index: int, result: ShipmentResult) -> None:
        nonlocal failures
        results[index] = result
        if result.status in (ERRORS, UNREADABLE):
            failures += 1
        report(Progress("processing", len(results), total, failures, result))

    def interrupted(cut_short: int = 0) -> BatchResult:
        done = tuple(results[i] for i in sorted(results))
        return BatchResult(done, out_dir, register_path, interrupted=True, total=total, cut_short=cut_short)

    # Opened and checked (ours, schema, pages, writable) before any workbook is read.
    with Register(register_path) as register:
        prepare_folder(out_dir)
        workers = _Workers(jobs)
        pending: dict[int, _Planned] = {}
        try:
            readable = [index for index, w in enumerate(workbooks) if w.kind is None]
            survey_jobs = [
                _SurveyJob(
                    workbooks[index].path,
                    options.registration_file,
                    registrations,
                    options.as_of,
                    options.statement_language,
                    options.no_statement,
                    options.traceback,
                )
                for index in readable
            ]
            surveys: dict[int, _Survey] = {}
            for position, survey in workers.run(_survey, survey_jobs, stop):
                if isinstance(survey, SystemExit | KeyboardInterrupt):
                    return interrupted()
                if isinstance(survey, BaseException):
                    survey = _Survey(internal=_describe(survey))
                surveys[readable[position]] = survey
                report(Progress("reading", len(surveys), total, 0))
            if len(surveys) < len(readable):
                return interrupted()
            others = _consignment_others(surveys)
            planned = _plan(workbooks, surveys, others, options, registrations, out_dir, register, run_id, finish)
            pending = {p.index: p for p in planned}
            cut_short: set[int] = set()
            for position, outcome in workers.run(_process, [p.job for p in planned], stop):
                plan = planned[position]
                if isinstance(outcome, _Outcome) and outcome.fatal is not None:
                    raise outcome.fatal
                if isinstance(outcome, SystemExit | KeyboardInterrupt):
                    cut_short.add(plan.index)  # stopped under it: neither done nor failed
                    continue
                del pending[plan.index]
                finish(plan.index, _conclude(plan, outcome, register, out_dir, run_id, options.traceback))
            if pending:  # stopped: what was never started gives its claims back
                never_started = [plan for index, plan in pending.items() if index not in cut_short]
                register.release([path for plan in never_started for path in plan.claimed])
                return interrupted(len(cut_short))
        except BaseException:
            workers.terminate()
            for plan in pending.values():  # killed while writing: their temporary files go
                _remove_stale_parts(plan.folder)
            raise
        finally:
            workers.close()
    result = BatchResult(tuple(results[i] for i in range(total)), out_dir, register_path, total=total)
    write_summary(result)
    return result


def _register_names(register_path: Path, out_dir: Path) -> tuple[str, ...]:
    """The names of the register's files when it lies in the output folder itself (an output
    folder ``register.sqlite-journal`` would make SQLite fail on the register)."""
    try:
        inside = register_path.resolve().parent == out_dir.resolve()
    except OSError:
        return ()
    return tuple(register_path.name + suffix for suffix in _SQLITE_COMPANIONS) if inside else ()


def _describe(error: BaseException) -> str:
    if isinstance(error, WorkerCrashed):
        return _(
            "the worker process died while processing this shipment (a crash in a system library, or out of memory)"
        )
    return f"{type(error).__name__}: {error}"


def _plan(
    workbooks: list[Workbook],
    surveys: dict[int, _Survey],
    others: dict[int, tuple[tuple[str, Decimal], ...]],
    options: BatchOptions,
    registrations: RegistrationData | None,
    out_dir: Path,
    register: Register,
    run_id: str,
    finish: Callable[[int, ShipmentResult], None],
) -> list[_Planned]:
    """Settle unreadable and unchanged shipments; return the ones to process, outputs claimed."""
    planned: list[_Planned] = []
    settled: list[Path] = []  # outputs of skipped shipments: a claim left on them is stale
    for index, workbook in enumerate(workbooks):
        try:
            outcome = _plan_one(index, workbook, surveys.get(index), others, options, registrations, out_dir, register)
        except Exception as error:  # noqa: BLE001 - this workbook fails, the others go on
            finish(index, _failed_plan(workbook, error, options.traceback))
            continue
        if isinstance(outcome, _Planned):
            planned.append(outcome)
        else:
            result, skipped_paths = outcome
            settled.extend(skipped_paths)
            finish(index, result)
    register.release(settled)
    register.claim([path for plan in planned for path in plan.claimed], run_id)
    return planned


def _failed_plan(workbook: Workbook, error: Exception, keep_trace: bool) -> ShipmentResult:
    """The row of a shipment whose plan failed: the register or an output file could not be
    read (exit-2 kind of trouble), or a bug."""
    base = ShipmentResult(workbook.source, workbook.name, ERRORS, errors=1)
    if isinstance(error, RexdeclError | OSError):
        message = error.message if isinstance(error, RexdeclError) else f"{display_path(workbook.path)}: {error}"
        return replace(base, codes=("batch:output-failed",), message=message)
    message, trace = _bug("planning", workbook.path, error, keep_trace)
    return replace(base, codes=("batch:internal-error",), message=message, trace=trace)


def _plan_one(
    index: int,
    workbook: Workbook,
    survey: _Survey | None,
    others: dict[int, tuple[tuple[str, Decimal], ...]],
    options: BatchOptions,
    registrations: RegistrationData | None,
    out_dir: Path,
    register: Register,
) -> _Planned | tuple[ShipmentResult, tuple[Path, ...]]:
    """The plan of one shipment, or its final row (with the outputs a skip settles)."""
    from rexdecl.documents.files import output_paths
    from rexdecl.register.store import input_hash

    if workbook.kind is not None:
        message = _("{path}: {kind}, not a file: skipped without reading it; expected an .xlsx workbook").format(
            path=workbook.source, kind=workbook.kind
        )
        return ShipmentResult(workbook.source, workbook.name, UNREADABLE, errors=1, message=message), ()
    assert survey is not None
    if survey.unreadable is not None:
        return ShipmentResult(workbook.source, workbook.name, UNREADABLE, errors=1, message=survey.unreadable), ()
    if survey.internal is not None or survey.sha256 is None:
        row = ShipmentResult(
            workbook.source,
            workbook.name,
            ERRORS,
            errors=1,
            codes=("batch:internal-error",),
            message=survey.internal,
            trace=survey.trace,
        )
        return row, ()
    folder = out_dir / workbook.name
    consignment = others.get(index, ())
    digest = input_hash(
        workbook_sha256=survey.sha256,
        entry=survey.entry,
        as_of=options.as_of,
        statement_language=options.statement_language,
        no_statement=options.no_statement,
        consignment_others=consignment,
    )
    paths = tuple(output_paths(folder, survey.invoice_number or "invoice", html=False))
    if not options.force:
        skipped = _unchanged(register, paths, digest, workbook, out_dir)
        if skipped is not None:
            return skipped, paths
    existing = [p for p in paths if stat_or_none(p) is not None or p.is_symlink()]
    foreign = tuple(p for p in existing if not register.owns(p))
    claimed = () if foreign else paths
    job = _ProcessJob(
        path=workbook.path,
        folder=folder,
        registration_file=options.registration_file,
        registrations=registrations,
        as_of=options.as_of,
        statement_language=options.statement_language,
        no_statement=options.no_statement,
        consignment_others=consignment,
        sha256=survey.sha256,
        input_hash=digest,
        planned=paths,
        foreign=foreign,
        overwrite=bool(existing) and not foreign,
        traceback=options.traceback,
    )
    return _Planned(index, workbook, survey, folder, paths, claimed, job)


def _unchanged(
    register: Register, paths: tuple[Path, ...], digest: str, workbook: Workbook, out_dir: Path
) -> ShipmentResult | None:
    """The ``skipped`` row when the register's latest record for these outputs has the same
    input hash and every one of its documents exists with its recorded content."""
    from rexdecl.register.store import file_sha256

    stored = register.latest_with_document(paths[0])
    if stored is None or stored.input_hash != digest:
        return None
    files = []
    for path_key, sha256 in stored.documents:
        path = register.resolve(path_key)
        if not path.is_file() or file_sha256(path) != sha256:
            return None
        files.append(_relative(path, out_dir))
    return ShipmentResult(
        workbook.source,
        workbook.name,
        SKIPPED,
        invoice_number=stored.invoice_number,
        exporter=stored.exporter_name,
        rex_number=stored.rex_number,
        consignee=stored.consignee_name,
        destination=stored.destination,
        originating_value_eur=stored.originating_value_eur,
        errors=0,
        warnings=stored.warnings,
        codes=tuple(c for c in stored.codes.split(";") if c),
        files=tuple(files),
    )


def _relative(path: Path, out_dir: Path) -> str:
    try:
        relative = path.resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    return display_path(relative)


def _conclude(
    plan: _Planned, outcome: Any, register: Register, out_dir: Path, run_id: str, keep_trace: bool
) -> ShipmentResult:
    """The summary row of a processed shipment; an ok one is recorded in the register first.
    Never raises: a bug here fails this shipment only."""
    try:
        return _conclude_outcome(plan, outcome, register, out_dir, run_id)
    except Exception as error:  # noqa: BLE001 - this shipment fails, the others go on
        message, trace = _bug("recording", plan.workbook.path, error, keep_trace)
        workbook = plan.workbook
        return ShipmentResult(
            workbook.source,
            workbook.name,
            ERRORS,
            errors=1,
            codes=("batch:internal-error",),
            message=message,
            trace=trace,
        )


def _conclude_outcome(plan: _Planned, outcome: Any, register: Register, out_dir: Path, run_id: str) -> ShipmentResult:
    workbook = plan.workbook
    base = ShipmentResult(workbook.source, workbook.name, ERRORS)
    if not isinstance(outcome, _Outcome):  # the worker died, or a bug outside _process
        return replace(
            base,
            errors=1,
            message=_describe(outcome),
            codes=("batch:worker-crashed" if isinstance(outcome, WorkerCrashed) else "batch:internal-error",),
        )
    summary = outcome.summary
    row = replace(
        base,
        status=outcome.status,
        invoice_number=summary.get("invoice_number"),
        exporter=summary.get("exporter"),
        rex_number=summary.get("rex_number"),
        consignee=summary.get("consignee"),
        destination=summary.get("destination"),
        originating_value_eur=summary.get("originating_value_eur"),
        errors=outcome.errors,
        warnings=outcome.warnings,
        codes=outcome.codes,
        message=outcome.message,
        trace=outcome.trace,
    )
    if outcome.status != OK:
        if outcome.wrote_nothing:
            register.release(list(plan.claimed))
        return row
    assert outcome.record is not None
    from rexdecl.register.store import DocumentFile

    documents = [DocumentFile(Path(path), sha256, size) for path, sha256, size in outcome.documents]
    try:
        register.record(outcome.record, documents, run_id=run_id)
    except Exception as error:  # noqa: BLE001 - the register failed: take the new files back
        created = [Path(path) for path in outcome.created]
        for path in created:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
        try:
            register.release(created)
        except Exception:  # noqa: BLE001 - the register is failing already; the claims are harmless
            pass
        reason = error.message if isinstance(error, RexdeclError) else f"{type(error).__name__}: {error}"
        kept = [d.path for d in documents if d.path not in created]
        return replace(
            row,
            status=ERRORS,
            errors=1,
            codes=(*row.codes, "batch:register-failed"),
            message=reason
            + "\n"
            + _("the documents were not recorded, so the new ones were removed again; run the batch again"),
            files=tuple(_relative(path, out_dir) for path in kept),
        )
    return replace(row, files=tuple(_relative(d.path, out_dir) for d in documents))


# --- the summary -----------------------------------------------------------------------

SUMMARY_HEADER = ",".join(SUMMARY_COLUMNS)


def summary_csv(result: BatchResult) -> str:
    """The summary as CSV; text cells a spreadsheet would take for a formula are neutralised
    (:func:`rexdecl.output.csv_cell`)."""
    from rexdecl.output import csv_cell
    from rexdecl.paths import printable

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS)
    writer.writeheader()
    writer.writerows(
        {name: csv_cell(printable(str(value)), numeric=name in _NUMERIC_COLUMNS) for name, value in r.row().items()}
        for r in result.results
    )
    return buffer.getvalue()


def summary_json(result: BatchResult) -> str:
    data = {"shipments": [r.row() for r in result.results], "totals": result.totals}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _is_batch_summary(path: Path) -> bool:
    """Whether the file at ``path`` is a summary batch wrote: the CSV's header row, or the
    JSON's two keys. A file the user made (or a named pipe) is not."""
    from rexdecl.paths import open_regular

    try:
        with os.fdopen(open_regular(path), "rb") as stream:
            if path.name == SUMMARY_CSV:
                return stream.readline(4096).decode("utf-8", "replace").rstrip("\r\n") == SUMMARY_HEADER
            data = json.loads(stream.read(256 * 1024 * 1024))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and set(data) == {"shipments", "totals"}


def check_summaries(out_dir: Path, force: bool) -> None:
    """Refuse, before any work, to replace ``summary.csv``/``summary.json`` in ``out_dir`` that
    batch did not write (without ``force``), or a folder of that name (ever)."""
    for name in (SUMMARY_CSV, SUMMARY_JSON):
        path = out_dir / name
        if path.is_symlink():  # a link is replaced, never written through; but it is the user's
            ours = False
        elif stat_or_none(path) is None:
            continue
        elif path.is_dir():
            raise UsageError(
                _("{path} is a folder; batch writes its summary there: move it away or choose another --out").format(
                    path=display_path(path)
                )
            )
        else:
            ours = _is_batch_summary(path)
        if not ours and not force:
            raise UsageError(
                _(
                    "{path} exists and was not written by rexdecl batch; nothing was done. Move it "
                    "away, choose another --out, or use --force to replace it"
                ).format(path=display_path(path))
            )


def write_summary(result: BatchResult) -> list[Path]:
    """``OUT/summary.csv`` and ``OUT/summary.json``, each replaced atomically."""
    from rexdecl.output import atomic_write_bytes

    paths = [result.out_dir / SUMMARY_CSV, result.out_dir / SUMMARY_JSON]
    atomic_write_bytes(paths[0], summary_csv(result).encode("utf-8"), overwrite=True)
    atomic_write_bytes(paths[1], summary_json(result).encode("utf-8"), overwrite=True)
    return paths
