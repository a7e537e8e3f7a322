"""Small files that once ate the machine: build each, run ``rexdecl`` on it under
``/usr/bin/time -v`` and print the exit status, peak memory (RSS) and wall time.

    python bench/hostile_reader.py                 # every case
    python bench/hostile_reader.py empty-rows fifo # some cases
    python bench/hostile_reader.py --keep /tmp/h   # keep the files built
    PYTHONPATH=/tmp/old python bench/hostile_reader.py --command "python -m rexdecl"
                                                   # another copy of rexdecl, to compare

Each case is a few hundred KB on disk (or not a file at all) that unpacks or expands to
something huge; the reader must refuse it with exit status 2 within seconds, its memory
bounded by the bytes present. ``100000-lines`` is the opposite: a real workbook at the
format's row limit, which must still be checked (exit 0 or 1).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from shipments import COLUMNS, REGISTRATION, write_shipment  # noqa: E402

AS_OF = "2026-11-22"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ITEMS_PART = "xl/worksheets/sheet2.xml"  # openpyxl writes the sheets in order
SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SST_REL = (
    b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
)
MB = 1024 * 1024


def _base(folder: Path) -> Path:
    """A good two-line shipment workbook (registration.toml beside it)."""
    return write_shipment(folder, 2)


def _repack(source: Path, target: Path, parts: dict[str, Callable[[], Iterator[bytes]]]) -> Path:
    """``source`` with the parts named in ``parts`` replaced (or added), streamed in chunks."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in parts:
                continue
            data = old.read(info.filename)
            if info.filename == "[Content_Types].xml" and "xl/sharedStrings.xml" in parts:
                data = data.replace(b"</Types>", SST_TYPE + b"</Types>")
            if info.filename == "xl/_rels/workbook.xml.rels" and "xl/sharedStrings.xml" in parts:
                data = data.replace(b"</Relationships>", SST_REL + b"</Relationships>")
            new.writestr(info.filename, data)
        for name, chunks in parts.items():
            with new.open(name, "w", force_zip64=True) as stream:
                for chunk in chunks():
                    stream.write(chunk)
    shutil.copy(source.parent / "registration.toml", target.parent / "registration.toml")
    return target


def _sheet(rows: Callable[[], Iterator[bytes]]) -> Callable[[], Iterator[bytes]]:
    """An Items sheet: the header row of the bench shipments, then ``rows``."""
    header = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in COLUMNS)

    def chunks() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'.encode()
        yield f'<row r="1">{header}</row>'.encode()
        yield from rows()
        yield b"</sheetData></worksheet>"

    return chunks


def huge_shared_strings(folder: Path) -> Path:
    """Four shared strings of 120 MB each (480 MB unpacked, under the package limit), the
    first one the description of line 1."""

    def sst() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode()
        block = b"x" * MB
        for _ in range(4):
            yield b"<si><t>"
            for _ in range(120):
                yield block
            yield b"</t></si>"
        yield b"</sst>"

    def items() -> Iterator[bytes]:
        yield b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c></row>'

    base = _base(folder / "base")
    return _repack(base, folder / "huge-shared-strings.xlsx", {"xl/sharedStrings.xml": sst, ITEMS_PART: _sheet(items)})


def column_gr_rows(folder: Path) -> Path:
    """One value in column GR (the 200th, within the column limit) on 100,000 rows."""

    def rows() -> Iterator[bytes]:
        for number in range(2, 100_002):
            yield b'<row r="%d"><c r="GR%d"><v>1</v></c></row>' % (number, number)

    base = _base(folder / "base")
    return _repack(base, folder / "column-GR-100000-rows.xlsx", {ITEMS_PART: _sheet(rows)})


