"""The SQLite connection under a register: connecting (for writing, or read-only), waiting for
another process's transaction, transactions that roll back on any exception, and what SQLite's
errors mean to the user (never a traceback, never exit 3).

Every write is one ``BEGIN IMMEDIATE`` transaction on a WAL database with a busy timeout: two
processes writing to one register wait for each other; neither loses a record, and a killed
process leaves the register as it was before its last transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from rexdecl.errors import OutputError, RexdeclError, UsageError
from rexdecl.i18n import _
from rexdecl.paths import stat_or_none

__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "connect",
    "damaged",
    "guarded",
    "is_busy",
    "primary_code",
    "raw_transaction",
    "retrying",
    "rollback",
    "sqlite_error",
    "transaction",
]

_T = TypeVar("_T")

# How long a writer waits for another process's transaction before giving up. Transactions
# are short (one statement), so this is only reached when something holds the database.
BUSY_TIMEOUT_SECONDS = 60.0


def primary_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code of ``error`` (the extended code without its detail)."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_busy(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock for now."""
    return primary_code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def connect(path: Path, *, read_only: bool, wal_mode: bool) -> sqlite3.Connection:
    """A connection to the register at ``path``, in autocommit mode (transactions are explicit).
    ``wal_mode``: the file's header says it is a WAL database."""
    if not read_only:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    uri = path.absolute().as_uri() + "?mode=ro"
    if wal_mode and stat_or_none(Path(f"{path}-wal")) is None:
        # A WAL database that nobody has open: its file holds everything. Read as it
        # stands, so that listing leaves no -wal and -shm files behind (a read-only
        # connection could not remove them).
        uri += "&immutable=1"
    db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    try:
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as error:
        db.close()
        if primary_code(error) not in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
            raise
        # A WAL database in a folder that cannot be written: SQLite cannot make the
        # shared-memory file it reads through. Nobody can be writing there either, so
        # the file is read as it stands.
        db = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)
    return db


def retrying(action: Callable[[], _T]) -> _T:
    """``action()``, tried again while SQLite answers "database is locked" at once. Another
    process opening the same new register at the same moment can make it do so without
    waiting (switching to WAL takes the whole file, and SQLite does not wait where waiting
    could deadlock); the usual busy timeout still bounds the wait."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def rollback(db: sqlite3.Connection) -> None:
    """Roll back the transaction in progress, if any."""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:  # the database is failing already; the error is reported
            pass


@contextmanager
def raw_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any exception (also Ctrl-C). SQLite's
    errors pass through as they are."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        rollback(db)
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        rollback(db)
        raise


@contextmanager
def transaction(db: sqlite3.Connection, shown: str) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any exception (also Ctrl-C).
    An SQLite error (in BEGIN, the body or COMMIT) becomes a RexdeclError naming ``shown``."""
    try:
        with raw_transaction(db) as held:
            yield held
    except sqlite3.Error as error:
        raise sqlite_error(error, shown) from None


@contextmanager
def guarded(shown: str) -> Iterator[None]:
    """An SQLite error raised inside becomes a RexdeclError naming the register ``shown``."""
    try:
        yield
    except sqlite3.Error as error:
        raise sqlite_error(error, shown) from None


def damaged(shown: str, what: str) -> UsageError:
    """The error of a register that cannot be used as it is (``what`` says why)."""
    return UsageError(
        _(
            "{path}: the register is damaged ({what}); nothing was written. Restore it "
            "from a backup, or name another register with --register"
        ).format(path=shown, what=what)
    )


def sqlite_error(error: sqlite3.Error, shown: str) -> RexdeclError:
    """What an SQLite error on the register ``shown`` means to the user."""
    code = primary_code(error)
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return damaged(shown, str(error))
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return OutputError(
            _("{path}: the register cannot be written: it is read-only ({reason})").format(path=shown, reason=error),
            hint=_("Make the register writable, or name another one with --register."),
        )
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return OutputError(
            _(
                "{path}: the register is busy: another process has held it for more than {seconds:g} seconds ({reason})"
            ).format(path=shown, seconds=BUSY_TIMEOUT_SECONDS, reason=error),
            hint=_("Wait for the other rexdecl to finish, then run the command again."),
        )
    if code == sqlite3.SQLITE_CANTOPEN:
        return OutputError(
            _("{path}: the register cannot be opened ({reason}); is the file or its folder read-only?").format(
                path=shown, reason=error
            )
        )
    if code == sqlite3.SQLITE_FULL:
        return OutputError(_("{path}: the register cannot be written: the disk is full").format(path=shown))
    return OutputError(_("{path}: the register cannot be used ({reason})").format(path=shown, reason=error))
