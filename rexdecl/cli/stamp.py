"""``rexdecl stamp``: the statement on origin added to the exporter's own invoice PDF.

Exit statuses as everywhere: 0 written, 1 errors in the shipment (nothing written), 2 unusable
input, usage, or a PDF that cannot be stamped (a scan, another document, a credit note, a
password needed to open it, a signature, a limit exceeded).
"""

from __future__ import annotations

from pathlib import Path

import click

from rexdecl.cli.errors import report_errors
from rexdecl.cli.options import (
    as_of_option,
    force_option,
    parse_as_of,
    registration_option,
    statement_language_option,
    verbose_option,
)
from rexdecl.cli.terminal import colour_wanted, text_width
from rexdecl.i18n import _


def register(cli: click.Group) -> None:
    """Add the ``stamp`` command to ``cli``."""

    @cli.command(
        "stamp",
        help=_(
            "Check a shipment and add its statement on origin to the exporter's own invoice or "
            "packing-list PDF (made in Excel or accounting software): in the free space at the "
            "bottom of the last page, else on an added page. The original content is never "
            "changed or covered."
        ),
    )
    @click.argument("document", metavar="DOCUMENT.pdf", type=click.Path(path_type=Path))
    @click.argument("workbook", metavar="SHIPMENT.xlsx", type=click.Path(path_type=Path))
    @click.option(
        "--out",
        "out",
        type=click.Path(dir_okay=True, path_type=Path),
        metavar="FILE",
        help=_("Output PDF. Default: <document name>_stamped.pdf beside the document."),
    )
    @registration_option()
    @statement_language_option()
    @as_of_option()
    @force_option(_("Replace an existing output file."))
    @verbose_option()
    @report_errors
    def stamp_command(
        document: Path,
        workbook: Path,
        out: Path | None,
        registration: Path | None,
        statement_language: str | None,
        as_of: str | None,
        force: bool,
        verbose: bool,
    ) -> None:
        from rexdecl.pipeline import stamp_document
        from rexdecl.report_text import format_text
        from rexdecl.rules import CheckOptions

        options = CheckOptions(as_of=parse_as_of(as_of), statement_language=statement_language)
        stamped = stamp_document(document, workbook, options, out, force, registration)
        report = stamped.checked.report
        colour = colour_wanted()
        if stamped.result is None:
            click.echo(format_text(report, colour=colour, verbose=verbose, width=text_width()))
            click.echo(_("rexdecl: errors found; nothing was written"), err=True)
            click.get_current_context().exit(report.exit_code)
            return
        result = stamped.result
        click.echo(format_text(report, colour=colour, verbose=verbose, include_info=verbose, width=text_width()))
        if result.placement == "last-page":
            where = _("in the free space at the bottom of page {page} (the last page)").format(page=result.page)
        else:
            where = _("on an added page {page} headed with the invoice number and date").format(page=result.page)
        click.echo(
            _("wrote {path}: statement on origin {where}; {pages} page(s)").format(
                path=result.path, where=where, pages=result.pages_after
            )
        )
        if result.pdfa:
            click.echo(_("the stamped document is {pdfa}, like the original").format(pdfa=result.pdfa))
        if result.decrypted:
            click.echo(
                _(
                    "note: {path} was encrypted without a password to open it (permissions only); the stamped "
                    "copy is written without encryption"
                ).format(path=document)
            )
