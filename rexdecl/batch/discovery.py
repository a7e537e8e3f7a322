"""Discovery: the workbooks a batch works on (folders recursively, ``.xlsx`` only, Excel lock
files ``~$*`` skipped, sorted), each once, and the name of each one's output folder
(``OUT/<name>/``), refused when two would share one or one would take a name batch uses."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rexdecl.batch.summary import SUMMARY_CSV, SUMMARY_JSON
from rexdecl.errors import UsageError
from rexdecl.i18n import _
from rexdecl.paths import display_path, file_kind, stat_or_none

__all__ = ["SQLITE_COMPANIONS", "Workbook", "discover", "output_name", "register_file_names"]

# Files SQLite keeps beside a database: a workbook's output folder must not take their names.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")
_RESERVED_NAMES = {SUMMARY_CSV, SUMMARY_JSON, *(f"register.sqlite{suffix}" for suffix in SQLITE_COMPANIONS)}


@dataclass(frozen=True)
class Workbook:
    """A workbook found on the command line, and the name of its output folder."""

    path: Path
    source: str  # as shown in the summary (a name that is not UTF-8 shows its bytes as \xNN)
    name: str  # OUT/<name>/
    kind: str | None = None  # what the path is when not a file (a named pipe, a device): not read


def _is_workbook_name(name: str) -> bool:
    return name.lower().endswith(".xlsx") and not name.startswith("~$")


def output_name(relative: Path) -> str:
    """``sub/Order 7.xlsx`` -> ``sub-Order-7``: the path without ``.xlsx``, separators and
    characters outside ``A-Za-z0-9._-`` replaced by ``-`` (the rule of
    :func:`rexdecl.documents.files.safe_name`, not imported here: it would load Babel in the parent
    before the workers start)."""
    text = relative.as_posix()
    if text.lower().endswith(".xlsx"):
        text = text[: -len(".xlsx")]
    name = re.sub(r"[^A-Za-z0-9._-]", "-", text)
    return name if name.strip(".") else name.replace(".", "-")


def discover(paths: Sequence[Path], reserved: Sequence[str] = ()) -> list[Workbook]:
    """The workbooks named by ``paths`` (folders recursively), each once, in a fixed order.

    A named pipe, a device or a socket with a workbook's name is listed with its ``kind``
    (never opened: reading it could wait for ever). ``reserved`` adds names (besides the
    summaries and ``register.sqlite`` with SQLite's companion files) that no output folder
    may take. Raises UsageError for a path that does not exist, when no workbook is found,
    and when two workbooks would share an output folder or one would take a reserved name.
    """
    found: list[Workbook] = []
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        status = stat_or_none(given)
        if status is not None and os.path.isdir(given):
            relatives = []
            for root, folders, files in os.walk(given):
                folders.sort()
                relatives += [(Path(root) / f).relative_to(given) for f in files if _is_workbook_name(f)]
            candidates = [(given / rel, rel) for rel in sorted(relatives, key=lambda p: p.as_posix())]
        elif status is not None:
            candidates = [(given, Path(given.name))]
        else:
            raise UsageError(
                _("{path}: no such file or folder; expected shipment workbooks (.xlsx) or folders of them").format(
                    path=display_path(given)
                )
            )
        for path, relative in candidates:
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            try:
                kind = file_kind(os.stat(path).st_mode)
            except OSError:  # a dangling link, or gone meanwhile: the reader says so
                kind = None
            found.append(Workbook(path, display_path(path), output_name(relative), kind))
    if not found:
        raise UsageError(
            _("no shipment workbook (.xlsx) found in {paths}").format(paths=", ".join(display_path(p) for p in paths))
        )
    taken = _RESERVED_NAMES | {name.casefold() for name in reserved}
    by_name: dict[str, Workbook] = {}
    for workbook in found:
        key = workbook.name.casefold()
        if key in taken:
            raise UsageError(
                _(
                    "{path}: its output folder would be named {name}, which batch uses for "
                    "its own files; rename the workbook"
                ).format(path=workbook.source, name=workbook.name)
            )
        if key in by_name:
            raise UsageError(
                _(
                    "{first} and {second} would both write to the output folder {name}; "
                    "rename one, or give their common parent folder instead"
                ).format(first=by_name[key].source, second=workbook.source, name=workbook.name),
                hint=_("The output folder of a workbook is its path relative to the folder given."),
            )
        by_name[key] = workbook
    return found


def register_file_names(register_path: Path, out_dir: Path) -> tuple[str, ...]:
    """The names of the register's files when it lies in the output folder itself (an output
    folder ``register.sqlite-journal`` would make SQLite fail on the register)."""
    try:
        inside = register_path.resolve().parent == out_dir.resolve()
    except OSError:
        return ()
    return tuple(register_path.name + suffix for suffix in SQLITE_COMPANIONS) if inside else ()
