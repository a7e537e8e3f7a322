"""Every command, run with --lang id, prints no message left in English, and the template
it writes holds none either.

The detector is generic: every English message of the catalogue whose Indonesian translation
differs is cut at its placeholders, and no literal piece of it (of some length) may appear in
the output unless the translation has the same piece (a field name, a code). Quoted law (the
statement texts, rule references, product-specific rules) is data, not a catalogue message,
and passes. The template, which quotes no law, is held to shorter pieces, whole words.
"""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from conftest import BASE_ITEM, BASE_REGISTRATION, item_with, make_workbook, run_cli, shipment_with, write_registration
from openpyxl import load_workbook

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
# In the template: pieces from this length, as whole words ("Currency", "printed", "optional").
MIN_TEMPLATE_PIECE = 6


def _law() -> list[str]:
    """Law quoted word for word, which stays in its language: the product-specific rules of
    Annex 22-03 and the statements on origin (rule references are dropped by line)."""
    from rexdecl import legal

    texts = {t for row in legal.psr_rows() for t in (row.description, row.rule_other, row.rule_ldc)}
    texts |= {text.statement for scheme in legal.schemes().values() for text in scheme.texts.values()}
    # Only whole rules and statements: a short text ("Other") would hide words of messages.
    return sorted((" ".join(t.split()) for t in texts if len(t.strip()) >= MIN_PIECE), key=len, reverse=True)


LAW = _law()
REFERENCE_LINE = re.compile(r"^\s*(?:rujukan|reference):.*$", re.MULTILINE)


def without_law(output: str) -> str:
    """The output without quoted law: its reference lines, rule texts and statements."""
    flat = " ".join(REFERENCE_LINE.sub("", output).split())
    for text in LAW:
        flat = flat.replace(text, " ")
    return flat


def untranslated(output: str) -> list[str]:
    flat = without_law(output)
    return sorted({msgid for piece, msgid in PIECES if " ".join(piece.split()) in flat})


def _template_pieces() -> list[tuple[re.Pattern[str], str]]:
    global MIN_PIECE
    saved, MIN_PIECE = MIN_PIECE, MIN_TEMPLATE_PIECE
    try:
        pieces = english_pieces()
    finally:
        MIN_PIECE = saved
    return [(re.compile(r"(?<!\w)" + re.escape(" ".join(p.split())) + r"(?!\w)"), msgid) for p, msgid in pieces]


TEMPLATE_PIECES = _template_pieces()


def template_texts(path: Path) -> list[str]:
    """Every text of a workbook a user reads: sheet names, cells, comments, drop-down help."""
    workbook = load_workbook(path)
    texts: list[str] = []
    for sheet in workbook:
        texts.append(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                if cell.comment is not None:
                    texts.append(cell.comment.text)
        for validation in sheet.data_validations.dataValidation:
            texts.extend(
                t for t in (validation.promptTitle, validation.prompt, validation.errorTitle, validation.error) if t
            )
    return texts


def _field_names() -> re.Pattern[str]:
    from rexdecl.input.fields import SHEETS

    names = {name for sheet in SHEETS for field in sheet.fields for name in (field.name, *field.aliases)}
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])"
    )


FIELD_NAMES = _field_names()


def untranslated_in_template(path: Path) -> list[str]:
    """English catalogue messages in a template's texts; field names (a comment names a
    field's other names: "(currency)") are names, not words to translate."""
    flat = [FIELD_NAMES.sub(" ", " ".join(text.split())) for text in template_texts(path)]
    return sorted({msgid for pattern, msgid in TEMPLATE_PIECES for text in flat if pattern.search(text)})


def command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(group: Any, prefix: list[str]) -> None:
        for name, command in sorted(group.commands.items()):
            paths.append([*prefix, name])
            if hasattr(command, "commands"):
                walk(command, [*prefix, name])

    walk(make_cli(), [])
    return paths


def test_the_detector_finds_english(tmp_path: Path) -> None:
    english = run_cli(["check", str(EXAMPLES / "jepara-teak.xlsx"), "--as-of", "2026-11-22"]).output
    assert untranslated(english), "the detector must see the English messages"
    assert run_cli(["--lang", "en", "template", str(tmp_path / "en.xlsx")]).exit_code == 0
    found = untranslated_in_template(tmp_path / "en.xlsx")
    for msgid in ("Currency", "printed", "optional", "required. ", "commercial invoice number"):
        assert msgid in found, f"the template detector must see {msgid!r}"


