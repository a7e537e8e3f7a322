"""Under --lang id the messages write amounts and dates the Indonesian way (EUR 7.414,00;
22 November 2026) and name languages (bahasa Inggris, not bahasa en); the documents and the
JSON keep their own forms; --lang is accepted after the command too."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BASE_REGISTRATION,
    DROP,
    item_with,
    make_workbook,
    run_cli,
    shipment_with,
    write_registration,
)

from rexdecl.i18n import format_amount, format_day, format_number, language_name, set_language

AS_OF = "2026-11-22"


@pytest.mark.parametrize(
    ("language", "amount", "amount0", "plain", "number", "day", "name"),
    [
        ("en", "7,414.00", "6,000", "7414.00", "2.50", "2026-11-22", "English"),
        ("id", "7.414,00", "6.000", "7414,00", "2,50", "22 November 2026", "Inggris"),
    ],
)
def test_the_formats_follow_the_interface_language(
    language: str, amount: str, amount0: str, plain: str, number: str, day: str, name: str
) -> None:
    set_language(language)
    assert format_amount(Decimal("7414")) == amount
    assert format_amount(Decimal("6000"), 0) == amount0
    assert format_amount(Decimal("7413.995"), grouping=False) == plain  # half up, as the money rules
    assert format_number(Decimal("2.50")) == number
    assert format_day(dt.date(2026, 11, 22)) == day
    assert language_name("en") == name


def test_the_formats_of_edge_values() -> None:
    set_language("id")
    assert format_amount(Decimal("-1234567.891")) == "-1.234.567,89"
    assert format_amount(Decimal("999")) == "999,00"
    assert format_number(Decimal("1E+3")) == "1000"  # never an exponent
    assert format_day(dt.date(2027, 3, 1)) == "1 Maret 2027"
    assert language_name("fr") == "Prancis"
    assert language_name("es") == "Spanyol"
    assert language_name("de") == "de"  # no name known: the code as it is


def _unregistered_above_limit(tmp_path: Path) -> Path:
    shipment = shipment_with(exporter_rex=DROP)
    return make_workbook(tmp_path, shipment=shipment, items=[item_with(quantity=1, unit_price=7414, amount=7414)])


def test_the_threshold_message_in_indonesian_style(tmp_path: Path) -> None:
    path = _unregistered_above_limit(tmp_path)
    result = run_cli(["--lang", "id", "check", path, "--as-of", AS_OF, "--verbose"])
    assert result.exit_code == 1
    flat = " ".join(result.stdout.split())
    assert "total barang originating EUR 7.414,00, melebihi EUR 6.000,00" in flat
    assert "nilai originating: EUR 7.414,00" in flat
    english = " ".join(run_cli(["check", path, "--as-of", AS_OF]).stdout.split())
    assert "the originating products total EUR 7,414.00, above the EUR 6,000.00" in english


def test_the_json_keeps_plain_amounts_in_any_language(tmp_path: Path) -> None:
    path = _unregistered_above_limit(tmp_path)
    summary = json.loads(run_cli(["--lang", "id", "check", path, "--as-of", AS_OF, "--format", "json"]).stdout)
    assert summary["summary"]["originating_value_eur"] == "7414.00"
    assert summary["summary"]["originating_value"] == "7414"


def test_dates_in_messages_in_indonesian_style(tmp_path: Path) -> None:
    path = make_workbook(tmp_path)
    write_registration(tmp_path / "registration.toml", dict(BASE_REGISTRATION, registered_on=dt.date(2026, 11, 21)))
    result = run_cli(["check", path, "--as-of", AS_OF, "--lang", "id"])
    assert result.exit_code == 1
    flat = " ".join(result.stdout.split())
    assert "20 November 2026" in flat and "21 November 2026" in flat
    assert "2026-11-2" not in flat


def test_the_statement_language_is_named(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, shipment=shipment_with(statement_language="fr"))
    write_registration(tmp_path / "registration.toml")
    indonesian = run_cli(["check", path, "--as-of", AS_OF, "--lang", "id"]).stdout
    assert "pernyataan dalam bahasa Prancis" in indonesian
    assert "bahasa fr" not in indonesian
    assert "statement in French" in run_cli(["check", path, "--as-of", AS_OF]).stdout


def test_an_unsupported_language_lists_the_names(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, shipment=shipment_with(statement_language="de"))
    write_registration(tmp_path / "registration.toml")
    flat = " ".join(run_cli(["check", path, "--as-of", AS_OF, "--lang", "id"]).stdout.split())
    assert "salah satu dari en (Inggris), fr (Prancis), es (Spanyol)" in flat


@pytest.mark.parametrize(
    "args",
    [
        ["--lang", "id", "check", "{path}"],
        ["check", "{path}", "--lang", "id"],
        ["check", "--lang=id", "{path}"],
    ],
    ids=["before", "after", "equals-form"],
)
def test_lang_before_or_after_the_command(tmp_path: Path, args: list[str]) -> None:
    path = make_workbook(tmp_path)
    write_registration(tmp_path / "registration.toml")
    result = run_cli([a.replace("{path}", str(path)) for a in args] + ["--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "0 kesalahan, 0 peringatan" in result.stdout


def test_lang_after_a_subcommand_of_a_group(tmp_path: Path) -> None:
    result = run_cli(["register", "list", "--register", tmp_path / "none.sqlite", "--lang", "id"])
    assert "Error" not in result.output and "No such option" not in result.output


def test_lang_after_the_command_is_checked(tmp_path: Path) -> None:
    result = run_cli(["check", make_workbook(tmp_path), "--lang", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not one of 'en', 'id'" in result.output


@pytest.mark.parametrize("command", [["check"], ["batch"], ["register", "export"], ["lint"]])
def test_every_command_shows_lang_in_its_help(command: list[str]) -> None:
    result = run_cli([*command, "--help", "--lang", "id"])
    assert result.exit_code == 0
    assert "--lang [en|id]" in result.stdout
    assert "Bahasa pesan: en atau id (Bahasa Indonesia), sama dengan --lang sebelum perintah." in " ".join(
        result.stdout.split()
    )


def test_the_documents_do_not_follow_the_interface_language(tmp_path: Path) -> None:
    """--lang id changes the messages, never the documents: English labels, English numbers."""
    html: dict[str, dict[str, bytes]] = {}
    for language in ("en", "id"):
        folder = tmp_path / language
        path = make_workbook(folder, items=[item_with(quantity=1500, unit_price="7.5", amount=11250)])
        write_registration(folder / "registration.toml")
        result = run_cli(["--lang", language, "generate", path, "--as-of", AS_OF, "--html", "--out", folder / "out"])
        assert result.exit_code == 0, result.output
        html[language] = {p.name: p.read_bytes() for p in sorted((folder / "out").glob("*.html"))}
    assert html["en"] == html["id"]
    invoice: Any = html["en"]["INV-2026-001_invoice.html"].decode("utf-8")
    assert "11,250.00" in invoice and "11.250,00" not in invoice
