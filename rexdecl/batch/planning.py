"""Planning a batch against the register, once every workbook is surveyed: the consignments
(invoices of one exporter sharing a ``consignment_ref`` are one consignment for the threshold),
the shipments settled without processing (unreadable; ``skipped``: outputs unchanged and the
input hash the register recorded), and for the others the job to process, with the output
paths claimed. An existing output file that batch did not write (or that was changed since)
is never replaced: that shipment reports batch:output-exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rexdecl.batch.discovery import Workbook
from rexdecl.batch.results import (
    ERRORS,
    SKIPPED,
    UNREADABLE,
    BatchOptions,
    ShipmentResult,
    describe_bug,
    shown_file,
)
from rexdecl.batch.shipment import ProcessJob, Survey, remove_stale_parts
from rexdecl.errors import RexdeclError
from rexdecl.i18n import _
from rexdecl.paths import display_path, stat_or_none

if TYPE_CHECKING:
    from rexdecl.input.registration import RegistrationData
    from rexdecl.register.store import Register

__all__ = ["Planned", "consignment_others", "plan_shipments"]


@dataclass
class Planned:
    """A shipment to process: its workbook, what the survey learnt, its output folder and files,
    the files claimed in the register for it, and the worker's job."""

    index: int
    workbook: Workbook
    survey: Survey
    folder: Path
    planned: tuple[Path, ...]
    claimed: tuple[Path, ...]
    job: ProcessJob


def consignment_others(surveys: dict[int, Survey]) -> dict[int, tuple[tuple[str, Decimal], ...]]:
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


def plan_shipments(
    workbooks: list[Workbook],
    surveys: dict[int, Survey],
    others: dict[int, tuple[tuple[str, Decimal], ...]],
    options: BatchOptions,
    registrations: RegistrationData | None,
    out_dir: Path,
    register: Register,
    run_id: str,
    finish: Callable[[int, ShipmentResult], None],
) -> list[Planned]:
    """Settle unreadable and unchanged shipments; return the ones to process, outputs claimed."""
    planned: list[Planned] = []
    settled: list[Path] = []  # outputs of skipped shipments: a claim left on them is stale
    for index, workbook in enumerate(workbooks):
        try:
            outcome = _plan_one(index, workbook, surveys.get(index), others, options, registrations, out_dir, register)
        except Exception as error:  # noqa: BLE001 - this workbook fails, the others go on
            finish(index, _failed_plan(workbook, error, options.traceback))
            continue
        if isinstance(outcome, Planned):
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
    message, trace = describe_bug("planning", workbook.path, error, keep_trace)
    return replace(base, codes=("batch:internal-error",), message=message, trace=trace)


def _plan_one(
    index: int,
    workbook: Workbook,
    survey: Survey | None,
    others: dict[int, tuple[tuple[str, Decimal], ...]],
    options: BatchOptions,
    registrations: RegistrationData | None,
    out_dir: Path,
    register: Register,
) -> Planned | tuple[ShipmentResult, tuple[Path, ...]]:
    """The plan of one shipment, or its final row (with the outputs a skip settles)."""
    from rexdecl.documents.files import output_paths
    from rexdecl.register.hashes import input_hash

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
    job = ProcessJob(
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
    return Planned(index, workbook, survey, folder, paths, claimed, job)


def _unchanged(
    register: Register, paths: tuple[Path, ...], digest: str, workbook: Workbook, out_dir: Path
) -> ShipmentResult | None:
    """The ``skipped`` row when the register's latest record for these outputs has the same
    input hash and every one of its documents exists with its recorded content."""
    from rexdecl.register.hashes import file_sha256

    stored = register.latest_with_document(paths[0])
    if stored is None or stored.input_hash != digest:
        return None
    files = []
    for path_key, sha256 in stored.documents:
        path = register.resolve(path_key)
        if not path.is_file() or file_sha256(path) != sha256:
            return None
        files.append(shown_file(path, out_dir))
    # A batch killed while rewriting these documents (SIGKILL, power cut) may have left a
    # temporary file beside them; a skipped shipment's folder is cleaned as a redone one is.
    remove_stale_parts(paths[0].parent)
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
