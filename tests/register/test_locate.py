"""``register list`` and ``register export`` without ``--register``: the one register.sqlite in
the current folder or a folder one level down (where ``batch --out done/`` put it), else exit 2
saying where registers are written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from rexdecl.register import Register


def make_register(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Register(path).close()
    return path


@pytest.mark.parametrize("where", ["register.sqlite", "done/register.sqlite", "rexdecl-out/register.sqlite"])
def test_the_one_register_here_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    make_register(tmp_path / where)
    (tmp_path / "other" / "deeper").mkdir(parents=True)
    make_register(tmp_path / "other" / "deeper" / "register.sqlite")  # two levels down: not looked at
    monkeypatch.chdir(tmp_path)
    result = run_cli(["register", "list"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"register: {where}\n"
    assert result.stdout == f"The register {where} holds no statement.\n"
    export = run_cli(["register", "export", "--format", "csv"])
    assert export.exit_code == 0, export.output
    assert export.stderr == f"register: {where}\n"
    assert export.stdout.startswith("invoice_number,invoice_date,")


def test_no_register_here_says_where_registers_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "done").mkdir()
    (tmp_path / "done" / "register.sqlite").mkdir()  # a folder of that name is no register
    monkeypatch.chdir(tmp_path)
    for command in (["register", "list"], ["register", "export", "--format", "csv"]):
        result = run_cli(command)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            "rexdecl: no register here (no register.sqlite in this folder or in a folder one level "
            "down); batch writes OUT/register.sqlite in its output folder (--out, default rexdecl-out), "
            "and generate records only in the register named with --register\n"
            "hint: pass --register PATH, e.g. --register done/register.sqlite\n"
        )


def test_several_registers_here_are_named_and_none_is_chosen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_register(tmp_path / "register.sqlite")
    make_register(tmp_path / "b" / "register.sqlite")
    make_register(tmp_path / "a" / "register.sqlite")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["register", "list"])
    assert result.exit_code == 2
    assert result.stderr == (
        "rexdecl: several registers here: register.sqlite, a/register.sqlite, b/register.sqlite; "
        "choose one with --register PATH\n"
    )


def test_a_named_register_is_used_as_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_register(tmp_path / "a" / "register.sqlite")
    make_register(tmp_path / "b" / "register.sqlite")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["register", "list", "--register", "b/register.sqlite"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == "The register b/register.sqlite holds no statement.\n"
    missing = run_cli(["register", "list", "--register", "c/register.sqlite"])
    assert missing.exit_code == 2
    assert "c/register.sqlite: no register found" in missing.stderr


def test_generate_records_only_in_the_register_it_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the README says: ``generate`` writes no register of its own; with ``--register PATH``
    it records there, and ``register list`` then finds that register one folder down."""
    import shutil

    examples = Path(__file__).resolve().parents[2] / "examples"
    for name in ("batik-pekalongan.xlsx", "registration.toml"):
        shutil.copy(examples / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    plain = run_cli(["generate", "batik-pekalongan.xlsx", "--out", "out", "--as-of", "2026-11-22"])
    assert plain.exit_code == 0, plain.output
    assert sorted(path.name for path in tmp_path.rglob("*.sqlite*")) == []
    assert run_cli(["register", "list"]).exit_code == 2
    recorded = run_cli(
        ["generate", "batik-pekalongan.xlsx", "--out", "out", "--as-of", "2026-11-22", "--force"]
        + ["--register", "ledger/register.sqlite"]
    )
    assert recorded.exit_code == 0, recorded.output
    listed = run_cli(["register", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.stderr == "register: ledger/register.sqlite\n"
    assert listed.stdout.splitlines()[2].split()[:2] == ["BCP/INV/2026/118", "2026-11-16"]
