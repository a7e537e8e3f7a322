"""Bahasa Indonesia: every message in the code has a checked translation, the compiled
catalogue matches the .po, placeholders and codes survive translation, the commands speak
Indonesian with --lang id, REXDECL_LANG=id or an Indonesian locale, and the statutory
statement is never a message (it is data, printed word for word).

When a test here fails after messages were added or changed: run
``python -m rexdecl.locale.update``, translate the msgids it lists in
``rexdecl/locale/id/LC_MESSAGES/rexdecl.po``, and run it again to compile.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from conftest import item_with, make_workbook, shipment_with, write_registration

from rexdecl import legal
from rexdecl.i18n import current_language, detect_language

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rexdecl"
LOCALE = PACKAGE / "locale"
PO_FILE = LOCALE / "id" / "LC_MESSAGES" / "rexdecl.po"
MO_FILE = PO_FILE.with_suffix(".mo")
EXAMPLE = ROOT / "examples" / "jepara-teak.xlsx"
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "ngettext": (1, 2)}
UPDATE = "run `python -m rexdecl.locale.update`, translate what it lists, and run it again"


def _mapping() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    try:
        from babel.messages.frontend import parse_mapping_cfg as parse
    except ImportError:  # Babel < 2.14
        from babel.messages.frontend import parse_mapping as parse
    with open(LOCALE / "babel.cfg", encoding="utf-8") as handle:
        return parse(handle)


@pytest.fixture(scope="module")
def source_messages() -> dict[str, tuple[str | tuple[str, ...], str]]:
    """Every message marked in the code now: msgid key -> (msgid, first location)."""
    method_map, options_map = _mapping()
    found: dict[str, tuple[str | tuple[str, ...], str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map, options_map, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, (message, f"rexdecl/{Path(filename).as_posix()}:{lineno}"))
    assert len(found) > 100, "extraction found too few messages: is babel.cfg right?"
    return found


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    with open(PO_FILE, "rb") as handle:
        return read_po(handle, locale="id")


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return list(message.string)
    return [message.string or ""]


def _ids(message: Message) -> list[str]:
    return [message.id] if isinstance(message.id, str) else list(message.id)


def _fields(text: str) -> list[tuple[str, str, str | None]]:
    """Replacement fields of a str.format template, with their format spec and conversion."""
    return sorted(
        {
            (name, spec or "", conversion)
            for _literal, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        }
    )


def _translated(catalogue: Catalog) -> list[Message]:
    return [m for m in catalogue if m.id and any(s.strip() for s in _strings(m))]


# --- (a) every message translated -------------------------------------------------------------


def test_every_message_in_the_code_has_a_checked_indonesian_translation(
    source_messages: dict[str, Any], catalogue: Catalog
) -> None:
    problems = []
    for key, (msgid, where) in sorted(source_messages.items(), key=lambda kv: kv[1][1]):
        message = catalogue.get(msgid)
        if message is None:
            problems.append(f"{where}: not in the .po: {key!r}")
        elif not all(s.strip() for s in _strings(message)[: catalogue.num_plurals]):
            problems.append(f"{where}: no translation: {key!r}")
        elif message.fuzzy:
            problems.append(f"{where}: fuzzy (check it, then delete the '#, fuzzy' line): {key!r}")
    assert not problems, f"{len(problems)} msgid(s) need work; {UPDATE}:\n" + "\n".join(problems)


def test_indonesian_has_one_plural_form(catalogue: Catalog) -> None:
    assert catalogue.plural_forms == "nplurals=1; plural=0;"
    plurals = [m for m in catalogue if m.id and m.pluralizable]
    assert plurals, "expected plural messages (ngettext) in the catalogue"
    assert all(_strings(m)[0].strip() for m in plurals)


# --- (b) the compiled catalogue is current -------------------------------------------------------


def _contents(catalog: Catalog) -> dict[Any, Any]:
    return {
        (m.id if isinstance(m.id, str) else tuple(m.id)): (m.string if isinstance(m.string, str) else tuple(m.string))
        for m in catalog
        if m.id
    }


def test_compiled_mo_matches_the_po(catalogue: Catalog) -> None:
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    expected = read_mo(compiled)
    with open(MO_FILE, "rb") as handle:
        shipped = read_mo(handle)
    assert _contents(shipped) == _contents(expected), f"rexdecl.mo is out of date with rexdecl.po; {UPDATE}"
    assert dict(shipped.mime_headers)["Plural-Forms"] == "nplurals=1; plural=0;"


def test_the_catalogue_files_are_what_the_update_script_writes() -> None:
    """.pot, .po and .mo are in sync with the code (and the script is deterministic)."""
    from rexdecl.locale.update import update

    changed, _statuses = update(check=True, package_dir=PACKAGE)  # the source tree, not site-packages
    assert not changed, f"out of date: {[str(p.relative_to(ROOT)) for p in changed]}; {UPDATE}"


# --- (c) placeholders, spaces and codes survive translation -----------------------------------


def test_translations_have_the_placeholders_of_their_msgid(catalogue: Catalog) -> None:
    problems = []
    for message in _translated(catalogue):
        wanted = {tuple(_fields(msgid)) for msgid in _ids(message)}
        for translation in _strings(message)[: catalogue.num_plurals]:
            try:
                got = tuple(_fields(translation))
            except ValueError as error:  # an unbalanced brace: .format() would raise
                problems.append(f"{message.id!r}: {error}")
                continue
            if got not in wanted:
                problems.append(f"{message.id!r}: placeholders {got} in {translation!r}, expected {wanted}")
    assert not problems, "\n".join(problems)


def test_translations_keep_leading_and_trailing_spaces(catalogue: Catalog) -> None:
    """Fragments such as ' (rate used: …)' are glued to other text."""
    for message in _translated(catalogue):
        msgid = _ids(message)[0]
        for translation in _strings(message)[: catalogue.num_plurals]:
            assert (msgid[:1].isspace(), msgid[-1:].isspace()) == (
                translation[:1].isspace(),
                translation[-1:].isspace(),
            ), repr(message.id)
            assert len(msgid) - len(msgid.lstrip()) == len(translation) - len(translation.lstrip()), repr(message.id)


# Rule codes, options, field and file names, sheet names and legal names stay as they are.
_KEEP = re.compile(
    r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+\b"  # REX-NOT-APPLICABLE-YET
    r"|--[a-z][a-z-]*"  # --registration
    r"|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # invoice_date, eska_code
    r"|\b[\w-]+\.(?:csv|toml|sqlite)\b"  # rex-countries.csv, registration.toml
    r"|\b(?:Shipment|Items|Materials|Exporter)\b"  # sheet names
    r"|\b(?:REX|e-SKA|DAB|PEB|Form A|EU GSP|Permendag 111/2018|Annex 22-0\d)\b"
)


def test_translations_keep_codes_field_names_and_legal_names(catalogue: Catalog) -> None:
    problems = []
    for message in _translated(catalogue):
        kept = set(_KEEP.findall(_ids(message)[0]))
        for translation in _strings(message)[: catalogue.num_plurals]:
            lost = sorted(token for token in kept if token not in translation)
            if lost:
                problems.append(f"{message.id!r}: {lost} missing from {translation!r}")
    assert not problems, "\n".join(problems)


# --- (d) the commands in Indonesian ------------------------------------------------------------


def _unreadable(tmp_path: Path) -> list[str]:
    path = tmp_path / "not-a-workbook.xlsx"
    path.write_text("invoice;amount\n1;2\n", encoding="utf-8")
    return ["check", str(path)]


def _missing(tmp_path: Path) -> list[str]:
    return ["check", str(tmp_path / "missing.xlsx")]


def _with_errors(tmp_path: Path) -> list[str]:
    """Three classic mistakes: a space in the REX number, W with another heading, a wrong amount."""
    path = make_workbook(
        tmp_path,
        shipment_with(exporter_rex="IDREX TEST0000000001"),
        [item_with(origin_criterion="W 9401", amount=1200)],
    )
    write_registration(tmp_path / "registration.toml")
    return ["check", str(path), "--as-of", "2026-11-22"]


CASES = [
    # id, arguments (or a builder), exit status, Indonesian that must appear, English that must not
    (
        "help",
        ["--help"],
        0,
        ["rexdecl menyiapkan dan memeriksa pernyataan asal (DAB)", "Bahasa pesan: en atau id"],
        ["prepares and checks statements on origin", "Language of messages"],
    ),
    (
        "check-help",
        ["check", "--help"],
        0,
        [
            "Periksa file Excel pengiriman terhadap aturan GSP",
            "Format keluaran.",
            "Tanggal pemeriksaan",
            "File registrasi (TOML",
        ],
        [
            "Check a shipment workbook against the GSP rules",
            "Output format.",
            "Run date used by",
            "Registration file (TOML",
            "Show every finding on its own",
        ],
    ),
    (
        "rules",
        ["rules"],
        0,
        [
            f"{len(legal.rule_catalogue())} aturan (kodenya tetap",
            "kesalahan",
            "rujukan: HMRC",
            "Nomor REX tidak ditulis persis",
        ],
        [
            "rules (codes are stable",
            "reference:",
            "The REX number is not written exactly",
            "  error  ",
        ],
    ),
    (
        "check",
        ["check", str(EXAMPLE), "--as-of", "2026-11-22"],
        0,
        [
            "skema eu-gsp",
            # amounts in Indonesian style in the messages (the documents keep theirs)
            "nilai originating: USD 13.200,00 = EUR 12.222,22 (eur_rate 1,08 USD per EUR)",
            "pernyataan dalam bahasa Inggris",
            "Informasi (1)",
            "belum ada kode autentik e-SKA",
            "0 kesalahan, 0 peringatan, 1 informasi",
        ],
        [
            "originating value",
            "Information (1)",
            "no e-SKA authentic code",
            "0 errors",
            "reference:",
        ],
    ),
    (
        "check-errors",
        _with_errors,
        1,
        [
            "Kesalahan (3)",
            "nomor REX 'IDREX TEST0000000001' tidak valid",
            "menyebut pos 9401",
            "tidak sama dengan jumlah × harga satuan",
            "3 kesalahan",
        ],
        ["Errors (3)", "is not valid", "names heading", "is not quantity × unit price", "3 errors"],
    ),
    (
        "unreadable",
        _unreadable,
        2,
        ["rexdecl: masukan tidak bisa dipakai:", "ini bukan file Excel"],
        ["the input cannot be used", "this is not an Excel workbook", "expected an .xlsx workbook"],
    ),
    (
        "missing",
        _missing,
        2,
        ["rexdecl: masukan tidak bisa dipakai:", "file tidak ditemukan"],
        ["the input cannot be used", "file not found"],
    ),
]


@pytest.mark.parametrize(
    ("args", "status", "indonesian", "english"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_commands_speak_indonesian_with_lang_id(
    cli: Callable[..., Any],
    tmp_path: Path,
    args: Any,
    status: int,
    indonesian: list[str],
    english: list[str],
) -> None:
    arguments = args(tmp_path) if callable(args) else args
    # The English run proves the sentinels are real messages of these commands.
    in_english = cli(arguments)
    assert in_english.exit_code == status, in_english.output
    assert [s for s in english if " ".join(s.split()) not in " ".join(in_english.output.split())] == []
    result = cli(["--lang", "id", *arguments])
    assert result.exit_code == status, result.output
    # The report wraps its lines at 80 columns: compare with white space collapsed.
    output = " ".join(result.output.split())
    assert [s for s in indonesian if " ".join(s.split()) not in output] == [], result.output
    assert [s for s in english if " ".join(s.split()) in output] == [], result.output


# --- (e) how the language is chosen ---------------------------------------------------------------


def _clear_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("REXDECL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)


def test_rexdecl_lang_selects_indonesian(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_locale(monkeypatch)
    monkeypatch.setenv("REXDECL_LANG", "id")
    result = cli(["rules"])
    assert result.exit_code == 0
    assert "rujukan: HMRC answer on the REX format [V2]" in result.output
    assert current_language() == "id"


def test_an_indonesian_locale_selects_indonesian(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_locale(monkeypatch)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    result = cli(["check", str(EXAMPLE), "--as-of", "2026-11-22"])
    assert result.exit_code == 0
    assert "0 kesalahan, 0 peringatan, 1 informasi" in result.output


def test_lang_option_beats_the_environment(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REXDECL_LANG", "id")
    result = cli(["--lang", "en", "rules"])
    assert "reference: HMRC answer on the REX format [V2]" in result.output
    assert current_language() == "en"


@pytest.mark.parametrize(
    ("explicit", "rexdecl_lang", "lang", "expected"),
    [
        (None, None, "id_ID.UTF-8", "id"),
        (None, None, "in_ID", "id"),  # the old Java/Android code
        (None, "id", "en_US.UTF-8", "id"),
        (None, "ID", None, "id"),
        ("en", "id", "id_ID.UTF-8", "en"),
        (None, None, "en_GB.UTF-8", "en"),
        (None, None, "fr_FR.UTF-8", "en"),  # not offered: English
        (None, "xx", "id_ID", "id"),  # an unknown REXDECL_LANG falls through to the locale
    ],
)
def test_detect_language(
    monkeypatch: pytest.MonkeyPatch,
    explicit: str | None,
    rexdecl_lang: str | None,
    lang: str | None,
    expected: str,
) -> None:
    _clear_locale(monkeypatch)
    if rexdecl_lang is not None:
        monkeypatch.setenv("REXDECL_LANG", rexdecl_lang)
    if lang is not None:
        monkeypatch.setenv("LANG", lang)
    assert detect_language(explicit) == expected


# --- (f) the statutory statement is data, never a message ---------------------------------------


def test_no_message_holds_the_statutory_statement(source_messages: dict[str, Any]) -> None:
    for key in source_messages:
        assert "preferential origin" not in key.lower(), key
        assert "origine préférentielle" not in key.lower(), key
        assert "origen preferencial" not in key.lower(), key
    statements = {text.statement for scheme in legal.schemes().values() for text in scheme.texts.values()}
    assert statements, "expected the statutory texts in schemes.toml"
    assert not statements & set(source_messages)


def test_the_statement_text_is_the_same_in_both_interface_languages() -> None:
    """The statement's language is a shipment setting (en/fr/es), never --lang."""
    from rexdecl.i18n import _, set_language

    texts = [t.statement for s in legal.schemes().values() for t in s.texts.values()]
    set_language("id")
    try:
        assert [_(text) for text in texts] == texts
    finally:
        set_language("en")


