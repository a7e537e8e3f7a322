"""What people type into cells: dates, numbers and HS codes (workbook-format.md, "General" and
"Precise behaviour of the reader")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import BASE_ITEM, BASE_SHIPMENT, make_workbook, shipment_with
from hypothesis import given, settings
from hypothesis import strategies as st

from rexdecl.errors import UnreadableInput
from rexdecl.input.parsing import (
    CellValueError,
    clean_text,
    hs_from_number,
    parse_date,
    parse_number,
    refuse_direction_controls,
)
from rexdecl.input.workbook import read_shipment

NOV_22 = dt.date(2026, 11, 22)

# -- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO text is read as ISO, never day-first.
        ("2026-11-22", NOV_22),
        ("2026-01-02", dt.date(2026, 1, 2)),
        ("2026-02-01", dt.date(2026, 2, 1)),
        # Numeric dates other than ISO: day first.
        ("22/11/2026", NOV_22),
        ("22-11-2026", NOV_22),
        ("01/02/2026", dt.date(2026, 2, 1)),
        ("02-01-2026", dt.date(2026, 1, 2)),
        ("1/2/2026", dt.date(2026, 2, 1)),
        # English month names, full and short, any case.
        ("22 November 2026", NOV_22),
        ("22 Nov 2026", NOV_22),
        ("22 november 2026", NOV_22),
        ("22 NOV 2026", NOV_22),
        ("5 May 2026", dt.date(2026, 5, 5)),
        ("1 August 2024", dt.date(2024, 8, 1)),
        # Indonesian month names.
        ("22 Nopember 2026", NOV_22),
        ("15 Maret 2022", dt.date(2022, 3, 15)),
        ("1 Agustus 2024", dt.date(2024, 8, 1)),
        ("17 Januari 2025", dt.date(2025, 1, 17)),
        ("3 Februari 2025", dt.date(2025, 2, 3)),
        ("9 Mei 2025", dt.date(2025, 5, 9)),
        ("30 Juni 2025", dt.date(2025, 6, 30)),
        ("4 Juli 2025", dt.date(2025, 7, 4)),
        ("10 Oktober 2025", dt.date(2025, 10, 10)),
        ("25 Desember 2025", dt.date(2025, 12, 25)),
        ("22 November 2026", NOV_22),  # same word in both languages
        # Surrounding spaces and invisible characters are trimmed.
        ("  2026-11-22 ", NOV_22),
        ("\u00a022/11/2026\u200b", NOV_22),
        ("\ufeff22 Nov 2026", NOV_22),
    ],
)
def test_date_text_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_real_excel_dates() -> None:
    assert parse_date(dt.datetime(2026, 11, 22, 0, 0)) == NOV_22
    assert parse_date(NOV_22) == NOV_22


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",  # no 31 February
        "29/02/2026",  # 2026 is not a leap year
        "2026-02-30",
        "2026-13-01",
        "32/01/2026",
        "31 April 2026",
        "30 Pebruari 2026",
        "22 Novembre 2026",  # not a month name we know
        "22.11.26",
        "tomorrow",
        "",
        "2026/11",
        "11/22/2026",  # month-first: the 22nd month does not exist
    ],
)
def test_impossible_or_unreadable_dates(text: str) -> None:
    with pytest.raises(CellValueError):
        parse_date(text)


def test_leap_day() -> None:
    assert parse_date("29/02/2028") == dt.date(2028, 2, 29)


def test_iso_is_never_read_day_first() -> None:
    # 2026-03-04 is 4 March, not 3 April.
    assert parse_date("2026-03-04") == dt.date(2026, 3, 4)
    # and day-first text is never month-first.
    assert parse_date("03/04/2026") == dt.date(2026, 4, 3)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2026, 11, 22), NOV_22),
        ("2026-11-22", NOV_22),
        ("22/11/2026", NOV_22),
        ("22-11-2026", NOV_22),
        ("22 November 2026", NOV_22),
        ("22 Nov 2026", NOV_22),
        ("22 Nopember 2026", NOV_22),
    ],
)
def test_dates_through_the_workbook(tmp_path: Path, cell: object, expected: dt.date) -> None:
    path = make_workbook(tmp_path, shipment_with(invoice_date=cell))
    assert read_shipment(path).shipment.invoice_date == expected


def test_impossible_date_in_a_workbook_names_the_cell(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, shipment_with(invoice_date="31/02/2026"))
    with pytest.raises(UnreadableInput) as caught:
        read_shipment(path)
    (problem,) = caught.value.problems
    assert problem.location.file == str(path)
    assert problem.location.sheet == "Shipment"
    row = list(BASE_SHIPMENT).index("invoice_date") + 2  # after the field|value header
    assert problem.location.cell == f"B{row}"
    assert "31/02/2026" in problem.message
    assert "invoice_date" in problem.message


# -- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("1.234.567", "1234567"),  # a separator that occurs more than once groups
        ("1,234,567", "1234567"),
        ("0,5", "0.5"),  # one separator not followed by three digits: decimal
        ("12.50", "12.50"),
        ("12,50", "12.50"),
        ("1234.5", "1234.5"),
        ("1234,5678", "1234.5678"),
        ("1.234,5", "1234.5"),  # both: the last one is the decimal separator
        ("1,234.5", "1234.5"),
        ("1,234.567", "1234.567"),  # both present: not ambiguous
        ("1.234,567", "1234.567"),
        ("17500", "17500"),
        ("-12.50", "-12.50"),
        ("  12.50\u00a0", "12.50"),
        ("0", "0"),
        # a thousands group never follows a lone 0: not ambiguous
        ("0.335", "0.335"),
        ("0,125", "0.125"),
        ("-0,125", "-0.125"),
    ],
)
def test_number_text(text: str, expected: str) -> None:
    value = parse_number(text)
    assert value == Decimal(expected)
    assert isinstance(value, Decimal)


@pytest.mark.parametrize("text", ["1.234", "1,234", "17.500", "17,500", "999.999"])
def test_one_separator_and_three_digits_is_ambiguous(text: str) -> None:
    with pytest.raises(CellValueError) as caught:
        parse_number(text)
    assert text in caught.value.found
    assert "number_format" in caught.value.expected


@pytest.mark.parametrize(
    ("text", "number_format", "expected"),
    [
        ("1.234", "id", "1234"),
        ("1,234", "id", "1.234"),
        ("1.234", "en", "1.234"),
        ("1,234", "en", "1234"),
        ("17.500", "id", "17500"),
        ("17.500", "en", "17.5"),
        # unambiguous text reads the same whatever number_format says
        ("0,5", "en", "0.5"),
        ("12.50", "id", "12.50"),
        ("1.234.567,89", "en", "1234567.89"),
    ],
)
def test_number_format_settles_the_ambiguity(text: str, number_format: str, expected: str) -> None:
    assert parse_number(text, number_format) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1250, "1250"), (12.5, "12.5"), (0.1, "0.1"), (1.08, "1.08"), (7200.0, "7200.0")],
)
def test_real_numbers_go_through_str(value: float, expected: str) -> None:
    # Decimal(str(x)), not Decimal(x): 0.1 stays 0.1, not 0.1000000000000000055...
    assert parse_number(value) == Decimal(expected)
    assert str(parse_number(0.1)) == "0.1"


@pytest.mark.parametrize(
    "text",
    [
        "12 EUR",
        "€ 12",
        "12.5.5,",
        "1.23.4",
        "12,34,567",
        "1,2.3",
        "12,",
        "abc",
        "1e5",
        "",
        "--5",
        "1,2,3.4.5,6",
    ],
)
def test_not_numbers(text: str) -> None:
    with pytest.raises(CellValueError):
        parse_number(text)


def test_ambiguous_number_in_a_workbook_names_the_cell(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, items=[dict(BASE_ITEM, unit_price="1.234", amount=None)])
    with pytest.raises(UnreadableInput) as caught:
        read_shipment(path)
    (problem,) = caught.value.problems
    assert (problem.location.sheet, problem.location.cell) == ("Items", "F2")
    assert "1.234" in problem.message
    assert str(path) in str(problem)


@pytest.mark.parametrize(("number_format", "expected"), [("id", Decimal("1234")), ("en", Decimal("1.234"))])
def test_number_format_field_applies_to_the_whole_workbook(
    tmp_path: Path, number_format: str, expected: Decimal
) -> None:
    path = make_workbook(
        tmp_path,
        shipment_with(number_format=number_format, invoice_total="1.234"),
        items=[dict(BASE_ITEM, unit_price="1.234", quantity="1", amount=None)],
        materials=[{"line": 1, "description": "Teak", "hs_code": "4407", "origin": "ID", "value": "1.234"}],
    )
    read = read_shipment(path)
    assert read.items[0].unit_price == expected
    assert read.shipment.invoice_total == expected
    assert read.materials is not None and read.materials[0].value == expected


def test_number_format_is_case_insensitive_and_checked(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, shipment_with(number_format="ID", invoice_total="1.234"))
    assert read_shipment(path).shipment.invoice_total == Decimal("1234")
    path = make_workbook(tmp_path, shipment_with(number_format="de"), name="bad.xlsx")
    with pytest.raises(UnreadableInput) as caught:
        read_shipment(path)
    assert "number_format" in str(caught.value)


# -- HS codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (90111, "090111"),  # a 5-digit whole number lost its leading zero
        (9011100, "09011100"),  # 7 digits
        (901110000, "0901110000"),  # 9 digits
        (940360, "940360"),
        (94036010, "94036010"),
        (9403.6, "940360"),  # heading.subheading
        (6214.9, "621490"),
        (901.11, "090111"),
        (6214.1, "621410"),
        (9403.61, "940361"),
        (4407.22, "440722"),
        (Decimal("1401.20"), "140120"),
        (5208.0, "5208"),  # a whole number stored as float: just the digits
    ],
)
def test_hs_code_from_number(number: float, expected: str) -> None:
    assert hs_from_number(number) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (90111, "090111"),
        (9403.6, "940360"),
        (6214.9, "621490"),
        (901.11, "090111"),
        ("6214.90", "6214.90"),
    ],
)
def test_hs_code_cells(tmp_path: Path, cell: object, expected: str) -> None:
    path = make_workbook(tmp_path, items=[dict(BASE_ITEM, hs_code=cell)])
    assert read_shipment(path).items[0].hs_code == expected


def test_text_values_trimmed(tmp_path: Path) -> None:
    assert clean_text("\u200b\u00a0 PT Contoh \u2060\ufeff") == "PT Contoh"
    assert clean_text("a\u00a0b") == "a\u00a0b"  # only the ends


# -- never another exception ------------------------------------------------------------

_separator = st.sampled_from(["", ".", ",", "-", "/", " ", "\u00a0"])
_piece = st.one_of(
    st.integers(0, 99999).map(str),
    st.sampled_from(["Nov", "Nopember", "Maret", "Agustus", "mei", "x"]),
)
_texty = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.,-+ /\u00a0\u200bNovMaretgusJ", max_size=20),
    st.builds(lambda a, s1, b, s2, c: f"{a}{s1}{b}{s2}{c}", _piece, _separator, _piece, _separator, _piece),
)


@settings(max_examples=250, deadline=None)
@given(_texty)
def test_parse_date_returns_a_date_or_cell_error(text: str) -> None:
    try:
        value = parse_date(text)
    except CellValueError:
        return
    assert isinstance(value, dt.date)


@settings(max_examples=250, deadline=None)
@given(_texty, st.sampled_from([None, "id", "en"]))
def test_parse_number_returns_a_decimal_or_cell_error(text: str, number_format: str | None) -> None:
    try:
        value = parse_number(text, number_format)
    except CellValueError:
        return
    assert isinstance(value, Decimal)
    assert value.is_finite()


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.decimals(), st.booleans(), st.none()))
def test_parse_number_and_date_on_any_cell_value(value: object) -> None:
    for parse in (parse_number, parse_date):
        try:
            parse(value)
        except CellValueError:
            pass


# -- bounds: what the rules can compute with -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "found"),
    [
        (dt.date(9999, 12, 31), "'9999-12-31', outside the years 1900 to 2099"),
        (dt.datetime(9999, 12, 31, 0, 0), "'9999-12-31', outside the years 1900 to 2099"),
        ("9999-12-31", "'9999-12-31', outside the years 1900 to 2099"),
        ("31/12/9999", "'31/12/9999', outside the years 1900 to 2099"),
        ("1 Jan 1899", "'1 Jan 1899', outside the years 1900 to 2099"),
        (dt.date(2100, 1, 1), "'2100-01-01', outside the years 1900 to 2099"),
    ],
    ids=repr,
)
def test_dates_outside_1900_to_2099_are_refused(value: object, found: str) -> None:
    """Was: 9999-12-31 was read, and the date rules' arithmetic crashed on it (exit 3)."""
    with pytest.raises(CellValueError) as caught:
        parse_date(value)
    assert caught.value.found == found


