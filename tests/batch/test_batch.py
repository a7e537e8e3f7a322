"""``rexdecl batch``: discovery, the summary (csv, json), statuses and exit codes, re-runs
(skip unchanged, redo changed, never replace a file batch did not write), consignments and
the EUR 6,000 threshold, two processes on one register, and a killed batch.

Rendering is the slow part (~0.5 s a shipment, ~1 s to set up a renderer): each test renders
only a few shipments; the ones with several processes are marked slow.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    AS_OF,
    DROP,
    item_with,
    make_workbook,
    run_cli,
    shipment_with,
    write_registration,
)
from pypdf import PdfReader

from rexdecl.batch import SUMMARY_COLUMNS, BatchOptions, Progress, discover, output_name, run_batch
from rexdecl.batch.planning import consignment_others
from rexdecl.batch.shipment import Survey
from rexdecl.batch.workers import WorkerCrashed, Workers
from rexdecl.documents.files import safe_name
from rexdecl.errors import UsageError
from rexdecl.register.store import Register

HEADER = (
    "source,invoice_number,exporter,rex_number,consignee,destination,originating_value_eur,"
    "status,errors,warnings,codes,files"
)


# --- helpers ---------------------------------------------------------------------------


def shipments(folder: Path, *specs: tuple[str, dict[str, Any]], items: list[dict[str, Any]] | None = None) -> Path:
    """Workbooks ``name -> shipment changes`` in ``folder`` and the baseline registration beside."""
    for name, changes in specs:
        make_workbook(folder, shipment_with(**changes), items, name=name)
    write_registration(folder / "registration.toml")
    return folder


def batch(*args: Any) -> Any:
    """``rexdecl batch ARGS`` (run date AS_OF unless ARGS give one)."""
    words = [str(a) for a in args]
    return run_cli(["batch", *words] + ([] if "--as-of" in words else ["--as-of", AS_OF.isoformat()]))


def summary_rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))


def by_source(out: Path) -> dict[str, dict[str, str]]:
    return {Path(row["source"]).name: row for row in summary_rows(out)}


def statuses(out: Path) -> dict[str, str]:
    return {name: row["status"] for name, row in by_source(out).items()}


def register_rows(register: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(register) as db:
        return db.execute(query).fetchall()


def assert_complete_pdf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), f"{path} is truncated"
    assert len(PdfReader(path).pages) >= 1


# --- discovery -------------------------------------------------------------------------


def test_discover_walks_folders_sorted_skips_lock_files_and_names_output_folders(
    tmp_path: Path,
) -> None:
    root = tmp_path / "in"
    for relative in (
        "b.xlsx",
        "a.XLSX",
        "sub/Order 7.xlsx",
        "sub/deeper/x.xlsx",
        "~$b.xlsx",
        "sub/~$x.xlsx",
        "notes.txt",
        "old.xls",
    ):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    single = tmp_path / "single.xlsx"
    single.write_bytes(b"")

    found = discover([root, single, root / "b.xlsx"])  # b.xlsx given twice: once

    assert [(w.source, w.name) for w in found] == [
        (str(root / "a.XLSX"), "a"),
        (str(root / "b.xlsx"), "b"),
        (str(root / "sub/Order 7.xlsx"), "sub-Order-7"),
        (str(root / "sub/deeper/x.xlsx"), "sub-deeper-x"),
        (str(single), "single"),
    ]


@pytest.mark.parametrize("relative", ["sub/Order 7.xlsx", "001/INV/XI.xlsx", "..xlsx", "a b/ü.xlsx"])
def test_output_name_follows_the_invoice_file_name_rule(relative: str) -> None:
    stem = relative[: -len(".xlsx")]
    assert output_name(Path(relative)) == safe_name(stem)
    assert "/" not in output_name(Path(relative)) and output_name(Path(relative)).strip(".")


def test_discover_refuses_what_cannot_be_named_or_found(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a b.xlsx").write_bytes(b"")
    (tmp_path / "x" / "a-b.xlsx").write_bytes(b"")
    with pytest.raises(UsageError, match="would both write to the output folder a-b"):
        discover([tmp_path / "x"])
    with pytest.raises(UsageError, match="no such file or folder"):
        discover([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no shipment workbook"):
        discover([tmp_path / "empty"])
    (tmp_path / "summary.csv.xlsx").write_bytes(b"")
    with pytest.raises(UsageError, match="batch uses for its own files"):
        discover([tmp_path / "summary.csv.xlsx"])


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = batch(tmp_path / "missing", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    (tmp_path / "file").write_text("x")
    make_workbook(tmp_path / "in")
    result = batch(tmp_path / "in", "--out", tmp_path / "file")
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output
    result = batch(tmp_path / "in", "--out", tmp_path / "out", "--jobs", "0")
    assert result.exit_code == 2


# --- a folder of good and bad workbooks ------------------------------------------------


def test_folder_of_good_and_bad_workbooks(tmp_path: Path) -> None:
    folder = shipments(
        tmp_path / "in",
        ("good.xlsx", {}),
        ("sub/second good.xlsx", {"invoice_number": "INV/2026/002", "statement_language": "fr"}),
        ("missing-currency.xlsx", {"invoice_number": "INV-2026-003", "currency": DROP}),
    )
    (folder / "not-a-workbook.xlsx").write_text("this is not a workbook", encoding="utf-8")
    (folder / "~$good.xlsx").write_bytes(b"lock")
    (folder / "notes.txt").write_text("ignored")
    out = tmp_path / "out"

    result = batch(folder, "--out", out, "--registration", folder / "registration.toml", "--jobs", "2")

    assert result.exit_code == 1, result.output
    assert (out / "summary.csv").read_text(encoding="utf-8").splitlines()[0] == HEADER
    rows = summary_rows(out)
    assert [Path(r["source"]).name for r in rows] == [  # sorted by path within the folder
        "good.xlsx",
        "missing-currency.xlsx",
        "not-a-workbook.xlsx",
        "second good.xlsx",
    ]
    good, missing, unreadable, second = rows
    assert good == {
        "source": str(folder / "good.xlsx"),
        "invoice_number": "INV-2026-001",
        "exporter": "PT Jati Contoh",
        "rex_number": "IDREXTEST0000000001",
        "consignee": "Beispiel Moebel GmbH",
        "destination": "DE",
        "originating_value_eur": "1000.00",
        "status": "ok",
        "errors": "0",
        "warnings": "0",
        "codes": "",
        "files": "good/INV-2026-001_invoice.pdf;good/INV-2026-001_packing-list.pdf",
    }
    assert second["status"] == "ok"
    assert second["files"] == "sub-second-good/INV-2026-002_invoice.pdf;sub-second-good/INV-2026-002_packing-list.pdf"
    assert (missing["status"], missing["errors"], missing["codes"], missing["files"]) == (
        "errors",
        "1",
        "MISSING-FIELD",
        "",
    )
    assert missing["invoice_number"] == "INV-2026-003"
    assert (unreadable["status"], unreadable["invoice_number"], unreadable["files"]) == (
        "unreadable",
        "",
        "",
    )

    for row in (good, second):
        for name in row["files"].split(";"):
            assert_complete_pdf(out / name)
    assert not (out / "missing-currency").exists()  # errors: no files
    assert not (out / "not-a-workbook").exists()

    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["totals"] == {"ok": 2, "errors": 1, "unreadable": 1, "skipped": 0}
    # The CSV's columns, then the reason of an unreadable row; codes and files as arrays.
    assert [list(s) for s in data["shipments"]] == [[*SUMMARY_COLUMNS, "reason"]] * 4
    assert data["shipments"][0] == {
        **good,
        "errors": 0,
        "warnings": 0,
        "codes": [],
        "files": good["files"].split(";"),
        "reason": None,
    }
    assert data["shipments"][1]["codes"] == ["MISSING-FIELD"]
    assert data["shipments"][2]["reason"].startswith(f"{folder / 'not-a-workbook.xlsx'}: ")

    lines = result.stdout.splitlines()
    assert (
        f"ok  {folder / 'good.xlsx'} -> {out / 'good/INV-2026-001_invoice.pdf'}, "
        f"{out / 'good/INV-2026-001_packing-list.pdf'}" in lines
    )
    assert f"errors {folder / 'missing-currency.xlsx'}: MISSING-FIELD" in lines
    assert any(line.startswith(f"unreadable {folder / 'not-a-workbook.xlsx'}: ") for line in lines)
    assert lines[-2] == (f"4 workbooks: 2 ok, 1 with errors, 1 unreadable, 0 skipped; summary in {out / 'summary.csv'}")

    register = out / "register.sqlite"
    assert register_rows(
        register,
        "SELECT invoice_number, statement_language, version FROM statements ORDER BY invoice_number",
    ) == [("INV-2026-001", "en", 1), ("INV/2026/002", "fr", 1)]


def test_quiet_prints_only_the_summary_line_and_all_ok_exits_0(tmp_path: Path) -> None:
    folder = shipments(tmp_path / "in", ("a.xlsx", {}))
    out = tmp_path / "out"
    result = batch(folder, "--out", out, "--quiet", "--jobs", "1", "--language", "es")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"1 workbook: 1 ok, 0 with errors, 0 unreadable, 0 skipped; summary in {out / 'summary.csv'}"
    ]
    # --language is --statement-language: the statement is in Spanish.
    assert register_rows(out / "register.sqlite", "SELECT statement_language FROM statements") == [("es",)]


def test_output_piped_into_a_reader_that_stops_early(tmp_path: Path) -> None:
    """`rexdecl batch … | head -1`: the batch stops quietly (no traceback, no "internal
    error"), and a re-run finishes the work with what was written kept."""
    folder = shipments(
        tmp_path / "in",
        ("a.xlsx", {}),
        ("b.xlsx", {"invoice_number": "INV-2026-002"}),
        ("c.xlsx", {"invoice_number": "INV-2026-003"}),
    )
    out = tmp_path / "out"
    command = [sys.executable, "-m", "rexdecl", "batch", str(folder), "--out", str(out), "--jobs", "1"]
    command += ["--as-of", AS_OF.isoformat()]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what `head -1` does after its line
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == 1
    assert first.startswith("ok  ")
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    rerun = batch(folder, "--out", out, "--jobs", "1")
    assert rerun.exit_code == 0, rerun.output
    assert statuses(out)["a.xlsx"] == "skipped"
    assert set(statuses(out).values()) <= {"ok", "skipped"}
    for pdf in out.rglob("*.pdf"):
        assert_complete_pdf(pdf)


# --- re-runs ---------------------------------------------------------------------------


def test_rerun_skips_unchanged_redoes_changed_and_force_redoes_all(tmp_path: Path) -> None:
    folder = shipments(tmp_path / "in", ("a.xlsx", {}), ("b.xlsx", {"invoice_number": "INV-2026-002"}))
    out = tmp_path / "out"
    register = out / "register.sqlite"
    assert batch(folder, "--out", out, "--jobs", "1").exit_code == 0
    first = {p: p.read_bytes() for p in out.glob("*/*.pdf")}
    assert len(first) == 4

    again = batch(folder, "--out", out, "--jobs", "1")
    assert again.exit_code == 0
    assert statuses(out) == {"a.xlsx": "skipped", "b.xlsx": "skipped"}
    skipped = by_source(out)["a.xlsx"]
    assert (skipped["invoice_number"], skipped["files"]) == (
        "INV-2026-001",
        "a/INV-2026-001_invoice.pdf;a/INV-2026-001_packing-list.pdf",
    )
    assert f"skipped  {folder / 'a.xlsx'}" in again.stdout.splitlines()
    assert {p: p.read_bytes() for p in out.glob("*/*.pdf")} == first

    # The workbook changes: redone, re-issued as version 2; the other one is still skipped.
    make_workbook(folder, shipment_with(), [item_with(quantity=12, amount=1200)], name="a.xlsx")
    assert batch(folder, "--out", out, "--jobs", "1").exit_code == 0
    assert statuses(out) == {"a.xlsx": "ok", "b.xlsx": "skipped"}
    assert by_source(out)["a.xlsx"]["originating_value_eur"] == "1200.00"
    assert register_rows(
        register,
        "SELECT invoice_number, version, superseded_by IS NOT NULL FROM statements ORDER BY id",
    ) == [("INV-2026-001", 1, 1), ("INV-2026-002", 1, 0), ("INV-2026-001", 2, 0)]

    # Another run date shapes the documents too (date rules, the data attached to the PDF).
    assert batch(folder, "--out", out, "--jobs", "1", "--as-of", "2026-11-23").exit_code == 0
    assert statuses(out) == {"a.xlsx": "ok", "b.xlsx": "ok"}

    assert batch(folder, "--out", out, "--jobs", "1", "--force").exit_code == 0
    assert statuses(out) == {"a.xlsx": "ok", "b.xlsx": "ok"}
    assert register_rows(register, "SELECT COUNT(*), SUM(superseded_by IS NULL) FROM statements") == [(7, 2)]


def test_registration_entry_is_part_of_the_hash(tmp_path: Path) -> None:
    folder = shipments(tmp_path / "in", ("a.xlsx", {}))
    out = tmp_path / "out"
    assert batch(folder, "--out", out, "--jobs", "1").exit_code == 0
    write_registration(
        folder / "registration.toml",
        {
            "rex_number": "IDREXTEST0000000001",
            "name": "PT Jati Contoh",
            "address": "Jl. Contoh No. 1, Jepara 59427",
            "country": "ID",
            "registered_on": "2020-03-02",
            "npwp": "0012345678901000",
        },
    )  # NPWP is printed
    assert batch(folder, "--out", out, "--jobs", "1").exit_code == 0
    assert statuses(out) == {"a.xlsx": "ok"}


def test_files_not_written_by_batch_are_never_replaced(tmp_path: Path) -> None:
    folder = shipments(tmp_path / "in", ("a.xlsx", {}), ("b.xlsx", {"invoice_number": "INV-2026-002"}))
    out = tmp_path / "out"
    mine = out / "a" / "INV-2026-001_invoice.pdf"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"%PDF-1.7 the exporter's own signed invoice")

    result = batch(folder, "--out", out, "--jobs", "1")

    assert result.exit_code == 1
    row = by_source(out)["a.xlsx"]
    assert (row["status"], row["codes"], row["files"]) == ("errors", "batch:output-exists", "")
    assert f"errors {folder / 'a.xlsx'}: batch:output-exists" in result.stdout.splitlines()
    assert "not written by rexdecl batch" in result.stdout
    assert mine.read_bytes() == b"%PDF-1.7 the exporter's own signed invoice"
    assert not (out / "a" / "INV-2026-001_packing-list.pdf").exists()
    assert by_source(out)["b.xlsx"]["status"] == "ok"  # the other shipment is not spoilt

    # A file batch wrote, changed since (say, signed): not batch's any more; left alone,
    # even with --force.
    signed = out / "b" / "INV-2026-002_invoice.pdf"
    signed.write_bytes(signed.read_bytes() + b"\n% signature")
    changed = signed.read_bytes()
    make_workbook(
        folder,
        shipment_with(invoice_number="INV-2026-002"),
        [item_with(quantity=11, amount=1100)],
        name="b.xlsx",
    )
    result = batch(folder, "--out", out, "--jobs", "1", "--force")
    assert by_source(out)["b.xlsx"]["codes"] == "batch:output-exists"
    assert signed.read_bytes() == changed


