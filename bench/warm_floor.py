"""The warm floor of a batch: what bare WeasyPrint does with the same shipments when nothing
else is asked of it. ``PROCESSES`` processes each import WeasyPrint once, build the floor's
HTML (bench/floor.py) of both documents of each of their shipments, say they are ready, and
on the word render them all with bare WeasyPrint calls. The clock runs from the word to the
last process's end: pure rendering, no start-up, no HTML building, no checks.

    python bench/warm_floor.py SHIPMENTS PROCESSES OUTDIR [LINES]

prints the seconds for all shipments. The shipments are distinct: shipment ``n`` carries
invoice number BENCH/INV/<n>, as the batch's workbooks of bench/shipments.py do.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def worker(first: int, last: int, lines: int, out: Path) -> None:
    sys.path.insert(0, str(HERE))
    from floor import document
    from weasyprint import HTML

    out.mkdir(parents=True, exist_ok=True)
    pages = [
        (index, kind, document(kind, lines).replace("BENCH/INV/0001", f"BENCH/INV/{index:04d}"))
        for index in range(first, last + 1)
        for kind in ("invoice", "packing-list")
    ]
    print("ready", flush=True)
    sys.stdin.readline()
    for index, kind, page in pages:
        HTML(string=page).write_pdf(out / f"floor-{index:04d}-{kind}.pdf")
    print("done", flush=True)


def measure(shipments: int, processes: int, out: Path, lines: int = 10) -> float:
    """Seconds for ``processes`` warm processes to render ``shipments`` shipments."""
    share = -(-shipments // processes)
    children = []
    for number in range(processes):
        first, last = number * share + 1, min(shipments, (number + 1) * share)
        command = [sys.executable, __file__, "--worker", str(first), str(last), str(lines), str(out)]
        children.append(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    try:
        for child in children:
            assert child.stdout is not None
            if child.stdout.readline().strip() != "ready":
                raise SystemExit("warm floor: a process failed to start")
        start = time.perf_counter()
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            assert child.stdout is not None
            if child.stdout.readline().strip() != "done":
                raise SystemExit("warm floor: a process failed")
        return time.perf_counter() - start
    finally:
        for child in children:
            if child.stdin:
                child.stdin.close()
            child.wait()


def main() -> None:
    if sys.argv[1] == "--worker":
        worker(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
        return
    lines = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    print(f"{measure(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), lines):.3f}")


if __name__ == "__main__":
    main()
