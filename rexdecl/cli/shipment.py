"""The commands on one shipment workbook: ``check`` (the report, nothing written),
``generate`` (its invoice and packing list, with ``--register`` recorded) and ``template`` (a
blank workbook to fill). Each calls :mod:`rexdecl.pipeline` and prints what it returns."""

from __future__ import annotations

from pathlib import Path

import click

from rexdecl.cli.errors import echo_error, report_errors
from rexdecl.cli.options import (
    as_of_option,
    force_option,
    format_option,
    no_statement_option,
    parse_as_of,
    registration_option,
    statement_language_option,
    verbose_option,
)
from rexdecl.cli.terminal import colour_wanted, text_width
from rexdecl.i18n import _


def register(cli: click.Group) -> None:
    """Add ``check``, ``generate`` and ``template`` to the command tree."""

    @cli.command("check", help=_("Check a shipment workbook against the GSP rules; write nothing."))
    @click.argument("workbook", type=click.Path(path_type=Path))
    @registration_option()
    @format_option("text", "json")
    @as_of_option()
    @statement_language_option()
    @no_statement_option(_("Check for documents without a statement on origin."))
    @verbose_option()
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
        from rexdecl.report_text import format_text
        from rexdecl.rules import CheckOptions

        options = CheckOptions(
            as_of=parse_as_of(as_of), statement_language=statement_language, no_statement=no_statement
        )
        checked = check_workbook(workbook, options, registration)
        if output_format == "json":
            click.echo(checked.report.to_json())
        else:
            click.echo(format_text(checked.report, colour=colour_wanted(), verbose=verbose, width=text_width()))
        click.get_current_context().exit(checked.report.exit_code)

    @cli.command(
        "generate",
        help=_("Check a shipment and write its invoice and packing list as PDFs carrying the statement on origin."),
    )
    @click.argument("workbook", type=click.Path(path_type=Path))
    @registration_option()
    @click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        metavar="DIR",
        help=_("Output folder (created when missing). Default: the workbook's folder."),
    )
    @statement_language_option()
    @as_of_option()
    @force_option(_("Replace existing output files."))
    @no_statement_option(_("Write the documents without a statement on origin (goods without preference)."))
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
    @verbose_option()
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
        from rexdecl.report_text import format_text
        from rexdecl.rules import CheckOptions

        options = CheckOptions(
            as_of=parse_as_of(as_of), statement_language=statement_language, no_statement=no_statement
        )
        documents = GenerateOptions(out_dir=out_dir, force=force, html=html, logo=logo)
        generated = generate(workbook, options, documents, registration, register_path)
        report = generated.checked.report
        if report.errors:
            click.echo(format_text(report, colour=colour_wanted(), verbose=verbose, width=text_width()), err=False)
            echo_error(_("rexdecl: errors found; no document was written"))
            click.get_current_context().exit(report.exit_code)
        click.echo(
            format_text(report, colour=colour_wanted(), verbose=verbose, width=text_width(), include_info=verbose)
        )
        for path in generated.written:
            click.echo(_("wrote {path}").format(path=display_path(path)))

    @cli.command(
        "template",
        help=_(
            "Write a blank shipment workbook (headers, an example row, drop-down lists), in the language of "
            "the messages (--lang id: sheets, columns and help in Bahasa Indonesia)."
        ),
    )
    @click.argument("path", type=click.Path(path_type=Path))
    @force_option(_("Replace an existing file."))
    @report_errors
    def template_command(path: Path, force: bool) -> None:
        from rexdecl.i18n import current_language
        from rexdecl.input.blank_workbook import write_template

        write_template(path, force, current_language())
        click.echo(_("wrote {path}").format(path=path))
