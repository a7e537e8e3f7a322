"""Recognising the template's example row in a table: its mark, and whether the row still
holds exactly the example values a template (of any language) writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rexdecl.input.conversion import cell_text
from rexdecl.input.fields import TEMPLATE_LANGUAGES, SheetSpec, example_marks, example_value
from rexdecl.input.rows import Row

# The template's example row starts with its mark, "example (contoh) – ignored" in an English
# template (rexdecl.input.fields.EXAMPLE_LABELS): the start of each language's mark, normalised.
EXAMPLE_MARKS = example_marks()


def is_template_example(spec: SheetSpec, row: Row, columns: dict[str, int], mark_column: int) -> bool:
    """Whether ``row`` holds exactly the example values a template (of any language) writes."""
    fields = {f.name: f for f in spec.fields}
    for language in TEMPLATE_LANGUAGES:
        if all(
            _same_value(row.values.get(index + 1), example_value(fields[name], language))
            for name, index in columns.items()
            if index + 1 != mark_column
        ):
            return True
    return False


def _same_value(value: Any, example: object) -> bool:
    if example is None or example == "":
        return value is None
    if value is None:
        return False
    numbers = (int, float, Decimal)
    if isinstance(value, numbers) and isinstance(example, numbers) and not isinstance(value, bool):
        return Decimal(str(value)) == Decimal(str(example))
    return cell_text(value) == str(example)
