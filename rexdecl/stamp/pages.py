"""A page of the exporter's PDF as the file describes it: attributes inherited from the page
tree, the decoded content, the visible box (crop box within media box), rotation, user unit,
the size as shown, and the size of the pages the statement may be added on."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from rexdecl import pdfin

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in default user space
MM = 72 / 25.4
A4 = (595.276, 841.89)
# A page the block can be placed on or sized like: no side under 105 mm (A6), none over 1.2 m.
MIN_PAGE_SIDE = 105 * MM
MAX_PAGE_SIDE = 1200 * MM


def stream_data(stream: Any) -> bytes:
    """The decoded data of a PDF stream."""
    data: bytes = stream.get_data()
    return data


def page_content(page: Any) -> bytes:
    """The page's content streams, decoded and joined."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    if isinstance(contents, list):
        return b"\n".join(stream_data(part.get_object()) for part in contents)
    return stream_data(contents)


def inherited(page: Any, key: str) -> Any:
    """A page attribute, from the page or the nearest page-tree node above it."""
    node, depth = page, 0
    while node is not None and depth < 64:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
        depth += 1
    return None


def intersect(a: Box, b: Box) -> Box | None:
    """The overlap of two boxes; None when they do not overlap."""
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] <= box[2] and box[1] <= box[3] else None


def _rect(value: Any) -> Box | None:
    """A rectangle from a page box array, normalised; None when it is not one or is empty."""
    try:
        value = value.get_object() if value is not None else None
        numbers = [float(v) for v in value] if isinstance(value, list) else []
    except pdfin.damaged_pdf_errors():
        return None
    if len(numbers) != 4 or not all(math.isfinite(v) and abs(v) < 1e7 for v in numbers):
        return None
    x0, y0, x1, y1 = numbers
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return box if box[2] - box[0] > 0 and box[3] - box[1] > 0 else None


def visible_box(page: Any) -> Box | None:
    """The part of the page a viewer shows (the crop box within the media box), in default
    user space; None when the page has no usable box at all. A malformed crop box is ignored,
    as viewers ignore it."""
    try:
        media = _rect(inherited(page, "/MediaBox"))
        crop = _rect(inherited(page, "/CropBox"))
    except pdfin.damaged_pdf_errors():
        return None
    if media is None:
        return crop
    visible = intersect(crop, media) if crop is not None else None
    return visible if visible is not None and visible[2] > visible[0] and visible[3] > visible[1] else media


def rotation(page: Any) -> int:
    """The page's /Rotate (0, 90, 180, 270); a value that is not a multiple of 90 counts as 0."""
    try:
        value = inherited(page, "/Rotate")
        degrees = int(value) if value is not None and float(value) == int(value) else 0
    except pdfin.damaged_pdf_errors():
        return 0
    return degrees % 360 if degrees % 90 == 0 else 0


def user_unit(page: Any) -> float:
    """The page's /UserUnit (points per unit); a malformed one counts as unusual (0)."""
    try:
        value = page.get("/UserUnit")
        unit = float(value) if value is not None else 1.0
    except pdfin.damaged_pdf_errors():
        return 0.0
    return unit if math.isfinite(unit) and unit > 0 else 0.0


def visual_size(page: Any) -> tuple[float, float] | None:
    """Width and height of the page as shown (rotation applied), in points."""
    box = visible_box(page)
    if box is None:
        return None
    unit = user_unit(page) or 1.0
    width, height = (box[2] - box[0]) * unit, (box[3] - box[1]) * unit
    return (height, width) if rotation(page) in (90, 270) else (width, height)


def usual_page(size: tuple[float, float] | None) -> bool:
    """Whether a page of ``size`` is a usual page: no side under A6's, none over 1.2 m."""
    return size is not None and all(MIN_PAGE_SIDE <= side <= MAX_PAGE_SIDE for side in size)


def usual_size(reader: Any) -> tuple[float, float]:
    """The size of an added page: the last page's when it is a usual page size, else the size
    most pages have, else A4."""
    last = visual_size(reader.pages[-1])
    if usual_page(last):
        assert last is not None
        return last
    sizes: Counter[tuple[float, float]] = Counter()
    for page in reader.pages:
        size = visual_size(page)
        if usual_page(size):
            assert size is not None
            sizes[(round(size[0], 1), round(size[1], 1))] += 1
    return sizes.most_common(1)[0][0] if sizes else A4
