"""The widths of the line tables' columns, so that no number and no HS code wraps inside its
cell: a rupiah amount broken as ``1,500,000,00`` / ``0.00`` is misread. The description
column gives way; only when it would fall below its minimum do the numbers get smaller type.

Widths are reckoned from the advance widths of the characters a number is written with, in
Liberation Sans (the font the documents print them in; its metrics are Arial's), so no
rendering is needed. The fixed widths of the other columns are here too: the description
gets what the others leave of the table (``templates/style.css``: A4 less 2 × 14 mm margins).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rexdecl.documents.views import LineColumns

# Advance widths of Liberation Sans Regular in ems (its hmtx table over unitsPerEm 2048;
# tests/documents/test_columns.py reads them back from the bundled font). Any other
# character counts one em, wider than any glyph of the font's Latin letters.
ADVANCES: dict[str, float] = {
    **dict.fromkeys("0123456789", 1139 / 2048),
    ",": 569 / 2048,
    ".": 569 / 2048,
    " ": 569 / 2048,
    "-": 682 / 2048,
}
OTHER_ADVANCE = 1.0
MM_PER_PT = 25.4 / 72
TABLE_WIDTH = 182.0  # mm: A4 (210 mm) less the page margins (14 + 14 mm)
CELL_PADDING = 2.0  # mm: 1 mm each side (.lines td)
SLACK = 0.8  # mm: rounding in the layout, and a hair between a number and the next column
MAX_WIDTH = 42.0  # mm: a column no real number needs (a hostile 1,000-digit text may wrap)
# The type of the number cells: (class of the table, size in pt, as style.css sets them).
SIZES: tuple[tuple[str, float], ...] = (("", 8.0), ("small", 7.0), ("smaller", 6.0))

# Columns of fixed width (mm): their texts wrap between words like the description's.
FIXED = {"marks": 16.0, "unit": 9.0, "package_type": 14.0, "criterion": 21.0}
# Number columns: at least their heading's longest word (7 pt bold) and the cell's padding (mm).
# The line number's column is as narrow as "No." allows until a shipment has 100 lines or more:
# then it widens, so that "384" is never printed as "38" over "4".
MINIMUM = {
    "number": 6.0,
    "hs_code": 13.0,
    "quantity": 13.0,
    "unit_price": 15.0,
    "amount": 17.0,
    "packages": 14.0,
    "net_kg": 12.0,
    "gross_kg": 12.0,
    "cbm": 10.0,
}
# The columns of each document, in the order of its table (the description is the rest).
COLUMNS = {
    "invoice": ("number", "marks", "hs_code", "quantity", "unit", "unit_price", "amount", "criterion"),
    "packing-list": (
        "number",
        "marks",
        "hs_code",
        "quantity",
        "unit",
        "packages",
        "package_type",
        "net_kg",
        "gross_kg",
        "cbm",
        "criterion",
    ),
}
# Below this the description's words would stand one or two to a line (mm).
DESCRIPTION_MINIMUM = {"invoice": 40.0, "packing-list": 30.0}


def text_width(text: str, size_pt: float) -> float:
    """The width (mm) of ``text`` set in Liberation Sans at ``size_pt``."""
    return sum(ADVANCES.get(ch, OTHER_ADVANCE) for ch in text) * size_pt * MM_PER_PT


@dataclass(frozen=True)
class _Layout:
    widths: dict[str, float]
    description: float


def _layout(kind: str, values: Mapping[str, Sequence[str]], size_pt: float) -> _Layout:
    widths: dict[str, float] = {}
    for name in COLUMNS[kind]:
        if name in FIXED:
            widths[name] = FIXED[name]
            continue
        needed = max((text_width(v, size_pt) for v in values.get(name, ())), default=0.0)
        widths[name] = min(MAX_WIDTH, max(MINIMUM[name], needed + CELL_PADDING + SLACK))
    return _Layout(widths, TABLE_WIDTH - sum(widths.values()))


def line_columns(kind: str, values: Mapping[str, Iterable[str]]) -> LineColumns:
    """The widths of ``kind``'s line table (``invoice`` or ``packing-list``) for the printed
    ``values`` of its number columns (``{"amount": ["1,500,000,000.00", …], …}``): each as wide
    as its longest value needs, in the largest type that leaves the description its minimum."""
    texts = {name: tuple(column) for name, column in values.items()}
    layouts = [(size_class, _layout(kind, texts, size_pt)) for size_class, size_pt in SIZES]
    # The largest type that fits, else the smallest (the description narrower than its minimum).
    size_class, layout = next(
        ((c, layout) for c, layout in layouts if layout.description >= DESCRIPTION_MINIMUM[kind]), layouts[-1]
    )
    return LineColumns(size=size_class, **{name: f"{width:.1f}mm" for name, width in layout.widths.items()})
