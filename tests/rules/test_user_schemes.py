"""Schemes from the user's own data file (REXDECL_SCHEMES): a fictitious scheme with its own
text, languages, threshold and validity goes through ``template``, ``check``, ``generate``
and ``lint`` in a subprocess of the command line, with no other change — the proof that the
next scheme (the CEPA, once its text is public) is a data change. A broken file is refused
with exit status 2, naming the file, the entry and the key."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE_ITEM, DROP, item_with, make_workbook, shipment_with, write_registration

from rexdecl import schemes

POPPLER = shutil.which("pdftotext")

# A scheme that does not exist: Atlantis grants preferences on imports into Antarctica (AQ).
ATLANTIS = """
[[scheme]]
id = "xx-atlantis"
name = "Preference Scheme of Atlantis"
enabled = true
legal_basis = "Atlantis Customs Order 1/2027 (fictitious)"
legal_basis_mark = "I"
mark = "I"
source = "a fictitious scheme of rexdecl's tests"
languages = ["en", "de"]
languages_source = "Atlantis Customs Order 1/2027, Art. 3 (fictitious) [I]"
identifier = "rex"
heading = "Atlantis origin declaration"
territory_codes = ["AQ"]
territory_source = "Atlantis Customs Order 1/2027, Art. 1 (fictitious) [I]"
threshold = "3000"
threshold_currency = "EUR"
threshold_code = "THRESHOLD-EUR-6000"
rate_field = "eur_rate"
threshold_source = "Atlantis Customs Order 1/2027, Art. 5 (fictitious) [I]"
validity_months = 6
validity_source = "Atlantis Customs Order 1/2027, Art. 7: six months (fictitious) [I]"
cumulation = []

[[scheme.beneficiary]]
iso2 = "ID"
from = "2020-01-01"
mark = "I"
source = "Atlantis Customs Order 1/2027, Annex (fictitious)"

[scheme.text.en]
statement = "The exporter {exporter}{rex_bracket} of the goods listed in this document declares that, unless clearly stated otherwise, these goods are of {country} preferential origin under the Preference Scheme of Atlantis and that the origin criterion met is {criterion}."
rex_bracket = " (Registered Exporter No {rex})"
item = "item"
items = "items"
not_originating = "Not originating – outside the Atlantis declaration"

