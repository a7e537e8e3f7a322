"""The ISO 4217 minor units shipped in rexdecl/data: the file is what its generator writes
from the ISO list one, its source and date are named, and the generator reads a list one
as published (a code listed for several countries once, "N.A." kept, no currency skipped)."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from pathlib import Path

import pytest

from rexdecl.amounts import ISO_4217_FILE, iso_4217_minor_units
from rexdecl.data.make_iso4217 import COLUMNS, main, rows_from_list_one, to_csv

DATA = resources.files("rexdecl.data")

LIST_ONE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ISO_4217 Pblshd="2026-01-01">
\t<CcyTbl>
\t\t<CcyNtry>
\t\t\t<CtryNm>ANTARCTICA</CtryNm>
\t\t\t<CcyNm>No universal currency</CcyNm>
\t\t</CcyNtry>
\t\t<CcyNtry>
\t\t\t<CtryNm>INDONESIA</CtryNm>
\t\t\t<CcyNm>Rupiah</CcyNm>
\t\t\t<Ccy>IDR</Ccy>
\t\t\t<CcyNbr>360</CcyNbr>
\t\t\t<CcyMnrUnts>2</CcyMnrUnts>
\t\t</CcyNtry>
\t\t<CcyNtry>
\t\t\t<CtryNm>COMOROS (THE)</CtryNm>
\t\t\t<CcyNm>Comorian Franc </CcyNm>
\t\t\t<Ccy>KMF</Ccy>
\t\t\t<CcyNbr>174</CcyNbr>
\t\t\t<CcyMnrUnts>0</CcyMnrUnts>
\t\t</CcyNtry>
\t\t<CcyNtry>
\t\t\t<CtryNm>TIMOR-LESTE</CtryNm>
\t\t\t<CcyNm>US Dollar</CcyNm>
\t\t\t<Ccy>USD</Ccy>
\t\t\t<CcyNbr>840</CcyNbr>
\t\t\t<CcyMnrUnts>2</CcyMnrUnts>
\t\t</CcyNtry>
\t\t<CcyNtry>
\t\t\t<CtryNm>BOLIVIA (PLURINATIONAL STATE OF)</CtryNm>
\t\t\t<CcyNm IsFund="true">Mvdol</CcyNm>
\t\t\t<Ccy>BOV</Ccy>
\t\t\t<CcyNbr>984</CcyNbr>
\t\t\t<CcyMnrUnts>2</CcyMnrUnts>
\t\t</CcyNtry>
\t\t<CcyNtry>
\t\t\t<CtryNm>ZZ08_Gold</CtryNm>
\t\t\t<CcyNm>Gold</CcyNm>
\t\t\t<Ccy>XAU</Ccy>
\t\t\t<CcyNbr>959</CcyNbr>
\t\t\t<CcyMnrUnts>N.A.</CcyMnrUnts>
\t\t</CcyNtry>
\t\t<CcyNtry>
\t\t\t<CtryNm>UNITED STATES OF AMERICA (THE)</CtryNm>
\t\t\t<CcyNm>US Dollar</CcyNm>
\t\t\t<Ccy>USD</Ccy>
\t\t\t<CcyNbr>840</CcyNbr>
\t\t\t<CcyMnrUnts>2</CcyMnrUnts>
\t\t</CcyNtry>
\t</CcyTbl>
</ISO_4217>
"""

SOURCE = "ISO 4217 list one (Table A.1) published 2026-01-01"


def shipped_text() -> str:
    return DATA.joinpath(ISO_4217_FILE).read_text(encoding="utf-8")


def shipped_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(shipped_text())))


def test_generator_reads_a_list_one() -> None:
    published, rows = rows_from_list_one(LIST_ONE.encode())
    assert published == "2026-01-01"
    assert to_csv(rows) == (
        "code,numeric,minor_units,currency,mark,source\n"
        f"BOV,984,2,Mvdol,V,{SOURCE}\n"
        f"IDR,360,2,Rupiah,V,{SOURCE}\n"
        f"KMF,174,0,Comorian Franc,V,{SOURCE}\n"
        f"USD,840,2,US Dollar,V,{SOURCE}\n"
        f"XAU,959,N.A.,Gold,V,{SOURCE}\n"
    )


