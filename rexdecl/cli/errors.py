"""What the user sees when a command fails: library errors, an interruption or a bug turned
into a message on the standard error and an exit status (:func:`report_errors`), never a
traceback unless ``--traceback`` asks for one. A command run with ``--format json`` also
prints the error as a JSON object on the standard output (:func:`json_error`), so that a
script reading it always gets JSON:

    {"error": {"exit_code": 2, "kind": "unreadable-input", "message": "...",
               "problems": [{"file": ..., "sheet": ..., "cell": ..., "part": ..., "message": ...}],
               "hint": null}}

``kind`` is ``unreadable-input``, ``usage``, ``output``, ``render``, ``rendering-unavailable``,
``internal`` (a bug, exit 3) or ``interrupted`` (exit 130)."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar, cast

import click

from rexdecl.errors import ExitStatus, RexdeclError, UnreadableInput
from rexdecl.i18n import _

F = TypeVar("F", bound=Callable[..., Any])


def echo_error(message: str) -> None:
    """Print ``message`` on the standard error, its control characters made visible."""
    from rexdecl.paths import printable

    click.echo(printable(message), err=True)


def json_error(exit_code: int, kind: str, message: str, hint: str | None = None) -> dict[str, object]:
    """The JSON error object of an error that is not one of the library's."""
    return {"exit_code": exit_code, "kind": kind, "message": message, "problems": [], "hint": hint}


def _printable(value: object) -> object:
    from rexdecl.paths import printable

    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    return value


def _echo_json(error: dict[str, object]) -> None:
    """``{"error": {...}}`` on the standard output (a file name's undecodable bytes as \\xNN)."""
    click.echo(json.dumps({"error": _printable(error)}, ensure_ascii=False, indent=2))


def report_errors(function: F) -> F:
    """Turn library errors into a message and exit status; never show a traceback. With
    ``--format json`` (the command's ``output_format``), the error is also printed as a JSON
    object on the standard output."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        context = click.get_current_context()
        show_traceback = bool(context.find_root().params.get("traceback"))
        as_json = kwargs.get("output_format") == "json"
        try:
            return function(*args, **kwargs)
        except RexdeclError as error:
            if show_traceback:
                traceback.print_exc()
            if as_json:
                _echo_json(error.to_dict())
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
            message = _("rexdecl: interrupted; no partial file was left")
            if as_json:
                _echo_json(json_error(ExitStatus.INTERRUPTED, "interrupted", message))
            echo_error(message)
            context.exit(ExitStatus.INTERRUPTED)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            # A bad option value found while the command runs (--as-of): click prints it, and
            # the command tree (JsonUsageErrors) its JSON object, as for one found while parsing.
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
                message = _("rexdecl: {path}: {reason}").format(
                    path=display_path(os.fsdecode(error.filename)), reason=reason
                )
            else:
                message = _("rexdecl: {message}").format(message=reason)
            if as_json:
                _echo_json(json_error(ExitStatus.USAGE, "usage", message.removeprefix("rexdecl: ")))
            echo_error(message)
            context.exit(ExitStatus.USAGE)
        except Exception as error:  # a bug: say so plainly, keep the traceback for developers
            if show_traceback:
                traceback.print_exc()
            message = _(
                "rexdecl: internal error ({kind}: {detail}). This is a bug in rexdecl; please "
                "report it with the input file. Run with --traceback for details."
            ).format(kind=type(error).__name__, detail=str(error)[:200])
            if as_json:
                _echo_json(json_error(ExitStatus.INTERNAL, "internal", message.removeprefix("rexdecl: ")))
            echo_error(message)
            context.exit(ExitStatus.INTERNAL)

    return cast(F, wrapper)


def asks_for_json(args: Sequence[str]) -> bool:
    """Whether the command line asks for ``--format json`` (read from the words typed, since a
    usage error may stop click before it has parsed the option)."""
    words = list(args)
    for index, word in enumerate(words):
        if word == "--":
            return False
        if word == "--format=json" or (word == "--format" and words[index + 1 : index + 2] == ["json"]):
            return True
    return False


class JsonUsageErrors(click.Group):
    """The root of the command tree: a usage error click finds (an unknown option, a missing
    argument, a value outside a list, a bad ``--as-of``) is also printed as the JSON error object
    (kind ``usage``, exit 2) when the command line asks for ``--format json``, so that a script
    reading the standard output always gets JSON. Click still prints its message and usage on
    the standard error and exits with its status."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        self.typed = list(sys.argv[1:] if args is None else args)
        return super().main(args, *rest, **extra)

    def make_context(self, *args: Any, **extra: Any) -> click.Context:
        try:
            return super().make_context(*args, **extra)
        except click.ClickException as error:
            self._json(error)
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as error:
            self._json(error)
            raise

    def _json(self, error: click.ClickException) -> None:
        if asks_for_json(getattr(self, "typed", ())):
            _echo_json(json_error(error.exit_code, "usage", error.format_message()))
