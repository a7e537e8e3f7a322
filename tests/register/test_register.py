"""The register of issued statements: records and versions, ownership of output files,
concurrent writers, ``generate --register``, ``register list`` and ``register export``."""

from __future__ import annotations

import csv
import io
import multiprocessing
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    AS_OF,
    BASE_ITEM,
    DROP,
    item_with,
    make_workbook,
    run_cli,
    shipment_with,
    write_registration,
)

from rexdecl.documents.viewmodel import build_views
from rexdecl.pipeline import check_workbook
from rexdecl.register import (
    ESKA_COLUMNS,
    DocumentFile,
    Register,
    StatementRecord,
    document_files,
    file_sha256,
    input_hash,
    statement_record,
)
from rexdecl.rules import CheckOptions

ITEMS = [
    item_with(),
    item_with(
        line=2,
        description="Imported brass hinges",
        hs_code="8302.10",
        quantity=5,
        unit="SET",
        unit_price=3.333,
        amount=16.67,
        origin_criterion="no",
        origin_note="bought in; excluded",
    ),
    item_with(
        line=3,
        description="Teak chair",
        hs_code="9401.61",
        quantity=4,
        unit="PCS",
        unit_price=80,
        amount=320,
        origin_criterion="W",
        origin_note="made in Jepara from Perhutani teak",
    ),
]


def record_for(folder: Path, **changes: Any) -> StatementRecord:
    """A register record of the baseline shipment with three lines (one not originating)."""
    path = make_workbook(folder, shipment_with(**changes), ITEMS)
    registration = write_registration(folder / "registration.toml")
    checked = check_workbook(path, CheckOptions(as_of=AS_OF), registration)
    assert not checked.report.errors, checked.report.findings
    digest = input_hash(
        workbook_sha256=file_sha256(path),
        entry=checked.facts.entry,
        as_of=AS_OF,
        statement_language=None,
        no_statement=False,
    )
    return statement_record(checked, views=build_views(checked.facts), input_hash=digest, command="batch")


def documents(folder: Path, name: str, content: bytes = b"%PDF-1.7 test") -> list[DocumentFile]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}_invoice.pdf", folder / f"{name}_packing-list.pdf"]
    for path in paths:
        path.write_bytes(content + path.name.encode())
    return document_files(paths)


def test_a_record_keeps_the_statement_its_lines_totals_and_documents(tmp_path: Path) -> None:
    record = record_for(tmp_path / "in")
    assert record.statement_text is not None and "IDREXTEST0000000001" in record.statement_text
    assert (record.total_amount, record.originating_amount, record.originating_value_eur) == (
        "1336.67",
        "1320",
        "1320.00",
    )
    assert [
        (line.line_no, line.hs_code, line.criterion, line.originating, line.origin_note) for line in record.lines
    ] == [
        (1, "940360", "W 9403", True, None),
        (2, "830210", "no", False, "bought in; excluded"),
        (3, "940161", "W 9401", True, "made in Jepara from Perhutani teak"),
    ]

    with Register(tmp_path / "out" / "register.sqlite") as register:
        files = documents(tmp_path / "out" / "a", "INV-2026-001")
        recorded = register.record(record, files, run_id="run-1")
        assert recorded.version == 1
        (stored,) = register.statements()
        assert stored.documents == (
            ("a/INV-2026-001_invoice.pdf", files[0].sha256),
            ("a/INV-2026-001_packing-list.pdf", files[1].sha256),
        )
        assert stored.issued_on == "2026-11-22" and stored.input_hash == record.input_hash
        assert register.integrity() == "ok"
    with sqlite3.connect(tmp_path / "out" / "register.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT kind, size FROM documents ORDER BY kind").fetchall() == [
            ("invoice.pdf", files[0].size),
            ("packing-list.pdf", files[1].size),
        ]
        assert db.execute(
            "SELECT exporter_name, rex_number, consignee_name, destination, scheme, "
            "statement_language, rexdecl_version, command, run_id FROM statements"
        ).fetchall() == [
            (
                "PT Jati Contoh",
                "IDREXTEST0000000001",
                "Beispiel Moebel GmbH",
                "DE",
                "eu-gsp",
                "en",
                "0.1.0",
                "batch",
                "run-1",
            )
        ]


