"""Reading and checking scheme data: the package's ``data/schemes.toml`` and the user's files
named by ``REXDECL_SCHEMES``. Every entry is checked key by key, so a broken file is refused
(exit 2) with the file, the entry and the key named, before any rule relies on it."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from rexdecl import limits
from rexdecl.i18n import _
from rexdecl.paths import display_path, open_regular, stat_or_none
from rexdecl.schemes._keys import (
    BENEFICIARY_KEYS,
    COUNTRY,
    MARKS,
    NEEDED_BLANKS,
    REGULATION_KEYS,
    SCHEME_KEYS,
    STATEMENT_BLANKS,
    TEXT_KEYS,
    TOP_KEYS,
    Entry,
    SchemeDataError,
    as_date,
    blanks_in,
    is_date,
    shown,
)
from rexdecl.schemes._model import Beneficiary, DataFile, Period, Scheme, SchemeText, frozen_mapping

log = logging.getLogger("rexdecl")

PACKAGED = "schemes.toml"


# --- files -----------------------------------------------------------------------------------


def read_data_text(file: DataFile) -> str:
    """The text of a data file a scheme names (package data, or beside the user's file)."""
    if not file.folder:
        return resources.files("rexdecl.data").joinpath(file.name).read_text(encoding="utf-8")
    return (Path(file.folder) / file.name).read_text(encoding="utf-8-sig")


def _read_user_file(path: Path) -> str:
    shown = display_path(path)
    status = stat_or_none(path)
    if status is None:
        raise SchemeDataError(
            _("{path}: no such scheme file (named by REXDECL_SCHEMES)").format(path=shown),
            _("REXDECL_SCHEMES lists scheme files (TOML) separated by '{sep}'").format(sep=os.pathsep),
        )
    if status.st_size > limits.MAX_SCHEME_FILE_BYTES:
        raise SchemeDataError(
            _("{path}: the scheme file is larger than {limit} MB; expected a TOML file of [[scheme]] entries").format(
                path=shown, limit=limits.MAX_SCHEME_FILE_BYTES // (1024 * 1024)
            )
        )
    try:
        handle = open_regular(path)
        with os.fdopen(handle, "rb") as stream:
            raw = stream.read(limits.MAX_SCHEME_FILE_BYTES + 1)
    except OSError as error:
        raise SchemeDataError(
            _("{path}: the scheme file cannot be read ({reason})").format(path=shown, reason=error.strerror or error)
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SchemeDataError(
            _("{path}: the scheme file is not UTF-8 text; expected a TOML file of [[scheme]] entries").format(
                path=shown
            )
        ) from None


def _parse_toml(text: str, shown: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise SchemeDataError(
            _("{path}: not valid TOML ({reason}); expected [[scheme]] entries").format(path=shown, reason=error)
        ) from None


def user_files(value: str) -> list[Path]:
    """The files ``REXDECL_SCHEMES`` names, separated as PATH is (':' here, ';' on Windows)."""
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


# --- entries ----------------------------------------------------------------------------------


def load(user_value: str) -> tuple[dict[str, Scheme], str, str]:
    """Every scheme (the package's, then the user's files in order; a user's entry with a
    packaged id replaces it), the id of the default scheme, and a fingerprint of the user's
    files ("" without any: the hash of their texts, which shape the documents)."""
    packaged = resources.files("rexdecl.data").joinpath(PACKAGED).read_text(encoding="utf-8")
    documents: list[tuple[str, str, dict[str, Any]]] = [(PACKAGED, "", _parse_toml(packaged, PACKAGED))]
    digest = hashlib.sha256()
    for path in user_files(user_value):
        shown = display_path(path)
        text = _read_user_file(path)
        digest.update(text.encode("utf-8") + b"\0")
        documents.append((shown, str(path.resolve().parent), _parse_toml(text, shown)))
    fingerprint = digest.hexdigest() if len(documents) > 1 else ""
    schemes: dict[str, Scheme] = {}
    default = ""
    for shown, folder, data in documents:
        unknown = sorted(set(data) - TOP_KEYS)
        if unknown:
            raise SchemeDataError(
                _("{file}: unknown key '{key}'; expected [[scheme]] entries and default_scheme").format(
                    file=shown, key=unknown[0]
                )
            )
        entries = data.get("scheme", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise SchemeDataError(_("{file}: 'scheme' must be [[scheme]] tables").format(file=shown))
        if not entries and "default_scheme" not in data:
            raise SchemeDataError(_("{file}: no [[scheme]] entry").format(file=shown))
        seen: set[str] = set()
        for number, raw in enumerate(entries, start=1):
            scheme = _scheme(Entry(shown, number, raw), folder)
            if scheme.id in seen:
                raise Entry(shown, number, raw).fail("id", _("the id is used twice in this file"))
            seen.add(scheme.id)
            if scheme.id in schemes and folder:
                log.info("%s: scheme %s replaces the packaged entry", shown, scheme.id)
            schemes[scheme.id] = scheme
        if "default_scheme" in data:
            default = data["default_scheme"]
            if not isinstance(default, str) or default not in schemes or not schemes[default].enabled:
                raise SchemeDataError(
                    _("{file}: default_scheme '{id}' is not an enabled scheme; expected one of {ids}").format(
                        file=shown, id=default, ids=", ".join(s.id for s in schemes.values() if s.enabled)
                    )
                )
    return schemes, default, fingerprint


def _scheme(entry: Entry, folder: str) -> Scheme:
    raw = entry.raw
    for key in raw:
        if key not in SCHEME_KEYS:
            raise entry.fail(key, _("unknown key; expected one of the keys described in schemes.toml"))
    for key in ("id", "name"):
        if key not in raw:
            raise entry.fail(key, _("missing; every scheme needs it"))
    values = {key: entry.get(key, *SCHEME_KEYS[key]) for key in raw}
    enabled = values.get("enabled", True)
    languages = tuple(values.get("languages", ()))
    texts = _texts(entry, values.get("text", {}), languages, tuple(values.get("cumulation", ())))
    if enabled:
        if not languages:
            raise entry.fail("languages", _("missing; an enabled scheme needs at least one language"))
        for key in ("mark", "source"):
            if key not in raw:
                raise entry.fail(key, _("missing; every statutory text needs its evidence mark and source"))
        if "territory" not in raw and "territory_codes" not in raw:
            raise entry.fail("territory_codes", _("missing; an enabled scheme needs its importing territory"))
        if "beneficiaries" not in raw and "beneficiary" not in raw:
            raise entry.fail("beneficiary", _("missing; an enabled scheme needs its beneficiary countries"))
    threshold_keys = ("threshold", "threshold_currency", "threshold_code", "rate_field")
    if any(key in raw for key in threshold_keys) and not all(key in raw for key in threshold_keys):
        missing = next(key for key in threshold_keys if key not in raw)
        raise entry.fail(
            missing, _("missing; a threshold needs threshold, threshold_currency, threshold_code and rate_field")
        )
    if values.get("signature"):
        for language, text in texts.items():
            if not text.place_and_date or not text.name_and_signature:
                raise entry.fail(
                    f"text.{language}", _("a scheme with signature = true needs place_and_date and name_and_signature")
                )

    def file(key: str) -> DataFile | None:
        if key not in values:
            return None
        data_file = DataFile(values[key], folder)
        if folder and not (Path(folder) / data_file.name).is_file():
            # Not beside the user's file: the package's own data file of that name, if any.
            if resources.files("rexdecl.data").joinpath(data_file.name).is_file():
                return DataFile(data_file.name)
            raise entry.fail(key, _("no file '{name}' beside the scheme file").format(name=data_file.name))
        return data_file

    beneficiaries_file = file("beneficiaries")
    return Scheme(
        id=values["id"],
        name=values["name"],
        enabled=enabled,
        disabled_reason=values.get("disabled_reason", ""),
        disabled_reason_id=values.get("disabled_reason_id", ""),
        legal_basis=values.get("legal_basis", ""),
        legal_basis_mark=values.get("legal_basis_mark", ""),
        regulations=tuple(_periods(entry, values.get("regulation", []))),
        mark=values.get("mark", ""),
        source=values.get("source", ""),
        status=values.get("status", ""),
        status_id=values.get("status_id", ""),
        status_mark=values.get("status_mark", ""),
        status_source=values.get("status_source", ""),
        parties=tuple(values.get("parties", ())),
        languages=languages,
        languages_source=values.get("languages_source", ""),
        identifier=values.get("identifier", "rex"),
        identifier_source=values.get("identifier_source", ""),
        rex_without_bracket=values.get("rex_without_bracket", False),
        heading=values.get("heading", ""),
        signature=values.get("signature", False),
        signature_source=values.get("signature_source", ""),
        territory_file=file("territory"),
        territory_codes=tuple(values.get("territory_codes", ())),
        territory_name=values.get("territory_name", ""),
        territory_name_id=values.get("territory_name_id", ""),
        territory_source=values.get("territory_source", ""),
        beneficiaries_file=beneficiaries_file,
        beneficiaries=tuple(_beneficiaries(entry, values.get("beneficiary", []))),
        beneficiaries_complete=values.get("beneficiaries_complete", beneficiaries_file is not None),
        threshold=Decimal(str(values["threshold"])) if "threshold" in values else None,
        threshold_currency=values.get("threshold_currency"),
        threshold_code=values.get("threshold_code"),
        rate_field=values.get("rate_field"),
        threshold_source=values.get("threshold_source", ""),
        validity_months=values.get("validity_months"),
        validity_source=values.get("validity_source", ""),
        validity_note=values.get("validity_note", ""),
        validity_note_id=values.get("validity_note_id", ""),
        cumulation=tuple(values.get("cumulation", ())),
        cumulation_source=values.get("cumulation_source", ""),
        cumulation_note=values.get("cumulation_note", ""),
        cumulation_countries=frozen_mapping({k: tuple(v) for k, v in values.get("cumulation_countries", {}).items()}),
        extended_cumulation=frozen_mapping({k: tuple(v) for k, v in values.get("extended_cumulation", {}).items()}),
        cumulation_groups_file=file("cumulation_groups"),
        cumulation_exclusions_file=file("cumulation_exclusions"),
        product_rules_file=file("product_rules"),
        product_rules_ldc=tuple(values.get("product_rules_ldc", ())),
        graduation_file=file("graduation"),
        rex_dates=values.get("rex_dates", False),
        revokes_registrations_after_exit=values.get("revokes_registrations_after_exit", False),
        revocation_source=values.get("revocation_source", ""),
        authentic_code_countries=tuple(values.get("authentic_code_countries", ())),
        authentic_code_source=values.get("authentic_code_source", ""),
        origin_symbols=frozen_mapping(values.get("origin_symbols", {})),
        origin_symbols_source=values.get("origin_symbols_source", ""),
        rule_catalogue=values.get("rule_catalogue", False),
        texts=frozen_mapping(texts),
        origin_file=entry.file,
    )


def _texts(
    entry: Entry, raw: Mapping[str, Any], languages: Sequence[str], cumulation: Sequence[str]
) -> dict[str, SchemeText]:
    texts: dict[str, SchemeText] = {}
    for language, table in raw.items():
        key = f"text.{language}"
        if language not in languages:
            raise entry.fail(key, _("a text in a language that 'languages' does not list"))
        for name in table:
            if name not in TEXT_KEYS:
                raise entry.fail(
                    f"{key}.{name}", _("unknown key; expected statement, rex_bracket, item, items, not_originating")
                )
        for name in ("statement", "item", "items", "not_originating"):
            if not isinstance(table.get(name), str) or not table[name].strip():
                raise entry.fail(f"{key}.{name}", _("missing; every text needs it"))
        for name in ("rex_bracket", "place_and_date", "name_and_signature"):
            if name in table and not isinstance(table[name], str):
                raise entry.fail(f"{key}.{name}", _("expected a text in quotes"))
        try:
            blanks = blanks_in(table["statement"])
            bracket_blanks = blanks_in(table.get("rex_bracket", ""))
        except ValueError as error:
            raise entry.fail(
                f"{key}.statement", _("a brace that opens no blank ({reason})").format(reason=error)
            ) from None
        if not blanks <= STATEMENT_BLANKS or not NEEDED_BLANKS <= blanks:
            raise entry.fail(
                f"{key}.statement",
                _(
                    "the blanks are {found}; expected {{country}} and {{criterion}}, and optionally {{exporter}} and {{rex_bracket}}"
                ).format(found=", ".join("{" + b + "}" for b in sorted(blanks)) or "-"),
            )
        if not bracket_blanks <= {"rex"}:
            raise entry.fail(f"{key}.rex_bracket", _("the only blank of the bracket is {{rex}}").format())
        mentions = table.get("cumulation", {})
        if not isinstance(mentions, dict) or not all(isinstance(v, str) for v in mentions.values()):
            raise entry.fail(
                f"{key}.cumulation", _('expected a table of mentions, e.g. regional = "regional cumulation"')
            )
        for name, mention in mentions.items():
            if name not in cumulation:
                raise entry.fail(
                    f"{key}.cumulation.{name}", _("a mention for a cumulation that 'cumulation' does not list")
                )
            if not blanks_in(mention) <= {"country"}:
                raise entry.fail(f"{key}.cumulation.{name}", _("the only blank of a mention is {{country}}").format())
        texts[language] = SchemeText(
            statement=table["statement"],
            rex_bracket=table.get("rex_bracket", ""),
            item=table["item"],
            items=table["items"],
            not_originating=table["not_originating"],
            cumulation=frozen_mapping({str(k): str(v) for k, v in mentions.items()}),
            place_and_date=table.get("place_and_date", ""),
            name_and_signature=table.get("name_and_signature", ""),
        )
    missing = [language for language in languages if language not in texts]
    if missing:
        raise entry.fail(f"text.{missing[0]}", _("missing; every language listed needs its text"))
    return texts


def _dated(entry: Entry, key: str, table: Mapping[str, Any], name: str) -> dt.date | None:
    if name not in table:
        return None
    if not is_date(table[name]):
        raise entry.fail(
            f"{key}.{name}", _("found {value}; expected a date YYYY-MM-DD").format(value=shown(table[name]))
        )
    return as_date(table[name])


def _needed_text(entry: Entry, key: str, table: Mapping[str, Any], name: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value.strip():
        raise entry.fail(f"{key}.{name}", _("missing; every fact needs it"))
    return value


def _beneficiaries(entry: Entry, tables: Sequence[Mapping[str, Any]]) -> list[Beneficiary]:
    out = []
    for number, table in enumerate(tables, start=1):
        key = f"beneficiary[{number}]"
        unknown = sorted(set(table) - BENEFICIARY_KEYS)
        if unknown:
            raise entry.fail(f"{key}.{unknown[0]}", _("unknown key; expected iso2, from, until, mark, source, risk"))
        iso2 = _needed_text(entry, key, table, "iso2")
        if not COUNTRY.match(iso2):
            raise entry.fail(
                f"{key}.iso2", _("found {value}; expected a two-letter country code").format(value=shown(iso2))
            )
        mark = _needed_text(entry, key, table, "mark")
        if mark not in MARKS:
            raise entry.fail(f"{key}.mark", _("found {value}; expected V, V2, R or I").format(value=shown(mark)))
        for name in ("risk", "risk_id", "risk_mark", "risk_source"):
            if name in table and not isinstance(table[name], str):
                raise entry.fail(f"{key}.{name}", _("expected a text in quotes"))
        start, until = _dated(entry, key, table, "from"), _dated(entry, key, table, "until")
        if start and until and until < start:
            raise entry.fail(f"{key}.until", _("before 'from'"))
        out.append(
            Beneficiary(
                iso2=iso2,
                start=start,
                until=until,
                mark=mark,
                source=_needed_text(entry, key, table, "source"),
                risk=table.get("risk", ""),
                risk_id=table.get("risk_id", ""),
                risk_mark=table.get("risk_mark", ""),
                risk_source=table.get("risk_source", ""),
            )
        )
    return out


def _periods(entry: Entry, tables: Sequence[Mapping[str, Any]]) -> list[Period]:
    out = []
    for number, table in enumerate(tables, start=1):
        key = f"regulation[{number}]"
        unknown = sorted(set(table) - REGULATION_KEYS)
        if unknown:
            raise entry.fail(f"{key}.{unknown[0]}", _("unknown key; expected text, from, until, mark, source"))
        mark = _needed_text(entry, key, table, "mark")
        if mark not in MARKS:
            raise entry.fail(f"{key}.mark", _("found {value}; expected V, V2, R or I").format(value=shown(mark)))
        out.append(
            Period(
                text=_needed_text(entry, key, table, "text"),
                start=_dated(entry, key, table, "from"),
                until=_dated(entry, key, table, "until"),
                mark=mark,
                source=_needed_text(entry, key, table, "source"),
            )
        )
    return out
