"""The hashes the register keeps: of a file's bytes (:func:`file_sha256`), and of everything
that shapes a shipment's documents (:func:`input_hash`, which lets batch skip a shipment whose
documents would come out the same)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rexdecl import __version__
from rexdecl.paths import open_regular
from rexdecl.register.records import DocumentFile

if TYPE_CHECKING:
    from rexdecl.model import Registration

__all__ = ["document_files", "file_sha256", "input_hash"]


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
    from rexdecl.schemes import user_fingerprint

    if user_fingerprint():  # the user's scheme files (REXDECL_SCHEMES) shape the documents too
        payload["schemes"] = user_fingerprint()
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
