"""``rexdecl explain [CODE]``: what a rule checks, why, its legal reference, an example of a
failing cell and how to fix it, in the interface language (--lang).

Exit statuses: 0 explained or listed, 2 unknown code (the message lists close matches).
"""

from __future__ import annotations

import click

from rexdecl.i18n import _


def register(cli: click.Group) -> None:
    """Add the ``explain`` command to ``cli`` (called while the command tree is built)."""
    from rexdecl.cli import report_errors  # rexdecl.cli is fully loaded when it calls this

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
