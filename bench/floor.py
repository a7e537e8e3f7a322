"""The floor: what a competent first version would do — the same content (header fields,
lines, statement) in straightforward HTML with WeasyPrint's default CSS table layout,
rendered by bare WeasyPrint calls. No checks, no PDF/A, no attachment, system fonts.

Usage: python bench/floor.py LINES OUTDIR [--repeat N]
(prints one wall time per repetition, in seconds, for rendering both documents).
"""

from __future__ import annotations

import html
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from shipments import header, lines  # noqa: E402

STATEMENT = (
    "The exporter PT Bench Contoh Ekspor (Number of Registered Exporter IDREXBENCH000000001) of the "
    "products covered by this document declares that, except where otherwise clearly indicated, these "
    "products are of Indonesia preferential origin according to rules of origin of the Generalized System "
    "of Preferences of the European Union and that the origin criterion met is W 6214 (items ...)."
)


def document(kind: str, count: int) -> str:
    h = header(1)
    rows = []
    total = 0.0
    for line in lines(count):
        amount = line["quantity"] * line["unit_price"]
        total += amount
        if kind == "invoice":
            cells = [
                line["line"],
                line["marks"],
                line["description"],
                line["hs_code"],
                line["quantity"],
                line["unit"],
                f"{line['unit_price']:.2f}",
                f"{amount:,.2f}",
                line["origin_criterion"],
            ]
        else:
            cells = [
                line["line"],
                line["marks"],
                line["description"],
                line["hs_code"],
                line["packages"],
                line["package_type"],
                line["net_kg"],
                line["gross_kg"],
                line["cbm"],
                line["origin_criterion"],
            ]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    fields = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in h.items())
    heads = (
        "No Marks Description HS Qty Unit Price Amount Criterion"
        if kind == "invoice"
        else "No Marks Description HS Packages Kind Net Gross CBM Criterion"
    ).split()
    return (
        f"<html><head><style>@page {{ size: A4; margin: 15mm; }} body {{ font-family: sans-serif; "
        f"font-size: 9pt; }} table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #999; "
        f"padding: 2px; }}</style></head><body><h1>{kind.upper()}</h1><p>PT Bench Contoh Ekspor, Jl. Contoh No. 1, "
        f"Pekalongan</p><table>{fields}</table><table><thead><tr>"
        + "".join(f"<th>{c}</th>" for c in heads)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table><p>Total EUR {total:,.2f}</p><p>{STATEMENT}</p></body></html>"
    )


def main() -> None:
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    repeat = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--repeat" else 1
    out.mkdir(parents=True, exist_ok=True)
    from weasyprint import HTML

    for _ in range(repeat):
        start = time.perf_counter()
        for kind in ("invoice", "packing-list"):
            HTML(string=document(kind, count)).write_pdf(out / f"floor-{count}-{kind}.pdf")
        print(f"{time.perf_counter() - start:.4f}")


if __name__ == "__main__":
    main()
