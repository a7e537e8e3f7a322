"""`rexdecl generate` end to end on the shipped examples: the statutory sentence with its
blanks filled, read back from the PDF by an independent tool (poppler's pdftotext); same
bytes for the same input; several pages with "Page x of y"; nothing written on error."""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path

import pytest
from conftest import flat, needs_pdftotext, pdf_text, run_cli

from rexdecl.lint import lint_file

pytestmark = needs_pdftotext

EXAMPLES = Path(str(resources.files("rexdecl.examples")))
AS_OF = "2026-11-22"

# What each example must show: invoice number, consignee, exporter, REX bracket (or none),
# country of origin per statement language, and the criterion blank.
EXPECTED = {
    "batik-pekalongan.xlsx": {
        "invoice": "BCP/INV/2026/118",
        "consignee": "Voorbeeld Textiel B.V. (fictitious)",
        "exporter": "PT Batik Contoh Pekalongan",
        "rex": "IDREXEXAMPLE0000001",
        "criterion": {
            "en": "W 6214 (items 1, 2), W 5208 (item 3)",
            "fr": "W 6214 (articles 1, 2), W 5208 (article 3)",
            "es": "W 6214 (artículos 1, 2), W 5208 (artículo 3)",
        },
    },
    "jepara-teak.xlsx": {
        "invoice": "JTC-2026-0412",
        "consignee": "Beispiel Möbelhandel GmbH (fictitious)",
        "exporter": "CV Jati Contoh Jepara",
        "rex": "IDREXEXAMPLE0000002",
        "criterion": {
            "en": "W 9403 (item 1), W 9401 (item 2)",
            "fr": "W 9403 (article 1), W 9401 (article 2)",
            "es": "W 9403 (artículo 1), W 9401 (artículo 2)",
        },
    },
    "kotagede-silver-unregistered.xlsx": {
        "invoice": "UPK/17/XI/2026",
        "consignee": "Bijoux Exemple SARL (fictitious)",
        "exporter": "UD Perak Contoh Kotagede",
        "rex": None,
        "criterion": {"en": "W 7113", "fr": "W 7113", "es": "W 7113"},
    },
}
BEGINNING = {
    "en": "The exporter {exporter}{bracket} of the products covered by this document declares that, except where "
    "otherwise clearly indicated, these products are of Indonesia preferential origin according to rules of origin "
    "of the Generalised System of Preferences of the European Union and that the origin criterion met is {criterion}",
    "fr": "L'exportateur {exporter}{bracket} des produits couverts par le présent document déclare que, sauf indication "
    "claire du contraire, ces produits ont l'origine préférentielle Indonésie au sens des règles d'origine du Système "
    "des préférences tarifaires généralisées de l'Union européenne et que le critère d'origine satisfait est {criterion}",
    "es": "El exportador {exporter}{bracket} de los productos incluidos en el presente documento declara que, salvo "
    "indicación en sentido contrario, estos productos gozan de un origen preferencial Indonesia en el sentido de las "
    "normas de origen del Sistema de preferencias generalizado de la Unión europea y que el criterio de origen "
    "satisfecho es {criterion}",
}
BRACKET = {
    "en": " (Number of Registered Exporter {rex})",
    "fr": " (Numéro d'exportateur enregistré {rex})",
    "es": " (Número de exportador registrado {rex})",
}


def workbook_descriptions(workbook: Path) -> list[str]:
    from rexdecl.input.workbook import read_shipment

    return [item.description or "" for item in read_shipment(workbook).items]


def generate(tmp_path: Path, name: str, *extra: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / name, folder / name)
    shutil.copy(EXAMPLES / "registration.toml", folder / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["generate", str(folder / name), "--out", str(out), "--as-of", AS_OF, *extra])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_and_language_prints_the_statutory_sentence(tmp_path: Path, name: str, language: str) -> None:
    expected = EXPECTED[name]
    out = generate(tmp_path, name, "--statement-language", language)
    stem = re.sub(r"[^A-Za-z0-9._-]", "-", expected["invoice"])
    bracket = BRACKET[language].format(rex=expected["rex"]) if expected["rex"] else ""
    sentence = BEGINNING[language].format(
        exporter=expected["exporter"], bracket=bracket, criterion=expected["criterion"][language]
    )
    for kind in ("invoice", "packing-list"):
        pdf = out / f"{stem}_{kind}.pdf"
        text = flat(pdf_text(pdf))
        assert sentence in text, f"{kind}: statement not found in\n{text}"
        assert expected["invoice"] in text
        assert expected["consignee"] in text
        cells = flat(pdf_text(pdf, raw=True))
        for description in workbook_descriptions(EXAMPLES / name):
            assert flat(description) in cells, description
        assert lint_file(pdf).exit_code == 0, [f.message for f in lint_file(pdf).findings]
    if not expected["rex"]:
        assert "Registered Exporter" not in flat(pdf_text(out / f"{stem}_invoice.pdf"))


def test_excluded_line_is_marked_and_left_out_of_the_statement(tmp_path: Path) -> None:
    out = generate(tmp_path, "kotagede-silver-unregistered.xlsx", "--statement-language", "en")
    text = flat(pdf_text(out / "UPK-17-XI-2026_invoice.pdf"))
    assert "Not originating – excluded from the statement on origin" in text
    assert "the origin criterion met is W 7113." in text  # line 3 (no) claims nothing
    assert "SAY: US DOLLARS" in text


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", "jepara-teak.xlsx")
    second = generate(tmp_path / "b", "jepara-teak.xlsx")
    for kind in ("invoice", "packing-list"):
        assert (first / f"JTC-2026-0412_{kind}.pdf").read_bytes() == (second / f"JTC-2026-0412_{kind}.pdf").read_bytes()


