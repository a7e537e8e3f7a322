"""``rexdecl template``: a blank shipment workbook in the input format, with headers, an
example row (marked; skipped when read while it holds exactly the example) and drop-down lists."""

from __future__ import annotations

from pathlib import Path

from rexdecl.i18n import _
from rexdecl.input.fields import (
    EXAMPLE_LABELS,
    EXPORTER,
    ITEMS,
    MATERIALS,
    SHIPMENT,
    SheetSpec,
    allowed_values,
    example_value,
    meaning_of,
)
from rexdecl.output import atomic_write_bytes

# An Excel list's values may total 255 characters at most.
MAX_LIST_CHARACTERS = 255


def criteria() -> list[str]:
    """The drop-down of origin criteria: P, W, no, and the cumulation mentions of the default
    scheme (other forms, and other schemes' mentions, can be typed)."""
    from rexdecl.schemes import default_scheme

    values = ["P", "W", "no"]
    for key in default_scheme().cumulation:
        if key != "extended" and len(",".join([*values, f"{key}-cumulation"])) <= MAX_LIST_CHARACTERS:
            values.append(f"{key}-cumulation")
    return values


COMMON_CURRENCIES = ["EUR", "USD", "IDR", "GBP", "CHF", "NOK", "JPY", "SGD", "AUD", "CNY"]


def _list_validation(values: list[str], allow_other: bool = True):  # type: ignore[no-untyped-def]
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    # Excel's drop-down is a help, not a cage: "W 6214" or another ISO currency must be typeable.
    validation.showErrorMessage = not allow_other
    return validation


# The comment's opening for each kind of required field (FieldSpec.required).
REQUIRED_NOTES = {
    "yes": "required. ",
    "unless-registration": "required unless the registration gives it. ",
    "signature": "required for uk-dcts (its declaration is signed). ",
}


def build_template(language: str = "en"):  # type: ignore[no-untyped-def]
    """The blank workbook; its example rows and values in ``language`` (``en`` or ``id``)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    grey = Font(italic=True, color="808080")
    fill = PatternFill("solid", fgColor="DDEBF7")
    workbook = Workbook()
    shipment = workbook.active
    shipment.title = SHIPMENT.name
    _field_value_sheet(shipment, SHIPMENT, bold, grey, fill, Comment, language)
    criteria_list = _list_validation(criteria())
    currency = _list_validation(COMMON_CURRENCIES)
    statement_language = _list_validation(list(allowed_values("statement_language")), allow_other=False)
    scheme = _list_validation(list(allowed_values("scheme")), allow_other=False)
    number_format = _list_validation(["en", "id"], allow_other=False)
    for validation in (currency, statement_language, scheme, number_format):
        shipment.add_data_validation(validation)
    for row, spec in enumerate(SHIPMENT.fields, start=2):
        target = {
            "currency": currency,
            "statement_language": statement_language,
            "scheme": scheme,
            "number_format": number_format,
        }.get(spec.name)
        if target is not None:
            target.add(f"B{row}")
    items = workbook.create_sheet(ITEMS.name)
    _table_sheet(items, ITEMS, bold, grey, fill, Comment, language)
    items.add_data_validation(criteria_list)
    column = [f.name for f in ITEMS.fields].index("origin_criterion") + 1
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(column)
    criteria_list.add(f"{letter}3:{letter}1000")
    materials = workbook.create_sheet(MATERIALS.name)
    _table_sheet(materials, MATERIALS, bold, grey, fill, Comment, language)
    exporter = workbook.create_sheet(EXPORTER.name)
    _field_value_sheet(exporter, EXPORTER, bold, grey, fill, Comment, language)
    return workbook


def _field_value_sheet(ws, spec: SheetSpec, bold, grey, fill, comment_class, language: str) -> None:  # type: ignore[no-untyped-def]
    ws.append(["field", "value", EXAMPLE_LABELS[language]])
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
    for field in spec.fields:
        example = example_value(field, language)
        ws.append([field.name, None, example if example not in (None, "") else None])
        name_cell = ws.cell(row=ws.max_row, column=1)
        if field.required == "yes":
            name_cell.font = bold
        text = meaning_of(field) + (" (" + "/".join(field.aliases) + ")" if field.aliases else "")
        if field.required:
            text = REQUIRED_NOTES[field.required] + text
        if text.strip():
            name_cell.comment = comment_class(text.strip(), "rexdecl")
        ws.cell(row=ws.max_row, column=3).font = grey
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 40


def _table_sheet(ws, spec: SheetSpec, bold, grey, fill, comment_class, language: str) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.utils import get_column_letter

    ws.append([f.name for f in spec.fields])
    for index, (cell, field) in enumerate(zip(ws[1], spec.fields, strict=True), start=1):
        cell.font = bold
        cell.fill = fill
        text = meaning_of(field) + (" (" + "/".join(field.aliases) + ")" if field.aliases else "")
        if field.required == "yes":
            text = "required. " + text
        if text.strip():
            cell.comment = comment_class(text.strip(), "rexdecl")
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(field.name) + 4)
    # The mark stands in the first column (line): the reader skips the row while it holds
    # exactly these values, and reads it as a line once any is changed (EXAMPLE-ROW-READ).
    example = [EXAMPLE_LABELS[language]] + [example_value(f, language) for f in spec.fields[1:]]
    ws.append(example)
    for cell in ws[2]:
        cell.font = grey
    ws.freeze_panes = "A2"


def write_template(path: Path, force: bool = False, language: str = "en") -> Path:
    """Write a blank workbook to ``path``; refuses an existing file unless ``force``."""
    from io import BytesIO

    from rexdecl.errors import UsageError

    if path.suffix.lower() != ".xlsx":
        raise UsageError(_("{path}: the template must be an .xlsx file name").format(path=path))
    if path.exists() and not force:
        raise UsageError(_("{path} already exists; nothing was written (use --force to replace it)").format(path=path))
    buffer = BytesIO()
    build_template(language).save(buffer)
    atomic_write_bytes(path, buffer.getvalue(), overwrite=True)
    return path