def test_a_statement_issued_again_gets_the_next_version_and_the_old_one_is_kept(
    tmp_path: Path,
) -> None:
    record = record_for(tmp_path / "in")
    other = record_for(tmp_path / "in2", invoice_number="INV-2026-002")
    with Register(tmp_path / "register.sqlite") as register:
        files = documents(tmp_path / "a", "INV-2026-001")
        assert register.record(record, files).version == 1
        assert register.record(other, documents(tmp_path / "b", "INV-2026-002")).version == 1
        assert register.record(record, files).version == 2
        current = register.statements()
        everything = register.statements(include_superseded=True)
    assert [(s.invoice_number, s.version) for s in current] == [
        ("INV-2026-002", 1),
        ("INV-2026-001", 2),
    ]
    assert [(s.invoice_number, s.version, s.superseded) for s in everything] == [
        ("INV-2026-001", 1, True),
        ("INV-2026-002", 1, False),
        ("INV-2026-001", 2, False),
    ]
    assert everything[0].superseded_by == everything[2].id


def test_ownership_of_output_files(tmp_path: Path) -> None:
    record = record_for(tmp_path / "in")
    out = tmp_path / "out"
    with Register(out / "register.sqlite") as register:
        files = documents(out / "a", "INV-2026-001")
        stranger = out / "a" / "someone-else.pdf"
        stranger.write_bytes(b"not ours")
        claimed = out / "b" / "X_invoice.pdf"
        claimed.parent.mkdir()
        claimed.write_bytes(b"written by a batch that was killed before recording it")
        register.claim([claimed])
        register.record(record, files)
        assert register.owns(files[0].path)
        assert not register.owns(stranger)
        assert register.owns(claimed)
        register.release([claimed])
        assert not register.owns(claimed)
        files[0].path.write_bytes(b"signed by the exporter since")
        assert not register.owns(files[0].path)  # changed since batch wrote it: not batch's any more

    # Paths are stored relative to the register: a folder moved with its register is still batch's.
    moved = tmp_path / "moved"
    shutil.move(out, moved)
    with Register(moved / "register.sqlite") as register:
        assert register.owns(moved / "a" / "INV-2026-001_packing-list.pdf")


def test_the_input_hash_covers_everything_that_shapes_the_documents(tmp_path: Path) -> None:
    base: dict[str, Any] = dict(
        workbook_sha256="a" * 64,
        entry=None,
        as_of=AS_OF,
        statement_language=None,
        no_statement=False,
    )
    digest = input_hash(**base)
    assert input_hash(**base) == digest
    import datetime as dt
    from decimal import Decimal

    changed = [
        dict(base, workbook_sha256="b" * 64),
        dict(base, as_of=dt.date(2026, 11, 23)),
        dict(base, statement_language="fr"),
        dict(base, no_statement=True),
        dict(base, consignment_others=(("X", Decimal("100")),)),
        dict(base, html=True),
    ]
    assert len({input_hash(**c) for c in changed} | {digest}) == len(changed) + 1
    checked = check_workbook(
        make_workbook(tmp_path),
        CheckOptions(as_of=AS_OF),
        write_registration(tmp_path / "registration.toml"),
    )
    assert input_hash(**dict(base, entry=checked.facts.entry)) != digest


def _concurrent_worker(record: StatementRecord, register_path: str, folder: str, worker: int, count: int) -> None:
    with Register(register_path) as register:
        for index in range(count):
            name = f"W{worker}-{index}"
            register.record(record, documents(Path(folder) / name, name), run_id=f"worker-{worker}")


