"""``rexdecl lint``: statements on origin written elsewhere, checked against the statutory texts.

The corpus below is typed out by hand from statement-on-origin.md (not produced by rexdecl),
and the PDFs are made with reportlab, another generator than rexdecl's WeasyPrint, so that
text extraction meets real line wrapping, page breaks and hyphenation.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import rexdecl.cli
import rexdecl.cli.lint
from rexdecl import legal
from rexdecl.errors import UnreadableInput
from rexdecl.findings import Severity
from rexdecl.lint import OBSOLETE_SCHEME, LintReport, is_country, lint_file, lint_text, normalise

REX = "IDREX0123456789"
EN = (
    "The exporter PT Batik Sari (Number of Registered Exporter IDREX0123456789) of the products "
    "covered by this document declares that, except where otherwise clearly indicated, these "
    "products are of Indonesia preferential origin according to rules of origin of the "
    "Generalized System of Preferences of the European Union and that the origin criterion met "
    "is W 6214."
)
FR = (
    "L’exportateur PT Batik Sari (Numéro d’exportateur enregistré IDREX0123456789) des produits "
    "couverts par le présent document déclare que, sauf indication claire du contraire, ces "
    "produits ont l’origine préférentielle indonésienne au sens des règles d’origine du Système "
    "des préférences tarifaires généralisées de l’Union européenne et que le critère d’origine "
    "satisfait est W 6214 (articles 1, 2), P (article 3)."
)
ES = (
    "El exportador PT Batik Sari (Número de exportador registrado IDREX0123456789) de los "
    "productos incluidos en el presente documento declara que, salvo indicación en sentido "
    "contrario, estos productos gozan de un origen preferencial Indonesia en el sentido de las "
    "normas de origen del Sistema de preferencias generalizado de la Unión europea y que el "
    "criterio de origen satisfecho es P."
)
UK = (
    "The exporter of the products covered by this document (customs identification No "
    "ID0123456789) declares that, except where otherwise clearly indicated, these products are "
    "of Indonesia preferential origin in accordance with the rules of origin of the Developing "
    "Countries Trading Scheme of the UK and that the origin criterion met is W 4420.\n"
    "(Place and date) Jepara, 3 March 2025\n"
    "(Name and signature of the exporter) Budi Santoso, PT Jati Contoh"
)
# Norwegian Customs' own example (statement-on-origin.md [V]).
NO = (
    "The exporter AXIX, INREX987654321GF001 of the products covered by this document declares "
    "that, except where otherwise clearly indicated, these products are of Indian preferential "
    "origin according to the rules of origin of the Generalized System of Preferences of Norway "
    "and that the origin criterion met is W61.09."
)
CH = EN.replace("the European Union", "Switzerland")
OBSOLETE = (
    "The exporter of the products covered by this document (customs authorization No …) "
    "declares that, except where otherwise clearly indicated, these products are of Indonesian "
    "preferential origin."
)
INVOICE = (
    "COMMERCIAL INVOICE No INV-2025-017\n"
    "Exporter: PT Batik Sari, Jl. Contoh 1, Pekalongan\n"
    "Consignee: Beispiel GmbH, Hamburg\n"
    "1  Batik scarf, silk  HS 6214.10  100 PCS  12.50  1,250.00\n"
    "\n"
    "{statement}\n"
    "\n"
    "Total EUR 1,250.00\n"
)


def lint(text: str) -> LintReport:
    return lint_text(text, "statement.txt")


def codes(report: LintReport) -> list[str]:
    return [f.code for f in report.findings]


def only_message(report: LintReport) -> str:
    assert len(report.findings) == 1, [f.message for f in report.findings]
    return report.findings[0].message


# -- statements that pass -----------------------------------------------------------------

GOOD = [
    ("en", EN, "eu-gsp", "en"),
    ("fr", FR, "eu-gsp", "fr"),
    ("es", ES, "eu-gsp", "es"),
    ("uk-dcts", UK, "uk-dcts", "en"),
    ("norway-official-example", NO, "no-gsp", "en"),
    ("switzerland", CH, "ch-gsp", "en"),
    ("generalised", EN.replace("Generalized", "Generalised"), "eu-gsp", "en"),
    ("adjective", EN.replace("of Indonesia", "of Indonesian"), "eu-gsp", "en"),
    ("unregistered-without-bracket", EN.replace(f" (Number of Registered Exporter {REX})", ""), "eu-gsp", "en"),
    ("criteria-with-items", EN.replace("W 6214.", "W 6214 (items 1, 2, 4), P (item 3)."), "eu-gsp", "en"),
    ("criteria-items-ranges", EN.replace("W 6214.", "W 6214 (items 1-3 and 5); P (item 4)"), "eu-gsp", "en"),
    ("w-no-space", EN.replace("W 6214", "W6214"), "eu-gsp", "en"),
    ("w-dotted-heading", EN.replace("W 6214", "W 62.14"), "eu-gsp", "en"),
    ("w-quoted", EN.replace("W 6214", '"W" 6214'), "eu-gsp", "en"),
    ("no-final-period", EN.removesuffix("."), "eu-gsp", "en"),
    ("eu-cumulation", EN.replace("W 6214", "EU cumulation"), "eu-gsp", "en"),
    ("regional-cumulation", EN.replace("W 6214", "Regional cumulation"), "eu-gsp", "en"),
    ("extended-cumulation", EN.replace("W 6214", "Extended cumulation with Cambodia"), "eu-gsp", "en"),
    ("fr-cumul", FR.replace("W 6214 (articles 1, 2), P (article 3)", "Cumul régional"), "eu-gsp", "fr"),
    ("es-acumulacion", ES.replace("es P.", "es Acumulación UE."), "eu-gsp", "es"),
    ("all-capitals", EN.upper(), "eu-gsp", "en"),
    ("typographic-quotes-and-spaces", EN.replace(" ", "\u00a0 ", 6), "eu-gsp", "en"),
    ("in-an-invoice", INVOICE.format(statement=EN), "eu-gsp", "en"),
    (
        "wrapped-and-hyphenated",
        "The exporter PT Batik Sari (Number of Registered Exporter\n"
        "IDREX0123456789) of the products covered by this document de-\nclares that, except where "
        "otherwise clearly indicated, these products are of Indonesia preferential origin "
        "according to rules of origin of the Genera-\nlized System of Preferences of the European "
        "Union and that the origin criterion met is\nW 6214 (items 1,\n2), P (item 3)\n"
        "Pekalongan, 3 March 2025",
        "eu-gsp",
        "en",
    ),
]


@pytest.mark.parametrize(("text", "scheme", "language"), [g[1:] for g in GOOD], ids=[g[0] for g in GOOD])
def test_correct_statement_passes(text: str, scheme: str, language: str) -> None:
    report = lint(text)
    assert report.findings == ()
    assert report.exit_code == 0
    assert [(s.scheme, s.language) for s in report.statements] == [(scheme, language)]
    assert report.statements[0].exact


def test_blanks_are_read() -> None:
    statement = lint(FR).statements[0]
    blanks = (statement.exporter, statement.identifier, statement.country, statement.criterion)
    assert blanks == ("PT Batik Sari", REX, "indonésienne", "W 6214 (articles 1, 2), P (article 3)")
    norway = lint(NO).statements[0]
    assert (norway.exporter, norway.identifier, norway.country) == ("AXIX", "INREX987654321GF001", "Indian")
    unregistered = lint(EN.replace(f" (Number of Registered Exporter {REX})", "")).statements[0]
    assert (unregistered.exporter, unregistered.identifier) == ("PT Batik Sari", None)


def test_every_statutory_text_of_the_data_passes_when_filled() -> None:
    """Whatever schemes.toml holds (lint reads its texts from there), a filled text passes."""
    checked = 0
    for scheme in legal.schemes().values():
        if not scheme.enabled:
            continue
        for language, texts in scheme.texts.items():
            number = "ID0123456789" if scheme.identifier == "customs_id" else REX
            text = texts.statement.format(
                exporter="CV Contoh Jaya",
                rex_bracket=texts.rex_bracket.format(rex=number),
                country={"fr": "Indonésie"}.get(language, "Indonesia"),
                criterion="P",
            )
            report = lint(text)
            messages = [f.message for f in report.findings]
            assert report.findings == (), (scheme.id, language, messages)
            assert [(s.scheme, s.language) for s in report.statements] == [(scheme.id, language)]
            checked += 1
    assert checked >= 6


def test_two_statements_in_one_document() -> None:
    report = lint(f"Invoice 7\n{EN}\n\n{FR}\nThank you for your order.")
    assert [(s.scheme, s.language, s.exact) for s in report.statements] == [
        ("eu-gsp", "en", True),
        ("eu-gsp", "fr", True),
    ]
    assert report.exit_code == 0


# -- each mistake, one finding --------------------------------------------------------------

BAD = [
    ("missing-union", EN.replace("European Union", "European"), ["LINT-WORDING"], 'missing: "Union"'),
    (
        "community",
        EN.replace("European Union", "European Community"),
        ["LINT-WORDING"],
        'changed: "Community" → "Union"',
    ),
    ("added-word", EN.replace("declares that", "hereby declares that"), ["LINT-WORDING"], 'added: "hereby"'),
    ("fr-missing-word", FR.replace("claire du contraire", "du contraire"), ["LINT-WORDING"], 'missing: "claire"'),
    ("es-changed-word", ES.replace("gozan de", "tienen"), ["LINT-WORDING"], 'changed: "tienen" → "gozan de"'),
    ("exporter-name-missing", EN.replace("PT Batik Sari ", ""), ["LINT-WORDING"], "missing: the exporter's name"),
    (
        "rex-without-bracket-words",
        EN.replace(f" (Number of Registered Exporter {REX})", f", {REX}"),
        ["LINT-WORDING"],
        "stands without the words of the bracket",
    ),
    (
        "uk-without-customs-identification",
        UK.replace(" (customs identification No ID0123456789)", ""),
        ["LINT-WORDING"],
        'missing: "(customs identification No …)"',
    ),
    (
        "footnote-marker",
        EN.replace("PT Batik Sari", "PT Batik Sari (1)"),
        ["LINT-FOOTNOTE-MARKER"],
        'the footnote marker "(1)"',
    ),
    (
        "footnote-superscript",
        EN.replace("Indonesia", "Indonesia⁵"),
        ["LINT-FOOTNOTE-MARKER"],
        'the footnote marker "(5)"',
    ),
    (
        "rex-with-spaces",
        EN.replace(REX, "ID REX 0123 4567 89"),
        ["LINT-REX-FORMAT"],
        'REX number "ID REX 0123 4567 89" is malformed: it contains spaces',
    ),
    ("rex-lower-case", EN.replace(REX, "idrex0123456789"), ["LINT-REX-FORMAT"], "it contains lower-case letters"),
    ("rex-structure", EN.replace(REX, "ID0123456789"), ["LINT-REX-FORMAT"], "wrong structure"),
    (
        "w-without-heading",
        EN.replace("W 6214", "W"),
        ["LINT-CRITERION"],
        '"W" must be followed by the 4-digit HS heading',
    ),
    ("w-with-subheading", EN.replace("W 6214", "W 6214.10"), ["LINT-CRITERION"], "must have exactly 4 digits"),
    ("criterion-unknown", EN.replace("W 6214", "B"), ["LINT-CRITERION"], 'criterion "B" is not a recognised mention'),
    ("criterion-missing", EN.replace(" W 6214", ""), ["LINT-CRITERION"], "the origin criterion is missing"),
    (
        "cumulation-in-wrong-language",
        FR.replace("W 6214 (articles 1, 2), P (article 3)", "EU cumulation"),
        ["LINT-CRITERION"],
        '"Cumul UE"',
    ),
    (
        "not-an-item-list",
        EN.replace("W 6214.", "W 6214 (see annex)."),
        ["LINT-CRITERION"],
        '"(see annex)" after the criterion is not an item list',
    ),
    ("obsolete-invoice-declaration", OBSOLETE, ["LINT-OBSOLETE-WORDING"], "pre-REX invoice declaration"),
    (
        "obsolete-mixed-with-rex",
        EN.replace("Number of Registered Exporter", "customs authorization REX No"),
        ["LINT-OBSOLETE-WORDING"],
        '"customs authorization REX No" mixes',
    ),
    (
        "dots-for-country",
        EN.replace("of Indonesia", "of …."),
        ["LINT-PLACEHOLDER"],
        'The country of origin is not filled in: "...."',
    ),
    ("dots-in-bracket", EN.replace(REX, "…"), ["LINT-PLACEHOLDER"], "The registration bracket is not filled in"),
    ("dots-for-criterion", EN.replace("W 6214.", "… …"), ["LINT-PLACEHOLDER"], "The origin criterion is not filled in"),
    (
        "instruction-for-country",
        EN.replace("Indonesia", "(name of country)"),
        ["LINT-PLACEHOLDER"],
        '"(name of country)"',
    ),
    (
        "instruction-for-exporter",
        EN.replace("PT Batik Sari", "[name of the exporter]"),
        ["LINT-PLACEHOLDER"],
        "The exporter's name is not filled in",
    ),
    (
        "country-missing",
        EN.replace("of Indonesia preferential", "of preferential"),
        ["LINT-COUNTRY"],
        "the country of origin is missing",
    ),
    ("country-unknown", EN.replace("Indonesia", "Indnesia"), ["LINT-COUNTRY"], '"Indnesia" is not a country name'),
]


@pytest.mark.parametrize(("text", "expected", "fragment"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_mistake_is_reported(text: str, expected: list[str], fragment: str) -> None:
    report = lint(text)
    assert codes(report) == expected, [f.message for f in report.findings]
    assert fragment in report.findings[0].message
    assert all(f.severity == Severity.ERROR for f in report.findings)
    assert report.exit_code == 1
    assert len(report.statements) == 1 and not report.statements[0].exact


def test_wording_message_names_place_diff_and_fix() -> None:
    report = lint(INVOICE.format(statement=EN.replace("European Union", "European")))
    finding = report.findings[0]
    assert finding.message == (
        'line 6: missing: "Union" (the statutory text reads "…of the European Union and that '
        'the…"); add the missing words.'
    )
    assert finding.location.file == "statement.txt"
    assert finding.location.part == "line 6"
    assert "Annex 22-07" in finding.reference


def test_each_deviation_is_its_own_finding_on_its_own_line() -> None:
    text = EN.replace("these products", "these\nproducts")
    text = text.replace("European Union", "European Community").replace("W 6214", "W") + "\n"
    report = lint(text)
    assert [(f.code, f.location.part) for f in report.findings] == [
        ("LINT-WORDING", "line 2"),
        ("LINT-CRITERION", "line 2"),
    ]


def test_annex_copied_with_its_blanks_and_footnotes() -> None:
    annex = (
        "The exporter … (1) (Number of Registered Exporter … (2)(3)(4)) of the products covered by "
        "this document declares that, except where otherwise clearly indicated, these products are "
        "of …. (5) preferential origin according to rules of origin of the Generalized System of "
        "Preferences of the European Union and that the origin criterion met is … … (6)"
    )
    report = lint(annex)
    assert sorted(codes(report)) == ["LINT-FOOTNOTE-MARKER"] * 6 + ["LINT-PLACEHOLDER"] * 4


def test_obsolete_declaration_is_named_as_such() -> None:
    report = lint(OBSOLETE)
    assert [s.scheme for s in report.statements] == [OBSOLETE_SCHEME]
    assert "make out the statement on origin instead" in only_message(report)
    mixed = lint(EN.replace("Number of Registered Exporter", "customs authorization REX No"))
    assert [(s.scheme, s.identifier) for s in mixed.statements] == [("eu-gsp", REX)]


def test_rex_format_suggests_the_compact_number_without_rewriting_it() -> None:
    message = only_message(lint(EN.replace(REX, "ID REX 0123 4567 89")))
    assert "(if the registered number is IDREX0123456789, print exactly that)" in message


def test_uk_customs_identification_is_not_a_rex_number() -> None:
    report = lint(UK.replace("ID0123456789", "0123 4567"))
    assert report.findings == ()


def test_country_outside_its_blank() -> None:
    report = lint(EN.replace("of Indonesia preferential", "of preferential Indonesian"))
    assert codes(report) == ["LINT-COUNTRY", "LINT-WORDING"]
    assert '"Indonesian" is not in its place' in report.findings[0].message


def test_no_statement() -> None:
    report = lint("COMMERCIAL INVOICE\nThe exporter is responsible for the packing.\nTotal 100")
    assert codes(report) == ["LINT-NO-STATEMENT"]
    assert report.statements == ()
    assert report.exit_code == 1


def test_badly_copied_statement_is_still_found() -> None:
    report = lint(
        "Declaration: we the exporter declare that these products are of Indonesia "
        "preferential origin according to rules of origin of the Generalized System of "
        "Preferences and that the origin criterion met is P."
    )
    assert report.statements and "LINT-NO-STATEMENT" not in codes(report)
    assert "LINT-WORDING" in codes(report)


@pytest.mark.parametrize(
    "name",
    [
        "Indonesia",
        "Indonesian",
        "INDONESIA",
        "Indonésie",
        "indonésienne",
        "indonesio",
        "Viet Nam",
        "Vietnamese",
        "Sri Lankan",
        "the Philippines",
        "Myanmar",
        "Cambodge",
    ],
)
def test_country_names_and_adjectives(name: str) -> None:
    assert is_country(name)


@pytest.mark.parametrize("name", ["Indnesia", "Batik", "", "European Union", "Asia"])
def test_not_countries(name: str) -> None:
    assert not is_country(name)


def test_normalise_ligatures_spaces_and_hyphenation() -> None:
    assert normalise("ef\ufb01cient  and\u00a0clearly\nindi-\ncated “W” 6214\u2026") == (
        'efficient and clearly indicated "W" 6214...'
    )


# -- files ----------------------------------------------------------------------------------


def test_text_markdown_and_html_files(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text(INVOICE.format(statement=EN), encoding="utf-8")
    (tmp_path / "s.md").write_text(f"# Invoice\n\n> {EN}\n", encoding="utf-8")
    html = EN.replace("Union", "<b>Union</b>").replace("W 6214", "W&nbsp;6214")
    page = f"<html><body>\n<p>{html}</p>\n</body></html>"
    (tmp_path / "s.html").write_text(page, encoding="utf-8")
    (tmp_path / "s-cp1252.txt").write_bytes(FR.encode("cp1252"))
    for name in ("s.txt", "s.md", "s.html", "s-cp1252.txt"):
        report = lint_file(tmp_path / name)
        assert report.findings == (), name
        assert len(report.statements) == 1, name


def _paragraph_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Paragraphs laid out (and wrapped) by reportlab's platypus, one list per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    flow: list[object] = []
    for number, paragraphs in enumerate(pages):
        if number:
            flow.append(PageBreak())
        flow.extend(Paragraph(p, style) for p in paragraphs)
    SimpleDocTemplate(str(path), pagesize=A4).build(flow)
    return path


def _lines_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Lines drawn one by one with reportlab's canvas (for exact breaks and hyphens)."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    for lines in pages:
        for row, line in enumerate(lines):
            pdf.drawString(60, 780 - 14 * row, line)
        pdf.showPage()
    pdf.save()
    return path


def test_pdf_long_statement_wrapped(tmp_path: Path) -> None:
    long = EN.replace("W 6214.", "W 6214 (items 1, 2, 4, 5, 6, 7), P (items 3, 8), Regional cumulation (items 9, 10).")
    pdf = _paragraph_pdf(tmp_path / "invoice.pdf", [["COMMERCIAL INVOICE INV-2025-017", long]])
    report = lint_file(pdf)
    assert report.findings == ()
    assert report.pages == 1
    assert [(s.scheme, s.location.part) for s in report.statements] == [("eu-gsp", "page 1")]
    assert (report.statements[0].criterion or "").endswith("Regional cumulation (items 9, 10)")


def test_criterion_with_the_item_lists_of_a_big_shipment() -> None:
    """Four criteria alternating over 600 lines: item lists of some 3,000 characters, far beyond
    the 400 characters a statement's sentence is otherwise looked for after its last word."""
    listed = ", ".join(
        f"W {heading} (items {', '.join(str(n) for n in range(first, 601, 4))})"
        for first, heading in enumerate(("4602", "9403", "7113", "6214"), 1)
    )
    report = lint_text(EN.replace("W 6214.", listed + ".") + "\n\nBank: Bank Contoh, Jakarta.", "invoice.txt")
    assert report.findings == ()
    assert report.statements[0].criterion == listed