@pytest.mark.parametrize("value", [dt.date(1900, 1, 1), dt.date(2099, 12, 31), "31/12/2099", "1 Januari 1900"])
def test_dates_at_the_ends_of_the_range_are_read(value: object) -> None:
    assert dt.date(1900, 1, 1) <= parse_date(value) <= dt.date(2099, 12, 31)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), Decimal("Infinity")], ids=repr)
def test_an_hs_code_that_is_not_a_finite_number(value: float | Decimal) -> None:
    """Was: 1e309 (infinity in a cell) as an HS code raised OverflowError (exit 3)."""
    with pytest.raises(CellValueError) as caught:
        hs_from_number(value)
    assert (caught.value.found, caught.value.expected) == (f"the number {value}", "an HS code")


@pytest.mark.parametrize(
    ("text", "control"),
    [
        ("pdf\u202eexe.txt", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("a\u202ab", "U+202A LEFT-TO-RIGHT EMBEDDING"),
        ("a\u202cb", "U+202C POP DIRECTIONAL FORMATTING"),
        ("a\u2066b\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("a\u2068b", "U+2068 FIRST STRONG ISOLATE"),
    ],
)
def test_direction_controls_are_refused(text: str, control: str) -> None:
    with pytest.raises(CellValueError) as caught:
        refuse_direction_controls(text)
    assert caught.value.found == f"text holding the direction control {control}"


@pytest.mark.parametrize("text", ["PT Contoh", '\u05d7\u05d1\u05e8\u05ea \u200f(\u05d1\u05e2"\u05de)\u200e', "شركة"])
def test_right_to_left_text_and_direction_marks_are_kept(text: str) -> None:
    assert refuse_direction_controls(text) == text
