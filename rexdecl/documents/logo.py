"""What a logo may cost, checked from its bytes before anything renders it.

A small image file can ask for a great deal: a 531 KB PNG that declares 20,000 x 20,000
pixels decodes to 1.4 GB; a 0.7 KB SVG whose groups each ``<use>`` the previous group ten
times draws 10^8 elements (minutes, gigabytes). So, by content (not by name, as WeasyPrint
also goes by content):

* PNG and JPEG: the size and bit depth their header declares (no pixel is decoded);
* SVG: parsed with defusedxml (entity declarations and external references refused), then
  every reference inside it (``<use>``, patterns, markers, clip paths, masks, also from its
  style sheet) is followed to count, as an upper bound, how many elements drawing it would
  draw and how deep they nest; a reference to anything outside the file is refused.

Each refusal is a :class:`~rexdecl.errors.UsageError` (exit 2) naming the file, what was
found and the limit (rexdecl.limits).
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeElementTree
import tinycss2

from rexdecl import limits
from rexdecl.errors import UsageError
from rexdecl.i18n import _, format_count

__all__ = ["PNG_SIGNATURE", "check_logo_content", "logo_kind"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"

# PNG colour types -> (channels, bit depths the format allows).
_PNG_COLOUR_TYPES = {0: (1, (1, 2, 4, 8, 16)), 2: (3, (8, 16)), 3: (1, (1, 2, 4, 8)), 4: (2, (8, 16)), 6: (4, (8, 16))}
# JPEG start-of-frame markers (baseline, extended, progressive, lossless; Huffman or arithmetic).
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# JPEG markers without a length field (TEM, RSTn).
_JPEG_BARE = frozenset({0x01, *range(0xD0, 0xD8)})


def logo_kind(head: bytes) -> str | None:
    """``"png"``, ``"jpeg"`` or ``"svg"`` from the first bytes of a file, else None."""
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and b"<svg" in head:
        return "svg"
    return None


def check_logo_content(path: Path, data: bytes) -> None:
    """Refuse (UsageError, exit 2) a logo whose content would cost too much to draw."""
    kind = logo_kind(data[:4096])
    if kind == "png":
        _check_raster(path, *_png_header(path, data))
    elif kind == "jpeg":
        _check_raster(path, *_jpeg_header(path, data))
    elif kind == "svg":
        _SvgCost(path, data).check()


# -- PNG and JPEG ----------------------------------------------------------------------------


def _damaged(path: Path, kind: str, reason: str) -> UsageError:
    return UsageError(
        _("{path}: the logo is a damaged {kind} image ({reason}); expected a PNG, JPEG or SVG file").format(
            path=path, kind=kind, reason=reason
        )
    )


def _png_header(path: Path, data: bytes) -> tuple[int, int, int]:
    """(width, height, bits per channel) from the IHDR chunk, which must come first."""
    if len(data) < 33 or data[12:16] != b"IHDR" or struct.unpack_from(">I", data, 8)[0] != 13:
        raise _damaged(path, "PNG", _("no image header"))
    width, height, depth, colour = struct.unpack_from(">IIBB", data, 16)
    allowed = _PNG_COLOUR_TYPES.get(colour)
    if width == 0 or height == 0 or allowed is None or depth not in allowed[1]:
        raise _damaged(path, "PNG", _("invalid image header"))
    return width, height, depth


def _jpeg_header(path: Path, data: bytes) -> tuple[int, int, int]:
    """(width, height, bits per sample) from the first start-of-frame segment."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_BARE:
            at += 2
            continue
        (length,) = struct.unpack_from(">H", data, at + 2)
        if marker in _JPEG_FRAMES:
            if length < 8 or at + 9 > len(data):
                break
            precision, height, width = struct.unpack_from(">BHH", data, at + 4)
            if width == 0 or height == 0:
                break
            return width, height, precision
        if marker == 0xDA or length < 2:  # image data before any frame header
            break
        at += 2 + length
    raise _damaged(path, "JPEG", _("no image header"))


