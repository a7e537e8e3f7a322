"""Audit of ``rexdecl lint`` (black-box): regressions for the discrepancies found."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_lint import EN, FR, REX, _paragraph_pdf, codes, lint

import rexdecl.cli
import rexdecl.cli.lint
from rexdecl.errors import UnreadableInput
from rexdecl.lint import lint_file


@pytest.mark.parametrize("content", [b"", b"  \n\t\n", "\ufeff".encode()], ids=["empty", "blank", "bom-only"])
@pytest.mark.parametrize("name", ["statement.txt", "statement.md", "statement"])
def test_empty_text_file_is_unusable_input(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableInput) as caught:
        lint_file(path)
    assert "found an empty file" in caught.value.problems[0].message


def test_cli_empty_text_file_exits_2(tmp_path: Path) -> None:
    group = rexdecl.cli.make_cli()
    rexdecl.cli.lint.register(group)
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = CliRunner().invoke(group, ["lint", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "found an empty file" in result.stderr
    assert "Traceback" not in result.output


def test_markdown_blockquote_wrapped_over_lines(tmp_path: Path) -> None:
    quoted = "\n".join("> " + line for line in textwrap.wrap(EN, 50))
    path = tmp_path / "statement.md"
    path.write_text(f"# Invoice\n\n**Statement on origin**\n\n{quoted}\n", encoding="utf-8")
    report = lint_file(path)
    assert report.findings == ()
    assert [(s.scheme, s.country, s.identifier) for s in report.statements] == [("eu-gsp", "Indonesia", REX)]
    assert report.statements[0].location.part == "line 5"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_text_file_with_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    data = EN.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "statement.txt"
    path.write_bytes(data)
    report = lint_file(path)
    assert report.findings == ()
    assert report.exit_code == 0
    assert len(report.statements) == 1


@pytest.mark.parametrize("country", ["Indonesia5", "Indonesia 5", "Indonesian5"])
def test_superscript_marker_extracted_inline_after_the_country(country: str) -> None:
    report = lint(EN.replace("Indonesia", country, 1))
    assert codes(report) == ["LINT-FOOTNOTE-MARKER"]
    assert 'the footnote marker "5"' in report.findings[0].message
    assert report.exit_code == 1


def test_superscript_marker_in_a_pdf(tmp_path: Path) -> None:
    text = EN.replace("of Indonesia", "of Indonesia<super>5</super>")
    pdf = _paragraph_pdf(tmp_path / "s.pdf", [[text]])
    report = lint_file(pdf)
    assert [(f.code, f.location.part) for f in report.findings] == [("LINT-FOOTNOTE-MARKER", "page 1")]


def test_country_with_digits_only_is_still_a_country_error() -> None:
    assert codes(lint(EN.replace("Indonesia", "12", 1))) == ["LINT-COUNTRY"]


@pytest.mark.parametrize(("statement", "example"), [(EN, "Indonesia"), (FR, "Indonésie")], ids=["en", "fr"])
def test_missing_country_message_gives_the_example_in_the_statements_language(statement: str, example: str) -> None:
    country = "Indonesia" if statement is EN else "indonésienne"
    report = lint(statement.replace(f" {country} ", " "))
    country_findings = [f for f in report.findings if f.code == "LINT-COUNTRY"]
    assert len(country_findings) == 1, codes(report)
    assert f'e.g. "{example}"' in country_findings[0].message
