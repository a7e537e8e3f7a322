"""Every performance figure of rexdecl against its target, in one run on this machine, as ONE
table (figure | value | target | pass/FAIL) under the machine it ran on. See bench/README.md.

    python bench/run.py            # full run (under 20 minutes on 2 cores)
    python bench/run.py --quick    # fewer repetitions (under 8 minutes), every target still shown

Measured here: `generate` whole process against the floor (bench/floor.py) at 10 and 100
lines; `batch` of 200 ten-line shipments with 2 workers against the warm floor
(bench/warm_floor.py) and against 1 worker, and the memory of each worker; `--help`; whether
`--help` and `check` import WeasyPrint. Run as subprocesses with ``--json`` when present
(bench/FIGURES interface): bench/big.py (1,000/5,000-line generate) and bench/check_speed.py
(check of 10,000 and 100,000 lines); when one is missing, its targets are rows saying so.
Ratios compare figures measured alternately in the same run (one run of each in turn), each
side's best run (the minimum: another process on the machine only ever adds time, so the
fastest run is the one least disturbed); the detail gives min, median and max. Progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from figures import figure, rexdecl_cmd  # noqa: E402
from shipments import write_shipment  # noqa: E402
from warm_floor import measure as warm_floor  # noqa: E402

AS_OF = "2026-11-22"
BATCH_SHIPMENTS = 200

# The targets of the scripts run as subprocesses, shown as rows when a script is missing.
OTHERS = {
    "big.py": [
        "generate, 5,000 / 1,000 lines, time",
        "generate, 5,000 lines, peak memory",
        "lint of the 5,000-line documents, exit status",
    ],
    "check_speed.py": ["check, 10,000 lines", "check, 100,000 lines", "check, 100,000 lines, peak memory"],
}
OTHER_TARGETS = {
    "generate, 5,000 / 1,000 lines, time": "<= 5.5 x",
    "generate, 5,000 lines, peak memory": "< 400 MB",
    "lint of the 5,000-line documents, exit status": "<= 0",
    "check, 10,000 lines": "< 1.0 s",
    "check, 100,000 lines": "< 8 s",
    "check, 100,000 lines, peak memory": "< 500 MB",
}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_once(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return elapsed


def spread(values: list[float]) -> str:
    return f"min {min(values):.2f} median {statistics.median(values):.2f} max {max(values):.2f} (n={len(values)})"


def alternately(commands: list[list[str]], repeat: int) -> list[list[float]]:
    """Each command run ``repeat`` times, one run of each in turn."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for index, command in enumerate(commands):
            times[index].append(run_once(command))
    return times


def cold_generate(work: Path, quick: bool) -> list[dict[str, Any]]:
    """`generate` whole process against the floor's whole process, alternately."""
    figures = []
    for size, repeat in ((10, 5 if quick else 11), (100, 3 if quick else 7)):
        folder = work / f"s{size}"
        workbook = write_shipment(folder, size)
        floor, rex = alternately(
            [
                [sys.executable, str(HERE / "floor.py"), str(size), str(folder / "floor")],
                [*rexdecl_cmd(), "generate", str(workbook), "--out", str(folder / "rex"), "--force", "--as-of", AS_OF],
            ],
            repeat,
        )
        value = min(rex) / min(floor)
        detail = f"generate {spread(rex)}; floor {spread(floor)}"
        say(f"  {size} lines: {detail}")
        figures.append(figure(f"generate {size} lines / floor (whole process)", value, "x", 0.6, "<=", detail))
    return figures


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


