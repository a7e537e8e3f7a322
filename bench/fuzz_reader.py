"""Fuzz the workbook reader with mutated copies of the example workbooks.

    python bench/fuzz_reader.py --cases 10000 --seed 1
    python bench/fuzz_reader.py --cases 300 --seed 1          # a short run, as in CI
    python bench/fuzz_reader.py --cases 500 --seed 7 --save-crashes /tmp/rexdecl-crashes

Each input is an example workbook (``examples/*.xlsx``) with one to three mutations: byte
flips and truncations of the file, and mutations of the parts inside the .xlsx package
(bytes flipped or cut in one XML part, a part dropped or doubled, cell types, coordinates,
row numbers and style indices changed, rows and cells written twice, values replaced by
odd ones, the sheet's dimension forged, an entity declaration or an unknown XML encoding
added, sheets renamed or hidden). One input in eight also has its registration.toml
mutated (nested deep, fields huge, impossible dates and chapters). The reader and the
rules run in-process (``read_shipment`` + the checks, as ``rexdecl check`` does) and each
input ends as one of:

    ok          no error finding (exit 0)
    findings    error findings (exit 1)
    unreadable  refused with a message (UnreadableInput / RexdeclError: exit 2)
    HANG        took longer than --timeout seconds (the reader must refuse quickly)
    CRASH       any other exception: a bug (rexdecl would exit 3)

The same seed gives the same inputs. Exit status 1 when any input crashed or hung.
The test suite runs a small bounded version (tests/test_hardening.py).
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
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 22)
OUTCOMES = ("ok", "findings", "unreadable", "HANG", "CRASH")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzzing import Result, Tally, exit_status, print_summary, run_guarded  # noqa: E402

# Values a hand-typed, copied or hostile cell may hold (as XML text).
ODD_VALUES = [
    "",
    "0",
    "-0",
    "-5",
    "1e308",
    "-1e308",
    "1E+400",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "9" * 400,
    "0.000000000000000000000000000001",
    "1.234",
    "1,234",
    "1.234.567,89",
    "12,50",
    "#N/A",
    "#REF!",
    "#VALUE!",
    "31/02/2026",
    "2026-02-31",
    "99999999",
    "-1",
    "2958466",
    "TRUE",
    "true",
    "x" * 3000,
    "\u00a0IDREX\u200b",
    "\u202eRTL",
    "\U0001f4e6",
    "<b>",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "{{ 7*7 }}",
    "A1",
    "XFD1048576",
    "_x0000_",
    "_x001F_",
    "_x202E_",
    "_xD800_",
    "_xD83D__xDE00_",
    "_x005F_x0041_",
    "\t\n\r",
    "1e309",
    "-1e309",
    "2958465",
    "9999-12-31",
    "31/12/9999",
    "0001-01-01",
    "²",
    "\u0663",
    "1_000",
    "x\u2067y\u2069",
]
# What a row number or a style index may hold in a damaged or forged sheet.
ODD_NUMBERS = ["\u00b2", "-1", "0", "1048577", "99999999999", "", "A", "1.5", "\u0663", " 7", "1e3"]
ENCODINGS = ["x-foo", "shift_jis", "utf-16", "hex", "rot13", "undefined", "idna", "punycode", "utf-7", "cp037"]
SHEET_NAMES = ["Items", "Barang", "Shipment", "Pengiriman", "Exporter", "Materials", "items", ""]
CELL_TYPES = ["s", "n", "b", "e", "str", "inlineStr", "d", "x", ""]
COORDINATES = ["A1", "XFD1048576", "A1048576", "XFD1", "ZZZZ1", "A0", "1A", "", "A-1", "AAA99999999"]
ENTITY_PROLOGUE = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'


# --- mutations of the whole file ---------------------------------------------------------


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data  # an earlier truncation left nothing to flip
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        position = rng.randrange(len(buffer))
        buffer[position] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))] if data else data


# --- mutations of one part of the package -------------------------------------------------


Parts = list[tuple[zipfile.ZipInfo, bytes]]


def _parts(data: bytes) -> Parts | None:
    """The parts of an .xlsx package, or None when earlier damage makes it unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return [(info, package.read(info.filename)) for info in package.infolist()]
    except Exception:  # BadZipFile, zlib.error, EOFError, NotImplementedError...
        return None


