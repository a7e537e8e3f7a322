"""The ``batch`` command and the ``register`` group (``list``, ``export``).

Registered into the command tree by :func:`register` (see ``rexdecl.cli._EXTENSIONS``).
Top-level imports stay light: the library modules are imported when a command runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from rexdecl.errors import ExitStatus
from rexdecl.i18n import _, ngettext
from rexdecl.paths import display_path

DEFAULT_OUT = Path("rexdecl-out")
DEFAULT_REGISTER = DEFAULT_OUT / "register.sqlite"


def register(cli: click.Group) -> None:
    """Add ``batch`` and ``register`` to the command tree."""
    from rexdecl.cli import (
        _as_of_option,
        _registration_option,
        parse_as_of,
        report_errors,
    )

    @cli.command(
        "batch",
        help=_(
            "Check many shipment workbooks and write their documents, in parallel: PATH is a "
            "folder (every .xlsx in it, recursively) or a workbook. Writes OUT/<name>/ per "
            "workbook, OUT/summary.csv, "
            "OUT/summary.json and the register of issued statements."
        ),
    )
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PATH...")
    @_registration_option
    @click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        default=DEFAULT_OUT,
        show_default=True,
        metavar="DIR",
        help=_("Output folder (created when missing)."),
    )
    @click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        metavar="N",
        help=_("Worker processes (default: the number of CPUs; 1: no worker process)."),
    )
    @click.option(
        "--statement-language",
        "--language",
        "statement_language",
        type=click.Choice(["en", "fr", "es"]),
        help=_("Language of the statements on origin (overrides the workbooks)."),
    )
    @_as_of_option
    @click.option(
        "--force",
        is_flag=True,
        help=_("Redo every shipment, even unchanged ones (files batch did not write are still never replaced)."),
    )
    @click.option("--quiet", "-q", is_flag=True, help=_("Print only the final summary line."))
    @click.option(
        "--register",
        "register_path",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="PATH",
        help=_("The register of issued statements (SQLite), to share one among runs. Default: OUT/register.sqlite."),
    )
    @click.option(
        "--no-statement",
        is_flag=True,
        help=_("Write the documents without a statement on origin (goods without preference)."),
    )
    @report_errors
    def batch_command(
        paths: tuple[Path, ...],
        registration: Path | None,
        out_dir: Path,
        jobs: int | None,
        statement_language: str | None,
        as_of: str | None,
        force: bool,
        quiet: bool,
        register_path: Path | None,
        no_statement: bool,
    ) -> None:
        from rexdecl.batch import BatchOptions, run_batch

        show_traceback = bool(click.get_current_context().find_root().params.get("traceback"))
        options = BatchOptions(
            out_dir=out_dir,
            as_of=parse_as_of(as_of),
            statement_language=statement_language,
            no_statement=no_statement,
            force=force,
            jobs=jobs,
            registration_file=registration,
            register_path=register_path,
            traceback=show_traceback,
        )
        display = _Display(out_dir, quiet=quiet, terminal=sys.stderr.isatty(), traceback=show_traceback)
        with _stop_on_signals() as stop:
            try:
                result = run_batch(paths, options, progress=display, stop=stop)
            finally:
                display.close()
        if result.interrupted:
            click.echo(_interrupted_line(result), err=True)
            click.get_current_context().exit(ExitStatus.INTERRUPTED)
        click.echo(_summary_line(result))
        click.get_current_context().exit(result.exit_code)

    @cli.group(
        "register",
        help=_("The register of issued statements (SQLite): list them, export the data to enter in e-SKA."),
    )
    def register_group() -> None:
        pass

    register_option = click.option(
        "--register",
        "register_path",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="PATH",
        default=DEFAULT_REGISTER,
        show_default=True,
        help=_("The register file (batch writes OUT/register.sqlite)."),
    )

    @register_group.command("list", help=_("List the statements of the register (the current version of each)."))
    @register_option
    @click.option("--all", "show_all", is_flag=True, help=_("Also list earlier, superseded versions."))
    @report_errors
    def list_command(register_path: Path, show_all: bool) -> None:
        from rexdecl.register import Register

        with Register(register_path, create=False) as register_db:
            statements = register_db.statements(include_superseded=show_all)
        if not statements:
            click.echo(_("The register {path} holds no statement.").format(path=register_path))
            return
        click.echo(format_statements(statements, show_all))

    @register_group.command(
        "export",
        help=_(
            "Export the data an exporter enters in e-SKA for each DAB: one row per originating "
            "line of the current version of each statement."
        ),
    )
    @register_option
    @click.option(
        "--format",
        "output_format",
        type=click.Choice(["csv"]),
        default="csv",
        show_default=True,
        help=_("Output format."),
    )
    @click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help=_("Write to FILE instead of the standard output."),
    )
    @click.option("--force", is_flag=True, help=_("Replace an existing FILE."))
    @report_errors
    def export_command(register_path: Path, output_format: str, output: Path | None, force: bool) -> None:
        from rexdecl.register import Register, eska_csv

        with Register(register_path, create=False) as register_db:
            text = eska_csv(register_db)
        if output is None:
            click.echo(text, nl=False)
            return
        from rexdecl.output import atomic_write_bytes

        atomic_write_bytes(output, text.encode("utf-8"), overwrite=force)
        click.echo(_("wrote {path}").format(path=output), err=True)


# --- output ----------------------------------------------------------------------------


def _interrupted_line(result: Any) -> str:
    """What an interrupted batch did, counted from its results: never more than was done."""
    totals = result.totals
    line = _(
        "rexdecl: interrupted: {done} of {total} workbooks done ({ok} ok, {errors} with errors, "
        "{unreadable} unreadable, {skipped} skipped), {left} not done; no summary was written."
    ).format(done=len(result.results), total=result.total, left=result.not_done, **totals)
    if result.cut_short:
        line += " " + ngettext(
            "{n} shipment was stopped while in progress; its files, if any, are replaced by the next run.",
            "{n} shipments were stopped while in progress; their files, if any, are replaced by the next run.",
            result.cut_short,
        ).format(n=result.cut_short)
    return line + " " + _("Run the same command again to finish (unchanged shipments are skipped).")


def _summary_line(result: Any) -> str:
    totals = result.totals
    count = len(result.results)
    line = (
        ngettext("{n} workbook", "{n} workbooks", count).format(n=count)
        + ": "
        + _("{ok} ok, {errors} with errors, {unreadable} unreadable, {skipped} skipped").format(**totals)
    )
    line += "; " + _("summary in {path}").format(path=display_path(result.out_dir / "summary.csv"))
    if totals["errors"] or totals["unreadable"]:
        line += "\n" + _("hint: rexdecl check WORKBOOK shows every finding of a shipment")
    return line


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


def format_statements(statements: list[Any], show_all: bool) -> str:
    """The register as a text table."""
    headers = [
        _("invoice"),
        _("date"),
        _("exporter"),
        _("REX number"),
        _("consignee"),
        _("dest."),
        _("lang."),
        _("v."),
        _("issued"),
        _("workbook"),
    ]
    rows = []
    for s in statements:
        row = [
            s.invoice_number,
            s.invoice_date or "",
            _cut(s.exporter_name),
            s.rex_number or "—",
            _cut(s.consignee_name),
            s.destination or "",
            s.statement_language or "—",
            str(s.version),
            s.issued_on,
            _workbook_name(s.source),
        ]
        if show_all:
            row.append(_("superseded") if s.superseded else _("current"))
        rows.append(row)
    if show_all:
        headers.append(_("status"))
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _workbook_name(source: str | None) -> str:
    """The workbook's file name: what tells apart two statements with one invoice number."""
    return _cut(os.path.basename(source)) if source else "—"


def _cut(text: str | None, width: int = 30) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


class _Display:
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


@contextmanager
def _stop_on_signals() -> Iterator[Callable[[], bool]]:
    """First Ctrl-C (or SIGTERM): no new shipment starts, the running ones finish and are
    recorded. Second: stop at once (KeyboardInterrupt)."""
    requested = False

    def handler(signum: int, _frame: object) -> None:
        nonlocal requested
        if requested:
            raise KeyboardInterrupt
        requested = True
        click.echo(
            "\n" + _("rexdecl: stopping after the shipments in progress (press Ctrl-C again to stop at once)"),
            err=True,
        )

    signals = [signal.SIGINT, signal.SIGTERM]
    try:
        previous = {number: signal.signal(number, handler) for number in signals}
    except ValueError:  # not the main thread: no handlers, Ctrl-C stops at once
        yield lambda: False
        return
    try:
        yield lambda: requested
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
