"""Issuing a checked shipment's documents under the register (``generate --register PATH``):
written and recorded in one step that either completes or leaves nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rexdecl.output import StagedFiles
from rexdecl.register.hashes import file_sha256, input_hash
from rexdecl.register.records import DocumentFile, Recorded, statement_record

if TYPE_CHECKING:
    from rexdecl.pipeline import Checked
    from rexdecl.register.store import Register

__all__ = ["issue_documents"]


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