def _pack(parts: Parts) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" when a mutation repeats a part
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for info, content in parts:
                # The part's own timestamp, not the clock's: the same seed gives the same bytes.
                member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                package.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


Change = Callable[[random.Random, str, bytes], bytes]


def _mutate_part(rng: random.Random, data: bytes, change: Change, prefer_sheets: bool = True) -> bytes:
    parts = _parts(data)
    if not parts:
        return flip_bytes(rng, data)  # an earlier mutation broke the package: mutate bytes
    candidates = [i for i, (info, _) in enumerate(parts) if info.filename.endswith(".xml")]
    sheets = [i for i in candidates if "worksheets/" in parts[i][0].filename]
    if prefer_sheets and sheets and rng.random() < 0.7:
        pool = sheets
    else:
        pool = candidates or list(range(len(parts)))
    index = rng.choice(pool)
    info, content = parts[index]
    parts[index] = (info, change(rng, info.filename, content))
    return _pack(parts)


def part_flip(rng: random.Random, data: bytes) -> bytes:
    return _mutate_part(rng, data, lambda r, _name, part: flip_bytes(r, part) if part else part)


def part_truncate(rng: random.Random, data: bytes) -> bytes:
    return _mutate_part(rng, data, lambda r, _name, part: truncate(r, part) if part else part)


def part_drop(rng: random.Random, data: bytes) -> bytes:
    parts = _parts(data)
    if not parts:
        return truncate(rng, data)
    del parts[rng.randrange(len(parts))]
    return _pack(parts)


def part_duplicate(rng: random.Random, data: bytes) -> bytes:
    parts = _parts(data)
    if not parts:
        return truncate(rng, data)
    info, content = rng.choice(parts)
    parts.append((info, flip_bytes(rng, content) if content else content))
    return _pack(parts)


def _sub_random(
    rng: random.Random, pattern: re.Pattern[bytes], content: bytes, replacement: Callable[[re.Match[bytes]], bytes]
) -> bytes:
    """``content`` with one random match of ``pattern`` replaced."""
    matches = list(pattern.finditer(content))
    if not matches:
        return content
    match = rng.choice(matches)
    return content[: match.start()] + replacement(match) + content[match.end() :]


_VALUE = re.compile(rb"<(v|t)>([^<]*)</\1>")
_TYPE = re.compile(rb' t="[^"]*"')
_REF = re.compile(rb' r="[A-Z]*[0-9]*"')
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_ROW_NUMBER = re.compile(rb'<row r="[^"]*"')
_STYLE = re.compile(rb'<c ([^>]*?)s="[^"]*"')
_ROW = re.compile(rb"<row [^>]*>.*?</row>", re.DOTALL)
_CELL = re.compile(rb"<c [^>]*?(?:/>|>.*?</c>)", re.DOTALL)
_DECLARATION = re.compile(rb"^<\?xml[^>]*\?>")
_SHEET = re.compile(rb'<sheet [^>]*?name="[^"]*"')


def _xml_text(value: str) -> bytes:
    """``value`` as XML character data; ``&#...;`` references are kept as they are."""
    if value.startswith("&#"):
        return value.encode()
    return value.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")


def odd_value(rng: random.Random, data: bytes) -> bytes:
    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        text = _xml_text(r.choice(ODD_VALUES))
        return _sub_random(r, _VALUE, content, lambda m: b"<%s>%s</%s>" % (m.group(1), text, m.group(1)))

    return _mutate_part(rng, data, change)


def cell_type(rng: random.Random, data: bytes) -> bytes:
    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        return _sub_random(r, _TYPE, content, lambda m: b' t="%s"' % r.choice(CELL_TYPES).encode())

    return _mutate_part(rng, data, change)


def coordinate(rng: random.Random, data: bytes) -> bytes:
    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        return _sub_random(r, _REF, content, lambda m: b' r="%s"' % r.choice(COORDINATES).encode())

    return _mutate_part(rng, data, change)


def dimension(rng: random.Random, data: bytes) -> bytes:
    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        ref = r.choice(["A1:XFD1048576", "A1:O1048576", "A1:XFD3", "A1", "", "Z9:A1", "A1:A0"])
        return _DIMENSION.sub(b'<dimension ref="%s"/>' % ref.encode(), content, count=1)

    return _mutate_part(rng, data, change)


