"""Fuzz ``rexdecl lint`` with mutated PDFs and text files.

    python bench/fuzz_lint.py --cases 10000 --seed 1
    python bench/fuzz_lint.py --cases 300 --seed 7 --save-crashes /tmp/rexdecl-lint-crashes

The seed documents are made here (PDFs with reportlab, another generator than rexdecl's;
text, Markdown and HTML files), each holding a statement on origin: an invoice with the EU GSP
statement, a two-page French one, an uncompressed one, one encrypted without a user password,
one whose text sits in a form XObject, the statement of another agreement, and text files.
Each case is a seed with one to three mutations: bytes flipped, cut, inserted or repeated; in
a PDF, a stream filter replaced by an unknown or unusual one, a number or a /Length forged,
a keyword removed, a content stream decoded, damaged (operators, nesting, strings) and
re-encoded; in a text file, characters and words changed, markup and hostile runs inserted,
another encoding. ``lint_file`` runs in-process, as ``rexdecl lint`` does, and each case ends
as one of:

    exit 0      every statement exact
    exit 1      findings (or no statement)
    exit 2      refused with a message (RexdeclError)
    HANG        took longer than --timeout seconds (lint must finish or refuse within seconds)
    CRASH       any other exception: a bug (rexdecl would exit 3)

The same seed gives the same cases. Exit status 1 when any case crashed or hung. The test
suite runs a short version (tests/test_lint_limits.py); ``--cases 300`` takes seconds, for CI.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
import tempfile
import textwrap
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

OUTCOMES = ("exit 0", "exit 1", "exit 2", "HANG", "CRASH")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzzing import Result, Tally, exit_status, print_summary, run_guarded  # noqa: E402

EN = (
    "The exporter PT Batik Sari (Number of Registered Exporter IDREX0123456789) of the products "
    "covered by this document declares that, except where otherwise clearly indicated, these "
    "products are of Indonesia preferential origin according to rules of origin of the "
    "Generalised System of Preferences of the European Union and that the origin criterion met "
    "is W 6214 (items 1, 2), P (item 3)."
)
FR = (
    "L'exportateur PT Batik Sari (Numéro d'exportateur enregistré IDREX0123456789) des produits "
    "couverts par le présent document déclare que, sauf indication claire du contraire, ces "
    "produits ont l'origine préférentielle indonésienne au sens des règles d'origine du Système "
    "des préférences tarifaires généralisées de l'Union européenne et que le critère d'origine "
    "satisfait est W 6214."
)
OTHER = (
    "The exporter of the products covered by this document (Exporter Reference No LKRREG1234) "
    "declares that, except where otherwise clearly indicated, these products are of EU "
    "preferential origin."
)
INVOICE = [
    "COMMERCIAL INVOICE No INV-2026-017",
    "Exporter: PT Batik Sari, Jl. Contoh 1, Pekalongan, Indonesia",
    "Consignee: Beispiel GmbH, Hamburg, Germany",
    "1  Batik scarf, silk  HS 6214.10  100 PCS  12.50  1,250.00",
    "2  Batik sarong, cotton  HS 6208.92  50 PCS  20.00  1,000.00",
    "Total EUR 2,250.00",
]


@dataclass(frozen=True)
class Seed:
    name: str
    suffix: str
    data: bytes


# --- seed documents -----------------------------------------------------------------------


def _canvas_pdf(lines_per_page: list[list[str]], **options: object) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, **options)  # type: ignore[arg-type]
    for lines in lines_per_page:
        for row, line in enumerate(lines):
            pdf.drawString(50, 790 - 14 * row, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _form_pdf() -> bytes:
    """The statement drawn inside a form XObject, used twice."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.beginForm("statement")
    for row, line in enumerate(textwrap.wrap(EN, 90)):
        pdf.drawString(50, 300 - 12 * row, line)
    pdf.endForm()
    for row, line in enumerate(INVOICE):
        pdf.drawString(50, 790 - 14 * row, line)
    pdf.doForm("statement")
    pdf.showPage()
    pdf.doForm("statement")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _paragraph_pdf(paragraphs: list[str]) -> bytes:
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    out = io.BytesIO()
    style = getSampleStyleSheet()["BodyText"]
    flow: list[object] = []
    for paragraph in paragraphs:
        flow.append(PageBreak() if paragraph == "---" else Paragraph(paragraph, style))
    SimpleDocTemplate(out).build(flow)
    return out.getvalue()


