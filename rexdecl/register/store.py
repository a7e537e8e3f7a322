"""The register of issued statements: an embedded SQLite database kept by ``batch`` (and by
``generate --register``), the exporter's proof of every statement on origin it made out.

One row of ``statements`` per statement (per shipment) with its lines, totals, the hash of
everything that shaped it and the path and SHA-256 of every document written. A statement
issued again (same exporter, same invoice number, same workbook) gets the next version
number; the earlier rows stay, marked superseded. Two different shipments that share an
invoice number (two exporters, or one exporter's two workbooks) are two statements.
``pending_outputs`` lists the files a running batch is about to write, so that a batch
killed between writing a file and recording it still knows the file is its own.

Every write is one ``BEGIN IMMEDIATE`` transaction on a WAL database with a busy timeout:
two processes writing to one register wait for each other; neither loses a record, and a
killed process leaves the register as it was before its last transaction.

A register is recognised by its SQLite application id (and, for registers of schema 1,
which had none, by its ``meta`` table and tables); any other SQLite database is refused and
never written to. Opening for writing checks the register (ownership, schema version,
tables, pages, writability) before anything else is done, and upgrades a schema-1 register.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rexdecl import __version__
from rexdecl.errors import OutputError, RexdeclError, UsageError
from rexdecl.i18n import _
from rexdecl.output import StagedFiles, csv_cell
from rexdecl.paths import display_path, file_kind, open_regular, stat_or_none

if TYPE_CHECKING:
    from rexdecl.criteria import Criterion
    from rexdecl.model import Registration
    from rexdecl.pipeline import Checked

__all__ = [
    "DEFAULT_NAME",
    "ESKA_COLUMNS",
    "DocumentFile",
    "LineRecord",
    "Recorded",
    "Register",
    "StatementRecord",
    "StoredStatement",
    "document_files",
    "eska_csv",
    "file_sha256",
    "input_hash",
    "issue_documents",
    "statement_record",
]

log = logging.getLogger("rexdecl")
_T = TypeVar("_T")

DEFAULT_NAME = "register.sqlite"
SCHEMA_VERSION = 2
# PRAGMA application_id of a register: "REXD". A database with another id is not ours.
APPLICATION_ID = 0x52455844
# How long a writer waits for another process's transaction before giving up. Transactions
# are short (one statement), so this is only reached when something holds the database.
BUSY_TIMEOUT_SECONDS = 60.0

# The data an exporter enters in e-SKA for each DAB: one row per originating line of the
# latest version of each statement (README, "The register of issued statements").
ESKA_COLUMNS = (
    "invoice_number",
    "invoice_date",
    "rex_number",
    "exporter",
    "consignee_name",
    "consignee_address",
    "consignee_country",
    "destination_country",
    "line",
    "hs_code",
    "description",
    "quantity",
    "unit",
    "value",
    "currency",
    "origin_criterion",
)

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


# --- records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRecord:
    position: int
    line_no: int | None
    description: str | None
    hs_code: str | None
    quantity: str | None
    unit: str | None
    unit_price: str | None
    amount: str | None
    origin_country: str | None
    criterion: str | None
    originating: bool
    origin_note: str | None


@dataclass(frozen=True)
class StatementRecord:
    """What the register keeps of one statement; plain values, so it crosses processes."""

    invoice_number: str
    invoice_date: str | None
    exporter_name: str | None
    exporter_address: str | None
    exporter_country: str | None
    rex_number: str | None
    consignee_name: str | None
    consignee_address: str | None
    consignee_country: str | None
    destination: str | None
    scheme: str | None
    statement_language: str | None
    statement_text: str | None
    origin_country: str | None
    eska_code: str | None
    consignment_ref: str | None
    currency: str | None
    total_amount: str | None
    originating_amount: str | None
    eur_rate: str | None
    originating_value_eur: str | None
    total_packages: str | None
    total_net_kg: str | None
    total_gross_kg: str | None
    warnings: int
    codes: str
    source: str | None
    source_sha256: str | None
    input_hash: str
    issued_on: str
    command: str
    lines: tuple[LineRecord, ...]
    # The workbook's absolute path (as :func:`rexdecl.paths.display_path` shows it): part of
    # the statement's key, stored relative to the register's folder when possible.
    input_path: str | None = None


@dataclass(frozen=True)
class DocumentFile:
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Recorded:
    id: int
    version: int


@dataclass(frozen=True)
class StoredStatement:
    """A statement as read back from the register (``list``, skip decisions)."""

    id: int
    version: int
    superseded_by: int | None
    invoice_number: str
    invoice_date: str | None
    exporter_name: str | None
    rex_number: str | None
    consignee_name: str | None
    destination: str | None
    statement_language: str | None
    originating_value_eur: str | None
    warnings: int
    codes: str
    input_hash: str
    issued_on: str
    recorded_at: str
    documents: tuple[tuple[str, str], ...]  # (path as stored, sha256)
    source: str | None = None  # the workbook, as the command that recorded it named it

    @property
    def superseded(self) -> bool:
        return self.superseded_by is not None


def exporter_key(rex_number: str | None, exporter_name: str | None) -> str:
    """The exporter as the register tells exporters apart: the REX number, else the name."""
    return rex_number or "name:" + " ".join((exporter_name or "").casefold().split())


def statement_key(rex_number: str | None, exporter_name: str | None, invoice_number: str, input_key: str) -> str:
    """Which statement a record is a version of: the same exporter's same invoice made from
    the same workbook (``input_key``, its path as the register stores it)."""
    return f"{exporter_key(rex_number, exporter_name)}|{invoice_number}|{input_key}"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def criterion_code(criterion: Criterion | None, typed: str | None) -> str | None:
    """The criterion in its input form, canonical: ``P``, ``W 6214``, ``eu-cumulation``,
    ``extended-cumulation:XX``, ``no``; what was typed when it is not a known form."""
    if criterion is None:
        return typed
    if criterion.kind == "W":
        return f"W {criterion.heading}" if criterion.heading else "W"
    if criterion.kind == "cumulation":
        if criterion.cumulation == "extended":
            return f"extended-cumulation:{criterion.partner}"
        return f"{criterion.cumulation}-cumulation"
    return criterion.kind


def statement_record(checked: Checked, *, source_sha256: str | None, input_hash: str, command: str) -> StatementRecord:
    """The register's record of a checked shipment whose documents were written."""
    from rexdecl.documents.statement import fill_statement
    from rexdecl.input.parsing import round_half_up
    from rexdecl.rules.notation import digits_only

    ctx = checked.facts
    shipment = ctx.shipment
    options = ctx.options
    statement_text = None
    if not options.no_statement and ctx.scheme is not None:
        statement_text = fill_statement(ctx).text
    eur = ctx.eur_valuation
    converted = eur.converted
    lines = tuple(
        LineRecord(
            position=position,
            line_no=line.item.line,
            description=line.item.description,
            hs_code=digits_only(line.item.hs_code) or None,
            quantity=_text(line.item.quantity),
            unit=line.item.unit,
            unit_price=_text(line.item.unit_price),
            amount=_text(line.amount),
            origin_country=line.origin,
            criterion=criterion_code(line.criterion, line.item.origin_criterion),
            originating=line.originating,
            origin_note=line.item.origin_note,
        )
        for position, line in enumerate(ctx.lines, start=1)
    )

    def total(name: str) -> str | None:
        values = [getattr(line.item, name) for line in ctx.lines if getattr(line.item, name) is not None]
        return _text(sum(values, Decimal(0))) if values else None

    amounts = [line.amount for line in ctx.lines if line.amount is not None]
    return StatementRecord(
        invoice_number=shipment.invoice_number or "",
        invoice_date=shipment.invoice_date.isoformat() if shipment.invoice_date else None,
        exporter_name=ctx.exporter_name,
        exporter_address=ctx.exporter_address,
        exporter_country=ctx.exporter_country,
        rex_number=ctx.rex_number,
        consignee_name=shipment.consignee_name,
        consignee_address=shipment.consignee_address,
        consignee_country=shipment.consignee_country,
        destination=ctx.destination,
        scheme=ctx.scheme_id,
        statement_language=ctx.statement_language,
        statement_text=statement_text,
        origin_country=ctx.origin_country,
        eska_code=shipment.eska_code,
        consignment_ref=shipment.consignment_ref,
        currency=shipment.currency,
        total_amount=_text(sum(amounts, Decimal(0))) if amounts else None,
        originating_amount=_text(eur.in_invoice_currency),
        eur_rate=_text(eur.rate),
        originating_value_eur=_text(round_half_up(converted, 2)) if converted is not None else None,
        total_packages=total("packages"),
        total_net_kg=total("net_kg"),
        total_gross_kg=total("gross_kg"),
        warnings=len(checked.report.warnings),
        codes=";".join(checked.report.codes()),
        source=display_path(ctx.input.path),
        source_sha256=source_sha256,
        input_hash=input_hash,
        issued_on=options.as_of.isoformat(),
        command=command,
        lines=lines,
        input_path=display_path(Path(ctx.input.path).resolve()),
    )


