"""The command line: parses options, calls the library, prints, maps errors to exit codes.

Exit statuses: 0 success (documents written / no error), 1 errors found in a shipment,
2 unusable input or usage, 3 internal error (a bug: please report it), 130 interrupted.
The command tree is built after the interface language is known, so help texts are
translated too (``--lang``, ``REXDECL_LANG``, system locale).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from rexdecl import __version__
from rexdecl.errors import ExitStatus, RexdeclError, UnreadableInput
from rexdecl.i18n import _, detect_language, set_language

F = TypeVar("F", bound=Callable[..., Any])


def _language_from_args(args: Sequence[str]) -> str | None:
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def echo_error(message: str) -> None:
    from rexdecl.paths import printable

    click.echo(printable(message), err=True)


def report_errors(function: F) -> F:
    """Turn library errors into a message and exit status; never show a traceback."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        context = click.get_current_context()
        show_traceback = bool(context.find_root().params.get("traceback"))
        try:
            return function(*args, **kwargs)
        except RexdeclError as error:
            if show_traceback:
                traceback.print_exc()
            if isinstance(error, UnreadableInput):
                echo_error(_("rexdecl: the input cannot be used:"))
                for problem in error.problems:
                    echo_error(f"  - {problem}")
            else:
                echo_error(_("rexdecl: {message}").format(message=error.message))
            if error.hint:
                echo_error(_("hint: {hint}").format(hint=error.hint))
            context.exit(error.exit_code)
        except KeyboardInterrupt:
            echo_error(_("rexdecl: interrupted; no partial file was left"))
            context.exit(ExitStatus.INTERRUPTED)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except BrokenPipeError:
            # The reader of our output went away (`rexdecl batch … | head`): click stops
            # quietly with status 1, as for any command whose output pipe was closed.
            raise
        except OSError as error:
            # A file the user named that the system refuses (a name too long, a read-only
            # disk, no permission) where no better message was prepared: the user's
            # environment, not a bug.
            if show_traceback:
                traceback.print_exc()
            from rexdecl.paths import display_path

            reason = error.strerror or str(error)
            if error.filename is not None:
                echo_error(
                    _("rexdecl: {path}: {reason}").format(path=display_path(os.fsdecode(error.filename)), reason=reason)
                )
            else:
                echo_error(_("rexdecl: {message}").format(message=reason))
            context.exit(ExitStatus.USAGE)
        except Exception as error:  # a bug: say so plainly, keep the traceback for developers
            if show_traceback:
                traceback.print_exc()
            echo_error(
                _(
                    "rexdecl: internal error ({kind}: {detail}). This is a bug in rexdecl; please "
                    "report it with the input file. Run with --traceback for details."
                ).format(kind=type(error).__name__, detail=str(error)[:200])
            )
            context.exit(ExitStatus.INTERNAL)

    return wrapper  # type: ignore[return-value]


def parse_as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    from rexdecl.input.parsing import CellValueError, parse_date

    try:
        return parse_date(value)
    except CellValueError as error:
        raise click.BadParameter(
            _("found {found}; expected {expected}").format(found=error.found, expected=error.expected),
            param_hint="--as-of",
        ) from None


def _as_of_option(function: F) -> F:
    return click.option(
        "--as-of", "as_of", metavar="DATE", help=_("Run date used by the date rules (default: today), e.g. 2026-11-22.")
    )(function)