def test_two_page_pdf_names_the_page(tmp_path: Path) -> None:
    pdf = _paragraph_pdf(
        tmp_path / "invoice.pdf",
        [
            ["COMMERCIAL INVOICE INV-2025-017", "1 Batik scarf, silk, 100 PCS"],
            ["Total EUR 1,250.00", EN.replace("European Union", "European Community")],
        ],
    )
    report = lint_file(pdf)
    assert report.pages == 2
    finding = report.findings[0]
    assert codes(report) == ["LINT-WORDING"]
    assert finding.message.startswith('page 2: changed: "Community" → "Union"')
    assert (finding.location.file, finding.location.part) == (str(pdf), "page 2")


def test_pdf_statement_across_a_page_break_and_hyphenated(tmp_path: Path) -> None:
    pdf = _lines_pdf(
        tmp_path / "broken-lines.pdf",
        [
            [
                "COMMERCIAL INVOICE INV-2025-017",
                "",
                "The exporter PT Batik Sari (Number of Registered Exporter IDREX0123456789) of",
                "the prod-",
                "ucts covered by this document declares that, except where otherwise clearly",
                "indicated,",
            ],
            [
                "these products are of Indonesia preferential origin according to rules of origin",
                "of the Generalized System of Preferences of the European Union and that the",
                "origin criterion met is W 6214.",
                "",
                "Pekalongan, 3 March 2025",
            ],
        ],
    )
    report = lint_file(pdf)
    assert report.findings == ()
    assert [s.location.part for s in report.statements] == ["page 1"]