def test_removed_outputs_are_written_again(tmp_path: Path) -> None:
    folder = shipments(tmp_path / "in", ("a.xlsx", {}))
    out = tmp_path / "out"
    assert batch(folder, "--out", out, "--jobs", "1").exit_code == 0
    (out / "a" / "INV-2026-001_packing-list.pdf").unlink()
    assert batch(folder, "--out", out, "--jobs", "1").exit_code == 0
    assert statuses(out) == {"a.xlsx": "ok"}
    assert_complete_pdf(out / "a" / "INV-2026-001_packing-list.pdf")


def test_a_claimed_file_left_by_a_killed_run_is_replaced_and_its_temporary_files_removed(
    tmp_path: Path,
) -> None:
    """The state a SIGKILL can leave: a file written but not yet recorded (still claimed), and a
    temporary file of a write in progress. The next run treats both as its own."""
    folder = shipments(tmp_path / "in", ("a.xlsx", {}))
    out = tmp_path / "out"
    invoice = out / "a" / "INV-2026-001_invoice.pdf"
    invoice.parent.mkdir(parents=True)
    invoice.write_bytes(b"%PDF-1.7 written by the killed run, content not recorded anywhere")
    part = out / "a" / ".INV-2026-001_packing-list.pdf.k3j4h5g6.part"
    part.write_bytes(b"%PDF-1.7 half")
    with Register(out / "register.sqlite") as register:
        register.claim([invoice, invoice.with_name("INV-2026-001_packing-list.pdf")], run_id="killed")

    result = batch(folder, "--out", out, "--jobs", "1")

    assert result.exit_code == 0, result.output
    assert statuses(out) == {"a.xlsx": "ok"}
    assert_complete_pdf(invoice)
    assert not part.exists()
    _consistent(out)
    assert register_rows(out / "register.sqlite", "SELECT COUNT(*) FROM pending_outputs") == [(0,)]