# --- hashes ----------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes. Raises OSError, at once for a named pipe or a device."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def document_files(paths: Sequence[Path]) -> list[DocumentFile]:
    """Path, SHA-256 and size of each written document."""
    return [DocumentFile(Path(p), file_sha256(Path(p)), Path(p).stat().st_size) for p in paths]


def _registration_data(entry: Registration | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    data = asdict(entry)
    data.pop("location", None)  # where the entry was read does not shape the documents
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in data.items()}


def input_hash(
    *,
    workbook_sha256: str,
    entry: Registration | None,
    as_of: dt.date,
    statement_language: str | None,
    no_statement: bool,
    consignment_others: Sequence[tuple[str, Decimal]] = (),
    html: bool = False,
) -> str:
    """One hash over everything that shapes a shipment's documents: the workbook's bytes, the
    registration entry used, the options, the run date, the consignment's other invoices (they
    change the threshold findings) and the rexdecl version."""
    payload = {
        "format": "rexdecl-input/1",
        "workbook_sha256": workbook_sha256,
        "registration": _registration_data(entry),
        "as_of": as_of.isoformat(),
        "statement_language": statement_language,
        "no_statement": no_statement,
        "html": html,
        "consignment_others": [[number, format(value, "f")] for number, value in consignment_others],
        "rexdecl_version": __version__,
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _kind(path: Path) -> str:
    """``X_invoice.pdf`` -> ``invoice.pdf``; ``X_packing-list.html`` -> ``packing-list.html``."""
    return path.name.rsplit("_", 1)[-1]


# --- the database ----------------------------------------------------------------------

_SQLITE_HEADER = b"SQLite format 3\x00"
_TABLES = ("meta", "statements", "lines", "documents", "pending_outputs")
# Columns a register of schema 1 does not have yet (added by _migrate_from_1).
_ADDED_IN_2 = {"statements": frozenset({"input"})}


@functools.cache
def _expected_columns(version: int) -> dict[str, frozenset[str]]:
    """The columns of each table of a register of ``version``, read from :data:`_SCHEMA`."""
    db = sqlite3.connect(":memory:")
    try:
        for statement in _SCHEMA:
            db.execute(statement)
        columns = {table: frozenset(row[1] for row in db.execute(f"PRAGMA table_info({table})")) for table in _TABLES}
    finally:
        db.close()
    if version == 1:
        columns = {table: names - _ADDED_IN_2.get(table, frozenset()) for table, names in columns.items()}
    return columns


def _is_busy(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock for now."""
    return _primary(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _primary(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


class Register:
    """An open register. Use as a context manager; every write is its own transaction.

    ``Register(path)`` opens for writing: it creates the register when the file is missing or
    empty, upgrades a register of schema 1, and checks the register (its pages, and that it
    can be written) before returning. ``create=False`` opens an existing register read-only
    (``register list``, ``register export``): nothing is written, so a register on a
    read-only disk, or one the user may only read, can still be listed.

    Raises UsageError (exit 2) for what is not a usable rexdecl register (another file,
    another application's database, a newer schema, a damaged register) and OutputError
    (exit 2) when the register cannot be opened or written (read-only, held by another
    process for longer than the busy timeout, a full disk). Nothing is written into a file
    that is not a rexdecl register.
    """

    def __init__(self, path: str | os.PathLike[str], create: bool = True) -> None:
        self.path = Path(path)
        self.shown = display_path(self.path)
        self.writable = create
        self._wal_mode = False
        self.version = SCHEMA_VERSION
        found = stat_or_none(self.path)
        if found is not None and stat.S_ISDIR(found.st_mode):
            raise UsageError(
                _("{path} is a folder; expected the register's file (e.g. {name})").format(
                    path=self.shown, name=DEFAULT_NAME
                )
            )
        if found is None and not create:
            raise UsageError(
                _(
                    "{path}: no register found; expected the register.sqlite that batch "
                    "writes in its output folder (or the file named with --register)"
                ).format(path=self.shown)
            )
        if found is not None and found.st_size == 0 and not create:
            raise UsageError(
                _(
                    "{path}: not a rexdecl register (an empty file); expected the register.sqlite "
                    "that batch writes in its output folder"
                ).format(path=self.shown)
            )
        if found is not None and file_kind(found.st_mode) is not None:
            raise UsageError(
                _("{path} is {kind}, not a file; expected the register (an SQLite file)").format(
                    path=self.shown, kind=file_kind(found.st_mode)
                )
            )
        existing = found is not None and found.st_size > 0
        if existing:
            self._check_header()
        self.folder = self.path.resolve().parent
        if create and found is not None:
            # SQLite writes the register and, beside it, its -wal and -shm files.
            if not os.access(self.path, os.W_OK) or not os.access(self.folder, os.W_OK | os.X_OK):
                raise OutputError(
                    _(
                        "{path}: the register cannot be written: the file or its folder is "
                        "read-only; nothing was written"
                    ).format(path=self.shown),
                    hint=_("Make the register writable, or name another one with --register."),
                )
        if create and not existing:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise OutputError(
                    _("{path}: the register cannot be opened ({reason})").format(
                        path=self.shown, reason=error.strerror or error
                    )
                ) from None
        with self._guard():
            if not create:
                self._db = self._retrying(self._open_for_reading)
                return
            self._db = self._connect(read_only=False)
            try:
                self._db.execute("PRAGMA foreign_keys = ON")
                self._db.execute("PRAGMA synchronous = FULL")
                self._retrying(self._set_up)
                self._check()
            except BaseException:
                self._db.close()
                raise

    # -- opening ------------------------------------------------------------------------

    def _check_header(self) -> None:
        """Refuse a file that is not an SQLite database, or one another application marked
        as its own (PRAGMA application_id), before SQLite touches it."""
        try:
            with os.fdopen(open_regular(self.path), "rb") as stream:
                header = stream.read(100)
        except OSError as error:
            raise OutputError(
                _("{path}: the register cannot be opened ({reason})").format(
                    path=self.shown, reason=error.strerror or error
                )
            ) from None
        self._wal_mode = len(header) > 19 and header[18] == header[19] == 2
        if not header.startswith(_SQLITE_HEADER):
            raise UsageError(
                _(
                    "{path}: not a rexdecl register (not an SQLite database); expected the "
                    "register.sqlite that batch writes, or a new file"
                ).format(path=self.shown)
            )
        if len(header) >= 72 and int.from_bytes(header[68:72], "big", signed=True) not in (0, APPLICATION_ID):
            raise self._foreign()

    def _connect(self, read_only: bool) -> sqlite3.Connection:
        if not read_only:
            return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        uri = self.path.absolute().as_uri() + "?mode=ro"
        if self._wal_mode and stat_or_none(Path(f"{self.path}-wal")) is None:
            # A WAL database that nobody has open: its file holds everything. Read as it
            # stands, so that listing leaves no -wal and -shm files behind (a read-only
            # connection could not remove them).
            uri += "&immutable=1"
        db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as error:
            db.close()
            if _primary(error) not in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
                raise
            # A WAL database in a folder that cannot be written: SQLite cannot make the
            # shared-memory file it reads through. Nobody can be writing there either, so
            # the file is read as it stands.
            db = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)
        return db

    def _open_for_reading(self) -> sqlite3.Connection:
        """A read-only connection to the register, its schema version found and its tables
        checked (``register list``, ``register export``)."""
        self._db = self._connect(read_only=True)
        try:
            version = self._identify_now()
            if version is None:
                raise self._foreign()
            else:
                self._check_tables(version)
                self.version = version
        except BaseException:
            self._db.close()
            raise
        return self._db

    def _retrying(self, action: Callable[[], _T]) -> _T:
        """``action()``, tried again while SQLite answers "database is locked" at once. Another
        process opening the same new register at the same moment can make it do so without
        waiting (switching to WAL takes the whole file, and SQLite does not wait where waiting
        could deadlock); the usual busy timeout still bounds the wait."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                return action()
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _foreign(self, tables: Sequence[str] = ()) -> UsageError:
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
            ).format(path=self.shown, found=found, expected=", ".join(_TABLES))
        )

    def _damaged(self, what: str) -> UsageError:
        return UsageError(
            _(
                "{path}: the register is damaged ({what}); nothing was written. Restore it "
                "from a backup, or name another register with --register"
            ).format(path=self.shown, what=what)
        )

    def _identify_now(self) -> int | None:
        """:meth:`_identify` in one read transaction: its queries see one state of the file
        (another process may be creating or upgrading the register at this moment)."""
        self._db.execute("BEGIN")
        try:
            return self._identify()
        finally:
            self._rollback()

    def _identify(self) -> int | None:
        """The schema version of the register in ``self._db``; None for an empty database.
        Raises UsageError for a database that is not a register or not a usable one."""
        tables = [name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        (application_id,) = self._db.execute("PRAGMA application_id").fetchone()
        ours = application_id == APPLICATION_ID
        if application_id not in (0, APPLICATION_ID):
            raise self._foreign(tables)
        if not tables and not ours:
            return None
        row = None
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        # A register of schema 1 has no application id: its meta table and its statements say it.
        if not ours and (row is None or "statements" not in tables):
            raise self._foreign(tables)
        if row is None:
            raise self._damaged(_("no schema version"))
        text = str(row[0])
        if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
            raise self._damaged(
                _("its schema version is {found}, not a whole number from 1").format(found=repr(text)[:40])
            )
        version = int(text)
        if version > SCHEMA_VERSION:
            raise UsageError(
                _(
                    "{path}: the register was written by a newer rexdecl (schema {found}); "
                    "expected schema {expected} or older: update rexdecl"
                ).format(path=self.shown, found=version, expected=SCHEMA_VERSION)
            )
        return version

    def _check_tables(self, version: int) -> None:
        present = {
            table: frozenset(row[1] for row in self._db.execute(f"PRAGMA table_info({table})")) for table in _TABLES
        }
        for table, columns in _expected_columns(version).items():
            if not present[table]:
                raise self._damaged(_("the table {table} is missing").format(table=table))
            missing = sorted(columns - present[table])
            if missing:
                raise self._damaged(
                    _("the table {table} has no column {columns}").format(table=table, columns=", ".join(missing))
                )

    def _set_up(self) -> None:
        """What the file is (only read until it is known to be a register: nothing is written
        into a database that is not ours, or not usable, not even its journal mode), then the
        schema: created, or upgraded from schema 1."""
        self._rollback()
        version = self._identify_now()
        if version is not None:
            self._check_tables(version)
            self._check_pages()
        # WAL: readers never block the writer; a killed writer leaves the last committed state.
        self._db.execute("PRAGMA journal_mode = WAL").fetchone()
        if version is None:
            self._create()
        elif version < SCHEMA_VERSION:
            self._migrate_from_1()

    def _check_pages(self) -> None:
        (check,) = self._db.execute("PRAGMA quick_check(1)").fetchone()
        if check != "ok":
            raise self._damaged(" ".join(str(check).split()))

    def _check(self) -> None:
        """The tables, and whether the register can be written: asked now, before the
        caller writes any document (the pages were checked before the set-up)."""
        self.version = SCHEMA_VERSION
        self._check_tables(SCHEMA_VERSION)
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("ROLLBACK")

    def _create(self) -> None:
        with self._raw_transaction() as db:
            if self._identify() is not None:  # another process made it meanwhile
                return
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    def _migrate_from_1(self) -> None:
        """Schema 1 -> 2: a statement's key gains its workbook (``input``), so two shipments
        that share an invoice number are two statements. The workbook of an old record is its
        ``source`` as recorded; a relative one is taken from the current folder (where the
        batch is usually run again). Versions are grouped again by the new key: a record that
        a different workbook's record had marked superseded becomes current again."""
        with self._raw_transaction() as db:
            if self._identify() != 1:  # another process upgraded it meanwhile
                return
            self._check_tables(1)
            db.execute("ALTER TABLE statements ADD COLUMN input TEXT")
            rows = db.execute("SELECT id, rex_number, exporter_name, invoice_number, source FROM statements").fetchall()
            for statement_id, rex, name, invoice, source in rows:
                input_key = self._input_key(os.path.abspath(source)) if source else ""
                db.execute(
                    "UPDATE statements SET input = ?, statement_key = ? WHERE id = ?",
                    (input_key or None, statement_key(rex, name, invoice, input_key), statement_id),
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
        log.info("%s: register upgraded from schema 1 to %d", self.shown, SCHEMA_VERSION)

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- errors -------------------------------------------------------------------------

    def _error(self, error: sqlite3.Error) -> RexdeclError:
        """What an SQLite error means to the user (never a traceback, never exit 3)."""
        code = _primary(error)
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            return self._damaged(str(error))
        if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
            return OutputError(
                _("{path}: the register cannot be written: it is read-only ({reason})").format(
                    path=self.shown, reason=error
                ),
                hint=_("Make the register writable, or name another one with --register."),
            )
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return OutputError(
                _(
                    "{path}: the register is busy: another process has held it for more than "
                    "{seconds:g} seconds ({reason})"
                ).format(path=self.shown, seconds=BUSY_TIMEOUT_SECONDS, reason=error),
                hint=_("Wait for the other rexdecl to finish, then run the command again."),
            )
        if code == sqlite3.SQLITE_CANTOPEN:
            return OutputError(
                _("{path}: the register cannot be opened ({reason}); is the file or its folder read-only?").format(
                    path=self.shown, reason=error
                )
            )
        if code == sqlite3.SQLITE_FULL:
            return OutputError(_("{path}: the register cannot be written: the disk is full").format(path=self.shown))
        return OutputError(_("{path}: the register cannot be used ({reason})").format(path=self.shown, reason=error))

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise self._error(error) from None

    def _rollback(self) -> None:
        if self._db.in_transaction:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:  # the database is failing already; the error is reported
                pass

    @contextmanager
    def _raw_transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._rollback()
            raise
        try:
            self._db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any exception (also Ctrl-C).
        An SQLite error (in BEGIN, the body or COMMIT) becomes a RexdeclError."""
        try:
            with self._raw_transaction() as db:
                yield db
        except sqlite3.Error as error:
            raise self._error(error) from None

    # -- paths --------------------------------------------------------------------------

    def key(self, path: str | os.PathLike[str]) -> str:
        """A document's path as stored: relative to the register's folder (so a folder moved
        together with its register keeps its records), absolute when no relative path exists."""
        real = Path(path).resolve()
        try:
            return display_path(Path(os.path.relpath(real, self.folder)).as_posix())
        except ValueError:  # another drive (Windows)
            return display_path(real.as_posix())

    def _input_key(self, input_path: str) -> str:
        """A workbook's absolute path (display form) as the register stores it, like :meth:`key`."""
        try:
            return Path(os.path.relpath(input_path, display_path(self.folder))).as_posix()
        except ValueError:  # another drive (Windows)
            return Path(input_path).as_posix()

    def resolve(self, stored: str) -> Path:
        return (self.folder / stored).resolve() if not Path(stored).is_absolute() else Path(stored)

    # -- writing ------------------------------------------------------------------------

    def record(
        self,
        record: StatementRecord,
        documents: Sequence[DocumentFile],
        *,
        run_id: str | None = None,
        write: Callable[[], object] | None = None,
    ) -> Recorded:
        """Add ``record`` as the next version of its statement (the earlier one is marked
        superseded) with its documents, and release their pending claims; one transaction.

        ``write`` (the documents' writing) runs inside the transaction, once the register is
        held for writing and before the record is added: a register that cannot be written
        refuses before any file is written, and a failure of ``write`` records nothing. When
        this raises after ``write`` ran, the caller takes the files back."""
        with self.transaction() as db:
            if write is not None:
                write()
            return self._insert(db, record, documents, run_id)

    def _insert(
        self,
        db: sqlite3.Connection,
        record: StatementRecord,
        documents: Sequence[DocumentFile],
        run_id: str | None,
    ) -> Recorded:
        input_key = self._input_key(record.input_path) if record.input_path else ""
        key = statement_key(record.rex_number, record.exporter_name, record.invoice_number, input_key)
        now = _now()
        columns = {name: value for name, value in asdict(record).items() if name not in ("lines", "input_path")}
        columns.update(
            statement_key=key,
            input=input_key or None,
            rexdecl_version=__version__,
            run_id=run_id,
            recorded_at=now,
        )
        (latest,) = db.execute("SELECT MAX(version) FROM statements WHERE statement_key = ?", (key,)).fetchone()
        version = (latest or 0) + 1
        columns["version"] = version
        names = ", ".join(columns)
        marks = ", ".join("?" for _name in columns)
        cursor = db.execute(f"INSERT INTO statements ({names}) VALUES ({marks})", tuple(columns.values()))
        statement_id = cursor.lastrowid
        assert statement_id is not None
        db.execute(
            "UPDATE statements SET superseded_by = ?, superseded_at = ? "
            "WHERE statement_key = ? AND id != ? AND superseded_by IS NULL",
            (statement_id, now, key, statement_id),
        )
        db.executemany(
            "INSERT INTO lines (statement_id, position, line_no, description, hs_code, "
            "quantity, unit, unit_price, amount, origin_country, criterion, originating, "
            "origin_note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    statement_id,
                    line.position,
                    line.line_no,
                    line.description,
                    line.hs_code,
                    line.quantity,
                    line.unit,
                    line.unit_price,
                    line.amount,
                    line.origin_country,
                    line.criterion,
                    int(line.originating),
                    line.origin_note,
                )
                for line in record.lines
            ],
        )
        stored = [(self.key(d.path), d) for d in documents]
        db.executemany(
            "INSERT INTO documents (statement_id, kind, path, sha256, size) VALUES (?, ?, ?, ?, ?)",
            [(statement_id, _kind(d.path), path, d.sha256, d.size) for path, d in stored],
        )
        db.executemany("DELETE FROM pending_outputs WHERE path = ?", [(path,) for path, _d in stored])
        return Recorded(statement_id, version)

    def claim(self, paths: Sequence[Path], run_id: str | None = None) -> None:
        """Note that a run is about to write ``paths`` (see the module docstring)."""
        if not paths:
            return
        now = _now()
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO pending_outputs (path, run_id, claimed_at) VALUES (?, ?, ?)",
                [(self.key(p), run_id, now) for p in paths],
            )

    def release(self, paths: Sequence[Path]) -> None:
        if not paths:
            return
        with self.transaction() as db:
            db.executemany("DELETE FROM pending_outputs WHERE path = ?", [(self.key(p),) for p in paths])

    # -- reading ------------------------------------------------------------------------

    def owns(self, path: Path) -> bool:
        """Whether the existing file ``path`` is rexdecl's to replace: recorded with its
        current content, or claimed by a run that may have been stopped before recording it.
        A named pipe or a device at ``path`` is never rexdecl's."""
        key = self.key(path)
        with self._guard():
            if self._db.execute("SELECT 1 FROM pending_outputs WHERE path = ?", (key,)).fetchone():
                return True
            hashes = {row[0] for row in self._db.execute("SELECT sha256 FROM documents WHERE path = ?", (key,))}
        if not hashes:
            return False
        try:
            return file_sha256(path) in hashes
        except OSError:
            return False

    def latest_with_document(self, path: Path) -> StoredStatement | None:
        """The most recent statement that lists ``path`` among its documents."""
        with self._guard():
            row = self._db.execute(
                "SELECT statement_id FROM documents WHERE path = ? ORDER BY statement_id DESC LIMIT 1",
                (self.key(path),),
            ).fetchone()
            return self._stored(row[0]) if row else None

    def statements(self, include_superseded: bool = False) -> list[StoredStatement]:
        """Statements, oldest first; only the current version of each unless asked."""
        where = "" if include_superseded else "WHERE superseded_by IS NULL"
        with self._guard():
            ids = [row[0] for row in self._db.execute(f"SELECT id FROM statements {where} ORDER BY id")]
            return [stored for i in ids if (stored := self._stored(i)) is not None]

    def _stored(self, statement_id: int) -> StoredStatement | None:
        self._db.row_factory = sqlite3.Row
        try:
            row = self._db.execute("SELECT * FROM statements WHERE id = ?", (statement_id,)).fetchone()
            if row is None:
                return None
            documents = tuple(
                (d["path"], d["sha256"])
                for d in self._db.execute(
                    "SELECT path, sha256 FROM documents WHERE statement_id = ? ORDER BY path",
                    (statement_id,),
                )
            )
        finally:
            self._db.row_factory = None
        return StoredStatement(
            id=row["id"],
            version=row["version"],
            superseded_by=row["superseded_by"],
            invoice_number=row["invoice_number"],
            invoice_date=row["invoice_date"],
            exporter_name=row["exporter_name"],
            rex_number=row["rex_number"],
            consignee_name=row["consignee_name"],
            destination=row["destination"],
            statement_language=row["statement_language"],
            originating_value_eur=row["originating_value_eur"],
            warnings=row["warnings"],
            codes=row["codes"],
            input_hash=row["input_hash"],
            issued_on=row["issued_on"],
            recorded_at=row["recorded_at"],
            documents=documents,
            source=row["source"],
        )

    def eska_rows(self) -> Iterator[dict[str, str]]:
        """The e-SKA export (:data:`ESKA_COLUMNS`): one row per originating line of the current
        version of every statement (documents written without a statement are left out)."""
        query = (
            "SELECT s.invoice_number, s.invoice_date, s.rex_number, s.exporter_name, "
            "s.consignee_name, s.consignee_address, s.consignee_country, s.destination, "
            "l.line_no, l.hs_code, l.description, l.quantity, l.unit, l.amount, s.currency, "
            "l.criterion "
            "FROM statements s JOIN lines l ON l.statement_id = s.id "
            "WHERE s.superseded_by IS NULL AND s.statement_text IS NOT NULL AND l.originating = 1 "
            "ORDER BY s.id, l.position"
        )
        with self._guard():
            rows = self._db.execute(query).fetchall()
        for row in rows:
            values = dict(zip(ESKA_COLUMNS, row, strict=True))
            values["value"] = _money(values["value"], values["currency"])
            yield {name: "" if value is None else str(value) for name, value in values.items()}

    def integrity(self) -> str:
        with self._guard():
            return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])


