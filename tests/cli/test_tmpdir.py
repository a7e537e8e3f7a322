"""Nothing left behind in the temporary directory, by any command that renders.

Each case runs the real ``rexdecl`` in a subprocess whose ``TMPDIR`` is an empty folder of its
own, then asserts the folder is still empty: after success, after an error (check errors, a
render error, a refused output) and after an interrupt -- a real SIGINT delivered mid-run, and
for ``batch`` Ctrl-C (SIGINT to the process group) and SIGTERM while its workers render.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, BASE_SHIPMENT, item_with, make_workbook, shipment_with, write_registration
from reportlab.pdfgen import canvas

DATE = AS_OF.isoformat()

# Runs rexdecl after wrapping FUNCTION (module:attribute, or module:Class.method) so that a
# real SIGINT is sent to the process right after its N-th call returns: the renderer is then
# loaded and busy, as when someone presses Ctrl-C in the middle of a run.
SIGINT_AFTER = textwrap.dedent("""
    import importlib, os, signal, sys

    target, nth = sys.argv[1], int(sys.argv[2])
    module_name, _, attribute = target.partition(":")
    owner = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    real = getattr(owner, name)
    calls = []

    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == nth:
            os.kill(os.getpid(), signal.SIGINT)
        return result

    setattr(owner, name, wrapper)
    from rexdecl.cli import main
    main(sys.argv[3:])
""")


@pytest.fixture
def tmpdir_env(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """An empty temporary directory and an environment pointing TMPDIR (and TEMP, TMP) at it."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(folder),
        "TEMP": str(folder),
        "TMP": str(folder),
        "REXDECL_LANG": "en",
        "PYTHONUNBUFFERED": "1",
    }
    return folder, env