def entity(rng: random.Random, data: bytes) -> bytes:
    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        body = content.split(b"?>", 1)[1] if content.startswith(b"<?xml") else content
        return ENTITY_PROLOGUE.encode() + body.replace(b"<v>", b"<v>&b;", 1)

    return _mutate_part(rng, data, change, prefer_sheets=False)


def row_number(rng: random.Random, data: bytes) -> bytes:
    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        value = r.choice(ODD_NUMBERS).encode()
        return _sub_random(r, _ROW_NUMBER, content, lambda m: b'<row r="%s"' % value)

    return _mutate_part(rng, data, change)


def style_index(rng: random.Random, data: bytes) -> bytes:
    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        value = r.choice(ODD_NUMBERS).encode()
        return _sub_random(r, _STYLE, content, lambda m: b'<c %ss="%s"' % (m.group(1), value))

    return _mutate_part(rng, data, change)


def written_twice(rng: random.Random, data: bytes) -> bytes:
    """A row or a cell written twice in a row (or moved before its neighbour)."""

    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        pattern = r.choice([_ROW, _CELL])
        if r.random() < 0.5:
            return _sub_random(r, pattern, content, lambda m: m.group(0) * 2)
        matches = list(pattern.finditer(content))
        if len(matches) < 2:
            return content
        index = r.randrange(len(matches) - 1)
        first, second = matches[index], matches[index + 1]
        if content[first.end() : second.start()].strip():
            return content
        return content[: first.start()] + second.group(0) + first.group(0) + content[second.end() :]

    return _mutate_part(rng, data, change)


def xml_encoding(rng: random.Random, data: bytes) -> bytes:
    def change(r: random.Random, _name: str, content: bytes) -> bytes:
        declaration = b'<?xml version="1.0" encoding="%s"?>' % r.choice(ENCODINGS).encode()
        if _DECLARATION.match(content):
            return _DECLARATION.sub(declaration, content, count=1)
        return declaration + content

    return _mutate_part(rng, data, change, prefer_sheets=rng.random() < 0.5)


def sheet_names(rng: random.Random, data: bytes) -> bytes:
    """A sheet renamed to another's role (or its alias), or hidden."""
    parts = _parts(data)
    if not parts:
        return truncate(rng, data)
    for index, (info, content) in enumerate(parts):
        if info.filename.endswith("workbook.xml"):
            renamed = b'name="%s"' % rng.choice(SHEET_NAMES).encode()
            hidden = b' state="hidden"' if rng.random() < 0.5 else b""
            changed = _sub_random(rng, _SHEET, content, lambda m, new=renamed: re.sub(rb'name="[^"]*"', new, m[0]))
            parts[index] = (info, changed.replace(b"<sheet ", b"<sheet" + hidden + b" ", 1))
            return _pack(parts)
    return data


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": flip_bytes,
    "truncate": truncate,
    "part-flip": part_flip,
    "part-truncate": part_truncate,
    "part-drop": part_drop,
    "part-duplicate": part_duplicate,
    "odd-value": odd_value,
    "cell-type": cell_type,
    "coordinate": coordinate,
    "dimension": dimension,
    "entity": entity,
    "row-number": row_number,
    "style-index": style_index,
    "written-twice": written_twice,
    "xml-encoding": xml_encoding,
    "sheet-names": sheet_names,
}
# Byte-level damage mostly yields "not a zip file"; structured mutations reach the reader.
WEIGHTS = {
    "flip": 2,
    "truncate": 1,
    "part-flip": 3,
    "part-truncate": 2,
    "part-drop": 1,
    "part-duplicate": 1,
    "odd-value": 6,
    "cell-type": 3,
    "coordinate": 2,
    "dimension": 1,
    "entity": 1,
    "row-number": 1,
    "style-index": 1,
    "written-twice": 2,
    "xml-encoding": 1,
    "sheet-names": 1,
}


def mutate(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    names = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=rng.randint(1, 3))
    for name in names:
        data = MUTATIONS[name](rng, data)
    return data, names


# --- mutations of the registration file ---------------------------------------------------

