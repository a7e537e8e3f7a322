"""rexdecl against the renderer's own floor, in one run on this machine.

    python bench/run.py            # full run (a few minutes on 2 cores)
    python bench/run.py --quick    # fewer repetitions, no 1,000-line case

Prints each figure with min/median/max and each ratio. Timings are wall-clock seconds;
ratios compare figures measured in the same run, so they hold across machines.
Targets (issue "Performance"): generate <= 1.0 x floor; batch 2 workers >= 1.8 x 1 worker;
--help and check never import WeasyPrint; --help < 0.3 s; check of 10,000 lines < 3 s;
worker memory flat after 10 shipments and < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from shipments import write_shipment  # noqa: E402

AS_OF = "2026-11-22"


def rexdecl_cmd() -> list[str]:
    found = shutil.which("rexdecl")
    return [found] if found else [sys.executable, "-m", "rexdecl"]


def timed(command: list[str], repeat: int, env: dict[str, str] | None = None) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return times


def stats(values: list[float]) -> str:
    return f"min {min(values):7.3f}  median {statistics.median(values):7.3f}  max {max(values):7.3f}"


def row(label: str, values: list[float]) -> None:
    print(f"  {label:<52} {stats(values)}  (n={len(values)})")


def ratio(label: str, numerator: list[float], denominator: list[float], target: str) -> None:
    value = statistics.median(numerator) / statistics.median(denominator)
    print(f"  {label:<52} {value:6.2f} x   target {target}")


def floor_warm(count: int, out: Path, repeat: int) -> list[float]:
    result = subprocess.run(
        [sys.executable, str(HERE / "floor.py"), str(count), str(out), "--repeat", str(repeat + 1)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(x) for x in result.stdout.split()][1:]  # the first includes start-up work


def rexdecl_warm(workbook: Path, out: Path, repeat: int) -> list[float]:
    code = f"""
import datetime as dt, time
from pathlib import Path
from rexdecl.checking import check_workbook
from rexdecl.documents import GenerateOptions, write_documents
from rexdecl.render import Renderer
from rexdecl.rules import CheckOptions
renderer = Renderer()
for i in range({repeat + 1}):
    start = time.perf_counter()
    checked = check_workbook(Path({str(workbook)!r}), CheckOptions(as_of=dt.date(2026, 11, 22)))
    write_documents(checked, GenerateOptions(out_dir=Path({str(out)!r}), force=True), renderer)
    print(f"{{time.perf_counter() - start:.4f}}")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [float(x) for x in result.stdout.split()][1:]