def test_progress_bar_on_a_terminal(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from rexdecl.batch import ShipmentResult
    from rexdecl.cli.progress import ProgressDisplay as _Display

    seconds = iter(range(1000))  # one second passes each time the display looks at the clock
    display = _Display(tmp_path, quiet=False, terminal=True, clock=lambda: float(next(seconds)))
    display(Progress("reading", 1, 3, 0))
    display(Progress("processing", 1, 3, 0, ShipmentResult("a.xlsx", "a", "ok", files=("a/X_invoice.pdf",))))
    display(
        Progress(
            "processing",
            2,
            3,
            1,
            ShipmentResult("b.xlsx", "b", "errors", errors=1, codes=("MISSING-FIELD",)),
        )
    )
    display(Progress("processing", 3, 3, 1, ShipmentResult("c.xlsx", "c", "skipped")))
    display.close()
    captured = capsys.readouterr()
    assert captured.out == "errors b.xlsx: MISSING-FIELD\n"  # failures are listed as they come
    last = captured.err.rstrip("\n").split("\r")[-1]
    assert last.startswith("[" + "#" * 10) and "3/3  1 failed" in last and "/s" in last and "left" in last


# --- consignments ----------------------------------------------------------------------


UNREGISTERED = {"exporter_rex": DROP, "consignment_ref": "BL-SMG-0001"}


def test_consignment_sum_triggers_the_threshold_on_every_invoice(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    items = [item_with(quantity=40, amount=4000)]  # EUR 4,000 each: 8,000 together
    for name, invoice in (("one.xlsx", "UPK-1"), ("two.xlsx", "UPK-2")):
        make_workbook(folder, shipment_with(**UNREGISTERED, invoice_number=invoice), items, name=name)
    # Same bill of lading, another exporter: its own consignment for the threshold.
    make_workbook(
        folder,
        shipment_with(**UNREGISTERED, invoice_number="OTHER-1", exporter_name="CV Lain Contoh"),
        items,
        name="other.xlsx",
    )
    out = tmp_path / "out"

    result = batch(folder, "--out", out, "--jobs", "1")

    assert result.exit_code == 1
    rows = by_source(out)
    assert (rows["one.xlsx"]["status"], rows["one.xlsx"]["codes"]) == (
        "errors",
        "THRESHOLD-EUR-6000",
    )
    assert (rows["two.xlsx"]["status"], rows["two.xlsx"]["codes"]) == (
        "errors",
        "THRESHOLD-EUR-6000",
    )
    assert rows["one.xlsx"]["originating_value_eur"] == "4000.00"  # the invoice's own value
    assert (rows["other.xlsx"]["status"], rows["other.xlsx"]["rex_number"]) == ("ok", "")


def test_consignment_groups_by_reference_exporter_and_currency() -> None:
    def survey(
        invoice: str,
        ref: str | None,
        exporter: str = "name:ud a",
        value: str = "4000",
        currency: str = "EUR",
    ) -> Survey:
        return Survey(
            sha256="x",
            invoice_number=invoice,
            consignment_ref=ref,
            exporter_key=exporter,
            threshold_currency=currency,
            value=Decimal(value),
        )

    surveys = {
        0: survey("A", "BL1"),
        1: survey("B", "BL1", value="2500"),
        2: survey("C", "BL1", value="100"),
        3: survey("D", "BL2"),
        4: survey("E", "BL1", exporter="name:cv b"),
        5: survey("F", None),
        6: survey("G", "BL1", currency="CHF"),
        7: Survey(unreadable="broken"),
    }
    others = consignment_others(surveys)
    assert others == {
        0: (("B", Decimal(2500)), ("C", Decimal(100))),
        1: (("A", Decimal(4000)), ("C", Decimal(100))),
        2: (("A", Decimal(4000)), ("B", Decimal(2500))),
    }


def test_consignment_change_redoes_its_invoices(tmp_path: Path) -> None:
    """The other invoices of a consignment shape the findings (THRESHOLD-NEAR): in the hash."""
    folder = tmp_path / "in"
    make_workbook(
        folder,
        shipment_with(**UNREGISTERED, invoice_number="UPK-1"),
        [item_with(quantity=30, amount=3000)],
        name="one.xlsx",
    )
    out = tmp_path / "out"
    assert batch(folder, "--out", out, "--jobs", "1").exit_code == 0
    make_workbook(
        folder,
        shipment_with(**UNREGISTERED, invoice_number="UPK-2"),
        [item_with(quantity=28, amount=2800)],
        name="two.xlsx",
    )  # 5,800 together: within 5 % of the limit
    assert batch(folder, "--out", out, "--jobs", "1").exit_code == 0
    rows = by_source(out)
    assert (rows["one.xlsx"]["status"], rows["one.xlsx"]["codes"]) == ("ok", "THRESHOLD-NEAR")
    assert (rows["two.xlsx"]["status"], rows["two.xlsx"]["codes"]) == ("ok", "THRESHOLD-NEAR")


# --- the library -----------------------------------------------------------------------


def test_run_batch_reports_progress_and_stops_when_asked(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for index in range(3):
        make_workbook(folder, shipment_with(invoice_number=f"X-{index}", currency=DROP), name=f"{index}.xlsx")
    events: list[Progress] = []
    result = run_batch(
        [folder],
        BatchOptions(out_dir=tmp_path / "out", as_of=AS_OF, jobs=1),
        progress=events.append,
    )
    assert [(e.phase, e.done, e.total) for e in events] == [
        ("reading", 1, 3),
        ("reading", 2, 3),
        ("reading", 3, 3),
        ("processing", 1, 3),
        ("processing", 2, 3),
        ("processing", 3, 3),
    ]
    assert [e.failures for e in events[3:]] == [1, 2, 3]
    assert result.exit_code == 1 and result.totals["errors"] == 3

    calls = iter(range(100))
    stopped = run_batch(
        [folder],
        BatchOptions(out_dir=tmp_path / "out2", as_of=AS_OF, jobs=1),
        stop=lambda: next(calls) >= 4,
    )  # three reads, then one shipment
    assert stopped.interrupted and len(stopped.results) == 1
    assert not (tmp_path / "out2" / "summary.csv").exists()


def _crash_on_two(value: int) -> int:
    if value == 2:
        os._exit(3)  # a worker dying the hard way (a segfault in a system library, the OOM killer)
    return value * 10


@pytest.mark.slow
def test_a_crashing_worker_fails_only_its_own_job(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rexdecl.batch.workers.init_worker", _no_renderer)
    workers = Workers(2)
    try:
        outcomes = dict(workers.run(_crash_on_two, [0, 1, 2, 3], lambda: False))
    finally:
        workers.close()
    assert {index: value for index, value in outcomes.items() if index != 2} == {0: 0, 1: 10, 3: 30}
    assert isinstance(outcomes[2], WorkerCrashed)


def _no_renderer(language: str) -> None:
    """A worker initializer without the renderer (the crash test renders nothing)."""


# --- several processes -----------------------------------------------------------------


def _rexdecl(*args: Any, **kwargs: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "REXDECL_LANG": "en", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "rexdecl", *[str(a) for a in args]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kwargs,
    )


@pytest.mark.slow
def test_two_batch_processes_share_one_register(tmp_path: Path) -> None:
    folder = shipments(tmp_path / "in", *((f"{i}.xlsx", {"invoice_number": f"INV-{i}"}) for i in range(3)))
    register = tmp_path / "shared" / "register.sqlite"
    runs = [
        _rexdecl(
            "batch",
            folder,
            "--out",
            tmp_path / f"out{n}",
            "--register",
            register,
            "--jobs",
            "1",
            "--as-of",
            AS_OF.isoformat(),
            "--quiet",
        )
        for n in (1, 2)
    ]
    for run in runs:
        stdout, stderr = run.communicate(timeout=180)
        assert run.returncode == 0, stdout + stderr
    rows = register_rows(register, "SELECT invoice_number, version, superseded_by IS NULL FROM statements")
    # Every statement was issued twice (once per run): versions 1 and 2, the later one current.
    assert sorted(rows) == [(f"INV-{i}", v, v == 2) for i in range(3) for v in (1, 2)]
    assert register_rows(register, "SELECT COUNT(*) FROM documents") == [(12,)]
    assert register_rows(register, "PRAGMA integrity_check") == [("ok",)]


def _wait_for(predicate: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _statements(register: Path) -> int:
    try:
        return register_rows(register, "SELECT COUNT(*) FROM statements")[0][0]
    except sqlite3.Error:
        return 0


def _consistent(out: Path) -> None:
    """Register intact; every PDF complete and recorded; no temporary file."""
    register = out / "register.sqlite"
    assert register_rows(register, "PRAGMA integrity_check") == [("ok",)]
    assert not list(out.rglob("*.part"))
    recorded = dict(register_rows(register, "SELECT path, sha256 FROM documents"))
    for pdf in out.rglob("*.pdf"):
        assert_complete_pdf(pdf)
        assert pdf.relative_to(out).as_posix() in recorded


@pytest.mark.slow
def test_a_stopped_or_killed_batch_leaves_a_consistent_register(tmp_path: Path) -> None:
    folder = shipments(tmp_path / "in", *((f"{i}.xlsx", {"invoice_number": f"INV-{i}"}) for i in range(24)))
    out = tmp_path / "out"
    args = ("batch", folder, "--out", out, "--jobs", "2", "--as-of", AS_OF.isoformat())

    # SIGTERM (what `kill` and CI timeouts send): the shipments in progress finish and are recorded.
    run = _rexdecl(*args)
    _wait_for(lambda: _statements(out / "register.sqlite") >= 1)
    run.send_signal(signal.SIGTERM)
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, stdout + stderr
    assert "interrupted" in stderr
    _consistent(out)
    assert not (out / "summary.csv").exists()

    # SIGKILL of the whole process group (power cut, OOM killer): nothing can clean up, yet the
    # register is intact and no document is truncated (temporary files may remain, hidden).
    run = _rexdecl(*args, "--force", start_new_session=True)
    before = _statements(out / "register.sqlite")
    _wait_for(lambda: _statements(out / "register.sqlite") >= before + 1)
    os.killpg(run.pid, signal.SIGKILL)
    run.communicate(timeout=60)
    assert register_rows(out / "register.sqlite", "PRAGMA integrity_check") == [("ok",)]
    for pdf in out.rglob("*.pdf"):
        assert_complete_pdf(pdf)

    # The next run finishes the job: files written but never recorded are still batch's own.
    run = _rexdecl(*args)
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stdout + stderr
    assert set(statuses(out).values()) <= {"ok", "skipped"}
    _consistent(out)
    assert register_rows(out / "register.sqlite", "SELECT COUNT(*) FROM pending_outputs") == [(0,)]
