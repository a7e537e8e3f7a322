"""``rexdecl template``: a blank shipment workbook in the input format, with headers, an
example row (marked; skipped when read while it holds exactly the example) and drop-down lists."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rexdecl.i18n import DOMAIN, N_, _, locale_dir
from rexdecl.input.fields import (
    EXAMPLE_LABELS,
    EXPORTER,
    FIELD_VALUE_HEADINGS,
    ITEMS,
    MATERIALS,
    SHIPMENT,
    FieldSpec,
    SheetSpec,
    allowed_values,
    example_value,
    field_title,
    meaning_of,
    sheet_title,
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

# Excel's limits on a drop-down's help: a title of 32 characters, a message of 255.
MAX_TITLE_CHARACTERS = 32
MAX_MESSAGE_CHARACTERS = 255


def translator(language: str) -> Callable[[str], str]:
    """The messages in ``language``, whatever the interface language: a template written in
    Indonesian by a program running in English is Indonesian all the same."""
    if language == "en":
        return lambda message: message
    return gettext.translation(DOMAIN, localedir=locale_dir(), languages=[language], fallback=True).gettext


@dataclass(frozen=True)
class ListHelp:
    """What a drop-down says: its input message (shown on the cell) and, where only the
    listed values are allowed, its error message."""

    title: str
    prompt: str
    error: str = ""


def _list_validation(values: list[str], help_: ListHelp, allow_other: bool = True) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    validation.promptTitle = help_.title[:MAX_TITLE_CHARACTERS]
    validation.prompt = help_.prompt[:MAX_MESSAGE_CHARACTERS]
    validation.showInputMessage = True
    # Excel's drop-down is a help, not a cage: "W 6214" or another ISO currency must be typeable.
    validation.showErrorMessage = not allow_other
    if not allow_other:
        validation.errorTitle = help_.title[:MAX_TITLE_CHARACTERS]
        validation.error = help_.error[:MAX_MESSAGE_CHARACTERS]
    return validation


def list_helps(translate: Callable[[str], str]) -> dict[str, ListHelp]:
    """The help of each drop-down, by field name, in the language of ``translate``."""
    schemes = ", ".join(allowed_values("scheme"))
    languages = ", ".join(allowed_values("statement_language"))
    return {
        "currency": ListHelp(
            translate(N_("Currency")),
            translate(N_("Choose from the list, or type another ISO 4217 code (e.g. MYR).")),
        ),
        "statement_language": ListHelp(
            translate(N_("Statement language")),
            translate(N_("The language of the statement on origin: {languages}. Empty: en.")).format(
                languages=languages
            ),
            translate(N_("Choose one of the languages of the list: {languages}.")).format(languages=languages),
        ),
        "scheme": ListHelp(
            translate(N_("Preference scheme")),
            translate(N_("The scheme of the statement: {schemes}. Empty: taken from the destination.")).format(
                schemes=schemes
            ),
            translate(N_("Choose one of the schemes of the list: {schemes}.")).format(schemes=schemes),
        ),
        "number_format": ListHelp(
            translate(N_("Number format")),
            translate(N_("How numbers typed as text are written: id (1.234,56) or en (1,234.56).")),
            translate(N_("Choose id or en.")),
        ),
        "origin_criterion": ListHelp(
            translate(N_("Origin criterion")),
            translate(
                N_(
                    "P, W (heading from hs_code), W with a heading (W 6214), a cumulation mention, or no for a "
                    "line that is not originating. Other forms can be typed."
                )
            ),
        ),
    }


# The comment's opening for each kind of required field (FieldSpec.required).
REQUIRED_NOTES = {
    "yes": N_("required. "),
    "unless-registration": N_("required unless the registration gives it. "),
    "signature": N_("required for uk-dcts (its declaration is signed). "),
}


def build_template(language: str = "en") -> Any:
    """The blank workbook, written in ``language`` (``en`` or ``id``): sheet and column names
    (Indonesian: the format's aliases), comments, drop-down help and the example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    style = _Style(Font(bold=True), Font(italic=True, color="808080"), PatternFill("solid", fgColor="DDEBF7"))
    translate = translator(language)
    helps = list_helps(translate)
    workbook = Workbook()
    shipment = workbook.active
    shipment.title = sheet_title(SHIPMENT, language)
    _field_value_sheet(shipment, SHIPMENT, style, language, translate)
    lists = {
        "currency": _list_validation(COMMON_CURRENCIES, helps["currency"]),
        "statement_language": _list_validation(
            list(allowed_values("statement_language")), helps["statement_language"], allow_other=False
        ),
        "scheme": _list_validation(list(allowed_values("scheme")), helps["scheme"], allow_other=False),
        "number_format": _list_validation(["en", "id"], helps["number_format"], allow_other=False),
    }
    for validation in lists.values():
        shipment.add_data_validation(validation)
    for row, spec in enumerate(SHIPMENT.fields, start=2):
        if spec.name in lists:
            lists[spec.name].add(f"B{row}")
    items = workbook.create_sheet(sheet_title(ITEMS, language))
    _table_sheet(items, ITEMS, style, language, translate)
    criteria_list = _list_validation(criteria(), helps["origin_criterion"])
    items.add_data_validation(criteria_list)
    letter = get_column_letter([f.name for f in ITEMS.fields].index("origin_criterion") + 1)
    criteria_list.add(f"{letter}3:{letter}1000")
    materials = workbook.create_sheet(sheet_title(MATERIALS, language))
    _table_sheet(materials, MATERIALS, style, language, translate)
    exporter = workbook.create_sheet(sheet_title(EXPORTER, language))
    _field_value_sheet(exporter, EXPORTER, style, language, translate)
    return workbook


@dataclass(frozen=True)
class _Style:
    bold: Any
    grey: Any
    fill: Any


def _note(field: FieldSpec, language: str, translate: Callable[[str], str], required: bool) -> str:
    """A header's comment: whether it is required, what it means, its other names."""
    title = field_title(field, language)
    others = [name for name in (field.name, *field.aliases) if name != title]
    text = " ".join(
        part for part in (meaning_of(field, translate), "(" + "/".join(others) + ")" if others else "") if part
    )
    if required:
        text = translate(REQUIRED_NOTES[field.required]) + text
    return text.strip()


def _field_value_sheet(ws: Any, spec: SheetSpec, style: _Style, language: str, translate: Callable[[str], str]) -> None:
    from openpyxl.comments import Comment

    ws.append([*FIELD_VALUE_HEADINGS[language], EXAMPLE_LABELS[language]])
    for cell in ws[1]:
        cell.font = style.bold
        cell.fill = style.fill
    for field in spec.fields:
        example = example_value(field, language)
        ws.append([field_title(field, language), None, example if example not in (None, "") else None])
        name_cell = ws.cell(row=ws.max_row, column=1)
        if field.required == "yes":
            name_cell.font = style.bold
        text = _note(field, language, translate, bool(field.required))
        if text:
            name_cell.comment = Comment(text, "rexdecl")
        ws.cell(row=ws.max_row, column=3).font = style.grey
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 40


def _table_sheet(ws: Any, spec: SheetSpec, style: _Style, language: str, translate: Callable[[str], str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    ws.append([field_title(f, language) for f in spec.fields])
    for index, (cell, field) in enumerate(zip(ws[1], spec.fields, strict=True), start=1):
        cell.font = style.bold
        cell.fill = style.fill
        text = _note(field, language, translate, field.required == "yes")
        if text:
            cell.comment = Comment(text, "rexdecl")
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(str(cell.value)) + 4)
    # The mark stands in the first column (line): the reader skips the row while it holds
    # exactly these values, and reads it as a line once any is changed (EXAMPLE-ROW-READ).
    example = [EXAMPLE_LABELS[language]] + [example_value(f, language) for f in spec.fields[1:]]
    ws.append(example)
    for cell in ws[2]:
        cell.font = style.grey
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
