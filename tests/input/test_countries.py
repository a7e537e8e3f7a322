"""Countries as people write them: every country field (registration ``country``; Shipment
``exporter_country``, ``consignee_country``, ``destination_country``; Items
``origin_country``; Materials ``origin``) takes an ISO alpha-2 code as before, or a name in
English or Indonesian ("Indonesia", "Jerman", "Belanda"), read as the code. A name that
names nothing, or several countries ("Korea", "Congo"), is an error naming the cell, what
was found, what is expected and the closest names or the candidates."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    BASE_ITEM,
    BASE_REGISTRATION,
    Checked,
    flat,
    item_with,
    make_workbook,
    run_cli,
    shipment_with,
    write_registration,
)

from rexdecl.errors import UnreadableInput
from rexdecl.input import countries
from rexdecl.input.countries import candidates, country_code, name_key, suggestions
from rexdecl.input.registration import read_registration_file
from rexdecl.input.workbook import read_shipment

EXPECTED = "an ISO 3166 alpha-2 code (e.g. ID, DE, NL) or a country's name in English or Indonesian"


def material(origin: Any, description: str = "Teak logs") -> dict[str, Any]:
    return {"line": 1, "description": description, "hs_code": "4403", "origin": origin, "value": 300}


# -- the names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # codes, as before: alpha-2 in any case, and alpha-3
        ("DE", "DE"),
        ("id", "ID"),
        (" nl ", "NL"),
        ("IDN", "ID"),
        ("deu", "DE"),
        # English and Indonesian names (CLDR), ISO's own (pycountry), case and accents ignored
        ("Indonesia", "ID"),
        ("INDONESIA", "ID"),
        ("Germany", "DE"),
        ("Jerman", "DE"),
        ("Belanda", "NL"),
        ("the Netherlands", "NL"),
        ("Netherlands, The", "NL"),
        ("Amerika Serikat", "US"),
        ("United States of America", "US"),
        ("Tiongkok", "CN"),
        ("Korea Selatan", "KR"),
        ("Republic of Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Spanyol", "ES"),
        ("Swiss", "CH"),
        ("Belgia", "BE"),
        ("Italia", "IT"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Côte d’Ivoire", "CI"),
        ("cote d'ivoire", "CI"),
        ("Türkiye", "TR"),
        ("Turki", "TR"),
        ("Myanmar (Burma)", "MM"),
        ("Burma", "MM"),
        ("Bosnia & Herzegovina", "BA"),
        ("Bosnia dan Herzegovina", "BA"),
        ("St. Kitts & Nevis", "KN"),
        ("Saint Kitts and Nevis", "KN"),
        ("Sri Lanka", "LK"),
        ("Srilanka", "LK"),
        ("Congo - Kinshasa", "CD"),
        ("Congo (Brazzaville)", "CG"),
        ("Guinea-Bissau", "GW"),
        ("Papua Nugini", "PG"),
        # everyday names of data/country-names.csv
        ("Inggris", "GB"),
        ("UK", "GB"),
        ("Amerika", "US"),
        ("USA", "US"),
        ("Cina", "CN"),
        ("Perancis", "FR"),
        ("Prancis", "FR"),
        ("Holland", "NL"),
        ("Turkey", "TR"),
        ("Pantai Gading", "CI"),
        ("Hongkong", "HK"),
        ("Republik Demokratik Kongo", "CD"),
        ("Irlandia Utara", "XI"),
        ("Northern Ireland", "XI"),
        # the codes the scheme data accepts as an origin, and their names
        ("EU", "EU"),
        ("XC", "XC"),
        ("XL", "XL"),
        ("XI", "XI"),
        ("European Union", "EU"),
        ("Uni Eropa", "EU"),
        ("Ceuta", "XC"),
        ("Melilla", "XL"),
    ],
)
def test_a_code_or_a_name_is_read_as_the_code(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Korea", ("KP", "KR")),
        ("korea", ("KP", "KR")),
        ("Congo", ("CD", "CG")),
        ("Kongo", ("CD", "CG")),
        ("Guinea", ("GN", "GQ", "GW", "PG")),
    ],
)
def test_a_name_of_several_countries_is_never_guessed(text: str, codes: tuple[str, ...]) -> None:
    assert country_code(text) is None
    assert candidates(text) == codes


@pytest.mark.parametrize("text", ["XX", "Jermany", "Narnia", "Indonesian", "I D", "", "Kosovo"])
def test_what_names_no_country_is_not_read(text: str) -> None:
    assert country_code(text) is None
    assert candidates(text) == ()


@pytest.mark.parametrize(
    ("text", "closest"),
    [
        ("Jermany", ("Jerman", "DE")),
        ("Indonesai", ("Indonesia", "ID")),
        ("Belnda", ("Belanda", "NL")),
        ("Swizerland", ("Switzerland", "CH")),
    ],
)
def test_a_misspelt_name_gets_the_closest_names(text: str, closest: tuple[str, str]) -> None:
    assert suggestions(text)[0] == closest
    assert len({code for _name, code in suggestions(text)}) == len(suggestions(text))  # one name per country


def test_the_everyday_names_file_is_data_with_provenance() -> None:
    """Each row: a name, valid codes, an evidence mark and a source; no name twice; a
    single-code name never contradicts CLDR or ISO (it adds a name, or refuses one)."""
    text = resources.files("rexdecl.data").joinpath("country-names.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and list(rows[0]) == ["name", "codes", "mark", "source"]
    keys = [name_key(row["name"]) for row in rows]
    assert len(keys) == len(set(keys)), "a name twice"
    derived = {key: codes for key, (codes, _shown) in countries.derived_names().items()}
    for row in rows:
        codes = row["codes"].split()
        assert codes and all(countries.is_country_code(c) for c in codes), row
        assert row["mark"] in ("V", "V2", "R", "I") and row["source"].strip(), row
        known = derived.get(name_key(row["name"]), frozenset())
        if len(codes) == 1:
            assert known <= set(codes), f"{row['name']}: CLDR/ISO say {known}, the file {codes}"
        else:
            assert len(codes) > 1 and not (known - set(codes)), row
    assert "country-names.csv" in (Path(countries.__file__).parents[1] / "data" / "SOURCES.md").read_text()


# -- in the workbook -------------------------------------------------------------------------------


def test_every_country_field_of_the_workbook_takes_a_name(tmp_path: Path) -> None:
    path = make_workbook(
        tmp_path,
        shipment_with(exporter_country="Indonesia", consignee_country="Jerman", destination_country="Germany"),
        [item_with(origin_country="indonesia")],
        [material("Tiongkok"), material("tidak diketahui", "Glue"), material("Unknown", "Screws")],
        exporter=dict(BASE_REGISTRATION, country="Indonesia"),
    )
    read = read_shipment(path)
    shipment = read.shipment
    assert (shipment.exporter_country, shipment.consignee_country, shipment.destination_country) == ("ID", "DE", "DE")
    assert [i.origin_country for i in read.items] == ["ID"]
    assert read.materials is not None
    assert [m.origin for m in read.materials] == ["CN", "unknown", "unknown"]
    assert read.exporter_sheet is not None and read.exporter_sheet[0].country == "ID"
    # The cell keeps its place for messages.
    assert shipment.where("consignee_country").cell == "B10"


def test_a_shipment_written_with_names_checks_clean(check: Callable[..., Checked]) -> None:
    result = check(
        shipment=shipment_with(exporter_country="Indonesia", consignee_country="Jerman"),
        items=[item_with(origin_country="Indonesia")],
        registration=[dict(BASE_REGISTRATION, country="Indonesia")],
    )
    assert result.problems() == [], [f.message for f in result.problems()]


def test_the_issues_case_registration_country_indonesia(tmp_path: Path) -> None:
    """Was: REX-FORMAT ("the exporter's country is INDONESIA": retype the REX number) and
    COUNTRY-NOT-BENEFICIARY on a shipment whose only flaw was the country written out."""
    path = make_workbook(tmp_path, shipment_with(exporter_country=None))
    write_registration(tmp_path / "registration.toml", dict(BASE_REGISTRATION, country="Indonesia"))
    assert read_registration_file(tmp_path / "registration.toml").entries[0].country == "ID"
    result = run_cli(["check", path, "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "REX-FORMAT" not in result.output
    assert "COUNTRY-NOT-BENEFICIARY" not in result.output
    assert "0 errors, 0 warnings" in result.output


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"shipment": shipment_with(consignee_country="Jermany")},
            "Shipment!B10: consignee_country: found 'Jermany', which is no country code or name rexdecl knows "
            f"(closest: Jerman (DE)); expected {EXPECTED}",
        ),
        (
            {"shipment": shipment_with(destination_country="Narnia")},
            "Shipment!B15: destination_country: found 'Narnia', which is no country code or name rexdecl knows; "
            f"expected {EXPECTED}",
        ),
        (
            {"items": [item_with(origin_country="Korea")]},
            "Items!H2: origin_country of line 1: found 'Korea', which names more than one country: "
            "KP (North Korea), KR (South Korea); expected the two-letter code of the country meant",
        ),
        (
            {"materials": [material("Kongo")]},
            "Materials!D2: origin: found 'Kongo', which names more than one country: CD (Congo - Kinshasa), "
            "CG (Congo - Brazzaville); expected the two-letter code of the country meant",
        ),
        (
            {"materials": [material("Tiongok")]},
            "Materials!D2: origin: found 'Tiongok', which is no country code or name rexdecl knows (closest: Tiongkok (CN)); "
            "expected an ISO 3166 alpha-2 code (e.g. ID, DE, NL), a country's name in English or Indonesian, "
            "or 'unknown'",
        ),
        (
            {"shipment": shipment_with(consignee_country="xx")},
            f"Shipment!B10: consignee_country: found 'XX', which is no country code or name rexdecl knows; "
            f"expected {EXPECTED}",
        ),
        (
            {"shipment": shipment_with(consignee_country="European Union")},
            f"Shipment!B10: consignee_country: found 'EU', which is not a country this field takes; expected {EXPECTED}",
        ),
    ],
    ids=[
        "misspelt",
        "unknown",
        "ambiguous-origin",
        "ambiguous-material",
        "misspelt-material",
        "made-up-code",
        "origin-symbol-as-destination",
    ],
)
def test_a_value_naming_no_country_is_missing_field_with_what_to_write(
    check: Callable[..., Checked], changes: dict[str, Any], message: str
) -> None:
    result = check(**changes)
    assert [f.message for f in result.of("MISSING-FIELD")] == [message]


def test_the_candidates_are_named_in_indonesian_with_lang_id(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, items=[dict(BASE_ITEM, origin_country="Korea")])
    write_registration(tmp_path / "registration.toml")
    result = run_cli(["--lang", "id", "check", path, "--as-of", "2026-11-22"])
    assert result.exit_code == 1, result.output
    assert (
        "Items!H2: origin_country baris 1: tertulis 'Korea', yang merupakan nama lebih dari satu negara: "
        "KP (Korea Utara), KR (Korea Selatan); seharusnya kode dua huruf negara yang dimaksud"
    ) in flat(result.output)  # the report wraps at 80 columns


# -- in the registration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "found"),
    [
        ("Indonesai", "'Indonesai', which is no country code or name rexdecl knows (closest: Indonesia (ID))"),
        ("Korea", "'Korea', which names more than one country: KP (North Korea), KR (South Korea)"),
        ("XX", "'XX', which is no country code or name rexdecl knows"),
    ],
)
def test_a_registration_country_naming_no_country_is_refused(tmp_path: Path, country: str, found: str) -> None:
    """Refused when read (exit 2), before it reads as a wrong REX number or origin."""
    path = make_workbook(tmp_path, shipment_with(exporter_country=None))
    registration = write_registration(tmp_path / "registration.toml", dict(BASE_REGISTRATION, country=country))
    with pytest.raises(UnreadableInput) as caught:
        read_registration_file(registration)
    expected = EXPECTED if country != "Korea" else "the two-letter code of the country meant"
    assert [str(p.location) for p in caught.value.problems] == [f"{registration}, [[exporter]] #1, country"]
    assert [p.message for p in caught.value.problems] == [f"found {found}; expected {expected}"]
    result = run_cli(["check", path, "--as-of", "2026-11-22"])
    assert result.exit_code == 2
    assert f"country: found {found}" in result.output
    assert "REX-FORMAT" not in result.output


def test_an_exporter_sheet_country_naming_no_country_is_refused(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, exporter=dict(BASE_REGISTRATION, country="Indonesai"))
    with pytest.raises(UnreadableInput) as caught:
        read_shipment(path)
    (problem,) = caught.value.problems
    assert (problem.location.sheet, problem.location.cell) == ("Exporter", "B5")
    assert problem.message == (
        "country: found 'Indonesai', which is no country code or name rexdecl knows (closest: Indonesia (ID)); "
        f"expected {EXPECTED}"
    )