def test_pdf_footnote_on_second_page_of_a_statement(tmp_path: Path) -> None:
    pdf = _lines_pdf(
        tmp_path / "f.pdf",
        [
            [
                "The exporter PT Batik Sari (Number of Registered Exporter IDREX0123456789) of the",
                "products covered by this document declares that, except where otherwise clearly",
            ],
            [
                "indicated, these products are of Indonesia (5) preferential origin according to",
                "rules of origin of the Generalized System of Preferences of the European Union and",
                "that the origin criterion met is P.",
            ],
        ],
    )
    report = lint_file(pdf)
    found = [(f.code, f.location.part) for f in report.findings]
    assert found == [("LINT-FOOTNOTE-MARKER", "page 2")]


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 580, 60), fill="black")
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.drawImage(ImageReader(image), 50, 500, width=500, height=166)
    pdf.showPage()
    pdf.save()
    report = lint_file(path)
    assert codes(report) == ["LINT-NO-STATEMENT"]
    assert "has no text layer: it is a scan or an image" in report.findings[0].message
    assert report.exit_code == 1


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "found a damaged PDF"),
        ("empty.pdf", b"", "found an empty file; expected a PDF starting with %PDF-"),
        ("renamed.pdf", b"PK\x03\x04 not a pdf", "no PDF header"),
        ("invoice.docx", b"PK\x03\x04\x14\x00", "found a ZIP container"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00", "found binary data"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableInput) as caught:
        lint_file(path)
    problem = caught.value.problems[0]
    assert problem.location.file == str(path)
    assert expected in problem.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="file not found"):
        lint_file(tmp_path / "nothing.pdf")