def test_generator_refuses_a_code_listed_with_two_minor_units() -> None:
    conflicting = LIST_ONE.replace(
        "<CtryNm>UNITED STATES OF AMERICA (THE)</CtryNm>\n\t\t\t<CcyNm>US Dollar</CcyNm>\n\t\t\t<Ccy>USD</Ccy>\n"
        "\t\t\t<CcyNbr>840</CcyNbr>\n\t\t\t<CcyMnrUnts>2</CcyMnrUnts>",
        "<CtryNm>UNITED STATES OF AMERICA (THE)</CtryNm>\n\t\t\t<CcyNm>US Dollar</CcyNm>\n\t\t\t<Ccy>USD</Ccy>\n"
        "\t\t\t<CcyNbr>840</CcyNbr>\n\t\t\t<CcyMnrUnts>0</CcyMnrUnts>",
    )
    assert conflicting != LIST_ONE
    with pytest.raises(ValueError, match="USD is listed twice"):
        rows_from_list_one(conflicting.encode())


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><ISO_4217><CcyTbl/></ISO_4217>',  # no publication date
        b'<?xml version="1.0"?><ISO_4217 Pblshd="2026-01-01"><HstrcCcyTbl/></ISO_4217>',  # list three
        b'<?xml version="1.0"?><html/>',
    ],
)
def test_generator_refuses_what_is_not_a_list_one(xml: bytes) -> None:
    with pytest.raises(ValueError, match="not an ISO 4217 list one"):
        rows_from_list_one(xml)


def test_generator_command_writes_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rexdecl.data.make_iso4217 as generator

    source = tmp_path / "list-one.xml"
    source.write_text(LIST_ONE, encoding="utf-8")
    monkeypatch.setattr(generator, "OUTPUT", tmp_path / ISO_4217_FILE)
    assert main([str(source)]) == 0
    assert (tmp_path / ISO_4217_FILE).read_text(encoding="utf-8").splitlines()[2] == f"IDR,360,2,Rupiah,V,{SOURCE}"
    assert main([]) == 2


def test_shipped_file_is_what_the_generator_writes() -> None:
    """Same columns, order, quoting and line ends as the generator's output: regenerating
    from the same list gives no diff."""
    rows = shipped_rows()
    assert tuple(rows[0]) == COLUMNS
    assert to_csv(rows) == shipped_text()
    assert [row["code"] for row in rows] == sorted({row["code"] for row in rows})


def test_shipped_file_is_one_iso_publication() -> None:
    rows = shipped_rows()
    assert len(rows) > 150  # the whole list, not an excerpt
    sources = {row["source"] for row in rows}
    assert len(sources) == 1
    (source,) = sources
    published = re.fullmatch(r"ISO 4217 list one \(Table A\.1\) published (\d{4}-\d{2}-\d{2})", source)
    assert published, source
    assert {row["mark"] for row in rows} == {"V"}
    for row in rows:
        assert re.fullmatch(r"[A-Z]{3}", row["code"]), row
        assert re.fullmatch(r"\d{3}", row["numeric"]), row
        assert re.fullmatch(r"[0-4]|N\.A\.", row["minor_units"]), row
    # SOURCES.md names this file and the same publication.
    sources_md = DATA.joinpath("SOURCES.md").read_text(encoding="utf-8")
    row_md = next(line for line in sources_md.splitlines() if line.startswith(f"| `{ISO_4217_FILE}`"))
    assert published.group(1) in row_md


def test_minor_units_table_leaves_out_not_applicable() -> None:
    table = iso_4217_minor_units()
    assert table["IDR"] == 2 and table["JPY"] == 0 and table["KWD"] == 3
    not_applicable = {row["code"] for row in shipped_rows() if row["minor_units"] == "N.A."}
    assert {"XAU", "XDR", "XXX"} <= not_applicable
    assert not not_applicable & set(table)
    assert iso_4217_minor_units() is table  # read once
