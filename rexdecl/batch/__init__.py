"""``rexdecl batch``: many shipments in parallel worker processes, with summaries and the register.

Callers use the names below; each module has one job: :mod:`~rexdecl.batch.results` (options,
statuses, rows and the run's result), :mod:`~rexdecl.batch.discovery` (the workbooks and their
output folders), :mod:`~rexdecl.batch.shipment` (the work on one shipment, in a worker),
:mod:`~rexdecl.batch.workers` (the worker processes), :mod:`~rexdecl.batch.planning` (what to
skip, what to process, the outputs claimed), :mod:`~rexdecl.batch.recording` (each outcome
recorded in the register and made a row), :mod:`~rexdecl.batch.summary` (``summary.csv`` and
``summary.json``) and :mod:`~rexdecl.batch.run` (the run that ties them).
"""

from rexdecl.batch.discovery import Workbook, discover, output_name
from rexdecl.batch.results import (
    CODES,
    STATUSES,
    SUMMARY_COLUMNS,
    BatchOptions,
    BatchResult,
    Progress,
    ShipmentResult,
)
from rexdecl.batch.run import run_batch
from rexdecl.batch.summary import check_summaries, summary_csv, summary_json, write_summary

__all__ = [
    "CODES",
    "STATUSES",
    "SUMMARY_COLUMNS",
    "BatchOptions",
    "BatchResult",
    "Progress",
    "ShipmentResult",
    "Workbook",
    "check_summaries",
    "discover",
    "output_name",
    "run_batch",
    "summary_csv",
    "summary_json",
    "write_summary",
]
