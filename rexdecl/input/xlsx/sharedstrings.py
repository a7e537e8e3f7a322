"""The shared strings of an .xlsx package: the texts its cells refer to by number, read with
their length, count and total size bounded as the part is read."""

from __future__ import annotations

import zipfile

from rexdecl import limits
from rexdecl.i18n import _, format_count
from rexdecl.input.xlsx.cells import decode_escapes, text_too_long
from rexdecl.input.xlsx.xmlparts import PackageError, feed, local_name, make_parser, open_part, too_many_elements


def read_shared_strings(package: zipfile.ZipFile, part: str) -> list[str]:
    """The texts of the shared strings ``part``, in order; a phonetic guide (rPh) is not part
    of its text."""
    strings: list[str] = []
    pieces: list[str] = []
    in_t = False
    skip = 0  # depth inside a phonetic guide (rPh: East Asian reading aid, not the value)
    length = total = elements = 0
    # Escaped characters (_x000D_) take 7 characters: the decoded text is checked at </si>.
    raw_limit = 7 * limits.MAX_CELL_CHARACTERS

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal in_t, skip, length, elements
        elements += 1
        if elements > limits.MAX_XML_ELEMENTS:
            raise too_many_elements(part)
        local = local_name(name)
        if local == "si":
            pieces.clear()
            length = 0
        elif local == "t" and not skip:
            in_t = True
        elif local == "rPh":
            skip += 1

    def end(name: str) -> None:
        nonlocal in_t, skip
        local = local_name(name)
        if local == "si":
            if len(strings) >= limits.MAX_SHARED_STRINGS:
                raise PackageError(
                    _(
                        "{part} holds more than {limit} shared strings, the limit (a shipment of "
                        "100,000 lines uses a few hundred thousand); expected a shipment workbook"
                    ).format(part=part, limit=format_count(limits.MAX_SHARED_STRINGS))
                )
            text = decode_escapes("".join(pieces))
            if len(text) > limits.MAX_CELL_CHARACTERS:
                raise text_too_long(part, _("shared string {number}").format(number=len(strings) + 1))
            strings.append(text)
        elif local == "t":
            in_t = False
        elif local == "rPh":
            skip -= 1

    def text(data: str) -> None:
        nonlocal length, total
        if in_t:
            length += len(data)
            total += len(data)
            if length > raw_limit:
                raise text_too_long(part, _("shared string {number}").format(number=len(strings) + 1))
            if total > limits.MAX_SHARED_CHARACTERS:
                raise PackageError(
                    _(
                        "{part} holds more than {limit} million characters of text, the limit; expected a "
                        "shipment workbook"
                    ).format(part=part, limit=limits.MAX_SHARED_CHARACTERS // (1024 * 1024))
                )
            pieces.append(data)

    with open_part(package, part) as stream:
        for _step in feed(make_parser(start, end, text), stream, part):
            pass
    return strings