[scheme.text.de]
statement = "Der Ausführer {exporter}{rex_bracket} der in diesem Dokument aufgeführten Waren erklärt, dass diese Waren, soweit nicht anders angegeben, präferenzbegünstigte Ursprungswaren {country} im Sinne des Präferenzsystems von Atlantis sind und dass das erfüllte Ursprungskriterium {criterion} ist."
rex_bracket = " (Registrierter Ausführer Nr. {rex})"
item = "Position"
items = "Positionen"
not_originating = "Keine Ursprungsware – nicht von der Erklärung erfasst"
"""

ANTARCTICA = {
    "consignee_name": "Example Research Station (fictitious)",
    "consignee_address": "1 Ice Shelf Road, Antarctica",
    "consignee_country": "AQ",
    "scheme": "xx-atlantis",
    "statement_language": "de",
    "invoice_date": dt.date(2026, 11, 20),
    "expected_import_date": dt.date(2026, 12, 20),
}


def rexdecl(args: list[str], scheme_files: list[Path] | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``rexdecl ARGS`` in a subprocess, with REXDECL_SCHEMES naming ``scheme_files``."""
    env = {k: v for k, v in os.environ.items() if k != schemes.ENV_VAR}
    env["REXDECL_LANG"] = "en"
    if scheme_files is not None:
        env[schemes.ENV_VAR] = os.pathsep.join(str(p) for p in scheme_files)
    return subprocess.run(
        [sys.executable, "-m", "rexdecl", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def atlantis(tmp_path: Path) -> Path:
    path = tmp_path / "atlantis.toml"
    path.write_text(ATLANTIS, encoding="utf-8")
    return path


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")
def test_a_scheme_from_a_user_file_goes_through_every_command(atlantis: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    # template: the scheme field's drop-down lists the user's scheme, the languages its language.
    template = rexdecl(["template", "blank.xlsx"], [atlantis], tmp_path)
    assert template.returncode == 0, template.stderr
    validations = load_workbook(tmp_path / "blank.xlsx")["Shipment"].data_validations.dataValidation
    lists = {v.formula1 for v in validations}
    assert '"eu-gsp,uk-dcts,no-gsp,ch-gsp,xx-atlantis"' in lists
    assert '"en,fr,es,de"' in lists

    workbook = make_workbook(tmp_path, shipment_with(**ANTARCTICA))
    write_registration(tmp_path / "registration.toml")

    # Without the user's file the scheme is unknown.
    unknown = rexdecl(["check", str(workbook), "--as-of", "2026-11-22"], None, tmp_path)
    assert unknown.returncode == 1 and "SCHEME-UNSUPPORTED" in unknown.stdout

    # check: clean with the file.
    checked = rexdecl(["check", str(workbook), "--as-of", "2026-11-22", "--format", "json"], [atlantis], tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["summary"]["scheme"] == "xx-atlantis"
    problems = [f for f in report["findings"] if f["severity"] != "info"]
    # The only warning: no product-specific rules in the scheme's data (none were given).
    assert [f["code"] for f in problems] == ["DATA-MISSING"]
    assert (
        "the product-specific rules of Preference Scheme of Atlantis are not in rexdecl's data"
        in problems[0]["message"]
    )

    # generate: the German statutory text of the data, filled; the heading of the data.
    generated = rexdecl(["generate", str(workbook), "--out", "out", "--as-of", "2026-11-22"], [atlantis], tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    invoice = tmp_path / "out" / "INV-2026-001_invoice.pdf"
    text = " ".join(
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(invoice), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "ATLANTIS ORIGIN DECLARATION" in text.upper()
    assert (
        "Der Ausführer PT Jati Contoh (Registrierter Ausführer Nr. IDREXTEST0000000001) der in diesem Dokument "
        "aufgeführten Waren erklärt, dass diese Waren, soweit nicht anders angegeben, präferenzbegünstigte "
        "Ursprungswaren Indonesien im Sinne des Präferenzsystems von Atlantis sind und dass das erfüllte "
        "Ursprungskriterium W 9403 ist."
    ) in text

    # lint: the document's statement is recognised as the user's scheme, in German, exact.
    linted = rexdecl(["lint", str(invoice)], [atlantis], tmp_path)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "xx-atlantis, de — exact" in linted.stdout
    # Without the file, the same text is no known scheme's.
    assert rexdecl(["lint", str(invoice)], None, tmp_path).returncode == 1


def test_the_user_schemes_threshold_and_validity_apply(atlantis: Path, tmp_path: Path) -> None:
    old = {**ANTARCTICA, "invoice_date": dt.date(2026, 5, 19), "exporter_rex": DROP, "expected_import_date": DROP}
    items = [item_with(quantity=1, unit_price="3000.01", amount="3000.01")]
    workbook = make_workbook(tmp_path, shipment_with(**old), items)
    checked = rexdecl(["check", str(workbook), "--as-of", "2026-11-20", "--format", "json"], [atlantis], tmp_path)
    findings = {f["code"]: f for f in json.loads(checked.stdout)["findings"]}
    assert checked.returncode == 1
    threshold = findings["THRESHOLD-EUR-6000"]
    assert "above the EUR 3,000.00 that an exporter without a REX number may declare" in threshold["message"]
    assert threshold["reference"] == "Atlantis Customs Order 1/2027, Art. 5 (fictitious) [I]"
    age = findings["STATEMENT-AGE"]
    assert "is more than 6 months before today's run date 2026-11-20" in age["message"]
    assert "valid for 6 months (Atlantis Customs Order 1/2027, Art. 7: six months (fictitious) [I])" in age["message"]
    # Six months to the day: no warning.
    workbook = make_workbook(tmp_path, shipment_with(**{**old, "invoice_date": dt.date(2026, 5, 20)}), [BASE_ITEM])
    checked = rexdecl(["check", str(workbook), "--as-of", "2026-11-20", "--format", "json"], [atlantis], tmp_path)
    assert "STATEMENT-AGE" not in {f["code"] for f in json.loads(checked.stdout)["findings"]}


BROKEN = [
    pytest.param(
        'languages = ["en", "de"]',
        'languages = "de"',
        "key 'languages': found 'de'; expected a list of language codes",
        id="languages",
    ),
    pytest.param(
        'threshold = "3000"',
        'threshold = "-5"',
        "key 'threshold': found '-5'; expected a positive amount",
        id="threshold",
    ),
    pytest.param(
        "validity_months = 6",
        'validity_months = "six"',
        "key 'validity_months': found 'six'; expected months, 1 to 120",
        id="validity",
    ),
    pytest.param("cumulation = []", 'cumulation = []\ncolour = "blue"', "key 'colour': unknown key", id="unknown-key"),
    pytest.param(
        'rate_field = "eur_rate"',
        'rate_field = "sek_rate"',
        "key 'rate_field': found 'sek_rate'; expected \"eur_rate\" or \"chf_rate\"",
        id="rate-field",
    ),
    pytest.param(
        'is {criterion}."\nrex_bracket = " (Registered',
        'is {criterion} {date}."\nrex_bracket = " (Registered',
        "key 'text.en.statement': the blanks are {country}, {criterion}, {date}, {exporter}, {rex_bracket}",
        id="statement-blank",
    ),
    pytest.param(
        'iso2 = "ID"\nfrom = "2020-01-01"',
        'iso2 = "ID"\nfrom = "2020-02-30"',
        "key 'beneficiary[1].from': found '2020-02-30'; expected a date YYYY-MM-DD",
        id="beneficiary-date",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), BROKEN)
def test_a_broken_user_file_is_exit_2_naming_file_entry_and_key(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    broken = tmp_path / "broken.toml"
    assert old in ATLANTIS
    broken.write_text(ATLANTIS.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv(schemes.ENV_VAR, str(broken))
    workbook = make_workbook(tmp_path, shipment_with(**ANTARCTICA))
    document = tmp_path / "statement.txt"
    document.write_text("The exporter of the products covered by this document declares that …", encoding="utf-8")
    for args in (["check", workbook], ["template", tmp_path / "t.xlsx"], ["lint", document]):
        result = cli(args)
        assert result.exit_code == 2, result.output
        assert f"{broken}: scheme 'xx-atlantis' (entry 1), {expected}" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "t.xlsx").exists()


def test_a_missing_or_unreadable_user_file_is_exit_2(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    workbook = make_workbook(tmp_path, shipment_with(**ANTARCTICA))
    monkeypatch.setenv(schemes.ENV_VAR, str(tmp_path / "nowhere.toml"))
    result = cli(["check", workbook])
    assert result.exit_code == 2
    assert f"{tmp_path / 'nowhere.toml'}: no such scheme file (named by REXDECL_SCHEMES)" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[[scheme]\nid = 1\n", encoding="utf-8")
    monkeypatch.setenv(schemes.ENV_VAR, str(bad))
    result = cli(["check", workbook])
    assert result.exit_code == 2
    assert f"{bad}: not valid TOML" in result.output


def test_an_entry_with_a_packaged_id_replaces_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The CEPA, once its text is public, is an entry of this id in a file: enabled, usable."""
    cepa = tmp_path / "cepa.toml"
    cepa.write_text(
        ATLANTIS.replace('id = "xx-atlantis"', 'id = "eu-id-cepa"').replace(
            'territory_codes = ["AQ"]', 'territory_codes = ["DE"]'
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv(schemes.ENV_VAR, str(cepa))
    loaded = schemes.all_schemes()
    assert list(loaded) == ["eu-gsp", "uk-dcts", "no-gsp", "ch-gsp", "eu-id-cepa"]
    assert loaded["eu-id-cepa"].enabled and loaded["eu-id-cepa"].origin_file == str(cepa)
    assert schemes.statement_languages() == ("en", "fr", "es", "de")
    monkeypatch.delenv(schemes.ENV_VAR)
    assert not schemes.all_schemes()["eu-id-cepa"].enabled


def test_a_changed_scheme_file_changes_the_batch_input_hash(monkeypatch: pytest.MonkeyPatch, atlantis: Path) -> None:
    """batch skips a shipment whose input hash is unchanged: the user's scheme files are part of it."""
    from rexdecl.register.hashes import input_hash

    def current() -> str:
        return input_hash(
            workbook_sha256="0" * 64,
            entry=None,
            as_of=dt.date(2026, 11, 22),
            statement_language=None,
            no_statement=False,
        )

    monkeypatch.delenv(schemes.ENV_VAR, raising=False)
    without = current()
    monkeypatch.setenv(schemes.ENV_VAR, str(atlantis))
    with_file = current()
    atlantis.write_text(ATLANTIS.replace("validity_months = 6", "validity_months = 7"), encoding="utf-8")
    monkeypatch.setenv(schemes.ENV_VAR, str(atlantis) + os.pathsep)  # the same file, a new value read afresh
    changed = current()
    assert len({without, with_file, changed}) == 3
    monkeypatch.delenv(schemes.ENV_VAR)
    assert current() == without
