"""Paths as the user sees them, and questions about paths that never raise a bare OSError.

A file name is bytes on POSIX. One that is not valid UTF-8 (a workbook unpacked from a zip
made on Windows with CP1252 names, ``caf\\xe9.xlsx``) reaches Python with surrogate
characters, which cannot be printed, written to a UTF-8 file or stored in SQLite. Every
message, summary row and register entry names such a file by :func:`display_path`.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from rexdecl.errors import UsageError
from rexdecl.i18n import _

__all__ = ["NotARegularFile", "display_path", "file_kind", "lstat_or_none", "open_regular", "printable", "stat_or_none"]

# "No such file" in one of its forms: the answer is "it does not exist", not an error.
_MISSING = (errno.ENOENT, errno.ENOTDIR)


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as text that can always be printed and encoded as UTF-8: each byte of the
    name that is not UTF-8 is shown as ``\\xNN`` (``caf\\xe9.xlsx``); other paths unchanged."""
    return printable(os.fspath(path))


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` without surrogate characters: a byte that was not UTF-8 (kept by Python as
    U+DC80..U+DCFF) becomes ``\\xNN``, any other surrogate ``\\uNNNN``."""
    if not _SURROGATE.search(text):
        return text
    text = _ESCAPED_BYTE.sub(lambda match: f"\\x{ord(match.group()) - 0xDC00:02x}", text)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def stat_or_none(path: Path) -> os.stat_result | None:
    """``os.stat(path)``, or None when nothing is there. Raises UsageError (exit 2) when the
    path cannot even be looked up: a name too long, a loop of links, no permission."""
    return _stat(path, follow=True)


def lstat_or_none(path: Path) -> os.stat_result | None:
    """Like :func:`stat_or_none`, without following a symbolic link at the end."""
    return _stat(path, follow=False)


def _stat(path: Path, follow: bool) -> os.stat_result | None:
    try:
        return os.stat(path) if follow else os.lstat(path)
    except OSError as error:
        if error.errno in _MISSING:
            return None
        if error.errno == errno.ENAMETOOLONG:
            raise UsageError(
                _(
                    "{path}: a name in this path is too long ({reason}); expected at most 255 "
                    "bytes for each folder or file name"
                ).format(path=display_path(path), reason=error.strerror or error)
            ) from None
        raise UsageError(
            _("{path}: cannot be used ({reason})").format(path=display_path(path), reason=error.strerror or error)
        ) from None


def file_kind(mode: int) -> str | None:
    """None for a regular file or a folder; else what the file is, in words (a named pipe
    or a device would make a reader wait forever or read without end)."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return _("a named pipe (FIFO)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


class NotARegularFile(OSError):
    """A path that names a named pipe, a device or a socket where a file was expected."""


def open_regular(path: Path) -> int:
    """A read-only descriptor of the regular file ``path``. Opened without blocking, so a
    named pipe is refused at once instead of waiting for a writer that never comes; raises
    OSError (NotARegularFile for a pipe, device, socket or folder)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        kind = _("a folder") if stat.S_ISDIR(mode) else file_kind(mode)
        raise NotARegularFile(errno.EINVAL, kind, os.fspath(path))
    return handle