def format_option(function: F) -> F:
    """``--format text|json``, shared by the commands that print a report."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=_("Output format."),
    )(function)


def _registration_option(function: F) -> F:
    return click.option(
        "--registration",
        "registration",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help=_(
            "Registration file (TOML with [[exporter]] entries, or .xlsx with an Exporter sheet). "
            "Default: the workbook's Exporter sheet, else registration.toml beside the workbook."
        ),
    )(function)


def _language_option(function: F) -> F:
    return click.option(
        "--statement-language",
        "statement_language",
        type=click.Choice(["en", "fr", "es"]),
        help=_("Language of the statement on origin (overrides the workbook)."),
    )(function)


def make_cli() -> click.Group:
    """The command tree, with help texts in the current interface language."""

    @click.group(
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
        help=_(
            "rexdecl prepares and checks statements on origin (EU GSP, REX system) and prints them "
            "on commercial invoices and packing lists."
        ),
    )
    @click.version_option(__version__, "--version", message="rexdecl %(version)s")
    @click.option(
        "--lang",
        "lang",
        type=click.Choice(["en", "id"]),
        help=_("Language of messages: en or id (Bahasa Indonesia). Default: REXDECL_LANG or the system locale."),
    )
    @click.option("--traceback", is_flag=True, hidden=True, help="Show Python tracebacks (developers).")
    def cli(lang: str | None, traceback: bool) -> None:  # noqa: ARG001 - read through the context
        set_language(detect_language(lang))

    @cli.command("check", help=_("Check a shipment workbook against the GSP rules; write nothing."))
    @click.argument("workbook", type=click.Path(path_type=Path))
    @_registration_option
    @format_option
    @_as_of_option
    @_language_option
    @click.option("--no-statement", is_flag=True, help=_("Check for documents without a statement on origin."))
    @click.option("--verbose", "-v", is_flag=True, help=_("List every information finding."))
    @report_errors
    def check_command(
        workbook: Path,
        registration: Path | None,
        output_format: str,
        as_of: str | None,
        statement_language: str | None,
        no_statement: bool,
        verbose: bool,
    ) -> None:
        from rexdecl.pipeline import check_workbook
        from rexdecl.report import format_text
        from rexdecl.rules import CheckOptions

        options = CheckOptions(
            as_of=parse_as_of(as_of), statement_language=statement_language, no_statement=no_statement
        )
        checked = check_workbook(workbook, options, registration)
        if output_format == "json":
            click.echo(checked.report.to_json())
        else:
            click.echo(format_text(checked.report, colour=sys.stdout.isatty(), verbose=verbose))
        click.get_current_context().exit(checked.report.exit_code)

    @cli.command(
        "generate",
        help=_("Check a shipment and write its invoice and packing list as PDFs carrying the statement on origin."),
    )
    @click.argument("workbook", type=click.Path(path_type=Path))
    @_registration_option
    @click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        metavar="DIR",
        help=_("Output folder (created when missing). Default: the workbook's folder."),
    )
    @_language_option
    @_as_of_option
    @click.option("--force", is_flag=True, help=_("Replace existing output files."))
    @click.option(
        "--no-statement",
        is_flag=True,
        help=_("Write the documents without a statement on origin (goods without preference)."),
    )
    @click.option("--html", is_flag=True, help=_("Also write the HTML of each document, for inspection."))
    @click.option(
        "--logo",
        type=click.Path(path_type=Path),
        metavar="FILE",
        help=_("The exporter's logo (PNG, JPEG or SVG) printed on the documents."),
    )
    @click.option(
        "--register",
        "register_path",
        type=click.Path(path_type=Path),
        metavar="PATH",
        help=_("Record the statement in this register of issued statements (SQLite)."),
    )
    @click.option("--verbose", "-v", is_flag=True, help=_("List every information finding."))
    @report_errors
    def generate_command(
        workbook: Path,
        registration: Path | None,
        out_dir: Path | None,
        statement_language: str | None,
        as_of: str | None,
        force: bool,
        no_statement: bool,
        html: bool,
        logo: Path | None,
        register_path: Path | None,
        verbose: bool,
    ) -> None:
        from rexdecl.paths import display_path
        from rexdecl.pipeline import GenerateOptions, generate
        from rexdecl.report import format_text
        from rexdecl.rules import CheckOptions

        options = CheckOptions(
            as_of=parse_as_of(as_of), statement_language=statement_language, no_statement=no_statement
        )
        documents = GenerateOptions(out_dir=out_dir, force=force, html=html, logo=logo)
        generated = generate(workbook, options, documents, registration, register_path)
        report = generated.checked.report
        if report.errors:
            click.echo(format_text(report, colour=sys.stdout.isatty(), verbose=verbose), err=False)
            echo_error(_("rexdecl: errors found; no document was written"))
            click.get_current_context().exit(report.exit_code)
        click.echo(format_text(report, colour=sys.stdout.isatty(), verbose=verbose, include_info=verbose))
        for path in generated.written:
            click.echo(_("wrote {path}").format(path=display_path(path)))

    @cli.command("template", help=_("Write a blank shipment workbook (headers, an example row, drop-down lists)."))
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option("--force", is_flag=True, help=_("Replace an existing file."))
    @report_errors
    def template_command(path: Path, force: bool) -> None:
        from rexdecl.input.blank_workbook import write_template

        write_template(path, force)
        click.echo(_("wrote {path}").format(path=path))

    @cli.command("rules", help=_("List the rule catalogue: code, severity, meaning, legal reference."))
    @format_option
    @report_errors
    def rules_command(output_format: str) -> None:
        from rexdecl.catalogue import catalogue_rows, format_catalogue

        if output_format == "json":
            import json

            click.echo(json.dumps(catalogue_rows(), ensure_ascii=False, indent=2))
        else:
            click.echo(format_catalogue())

    for module_name in _EXTENSIONS:
        importlib.import_module(module_name).register(cli)
    return cli


# Modules that add commands (each exposes register(cli) and keeps its imports light, so
# `rexdecl --help` and `rexdecl check` never pay for WeasyPrint).
_EXTENSIONS = ("rexdecl.cli_explain", "rexdecl.cli_demo", "rexdecl.cli_batch", "rexdecl.cli_lint", "rexdecl.cli_stamp")


def prepare(args: Sequence[str]) -> click.Group:
    """Set the interface language from ``args``/environment and build the command tree."""
    set_language(detect_language(_language_from_args(args)))
    return make_cli()


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        prepare(args).main(args=args, prog_name="rexdecl")
    except KeyboardInterrupt:
        echo_error(_("rexdecl: interrupted; no partial file was left"))
        sys.exit(ExitStatus.INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    main()
