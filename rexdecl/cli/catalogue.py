"""The commands on the rule catalogue: ``rules`` (every code, its severity, meaning and legal
reference) and ``explain [CODE]`` (what a rule checks, why, its legal reference, an example
of a failing cell and how to fix it), in the interface language (--lang).

Exit statuses: 0 listed or explained, 2 unknown code (the message lists close matches).
"""

from __future__ import annotations

import click

from rexdecl.cli.errors import report_errors
from rexdecl.cli.options import format_option
from rexdecl.i18n import _


def register(cli: click.Group) -> None:
    """Add ``rules`` and ``explain`` to the command tree."""

    @cli.command("rules", help=_("List the rule catalogue: code, severity, meaning, legal reference."))
    @format_option("text", "json")
    @report_errors
    def rules_command(output_format: str) -> None:
        from rexdecl.catalogue import catalogue_rows, format_catalogue

        if output_format == "json":
            import json

            click.echo(json.dumps(catalogue_rows(), ensure_ascii=False, indent=2))
        else:
            click.echo(format_catalogue())

    @cli.command(
        "explain",
        help=_(
            "Explain a rule code: what it means, why it matters, the legal reference, "
            "an example of a failing cell and how to fix it. Without CODE: list "
            "every code with its meaning."
        ),
    )
    @click.argument("code", required=False, metavar="[CODE]")
    @report_errors
    def explain_command(code: str | None) -> None:
        from rexdecl.catalogue import explain, format_code_list, format_explanation

        if code is None or not code.strip():
            click.echo(format_code_list())
        else:
            click.echo(format_explanation(explain(code)))
