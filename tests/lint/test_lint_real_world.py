"""``rexdecl lint`` on the shapes found in real invoices and statements ("Real machines, real
files", item 4): encrypted PDFs, statements in quotes, company names with brackets, statements
of other agreements, malformed REX numbers.

Each shape is built here, in text and as a PDF made with reportlab (and encrypted with pypdf's
writer): never a file made by rexdecl.
"""

from __future__ import annotations

import dataclasses
import textwrap
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from test_lint import EN, REX, _lines_pdf, codes, lint

import rexdecl.cli
import rexdecl.cli.lint
from rexdecl import legal
from rexdecl.errors import UnreadableInput
from rexdecl.lint import OTHER_SCHEME, lint_file, lint_text, other_statements
from rexdecl.lint import templates as lint_module

# The core sentence of the EU–Japan EPA / EU–UK TCA statement (legal-facts-2026-12.md §2.2).
OTHER = (
    "The exporter of the products covered by this document (Exporter Reference No DEREX12345678) "
    "declares that, except where otherwise clearly indicated, these products are of EU "
    "preferential origin."
)


@pytest.fixture
def group() -> click.Group:
    g = rexdecl.cli.make_cli()
    rexdecl.cli.lint.register(g)
    return g


def statement_pdf(path: Path, statement: str, before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> Path:
    """An invoice page with ``statement`` wrapped at 90 characters, drawn line by line."""
    lines = ["COMMERCIAL INVOICE No INV-2026-017", "1  Batik scarf, silk  HS 6214.10  100 PCS", *before, ""]
    return _lines_pdf(path, [[*lines, *textwrap.wrap(statement, 90), *after]])


# -- encrypted PDFs ----------------------------------------------------------------------------


def _encrypted_copy(plain: Path, target: Path, algorithm: str, user_password: str) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(plain))
    # Permissions only (print, no change): the common encryption of invoices from accounting software.
    writer.encrypt(
        user_password=user_password, owner_password="owner-secret", algorithm=algorithm, permissions_flag=-3904
    )
    with target.open("wb") as stream:
        writer.write(stream)
    return target


@pytest.mark.parametrize("algorithm", ["RC4-40", "RC4-128", "AES-128", "AES-256-R5", "AES-256"])
def test_pdf_encrypted_without_user_password_is_read(tmp_path: Path, algorithm: str) -> None:
    plain = statement_pdf(tmp_path / "plain.pdf", EN)
    encrypted = _encrypted_copy(plain, tmp_path / f"{algorithm}.pdf", algorithm, "")
    report = lint_file(encrypted)
    assert report.findings == ()
    assert [(s.scheme, s.identifier) for s in report.statements] == [("eu-gsp", REX)]


