"""`rexdecl check` of big workbooks: 10,000 lines and 100,000 lines (the row limit), whole
process as a user runs it (issue 18, target 4).

    python bench/check_speed.py [--quick] [--json]

Targets: check of 10,000 lines < 1.0 s; of 100,000 lines < 8 s with peak resident memory
< 500 MB. The workbooks are bench/shipments.py's, built in a temporary folder (removed at the
end). Each figure is the median of its runs; peak memory is the maximum over them. With
``--json``, one JSON object per figure on stdout (bench/FIGURES interface); chatter on stderr.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from figures import figure, measured, rexdecl_cmd  # noqa: E402
from shipments import write_shipment  # noqa: E402

AS_OF = "2026-11-22"


def spread(values: list[float]) -> str:
    return f"min {min(values):.2f} median {statistics.median(values):.2f} max {max(values):.2f} (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument("--json", action="store_true", help="one JSON object per figure on stdout")
    args = parser.parse_args()
    runs = {10_000: 3 if args.quick else 5, 100_000: 1 if args.quick else 2}
    figures = []
    with tempfile.TemporaryDirectory(prefix="rexdecl-bench-check-") as folder:
        for lines, repeat in runs.items():
            print(f"check of {lines:,} lines: writing the workbook", file=sys.stderr)
            workbook = write_shipment(Path(folder) / f"w{lines}", lines)
            command = [*rexdecl_cmd(), "check", str(workbook), "--as-of", AS_OF]
            results = [measured(command)[:2] for _ in range(repeat)]
            times = [t for t, _ in results]
            peak = max(m for _, m in results)
            print(f"  {spread(times)}; peak {peak:.0f} MB", file=sys.stderr)
            target = 1.0 if lines == 10_000 else 8.0
            figures.append(figure(f"check, {lines:,} lines", statistics.median(times), "s", target, "<", spread(times)))
            if lines == 100_000:
                figures.append(
                    figure(f"check, {lines:,} lines, peak memory", peak, "MB", 500, "<", f"max over {repeat} run(s)")
                )
    for item in figures:
        if args.json:
            print(json.dumps(item))
        else:
            mark = "pass" if item["pass"] else "FAIL"
            print(
                f"{item['figure']:<42} {item['value']:>9.2f} {item['unit']:<3} {item['op']} {item['target']:<6} {mark}"
            )


if __name__ == "__main__":
    main()