def test_sixty_lines_run_over_pages_with_header_totals_and_statement(tmp_path: Path) -> None:
    out = generate(tmp_path, "cirebon-rattan-60-lines.xlsx")
    for kind, header in (("invoice", "Description of goods"), ("packing-list", "Description of goods")):
        pdf = out / f"RC-EXP-2026-0093_{kind}.pdf"
        pages = pdf_text(pdf, layout=True).split("\f")
        pages = [page for page in pages if page.strip()]
        assert len(pages) >= 2, kind
        total = len(pages)
        for number, page in enumerate(pages, start=1):
            assert f"Page {number} of {total}" in page, (kind, number)
            if "RC-" in page:  # the table header repeats on every page that has table rows
                assert header in page, (kind, number)
        last = flat(pages[-1])
        assert "El exportador PT Rotan Contoh Cirebon" in last  # statement on the last page only
        assert not any("El exportador" in flat(page) for page in pages[:-1])
        assert ("Total CIF EUR" in last) if kind == "invoice" else ("Total packages" in last)
        # No row is cut across pages: every line's marks appear exactly once in the document.
        everything = flat(" ".join(pages))
        for line in range(1, 61):
            assert everything.count(f"RC-{line:02d} ") == 1, (kind, line)


def test_amount_in_words_and_totals(tmp_path: Path) -> None:
    out = generate(tmp_path, "jepara-teak.xlsx")
    text = flat(pdf_text(out / "JTC-2026-0412_invoice.pdf", layout=True))
    assert re.search(r"Total USD\s+13,200\.00", text)
    assert "SAY: US DOLLARS THIRTEEN THOUSAND TWO HUNDRED AND 00/100 ONLY" in text


def test_no_statement_writes_documents_without_any_statement(tmp_path: Path) -> None:
    out = generate(tmp_path, "jepara-teak.xlsx", "--no-statement")
    for kind in ("invoice", "packing-list"):
        text = flat(pdf_text(out / f"JTC-2026-0412_{kind}.pdf"))
        assert "preferential origin" not in text
        assert "JTC-2026-0412" in text


def test_error_case_writes_nothing_and_leaves_other_files_alone(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    broken = folder / "broken.xlsx"
    shutil.copy(EXAMPLES / "registration.toml", folder / "registration.toml")
    workbook = load_workbook(EXAMPLES / "jepara-teak.xlsx")
    for row in workbook["Shipment"].iter_rows():
        if row[0].value == "exporter_rex":
            row[1].value = "IDREX EXAMPLE0000002"
    workbook.save(broken)
    out = tmp_path / "out"
    out.mkdir()
    unrelated = out / "notes.txt"
    unrelated.write_text("keep me", encoding="utf-8")
    result = run_cli(["generate", str(broken), "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 1
    assert "REX-FORMAT" in result.output
    assert "no document was written" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert unrelated.read_text(encoding="utf-8") == "keep me"


def test_existing_outputs_are_not_overwritten_without_force(tmp_path: Path) -> None:
    out = generate(tmp_path, "jepara-teak.xlsx")
    pdf = out / "JTC-2026-0412_invoice.pdf"
    pdf.write_bytes(b"the exporter's signed copy")
    folder = tmp_path / "in"
    result = run_cli(["generate", str(folder / "jepara-teak.xlsx"), "--out", str(out), "--as-of", AS_OF])
    assert result.exit_code == 2
    assert "already exist" in result.output and "--force" in result.output
    assert pdf.read_bytes() == b"the exporter's signed copy"
    result = run_cli(["generate", str(folder / "jepara-teak.xlsx"), "--out", str(out), "--as-of", AS_OF, "--force"])
    assert result.exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_html_is_written_beside_the_pdfs_and_escaped(tmp_path: Path) -> None:
    out = generate(tmp_path, "batik-pekalongan.xlsx", "--html")
    html = (out / "BCP-INV-2026-118_invoice.html").read_text(encoding="utf-8")
    assert "Number of Registered Exporter IDREXEXAMPLE0000001" in html
    assert (out / "BCP-INV-2026-118_packing-list.html").is_file()


def test_the_installed_package_carries_its_data_templates_fonts_and_examples() -> None:
    # CI installs the wheel (not editable): these are read from the installed package.
    for package, names in {
        "rexdecl.data": ["rex-countries.csv", "psr-gsp.csv", "eu-customs-territory.csv", "schemes.toml", "rules.toml"],
        "rexdecl.templates": ["invoice.html.j2", "packing-list.html.j2", "style.css"],
        "rexdecl.examples": ["registration.toml", "jepara-teak.xlsx"],
    }.items():
        for name in names:
            assert resources.files(package).joinpath(name).is_file(), (package, name)
    fonts = [p.name for p in resources.files("rexdecl.templates").joinpath("fonts").iterdir()]
    assert any(name.endswith(".ttf") for name in fonts)
    assert resources.files("rexdecl.locale").joinpath("id/LC_MESSAGES/rexdecl.mo").is_file()
