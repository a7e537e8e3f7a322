"""The command line: parses options, calls the library, prints, maps errors to exit statuses.

Exit statuses: 0 success (documents written / no error), 1 errors found in a shipment,
2 unusable input or usage, 3 internal error (a bug: please report it), 130 interrupted.
The command tree is built after the interface language is known, so help texts are
translated too (``--lang``, ``REXDECL_LANG``, system locale).

One module per command group, each adding its commands with ``register(cli)``:
:mod:`~rexdecl.cli.shipment` (check, generate, template), :mod:`~rexdecl.cli.catalogue`
(rules, explain), :mod:`~rexdecl.cli.batch` (with its progress display,
:mod:`~rexdecl.cli.progress`), :mod:`~rexdecl.cli.register_group` (register list, export),
:mod:`~rexdecl.cli.lint`, :mod:`~rexdecl.cli.stamp` and :mod:`~rexdecl.cli.demo`. The options
they share are declared once in :mod:`~rexdecl.cli.options`; errors become messages and exit
statuses in :mod:`~rexdecl.cli.errors`. Their imports stay light: the library's heavy modules
(WeasyPrint, pypdf) are loaded when a command that needs them runs, never for ``--help`` or
``check``.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from rexdecl import __version__
from rexdecl.cli import batch, catalogue, demo, lint, register_group, shipment, stamp
from rexdecl.cli.errors import JsonUsageErrors, echo_error
from rexdecl.cli.options import lang_everywhere, lang_option
from rexdecl.errors import ExitStatus
from rexdecl.i18n import _, detect_language, set_language

__all__ = ["main", "make_cli", "prepare"]

COMMAND_GROUPS = (shipment, catalogue, demo, batch, register_group, lint, stamp)


def _language_from_args(args: Sequence[str]) -> str | None:
    """The value of ``--lang`` wherever it stands: before the command or after it."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def make_cli() -> click.Group:
    """The command tree, with help texts in the current interface language."""

    @click.group(
        cls=JsonUsageErrors,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
        help=_(
            "rexdecl prepares and checks statements on origin (EU GSP, REX system) and prints them "
            "on commercial invoices and packing lists."
        ),
    )
    @click.version_option(__version__, "--version", message="rexdecl %(version)s")
    @lang_option()
    @click.option("--traceback", is_flag=True, hidden=True, help="Show Python tracebacks (developers).")
    def cli(lang: str | None, traceback: bool) -> None:  # noqa: ARG001 - read through the context
        set_language(detect_language(lang))

    for group in COMMAND_GROUPS:
        group.register(cli)
    lang_everywhere(cli)
    return cli


def prepare(args: Sequence[str]) -> click.Group:
    """Set the interface language from ``args``/environment and build the command tree."""
    set_language(detect_language(_language_from_args(args)))
    return make_cli()


def main(argv: Sequence[str] | None = None) -> None:
    """The ``rexdecl`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        prepare(args).main(args=args, prog_name="rexdecl")
    except KeyboardInterrupt:
        echo_error(_("rexdecl: interrupted; no partial file was left"))
        _exit_interrupted()
    except SystemExit as leaving:
        if leaving.code == ExitStatus.INTERRUPTED:
            _exit_interrupted()
        raise


def _exit_interrupted() -> NoReturn:
    """Exit 130 after a Ctrl-C. Another Ctrl-C now has nothing left to stop (a batch asked to
    stop twice often gets the second while it exits): ignored, it cannot kill the process on
    its way out -- Python gives SIGINT back its default action while it shuts down -- and
    turn exit status 130 into "killed by SIGINT", which a script reads differently."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(ExitStatus.INTERRUPTED)