def _money(amount: str | None, currency: str | None) -> str | None:
    """A line amount rounded half-up to the currency's minor unit, without grouping."""
    if amount is None:
        return None
    from rexdecl.amounts import minor_digits
    from rexdecl.input.parsing import round_half_up

    digits = minor_digits(currency) if currency and re.fullmatch(r"[A-Za-z]{3}", currency) else 2
    return format(round_half_up(Decimal(amount), digits), "f")


# Columns of the e-SKA export that hold numbers: a plain number there is kept as it is.
_ESKA_NUMERIC = frozenset({"line", "quantity", "value"})


def eska_csv(register: Register) -> str:
    """The e-SKA export as CSV text (header row, then :meth:`Register.eska_rows`); a text cell
    that a spreadsheet would take for a formula is neutralised (:func:`rexdecl.output.csv_cell`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ESKA_COLUMNS)
    writer.writeheader()
    writer.writerows(
        {name: csv_cell(value, numeric=name in _ESKA_NUMERIC) for name, value in row.items()}
        for row in register.eska_rows()
    )
    return buffer.getvalue()


def issue_documents(
    register: Register,
    checked: Checked,
    source: Path,
    files: Sequence[tuple[Path, bytes]],
    overwrite: bool,
) -> tuple[list[Path], Recorded]:
    """Write the rendered documents of a checked shipment and record its statement, in one
    step that either completes or leaves nothing (``generate --register PATH``).

    The register is held for writing before any file is written; the files are written
    atomically; the record is added and committed. If anything fails, the transaction is
    rolled back and the files written are removed again (a file replaced with ``overwrite``
    stays, complete). ``source`` is the workbook as it was read."""
    source_sha256 = file_sha256(source)
    options = checked.facts.options
    digest = input_hash(
        workbook_sha256=source_sha256,
        entry=checked.facts.entry,
        as_of=options.as_of,
        statement_language=options.statement_language,
        no_statement=options.no_statement,
        consignment_others=options.consignment_others,
        html=any(path.suffix == ".html" for path, _data in files),
    )
    record = statement_record(checked, source_sha256=source_sha256, input_hash=digest, command="generate")
    documents = [DocumentFile(path, hashlib.sha256(data).hexdigest(), len(data)) for path, data in files]
    staged = StagedFiles(files, overwrite)
    try:
        recorded = register.record(record, documents, write=staged.write)
    except BaseException:
        staged.undo()
        raise
    return [path for path, _data in files], recorded
