"""The ``demo`` command (workshops): see :mod:`rexdecl.demo`."""

from __future__ import annotations

from pathlib import Path

import click

from rexdecl.cli.errors import report_errors
from rexdecl.cli.options import as_of_option, force_option, parse_as_of
from rexdecl.cli.terminal import colour_wanted, text_width
from rexdecl.i18n import _


def register(cli: click.Group) -> None:
    """Add the ``demo`` command to ``cli``."""

    @cli.command(
        "demo",
        help=_(
            "Workshop demo: copy the examples into FOLDER (default ./rexdecl-demo), check and "
            "generate each with commentary, and show a broken shipment."
        ),
    )
    @click.argument("folder", type=click.Path(path_type=Path), default=Path("rexdecl-demo"), required=False)
    @as_of_option(_("Run date used by the date rules (default for the demo: 2026-11-22)."))
    @force_option(_("Replace the files of an earlier demo in FOLDER."))
    @report_errors
    def demo_command(folder: Path, as_of: str | None, force: bool) -> None:
        from rexdecl.demo import DEMO_AS_OF, run_demo
        from rexdecl.documents.pdf import Renderer
        from rexdecl.report_text import format_text

        day = parse_as_of(as_of) if as_of else DEMO_AS_OF
        for step in run_demo(folder, day, force, Renderer):
            if step.kind == "say":
                click.echo(step.text)
            elif step.kind == "report" and step.checked is not None:
                click.echo(format_text(step.checked.report, colour=colour_wanted(), width=text_width()))
            elif step.kind == "wrote":
                for path in step.paths:
                    click.echo("  " + _("wrote {path}").format(path=path))
