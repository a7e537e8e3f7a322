"""The signature block (signatory_name, signatory_title, place_of_issue): the UK DCTS
declaration's own place and date, name and signature lines are filled from it and need it
(MISSING-FIELD); under the other schemes it is optional and printed below the statement box,
outside it, never inside the statutory text. Also the consignee's VAT/EORI number and the
bank details, printed where an exporter expects them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    AS_OF,
    BASE_ITEM,
    DROP,
    ERROR,
    Checked,
    S,
    assert_rule,
    case,
    make_workbook,
    run_cli,
    shipment_with,
    write_registration,
)

from rexdecl.documents.html import render_html
from rexdecl.documents.viewmodel import DocumentViews, build_views
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")

UK = {
    "scheme": "uk-dcts",
    "consignee_name": "Example Furniture Ltd",
    "consignee_address": "1 Example Street, London SW1A 1AA",
    "consignee_country": "GB",
    "customs_id": "GB123456789000",
    "eska_code": DROP,
}
SIGNATORY = {"signatory_name": "Budi Contoh", "signatory_title": "Export Manager", "place_of_issue": "Jepara"}
# The scheme's own source (schemes.toml signature_source): a UK finding cites no EU article.
SIGNATURE_REFERENCE = "UK DCTS rules of origin data: the proof 'must bear the signature of the exporter' [V2]"


def views(tmp_path: Path, shipment: dict[str, Any], no_statement: bool = False) -> DocumentViews:
    path = make_workbook(tmp_path, shipment, [BASE_ITEM])
    checked = check_workbook(
        path, CheckOptions(as_of=AS_OF, no_statement=no_statement), write_registration(tmp_path / "registration.toml")
    )
    assert not checked.report.errors, [f.message for f in checked.report.errors]
    return build_views(checked.facts, with_statement=not no_statement)


def generate(tmp_path: Path, shipment: dict[str, Any], *extra: str) -> Path:
    path = make_workbook(tmp_path, shipment, [BASE_ITEM])
    write_registration(tmp_path / "registration.toml")
    out = tmp_path / "out"
    result = run_cli(["generate", path, "--out", out, "--as-of", AS_OF.isoformat(), *extra])
    assert result.exit_code == 0, result.output
    return out


def pdf_lines(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(row.split()) for row in text.splitlines() if row.strip()]


# -- MISSING-FIELD: required for the UK DCTS declaration only ----------------------------------

MISSING = [
    case(
        "uk-dcts-without-signatory",
        [(ERROR, S("signatory_name")), (ERROR, S("place_of_issue"))],
        shipment=UK,
    ),
    case(
        "uk-dcts-empty-cells",
        [(ERROR, S("signatory_name")), (ERROR, S("place_of_issue"))],
        shipment={**UK, "signatory_name": None, "place_of_issue": None},
    ),
    case(
        "uk-dcts-title-alone-is-not-enough",
        [(ERROR, S("signatory_name")), (ERROR, S("place_of_issue"))],
        shipment={**UK, "signatory_title": "Director"},
    ),
    case("uk-dcts-place-missing", [(ERROR, S("place_of_issue"))], shipment={**UK, "signatory_name": "Budi Contoh"}),
    case("uk-dcts-signed", [], shipment={**UK, **SIGNATORY}),
    case("uk-dcts-without-title", [], shipment={**UK, "signatory_name": "Budi Contoh", "place_of_issue": "Jepara"}),
    case("eu-gsp-optional", [], shipment={}),
    case("eu-gsp-empty-cells", [], shipment={"signatory_name": None, "place_of_issue": None}),
]


@pytest.mark.parametrize(("kwargs", "expect"), MISSING)
def test_missing_signature_fields(check: Callable[..., Checked], kwargs: dict[str, Any], expect: list[Any]) -> None:
    result = assert_rule(check, "MISSING-FIELD", kwargs, expect)
    for finding in result.of("MISSING-FIELD"):
        assert finding.reference == SIGNATURE_REFERENCE


def test_missing_signatory_message(check: Callable[..., Checked]) -> None:
    result = check(shipment=shipment_with(**UK, place_of_issue="Jepara"))
    assert result.one("MISSING-FIELD").message == (
        "Shipment: the field signatory_name is missing; add a row 'signatory_name' with its value (required) — "
        "the uk-dcts declaration is signed: place_of_issue and signatory_name fill its place and date, name and "
        "signature lines"
    )


def test_without_statement_the_signature_fields_do_not_block(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, shipment_with(**UK), [BASE_ITEM])
    write_registration(tmp_path / "registration.toml")
    out = tmp_path / "out"
    refused = run_cli(["generate", path, "--out", out, "--as-of", AS_OF.isoformat()])
    assert refused.exit_code == 1, refused.output
    assert "MISSING-FIELD" in refused.output and not out.exists()
    written = run_cli(["generate", path, "--out", out, "--as-of", AS_OF.isoformat(), "--no-statement"])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in out.iterdir()) == ["INV-2026-001_invoice.pdf", "INV-2026-001_packing-list.pdf"]


# -- UK DCTS: the declaration's own lines hold the signatory -----------------------------------


def test_uk_declaration_lines_are_filled_from_the_new_fields(tmp_path: Path) -> None:
    documents = views(tmp_path, shipment_with(**UK, **SIGNATORY))
    for view in documents:
        assert view.statement is not None
        assert view.statement.signature_lines == (
            ("(Place and date)", "Jepara, 20 November 2026"),
            ("(Name and signature of the exporter)", "Budi Contoh, Export Manager"),
        )
        # Not a second time below the box.
        assert view.signatory is None
        assert 'class="signatory"' not in render_html(view)


def test_uk_without_statement_prints_the_block_outside(tmp_path: Path) -> None:
    invoice, _packing_list = views(tmp_path, shipment_with(**UK, **SIGNATORY), no_statement=True)
    assert invoice.statement is None
    assert invoice.signatory is not None and invoice.signatory.name == "Budi Contoh"
    assert 'class="signatory"' in render_html(invoice)


@needs_poppler
def test_uk_pdf_prints_place_date_and_signatory_above_the_labels(tmp_path: Path) -> None:
    out = generate(tmp_path, shipment_with(**UK, **SIGNATORY))
    for kind in ("invoice", "packing-list"):
        lines = pdf_lines(out / f"INV-2026-001_{kind}.pdf")
        signed = lines.index("Jepara, 20 November 2026 Budi Contoh, Export Manager")
        assert lines[signed + 1] == "(Place and date) (Name and signature of the exporter)"
        report = run_cli(["lint", out / f"INV-2026-001_{kind}.pdf"])
        assert report.exit_code == 0, report.output


# -- EU GSP: optional, below the statement box and outside it ----------------------------------


def test_eu_without_the_fields_prints_no_block(tmp_path: Path) -> None:
    for view in views(tmp_path, shipment_with()):
        assert view.signatory is None
        assert 'class="signatory"' not in render_html(view)


def test_eu_block_stands_after_the_statement_box_and_leaves_its_text_alone(tmp_path: Path) -> None:
    plain = views(tmp_path / "plain", shipment_with())
    signed = views(tmp_path / "signed", shipment_with(**SIGNATORY))
    assert signed.statement_text == plain.statement_text  # the statutory text is untouched
    for view in signed:
        assert view.signatory is not None
        assert (view.signatory.place_and_date, view.signatory.company) == ("Jepara, 20 November 2026", "PT Jati Contoh")
        assert (view.signatory.name, view.signatory.title) == ("Budi Contoh", "Export Manager")
        assert view.statement is not None and view.statement.signature_lines == ()
        html = render_html(view)
        statement_box = html.index('<div class="statement">')
        box_end = html.index("</div>", statement_box)
        block = html.index('<table class="signatory">')
        assert block > box_end
        assert "For and on behalf of PT Jati Contoh" in html[block:]
        assert "Budi Contoh" not in html[:block]


def test_eu_block_with_the_place_alone(tmp_path: Path) -> None:
    invoice, _packing_list = views(tmp_path, shipment_with(place_of_issue="Jepara"))
    assert invoice.signatory is not None
    assert (invoice.signatory.place_and_date, invoice.signatory.name) == ("Jepara, 20 November 2026", "")


@needs_poppler
def test_eu_pdf_signature_block_below_the_statement_and_lint_passes(tmp_path: Path) -> None:
    out = generate(tmp_path, shipment_with(**SIGNATORY))
    for kind in ("invoice", "packing-list"):
        pdf = out / f"INV-2026-001_{kind}.pdf"
        lines = pdf_lines(pdf)
        statement_end = next(i for i, line in enumerate(lines) if line.startswith("e-SKA authentic code"))
        assert lines[statement_end + 1 :][:4] == [
            "Jepara, 20 November 2026",
            "For and on behalf of PT Jati Contoh",
            "Budi Contoh",
            "Export Manager",
        ]
        report = run_cli(["lint", pdf])
        assert report.exit_code == 0, report.output


# -- consignee VAT/EORI number and bank details ----------------------------------------------


def test_consignee_tax_id_under_its_address_on_both_documents(tmp_path: Path) -> None:
    documents = views(tmp_path, shipment_with(consignee_tax_id="DE123456789"))
    for view in documents:
        assert view.consignee.identifiers == (("tax_id", "DE123456789"),)
        assert '<p class="ident"><span class="label">VAT / EORI No.:</span> DE123456789</p>' in render_html(view)
    assert views(tmp_path / "none", shipment_with()).invoice.consignee.identifiers == ()


def test_bank_details_on_the_invoice_only(tmp_path: Path) -> None:
    details = "Bank Contoh, Jepara branch\nAccount 000-111-2222 (EUR)\n\nSWIFT/BIC XXXXIDJA"
    invoice, packing_list = views(tmp_path, shipment_with(bank_details=details))
    assert invoice.bank_details == ("Bank Contoh, Jepara branch", "Account 000-111-2222 (EUR)", "SWIFT/BIC XXXXIDJA")
    html = render_html(invoice)
    assert "<h2>Bank details</h2>\n<p>Bank Contoh, Jepara branch</p>\n<p>Account 000-111-2222 (EUR)</p>" in html
    assert "Bank details" not in render_html(packing_list)
    assert "Bank details" not in render_html(views(tmp_path / "none", shipment_with()).invoice)


def test_indonesian_aliases_of_the_new_fields(tmp_path: Path) -> None:
    from rexdecl.input.workbook import read_shipment

    path = make_workbook(
        tmp_path,
        {
            **shipment_with(),
            "nama_penandatangan": "Budi Contoh",
            "jabatan_penandatangan": "Direktur",
            "tempat_terbit": "Jepara",
            "rekening_bank": "Bank Contoh 000-111",
            "npwp_penerima": "DE123456789",
            "biaya_angkut": "350,50",
            "asuransi": 12,
        },
        [BASE_ITEM],
    )
    shipment = read_shipment(path).shipment
    assert (shipment.signatory_name, shipment.signatory_title, shipment.place_of_issue) == (
        "Budi Contoh",
        "Direktur",
        "Jepara",
    )
    assert (shipment.bank_details, shipment.consignee_tax_id) == ("Bank Contoh 000-111", "DE123456789")
    assert (str(shipment.freight), str(shipment.insurance)) == ("350.50", "12")


def test_blank_template_lists_the_new_fields(tmp_path: Path) -> None:
    from rexdecl.input.blank_workbook import build_template

    sheet = build_template()["Shipment"]
    rows = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    for name in (
        "signatory_name",
        "signatory_title",
        "place_of_issue",
        "bank_details",
        "consignee_tax_id",
        "freight",
        "insurance",
    ):
        assert name in rows, name
    assert rows["signatory_name"].comment.text.startswith("required for uk-dcts (its declaration is signed). ")
    assert "nama_penandatangan" in rows["signatory_name"].comment.text
    assert rows["freight"].comment.text.startswith("CIF/CFR/CIP/CPT: freight")
