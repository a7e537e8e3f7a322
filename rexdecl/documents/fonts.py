"""The bundled fonts: Fontconfig confined to them, WeasyPrint's font configuration without
``@font-face`` copies, and what they can print -- a document with a character none of them
has is refused before it is laid out, instead of printing an empty box.

Nothing is written anywhere: Fontconfig gets the bundled configuration, which has no cache
folder, and WeasyPrint's ``@font-face`` copies into a temporary folder are never made.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import struct
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rexdecl.documents.assets import FONTS_CONF
from rexdecl.documents.views import UNPRINTED_FIELDS, DocumentView
from rexdecl.errors import RenderError

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

__all__ = ["bundled_fonts_only", "check_coverage", "confine_fontconfig", "font_coverage"]

logger = logging.getLogger("rexdecl")

# Fonts whose characters the documents can print (the others are styles of the first).
COVERAGE_FONTS = ("LiberationSans-Regular.ttf", "NotoSans-Regular.ttf")


def confine_fontconfig(fonts: Path) -> None:
    """Point Fontconfig at the bundled configuration, which lists only the bundled fonts.

    Set for the whole process, before WeasyPrint (Pango, Fontconfig) loads its configuration.
    """
    conf = fonts / FONTS_CONF
    if not conf.is_file():
        raise RenderError(f"the font configuration is missing: {conf} not found", hint="Reinstall rexdecl.")
    os.environ["FONTCONFIG_FILE"] = str(conf)


def bundled_fonts_only() -> type[FontConfiguration]:
    """WeasyPrint's font configuration, with every ``@font-face`` rule ignored.

    Fontconfig already knows the bundled fonts by their names (see ``fonts.conf``), so the
    stylesheets need no ``@font-face``; and WeasyPrint copies each font of such a rule into a
    temporary folder that it never removes (1.7 MB per process). A rule in a user's SVG
    logo is ignored too: its text is printed with the bundled fonts.
    """

    from weasyprint.text.fonts import FontConfiguration  # loaded with WeasyPrint, by the engine

    class BundledFontsOnly(FontConfiguration):
        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> None:
            logger.debug("@font-face %r ignored: only the bundled fonts are used", rule_descriptors.get("font_family"))

    return BundledFontsOnly


def printed_strings(value: Any, name: str = "") -> Iterator[tuple[str, str]]:
    """(field name, text) for every printed string of a view, nested views included."""
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, tuple):
        for item in value:
            yield from printed_strings(item, name)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            if field.name not in UNPRINTED_FIELDS:
                yield from printed_strings(getattr(value, field.name), field.name)


def check_coverage(view: DocumentView, coverage: frozenset[int]) -> None:
    """Refuse a document with characters no bundled font has: they would print as boxes."""
    printable = _printable_characters(coverage)
    for name, text in printed_strings(view):
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


def font_coverage(fonts: Path) -> frozenset[int]:
    """The code points the bundled fonts can print."""
    coverage: set[int] = set()
    for name in COVERAGE_FONTS:
        coverage.update(cmap_code_points(fonts / name))
    return frozenset(coverage)


# Unicode subtables of a font's character map, best first (as fontTools' getBestCmap).
_CMAP_PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def cmap_code_points(path: Path) -> set[int]:
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
