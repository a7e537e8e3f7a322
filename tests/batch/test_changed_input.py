"""The workbook's hash is taken once, by the reader, and handed on: the register records it and
batch compares it with the survey's. A workbook changed between batch's survey and its
processing is never processed; only when the check of it fails is the file read again, to say
whether it changed, cannot be read, or is unusable as it was surveyed."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from conftest import AS_OF, make_workbook, run_cli, write_registration

from rexdecl.batch.shipment import Outcome, ProcessJob, process_shipment
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def job(path: Path, surveyed: str, folder: Path) -> ProcessJob:
    """The job planning makes for ``path``, surveyed with the hash ``surveyed``."""
    return ProcessJob(
        path=path,
        folder=folder,
        registration_file=None,
        registrations=None,
        as_of=AS_OF,
        statement_language=None,
        no_statement=False,
        consignment_others=(),
        sha256=surveyed,
        input_hash="0" * 64,
        planned=(),
        foreign=(),
        overwrite=False,
    )


def baseline(tmp_path: Path) -> Path:
    path = make_workbook(tmp_path / "in")
    write_registration(tmp_path / "in" / "registration.toml")
    return path


def assert_nothing_written(folder: Path) -> None:
    assert not folder.exists() or list(folder.iterdir()) == []


def test_the_reader_hashes_the_workbook_it_reads(tmp_path: Path) -> None:
    path = baseline(tmp_path)
    assert check_workbook(path, CheckOptions(as_of=AS_OF)).input.sha256 == sha256(path)


def test_generate_records_the_hash_of_the_workbook_read(tmp_path: Path) -> None:
    path = baseline(tmp_path)
    register = tmp_path / "out" / "register.sqlite"
    args = ["generate", path, "--out", tmp_path / "out", "--register", register, "--as-of", AS_OF.isoformat()]
    assert run_cli(args).exit_code == 0
    with sqlite3.connect(register) as connection:
        assert connection.execute("SELECT source_sha256 FROM statements").fetchall() == [(sha256(path),)]


def test_a_workbook_changed_since_the_survey_is_not_processed(tmp_path: Path) -> None:
    path = baseline(tmp_path)
    folder = tmp_path / "out" / "shipment"
    outcome = process_shipment(job(path, "0" * 64, folder))
    assert isinstance(outcome, Outcome)
    assert (outcome.status, outcome.codes) == ("errors", ("batch:input-changed",))
    assert outcome.message == f"{path} changed while the batch was running; nothing was written: run the batch again"
    assert_nothing_written(folder)


def test_a_workbook_made_unusable_since_the_survey_is_reported_changed(tmp_path: Path) -> None:
    path = baseline(tmp_path)
    surveyed = sha256(path)
    path.write_bytes(b"saved half-way")
    outcome = process_shipment(job(path, surveyed, tmp_path / "out" / "shipment"))
    assert (outcome.status, outcome.codes) == ("errors", ("batch:input-changed",))


def test_a_workbook_gone_since_the_survey_cannot_be_read(tmp_path: Path) -> None:
    path = baseline(tmp_path)
    surveyed = sha256(path)
    path.unlink()
    outcome = process_shipment(job(path, surveyed, tmp_path / "out" / "shipment"))
    assert (outcome.status, outcome.codes) == ("unreadable", ())
    assert outcome.message == f"{path}: cannot be read (No such file or directory)"


def test_an_unusable_workbook_unchanged_since_the_survey_keeps_the_readers_message(tmp_path: Path) -> None:
    path = tmp_path / "in" / "shipment.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"not a workbook")
    outcome = process_shipment(job(path, sha256(path), tmp_path / "out" / "shipment"))
    assert outcome.status == "unreadable"
    assert outcome.message is not None and outcome.message.startswith(f"{path}: this is not an Excel workbook")
