"""Output for scripts: ``--format json`` prints JSON on unusable input too (an error object,
exit 2), amounts are plain decimal strings, and batch's summary.json has arrays and the
reason of each unreadable row."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, item_with, make_workbook, run_cli, shipment_with, write_registration, write_rows

from rexdecl.batch.results import SUMMARY_COLUMNS


def _error(result: Any) -> dict[str, Any]:
    data = json.loads(result.stdout)
    assert list(data) == ["error"]
    error: dict[str, Any] = data["error"]
    assert list(error) == ["exit_code", "kind", "message", "problems", "hint"]
    return error


def test_check_json_on_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    result = run_cli(["check", path, "--format", "json", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2
    error = _error(result)
    assert (error["exit_code"], error["kind"], error["message"]) == (2, "unreadable-input", "the input cannot be used")
    (problem,) = error["problems"]
    assert (problem["file"], problem["sheet"], problem["cell"]) == (str(path), None, None)
    assert problem["message"].startswith("this is not an Excel workbook")
    assert "the input cannot be used" in result.stderr  # the person at the terminal still reads it


def test_check_json_names_the_sheet_and_cell(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, items=[item_with(quantity="1.234")])
    result = run_cli(["check", path, "--format", "json", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2
    (problem,) = _error(result)["problems"]
    assert (problem["file"], problem["sheet"], problem["cell"]) == (str(path), "Items", "D2")
    assert "1.234" in problem["message"]


def test_check_json_on_a_missing_sheet_and_a_missing_file(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "no-items.xlsx", {"Shipment": [["field", "value"], ["invoice_number", "X"]]})
    error = _error(run_cli(["check", path, "--format", "json"]))
    assert [p["sheet"] or p["part"] or "" for p in error["problems"]] != []
    assert any("Items" in p["message"] for p in error["problems"])
    missing = _error(run_cli(["check", tmp_path / "gone.xlsx", "--format", "json"]))
    assert missing["problems"][0]["message"] == "file not found"


def test_check_json_on_a_bad_option_value(tmp_path: Path) -> None:
    result = run_cli(["check", make_workbook(tmp_path), "--format", "json", "--as-of", "2026-13-01"])
    assert result.exit_code == 2
    error = _error(result)
    assert (error["kind"], error["problems"]) == ("usage", [])
    assert error["message"].startswith("Invalid value for --as-of: found '2026-13-01'")


def test_check_json_on_an_unusable_registration_file(tmp_path: Path) -> None:
    registration = tmp_path / "reg.toml"
    registration.write_text("this = is [ not toml", encoding="utf-8")
    result = run_cli(["check", make_workbook(tmp_path), "--registration", registration, "--format", "json"])
    assert result.exit_code == 2
    (problem,) = _error(result)["problems"]
    assert problem["file"] == str(registration)


def test_text_format_prints_no_json_on_unusable_input(tmp_path: Path) -> None:
    result = run_cli(["check", tmp_path / "gone.xlsx"])
    assert (result.exit_code, result.stdout) == (2, "")


def test_lint_json_on_an_unreadable_file(tmp_path: Path) -> None:
    result = run_cli(["lint", tmp_path / "gone.pdf", "--format", "json"])
    assert result.exit_code == 2
    error = _error(result)
    assert error["kind"] == "unreadable-input"
    assert error["problems"][0]["file"] == str(tmp_path / "gone.pdf")


@pytest.mark.parametrize(
    ("shipment", "eur"),
    [
        ({"currency": "USD", "eur_rate": 1.08}, "9259.26"),  # 10000 / 1.08, never "9,259.26"
        ({"currency": "EUR"}, "10000.00"),
    ],
)
def test_json_amounts_are_plain_decimal_strings(tmp_path: Path, shipment: dict[str, Any], eur: str) -> None:
    path = make_workbook(tmp_path, shipment_with(**shipment), items=[item_with(quantity=100, amount=10000)])
    write_registration(tmp_path / "registration.toml")
    summary = json.loads(run_cli(["check", path, "--format", "json", "--as-of", AS_OF.isoformat()]).stdout)["summary"]
    assert summary["originating_value_eur"] == eur
    assert summary["originating_value"] == "10000"


def test_batch_summary_json_has_arrays_and_reasons(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_workbook(folder, shipment_with(currency=None), name="errors.xlsx")
    make_workbook(folder, shipment_with(invoice_number="X", currency="XYZ"), name="two-codes.xlsx")
    (folder / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    write_registration(folder / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["batch", folder, "--out", out, "--jobs", "1", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 1, result.output
    rows = {Path(r["source"]).name: r for r in json.loads((out / "summary.json").read_text("utf-8"))["shipments"]}
    broken = rows["broken.xlsx"]
    assert (broken["status"], broken["codes"], broken["files"]) == ("unreadable", [], [])
    assert broken["reason"].startswith(f"{folder / 'broken.xlsx'}: this is not an Excel workbook")
    assert (rows["errors.xlsx"]["codes"], rows["errors.xlsx"]["reason"]) == (["MISSING-FIELD"], None)
    assert rows["two-codes.xlsx"]["codes"] == ["CURRENCY-UNKNOWN"]
    assert list(broken) == [*SUMMARY_COLUMNS, "reason"]
    # summary.csv keeps the documented columns, codes and files ';'-separated, no reason column
    table = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text("utf-8"))))
    assert list(table[0]) == list(SUMMARY_COLUMNS)


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "--format", "json", "--bogus", "x.xlsx"], "No such option '--bogus'. Did you mean '--verbose'?"),
        (["check", "--format", "json"], "Missing argument 'WORKBOOK'."),
        (
            ["check", "x.xlsx", "--format=json", "--statement-language", "xx"],
            "Invalid value for '--statement-language'",
        ),
        (["rules", "--format", "json", "--verbose"], "No such option '--verbose'."),
        (["lint", "--format", "json"], "Missing argument 'FILE'."),
        (["--lang", "xx", "rules", "--format", "json"], "Invalid value for '--lang': 'xx' is not one of 'en', 'id'."),
        (["nosuch", "--format", "json"], "No such command 'nosuch'."),
    ],
)
def test_usage_errors_click_finds_before_the_command_runs_are_json_too(args: list[str], message: str) -> None:
    result = run_cli(args)
    assert result.exit_code == 2
    error = _error(result)
    assert (error["exit_code"], error["kind"], error["problems"], error["hint"]) == (2, "usage", [], None)
    assert error["message"].startswith(message)
    assert "Error: " + message in result.stderr  # click's own message and usage, as without JSON
    assert "Usage: rexdecl" in result.stderr


def test_usage_errors_without_json_print_nothing_on_the_standard_output() -> None:
    result = run_cli(["check", "--bogus", "x.xlsx"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert "No such option '--bogus'" in result.stderr


def test_a_bad_option_value_found_while_the_command_runs_is_one_json_object(tmp_path: Path) -> None:
    result = run_cli(["check", make_workbook(tmp_path), "--as-of", "2026-13-01", "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout.count('"error"') == 1