# -- the command ----------------------------------------------------------------------------


@pytest.fixture
def group() -> click.Group:
    g = rexdecl.cli.make_cli()
    rexdecl.cli.lint.register(g)
    return g


def run(group: click.Group, *args: object) -> Result:
    return CliRunner().invoke(group, ["lint", *map(str, args)])


def test_cli_exact_statement_exits_0(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text(INVOICE.format(statement=EN), encoding="utf-8")
    result = run(group, path)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"{path}: 1 statement on origin found\n  1. line 6: eu-gsp, English — exact\n\n0 errors\n")


def test_cli_deviation_exits_1(group: click.Group, tmp_path: Path) -> None:
    pdf = _paragraph_pdf(tmp_path / "s.pdf", [[EN.replace("European Union", "European")]])
    result = run(group, pdf)
    assert result.exit_code == 1
    assert "1. page 1: eu-gsp, English — 1 deviation" in result.stdout
    assert 'LINT-WORDING  page 1: missing: "Union"' in result.stdout
    assert (
        "reference: Art. 92 and Annex 22-07 UCC IA (Reg. (EU) 2015/2447) [V]; Reg. (EU) No 978/2012 until "
        "2026-12-31 [V]; Reg. (EU) 2026/1395"
    ) in result.stdout


def test_cli_json(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text(EN.replace("W 6214", "W"), encoding="utf-8")
    result = run(group, path, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["exit_code"] == 1
    assert data["statements"][0]["scheme"] == "eu-gsp"
    assert [f["code"] for f in data["findings"]] == ["LINT-CRITERION"]
    assert data["findings"][0]["location"]["part"] == "line 1"


def test_cli_no_statement_exits_1(group: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("Invoice without any statement\n", encoding="utf-8")
    result = run(group, path)
    assert result.exit_code == 1
    assert "LINT-NO-STATEMENT" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4\n1 0 obj garbage", "found a damaged PDF"),
        (None, "file not found"),
    ],
)
def test_cli_unreadable_exits_2(group: click.Group, tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "broken.pdf"
    if content is not None:
        path.write_bytes(content)
    result = run(group, path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"rexdecl: the input cannot be used:\n  - {path}: ")
    assert expected in result.stderr


def _wrapped(text: str, width: int = 90) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)


def test_statement_over_a_page_break_reads_without_the_footer(tmp_path: Path) -> None:
    """A big shipment's statement runs over a page break; the running footer with the page
    number ("Page 3 of 4"), the last line of every page, is not read into its text."""
    items = ", ".join(str(n) for n in range(1, 400, 4))
    long = EN.replace("W 6214.", f"W 6214 (items {items}), P (items 2, 3).")
    lines = ["COMMERCIAL INVOICE INV-2025-017", *_wrapped(long)]
    cut = len(lines) // 2
    pages = [["COMMERCIAL INVOICE INV-2025-017", "1 Batik scarf"], ["2 Batik scarf"], lines[:cut], lines[cut:]]
    footed = [[*page, f"COMMERCIAL INVOICE INV-2025-017 Page {n} of 4"] for n, page in enumerate(pages, 1)]
    report = lint_file(_lines_pdf(tmp_path / "invoice.pdf", footed))
    assert report.findings == ()
    assert [(s.scheme, s.location.part) for s in report.statements] == [("eu-gsp", "page 3")]
    assert (report.statements[0].criterion or "").endswith("P (items 2, 3)")


def test_a_statement_at_the_foot_of_every_page_is_read(tmp_path: Path) -> None:
    """Lines the same on every page, digits and all, are no running footer: they are read."""
    pages = [[f"COMMERCIAL INVOICE INV-2025-017 page {n}", f"{n} Batik scarf", *_wrapped(EN)] for n in (1, 2, 3)]
    report = lint_file(_lines_pdf(tmp_path / "invoice.pdf", pages))
    assert [s.location.part for s in report.statements] == ["page 1", "page 2", "page 3"]
