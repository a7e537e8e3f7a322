"""WeasyPrint, loaded once per process and confined: its system libraries, the confined URL
fetcher, one font configuration with the bundled fonts only and one parsed stylesheet, which
serve every document of the process (the invoice and packing list, and the block ``stamp``
adds). Not thread-safe: render from one thread.

WeasyPrint is imported lazily (the first :func:`engine` call): importing the documents
package and rendering HTML do not need Pango.

Speed (measured with bench/): WeasyPrint's import spends a third of its time in
``ctypes.util.find_library`` -- which runs ldconfig, gcc and ld -- for library names it then
loads by soname anyway, so the engine tries the sonames first. The cyclic garbage collector
is paused while WeasyPrint is imported and while a document is laid out and written (it
would traverse the growing document tree again and again), and
what the engine holds for the life of the process is frozen out of its reach (gc.freeze).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import logging
import re
import sys
from collections.abc import Iterator
from typing import Any

from rexdecl.documents.assets import FONTS_FOLDER, STYLESHEET, USER_AGENT_STYLESHEET, templates_dir
from rexdecl.documents.fetcher import confined_fetcher_classes
from rexdecl.documents.fonts import bundled_fonts_only, confine_fontconfig, font_coverage
from rexdecl.errors import RenderError, RenderingUnavailable
from rexdecl.i18n import _

__all__ = ["OUTPUT_INTENT", "WEASYPRINT_NEEDED", "Engine", "engine", "gc_paused"]

logger = logging.getLogger("rexdecl")

# The @color-profile of style.css used as the PDF/A output intent (WeasyPrint's own
# "srgb" leaves its profile file open).
OUTPUT_INTENT = "--srgb"

_UNAVAILABLE = (
    "PDF output needs the Pango and HarfBuzz system libraries, which could not be loaded: "
    "install them (Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "libharfbuzz-subset0; macOS: brew install pango; Windows: the GTK3 runtime or MSYS2 "
    "Pango as WeasyPrint's installation guide describes) and run again."
)
_UNAVAILABLE_HINT = "See https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#installation"
# The oldest WeasyPrint rexdecl works with (pyproject.toml's floor): the confined fetcher
# extends its URLFetcher class (68), and ua.css is cut from its user-agent stylesheet of 70
# (up to 69 that sheet also carried the page-margin, anchor and link rules; without them
# layout fails).
WEASYPRINT_NEEDED = 70

# Warnings WeasyPrint carries on after that leave a hole in the document.
_FATAL_WARNINGS = ("cannot be loaded", ".notdef glyph")


class Engine:
    """WeasyPrint, its confined fetcher, one font configuration and one parsed stylesheet."""

    def __init__(self) -> None:
        root = templates_dir()
        confine_fontconfig(root / FONTS_FOLDER)
        try:
            # WeasyPrint prints a help text on stdout when a library is missing: keep
            # stdout for the CLI's own output.
            with contextlib.redirect_stdout(io.StringIO()):
                weasyprint = _import_weasyprint()
        except (OSError, ImportError) as error:
            raise RenderingUnavailable(_UNAVAILABLE, hint=_UNAVAILABLE_HINT) from error
        # Pango loaded: is WeasyPrint itself recent enough?
        installed = str(getattr(weasyprint, "__version__", "?"))
        major = re.match(r"\d+", installed)
        if major is None or int(major.group()) < WEASYPRINT_NEEDED:
            raise RenderingUnavailable(
                _(
                    "PDF output needs WeasyPrint {needed} or later, but WeasyPrint {installed} is installed: "
                    'upgrade it (pip install "weasyprint>={needed}") and run again.'
                ).format(needed=WEASYPRINT_NEEDED, installed=installed),
                hint=_("The versions rexdecl is tested with are pinned in constraints.txt (see the README)."),
            )
        try:
            from weasyprint.urls import FatalURLFetchingError

            fetcher_class, refused = confined_fetcher_classes()
        except ImportError as error:  # a later WeasyPrint without this API
            raise RenderingUnavailable(
                _(
                    "WeasyPrint {installed} lacks the URLFetcher API that PDF output needs: install the "
                    "version pinned in constraints.txt (see the README) and run again."
                ).format(installed=installed)
            ) from error

        self.weasyprint = weasyprint
        self.refused: type[BaseException] = refused
        self.fatal: type[BaseException] = FatalURLFetchingError
        self.fetcher_class = fetcher_class
        self.base_url = root.as_uri() + "/"
        self.font_config = bundled_fonts_only()()
        self.color_profiles: dict[str, Any] = {}
        with self.guard("the stylesheet"):
            self.stylesheet = weasyprint.CSS(
                url=self.base_url + STYLESHEET,
                url_fetcher=fetcher_class(),
                font_config=self.font_config,
                color_profiles=self.color_profiles,
            )
        if OUTPUT_INTENT not in self.color_profiles:
            raise RenderError(f"the stylesheet defines no @color-profile {OUTPUT_INTENT}")
        _freeze_profile(self.color_profiles[OUTPUT_INTENT])
        self.coverage = font_coverage(root / FONTS_FOLDER)
        self.document_html = self._document_html_class()

    def _document_html_class(self) -> Any:
        """``weasyprint.HTML`` with the short user-agent stylesheet of ``ua.css``.

        ``_ua_stylesheets`` is WeasyPrint's own hook for its default sheet (not a public
        API): where a WeasyPrint version lacks it, the full default sheet is used, which
        gives the same pages, only slower.
        """
        weasyprint = self.weasyprint
        if not callable(getattr(weasyprint.HTML, "_ua_stylesheets", None)):
            logger.debug("WeasyPrint has no _ua_stylesheets hook: its full user-agent stylesheet is used")
            return weasyprint.HTML
        with self.guard("the user-agent stylesheet"):
            user_agent = weasyprint.CSS(url=self.base_url + USER_AGENT_STYLESHEET, url_fetcher=self.fetcher_class())

        class DocumentHTML(weasyprint.HTML):  # type: ignore[misc, name-defined]
            def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
                return [user_agent]

        return DocumentHTML

    @contextlib.contextmanager
    def guard(self, what: str) -> Iterator[None]:
        """Turn a refused resource or a resource WeasyPrint could not use into RenderError."""
        try:
            with _fail_on_logged_errors(what):
                yield
        except self.refused as refused:
            raise refused.error from None  # type: ignore[attr-defined]
        except self.fatal as fatal:
            raise RenderError(f"{what} could not be rendered: {fatal}") from None


@functools.cache
def engine() -> Engine:
    """The process's engine, built on the first call (which loads WeasyPrint)."""
    # WeasyPrint's modules, its stylesheets and the fonts live as long as the process: they
    # are frozen (gc.freeze) out of the collector's way, before it is back -- else its first
    # pass would traverse all of them, and every full collection after. So is whatever else
    # lives at that moment; what is garbage already is collected first, not kept for good.
    gc.collect()
    with gc_paused():
        built = Engine()
        gc.freeze()
    return built