def seeds() -> list[Seed]:
    """The documents every case starts from (the same bytes on every run)."""
    from reportlab import rl_config
    from reportlab.lib import pdfencrypt

    saved = rl_config.invariant, rl_config.useA85
    # No dates or random ids (the same bytes on every run); Flate alone, so that the
    # content mutation can decode the streams.
    rl_config.invariant, rl_config.useA85 = 1, 0
    try:
        statement = textwrap.wrap(EN, 90)
        encrypted = pdfencrypt.StandardEncryption("", ownerPassword="owner", canModify=0, strength=128)
        return [
            Seed("invoice.pdf", ".pdf", _canvas_pdf([INVOICE + [""] + statement])),
            Seed("uncompressed.pdf", ".pdf", _canvas_pdf([INVOICE + [""] + statement], pageCompression=0)),
            Seed("encrypted.pdf", ".pdf", _canvas_pdf([INVOICE + [""] + statement], encrypt=encrypted)),
            Seed("form.pdf", ".pdf", _form_pdf()),
            Seed("two-pages-fr.pdf", ".pdf", _paragraph_pdf([*INVOICE, "---", FR, "Pekalongan, 3 mars 2026"])),
            Seed("other-agreement.pdf", ".pdf", _canvas_pdf([INVOICE + [""] + textwrap.wrap(OTHER, 90)])),
            Seed("invoice.txt", ".txt", ("\n".join(INVOICE) + "\n\n" + EN + "\n").encode()),
            Seed("invoice.md", ".md", ("# Invoice\n\n" + "\n".join(INVOICE) + "\n\n> " + FR + "\n").encode()),
            Seed(
                "invoice.html",
                ".html",
                (
                    "<html><head><style>p{margin:0}</style><script>var x = '<p>';</script></head><body>\n"
                    + "".join(f"<p>{line}</p>\n" for line in INVOICE)
                    + f"<p>{EN.replace('Union', '<b>Union</b>')}</p>\n</body></html>"
                ).encode(),
            ),
        ]
    finally:
        rl_config.invariant, rl_config.useA85 = saved


# --- mutations of any file ----------------------------------------------------------------


def flip(rng: random.Random, data: bytes) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        if buffer:
            buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = rng.choice([bytes(rng.randrange(256) for _ in range(rng.randint(1, 64))), b"\x00" * 100, b"\xff\xfe"])
    return data[:at] + junk + data[at:]