# --- the update script ---------------------------------------------------------------------------


def test_update_keeps_translations_marks_obsolete_and_restores_them(tmp_path: Path) -> None:
    from rexdecl.locale.update import StableCatalog, extract, merge, render_mo, render_po

    package = tmp_path / "pkg"
    package.mkdir()
    module = package / "mod.py"
    module.write_text('_("Hello {name}")\nN_("Bye")\nngettext("{n} file", "{n} files", 2)\n', encoding="utf-8")
    catalog = StableCatalog(locale="id", domain="rexdecl")
    catalog.add("Hello {name}", "Halo {name}")
    catalog.add("Old", "Lama")

    merge(catalog, extract(package, LOCALE / "babel.cfg"), "id")
    assert catalog["Hello {name}"].string == "Halo {name}"
    assert not catalog["Bye"].string
    assert list(catalog.obsolete) == ["Old"]
    text = render_po(catalog).decode("utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    assert "Generated-By" not in text
    assert '"POT-Creation-Date: 2026-01-01 00:00+0000\\n"' in text
    assert '#~ msgid "Old"' in text
    assert "#: pkg/mod.py\n" in text  # file names only: moving code does not change the .po
    assert render_po(catalog) == render_po(catalog) and render_mo(catalog) == render_mo(catalog)

    module.write_text('_("Hello {name}")\n_("Old")\n', encoding="utf-8")
    merge(catalog, extract(package, LOCALE / "babel.cfg"), "id")
    assert catalog["Old"].string == "Lama"
    assert "Old" not in catalog.obsolete
