"""The exporter's REX registration: read from TOML, an .xlsx Exporter sheet, or found beside
the workbook, and the entry that a shipment's REX number selects.

Which registration is used: ``--registration FILE``, else the workbook's Exporter sheet,
else ``registration.toml`` beside the workbook, else none (an unregistered exporter).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rexdecl import limits
from rexdecl.errors import Problem, UnreadableInput
from rexdecl.i18n import _, format_count
from rexdecl.input.countries import country_code
from rexdecl.input.countries import problem as country_problem
from rexdecl.input.parsing import CellValueError, clean_text, date_in_range, parse_date, refuse_direction_controls
from rexdecl.model import Location, Registration, ShipmentInput, UnknownHeader

DEFAULT_FILE_NAME = "registration.toml"
_KNOWN_KEYS = {
    "rex_number",
    "name",
    "address",
    "country",
    "registered_on",
    "revoked_on",
    "npwp",
    "activity",
    "hs_chapters",
    "contact",
}


@dataclass(frozen=True)
class RegistrationData:
    """All registration entries available to a run, and where they came from."""

    entries: tuple[Registration, ...]
    source: str | None  # a file path, "Exporter sheet", or None when there is none
    # Fields the format does not know, reported as UNKNOWN-FIELD warnings and ignored.
    unknown: tuple[UnknownHeader, ...] = ()

    def find(self, rex_number: str) -> Registration | None:
        for entry in self.entries:
            if entry.rex_number == rex_number:
                return entry
        return None


NO_REGISTRATION = RegistrationData((), None)


def read_registration_file(path: str | Path) -> RegistrationData:
    """Entries of a registration file (TOML with ``[[exporter]]`` tables, or .xlsx)."""
    path = Path(path)
    if path.exists() and not path.is_file():
        # A folder, a named pipe (which would block the read) or a device: refused unopened.
        raise UnreadableInput(
            [
                Problem(
                    Location(str(path)),
                    _(
                        "this is not a file; expected a TOML file with [[exporter]] entries or an .xlsx "
                        "workbook with an Exporter sheet"
                    ),
                )
            ]
        )
    if not path.is_file():
        raise UnreadableInput(
            [
                Problem(
                    Location(str(path)),
                    _(
                        "registration file not found; expected a TOML file with [[exporter]] entries or an "
                        ".xlsx workbook with an Exporter sheet"
                    ),
                )
            ]
        )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from rexdecl.input.workbook import read_registration_workbook

        unknown: list[UnknownHeader] = []
        entries = read_registration_workbook(path, unknown)
        return RegistrationData(entries, str(path), tuple(unknown))
    if path.stat().st_size > limits.MAX_REGISTRATION_BYTES:
        raise UnreadableInput(
            [
                Problem(
                    Location(str(path)),
                    _(
                        "the registration file is larger than {limit} MB; expected a TOML file of exporter entries"
                    ).format(limit=limits.MAX_REGISTRATION_BYTES // (1024 * 1024)),
                )
            ]
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except RecursionError:  # arrays or tables nested thousands deep
        raise UnreadableInput(
            [
                Problem(
                    Location(str(path)),
                    _(
                        "arrays or tables nested too deeply to read; expected [[exporter]] entries of plain "
                        "values as in the README"
                    ),
                )
            ]
        ) from None
    except UnicodeDecodeError:
        raise UnreadableInput(
            [Problem(Location(str(path)), _("the file is not UTF-8 text; expected a TOML registration file"))]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise UnreadableInput(
            [
                Problem(
                    Location(str(path)),
                    _("not valid TOML ({detail}); expected [[exporter]] entries as in the README").format(
                        detail=str(exc)
                    ),
                )
            ]
        ) from None
    except OSError as exc:
        raise UnreadableInput(
            [
                Problem(
                    Location(str(path)),
                    _("the file cannot be read ({detail}); expected a readable TOML registration file").format(
                        detail=exc.strerror
                    ),
                )
            ]
        ) from None
    unknown_keys: list[UnknownHeader] = []
    entries = parse_registration_toml(data, str(path), unknown_keys)
    return RegistrationData(entries, str(path), tuple(unknown_keys))


def parse_registration_toml(
    data: dict[str, Any], display: str, unknown: list[UnknownHeader] | None = None
) -> tuple[Registration, ...]:
    """Entries of a parsed registration file; keys the format does not know are ignored and
    collected in ``unknown`` (UNKNOWN-FIELD warnings, as for the workbook's fields)."""
    problems: list[Problem] = []
    raw_entries = data.get("exporter")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise UnreadableInput(
            [
                Problem(
                    Location(display),
                    _("no [[exporter]] entry; expected one [[exporter]] table per registered exporter"),
                )
            ]
        )
    entries: list[Registration] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_entries, start=1):
        where = Location(display, part=f"[[exporter]] #{index}")
        if not isinstance(raw, dict):
            problems.append(Problem(where, _("expected a table of fields")))
            continue
        for key in raw:
            if key not in _KNOWN_KEYS and unknown is not None:
                where_key = Location(display, part=f"[[exporter]] #{index}, {key}")
                unknown.append(UnknownHeader(key, where_key))
        entry = _entry(raw, display, index, problems)
        if entry is None:
            continue
        if entry.rex_number in seen:
            problems.append(
                Problem(
                    where,
                    _("REX number {rex} is also in entry #{other}; expected each REX number once").format(
                        rex=entry.rex_number, other=seen[entry.rex_number]
                    ),
                )
            )
        seen[entry.rex_number] = index
        entries.append(entry)
    if problems:
        raise UnreadableInput(problems)
    return tuple(entries)


