"""Fuzz ``rexdecl stamp`` (and ``rexdecl lint``) with mutated invoice PDFs.

    python bench/fuzz_stamp.py -n 10000 --seed 1
    python bench/fuzz_stamp.py -n 2000 --seed 7 --target lint --save-crashes /tmp/rexdecl-pdf-crashes

Each input is one of a few invoices -- drawn here with reportlab, uncompressed so that the
mutations reach the content, and the real ones under tests/data/stamp -- with one to three
mutations: bytes flipped, the file cut, a token of the PDF syntax replaced by an odd one
(a huge, negative or non-integral number, a name, a broken string or dictionary), a page
entry forged (/Rotate, /UserUnit, /MediaBox, /CropBox, /Contents, /Resources), a stream's
filter or length changed, content operators repeated, form XObjects nested or looped, an
encryption or signature dictionary added. The stamp runs in-process (``stamp_pdf`` with a
shipment checked once, as ``rexdecl stamp`` does) and each input ends as one of:

    ok          stamped (exit 0)
    refused     refused with a message (StampRefused / RexdeclError: exit 2)
    HANG        took longer than --timeout seconds (every bound must refuse quickly)
    CRASH       any other exception: a bug (rexdecl would exit 3)

With ``--target lint`` the same inputs go to ``lint_file`` (ok = a report, refused =
UnreadableInput). The same seed gives the same inputs. Exit status 1 when any input crashed
or hung. The test suite runs a small bounded version (tests/test_stamp_fuzz.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzzing import Result, Tally, exit_status, print_summary, run_guarded  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "stamp"
AS_OF = dt.date(2026, 11, 22)
NUMBER = "INV-2026-001"
OUTCOMES = ("ok", "refused", "HANG", "CRASH")

ODD_TOKENS = [
    b"0",
    b"-1",
    b"-0",
    b"1.5",
    b"99999999999999999999999",
    b"-99999999999999999999",
    b"0.0000000001",
    b"3.4e38",
    b"/Foo",
    b"/",
    b"()",
    b"(unbalanced",
    b"<>",
    b"<ZZ>",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"null",
    b"true",
    b"999 0 R",
    b"1 0 R",
    b"[0 0 0 0]",
    b"[1 2 3]",
    b"[0 0 1e30 1]",
    b"<< /Type /XObject >>",
]
PAGE_ENTRIES = [
    b"/Rotate 90",
    b"/Rotate 45",
    b"/Rotate -270",
    b"/Rotate /Sideways",
    b"/Rotate 99999999999999999999",
    b"/UserUnit 0",
    b"/UserUnit -3",
    b"/UserUnit 75000",
    b"/UserUnit /X",
    b"/CropBox [0 0 0 0]",
    b"/CropBox [10 10 5 5]",
    b"/CropBox 7",
    b"/CropBox [0 0 40 40]",
    b"/MediaBox [0 0 0 0]",
    b"/MediaBox [0 0 30 900]",
    b"/MediaBox [0 0 14400 14400]",
    b"/MediaBox (A4)",
    b"/Contents 999 0 R",
    b"/Contents [5 0 R 5 0 R 5 0 R]",
    b"/Resources 1 0 R",
    b"/Annots [<< /Rect [0 0 1e9 1] >>]",
    b"/Parent 3 0 R",
]
FILTERS = [
    b"/Filter /NoSuchDecode",
    b"/Filter /FlateDecode",
    b"/Filter /LZWDecode",
    b"/Filter /ASCIIHexDecode",
    b"/Filter /ASCII85Decode",
    b"/Filter /RunLengthDecode",
    b"/Filter /JBIG2Decode",
    b"/Filter /DCTDecode",
    b"/Filter /Crypt",
    b"/Filter [/FlateDecode /FlateDecode]",
    b"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 99999999 >>",
    b"/Length 999999",
    b"/Length -5",
    b"/Length 3",
]
OPERATORS = [
    b"q ",
    b"Q ",
    b"1 0 0 1 1e9 1e9 cm ",
    b"0 0 0 0 0 0 cm ",
    b"/X0 Do ",
    b"/F1 1000 Tf ",
    b"BT ",
    b"ET ",
    b"[(a) -99999999 (b)] TJ ",
    b"0 0 m 1e30 1e30 l S ",
    b"/Sh0 sh ",
    b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI ",
    b"/P <</MCID 99999>> BDC ",
    b"EMC ",
]


# --- the inputs ------------------------------------------------------------------------------


def drawn_invoice(nested: bool = False) -> bytes:
    """An invoice from "another generator" (reportlab), uncompressed; with ``nested``, its
    letterhead a form XObject (so form mutations have something to work on)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1, pageCompression=0)
    if nested:
        pdf.beginForm("letterhead", 0, 0, *A4)
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(50, 790, "PT JATI CONTOH  -  COMMERCIAL INVOICE")
        pdf.endForm()
        pdf.doForm("letterhead")
    pdf.setFont("Helvetica", 9)
    pdf.drawString(380, 770, f"Invoice No. {NUMBER}")
    pdf.drawString(380, 758, "Date: 20 November 2026")
    for row in range(8):
        pdf.drawString(50, 700 - row * 16, f"{(row + 1) * 10}  Teak dining table, plantation teak   10 x 100.00")
        pdf.line(50, 696 - row * 16, 545, 696 - row * 16)
    pdf.drawString(400, 540, "TOTAL EUR 8,000.00")
    pdf.drawCentredString(297, 30, "Page 1 of 1")
    pdf.save()
    return out.getvalue()


