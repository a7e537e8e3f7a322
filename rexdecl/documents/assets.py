"""The bundled assets folder: the document templates, the stylesheets, the fonts and the colour
profile, installed as the package ``rexdecl.templates``. The renderer reads nothing else but a
logo the user named."""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path

from rexdecl.errors import RenderError

__all__ = ["FONTS_CONF", "FONTS_FOLDER", "STYLESHEET", "USER_AGENT_STYLESHEET", "templates_dir"]

STYLESHEET = "style.css"
# The user-agent rules for the elements the templates use (see the file's header).
USER_AGENT_STYLESHEET = "ua.css"
FONTS_FOLDER = "fonts"
# Fontconfig sees only the bundled fonts (the output must not depend on the machine): the
# configuration in the fonts folder lists that folder, relative to itself, and no cache
# folder, so nothing is written anywhere -- no temporary folder to clean up.
FONTS_CONF = "fonts.conf"


@functools.cache
def templates_dir() -> Path:
    """The real path of the folder holding the templates, stylesheet and fonts."""
    try:
        root = Path(str(files("rexdecl.templates")))
    except ModuleNotFoundError:
        # Source tree, not installed: the top-level templates/ folder is what the build
        # installs as the package rexdecl.templates (see pyproject.toml), so use it directly.
        root = Path(__file__).resolve().parents[2] / "templates"
    root = root.resolve()
    if not (root / STYLESHEET).is_file():
        raise RenderError(
            f"the document templates are missing: {root / STYLESHEET} not found",
            hint="Reinstall rexdecl.",
        )
    return root
