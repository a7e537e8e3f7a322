"""The REX schemes beside the EU GSP (issue 10, points 3-4): Switzerland's CHF 10,300
threshold, Norway no longer covering Indonesia, the UK DCTS declaration, the default scheme
of a destination, Indonesia leaving the EU GSP on 2027-01-01 (the EU-Indonesia CEPA), the
placeholder for the CEPA statement, and the evidence marks of facts not confirmed.

The facts come from ``data/schemes.toml`` and ``data/rex-countries.csv``
(statement-on-origin.md, rules.md); the workbooks are built by conftest's helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import (
    AS_OF,
    BASE_ITEM,
    BASE_REGISTRATION,
    DROP,
    ERROR,
    REX,
    WARNING,
    Checked,
    item_with,
    make_workbook,
    needs_pdftotext,
    pdf_text,
    shipment_with,
    write_registration,
)

from rexdecl import legal
from rexdecl.documents.statement import fill_statement
from rexdecl.pipeline import check_workbook
from rexdecl.rules import CheckOptions

SWITZERLAND = {
    "consignee_name": "Beispiel Handels AG",
    "consignee_address": "Bahnhofstrasse 1, 8001 Zürich",
    "consignee_country": "CH",
    "currency": "CHF",
}
NORWAY = {
    "consignee_name": "Eksempel Møbler AS",
    "consignee_address": "Karl Johans gate 1, 0154 Oslo",
    "consignee_country": "NO",
}
UK = {
    "consignee_name": "Example Furniture Ltd",
    "consignee_address": "1 Example Street, London SW1A 1AA",
    "consignee_country": "GB",
    "currency": "GBP",
    "customs_id": "GB123456789000",
    "eska_code": DROP,
    # The declaration is signed: its place and date, name and signature lines.
    "signatory_name": "Budi Contoh",
    "signatory_title": "Director",
    "place_of_issue": "Jepara",
}
UNREGISTERED = {"exporter_rex": DROP}
CEPA_HINT = (
    "eu-id-cepa (EU-Indonesia Comprehensive Economic Partnership Agreement: concluded 2025-09-23, not in "
    "force, date of application unknown; the text of the CEPA statement on origin is not yet in rexdecl's "
    "data (not confirmed))"
)


def line(amount: str, number: int = 1, criterion: str = "W 9403") -> dict[str, Any]:
    return item_with(line=number, quantity=1, unit_price=amount, amount=amount, origin_criterion=criterion)


def run(
    check: Callable[..., Checked],
    amounts: tuple[str, ...] = ("1000",),
    registered: bool = True,
    as_of: dt.date = AS_OF,
    **shipment: Any,
) -> Checked:
    """Check the baseline shipment with ``shipment`` changes and one line per amount."""
    if not registered:
        shipment = {**UNREGISTERED, **shipment}
    items = [line(amount, n) for n, amount in enumerate(amounts, start=1)]
    return check(shipment=shipment_with(**shipment), items=items, registration=registered, as_of=as_of)


def the(result: Checked, code: str, containing: str = "") -> Any:
    """The one finding of ``code`` whose message contains ``containing``."""
    found = [f for f in result.of(code) if containing in f.message]
    assert len(found) == 1, f"{code} {containing!r}: {[f.message for f in result.findings]}"
    return found[0]


# -- the data ---------------------------------------------------------------------------


def test_scheme_data() -> None:
    schemes = legal.schemes()
    assert set(schemes) == {"eu-gsp", "uk-dcts", "no-gsp", "ch-gsp", "eu-id-cepa"}
    ch = schemes["ch-gsp"]
    assert (str(ch.threshold), ch.threshold_currency, ch.threshold_code, ch.rate_field) == (
        "10300",
        "CHF",
        "THRESHOLD-CHF-10300",
        "chf_rate",
    )
    assert ch.mark == "R"  # the Swiss wording is recalled, not seen
    assert schemes["uk-dcts"].threshold is None and schemes["uk-dcts"].identifier == "customs_id"
    (indonesia,) = schemes["no-gsp"].beneficiaries
    assert (indonesia.iso2, indonesia.until, indonesia.mark) == ("ID", dt.date(2022, 1, 31), "V")
    for scheme in schemes.values():
        if scheme.enabled:
            assert set(scheme.texts) == set(scheme.languages), scheme.id
            for text in scheme.texts.values():
                for blank in ("{rex_bracket}", "{country}", "{criterion}"):
                    assert blank in text.statement, (scheme.id, blank)


def test_the_cepa_has_a_named_place_and_no_invented_text() -> None:
    cepa = legal.schemes()["eu-id-cepa"]
    assert not cepa.enabled
    assert cepa.texts == {} and cepa.languages == ()
    assert "not confirmed" in cepa.disabled_reason
    # No destination falls to it by default, whatever the date.
    day = dt.date(2027, 6, 1)
    for entry in legal.eu_customs_territory():
        if entry.covers(day):
            assert legal.scheme_for_destination(entry.code, day) == "eu-gsp"
    assert all(legal.scheme_for_destination(code, day) != "eu-id-cepa" for code in ("ID", "GB", "NO"))


# -- Switzerland: CHF 10,300 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("amounts", "changes", "total"),
    [
        pytest.param(("10300.00",), {}, None, id="chf-10300.00-allowed"),
        pytest.param(("10300.01",), {}, "CHF 10,300.01", id="chf-10300.01-over"),
        pytest.param(("5150.00", "5150.01"), {}, "CHF 10,300.01", id="sum-of-lines-over"),
        pytest.param(("12360.00",), {"currency": "USD", "chf_rate": "1.2"}, None, id="usd-at-limit"),
        pytest.param(
            ("12360.02",),
            {"currency": "USD", "chf_rate": "1.2"},
            "CHF 10,300.02 (rate used: 1.2 USD per CHF, from chf_rate)",
            id="usd-over-converted",
        ),
        pytest.param(
            ("11021.01",),
            {"currency": "EUR", "chf_rate": "1.07"},
            "CHF 10,300.01 (rate used: 1.07 EUR per CHF, from chf_rate)",
            id="eur-over-converted",
        ),
    ],
)
def test_switzerland_threshold(
    check: Callable[..., Checked],
    amounts: tuple[str, ...],
    changes: dict[str, Any],
    total: str | None,
) -> None:
    result = run(check, amounts, registered=False, **{**SWITZERLAND, **changes})
    assert result.summary["scheme"] == "ch-gsp"
    assert "THRESHOLD-EUR-6000" not in result.codes()  # the EU limit is not Switzerland's
    if total is None:
        assert "THRESHOLD-CHF-10300" not in result.codes()
        assert the(result, "THRESHOLD-NEAR").severity == WARNING
        return
    finding = the(result, "THRESHOLD-CHF-10300")
    assert finding.severity == ERROR
    assert f"the originating products total {total}, above the CHF 10,300.00" in finding.message
    assert finding.reference == "Swiss circular D 31 [V]"


@pytest.mark.parametrize(
    "changes",
    [{"currency": "USD"}, {"currency": "USD", "eur_rate": "1.08"}, {"currency": "EUR"}],
    ids=["usd", "usd-with-eur-rate-only", "eur"],
)
def test_switzerland_rate_missing(check: Callable[..., Checked], changes: dict[str, Any]) -> None:
    result = run(check, ("100",), registered=False, **{**SWITZERLAND, **changes})
    finding = the(result, "RATE-MISSING")
    assert finding.severity == ERROR
    assert (
        f"the invoice is in {changes['currency']} and no chf_rate is given, so the 10,300 CHF "
        "limit for exporters without a REX number cannot be checked"
    ) in finding.message
    assert "THRESHOLD-CHF-10300" not in result.codes()


def test_switzerland_registered_exporter_has_no_limit(check: Callable[..., Checked]) -> None:
    result = run(check, ("250000",), **{**SWITZERLAND, "currency": "USD"})
    assert not {"THRESHOLD-CHF-10300", "RATE-MISSING", "THRESHOLD-NEAR"} & set(result.codes())


def test_switzerland_statement_wording(tmp_path: Path) -> None:
    workbook = make_workbook(tmp_path, shipment_with(**SWITZERLAND))
    write_registration(tmp_path / "registration.toml")
    checked = check_workbook(workbook, CheckOptions(as_of=AS_OF))
    assert checked.facts.scheme_id == "ch-gsp"
    assert fill_statement(checked.facts).text == (
        f"The exporter PT Jati Contoh (Number of Registered Exporter {REX}) of the products "
        "covered by this document declares that, except where otherwise clearly indicated, these "
        "products "
        "are of Indonesia preferential origin according to rules of origin of the Generalized "
        "System of Preferences of Switzerland and that the origin criterion met is W 9403."
    )


# -- Norway: no longer Indonesia ----------------------------------------------------------


@pytest.mark.parametrize(
    ("invoice_date", "covered"),
    [
        (dt.date(2022, 1, 31), True),
        (dt.date(2022, 2, 1), False),
        (dt.date(2026, 11, 20), False),
    ],
)
def test_norway_no_longer_covers_indonesia(check: Callable[..., Checked], invoice_date: dt.date, covered: bool) -> None:
    result = run(
        check,
        as_of=invoice_date + dt.timedelta(days=2),
        invoice_date=invoice_date,
        expected_import_date=invoice_date + dt.timedelta(days=30),
        **NORWAY,
    )
    assert result.summary["scheme"] == "no-gsp"
    if covered:
        assert "COUNTRY-NOT-BENEFICIARY" not in result.codes()
        return
    finding = the(result, "COUNTRY-NOT-BENEFICIARY")
    assert finding.severity == ERROR
    released = invoice_date + dt.timedelta(days=30)
    assert (
        "Indonesia (ID) is not a beneficiary of the Generalised System of Preferences of Norway on "
        f"{released.isoformat()}, the expected release of the goods: its last day was 2022-01-31" in finding.message
    )
    assert finding.reference.endswith("[V, Norwegian Customs]")


def test_norway_statement_wording(tmp_path: Path) -> None:
    shipment = shipment_with(invoice_date=dt.date(2022, 1, 20), expected_import_date=DROP, **NORWAY)
    workbook = make_workbook(tmp_path, shipment)
    write_registration(tmp_path / "registration.toml")
    context = check_workbook(workbook, CheckOptions(as_of=dt.date(2022, 1, 21))).facts
    assert (
        "according to the rules of origin of the Generalized System of Preferences of Norway "
        "and that the origin criterion met is W 9403."
    ) in fill_statement(context).text


# -- the UK DCTS -------------------------------------------------------------------------


def test_uk_dcts_has_no_value_threshold(check: Callable[..., Checked]) -> None:
    result = run(check, ("250000",), registered=False, **UK)
    assert result.summary["scheme"] == "uk-dcts"
    assert not {
        "THRESHOLD-EUR-6000",
        "THRESHOLD-CHF-10300",
        "THRESHOLD-NEAR",
        "RATE-MISSING",
    } & set(result.codes())
    assert [f.code for f in result.findings if f.severity == ERROR] == []


@needs_pdftotext
def test_uk_declaration_printed_with_customs_id_place_date_and_signature(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    workbook = make_workbook(tmp_path, shipment_with(**UNREGISTERED, **UK))
    result = cli(["generate", workbook, "--out", tmp_path / "out", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "out" / "INV-2026-001_invoice.pdf", layout=True)
    flat = " ".join(text.split())
    assert (
        "The exporter of the products covered by this document (customs identification No "
        "GB123456789000) declares that, except where otherwise clearly indicated, these products "
        "are of Indonesia preferential origin in accordance with the rules of origin of the "
        "Developing Countries Trading Scheme of the UK and that the origin criterion met is W 9403."
    ) in flat
    # Place and date (place_of_issue), and the signatory's name and title, each above its label.
    lines = [" ".join(row.split()) for row in text.splitlines() if row.strip()]
    signed = lines.index("Jepara, 20 November 2026 Budi Contoh, Director")
    assert lines[signed + 1] == "(Place and date) (Name and signature of the exporter)"
    assert "Number of Registered Exporter" not in flat


# -- the scheme of a destination -----------------------------------------------------------


@pytest.mark.parametrize(
    ("destination", "day", "scheme"),
    [
        ("GB", dt.date(2020, 12, 31), "eu-gsp"),  # still in the EU customs territory
        ("GB", dt.date(2021, 1, 1), "uk-dcts"),
        ("XI", dt.date(2021, 1, 1), "eu-gsp"),  # Northern Ireland
        ("DE", dt.date(2026, 11, 20), "eu-gsp"),
        ("HR", dt.date(2026, 11, 20), "eu-gsp"),
        ("MC", dt.date(2026, 11, 20), "eu-gsp"),
        ("NO", dt.date(2026, 11, 20), "no-gsp"),
        ("CH", dt.date(2026, 11, 20), "ch-gsp"),
        ("US", dt.date(2026, 11, 20), "eu-gsp"),  # reported as DESTINATION-NOT-IN-SCHEME
    ],
)
def test_default_scheme_of_the_destination(
    check: Callable[..., Checked], destination: str, day: dt.date, scheme: str
) -> None:
    assert legal.scheme_for_destination(destination, day) == scheme
    result = run(check, invoice_date=day, consignee_country=destination, as_of=day)
    assert result.summary["scheme"] == scheme
    assert ("DESTINATION-NOT-IN-SCHEME" in result.codes()) == (destination == "US")


def test_scheme_given_in_the_workbook_wins(check: Callable[..., Checked]) -> None:
    result = run(check, scheme="eu-gsp", **UK)
    assert result.summary["scheme"] == "eu-gsp"
    finding = the(result, "DESTINATION-NOT-IN-SCHEME")
    assert "destination 'GB' is not in the importing territory of eu-gsp" in finding.message


# -- Indonesia from 2027-01-01 --------------------------------------------------------------


def test_indonesia_not_a_beneficiary_from_2027_points_to_the_cepa(
    check: Callable[..., Checked],
) -> None:
    day = dt.date(2027, 1, 4)
    result = run(check, invoice_date=day, expected_import_date=dt.date(2027, 2, 1), as_of=day)
    finding = the(result, "COUNTRY-NOT-BENEFICIARY")
    assert finding.severity == ERROR
    assert (
        "Indonesia (ID) is not a beneficiary of the Generalised System of Preferences of the European "
        "Union on 2027-02-01, the expected release of the goods: its last day was 2026-12-31" in finding.message
    )
    assert CEPA_HINT in finding.message
    assert "uk-dcts (Developing Countries Trading Scheme of the United Kingdom, for goods into GB)" in finding.message
    assert "2027-01-01" not in finding.message  # the CEPA's date of application is unknown
    assert "[V2]" in finding.reference


@pytest.mark.parametrize(
    ("invoice_date", "import_date", "severity"),
    [
        (dt.date(2026, 12, 1), dt.date(2027, 1, 10), ERROR),
        (dt.date(2026, 11, 20), DROP, WARNING),  # 41 days before the end, no import date
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31), None),  # released on the last day
        (dt.date(2026, 8, 1), DROP, None),  # more than 120 days before the end
    ],
)
def test_gsp_ends_before_import_points_to_the_cepa(
    check: Callable[..., Checked], invoice_date: dt.date, import_date: Any, severity: Any
) -> None:
    result = run(
        check,
        invoice_date=invoice_date,
        expected_import_date=import_date,
        as_of=invoice_date + dt.timedelta(days=1),
    )
    if severity is None:
        assert "GSP-ENDS-BEFORE-IMPORT" not in result.codes()
        return
    finding = the(result, "GSP-ENDS-BEFORE-IMPORT")
    assert finding.severity == severity
    assert CEPA_HINT in finding.message
    assert "final act not seen" in finding.reference and "[V2]" in finding.reference


def test_uk_dcts_still_covers_indonesia_in_2027(check: Callable[..., Checked]) -> None:
    day = dt.date(2027, 1, 4)
    result = run(check, invoice_date=day, expected_import_date=dt.date(2027, 2, 1), as_of=day, **UK)
    assert not {"COUNTRY-NOT-BENEFICIARY", "GSP-ENDS-BEFORE-IMPORT"} & set(result.codes())


def test_cepa_scheme_is_not_usable_yet(
    check: Callable[..., Checked], cli: Callable[..., Result], tmp_path: Path
) -> None:
    day = dt.date(2027, 1, 4)
    result = run(
        check,
        scheme="eu-id-cepa",
        invoice_date=day,
        expected_import_date=dt.date(2027, 2, 1),
        as_of=day,
    )
    finding = the(result, "SCHEME-UNSUPPORTED")
    assert finding.severity == ERROR
    assert (
        "scheme 'eu-id-cepa' cannot be used: the text of the CEPA statement on origin is not yet "
        "in rexdecl's data (not confirmed) (EU-Indonesia Comprehensive Economic Partnership Agreement: "
        "concluded 2025-09-23, not in force, date of application unknown). Use one of eu-gsp, uk-dcts, "
        "no-gsp, ch-gsp"
    ) in finding.message
    workbook = make_workbook(tmp_path, shipment_with(scheme="eu-id-cepa"))
    write_registration(tmp_path / "registration.toml")
    generated = cli(["generate", workbook, "--out", tmp_path / "out", "--as-of", AS_OF.isoformat()])
    assert generated.exit_code == 1 and "SCHEME-UNSUPPORTED" in generated.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# -- facts not confirmed carry their evidence mark -------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code", "containing", "marks"),
    [
        pytest.param(
            dict(invoice_date=dt.date(2026, 12, 1), expected_import_date=dt.date(2027, 1, 10)),
            "GSP-ENDS-BEFORE-IMPORT",
            "",
            ["[V2]"],
            id="indonesia-leaves-gsp",
        ),
        pytest.param(
            dict(invoice_date=dt.date(2027, 1, 4), as_of=dt.date(2027, 1, 4), expected_import_date=DROP),
            "COUNTRY-NOT-BENEFICIARY",
            "",
            ["[V2]"],
            id="indonesia-not-beneficiary",
        ),
        pytest.param(
            dict(SWITZERLAND),
            "DATA-MISSING",
            "wording",
            ["[R]"],
            id="switzerland-wording-recalled",
        ),
        pytest.param(
            dict(invoice_date=dt.date(2025, 10, 1), expected_import_date=DROP),
            "STATEMENT-AGE",
            "",
            ["[V]", "[V2]"],
            id="statement-validity",
        ),
        pytest.param(
            dict(registration_on=dt.date(2026, 12, 1)),
            "REX-NOT-YET-VALID",
            "",
            ["[V]"],
            id="registration-effective-date",
        ),
    ],
)
def test_findings_on_unconfirmed_facts_carry_the_mark(
    check: Callable[..., Checked],
    kwargs: dict[str, Any],
    code: str,
    containing: str,
    marks: list[str],
) -> None:
    kwargs = dict(kwargs)
    as_of = kwargs.pop("as_of", AS_OF)
    registration: Any = True
    if "registration_on" in kwargs:
        registration = [dict(BASE_REGISTRATION, registered_on=kwargs.pop("registration_on"))]
    result = check(shipment=shipment_with(**kwargs), items=[BASE_ITEM], registration=registration, as_of=as_of)
    finding = the(result, code, containing)
    for mark in marks:
        assert mark in finding.reference, (mark, finding.reference)