def sources() -> dict[str, tuple[bytes, str]]:
    """Seed inputs: name -> (bytes, the invoice number the shipment carries)."""
    seeds = {"drawn.pdf": (drawn_invoice(), NUMBER), "drawn-form.pdf": (drawn_invoice(nested=True), NUMBER)}
    real = {
        "coolblue-factuur.pdf": "993548900",
        "libreoffice-pdfa1.pdf": "RE-20190610/507",
        "zugferd-pdfa3.pdf": "471102",
    }
    for name, number in real.items():
        if (DATA / name).is_file():
            seeds[name] = ((DATA / name).read_bytes(), number)
    return seeds


# --- mutations ---------------------------------------------------------------------------------


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) // 4, len(data))]


_TOKEN = re.compile(rb"-?\d+(?:\.\d+)?|/[A-Za-z0-9]+|\[|\]|<<|>>")


def replace_token(rng: random.Random, data: bytes) -> bytes:
    tokens = list(_TOKEN.finditer(data, 0, min(len(data), 200_000)))
    if not tokens:
        return data
    token = rng.choice(tokens)
    return data[: token.start()] + rng.choice(ODD_TOKENS) + data[token.end() :]


def page_entry(rng: random.Random, data: bytes) -> bytes:
    pages = [m.end() for m in re.finditer(rb"/Type\s*/Page(?![s\w])", data)]
    if not pages:
        return data
    at = rng.choice(pages)
    return data[:at] + b" " + rng.choice(PAGE_ENTRIES) + b" " + data[at:]


def stream_filter(rng: random.Random, data: bytes) -> bytes:
    streams = [m.start() for m in re.finditer(rb"/Length\s+\d+", data)]
    if not streams:
        return data
    at = rng.choice(streams)
    return data[:at] + rng.choice(FILTERS) + b" " + data[at:]


def operators(rng: random.Random, data: bytes) -> bytes:
    """Odd operators in an uncompressed content stream, or one repeated many times."""
    streams = [m.end() for m in re.finditer(rb"stream\r?\n", data)]
    if not streams:
        return data
    at = rng.choice(streams)
    operator = rng.choice(OPERATORS)
    inserted = operator * (rng.choice([1, 1, 10, 1000]))
    return data[:at] + inserted + data[at:]


def nest_forms(rng: random.Random, data: bytes) -> bytes:
    """A form that draws itself, or one drawn many times (the nested-forms bomb)."""
    match = re.search(rb"/(FormXob\.\w+) Do", data)
    if not match:
        return data
    name = match.group(1)
    form = re.search(rb"/Subtype\s*/Form", data)
    if form is None:
        return data
    stream_start = data.find(b"stream", form.end())
    if stream_start < 0:
        return data
    body = data.find(b"\n", stream_start) + 1
    if rng.random() < 0.5:  # the form draws itself
        return data[:body] + b"/" + name + b" Do " + data[body:]
    return data[:body] + (b"/" + name + b" Do ") * rng.choice([2, 10, 50]) + data[body:]


