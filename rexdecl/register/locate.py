"""Finding the register when the user names none (``register list`` and ``export`` without
``--register``): ``batch`` writes ``OUT/register.sqlite`` in whatever output folder it was
given (``--out done/``), so the register is looked for in the current folder and in each of
its folders one level down, where an output folder usually is. One found is used; several,
or none, are a usage error that says where registers are written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from rexdecl.errors import UsageError
from rexdecl.i18n import _
from rexdecl.paths import display_path
from rexdecl.register.store import DEFAULT_NAME

__all__ = ["find_registers", "locate_register"]


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def find_registers(folder: Path) -> list[Path]:
    """Every ``register.sqlite`` in ``folder`` and in its folders one level down, in name
    order (the folder's own first), as paths relative to ``folder``'s form."""
    found = [folder / DEFAULT_NAME] if _is_file(folder / DEFAULT_NAME) else []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return found
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            continue
        candidate = Path(entry.path) / DEFAULT_NAME
        if is_folder and _is_file(candidate):
            found.append(candidate)
    return found


def locate_register(folder: Path = Path()) -> Path:
    """The one register in ``folder`` or a folder one level down. Raises UsageError (exit 2)
    naming the candidates when there are several, and saying where registers are written when
    there is none."""
    found = [Path(os.path.normpath(path)) for path in find_registers(folder)]
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(
            _("several registers here: {paths}; choose one with --register PATH").format(
                paths=", ".join(display_path(path) for path in found)
            )
        )
    raise UsageError(
        _(
            "no register here (no {name} in this folder or in a folder one level down); batch "
            "writes OUT/{name} in its output folder (--out, default rexdecl-out), and generate "
            "records only in the register named with --register"
        ).format(name=DEFAULT_NAME),
        hint=_("pass --register PATH, e.g. --register done/{name}").format(name=DEFAULT_NAME),
    )
