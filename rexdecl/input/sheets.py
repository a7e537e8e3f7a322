"""Finding a workbook's sheets by their role (Shipment, Items, Materials, Exporter), by name
or alias."""

from __future__ import annotations

from dataclasses import dataclass

from rexdecl.errors import Problem, UnreadableInput
from rexdecl.i18n import _
from rexdecl.input.fields import SheetSpec
from rexdecl.input.xlsx import XlsxPackage
from rexdecl.model import Location


@dataclass(frozen=True)
class Sheet:
    """A worksheet of an opened package, by its title."""

    package: XlsxPackage
    title: str


def find_sheet(workbook: XlsxPackage, spec: SheetSpec, display: str) -> Sheet | None:
    """The sheet of ``spec``'s role, by its name or an alias; two sheets of one role are
    refused rather than one chosen (a hidden Items would otherwise shadow a visible Barang)."""
    found = [title for title in workbook.sheetnames if spec.matches(title)]
    if len(found) > 1:
        hidden = set(workbook.hidden)
        raise UnreadableInput(
            [
                Problem(
                    Location(display),
                    _(
                        "the sheets {sheets} are all the {name} sheet; expected one (delete or rename the others)"
                    ).format(
                        sheets=", ".join(
                            _("{title} (hidden)").format(title=repr(t)) if t in hidden else repr(t) for t in found
                        ),
                        name=spec.name,
                    ),
                )
            ]
        )
    return Sheet(workbook, found[0]) if found else None
