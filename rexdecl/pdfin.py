"""Reading PDFs made elsewhere: the one door ``rexdecl lint`` and ``rexdecl stamp`` share.

- The file: a regular file of at most ``limits.MAX_PDF_FILE_BYTES`` (lint's text files
  too), opened without blocking and checked on the open handle, so a FIFO or a device is
  refused, never read (:func:`read_file`).
- The PDF: pypdf's reader, not strict; a file encrypted without a user password (the
  common permissions-only encryption, RC4 or AES) is opened with the empty password
  (:func:`open_reader`).
- The exceptions pypdf lets through on a damaged, unusual or hostile file
  (:func:`damaged_pdf_errors`): not one family.
- pypdf's warnings about a damaged file, kept out of the terminal (:class:`PypdfNotes`).

A problem is raised as :class:`UnusableFile`, which carries the facts only: each command
words its own message (lint and stamp speak to different users).
"""

from __future__ import annotations

import functools
import io
import logging
import os
import stat
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from rexdecl import limits
from rexdecl.i18n import N_

__all__ = [
    "PypdfNotes",
    "UnusableFile",
    "capture_pypdf_log",
    "damaged_pdf_errors",
    "open_reader",
    "read_file",
]

Problem = Literal[
    "missing",  # no such file
    "folder",  # a folder
    "special",  # a FIFO, a device, a socket: ``special`` names which
    "unreadable",  # the system refused to read it: ``reason``
    "too-large",  # larger than the limit: ``size``
    "grew",  # grew beyond the limit while it was read
    "password",  # encrypted with a password needed to open it
    "encryption-unsupported",  # encrypted with a method pypdf does not support: ``error``
]

SPECIAL_FILES = {
    stat.S_IFIFO: N_("a named pipe (FIFO)"),
    stat.S_IFCHR: N_("a character device"),
    stat.S_IFBLK: N_("a block device"),
    stat.S_IFSOCK: N_("a socket"),
}
SPECIAL_FILE = N_("a special file")


class UnusableFile(Exception):
    """What makes a file made elsewhere unusable, as facts; the caller words the message.

    ``special`` is the kind of a special file (an untranslated message, see
    :data:`SPECIAL_FILES`), ``reason`` the system's words for a refused read, ``size`` the
    size on disk, ``error`` the exception pypdf raised, when there is one.
    """

    def __init__(
        self,
        problem: Problem,
        *,
        reason: str = "",
        size: int = 0,
        special: str = "",
        error: BaseException | None = None,
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.reason = reason
        self.size = size
        self.special = special
        self.error = error


def read_file(path: Path) -> bytes:
    """The bytes of the regular file ``path``, of at most ``limits.MAX_PDF_FILE_BYTES``.

    Raises :class:`UnusableFile` when it is missing, a folder, a special file, cannot be
    read, or is (or grows while read) beyond the limit. The file is opened without blocking
    and checked on the open handle, so a FIFO or a device is refused, never read.
    """
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UnusableFile("missing") from None
    except IsADirectoryError:
        raise UnusableFile("folder") from None
    except OSError as error:
        raise UnusableFile("unreadable", reason=error.strerror or str(error)) from None
    limit = limits.MAX_PDF_FILE_BYTES
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise UnusableFile("folder")
        if not stat.S_ISREG(info.st_mode):
            raise UnusableFile("special", special=SPECIAL_FILES.get(stat.S_IFMT(info.st_mode), SPECIAL_FILE))
        if info.st_size > limit:
            raise UnusableFile("too-large", size=info.st_size)
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        raise UnusableFile("unreadable", reason=error.strerror or str(error)) from None
    finally:
        os.close(handle)
    if len(data) > limit:
        raise UnusableFile("grew")
    return data


def open_reader(data: bytes) -> Any:
    """pypdf's reader (not strict) of the PDF ``data``; an encrypted PDF is opened with the
    empty user password (permissions-only encryption: anyone can open it).

    Raises :class:`UnusableFile` for a PDF that needs a password to open, or whose
    encryption method pypdf does not support; a damaged file raises one of
    :func:`damaged_pdf_errors`, a missing decryption library pypdf's ``DependencyError``.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except NotImplementedError as error:
            raise UnusableFile("encryption-unsupported", error=error) from None
        if not opened:
            raise UnusableFile("password")
    return reader


@functools.cache
def damaged_pdf_errors() -> tuple[type[BaseException], ...]:
    """What pypdf raises on a damaged, unusual or hostile file: its own errors, and the
    many kinds its parsers and filters let through (an unknown filter is
    NotImplementedError, a broken stream zlib.error, a short binary field struct.error)."""
    from pypdf.errors import DependencyError, PyPdfError

    return (
        PyPdfError,
        DependencyError,  # a filter that needs a decoder pypdf does not have (JBIG2, some images)
        ValueError,  # UnicodeError included
        LookupError,  # KeyError, IndexError
        TypeError,
        AttributeError,
        AssertionError,
        OSError,
        RecursionError,
        ArithmeticError,  # ZeroDivisionError, OverflowError
        NotImplementedError,
        zlib.error,
        struct.error,
    )


class PypdfNotes(logging.Handler):
    """pypdf's own warnings about a damaged file, kept for the caller's message or debug log
    rather than printed by logging's last-resort handler."""

    MAX_NOTES = 1_000  # a hostile file can make pypdf warn without end
    MAX_CHARACTERS = 300

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < self.MAX_NOTES:
            self.messages.append(record.getMessage()[: self.MAX_CHARACTERS])


@contextmanager
def capture_pypdf_log(notes: PypdfNotes) -> Iterator[PypdfNotes]:
    """pypdf's log records go to ``notes`` only (not on to the root logger) within."""
    pdf_log = logging.getLogger("pypdf")
    pdf_log.addHandler(notes)
    propagate, pdf_log.propagate = pdf_log.propagate, False
    # The notes are how a safety limit pypdf reached becomes a refusal: a program that
    # silenced pypdf's logger (setLevel(ERROR)) must not silence lint's limits with it.
    level = pdf_log.level
    if pdf_log.getEffectiveLevel() > logging.WARNING:
        pdf_log.setLevel(logging.WARNING)
    try:
        yield notes
    finally:
        pdf_log.removeHandler(notes)
        pdf_log.propagate = propagate
        pdf_log.setLevel(level)