def start_up(work: Path, quick: bool) -> list[dict[str, Any]]:
    helps = [run_once([*rexdecl_cmd(), "--help"]) for _ in range(3 if quick else 7)]
    workbook = write_shipment(work / "s10", 10)
    heavy = [
        name for name, args in (("--help", ["--help"]), ("check", ["check", str(workbook)])) if imports_weasyprint(args)
    ]
    return [
        figure("rexdecl --help, whole process", statistics.median(helps), "s", 0.3, "<", spread(helps)),
        figure(
            "commands importing WeasyPrint (--help, check)",
            len(heavy),
            "",
            0,
            "<=",
            ", ".join(heavy) or "neither",
        ),
    ]


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
    each shipment reported (read from /proc on Linux; nothing elsewhere)."""
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


def batch(work: Path, quick: bool) -> list[dict[str, Any]]:
    """200 distinct ten-line shipments: --jobs 2 against the warm floor (2 processes) and
    against --jobs 1, one run of each in turn per round; worker memory from /proc. The warm
    floor with 1 process says how much a second process gains on this machine at all."""
    rounds = 2 if quick else 5
    folder = work / "batch"
    for index in range(1, BATCH_SHIPMENTS + 1):
        write_shipment(folder, 10, index)
    times: dict[str, list[float]] = {"floor": [], "floor1": [], "1": [], "2": []}
    memory: dict[int, list[tuple[int, int, int]]] = {}
    for number in range(rounds):
        say(f"  round {number + 1} of {rounds}: warm floor, --jobs 1, --jobs 2")
        times["floor"].append(warm_floor(BATCH_SHIPMENTS, 2, work / "warm-floor"))
        if not number:  # what the machine gives a second process at all (context, once)
            times["floor1"].append(warm_floor(BATCH_SHIPMENTS, 1, work / "warm-floor-1"))
        for jobs in ("1", "2"):
            out = work / f"batch-out-{jobs}"
            shutil.rmtree(out, ignore_errors=True)  # each round does the whole work again
            command = [*rexdecl_cmd(), "batch", str(folder), "--out", str(out), "--jobs", jobs, "--as-of", AS_OF]
            seconds, samples = batch_run(command)
            times[jobs].append(seconds)
            if jobs == "2":
                memory = samples
        say(f"    floor {times['floor'][-1]:.1f} s, --jobs 1 {times['1'][-1]:.1f} s, --jobs 2 {times['2'][-1]:.1f} s")
    floor, one, two = (min(times[k]) for k in ("floor", "1", "2"))
    paired = [a / b for a, b in zip(times["1"], times["2"], strict=True)]
    figures = [
        figure(
            "batch --jobs 2 throughput / warm floor",
            floor / two,
            "x",
            0.9,
            ">=",
            f"{BATCH_SHIPMENTS} shipments: --jobs 2 {spread(times['2'])} s; warm floor {spread(times['floor'])} s",
        ),
        figure(
            "batch throughput --jobs 2 / --jobs 1",
            one / two,
            "x",
            1.9,
            ">=",
            f"--jobs 1 {spread(times['1'])} s; rounds {', '.join(f'{r:.2f}' for r in paired)}; "
            f"the warm floor itself, 2 processes / 1 (first round): {times['floor1'][0] / times['floor'][0]:.2f} x",
        ),
    ]
    if memory:
        series = list(memory.values())
        peak = max(hwm for s in series for _, _, hwm in s) / 1024
        growth = max((s[-1][1] - next((rss for done, rss, _ in s if done >= 10), s[0][1])) / 1024 for s in series)
        figures.append(figure("batch worker peak memory", peak, "MB", 300, "<", f"{len(series)} workers"))
        figures.append(figure("batch worker growth after shipment 10", growth, "MB", 15, "<", "largest of the workers"))
    return figures


def others(script: str, quick: bool) -> list[dict[str, Any]]:
    """The figures of bench/<script> (run with --json), or rows saying it is not measured."""
    path = HERE / script
    if not path.exists():
        return [{"figure": name, "missing": f"not measured (bench/{script} missing)"} for name in OTHERS[script]]
    command = [sys.executable, str(path), "--json", *(["--quick"] if quick else [])]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    figures = [json.loads(line) for line in result.stdout.splitlines() if line.strip().startswith("{")]
    if result.returncode != 0 or not figures:
        return [{"figure": name, "missing": f"not measured (bench/{script} failed)"} for name in OTHERS[script]]
    return figures


def machine() -> str:
    try:
        from rexdecl.documents.engine import engine

        weasyprint = engine().weasyprint
        import weasyprint.text.ffi as ffi

        version = weasyprint.__version__
        subset = "HarfBuzz-subset present" if getattr(ffi, "harfbuzz_subset", None) else "no HarfBuzz-subset"
    except Exception as error:  # noqa: BLE001 - the machine line says what is missing
        version, subset = f"unavailable ({error})", "?"
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"WeasyPrint {version}, {subset}"
    )


def show(item: dict[str, Any]) -> str:
    if "missing" in item:
        return f"| {item['figure']} | — | {OTHER_TARGETS.get(item['figure'], '')} | {item['missing']} |"
    unit = item.get("unit", "")
    number = float(item["value"])
    value = (f"{number:.0f}" if number.is_integer() else f"{number:.2f}") + (f" {unit}" if unit else "")
    target = f"{item['op']} {item['target']:g} {unit}".rstrip()
    return f"| {item['figure']} | {value} | {target} | {'pass' if item['pass'] else 'FAIL'} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, every target shown")
    args = parser.parse_args()
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="rexdecl-bench-"))
    figures: list[dict[str, Any]] = []
    try:
        say("generate, whole process, against the floor")
        figures += cold_generate(work, args.quick)
        say(f"batch of {BATCH_SHIPMENTS} ten-line shipments")
        figures += batch(work, args.quick)
        say("start-up")
        figures += start_up(work, args.quick)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for script in OTHERS:
        say(f"bench/{script}")
        figures += others(script, args.quick)
    minutes = (time.perf_counter() - started) / 60
    print(f"rexdecl benchmark{' (--quick)' if args.quick else ''}, {time.strftime('%Y-%m-%d')}, {minutes:.1f} min")
    print(f"machine: {machine()}\n")
    print("| figure | value | target | result |")
    print("|---|---|---|---|")
    for item in figures:
        print(show(item))
    print()
    for item in figures:
        if item.get("detail"):
            print(f"  {item['figure']}: {item['detail']}")


if __name__ == "__main__":
    main()
