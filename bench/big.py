"""Big shipments: `rexdecl generate` of 1,000 and 5,000 lines, and `rexdecl lint` of what it
wrote (issue 18, target 3).

    python bench/big.py [--quick] [--json]

Targets: the 5,000-line generate takes at most 5.5 x the 1,000-line one (linear time); peak
resident memory of the generate process < 400 MB at both sizes; lint passes (exit 0) on the
5,000-line documents, in time linear too; and documents are printed for 5,000 lines
(rexdecl.limits.MAX_DOCUMENT_LINES). Runs alternate between the sizes, so a busy moment of the machine
weighs on both sides of the ratio alike. The workbooks are bench/shipments.py's, built in a
temporary folder (removed at the end). With ``--json``, one JSON object per figure on stdout
(bench/FIGURES interface); chatter on stderr.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from figures import figure, measured, rexdecl_cmd  # noqa: E402
from shipments import write_shipment  # noqa: E402

AS_OF = "2026-11-22"
SIZES = (1_000, 5_000)


def spread(values: list[float]) -> str:
    return f"min {min(values):.1f} median {statistics.median(values):.1f} max {max(values):.1f} (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of each size")
    parser.add_argument("--json", action="store_true", help="one JSON object per figure on stdout")
    args = parser.parse_args()
    from rexdecl import limits

    limit = limits.MAX_DOCUMENT_LINES
    repeat = 1 if args.quick else 2
    times: dict[int, list[float]] = {n: [] for n in SIZES}
    peaks: dict[int, float] = dict.fromkeys(SIZES, 0.0)
    lint_times: dict[int, float] = {}
    lint_codes: dict[int, int] = {}
    lint_said: dict[int, str] = {}  # lint's refusal (exit 2), if any
    with tempfile.TemporaryDirectory(prefix="rexdecl-bench-big-") as folder:
        books = {n: write_shipment(Path(folder) / f"w{n}", n) for n in SIZES}
        for run in range(repeat):
            for lines in SIZES:
                out = Path(folder) / f"out{lines}"
                command = [
                    *rexdecl_cmd(),
                    "generate",
                    str(books[lines]),
                    "--out",
                    str(out),
                    "--as-of",
                    AS_OF,
                    "--force",
                ]
                elapsed, peak, _code, _said = measured(command)
                times[lines].append(elapsed)
                peaks[lines] = max(peaks[lines], peak)
                print(f"generate {lines:,} lines, run {run + 1}: {elapsed:.1f} s, {peak:.0f} MB", file=sys.stderr)
        for lines in SIZES:
            # lint: both documents; exit 1 = a deviation in the statement, 2 = refused.
            started = time.perf_counter()
            runs = [
                measured([*rexdecl_cmd(), "lint", str(pdf)], allowed=(0, 1, 2))
                for pdf in sorted((Path(folder) / f"out{lines}").glob("*.pdf"))
            ]
            codes = [code for _t, _m, code, _said in runs]
            lint_times[lines] = time.perf_counter() - started
            lint_codes[lines] = max(codes)
            lint_said[lines] = next((said for _t, _m, code, said in runs if code == 2), "")
            print(f"lint {lines:,} lines: {lint_times[lines]:.1f} s, exit {codes}", file=sys.stderr)
    small, big = SIZES
    ratio = statistics.median(times[big]) / statistics.median(times[small])
    lint_ok = all(code == 0 for code in lint_codes.values())
    figures = [
        figure(
            "generate, 5,000 / 1,000 lines, time",
            ratio,
            "x",
            5.5,
            "<=",
            f"1,000 lines: {spread(times[small])} s; 5,000 lines: {spread(times[big])} s",
        ),
        figure("generate, 1,000 lines, peak memory", peaks[small], "MB", 400, "<", f"max over {repeat} run(s)"),
        figure(
            "generate, 5,000 lines, peak memory",
            peaks[big],
            "MB",
            400,
            "<",
            f"max over {repeat} run(s)",
        ),
        figure(
            "lint of the 5,000-line documents, exit status",
            lint_codes[big],
            "",
            0,
            "<=",
            f"exit status of lint, worst of both documents (1,000 lines: {lint_codes[small]})"
            + (f"; {lint_said[big]}" if lint_said[big] else ""),
        ),
        figure(
            "lint, 5,000 / 1,000 lines, time",
            lint_times[big] / lint_times[small],
            "x",
            5.5,
            "<=",
            f"both documents: 1,000 lines {lint_times[small]:.1f} s; 5,000 lines {lint_times[big]:.1f} s"
            + ("" if lint_ok else " (lint did not pass: see its exit status)"),
            ok=lint_ok,
        ),
        figure("lines printed on documents (limit)", limit, "lines", big, ">=", "rexdecl.limits.MAX_DOCUMENT_LINES"),
    ]
    for item in figures:
        if args.json:
            print(json.dumps(item))
        else:
            mark = "pass" if item["pass"] else "FAIL"
            print(
                f"{item['figure']:<48} {item['value']:>9.2f} {item['unit']:<5} {item['op']} {item['target']:<6} {mark}"
            )
            print(f"    {item['detail']}")


if __name__ == "__main__":
    main()
