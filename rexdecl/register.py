"""The register of issued statements: an embedded SQLite database kept by ``batch`` (and by
``generate --register``), the exporter's proof of every statement on origin it made out.

One row of ``statements`` per statement (per shipment) with its lines, totals, the hash of
everything that shaped it and the path and SHA-256 of every document written. A statement
issued again (same exporter, same invoice number) gets the next version number; the earlier
rows stay, marked superseded. ``pending_outputs`` lists the files a running batch is about to
write, so that a batch killed between writing a file and recording it still knows the file
is its own.

Every write is one ``BEGIN IMMEDIATE`` transaction on a WAL database with a busy timeout:
two processes writing to one register wait for each other; neither loses a record, and a
killed process leaves the register as it was before its last transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rexdecl import __version__
from rexdecl.errors import OutputError, UsageError
from rexdecl.i18n import _

if TYPE_CHECKING:
    from rexdecl.checking import Checked
    from rexdecl.criteria import Criterion
    from rexdecl.model import Registration

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
    "record_statement",
    "statement_record",
]

DEFAULT_NAME = "register.sqlite"
SCHEMA_VERSION = 1
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
        statement_key TEXT NOT NULL,          -- exporter (REX number or name) + invoice number
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

    @property
    def statement_key(self) -> str:
        return statement_key(self.rex_number, self.exporter_name, self.invoice_number)


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

    @property
    def superseded(self) -> bool:
        return self.superseded_by is not None


def statement_key(rex_number: str | None, exporter_name: str | None, invoice_number: str) -> str:
    """Which statement a record is a version of: the same exporter's same invoice."""
    exporter = rex_number or "name:" + " ".join((exporter_name or "").casefold().split())
    return f"{exporter}|{invoice_number}"


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
    from rexdecl.parsing import round_half_up
    from rexdecl.rules.context import digits_only
    from rexdecl.rules.threshold import originating_sum, valuation
    from rexdecl.statement import fill_statement

    ctx = checked.context
    shipment = ctx.shipment
    options = ctx.options
    statement_text = None
    if not options.no_statement and ctx.scheme is not None:
        statement_text = fill_statement(ctx).text
    eur = valuation(ctx, "EUR", "eur_rate")
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
        statement_language=ctx.language,
        statement_text=statement_text,
        origin_country=ctx.origin_country,
        eska_code=shipment.eska_code,
        consignment_ref=shipment.consignment_ref,
        currency=shipment.currency,
        total_amount=_text(sum(amounts, Decimal(0))) if amounts else None,
        originating_amount=_text(originating_sum(ctx)),
        eur_rate=_text(eur.rate),
        originating_value_eur=_text(round_half_up(converted, 2)) if converted is not None else None,
        total_packages=total("packages"),
        total_net_kg=total("net_kg"),
        total_gross_kg=total("gross_kg"),
        warnings=len(checked.report.warnings),
        codes=";".join(checked.report.codes()),
        source=str(ctx.input.path),
        source_sha256=source_sha256,
        input_hash=input_hash,
        issued_on=options.as_of.isoformat(),
        command=command,
        lines=lines,
    )


# --- hashes ----------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
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


