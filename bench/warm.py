"""One warm process that renders on request, so that two of them (the floor and rexdecl) can
be timed alternately, one repetition each in turn, under the same load of the machine.

    python bench/warm.py floor LINES OUTDIR
    python bench/warm.py rexdecl WORKBOOK OUTDIR

Each line read on standard input asks for one repetition (both documents); the wall time in
seconds is printed on its own line. The first repetition pays one-time work (imports, fonts)
and is meant to be discarded by the caller.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def floor_once(lines: int, out: Path) -> Callable[[], None]:
    from floor import document
    from weasyprint import HTML

    def once() -> None:
        for kind in ("invoice", "packing-list"):
            HTML(string=document(kind, lines)).write_pdf(out / f"floor-{lines}-{kind}.pdf")

    return once


def rexdecl_once(workbook: Path, out: Path) -> Callable[[], None]:
    import datetime as dt

    from rexdecl.documents.pdf import Renderer
    from rexdecl.pipeline import GenerateOptions, check_workbook, render_documents, write_documents
    from rexdecl.rules import CheckOptions

    renderer = Renderer()
    options = CheckOptions(as_of=dt.date(2026, 11, 22))

    def once() -> None:
        checked = check_workbook(workbook, options)
        write_documents(render_documents(checked, GenerateOptions(out_dir=out, force=True), renderer), overwrite=True)

    return once


def main() -> None:
    mode, subject, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    once = floor_once(int(subject), out) if mode == "floor" else rexdecl_once(Path(subject), out)
    for _request in sys.stdin:
        start = time.perf_counter()
        once()
        print(f"{time.perf_counter() - start:.4f}", flush=True)


if __name__ == "__main__":
    main()
