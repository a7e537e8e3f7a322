"""Concluding a processed shipment, in the parent as each worker's outcome comes back: an ok
shipment's statement recorded in the register (one transaction; when that fails, the files the
worker created are removed again), and the shipment's row of the summary. A worker that died or
a bug fails its own shipment only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rexdecl.batch.planning import Planned
from rexdecl.batch.results import ERRORS, OK, ShipmentResult, describe_bug, shown_file
from rexdecl.batch.shipment import Outcome
from rexdecl.batch.workers import WorkerCrashed, describe_failure
from rexdecl.errors import RexdeclError
from rexdecl.i18n import _

if TYPE_CHECKING:
    from rexdecl.register.store import Register

__all__ = ["conclude"]


def conclude(
    plan: Planned, outcome: Any, register: Register, out_dir: Path, run_id: str, keep_trace: bool
) -> ShipmentResult:
    """The summary row of a processed shipment; an ok one is recorded in the register first.
    Never raises: a bug here fails this shipment only."""
    try:
        return _conclude_outcome(plan, outcome, register, out_dir, run_id)
    except Exception as error:  # noqa: BLE001 - this shipment fails, the others go on
        message, trace = describe_bug("recording", plan.workbook.path, error, keep_trace)
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


def _conclude_outcome(plan: Planned, outcome: Any, register: Register, out_dir: Path, run_id: str) -> ShipmentResult:
    workbook = plan.workbook
    base = ShipmentResult(workbook.source, workbook.name, ERRORS)
    if not isinstance(outcome, Outcome):  # the worker died, or a bug outside process_shipment
        return replace(
            base,
            errors=1,
            message=describe_failure(outcome),
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
    from rexdecl.register.records import DocumentFile

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
            files=tuple(shown_file(path, out_dir) for path in kept),
        )
    return replace(row, files=tuple(shown_file(d.path, out_dir) for d in documents))
