"""`rexdecl demo` (workshops): offline, deterministic, and its documents pass the same PDF
text checks as `generate`'s."""

from __future__ import annotations

from pathlib import Path

from conftest import flat, needs_pdftotext, pdf_text, run_cli

from rexdecl.lint import lint_file

pytestmark = needs_pdftotext

INVOICES = {
    "BCP-INV-2026-118": "The exporter PT Batik Contoh Pekalongan (Number of Registered Exporter IDREXEXAMPLE0000001)",
    "JTC-2026-0412": "The exporter CV Jati Contoh Jepara (Number of Registered Exporter IDREXEXAMPLE0000002)",
    "UPK-17-XI-2026": "L'exportateur UD Perak Contoh Kotagede des produits couverts",
    "RC-EXP-2026-0093": "El exportador PT Rotan Contoh Cirebon (Número de exportador registrado IDREXEXAMPLE0000003)",
}


def test_demo_walks_through_the_examples_and_a_broken_shipment(tmp_path: Path) -> None:
    folder = tmp_path / "rexdecl-demo"
    result = run_cli(["demo", str(folder)])
    assert result.exit_code == 0, result.output
    output = result.output
    assert "Copying 4 example shipments (fictitious exporters)" in output
    assert "Run date fixed at 2026-11-22" in output
    assert "A teak furniture maker in Jepara" in output
    # The deliberately broken shipment: three classic mistakes, each named with its cell.
    broken = output[output.index("== broken-batik.xlsx ==") :]
    for code, cell in (
        ("REX-FORMAT", "Shipment!"),
        ("CRITERION-HEADING-MISMATCH", "Items!"),
        ("AMOUNT-MISMATCH", "Items!"),
    ):
        assert code in broken and cell in broken
    assert "3 errors" in broken
    assert "Documents written (8 PDF files):" in output
    documents = folder / "documents"
    for invoice, beginning in INVOICES.items():
        for kind in ("invoice", "packing-list"):
            pdf = documents / f"{invoice}_{kind}.pdf"
            assert str(pdf) in output
            text = flat(pdf_text(pdf))
            assert beginning in text, (invoice, kind)
            assert lint_file(pdf).exit_code == 0, (invoice, kind)
    assert not any(documents.glob("*BROKEN*"))


def test_demo_is_deterministic_and_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    first = tmp_path / "one"
    second = tmp_path / "two"
    assert run_cli(["demo", str(first)]).exit_code == 0
    assert run_cli(["demo", str(second)]).exit_code == 0
    for pdf in sorted((first / "documents").glob("*.pdf")):
        assert pdf.read_bytes() == (second / "documents" / pdf.name).read_bytes(), pdf.name
    again = run_cli(["demo", str(first)])
    assert again.exit_code == 2
    assert "already exists and is not empty" in again.output and "--force" in again.output
    assert run_cli(["demo", str(first), "--force"]).exit_code == 0


def test_demo_speaks_indonesian(tmp_path: Path) -> None:
    from test_lang_id import untranslated  # the catalogue's detector of English messages

    result = run_cli(["--lang", "id", "demo", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "Menyalin 4 contoh pengiriman (eksportir fiktif)" in result.output
    assert "Dokumen yang dibuat (8 file PDF):" in result.output
    assert "Copying" not in result.output
    assert untranslated(result.output) == []
    again = run_cli(["--lang", "id", "demo", str(tmp_path / "demo")])  # refused: the folder is not empty
    assert again.exit_code == 2
    assert untranslated(again.output) == []
