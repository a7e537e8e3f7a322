"""The URL fetcher of the PDF renderer: it serves the bundled assets and the files the user
named (a logo), and refuses every other URL -- other files, ``http(s)``, ``data:``.

A refusal, or a resource that cannot be read, stops the render with
:class:`~rexdecl.errors.RenderError` instead of a PDF with a hole in it: WeasyPrint by
default only logs a blocked resource and writes the PDF anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from rexdecl.documents.assets import templates_dir
from rexdecl.documents.logo import check_logo_content
from rexdecl.errors import RenderError, UsageError

__all__ = ["CONTENT_TYPES", "confined_fetcher_classes", "resolve_asset"]

CONTENT_TYPES = {
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

_REFUSED_HINT = (
    "Only the bundled templates, stylesheet and fonts, and a logo named with its option, can be used in a document."
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


def confined_fetcher_classes() -> tuple[type[Any], type[BaseException]]:
    """WeasyPrint's ``URLFetcher`` confined to :func:`resolve_asset`, and the exception it
    raises for a refused or unreadable resource (its ``error`` is the RenderError to report).

    Imports ``weasyprint.urls``: call it once WeasyPrint is loaded. Raises ImportError for a
    WeasyPrint without that API.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

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
            content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return ConfinedFetcher, Refused
