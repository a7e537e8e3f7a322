"""Where the original content of a page lies, and the free space below it.

The page's content streams are walked (forms followed, images and shadings counted, text
advances over-estimated) to collect the box of everything the page paints; the free space is
the band below the lowest content, or between the body and a thin page footer.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from rexdecl import pdfin
from rexdecl.stamp.document import MAX_FORM_DEPTH
from rexdecl.stamp.pages import MM, Box, inherited, intersect, visible_box

logger = logging.getLogger("rexdecl")

# Free space on the last page: keep clear of the page edge and of the original content.
BOTTOM_MARGIN = 12 * MM
TOP_MARGIN = 12 * MM
CLEARANCE = 4 * MM
SIDE_MARGIN_MIN = 12 * MM
SIDE_MARGIN_MAX = 25 * MM
# A page footer ("Page 1 of 1") the block may go above: content lying only in the bottom
# band of the page, no taller than a few lines.
FOOTER_BAND = 0.12
FOOTER_MAX_HEIGHT = 36.0


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """``m × n`` (PDF row-vector convention: apply ``m`` first, then ``n``)."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _box(points: list[tuple[float, float]], grow: float = 0.0) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs) - grow, min(ys) - grow, max(xs) + grow, max(ys) + grow


def _numbers(operands: list[Any]) -> list[float]:
    values = []
    for operand in operands:
        try:
            values.append(float(operand))
        except (TypeError, ValueError):
            return []
    return values


def _is_white(operator: bytes, operands: list[Any]) -> bool:
    values = _numbers(operands)
    if operator in (b"g", b"rg") or (operator in (b"sc", b"scn") and len(values) in (1, 3)):
        return bool(values) and all(v >= 0.999 for v in values)
    if operator == b"k" or (operator in (b"sc", b"scn") and len(values) == 4):
        return bool(values) and all(v <= 0.001 for v in values)
    return False


class _Painted:
    """Collects the boxes of everything a page paints: text, paths, images, forms."""

    def __init__(self, reader: Any, page_box: Box) -> None:
        self.reader = reader
        self.page_box = page_box
        self.boxes: list[Box] = []
        self.parsed: dict[int, list[Any]] = {}  # a form drawn many times is parsed once

    def walk(
        self, content: Any, resources: Any, ctm: Matrix, depth: int, seen: frozenset[int], key: int | None = None
    ) -> None:
        from pypdf.generic import ContentStream

        if key is None or key not in self.parsed:
            operations = ContentStream(content, self.reader).operations
            if key is not None:
                self.parsed[key] = operations
        else:
            operations = self.parsed[key]
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        xobjects = xobjects.get_object() if hasattr(xobjects, "get_object") else xobjects
        stack: list[tuple[Matrix, bool, float]] = []
        white, line_width = False, 1.0
        path: list[tuple[float, float]] = []
        tm = tlm = IDENTITY
        size, leading, rise, scale = 0.0, 0.0, 0.0, 1.0
        for operands, operator in operations:
            if operator == b"q":
                stack.append((ctm, white, line_width))
            elif operator == b"Q":
                if stack:
                    ctm, white, line_width = stack.pop()
            elif operator == b"cm":
                values = _numbers(operands)
                if len(values) == 6:
                    ctm = _mult(tuple(values), ctm)  # type: ignore[arg-type]
            elif operator == b"w":
                values = _numbers(operands)
                line_width = values[0] if values else line_width
            elif operator in (b"g", b"rg", b"k", b"sc", b"scn"):
                white = _is_white(operator, operands)
            elif operator == b"cs":
                white = False
            elif operator in (b"m", b"l", b"c", b"v", b"y"):
                values = _numbers(operands)
                path.extend(_apply(ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2))
            elif operator == b"re":
                values = _numbers(operands)
                if len(values) == 4:
                    x, y, w, h = values
                    path.extend(_apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h)))
            elif operator in (b"S", b"s", b"B", b"B*", b"b", b"b*", b"f", b"F", b"f*"):
                stroked = operator in (b"S", b"s", b"B", b"B*", b"b", b"b*")
                if path and (stroked or not white):
                    grow = (
                        (line_width * math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2])) / 2 + 0.5) if stroked else 0.5
                    )
                    self.boxes.append(_box(path, grow))
                path = []
            elif operator == b"n":
                path = []
            elif operator == b"sh":
                self.boxes.append(self.page_box)  # fills the clip: assume the whole page
            elif operator == b"INLINE IMAGE":
                self.boxes.append(_box([_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]))
            elif operator == b"Do" and operands:
                self._xobject(xobjects.get(operands[0]), resources, ctm, depth, seen)
            elif operator == b"BT":
                tm = tlm = IDENTITY
            elif operator == b"Tf" and len(operands) == 2:
                size = _numbers(operands[1:])[0] if _numbers(operands[1:]) else size
            elif operator == b"TL":
                leading = (_numbers(operands) or [leading])[0]
            elif operator == b"Ts":
                rise = (_numbers(operands) or [rise])[0]
            elif operator == b"Tz":
                scale = (_numbers(operands) or [scale * 100])[0] / 100
            elif operator in (b"Td", b"TD"):
                values = _numbers(operands)
                if len(values) == 2:
                    if operator == b"TD":
                        leading = -values[1]
                    tm = tlm = _mult((1, 0, 0, 1, values[0], values[1]), tlm)
            elif operator == b"Tm":
                values = _numbers(operands)
                if len(values) == 6:
                    tm = tlm = tuple(values)  # type: ignore[assignment]
            elif operator in (b"T*", b"'", b'"'):
                tm = tlm = _mult((1, 0, 0, 1, 0, -leading), tlm)
            if operator in (b"Tj", b"TJ", b"'", b'"'):
                tm = self._text(operands, operator, tm, ctm, size, rise, scale)

    def _text(
        self,
        operands: list[Any],
        operator: bytes,
        tm: Matrix,
        ctm: Matrix,
        size: float,
        rise: float,
        scale: float,
    ) -> Matrix:
        """Box of a text run (advance estimated: 0.6 em per byte), and the matrix after it."""
        shown = operands[-1] if operands else ""
        parts = shown if operator == b"TJ" and isinstance(shown, list) else [shown]
        width = 0.0
        for part in parts:
            if isinstance(part, (str, bytes)):
                width += len(part) * 0.6 * size * scale
            else:
                try:
                    width -= float(part) / 1000 * size * scale
                except (TypeError, ValueError):
                    pass
        width = max(width, 0.0)
        trm = _mult(tm, ctm)
        low, high = rise - 0.3 * size, rise + 1.05 * size
        self.boxes.append(_box([_apply(trm, x, y) for x, y in ((0, low), (width, low), (0, high), (width, high))]))
        return _mult((1, 0, 0, 1, width, 0), tm)

    def _xobject(self, xobject: Any, resources: Any, ctm: Matrix, depth: int, seen: frozenset[int]) -> None:
        if xobject is None:
            return
        reference = getattr(xobject, "idnum", None)
        xobject = xobject.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Form" and depth < MAX_FORM_DEPTH and reference not in seen:
            matrix_values = _numbers(list(xobject.get("/Matrix", IDENTITY)))
            matrix: Matrix = tuple(matrix_values) if len(matrix_values) == 6 else IDENTITY  # type: ignore[assignment]
            form_ctm = _mult(matrix, ctm)
            before = len(self.boxes)
            form_resources = xobject.get("/Resources")
            self.walk(
                xobject,
                form_resources.get_object() if form_resources is not None else resources,
                form_ctm,
                depth + 1,
                seen | {reference} if reference is not None else seen,
                reference,
            )
            bbox = _numbers(list(xobject.get("/BBox", [])))
            if len(bbox) == 4:  # content outside the form's BBox is clipped away
                clip = _box([_apply(form_ctm, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])])
                self.boxes[before:] = [b for b in (intersect(b, clip) for b in self.boxes[before:]) if b]
        elif subtype == "/Form":
            bbox = _numbers(list(xobject.get("/BBox", [])))
            self.boxes.append(
                _box([_apply(ctm, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])])
                if len(bbox) == 4
                else self.page_box
            )
        else:  # an image: the unit square
            self.boxes.append(_box([_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]))


