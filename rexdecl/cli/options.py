"""The options several commands share, declared once: ``--as-of`` (and its parsing),
``--statement-language``, ``--registration``, ``--format``, ``--force``, ``--no-statement``,
``--verbose``, and ``--lang`` (before the command, and after it on every command:
:func:`lang_everywhere`).

Each is a function that returns click's decorator, called while the command tree is built
(:func:`rexdecl.cli.make_cli`), so its help is in the interface language; a command whose
option means something of its own passes its own help.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from rexdecl.i18n import SUPPORTED, _, set_language

F = TypeVar("F", bound=Callable[..., Any])


def statement_languages() -> list[str]:
    """The languages a statement on origin can be asked in (``--statement-language``): those
    of the schemes' data (rexdecl's and the user's ``REXDECL_SCHEMES`` files)."""
    from rexdecl.schemes import SchemeDataError
    from rexdecl.schemes import statement_languages as languages

    try:
        return list(languages())
    except SchemeDataError:
        # A user's scheme file that cannot be used is reported, with its entry and key, by the
        # command when it reads the scheme data (exit 2); the tree is still built.
        return list(languages(user_files=False))


def parse_as_of(value: str | None) -> dt.date:
    """The run date of ``--as-of`` (today without one); a bad date is a usage error (exit 2)."""
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


def as_of_option(help_text: str | None = None) -> Callable[[F], F]:
    """``--as-of DATE``: the run date of the date rules (parsed by :func:`parse_as_of`)."""
    return click.option(
        "--as-of",
        "as_of",
        metavar="DATE",
        help=help_text or _("Run date used by the date rules (default: today), e.g. 2026-11-22."),
    )


def statement_language_option(help_text: str | None = None, aliases: Sequence[str] = ()) -> Callable[[F], F]:
    """``--statement-language en|fr|es``: overrides the workbook's statement_language."""
    return click.option(
        "--statement-language",
        *aliases,
        "statement_language",
        type=click.Choice(statement_languages()),
        help=help_text or _("Language of the statement on origin (overrides the workbook)."),
    )


def registration_option() -> Callable[[F], F]:
    """``--registration FILE``: where the exporter's registration is read."""
    return click.option(
        "--registration",
        "registration",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help=_(
            "Registration file (TOML with [[exporter]] entries, or .xlsx with an Exporter sheet). "
            "Default: the workbook's Exporter sheet, else registration.toml beside the workbook."
        ),
    )


def format_option(*formats: str) -> Callable[[F], F]:
    """``--format``: one of ``formats`` (default the first), for the commands that print a
    report or export data."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(formats)),
        default=formats[0],
        show_default=True,
        help=_("Output format."),
    )


def force_option(help_text: str) -> Callable[[F], F]:
    """``--force``: replace what exists (each command says what in ``help_text``)."""
    return click.option("--force", is_flag=True, help=help_text)


def no_statement_option(help_text: str) -> Callable[[F], F]:
    """``--no-statement``: documents for goods without preference."""
    return click.option("--no-statement", is_flag=True, help=help_text)


def verbose_option() -> Callable[[F], F]:
    """``--verbose``/``-v``: every finding on its own, whole (the report groups them)."""
    return click.option(
        "--verbose",
        "-v",
        is_flag=True,
        help=_("Show every finding on its own, with its full message and legal reference."),
    )


def lang_option() -> Callable[[F], F]:
    """``--lang en|id`` of the command tree (``rexdecl --lang id check …``)."""
    return click.option(
        "--lang",
        "lang",
        type=click.Choice(list(SUPPORTED)),
        help=_("Language of messages: en or id (Bahasa Indonesia). Default: REXDECL_LANG or the system locale."),
    )


def _set_lang(_context: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        set_language(value)


def lang_everywhere(group: click.Group) -> None:
    """Let every command of ``group`` (and of its groups) take ``--lang`` too, where a user
    types it last (``rexdecl check x.xlsx --lang id``). The interface language is read from
    the whole command line before the tree is built (help texts), and set again when the
    command's own ``--lang`` is parsed (after the tree's, which saw none)."""
    for command in group.commands.values():
        if not any(param.name == "lang" for param in command.params):
            command.params.append(
                click.Option(
                    ["--lang"],
                    type=click.Choice(list(SUPPORTED)),
                    expose_value=False,
                    callback=_set_lang,
                    help=_("Language of messages: en or id (Bahasa Indonesia), as --lang before the command."),
                )
            )
        if isinstance(command, click.Group):
            lang_everywhere(command)
