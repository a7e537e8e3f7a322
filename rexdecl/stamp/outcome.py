"""What ``rexdecl stamp`` gives back: the result written (:class:`StampResult`), or the
refusal of a PDF that cannot be stamped (:class:`StampRefused`, exit 2)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rexdecl.errors import ExitStatus, RexdeclError


class StampRefused(RexdeclError):
    """The PDF cannot be stamped: a scan, another invoice, encrypted, signed, unreadable."""

    exit_code = ExitStatus.USAGE


@dataclass(frozen=True)
class StampResult:
    """What ``stamp`` wrote and where the statement went."""

    path: Path
    placement: Literal["last-page", "added-page"]
    page: int  # 1-based number of the (first) page carrying the statement
    pages_before: int
    pages_after: int
    statement: str  # the statement's text as printed
    items_table: bool  # the item / description / criterion table was added
    decrypted: bool = False  # the input was encrypted (no password to open): written unencrypted
    pdfa: str = ""  # the PDF/A part and level kept, e.g. "PDF/A-3b"; "" for other PDFs


def reason(exc: BaseException) -> str:
    """An exception pypdf raised, as a refusal quotes it: its type and its first words."""
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