def painted_boxes(reader: Any, page: Any) -> list[Box]:
    """Boxes (default user space, clipped to the visible page) of everything ``page`` shows:
    text runs, stroked or non-white filled paths, images, form XObjects, annotations.

    Conservative: text advances are over-estimated, a shading covers the page, and a content
    stream that cannot be parsed makes the whole page count as painted.
    """

    page_box = visible_box(page)
    if page_box is None:
        return []
    painted = _Painted(reader, page_box)
    try:
        contents = page.get("/Contents")
        resources = inherited(page, "/Resources")
        if contents is not None:
            painted.walk(
                contents,
                resources.get_object() if resources is not None else None,
                IDENTITY,
                0,
                frozenset(),
            )
        for annotation in page.get("/Annots", []) or []:
            rect = _numbers(list(annotation.get_object().get("/Rect", [])))
            if len(rect) == 4:
                painted.boxes.append(_box([(rect[0], rect[1]), (rect[2], rect[3])]))
    except pdfin.damaged_pdf_errors() as exc:
        logger.debug("content of the last page not understood (%s): treated as full", exc)
        return [page_box]
    finite = [b for b in painted.boxes if all(math.isfinite(v) for v in b)]
    if len(finite) < len(painted.boxes):  # drawn with absurd coordinates: anywhere, maybe
        return [page_box]
    return [b for b in (intersect(b, page_box) for b in finite) if b]


@dataclass(frozen=True)
class FreeSpace:
    """Free bands at the bottom of a page, as ``(top, bottom)`` in points, best first, and
    the side margin a block placed there keeps from the page's left and right edges."""

    bands: tuple[tuple[float, float], ...]
    side: float


def free_space(boxes: list[Box], page_box: Box) -> FreeSpace:
    """The band below the lowest painted content (clear of it and of the page edge); and,
    when the lowest content is a thin page footer ("Page 1 of 1"), the band between the body
    and the footer. None on a page where nothing is painted."""
    x0, y0, x1, y1 = page_box
    left = min(b[0] for b in boxes) - x0 if boxes else SIDE_MARGIN_MIN
    side = min(max(left, SIDE_MARGIN_MIN), SIDE_MARGIN_MAX)
    bottom = y0 + BOTTOM_MARGIN
    ceiling = y1 - TOP_MARGIN
    if not boxes:
        # A blank last page is not recognisably part of the document: nothing there would
        # tie the statement to the invoice. Use an added page, headed with number and date.
        return FreeSpace((), side)
    merged: list[list[float]] = []
    for low, high in sorted((b[1], b[3]) for b in boxes):
        if merged and low <= merged[-1][1] + 1.0:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    bands = [(min(merged[0][0] - CLEARANCE, ceiling), bottom)]
    footer = merged[0]
    if len(merged) > 1 and footer[1] <= y0 + FOOTER_BAND * (y1 - y0) and footer[1] - footer[0] <= FOOTER_MAX_HEIGHT:
        bands.append((min(merged[1][0] - CLEARANCE, ceiling), max(footer[1] + CLEARANCE, bottom)))
    return FreeSpace(tuple(bands), side)
