"""What the user sees when a command fails: library errors, an interruption or a bug turned
into a message on the standard error and an exit status (:func:`report_errors`), never a
traceback unless ``--traceback`` asks for one."""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
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

    return cast(F, wrapper)