def memory_profile(workbook_dir: Path, out: Path, count: int) -> list[float]:
    """RSS (MB) after each shipment in one worker-like loop: one Renderer, many documents."""
    code = f"""
import datetime as dt, resource
from pathlib import Path
from rexdecl.checking import check_workbook
from rexdecl.documents import GenerateOptions, write_documents
from rexdecl.render import Renderer
from rexdecl.rules import CheckOptions
renderer = Renderer()
paths = sorted(Path({str(workbook_dir)!r}).glob('*.xlsx'))[:{count}]
for path in paths:
    checked = check_workbook(path, CheckOptions(as_of=dt.date(2026, 11, 22)))
    write_documents(checked, GenerateOptions(out_dir=Path({str(out)!r}) / path.stem, force=True), renderer)
    with open('/proc/self/status') as f:
        rss = next(int(l.split()[1]) for l in f if l.startswith('VmRSS'))
    print(rss / 1024)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [float(x) for x in result.stdout.split()]


def imports_weasyprint(args: list[str]) -> bool:
    code = (
        "import sys; from rexdecl.cli import prepare\n"
        f"args = {args!r}\n"
        "try:\n    prepare(args).main(args=args, prog_name='rexdecl', standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return result.stdout.strip().splitlines()[-1] == "True"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = args.quick
    sizes = (10, 100) if quick else (10, 100, 1000)
    repeats = {10: 3 if quick else 7, 100: 2 if quick else 5, 1000: 1}
    work = Path(tempfile.mkdtemp(prefix="rexdecl-bench-"))
    print(f"rexdecl benchmark — {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"work folder {work}\n")
    env = dict(os.environ)
    try:
        print("Single shipment: both documents (invoice + packing list), seconds")
        for size in sizes:
            folder = work / f"s{size}"
            workbook = write_shipment(folder, size)
            n = repeats[size]
            floor_process = timed([sys.executable, str(HERE / "floor.py"), str(size), str(folder / "floor")], n, env)
            rex_process = timed(
                rexdecl_cmd() + ["generate", str(workbook), "--out", str(folder / "rex"), "--force", "--as-of", AS_OF],
                n,
                env,
            )
            floor_in = floor_warm(size, folder / "floor-warm", n)
            rex_in = rexdecl_warm(workbook, folder / "rex-warm", n)
            print(f" {size} lines")
            row("floor, whole process (bare WeasyPrint)", floor_process)
            row("rexdecl generate, whole process", rex_process)
            row("floor, warm in one process", floor_in)
            row("rexdecl read+check+render, warm in one process", rex_in)
            ratio("generate / floor (whole process)", rex_process, floor_process, "<= 1.0")
            ratio("generate / floor (warm)", rex_in, floor_in, "<= 1.0")
        print("\nCommand start-up, seconds")
        helps = timed(rexdecl_cmd() + ["--help"], 7 if not quick else 3, env)
        row("rexdecl --help", helps)
        big = write_shipment(work / "big", 10_000)
        checks = timed(rexdecl_cmd() + ["check", str(big), "--as-of", AS_OF], 3 if not quick else 1, env)
        row("rexdecl check, 10,000-line workbook", checks)
        print(
            f"  --help imports WeasyPrint: {imports_weasyprint(['--help'])}   "
            f"check imports WeasyPrint: {imports_weasyprint(['check', str(big), '--as-of', AS_OF])}"
        )
        print(
            f"  targets: --help < 0.3 s ({'met' if statistics.median(helps) < 0.3 else 'NOT met'}), "
            f"check < 3 s ({'met' if statistics.median(checks) < 3 else 'NOT met'})"
        )

        count = 40 if quick else 200
        batch_dir = work / "batch"
        for index in range(1, count + 1):
            write_shipment(batch_dir, 10, index)
        print(f"\nBatch of {count} ten-line shipments, seconds")
        results = {}
        for jobs in (1, 2):
            out = work / f"batch-out-{jobs}"
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            results[jobs] = timed(
                rexdecl_cmd()
                + [
                    "batch",
                    str(batch_dir),
                    "--out",
                    str(out),
                    "--jobs",
                    str(jobs),
                    "--as-of",
                    AS_OF,
                    "--quiet",
                    "--force",
                ],
                1,
                env,
            )
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            row(f"rexdecl batch --jobs {jobs}", results[jobs])
            print(f"  {'peak RSS of the largest process so far':<52} {max(peak, before) / 1024:7.1f} MB")
        print(
            f"  {'throughput 2 workers / 1 worker':<52} "
            f"{statistics.median(results[1]) / statistics.median(results[2]):6.2f} x   target >= 1.8"
        )
        samples = memory_profile(batch_dir, work / "mem", count)
        print(f"\nWorker memory over {len(samples)} shipments (one renderer, RSS in MB)")
        print(
            f"  after shipment 1: {samples[0]:.1f}   after 10: {samples[min(9, len(samples) - 1)]:.1f}   "
            f"after {len(samples)}: {samples[-1]:.1f}   max: {max(samples):.1f}"
        )
        growth = samples[-1] - samples[min(9, len(samples) - 1)]
        print(
            f"  growth after the first 10 shipments: {growth:+.1f} MB   target: flat, < 300 MB "
            f"({'met' if max(samples) < 300 and growth < 15 else 'NOT met'})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