def repeat(rng: random.Random, data: bytes) -> bytes:
    """A chunk of the file repeated (at most some hundred KB)."""
    if not data:
        return data
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 200)]
    times = rng.randint(2, max(2, 200_000 // max(1, len(chunk))))
    return data[:start] + chunk * times + data[start:]


# --- mutations of a PDF -------------------------------------------------------------------

FILTERS = [
    b"/Foo",
    b"/FlateDecode",
    b"/LZWDecode",
    b"/RunLengthDecode",
    b"/ASCIIHexDecode",
    b"/ASCII85Decode",
    b"/DCTDecode",
    b"/JPXDecode",
    b"/JBIG2Decode",
    b"/CCITTFaxDecode",
    b"/Crypt",
    b"/BrotliDecode",
    b"[/FlateDecode /Foo]",
    b"[/ASCIIHexDecode /FlateDecode]",
    b"[" + b"/FlateDecode " * 20 + b"]",
    b"1",
    b"()",
    b"<< >>",
]
NUMBERS = [b"0", b"-1", b"1", b"99999999999", b"2147483648", b"-2147483649", b"1e308", b"3.4.5", b"NaN", b""]
KEYWORDS = [
    b"endstream",
    b"stream",
    b"endobj",
    b"xref",
    b"trailer",
    b"startxref",
    b"obj",
    b"/Root",
    b"/Pages",
    b"%%EOF",
]
OPERATORS = [
    b"BT",
    b"ET",
    b"Tj",
    b"TJ",
    b"Td",
    b"TD",
    b"Tm",
    b"T*",
    b"Tf",
    b"'",
    b'"',
    b"Do",
    b"q",
    b"Q",
    b"cm",
    b"BI",
    b"ID",
    b"EI",
]
CONTENT_JUNK = [
    b"[" * 3000,
    b"<<" * 3000,
    b"(" * 5000,
    b"((((unbalanced",
    b"<41 42 4",
    b"BT /F1 999999999 Tf 1e300 1e300 Td (x) Tj ET",
    b"BT /Nope 12 Tf (x) Tj ET",
    b"/Fm1 Do " * 50,
    b"BT " + b"(x) Tj 0 -1 Td " * 5000 + b"ET",
    b"BT [(a) -1e308 (b) 1e308] TJ ET",
    b"1 0 0 1 0 0 cm " * 2000,
    b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI",
    b"BT (" + b"\\" * 3000 + b") Tj ET",
]

_FILTER = re.compile(rb"/Filter\s*(?:/\w+|\[[^\]]*\])")
_NUMBER = re.compile(rb"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
_LENGTH = re.compile(rb"/Length\s+\d+")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def _sub_random(rng: random.Random, pattern: re.Pattern[bytes], data: bytes, new: Callable[[bytes], bytes]) -> bytes:
    matches = list(pattern.finditer(data))
    if not matches:
        return flip(rng, data)
    match = rng.choice(matches)
    return data[: match.start()] + new(match.group()) + data[match.end() :]


def pdf_filter(rng: random.Random, data: bytes) -> bytes:
    return _sub_random(rng, _FILTER, data, lambda _old: b"/Filter " + rng.choice(FILTERS))


def pdf_number(rng: random.Random, data: bytes) -> bytes:
    return _sub_random(rng, _NUMBER, data, lambda _old: rng.choice(NUMBERS))


def pdf_length(rng: random.Random, data: bytes) -> bytes:
    return _sub_random(rng, _LENGTH, data, lambda _old: b"/Length " + rng.choice(NUMBERS))


def pdf_keyword(rng: random.Random, data: bytes) -> bytes:
    keyword = rng.choice(KEYWORDS)
    spots = [m.start() for m in re.finditer(re.escape(keyword), data)]
    if not spots:
        return flip(rng, data)
    at = rng.choice(spots)
    return data[:at] + rng.choice([b"", b"xx", keyword * 2]) + data[at + len(keyword) :]


def _damage_content(rng: random.Random, content: bytes) -> bytes:
    choice = rng.randrange(4)
    if choice == 0:  # an operator replaced
        tokens = list(re.finditer(rb"(?<![\w/])[A-Za-z*'\"]{1,3}(?!\w)", content))
        if tokens:
            token = rng.choice(tokens)
            return content[: token.start()] + rng.choice(OPERATORS) + content[token.end() :]
    if choice == 1:  # junk inserted
        at = rng.randrange(len(content) + 1)
        return content[:at] + b"\n" + rng.choice(CONTENT_JUNK) + b"\n" + content[at:]
    if choice == 2:  # a number changed
        return _sub_random(rng, _NUMBER, content, lambda _old: rng.choice(NUMBERS))
    return flip(rng, content)


def pdf_content(rng: random.Random, data: bytes) -> bytes:
    """A stream decoded (when Flate), damaged, re-encoded, with its /Length fixed or not."""
    streams = list(_STREAM.finditer(data))
    if not streams:
        return flip(rng, data)
    stream = rng.choice(streams)
    raw = stream.group(1)
    try:
        content, packed = zlib.decompress(raw), True
    except zlib.error:
        content, packed = raw, False
    damaged = _damage_content(rng, content)
    body = zlib.compress(damaged) if packed else damaged
    out = data[: stream.start(1)] + body + data[stream.end(1) :]
    head = data.rfind(b"/Length", 0, stream.start())
    if head >= 0 and rng.random() < 0.8:
        number = re.match(rb"/Length\s+\d+", out[head:])
        if number:
            out = out[:head] + b"/Length %d" % len(body) + out[head + number.end() :]
    return out


def pdf_nesting(rng: random.Random, data: bytes) -> bytes:
    """Deeply nested arrays or dictionaries in an object."""
    spots = [m.end() for m in re.finditer(rb"\d+ 0 obj\s*", data)]
    if not spots:
        return flip(rng, data)
    at = rng.choice(spots)
    depth = rng.choice([50, 500, 5000])
    nested = rng.choice([b"[" * depth + b"]" * depth, b"<</A " * depth + b">>" * depth, b"[" * depth])
    return data[:at] + nested + b"\n" + data[at:]


# --- mutations of a text file -------------------------------------------------------------

HOSTILE_TEXT = [
    "<" * 50_000,
    "<script" * 5_000,
    "<!--" * 5_000,
    "&" * 20_000,
    "&#xD800;&#0;&#x110000;",
    "(1) " * 5_000,
    "The exporter " * 5_000,
    "of the products covered by this document " * 2_000,
    "\u202e\u200b\ufeff\u0301" * 500,
    "…" * 10_000,
    "(" * 20_000,
    "a." * 50_000,
    "\n" * 50_000,
    "W 62.14.10.20 " * 1_000,
    "(PVT) LTD (PRIVATE) LIMITED " * 500,
    "Exporter Reference No " * 2_000,
]
WORDS = ["Union", "European", "P", "W", "(", ")", "IDREX", "items", "…", "(1)", "Generalized", "cumulation", "the"]


def text_flip(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    chars = list(text)
    for _ in range(rng.randint(1, 20)):
        if chars:
            chars[rng.randrange(len(chars))] = chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x3000)]))
    return "".join(chars).encode("utf-8", "surrogatepass")


