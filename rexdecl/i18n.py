"""Language of the messages the user reads (never of the statutory statement).

Messages are marked with ``_()`` and translated through gettext catalogues in
``rexdecl/locale``. The language is chosen by ``--lang``, else ``REXDECL_LANG``, else the
system locale, else English.
"""

from __future__ import annotations

import gettext
import locale
import os
from importlib import resources

SUPPORTED = ("en", "id")
DOMAIN = "rexdecl"

_current: gettext.NullTranslations = gettext.NullTranslations()
_current_language = "en"


def detect_language(explicit: str | None = None) -> str:
    """The interface language: ``explicit``, else REXDECL_LANG, else the locale, else en."""
    for candidate in (explicit, os.environ.get("REXDECL_LANG"), _system_language()):
        if candidate:
            code = candidate.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
            if code == "in":  # old Java/Android code for Indonesian
                code = "id"
            if code in SUPPORTED:
                return code
    return "en"


def _system_language() -> str | None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return value
    try:
        return locale.getlocale()[0]
    except ValueError:
        return None


def locale_dir() -> str:
    return str(resources.files("rexdecl.locale"))


def set_language(language: str) -> None:
    """Switch every later message to ``language`` (``en`` or ``id``)."""
    global _current, _current_language
    _current_language = language if language in SUPPORTED else "en"
    if _current_language == "en":
        _current = gettext.NullTranslations()
    else:
        _current = gettext.translation(DOMAIN, localedir=locale_dir(), languages=[_current_language], fallback=True)
    # click's own texts ("Usage:", "Error: ...") go through the standard gettext functions,
    # which read the language from LANGUAGE: point them at rexdecl's catalogue, which carries
    # their translation (rexdecl/locale/click_messages.py), in the same language as ours.
    gettext.bindtextdomain(DOMAIN, locale_dir())
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = _current_language


def current_language() -> str:
    return _current_language


def _(message: str) -> str:
    """Translate ``message`` into the current interface language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (translated at use)."""
    return message
