"""The values of a batch run: its options, the status and codes of each shipment, each
workbook's row of the summary (:class:`ShipmentResult`), the progress reports and the run's
result (:class:`BatchResult`); and how a bug or a file is shown in a row."""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from dataclasses import dataclass
from pathlib import Path

from rexdecl.errors import ExitStatus
from rexdecl.paths import display_path

__all__ = [
    "CODES",
    "ERRORS",
    "OK",
    "SKIPPED",
    "STATUSES",
    "SUMMARY_COLUMNS",
    "UNREADABLE",
    "BatchOptions",
    "BatchResult",
    "Progress",
    "ShipmentResult",
    "describe_bug",
    "shown_file",
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


def describe_bug(what: str, path: Path, error: BaseException, keep_trace: bool) -> tuple[str, str | None]:
    """The message of a bug met while working on ``path``, and its traceback when asked for
    (logged at debug level: never printed unless the caller asks)."""
    log.debug("%s %s failed", what, display_path(path), exc_info=True)
    trace = "".join(traceback.format_exception(error)) if keep_trace else None
    return f"{type(error).__name__}: {error}", trace


def shown_file(path: Path, out_dir: Path) -> str:
    """A file as the summary's ``files`` column shows it: relative to the output folder,
    ``/``-separated (as it is when outside it)."""
    try:
        relative = path.resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    return display_path(relative)
