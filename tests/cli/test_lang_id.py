"""Every command, run with --lang id, prints no message left in English.

The detector is generic: every English message of the catalogue whose Indonesian translation
differs is cut at its placeholders, and no literal piece of it (of some length) may appear in
the output unless the translation has the same piece (a field name, a code).
"""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from conftest import run_cli

from rexdecl.cli import make_cli

EXAMPLES = Path(str(resources.files("rexdecl.examples")))
MIN_PIECE = 14


def english_pieces() -> list[tuple[str, str]]:
    path = resources.files("rexdecl.locale").joinpath("id/LC_MESSAGES/rexdecl.po")
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    pieces: list[tuple[str, str]] = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translation = " ".join(s for s in strings if s)
        for msgid in ids:
            for piece in re.split(r"\{[^}]*\}", msgid):
                piece = piece.strip(" .,:;()'\"-–")
                if len(piece) >= MIN_PIECE and piece not in translation:
                    pieces.append((piece, msgid))
    return pieces


PIECES = english_pieces()


def untranslated(output: str) -> list[str]:
    flat = " ".join(output.split())
    return sorted({msgid for piece, msgid in PIECES if " ".join(piece.split()) in flat})


def command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(group: Any, prefix: list[str]) -> None:
        for name, command in sorted(group.commands.items()):
            paths.append([*prefix, name])
            if hasattr(command, "commands"):
                walk(command, [*prefix, name])

    walk(make_cli(), [])
    return paths


def test_the_detector_finds_english() -> None:
    english = run_cli(["check", str(EXAMPLES / "jepara-teak.xlsx"), "--as-of", "2026-11-22"]).output
    assert untranslated(english), "the detector must see the English messages"


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p))
def test_every_command_help_is_indonesian(path: list[str]) -> None:
    result = run_cli(["--lang", "id", *path, "--help"])
    assert result.exit_code == 0
    assert untranslated(result.output) == []
    assert "Cara pakai:" in result.output


def _workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("jepara-teak.xlsx", "kotagede-silver-unregistered.xlsx", "registration.toml"):
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def test_every_command_speaks_indonesian(tmp_path: Path) -> None:
    folder = _workspace(tmp_path)
    out = tmp_path / "out"
    workbook = str(folder / "jepara-teak.xlsx")
    runs: list[tuple[list[str], int]] = [
        (["check", workbook, "--as-of", "2026-11-22"], 0),
        (["check", str(tmp_path / "missing.xlsx")], 2),
        (
            [
                "generate",
                workbook,
                "--out",
                str(out),
                "--as-of",
                "2026-11-22",
                "--register",
                str(tmp_path / "r.sqlite"),
            ],
            0,
        ),
        (["generate", workbook, "--out", str(out), "--as-of", "2026-11-22"], 2),  # outputs exist
        (["template", str(tmp_path / "t.xlsx")], 0),
        (["template", str(tmp_path / "t.xlsx")], 2),
        (["rules"], 0),
        (["explain"], 0),
        (["explain", "REX-FORMAT"], 0),
        (["explain", "NO-SUCH-CODE"], 2),
        (["lint", str(out / "JTC-2026-0412_invoice.pdf")], 0),
        (["stamp", str(out / "JTC-2026-0412_invoice.pdf"), workbook, "--as-of", "2026-11-22"], 2),  # has a statement
        (["batch", str(folder), "--out", str(tmp_path / "batch"), "--as-of", "2026-11-22", "--jobs", "1"], 0),
        (["register", "list", "--register", str(tmp_path / "r.sqlite")], 0),
        (["register", "export", "--format", "csv", "--register", str(tmp_path / "r.sqlite")], 0),
        (["nosuchcommand"], 2),
    ]
    for args, status in runs:
        result = run_cli(["--lang", "id", *args])
        assert result.exit_code == status, (args, result.output)
        assert untranslated(result.output) == [], args
