"""What the three fuzz targets (fuzz_reader.py, fuzz_lint.py, fuzz_stamp.py) share: running one
input under an alarm, sorting its outcome, keeping the count and the crashes, and the summary.

Each target has its own inputs and mutations; only the bookkeeping lives here, so that a
crash is grouped, saved and printed the same way whichever part of rexdecl it came from.
"""

from __future__ import annotations

import collections
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROBLEMS = ("CRASH", "HANG")


@dataclass(frozen=True)
class Result:
    outcome: str
    detail: str = ""
    kind: str = ""  # what groups crashes: exception type and the innermost rexdecl frame


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` swallows it."""


def run_guarded(work: Callable[[], str], refusal: Callable[[Any], str], timeout: float) -> Result:
    """Run ``work`` (which returns its outcome) for at most ``timeout`` seconds.

    A RexdeclError is rexdecl refusing the input as it should: ``refusal`` names its outcome.
    Running out of time is a HANG; any other exception is a CRASH (rexdecl would exit 3)."""
    from rexdecl.errors import RexdeclError

    def alarm(_signum: int, _frame: object) -> None:
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return Result(work())
    except RexdeclError as error:
        return Result(refusal(error), error.message[:200])
    except Timeout:
        return Result("HANG", f"more than {timeout} s", "HANG")
    except Exception as error:  # the point of the exercise
        frames = traceback.extract_tb(error.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "rexdecl" in f.filename), "?")
        kind = f"{type(error).__name__} at {where}"
        return Result("CRASH", f"{kind}: {str(error)[:160]}", kind)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Tally:
    """The outcomes of a fuzz run: counts, counts per mutation, the crashes and hangs (saved to
    ``save_crashes`` when given), the slowest input."""

    def __init__(self, outcomes: Iterable[str], save_crashes: Path | None, progress_every: int = 0) -> None:
        self.counts: collections.Counter[str] = collections.Counter({name: 0 for name in outcomes})
        self.by_mutation: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.problems: list[dict[str, object]] = []
        self.save_crashes = save_crashes
        self.progress_every = progress_every
        self.slowest = (0.0, -1)
        self.started = time.monotonic()

    def record(
        self,
        number: int,
        source: str,
        mutations: list[str],
        result: Result,
        seconds: float,
        data: bytes,
        file_name: str,
    ) -> None:
        """Count input ``number`` (made from ``source`` by ``mutations``); keep it when it crashed or hung."""
        self.counts[result.outcome] += 1
        self.slowest = max(self.slowest, (seconds, number))
        for name in mutations:
            self.by_mutation[name][result.outcome] += 1
        if result.outcome in PROBLEMS:
            self.problems.append(
                {
                    "input": number,
                    "source": source,
                    "mutations": mutations,
                    "outcome": result.outcome,
                    "detail": result.detail,
                    "kind": result.kind,
                }
            )
            if self.save_crashes is not None:
                self.save_crashes.mkdir(parents=True, exist_ok=True)
                (self.save_crashes / f"{result.outcome.lower()}-{file_name}").write_bytes(data)
        if self.progress_every and (number + 1) % self.progress_every == 0:
            print(f"  {number + 1} inputs ... {dict(self.counts)}", file=sys.stderr, flush=True)

    def summary(self, **about: object) -> dict[str, object]:
        """What the run found, with ``about`` (iterations, seed, target...) first."""
        return {
            **about,
            "counts": dict(self.counts),
            "by_mutation": {k: dict(v) for k, v in sorted(self.by_mutation.items())},
            "problems": self.problems,
            "seconds": time.monotonic() - self.started,
            "slowest": {"seconds": round(self.slowest[0], 2), "input": self.slowest[1]},
        }


def print_summary(title: str, summary: dict[str, object], outcomes: Iterable[str]) -> None:
    """The counts per outcome and per mutation, then every kind of crash with one example."""
    counts = summary["counts"]
    slowest = summary["slowest"]
    assert isinstance(counts, dict) and isinstance(slowest, dict)
    print(
        f"{title}: {summary['iterations']} inputs, seed {summary['seed']}, {summary['seconds']:.1f} s, "
        f"slowest input {slowest['seconds']:.2f} s (#{slowest['input']})"
    )
    for name in outcomes:
        print(f"  {name:<11}{counts.get(name, 0):>7}")
    print("  by mutation (outcomes of inputs that had it):")
    by_mutation = summary["by_mutation"]
    assert isinstance(by_mutation, dict)
    for name, outcome in by_mutation.items():
        print(f"    {name:<15}" + "  ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
    problems = summary["problems"]
    assert isinstance(problems, list)
    if problems:
        print("  crashes and hangs, grouped by exception and innermost rexdecl frame:")
        kinds = collections.Counter(str(p["kind"]) for p in problems)
        for kind, times in kinds.most_common():
            example = next(p for p in problems if p["kind"] == kind)
            print(f"    {times:>5} x {kind}")
            print(
                f"            e.g. input {example['input']} ({example['source']}, "
                f"{'+'.join(example['mutations'])}): {example['detail']}"
            )


def exit_status(summary: dict[str, object]) -> int:
    """1 when any input crashed or hung (CI fails on it), else 0."""
    counts = summary["counts"]
    assert isinstance(counts, dict)
    return 1 if any(counts.get(name) for name in PROBLEMS) else 0