def _check_raster(path: Path, width: int, height: int, depth: int) -> None:
    pixels = width * height
    if pixels > limits.MAX_LOGO_PIXELS:
        raise UsageError(
            _(
                "{path}: the logo is {width} x {height} pixels ({pixels} pixels); expected at most "
                "{limit} pixels: printed at most 60 mm wide, a logo needs about 1,500 pixels "
                "across; save it smaller"
            ).format(
                path=path,
                width=format_count(width),
                height=format_count(height),
                pixels=format_count(pixels),
                limit=format_count(limits.MAX_LOGO_PIXELS),
            )
        )
    if depth > limits.MAX_LOGO_BITS:
        raise UsageError(
            _(
                "{path}: the logo has {bits} bits per colour channel; expected at most {limit}: "
                "save it as an 8-bit image"
            ).format(path=path, bits=depth, limit=limits.MAX_LOGO_BITS)
        )


# -- SVG -------------------------------------------------------------------------------------

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_NUMBER_OR_COMMAND = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# Properties whose reference draws its target again for the element (and, for the inherited
# ones, for each element below it that inherits the property).
_INHERITED_REFS = frozenset({"fill", "stroke", "marker", "marker-start", "marker-mid", "marker-end"})
_OWN_REFS = frozenset({"clip-path", "mask", "filter"})
_MARKERS = frozenset({"marker", "marker-start", "marker-mid", "marker-end"})
# Targets that are painted, not drawn: a gradient or a filter costs no elements.
_PAINTS = frozenset({"linearGradient", "radialGradient", "filter", "solidcolor", "solidColor"})


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _SvgCost:
    """Follows every reference of an SVG logo to bound what drawing it costs."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        try:
            self.root = SafeElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
            raise UsageError(
                _(
                    "{path}: the SVG logo declares entities (refused as a defence against entity "
                    "expansion and external files); expected an SVG file without entity "
                    "declarations (export it again as plain SVG)"
                ).format(path=path)
            ) from None
        except (ElementTree.ParseError, ValueError) as error:
            raise UsageError(
                _("{path}: the logo cannot be read as SVG ({reason}); expected a well-formed SVG file").format(
                    path=path, reason=error
                )
            ) from None
        self.limit = limits.MAX_LOGO_SVG_ELEMENTS
        self.elements: list[ElementTree.Element] = []
        self.by_id: dict[str, int] = {}
        self.children: list[list[int]] = []

    def refused_reference(self, reference: str) -> UsageError:
        shown = reference if len(reference) <= 80 else reference[:77] + "..."
        return UsageError(
            _(
                "{path}: the SVG logo refers to something outside the file ({reference}); expected "
                "a self-contained drawing (references only to its own elements, as #id)"
            ).format(path=self.path, reference=shown)
        )

    def too_many(self) -> UsageError:
        return UsageError(
            _(
                "{path}: the SVG logo would draw more than {limit} elements once its references "
                "(<use>, patterns, markers, clip paths, masks) are followed; expected at most "
                "{limit}: simplify the drawing, or use a PNG logo"
            ).format(path=self.path, limit=format_count(self.limit))
        )

    def too_deep(self) -> UsageError:
        return UsageError(
            _(
                "{path}: the SVG logo's elements nest more than {limit} levels deep once its "
                "references are followed; expected at most {limit}"
            ).format(path=self.path, limit=limits.MAX_LOGO_SVG_DEPTH)
        )

    def check(self) -> None:
        if _local(self.root.tag) != "svg":
            raise UsageError(
                _("{path}: the logo cannot be read as SVG ({reason}); expected a well-formed SVG file").format(
                    path=self.path, reason=_("the document is not an <svg> element")
                )
            )
        self.index()
        for element in self.elements:  # the first reference outside the file, in document order
            self.own_refs(element)
        rules = self.style_rules()
        self.count(rules)

    def index(self) -> None:
        """Number the elements (document order, without recursion); refuse too many, too deep."""
        stack: list[tuple[ElementTree.Element, int, int]] = [(self.root, -1, 1)]
        while stack:
            element, parent, depth = stack.pop()
            if depth > limits.MAX_LOGO_SVG_DEPTH:
                raise self.too_deep()
            number = len(self.elements)
            if number >= self.limit:
                raise self.too_many()
            self.elements.append(element)
            self.children.append([])
            if parent >= 0:
                self.children[parent].append(number)
            identifier = element.get("id")
            if identifier is not None:
                self.by_id.setdefault(identifier, number)
            stack.extend((child, number, depth + 1) for child in reversed(element))

    def reference(self, value: str) -> int | None:
        """The element a ``url()`` or ``href`` points at (None: no such element); refuse outside."""
        value = value.strip()
        if not value.startswith("#"):
            raise self.refused_reference(value)
        return self.by_id.get(value[1:])

    def urls(self, text: str) -> Iterator[int]:
        for match in _URL.finditer(text):
            target = self.reference(match.group(2))
            if target is not None:
                yield target

    def style_rules(self) -> list[tuple[frozenset[str] | None, list[tuple[str, int]]]]:
        """The ``<style>`` rules that refer to elements: (classes, or None for any element;
        [(property, target)])."""
        rules: list[tuple[frozenset[str] | None, list[tuple[str, int]]]] = []
        for element in self.elements:
            if _local(element.tag) != "style":
                continue
            pending = list(tinycss2.parse_stylesheet(element.text or "", skip_comments=True, skip_whitespace=True))
            while pending:
                rule = pending.pop()
                if rule.type == "at-rule":
                    if rule.lower_at_keyword == "import":
                        raise self.refused_reference("@import " + tinycss2.serialize(rule.prelude).strip())
                    self.refs_of_css(tinycss2.serialize(rule.prelude))
                    if rule.content is not None:
                        content = tinycss2.serialize(rule.content)
                        pending.extend(tinycss2.parse_stylesheet(content, skip_comments=True, skip_whitespace=True))
                        self.refs_of_css(content)  # @font-face src and the like: refused when outside
                    continue
                if rule.type != "qualified-rule":
                    continue
                refs = self.declared_refs(tinycss2.serialize(rule.content))
                if refs:
                    rules.append((_classes_only(tinycss2.serialize(rule.prelude)), refs))
        return rules

    def refs_of_css(self, text: str) -> None:
        for _target in self.urls(text):
            pass

    def declared_refs(self, declarations: str) -> list[tuple[str, int]]:
        """(property, target) of the ``url()`` references in a declaration list."""
        refs = []
        for declaration in tinycss2.parse_declaration_list(declarations, skip_comments=True, skip_whitespace=True):
            if declaration.type != "declaration":
                continue
            for target in self.urls(tinycss2.serialize(declaration.value)):
                refs.append((declaration.lower_name, target))
        return refs

    def own_refs(self, element: ElementTree.Element) -> list[tuple[str, int]]:
        """(property or "href", target) of an element's attributes and style attribute."""
        refs: list[tuple[str, int]] = []
        for name, value in element.attrib.items():
            local = _local(name)
            if name in (_XLINK_HREF, "href"):
                if _local(element.tag) == "a":  # a link, never followed by the renderer
                    continue
                target = self.reference(value)
                if target is not None:
                    refs.append(("href", target))
            elif local == "style":
                refs.extend(self.declared_refs(value))
            elif "url(" in value.lower():
                refs.extend((local, target) for target in self.urls(value))
        return refs

    def count(self, rules: list[tuple[frozenset[str] | None, list[tuple[str, int]]]]) -> None:
        """Bound the elements drawing the logo draws, references followed; refuse a reference
        loop, more than the limit, nesting deeper than the limit.

        Each element is drawn once, plus what its ``href`` and its own ``clip-path``, ``mask``
        and ``filter`` draw, each time (an iterative depth-first walk: no recursion). Patterns
        and markers (``fill``, ``stroke``, ``marker*``) are inherited -- through groups and
        ``<use>`` alike -- so the largest of each property is counted for every element drawn
        (a marker at every vertex of the longest path): an upper bound, exact for the usual
        logo, which has none. Gradients and filters are painted, not drawn: they count nothing.
        """
        limit = self.limit
        by_class: dict[str, list[tuple[str, int]]] = {}
        everywhere: list[tuple[str, int]] = []
        for classes, refs in rules:
            if classes is None:
                everywhere.extend(refs)
            else:
                for name in classes:
                    by_class.setdefault(name, []).extend(refs)
        inherited: dict[str, set[int]] = {}  # property -> targets that draw

        def edges(number: int) -> tuple[list[int], bool]:
            """Targets drawn once for the element (children, href, own refs); whether it refers
            to a pattern or a marker through an inherited property."""
            element = self.elements[number]
            refs = self.own_refs(element) + everywhere
            for name in (element.get("class") or "").split():
                refs.extend(by_class.get(name, ()))
            once = list(self.children[number])
            inherits = False
            for prop, target in refs:
                if _local(self.elements[target].tag) in _PAINTS:
                    continue
                if prop in _INHERITED_REFS:
                    inherited.setdefault("marker" if prop in _MARKERS else prop, set()).add(target)
                    inherits = True
                else:
                    once.append(target)
            return once, inherits

        # (drawn elements, depth, refers to a pattern or marker somewhere inside)
        cost: dict[int, tuple[int, int, bool]] = {}
        on_path: set[int] = set()
        stack: list[tuple[int, tuple[list[int], bool] | None]] = [(0, None)]
        while stack:
            number, known = stack.pop()
            if known is None:
                if number in cost:
                    continue
                if number in on_path:
                    raise self.loop(number)
                if len(on_path) >= limits.MAX_LOGO_SVG_DEPTH:
                    raise self.too_deep()
                on_path.add(number)
                known = edges(number)
                stack.append((number, known))
                stack.extend((target, None) for target in known[0] if target not in cost)
                continue
            once, inherits = known
            drawn = min(1 + sum(cost[target][0] for target in once), limit + 1)
            depth = 1 + max((cost[target][1] for target in once), default=0)
            if drawn > limit:
                raise self.too_many()
            if depth > limits.MAX_LOGO_SVG_DEPTH:
                raise self.too_deep()
            cost[number] = (drawn, depth, inherits or any(cost[target][2] for target in once))
            on_path.discard(number)

        vertices = max((_vertices(element) for element in self.elements), default=0)
        extra = 0
        deepest = 0
        for prop, targets in inherited.items():
            for target in targets:
                if cost[target][2]:  # drawing it would draw a pattern or a marker again
                    raise UsageError(
                        _(
                            "{path}: the SVG logo has a pattern or marker (id {id}) that draws patterns "
                            "or markers itself; expected patterns and markers that draw plain shapes"
                        ).format(path=self.path, id=repr(self.elements[target].get("id") or ""))
                    )
                deepest = max(deepest, cost[target][1])
            times = vertices if prop == "marker" else 1
            extra += times * max(cost[target][0] for target in targets)
        drawn, depth, _inherits = cost[0]
        if drawn * (1 + extra) > limit:
            raise self.too_many()
        if depth + deepest > limits.MAX_LOGO_SVG_DEPTH:
            raise self.too_deep()

    def loop(self, number: int) -> UsageError:
        return UsageError(
            _(
                "{path}: the SVG logo has a reference loop (through the element with id {id}); "
                "expected references that end"
            ).format(path=self.path, id=repr(self.elements[number].get("id") or ""))
        )


def _classes_only(selector: str) -> frozenset[str] | None:
    """The classes of a selector list made only of class selectors (``.st0, .st1``), else
    None: the rule is then taken to apply to every element (an upper bound)."""
    names = []
    for part in selector.split(","):
        part = part.strip()
        if not re.fullmatch(r"\.[A-Za-z_][\w-]*", part):
            return None
        names.append(part[1:])
    return frozenset(names)


def _vertices(element: ElementTree.Element) -> int:
    """An upper bound of the vertices a marker is drawn at: numbers and commands of the path."""
    text = (element.get("d") or "") + " " + (element.get("points") or "")
    return len(_NUMBER_OR_COMMAND.findall(text)) + 2 if text.strip() else 0