def text_words(rng: random.Random, data: bytes) -> bytes:
    words = data.decode("utf-8", "replace").split(" ")
    for _ in range(rng.randint(1, 8)):
        action, at = rng.randrange(3), rng.randrange(len(words))
        if action == 0:
            words[at] = rng.choice(WORDS)
        elif action == 1:
            words.insert(at, rng.choice(WORDS))
        elif len(words) > 1:
            del words[at]
    return " ".join(words).encode("utf-8")


def text_hostile(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    at = rng.randrange(len(text) + 1)
    return (text[:at] + rng.choice(HOSTILE_TEXT) + text[at:]).encode("utf-8", "surrogatepass")


def text_encoding(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    encoding = rng.choice(["utf-16", "utf-16-be", "cp1252", "latin-1", "utf-8-sig"])
    encoded = text.encode(encoding, "replace")
    return (b"\xfe\xff" + encoded) if encoding == "utf-16-be" else encoded


Mutation = Callable[[random.Random, bytes], bytes]
COMMON: dict[str, tuple[Mutation, int]] = {
    "flip": (flip, 2),
    "truncate": (truncate, 1),
    "insert": (insert, 1),
    "repeat": (repeat, 1),
}
PDF: dict[str, tuple[Mutation, int]] = {
    **COMMON,
    "pdf-filter": (pdf_filter, 3),
    "pdf-number": (pdf_number, 3),
    "pdf-length": (pdf_length, 2),
    "pdf-keyword": (pdf_keyword, 2),
    "pdf-content": (pdf_content, 5),
    "pdf-nesting": (pdf_nesting, 1),
}
TEXT: dict[str, tuple[Mutation, int]] = {
    **COMMON,
    "text-flip": (text_flip, 2),
    "text-words": (text_words, 3),
    "text-hostile": (text_hostile, 3),
    "text-encoding": (text_encoding, 1),
}


def mutate(rng: random.Random, seed: Seed) -> tuple[bytes, list[str]]:
    table = PDF if seed.suffix == ".pdf" else TEXT
    names = rng.choices(list(table), weights=[w for _, w in table.values()], k=rng.randint(1, 3))
    data = seed.data
    for name in names:
        data = table[name][0](rng, data)
    return data, names


# --- running lint -------------------------------------------------------------------------


def run_lint(path: Path, timeout: float) -> Result:
    """``rexdecl lint`` in-process on ``path`` (the report formatted as the CLI does)."""
    from rexdecl.lint import format_text, lint_file

    def work() -> str:
        report = lint_file(path)
        format_text(report)
        report.to_json()
        return f"exit {report.exit_code}"

    return run_guarded(work, lambda error: f"exit {error.exit_code}", timeout)


def fuzz(
    cases: int, seed: int, timeout: float = 10.0, save_crashes: Path | None = None, progress: bool = False
) -> dict[str, object]:
    """Run ``cases`` mutated documents; returns counts, crash/hang details and timing."""
    import logging

    logging.getLogger("rexdecl").setLevel(logging.ERROR)
    rng = random.Random(seed)
    documents = seeds()
    tally = Tally(OUTCOMES, save_crashes, progress_every=500 if progress else 0)
    with tempfile.TemporaryDirectory(prefix="rexdecl-fuzz-lint-") as folder:
        for number in range(cases):
            document = rng.choice(documents)
            data, names = mutate(rng, document)
            target = Path(folder) / f"case{document.suffix}"
            target.write_bytes(data)
            began = time.monotonic()
            result = run_lint(target, timeout)
            file_name = f"{seed}-{number}{document.suffix}"
            tally.record(number, document.name, names, result, time.monotonic() - began, data, file_name)
    return tally.summary(iterations=cases, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("-n", "--cases", type=int, default=1000, help="cases to try (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per case before HANG (default 10)")
    parser.add_argument("--save-crashes", type=Path, help="folder to keep crashing/hanging cases")
    args = parser.parse_args(argv)
    summary = fuzz(args.cases, args.seed, args.timeout, args.save_crashes, progress=True)
    print_summary("fuzz_lint", summary, OUTCOMES)
    return exit_status(summary)


if __name__ == "__main__":
    sys.exit(main())
