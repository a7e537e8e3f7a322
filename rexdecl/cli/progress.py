"""The progress of ``rexdecl batch`` as it runs (:class:`ProgressDisplay`): a bar on a
terminal, else one line per shipment (:func:`shipment_line`), nothing with ``--quiet``."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from rexdecl.i18n import _, ngettext
from rexdecl.paths import display_path


def shipment_line(result: Any, out_dir: Path) -> str:
    """One line per shipment: ``ok  path -> files``, ``skipped  path``, ``errors path: CODES``,
    ``unreadable path: message``. The status words are not translated: scripts read them."""
    if result.status == "ok":
        files = ", ".join(display_path(out_dir / f) for f in result.files)
        return f"ok  {result.source} -> {files}"
    if result.status == "skipped":
        return f"skipped  {result.source}"
    if result.status == "unreadable":
        # The reader's problems name the file already: "path: ...", "path, sheet Items, ...".
        problems = [
            line.removeprefix(f"{result.source}: ").removeprefix(f"{result.source}, ")
            for line in (result.message or "").splitlines()
        ]
        return f"unreadable {result.source}: " + "\n    ".join(problems)
    line = f"errors {result.source}: {' '.join(result.codes)}"
    if result.message:
        line += "\n    " + result.message.replace("\n", "\n    ")
    return line


class ProgressDisplay:
    """Progress of a batch: a bar on a terminal (stderr), else one line per shipment (stdout);
    nothing with --quiet."""

    def __init__(
        self,
        out_dir: Path,
        quiet: bool,
        terminal: bool,
        clock: Callable[[], float] = time.monotonic,
        traceback: bool = False,
    ) -> None:
        self.clock = clock
        self.traceback = traceback
        self.out_dir = out_dir
        self.quiet = quiet
        self.terminal = terminal
        self.total = 0
        self.processing_started: float | None = None
        self.processed = 0  # shipments checked and rendered (not skipped): the rate counts these
        self.last_draw = 0.0
        self.drawn = False

    def __call__(self, progress: Any) -> None:
        self.total = progress.total
        result = progress.result
        if progress.phase == "reading" or self.processing_started is None:
            self.processing_started = self.clock()  # the rate counts from the end of reading
        if result is not None and result.status in ("ok", "errors"):
            self.processed += 1
        if self.traceback and result is not None and result.trace:
            self._clear()
            click.echo(result.trace.rstrip("\n"), err=True)  # --traceback: for developers
        if self.quiet:
            return
        if not self.terminal:
            if result is not None:
                click.echo(shipment_line(result, self.out_dir))
            return
        if result is not None and result.status in ("errors", "unreadable"):
            self._clear()
            click.echo(shipment_line(result, self.out_dir))
        now = self.clock()
        if now - self.last_draw >= 0.1 or progress.done == progress.total:
            self.last_draw = now
            self._draw(progress)

    def _draw(self, progress: Any) -> None:
        width = shutil.get_terminal_size((80, 20)).columns
        if progress.phase == "reading":
            text = _("reading {done}/{total}").format(done=progress.done, total=progress.total)
        else:
            rate = eta = ""
            elapsed = self.clock() - (self.processing_started or 0.0)
            if self.processed and elapsed >= 0.5:
                per_second = self.processed / elapsed
                rate = _("{rate:.1f}/s").format(rate=per_second)
                left = (progress.total - progress.done) / per_second if per_second else 0
                eta = _("{time} left").format(time=_clock(left))
            counts = f"{progress.done}/{progress.total}"
            failed = ngettext("{n} failed", "{n} failed", progress.failures).format(n=progress.failures)
            tail = "  ".join(part for part in (counts, failed, rate, eta) if part)
            # "[" bar "]  " tail, within width - 1 columns
            bar_width = max(10, min(40, width - len(tail) - 5))
            filled = bar_width * progress.done // max(progress.total, 1)
            text = "[" + "#" * filled + "-" * (bar_width - filled) + "]  " + tail
        click.echo("\r" + text[: width - 1].ljust(width - 1), nl=False, err=True)
        self.drawn = True

    def _clear(self) -> None:
        if self.drawn:
            width = shutil.get_terminal_size((80, 20)).columns
            click.echo("\r" + " " * (width - 1) + "\r", nl=False, err=True)
            self.drawn = False

    def close(self) -> None:
        if self.terminal and not self.quiet and self.drawn:
            click.echo("", err=True)
            self.drawn = False


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