def test_concurrent_writers_lose_no_record(tmp_path: Path) -> None:
    """Four processes recording 25 versions each of the same statement, at the same time."""
    record = record_for(tmp_path / "in")
    register_path = tmp_path / "register.sqlite"
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_concurrent_worker, args=(record, str(register_path), str(tmp_path), n, 25))
        for n in range(4)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    with sqlite3.connect(register_path) as db:
        versions = [v for (v,) in db.execute("SELECT version FROM statements ORDER BY version")]
        assert versions == list(range(1, 101))
        assert db.execute("SELECT COUNT(*) FROM statements WHERE superseded_by IS NULL").fetchone() == (1,)
        assert db.execute("SELECT run_id, COUNT(*) FROM statements GROUP BY run_id").fetchall() == [
            (f"worker-{n}", 25) for n in range(4)
        ]
        assert db.execute("SELECT COUNT(*) FROM documents").fetchone() == (200,)
        assert db.execute("SELECT COUNT(*) FROM lines").fetchone() == (300,)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_file_that_is_not_a_register_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "register.sqlite"
    bogus.write_text("hello", encoding="utf-8")
    result = run_cli(["register", "list", "--register", bogus])
    assert result.exit_code == 2
    assert "not a rexdecl register" in result.output
    result = run_cli(["register", "list", "--register", tmp_path / "missing.sqlite"])
    assert result.exit_code == 2
    assert "no register found" in result.output
    assert not (tmp_path / "missing.sqlite").exists()


# --- the commands ----------------------------------------------------------------------


def test_register_list_and_export(tmp_path: Path) -> None:
    register_path = tmp_path / "register.sqlite"
    with Register(register_path) as register:
        record = record_for(tmp_path / "in")
        register.record(record, documents(tmp_path / "a", "INV-2026-001"))
        register.record(
            record_for(
                tmp_path / "in2",
                invoice_number="INV-2026-002",
                consignee_name="Acheteur Exemple SARL avec un nom beaucoup trop long",
                consignee_country="FR",
                statement_language="fr",
            ),
            documents(tmp_path / "b", "INV-2026-002"),
        )
        register.record(record, documents(tmp_path / "a", "INV-2026-001"))
        from dataclasses import replace

        register.record(
            replace(record_for(tmp_path / "in3", invoice_number="NS-1"), statement_text=None),
            documents(tmp_path / "c", "NS-1"),
        )  # documents without a statement

    result = run_cli(["register", "list", "--register", register_path])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "invoice",
        "date",
        "exporter",
        "REX",
        "number",
        "consignee",
        "dest.",
        "lang.",
        "v.",
        "issued",
        "workbook",
    ]
    assert re.split(r"\s{2,}", lines[2]) == [
        "INV-2026-002",
        "2026-11-20",
        "PT Jati Contoh",
        "IDREXTEST0000000001",
        "Acheteur Exemple SARL avec un…",
        "FR",
        "fr",
        "1",
        "2026-11-22",
        "shipment.xlsx",
    ]
    assert [line.split()[0] for line in lines[2:]] == ["INV-2026-002", "INV-2026-001", "NS-1"]
    assert lines[3].split()[-3] == "2"

    result = run_cli(["register", "list", "--register", register_path, "--all"])
    assert [(line.split()[0], line.split()[-1]) for line in result.output.splitlines()[2:]] == [
        ("INV-2026-001", "superseded"),
        ("INV-2026-002", "current"),
        ("INV-2026-001", "current"),
        ("NS-1", "current"),
    ]

    result = run_cli(["register", "export", "--format", "csv", "--register", register_path])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == list(ESKA_COLUMNS)
    assert [
        (
            r["invoice_number"],
            r["line"],
            r["hs_code"],
            r["quantity"],
            r["unit"],
            r["value"],
            r["currency"],
            r["origin_criterion"],
        )
        for r in rows
    ] == [
        ("INV-2026-002", "1", "940360", "10", "PCS", "1000.00", "EUR", "W 9403"),
        ("INV-2026-002", "3", "940161", "4", "PCS", "320.00", "EUR", "W 9401"),
        ("INV-2026-001", "1", "940360", "10", "PCS", "1000.00", "EUR", "W 9403"),
        ("INV-2026-001", "3", "940161", "4", "PCS", "320.00", "EUR", "W 9401"),
    ]  # current versions only; not-originating lines and statement-less documents left out
    assert rows[0] | {} == {
        "invoice_number": "INV-2026-002",
        "invoice_date": "2026-11-20",
        "rex_number": "IDREXTEST0000000001",
        "exporter": "PT Jati Contoh",
        "consignee_name": "Acheteur Exemple SARL avec un nom beaucoup trop long",
        "consignee_address": "Musterstrasse 12, 20095 Hamburg",
        "consignee_country": "FR",
        "destination_country": "FR",
        "line": "1",
        "hs_code": "940360",
        "description": "Teak dining table",
        "quantity": "10",
        "unit": "PCS",
        "value": "1000.00",
        "currency": "EUR",
        "origin_criterion": "W 9403",
    }

    target = tmp_path / "eska.csv"
    assert run_cli(["register", "export", "--register", register_path, "-o", target]).exit_code == 0
    assert target.read_text(encoding="utf-8") == result.output
    refused = run_cli(["register", "export", "--register", register_path, "-o", target])
    assert refused.exit_code == 2
    assert run_cli(["register", "export", "--register", register_path, "-o", target, "--force"]).exit_code == 0