def empty_rows(folder: Path) -> Path:
    """80 million empty row elements (480 MB unpacked)."""

    def rows() -> Iterator[bytes]:
        block = b"<row/>" * (MB // 6)
        for _ in range(480):
            yield block

    base = _base(folder / "base")
    return _repack(base, folder / "empty-rows.xlsx", {ITEMS_PART: _sheet(rows)})


def empty_cells(folder: Path) -> Path:
    """One row of 120 million empty cell elements without a reference (480 MB unpacked)."""

    def rows() -> Iterator[bytes]:
        yield b'<row r="2">'
        block = b"<c/>" * (MB // 4)
        for _ in range(480):
            yield block
        yield b"</row>"

    base = _base(folder / "base")
    return _repack(base, folder / "empty-cells.xlsx", {ITEMS_PART: _sheet(rows)})


def styled_empty_cells(folder: Path) -> Path:
    """Empty styled cells up to the element limit: 500 rows of 16,000 cells (32 MB unpacked)."""

    def rows() -> Iterator[bytes]:
        block = b'<c s="0"/>' * 16_000
        for number in range(2, 502):
            yield b'<row r="%d">%s</row>' % (number, block)

    base = _base(folder / "base")
    return _repack(base, folder / "styled-empty-cells.xlsx", {ITEMS_PART: _sheet(rows)})


def wide_values(folder: Path) -> Path:
    """A number in each of the 200 columns on 20,000 rows (4 million values, 80 MB unpacked)."""

    def rows() -> Iterator[bytes]:
        cells = b"<c><v>1</v></c>" * 200
        for number in range(2, 20_002):
            yield b'<row r="%d">%s</row>' % (number, cells)

    base = _base(folder / "base")
    return _repack(base, folder / "wide-values.xlsx", {ITEMS_PART: _sheet(rows)})


def long_registration_name(folder: Path) -> Path:
    """The registered name: 30,000 characters without a space (rendered by ``generate``)."""
    base = _base(folder)
    text = (folder / "registration.toml").read_text(encoding="utf-8")
    name = "PTBatikContohEksporPekalongan" * 1035
    (folder / "registration.toml").write_text(
        re.sub(r'name\s*=\s*"[^"]*"', f'name = "{name[:30_000]}"', text, count=1), encoding="utf-8"
    )
    return base


def hundred_thousand_lines(folder: Path) -> Path:
    """A real workbook at the format's limit: 100,000 item lines."""
    return write_shipment(folder, 100_000)


def dev_zero(_folder: Path) -> Path:
    return Path("/dev/zero")


def fifo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "registration.toml").write_text(REGISTRATION, encoding="utf-8")
    path = folder / "shipment.xlsx"
    os.mkfifo(path)
    return path


# name -> (builder, command: "check" or "generate")
CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "huge-shared-strings": (huge_shared_strings, "check"),
    "column-GR-100000-rows": (column_gr_rows, "check"),
    "empty-rows": (empty_rows, "check"),
    "empty-cells": (empty_cells, "check"),
    "styled-empty-cells": (styled_empty_cells, "check"),
    "wide-values": (wide_values, "check"),
    "long-registration-name": (long_registration_name, "generate"),
    "dev-zero": (dev_zero, "check"),
    "fifo": (fifo, "check"),
    "100000-lines": (hundred_thousand_lines, "check"),
}


def rexdecl_cmd() -> list[str]:
    found = shutil.which("rexdecl")
    return [found] if found else [sys.executable, "-m", "rexdecl"]


def measure(path: Path, command: str, out: Path, timeout: float, program: list[str]) -> dict[str, object]:
    """Run rexdecl on ``path`` under /usr/bin/time -v: exit status, peak RSS, wall time."""
    args = [*program, command, str(path), "--as-of", AS_OF]
    if command == "generate":
        args += ["--out", str(out), "--force"]
    timing = out.parent / "time.txt"
    started = time.monotonic()
    try:
        completed = subprocess.run(
            ["/usr/bin/time", "-v", "-o", str(timing), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=out.parent,  # not the project folder, whose rexdecl/ "python -m" would import
        )
    except subprocess.TimeoutExpired:
        return {"exit": "timeout", "rss_mb": None, "seconds": timeout, "message": f"killed after {timeout:.0f} s"}
    seconds = time.monotonic() - started
    report = timing.read_text() if timing.is_file() else ""
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    lines = (completed.stderr.strip() or completed.stdout.strip()).splitlines()
    message = next((line.strip() for line in lines if line.strip().startswith("- ")), lines[-1] if lines else "")
    return {
        "exit": completed.returncode,
        "rss_mb": int(rss[1]) / 1024 if rss else None,
        "seconds": seconds,
        "message": message[:300],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"cases to run (default: all): {', '.join(CASES)}")
    parser.add_argument("--keep", type=Path, help="build the files in this folder and keep them")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a run is killed")
    parser.add_argument("--command", help="how to run rexdecl (default: the rexdecl on PATH)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.cases if name not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; expected {', '.join(CASES)}")
    root = args.keep or Path(tempfile.mkdtemp(prefix="rexdecl-hostile-"))
    print(f"{'case':<24}{'size':>10}{'exit':>8}{'peak RSS':>12}{'time':>9}  message")
    try:
        for name in args.cases or list(CASES):
            builder, command = CASES[name]
            folder = root / name
            folder.mkdir(parents=True, exist_ok=True)
            path = builder(folder)
            size = f"{path.stat().st_size / 1024:,.0f} KB" if path.is_file() else "-"
            program = shlex.split(args.command) if args.command else rexdecl_cmd()
            result = measure(path, command, folder / "out", args.timeout, program)
            rss = f"{result['rss_mb']:,.0f} MB" if result["rss_mb"] is not None else "-"
            print(
                f"{name:<24}{size:>10}{result['exit']!s:>8}{rss:>12}{result['seconds']:>8.1f}s  {result['message']}",
                flush=True,
            )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
