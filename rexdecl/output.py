"""Writing outputs safely: never a truncated file, never an overwrite the user did not ask for."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rexdecl.errors import OutputError, UsageError
from rexdecl.i18n import _


def prepare_folder(folder: Path) -> Path:
    """Create ``folder`` when missing; refuse a file, or a folder that cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(_("{path} is a file, not a folder; expected an output folder (--out)").format(path=folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            _("{path}: the output folder cannot be created ({reason})").format(path=folder, reason=exc.strerror or exc)
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(_("{path}: the output folder is not writable; choose another with --out").format(path=folder))
    return folder


def refuse_existing(paths: Iterable[Path]) -> None:
    existing = [p for p in paths if p.exists()]
    if existing:
        raise UsageError(
            _("{paths} already exist(s); nothing was written (use --force to replace)").format(
                paths=", ".join(str(p) for p in existing)
            )
        )


def atomic_write_bytes(path: Path, data: bytes, overwrite: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    An interrupted run (Ctrl-C, a crash, a full disk) leaves either the old file or the
    new one, never a truncated one.
    """
    if path.exists() and not overwrite:
        raise UsageError(_("{path} already exists; nothing was written (use --force to replace it)").format(path=path))
    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(
            _("{path}: cannot write in this folder ({reason})").format(path=folder, reason=exc.strerror or exc)
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(
                _("{path}: could not be written ({reason})").format(path=path, reason=exc.strerror or exc)
            ) from None
        raise


def write_all(files: list[tuple[Path, bytes]], overwrite: bool) -> list[Path]:
    """Write several files all-or-nothing as far as the file system allows.

    Every file is rendered before this is called; existing targets are refused first, so
    a refusal writes nothing. If a later write fails, the files written by this call are
    removed again.
    """
    if not overwrite:
        refuse_existing(path for path, _data in files)
    written: list[Path] = []
    try:
        for path, data in files:
            # Noted before the write: a Ctrl-C that lands just after the rename, before
            # atomic_write_bytes returns, must not leave this file behind alone.
            written.append(path)
            atomic_write_bytes(path, data, overwrite=True)
    except BaseException:
        if not overwrite:
            for path in written:
                path.unlink(missing_ok=True)
        raise
    return written
