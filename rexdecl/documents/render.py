"""Render a :class:`~rexdecl.documents.views.DocumentView` to HTML (Jinja) and to PDF/A-3 (WeasyPrint).

Nothing outside the bundled templates folder (templates, stylesheet, fonts) and a logo the
user named is ever read: every URL WeasyPrint asks for goes through a confined fetcher, and
a refused or unusable resource stops the render with :class:`~rexdecl.errors.RenderError`
instead of a PDF with a hole in it. Font lookup is confined to the bundled fonts.

Nothing is written outside the outputs: no temporary file or folder (Fontconfig gets a
bundled configuration without a cache folder, WeasyPrint's ``@font-face`` copies are never
made), so a process that ends in any way -- an error, Ctrl-C, a killed batch worker --
leaves nothing behind and needs no clean-up call.

WeasyPrint is imported lazily (first :class:`Renderer`): ``import rexdecl.documents.render`` and
:func:`render_html` do not need Pango. One font configuration and one parsed stylesheet
serve every document of the process. Not thread-safe: render from one thread.

Speed (measured with bench/): WeasyPrint's import spends a third of its time in
``ctypes.util.find_library`` -- which runs ldconfig, gcc and ld -- for library names it then
loads by soname anyway, so the engine tries the sonames first. The cyclic garbage collector
is paused while WeasyPrint is imported and while a document is laid out and written (it
would traverse the growing document tree again and again), and
what the engine holds for the life of the process is frozen out of its reach (gc.freeze).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import io
import logging
import os
import re
import struct
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2

from rexdecl import __version__, limits
from rexdecl.documents.logo import check_logo_content
from rexdecl.documents.views import DocumentView
from rexdecl.errors import RenderError, RenderingUnavailable, UsageError
from rexdecl.i18n import _
from rexdecl.model import Location

if TYPE_CHECKING:
    from rexdecl.rules.facts import ShipmentFacts

__all__ = ["Renderer", "check_printable", "environment", "render_html", "resolve_asset", "templates_dir"]

logger = logging.getLogger("rexdecl")

TEMPLATE_NAMES = {"invoice": "invoice.html.j2", "packing-list": "packing-list.html.j2"}
STYLESHEET = "style.css"
# The user-agent rules for the elements the templates use (see the file's header).
USER_AGENT_STYLESHEET = "ua.css"
FONTS_FOLDER = "fonts"
PDF_VARIANT = "pdf/a-3b"
# The @color-profile of style.css used as the PDF/A output intent (WeasyPrint's own
# "srgb" leaves its profile file open).
OUTPUT_INTENT = "--srgb"
# ISO 32000-2, 7.11.3: "Data" = information used to derive the visual presentation.
ATTACHMENT_RELATIONSHIP = "Data"
ATTACHMENT_DESCRIPTION = "Shipment data (JSON) this document was produced from"
GENERATOR = f"rexdecl {__version__}"

_CONTENT_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".icc": "application/vnd.iccprofile",
}

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
_REFUSED_HINT = (
    "Only the bundled templates, stylesheet and fonts, and a logo named with its option, can be used in a document."
)

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
        root = Path(__file__).resolve().parent.parent / "templates"
    root = root.resolve()
    if not (root / STYLESHEET).is_file():
        raise RenderError(
            f"the document templates are missing: {root / STYLESHEET} not found",
            hint="Reinstall rexdecl.",
        )
    return root


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment, built once: autoescaping for every template, strict undefined."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,  # select_autoescape() would not escape *.html.j2
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def render_html(view: DocumentView) -> str:
    """The HTML of one document (no stylesheet link: the renderer applies it).

    Does not need WeasyPrint.
    """
    name = TEMPLATE_NAMES.get(view.kind)
    if name is None:
        raise RenderError(f"no template for documents of kind {view.kind!r}")
    try:
        return environment().get_template(name).render(view=view, generator=GENERATOR)
    except jinja2.TemplateError as error:
        raise RenderError(f"template error while rendering {view.kind}: {error}") from error


def check_printable(ctx: ShipmentFacts, line_table: bool = True) -> None:
    """Refuse (UsageError, exit 2) a shipment whose documents would cost too much to print.

    Checked before anything is rendered, by every command that prints: generate and batch
    (:func:`rexdecl.documents.files.write_documents`) and stamp (``line_table=False``: its block
    prints no marks, units or kinds of package). Rendering takes memory in proportion to the
    lines and to their text (limits.MAX_DOCUMENT_LINES, MAX_DOCUMENT_CHARACTERS), and WeasyPrint lays a long text in a narrow column
    out again for each of its lines, so the time grows with the square of its length: one
    2,000-character unit took 4 to 10 s. (The exporter's name and address from a registration
    file are held to a cell's length when the registration is read.)
    """
    shipment = ctx.input
    lines = len(shipment.items)
    if lines > limits.MAX_DOCUMENT_LINES:
        first = shipment.items[0].row
        raise UsageError(
            _(
                "{place}: the shipment has {lines} lines; documents are printed for at most {limit} "
                "lines (more would take over 400 MB of memory to render); split the shipment into "
                "several invoices"
            ).format(
                place=Location(first.file or shipment.path, first.sheet),
                lines=f"{lines:,}",
                limit=f"{limits.MAX_DOCUMENT_LINES:,}",
            )
        )
    columns = ("description", "marks", "package_type", "unit") if line_table else ("description",)
    characters = sum(len(getattr(item, column) or "") for item in shipment.items for column in columns)
    if characters > limits.MAX_DOCUMENT_CHARACTERS:
        first = shipment.items[0].row
        raise UsageError(
            _(
                "{place}: the lines hold {characters} characters of text; documents are printed for "
                "at most {limit} (more would take over 400 MB of memory to render); split the "
                "shipment into several invoices"
            ).format(
                place=Location(first.file or shipment.path, first.sheet),
                characters=f"{characters:,}",
                limit=f"{limits.MAX_DOCUMENT_CHARACTERS:,}",
            )
        )
    if line_table:
        # The fields of the line table's narrow columns: each cell, and what all of them hold
        # beyond the first NARROW_FREE characters of each (the time to lay a text out in a
        # narrow column grows with the square of its length).
        narrow = ("marks", "package_type", "unit")
        excess = 0
        for item in shipment.items:
            for column in narrow:
                text = getattr(item, column) or ""
                if len(text) > limits.MAX_PRINTED_NARROW:
                    raise UsageError(
                        _(
                            "{place}: {column} is {length} characters long; the documents print at "
                            "most {limit} characters in its narrow column; expected at most {limit} "
                            "characters"
                        ).format(
                            place=item.where(column),
                            column=column,
                            length=f"{len(text):,}",
                            limit=limits.MAX_PRINTED_NARROW,
                        )
                    )
                excess += max(0, len(text) - limits.NARROW_FREE)
        if excess > limits.MAX_NARROW_EXCESS:
            first = shipment.items[0].row
            raise UsageError(
                _(
                    "{place}: marks, package_type and unit hold {excess} characters beyond the first "
                    "{free} of each cell; the documents print at most {limit} such characters in "
                    "their narrow columns (a long text there takes long to lay out); shorten them"
                ).format(
                    place=Location(first.file or shipment.path, first.sheet),
                    excess=f"{excess:,}",
                    free=limits.NARROW_FREE,
                    limit=f"{limits.MAX_NARROW_EXCESS:,}",
                )
            )


def resolve_asset(url: str, allowed_files: Iterable[Path] = ()) -> Path:
    """The file behind ``url`` if the renderer may read it, else raise :class:`RenderError`.

    Allowed: ``file:`` URLs of regular files inside :func:`templates_dir` (compared by real
    path, so neither ``..`` nor a symlink escapes) and of the files in ``allowed_files``
    (real paths). Everything else -- other files, ``http(s)``, ``data:`` -- is refused.
    """
    refused = RenderError(f"refused to read {url!r} while rendering", hint=_REFUSED_HINT)
    try:
        parts = urlsplit(url)
    except ValueError:
        raise refused from None
    if parts.scheme.lower() != "file" or parts.netloc.lower() not in ("", "localhost"):
        raise refused
    try:
        path = Path(url2pathname(parts.path)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        raise refused from None
    if path.is_file() and (path.is_relative_to(templates_dir()) or path in set(allowed_files)):
        return path
    raise refused


# Fields of the view that are not printed with the fonts (metadata, URLs, codes).
_NOT_PRINTED = frozenset({"kind", "date_iso", "logo_url", "author", "keywords", "language", "scheme_id"})
# Fonts whose characters the documents can print (the others are styles of the first).
_COVERAGE_FONTS = ("LiberationSans-Regular.ttf", "NotoSans-Regular.ttf")


def _printed_strings(value: Any, name: str = "") -> Iterator[tuple[str, str]]:
    """(field name, text) for every printed string of a view, nested views included."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, tuple):
        for item in value:
            yield from _printed_strings(item, name)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            if field.name not in _NOT_PRINTED:
                yield from _printed_strings(getattr(value, field.name), field.name)


# Runs of more than _LONG_RUN characters without a break opportunity get a zero-width space
# (U+200B, which prints nothing) every _RUN characters. WeasyPrint lays out a word wider than
# its column again for each line it fills (overflow-wrap: break-word) unless the next line has
# a break opportunity near its start, so the time grew with the square of the word's length:
# 2.8 s for one 2,000-character cell of shipping marks.
_RUN = 8
_LONG_RUN = re.compile(r"[^\s\u200b]{41,}")
_ZWSP = "\u200b"


def _breakable(value: Any, name: str = "") -> Any:
    """The view with every printed string's runs longer than _RUN characters made breakable."""
    if isinstance(value, str):
        if name in _NOT_PRINTED or not _LONG_RUN.search(value):
            return value
        return _LONG_RUN.sub(
            lambda m: _ZWSP.join(m.group()[i : i + _RUN] for i in range(0, len(m.group()), _RUN)), value
        )
    if isinstance(value, tuple):
        return tuple(_breakable(item, name) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: _breakable(getattr(value, field.name), field.name)
            for field in dataclasses.fields(value)
            if field.name not in _NOT_PRINTED
        }
        return dataclasses.replace(value, **changes)
    return value


def _check_coverage(view: DocumentView, coverage: frozenset[int]) -> None:
    """Refuse a document with characters no bundled font has: they would print as boxes."""
    printable = _printable_characters(coverage)
    for name, text in _printed_strings(view):
        if printable.issuperset(text):  # the common case: no character to look at closer
            continue
        for char in text:
            category = unicodedata.category(char)
            # Control characters other than tab and line breaks (DEL, U+0080-U+009F) have no
            # glyph either: WeasyPrint would print .notdef and the message not name the field.
            if ord(char) in coverage or char in "\t\n\r" or category == "Cf" or (char.isspace() and category != "Cc"):
                continue
            raise RenderError(
                f"{name.replace('_', ' ')} {text!r}: the character {char!r} "
                f"(U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}) is in none of the "
                "bundled fonts and would print as an empty box",
                hint="Write the text in Latin script, or replace the character.",
            )


@functools.cache
def _printable_characters(coverage: frozenset[int]) -> frozenset[str]:
    """The characters of ``coverage``, and tab and line breaks (printed as space)."""
    return frozenset(map(chr, coverage)) | frozenset("\t\n\r")


def _document_date(view: DocumentView) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(view.date_iso)
    except ValueError:
        raise RenderError(f"invalid document date {view.date_iso!r} (expected YYYY-MM-DD)") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _with_logo(view: DocumentView, logo_path: Path | None) -> tuple[DocumentView, frozenset[Path]]:
    """Point the view's logo at ``logo_path`` and allow that one file to be read."""
    if logo_path is None:
        return view, frozenset()
    try:
        real = Path(logo_path).resolve(strict=True)
    except OSError as error:
        raise RenderError(f"logo {logo_path}: {error.strerror or error}") from None
    if not real.is_file():
        raise RenderError(f"logo {logo_path}: not a file")
    return dataclasses.replace(view, logo_url=real.as_uri()), frozenset({real})


@contextlib.contextmanager
def _source_date_epoch(when: dt.datetime) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH to the document date for the render, unless already set."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(when.timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _unique_associated_files(document: Any, pdf: Any) -> None:
    """List each embedded file once in the catalog's /AF (WeasyPrint 70 lists it twice)."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)


# Warnings WeasyPrint carries on after that leave a hole in the document.
_FATAL_WARNINGS = ("cannot be loaded", ".notdef glyph")


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


def _confine_fontconfig(fonts: Path) -> None:
    """Point Fontconfig at the bundled configuration, which lists only the bundled fonts.

    Set for the whole process, before WeasyPrint (Pango, Fontconfig) loads its configuration.
    """
    conf = fonts / FONTS_CONF
    if not conf.is_file():
        raise RenderError(f"the font configuration is missing: {conf} not found", hint="Reinstall rexdecl.")
    os.environ["FONTCONFIG_FILE"] = str(conf)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
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


class _Engine:
    """WeasyPrint, its confined fetcher, one font configuration and one parsed stylesheet."""

    def __init__(self) -> None:
        root = templates_dir()
        _confine_fontconfig(root / FONTS_FOLDER)
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
            from weasyprint.text.fonts import FontConfiguration
            from weasyprint.urls import (
                FatalURLFetchingError,
                URLFetcher,
                URLFetcherResponse,
            )
        except ImportError as error:  # a later WeasyPrint without this API
            raise RenderingUnavailable(
                _(
                    "WeasyPrint {installed} lacks the URLFetcher API that PDF output needs: install the "
                    "version pinned in constraints.txt (see the README) and run again."
                ).format(installed=installed)
            ) from error

        class Refused(FatalURLFetchingError):  # a BaseException: WeasyPrint lets it through
            def __init__(self, error: RenderError) -> None:
                super().__init__(error.message)
                self.error = error

        class ConfinedFetcher(URLFetcher):
            """Serves the templates folder and the allowed files; refuses the rest."""

            def __init__(self, allowed_files: frozenset[Path] = frozenset()) -> None:
                super().__init__(fail_on_errors=True, allowed_protocols=("file",), allow_redirects=False)
                self.allowed_files = allowed_files

            def fetch(self, url: str, headers: Any = None) -> Any:
                try:
                    path = resolve_asset(url, self.allowed_files)
                    body = path.read_bytes()
                    if path in self.allowed_files:
                        # The logo: what is drawn is what was checked, even if the file
                        # changed since the command's own check.
                        check_logo_content(path, body)
                except UsageError as error:
                    raise Refused(RenderError(error.message, error.hint)) from None
                except RenderError as error:
                    raise Refused(error) from None
                except OSError as error:
                    raise Refused(RenderError(f"cannot read {url!r}: {error}")) from None
                content_type = _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
                return URLFetcherResponse(url, body, {"Content-Type": content_type})

        self.weasyprint = weasyprint
        self.refused: type[BaseException] = Refused
        self.fatal: type[BaseException] = FatalURLFetchingError
        self.fetcher_class = ConfinedFetcher
        self.base_url = root.as_uri() + "/"
        self.font_config = _bundled_fonts_only(FontConfiguration)()
        self.color_profiles: dict[str, Any] = {}
        with self.guard("the stylesheet"):
            self.stylesheet = weasyprint.CSS(
                url=self.base_url + STYLESHEET,
                url_fetcher=ConfinedFetcher(),
                font_config=self.font_config,
                color_profiles=self.color_profiles,
            )
        if OUTPUT_INTENT not in self.color_profiles:
            raise RenderError(f"the stylesheet defines no @color-profile {OUTPUT_INTENT}")
        _freeze_profile(self.color_profiles[OUTPUT_INTENT])
        self.coverage = _font_coverage(root / FONTS_FOLDER)
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


def _bundled_fonts_only(font_configuration: Any) -> Any:
    """WeasyPrint's font configuration, with every ``@font-face`` rule ignored.

    Fontconfig already knows the bundled fonts by their names (see ``fonts.conf``), so the
    stylesheets need no ``@font-face``; and WeasyPrint copies each font of such a rule into a
    temporary folder that it never removes (1.7 MB per process). A rule in a user's SVG
    logo is ignored too: its text is printed with the bundled fonts.
    """

    class BundledFontsOnly(font_configuration):
        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> None:
            logger.debug("@font-face %r ignored: only the bundled fonts are used", rule_descriptors.get("font_family"))

    return BundledFontsOnly


def _font_coverage(fonts: Path) -> frozenset[int]:
    """The code points the bundled fonts can print."""
    coverage: set[int] = set()
    for name in _COVERAGE_FONTS:
        coverage.update(_cmap_code_points(fonts / name))
    return frozenset(coverage)


# Unicode subtables of a font's character map, best first (as fontTools' getBestCmap).
_CMAP_PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def _cmap_code_points(path: Path) -> set[int]:
    """The code points that the best Unicode character map of a TrueType font maps to a glyph.

    Reads the 'cmap' table directly (formats 4 and 12, those of the bundled fonts): fontTools
    would also decode every glyph name, three times slower, for nothing here.
    """
    font = path.read_bytes()
    try:
        (tables,) = struct.unpack_from(">H", font, 4)
        for index in range(tables):
            tag, _, cmap, _ = struct.unpack_from(">4sIII", font, 12 + 16 * index)
            if tag == b"cmap":
                break
        else:
            raise ValueError("no cmap table")
        _, count = struct.unpack_from(">HH", font, cmap)
        subtables: dict[tuple[int, int], int] = {}
        for index in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", font, cmap + 4 + 8 * index)
            subtables.setdefault((platform, encoding), cmap + offset)
        start = next(subtables[key] for key in _CMAP_PREFERENCE if key in subtables)
        (form,) = struct.unpack_from(">H", font, start)
        points: set[int] = set()
        if form == 4:
            (twice,) = struct.unpack_from(">H", font, start + 6)
            segments = twice // 2
            ends = struct.unpack_from(f">{segments}H", font, start + 14)
            firsts = struct.unpack_from(f">{segments}H", font, start + 16 + twice)
            deltas = struct.unpack_from(f">{segments}H", font, start + 16 + 2 * twice)
            offsets_at = start + 16 + 3 * twice
            offsets = struct.unpack_from(f">{segments}H", font, offsets_at)
            for index, (first, end, delta, offset) in enumerate(zip(firsts, ends, deltas, offsets, strict=True)):
                for char in range(first, end + 1):
                    if offset == 0:
                        glyph = (char + delta) & 0xFFFF
                    else:
                        at = offsets_at + 2 * index + offset + 2 * (char - first)
                        (glyph,) = struct.unpack_from(">H", font, at)
                        glyph = glyph and (glyph + delta) & 0xFFFF
                    if glyph:
                        points.add(char)
        elif form == 12:
            (groups,) = struct.unpack_from(">I", font, start + 12)
            for index in range(groups):
                first, end, glyph = struct.unpack_from(">III", font, start + 16 + 12 * index)
                points.update(range(first if glyph else first + 1, end + 1))
        else:
            raise ValueError(f"character map format {form}")
    except (struct.error, StopIteration, ValueError) as error:
        raise RenderError(f"the bundled font {path.name} cannot be read: {error}", hint="Reinstall rexdecl.") from None
    return points


def _freeze_profile(profile: Any) -> None:
    """Make a parsed colour profile write the same bytes every time.

    WeasyPrint writes ``profile.content``, which LittleCMS re-serialises on each call,
    and not identically: the second document of a process would differ from the first.
    """
    content = profile.content

    class FrozenProfile(type(profile)):  # type: ignore[misc]
        @property
        def content(self) -> bytes:
            return content

    profile.__class__ = FrozenProfile


@functools.cache
def engine() -> _Engine:
    # WeasyPrint's modules, its stylesheets and the fonts live as long as the process: they
    # are frozen (gc.freeze) out of the collector's way, before it is back -- else its first
    # pass would traverse all of them, and every full collection after. So is whatever else
    # lives at that moment; what is garbage already is collected first, not kept for good.
    gc.collect()
    with _gc_paused():
        engine = _Engine()
        gc.freeze()
    return engine


class Renderer:
    """Renders documents to HTML and PDF; build one per process and reuse it.

    Raises :class:`RenderingUnavailable` when WeasyPrint's system libraries are missing.
    The first one built in a process loads WeasyPrint and freezes what then lives for the
    garbage collector (``gc.freeze``); :meth:`pdf` pauses the collector while it renders.
    """

    def __init__(self) -> None:
        self._engine = engine()

    def html(self, view: DocumentView, logo_path: Path | None = None) -> str:
        """The HTML of one document, with the logo (when given) as a ``file:`` URL."""
        view, _ = _with_logo(view, logo_path)
        return render_html(view)

    def pdf(
        self,
        view: DocumentView,
        attachment_json: bytes | None = None,
        attachment_name: str = "shipment.json",
        logo_path: Path | None = None,
    ) -> bytes:
        """One document as PDF/A-3b bytes, with ``attachment_json`` embedded (when given).

        The same view and attachment give the same bytes, in any process: every date in
        the file is the document date (``view.date_iso``).
        """
        engine = self._engine
        when = _document_date(view)
        _check_coverage(view, engine.coverage)
        view, allowed = _with_logo(view, logo_path)
        source = render_html(_breakable(view))
        fetcher = engine.fetcher_class(allowed)
        weasyprint = engine.weasyprint
        what = f"{view.title.lower() or view.kind} {view.invoice_number}"
        attachments = []
        if attachment_json is not None:
            attachments.append(
                weasyprint.Attachment(
                    string=attachment_json,
                    name=attachment_name,
                    description=ATTACHMENT_DESCRIPTION,
                    created=when,
                    modified=when,
                    relationship=ATTACHMENT_RELATIONSHIP,
                    url_fetcher=fetcher,
                )
            )
        with _source_date_epoch(when), engine.guard(what), _gc_paused():
            document = engine.document_html(string=source, base_url=engine.base_url, url_fetcher=fetcher).render(
                font_config=engine.font_config,
                color_profiles=engine.color_profiles,
                stylesheets=[engine.stylesheet],
                pdf_variant=PDF_VARIANT,
                output_intent=OUTPUT_INTENT,
            )
            data: bytes = document.write_pdf(
                finisher=_unique_associated_files,
                pdf_variant=PDF_VARIANT,
                output_intent=OUTPUT_INTENT,
                attachments=attachments,
            )
            pages = len(document.pages)
            # Dropped while the collector is paused: its first collection afterwards frees
            # the document's reference cycles in one pass instead of keeping them a while.
            del document
        logger.debug("rendered %s: %d pages, %d bytes", what, pages, len(data))
        return data
