"""How the rules write a place and read an HS code: ``Items!F7`` in a message, the digits of
``6214.90``."""

from __future__ import annotations

from pathlib import PurePath

from rexdecl.model import Location


def cell_ref(location: Location) -> str:
    """``Items!F7`` (Excel's own notation) or ``sheet Items, row 7`` for a message."""
    if location.sheet and location.cell:
        return f"{location.sheet}!{location.cell}"
    if location.sheet and location.part:
        return f"{location.sheet}, {location.part}"
    if location.sheet:
        return location.sheet
    if location.part and location.file:
        # A place in another file (a registration TOML entry): name the file too.
        return f"{PurePath(location.file).name}, {location.part}"
    return location.part or location.file


def digits_only(code: str | None) -> str:
    """HS code without the dots and (ASCII) spaces allowed on input."""
    return (code or "").translate(_DOTS_AND_SPACES)


_DOTS_AND_SPACES = str.maketrans("", "", ". ")
