"""The summary of a batch: ``OUT/summary.csv`` and ``OUT/summary.json``, one row per workbook
whatever happened to it; and the check, before any work, that summaries already in the output
folder are batch's own (a ``summary.csv`` the user made is replaced only with ``--force``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rexdecl.batch.results import SUMMARY_COLUMNS, BatchResult, ShipmentResult
from rexdecl.errors import UsageError
from rexdecl.i18n import _
from rexdecl.paths import display_path, stat_or_none

__all__ = [
    "SUMMARY_CSV",
    "SUMMARY_HEADER",
    "SUMMARY_JSON",
    "check_summaries",
    "json_row",
    "summary_csv",
    "summary_json",
    "write_summary",
]

SUMMARY_CSV, SUMMARY_JSON = "summary.csv", "summary.json"
# Columns of the summary that hold numbers: a plain number there is kept as it is in the CSV.
_NUMERIC_COLUMNS = frozenset({"originating_value_eur", "errors", "warnings"})
SUMMARY_HEADER = ",".join(SUMMARY_COLUMNS)


def summary_csv(result: BatchResult) -> str:
    """The summary as CSV; text cells a spreadsheet would take for a formula are neutralised
    (:func:`rexdecl.output.csv_text`)."""
    from rexdecl.output import csv_text
    from rexdecl.paths import printable

    rows = ({name: printable(str(value)) for name, value in r.row().items()} for r in result.results)
    return csv_text(SUMMARY_COLUMNS, rows, numeric=_NUMERIC_COLUMNS)


def json_row(result: ShipmentResult) -> dict[str, object]:
    """A row of ``summary.json``: the CSV's columns, with ``codes`` and ``files`` as arrays, and
    ``reason``: why the workbook is unreadable, or what a batch code means for it (else null)."""
    row: dict[str, object] = dict(result.row())
    row["codes"] = list(result.codes)
    row["files"] = list(result.files)
    row["reason"] = result.message
    return row


def summary_json(result: BatchResult) -> str:
    """The summary as JSON: every row, and the totals of each status."""
    data = {"shipments": [json_row(r) for r in result.results], "totals": result.totals}
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