def test_pdf_encrypted_by_reportlab_without_user_password_is_read(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "rc4.pdf"
    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("", ownerPassword="o", canModify=0))
    for row, line in enumerate(textwrap.wrap(EN, 90)):
        pdf.drawString(50, 780 - 14 * row, line)
    pdf.showPage()
    pdf.save()
    assert b"/Encrypt" in path.read_bytes()
    assert lint_file(path).exit_code == 0


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_that_needs_a_password_exits_2_with_a_clear_message(
    group: click.Group, tmp_path: Path, algorithm: str
) -> None:
    plain = statement_pdf(tmp_path / "plain.pdf", EN)
    locked = _encrypted_copy(plain, tmp_path / "locked.pdf", algorithm, "user-secret")
    result = CliRunner().invoke(group, ["lint", str(locked)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{locked}: found an encrypted PDF that needs a password" in result.stderr
    assert "hint: ask the sender for the PDF without a password" in result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_missing_decryption_component_is_unusable_input_not_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    def without_cryptography(self: PdfReader, password: str) -> None:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    plain = statement_pdf(tmp_path / "plain.pdf", EN)
    encrypted = _encrypted_copy(plain, tmp_path / "aes.pdf", "AES-256", "")
    monkeypatch.setattr(PdfReader, "decrypt", without_cryptography)
    with pytest.raises(UnreadableInput) as caught:
        lint_file(encrypted)
    assert "found a PDF that needs a component which is not installed to be read (cryptography>=3.1 is required" in (
        str(caught.value)
    )
    assert caught.value.exit_code == 2


# -- statements in quotes -----------------------------------------------------------------------


QUOTED = '"' + EN.replace("W 6214.", 'P."')


@pytest.mark.parametrize(
    "text",
    [QUOTED, QUOTED + " Pekalongan, 3 March 2026", "'" + EN.replace("W 6214.", "P.'"), '"' + EN + '"'],
    ids=["double", "text-after", "single", "w-heading"],
)
def test_statement_in_straight_quotes_passes(text: str) -> None:
    report = lint(text)
    assert report.findings == (), [f.message for f in report.findings]
    assert report.statements[0].criterion in ("P", "W 6214")


def test_statement_in_quotes_in_a_pdf(tmp_path: Path) -> None:
    pdf = statement_pdf(tmp_path / "quoted.pdf", QUOTED, after=("Pekalongan, 3 March 2026",))
    report = lint_file(pdf)
    assert report.findings == ()
    assert report.statements[0].criterion == "P"


def test_wrong_criterion_in_quotes_is_still_reported() -> None:
    report = lint('"' + EN.replace("W 6214.", 'B."'))
    assert codes(report) == ["LINT-CRITERION"]
    assert 'criterion "B" is not a recognised mention' in report.findings[0].message


# -- company names with brackets ------------------------------------------------------------------

SRI_LANKA = EN.replace(REX, "LKREX1234567890").replace("Indonesia", "Sri Lanka")


@pytest.mark.parametrize("name", ["ABC TEXTILES (PRIVATE) LIMITED", "ABC Garments (PVT) LTD", "Ceylon Tea (Pvt.) Ltd."])
def test_company_name_with_brackets_is_not_a_rex_bracket(name: str) -> None:
    report = lint(SRI_LANKA.replace("PT Batik Sari", name))
    assert report.findings == (), [f.message for f in report.findings]
    assert (report.statements[0].exporter, report.statements[0].identifier) == (name, "LKREX1234567890")


@pytest.mark.parametrize("name", ["ABC TEXTILES (PRIVATE) LIMITED", "ABC Garments (PVT) LTD"])
def test_unregistered_company_with_brackets_has_no_rex_number(name: str) -> None:
    report = lint(SRI_LANKA.replace("PT Batik Sari (Number of Registered Exporter LKREX1234567890)", name))
    assert report.findings == (), [f.message for f in report.findings]
    assert (report.statements[0].exporter, report.statements[0].identifier) == (name, None)


def test_rex_number_after_a_bracketed_company_name_is_kept() -> None:
    """The REX number printed without its bracket words: the advice is to add the words, never
    to remove the number (before, "(PVT)" was taken for the bracket and the number for words
    to remove)."""
    text = SRI_LANKA.replace(
        "PT Batik Sari (Number of Registered Exporter LKREX1234567890)", "ABC (PVT) LTD, LKREX1234567890"
    )
    report = lint(text)
    assert codes(report) == ["LINT-WORDING"]
    assert report.findings[0].message == (
        "line 1: the REX number LKREX1234567890 stands without the words of the bracket; print "
        '"(Number of Registered Exporter LKREX1234567890)".'
    )


def test_company_name_with_brackets_in_a_pdf(tmp_path: Path) -> None:
    pdf = statement_pdf(tmp_path / "pvt.pdf", SRI_LANKA.replace("PT Batik Sari", "ABC Garments (PVT) LTD"))
    report = lint_file(pdf)
    assert report.findings == ()
    assert report.statements[0].identifier == "LKREX1234567890"


def test_malformed_rex_number_lkrreg_is_flagged() -> None:
    report = lint(SRI_LANKA.replace("PT Batik Sari", "ABC (PVT) LTD").replace("LKREX1234567890", "LKRREG1234567"))
    assert codes(report) == ["LINT-REX-FORMAT"]
    assert 'REX number "LKRREG1234567" is malformed: wrong structure' in report.findings[0].message


# -- statements of other agreements -----------------------------------------------------------------


def test_other_agreements_statement_is_named_not_compared() -> None:
    report = lint(OTHER)
    assert codes(report) == ["LINT-OTHER-SCHEME"]
    assert report.exit_code == 1
    [statement] = report.statements
    assert (statement.scheme, statement.agreement, statement.identifier) == (
        OTHER_SCHEME,
        "EU–Japan EPA, EU–UK TCA",
        "DEREX12345678",
    )
    message = report.findings[0].message
    assert message.startswith(
        'line 1: this is the statement on origin of another agreement (EU–Japan EPA, EU–UK TCA), recognised by "Exporter Reference No"; '
        "rexdecl checks the statements of eu-gsp, uk-dcts, no-gsp, ch-gsp only"
    )
    assert "EU–Japan EPA, Annex 3-D (statement on origin) [V2]" in report.findings[0].reference


def test_other_agreements_statement_in_a_pdf_with_its_lines(tmp_path: Path) -> None:
    """The EU–Japan layout: period line, statement, place and date, printed name."""
    pdf = statement_pdf(
        tmp_path / "epa.pdf",
        OTHER.replace("DEREX12345678", "1234567890123").replace("EU", "Japanese"),
        before=("(Period: from 01/04/2026 to 31/03/2027)",),
        after=("Origin criteria used: A", "Tokyo, 1 April 2026", "Taro Yamada"),
    )
    report = lint_file(pdf)
    assert codes(report) == ["LINT-OTHER-SCHEME"]
    assert report.findings[0].location.part == "page 1"
    assert [(s.scheme, s.country, s.identifier) for s in report.statements] == [
        (OTHER_SCHEME, "Japanese", "1234567890123")
    ]


def test_other_agreements_statement_is_not_read_as_uk_dcts() -> None:
    """Before: a UK DCTS statement with words to change (the closest scheme text)."""
    report = lint(OTHER)
    assert "uk-dcts" not in [s.scheme for s in report.statements]
    assert "LINT-WORDING" not in codes(report)


def test_other_agreements_statement_with_a_malformed_rex_number() -> None:
    report = lint(OTHER.replace("DEREX12345678", "LKRREG1234567"))
    assert codes(report) == ["LINT-OTHER-SCHEME", "LINT-REX-FORMAT"]
    assert 'REX number "LKRREG1234567" is malformed' in report.findings[1].message


def test_gsp_statement_cut_short_stays_a_gsp_statement() -> None:
    """Without "according to rules of origin…" a GSP statement reads like the agreements' core
    sentence, but its bracket (Number of Registered Exporter) says whose it is."""
    report = lint(EN.split(" according")[0] + ".")
    assert [s.scheme for s in report.statements] == ["eu-gsp"]
    assert "LINT-OTHER-SCHEME" not in codes(report)


def test_other_statements_data_has_source_and_mark() -> None:
    raw = tomllib.loads(resources.files("rexdecl.data").joinpath("other-statements.toml").read_text("utf-8"))
    entries = other_statements()
    assert len(entries) == len(raw["statement"]) >= 2
    for entry in entries:
        assert entry.mark in ("V", "V2", "R", "I"), entry.id
        assert entry.source and entry.statement and entry.agreement and entry.short_name, entry.id
        assert "{country}" in entry.statement and "{rex}" in entry.rex_bracket, entry.id


@pytest.fixture
def fresh_lint_caches() -> Iterator[None]:
    """lint caches what it derives from the data: cleared around a test that patches the data."""

    def clear() -> None:
        for value in vars(lint_module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()

    clear()
    yield
    clear()


def test_scheme_added_to_the_data_is_recognised_as_that_scheme(
    monkeypatch: pytest.MonkeyPatch, fresh_lint_caches: None
) -> None:
    """Identification comes from the data: a scheme whose text is the agreements' wording (the
    CEPA may use it) is linted as that scheme, and no longer named LINT-OTHER-SCHEME."""
    original = legal.schemes()
    text = legal.SchemeText(
        statement=(
            "The exporter of the products covered by this document{rex_bracket} declares that, except where "
            "otherwise clearly indicated, these products are of {country} preferential origin."
        ),
        rex_bracket=" (Exporter Reference No {rex})",
        item="item",
        items="items",
        not_originating="",
        cumulation={},
    )
    cepa = dataclasses.replace(original["eu-id-cepa"], enabled=True, languages=("en",), texts={"en": text})
    monkeypatch.setattr(legal, "schemes", lambda: {**original, "eu-id-cepa": cepa})
    statement = OTHER.replace("DEREX12345678", REX).replace("EU", "Indonesian")
    report = lint_text(statement, "cepa.txt")
    assert report.findings == ()
    assert [(s.scheme, s.identifier, s.country) for s in report.statements] == [("eu-id-cepa", REX, "Indonesian")]
    changed = lint_text(statement.replace("clearly ", ""), "cepa.txt")
    assert codes(changed) == ["LINT-WORDING"]  # checked word for word, as any scheme's


def test_without_the_data_of_other_agreements_the_closest_scheme_is_used(
    monkeypatch: pytest.MonkeyPatch, fresh_lint_caches: None
) -> None:
    monkeypatch.setattr(lint_module, "other_statements", lambda: ())
    report = lint(OTHER)
    assert "LINT-OTHER-SCHEME" not in codes(report)
    assert report.statements[0].scheme == "uk-dcts"


# -- spelling and case that change in the data ---------------------------------------------------------


def test_both_spellings_pass_whichever_the_data_prints(
    monkeypatch: pytest.MonkeyPatch, fresh_lint_caches: None
) -> None:
    original = legal.schemes()
    eu = original["eu-gsp"]
    english = dataclasses.replace(
        eu.texts["en"], statement=eu.texts["en"].statement.replace("Generalized", "Generalised")
    )
    monkeypatch.setattr(
        legal, "schemes", lambda: {**original, "eu-gsp": dataclasses.replace(eu, texts={**eu.texts, "en": english})}
    )
    for spelling in ("Generalised", "Generalized"):
        report = lint(EN.replace("Generalized", spelling))
        assert report.findings == (), spelling


@pytest.mark.parametrize("mention", ["Regional cumulation", "regional cumulation", "REGIONAL CUMULATION"])
@pytest.mark.parametrize("data", ["Regional cumulation", "regional cumulation"])
def test_cumulation_mentions_ignore_case(
    monkeypatch: pytest.MonkeyPatch, fresh_lint_caches: None, mention: str, data: str
) -> None:
    original = legal.schemes()
    eu = original["eu-gsp"]
    english = dataclasses.replace(eu.texts["en"], cumulation={**eu.texts["en"].cumulation, "regional": data})
    monkeypatch.setattr(
        legal, "schemes", lambda: {**original, "eu-gsp": dataclasses.replace(eu, texts={**eu.texts, "en": english})}
    )
    report = lint(EN.replace("W 6214", f"{mention} (items 1, 2)"))
    assert report.findings == (), [f.message for f in report.findings]


# -- the report ---------------------------------------------------------------------------------------------


def test_cli_names_the_agreement(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "epa.txt"
    path.write_text(OTHER, encoding="utf-8")
    result = CliRunner().invoke(group, ["lint", str(path)])
    assert result.exit_code == 1
    assert "1. line 1: another agreement (EU–Japan EPA, EU–UK TCA), English — 1 deviation" in result.stdout
    assert "LINT-OTHER-SCHEME  line 1: this is the statement on origin of another agreement" in result.stdout
    json_result = CliRunner().invoke(group, ["lint", str(path), "--format", "json"])
    assert '"agreement": "EU–Japan EPA, EU–UK TCA"' in json_result.stdout


def test_statement_text_of_an_encrypted_pdf_is_the_same_as_plain(tmp_path: Path) -> None:
    plain = statement_pdf(tmp_path / "plain.pdf", EN)
    encrypted = _encrypted_copy(plain, tmp_path / "aes.pdf", "AES-256", "")
    assert lint_file(plain).statements[0].text == lint_file(encrypted).statements[0].text == EN