def _is_busy(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock for now."""
    return error.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class Register:
    """An open register. Use as a context manager; every write is its own transaction."""

    def __init__(self, path: str | os.PathLike[str], create: bool = True) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise UsageError(
                _("{path} is a folder; expected the register's file (e.g. {name})").format(
                    path=self.path, name=DEFAULT_NAME
                )
            )
        if not create and not self.path.is_file():
            raise UsageError(
                _(
                    "{path}: no register found; expected the register.sqlite that batch "
                    "writes in its output folder (or the file named with --register)"
                ).format(path=self.path)
            )
        self.folder = self.path.resolve().parent
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise OutputError(
                _("{path}: the register cannot be opened ({reason})").format(path=self.path, reason=error)
            ) from None
        try:
            self._set_up(create)
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise UsageError(
                _("{path}: not a rexdecl register ({reason})").format(path=self.path, reason=error)
            ) from None

    def _set_up(self, create: bool) -> None:
        """Connection settings and schema. Another process opening the same new register at
        the same moment can make SQLite answer "database is locked" at once, without waiting
        (switching to WAL takes the whole file, and SQLite does not wait where waiting could
        deadlock): then the set-up is tried again, within the usual busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                self._db.execute("PRAGMA foreign_keys = ON")
                self._db.execute("PRAGMA synchronous = FULL")
                # WAL: readers never block the writer; a killed writer leaves the last committed state.
                self._db.execute("PRAGMA journal_mode = WAL").fetchone()
                self._prepare_schema(create)
                return
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() > deadline:
                    raise
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                time.sleep(0.02)

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any exception (also Ctrl-C)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise OutputError(
                _("{path}: the register is busy or cannot be written ({reason})").format(path=self.path, reason=error)
            ) from None
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _prepare_schema(self, create: bool) -> None:
        row = None
        if self._table_exists("meta"):
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is not None:
            if int(row[0]) > SCHEMA_VERSION:
                raise UsageError(
                    _(
                        "{path}: the register was written by a newer rexdecl (schema {found}); "
                        "expected schema {expected} or older: update rexdecl"
                    ).format(path=self.path, found=row[0], expected=SCHEMA_VERSION)
                )
            return
        if not create:
            raise UsageError(_("{path}: not a rexdecl register (no schema version)").format(path=self.path))
        with self.transaction() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )

    def _table_exists(self, name: str) -> bool:
        return (
            self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
            is not None
        )

    # -- paths --------------------------------------------------------------------------

    def key(self, path: str | os.PathLike[str]) -> str:
        """A document's path as stored: relative to the register's folder (so a folder moved
        together with its register keeps its records), absolute when no relative path exists."""
        real = Path(path).resolve()
        try:
            return Path(os.path.relpath(real, self.folder)).as_posix()
        except ValueError:  # another drive (Windows)
            return real.as_posix()

    def resolve(self, stored: str) -> Path:
        return (self.folder / stored).resolve() if not Path(stored).is_absolute() else Path(stored)

    # -- writing ------------------------------------------------------------------------

    def record(
        self,
        record: StatementRecord,
        documents: Sequence[DocumentFile],
        *,
        run_id: str | None = None,
    ) -> Recorded:
        """Add ``record`` as the next version of its statement (the earlier one is marked
        superseded) with its documents, and release their pending claims; one transaction."""
        key = record.statement_key
        now = _now()
        columns = {name: value for name, value in asdict(record).items() if name != "lines"}
        columns.update(statement_key=key, rexdecl_version=__version__, run_id=run_id, recorded_at=now)
        with self.transaction() as db:
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
        current content, or claimed by a run that may have been stopped before recording it."""
        key = self.key(path)
        if self._db.execute("SELECT 1 FROM pending_outputs WHERE path = ?", (key,)).fetchone():
            return True
        hashes = {row[0] for row in self._db.execute("SELECT sha256 FROM documents WHERE path = ?", (key,))}
        return bool(hashes) and file_sha256(path) in hashes

    def latest_with_document(self, path: Path) -> StoredStatement | None:
        """The most recent statement that lists ``path`` among its documents."""
        row = self._db.execute(
            "SELECT statement_id FROM documents WHERE path = ? ORDER BY statement_id DESC LIMIT 1",
            (self.key(path),),
        ).fetchone()
        return self._stored(row[0]) if row else None

    def statements(self, include_superseded: bool = False) -> list[StoredStatement]:
        """Statements, oldest first; only the current version of each unless asked."""
        where = "" if include_superseded else "WHERE superseded_by IS NULL"
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
        for row in self._db.execute(query):
            values = dict(zip(ESKA_COLUMNS, row, strict=True))
            values["value"] = _money(values["value"], values["currency"])
            yield {name: "" if value is None else str(value) for name, value in values.items()}

    def integrity(self) -> str:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])


def _money(amount: str | None, currency: str | None) -> str | None:
    """A line amount rounded half-up to the currency's minor unit, without grouping."""
    if amount is None:
        return None
    from rexdecl.amounts import minor_digits
    from rexdecl.parsing import round_half_up

    digits = minor_digits(currency) if currency and re.fullmatch(r"[A-Za-z]{3}", currency) else 2
    return format(round_half_up(Decimal(amount), digits), "f")


def eska_csv(register: Register) -> str:
    """The e-SKA export as CSV text (header row, then :meth:`Register.eska_rows`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ESKA_COLUMNS)
    writer.writeheader()
    writer.writerows(register.eska_rows())
    return buffer.getvalue()


def record_statement(
    register_path: str | os.PathLike[str], checked: Checked, written_paths: Sequence[Path]
) -> Recorded:
    """Record a statement whose documents ``generate`` wrote (``generate --register PATH``)."""
    source = Path(checked.input.path)
    source_sha256 = file_sha256(source)
    options = checked.context.options
    digest = input_hash(
        workbook_sha256=source_sha256,
        entry=checked.context.entry,
        as_of=options.as_of,
        statement_language=options.statement_language,
        no_statement=options.no_statement,
        consignment_others=options.consignment_others,
        html=any(Path(p).suffix == ".html" for p in written_paths),
    )
    record = statement_record(checked, source_sha256=source_sha256, input_hash=digest, command="generate")
    with Register(register_path) as register:
        return register.record(record, document_files(written_paths))
