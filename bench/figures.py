"""What the timing scripts share: the rexdecl command they time, one measured run of a
command (wall time and the child's own peak memory), and a figure in the form bench/run.py
collects (one JSON object per figure: label, value, unit, target, comparison, pass, detail)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from typing import Any


def rexdecl_cmd() -> list[str]:
    """The installed ``rexdecl`` (what a user runs), else this Python's ``-m rexdecl``."""
    found = shutil.which("rexdecl")
    return [found] if found else [sys.executable, "-m", "rexdecl"]


def measured(command: list[str], allowed: tuple[int, ...] = (0,)) -> tuple[float, float, int, str]:
    """Wall time (s), peak resident memory (MB, this child's own rusage from wait4), exit
    status and the first line of stderr of one run of ``command``; exits when the status is
    not ``allowed``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # wait4 gives this child's own rusage; communicate() afterwards reads what is left.
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = code = os.waitstatus_to_exitcode(status)
    out, err = process.communicate()
    if code not in allowed:
        raise SystemExit(f"failed ({code}): {' '.join(command)}\n{out.decode()[-2000:]}\n{err.decode()[-2000:]}")
    said = err.decode(errors="replace").strip().splitlines()
    return elapsed, usage.ru_maxrss / 1024, code, " ".join(said[1:2] or said[:1]).strip()[:240]


def figure(
    label: str, value: float, unit: str, target: float, op: str, detail: str = "", ok: bool = True
) -> dict[str, Any]:
    """One figure against its target (``op`` one of <, <=, >, >=); ``ok=False`` fails it
    whatever the value (a measurement that did not come out as required)."""
    passed = ok and {"<": value < target, "<=": value <= target, ">": value > target, ">=": value >= target}[op]
    return {
        "figure": label,
        "value": round(value, 3),
        "unit": unit,
        "target": target,
        "op": op,
        "pass": passed,
        "detail": detail,
    }