ODD_DATES = ["9999-12-31", "0001-01-01", "1e309", "nan", '"31/12/9999"', '"9999-12-31"']
ODD_CHAPTERS = ["1e309", "-1", "0", "100", "true", "99999999999999999999", "inf"]


def _registration_change(rng: random.Random, text: str) -> str:
    kind = rng.randrange(8)
    if kind == 0:  # arrays nested thousands deep
        return "a = " + "[" * rng.choice([100, 1000, 5000]) + "]" * 3 + "\n" + text
    if kind == 1:  # inline tables nested thousands deep
        return "a = " + "{b = " * rng.choice([100, 5000]) + "1" + "}" * 3 + "\n" + text
    if kind == 2:  # a name of any length, without a space
        name = "N" * rng.choice([2_001, 30_000])
        return re.sub(r'name\s*=\s*"[^"]*"', f'name = "{name}"', text, count=1)
    if kind == 3:
        return re.sub(r"registered_on\s*=.*", "registered_on = " + rng.choice(ODD_DATES), text, count=1)
    if kind == 4:
        chapters = "hs_chapters = [" + rng.choice(ODD_CHAPTERS) + "]"
        changed = re.sub(r"hs_chapters\s*=.*", chapters, text, count=1)
        return changed if changed != text else text + "\n" + chapters + "\n"
    if kind == 5:
        return re.sub(r'address\s*=\s*"', 'address = "x\u202e', text, count=1)
    if kind == 6:
        return text[: rng.randrange(len(text) + 1)]
    return text.replace("[[exporter]]", "[exporter]", 1)


def mutate_registration(rng: random.Random, text: str) -> str:
    return _registration_change(rng, text)


# --- running the reader -------------------------------------------------------------------


def run_reader(path: Path, timeout: float) -> Result:
    """Read and check ``path`` in-process; the outcome as ``rexdecl check`` would see it."""
    from rexdecl.pipeline import check_workbook
    from rexdecl.rules import CheckOptions

    def work() -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # odd parts may warn
            checked = check_workbook(path, CheckOptions(as_of=AS_OF))
        return "findings" if checked.report.errors else "ok"

    return run_guarded(work, lambda _error: "unreadable", timeout)


def fuzz(
    iterations: int,
    seed: int,
    timeout: float = 10.0,
    save_crashes: Path | None = None,
    examples: list[Path] | None = None,
    progress: bool = False,
) -> dict[str, object]:
    """Run ``iterations`` mutated inputs; returns counts, crash/hang details and timing."""
    rng = random.Random(seed)
    sources = sorted(examples or EXAMPLES.glob("*.xlsx"))
    originals = {path: path.read_bytes() for path in sources}
    tally = Tally(OUTCOMES, save_crashes, progress_every=250 if progress else 0)
    with tempfile.TemporaryDirectory(prefix="rexdecl-fuzz-") as folder:
        work = Path(folder)
        registration = EXAMPLES / "registration.toml"
        registration_text = registration.read_text(encoding="utf-8") if registration.is_file() else ""
        target = work / "mutated.xlsx"
        for number in range(iterations):
            source = rng.choice(sources)
            data, names = mutate(rng, originals[source])
            target.write_bytes(data)
            if registration_text and rng.random() < 0.125:
                (work / "registration.toml").write_text(mutate_registration(rng, registration_text), encoding="utf-8")
                names = [*names, "registration"]
            elif registration_text:
                (work / "registration.toml").write_text(registration_text, encoding="utf-8")
            began = time.monotonic()
            result = run_reader(target, timeout)
            tally.record(number, source.name, names, result, time.monotonic() - began, data, f"{seed}-{number}.xlsx")
    return tally.summary(iterations=iterations, seed=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", "--cases", "--iterations", dest="iterations", type=int, default=1000, help="inputs to try (default 1000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input before HANG")
    parser.add_argument("--save-crashes", type=Path, help="folder to keep crashing/hanging inputs")
    args = parser.parse_args(argv)
    summary = fuzz(args.iterations, args.seed, args.timeout, args.save_crashes, progress=True)
    print_summary("fuzz_reader", summary, OUTCOMES)
    return exit_status(summary)


if __name__ == "__main__":
    sys.exit(main())