def test_empty_register_lists_nothing(tmp_path: Path) -> None:
    Register(tmp_path / "register.sqlite").close()
    result = run_cli(["register", "list", "--register", tmp_path / "register.sqlite"])
    assert result.exit_code == 0
    assert "holds no statement" in result.output


def test_generate_with_register_records_the_statement(tmp_path: Path) -> None:
    workbook = make_workbook(tmp_path, shipment_with(exporter_rex=DROP), [dict(BASE_ITEM)])  # unregistered
    register_path = tmp_path / "shared" / "register.sqlite"
    result = run_cli(
        [
            "generate",
            workbook,
            "--out",
            tmp_path / "docs",
            "--as-of",
            AS_OF.isoformat(),
            "--register",
            register_path,
        ]
    )
    assert result.exit_code == 0, result.output
    with Register(register_path) as register:
        (stored,) = register.statements()
    assert (stored.invoice_number, stored.rex_number, stored.version) == ("INV-2026-001", None, 1)
    assert [Path(path).name for path, _sha in stored.documents] == [
        "INV-2026-001_invoice.pdf",
        "INV-2026-001_packing-list.pdf",
    ]
    for path, sha256 in stored.documents:
        assert file_sha256(register_path.parent / path) == sha256
    with sqlite3.connect(register_path) as db:
        assert db.execute(
            "SELECT command, statement_text LIKE '%UD%' OR statement_text IS NOT NULL FROM statements"
        ).fetchone() == ("generate", 1)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("P", "P"),
        ("W 6214", "W 6214"),
        ("w", "W 9403"),
        ("eu-cumulation", "eu-cumulation"),
        ("extended-cumulation:xx", "extended-cumulation:XX"),
        ("no", "no"),
        ("X 12", "X 12"),
    ],
)
def test_criteria_are_kept_in_their_canonical_input_form(typed: str, expected: str) -> None:
    from rexdecl.criteria import parse_criterion
    from rexdecl.register import criterion_code

    assert criterion_code(parse_criterion(typed, "9403.60"), typed) == expected


def _open_register(path: Path, start: Any, answers: Any) -> None:
    start.wait()
    try:
        with Register(path):
            answers.put("ok")
    except Exception as error:  # noqa: BLE001 - the answer is what the test compares
        answers.put(f"{type(error).__name__}: {error}")


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork to start quickly")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")  # Python 3.12+
def test_processes_opening_the_same_new_register_at_once_all_succeed(tmp_path: Path) -> None:
    """Two batches started together on one --register: switching a new file to WAL could
    answer "database is locked" at once (SQLite does not wait there); the opening retries."""
    context = multiprocessing.get_context("fork")
    for attempt in range(20):
        path = tmp_path / f"r{attempt}" / "register.sqlite"
        start, answers = context.Barrier(3), context.Queue()
        openers = [context.Process(target=_open_register, args=(path, start, answers)) for _ in range(3)]
        for process in openers:
            process.start()
        for process in openers:
            process.join(timeout=120)
        assert [answers.get(timeout=5) for _ in openers] == ["ok"] * 3, f"attempt {attempt}"
        answers.close()
