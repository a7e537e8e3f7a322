"""``rexdecl batch``: many shipment workbooks checked and their documents written, in
parallel (:mod:`rexdecl.batch`); its progress shown as it goes (:mod:`rexdecl.cli.progress`),
its summary line at the end, Ctrl-C handled in two steps (finish the shipments in progress,
then stop at once).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from rexdecl.cli.errors import report_errors
from rexdecl.cli.options import (
    as_of_option,
    force_option,
    no_statement_option,
    parse_as_of,
    registration_option,
    statement_language_option,
)
from rexdecl.cli.progress import ProgressDisplay
from rexdecl.errors import ExitStatus
from rexdecl.i18n import _, ngettext
from rexdecl.paths import display_path

DEFAULT_OUT = Path("rexdecl-out")


def register(cli: click.Group) -> None:
    """Add ``batch`` to the command tree."""

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
    @registration_option()
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
    @statement_language_option(
        _("Language of the statements on origin (overrides the workbooks)."), aliases=("--language",)
    )
    @as_of_option()
    @force_option(_("Redo every shipment, even unchanged ones (files batch did not write are still never replaced)."))
    @click.option("--quiet", "-q", is_flag=True, help=_("Print only the final summary line."))
    @click.option(
        "--register",
        "register_path",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="PATH",
        help=_("The register of issued statements (SQLite), to share one among runs. Default: OUT/register.sqlite."),
    )
    @no_statement_option(_("Write the documents without a statement on origin (goods without preference)."))
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
        display = ProgressDisplay(out_dir, quiet=quiet, terminal=sys.stderr.isatty(), traceback=show_traceback)
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
