"""The register of issued statements (:class:`Register`): an embedded SQLite database kept by
``batch`` (and by ``generate --register``), the exporter's proof of every statement on origin it
made out; recording statements, and reading them back.

One row of ``statements`` per statement (per shipment) with its lines, totals, the hash of
everything that shaped it and the path and SHA-256 of every document written. A statement
issued again (same exporter, same invoice number, same workbook) gets the next version
number; the earlier rows stay, marked superseded. Two different shipments that share an
invoice number (two exporters, or one exporter's two workbooks) are two statements.
``pending_outputs`` lists the files a running batch is about to write, so that a batch
killed between writing a file and recording it still knows the file is its own.

Every write is one transaction (:mod:`rexdecl.register.database`). Opening for writing checks
the register (ownership, schema version, tables, pages, writability; :mod:`rexdecl.register.schema`)
before anything else is done, and upgrades a schema-1 register.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rexdecl import __version__
from rexdecl.errors import OutputError, UsageError
from rexdecl.i18n import _
from rexdecl.paths import display_path, file_kind, stat_or_none
from rexdecl.register import database, schema
from rexdecl.register.hashes import file_sha256
from rexdecl.register.records import (
    DocumentFile,
    Recorded,
    StatementRecord,
    StoredStatement,
    input_key,
    statement_key,
)

__all__ = ["DEFAULT_NAME", "Register"]

DEFAULT_NAME = "register.sqlite"


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _kind(path: Path) -> str:
    """``X_invoice.pdf`` -> ``invoice.pdf``; ``X_packing-list.html`` -> ``packing-list.html``."""
    return path.name.rsplit("_", 1)[-1]


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
        self.version = schema.SCHEMA_VERSION
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
            self._wal_mode = schema.read_header(self.path, self.shown)
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
        with database.guarded(self.shown):
            if not create:
                self._db = database.retrying(self._open_for_reading)
                return
            self._db = database.connect(self.path, read_only=False, wal_mode=self._wal_mode)
            try:
                self._db.execute("PRAGMA foreign_keys = ON")
                self._db.execute("PRAGMA synchronous = FULL")
                database.retrying(lambda: schema.set_up(self._db, self.shown, self.folder))
                self._check()
            except BaseException:
                self._db.close()
                raise

    # -- opening ------------------------------------------------------------------------

    def _open_for_reading(self) -> sqlite3.Connection:
        """A read-only connection to the register, its schema version found and its tables
        checked (``register list``, ``register export``)."""
        self._db = database.connect(self.path, read_only=True, wal_mode=self._wal_mode)
        try:
            version = schema.identify_now(self._db, self.shown)
            if version is None:
                raise schema.foreign(self.shown)
            else:
                schema.check_tables(self._db, version, self.shown)
                self.version = version
        except BaseException:
            self._db.close()
            raise
        return self._db

    def _check(self) -> None:
        """The tables, and whether the register can be written: asked now, before the
        caller writes any document (the pages were checked before the set-up)."""
        self.version = schema.SCHEMA_VERSION
        schema.check_tables(self._db, schema.SCHEMA_VERSION, self.shown)
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("ROLLBACK")

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- transactions -------------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any exception (also Ctrl-C).
        An SQLite error (in BEGIN, the body or COMMIT) becomes a RexdeclError."""
        return database.transaction(self._db, self.shown)

    # -- paths --------------------------------------------------------------------------

    def key(self, path: str | os.PathLike[str]) -> str:
        """A document's path as stored: relative to the register's folder (so a folder moved
        together with its register keeps its records), absolute when no relative path exists."""
        real = Path(path).resolve()
        try:
            return display_path(Path(os.path.relpath(real, self.folder)).as_posix())
        except ValueError:  # another drive (Windows)
            return display_path(real.as_posix())

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
        workbook = input_key(self.folder, record.input_path) if record.input_path else ""
        key = statement_key(record.rex_number, record.exporter_name, record.invoice_number, workbook)
        now = _now()
        columns = {name: value for name, value in asdict(record).items() if name not in ("lines", "input_path")}
        columns.update(
            statement_key=key,
            input=workbook or None,
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
        with database.guarded(self.shown):
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
        with database.guarded(self.shown):
            row = self._db.execute(
                "SELECT statement_id FROM documents WHERE path = ? ORDER BY statement_id DESC LIMIT 1",
                (self.key(path),),
            ).fetchone()
            return self._stored(row[0]) if row else None

    def statements(self, include_superseded: bool = False) -> list[StoredStatement]:
        """Statements, oldest first; only the current version of each unless asked."""
        where = "" if include_superseded else "WHERE superseded_by IS NULL"
        with database.guarded(self.shown):
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

    def select(self, query: str, parameters: Sequence[Any] = ()) -> list[Any]:
        """The rows of a read-only ``query``; an SQLite error becomes a RexdeclError."""
        with database.guarded(self.shown):
            return self._db.execute(query, parameters).fetchall()

    def integrity(self) -> str:
        with database.guarded(self.shown):
            return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
