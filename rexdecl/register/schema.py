"""A register's file and its schema: the tables, how an SQLite file is recognised as a register
(or refused), checked, created, and upgraded from schema 1.

A register is recognised by its SQLite application id (and, for registers of schema 1, which
had none, by its ``meta`` table and tables); any other SQLite database is refused and never
written to.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from rexdecl.errors import OutputError, UsageError
from rexdecl.i18n import _
from rexdecl.paths import open_regular
from rexdecl.register.database import damaged, raw_transaction, rollback
from rexdecl.register.records import input_key, statement_key

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "TABLES",
    "check_pages",
    "check_tables",
    "foreign",
    "identify",
    "identify_now",
    "read_header",
    "set_up",
]

log = logging.getLogger("rexdecl")

SCHEMA_VERSION = 2
# PRAGMA application_id of a register: "REXD". A database with another id is not ours.
APPLICATION_ID = 0x52455844

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS statements (
        id INTEGER PRIMARY KEY,
        statement_key TEXT NOT NULL,          -- exporter (REX number or name) | invoice number | input
        version INTEGER NOT NULL,
        superseded_by INTEGER REFERENCES statements(id),
        superseded_at TEXT,
        invoice_number TEXT NOT NULL,
        invoice_date TEXT,
        exporter_name TEXT,
        exporter_address TEXT,
        exporter_country TEXT,
        rex_number TEXT,
        consignee_name TEXT,
        consignee_address TEXT,
        consignee_country TEXT,
        destination TEXT,
        scheme TEXT,
        statement_language TEXT,
        statement_text TEXT,                  -- NULL: documents without a statement
        origin_country TEXT,
        eska_code TEXT,
        consignment_ref TEXT,
        currency TEXT,
        total_amount TEXT,                    -- exact decimals as text
        originating_amount TEXT,
        eur_rate TEXT,
        originating_value_eur TEXT,
        total_packages TEXT,
        total_net_kg TEXT,
        total_gross_kg TEXT,
        warnings INTEGER NOT NULL,
        codes TEXT NOT NULL,                  -- ;-separated codes of the warnings
        source TEXT,
        input TEXT,                           -- the workbook: relative to the register's folder when possible
        source_sha256 TEXT,
        input_hash TEXT NOT NULL,
        rexdecl_version TEXT NOT NULL,
        command TEXT NOT NULL,                -- batch | generate
        run_id TEXT,
        issued_on TEXT NOT NULL,              -- the run date (--as-of): deterministic
        recorded_at TEXT NOT NULL,            -- wall clock, UTC: the audit trail
        UNIQUE (statement_key, version))""",
    """CREATE INDEX IF NOT EXISTS statements_key ON statements (statement_key, superseded_by)""",
    """CREATE TABLE IF NOT EXISTS lines (
        statement_id INTEGER NOT NULL REFERENCES statements(id),
        position INTEGER NOT NULL,
        line_no INTEGER,
        description TEXT,
        hs_code TEXT,
        quantity TEXT,
        unit TEXT,
        unit_price TEXT,
        amount TEXT,
        origin_country TEXT,
        criterion TEXT,
        originating INTEGER NOT NULL,
        origin_note TEXT,
        PRIMARY KEY (statement_id, position))""",
    """CREATE TABLE IF NOT EXISTS documents (
        statement_id INTEGER NOT NULL REFERENCES statements(id),
        kind TEXT NOT NULL,
        path TEXT NOT NULL,                   -- relative to the register's folder when possible
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (statement_id, path))""",
    """CREATE INDEX IF NOT EXISTS documents_path ON documents (path)""",
    """CREATE TABLE IF NOT EXISTS pending_outputs (
        path TEXT PRIMARY KEY,
        run_id TEXT,
        claimed_at TEXT NOT NULL)""",
)


_SQLITE_HEADER = b"SQLite format 3\x00"
TABLES = ("meta", "statements", "lines", "documents", "pending_outputs")
# Columns a register of schema 1 does not have yet (added by _migrate_from_1).
_ADDED_IN_2 = {"statements": frozenset({"input"})}


@functools.cache
def _expected_columns(version: int) -> dict[str, frozenset[str]]:
    """The columns of each table of a register of ``version``, read from :data:`_SCHEMA`."""
    db = sqlite3.connect(":memory:")
    try:
        for statement in _SCHEMA:
            db.execute(statement)
        columns = {table: frozenset(row[1] for row in db.execute(f"PRAGMA table_info({table})")) for table in TABLES}
    finally:
        db.close()
    if version == 1:
        columns = {table: names - _ADDED_IN_2.get(table, frozenset()) for table, names in columns.items()}
    return columns


def read_header(path: Path, shown: str) -> bool:
    """Refuse a file that is not an SQLite database, or one another application marked as its
    own (PRAGMA application_id), before SQLite touches it. Returns whether the header says the
    database is in WAL mode."""
    try:
        with os.fdopen(open_regular(path), "rb") as stream:
            header = stream.read(100)
    except OSError as error:
        raise OutputError(
            _("{path}: the register cannot be opened ({reason})").format(path=shown, reason=error.strerror or error)
        ) from None
    wal_mode = len(header) > 19 and header[18] == header[19] == 2
    if not header.startswith(_SQLITE_HEADER):
        raise UsageError(
            _(
                "{path}: not a rexdecl register (not an SQLite database); expected the "
                "register.sqlite that batch writes, or a new file"
            ).format(path=shown)
        )
    if len(header) >= 72 and int.from_bytes(header[68:72], "big", signed=True) not in (0, APPLICATION_ID):
        raise foreign(shown)
    return wal_mode