def encrypt_or_sign(rng: random.Random, data: bytes) -> bytes:
    """An /Encrypt entry in the trailer (often broken), or a signature dictionary."""
    if rng.random() < 0.5:
        at = data.rfind(b"trailer")
        end = data.find(b"<<", at)
        if at < 0 or end < 0:
            return data
        entry = rng.choice(
            [
                b"/Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <00> /U <00> >> ",
                b"/Encrypt << /Filter /Standard /V 5 /R 6 /Length 256 /P -4 >> ",
                b"/Encrypt 1 0 R ",
            ]
        )
        return data[: end + 2] + b" " + entry + data[end + 2 :]
    at = data.find(b"/Type /Catalog")
    if at < 0:
        return data
    signature = b" /Perms << /DocMDP << /Type /Sig /ByteRange [0 1 2 3] /Contents <00> >> >> "
    return data[: at + 14] + signature + data[at + 14 :]


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": flip_bytes,
    "truncate": truncate,
    "token": replace_token,
    "page-entry": page_entry,
    "filter": stream_filter,
    "operators": operators,
    "forms": nest_forms,
    "encrypt-sign": encrypt_or_sign,
}
WEIGHTS = {
    "flip": 2,
    "truncate": 1,
    "token": 4,
    "page-entry": 4,
    "filter": 2,
    "operators": 3,
    "forms": 2,
    "encrypt-sign": 1,
}


def mutate(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    names = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=rng.randint(1, 3))
    for name in names:
        data = MUTATIONS[name](rng, data)
    return data, names


# --- running -------------------------------------------------------------------------------------


def _checked(folder: Path, number: str) -> Any:
    """The shipment of ``number``, checked once (its workbook built like the tests' baseline)."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from conftest import make_workbook, shipment_with, write_registration
    finally:
        sys.path.pop(0)
    from rexdecl.pipeline import check_workbook
    from rexdecl.rules import CheckOptions

    target = folder / re.sub(r"\W", "-", number)
    target.mkdir(parents=True, exist_ok=True)
    path = make_workbook(target, shipment_with(invoice_number=number), None)
    write_registration(target / "registration.toml")
    checked = check_workbook(path, CheckOptions(as_of=AS_OF))
    assert not checked.report.errors, checked.report.errors
    return checked


def run_one(path: Path, checked: Any, target: str, timeout: float) -> Result:
    """Stamp (or lint) ``path`` in-process; the outcome as the command would see it."""
    from rexdecl.lint import lint_file
    from rexdecl.stamp import stamp_pdf

    def work() -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if target == "lint":
                lint_file(path)
            else:
                stamp_pdf(path, checked, path.with_name("out.pdf"), force=True)
        return "ok"

    return run_guarded(work, lambda _error: "refused", timeout)


def fuzz(
    iterations: int,
    seed: int,
    timeout: float = 10.0,
    target: str = "stamp",
    save_crashes: Path | None = None,
    progress: bool = False,
) -> dict[str, object]:
    """Run ``iterations`` mutated inputs; returns counts, crash/hang details and timing."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # damaged files are the point here
    rng = random.Random(seed)
    seeds = sources()
    names = sorted(seeds)
    tally = Tally(OUTCOMES, save_crashes, progress_every=250 if progress else 0)
    with tempfile.TemporaryDirectory(prefix="rexdecl-fuzz-stamp-") as folder:
        work = Path(folder)
        checked = {number: _checked(work / "shipments", number) for _data, number in seeds.values()}
        path = work / "mutated.pdf"
        for index in range(iterations):
            source = rng.choice(names)
            original, number = seeds[source]
            data, applied = mutate(rng, original)
            path.write_bytes(data)
            began = time.monotonic()
            result = run_one(path, checked[number], target, timeout)
            file_name = f"{target}-{seed}-{index}.pdf"
            tally.record(index, source, applied, result, time.monotonic() - began, data, file_name)
    return tally.summary(target=target, iterations=iterations, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--iterations", type=int, default=1000, help="inputs to try (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input before HANG")
    parser.add_argument("--target", choices=("stamp", "lint"), default="stamp", help="what reads the inputs")
    parser.add_argument("--save-crashes", type=Path, help="folder to keep crashing/hanging inputs")
    args = parser.parse_args(argv)
    summary = fuzz(args.iterations, args.seed, args.timeout, args.target, args.save_crashes, progress=True)
    print_summary(f"fuzz_stamp ({args.target})", summary, OUTCOMES)
    return exit_status(summary)


if __name__ == "__main__":
    sys.exit(main())
