"""The register of issued statements: an SQLite store of every statement on origin made out
(its records, hashes, schema and upgrades) and its e-SKA export.

Callers use the names below; each module has one job: :mod:`~rexdecl.register.records` (the
values recorded and their keys), :mod:`~rexdecl.register.hashes` (file and input hashes),
:mod:`~rexdecl.register.database` (the SQLite connection, transactions, errors),
:mod:`~rexdecl.register.schema` (recognising, checking, creating and upgrading a register file),
:mod:`~rexdecl.register.store` (the :class:`Register`: recording and listing),
:mod:`~rexdecl.register.locate` (the register here, when the user names none) and
:mod:`~rexdecl.register.eska` (the e-SKA export). Writing a shipment's documents and recording
them in one step is the pipeline's (:func:`rexdecl.pipeline.record_documents`).
"""

from rexdecl.register.eska import ESKA_COLUMNS, eska_csv, eska_rows
from rexdecl.register.hashes import document_files, file_sha256, input_hash
from rexdecl.register.records import (
    DocumentFile,
    LineRecord,
    Recorded,
    StatementRecord,
    StoredStatement,
    criterion_code,
    statement_record,
)
from rexdecl.register.schema import APPLICATION_ID, SCHEMA_VERSION
from rexdecl.register.store import DEFAULT_NAME, Register

__all__ = [
    "APPLICATION_ID",
    "DEFAULT_NAME",
    "ESKA_COLUMNS",
    "SCHEMA_VERSION",
    "DocumentFile",
    "LineRecord",
    "Recorded",
    "Register",
    "StatementRecord",
    "StoredStatement",
    "criterion_code",
    "document_files",
    "eska_csv",
    "eska_rows",
    "file_sha256",
    "input_hash",
    "statement_record",
]