def foreign(shown: str, tables: Sequence[str] = ()) -> UsageError:
    """The error of an SQLite database that is not a register (``tables``: those it has)."""
    found = (
        _("an SQLite database with the tables {tables}").format(tables=", ".join(sorted(tables)))
        if tables
        else _("an SQLite database of another application")
    )
    return UsageError(
        _(
            "{path}: not a rexdecl register ({found}); rexdecl never writes into another "
            "application's database. Expected the register.sqlite that batch writes "
            "(tables {expected}), or a new file"
        ).format(path=shown, found=found, expected=", ".join(TABLES))
    )


def identify_now(db: sqlite3.Connection, shown: str) -> int | None:
    """:func:`identify` in one read transaction: its queries see one state of the file
    (another process may be creating or upgrading the register at this moment)."""
    db.execute("BEGIN")
    try:
        return identify(db, shown)
    finally:
        rollback(db)


def identify(db: sqlite3.Connection, shown: str) -> int | None:
    """The schema version of the register in ``db``; None for an empty database.
    Raises UsageError for a database that is not a register or not a usable one."""
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    (application_id,) = db.execute("PRAGMA application_id").fetchone()
    ours = application_id == APPLICATION_ID
    if application_id not in (0, APPLICATION_ID):
        raise foreign(shown, tables)
    if not tables and not ours:
        return None
    row = None
    if "meta" in tables:
        row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    # A register of schema 1 has no application id: its meta table and its statements say it.
    if not ours and (row is None or "statements" not in tables):
        raise foreign(shown, tables)
    if row is None:
        raise damaged(shown, _("no schema version"))
    text = str(row[0])
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
        raise damaged(
            shown, _("its schema version is {found}, not a whole number from 1").format(found=repr(text)[:40])
        )
    version = int(text)
    if version > SCHEMA_VERSION:
        raise UsageError(
            _(
                "{path}: the register was written by a newer rexdecl (schema {found}); "
                "expected schema {expected} or older: update rexdecl"
            ).format(path=shown, found=version, expected=SCHEMA_VERSION)
        )
    return version


def check_tables(db: sqlite3.Connection, version: int, shown: str) -> None:
    """Raise UsageError when a table or a column of a register of ``version`` is missing."""
    present = {table: frozenset(row[1] for row in db.execute(f"PRAGMA table_info({table})")) for table in TABLES}
    for table, columns in _expected_columns(version).items():
        if not present[table]:
            raise damaged(shown, _("the table {table} is missing").format(table=table))
        missing = sorted(columns - present[table])
        if missing:
            raise damaged(
                shown, _("the table {table} has no column {columns}").format(table=table, columns=", ".join(missing))
            )


def check_pages(db: sqlite3.Connection, shown: str) -> None:
    """Raise UsageError when SQLite finds the register's pages damaged."""
    (check,) = db.execute("PRAGMA quick_check(1)").fetchone()
    if check != "ok":
        raise damaged(shown, " ".join(str(check).split()))


def set_up(db: sqlite3.Connection, shown: str, folder: Path) -> None:
    """What the file is (only read until it is known to be a register: nothing is written
    into a database that is not ours, or not usable, not even its journal mode), then the
    schema: created, or upgraded from schema 1. ``folder``: the register's folder."""
    rollback(db)
    version = identify_now(db, shown)
    if version is not None:
        check_tables(db, version, shown)
        check_pages(db, shown)
    # WAL: readers never block the writer; a killed writer leaves the last committed state.
    db.execute("PRAGMA journal_mode = WAL").fetchone()
    if version is None:
        _create(db, shown)
    elif version < SCHEMA_VERSION:
        _migrate_from_1(db, shown, folder)


def _create(db: sqlite3.Connection, shown: str) -> None:
    with raw_transaction(db):
        if identify(db, shown) is not None:  # another process made it meanwhile
            return
        for statement in _SCHEMA:
            db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )


def _migrate_from_1(db: sqlite3.Connection, shown: str, folder: Path) -> None:
    """Schema 1 -> 2: a statement's key gains its workbook (``input``), so two shipments
    that share an invoice number are two statements. The workbook of an old record is its
    ``source`` as recorded; a relative one is taken from the current folder (where the
    batch is usually run again). Versions are grouped again by the new key: a record that
    a different workbook's record had marked superseded becomes current again."""
    with raw_transaction(db):
        if identify(db, shown) != 1:  # another process upgraded it meanwhile
            return
        check_tables(db, 1, shown)
        db.execute("ALTER TABLE statements ADD COLUMN input TEXT")
        rows = db.execute("SELECT id, rex_number, exporter_name, invoice_number, source FROM statements").fetchall()
        for statement_id, rex, name, invoice, source in rows:
            workbook = input_key(folder, os.path.abspath(source)) if source else ""
            db.execute(
                "UPDATE statements SET input = ?, statement_key = ? WHERE id = ?",
                (workbook or None, statement_key(rex, name, invoice, workbook), statement_id),
            )
        groups: dict[str, list[tuple[int, str | None, str]]] = {}
        for statement_id, key, superseded_at, recorded_at in db.execute(
            "SELECT id, statement_key, superseded_at, recorded_at FROM statements ORDER BY id"
        ):
            groups.setdefault(key, []).append((statement_id, superseded_at, recorded_at))
        for members in groups.values():
            for (statement_id, superseded_at, _recorded), following in zip(members, members[1:], strict=False):
                db.execute(
                    "UPDATE statements SET superseded_by = ?, superseded_at = ? WHERE id = ?",
                    (following[0], superseded_at or following[2], statement_id),
                )
            db.execute(
                "UPDATE statements SET superseded_by = NULL, superseded_at = NULL WHERE id = ?",
                (members[-1][0],),
            )
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    log.info("%s: register upgraded from schema 1 to %d", shown, SCHEMA_VERSION)
