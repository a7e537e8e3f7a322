"""rexdecl against the renderer's own floor, in one run on this machine.

    python bench/run.py            # full run (about 12 minutes on 2 cores)
    python bench/run.py --quick    # fewer repetitions, no 1,000-line case

Prints each figure with min/median/max and each ratio. Timings are wall-clock seconds;
ratios compare figures measured in the same run, so they hold across machines. The floor and
rexdecl are measured alternately (one run of each in turn, warm processes included), so a
busy moment of the machine weighs on both sides of a ratio alike.
Targets (issue "Performance"): generate <= 1.0 x floor; batch 2 workers >= 1.8 x 1 worker;
--help and check never import WeasyPrint; --help < 0.3 s; check of 10,000 lines < 3 s;
worker memory flat after 10 shipments and < 300 MB.
"""

from __future__ import annotations

import argparse
import os
import platform
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


def run_once(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return elapsed


def timed(command: list[str], repeat: int, env: dict[str, str] | None = None) -> list[float]:
    return [run_once(command, env) for _ in range(repeat)]


def stats(values: list[float]) -> str:
    return f"min {min(values):7.3f}  median {statistics.median(values):7.3f}  max {max(values):7.3f}"


def row(label: str, values: list[float]) -> None:
    print(f"  {label:<52} {stats(values)}  (n={len(values)})")


def ratio(label: str, numerator: list[float], denominator: list[float], target: str) -> None:
    """The ratio of the medians, with the spread of the ratio over the runs paired in turn."""
    value = statistics.median(numerator) / statistics.median(denominator)
    paired = [a / b for a, b in zip(numerator, denominator, strict=True)]
    spread = f"(paired runs: min {min(paired):.2f}, max {max(paired):.2f})" if len(paired) > 1 else ""
    print(f"  {label:<52} {value:6.2f} x   target {target}  {spread}")


def alternately(commands: list[list[str]], repeat: int) -> list[list[float]]:
    """Each command run ``repeat`` times, one run of each in turn."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for index, command in enumerate(commands):
            times[index].append(run_once(command))
    return times


def warm_alternately(commands: list[list[str]], repeat: int) -> list[list[float]]:
    """Warm processes (bench/warm.py) asked in turn for one repetition each; the first
    repetition of each (imports, fonts) is left out."""
    processes = [subprocess.Popen(c, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for c in commands]
    times: list[list[float]] = [[] for _ in commands]
    try:
        for round_number in range(repeat + 1):
            for index, process in enumerate(processes):
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write("\n")
                process.stdin.flush()
                answer = process.stdout.readline()
                if not answer:
                    raise SystemExit(f"warm process failed: {' '.join(commands[index])}")
                if round_number:
                    times[index].append(float(answer))
    finally:
        for process in processes:
            if process.stdin:
                process.stdin.close()
            process.wait()
    return times


def _rss_kb(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) of a live process in kB, or None once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status if line.startswith(("VmRSS", "VmHWM")))
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def _workers_of(pid: int) -> list[int]:
    """The batch's worker processes (multiprocessing spawn children), or the batch process
    itself when it works alone (--jobs 1 renders in-process)."""
    workers = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            if parent != pid:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                if b"spawn_main" in cmdline.read():
                    workers.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return workers or [pid]


def batch_run(command: list[str]) -> tuple[float, dict[int, list[tuple[int, int, int]]]]:
    """Wall time of one batch, and for each worker its (shipments done, RSS kB, peak kB) after
    each shipment reported. Reads the batch's one line per shipment (stdout not a terminal);
    the worker memory is read from /proc (Linux), nothing elsewhere."""
    samples: dict[int, list[tuple[int, int, int]]] = {}
    start = time.perf_counter()
    errors = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: nobody reads it while the batch runs
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    assert process.stdout is not None
    done = 0
    for line in process.stdout:
        if not line.startswith(("ok ", "errors ", "unreadable ", "skipped ")):
            continue
        done += 1
        if sys.platform.startswith("linux"):
            for worker in _workers_of(process.pid):
                memory = _rss_kb(worker)
                if memory is not None:
                    samples.setdefault(worker, []).append((done, *memory))
    if process.wait() != 0:
        errors.seek(0)
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{errors.read()}")
    errors.close()
    return time.perf_counter() - start, samples


def memory_line(jobs: int, samples: dict[int, list[tuple[int, int, int]]]) -> None:
    if not samples:
        print("  worker memory: not measured (needs Linux /proc)")
        return
    for number, (_pid, series) in enumerate(sorted(samples.items()), 1):
        after_10 = next((rss for done, rss, _ in series if done >= 10), series[0][1])
        last_rss, peak = series[-1][1], max(hwm for _, _, hwm in series)
        growth = (last_rss - after_10) / 1024
        verdict = "met" if peak / 1024 < 300 and growth < 15 else "NOT met"
        print(
            f"  --jobs {jobs} worker {number}: RSS at shipment 10 of the batch {after_10 / 1024:6.1f} MB, "
            f"at the end {last_rss / 1024:6.1f} MB (growth {growth:+.1f}), peak {peak / 1024:6.1f} MB  "
            f"target flat, < 300 MB ({verdict})"
        )


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
    parser.add_argument(
        "--batch-rounds",
        type=int,
        help="batch runs per worker count, alternated (default 3, or 1 with --quick)",
    )
    args = parser.parse_args()
    quick = args.quick
    sizes = (10, 100) if quick else (10, 100, 1000)
    repeats = {10: 3 if quick else 7, 100: 2 if quick else 5, 1000: 1}
    warm_repeats = {10: 5 if quick else 15, 100: 2 if quick else 5, 1000: 1}
    batch_rounds = max(1, args.batch_rounds or (1 if quick else 3))
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
            floor_process, rex_process = alternately(
                [
                    [sys.executable, str(HERE / "floor.py"), str(size), str(folder / "floor")],
                    rexdecl_cmd()
                    + ["generate", str(workbook), "--out", str(folder / "rex"), "--force", "--as-of", AS_OF],
                ],
                n,
            )
            floor_in, rex_in = warm_alternately(
                [
                    [sys.executable, str(HERE / "warm.py"), "floor", str(size), str(folder / "floor-warm")],
                    [sys.executable, str(HERE / "warm.py"), "rexdecl", str(workbook), str(folder / "rex-warm")],
                ],
                warm_repeats[size],
            )
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
        print(f"\nBatch of {count} ten-line shipments, seconds (memory: each worker, read from /proc)")
        results: dict[int, list[float]] = {1: [], 2: []}
        memory: dict[int, dict[int, list[tuple[int, int, int]]]] = {}
        for _round in range(batch_rounds):
            for jobs in (1, 2):
                out = work / f"batch-out-{jobs}"
                shutil.rmtree(out, ignore_errors=True)  # each round does the whole work again
                seconds, memory[jobs] = batch_run(
                    rexdecl_cmd() + ["batch", str(batch_dir), "--out", str(out), "--jobs", str(jobs), "--as-of", AS_OF]
                )
                results[jobs].append(seconds)
        for jobs in (1, 2):
            row(f"rexdecl batch --jobs {jobs}", results[jobs])
        ratio("throughput 2 workers / 1 worker", results[1], results[2], ">= 1.8")
        for jobs in (1, 2):
            memory_line(jobs, memory[jobs])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