def _entry(raw: dict[str, Any], display: str, index: int, problems: list[Problem]) -> Registration | None:
    def where(key: str) -> Location:
        return Location(display, part=f"[[exporter]] #{index}, {key}")

    def text(key: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            problems.append(Problem(where(key), _("found {found}; expected text").format(found=repr(value)[:80])))
            return None
        value = clean_text(value)
        if len(value) > limits.MAX_TEXT_LENGTH:
            problems.append(
                Problem(
                    where(key),
                    _("found a text of {length} characters; expected at most {limit} characters").format(
                        length=format_count(len(value)), limit=format_count(limits.MAX_TEXT_LENGTH)
                    ),
                )
            )
            return None
        try:
            refuse_direction_controls(value)
        except CellValueError as error:
            problems.append(
                Problem(
                    where(key),
                    _("found {found}; expected {expected}").format(found=error.found, expected=error.expected),
                )
            )
            return None
        return value or None

    def date(key: str) -> dt.date | None:
        value = raw.get(key)
        if value is None or value == "":
            return None
        try:
            if isinstance(value, dt.datetime):
                return date_in_range(value.date())
            if isinstance(value, dt.date):
                return date_in_range(value)
            return parse_date(value)
        except CellValueError as error:
            problems.append(
                Problem(
                    where(key),
                    _("found {found}; expected {expected}").format(found=error.found, expected=error.expected),
                )
            )
            return None

    rex = text("rex_number")
    if not rex:
        problems.append(Problem(where("rex_number"), _("missing; expected the REX number as registered")))
        return None
    chapters_raw = raw.get("hs_chapters", [])
    chapters: tuple[int, ...] = ()
    if isinstance(chapters_raw, list) and all(
        isinstance(c, int) and not isinstance(c, bool) and 1 <= c <= 99 for c in chapters_raw
    ):
        chapters = tuple(chapters_raw)
    else:
        problems.append(
            Problem(
                where("hs_chapters"),
                _("found {found}; expected a list of chapter numbers from 1 to 99 such as [52, 62]").format(
                    found=repr(chapters_raw)[:80]
                ),
            )
        )
    country = _country(text("country"), where("country"), problems)
    activity = text("activity")
    return Registration(
        rex_number=rex,
        name=text("name"),
        address=text("address"),
        country=country,
        registered_on=date("registered_on"),
        revoked_on=date("revoked_on"),
        npwp=text("npwp"),
        activity=activity.lower() if activity else None,
        hs_chapters=chapters,
        contact=text("contact"),
        location=Location(display, part=f"[[exporter]] #{index}"),
    )


def _country(value: str | None, where: Location, problems: list[Problem]) -> str | None:
    """The registration's country as its alpha-2 code ("Indonesia" is ID); a value that is
    no country is refused here, before it reads as a wrong REX number or origin."""
    if value is None:
        return None
    code = country_code(value)
    if code is None:
        found, expected = country_problem(value)
        problems.append(Problem(where, _("found {found}; expected {expected}").format(found=found, expected=expected)))
    return code


def resolve_registration(shipment_input: ShipmentInput, registration_file: str | Path | None) -> RegistrationData:
    """The registration data for a shipment, by the order of precedence of the format."""
    if registration_file is not None:
        return read_registration_file(registration_file)
    if shipment_input.exporter_sheet:
        return RegistrationData(shipment_input.exporter_sheet, _("Exporter sheet"))
    beside = Path(shipment_input.path).parent / DEFAULT_FILE_NAME
    if beside.is_file():
        return read_registration_file(beside)
    return NO_REGISTRATION


def merge(sources: Sequence[RegistrationData]) -> RegistrationData:
    entries: list[Registration] = []
    for source in sources:
        entries.extend(source.entries)
    return RegistrationData(
        tuple(entries), "; ".join(s.source for s in sources if s.source), tuple(u for s in sources for u in s.unknown)
    )
