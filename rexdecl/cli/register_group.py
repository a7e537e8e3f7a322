"""The ``register`` group: the register of issued statements (SQLite) listed as a table
(``list``) and exported as the data an exporter enters in e-SKA (``export``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from rexdecl.cli.errors import echo_error, report_errors
from rexdecl.cli.options import force_option, format_option
from rexdecl.i18n import _


def register(cli: click.Group) -> None:
    """Add the ``register`` group (``list``, ``export``) to the command tree."""

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
        help=_(
            "The register file (batch writes OUT/register.sqlite). Default: the register.sqlite in "
            "this folder or in a folder one level down, when there is exactly one."
        ),
    )

    @register_group.command("list", help=_("List the statements of the register (the current version of each)."))
    @register_option
    @click.option("--all", "show_all", is_flag=True, help=_("Also list earlier, superseded versions."))
    @report_errors
    def list_command(register_path: Path | None, show_all: bool) -> None:
        from rexdecl.register import Register

        register_path = _register_or_found(register_path)
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
    @format_option("csv")
    @click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help=_("Write to FILE instead of the standard output."),
    )
    @force_option(_("Replace an existing FILE."))
    @report_errors
    def export_command(register_path: Path | None, output_format: str, output: Path | None, force: bool) -> None:
        from rexdecl.register import Register, eska_csv

        register_path = _register_or_found(register_path)
        with Register(register_path, create=False) as register_db:
            text = eska_csv(register_db)
        if output is None:
            click.echo(text, nl=False)
            return
        from rexdecl.output import atomic_write_bytes

        atomic_write_bytes(output, text.encode("utf-8"), overwrite=force)
        click.echo(_("wrote {path}").format(path=output), err=True)


def _register_or_found(register_path: Path | None) -> Path:
    """The register the user named, else the one found here (named on the standard error, so
    that the user knows which one was read and an export on the standard output stays CSV)."""
    if register_path is not None:
        return register_path
    from rexdecl.paths import display_path
    from rexdecl.register.locate import locate_register

    found = locate_register()
    echo_error(_("register: {path}").format(path=display_path(found)))
    return found


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
