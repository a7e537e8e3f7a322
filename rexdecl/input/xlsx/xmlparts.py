"""Parsing the XML parts of an .xlsx package at a cost bounded by the bytes present.

Every part is parsed with expat, streaming, with entity declarations refused (no "billion
laughs") and no external entity ever fetched; an unfinished tag or comment that grows past
``MAX_XML_TOKEN_BYTES`` is refused rather than buffered. A part the reader cannot use raises
:class:`PackageError`, the error of the whole .xlsx reader.
"""

from __future__ import annotations

import contextlib
import xml.parsers.expat as expat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

from rexdecl import limits
from rexdecl.i18n import _, format_count

CHUNK = 64 * 1024

# What zipfile raises on a damaged member (bad CRC or header, a cut deflate stream, an
# encryption or compression method it does not support, a member marked as encrypted).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError)  # while a member is read


class PackageError(ValueError):
    """The package is not a readable workbook; the message says what was found and where
    (the part, or the cell)."""


def too_many_elements(part: str) -> PackageError:
    """The error of a part holding more elements than ``MAX_XML_ELEMENTS``."""
    return PackageError(
        _(
            "{part} holds more than {limit} XML elements, the limit of one part (clear the formatting of "
            "unused rows and columns, or split the shipment)"
        ).format(part=part, limit=format_count(limits.MAX_XML_ELEMENTS))
    )


def _refuse(*_args: Any) -> Any:
    raise PackageError(_("the XML declares entities (refused as a defence against entity expansion)"))


def make_parser(
    start: Callable[..., None] | None, end: Callable[..., None] | None, text: Callable[..., None] | None
) -> Any:
    """An expat parser that refuses entity declarations, with the handlers given."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


def feed(parser: Any, stream: IO[bytes], part: str) -> Iterator[None]:
    """Parse ``stream`` chunk by chunk, yielding after each. Expat keeps an unfinished token
    (a tag with its attributes, a comment) whole in memory: one that grows past
    ``MAX_XML_TOKEN_BYTES`` is refused rather than buffered to its end."""
    fed = 0
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            fed += len(chunk)
            # Outside a handler, CurrentByteIndex is where the last parse event began.
            if fed - max(parser.CurrentByteIndex, 0) > limits.MAX_XML_TOKEN_BYTES:
                raise PackageError(
                    _("{part} holds an XML tag or comment longer than {limit} MB, which no spreadsheet writes").format(
                        part=part, limit=limits.MAX_XML_TOKEN_BYTES // (1024 * 1024)
                    )
                )
            yield None
        parser.Parse(b"", True)
    except PackageError:
        raise
    except expat.ExpatError as error:
        raise PackageError(_("damaged XML ({detail})").format(detail=expat.ErrorString(error.code))) from None
    except _READ_ERRORS as error:
        raise PackageError(_("damaged part ({detail})").format(detail=error)) from None
    except (LookupError, ValueError, UnicodeError) as error:
        # The XML declaration names an encoding expat cannot read ("x-foo", "shift_jis", "hex").
        raise PackageError(
            _("{part} declares an XML encoding that cannot be read ({detail}); expected UTF-8").format(
                part=part, detail=str(error)[:80]
            )
        ) from None


@contextlib.contextmanager
def open_part(package: zipfile.ZipFile, part: str) -> Iterator[IO[bytes]]:
    """The member ``part`` opened for reading; a damaged member raises PackageError."""
    try:
        stream = package.open(part)
    except ZIP_ERRORS as error:
        raise PackageError(_("damaged part {part} ({detail})").format(part=part, detail=error)) from None
    with stream:
        yield stream


def local_name(name: str) -> str:
    """``x:sheet`` -> ``sheet``."""
    return name.rpartition(":")[2]


def start_tags(package: zipfile.ZipFile, part: str) -> list[tuple[str, dict[str, str]]]:
    """All start tags of a small part, as (local name, attributes without prefixes)."""
    found: list[tuple[str, dict[str, str]]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if len(found) >= limits.MAX_XML_ELEMENTS:
            raise too_many_elements(part)
        found.append((local_name(name), {local_name(k): v for k, v in attrs.items()}))

    with open_part(package, part) as stream:
        for _step in feed(make_parser(start, None, None), stream, part):
            pass
    return found
