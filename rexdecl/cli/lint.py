"""``rexdecl lint FILE``: check a statement on origin written elsewhere (a PDF or a text file)
against the statutory wording.

Exit statuses: 0 every statement found is exact, 1 deviations found (or no statement at all),
2 the file cannot be read or is beyond lint's limits (rexdecl/limits.py).
"""

from __future__ import annotations

from pathlib import Path

import click

from rexdecl.cli.errors import report_errors
from rexdecl.cli.options import format_option
from rexdecl.cli.terminal import colour_wanted
from rexdecl.i18n import _


def register(cli: click.Group) -> None:
    """Add the ``lint`` command to ``cli``."""

    @cli.command(
        "lint",
        help=_(
            "Check the statement on origin in a document made elsewhere (PDF, or .txt/.md/.html "
            "read as text) against the statutory wording: words, blanks, REX number, criterion, "
            "country. Exit status 0 when every statement is exact, 1 otherwise."
        ),
    )
    @click.argument("file", type=click.Path(path_type=Path))
    @format_option("text", "json")
    @report_errors
    def lint_command(file: Path, output_format: str) -> None:
        from rexdecl.lint import format_text, lint_file

        report = lint_file(file)
        if output_format == "json":
            click.echo(report.to_json())
        else:
            click.echo(format_text(report, colour=colour_wanted()))
        click.get_current_context().exit(report.exit_code)