def run(env: dict[str, str], *args: Any, driver: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    """``rexdecl ARGS`` in a subprocess (through the SIGINT driver when ``driver`` is given)."""
    command = [sys.executable, "-c", SIGINT_AFTER, *driver] if driver else [sys.executable, "-m", "rexdecl"]
    # Run outside the project folder: `python -m rexdecl` there would import the source tree
    # (which lacks the installed package's rexdecl.examples), not the installed package.
    return subprocess.run(
        [*command, *(str(a) for a in args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        cwd=Path(env["TMPDIR"]).parent,
    )


def left_behind(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.fixture
def good(tmp_path: Path) -> Path:
    workbook = make_workbook(tmp_path / "in", name="good.xlsx")
    write_registration(tmp_path / "in" / "registration.toml")
    return workbook


def exporter_pdf(path: Path, invoice_number: str) -> Path:
    """The exporter's own invoice, as another generator (reportlab) makes it."""
    pdf = canvas.Canvas(str(path), pagesize=(595.27, 841.89), invariant=1)
    pdf.drawString(72, 770, f"COMMERCIAL INVOICE {invoice_number}")
    pdf.drawString(72, 750, "Teak dining table, 10 PCS")
    pdf.save()
    return path


# -- generate ----------------------------------------------------------------------------


def test_generate_success_leaves_nothing(tmpdir_env: tuple[Path, dict[str, str]], good: Path, tmp_path: Path) -> None:
    folder, env = tmpdir_env
    logo = tmp_path / "logo.svg"
    # A logo with its own @font-face: WeasyPrint would copy the font into a temporary folder.
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><style>'
        '@font-face { font-family: X; src: local("Liberation Sans"); } text { font-family: X; }'
        '</style><text x="2" y="20">Logo</text></svg>',
        encoding="utf-8",
    )
    completed = run(env, "generate", good, "--out", tmp_path / "out", "--as-of", DATE, "--html", "--logo", logo)
    assert completed.returncode == 0, completed.stderr
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 2
    assert left_behind(folder) == []


def test_generate_errors_leave_nothing(tmpdir_env: tuple[Path, dict[str, str]], good: Path, tmp_path: Path) -> None:
    folder, env = tmpdir_env
    out = tmp_path / "out"
    # Check errors: nothing rendered.
    bad = make_workbook(tmp_path / "in", items=[item_with(origin_criterion="Z")], name="bad.xlsx")
    completed = run(env, "generate", bad, "--out", out, "--as-of", DATE)
    assert completed.returncode == 1, completed.stderr
    # A render error: the renderer is loaded, then refuses a character no bundled font has.
    cjk = make_workbook(tmp_path / "in", items=[item_with(description="Teak \u684c")], name="cjk.xlsx")
    completed = run(env, "generate", cjk, "--out", out, "--as-of", DATE)
    assert completed.returncode == 2, completed.stderr
    assert "is in none of the bundled fonts" in completed.stderr
    # A refused output: the documents exist already (written by the first run).
    assert run(env, "generate", good, "--out", out, "--as-of", DATE).returncode == 0
    completed = run(env, "generate", good, "--out", out, "--as-of", DATE)
    assert completed.returncode == 2, completed.stderr
    assert "already exist" in completed.stderr
    assert left_behind(folder) == []


def test_generate_interrupted_leaves_nothing(
    tmpdir_env: tuple[Path, dict[str, str]], good: Path, tmp_path: Path
) -> None:
    folder, env = tmpdir_env
    out = tmp_path / "out"
    driver = ("rexdecl.documents.pdf:Renderer.pdf", "1")  # after the invoice, before the packing list
    completed = run(env, "generate", good, "--out", out, "--as-of", DATE, driver=driver)
    assert completed.returncode == 130, completed.stderr
    assert "interrupted" in completed.stderr
    assert not out.exists() or list(out.iterdir()) == []
    assert left_behind(folder) == []


# -- stamp -------------------------------------------------------------------------------


def test_stamp_leaves_nothing(tmpdir_env: tuple[Path, dict[str, str]], good: Path, tmp_path: Path) -> None:
    folder, env = tmpdir_env
    document = exporter_pdf(tmp_path / "invoice.pdf", BASE_SHIPMENT["invoice_number"])
    completed = run(env, "stamp", document, good, "--out", tmp_path / "stamped.pdf", "--as-of", DATE)
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "stamped.pdf").is_file()
    # An error: the document is not this shipment's (another invoice number).
    other = exporter_pdf(tmp_path / "other.pdf", "OTHER-1")
    completed = run(env, "stamp", other, good, "--out", tmp_path / "other-stamped.pdf", "--as-of", DATE)
    assert completed.returncode == 2, completed.stderr
    # Interrupted right after the statement block was rendered.
    completed = run(
        env,
        "stamp",
        document,
        good,
        "--out",
        tmp_path / "again.pdf",
        "--as-of",
        DATE,
        driver=("rexdecl.stamp.writer:render_block", "1"),
    )
    assert completed.returncode == 130, completed.stderr
    assert not (tmp_path / "again.pdf").exists()
    assert left_behind(folder) == []


# -- demo --------------------------------------------------------------------------------


def test_demo_leaves_nothing(tmpdir_env: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, env = tmpdir_env
    completed = run(env, "demo", tmp_path / "demo")
    assert completed.returncode == 0, completed.stderr
    # An error: the demo folder is there already (no --force).
    completed = run(env, "demo", tmp_path / "demo")
    assert completed.returncode == 2, completed.stderr
    # Interrupted after its third document.
    completed = run(env, "demo", tmp_path / "demo2", driver=("rexdecl.documents.pdf:Renderer.pdf", "3"))
    assert completed.returncode == 130, completed.stderr
    assert left_behind(folder) == []


# -- batch -------------------------------------------------------------------------------


def batch_input(folder: Path, count: int) -> Path:
    for index in range(count):
        make_workbook(folder, shipment_with(invoice_number=f"INV-{index}"), name=f"{index}.xlsx")
    make_workbook(folder, items=[item_with(origin_criterion="Z")], name="errors.xlsx")
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    write_registration(folder / "registration.toml")
    return folder


def test_batch_leaves_nothing(tmpdir_env: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    folder, env = tmpdir_env
    source = batch_input(tmp_path / "in", 3)
    for jobs in ("2", "1"):
        out = tmp_path / f"out{jobs}"
        completed = run(env, "batch", source, "--out", out, "--jobs", jobs, "--as-of", DATE, "--quiet")
        assert completed.returncode == 1, completed.stderr  # the two bad workbooks
        assert len(list(out.rglob("*.pdf"))) == 6
    assert left_behind(folder) == []


def _wait_for(predicate: Callable[[], bool], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize(
    "signals",
    [(signal.SIGINT,), (signal.SIGINT, signal.SIGINT), (signal.SIGTERM,)],
    ids=["ctrl-c", "ctrl-c-twice", "sigterm"],
)
def test_batch_stopped_leaves_nothing(
    tmpdir_env: tuple[Path, dict[str, str]], tmp_path: Path, signals: tuple[int, ...]
) -> None:
    folder, env = tmpdir_env
    source = batch_input(tmp_path / "in", 12)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "rexdecl", "batch", str(source), "--out", str(out), "--jobs", "2", "--as-of", DATE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        # Stop it once the workers render: the first documents are in place.
        _wait_for(lambda: any(out.rglob("*.pdf")))
        for signum in signals:
            if signum == signal.SIGINT:
                os.killpg(process.pid, signum)  # Ctrl-C reaches the whole process group
            else:
                process.send_signal(signum)
            time.sleep(0.2)
        stdout, stderr = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 130, stdout + stderr
    assert "interrupted" in stderr
    assert left_behind(folder) == []


@pytest.mark.slow
def test_ctrl_c_while_the_stopped_batch_exits_keeps_exit_status_130(
    tmpdir_env: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The second Ctrl-C often comes as the batch, stopped by the first, is already on its way
    out: Python gives SIGINT its default action back while it shuts down, so the process was
    killed by the signal (-2) instead of exiting 130 as documented."""
    folder, env = tmpdir_env
    source = batch_input(tmp_path / "in", 12)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "rexdecl", "batch", str(source), "--out", str(out), "--jobs", "2", "--as-of", DATE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: any(out.rglob("*.pdf")))
        os.killpg(process.pid, signal.SIGINT)
        assert process.stderr is not None
        for line in process.stderr:
            if "interrupted" in line:  # it says it stopped: the second Ctrl-C, at that moment
                os.killpg(process.pid, signal.SIGINT)
                break
        process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 130
    assert left_behind(folder) == []