class _FatalRecords(logging.Handler):
    """Collects what WeasyPrint logs and carries on after: unusable resources (errors),
    fonts that cannot be loaded and characters printed as empty boxes (warnings)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR or any(w in message for w in _FATAL_WARNINGS):
            self.records.append(record)


@contextlib.contextmanager
def _fail_on_logged_errors(what: str) -> Iterator[None]:
    weasyprint_logger = logging.getLogger("weasyprint")
    handler = _FatalRecords()
    weasyprint_logger.addHandler(handler)
    try:
        yield
    finally:
        weasyprint_logger.removeHandler(handler)
    if handler.records:
        message = handler.records[0].getMessage()
        raise RenderError(f"{what} could not be rendered completely: {message}")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory).

    Laying out and writing a document allocates a great many objects that live until it
    is written: the collector would traverse them again and again (an eighth of the time
    of a 10-line document, a fifth at 100 lines, a third at 1,000) and find little to free.
    The document's own reference cycles are freed in one pass by the first automatic
    collection afterwards; peak memory barely changes (1,000 lines: 266 MB, now 270 MB).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextlib.contextmanager
def _libraries_by_soname() -> Iterator[None]:
    """While WeasyPrint loads Pango & co., skip ``ctypes.util.find_library`` on Linux.

    WeasyPrint tries a list of names for each library; for a name that is not a file name
    cffi calls ``find_library``, which on Linux runs ``ldconfig -p``, ``gcc`` and ``ld``
    (0.2-0.4 s for the whole list) only to return a soname for the dynamic loader to find,
    and the list ends with those sonames (``libpango-1.0.so.0``...). Without it the same
    files are loaded; should WeasyPrint fail to load them this way, :func:`_import_weasyprint`
    imports it again with the real ``find_library``.
    """
    if not sys.platform.startswith("linux"):
        yield
        return
    import ctypes.util

    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = find_library


def _import_weasyprint() -> Any:
    """``weasyprint``, with its system libraries loaded by soname first (see above)."""
    try:
        with _libraries_by_soname():
            import weasyprint
    except (OSError, ImportError):
        import weasyprint  # the real find_library: same error if they are really missing
    return weasyprint


def _freeze_profile(profile: Any) -> None:
    """Make a parsed colour profile write the same bytes every time.

    WeasyPrint writes ``profile.content``, which LittleCMS re-serialises on each call,
    and not identically: the second document of a process would differ from the first.
    """
    content: bytes = profile.content

    class FrozenProfile(type(profile)):  # type: ignore[misc]
        @property
        def content(self) -> bytes:
            return content

    profile.__class__ = FrozenProfile
