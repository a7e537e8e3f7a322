"""A short, fixed-seed run of the stamp fuzzer (bench/fuzz_stamp.py): mutated invoice PDFs
end as stamped or refused with a message, never as an internal error or a hang."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def load_fuzzer() -> Any:
    module = sys.modules.get("fuzz_stamp")
    if module is None:
        spec = importlib.util.spec_from_file_location("fuzz_stamp", ROOT / "bench" / "fuzz_stamp.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["fuzz_stamp"] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


def test_mutations_are_deterministic() -> None:
    fuzzer = load_fuzzer()
    source = fuzzer.drawn_invoice(nested=True)

    def inputs(seed: int) -> list[bytes]:
        rng = fuzzer.random.Random(seed)
        return [fuzzer.mutate(rng, source)[0] for _ in range(30)]

    assert inputs(5) == inputs(5)
    assert inputs(5) != inputs(6)


def test_fuzzed_invoices_never_crash_stamp() -> None:
    fuzzer = load_fuzzer()
    result = fuzzer.fuzz(60, seed=11, timeout=30.0)
    counts = result["counts"]
    assert sum(counts.values()) == 60
    assert counts["ok"] > 0 and counts["refused"] > 0  # it reached both
    assert (counts["CRASH"], counts["HANG"]) == (0, 0), result["problems"][:5]


def test_run_one_classifies_outcomes(tmp_path: Path) -> None:
    fuzzer = load_fuzzer()
    checked = fuzzer._checked(tmp_path / "shipments", fuzzer.NUMBER)
    good = tmp_path / "good.pdf"
    good.write_bytes(fuzzer.drawn_invoice())
    assert fuzzer.run_one(good, checked, "stamp", 60).outcome == "ok"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnothing more")
    assert fuzzer.run_one(broken, checked, "stamp", 60).outcome == "refused"
