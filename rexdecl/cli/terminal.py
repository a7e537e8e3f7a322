"""What the terminal the output goes to allows: colour (only on a terminal, never with
``NO_COLOR`` set to any non-empty value, https://no-color.org) and the width of a line."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TextIO

# The report wraps at 80 columns, and at the terminal's width when that is narrower.
MAX_WIDTH = 80
MIN_WIDTH = 40


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # a stream without isatty, or one already closed
        return False


def colour_wanted(err: bool = False) -> bool:
    """Colour on standard output (or error), only on a terminal and without NO_COLOR."""
    if os.environ.get("NO_COLOR"):
        return False
    return _is_terminal(sys.stderr if err else sys.stdout)


def text_width() -> int:
    """The width the report wraps at: 80 columns, or a narrower terminal's width."""
    if not _is_terminal(sys.stdout):
        return MAX_WIDTH
    columns = shutil.get_terminal_size((MAX_WIDTH, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))
