"""Writing outputs safely: never a truncated file, never an overwrite the user did not ask for,
files with the permissions the user's umask gives, and CSV cells a spreadsheet will not run."""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from rexdecl.errors import OutputError, UsageError
from rexdecl.i18n import _
from rexdecl.paths import display_path, stat_or_none

__all__ = [
    "StagedFiles",
    "atomic_write_bytes",
    "csv_cell",
    "csv_text",
    "prepare_folder",
    "refuse_existing",
    "write_all",
]

# Characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_cell(value: object, numeric: bool = False) -> str:
    """A CSV cell a spreadsheet shows as text and never evaluates: text that starts with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front
    (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``), as OWASP recommends. In a ``numeric``
    column a plain decimal number (``-5``, ``12.50``) is left as it is: it is a number, not
    a formula, and must stay one."""
    text = "" if value is None else str(value)
    if numeric and _PLAIN_NUMBER.fullmatch(text):
        return text
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]], numeric: Collection[str] = ()) -> str:
    """A CSV file's text: a header row of ``columns``, then ``rows``, every cell through
    :func:`csv_cell` (the ``numeric`` columns keep their plain numbers)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows({name: csv_cell(value, numeric=name in numeric) for name, value in row.items()} for row in rows)
    return buffer.getvalue()


def prepare_folder(folder: Path) -> Path:
    """Create ``folder`` when missing; refuse a file, or a folder that cannot be written."""
    found = stat_or_none(folder)
    if found is not None and not folder.is_dir():
        raise UsageError(
            _("{path} is a file, not a folder; expected an output folder (--out)").format(path=display_path(folder))
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            _("{path}: the output folder cannot be created ({reason})").format(
                path=display_path(folder), reason=exc.strerror or exc
            )
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(
            _("{path}: the output folder is not writable; choose another with --out").format(path=display_path(folder))
        )
    return folder


def refuse_existing(paths: Iterable[Path]) -> None:
    existing = [p for p in paths if stat_or_none(p) is not None or p.is_symlink()]
    if existing:
        raise UsageError(
            _("{paths} already exist(s); nothing was written (use --force to replace)").format(
                paths=", ".join(display_path(p) for p in existing)
            )
        )


def _temporary(path: Path) -> tuple[int, Path]:
    """A new file ``.<name>.<random>.part`` beside ``path``, open for writing. Created with
    mode 0666 like any new file, so the umask decides its permissions (tempfile.mkstemp
    would make it 0600, private to the user whatever the umask says)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def atomic_write_bytes(path: Path, data: bytes, overwrite: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    An interrupted run (Ctrl-C, a crash, a full disk) leaves either the old file or the
    new one, never a truncated one. A symbolic link at ``path`` is replaced, never written
    through.
    """
    if not overwrite and (stat_or_none(path) is not None or path.is_symlink()):
        raise UsageError(
            _("{path} already exists; nothing was written (use --force to replace it)").format(path=display_path(path))
        )
    folder = path.parent
    try:
        handle, temporary = _temporary(path)
    except OSError as exc:
        raise OutputError(
            _("{path}: cannot write in this folder ({reason})").format(
                path=display_path(folder), reason=exc.strerror or exc
            )
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(
                _("{path}: could not be written ({reason})").format(path=display_path(path), reason=exc.strerror or exc)
            ) from None
        raise


class StagedFiles:
    """Several files written together, all or nothing as far as the file system allows, and
    taken back when the step they belong to fails afterwards (a register that cannot record
    them). Use::

        staged = StagedFiles(files, overwrite)
        try:
            staged.write()
            ...  # the rest of the step
        except BaseException:
            staged.undo()
            raise

    ``undo`` removes the files this object created; a file that existed before (replaced
    with ``overwrite``) stays, complete, with its new content.
    """

    def __init__(self, files: Sequence[tuple[Path, bytes]], overwrite: bool) -> None:
        self.files = list(files)
        self.overwrite = overwrite
        self.created: list[Path] = []
        self.replaced: list[Path] = []

    def write(self) -> list[Path]:
        """Write every file (existing targets refused first unless ``overwrite``, so a refusal
        writes nothing); if one fails, the ones already in place are taken back."""
        if not self.overwrite:
            refuse_existing(path for path, _data in self.files)
        try:
            for path, data in self.files:
                existed = stat_or_none(path) is not None or path.is_symlink()
                # Noted before the write: a Ctrl-C that lands just after the rename, before
                # atomic_write_bytes returns, must not leave this file behind alone.
                (self.replaced if existed else self.created).append(path)
                atomic_write_bytes(path, data, overwrite=True)
        except BaseException:
            self.undo()
            raise
        return [path for path, _data in self.files]

    def undo(self) -> None:
        """Remove the files this object created (a replaced file cannot be given back)."""
        for path in self.created:
            try:
                path.unlink(missing_ok=True)
            except OSError:  # pragma: no cover - nothing better to do while failing already
                pass
        self.created = []


def write_all(files: list[tuple[Path, bytes]], overwrite: bool) -> list[Path]:
    """Write several files all-or-nothing as far as the file system allows.

    Every file is rendered before this is called; existing targets are refused first, so
    a refusal writes nothing. If a later write fails, the files written by this call are
    removed again (a file replaced with ``overwrite`` stays, complete).
    """
    return StagedFiles(files, overwrite).write()