def test_the_indonesian_template_holds_no_english_message(tmp_path: Path) -> None:
    """Sheet and column names, comments, drop-down help and example: all Indonesian, but
    for codes and field names (the format's names where it gives no Indonesian alias)."""
    path = tmp_path / "templat.xlsx"
    result = run_cli(["--lang", "id", "template", str(path)])
    assert result.exit_code == 0, result.output
    assert untranslated(result.output) == []
    assert untranslated_in_template(path) == []
    assert untranslated(" ".join(template_texts(path))) == []


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


def _own_invoice(path: Path) -> Path:
    """The exporter's own invoice PDF, made by another generator (reportlab), no statement."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(18 * mm, height - 20 * mm, "COMMERCIAL INVOICE")
    pdf.setFont("Helvetica", 9)
    pdf.drawString(18 * mm, height - 26 * mm, "Invoice No. : JTC-2026-0412")
    pdf.drawString(18 * mm, height - 32 * mm, "Teak dining tables, 10 PCS")
    pdf.save()
    return path


def _broken(folder: Path) -> Path:
    """A shipment with mistakes of every kind of message: a REX number with a space, W with
    another heading, a wrong amount, a misspelt and an ambiguous country, a material whose
    origin names no country, a net weight above the gross."""
    folder.mkdir()
    write_registration(folder / "registration.toml")
    return make_workbook(
        folder,
        shipment_with(exporter_rex="IDREX TEST0000000001", consignee_country="Jermany"),
        [
            item_with(origin_criterion="W 9401", amount=1200, origin_country="Korea"),
            item_with(line=2, net_kg=40, gross_kg=30),
        ],
        [{"line": 1, "description": "Teak logs", "hs_code": "4403", "origin": "Narnia", "value": 300}],
    )


def _bad_registration(folder: Path) -> Path:
    folder.mkdir()
    write_registration(folder / "registration.toml", dict(BASE_REGISTRATION, country="Indonesai"))
    return make_workbook(folder, shipment_with(exporter_country=None), [dict(BASE_ITEM)])


def test_every_command_speaks_indonesian(tmp_path: Path) -> None:
    folder = _workspace(tmp_path)
    out = tmp_path / "out"
    workbook = str(folder / "jepara-teak.xlsx")
    broken = str(_broken(tmp_path / "broken"))
    bad_registration = str(_bad_registration(tmp_path / "bad-registration"))
    own = str(_own_invoice(tmp_path / "own-invoice.pdf"))
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
        # error cases: findings of many rules, an unusable registration, refused arguments
        (["check", broken, "--as-of", "2026-11-22"], 1),
        (["check", broken, "--as-of", "2026-11-22", "--verbose"], 1),
        (["generate", broken, "--out", str(tmp_path / "none"), "--as-of", "2026-11-22"], 1),
        (["check", bad_registration, "--as-of", "2026-11-22"], 2),
        (["template", str(tmp_path / "t.csv")], 2),
        (["check", workbook, "--as-of", "22.13.2026"], 2),
        (["lint", own], 1),
        (["stamp", own, workbook, "--as-of", "2026-11-22", "--out", str(tmp_path / "stamped.pdf")], 0),
        (["batch", str(tmp_path / "broken"), "--out", str(tmp_path / "batch2"), "--as-of", "2026-11-22", "-j", "1"], 1),
    ]
    for args, status in runs:
        result = run_cli(["--lang", "id", *args])
        assert result.exit_code == status, (args, result.output)
        assert untranslated(result.output) == [], args


def test_a_message_about_the_items_sheet_names_it_as_the_workbook_does(tmp_path: Path) -> None:
    """The Indonesian template's lines sheet is "Barang": an empty one is reported so, not as
    "Items", a sheet the trainee cannot find."""
    workbook = tmp_path / "kosong.xlsx"
    assert run_cli(["--lang", "id", "template", workbook]).exit_code == 0
    result = run_cli(["--lang", "id", "check", workbook, "--as-of", "2026-11-22"])
    assert result.exit_code == 1, result.output
    assert "- Barang: sheet Barang tidak berisi baris barang" in result.output
    assert "Items" not in result.output
